"""The form that places a site's pin by hand (a map fills it in when JavaScript runs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField
from wtforms.validators import InputRequired, NumberRange


class CoordinateField(FloatField):
    """A decimal degree, typed with a decimal point or comma."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([value.strip().replace(",", ".") for value in valuelist])


class SiteLocationForm(FlaskForm):
    latitude = CoordinateField(_l("Latitude"), validators=[InputRequired(), NumberRange(-90, 90)],
                               render_kw={"inputmode": "decimal", "autocomplete": "off", "data-pin-latitude": ""})
    longitude = CoordinateField(_l("Longitude"), validators=[InputRequired(), NumberRange(-180, 180)],
                                render_kw={"inputmode": "decimal", "autocomplete": "off", "data-pin-longitude": ""})

    def for_site(self, site_id: int) -> SiteLocationForm:
        """Give the inputs ids of their own: the customer page has one such form per site."""
        for field in (self.latitude, self.longitude):
            field.id = f"site-{site_id}-{field.name}"
        return self
