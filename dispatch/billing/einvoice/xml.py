"""Small helpers both e-invoice syntaxes use: element building and EN 16931 number formats."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

CENT = Decimal("0.01")


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append element ``tag`` (Clark notation) with ``text`` and ``attributes`` to ``parent``."""
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def optional(parent: etree._Element, *fields: tuple[str, str | None]) -> None:
    """Append a ``(tag, text)`` element to ``parent`` for each field that has a value, in the order given."""
    for tag, text in fields:
        if text:
            sub(parent, tag, text)


def amount(value: Decimal) -> str:
    """An amount with exactly two decimals (BR-DEC rules allow no more)."""
    return f"{Decimal(value).quantize(CENT):f}"


def decimal(value: Decimal) -> str:
    """A quantity, price or rate as written: no exponent, no trailing zeros beyond two decimals."""
    text = f"{Decimal(value).normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def serialize(root: etree._Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
