import datetime as dt
import random
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics._dates import to_date
from safeguarding_metrics.care_history import ShortBreaks
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.indicators import looked_after as la
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview, Record
from safeguarding_metrics.results import Distribution, Rate, Result
from safeguarding_metrics.working_days import WorkingDayCalendar
from tests import oracles_looked_after as oracle
from tests.strategies_looked_after import (
    care_leaver_datasets,
    coverage_of,
    looked_after_datasets,
    periods,
)

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)  # 2024-04-01 to 2025-03-31
CALENDAR = WorkingDayCalendar.england()


def ep(
    start: dt.date,
    end: dt.date | None = None,
    reason: str = "P",
    placement: str = "U1",
    *,
    child: str = "A",
    legal_status: str = "C2",
    urn: str | None = None,
    postcode: str | None = None,
    reason_ceased: str | None = "auto",
    year: int | None = None,
) -> Episode:
    """An episode; one with an end ceases with X1 (a new episode follows) unless told."""
    if reason_ceased == "auto":
        reason_ceased = "X1" if end is not None else None
    return Episode(
        child_id=child,
        start=start,
        end=end,
        reason_new=reason,
        legal_status=legal_status,
        placement=placement,
        urn=urn,
        postcode=postcode,
        reason_ceased=reason_ceased,
        year=year,
    )


def review(day: dt.date, child: str = "A") -> LACReview:
    return LACReview(child_id=child, review_date=day)


def born(day: dt.date | None, child: str = "A") -> Child:
    return Child(child_id=child, birth_date=day)


def outcomes(result: Result) -> dict[str, str]:
    """Child (or record) id -> outcome label, from the audit."""
    assert result.audit is not None
    return {
        str(child): str(label)
        for child, label in zip(result.audit.child_ids, result.audit.outcomes(), strict=True)
    }


def outcome_of(
    function: Callable[..., Rate | Distribution],
    *records: Record,
    period: ReportingPeriod = YEAR,
    child: str = "A",
) -> str:
    return outcomes(function(records, period=period))[child]


def to_dates(values: Any) -> list[dt.date | None]:
    """A measure of dates as `datetime.date` values (`None` for NaT)."""
    return [None if np.isnat(v) else to_date(v) for v in values]


# -- lac-reviews-in-timescale ----------------------------------------------------------------


def reviews_outcome(*records: Record, period: ReportingPeriod = YEAR) -> str:
    return outcome_of(la.lac_review_timeliness_rate, *records, period=period)


# Care started Mon 2024-04-08: its 20th working day is Tue 2024-05-07 (6 May is the early
# May bank holiday): 9–12 Apr (4), 15–19 (9), 22–26 (14), 29–30 (16), 1–3 May (19), 7 May (20).
@pytest.mark.parametrize(
    ("first_review", "expected"),
    [
        pytest.param(D(2024, 5, 7), "numerator", id="on-the-20th-working-day"),
        pytest.param(D(2024, 5, 8), "denominator-only", id="after-the-20th-working-day"),
        pytest.param(D(2024, 4, 8), "numerator", id="on-the-day-care-started"),
    ],
)
def test_first_review_within_20_working_days(first_review: dt.date, expected: str) -> None:
    """The first review is due on the 20th working day after care started."""
    second = D(2024, 7, 8)  # within 3 months of each first review
    third = D(2025, 1, 8)  # 6 months after the second; the next is due after period end
    records = (ep(D(2024, 4, 8), reason="S"), review(first_review), review(second))
    assert reviews_outcome(*records, review(third)) == expected


@pytest.mark.parametrize(
    ("second", "third", "expected"),
    [
        pytest.param(D(2024, 8, 1), D(2025, 2, 1), "numerator", id="exactly-3-and-6-months"),
        pytest.param(D(2024, 8, 2), D(2025, 2, 1), "denominator-only", id="3-months-and-a-day"),
        pytest.param(D(2024, 8, 1), D(2025, 2, 2), "denominator-only", id="6-months-and-a-day"),
    ],
)
def test_later_reviews_within_3_then_6_months(
    second: dt.date, third: dt.date, expected: str
) -> None:
    """The second review is due 3 months after the first, later ones 6 months after."""
    # First review 2024-05-01; the third's successor is due 6 months later, after period end.
    records = (ep(D(2024, 4, 8), reason="S"), review(D(2024, 5, 1)), review(second), review(third))
    assert reviews_outcome(*records) == expected


def test_months_clip_to_the_end_of_a_shorter_month() -> None:
    """A first review on 30 Nov 2024 makes the second due on 28 Feb 2025, not 2 March."""
    # Care started Fri 2024-11-08; 30 Nov is a Saturday within the 20 working days.
    base = (ep(D(2024, 11, 8), reason="S"), review(D(2024, 11, 30)))
    assert reviews_outcome(*base, review(D(2025, 2, 28))) == "numerator"
    assert reviews_outcome(*base, review(D(2025, 3, 1))) == "denominator-only"


# Care started Tue 2024-12-10: 31 Dec is its 13th working day (25, 26 Dec are holidays).
@pytest.mark.parametrize(
    ("first_review", "expected"),
    [
        pytest.param(D(2024, 12, 31), "numerator", id="second-due-on-period-end"),
        pytest.param(D(2024, 12, 30), "denominator-only", id="second-overdue-at-period-end"),
    ],
)
def test_a_review_due_on_the_last_day_is_not_overdue(first_review: dt.date, expected: str) -> None:
    """The next review due on 31 March is not overdue; due on 30 March it is."""
    assert reviews_outcome(ep(D(2024, 12, 10), reason="S"), review(first_review)) == expected


# 2025-03-03 + 20 working days = Mon 2025-03-31: 4–7 Mar (4), 10–14 (9), 17–21 (14),
# 24–28 (19), 31 (20). From Sun 2025-03-02 the 20th is Fri 2025-03-28.
@pytest.mark.parametrize(
    ("care_start", "expected"),
    [
        pytest.param(D(2025, 3, 2), "denominator-only", id="first-review-overdue"),
        pytest.param(D(2025, 3, 3), "numerator", id="first-review-due-on-period-end"),
        pytest.param(D(2025, 3, 4), "out-of-scope", id="first-review-not-yet-due"),
    ],
)
def test_cohort_is_children_whose_first_review_was_due(care_start: dt.date, expected: str) -> None:
    """Only children whose first review was due by period end are in the cohort."""
    assert reviews_outcome(ep(care_start, reason="S")) == expected


def test_reviews_before_care_started_are_ignored() -> None:
    """A review from an earlier period of care does not count for the current one."""
    records = (
        ep(D(2023, 1, 1), D(2023, 6, 1), "S"),
        ep(D(2024, 4, 8), reason="S"),
        review(D(2023, 1, 20)),
    )
    assert reviews_outcome(*records) == "denominator-only"


def test_the_clock_starts_at_the_start_of_the_period_of_care() -> None:
    """A placement move does not restart the review clock."""
    episodes = (ep(D(2023, 1, 2), D(2024, 6, 1), "S"), ep(D(2024, 6, 1), None, "P", "U3"))
    # Reviews every time since 2023-01-02: all on time from the period's start.
    reviews = [review(D(2023, 1, 20)), review(D(2023, 4, 20)), review(D(2023, 10, 20))]
    reviews += [review(D(2024, 4, 20)), review(D(2024, 10, 20))]
    assert reviews_outcome(*episodes, *reviews) == "numerator"
    # Only reviews since the move: the first review of 2023 was missed.
    assert reviews_outcome(*episodes, review(D(2024, 6, 20))) == "denominator-only"


def test_every_review_since_care_started_is_checked() -> None:
    """A late review in an earlier year keeps the child out of the numerator."""
    reviews = [review(D(2023, 1, 20)), review(D(2023, 5, 20))]  # second review late
    reviews += [review(D(2023, 10, 20)), review(D(2024, 4, 20)), review(D(2024, 10, 20))]
    assert reviews_outcome(ep(D(2023, 1, 2), reason="S"), *reviews) == "denominator-only"


def test_two_reviews_on_one_day_count_once() -> None:
    """A repeated review date is one review, so the next is held to 3 months, not 6."""
    records = (
        ep(D(2024, 4, 8), reason="S"),
        review(D(2024, 5, 1)),
        review(D(2024, 5, 1)),
        review(D(2024, 9, 1)),
    )
    assert reviews_outcome(*records) == "denominator-only"


def test_reviews_after_period_end_are_ignored() -> None:
    """A review after period end does not rescue an overdue one."""
    records = (ep(D(2025, 2, 1), reason="S"), review(D(2025, 4, 2)))
    assert reviews_outcome(*records) == "denominator-only"


@pytest.mark.parametrize(
    ("legal_status", "expected"),
    [
        pytest.param("V3", "out-of-scope", id="V3"),
        pytest.param("V4", "out-of-scope", id="V4"),
        pytest.param("C2", "denominator-only", id="C2"),
    ],
)
def test_short_breaks_are_out_of_the_review_cohort(legal_status: str, expected: str) -> None:
    """Children under short breaks (V3/V4 on the open episode) are out of scope."""
    assert reviews_outcome(ep(D(2024, 4, 8), reason="S", legal_status=legal_status)) == expected


def test_episode_ending_on_period_end_is_not_looked_after() -> None:
    """An episode ending on 31 March is not open at 31 March."""
    assert reviews_outcome(ep(D(2024, 4, 8), D(2025, 3, 31), "S")) == "out-of-scope"
    assert reviews_outcome(ep(D(2024, 4, 8), D(2025, 4, 1), "S")) == "denominator-only"


# Care began with an S episode on 2024-04-08, so errors count from the earlier of period
# start (2024-04-01) and that day: a set-aside episode counts when its start is on or after
# 2024-04-01 (and its end on or before period end).
@pytest.mark.parametrize(
    ("bad_start", "expected"),
    [
        pytest.param(D(2024, 9, 1), "episode-error", id="in-the-current-period-of-care"),
        pytest.param(D(2024, 4, 1), "episode-error", id="starting-on-period-start"),
        pytest.param(D(2024, 3, 31), "denominator-only", id="before-care-began-with-s"),
        pytest.param(D(2022, 5, 1), "denominator-only", id="years-before-care-began-with-s"),
    ],
)
def test_episode_errors_exclude_the_child_from_reviews(bad_start: dt.date, expected: str) -> None:
    """An episode ending before it starts excludes a child in the cohort when it can matter."""
    bad = ep(bad_start, bad_start - dt.timedelta(days=20), "P")
    result = la.lac_review_timeliness_rate((ep(D(2024, 4, 8), reason="S"), bad), period=YEAR)
    assert outcomes(result)["A"] == expected
    assert result.excluded == ({"episode-error": 1} if expected == "episode-error" else {})


def test_an_error_that_moves_care_start_excludes_rather_than_drops_from_reviews() -> None:
    """A set-aside episode that made a gap is episode-error, not out of scope."""
    # Without the typo the child has been in care since 2023; with it set aside, care seems
    # to start on 2025-03-20, whose first review is due after period end.
    records = (
        ep(D(2023, 1, 1), D(2024, 1, 1), "S"),
        ep(D(2024, 1, 1), D(2023, 2, 1), "P"),  # DEC typed a year early
        ep(D(2025, 3, 20), None, "P", "U3"),
    )
    result = la.lac_review_timeliness_rate(records, period=YEAR)
    assert outcomes(result) == {"A": "episode-error"}
    assert result.excluded == {"episode-error": 1}


def test_review_only_child_is_accounted_for() -> None:
    """A child with reviews but no episode is out of scope, not dropped."""
    assert reviews_outcome(review(D(2024, 5, 1))) == "out-of-scope"


def test_reviews_use_the_given_calendar() -> None:
    """A local closure day moves the 20th working day."""
    records = (
        ep(D(2024, 4, 8), reason="S"),
        review(D(2024, 5, 8)),
        review(D(2024, 8, 1)),
        review(D(2025, 1, 20)),
    )
    closed = WorkingDayCalendar.england(extra_closures=[D(2024, 4, 10)])
    default = la.lac_review_timeliness_rate(records, period=YEAR)
    local = la.lac_review_timeliness_rate(records, period=YEAR, calendar=closed)
    assert (default.numerator, local.numerator) == (0, 1)


def test_care_start_outside_the_calendar_is_excluded() -> None:
    """A start of care typed as 1905 is `outside-calendar`, not an error, and others count."""
    records = (ep(D(1905, 4, 10), reason="S"), ep(D(2024, 4, 8), reason="S", child="B"))
    result = la.lac_review_timeliness_rate(records, period=YEAR)
    assert outcomes(result) == {"A": "outside-calendar", "B": "denominator-only"}
    assert result.excluded == {"outside-calendar": 1}
    assert (result.numerator, result.denominator) == (0, 1)
    assert "outside-calendar" in la.LAC_REVIEWS_IN_TIMESCALE.exclusions
    assert "1970-01-01 to 2050-12-31" in la.LAC_REVIEWS_IN_TIMESCALE.exclusions["outside-calendar"]


def test_episode_error_wins_over_outside_calendar() -> None:
    """A child with episode errors and a care start outside coverage is `episode-error`."""
    records = (ep(D(1905, 4, 10), reason="S"), ep(D(2022, 5, 1), D(2022, 4, 1), "S"))
    assert reviews_outcome(*records) == "episode-error"


# After Mon 12 Dec 2050 only 14 weekdays remain in the England calendar (13-16, 19-23 and
# 26-30 Dec; it ends on Sat 31 Dec 2050), so the 20th working day cannot be counted.
@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # The period ends on the calendar's last day: the first review is surely not yet due.
        pytest.param(ReportingPeriod.month(2050, 12), "out-of-scope", id="period-within"),
        # The period runs to 31 Mar 2051: whether the review was due cannot be counted.
        pytest.param(ReportingPeriod.year_ending(2051), "outside-calendar", id="period-beyond"),
    ],
)
def test_20th_working_day_after_the_calendar_ends(period: ReportingPeriod, expected: str) -> None:
    """A first review due after the calendar's last day is out of scope or excluded, never raises."""
    assert reviews_outcome(ep(D(2050, 12, 12), reason="S"), period=period) == expected


def test_review_coverage_comes_from_the_calendar_passed() -> None:
    """A care start before a custom calendar's first day is excluded; England times it."""
    from_2020 = WorkingDayCalendar(
        name="from 2020",
        bank_holidays=CALENDAR.bank_holidays,
        first_day=D(2020, 1, 1),
        last_day=D(2030, 12, 31),
    )
    records = (ep(D(2019, 6, 3), reason="S"),)
    england = la.lac_review_timeliness_rate(records, period=YEAR)
    custom = la.lac_review_timeliness_rate(records, period=YEAR, calendar=from_2020)
    assert outcomes(england)["A"] == "denominator-only"  # no review held since 2019
    assert outcomes(custom)["A"] == "outside-calendar"


# Reviews known from 2024-04-01; the child in care since 2020 (its first review was due in
# January 2020, and nothing shows whether it was held).
SINCE = D(2024, 4, 1)
IN_CARE_SINCE_2020 = ep(D(2020, 1, 6), reason="S")


def reviews_from_outcome(*reviews: LACReview, since: dt.date | None = SINCE) -> str:
    result = la.lac_review_timeliness_rate(
        (IN_CARE_SINCE_2020, *reviews), period=YEAR, reviews_from=since
    )
    return outcomes(result)["A"]


def test_review_history_before_the_data_is_never_a_missed_review() -> None:
    """Reviews on time since reviews_from: in the numerator, whatever came before."""
    reviews = (review(D(2024, 6, 1)), review(D(2024, 11, 20)))
    assert reviews_from_outcome(*reviews) == "numerator"
    # With all history assumed present, the first review of 2020 was missed.
    assert reviews_from_outcome(*reviews, since=None) == "denominator-only"


def test_reviews_from_defaults_to_the_recorded_coverage_of_reviews() -> None:
    """The first day of the earliest return holding reviews is where they are known from."""
    records = (IN_CARE_SINCE_2020, review(D(2024, 6, 1)), review(D(2024, 11, 20)))
    with_reviews = Dataset.of(*records)
    recorded = Dataset(
        episodes=with_reviews.episodes,
        lac_reviews=with_reviews.lac_reviews,
        coverage=coverage_of([2025], ("episodes", "lac_reviews")),
    )
    episodes_only = Dataset(
        episodes=with_reviews.episodes,
        lac_reviews=with_reviews.lac_reviews,
        coverage=coverage_of([2025], ("episodes",)),
    )
    assert outcomes(la.lac_review_timeliness_rate(recorded, period=YEAR)) == {"A": "numerator"}
    assert outcomes(la.lac_review_timeliness_rate(episodes_only, period=YEAR)) == {
        "A": "denominator-only"
    }
    card = la.LAC_REVIEWS_IN_TIMESCALE.compute(recorded, period=YEAR)
    assert card.audit is not None
    assert to_dates(card.audit.measures["reviews_judged_from"]) == [SINCE]


def test_a_child_with_no_review_since_the_data_begins_is_excluded() -> None:
    """Care started before reviews_from and no review since: review-history-missing."""
    result = la.lac_review_timeliness_rate(
        (IN_CARE_SINCE_2020, review(D(2024, 3, 1))), period=YEAR, reviews_from=SINCE
    )
    assert outcomes(result) == {"A": "review-history-missing"}
    assert result.excluded == {"review-history-missing": 1}
    assert "review-history-missing" in la.LAC_REVIEWS_IN_TIMESCALE.exclusions


def test_a_missing_years_return_is_never_a_missed_review() -> None:
    """Returns for 2021-22, 2023-24 and 2024-25: reviews are known from 1 April 2023."""
    days = [D(2021, 10, 1), D(2022, 3, 1), D(2023, 9, 1), D(2024, 2, 15), D(2024, 8, 1)]
    days.append(D(2025, 1, 20))
    with_reviews = Dataset.of(IN_CARE_SINCE_2020, *(review(day) for day in days))
    data = Dataset(
        episodes=with_reviews.episodes,
        lac_reviews=with_reviews.lac_reviews,
        coverage=coverage_of([2022, 2024, 2025], ("episodes", "lac_reviews")),
    )
    result = la.LAC_REVIEWS_IN_TIMESCALE.compute(data, period=YEAR)
    assert outcomes(result) == {"A": "numerator"}
    assert result.audit is not None
    assert to_dates(result.audit.measures["reviews_judged_from"]) == [D(2023, 4, 1)]
    # Given the whole run from 2021 explicitly, the year without reviews is a missed review.
    assert reviews_from_outcome(*(review(day) for day in days), since=D(2021, 4, 1)) == (
        "denominator-only"
    )


@pytest.mark.parametrize(
    ("first_known", "expected"),
    [
        pytest.param(D(2024, 10, 1), "numerator", id="6-months-after-reviews-from"),
        pytest.param(D(2024, 10, 2), "denominator-only", id="a-day-later"),
    ],
)
def test_the_first_known_review_is_due_6_months_after_reviews_from(
    first_known: dt.date, expected: str
) -> None:
    """Whatever the unseen history, an on-time one makes the next review due by then."""
    assert reviews_from_outcome(review(first_known)) == expected


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(D(2024, 11, 1), "numerator", id="6-months-after"),
        pytest.param(D(2024, 11, 2), "denominator-only", id="6-months-and-a-day"),
    ],
)
def test_the_review_after_the_first_known_one_is_due_within_6_months(
    second: dt.date, expected: str
) -> None:
    """Whether the first known review was the child's first cannot be known: 6 months."""
    assert reviews_from_outcome(review(D(2024, 5, 1)), review(second)) == expected


def test_the_first_known_review_must_not_leave_the_child_overdue() -> None:
    """One known review in April 2024 and none after: overdue by 31 March 2025."""
    assert reviews_from_outcome(review(D(2024, 4, 2))) == "denominator-only"


def test_reviews_before_reviews_from_are_ignored_for_earlier_care() -> None:
    """A review before the data's coverage neither counts nor sets the next due date."""
    reviews = (review(D(2024, 3, 30)), review(D(2024, 8, 1)), review(D(2025, 1, 30)))
    assert reviews_from_outcome(*reviews) == "numerator"


def test_care_starting_on_reviews_from_is_judged_from_care_start() -> None:
    """Care starting on that day: the usual chain from the 20th working day."""
    records = (ep(D(2024, 4, 8), reason="S"), review(D(2024, 5, 8)))  # the 21st working day
    result = la.lac_review_timeliness_rate(records, period=YEAR, reviews_from=D(2024, 4, 8))
    assert outcomes(result) == {"A": "denominator-only"}
    assert result.audit is not None
    assert to_dates(result.audit.measures["reviews_judged_from"]) == [None]


def test_episode_error_comes_before_review_history_missing() -> None:
    """A child with an episode error and no known review is episode-error."""
    records = (IN_CARE_SINCE_2020, ep(D(2024, 9, 1), D(2024, 8, 1), "P"))
    result = la.lac_review_timeliness_rate(records, period=YEAR, reviews_from=SINCE)
    assert outcomes(result) == {"A": "episode-error"}


def test_outside_calendar_comes_before_review_history_missing() -> None:
    """A care start typed as 1905 and no known review: outside-calendar."""
    result = la.lac_review_timeliness_rate(
        (ep(D(1905, 4, 10), reason="S"),), period=YEAR, reviews_from=SINCE
    )
    assert outcomes(result) == {"A": "outside-calendar"}


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(dt.datetime(2024, 4, 1), id="datetime"),  # noqa: DTZ001 - a bad value on purpose
        pytest.param("2024-04-01", id="text"),
    ],
)
def test_a_reviews_from_that_is_not_a_date_is_refused(value: object) -> None:
    """reviews_from must be a datetime.date (or None)."""
    with pytest.raises(InvalidOptionError, match="reviews_from"):
        la.LAC_REVIEWS_IN_TIMESCALE.compute((IN_CARE_SINCE_2020,), period=YEAR, reviews_from=value)
    with pytest.raises(InvalidOptionError, match="reviews_from"):
        la.lac_review_timeliness_rate((IN_CARE_SINCE_2020,), period=YEAR, reviews_from=value)  # type: ignore[arg-type]


def test_review_results_list_the_repairs() -> None:
    """A repaired overlap in the current care is in the diagnostics and the repairs measure."""
    records = (ep(D(2024, 4, 8), reason="S"), ep(D(2024, 6, 1), None, "P", "U3"))
    result = la.lac_review_timeliness_rate(records, period=YEAR)
    assert result.audit is not None
    assert result.audit.measures["repairs"].tolist() == [1.0]
    assert ["overlap" in d.problem for d in result.diagnostics] == [True]


# -- cla-3-plus-placements -------------------------------------------------------------------


def placements_outcome(*episodes: Episode) -> tuple[str, float]:
    result = la.three_plus_placements_rate(episodes, period=YEAR)
    assert result.audit is not None
    return outcomes(result)["A"], float(result.audit.measures["placements"][0])


def test_three_placements_count() -> None:
    """Three placements in the year are in the numerator, two are not."""
    three = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S"),
        ep(D(2024, 6, 1), D(2024, 9, 1), "P", "U3"),
        ep(D(2024, 9, 1), None, "B", "U4"),
    )
    assert placements_outcome(*three) == ("numerator", 3)
    assert placements_outcome(*three[:2], ep(D(2024, 9, 1), None, "L", "U3")) == (
        "denominator-only",
        2,
    )


@pytest.mark.parametrize("reason", ["T", "U", "L"])
def test_same_carer_moves_are_not_placements(reason: str) -> None:
    """T and U moves (same carer) and L changes continue the placement."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S"),
        ep(D(2024, 6, 1), D(2024, 9, 1), reason, "U3"),
        ep(D(2024, 9, 1), None, reason, "A4"),
    )
    assert placements_outcome(*episodes) == ("denominator-only", 1)


def test_first_overlapping_episode_counts_whatever_its_reason() -> None:
    """An L episode that started before the year is the year's first placement."""
    episodes = (
        ep(D(2022, 1, 1), D(2024, 3, 1), "S"),
        ep(D(2024, 3, 1), D(2024, 6, 1), "L", "U1"),
        ep(D(2024, 6, 1), D(2024, 9, 1), "P", "U3"),
        ep(D(2024, 9, 1), None, "P", "U4"),
    )
    assert placements_outcome(*episodes) == ("numerator", 3)


@pytest.mark.parametrize(
    ("first_end", "expected"),
    [
        pytest.param(D(2024, 4, 1), 2, id="ended-1-april-does-not-overlap"),
        pytest.param(D(2024, 4, 2), 3, id="ended-2-april-overlaps"),
    ],
)
def test_episode_ending_on_the_first_day_does_not_overlap(
    first_end: dt.date, expected: int
) -> None:
    """A placement that ended on 1 April is not a placement of the year starting that day."""
    episodes = (
        ep(D(2023, 1, 1), first_end, "S"),
        ep(first_end, D(2024, 6, 1), "P", "U3"),
        ep(D(2024, 6, 1), None, "P", "U4"),
    )
    assert placements_outcome(*episodes)[1] == expected


@pytest.mark.parametrize(
    ("urn", "expected"),
    [
        pytest.param("SC1", 2, id="back-to-the-same-placement"),
        pytest.param("SC2", 3, id="different-urn-is-a-new-placement"),
    ],
)
def test_temporary_placements_and_returns(urn: str, expected: int) -> None:
    """A holiday (T1) and a return to the same carer is one placement, not three."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 5, 1), "S", "U1", urn="SC1"),
        ep(D(2024, 5, 1), D(2024, 8, 1), "P", "U4", urn="SC1"),
        ep(D(2024, 8, 1), D(2024, 8, 15), "P", "T1"),
        ep(D(2024, 8, 15), None, "P", "U4", urn=urn),
    )
    assert placements_outcome(*episodes)[1] == expected


def test_placements_ending_on_period_end_leave_the_cohort() -> None:
    """A child whose last episode ended on 31 March is not in the cohort."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S"),
        ep(D(2024, 6, 1), D(2024, 9, 1), "P", "U3"),
        ep(D(2024, 9, 1), D(2025, 3, 31), "P", "U4"),
    )
    assert placements_outcome(*episodes)[0] == "out-of-scope"


def test_short_breaks_are_out_of_the_placements_cohort() -> None:
    """A child on a short break (V3) at period end is out of scope."""
    episodes = (
        ep(D(2024, 5, 1), D(2024, 5, 3), "S", legal_status="V3"),
        ep(D(2024, 6, 1), D(2024, 6, 3), "S", legal_status="V3"),
        ep(D(2024, 7, 1), None, "S", legal_status="V4"),
    )
    assert placements_outcome(*episodes)[0] == "out-of-scope"


# Short breaks in May and June, then care from July: one placement, or three when counted.
SHORT_BREAKS_THEN_CARE = (
    ep(D(2024, 5, 1), D(2024, 5, 3), "S", "K1", legal_status="V3", reason_ceased="E13"),
    ep(D(2024, 6, 1), D(2024, 6, 3), "S", "K1", legal_status="V3", reason_ceased="E13"),
    ep(D(2024, 7, 1), None, "S", legal_status="C2"),
)


def test_short_break_episodes_are_not_placements() -> None:
    """Short breaks earlier in the year are not placements of a child now in care (SPEC v2)."""
    assert placements_outcome(*SHORT_BREAKS_THEN_CARE) == ("denominator-only", 1)


def test_short_break_episodes_count_when_asked() -> None:
    """short_breaks='count' counts them as any other episode, as an older local figure does."""
    result = la.three_plus_placements_rate(
        SHORT_BREAKS_THEN_CARE, period=YEAR, short_breaks="count"
    )
    assert outcomes(result) == {"A": "numerator"}
    assert result.audit is not None
    assert result.audit.measures["placements"].tolist() == [3.0]


def test_a_return_after_a_short_break_continues_the_placement() -> None:
    """In care with U1 carers, a V3 short break, back to the same carers: one placement."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S", "U1", urn="SC1"),
        ep(D(2024, 6, 1), D(2024, 6, 14), "B", "K1", legal_status="V3"),
        ep(D(2024, 6, 14), None, "B", "U1", urn="SC1"),
    )
    assert placements_outcome(*episodes) == ("denominator-only", 1)


def test_placements_in_every_period_of_care_count() -> None:
    """A child who left care and came back has the placements of both periods counted."""
    episodes = (
        ep(D(2024, 5, 1), D(2024, 7, 1), "S"),
        ep(D(2024, 7, 1), D(2024, 8, 1), "P", "U3"),
        ep(D(2024, 10, 1), None, "S"),
    )
    assert placements_outcome(*episodes) == ("numerator", 3)


def test_overlapping_episodes_are_repaired_not_excluded() -> None:
    """The earlier episode ends on the later one's start: the child stays in the cohort."""
    episodes = (ep(D(2024, 1, 1), D(2024, 6, 1), "S"), ep(D(2024, 5, 1), None, "P", "U3"))
    result = la.three_plus_placements_rate(episodes, period=YEAR)
    assert outcomes(result) == {"A": "denominator-only"}
    assert result.audit is not None
    assert result.audit.measures["placements"].tolist() == [2.0]
    assert result.audit.measures["repairs"].tolist() == [1.0]
    (diagnostic,) = result.diagnostics
    assert "overlap" in diagnostic.problem
    assert diagnostic.value.startswith("child A, DECOM 2024-01-01: DEC 2024-06-01 -> 2024-05-01")


def test_a_child_missing_from_the_next_return_leaves_the_cohort() -> None:
    """Open in the 2024 return, missing from 2025's: not looked after at 31 March 2025."""
    episode = ep(D(2022, 6, 1), None, "S", year=2024)
    data = Dataset(episodes=[episode], coverage=coverage_of([2024, 2025], ("episodes",)))
    result = la.three_plus_placements_rate(data, period=YEAR)
    assert outcomes(result) == {"A": "out-of-scope"}
    assert result.audit is not None
    assert result.audit.measures["repairs"].tolist() == [1.0]
    (diagnostic,) = result.diagnostics
    assert "missing from the next return" in diagnostic.problem
    assert "DEC open -> 2024-04-01" in diagnostic.value
    # Still looked after at 31 March 2024, the last day of its return's year.
    before = la.three_plus_placements_rate(data, period=ReportingPeriod.year_ending(2024))
    assert outcomes(before) == {"A": "denominator-only"}


@pytest.mark.parametrize(
    ("bad_start", "expected"),
    [
        # An earlier period of care, in the year: its placements count, so its error does.
        pytest.param(D(2024, 5, 15), "episode-error", id="earlier-care-in-year"),
        # The same, but over before the year began: nothing of it is counted.
        pytest.param(D(2023, 5, 15), "denominator-only", id="earlier-care-before"),
    ],
)
def test_placement_errors_count_only_when_they_can_matter(
    bad_start: dt.date, expected: str
) -> None:
    """An episode ending before it starts excludes only when its dates reach the period."""
    year = bad_start.year
    episodes = (
        ep(D(year, 5, 1), D(year, 7, 1), "S", reason_ceased="E4A"),
        ep(bad_start, bad_start - dt.timedelta(days=14), "P", "U3"),
        ep(D(2024, 10, 1), None, "S", "U4"),
    )
    result = la.three_plus_placements_rate(episodes, period=YEAR)
    assert outcomes(result)["A"] == expected
    if expected == "episode-error":
        (diagnostic,) = result.diagnostics
        assert diagnostic.problem.endswith("the child is excluded (episode-error)")
        assert (
            diagnostic.value
            == f"child A, DECOM {bad_start}, DEC {bad_start - dt.timedelta(days=14)}"
        )


@pytest.mark.parametrize(
    ("after_holiday", "urn"),
    [
        pytest.param("U1", "SC1", id="back-to-the-placement-before"),
        pytest.param("U3", "SC2", id="on-to-a-new-placement"),
    ],
)
def test_temporary_placement_spanning_1_april_is_not_the_first_placement(
    after_holiday: str, urn: str
) -> None:
    """A holiday open on 1 April is skipped: the next non-temporary episode counts first."""
    # The U1 placement ended before the year; the T0 spans 1 April. Counted: the episode
    # after the holiday (whatever it continues) and the U4 move: 2 placements.
    episodes = (
        ep(D(2023, 1, 1), D(2024, 3, 20), "S", "U1", urn="SC1"),
        ep(D(2024, 3, 20), D(2024, 4, 10), "P", "T0"),
        ep(D(2024, 4, 10), D(2024, 8, 1), "P", after_holiday, urn=urn),
        ep(D(2024, 8, 1), None, "P", "U4"),
    )
    assert placements_outcome(*episodes) == ("denominator-only", 2)


# -- cla-long-term-stability -----------------------------------------------------------------

# Period end 2025-03-31: 30 months before is 2022-09-30, 24 months before is 2023-03-31.


def stability_outcome(*records: Record) -> str:
    return outcome_of(la.long_term_stability_rate, *records)


@pytest.mark.parametrize(
    ("care_start", "expected"),
    [
        pytest.param(D(2022, 9, 30), "numerator", id="exactly-30-months"),
        pytest.param(D(2022, 10, 1), "out-of-scope", id="a-day-short-of-30-months"),
    ],
)
def test_cohort_needs_30_months_in_care(care_start: dt.date, expected: str) -> None:
    """The current period of care must have started 30 months or more before period end."""
    assert stability_outcome(ep(care_start, reason="S"), born(D(2012, 1, 1))) == expected


@pytest.mark.parametrize(
    ("placement_start", "expected"),
    [
        pytest.param(D(2023, 3, 31), "numerator", id="exactly-24-months"),
        pytest.param(D(2023, 4, 1), "denominator-only", id="a-day-short-of-24-months"),
    ],
)
def test_numerator_needs_24_months_in_the_placement(
    placement_start: dt.date, expected: str
) -> None:
    """The current placement must have started 24 months or more before period end."""
    records = (
        ep(D(2020, 1, 1), placement_start, "S"),
        ep(placement_start, None, "P", "U3"),
        born(D(2012, 1, 1)),
    )
    assert stability_outcome(*records) == expected


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        pytest.param(D(2009, 3, 31), "out-of-scope", id="16th-birthday-on-period-end"),
        pytest.param(D(2009, 4, 1), "numerator", id="16th-birthday-the-day-after"),
        pytest.param(None, "missing-birth-date", id="no-birth-date"),
    ],
)
def test_children_under_16_at_period_end(birth: dt.date | None, expected: str) -> None:
    """A child aged 16 at period end is out of scope; without a birth date, excluded."""
    assert stability_outcome(ep(D(2020, 1, 1), reason="S"), born(birth)) == expected


def test_child_without_a_child_record_is_excluded() -> None:
    """No Child record at all: missing-birth-date."""
    assert stability_outcome(ep(D(2020, 1, 1), reason="S")) == "missing-birth-date"


@pytest.mark.parametrize(
    ("foster_start", "expected"),
    [
        pytest.param(D(2023, 3, 31), "numerator", id="placement-before-adoption-24-months"),
        pytest.param(D(2023, 4, 1), "denominator-only", id="placement-before-adoption-shorter"),
    ],
)
def test_placement_before_the_adoptive_one_counts(foster_start: dt.date, expected: str) -> None:
    """Placed for adoption: the foster placement before the adoptive one may count."""
    records = (
        ep(D(2020, 1, 1), foster_start, "S", "U1"),
        ep(foster_start, D(2024, 6, 1), "P", "U3"),
        ep(D(2024, 6, 1), None, "P", "A4"),
        born(D(2018, 1, 1)),
    )
    assert stability_outcome(*records) == expected


def test_adoption_by_the_same_carers_continues_the_foster_placement() -> None:
    """An A5 episode reached by U continues the placement, whose own start decides."""
    records = (
        ep(D(2020, 1, 1), D(2023, 3, 31), "S", "U1"),
        ep(D(2023, 3, 31), D(2024, 6, 1), "P", "U3"),
        ep(D(2024, 6, 1), None, "U", "A5"),
        born(D(2018, 1, 1)),
    )
    assert stability_outcome(*records) == "numerator"


def test_placement_before_rule_needs_an_adoptive_placement_of_its_own() -> None:
    """A foster placement turned adoptive by U is not paired with the placement before it."""
    records = (
        ep(D(2020, 1, 1), D(2023, 6, 1), "S", "U1"),
        ep(D(2023, 6, 1), D(2024, 6, 1), "P", "U3"),  # current placement: from 2023-06-01
        ep(D(2024, 6, 1), None, "U", "A5"),
        born(D(2018, 1, 1)),
    )
    assert stability_outcome(*records) == "denominator-only"


def test_not_placed_for_adoption_needs_its_own_24_months() -> None:
    """Without an adoptive placement the placement before does not count."""
    records = (
        ep(D(2020, 1, 1), D(2024, 6, 1), "S", "U1"),
        ep(D(2024, 6, 1), None, "P", "U3"),
        born(D(2018, 1, 1)),
    )
    assert stability_outcome(*records) == "denominator-only"


def test_temporary_placement_at_period_end_is_judged_by_the_one_it_interrupts() -> None:
    """A child on holiday (T0) at 31 March keeps the start of the placement before."""
    records = (
        ep(D(2020, 1, 1), D(2025, 3, 20), "S", "U1"),
        ep(D(2025, 3, 20), None, "P", "T0"),
        born(D(2012, 1, 1)),
    )
    assert stability_outcome(*records) == "numerator"


def test_short_breaks_are_out_of_the_stability_cohort() -> None:
    """Legal status V4 on the open episode: out of scope."""
    records = (ep(D(2020, 1, 1), reason="S", legal_status="V4"), born(D(2012, 1, 1)))
    assert stability_outcome(*records) == "out-of-scope"


# Care began with an S episode on 2020-01-01: a set-aside episode counts from that day.
@pytest.mark.parametrize(
    ("bad_start", "expected"),
    [
        pytest.param(D(2022, 5, 1), "episode-error", id="in-the-current-period-of-care"),
        pytest.param(D(2020, 1, 1), "episode-error", id="on-the-day-care-began"),
        pytest.param(D(2019, 12, 31), "numerator", id="the-day-before-care-began-with-s"),
        pytest.param(D(2025, 6, 1), "numerator", id="both-dates-after-period-end"),
    ],
)
def test_stability_excludes_children_with_episode_errors(bad_start: dt.date, expected: str) -> None:
    """An episode ending before it starts excludes the child when it can matter."""
    records = (
        ep(D(2020, 1, 1), reason="S"),
        ep(bad_start, bad_start - dt.timedelta(days=30), "P", "U3"),
        born(D(2012, 1, 1)),
    )
    assert stability_outcome(*records) == expected


def test_an_error_that_moves_care_start_excludes_rather_than_drops_from_stability() -> None:
    """The reviewer's case: a DEC typo makes a gap; the child is episode-error, not dropped."""
    records = (
        ep(D(2020, 1, 1), D(2021, 1, 1), "S"),
        ep(D(2021, 1, 1), D(2020, 2, 1), "P"),  # DEC typo: set aside, so care seems to restart
        ep(D(2023, 2, 1), None, "P", "U3"),
        born(D(2015, 1, 1)),
    )
    result = la.long_term_stability_rate(records, period=YEAR)
    assert outcomes(result) == {"A": "episode-error"}
    assert result.excluded == {"episode-error": 1}
    assert (result.numerator, result.denominator) == (0, 0)


# The current period of care begins without S on 2023-02-01 after a gap; the care before it
# ended on 2021-01-01, so a set-aside episode counts when its start is on or after that day.
@pytest.mark.parametrize(
    ("bad_start", "expected"),
    [
        pytest.param(D(2021, 1, 1), "episode-error", id="on-the-day-the-care-before-ended"),
        pytest.param(D(2020, 12, 31), "out-of-scope", id="inside-the-care-before"),
    ],
)
def test_errors_count_back_to_the_care_before_a_start_without_s(
    bad_start: dt.date, expected: str
) -> None:
    """After a gap without S, a set-aside episode since the care before ended may bridge it."""
    records = (
        ep(D(2018, 1, 1), D(2021, 1, 1), "S"),
        ep(bad_start, bad_start - dt.timedelta(days=100), "P"),
        ep(D(2023, 2, 1), None, "P", "U3"),  # missing-s: 26 months before period end
        born(D(2015, 1, 1)),
    )
    assert stability_outcome(*records) == expected


def test_an_overlap_is_repaired_and_the_later_placement_decides() -> None:
    """An open episode overlapped by a later one ends on its start: that placement is current."""
    records = (
        ep(D(2020, 1, 1), None, "S"),
        ep(D(2021, 6, 1), None, "P", "U3"),
        born(D(2012, 1, 1)),
    )
    result = la.long_term_stability_rate(records, period=YEAR)
    assert outcomes(result) == {"A": "numerator"}
    assert result.audit is not None
    assert to_dates(result.audit.measures["care_start"]) == [D(2020, 1, 1)]
    assert to_dates(result.audit.measures["placement_start"]) == [D(2021, 6, 1)]
    assert result.audit.measures["repairs"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("short_breaks", "expected"),
    [
        pytest.param("exclude", "numerator", id="short-break-not-a-placement"),
        pytest.param("count", "denominator-only", id="short-break-counted"),
    ],
)
def test_stability_reads_placements_with_the_short_breaks_option(
    short_breaks: ShortBreaks, expected: str
) -> None:
    """A short break interrupting a long placement ends it only when short breaks count."""
    records = (
        ep(D(2020, 1, 1), D(2024, 6, 1), "S", "U1", urn="SC1"),
        ep(D(2024, 6, 1), D(2024, 6, 14), "B", "K1", legal_status="V3"),
        ep(D(2024, 6, 14), None, "B", "U1", urn="SC1"),
        born(D(2012, 1, 1)),
    )
    result = la.long_term_stability_rate(records, period=YEAR, short_breaks=short_breaks)
    assert outcomes(result) == {"A": expected}


def test_age_is_applied_before_episode_errors() -> None:
    """A child aged 16 at period end is out of scope even with an episode error."""
    records = (
        ep(D(2024, 6, 1), reason="S"),
        ep(D(2024, 9, 1), D(2024, 8, 1), "P"),
        born(D(2009, 3, 31)),
    )
    assert stability_outcome(*records) == "out-of-scope"


def test_episode_error_is_judged_before_missing_birth_date() -> None:
    """A child with an error and no birth date is episode-error."""
    records = (ep(D(2020, 1, 1), reason="S"), ep(D(2022, 5, 1), D(2022, 4, 1), "P"))
    assert stability_outcome(*records) == "episode-error"


# -- care leavers ----------------------------------------------------------------------------


def leaver(
    birth: dt.date,
    in_touch: str | None = "YES",
    activity: str | None = "F1",
    accommodation: str | None = "B1",
    *,
    year: int | None = None,
    child: str = "A",
) -> CareLeaver:
    return CareLeaver(
        child_id=child,
        birth_date=birth,
        in_touch=in_touch,
        activity=activity,
        accommodation=accommodation,
        year=year,
    )


AGE_FUNCTIONS = {
    "eet-17-18": la.care_leavers_eet_17_18_rate,
    "eet-19-21": la.care_leavers_eet_19_21_rate,
    "accommodation-17-18": la.care_leavers_accommodation_17_18_rate,
    "accommodation-19-21": la.care_leavers_accommodation_19_21_rate,
}


@pytest.mark.parametrize(
    ("birth", "in_17_18", "in_19_21"),
    [
        pytest.param(D(2007, 4, 1), True, False, id="17th-birthday-on-period-start"),
        pytest.param(D(2007, 3, 31), True, False, id="18th-birthday-on-period-end"),
        pytest.param(D(2009, 3, 31), False, False, id="16th-birthday-on-period-end"),
        pytest.param(D(2008, 4, 1), False, False, id="17th-birthday-the-day-after"),
        pytest.param(D(2006, 3, 31), False, True, id="19th-birthday-on-period-end"),
        pytest.param(D(2005, 6, 1), False, True, id="20th-birthday"),
        pytest.param(D(2004, 3, 31), False, True, id="21st-birthday-on-period-end"),
        pytest.param(D(2003, 4, 1), False, True, id="21st-birthday-on-period-start"),
        pytest.param(D(2003, 3, 31), False, False, id="22nd-birthday-on-period-end"),
    ],
)
def test_cohort_is_the_birthday_in_the_period(
    birth: dt.date, in_17_18: bool, in_19_21: bool
) -> None:
    """A record is in the cohort when its birthday of an age in the range is in the period."""
    record = leaver(birth)
    for name, function in AGE_FUNCTIONS.items():
        expected = in_17_18 if name.endswith("17-18") else in_19_21
        result = function([record], period=YEAR)
        assert result.denominator == int(expected), name


def test_29_february_birthday_falls_on_28_february() -> None:
    """A 21st birthday of someone born on 29 February 2004 is 28 February 2025."""
    period = ReportingPeriod.between(D(2024, 3, 1), D(2025, 2, 28))
    record = leaver(D(2004, 2, 29))
    assert la.care_leavers_eet_19_21_rate([record], period=period).denominator == 1
    assert la.care_leavers_accommodation_19_21_rate([record], period=period).denominator == 1


@pytest.mark.parametrize("in_touch", ["DIED", "RHOM", "died", "NREQ", " nreq"])
def test_died_returned_home_or_not_required_is_out_of_scope(in_touch: str) -> None:
    """IN_TOUCH DIED, RHOM or NREQ is out of the care-leaver cohorts."""
    record = leaver(D(2006, 6, 1), in_touch=in_touch)
    for function in AGE_FUNCTIONS.values():
        assert outcome_of(function, record) == "out-of-scope"


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2025, 1, id="the-return-of-the-year"),
        pytest.param(2024, 0, id="an-older-return"),
        pytest.param(2026, 0, id="a-later-return"),
        pytest.param(None, 1, id="year-not-known"),
    ],
)
def test_only_the_return_for_the_year_of_period_end_is_read(
    year: int | None, expected: int
) -> None:
    """OC3 rows describe their own year: an old return's row never stands in for 2024-25."""
    record = leaver(D(2005, 6, 1), year=year)  # 19 in June 2024
    for name, function in AGE_FUNCTIONS.items():
        if name.endswith("19-21"):
            assert function([record], period=YEAR).denominator == expected, name


def test_a_quarter_reads_the_return_of_its_year() -> None:
    """Q3 2024-25 (to 31 December 2024) reads the 2025 return (the year containing its end)."""
    q3 = YEAR.quarter(3)
    records = [leaver(D(2006, 11, 1), year=2025), leaver(D(2006, 11, 1), year=2024, child="B")]
    assert outcomes(la.care_leavers_eet_17_18_rate(records, period=q3)) == {
        "A": "numerator",
        "B": "out-of-scope",
    }


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        pytest.param(None, "out-of-scope", id="still-looked-after"),
        pytest.param(D(2024, 7, 1), "out-of-scope", id="ceased-after-the-birthday"),
        pytest.param(D(2024, 6, 1), "numerator", id="ceased-on-the-birthday"),
        pytest.param(D(2024, 1, 1), "numerator", id="ceased-before"),
    ],
)
def test_a_young_person_looked_after_on_the_birthday_is_out_of_scope(
    end: dt.date | None, expected: str
) -> None:
    """An episode open on the 17th birthday: no care-leaver information is required (rule 1007)."""
    records = (
        leaver(D(2007, 6, 1)),
        ep(D(2020, 1, 1), end, "S", reason_ceased="E8" if end else None),
    )
    for function in AGE_FUNCTIONS.values():
        if function in (la.care_leavers_eet_17_18_rate, la.care_leavers_accommodation_17_18_rate):
            result = function(records, period=YEAR)
            assert outcomes(result) == {"A": expected}
            assert result.audit is not None
            looked_after = result.audit.measures["looked_after_on_birthday"].tolist()
            assert looked_after == [end is None or end > D(2024, 6, 1)]


def test_without_episodes_care_leavers_are_judged_on_oc3_alone() -> None:
    """With no episodes given, nobody is taken to be still looked after."""
    assert outcome_of(la.care_leavers_eet_17_18_rate, leaver(D(2007, 6, 1))) == "numerator"


def test_looked_after_on_the_birthday_reads_the_repaired_episodes() -> None:
    """An episode left open in the 2024 return, the child missing from 2025's: ended 1 April 2024."""
    episode = ep(D(2020, 1, 1), None, "S", year=2024)
    data = Dataset(
        episodes=[episode],
        care_leavers=[leaver(D(2006, 6, 1), year=2025)],  # 18 on 1 June 2024
        coverage=coverage_of([2024, 2025], ("episodes", "care_leavers")),
    )
    result = la.care_leavers_eet_17_18_rate(data, period=YEAR)
    assert outcomes(result) == {"A": "numerator"}
    assert ["missing from the next return" in d.problem for d in result.diagnostics] == [True]


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        *(pytest.param(c, "numerator", id=c) for c in la.EET_ACTIVITIES),
        pytest.param("G4", "denominator-only", id="G4"),
        pytest.param("0", "denominator-only", id="not-applicable-0"),
        pytest.param(None, "denominator-only", id="missing-activity"),
        pytest.param(" p4 ", "numerator", id="untidy-code"),
        pytest.param(" f3", "numerator", id="untidy-F3"),
    ],
)
def test_eet_activities(activity: str | None, expected: str) -> None:
    """F1 P1 F2 P2 F3 P3 F4 P4 F5 P5 are EET; a missing activity or 0 stays in the denominator."""
    record = leaver(D(2006, 6, 1), activity=activity)
    result = la.care_leavers_eet_17_18_rate([record], period=YEAR)
    assert outcomes(result) == {"A": expected}
    assert result.diagnostics == ()


def test_f3_and_p3_are_the_training_or_employment_of_returns_before_2022() -> None:
    """The code list keeps F3/P3 beside F4/P4 and F5/P5, as DfE's published totals do."""
    assert {"F3", "P3", "F4", "P4", "F5", "P5"} <= set(la.EET_ACTIVITIES)


def test_an_activity_outside_the_list_is_diagnosed() -> None:
    """ACTIV 'X9' is not EET, and a diagnostic names the record."""
    result = la.care_leavers_eet_17_18_rate([leaver(D(2006, 6, 1), activity="X9")], period=YEAR)
    assert outcomes(result) == {"A": "denominator-only"}
    (diagnostic,) = result.diagnostics
    assert (diagnostic.field, diagnostic.value) == ("ACTIV", "child A: X9")


@pytest.mark.parametrize(
    ("accommodation", "expected"),
    [
        pytest.param("B1", "numerator", id="suitable"),
        pytest.param("B2", "denominator-only", id="not-suitable"),
        pytest.param("Z1", "numerator", id="ends-in-1"),
        pytest.param("G1", "out-of-scope", id="G"),
        pytest.param("H2", "out-of-scope", id="H"),
        pytest.param("R1", "out-of-scope", id="R"),
        pytest.param("0", "denominator-only", id="not-applicable-0"),
        pytest.param(None, "denominator-only", id="missing-accommodation"),
    ],
)
def test_suitable_accommodation(accommodation: str | None, expected: str) -> None:
    """A code ending in 1 is suitable; letters G, H, R are out of scope."""
    record = leaver(D(2004, 6, 1), accommodation=accommodation)
    result = la.care_leavers_accommodation_19_21_rate([record], period=YEAR)
    assert outcomes(result) == {"A": expected}
    assert result.diagnostics == ()


@pytest.mark.parametrize("accommodation", ["S1", "X1", "Q1"])
def test_accommodation_codes_outside_the_list_are_diagnosed(accommodation: str) -> None:
    """S1 and X1 (no fixed abode or custody, never suitable) and unknown codes are diagnosed."""
    record = leaver(D(2004, 6, 1), accommodation=accommodation)
    result = la.care_leavers_accommodation_19_21_rate([record], period=YEAR)
    assert outcomes(result) == {"A": "numerator"}  # judged by its final digit as any other
    (diagnostic,) = result.diagnostics
    assert (diagnostic.field, diagnostic.value) == ("ACCOM", f"child A: {accommodation}")


# -- cla-ceased-permanence -------------------------------------------------------------------


def ceased_bands(*episodes: Episode, period: ReportingPeriod = YEAR) -> dict[str, int]:
    result = la.ceased_care_permanence_distribution(episodes, period=period)
    return {label: n for label, n in result.bands.items() if n}


@pytest.mark.parametrize(
    ("reason", "band"),
    [
        pytest.param("E11", "Adoption", id="E11"),
        pytest.param("E12", "Adoption", id="E12"),
        pytest.param("E43", "Special guardianship", id="E43"),
        pytest.param("E48", "Special guardianship", id="E48"),
        pytest.param("E41", "Residence / child arrangements", id="E41"),
        pytest.param("E4A", "Returned home", id="E4A"),
        pytest.param("E4B", "Returned home", id="E4B"),
        pytest.param("E13", "Returned home", id="E13"),
        pytest.param("E2", "Other", id="E2-died"),
        pytest.param(None, "Other", id="missing-reason"),
    ],
)
def test_ceased_care_by_outcome(reason: str | None, band: str) -> None:
    """The reason the period of care ended decides the band."""
    assert ceased_bands(ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased=reason)) == {band: 1}


def test_x1_without_a_next_episode_is_excluded() -> None:
    """A last episode with REC X1 has not ended care: reported, not counted or dropped."""
    episodes = (ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased="X1"),)
    result = la.ceased_care_permanence_distribution(episodes, period=YEAR)
    assert {label: n for label, n in result.bands.items() if n} == {}
    assert result.excluded == {"x1-without-next-episode": 1}
    assert outcomes(result) == {"A": "x1-without-next-episode"}
    assert "x1-without-next-episode" in la.CLA_CEASED_PERMANENCE.exclusions


def test_an_x1_exclusion_names_the_episode() -> None:
    """The child excluded x1-without-next-episode gets a diagnostic naming the episode."""
    episodes = (ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased="X1"),)
    result = la.ceased_care_permanence_distribution(episodes, period=YEAR)
    problems = [d.problem for d in result.diagnostics]
    assert len(problems) == 2
    assert problems[0].startswith("episode ended with reason ceased X1")
    assert problems[1].endswith("excluded (x1-without-next-episode)")
    assert result.diagnostics[1].value.startswith("child A, DECOM 2024-01-01, DEC 2024-09-01")


def test_x1_after_a_real_ceasing_counts_the_real_one() -> None:
    """Ceased in May, back in October, X1 in December: counted by the May ceasing."""
    episodes = (
        ep(D(2024, 4, 5), D(2024, 5, 1), "S", reason_ceased="E4A"),
        ep(D(2024, 10, 1), D(2024, 12, 1), "S", reason_ceased="X1"),
    )
    result = la.ceased_care_permanence_distribution(episodes, period=YEAR)
    assert outcomes(result) == {"A": "numerator"}
    assert {label: n for label, n in result.bands.items() if n} == {"Returned home": 1}


def test_an_overlapped_episode_keeps_its_reason_when_the_next_is_s() -> None:
    """Ended 16/12/2017 (E11), overlapped by an S episode on 12/11/2017: adoption on 12/11."""
    episodes = (
        ep(D(2017, 9, 1), D(2017, 12, 16), "S", reason_ceased="E11"),
        ep(D(2017, 11, 12), None, "S", "U3"),
    )
    result = la.ceased_care_permanence_distribution(
        episodes, period=ReportingPeriod.year_ending(2018)
    )
    assert {k: n for k, n in result.bands.items() if n} == {"Adoption": 1}
    assert [d.field for d in result.diagnostics] == ["DEC"]


def test_an_episode_overlapped_by_a_non_s_one_continues_care() -> None:
    """Overlapped by a P episode, the E11 episode takes X1: care went on, no ceasing."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased="E11"),
        ep(D(2024, 3, 1), None, "P", "U3"),
    )
    assert ceased_bands(*episodes) == {}


def test_ceased_care_excludes_episode_errors() -> None:
    """A set-aside episode inside the ending period of care excludes the child, named."""
    first = ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased="E11")
    second = ep(D(2024, 6, 1), D(2024, 5, 1), "P", "U3")
    result = la.ceased_care_permanence_distribution((first, second), period=YEAR)
    assert outcomes(result) == {"A": "episode-error"}
    assert result.excluded == {"episode-error": 1}
    (diagnostic,) = result.diagnostics
    assert diagnostic.value == "child A, DECOM 2024-06-01, DEC 2024-05-01"
    assert "excluded (episode-error)" in diagnostic.problem


def test_an_overlap_in_the_ending_care_is_repaired_and_counted_by_the_last_episode() -> None:
    """An episode inside the ending one: the first ends on its start, its own reason decides."""
    first = ep(D(2024, 1, 1), D(2024, 9, 1), "S", reason_ceased="E11")
    second = ep(D(2024, 6, 1), D(2024, 7, 1), "P", "U3", reason_ceased="E4A")
    assert ceased_bands(first, second) == {"Returned home": 1}


def test_ceased_care_ignores_errors_in_earlier_closed_care() -> None:
    """An overlap in a period of care that ended years ago does not exclude."""
    episodes = (
        ep(D(2014, 1, 1), D(2016, 1, 1), "S", reason_ceased="E4A"),
        ep(D(2015, 6, 1), D(2015, 9, 1), "P", "U3", reason_ceased="X1"),
        ep(D(2023, 1, 1), D(2024, 9, 1), "S", reason_ceased="E11"),
    )
    assert ceased_bands(*episodes) == {"Adoption": 1}


def test_an_open_episode_overlapping_a_ceasing_one_keeps_care_open() -> None:
    """An E11 ending in the year overlapped by an open episode: care went on (X1), no ceasing."""
    ended = ep(D(2023, 1, 1), D(2024, 9, 1), "S", reason_ceased="E11")
    duplicate = ep(D(2024, 5, 1), None, "P", "U3")
    result = la.ceased_care_permanence_distribution((ended, duplicate), period=YEAR)
    assert outcomes(result) == {"A": "out-of-scope"}
    assert ["overlap" in d.problem for d in result.diagnostics] == [True]


def test_an_error_that_may_hide_a_ceasing_excludes_the_child() -> None:
    """A set-aside episode saying care ended in the year (E11): episode-error, not dropped."""
    before = ep(D(2023, 1, 1), D(2024, 9, 1), "S", reason_ceased="X1")
    typo = ep(D(2024, 9, 1), D(2024, 8, 1), "P", "U3", reason_ceased="E11")
    result = la.ceased_care_permanence_distribution((before, typo), period=YEAR)
    assert outcomes(result) == {"A": "episode-error"}
    assert [d.value for d in result.diagnostics][-1] == "child A, DECOM 2024-09-01, DEC 2024-08-01"


@pytest.mark.parametrize(
    ("end", "counted"),
    [
        pytest.param(D(2025, 3, 31), True, id="ended-31-march"),
        pytest.param(D(2024, 4, 1), True, id="ended-1-april"),
        pytest.param(D(2024, 3, 31), False, id="ended-before-the-year"),
        pytest.param(D(2025, 4, 1), False, id="ended-after-the-year"),
    ],
)
def test_ceasing_must_be_in_the_period(end: dt.date, counted: bool) -> None:
    """Care ending on either end day of the year is in it."""
    bands = ceased_bands(ep(D(2023, 1, 1), end, "S", reason_ceased="E11"))
    assert bands == ({"Adoption": 1} if counted else {})


def test_an_episode_followed_by_another_with_x1_is_not_ceasing() -> None:
    """Only the last episode of a period of care ends it: an X1 episode does not."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S", reason_ceased="X1"),
        ep(D(2024, 6, 1), None, "P", "U3"),
    )
    assert ceased_bands(*episodes) == {}


def test_a_reason_other_than_x1_ceases_care_even_when_an_episode_follows_that_day() -> None:
    """E11 then a P episode the same day: care ended (SPEC v2); the P episode starts anew."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S", reason_ceased="E11"),
        ep(D(2024, 6, 1), None, "P", "U3"),
    )
    result = la.ceased_care_permanence_distribution(episodes, period=YEAR)
    assert {k: n for k, n in result.bands.items() if n} == {"Adoption": 1}
    assert ["without RNE S" in d.problem for d in result.diagnostics] == [True]


def test_x1_followed_by_s_the_same_day_is_not_ceasing() -> None:
    """X1 then an RNE S episode that day: a new period of care, but the child never left."""
    episodes = (
        ep(D(2024, 1, 1), D(2024, 6, 1), "S", reason_ceased="X1"),
        ep(D(2024, 6, 1), None, "S", "U3"),
    )
    result = la.ceased_care_permanence_distribution(episodes, period=YEAR)
    assert outcomes(result) == {"A": "out-of-scope"}


def test_a_child_missing_from_the_next_return_ceased_on_1_april_as_other() -> None:
    """Open in the 2024 return with E11 recorded, missing from 2025's: ceased 1 April 2024, Other."""
    episode = ep(D(2022, 6, 1), None, "S", reason_ceased="E11", year=2024)
    data = Dataset(episodes=[episode], coverage=coverage_of([2024, 2025], ("episodes",)))
    result = la.ceased_care_permanence_distribution(data, period=YEAR)
    assert {k: n for k, n in result.bands.items() if n} == {"Other": 1}
    assert ceased_bands(episode, period=ReportingPeriod.year_ending(2024)) == {}


def test_a_child_ceasing_twice_counts_once_by_the_last_occasion() -> None:
    """Two periods of care ended in the year: counted once, by the later one."""
    episodes = (
        ep(D(2024, 4, 5), D(2024, 6, 1), "S", reason_ceased="E4A"),
        ep(D(2024, 9, 1), D(2025, 1, 1), "S", reason_ceased="E45"),
    )
    assert ceased_bands(*episodes) == {"Special guardianship": 1}


def test_short_breaks_ending_are_not_ceasing() -> None:
    """A period of care ended by a short-break episode is out of scope."""
    bands = ceased_bands(
        ep(D(2024, 5, 1), D(2024, 5, 3), "S", legal_status="V3", reason_ceased="E13")
    )
    assert bands == {}


# -- a latest episode ending before it starts ------------------------------------------------

PERIOD_END_CARDS = (
    pytest.param(la.lac_review_timeliness_rate, id="lac-reviews-in-timescale"),
    pytest.param(la.three_plus_placements_rate, id="cla-3-plus-placements"),
    pytest.param(la.long_term_stability_rate, id="cla-long-term-stability"),
)
# The typo child: in care since 2020 with an S episode; a placement move on 2024-09-01 whose
# DEC was typed as 2024-08-01 (maybe meant 2025-08-01), so by the rules no episode is open
# at 31 March 2025 and, without the rule, the child would silently be out of scope.
TYPO = (
    ep(D(2020, 1, 1), D(2024, 9, 1), "S"),
    ep(D(2024, 9, 1), D(2024, 8, 1), "P", "U3"),
    born(D(2012, 1, 1)),
)


@pytest.mark.parametrize("function", PERIOD_END_CARDS)
def test_a_latest_episode_ending_before_it_starts_excludes_the_child(
    function: Callable[..., Rate],
) -> None:
    """The typo child is excluded as episode-error from every period-end card, not dropped."""
    result = function(TYPO, period=YEAR)
    assert outcomes(result) == {"A": "episode-error"}
    assert result.excluded == {"episode-error": 1}
    assert (result.numerator, result.denominator) == (0, 0)


@pytest.mark.parametrize("function", PERIOD_END_CARDS)
def test_a_latest_set_aside_episode_long_before_the_period_still_excludes(
    function: Callable[..., Rate],
) -> None:
    """Its dates need not reach the period: the true end is unknown, so is the status."""
    records = (ep(D(2019, 6, 1), D(2019, 5, 1), "S"), born(D(2012, 1, 1)))
    assert outcome_of(function, *records) == "episode-error"


# A valid episode starting after the set-aside one decides: open at period end (care began
# with S on 2024-04-08, after the set-aside episode's dates, so it is not an error that
# matters) or ended before period end (the child has left care).
@pytest.mark.parametrize("function", PERIOD_END_CARDS)
@pytest.mark.parametrize(
    ("later_end", "expected"),
    [
        pytest.param(None, "judged", id="later-episode-open"),
        pytest.param(D(2024, 12, 1), "out-of-scope", id="later-episode-ended"),
    ],
)
def test_a_valid_later_episode_decides_as_before(
    function: Callable[..., Rate], later_end: dt.date | None, expected: str
) -> None:
    """A child whose set-aside episode is followed by a valid one is judged by that one."""
    bad = ep(D(2022, 5, 1), D(2022, 4, 1), "S")
    later = ep(D(2024, 4, 8), later_end, "S")
    without = outcome_of(function, later, born(D(2012, 1, 1)))
    with_bad = outcome_of(function, bad, later, born(D(2012, 1, 1)))
    assert with_bad == without
    if expected == "out-of-scope":
        assert with_bad == "out-of-scope"
    else:
        assert with_bad != "episode-error"


@pytest.mark.parametrize("function", PERIOD_END_CARDS)
def test_a_valid_episode_starting_the_same_day_does_not_hide_the_typo(
    function: Callable[..., Rate],
) -> None:
    """Two latest episodes on one day, one ended and one set aside: the typo may be the truth."""
    records = (
        ep(D(2020, 1, 1), D(2024, 9, 1), "S"),
        ep(D(2024, 9, 1), D(2024, 12, 1), "P", "U3"),
        ep(D(2024, 9, 1), D(2024, 8, 1), "P", "U3"),
        born(D(2012, 1, 1)),
    )
    assert outcome_of(function, *records) == "episode-error"


@pytest.mark.parametrize("function", PERIOD_END_CARDS)
@pytest.mark.parametrize(
    ("bad_start", "expected"),
    [
        pytest.param(D(2025, 3, 31), "episode-error", id="starting-on-period-end"),
        pytest.param(D(2025, 4, 1), "out-of-scope", id="starting-after-period-end"),
    ],
)
def test_a_set_aside_episode_counts_only_when_it_starts_by_period_end(
    function: Callable[..., Rate], bad_start: dt.date, expected: str
) -> None:
    """A set-aside episode starting after period end says nothing about period end."""
    records = (
        ep(D(2020, 1, 1), D(2024, 9, 1), "S"),  # left care in September
        ep(bad_start, bad_start - dt.timedelta(days=10), "S"),
        born(D(2012, 1, 1)),
    )
    assert outcome_of(function, *records) == expected


@pytest.mark.parametrize("function", PERIOD_END_CARDS)
@pytest.mark.parametrize(
    ("legal_status", "expected"),
    [
        pytest.param("V3", "out-of-scope", id="V3"),
        pytest.param("V4", "out-of-scope", id="V4"),
        pytest.param("C2", "episode-error", id="C2"),
    ],
)
def test_a_set_aside_short_break_episode_is_out_of_scope(
    function: Callable[..., Rate], legal_status: str, expected: str
) -> None:
    """A latest set-aside episode under short breaks leaves the child out, as short breaks do."""
    bad = ep(D(2024, 9, 1), D(2024, 8, 1), "S", legal_status=legal_status)
    assert outcome_of(function, bad, born(D(2012, 1, 1))) == expected


def test_a_typo_child_is_not_outside_calendar() -> None:
    """A typo child has no care start to time, yet it is episode-error, not outside-calendar."""
    result = la.lac_review_timeliness_rate(TYPO, period=YEAR)
    assert result.excluded == {"episode-error": 1}
    assert result.audit is not None
    assert np.isnat(result.audit.measures["care_start"][0])


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        pytest.param(D(2009, 4, 1), "episode-error", id="16-the-day-after-period-end"),
        pytest.param(D(2009, 3, 31), "out-of-scope", id="16-on-period-end"),
        pytest.param(None, "episode-error", id="no-birth-date"),
    ],
)
def test_age_is_applied_before_the_latest_set_aside_rule(
    birth: dt.date | None, expected: str
) -> None:
    """A typo child aged 16 at period end is out of scope; under 16 or of unknown age, excluded."""
    assert stability_outcome(*TYPO[:2], born(birth)) == expected


# -- cards -----------------------------------------------------------------------------------


def test_cards_have_the_spec_ids() -> None:
    """The family registers exactly the ids of SPEC §4.4 and lac-reviews-in-timescale."""
    assert {card.id for card in la.CARDS} == {
        "lac-reviews-in-timescale",
        "cla-3-plus-placements",
        "cla-long-term-stability",
        "care-leavers-eet-17-18",
        "care-leavers-eet-19-21",
        "care-leavers-accommodation-17-18",
        "care-leavers-accommodation-19-21",
        "cla-ceased-permanence",
    }


def test_only_the_review_indicator_takes_a_calendar() -> None:
    """Only lac-reviews-in-timescale counts working days."""
    assert [card.id for card in la.CARDS if card.uses_calendar] == ["lac-reviews-in-timescale"]


def test_the_placement_cards_take_the_short_breaks_option() -> None:
    """Both placement-based cards offer short_breaks: 'exclude' (default) or 'count'."""
    for card in (la.CLA_3_PLUS_PLACEMENTS, la.CLA_LONG_TERM_STABILITY):
        (option,) = card.options
        assert (option.name, option.default, option.choices) == (
            "short_breaks",
            "exclude",
            ("exclude", "count"),
        )
        with pytest.raises(InvalidOptionError, match="short_breaks"):
            card.compute(SHORT_BREAKS_THEN_CARE, period=YEAR, short_breaks="ignore")
        with pytest.raises(InvalidOptionError, match="short_breaks"):
            card.function(SHORT_BREAKS_THEN_CARE, period=YEAR, short_breaks="ignore")


def test_the_review_card_takes_reviews_from() -> None:
    """lac-reviews-in-timescale offers reviews_from, by default the recorded coverage."""
    (option,) = la.LAC_REVIEWS_IN_TIMESCALE.options
    assert (option.name, option.default) == ("reviews_from", None)


def test_the_cards_say_how_each_repair_is_read() -> None:
    """Every episode-reading card explains the repairs, and how a missing child is read."""
    for card in (*la.CARDS[:3], la.CLA_CEASED_PERMANENCE):
        notes = " ".join(card.notes)
        assert "1 April after that return" in notes, card.id
        assert "missing from return Y when none of its episodes" in notes, card.id
        assert "with reason ceased X1 unless the next one is RNE S" in notes, card.id
        assert "repairs" in notes, card.id


def test_cards_compute_with_their_defaults() -> None:
    """Every card computes on a small dataset through Indicator.compute."""
    data = Dataset.of(ep(D(2024, 4, 8), reason="S"), leaver(D(2006, 6, 1)))
    for card in la.CARDS:
        assert card.compute(data, period=YEAR).audit is not None


# -- properties ------------------------------------------------------------------------------

FUNCTIONS: dict[str, Callable[..., Any]] = {card.id: card.function for card in la.CARDS}
reviews_from_dates = st.none() | st.dates(D(2019, 1, 1), D(2025, 6, 30))


@given(looked_after_datasets(), periods, reviews_from_dates, st.sampled_from(("exclude", "count")))
def test_child_level_indicators_match_the_oracle(
    data: Dataset, period: ReportingPeriod, reviews_from: dt.date | None, short_breaks: ShortBreaks
) -> None:
    """Reviews, placements and stability equal the plain-loop oracles, child by child."""
    reviews = la.lac_review_timeliness_rate(data, period=period, reviews_from=reviews_from)
    assert outcomes(reviews) == oracle.lac_reviews(data, period, CALENDAR, reviews_from)
    placements = la.three_plus_placements_rate(data, period=period, short_breaks=short_breaks)
    assert outcomes(placements) == oracle.three_plus(data, period, short_breaks)
    stable = la.long_term_stability_rate(data, period=period, short_breaks=short_breaks)
    assert outcomes(stable) == oracle.stability(data, period, short_breaks)


@given(looked_after_datasets(), periods, reviews_from_dates, st.integers(1, 5))
def test_reviews_judged_a_few_at_a_time_match_the_oracle(
    data: Dataset, period: ReportingPeriod, reviews_from: dt.date | None, block: int
) -> None:
    """Reviews judged 1 to 5 at a time give the oracle's outcome for every child.

    Each block is carried on to the end of its child's reviews, so no child's chain of
    reviews is cut at a block's end; the measures equal those of the default blocks.
    """
    with mock.patch.object(la, "_REVIEW_BLOCK", block):
        reviews = la.lac_review_timeliness_rate(data, period=period, reviews_from=reviews_from)
    assert outcomes(reviews) == oracle.lac_reviews(data, period, CALENDAR, reviews_from)
    whole = la.lac_review_timeliness_rate(data, period=period, reviews_from=reviews_from)
    assert reviews.audit is not None
    assert whole.audit is not None
    for name in ("reviews", "late_reviews", "next_review_due"):
        assert np.array_equal(
            reviews.audit.measures[name], whole.audit.measures[name], equal_nan=True
        ), name


@given(looked_after_datasets(), periods)
def test_the_repairs_measure_counts_each_childs_repairs_reaching_the_period(
    data: Dataset, period: ReportingPeriod
) -> None:
    """Every child-level card's `repairs` measure equals the oracle's count, child by child."""
    facts = oracle.history(data)
    for card in la.CARDS:
        if card.kind != "rate" or card.inputs == ("care_leavers",):
            continue
        result = card.function(data, period=period)
        assert result.audit is not None
        counted = dict(zip(result.audit.child_ids, result.audit.measures["repairs"], strict=True))
        expected = {c: oracle.repairs_reaching(data, facts, c, period) for c in counted}
        assert counted == expected, card.id


@given(looked_after_datasets(), periods)
def test_ceased_care_matches_the_oracle(data: Dataset, period: ReportingPeriod) -> None:
    """Each child's ceased-care outcome (band, exclusion or out of scope) equals the oracle's."""
    result = la.ceased_care_permanence_distribution(data, period=period)
    assert result.audit is not None
    bands = [band.label for band in la.CEASED_BANDS]
    expected = oracle.ceased(data, period)
    counted = outcomes(result)
    assert {c: o if o != "numerator" else "banded" for c, o in counted.items()} == {
        c: "banded" if o in bands else o for c, o in expected.items()
    }
    assert result.bands == {b: sum(v == b for v in expected.values()) for b in bands}


@given(care_leaver_datasets(), periods)
def test_care_leaver_indicators_match_the_oracle(data: Dataset, period: ReportingPeriod) -> None:
    """The four care-leaver rates equal the oracle, record by record."""
    cases = [
        ("eet-17-18", (17, 18), "eet"),
        ("eet-19-21", (19, 20, 21), "eet"),
        ("accommodation-17-18", (17, 18), "accommodation"),
        ("accommodation-19-21", (19, 20, 21), "accommodation"),
    ]
    for name, ages, what in cases:
        result = AGE_FUNCTIONS[name](data, period=period)
        assert result.audit is not None
        assert list(result.audit.outcomes()) == oracle.care_leavers(data, period, ages, what)


def _shuffled(data: Dataset, rnd: random.Random) -> Dataset:
    tables = {}
    for name in ("episodes", "lac_reviews", "children", "care_leavers"):
        items = list(getattr(data, name))
        rnd.shuffle(items)
        tables[name] = items
    return Dataset(
        episodes=tables["episodes"],
        lac_reviews=tables["lac_reviews"],
        children=tables["children"],
        care_leavers=tables["care_leavers"],
        coverage=data.coverage,
    )


@given(looked_after_datasets(), periods, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    data: Dataset, period: ReportingPeriod, rnd: random.Random
) -> None:
    """Shuffling every table gives the same result, outcomes and diagnostics for every child."""
    again = _shuffled(data, rnd)
    for card in la.CARDS:
        if card.inputs == ("care_leavers",):
            continue
        first, second = card.function(data, period=period), card.function(again, period=period)
        assert first == second, card.id
        assert outcomes(first) == outcomes(second), card.id
        assert first.diagnostics == second.diagnostics, card.id


@given(care_leaver_datasets(), periods, st.randoms(use_true_random=False))
def test_care_leaver_results_do_not_depend_on_input_order(
    data: Dataset, period: ReportingPeriod, rnd: random.Random
) -> None:
    """Shuffling the OC3 rows and episodes gives the same care-leaver results."""
    again = _shuffled(data, rnd)
    for function in AGE_FUNCTIONS.values():
        first, second = function(data, period=period), function(again, period=period)
        assert first == second
        assert sorted(map(str, first.diagnostics)) == sorted(map(str, second.diagnostics))


@given(looked_after_datasets(), periods)
def test_every_child_is_accounted_for_once(data: Dataset, period: ReportingPeriod) -> None:
    """One audit row per child with an episode (or review); tallies add up."""
    with_episodes = {e.child_id for e in data.episodes}
    for card in la.CARDS:
        if card.inputs == ("care_leavers",):
            continue
        result = card.function(data, period=period)
        assert result.audit is not None
        ids = list(result.audit.child_ids)
        expected = with_episodes
        if card.id == "lac-reviews-in-timescale":
            expected = with_episodes | {r.child_id for r in data.lac_reviews}
        assert sorted(ids) == sorted(expected), card.id
        tally = result.audit.tally()
        assert sum(tally.values()) == len(ids)
        if isinstance(result, Rate):
            assert result.numerator <= result.denominator
            assert tally["numerator"] == result.numerator


@given(looked_after_datasets(), periods)
def test_an_unrelated_child_changes_nothing_for_the_others(
    data: Dataset, period: ReportingPeriod
) -> None:
    """Adding a new child's records leaves every other child's outcome unchanged."""
    stranger = Dataset.of(
        ep(D(2021, 1, 1), D(2023, 1, 1), "S", child="Z"),
        ep(D(2023, 1, 1), None, "P", "U3", child="Z"),
        review(D(2021, 1, 10), child="Z"),
        born(D(2012, 1, 1), child="Z"),
    )
    for card in la.CARDS:
        if card.inputs == ("care_leavers",):
            continue
        before = outcomes(card.function(data, period=period))
        after = outcomes(card.function(data | stranger, period=period))
        after.pop("Z")
        assert after == before, card.id
