"""Building blocks of the back-office forms: select options and optional inputs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, StringField
from wtforms.validators import Length, Optional


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


def optional_text(label: Any, max_length: int, field: type = StringField, **kwargs: Any) -> Any:
    """A text input that may stay empty (then None), up to ``max_length`` characters."""
    return field(label, validators=[Optional(), Length(max=max_length), *kwargs.pop("validators", [])],
                 filters=[blank_to_none], **kwargs)


def optional_int(value: Any) -> int | None:
    """Coerce a select's value to an id, the empty choice to None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def blank_to_none(value: Any) -> Any:
    """Empty text inputs mean "not given"."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def require(subform: Form, names: tuple[str, ...]) -> bool:
    """Mark the named fields of ``subform`` as required when empty; True if all are given."""
    complete = True
    for name in names:
        field = subform[name]
        if field.data in (None, "") and not field.errors:
            field.errors = [*field.errors, _l("This field is required.")]
            complete = False
    return complete
