import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


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
def grid_cells(row, modules):
    """A dashboard row's cells, one per module column.

    Built here rather than in the template: a page has hundreds of cells, and rendering each
    through template tags was most of the dashboard's time.
    """
    parts = []
    for module in modules:
        cell = row.cells.get(module.pk)
        if cell is None:
            parts.append(
                '<td class="cell cell-none"><span class="muted" aria-label="Not assigned">'
                "—</span></td>"
            )
            continue
        status = str(cell.status)
        css = status.replace(" ", "-")
        meta = [f"Due {cell.due.day} {cell.due:%b}", f"{cell.done}/{cell.steps}"]
        if cell.best_quiz is not None:
            meta.append(f"quiz {cell.best_quiz.normalize():f}%")
        if cell.roleplay:
            meta.append(f"call {cell.roleplay}")
        parts.append(
            format_html(
                '<td class="cell cell-{}"><span class="badge badge-{}">{}</span>'
                '<span class="cell-meta">{}</span></td>',
                css,
                css,
                status.capitalize(),
                " · ".join(meta),
            )
        )
    return mark_safe("".join(parts))  # every part was built with format_html
