"""The curriculum as loaded from `courses/content/`: courses, modules and their ordered steps.

Rows are written only by the loader. Nothing is deleted: what leaves the files is retired, so
progress and attempts that point at it keep their meaning.

The rules catalogue: every rule the site teaches, as loaded from `courses/content/rules/`.

Lessons, quiz items and roleplay replies refer to rules by their slug, so a correction is made
once, in the catalogue, and shows wherever the rule is taught, tested or rehearsed.
"""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def published_step(path: str = "") -> models.Q:
    """The one rule for a published step: the step, its module and its course are not retired.

    `path` leads from the model queried to the step: "" from Step, "step__" from a completion.
    """
    return models.Q(
        **{
            f"{path}retired_at__isnull": True,
            f"{path}module__retired_at__isnull": True,
            f"{path}module__course__retired_at__isnull": True,
        }
    )


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(retired_at__isnull=True)


class Course(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title


class ModuleQuerySet(PublishedQuerySet):
    def published(self):
        return self.filter(retired_at__isnull=True, course__retired_at__isnull=True)

    def with_progress(self, user):
        """Annotate `step_count` and `done_count` (the user's live completions of active steps,
        from the progress read model)."""
        from courses.progress.models import ModuleProgress

        done = ModuleProgress.objects.filter(user=user, module=models.OuterRef("pk")).values(
            "steps_done"
        )
        return self.annotate(
            step_count=models.Count("steps", filter=published_step("steps__")),
            done_count=Coalesce(models.Subquery(done), 0),
        )


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="modules")
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    objectives = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    content_version = models.CharField(
        max_length=64, help_text="SHA-256 of the module's source files, as loaded."
    )
    rules_as_of = models.DateField(help_text="The date the legal content was last checked.")
    required_for_certification = models.BooleanField(default=False)
    recertify_after_months = models.PositiveSmallIntegerField(null=True, blank=True)
    material_version = models.PositiveIntegerField(
        default=1,
        help_text="The authors' material version plus rule_revisions: raised when a change is "
        "material (a rule changed).",
    )
    material_note = models.TextField(blank=True)
    rule_revisions = models.PositiveIntegerField(
        default=0,
        help_text="Material changes to catalogue rules the module refers to, since it was added; "
        "counted in material_version.",
    )
    rule_change_note = models.TextField(blank=True, help_text="The latest such change.")
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["course__position", "position", "title"]

    def __str__(self):
        return self.title

    @property
    def short_version(self) -> str:
        return self.content_version[:12]

    # Progress, from `with_progress()` annotations.
    @property
    def percent(self) -> int:
        from courses.progress.models import percent_done

        return percent_done(done=self.done_count, steps=self.step_count)

    @property
    def status(self):
        """The person's status with the module (after `with_progress`), regardless of due dates."""
        from courses.progress.models import status_of

        return status_of(
            done=self.done_count, steps=self.step_count, started=False, due=None, today=None
        )


class StepQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)

    def published(self):
        """Steps a rep can work on: see `published_step`."""
        return self.filter(published_step())

    def with_done(self, user):
        """Annotate `done`: whether the user has a live completion of the step."""
        from courses.progress.models import StepCompletion

        return self.annotate(
            done=models.Exists(
                StepCompletion.objects.live().filter(user=user, step=models.OuterRef("pk"))
            )
        )


class Step(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")
        ROLEPLAY = "roleplay", _("Roleplay call")

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="steps")
    slug = models.SlugField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(default=5)
    body_html = models.TextField(blank=True, help_text="Sanitised HTML, rendered at load time.")
    source_hash = models.CharField(max_length=64)
    rules = models.ManyToManyField(
        "Rule",
        blank=True,
        related_name="steps",
        help_text="A lesson: the rules it teaches. A roleplay: the rules its replies rehearse.",
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        ordering = ["module", "position"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="step_slug_unique_in_module")
        ]

    def __str__(self):
        return f"{self.module.slug}/{self.slug}"

    @property
    def kind_label(self) -> str:
        """The kind's name for people ("Lesson"): what get_kind_display gives, without
        rebuilding the choices on each call (step lists show it for every step)."""
        return self.Kind(self.kind).label


class Rule(models.Model):
    class Source(models.TextChoices):
        PRIMARY = "primary", _("Primary text")
        SECONDARY = "secondary", _("Secondary source")

    class Binds(models.TextChoices):
        EVERY_CALLER = "every-caller", _("Every caller")
        TSR_SELLERS = "sellers-outside-tsr-exclusion", _("Sellers outside the TSR's exclusion")
        BROKER_DEALERS = "broker-dealers", _("Broker-dealers")
        STATE_CALLERS = "callers-into-state", _("Callers into the state")

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    authority = models.CharField(max_length=40)
    citation = models.CharField(max_length=300)
    statement = models.TextField()
    source = models.CharField(max_length=16, choices=Source.choices)
    checked = models.DateField(help_text="When the rule was last checked against the facts.")
    binds = models.CharField(max_length=40, choices=Binds.choices)
    state = models.CharField(max_length=2, blank=True, help_text="For a state's own rule.")
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return f"{self.title} ({self.citation})"

    @property
    def binds_label(self) -> str:
        if self.binds == self.Binds.STATE_CALLERS and self.state:
            return gettext("Callers into %(state)s") % {"state": self.state}
        return self.get_binds_display()
