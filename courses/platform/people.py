"""How a person is named on pages, in exports, emails and the audit log."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser


def display_name(user: AbstractBaseUser) -> str:
    """The person's full name, or their username when no name is on file."""
    return user.get_full_name() or user.get_username()


def person_label(user: AbstractBaseUser) -> str:
    """A name to pick a person by in a list, where two people may share a full name."""
    name = display_name(user)
    username = user.get_username()
    return username if name == username else f"{name} ({username})"
