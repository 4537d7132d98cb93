"""English, Dutch and German ship together: every marked string has a Dutch and German translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "dispatch" / "translations"
METHODS = [("dispatch/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "_n": (1, 2)}


def source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["nl", "de"])
def test_every_string_is_translated(language):
    catalogue_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    assert catalogue_path.exists(), f"no {language} catalogue"
    with catalogue_path.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in catalogue if message.id and message.string and not message.fuzzy
                  and (message.string if isinstance(message.string, str) else all(message.string))}
    missing = sorted(source_messages() - translated)
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:20]}"


def test_app_speaks_dutch_and_german(app, client):
    for language, word in (("nl", "Wachtwoord"), ("de", "Passwort")):
        page = client.get(f"/login?lang={language}")
        assert word in page.get_data(as_text=True), language
