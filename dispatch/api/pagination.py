"""The API side of keyset pagination (``dispatch.pagination``): the query arguments and the page schema."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageArgs(Schema):
    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """The response schema of one page of ``item_schema`` items."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )
