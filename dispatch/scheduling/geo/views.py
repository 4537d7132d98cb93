"""Back-office page action: placing a site's pin by hand, from the form on the customer page."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from dispatch.auth.access import roles_required
from dispatch.customers import services as customers
from dispatch.customers.models import Site
from dispatch.customers.views import detail_page
from dispatch.enums import Role
from dispatch.errors import Invalid, get_or_not_found
from dispatch.scheduling.geo import services
from dispatch.scheduling.geo.forms import SiteLocationForm
from dispatch.web import form_failed

bp = Blueprint("geo", __name__)


@bp.app_template_global()
def site_location_form(site: Site) -> SiteLocationForm:
    """The pin form of ``site`` on a page: the one just refused, with its errors, or one with the current pin."""
    refused = g.get("refused_location")
    if refused is not None and refused[0] == site.id:
        return refused[1]
    form = SiteLocationForm(formdata=None, data={"latitude": site.latitude, "longitude": site.longitude})
    return form.for_site(site.id)


@bp.post("/sites/<int:site_id>/location")
@roles_required(Role.AGENT, Role.ADMIN)
def locate_site(site_id: int):  # noqa: ANN201
    """Place a site's pin where the agent put it."""
    site = get_or_not_found(Site, site_id, _l("Site not found."))
    form = SiteLocationForm().for_site(site.id)
    if form.validate_on_submit():
        try:
            services.set_site_location(site.id, form.latitude.data, form.longitude.data, current_user.id)
        except Invalid as error:
            form_failed(form, error)
        else:
            flash(_("The pin of %(address)s is placed.", address=site.address_line), "success")
            return redirect(url_for("customers.customer", customer_id=site.customer_id,
                                    _anchor=f"site-{site.id}"), 303)
    g.refused_location = (site.id, form)
    return detail_page(customers.get_customer(site.customer_id)), 422
