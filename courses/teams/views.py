"""Managers: their teams, assignments with due dates, the team dashboard and each rep's work.

Every view is for managers only, and every object is looked up within the manager's reach:
their own teams and the members of those teams. Anything else is a 404.
"""

import datetime
import itertools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import (
    Assignment,
    AuditEntry,
    Certificate,
    Membership,
    Module,
    QuizAttempt,
    Reminder,
    RoleplayRun,
    Team,
)
from courses.platform.access import manager_required, visible_people
from courses.platform.charts import Series, horizontal_bars, share_over_time
from courses.platform.csvexport import csv_response
from courses.platform.days import day
from courses.platform.people import display_name
from courses.progress.models import ProgressStatus as Status
from courses.teams import services
from courses.teams.forms import AssignmentForm, DashboardFilters, DueDateForm, MemberAddForm
from courses.teams.selectors import build_grid, chart_data, describe, team_summary

PEOPLE_ORDER = ("last_name", "first_name", "username")


def my_teams(user):
    return Team.objects.managed_by(user).order_by("name")


def my_assignments(user):
    """Assignments to the manager's teams or to members of those teams."""
    return Assignment.objects.filter(
        Q(team__in=my_teams(user)) | Q(user__in=visible_people(user).values("pk"))
    ).distinct()


PEOPLE_PER_PAGE = 25
# A withdrawal's question names this many of a team's members, then says how many more.
WITHDRAW_NAMES = 12
CSV_PEOPLE_AT_A_TIME = 500


def dashboard_scope(request):
    """The manager's teams, the modules assigned within them, and the filters as chosen."""
    teams = list(my_teams(request.user))

    modules = list(
        Module.objects.published()
        .filter(pk__in=my_assignments(request.user).active().values("module_id"))
        .select_related("course")
        .order_by("course__position", "position")
    )
    filters = DashboardFilters(request.GET or None, teams=teams, modules=modules)
    team_id = filters.value("team")
    chosen = [t for t in teams if str(t.pk) == team_id] or teams
    module_id = filters.value("module")
    people = (
        get_user_model()
        .objects.filter(memberships__team__in=chosen)
        .distinct()
        .order_by(*PEOPLE_ORDER)
    )
    return teams, chosen, filters, people, [int(module_id)] if module_id else None, modules


@require_GET
@manager_required
def dashboard(request):
    teams, chosen, filters, people, module_ids, modules = dashboard_scope(request)
    today = timezone.localdate()
    summary = team_summary(teams=chosen, today=today, module_ids=module_ids, known=modules)
    people = people.only("username", "first_name", "last_name")
    sort = filters.value("sort", "name")
    if filters.value("overdue") or sort != "name":
        # Filtering and ordering by progress need everyone's cells: the whole grid is built.
        rows = build_grid(people, today=today, teams=chosen, module_ids=module_ids).rows
        if filters.value("overdue"):
            rows = [row for row in rows if row.overdue_count]
        if sort == "progress":
            rows = sorted(rows, key=lambda row: row.percent)
        elif sort == "overdue":
            rows = sorted(rows, key=lambda row: -row.overdue_count)
        page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    else:
        # By name, only the page's people are read.
        page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = build_grid(
            page.object_list, today=today, teams=chosen, modules=summary.modules
        ).rows
    for row in page.object_list:
        row.columns = [row.cells.get(module.pk) for module in summary.modules]
    describe(page.object_list)
    now = timezone.now()
    expiring = list(
        Certificate.objects.filter(record__user__in=visible_people(request.user).values("pk"))
        .expiring(now=now)
        .select_related("record__user", "record__module")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "expiring": expiring,
        "grid": summary,
        "rows": page.object_list,
        "page": page,
        "filters": filters,
        "teams": teams,
        "query": query.urlencode(),
        "nav": "team",
        "today": timezone.localdate(),
    }
    template = "manager/dashboard.html#grid" if request.htmx else "manager/dashboard.html"
    return render(request, template, context)


@require_GET
@manager_required
def dashboard_csv(request):
    _teams, chosen, filters, people, module_ids, _modules = dashboard_scope(request)
    today = timezone.localdate()

    def rows():
        # A few hundred people at a time, so an export of any size streams in the same memory.
        for start in itertools.count(0, CSV_PEOPLE_AT_A_TIME):
            chunk = list(people[start : start + CSV_PEOPLE_AT_A_TIME])
            if not chunk:
                return
            grid = build_grid(chunk, today=today, teams=chosen, module_ids=module_ids)
            for row in grid.rows:
                if filters.value("overdue") and not row.overdue_count:
                    continue
                person = row.person
                for module in grid.modules:
                    cell = row.cells.get(module.pk)
                    if cell is None:
                        continue
                    yield [
                        display_name(person),
                        person.get_username(),
                        "; ".join(row.teams),
                        module.title,
                        cell.due.isoformat() if cell.due else "",
                        str(cell.status),
                        cell.done,
                        cell.steps,
                        cell.best_quiz if cell.best_quiz is not None else "",
                        cell.roleplay,
                    ]

    header = [
        "Name", "Username", "Teams", "Module", "Due", "Status", "Steps done", "Steps",
        "Best quiz %", "Roleplay",
    ]  # fmt: skip
    return csv_response(f"team-training-{timezone.localdate():%Y-%m-%d}.csv", header, rows())


@require_GET
@manager_required
def person_detail(request, user_id):
    person = get_object_or_404(visible_people(request.user), pk=user_id)
    grid = build_grid(
        get_user_model().objects.filter(pk=person.pk),
        today=timezone.localdate(),
        teams=my_teams(request.user),
    )
    attempts = (
        QuizAttempt.objects.filter(user=person)
        .select_related("quiz__step__module")
        .order_by("-started_at")
    )
    runs = (
        RoleplayRun.objects.filter(user=person)
        .select_related("script__step__module")
        .order_by("-started_at")
    )
    context = {
        "person": person,
        "row": grid.rows[0],
        "modules": grid.modules,
        "attempts": attempts,
        "runs": runs,
        "reminders": Reminder.objects.filter(user=person).select_related("assignment__module")[:20],
        "nav": "team",
    }
    return render(request, "manager/person.html", context)


@require_GET
@manager_required
def assignment_list(request):
    assignments = list(
        my_assignments(request.user)
        .select_related("module", "team", "user", "assigned_by", "withdrawn_by")
        .order_by("withdrawn_at", "due_date", "pk")
    )
    history = {}
    for entry in (
        AuditEntry.objects.filter(
            object_type="assignment", object_id__in=[str(a.pk) for a in assignments]
        )
        .select_related("actor")
        .order_by("at", "pk")
    ):
        history.setdefault(entry.object_id, []).append(entry)
    for assignment in assignments:
        assignment.history = history.get(str(assignment.pk), [])
    context = {
        "active": [a for a in assignments if a.withdrawn_at is None],
        "withdrawn": [a for a in assignments if a.withdrawn_at is not None],
        "today": timezone.localdate(),
        "nav": "assignments",
    }
    return render(request, "manager/assignments.html", context)


@require_http_methods(["GET", "POST"])
@manager_required
def assignment_new(request):
    teams = my_teams(request.user)
    people = visible_people(request.user).order_by(*PEOPLE_ORDER)
    form = AssignmentForm(request.POST or None, teams=teams, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.assignment_create(
                by=request.user,
                modules=data["modules"],
                team=data["team"],
                user=data["user"],
                due_date=data["due_date"],
                late_joiner_days=data["late_joiner_days"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Assigned %(count)s module(s).") % {"count": len(created)})
            return redirect("team:assignments")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "manager/assignment_new.html", {"form": form, "nav": "assignments"}, status=status
    )


def my_assignment(request, pk) -> Assignment:
    return get_object_or_404(my_assignments(request.user).select_related("module"), pk=pk)


@require_POST
@manager_required
def assignment_due(request, pk):
    assignment = my_assignment(request, pk)
    form = DueDateForm(request.POST)
    if form.is_valid() and assignment.withdrawn_at is None:
        try:
            services.assignment_change_due(
                by=request.user, assignment=assignment, due_date=form.cleaned_data["due_date"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("The due date of %(module)s is changed.") % {"module": assignment.module.title},
            )
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, errors or _("A withdrawn assignment cannot be changed."))
    return redirect("team:assignments")


@require_POST
@manager_required
def assignments_due(request):
    """One new due date for the chosen assignments: all of them change, or none."""
    form = DueDateForm(request.POST)
    chosen = set(request.POST.getlist("assignment"))
    if not chosen:
        messages.error(request, _("Choose at least one assignment to change."))
        return redirect("team:assignments")
    if not all(pk.isdigit() and len(pk) < 19 for pk in chosen):
        raise Http404("No such assignment.")
    found = list(
        my_assignments(request.user)
        .active()
        .filter(pk__in=chosen)
        .select_related("module", "team", "user")
        .order_by("due_date", "pk")
    )
    if len(found) != len(chosen):
        messages.error(
            request,
            _(
                "One of the chosen assignments is not one of yours or has been withdrawn. "
                "Nothing was changed."
            ),
        )
        return redirect("team:assignments")
    if not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("%(errors)s Nothing was changed.") % {"errors": errors})
        return redirect("team:assignments")
    try:
        services.assignments_change_due(
            by=request.user, assignments=found, due_date=form.cleaned_data["due_date"]
        )
    except ValidationError as error:
        messages.error(request, _("%(error)s Nothing was changed.") % {"error": error.messages[0]})
    else:
        messages.success(
            request,
            _("The due date of %(count)s assignment(s) is now %(day)s.")
            % {"count": len(found), "day": day(form.cleaned_data["due_date"])},
        )
    return redirect("team:assignments")


@require_http_methods(["GET", "POST"])
@manager_required
def assignment_withdraw(request, pk):
    """GET asks for confirmation, naming the module and everyone it reaches; a POST that
    confirms withdraws it. With htmx the question appears in place, in the assignment's row."""
    assignment = get_object_or_404(
        my_assignments(request.user).select_related("module", "team", "user"), pk=pk
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.assignment_withdraw(by=request.user, assignment=assignment)
        messages.success(
            request, _("%(module)s is withdrawn.") % {"module": assignment.module.title}
        )
        return redirect("team:assignments")
    if assignment.withdrawn_at is not None:
        messages.info(
            request, _("%(module)s was already withdrawn.") % {"module": assignment.module.title}
        )
        return redirect("team:assignments")
    members = []
    if assignment.team_id is not None:
        members = [
            m.user
            for m in Membership.objects.filter(team_id=assignment.team_id)
            .select_related("user")
            .order_by(*(f"user__{field}" for field in PEOPLE_ORDER))
        ]
    context = {
        "assignment": assignment,
        "members": members,
        # The first dozen members by name, and how many more: the question names who it reaches.
        "names": ", ".join(display_name(person) for person in members[:WITHDRAW_NAMES]),
        "more": max(0, len(members) - WITHDRAW_NAMES),
        "nav": "assignments",
    }
    template = "manager/assignment_withdraw.html"
    if request.htmx:
        template += "#confirm"
    return render(request, template, context)


@require_POST
@manager_required
def remind_now(request, user_id, pk):
    """Send one reminder to a person about one of their assignments, at most once a day."""
    person = get_object_or_404(visible_people(request.user), pk=user_id)
    assignment = my_assignment(request, pk)
    grid = build_grid(
        get_user_model().objects.filter(pk=person.pk),
        today=timezone.localdate(),
        teams=my_teams(request.user),
        module_ids=[assignment.module_id],
    )
    cell = grid.rows[0].cells.get(assignment.module_id)
    if cell is None or cell.assignment.id != assignment.pk:
        raise Http404("That assignment does not reach this person.")
    name = display_name(person)
    if cell.status is Status.DONE:
        level = messages.INFO
        text = _("%(name)s has finished %(module)s already.") % {
            "name": name,
            "module": assignment.module.title,
        }
    else:
        try:
            services.reminder_send_now(
                by=request.user, assignment=assignment, user=person, due=cell.due
            )
        except services.ReminderRefused as refused:
            next_at = timezone.localtime(refused.next_at)
            hour, day = (
                formats.time_format(next_at, "TIME_FORMAT"),
                formats.date_format(next_at, "SHORT_DATE_FORMAT"),
            )
            level = messages.ERROR
            text = _(
                "Nothing was sent: %(name)s was reminded of %(module)s less than a day ago. "
                "The next reminder can go at %(hour)s on %(day)s."
            ) % {"name": name, "module": assignment.module.title, "hour": hour, "day": day}
        else:
            level = messages.SUCCESS
            text = _("A reminder of %(module)s is on its way to %(name)s.") % {
                "module": assignment.module.title,
                "name": name,
            }
    if request.htmx:
        tone = {messages.SUCCESS: "success", messages.ERROR: "error"}.get(level, "info")
        context = {"tone": tone, "text": text}
        return render(request, "manager/person.html#remind-result", context)
    messages.add_message(request, level, text)
    return redirect("team:person", person.pk)


@require_http_methods(["GET", "POST"])
@manager_required
def team_detail(request, team_id):
    team = get_object_or_404(my_teams(request.user), pk=team_id)
    form = MemberAddForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        services.team_member_add(by=request.user, team=team, user=person)
        messages.success(
            request,
            _("%(name)s is in %(team)s.") % {"name": display_name(person), "team": team.name},
        )
        return redirect("team:team", team.pk)
    members = (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by(*(f"user__{field}" for field in PEOPLE_ORDER))
    )
    context = {"team": team, "members": members, "form": form, "nav": "team"}
    return render(
        request, "manager/team.html", context, status=400 if request.method == "POST" else 200
    )


@require_POST
@manager_required
def team_member_remove(request, team_id, user_id):
    team = get_object_or_404(my_teams(request.user), pk=team_id)
    # user__pk, not user_id: a number past 64 bits is then "no such member", not an overflow.
    membership = get_object_or_404(
        Membership.objects.select_related("user"), team=team, user__pk=user_id
    )
    services.team_member_remove(by=request.user, team=team, user=membership.user)
    messages.success(
        request,
        _("%(name)s left %(team)s.") % {"name": display_name(membership.user), "team": team.name},
    )
    return redirect("team:team", team.pk)


# The completion chart looks back this far, and ahead far enough to show the next due dates.
CHART_WEEKS_BACK = 8
CHART_DAYS_AHEAD = 14


@require_GET
@manager_required
def charts(request):
    """Each team's completion over the last weeks against its due dates, and the status mix."""
    teams = list(my_teams(request.user))
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=CHART_WEEKS_BACK)
    end = today + datetime.timedelta(days=CHART_DAYS_AHEAD)
    data = chart_data(teams=teams, today=today, start=start)
    over_time = share_over_time(
        [Series(t.team.name, t.shares, t.due_dates) for t in data.teams if t.pairs],
        start=start,
        end=end,
        today=today,
    )
    shown = [t for t in data.teams if t.pairs]
    # The table beside the line chart: each team's share at the end of each week, and today.
    weeks = [day for day, _ in shown[0].done_by_day if day.weekday() == 6] if shown else []
    if shown and today not in weeks:
        weeks.append(today)
    table = [
        (day, [round(100 * dict(t.done_by_day)[day] / t.pairs) for t in shown]) for day in weeks
    ]
    total = sum(n for _, n in data.statuses)
    context = {
        "teams": teams,
        "over_time": over_time,
        "series": list(zip(shown, over_time.lines, strict=True)),
        "table": table,
        "start": start,
        "today": today,
        "mix": horizontal_bars(
            [(status.label, n, f"chart-{status.badge}") for status, n in data.statuses]
        ),
        "statuses": [
            (status, n, round(100 * n / total) if total else 0) for status, n in data.statuses
        ],
        "nav": "team",
    }
    return render(request, "manager/charts.html", context)
