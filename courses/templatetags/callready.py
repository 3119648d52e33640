import datetime
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join

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


@register.simple_tag
def options(field):
    """A select's <option> elements, the field's value selected. Drawn in Python: a loop over a
    list of states in the template cost more than the rest of the call check's page."""
    chosen = field.value()
    return _options(tuple(field.field.choices), "" if chosen is None else str(chosen))


@lru_cache(maxsize=256)
def _options(choices: tuple, chosen: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )
