"""Tests for calendar months and reporting periods (SPEC §0 and §2)."""

import datetime as dt
import itertools

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given
from hypothesis import strategies as st

from safeguarding_metrics.errors import InvalidPeriodError
from safeguarding_metrics.periods import PeriodKind, ReportingPeriod, add_months
from tests.strategies import covered_days, days, reporting_periods

ONE_DAY = dt.timedelta(days=1)
month_steps = st.integers(min_value=-600, max_value=600)


def day_array(*values: dt.date | None) -> np.ndarray:
    """A datetime64[D] array of *values* (None becomes NaT)."""
    return np.array(
        [np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[D]"
    )


# -- add_months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(dt.date(2024, 2, 29), -12, dt.date(2023, 2, 28), id="leap-day-back-a-year"),
        pytest.param(dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28), id="leap-day-on-a-year"),
        pytest.param(dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29), id="leap-day-to-leap-day"),
        pytest.param(dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29), id="jan-31-to-leap-feb"),
        pytest.param(dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28), id="jan-31-to-feb"),
        pytest.param(dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29), id="mar-31-back-one"),
        pytest.param(dt.date(2024, 5, 31), 1, dt.date(2024, 6, 30), id="may-31-to-june"),
        pytest.param(dt.date(2024, 6, 30), 1, dt.date(2024, 7, 30), id="june-30-stays-30"),
        pytest.param(dt.date(2024, 12, 15), 1, dt.date(2025, 1, 15), id="over-new-year"),
        pytest.param(dt.date(2025, 1, 15), -1, dt.date(2024, 12, 15), id="back-over-new-year"),
        pytest.param(dt.date(2024, 8, 31), -6, dt.date(2024, 2, 29), id="six-back-to-feb"),
        pytest.param(dt.date(2024, 4, 10), 0, dt.date(2024, 4, 10), id="zero"),
    ],
)
def test_add_months_clips_to_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    """Months move by the calendar and clip to the end of a shorter month (SPEC §2)."""
    assert add_months(day, months) == expected
    assert add_months(day_array(day), months)[0] == np.datetime64(expected)


@example(dt.date(2024, 2, 29), 12)
@example(dt.date(2024, 2, 29), -12)
@example(dt.date(2024, 1, 31), 1)
@example(dt.date(2023, 12, 31), 2)
@example(dt.date(2024, 3, 31), -1)
@example(dt.date(1970, 1, 1), -600)
@example(dt.date(2050, 12, 31), 600)
@given(covered_days, month_steps)
def test_add_months_matches_relativedelta(day: dt.date, months: int) -> None:
    """Scalar and vectorised add_months equal day + relativedelta(months=n)."""
    expected = day + relativedelta(months=months)
    assert add_months(day, months) == expected
    assert add_months(day_array(day), months).astype(object)[0] == expected


@given(st.lists(covered_days, max_size=20), st.lists(month_steps, min_size=20, max_size=20))
def test_add_months_many_with_per_row_months(values: list[dt.date], months: list[int]) -> None:
    """An array of days with an array of month counts agrees row by row."""
    steps = np.array(months[: len(values)], dtype=np.int64)
    result = add_months(day_array(*values), steps).astype(object).tolist()
    assert result == [d + relativedelta(months=int(m)) for d, m in zip(values, steps, strict=True)]


def test_add_months_keeps_nat() -> None:
    """A missing day stays missing; its neighbours move."""
    result = add_months(day_array(None, dt.date(2024, 1, 31)), 1)
    assert np.isnat(result[0])
    assert result[1] == np.datetime64("2024-02-29")
    assert result.dtype == np.dtype("datetime64[D]")


def test_add_months_differs_from_numpy_month_arithmetic() -> None:
    """Numpy's datetime64[M] drops the day (STYLE pitfall 3); add_months does not."""
    numpy_way = (np.datetime64("2024-02-29", "M") + 12).astype("datetime64[D]")
    assert numpy_way == np.datetime64("2025-02-01")
    assert add_months(day_array(dt.date(2024, 2, 29)), 12)[0] == np.datetime64("2025-02-28")


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: add_months(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), 1), id="datetime"),
        pytest.param(lambda: add_months(dt.date(2024, 1, 1), 1.0), id="float-months"),
        pytest.param(lambda: add_months(dt.date(2024, 1, 1), True), id="bool-months"),
        pytest.param(
            lambda: add_months(day_array(dt.date(2024, 1, 1)), 1.5), id="float-array-months"
        ),
        pytest.param(lambda: add_months(np.array([1, 2]), 1), id="int-array-days"),
    ],
)
def test_add_months_rejects_wrong_types(call: object) -> None:
    """A datetime, a fractional month or a non-date array is refused."""
    with pytest.raises(TypeError):
        call()  # type: ignore[operator]


# -- constructors and labels -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "kind"),
    [
        pytest.param(
            ReportingPeriod.year_ending(2025),
            dt.date(2024, 4, 1),
            dt.date(2025, 3, 31),
            "2024-25",
            PeriodKind.YEAR,
            id="year-2024-25",
        ),
        pytest.param(
            ReportingPeriod.year_ending(2000),
            dt.date(1999, 4, 1),
            dt.date(2000, 3, 31),
            "1999-00",
            PeriodKind.YEAR,
            id="year-over-century",
        ),
        pytest.param(
            ReportingPeriod.year_ending(2025).quarter(1),
            dt.date(2024, 4, 1),
            dt.date(2024, 6, 30),
            "2024-25 Q1",
            PeriodKind.QUARTER,
            id="q1",
        ),
        pytest.param(
            ReportingPeriod.year_ending(2025).quarter(2),
            dt.date(2024, 7, 1),
            dt.date(2024, 9, 30),
            "2024-25 Q2",
            PeriodKind.QUARTER,
            id="q2",
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 3),
            dt.date(2024, 10, 1),
            dt.date(2024, 12, 31),
            "2024-25 Q3",
            PeriodKind.QUARTER,
            id="q3",
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2024, 4),
            dt.date(2024, 1, 1),
            dt.date(2024, 3, 31),
            "2023-24 Q4",
            PeriodKind.QUARTER,
            id="q4-leap-year",
        ),
        pytest.param(
            ReportingPeriod.year_to_date(as_at=dt.date(2025, 3, 31)),
            dt.date(2024, 4, 1),
            dt.date(2025, 3, 31),
            "2024-25 to date (2025-03-31)",
            PeriodKind.YEAR_TO_DATE,
            id="ytd-on-31-march-is-the-whole-year",
        ),
        pytest.param(
            ReportingPeriod.year_to_date(as_at=dt.date(2025, 4, 1)),
            dt.date(2025, 4, 1),
            dt.date(2025, 4, 1),
            "2025-26 to date (2025-04-01)",
            PeriodKind.YEAR_TO_DATE,
            id="ytd-on-1-april-is-one-day",
        ),
        pytest.param(
            ReportingPeriod.year_to_date(as_at=dt.date(2024, 12, 31)),
            dt.date(2024, 4, 1),
            dt.date(2024, 12, 31),
            "2024-25 to date (2024-12-31)",
            PeriodKind.YEAR_TO_DATE,
            id="ytd-december",
        ),
        pytest.param(
            ReportingPeriod.rolling_12_months(as_at=dt.date(2024, 2, 29)),
            dt.date(2023, 3, 1),
            dt.date(2024, 2, 29),
            "12 months to 2024-02-29",
            PeriodKind.ROLLING_12_MONTHS,
            id="rolling-to-leap-day",
        ),
        pytest.param(
            ReportingPeriod.rolling_12_months(as_at=dt.date(2025, 3, 31)),
            dt.date(2024, 4, 1),
            dt.date(2025, 3, 31),
            "12 months to 2025-03-31",
            PeriodKind.ROLLING_12_MONTHS,
            id="rolling-to-31-march-is-the-year",
        ),
        pytest.param(
            ReportingPeriod.month(2024, 2),
            dt.date(2024, 2, 1),
            dt.date(2024, 2, 29),
            "February 2024",
            PeriodKind.MONTH,
            id="month-leap-february",
        ),
        pytest.param(
            ReportingPeriod.month(2024, 12),
            dt.date(2024, 12, 1),
            dt.date(2024, 12, 31),
            "December 2024",
            PeriodKind.MONTH,
            id="month-december",
        ),
        pytest.param(
            ReportingPeriod.between(dt.date(2024, 5, 3), dt.date(2024, 5, 3), label="one day"),
            dt.date(2024, 5, 3),
            dt.date(2024, 5, 3),
            "one day",
            PeriodKind.CUSTOM,
            id="between-one-day",
        ),
        pytest.param(
            ReportingPeriod.between(dt.date(2024, 5, 3), dt.date(2024, 6, 3)),
            dt.date(2024, 5, 3),
            dt.date(2024, 6, 3),
            "2024-05-03 to 2024-06-03",
            PeriodKind.CUSTOM,
            id="between-default-label",
        ),
    ],
)
def test_constructors_give_bounds_and_labels(
    period: ReportingPeriod, start: dt.date, end: dt.date, label: str, kind: PeriodKind
) -> None:
    """Every named constructor gives the closed range and label it documents."""
    assert (period.start, period.end, period.label, period.kind) == (start, end, label, kind)
    assert str(period) == label


def test_statutory_year_has_365_or_366_days() -> None:
    """2023-24 includes 29 Feb 2024: 366 days; 2024-25 has 365."""
    assert ReportingPeriod.year_ending(2024).days == 366
    assert ReportingPeriod.year_ending(2025).days == 365


@given(st.integers(min_value=1975, max_value=2049))
def test_quarters_partition_the_year(year: int) -> None:
    """Q1 to Q4 are consecutive, start on the year's first day and end on its last."""
    period = ReportingPeriod.year_ending(year)
    quarters = [period.quarter(q) for q in (1, 2, 3, 4)]
    assert quarters[0].start == period.start
    assert quarters[-1].end == period.end
    for before, after in itertools.pairwise(quarters):
        assert after.start == before.end + ONE_DAY
    assert sum(q.days for q in quarters) == period.days


@given(days())
def test_rolling_12_months_starts_the_day_after_the_anniversary(as_at: dt.date) -> None:
    """The rolling year is [add_months(d, -12) + 1 day, d] (SPEC §0)."""
    period = ReportingPeriod.rolling_12_months(as_at=as_at)
    assert period.start == as_at + relativedelta(months=-12) + ONE_DAY
    assert period.contains(as_at)
    assert not period.contains(as_at + relativedelta(months=-12))


@given(days())
def test_year_to_date_starts_on_the_latest_1_april(as_at: dt.date) -> None:
    """The year to date starts on the last 1 April on or before the date."""
    period = ReportingPeriod.year_to_date(as_at=as_at)
    assert (period.start.month, period.start.day) == (4, 1)
    assert period.start <= as_at == period.end
    assert (as_at - period.start).days < 366


# -- comparison periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param(
            ReportingPeriod.year_ending(2025), ReportingPeriod.year_ending(2024), id="year"
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 1),
            ReportingPeriod.financial_quarter(2024, 4),
            id="q1-to-last-years-q4",
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 4),
            ReportingPeriod.financial_quarter(2025, 3),
            id="q4-to-q3",
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 2),
            ReportingPeriod.financial_quarter(2025, 1),
            id="q2-to-q1",
        ),
        pytest.param(ReportingPeriod.month(2025, 1), ReportingPeriod.month(2024, 12), id="january"),
        pytest.param(ReportingPeriod.month(2024, 3), ReportingPeriod.month(2024, 2), id="march"),
        pytest.param(
            ReportingPeriod.year_to_date(as_at=dt.date(2024, 2, 29)),
            ReportingPeriod.year_to_date(as_at=dt.date(2023, 2, 28)),
            id="ytd-a-year-earlier",
        ),
        pytest.param(
            ReportingPeriod.rolling_12_months(as_at=dt.date(2024, 2, 29)),
            ReportingPeriod.rolling_12_months(as_at=dt.date(2023, 2, 28)),
            id="rolling-a-year-earlier",
        ),
        # 10 days, 1-10 May, is preceded by the 10 days 21-30 April.
        pytest.param(
            ReportingPeriod.between(dt.date(2024, 5, 1), dt.date(2024, 5, 10)),
            ReportingPeriod.between(dt.date(2024, 4, 21), dt.date(2024, 4, 30)),
            id="custom-same-length-before",
        ),
    ],
)
def test_preceding_gives_the_comparable_period_before(
    period: ReportingPeriod, expected: ReportingPeriod
) -> None:
    """preceding() gives the previous period of the same kind."""
    assert period.preceding() == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param(
            ReportingPeriod.year_ending(2025), ReportingPeriod.year_ending(2024), id="year"
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 4),
            ReportingPeriod.financial_quarter(2024, 4),
            id="q4",
        ),
        pytest.param(
            ReportingPeriod.financial_quarter(2025, 1),
            ReportingPeriod.financial_quarter(2024, 1),
            id="q1",
        ),
        pytest.param(ReportingPeriod.month(2024, 2), ReportingPeriod.month(2023, 2), id="month"),
        pytest.param(
            ReportingPeriod.year_to_date(as_at=dt.date(2024, 10, 31)),
            ReportingPeriod.year_to_date(as_at=dt.date(2023, 10, 31)),
            id="ytd",
        ),
        pytest.param(
            ReportingPeriod.rolling_12_months(as_at=dt.date(2024, 2, 29)),
            ReportingPeriod.rolling_12_months(as_at=dt.date(2023, 2, 28)),
            id="rolling",
        ),
        pytest.param(
            ReportingPeriod.between(dt.date(2024, 2, 29), dt.date(2024, 3, 31)),
            ReportingPeriod.between(dt.date(2023, 2, 28), dt.date(2023, 3, 31)),
            id="custom",
        ),
    ],
)
def test_a_year_earlier_gives_the_same_stretch_last_year(
    period: ReportingPeriod, expected: ReportingPeriod
) -> None:
    """a_year_earlier() moves the period back twelve months, keeping its kind."""
    assert period.a_year_earlier() == expected


@given(reporting_periods())
def test_preceding_ends_before_the_period_starts(period: ReportingPeriod) -> None:
    """The preceding period has the same kind and never overlaps the period."""
    before = period.preceding()
    assert before.kind == period.kind
    assert before.start < period.start
    if period.kind in (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.CUSTOM):
        assert before.end == period.start - ONE_DAY
    if period.kind is PeriodKind.CUSTOM:
        assert before.days == period.days


# -- invalid periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: ReportingPeriod.year_ending(2025).quarter(0), id="quarter-0"),
        pytest.param(lambda: ReportingPeriod.year_ending(2025).quarter(5), id="quarter-5"),
        pytest.param(lambda: ReportingPeriod.year_ending(2025).quarter(True), id="quarter-true"),
        pytest.param(
            lambda: ReportingPeriod.financial_quarter(2025, -1), id="financial-quarter-negative"
        ),
        pytest.param(lambda: ReportingPeriod.month(2024, 2).quarter(1), id="quarter-of-a-month"),
        pytest.param(lambda: ReportingPeriod.year_ending(0), id="year-0"),
        pytest.param(lambda: ReportingPeriod.year_ending(True), id="year-true"),
        pytest.param(lambda: ReportingPeriod.year_ending("2025"), id="year-string"),
        pytest.param(lambda: ReportingPeriod.year_ending(2025.0), id="year-float"),
        pytest.param(lambda: ReportingPeriod.month(2024, 0), id="month-0"),
        pytest.param(lambda: ReportingPeriod.month(2024, 13), id="month-13"),
        pytest.param(lambda: ReportingPeriod.month(2024, True), id="month-true"),
        pytest.param(
            lambda: ReportingPeriod.between(dt.date(2024, 5, 2), dt.date(2024, 5, 1)),
            id="end-before-start",
        ),
        pytest.param(
            lambda: ReportingPeriod(start=dt.date(2024, 5, 2), end=dt.date(2024, 5, 1)),
            id="end-before-start-init",
        ),
    ],
)
def test_impossible_periods_raise(call: object) -> None:
    """Invalid quarters, years and months, and an end before the start, are refused."""
    with pytest.raises(InvalidPeriodError):
        call()  # type: ignore[operator]


def test_end_before_start_message_names_both_days() -> None:
    """The error says which end came before which start."""
    with pytest.raises(InvalidPeriodError, match=r"2024-05-01.*2024-05-02"):
        ReportingPeriod.between(dt.date(2024, 5, 2), dt.date(2024, 5, 1))


def test_period_bounds_must_be_plain_dates() -> None:
    """A datetime bound is refused."""
    with pytest.raises(TypeError):
        ReportingPeriod(start=dt.datetime(2024, 4, 1, tzinfo=dt.UTC), end=dt.date(2025, 3, 31))
    with pytest.raises(TypeError):
        ReportingPeriod.year_to_date(as_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC))


def test_periods_are_keyword_only_frozen_and_hashable() -> None:
    """Periods are values: equal when equal, usable as keys, not changeable."""
    year = ReportingPeriod.year_ending(2025)
    assert year == ReportingPeriod.year_ending(2025)
    assert len({year, ReportingPeriod.year_ending(2025)}) == 1
    with pytest.raises(AttributeError):
        year.start = dt.date(2020, 1, 1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ReportingPeriod(dt.date(2024, 4, 1), dt.date(2025, 3, 31))  # type: ignore[misc]


# -- membership --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        pytest.param(dt.date(2024, 3, 31), False, id="day-before"),
        pytest.param(dt.date(2024, 4, 1), True, id="first-day"),
        pytest.param(dt.date(2025, 3, 31), True, id="last-day"),
        pytest.param(dt.date(2025, 4, 1), False, id="day-after"),
    ],
)
def test_period_is_closed(day: dt.date, inside: bool) -> None:
    """Both the first and the last day are in the period (SPEC §0)."""
    year = ReportingPeriod.year_ending(2025)
    assert year.contains(day) is inside
    assert (day in year) is inside
    assert year.contains_many(day_array(day)).tolist() == [inside]


def test_contains_many_treats_nat_as_outside() -> None:
    """A missing day is in no period."""
    year = ReportingPeriod.year_ending(2025)
    result = year.contains_many(day_array(None, dt.date(2024, 6, 1), None))
    assert result.tolist() == [False, True, False]


def test_non_dates_are_not_in_a_period() -> None:
    """`in` with something that is not a date is False."""
    assert "2024-06-01" not in ReportingPeriod.year_ending(2025)


@given(reporting_periods(), st.lists(days(), max_size=20))
def test_contains_many_matches_contains(period: ReportingPeriod, values: list[dt.date]) -> None:
    """The array membership test equals the scalar one."""
    result = period.contains_many(day_array(*values)).tolist()
    assert result == [period.start <= v <= period.end for v in values]
