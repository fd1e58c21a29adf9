"""Tests for the child protection plan indicators (SPEC §4.3)."""

import datetime as dt
import random
import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import (
    INDICATORS,
    CPPlan,
    Dataset,
    Distribution,
    InvalidOptionError,
    Rate,
    ReportingPeriod,
)
from safeguarding_metrics.indicators import child_protection as family
from safeguarding_metrics.indicators.child_protection import (
    long_plan_ended_rate,
    long_plan_open_rate,
    plan_duration_distribution,
    repeat_plan_within_2y_rate,
    second_plan_rate,
)
from safeguarding_metrics.provenance import Origins
from safeguarding_metrics.results import Result
from tests import oracles_referrals as oracle
from tests.strategies_referrals import periods, plan_lists

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)  # 2024-04-01 to 2025-03-31
WIDE = ReportingPeriod.between(D(2020, 1, 1), D(2027, 12, 31))


def plan(
    child: str, start: dt.date, end: dt.date | None = None, previous: int | None = None
) -> CPPlan:
    return CPPlan(child_id=child, start_date=start, end_date=end, previous_plans=previous)


def outcomes(result: Result) -> list[str]:
    assert result.audit is not None
    return [str(label) for label in result.audit.outcomes()]


# -- second or subsequent plans ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param(
            [plan("A", D(2019, 1, 1), D(2019, 6, 1)), plan("A", D(2024, 6, 1))],
            {"either": True, "history": True, "recorded": False},
            id="earlier-plan-in-data-however-long-ago",
        ),
        pytest.param(
            [plan("A", D(2024, 6, 1), previous=1)],
            {"either": True, "history": False, "recorded": True},
            id="recorded-previous-plan",
        ),
        pytest.param(
            [plan("A", D(2024, 6, 1), previous=0)],
            {"either": False, "history": False, "recorded": False},
            id="recorded-none",
        ),
        pytest.param(
            [plan("A", D(2024, 6, 1), previous=None)],
            {"either": False, "history": False, "recorded": False},
            id="missing-count-is-not-evidence",
        ),
        pytest.param(
            [plan("A", D(2024, 1, 1)), plan("A", D(2024, 6, 1))],
            {"either": True, "history": True, "recorded": False},
            id="overlapping-earlier-plan-still-open",
        ),
        pytest.param(
            [plan("A", D(2024, 1, 1), D(2023, 12, 1)), plan("A", D(2024, 6, 1))],
            {"either": True, "history": True, "recorded": False},
            id="earlier-plan-ending-before-its-start",
        ),
        pytest.param(
            [plan("B", D(2023, 1, 1)), plan("A", D(2024, 6, 1))],
            {"either": False, "history": False, "recorded": False},
            id="another-childs-plan",
        ),
    ],
)
def test_second_plan_basis(records: list[CPPlan], expected: dict[str, bool]) -> None:
    """Each basis reads the data, the recorded count, or either."""
    for basis, hit in expected.items():
        result = second_plan_rate(records, period=YEAR, basis=basis)  # type: ignore[arg-type]
        assert outcomes(result)[-1] == ("numerator" if hit else "denominator-only"), basis


def test_each_plan_starting_in_the_period_counts() -> None:
    """A child with two new plans in the year is two rows of the cohort."""
    result = second_plan_rate([plan("A", D(2024, 5, 1)), plan("A", D(2024, 9, 1))], period=YEAR)
    assert outcomes(result) == ["denominator-only", "numerator"]
    assert result.audit is not None
    assert list(result.audit.measures["earlier_plans"]) == [0, 1]


def test_same_day_plan_is_a_duplicate_not_an_earlier_plan() -> None:
    """Two plans of a child starting the same day are one plan."""
    result = second_plan_rate([plan("A", D(2024, 5, 1)), plan("A", D(2024, 5, 1))], period=YEAR)
    assert outcomes(result) == ["denominator-only", "duplicate"]
    assert result.excluded == {"duplicate": 1}


# -- repeat within two years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "start", "expected"),
    [
        # add_months(2025-01-15, -24) = 2023-01-15.
        pytest.param(
            plan("A", D(2022, 1, 1), D(2023, 1, 15)), D(2025, 1, 15), True, id="window-start"
        ),
        pytest.param(
            plan("A", D(2022, 1, 1), D(2023, 1, 14)), D(2025, 1, 15), False, id="day-before"
        ),
        pytest.param(
            plan("A", D(2024, 1, 1), D(2025, 1, 15)), D(2025, 1, 15), True, id="ends-on-start"
        ),
        pytest.param(plan("A", D(2024, 1, 1)), D(2025, 1, 15), False, id="still-open"),
        pytest.param(
            plan("A", D(2024, 1, 1), D(2025, 2, 1)), D(2025, 1, 15), False, id="overlapping"
        ),
        pytest.param(
            plan("A", D(2024, 6, 1), D(2024, 5, 1)), D(2025, 1, 15), False, id="end-before-start"
        ),
        pytest.param(
            plan("B", D(2024, 1, 1), D(2024, 6, 1)), D(2025, 1, 15), False, id="other-child"
        ),
        # add_months(2025-02-28, -24) = 2023-02-28.
        pytest.param(plan("A", D(2022, 1, 1), D(2023, 2, 28)), D(2025, 2, 28), True, id="feb-28"),
        # add_months(2024-02-29, -24) = 2022-02-28 (clipped), for a period holding 29 Feb 2024.
        pytest.param(
            plan("A", D(2021, 1, 1), D(2022, 2, 28)), D(2024, 2, 29), True, id="leap-clip"
        ),
        pytest.param(
            plan("A", D(2021, 1, 1), D(2022, 2, 27)), D(2024, 2, 29), False, id="leap-before"
        ),
    ],
)
def test_repeat_within_2y_window(previous: CPPlan, start: dt.date, expected: bool) -> None:
    """A previous plan ending in [add_months(start, -24), start] makes a repeat."""
    result = repeat_plan_within_2y_rate([previous, plan("A", start)], period=WIDE)
    assert outcomes(result)[-1] == ("numerator" if expected else "denominator-only")


def test_plan_ending_on_its_own_start_is_not_its_own_previous_plan() -> None:
    """A one-day plan is not a previous plan of itself."""
    result = repeat_plan_within_2y_rate([plan("A", D(2024, 6, 1), D(2024, 6, 1))], period=YEAR)
    assert outcomes(result) == ["denominator-only"]


# -- long plans -------------------------------------------------------------------------------

# Start 2022-04-01: to 2024-04-01 is 731 days (29 Feb 2024 between), so 2024-03-29 is 728,
# 2024-03-30 is 729 and 2024-03-31 is 730; the second anniversary is 2024-04-01.
# Start 2024-02-29: the second anniversary is add_months = 2026-02-28, 730 days later.
LENGTHS = [
    pytest.param(
        D(2022, 4, 1),
        D(2024, 3, 29),
        {"ni64": False, "730-days": False, "calendar": False},
        id="728",
    ),
    pytest.param(
        D(2022, 4, 1),
        D(2024, 3, 30),
        {"ni64": True, "730-days": False, "calendar": False},
        id="729",
    ),
    pytest.param(
        D(2022, 4, 1), D(2024, 3, 31), {"ni64": True, "730-days": True, "calendar": False}, id="730"
    ),
    pytest.param(
        D(2022, 3, 31),
        D(2024, 3, 31),
        {"ni64": True, "730-days": True, "calendar": True},
        id="anniversary",
    ),
    pytest.param(
        D(2024, 2, 29),
        D(2026, 2, 27),
        {"ni64": True, "730-days": False, "calendar": False},
        id="leap-729",
    ),
    pytest.param(
        D(2024, 2, 29),
        D(2026, 2, 28),
        {"ni64": True, "730-days": True, "calendar": True},
        id="leap-anniversary",
    ),
]


@pytest.mark.parametrize(("start", "end", "expected"), LENGTHS)
def test_ended_plan_thresholds(start: dt.date, end: dt.date, expected: dict[str, bool]) -> None:
    """Plans of 728, 729 and 730 days under each threshold."""
    for threshold, hit in expected.items():
        result = long_plan_ended_rate([plan("A", start, end)], period=WIDE, threshold=threshold)  # type: ignore[arg-type]
        assert outcomes(result) == ["numerator" if hit else "denominator-only"], threshold


def test_ended_plan_measures_days() -> None:
    """The audit reports (end - start).days."""
    result = long_plan_ended_rate([plan("A", D(2022, 4, 1), D(2024, 3, 30))], period=WIDE)
    assert result.audit is not None
    assert list(result.audit.measures["days"]) == [729]


def test_ended_plan_cohort_and_exclusions() -> None:
    """Only plans ending in the period; an end before the start is excluded."""
    result = long_plan_ended_rate(
        [
            plan("A", D(2022, 1, 1), D(2024, 3, 31)),  # ended before the period
            plan("B", D(2024, 6, 1)),  # open
            plan("C", D(2024, 6, 1), D(2024, 5, 1)),  # end before start
            plan("D", D(2024, 6, 1), D(2024, 6, 1)),  # same day: 0 days, in the cohort
            plan("D", D(2024, 6, 1), D(2024, 6, 2)),  # duplicate
        ],
        period=YEAR,
    )
    assert outcomes(result) == [
        "out-of-scope",
        "out-of-scope",
        "end-before-start",
        "denominator-only",
        "duplicate",
    ]


# Period end 2025-03-31: from 2023-04-01 is 730 days; the anniversary is 2025-04-01.
OPEN_LENGTHS = [
    pytest.param(D(2023, 4, 3), {"ni64": False, "730-days": False, "calendar": False}, id="728"),
    pytest.param(D(2023, 4, 2), {"ni64": True, "730-days": False, "calendar": False}, id="729"),
    pytest.param(D(2023, 4, 1), {"ni64": True, "730-days": True, "calendar": False}, id="730"),
    pytest.param(
        D(2023, 3, 31), {"ni64": True, "730-days": True, "calendar": True}, id="anniversary"
    ),
]


@pytest.mark.parametrize(("start", "expected"), OPEN_LENGTHS)
def test_open_plan_thresholds(start: dt.date, expected: dict[str, bool]) -> None:
    """Open plans measured at the period end, under each threshold."""
    for threshold, hit in expected.items():
        result = long_plan_open_rate([plan("A", start)], period=YEAR, threshold=threshold)  # type: ignore[arg-type]
        assert outcomes(result) == ["numerator" if hit else "denominator-only"], threshold


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            plan("A", D(2020, 1, 1), D(2025, 3, 31)), "out-of-scope", id="ends-on-31-march"
        ),
        pytest.param(plan("A", D(2020, 1, 1), D(2025, 4, 1)), "numerator", id="ends-on-1-april"),
        pytest.param(plan("A", D(2025, 3, 31)), "denominator-only", id="starts-on-31-march"),
        pytest.param(plan("A", D(2025, 4, 1)), "out-of-scope", id="starts-after"),
        pytest.param(
            plan("A", D(2020, 1, 1), D(2019, 1, 1)), "out-of-scope", id="end-before-start"
        ),
    ],
)
def test_open_at_period_end(record: CPPlan, expected: str) -> None:
    """A plan ending on 31 March is not open at 31 March."""
    assert outcomes(long_plan_open_rate([record], period=YEAR)) == [expected]


def test_overlapping_open_plans_count_as_plans() -> None:
    """A child on two open plans is two rows."""
    result = long_plan_open_rate([plan("A", D(2020, 1, 1)), plan("A", D(2024, 1, 1))], period=YEAR)
    assert (result.numerator, result.denominator) == (1, 2)


def test_unknown_threshold_and_basis_are_refused() -> None:
    """Options the cards do not list raise."""
    with pytest.raises(InvalidOptionError, match="threshold"):
        INDICATORS["cpp-ended-2y-plus"].compute([], period=YEAR, threshold="2-years")
    with pytest.raises(InvalidOptionError, match="threshold"):
        long_plan_open_rate([], period=YEAR, threshold="2-years")  # type: ignore[arg-type]
    with pytest.raises(InvalidOptionError, match="basis"):
        second_plan_rate([], period=YEAR, basis="both")  # type: ignore[arg-type]


# -- durations (D7) ---------------------------------------------------------------------------


# Start 2024-01-31: +3 months 2024-04-30, +6 2024-07-31, +12 2025-01-31, +24 2026-01-31.
@pytest.mark.parametrize(
    ("end", "band"),
    [
        pytest.param(D(2024, 1, 31), "Up to 3 months", id="same-day"),
        pytest.param(D(2024, 4, 30), "Up to 3 months", id="3-months-exactly"),
        pytest.param(D(2024, 5, 1), "Over 3 months up to 6 months", id="3-months-and-a-day"),
        pytest.param(D(2024, 7, 31), "Over 3 months up to 6 months", id="6-months-exactly"),
        pytest.param(D(2024, 8, 1), "Over 6 months under 1 year", id="6-months-and-a-day"),
        pytest.param(D(2025, 1, 30), "Over 6 months under 1 year", id="day-before-1-year"),
        pytest.param(D(2025, 1, 31), "1 year to under 2 years", id="1-year"),
        pytest.param(D(2026, 1, 30), "1 year to under 2 years", id="day-before-2-years"),
        pytest.param(D(2026, 1, 31), "2 years or more", id="2-years"),
    ],
)
def test_duration_bands(end: dt.date, band: str) -> None:
    """Month bands: 'up to' includes the date, 'under' does not."""
    result = plan_duration_distribution([plan("A", D(2024, 1, 31), end)], period=WIDE)
    assert {label for label, n in result.bands.items() if n} == {band}


def test_two_years_band_is_calendar_not_729_days() -> None:
    """A 729-day plan is in NI 64's numerator but not in the '2 years or more' band."""
    records = [plan("A", D(2022, 4, 1), D(2024, 3, 30))]
    assert long_plan_ended_rate(records, period=WIDE).numerator == 1
    assert plan_duration_distribution(records, period=WIDE).bands["2 years or more"] == 0


def test_duration_median_and_quartiles_in_days() -> None:
    """Lengths 0, 10 and 20 days: quartiles 5 and 15, median 10 (linear interpolation)."""
    result = plan_duration_distribution(
        [
            plan("A", D(2024, 5, 1), D(2024, 5, 1)),
            plan("B", D(2024, 5, 1), D(2024, 5, 11)),
            plan("C", D(2024, 5, 1), D(2024, 5, 21)),
            plan("C", D(2024, 6, 1), D(2024, 5, 21)),  # end before start: excluded
        ],
        period=YEAR,
    )
    assert (result.lower_quartile, result.median, result.upper_quartile) == (5.0, 10.0, 15.0)
    assert result.excluded == {"end-before-start": 1}
    assert result.total == 3


# -- cards ------------------------------------------------------------------------------------


def test_cards_are_the_spec_ids_with_their_figures() -> None:
    """The family registers SPEC §4.3's ids, all lower polarity, with England figures."""
    cards = {card.id: card for card in family.CARDS}
    assert set(cards) == {
        "cpp-second-or-subsequent",
        "cpp-repeat-within-2y",
        "cpp-ended-2y-plus",
        "cpp-open-2y-plus",
        "cpp-durations",
    }
    assert {c.polarity.value for c in cards.values()} == {"lower"}
    figures = {i: c.england.value for i, c in cards.items() if c.england is not None}
    assert figures == {
        "cpp-second-or-subsequent": 24.5,
        "cpp-ended-2y-plus": 4.4,
        "cpp-open-2y-plus": 2.3,
    }
    assert cards["cpp-second-or-subsequent"].legacy_codes == ("NI 65",)
    assert cards["cpp-ended-2y-plus"].legacy_codes == ("NI 64",)


# -- properties -------------------------------------------------------------------------------

bases = st.sampled_from(("either", "history", "recorded"))
thresholds = st.sampled_from(("ni64", "730-days", "calendar"))


def _all_outcomes(
    plans: list[CPPlan], period: ReportingPeriod, basis: str, threshold: str
) -> dict[str, list[str]]:
    return {
        "second": outcomes(second_plan_rate(plans, period=period, basis=basis)),  # type: ignore[arg-type]
        "repeat": outcomes(repeat_plan_within_2y_rate(plans, period=period)),
        "ended": outcomes(long_plan_ended_rate(plans, period=period, threshold=threshold)),  # type: ignore[arg-type]
        "open": outcomes(long_plan_open_rate(plans, period=period, threshold=threshold)),  # type: ignore[arg-type]
        "durations": outcomes(plan_duration_distribution(plans, period=period)),
    }


@given(plan_lists(), periods, bases, thresholds)
def test_columnar_path_equals_the_oracle(
    plans: list[CPPlan], period: ReportingPeriod, basis: str, threshold: str
) -> None:
    """Every plan's outcome, and the D7 bands, equal the per-record oracle's."""
    assert _all_outcomes(plans, period, basis, threshold) == {
        "second": oracle.second_plan_outcomes(plans, period, basis),
        "repeat": oracle.repeat_within_2y_outcomes(plans, period),
        "ended": oracle.ended_2y_outcomes(plans, period, threshold),
        "open": oracle.open_2y_outcomes(plans, period, threshold),
        "durations": [
            "numerator" if o == "denominator-only" else o
            for o in oracle.ended_2y_outcomes(plans, period)
        ],
    }
    distribution = plan_duration_distribution(plans, period=period)
    bands, quartiles = oracle.duration_bands(plans, period)
    assert distribution.bands == bands
    got = [distribution.lower_quartile, distribution.median, distribution.upper_quartile]
    if quartiles is None:
        assert got == [None, None, None]
    else:
        assert got == pytest.approx(quartiles)


@given(plan_lists(), periods, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    plans: list[CPPlan], period: ReportingPeriod, rng: random.Random
) -> None:
    """Shuffling the plans, same-day ties included, changes no count and no diagnostic."""
    shuffled = rng.sample(plans, len(plans))
    for card in family.CARDS:
        before, after = card.compute(plans, period=period), card.compute(shuffled, period=period)
        assert set(before.diagnostics) == set(after.diagnostics), card.id
        if isinstance(before, Rate):
            assert isinstance(after, Rate)
            assert (before.numerator, before.denominator, before.excluded) == (
                after.numerator,
                after.denominator,
                after.excluded,
            ), card.id
        else:
            assert isinstance(before, Distribution)
            assert isinstance(after, Distribution)
            assert (before.bands, before.median, before.excluded) == (
                after.bands,
                after.median,
                after.excluded,
            )


@given(plan_lists(), periods)
def test_diagnostics_name_the_ties_the_oracle_finds(
    plans: list[CPPlan], period: ReportingPeriod
) -> None:
    """Each card reports exactly the same-day ties broken by content in its cohort."""
    data = Dataset(
        cp_plans=plans, origins={"cp_plans": Origins.of_file("cin.xml", range(1, len(plans) + 1))}
    )
    starts = [period.contains(p.start_date) for p in plans]
    ends = [p.end_date is not None and period.contains(p.end_date) for p in plans]
    open_at_end = [
        p.start_date <= period.end and (p.end_date is None or p.end_date > period.end)
        for p in plans
    ]
    cohorts = {
        "cpp-second-or-subsequent": starts,
        "cpp-repeat-within-2y": starts,
        "cpp-ended-2y-plus": ends,
        "cpp-open-2y-plus": open_at_end,
        "cpp-durations": ends,
    }
    for card in family.CARDS:
        found = []
        for d in card.compute(data, period=period).diagnostics:
            kept = re.search(r"\(line (\d+)\)", d.value)
            assert kept is not None
            found.append((int(kept.group(1)) - 1, int(d.where.removeprefix("line ")) - 1))
        assert sorted(found) == sorted(oracle.plan_tie_pairs(plans, cohorts[card.id])), card.id


@given(plan_lists(), periods)
def test_every_plan_is_accounted_for_once(plans: list[CPPlan], period: ReportingPeriod) -> None:
    """Audit length equals the plans given, and the tally adds up to the result."""
    for card in family.CARDS:
        result = card.compute(plans, period=period)
        assert result.audit is not None
        assert len(result.audit) == len(plans)
        tally = result.audit.tally()
        assert sum(tally.values()) == len(plans)
        if isinstance(result, Rate):
            assert tally["numerator"] == result.numerator <= result.denominator
            assert tally["numerator"] + tally["denominator-only"] == result.denominator
        else:
            assert isinstance(result, Distribution)
            assert tally["numerator"] == result.total
        assert {k: v for k, v in tally.items() if k in card.exclusions and v} == result.excluded


@given(plan_lists(), periods, bases, thresholds)
def test_an_unrelated_child_changes_nothing_for_the_others(
    plans: list[CPPlan], period: ReportingPeriod, basis: str, threshold: str
) -> None:
    """Adding another child's plans leaves every other plan's outcome alone."""
    extra = [
        plan("Z", period.start, period.end),
        plan("Z", period.start),
        plan("Z", add_days(period.start, -400), period.start, previous=2),
    ]
    alone = _all_outcomes(plans, period, basis, threshold)
    together = _all_outcomes([*plans, *extra], period, basis, threshold)
    assert {k: v[: len(plans)] for k, v in together.items()} == alone


def add_days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def test_dataset_and_records_give_the_same_result() -> None:
    """The functions accept a Dataset or an iterable of records alike."""
    records = [plan("A", D(2023, 1, 1), D(2024, 6, 1)), plan("A", D(2024, 9, 1))]
    by_records = repeat_plan_within_2y_rate(records, period=YEAR)
    by_dataset = repeat_plan_within_2y_rate(Dataset(cp_plans=records), period=YEAR)
    assert by_records == by_dataset
    assert by_records.numerator == 1


@pytest.mark.parametrize("reverse", [False, True], ids=["given-in-order", "given-reversed"])
def test_same_day_plans_with_different_previous_plans_give_the_same_result_in_any_order(
    reverse: bool,
) -> None:
    """Plans alike but for NumberOfPreviousCPP: the content decides (0 before 2), not order."""
    first = CPPlan(child_id="A", start_date=D(2024, 6, 1), previous_plans=0)
    second = attrs.evolve(first, previous_plans=2)
    plans = [second, first] if reverse else [first, second]
    result = second_plan_rate(plans, period=YEAR)
    assert (result.numerator, result.denominator, result.excluded) == (0, 1, {"duplicate": 1})
    by_count = {p.previous_plans: o for p, o in zip(plans, outcomes(result), strict=True)}
    assert by_count == {0: "denominator-only", 2: "duplicate"}
    (diagnostic,) = result.diagnostics
    assert (diagnostic.field, diagnostic.value) == (
        "previous_plans",
        "2; the record kept (cp_plans: child A, start_date 2024-06-01) has 0",
    )


def test_a_missing_previous_plans_sorts_first() -> None:
    """Content compares a missing value before any value: the plan without a count is kept."""
    counted = CPPlan(child_id="A", start_date=D(2024, 6, 1), previous_plans=1)
    missing = attrs.evolve(counted, previous_plans=None)
    result = second_plan_rate([counted, missing], period=YEAR, basis="recorded")
    assert outcomes(result) == ["duplicate", "denominator-only"]


def test_same_day_plan_tie_is_reported_with_its_lines() -> None:
    """The diagnostic names the plan not kept by its line, and the plan kept in its value."""
    kept = CPPlan(child_id="A", start_date=D(2024, 6, 1), initial_category="NEG")
    other = attrs.evolve(kept, initial_category="PHY")
    data = Dataset(cp_plans=[other, kept], origins={"cp_plans": Origins.of_file("c.xml", [7, 9])})
    (diagnostic,) = long_plan_open_rate(data, period=YEAR).diagnostics
    assert (diagnostic.file, diagnostic.where, diagnostic.field) == (
        "c.xml",
        "line 7",
        "initial_category",
    )
    assert diagnostic.value == "PHY; the record kept (line 9) has NEG"
    assert "differ in other fields" in diagnostic.problem


def test_identical_same_day_plans_give_no_tie_diagnostic() -> None:
    """Fully identical plans: the duplicate exclusion reports them, no tie diagnostic."""
    twin = CPPlan(child_id="A", start_date=D(2024, 6, 1), previous_plans=1)
    result = second_plan_rate([twin, twin], period=YEAR)
    assert result.excluded == {"duplicate": 1}
    assert result.diagnostics == ()


def test_same_day_plans_told_apart_by_referral_id_or_end_are_not_content_ties() -> None:
    """A choice made by linked referral id or end date is the rule, not a tie: no diagnostic."""
    by_id = CPPlan(child_id="A", referral_id="A/1", start_date=D(2024, 6, 1), previous_plans=0)
    result = second_plan_rate([attrs.evolve(by_id, referral_id="A/2"), by_id], period=YEAR)
    assert outcomes(result) == ["duplicate", "denominator-only"]
    assert result.diagnostics == ()
    by_end = CPPlan(child_id="A", start_date=D(2024, 6, 1), end_date=D(2024, 9, 1))
    result = long_plan_ended_rate([attrs.evolve(by_end, end_date=None), by_end], period=YEAR)
    assert outcomes(result) == ["out-of-scope", "denominator-only"]
    assert result.diagnostics == ()


def test_same_day_plan_tie_outside_the_cohort_is_not_reported() -> None:
    """Only ties whose kept plan is in the card's cohort are reported."""
    kept = CPPlan(child_id="A", start_date=D(2022, 6, 1), previous_plans=0)
    result = second_plan_rate([kept, attrs.evolve(kept, previous_plans=1)], period=YEAR)
    assert result.diagnostics == ()


@pytest.mark.parametrize("reverse", [False, True], ids=["given-in-order", "given-reversed"])
def test_disagreeing_same_day_plans_keep_the_same_one_in_any_order(reverse: bool) -> None:
    """Of two same-day plans that disagree on their end, the same one is kept in any order.

    Both end in 2024-25. The plan of the referral numbered first ("A/2023-01-01") is kept:
    2023-01-01 to 2025-01-05 is 735 days, two years or more; the duplicate's 517 days
    (to 2024-06-01) would not be.
    """
    first = CPPlan(
        child_id="A",
        referral_id="A/2023-01-01",
        start_date=dt.date(2023, 1, 1),
        end_date=dt.date(2025, 1, 5),
    )
    second = attrs.evolve(first, referral_id="A/2023-01-01/2", end_date=dt.date(2024, 6, 1))
    plans = [second, first] if reverse else [first, second]
    result = INDICATORS["cpp-ended-2y-plus"].compute(plans, period=YEAR)
    assert (result.numerator, result.denominator) == (1, 1)
    assert result.excluded == {"duplicate": 1}
