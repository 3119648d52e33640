"""Days written for lists read exactly as the template's date filter writes them."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from courses.platform.days import day, day_month, long_day, weekday_day

MOMENTS = [
    datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 3, 2, 30, tzinfo=datetime.UTC),  # still 2 March in New York
    datetime.datetime(2026, 5, 1, 4, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 12, 31, 23, 59, tzinfo=datetime.UTC),
    datetime.datetime(987, 9, 9, 12, 0, tzinfo=datetime.UTC),
]
# Every month and every weekday, and a day that needs two digits.
DATES = (
    [datetime.date(2027, month, 1) for month in range(1, 13)]
    + [datetime.date(2026, 11, 2) + datetime.timedelta(days=n) for n in range(7)]
    + [datetime.date(2026, 11, 23), datetime.date(5, 1, 31)]
)

FORMATS = [(day, "j M Y"), (day_month, "j M"), (weekday_day, "D j M Y"), (long_day, "j F Y")]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(("write", "format"), FORMATS)
def test_a_moment_is_written_as_the_date_filter_writes_its_local_day(moment, write, format):
    assert write(moment) == date_filter(timezone.localtime(moment), format)


@pytest.mark.parametrize(("write", "format"), FORMATS)
def test_a_date_is_written_as_the_date_filter_writes_it(write, format):
    for value in DATES:
        assert write(value) == date_filter(value, format)


@pytest.mark.parametrize(("write", "format"), FORMATS)
def test_days_follow_the_active_language(write, format):
    with translation.override("de"):
        for value in DATES:
            assert write(value) == date_filter(value, format)


def test_no_moment_is_no_day():
    assert day(None) == ""
