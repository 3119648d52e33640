"""The Rules page: the rules catalogue as compliance and managers need it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access import is_compliance, overseer_required, visible_people
from ..catalogue import PERFORMANCE_DAYS, rule_overview


@require_GET
@overseer_required
def rule_list(request):
    rules = rule_overview(people=visible_people(request.user), now=timezone.now())
    context = {
        "rules": rules,
        "untested": [entry for entry in rules if not entry.tested],
        "days": PERFORMANCE_DAYS,
        "whose": "the organisation" if is_compliance(request.user) else "your teams",
        "nav": "rules",
    }
    return render(request, "rules/list.html", context)
