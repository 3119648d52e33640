"""How a person is named on pages, in exports, emails and the audit log, and how a search by
person finds them."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q


def display_name(user: AbstractBaseUser) -> str:
    """The person's full name, or their username when no name is on file."""
    return user.get_full_name() or user.get_username()


def person_label(user: AbstractBaseUser) -> str:
    """A name to pick a person by in a list, where two people may share a full name."""
    name = display_name(user)
    username = user.get_username()
    return username if name == username else f"{name} ({username})"


# The words of a search that count: a longer query is a typo or a tampered address, and each
# word is four more conditions for the database.
SEARCH_WORDS = 8


def person_search(query: str, *, to_person: str = "") -> Q:
    """Who a search for `query` finds: people whose first name, last name, username or email
    holds each of its words, in any case ("dana", "Reyes", "dana reyes", "@example.com").

    `to_person` is the path from the rows searched to the person ("user", "record__user");
    empty when the rows are people.
    """
    prefix = f"{to_person}__" if to_person else ""
    found = Q()
    for word in query.split()[:SEARCH_WORDS]:
        found &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}username__icontains": word})
            | Q(**{f"{prefix}email__icontains": word})
        )
    return found
