"""Create a realistic organisation: teams, managers, reps, assignments and their progress.

For benchmarks and for trying the site with real-looking data; what is made, and how, is told
in `courses/demo/organisation.py`. This command reads the options and prints the summary.
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.demo.organisation import OrganisationRefused, Plan, build_organisation

PREFIX_PATTERN = re.compile(r"[\w.@+]+(?:-[\w.@+]+)*")
# Work is made through the services, a rep at a time: past this many reps, the work of a
# representative share is made (every team's, spread evenly), and everyone else is left untouched.
WORKING_REPS = 200


class Command(BaseCommand):
    help = (
        "Create a realistic organisation for benchmarks and demos: teams, managers, reps, a "
        "compliance officer, assignments, progress (lessons, quiz attempts, roleplay calls) and "
        "certification (completion records, reviews, certificates, revocations), all made by "
        "the site's own services, at the pace of honest work. Deterministic for a seed; "
        "refuses to run twice with the same username prefix. Every account, team and "
        f"assignment is made at full size; the reps' work is made for at most {WORKING_REPS} "
        "reps (see --working-reps), spread evenly over every team."
    )

    def add_arguments(self, parser):
        parser.add_argument("--teams", type=int, default=4, help="Number of teams (default 4).")
        parser.add_argument(
            "--reps-per-team", type=int, default=8, help="Reps in each team (default 8)."
        )
        parser.add_argument(
            "--modules",
            type=int,
            default=None,
            help="Published modules assigned to each team, in curriculum order "
            "(default: all of them; capped to what exists).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--prefix", default="org", help='Username prefix (default "org"): org-manager-01, ...'
        )
        parser.add_argument(
            "--password",
            default="callready-demo",
            help='Password for every generated account (default "callready-demo").',
        )
        parser.add_argument(
            "--working-reps",
            type=int,
            default=WORKING_REPS,
            help=f"The most reps whose work (lessons, quizzes, calls, certification) is made "
            f"(default {WORKING_REPS}); 0 makes everyone's. One rep's work is a few hundred "
            "service calls: a second or more.",
        )

    def handle(self, *args, **options):
        prefix = options["prefix"]
        if options["teams"] < 1:
            raise CommandError("--teams must be at least 1.")
        if options["reps_per_team"] < 1:
            raise CommandError("--reps-per-team must be at least 1.")
        if options["modules"] is not None and options["modules"] < 1:
            raise CommandError("--modules must be at least 1.")
        if options["working_reps"] < 0:
            raise CommandError("--working-reps must be 0 (everyone) or more.")
        if not PREFIX_PATTERN.fullmatch(prefix) or len(prefix) > 100:
            raise CommandError(
                "--prefix may use letters, digits and . @ + _ - (not at either end), "
                "up to 100 characters."
            )
        plan = Plan(
            teams=options["teams"],
            reps_per_team=options["reps_per_team"],
            module_count=options["modules"],
            seed=options["seed"],
            prefix=prefix,
            password=options["password"],
            working_reps=options["working_reps"] or None,
        )
        try:
            with transaction.atomic():
                counts = build_organisation(plan)
        except OrganisationRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS("Organisation created:"))
        for label, value in counts.items():
            self.stdout.write(f"  {label:<18} {value}")
        self.stdout.write(f"Every account's password is: {options['password']}")
