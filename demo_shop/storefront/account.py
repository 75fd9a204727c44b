"""Accounts: register, sign in, sign out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from demo_shop.context import catalog_db
from demo_shop.models import User
from demo_shop.storefront import state
from demo_shop.storefront.users import DuplicateEmailError, authenticate, create_user
from demo_shop.storefront.validation import FORM_ERROR, clean, validate_registration
from demo_shop.synthetic import synthetic_run

bp = Blueprint("account", __name__, url_prefix="/account")

DUPLICATE_EMAIL = "An account with this email already exists."
SIGN_IN_FAILED = "Incorrect email or password."


def safe_next(target: str | None) -> str:
    """``target`` if it is a local path, else ``/`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _sign_in(user: User) -> None:
    state.sign_in(state.SignedInUser(user.id, user.email, user.full_name))


@bp.route("/register", methods=["GET", "POST"])
def register() -> BaseResponse | str:
    """Create an account and sign in."""
    values = {"full_name": "", "email": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = clean(request.form, ("full_name", "email"))
        password = request.form.get("password", "")
        errors = validate_registration(values, password)
        if not errors:
            try:
                user = create_user(
                    catalog_db(),
                    values["email"],
                    values["full_name"],
                    password,
                    synthetic_run=synthetic_run(),
                )
            except DuplicateEmailError:
                errors["email"] = DUPLICATE_EMAIL
            else:
                _sign_in(user)
                flash(f"Welcome, {user.full_name}!", "status")
                return redirect("/")
    return render_template(
        "account/register.html",
        values=values,
        errors=errors,
        form_error=FORM_ERROR if errors else None,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> BaseResponse | str:
    """Sign in with email and password, then go to ``next``."""
    next_url = safe_next(request.values.get("next"))
    email = ""
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        user = authenticate(catalog_db(), email, request.form.get("password", ""))
        if user is not None:
            _sign_in(user)
            return redirect(next_url)
        error = SIGN_IN_FAILED
    return render_template("account/sign_in.html", email=email, error=error, next_url=next_url)


@bp.post("/sign-out")
def sign_out() -> BaseResponse:
    """Sign out (the cart stays)."""
    state.sign_out()
    flash("You have been signed out.", "status")
    return redirect("/")
