import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from courses.models import Assignment, ManagerScope, Membership, Module, Team
from courses.platform.access import COMPLIANCE, MANAGER, REP
from courses.teams.services import assignment_create

DEMO_TEAM = "Demo team"
DEMO_OVERDUE_MODULE = "dialing-and-smiling"
# username, password, first name, last name, role, is_superuser
DEMO_ACCOUNTS = [
    ("rep", "rep-demo-2026", "Riley", "Parker", REP, False),
    ("manager", "manager-demo-2026", "Morgan", "Lee", MANAGER, False),
    ("compliance", "compliance-demo-2026", "Casey", "Nguyen", COMPLIANCE, False),
    ("admin", "admin-demo-2026", "Avery", "Stone", None, True),
]


ROLE_LABELS = {REP: "Rep", MANAGER: "Manager", COMPLIANCE: "Compliance", None: "Administrator"}


class Command(BaseCommand):
    help = (
        "Create the demo accounts and demo team (safe to run again: nothing is duplicated). "
        "Prints a summary, then the accounts; -v 2 says what happened to each."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        detailed = options["verbosity"] >= 2
        User = get_user_model()
        users = {}
        created_count = 0
        for username, password, first, last, role, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                created_count += 1
            if role:
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            users[username] = user
            if detailed:
                state = "created" if created else "already there, password unchanged"
                self.stdout.write(f"  account {username}: {state}")
        team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
        team.managers.add(users["manager"])
        ManagerScope.objects.get_or_create(manager=users["manager"], rep=users["rep"])
        Membership.objects.get_or_create(team=team, user=users["rep"])
        assigned = self.demo_assignment(team, users["manager"])
        if detailed and assigned:
            self.stdout.write(f"  assigned {assigned}")
        kept = len(DEMO_ACCOUNTS) - created_count
        self.stdout.write(
            f"Demo data: {created_count} account{pluralize(created_count)} created"
            + (f", {kept} already there (their passwords left as they were)" if kept else "")
            + f"; '{DEMO_TEAM}' is managed by 'manager' and has 'rep' in it"
            + (f"; {assigned}." if assigned else ".")
        )
        self.write_accounts()

    def write_accounts(self):
        """The last thing `make run` prints before serving: who to log in as."""
        self.stdout.write("Demo accounts (for trying the site; never use them in production):")
        for username, password, _first, _last, role, _superuser in DEMO_ACCOUNTS:
            label = ROLE_LABELS[role]
            self.stdout.write(f"  {label:<14} username: {username:<11} password: {password}")

    def demo_assignment(self, team, manager) -> str:
        """One overdue assignment, so the dashboard and the reminders have something to show;
        what was assigned, or nothing when it already was."""
        module = Module.objects.published().filter(slug=DEMO_OVERDUE_MODULE).first()
        if module is None or Assignment.objects.filter(team=team).exists():
            return ""
        due = timezone.localdate() - datetime.timedelta(days=2)
        assignment_create(
            by=manager,
            modules=[module],
            team=team,
            due_date=due,
            note="Start here: the basics before your first calling block.",
        )
        return f"'{module.title}' assigned to the team, due {due} (overdue)"
