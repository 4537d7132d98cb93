"""Custom ticket fields: an admin defines them (text, number, date, choice, checkbox); tickets carry values."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dispatch import audit
from dispatch.desk.models import CustomField
from dispatch.enums import CustomFieldType
from dispatch.errors import Conflict, Invalid, get_or_not_found
from dispatch.extensions import db

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EDITABLE = ("label", "field_type", "choices", "required", "active", "position")
MAX_TEXT = 2000
MAX_NUMBER = Decimal("1e15")  # bounds int() of an exponent like 1e999999
TRUE_WORDS = ("y", "yes", "on", "true", "1")
FALSE_WORDS = ("n", "no", "off", "false", "0")
# Errors name ``custom_fields.<key>``: the API's problem document and the forms find the field by it.
PREFIX = "custom_fields."


def fields(active_only: bool = False) -> list[CustomField]:
    """The custom fields in their display order."""
    statement = select(CustomField).order_by(CustomField.position, CustomField.id)
    if active_only:
        statement = statement.where(CustomField.active.is_(True))
    return list(db.session.scalars(statement))


def get_field(field_id: int) -> CustomField:
    """The custom field, or NotFound."""
    return get_or_not_found(CustomField, field_id, _l("Custom field %(id)s does not exist.", id=field_id))


def create_field(data: dict[str, Any], actor_id: int | None) -> CustomField:
    """Define a new ticket field; its key is fixed from then on (tickets store values under it)."""
    key = (data.get("key") or "").strip()
    if not KEY.match(key):
        raise Invalid(_("Invalid key."), errors={"key": [
            _("Lower-case letters, digits and underscores, starting with a letter, at most 40.")]})
    if db.session.scalar(select(CustomField.id).where(CustomField.key == key)) is not None:
        raise Conflict(_("A field with this key exists."), code="duplicate_key",
                       errors={"key": [_("This key is taken.")]})
    field = CustomField(key=key, label="", field_type=CustomFieldType.TEXT, choices=[])
    _apply(field, {"field_type": CustomFieldType.TEXT, "required": False, "active": True, "position": 0} | data)
    db.session.add(field)
    db.session.flush()
    audit.record("custom_field.created", field, actor_id, key=key)
    return field


def update_field(field: CustomField, data: dict[str, Any], actor_id: int | None) -> CustomField:
    """Change a field's label, type, choices, required, active or position."""
    _apply(field, data)
    audit.record("custom_field.updated", field, actor_id, changed=sorted(set(data) & set(EDITABLE)))
    return field


def _apply(field: CustomField, data: dict[str, Any]) -> None:
    for name in EDITABLE:
        if name in data:
            setattr(field, name, data[name])
    field.label = (field.label or "").strip()
    if not field.label:
        raise Invalid(_("A label is required."), errors={"label": [_("This field is required.")]})
    field.field_type = CustomFieldType(field.field_type)
    choices = [str(choice).strip() for choice in (field.choices or []) if str(choice).strip()]
    if field.field_type == CustomFieldType.CHOICE and not choices:
        raise Invalid(_("A choice field needs choices."), errors={"choices": [_("Give at least one choice.")]})
    field.choices = choices if field.field_type == CustomFieldType.CHOICE else []


def delete_field(field: CustomField, actor_id: int | None) -> None:
    """Remove a field definition; values tickets hold stay in their data but are no longer shown."""
    audit.record("custom_field.deleted", field, actor_id, key=field.key)
    db.session.delete(field)


def validate_values(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """A ticket's custom field values checked and typed (dates as ISO text); Invalid names ``custom_fields.<key>``.

    Unknown or inactive keys are refused; ``partial`` skips the required check for fields not given.
    """
    if not isinstance(values, dict):
        raise Invalid(_("Custom fields must be an object."), errors={"custom_fields": [_("Not an object.")]})
    defined = {field.key: field for field in fields(active_only=True)}
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key, value in values.items():
        field = defined.get(key)
        if field is None:
            errors[f"{PREFIX}{key}"] = [_("No such custom field.")]
            continue
        try:
            clean[key] = _value(field, value)
        except ValueError as error:
            errors[f"{PREFIX}{key}"] = [str(error)]
    for key, field in defined.items():
        if field.required and clean.get(key) in (None, "") and not (partial and key not in values) \
                and f"{PREFIX}{key}" not in errors:
            errors[f"{PREFIX}{key}"] = [_("This field is required.")]
    if errors:
        raise Invalid(_("Some custom fields are not valid."), errors=errors)
    return clean


def _value(field: CustomField, value: Any) -> Any:
    """One value as stored, or ValueError with the reason."""
    if value is None or value == "":
        return None
    kind = field.field_type
    if kind == CustomFieldType.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ValueError(_("Text of at most %(n)s characters.", n=MAX_TEXT))
        return value.strip() or None
    if kind == CustomFieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(_("Not a number."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Not a number.")) from None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            raise ValueError(_("Not a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == CustomFieldType.DATE:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as error:
            raise ValueError(_("A date as YYYY-MM-DD.")) from error
    if kind == CustomFieldType.CHOICE:
        if value not in field.choices:
            raise ValueError(_("Choose one of: %(choices)s.", choices=", ".join(field.choices)))
        return value
    if isinstance(value, bool):
        return value
    if str(value).lower() in TRUE_WORDS:
        return True
    if str(value).lower() in FALSE_WORDS:
        return False
    raise ValueError(_("Yes or no."))
