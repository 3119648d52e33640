"""Numbers as the page's language writes them: "85%" and "7.5" in English, "85 %" and "7,5" in
Finnish (the separators come from trainer/formats; no grouping of thousands)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def number(value: float | int, decimals: int | None = None) -> str:
    """7.5 -> "7.5" ("7,5"); with `decimals`, rounded to that many places."""
    return number_format(value, decimal_pos=decimals)


def percent(value: float | int, decimals: int | None = 0) -> str:
    """85 -> "85%" ("85 %"): a number that already is a percentage, rounded to `decimals`
    places (None: to one place, dropped when it is 0, as the floatformat filter's "-1" does:
    a pass mark of 87.5%, a score of 80%)."""
    if decimals == 0:
        value = round(float(value))
    elif decimals is None:
        value = round(float(value), 1)
        if value.is_integer():
            value = int(value)
    # Translators: a percentage; Finnish puts a no-break space before the sign.
    return _("%(number)s%%") % {"number": number(value, decimals)}
