"""The rules catalogue: every rule the site teaches, as loaded from `courses/content/rules/`.

Lessons, quiz items and roleplay replies refer to rules by their slug, so a correction is made
once, in the catalogue, and shows wherever the rule is taught, tested or rehearsed.
"""

from django.db import models

from .content import PublishedQuerySet


class Rule(models.Model):
    class Source(models.TextChoices):
        PRIMARY = "primary", "Primary text"
        SECONDARY = "secondary", "Secondary source"

    class Binds(models.TextChoices):
        EVERY_CALLER = "every-caller", "Every caller"
        TSR_SELLERS = "sellers-outside-tsr-exclusion", "Sellers outside the TSR's exclusion"
        BROKER_DEALERS = "broker-dealers", "Broker-dealers"
        STATE_CALLERS = "callers-into-state", "Callers into the state"

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
            return f"Callers into {self.state}"
        return self.get_binds_display()
