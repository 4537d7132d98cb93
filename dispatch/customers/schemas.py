"""Representations of customers' sites and assets, shared by every API that shows them."""

from __future__ import annotations

from marshmallow import Schema, fields


class SiteOut(Schema):
    id = fields.Integer()
    name = fields.String()
    street = fields.String()
    postal_code = fields.String()
    city = fields.String()
    country = fields.String()
    latitude = fields.Float()
    longitude = fields.Float()
    access_notes = fields.String()


class AssetOut(Schema):
    id = fields.Integer()
    customer_id = fields.Integer()
    site_id = fields.Integer()
    product = fields.String()
    model = fields.String()
    serial_number = fields.String()
    supplier = fields.String()
    purchased_on = fields.Date()
    installed_on = fields.Date()
    parts_warranty_until = fields.Date()
    labour_warranty_until = fields.Date()
