"""Tests for working days (SPEC §1): the convention, the calendar, and both code paths."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import safeguarding_metrics as sm
from safeguarding_metrics.errors import CalendarCoverageError
from safeguarding_metrics.working_days import (
    ENGLAND_FIRST_DAY,
    ENGLAND_LAST_DAY,
    WorkingDayCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
from tests.strategies import covered_days, date_pairs, days

CALENDAR = WorkingDayCalendar.england()
ONE_DAY = dt.timedelta(days=1)
# Inside the coverage with room either side for adding up to 400 working days.
inner_days = st.dates(min_value=dt.date(1972, 1, 1), max_value=dt.date(2048, 12, 31))
steps = st.integers(min_value=1, max_value=400)


def walk(calendar: WorkingDayCalendar, start: dt.date, end: dt.date) -> int:
    """Oracle: step through (start, end] one day at a time; negate if reversed."""
    lo, hi = sorted((start, end))
    count = sum(
        calendar.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
    )
    return count if end >= start else -count


def networkdays(calendar: WorkingDayCalendar, start: dt.date, end: dt.date) -> int:
    """Oracle for Excel's NETWORKDAYS(start, end), start <= end: both ends counted."""
    return sum(
        calendar.is_working_day(start + dt.timedelta(days=i)) for i in range((end - start).days + 1)
    )


def day_array(*values: dt.date | None) -> np.ndarray:
    """A datetime64[D] array of *values* (None becomes NaT)."""
    return np.array(
        [np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[D]"
    )


# -- SPEC §1 worked examples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(dt.date(2024, 1, 8), dt.date(2024, 1, 8), 0, id="same-day-is-day-0"),
        # Fri 29 Mar (Good Friday) and Mon 1 Apr (Easter Monday) are holidays: only Tue 2 Apr.
        pytest.param(dt.date(2024, 3, 28), dt.date(2024, 4, 2), 1, id="easter-2024"),
        pytest.param(dt.date(2024, 3, 23), dt.date(2024, 3, 25), 1, id="saturday-to-monday"),
        pytest.param(dt.date(2024, 1, 5), dt.date(2024, 1, 8), 1, id="friday-to-monday"),
        pytest.param(dt.date(2024, 4, 2), dt.date(2024, 3, 28), -1, id="easter-reversed"),
        # The 45th working day after Mon 8 Apr 2024 is Wed 12 Jun (6 May and 27 May are holidays).
        pytest.param(dt.date(2024, 4, 8), dt.date(2024, 6, 12), 45, id="assessment-45"),
    ],
)
def test_worked_examples_count(start: dt.date, end: dt.date, expected: int) -> None:
    """The worked examples of SPEC §1 give the counts it states."""
    assert working_days_between(start, end) == expected
    assert CALENDAR.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(dt.date(2024, 4, 8), 45, dt.date(2024, 6, 12), id="assessment-2024"),
        pytest.param(dt.date(2022, 9, 8), 15, dt.date(2022, 9, 30), id="queen-funeral-2022"),
        pytest.param(dt.date(2023, 4, 24), 15, dt.date(2023, 5, 17), id="coronation-2023"),
        # DfE's sample CIN census: S47 1970-06-02, InitialCPCtarget 1970-06-23.
        pytest.param(dt.date(1970, 6, 2), 15, dt.date(1970, 6, 23), id="dfe-sample-icpc-target"),
        pytest.param(dt.date(2024, 3, 23), 0, dt.date(2024, 3, 23), id="zero-is-start-itself"),
        pytest.param(dt.date(2024, 3, 28), 1, dt.date(2024, 4, 2), id="one-over-easter"),
        pytest.param(dt.date(2024, 4, 2), -1, dt.date(2024, 3, 28), id="minus-one-over-easter"),
        pytest.param(dt.date(2024, 3, 23), -1, dt.date(2024, 3, 22), id="saturday-minus-one"),
    ],
)
def test_worked_examples_add(start: dt.date, n: int, expected: dt.date) -> None:
    """Adding working days lands where SPEC §1 says."""
    assert add_working_days(start, n) == expected
    assert CALENDAR.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(dt.date(2011, 4, 29), id="royal-wedding-2011"),
        pytest.param(dt.date(2012, 6, 5), id="diamond-jubilee-2012"),
        pytest.param(dt.date(2012, 6, 4), id="spring-bank-holiday-moved-2012"),
        pytest.param(dt.date(2020, 5, 8), id="ve-day-2020"),
        pytest.param(dt.date(2022, 6, 3), id="platinum-jubilee-2022"),
        pytest.param(dt.date(2022, 6, 2), id="spring-bank-holiday-moved-2022"),
        pytest.param(dt.date(2022, 9, 19), id="queen-funeral-2022"),
        pytest.param(dt.date(2023, 5, 8), id="coronation-2023"),
        pytest.param(dt.date(2024, 12, 25), id="christmas"),
        pytest.param(dt.date(2021, 12, 28), id="boxing-day-substitute"),
        pytest.param(dt.date(2024, 1, 6), id="saturday"),
        pytest.param(dt.date(2024, 1, 7), id="sunday"),
    ],
)
def test_holidays_and_weekends_are_not_working_days(day: dt.date) -> None:
    """One-off bank holidays, moved holidays and weekends are not working days."""
    assert not is_working_day(day)
    assert not CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        # In 2020 the early May bank holiday moved from Mon 4 May to Fri 8 May (VE Day).
        pytest.param(dt.date(2020, 5, 4), id="early-may-2020-moved-away"),
        pytest.param(dt.date(2024, 1, 8), id="ordinary-monday"),
        pytest.param(dt.date(2011, 4, 28), id="day-before-royal-wedding"),
    ],
)
def test_ordinary_weekdays_are_working_days(day: dt.date) -> None:
    """A weekday that is no bank holiday is a working day; 4 May 2020 is one."""
    assert is_working_day(day)


def test_saturday_after_the_45th_working_day_took_45_working_days() -> None:
    """An assessment authorised on the Saturday after its 45th working day took 45."""
    # From Mon 8 Apr 2024 the 45th working day is Wed 12 Jun (SPEC §1), so from Wed 10 Apr
    # it is Fri 14 Jun, and Sat 15 Jun is the Saturday after it.
    start = dt.date(2024, 4, 10)
    saturday = dt.date(2024, 6, 15)
    assert add_working_days(start, 45) == dt.date(2024, 6, 14)
    assert saturday.weekday() == 5
    assert working_days_between(start, saturday) == 45
    assert saturday < add_working_days(start, 46)
    assert not saturday <= add_working_days(start, 45)  # the "working day end" form fails


def test_calendar_names_its_source() -> None:
    """The England calendar says which holidays release produced it."""
    assert CALENDAR.source.startswith("holidays ")
    assert CALENDAR.first_day == ENGLAND_FIRST_DAY == dt.date(1970, 1, 1)
    assert CALENDAR.last_day == ENGLAND_LAST_DAY == dt.date(2050, 12, 31)


def test_england_calendar_is_built_once() -> None:
    """Two calls with the same closures return the same calendar object."""
    assert WorkingDayCalendar.england() is WorkingDayCalendar.england()


# -- properties --------------------------------------------------------------------------------


@example(dt.date(2024, 3, 28), 1)
@example(dt.date(2024, 3, 30), 1)  # from a Saturday
@example(dt.date(2022, 9, 16), 1)  # over 19 Sep 2022
@given(inner_days, steps)
def test_adding_n_then_counting_gives_n(start: dt.date, n: int) -> None:
    """For n >= 1, wd(s, add(s, n)) == n and add(s, n) is a working day."""
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert is_working_day(end)


@example(dt.date(2024, 4, 2), 1)
@example(dt.date(2024, 3, 31), 1)  # from Easter Sunday: back to Thu 28 Mar
@given(inner_days, steps)
def test_subtracting_n_leaves_n_working_days_before_the_start(start: dt.date, n: int) -> None:
    """For n <= -1, [add(s, n), s) holds exactly |n| working days and add(s, n) is one.

    The mirror of the rule for n >= 1. Because the count is over (start, end], the naive
    mirror wd(s, add(s, n)) == n holds only when s is itself a working day: from Sunday
    31 Mar 2024, one working day back is Thu 28 Mar, yet wd(31 Mar, 28 Mar) == 0.
    """
    end = add_working_days(start, -n)
    assert working_days_between(end - ONE_DAY, start - ONE_DAY) == n
    assert is_working_day(end)
    if is_working_day(start):
        assert working_days_between(start, end) == -n


def test_naive_mirror_fails_from_a_non_working_day() -> None:
    """From Easter Sunday 2024, one working day back is Thu 28 Mar, and wd between is 0."""
    sunday = dt.date(2024, 3, 31)
    assert add_working_days(sunday, -1) == dt.date(2024, 3, 28)
    assert working_days_between(sunday, dt.date(2024, 3, 28)) == 0


@given(inner_days, steps)
def test_add_lands_on_the_first_day_reaching_n(start: dt.date, n: int) -> None:
    """add(s, n) is the earliest day d with wd(s, d) == n (nothing earlier reaches n)."""
    end = add_working_days(start, n)
    assert working_days_between(start, end - ONE_DAY) == n - 1


@given(date_pairs())
def test_counting_is_antisymmetric(pair: tuple[dt.date, dt.date]) -> None:
    """Swapping start and end negates the count."""
    start, end = pair
    assert working_days_between(end, start) == -working_days_between(start, end)


@given(days(), days(), days())
def test_counting_is_additive(a: dt.date, b: dt.date, c: dt.date) -> None:
    """wd(a, b) + wd(b, c) == wd(a, c), whatever the order of a, b and c."""
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(days(), days(), days())
def test_counting_is_monotone_in_end(start: dt.date, e1: dt.date, e2: dt.date) -> None:
    """A later end never gives a smaller count."""
    lo, hi = sorted((e1, e2))
    assert working_days_between(start, lo) <= working_days_between(start, hi)


@example((dt.date(2024, 4, 10), dt.date(2024, 6, 15)), 45)  # the Saturday case
@example((dt.date(2024, 4, 8), dt.date(2024, 6, 12)), 45)
@example((dt.date(2024, 4, 8), dt.date(2024, 6, 13)), 45)
@given(date_pairs(max_gap=120), st.integers(min_value=0, max_value=60))
def test_within_n_working_days_has_two_equivalent_forms(
    pair: tuple[dt.date, dt.date], limit: int
) -> None:
    """wd(s, e) <= N iff e < add(s, N + 1); for a working-day e also iff e <= add(s, N)."""
    start, end = pair
    within = working_days_between(start, end) <= limit
    assert within == (end < add_working_days(start, limit + 1))
    if is_working_day(end):
        assert within == (end <= add_working_days(start, limit))


@example((dt.date(2015, 2, 1), dt.date(2015, 1, 2)))  # naive reverse busday_count: -21
@example((dt.date(2024, 3, 28), dt.date(2024, 4, 2)))  # Easter: 1 (holidays says 2)
@example((dt.date(2022, 9, 16), dt.date(2022, 9, 20)))  # 19 Sep 2022 bank holiday
@example((dt.date(2024, 1, 5), dt.date(2024, 1, 8)))  # Friday to Monday is 1
@example((dt.date(2024, 1, 8), dt.date(2024, 1, 8)))  # same day is day 0
@given(date_pairs())
def test_working_days_between_matches_walking(pair: tuple[dt.date, dt.date]) -> None:
    """The scalar count equals walking the calendar a day at a time, in both directions."""
    start, end = pair
    assert CALENDAR.working_days_between(start, end) == walk(CALENDAR, start, end)


@given(st.lists(date_pairs(), min_size=1, max_size=20))
def test_vectorised_count_equals_scalar_count(pairs: list[tuple[dt.date, dt.date]]) -> None:
    """The array path gives the scalar path's answers, as floats."""
    starts = day_array(*(s for s, _ in pairs))
    ends = day_array(*(e for _, e in pairs))
    counts = working_days_between(starts, ends)
    assert counts.dtype == np.float64
    assert counts.tolist() == [float(working_days_between(s, e)) for s, e in pairs]


@given(st.lists(inner_days, min_size=1, max_size=20), st.integers(-400, 400))
def test_vectorised_add_equals_scalar_add(starts: list[dt.date], n: int) -> None:
    """Adding to an array gives the scalar answers, with n a scalar or an array."""
    array = day_array(*starts)
    expected = [add_working_days(s, n) for s in starts]
    assert add_working_days(array, n).astype(object).tolist() == expected
    per_row = np.arange(len(starts), dtype=np.int64) - len(starts) // 2
    expected_rows = [add_working_days(s, int(k)) for s, k in zip(starts, per_row, strict=True)]
    assert add_working_days(array, per_row).astype(object).tolist() == expected_rows


@given(st.lists(covered_days, min_size=1, max_size=20))
def test_vectorised_is_working_day_equals_scalar(values: list[dt.date]) -> None:
    """is_working_day on an array gives the scalar answers."""
    result = is_working_day(day_array(*values))
    assert result.dtype == np.bool_
    assert result.tolist() == [is_working_day(v) for v in values]


@given(date_pairs(max_gap=60))
def test_excel_networkdays_is_count_from_the_day_before(pair: tuple[dt.date, dt.date]) -> None:
    """For s <= e, Excel's NETWORKDAYS(s, e) (both ends) equals wd(s - 1 day, e)."""
    start, end = sorted(pair)
    assert networkdays(CALENDAR, start, end) == working_days_between(start - ONE_DAY, end)


@example((dt.date(2015, 1, 2), dt.date(2015, 2, 1)))
@example((dt.date(2024, 3, 28), dt.date(2024, 4, 2)))
@given(date_pairs())
def test_busday_count_shifted_by_a_day_agrees(pair: tuple[dt.date, dt.date]) -> None:
    """For s <= e, wd(s, e) == numpy.busday_count(s + 1, e + 1) with the same holidays."""
    start, end = sorted(pair)
    holidays = np.array(sorted(CALENDAR.bank_holidays), dtype="datetime64[D]")
    expected = np.busday_count(start + ONE_DAY, end + ONE_DAY, holidays=holidays)
    assert working_days_between(start, end) == int(expected)


# -- missing dates -----------------------------------------------------------------------------


def test_missing_dates_give_nan_counts() -> None:
    """NaT on either side gives nan; present pairs still count."""
    starts = day_array(dt.date(2024, 3, 28), None, dt.date(2024, 1, 8), None)
    ends = day_array(dt.date(2024, 4, 2), dt.date(2024, 4, 2), None, None)
    counts = working_days_between(starts, ends)
    assert counts[0] == 1
    assert np.isnan(counts[1:]).all()


def test_missing_start_gives_nat_when_adding() -> None:
    """Adding working days to NaT gives NaT; other rows are unaffected."""
    result = add_working_days(day_array(None, dt.date(2022, 9, 8)), 15)
    assert np.isnat(result[0])
    assert result[1] == np.datetime64("2022-09-30")


def test_missing_day_is_not_a_working_day() -> None:
    """is_working_day(NaT) is False."""
    assert is_working_day(day_array(None, dt.date(2024, 1, 8))).tolist() == [False, True]


def test_scalar_date_with_an_array() -> None:
    """A date on one side and an array on the other broadcasts."""
    ends = day_array(dt.date(2024, 4, 2), None)
    counts = working_days_between(dt.date(2024, 3, 28), ends)
    assert counts[0] == 1
    assert np.isnan(counts[1])
    back = working_days_between(ends, dt.date(2024, 3, 28))
    assert back[0] == -1


def test_other_datetime64_units_are_read_as_days() -> None:
    """A datetime64[s] array counts by its calendar day."""
    starts = np.array(["2024-03-28T15:30:00"], dtype="datetime64[s]")
    ends = np.array(["2024-04-02T09:00:00"], dtype="datetime64[s]")
    assert working_days_between(starts, ends).tolist() == [1.0]


def test_empty_arrays_give_empty_results() -> None:
    """Empty arrays in, empty arrays out."""
    empty = day_array()
    assert working_days_between(empty, empty).shape == (0,)
    assert add_working_days(empty, 3).shape == (0,)
    assert is_working_day(empty).shape == (0,)


def test_input_arrays_are_not_modified() -> None:
    """Counting never writes into the caller's arrays (nor needs them writeable)."""
    starts = day_array(dt.date(2024, 3, 28), None)
    ends = day_array(dt.date(2024, 4, 2), dt.date(2024, 4, 2))
    starts.flags.writeable = False
    ends.flags.writeable = False
    before = starts.copy()
    working_days_between(starts, ends)
    add_working_days(starts, 2)
    np.testing.assert_array_equal(starts, before)


# -- coverage and types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: working_days_between(dt.date(1969, 12, 31), dt.date(2000, 1, 1)),
            id="start-before",
        ),
        pytest.param(
            lambda: working_days_between(dt.date(2000, 1, 1), dt.date(2051, 1, 1)), id="end-after"
        ),
        pytest.param(lambda: is_working_day(dt.date(1969, 12, 31)), id="is-working-before"),
        pytest.param(lambda: add_working_days(dt.date(2051, 1, 1), 0), id="add-zero-after"),
        pytest.param(
            lambda: working_days_between(
                day_array(dt.date(1969, 12, 31), None), day_array(None, None)
            ),
            id="array-before",
        ),
        pytest.param(
            lambda: is_working_day(day_array(None, dt.date(2051, 1, 1))), id="array-after"
        ),
    ],
)
def test_dates_outside_coverage_raise(call: object) -> None:
    """A date outside 1970-01-01..2050-12-31 is an error naming it and the coverage."""
    with pytest.raises(
        CalendarCoverageError, match=r"(1969-12-31|2051-01-01).*1970-01-01 to 2050-12-31"
    ):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("start", "n"),
    [
        pytest.param(dt.date(2050, 12, 30), 5, id="past-the-last-day"),
        pytest.param(dt.date(1970, 1, 2), -5, id="before-the-first-day"),
    ],
)
def test_results_outside_coverage_raise(start: dt.date, n: int) -> None:
    """Adding working days past the coverage raises, naming the start and the coverage."""
    pattern = rf"{start}.*1970-01-01 to 2050-12-31"
    with pytest.raises(CalendarCoverageError, match=pattern):
        add_working_days(start, n)
    with pytest.raises(CalendarCoverageError, match=pattern):
        add_working_days(day_array(None, start), n)


def test_edges_of_coverage_are_usable() -> None:
    """The first and last covered days work."""
    # New Year's Day became a bank holiday in England only in 1974, so Thu 1 Jan 1970 was
    # a working day; Thu 1 Jan 1976 was not.
    assert is_working_day(ENGLAND_FIRST_DAY)
    assert not is_working_day(dt.date(1976, 1, 1))
    assert working_days_between(ENGLAND_FIRST_DAY, dt.date(1970, 1, 2)) == 1
    assert working_days_between(ENGLAND_FIRST_DAY, ENGLAND_LAST_DAY) > 0


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: working_days_between(
                dt.datetime(2024, 1, 8, tzinfo=dt.UTC), dt.date(2024, 1, 9)
            ),
            id="count",
        ),
        pytest.param(lambda: add_working_days(dt.datetime(2024, 1, 8, tzinfo=dt.UTC), 1), id="add"),
        pytest.param(
            lambda: is_working_day(dt.datetime(2024, 1, 8, tzinfo=dt.UTC)), id="is-working"
        ),
        pytest.param(
            lambda: is_working_day([dt.datetime(2024, 1, 8, tzinfo=dt.UTC)]), id="list-of-datetimes"
        ),
        pytest.param(lambda: add_working_days(dt.date(2024, 1, 8), 1.5), id="float-n"),
        pytest.param(lambda: add_working_days(dt.date(2024, 1, 8), True), id="bool-n"),
        pytest.param(
            lambda: add_working_days(day_array(dt.date(2024, 1, 8)), 1.5), id="float-n-array"
        ),
    ],
)
def test_datetimes_and_non_integer_steps_are_rejected(call: object) -> None:
    """A datetime is not a date: it is refused rather than silently truncated."""
    with pytest.raises(TypeError):
        call()  # type: ignore[operator]


# -- closures ----------------------------------------------------------------------------------

CLOSURE = dt.date(2024, 12, 27)  # a Friday between Boxing Day and the weekend
CLOSED = WorkingDayCalendar.england(extra_closures=[CLOSURE])


def test_closure_day_is_not_a_working_day() -> None:
    """A council closure day is not a working day on the calendar that lists it."""
    assert CALENDAR.is_working_day(CLOSURE)
    assert not CLOSED.is_working_day(CLOSURE)
    assert CLOSED.working_days_between(dt.date(2024, 12, 24), dt.date(2024, 12, 30)) == 1


def test_adding_skips_closure_days() -> None:
    """The next working day after Christmas Eve skips 25, 26 and the 27 closure."""
    assert CALENDAR.add_working_days(dt.date(2024, 12, 24), 1) == CLOSURE
    assert CLOSED.add_working_days(dt.date(2024, 12, 24), 1) == dt.date(2024, 12, 30)


@given(date_pairs(), st.lists(days(), max_size=10))
def test_closures_never_increase_a_count(
    pair: tuple[dt.date, dt.date], closed: list[dt.date]
) -> None:
    """Adding closure days can only reduce the number of working days in (start, end]."""
    start, end = sorted(pair)
    calendar = CALENDAR.with_closures(closed)
    assert calendar.working_days_between(start, end) <= CALENDAR.working_days_between(start, end)
    assert calendar.working_days_between(start, end) == walk(calendar, start, end)


def test_calendar_with_closures_is_hashable_and_distinct() -> None:
    """Calendars are values: hashable, equal by their days, the closures making a difference."""
    assert hash(CLOSED) == hash(WorkingDayCalendar.england(extra_closures=[CLOSURE]))
    assert WorkingDayCalendar.england(extra_closures=[CLOSURE]) == CLOSED
    assert CLOSED != CALENDAR
    assert len({CLOSED, CALENDAR, CALENDAR.with_closures([CLOSURE])}) == 2


def test_closure_outside_coverage_raises() -> None:
    """A closure day the calendar does not cover is an error naming the day."""
    with pytest.raises(CalendarCoverageError, match="2051-01-02"):
        WorkingDayCalendar.england(extra_closures=[dt.date(2051, 1, 2)])


def test_closure_must_be_a_date() -> None:
    """A datetime closure is refused."""
    with pytest.raises(TypeError):
        WorkingDayCalendar.england(extra_closures=[dt.datetime(2024, 12, 27, tzinfo=dt.UTC)])  # type: ignore[list-item]


def test_custom_calendar_counts_its_own_days() -> None:
    """A calendar built by hand has its own coverage and holidays."""
    calendar = WorkingDayCalendar(
        name="Test",
        bank_holidays=[dt.date(2024, 1, 1)],
        first_day=dt.date(2023, 12, 1),
        last_day=dt.date(2024, 1, 31),
    )
    assert calendar.working_days_between(dt.date(2023, 12, 29), dt.date(2024, 1, 2)) == 1
    with pytest.raises(
        CalendarCoverageError, match=r"2024-02-01 .*Test calendar.*2023-12-01 to 2024-01-31"
    ):
        calendar.is_working_day(dt.date(2024, 2, 1))
    array = day_array(dt.date(2023, 12, 29), dt.date(2023, 11, 30))
    with pytest.raises(CalendarCoverageError, match="2023-11-30"):
        calendar.working_days_between(array, array)


def test_calendar_last_day_before_first_day_raises() -> None:
    """A calendar covering no days is refused."""
    with pytest.raises(CalendarCoverageError):
        WorkingDayCalendar(
            name="Backwards",
            bank_holidays=[],
            first_day=dt.date(2024, 1, 31),
            last_day=dt.date(2024, 1, 1),
        )


def test_public_api_matches_spec() -> None:
    """The SPEC §3a calls work from the package namespace."""
    assert sm.working_days_between(dt.date(2024, 3, 28), dt.date(2024, 4, 2)) == 1
    assert sm.add_working_days(dt.date(2022, 9, 8), 15) == dt.date(2022, 9, 30)
    assert sm.is_working_day(dt.date(2023, 5, 8)) is False
