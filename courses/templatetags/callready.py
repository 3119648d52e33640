import datetime
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from courses.certification.models import code_groups as certificate_code_groups
from courses.platform import days, numbers, people

register = template.Library()
register.filter("display_name", people.display_name)
register.filter("weekday_long_day", days.weekday_long_day)


@register.filter
def percent(share):
    """0.734 -> "73%" ("73 %" in Finnish); nothing to show -> an em dash."""
    if share is None or share == "":
        return "—"
    return numbers.percent(float(share) * 100)


@register.filter
def percent_number(value, decimals=0):
    """85 -> "85%" ("85 %" in Finnish), for a number that already is a percentage; with
    `percent_number:"-1"`, one decimal place when there is one (87.5%, 80%), as floatformat's
    "-1"; nothing -> an em dash."""
    if value is None or value == "":
        return "—"
    return numbers.percent(float(value), None if str(decimals) == "-1" else int(decimals))


@register.filter
def code_groups(code: str) -> list[str]:
    """A certificate's code in the groups it is printed in (certificates/_code.html)."""
    return certificate_code_groups(code)


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
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@lru_cache(maxsize=256)
def _options(choices: tuple, chosen: str) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )


@register.simple_tag
def control(field, checkbox=False):
    """A form field as the call check draws it: its label, its control and its errors. A
    yes-or-no field is a checkbox sending `1` (`checkbox=True`); a field with choices, a
    select; any other, an input of its widget's type. Drawn in Python: the fourteen fields
    drawn by template partials took a third of the page's time."""
    errors = field.errors or ""
    name, id_, value = field.html_name, field.id_for_label, field.value()
    # The error list Django draws has the id "<field id>_error".
    invalid = format_html(' aria-invalid="true" aria-describedby="{}_error"', id_) if errors else ""
    if checkbox:
        checked = mark_safe(" checked") if value == "1" else ""
        return format_html(
            '<p>\n  <label class="choice" for="{}"><input type="checkbox" name="{}" id="{}" '
            'value="1"{}{}> <span>{}</span></label>\n  {}\n</p>',
            id_, name, id_, checked, invalid, field.label, errors,
        )  # fmt: skip
    if hasattr(field.field, "choices"):
        options = _options(tuple(field.field.choices), "" if value is None else str(value))
        box = format_html('<select name="{}" id="{}"{}>{}</select>', name, id_, invalid, options)
    else:
        kind = field.field.widget.input_type
        box = format_html(
            '<input type="{}" name="{}" id="{}" value="{}"{}{}>',
            kind, name, id_, "" if value is None else value,
            mark_safe(' min="0"') if kind == "number" else "", invalid,
        )  # fmt: skip
    return format_html(
        '<p>\n  <label for="{}">{}</label>\n  {}\n  {}\n</p>', id_, field.label, box, errors
    )
