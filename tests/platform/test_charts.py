"""Chart geometry, without a database: scales, ticks, bars, bins and lines."""

import datetime

import pytest

from courses.platform.charts import (
    Series,
    histogram,
    horizontal_bars,
    linear,
    nice_ticks,
    score_bins,
    share_over_time,
)

MONDAY = datetime.date(2026, 11, 2)


class TestScales:
    def test_a_linear_scale_maps_the_ends_and_the_middle(self):
        scale = linear((0, 100), (10, 210))
        assert (scale(0), scale(50), scale(100)) == (10, 110, 210)

    def test_a_scale_can_run_backwards_as_y_does(self):
        scale = linear((0, 1), (200, 0))
        assert (scale(0), scale(1), scale(0.25)) == (200, 0, 150)

    def test_a_domain_of_one_value_maps_to_the_start(self):
        assert linear((5, 5), (10, 20))(5) == 10

    @pytest.mark.parametrize(
        "top, count, ticks",
        [
            (0, 4, [0, 1]),
            (1, 4, [0, 0.5, 1]),
            (7, 5, [0, 2, 4, 6, 8]),
            (10, 4, [0, 5, 10]),
            (100, 4, [0, 50, 100]),
            (37, 4, [0, 20, 40]),
        ],
    )
    def test_ticks_are_round_and_reach_the_top(self, top, count, ticks):
        assert nice_ticks(top, count) == ticks

    def test_counts_step_by_whole_numbers(self):
        assert nice_ticks(1, 5, whole=True) == [0, 1]
        assert nice_ticks(3, 5, whole=True) == [0, 1, 2, 3]


class TestBars:
    def test_the_largest_count_gets_the_longest_bar(self):
        chart = horizontal_bars([("Done", 6, "a"), ("Overdue", 3, "b"), ("Not started", 0, "c")])
        done, overdue, none = chart.bars
        assert done.width > overdue.width > none.width == 0
        assert overdue.width == pytest.approx(done.width / 2, abs=0.2)
        assert chart.total == 9 and not chart.empty
        assert [bar.css for bar in chart.bars] == ["a", "b", "c"]
        assert done.y < overdue.y < none.y  # one row each, top to bottom

    def test_nothing_to_count_is_an_empty_chart_with_no_bar_drawn(self):
        chart = horizontal_bars([("Done", 0, "a"), ("Overdue", 0, "b")])
        assert chart.empty and all(bar.width == 0 for bar in chart.bars)

    def test_bars_stay_inside_the_chart(self):
        chart = horizontal_bars([("Done", 1234, "a")], width=400)
        (bar,) = chart.bars
        assert bar.x + bar.width <= chart.width


class TestScoreDistribution:
    def test_scores_fall_in_ten_point_bins_and_100_in_the_last(self):
        bins = dict(score_bins([0, 9.9, 10, 55, 90, 99.5, 100]))
        assert bins["0-9"] == 2 and bins["10-19"] == 1 and bins["50-59"] == 1
        assert bins["90-100"] == 3
        assert len(bins) == 10 and sum(bins.values()) == 7

    def test_the_pass_mark_is_drawn_where_its_score_is(self):
        chart = histogram([80, 85, 40], mark=80, width=400)
        (mark,) = chart.marks
        left, right = chart.bars[0].x - 1, chart.bars[-1].x + chart.bars[-1].width + 1
        assert mark.position == pytest.approx(left + 0.8 * (right - left), abs=0.5)
        assert mark.label == "pass mark 80%"

    def test_taller_bars_for_more_people_and_none_for_nobody(self):
        chart = histogram([85, 86, 87, 45])
        by_label = {bar.label: bar for bar in chart.bars}
        assert by_label["80-89"].height > by_label["40-49"].height > 0
        assert by_label["0-9"].height == 0
        assert by_label["80-89"].y + by_label["80-89"].height == chart.baseline

    def test_no_scores_is_an_empty_chart(self):
        chart = histogram([], mark=80)
        assert chart.empty and all(bar.height == 0 for bar in chart.bars)


class TestLines:
    def test_a_share_of_one_is_at_the_top_and_none_at_the_bottom(self):
        chart = share_over_time(
            [Series("Alpha", [(MONDAY, 0.0), (MONDAY + datetime.timedelta(days=7), 1.0)])],
            start=MONDAY,
            end=MONDAY + datetime.timedelta(days=7),
        )
        (line,) = chart.lines
        first, last = (tuple(map(float, p.split(","))) for p in line.points.split())
        assert first == (chart.left, chart.bottom) and last == (chart.right, chart.top)
        assert line.last == last

    def test_one_point_is_a_line_with_its_dot(self):
        chart = share_over_time([Series("Alpha", [(MONDAY, 0.5)])], start=MONDAY, end=MONDAY)
        (line,) = chart.lines
        assert len(line.points.split()) == 1 and line.last is not None
        assert line.last[1] == pytest.approx((chart.top + chart.bottom) / 2)

    def test_no_teams_is_an_empty_chart(self):
        chart = share_over_time([], start=MONDAY, end=MONDAY + datetime.timedelta(days=14))
        assert chart.empty and chart.lines == []
        assert [t.label for t in chart.x_ticks] == ["2 Nov", "9 Nov", "16 Nov"]

    def test_due_dates_outside_the_range_are_not_marked_and_days_are_ticks_on_mondays(self):
        start = MONDAY - datetime.timedelta(days=3)
        chart = share_over_time(
            [
                Series(
                    "Alpha",
                    [(start, 0.2)],
                    marks=[MONDAY, MONDAY, start - datetime.timedelta(days=1)],
                ),
                Series("Bravo", [(start, 0.4)]),
            ],
            start=start,
            end=MONDAY + datetime.timedelta(days=10),
            today=MONDAY,
        )
        alpha, bravo = chart.lines
        assert [m.label for m in alpha.marks] == ["2 Nov"]
        assert alpha.marks[0].position == chart.today == chart.x_ticks[0].position
        assert alpha.css != bravo.css

    def test_shares_beyond_the_range_are_held_inside_it(self):
        chart = share_over_time([Series("A", [(MONDAY, 1.5)])], start=MONDAY, end=MONDAY)
        assert chart.lines[0].last[1] == chart.top
