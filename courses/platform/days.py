"""Days as pages write them, for lists that show many of them.

Each function writes a day exactly as the template's date filter does with the format it names
(the same formatting, so the same words in every language), at a fraction of its cost: what a
day reads as depends only on the day, the format and the language, so each is worked out once
per process. A moment is written as its day where the site is (the current time zone), as the
filter does; a date is written as it is.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.translation import get_language


def day(moment: datetime.date | None) -> str:
    """ "j M Y": 2 Mar 2026; an empty string for no moment."""
    return "" if moment is None else _written(_local(moment), "j M Y", get_language())


def day_month(moment: datetime.date) -> str:
    """ "j M": 2 Mar (a due date in the team grid, where the year goes without saying)."""
    return _written(_local(moment), "j M", get_language())


def weekday_day(moment: datetime.date) -> str:
    """ "D j M Y": Mon 2 Mar 2026."""
    return _written(_local(moment), "D j M Y", get_language())


def long_day(moment: datetime.date) -> str:
    """ "j F Y": 2 March 2026."""
    return _written(_local(moment), "j F Y", get_language())


def _local(value: datetime.date) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


@lru_cache(maxsize=4096)
def _written(value: datetime.date, format: str, language: str | None) -> str:
    return dateformat.format(value, format)
