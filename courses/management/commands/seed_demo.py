import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from courses.models import Assignment, Membership, Module, Team
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


class Command(BaseCommand):
    help = "Create the demo accounts and demo team (safe to run again: nothing is duplicated)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        users = {}
        self.stdout.write("Demo accounts (for trying the site; never use them in production):")
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
            if role:
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            users[username] = user
            state = "created" if created else "already there, password unchanged"
            label = role or "Administrator"
            self.stdout.write(
                f"  {label:<13} username: {username:<11} password: {password}  ({state})"
            )
        team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
        team.managers.add(users["manager"])
        Membership.objects.get_or_create(team=team, user=users["rep"])
        self.stdout.write(f"'{DEMO_TEAM}' is managed by 'manager' and has 'rep' in it.")
        self.demo_assignment(team, users["manager"])

    def demo_assignment(self, team, manager):
        """One overdue assignment, so the dashboard and the reminders have something to show."""
        module = Module.objects.published().filter(slug=DEMO_OVERDUE_MODULE).first()
        if module is None or Assignment.objects.filter(team=team).exists():
            return
        due = timezone.localdate() - datetime.timedelta(days=2)
        assignment_create(
            by=manager,
            modules=[module],
            team=team,
            due_date=due,
            note="Start here: the basics before your first calling block.",
        )
        self.stdout.write(f"Assigned '{module.title}' to '{DEMO_TEAM}', due {due} (overdue).")
