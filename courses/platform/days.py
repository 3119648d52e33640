"""Days as pages write them, for lists that show many of them.

Each function writes a day exactly as the template's date filter does with the named format it
uses (trainer/formats: each language writes its own), at a fraction of its cost: what a day
reads as depends only on the day, the format and the language, so each is worked out once per
process and language. A moment is written as its day where the site is (the current time zone),
as the filter does; a date is written as it is.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language


def day(moment: datetime.date | None) -> str:
    """SHORT_DATE_FORMAT: 2 Mar 2026 (2.3.2026); an empty string for no moment."""
    if moment is None:
        return ""
    return _written(_local(moment), ("SHORT_DATE_FORMAT",), get_language())


def day_month(moment: datetime.date) -> str:
    """MONTH_DAY_FORMAT: 2 Mar (2.3.), a due date in the team grid, where the year goes
    without saying."""
    return _written(_local(moment), ("MONTH_DAY_FORMAT",), get_language())


def weekday_day(moment: datetime.date) -> str:
    """The weekday, then SHORT_DATE_FORMAT: Mon 2 Mar 2026 (ma 2.3.2026)."""
    return _written(_local(moment), ("D", "SHORT_DATE_FORMAT"), get_language())


def weekday_long_day(moment: datetime.date) -> str:
    """The weekday, a comma, then DATE_FORMAT: Thursday, 10 December 2026 (torstai, 10.
    joulukuuta 2026), as an email writes a due day."""
    local, language = _local(moment), get_language()
    return f"{_written(local, ('l',), language)}, {_written(local, ('DATE_FORMAT',), language)}"


def long_day(moment: datetime.date) -> str:
    """DATE_FORMAT: 2 March 2026 (2. maaliskuuta 2026)."""
    return _written(_local(moment), ("DATE_FORMAT",), get_language())


def _local(value: datetime.date) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


@lru_cache(maxsize=4096)
def _written(value: datetime.date, formats: tuple[str, ...], language: str | None) -> str:
    return " ".join(dateformat.format(value, get_format(name)) for name in formats)
