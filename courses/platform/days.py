"""Days as pages write them, for lists that show many of them.

Each function writes exactly what the template's date filter writes with the format it names
(the tests compare them over every month and weekday), for a fraction of its cost: a page of
rows would otherwise run the filter dozens of times. A moment is written as its day where the
site is (the current time zone), as the filter does; a date is written as it is.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS_ABBR


def _local(value: datetime.date) -> datetime.date:
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def day(moment: datetime.date | None) -> str:
    """ "j M Y": 2 Mar 2026; an empty string for no moment."""
    if moment is None:
        return ""
    local = _local(moment)
    return f"{local.day} {MONTHS_3[local.month].title()} {local.year:04d}"


def weekday_day(moment: datetime.date) -> str:
    """ "D j M Y": Mon 2 Mar 2026."""
    local = _local(moment)
    return (
        f"{WEEKDAYS_ABBR[local.weekday()]} {local.day} {MONTHS_3[local.month].title()} "
        f"{local.year:04d}"
    )


def long_day(moment: datetime.date) -> str:
    """ "j F Y": 2 March 2026."""
    local = _local(moment)
    return f"{local.day} {MONTHS[local.month]} {local.year:04d}"
