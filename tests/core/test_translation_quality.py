"""The Dutch and German catalogues are sound: placeholders kept, nothing fuzzy, compilable, glossary kept."""

import re
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext

from dispatch.i18n import locale_for

TRANSLATIONS = Path(__file__).resolve().parents[2] / "dispatch" / "translations"
LANGUAGES = ["nl", "de"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
# Words the glossary at the top of each catalogue rules out (a job is an "opdracht" / "Auftrag", ...).
OFF_GLOSSARY = {
    "nl": re.compile(r"\b(jobs?|technicus|technici|asset|werkorders?|btw-nr)\b", re.IGNORECASE),
    "de": re.compile(r"\b(Jobs?|Monteure?|Assets?|MwSt|Lieferschein)\b"),
}


def catalogue(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def messages(language):
    return [message for message in catalogue(language) if message.id]


def strings(message):
    """(source, translation) pairs of a message, one per plural form."""
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    return [(message.id[min(index, 1)], text) for index, text in enumerate(message.string)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(language):
    loaded = catalogue(language)
    assert not loaded.fuzzy, "a fuzzy header makes pybabel compile skip the whole catalogue"
    assert loaded.num_plurals == 2 and loaded.plural_expr == "(n != 1)"
    fuzzy = [message.id for message in loaded if message.id and message.fuzzy]
    empty = [message.id for message in loaded if message.id and not all(text for _, text in strings(message))]
    assert not fuzzy, fuzzy
    assert not empty, empty
    assert len(messages(language)) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_babel_finds_no_errors(language):
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalogue(language).check()]
    assert not problems, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept_exactly(language):
    """Every %(name)s and %% of the English text is in the translation, and nothing else is added."""
    wrong = []
    for message in messages(language):
        for source, text in strings(message):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((source, text))
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_format_like_their_source(language):
    """Jinja's gettext always applies %-formatting, so a stray % in a translation would break a page."""
    broken = []
    for message in messages(language):
        for source, text in strings(message):
            values = {name: "x" for name in re.findall(r"%\((\w+)\)", source)}
            try:
                source % values
            except (TypeError, ValueError, KeyError):
                continue  # a Python-only string shown without formatting
            try:
                text % values
            except (TypeError, ValueError, KeyError) as error:
                broken.append((source, text, str(error)))
    assert not broken, broken


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_markup_is_added(language):
    """Translations are inserted into pages unescaped: they may carry markup only where the source does."""
    added = [(source, text) for message in messages(language) for source, text in strings(message)
             if any(char in text and char not in source for char in "<>&")]
    assert not added, added


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_is_kept(language):
    off = [(source, text) for message in messages(language) for source, text in strings(message)
           if OFF_GLOSSARY[language].search(text) and not OFF_GLOSSARY[language].search(source)]
    assert not off, off


@pytest.mark.parametrize(("language", "password"), [("nl", "Wachtwoord"), ("de", "Passwort")])
def test_catalogue_compiles_and_loads(language, password):
    loaded = catalogue(language)
    compiled = BytesIO()
    write_mo(compiled, loaded)
    compiled.seek(0)
    translations = GNUTranslations(compiled)
    assert translations.gettext("Password") == password
    assert translations.gettext("Invoice %(number)s") % {"number": "2026-1"} != "Invoice 2026-1"


@pytest.mark.parametrize(("language", "subject", "heading"), [
    ("nl", "Uw werkbon voor opdracht J-2026-000042", "Werkbon J-2026-000042"),
    ("de", "Ihr Arbeitsnachweis für Auftrag J-2026-000042", "Arbeitsnachweis J-2026-000042"),
    ("en", "Your delivery receipt for job J-2026-000042", "Delivery receipt J-2026-000042"),
])
def test_customer_language_reaches_the_compiled_catalogue(app, language, subject, heading):
    """A customer's language code maps to a locale (nl -> nl_NL) that the app's compiled catalogues serve."""
    with force_locale(locale_for(language)):
        assert gettext("Your delivery receipt for job %(number)s", number="J-2026-000042") == subject
        assert gettext("Delivery receipt %(number)s", number="J-2026-000042") == heading
