"""Account queries on the storefront database; passwords are hashed with werkzeug."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from demo_shop.db import Database
from demo_shop.models import User


class DuplicateEmailError(Exception):
    """An account with this email already exists."""


def find_user(db: Database, email: str) -> User | None:
    """The account for ``email`` (case-insensitive), or ``None``."""
    with db.session() as session:
        query = select(User).where(func.lower(User.email) == email.strip().lower())
        return session.scalars(query).first()


def get_user(db: Database, user_id: int) -> User | None:
    """The account with ``user_id``, or ``None``."""
    with db.session() as session:
        return session.get(User, user_id)


def create_user(
    db: Database,
    email: str,
    full_name: str,
    password: str,
    *,
    synthetic_run: str | None = None,
) -> User:
    """Create an account; raises :class:`DuplicateEmailError` if the email is taken.

    ``synthetic_run`` marks an account registered by a harness run, so it can be
    found and deleted afterwards.
    """
    if find_user(db, email) is not None:
        raise DuplicateEmailError(email)
    user = User(
        email=email.strip(),
        full_name=full_name.strip(),
        password_hash=generate_password_hash(password),
        synthetic_run=synthetic_run,
    )
    try:
        with db.session() as session, session.begin():
            session.add(user)
    except IntegrityError as exc:
        # Lost a race with another registration of the same email.
        raise DuplicateEmailError(email) from exc
    return user


def delete_user(db: Database, email: str) -> str | None:
    """Delete the account for ``email`` (case-insensitive); its stored email, or ``None``."""
    with db.session() as session, session.begin():
        query = select(User).where(func.lower(User.email) == email.strip().lower())
        user = session.scalars(query).first()
        if user is None:
            return None
        session.delete(user)
        return user.email


def synthetic_users(db: Database, run: str | None = None) -> list[User]:
    """Accounts registered by harness runs (only run ``run`` when given), oldest first."""
    with db.session() as session:
        query = select(User).where(User.synthetic_run.is_not(None)).order_by(User.id)
        if run is not None:
            query = query.where(User.synthetic_run == run)
        return list(session.scalars(query))


def authenticate(db: Database, email: str, password: str) -> User | None:
    """The account if ``password`` matches, else ``None``."""
    user = find_user(db, email)
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def remember_address(db: Database, user_id: int, contact: Mapping[str, str]) -> None:
    """Save the address of the user's latest order, to pre-fill the next checkout."""
    with db.session() as session, session.begin():
        user = session.get(User, user_id)
        if user is None:
            return
        user.last_address = contact.get("address")
        user.last_city = contact.get("city")
        user.last_postal_code = contact.get("postal_code")
        user.last_country = contact.get("country")
        user.last_phone = contact.get("phone")
