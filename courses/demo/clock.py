"""Django's clock, set to a given moment while the work done at that moment runs.

Demo data covers months of work and is made in minutes. Every service is told when it acts
(`now=`); the few writes that read the clock themselves (a membership's joining date, an
assignment's date, the audit entry of a module completed by its last step) read this one, so
everything a moment leaves behind carries that moment.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone


@contextlib.contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """Within the block, `django.utils.timezone.now()` is `moment`. Single-threaded use only:
    the demo commands run in one thread, and the site never imports this module."""
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = real_now
