import datetime

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from courses.platform import people
from courses.teams.selectors import Status

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


@register.filter
def select_options(field):
    """A choice field's options, the chosen one selected. Kept for the team dashboard's filters
    until they include "_select_options.html" directly, as any other form can."""
    return render_to_string("_select_options.html", {"field": field})


@register.filter
def grid_row(row, modules):
    """A dashboard row: the person, then one cell per module column.

    Built here rather than in the template: a page has hundreds of cells, and rendering each
    through template tags was most of the dashboard's time. The person's name and teams are
    escaped; every cell shows a status or result from a fixed vocabulary, a number or a date.
    """
    person = row.person
    name = person.get_full_name() or person.get_username()
    parts = [
        f'<tr><th scope="row"><a href="{reverse("team:person", args=[person.pk])}">'
        f'{escape(name)}</a><span class="form-help">{escape(", ".join(row.teams))} · '
        f"{row.percent}% done</span></th>"
    ]
    cells = row.cells
    for module in modules:
        cell = cells.get(module.pk)
        if cell is None:
            parts.append(EMPTY_CELL)
            continue
        meta = f"{due_label(cell.due)} · {cell.done}/{cell.steps}"
        if cell.best_quiz is not None:
            meta += f" · quiz {cell.best_quiz.normalize():f}%"
        if cell.roleplay:
            meta += f" · call {cell.roleplay}"
        parts.append(f'{CELL_OPENINGS[cell.status]}<span class="cell-meta">{meta}</span></td>')
    parts.append("</tr>")
    return mark_safe("".join(parts))


def due_label(due: datetime.date) -> str:
    return f"Due {due.day} {due:%b}"


EMPTY_CELL = (
    '<td class="cell cell-none"><span class="muted" aria-label="Not assigned">—</span></td>'
)
CELL_OPENINGS = {
    status: (
        f'<td class="cell cell-{status.replace(" ", "-")}"><span class="badge badge-'
        f'{status.replace(" ", "-")}">{status.capitalize()}</span>'
    )
    for status in Status
}
