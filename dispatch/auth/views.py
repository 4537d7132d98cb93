"""Sign in and out of the back office and the technician app; choose the interface language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from dispatch.auth.access import roles_required
from dispatch.auth.services import authenticate, set_language
from dispatch.enums import Role
from dispatch.extensions import limiter

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[
        SelectChoice("en", "English"), SelectChoice("nl", "Nederlands"), SelectChoice("de", "Deutsch")])
    next = HiddenField()


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():  # noqa: ANN201
    """The sign-in form."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():  # noqa: ANN201
    """Sign out (a POST, so that a link on another site cannot do it)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@roles_required(*Role)
def language():  # noqa: ANN201
    """Remember the signed-in user's interface language and go back to the page they were on."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(422, description=_("Unknown language."))
    set_language(current_user, form.language.data)
    return redirect(_safe_next(form.next.data)), 303


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return url_for("home.index")
    return target
