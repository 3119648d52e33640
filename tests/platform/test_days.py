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


def filtered(*names):
    """What a template writes with the date filter and these formats, one after the other."""
    return lambda value: " ".join(date_filter(value, name) for name in names)


FORMATS = [
    (day, filtered("SHORT_DATE_FORMAT")),
    (day_month, filtered("MONTH_DAY_FORMAT")),
    (weekday_day, filtered("D", "SHORT_DATE_FORMAT")),
    (long_day, filtered("DATE_FORMAT")),
]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize(("write", "format"), FORMATS)
def test_a_moment_is_written_as_the_date_filter_writes_its_local_day(moment, write, format):
    assert write(moment) == format(timezone.localtime(moment))


@pytest.mark.parametrize(("write", "format"), FORMATS)
def test_a_date_is_written_as_the_date_filter_writes_it(write, format):
    for value in DATES:
        assert write(value) == format(value)


@pytest.mark.parametrize(("write", "format"), FORMATS)
@pytest.mark.parametrize("language", ["fi", "de"])
def test_days_follow_the_active_language(write, format, language):
    with translation.override(language):
        for value in DATES:
            assert write(value) == format(value)


def test_no_moment_is_no_day():
    assert day(None) == ""


def test_each_language_writes_a_day_its_own_way():
    monday = datetime.date(2026, 3, 2)
    assert [day(monday), day_month(monday), weekday_day(monday), long_day(monday)] == [
        "2 Mar 2026",
        "2 Mar",
        "Mon 2 Mar 2026",
        "2 March 2026",
    ]
    with translation.override("fi"):
        assert [day(monday), day_month(monday), long_day(monday)] == [
            "2.3.2026",
            "2.3.",
            "2. maaliskuuta 2026",
        ]


def test_a_time_in_the_engines_words_follows_the_language():
    from courses.practice.calling_rules import clock_text

    assert [clock_text(datetime.time(h, m)) for h, m in [(16, 51), (12, 0), (0, 5)]] == [
        "4:51 p.m.",
        "12:00 p.m.",
        "12:05 a.m.",
    ]
    with translation.override("fi"):
        assert clock_text(datetime.time(16, 51)) == "16.51"
        assert clock_text(datetime.time(9, 5)) == "9.05"
