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
    places (None: as it is, for a pass mark of 87.5)."""
    if decimals == 0:
        value = round(float(value))
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    # Translators: a percentage; Finnish puts a no-break space before the sign.
    return _("%(number)s%%") % {"number": number(value, decimals)}
