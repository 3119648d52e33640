import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from courses.platform import people

register = template.Library()
register.filter("display_name", people.display_name)


@register.filter
def percent(share):
    """0.734 -> "73%"; nothing to show -> an em dash."""
    if share is None or share == "":
        return "—"
    return f"{round(float(share) * 100)}%"


@register.filter
def get(mapping, key):
    """mapping|get:key, for dictionaries keyed by something other than a plain name."""
    return mapping.get(key) if mapping else None


@register.filter
def when(iso: str):
    """An ISO timestamp stored in evidence, shown in local time like any other date."""
    if not iso:
        return "—"
    moment = datetime.datetime.fromisoformat(iso)
    return date_format(timezone.localtime(moment), "j M Y, g:i a")
