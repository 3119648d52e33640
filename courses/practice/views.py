"""Practice pages: the call check."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from courses.practice.forms import CallCheckForm
from courses.practice.selectors import call_check as check


@require_GET
def call_check(request):
    """May I call this lead now? A GET form, so an answer can be bookmarked and shared.

    Any field given makes it a question: every field is then checked, and a question with an
    error is answered 400 with the error beside its field.
    """
    form = CallCheckForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        lead, call = form.lead_and_call()
        answer = check(lead=lead, call=call)
    context = {"form": form, "answer": answer, "nav": "call-check"}
    template = "practice/call_check.html#answer" if request.htmx else "practice/call_check.html"
    return render(request, template, context, status=400 if form.errors else 200)
