from django import template

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
