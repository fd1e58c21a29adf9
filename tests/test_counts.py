import datetime as dt
import random
from collections import Counter
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.indicators import counts
from safeguarding_metrics.indicators._kernels import ICPC_NOT_REQUIRED_PROBLEM
from safeguarding_metrics.indicators.counts import (
    ASSESSMENTS_IN_PERIOD,
    CARDS,
    CIN_CLOSURE_DURATIONS,
    CLA_AT_PERIOD_END,
    CP_AT_PERIOD_END,
    assessments_in_period,
    children_in_need_at_period_end,
    children_looked_after_at_period_end,
    children_on_cp_plan_at_period_end,
    cin_closure_durations,
    contacts_in_period,
    icpcs_in_period,
    referrals_in_period,
    section47s_in_period,
)
from safeguarding_metrics.indicators.referrals import S47_TO_ICPC
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import (
    Assessment,
    Contact,
    CPPlan,
    Episode,
    Record,
    Referral,
    Section47,
)
from safeguarding_metrics.results import Count, Distribution, Rate
from tests import oracles_counts as oracle
from tests import oracles_looked_after as looked_after_oracle
from tests.strategies import LEGAL_STATUSES, Draw, child_ids, optional
from tests.strategies_looked_after import coverage_of, looked_after_datasets

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)  # 2024-04-01 to 2025-03-31
WIDE = ReportingPeriod.between(D(2015, 1, 1), D(2030, 12, 31))
COUNT_CARDS = [card for card in CARDS if card.kind == "count"]
CARD_OF_ID = {card.id: card for card in CARDS}


def referral(
    child: str,
    referred: dt.date,
    closed: dt.date | None = None,
    *,
    nfa: bool = False,
    suffix: str = "",
) -> Referral:
    return Referral(
        referral_id=f"{child}/{referred}{suffix}",
        child_id=child,
        referral_date=referred,
        closure_date=closed,
        nfa=nfa,
    )


def plan(child: str, start: dt.date, end: dt.date | None = None) -> CPPlan:
    return CPPlan(child_id=child, start_date=start, end_date=end)


def episode(
    child: str, start: dt.date, end: dt.date | None = None, legal_status: str = "C2"
) -> Episode:
    return Episode(
        child_id=child,
        start=start,
        end=end,
        reason_new="S",
        legal_status=legal_status,
        placement="U1",
    )


def s47(
    child: str,
    start: dt.date | None,
    icpc: dt.date | None = None,
    *,
    not_required: bool = False,
) -> Section47:
    return Section47(
        child_id=child, start_date=start, icpc_date=icpc, icpc_not_required=not_required
    )


def outcomes(result: Count | Distribution) -> list[str]:
    assert result.audit is not None
    return [str(label) for label in result.audit.outcomes()]


def child_outcomes(result: Count) -> dict[str, str]:
    assert result.audit is not None
    assert (result.audit.rows == -1).all()
    return dict(zip(result.audit.child_ids.tolist(), outcomes(result), strict=True))


# -- open at period end --------------------------------------------------------------------

# A record starting and ending on these days is (or is not) open at 31 March 2025.
OPEN_AT_END = [
    pytest.param(D(2024, 6, 1), D(2025, 3, 31), False, id="ended-on-the-last-day"),
    pytest.param(D(2024, 6, 1), D(2025, 4, 1), True, id="ended-the-day-after"),
    pytest.param(D(2024, 6, 1), D(2025, 3, 30), False, id="ended-the-day-before"),
    pytest.param(D(2025, 3, 31), None, True, id="started-on-the-last-day"),
    pytest.param(D(2025, 4, 1), None, False, id="started-the-day-after"),
    pytest.param(D(2020, 1, 1), None, True, id="open-for-years"),
]


@pytest.mark.parametrize(("start", "end", "is_open"), OPEN_AT_END)
def test_cin_episode_open_at_period_end(start: dt.date, end: dt.date | None, is_open: bool) -> None:
    """A CIN episode closed on 31 March is not open at 31 March; one referred that day is."""
    result = children_in_need_at_period_end([referral("A", start, end)], period=YEAR)
    assert result.count == int(is_open)
    assert outcomes(result) == ["numerator" if is_open else "out-of-scope"]


@pytest.mark.parametrize(("start", "end", "is_open"), OPEN_AT_END)
def test_cp_plan_open_at_period_end(start: dt.date, end: dt.date | None, is_open: bool) -> None:
    """A plan that ends on 31 March is not open at 31 March; one that starts that day is."""
    result = children_on_cp_plan_at_period_end([plan("A", start, end)], period=YEAR)
    assert result.count == int(is_open)
    assert child_outcomes(result) == {"A": "numerator" if is_open else "out-of-scope"}


@pytest.mark.parametrize(("start", "end", "is_open"), OPEN_AT_END)
def test_episode_open_at_period_end(start: dt.date, end: dt.date | None, is_open: bool) -> None:
    """An episode that ends on 31 March is not open at 31 March; one that starts that day is."""
    result = children_looked_after_at_period_end([episode("A", start, end)], period=YEAR)
    assert result.count == int(is_open)


def test_quarter_end_is_the_date_that_matters() -> None:
    """At the end of Q3 (31 December) an episode closed in January is still open."""
    q3 = YEAR.quarter(3)
    data = [referral("A", D(2024, 5, 1), D(2025, 1, 10))]
    assert children_in_need_at_period_end(data, period=q3).count == 1
    assert children_in_need_at_period_end(data, period=YEAR).count == 0


def test_nfa_referral_closed_on_its_day_is_out_of_scope() -> None:
    """An NFA referral closing on its own date (the last day, even) is not an open episode."""
    data = [referral("A", D(2025, 3, 31), D(2025, 3, 31), nfa=True)]
    result = children_in_need_at_period_end(data, period=YEAR)
    assert result.count == 0
    assert outcomes(result) == ["out-of-scope"]


def test_nfa_referral_left_open_is_excluded_nfa() -> None:
    """An NFA referral with no closure date is not counted but reported as nfa."""
    data = [referral("A", D(2025, 1, 6), nfa=True), referral("B", D(2025, 1, 6))]
    result = children_in_need_at_period_end(data, period=YEAR)
    assert result.count == 1
    assert outcomes(result) == ["nfa", "numerator"]
    assert result.excluded == {"nfa": 1}


def test_cin_at_period_end_reports_nfa_and_duplicate_exclusions() -> None:
    """The count carries its exclusions per reason, every card reason listed, zeros included."""
    data = [
        referral("A", D(2024, 6, 3), nfa=True),  # kept (its id sorts first), open NFA: nfa
        referral("A", D(2024, 6, 3), nfa=True, suffix="-2"),  # same day, also NFA: duplicate
        referral("B", D(2024, 7, 1)),  # counted
        referral("B", D(2024, 7, 1), suffix="-2"),  # same day as B's: duplicate
        referral("B", D(2024, 7, 1), suffix="-3"),  # and again: duplicate
        referral("C", D(2024, 8, 1), nfa=True),  # open NFA, C has nothing else: nfa
    ]
    result = children_in_need_at_period_end(data, period=YEAR)
    assert result.count == 1
    assert result.excluded == {"nfa": 2, "duplicate": 3}
    assert result.excluded_counts == (
        ("nfa", 2),
        ("duplicate", 3),
        ("second-open-episode", 0),
    )
    assert outcomes(result) == [
        "nfa",
        "duplicate",
        "numerator",
        "duplicate",
        "duplicate",
        "nfa",
    ]


@pytest.mark.parametrize(
    ("kept_closed", "other_closed", "expected"),
    [
        # The kept record (id sorts first) is open: the other is its duplicate.
        pytest.param(None, D(2025, 1, 1), ["numerator", "duplicate"], id="kept-open"),
        # The kept record closed before 31 March: no episode open, whatever the other says.
        pytest.param(
            D(2025, 1, 1), None, ["out-of-scope", "out-of-scope"], id="kept-closed-other-open"
        ),
    ],
)
def test_same_day_episode_is_open_when_its_kept_record_is(
    kept_closed: dt.date | None, other_closed: dt.date | None, expected: list[str]
) -> None:
    """SPEC §4.2: the first (smallest referral_id) is kept and its own dates decide."""
    kept = referral("A", D(2024, 6, 3), kept_closed)
    other = referral("A", D(2024, 6, 3), other_closed, suffix="/2")
    for data, order in (([kept, other], [0, 1]), ([other, kept], [1, 0])):
        result = children_in_need_at_period_end(data, period=YEAR)
        assert outcomes(result) == [expected[i] for i in order]


def test_same_day_record_that_led_to_action_is_the_open_episode() -> None:
    """SPEC §4.2: of an NFA record and one that led to action on one day, the latter is kept."""
    nfa = referral("A", D(2024, 6, 3), nfa=True)  # its id sorts first, but it is NFA
    acted = referral("A", D(2024, 6, 3), suffix="/2")
    for data, expected in (
        ([nfa, acted], ["duplicate", "numerator"]),
        ([acted, nfa], ["numerator", "duplicate"]),
    ):
        result = children_in_need_at_period_end(data, period=YEAR)
        assert outcomes(result) == expected
        assert result.diagnostics == ()


def test_same_day_record_that_led_to_action_is_counted_and_banded() -> None:
    """The record that led to action is the referral, so the referral is counted and banded."""
    nfa = referral("A", D(2024, 6, 3), D(2024, 6, 3), nfa=True)  # its id sorts first
    acted = referral("A", D(2024, 6, 3), D(2024, 10, 1), suffix="/2")
    for data in ([nfa, acted], [acted, nfa]):
        counted = referrals_in_period(data, period=YEAR)
        assert dict(zip(data, outcomes(counted), strict=True)) == {
            nfa: "duplicate",
            acted: "numerator",
        }
        banded = cin_closure_durations(data, period=YEAR)
        assert banded.bands["3 months to under 6 months"] == 1
        assert dict(zip(data, outcomes(banded), strict=True)) == {
            nfa: "duplicate",
            acted: "numerator",
        }


@pytest.mark.parametrize(
    ("card", "kept_closed", "other_closed"),
    [
        # A missing closure sorts first: the open record is kept.
        pytest.param(CARD_OF_ID["cin-at-period-end"], None, D(2025, 6, 1), id="cin"),
        pytest.param(CARD_OF_ID["referrals-in-period"], None, D(2025, 6, 1), id="referrals"),
        pytest.param(CIN_CLOSURE_DURATIONS, D(2024, 9, 1), D(2025, 1, 1), id="closures"),
    ],
)
def test_same_day_referral_tie_is_decided_by_content_and_reported(
    card: Indicator, kept_closed: dt.date | None, other_closed: dt.date
) -> None:
    """Records alike but for their closure: the same one is kept in any order, and reported."""
    kept = referral("A", D(2024, 6, 3), kept_closed)
    other = referral("A", D(2024, 6, 3), other_closed)
    results = [card.compute(data, period=YEAR) for data in ([kept, other], [other, kept])]
    assert isinstance(results[0], Count | Distribution)
    assert isinstance(results[1], Count | Distribution)
    assert results[0] == results[1]
    assert outcomes(results[0]) == ["numerator", "duplicate"]
    assert outcomes(results[1]) == ["duplicate", "numerator"]
    (diagnostic,) = results[0].diagnostics
    shown = "missing" if kept_closed is None else kept_closed.isoformat()
    assert (diagnostic.field, diagnostic.value) == (
        "closure_date",
        f"{other_closed}; the record kept (referrals: child A, referral_date 2024-06-03) "
        f"has {shown}",
    )
    assert results[1].diagnostics == results[0].diagnostics


def test_child_with_two_open_episodes_counts_once() -> None:
    """The earliest open episode counts; a later one is second-open-episode, a same-day one duplicate."""
    data = [
        referral("A", D(2024, 9, 1)),
        referral("A", D(2024, 5, 1)),
        referral("A", D(2024, 5, 1), suffix="-2"),
        referral("A", D(2023, 5, 1), D(2024, 1, 1)),  # closed long ago
        referral("B", D(2024, 9, 1)),
    ]
    result = children_in_need_at_period_end(data, period=YEAR)
    assert result.count == 2
    assert outcomes(result) == [
        "second-open-episode",
        "numerator",
        "duplicate",
        "out-of-scope",
        "numerator",
    ]
    assert result.excluded == {"duplicate": 1, "second-open-episode": 1}


def test_child_with_two_open_plans_counts_once() -> None:
    """Distinct children: two open plans of one child count once."""
    data = [
        plan("A", D(2024, 5, 1)),
        plan("A", D(2024, 9, 1)),
        plan("B", D(2024, 5, 1), D(2025, 3, 31)),
        plan("C", D(2024, 5, 1), D(2025, 2, 1)),
        plan("C", D(2025, 2, 1)),
    ]
    result = children_on_cp_plan_at_period_end(data, period=YEAR)
    assert result.count == 2
    assert child_outcomes(result) == {"A": "numerator", "B": "out-of-scope", "C": "numerator"}
    assert result.audit is not None
    assert result.audit.measures["open_plans"].tolist() == [2, 0, 1]


def test_child_level_audit_lists_only_children_of_the_table() -> None:
    """Children known only from other collections are not considered."""
    data = Dataset.of(
        plan("B", D(2024, 5, 1)),
        referral("A", D(2024, 5, 1)),
        episode("C", D(2024, 5, 1)),
    )
    result = children_on_cp_plan_at_period_end(data, period=YEAR)
    assert child_outcomes(result) == {"B": "numerator"}


@pytest.mark.parametrize(
    ("legal_status", "counted"),
    [
        pytest.param("V3", False, id="V3"),
        pytest.param("V4", False, id="V4"),
        pytest.param(" v4 ", False, id="v4-lower-case-spaced"),
        pytest.param("V2", True, id="V2-single-placement-s20"),
        pytest.param("C2", True, id="C2-care-order"),
    ],
)
def test_short_breaks_are_left_out(legal_status: str, counted: bool) -> None:
    """Children looked after only under short breaks (V3/V4) are not counted."""
    data = [episode("A", D(2025, 3, 1), legal_status=legal_status)]
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert result.count == int(counted)
    assert result.audit is not None
    assert result.audit.measures["short_breaks_only"].tolist() == [not counted]


def test_short_breaks_are_judged_on_the_episode_open_at_period_end() -> None:
    """A child on short breaks earlier in the year but on a care order at 31 March counts, and the reverse not."""
    data = [
        episode("A", D(2024, 5, 1), D(2024, 10, 1), legal_status="V3"),
        episode("A", D(2024, 10, 1), legal_status="C2"),
        episode("B", D(2024, 5, 1), D(2024, 10, 1), legal_status="C2"),
        episode("B", D(2024, 10, 1), legal_status="V4"),
    ]
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert child_outcomes(result) == {"A": "numerator", "B": "out-of-scope"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        pytest.param(("V3", "C2", "C1"), "numerator", id="latest-in-care"),
        pytest.param(("C2", "C1", "V4"), "out-of-scope", id="latest-a-short-break"),
    ],
)
def test_overlapping_open_episodes_are_repaired_and_the_latest_decides(
    statuses: tuple[str, str, str], expected: str
) -> None:
    """Open episodes overlap: each ends on the next one's start, so only the latest is open."""
    data = [
        episode("A", D(2024, 5, 1), legal_status=statuses[0]),
        episode("A", D(2024, 6, 1), legal_status=statuses[1]),
        episode("A", D(2024, 7, 1), legal_status=statuses[2]),
    ]
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert child_outcomes(result) == {"A": expected}
    assert result.audit is not None
    assert result.audit.measures["open_episodes"].tolist() == [1]
    assert result.audit.measures["repairs"].tolist() == [2]
    assert [d.field for d in result.diagnostics] == ["DEC", "DEC"]
    assert all("overlap" in d.problem for d in result.diagnostics)


def test_a_child_missing_from_the_next_return_is_not_counted() -> None:
    """Open in the 2024 return, missing from 2025's: ended 1 April 2024, not counted in 2024-25."""
    data = Dataset(
        episodes=[
            Episode(
                child_id="A",
                start=D(2022, 6, 1),
                reason_new="S",
                legal_status="C2",
                placement="U1",
                year=2024,
            )
        ],
        coverage=coverage_of([2024, 2025], ("episodes",)),
    )
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert child_outcomes(result) == {"A": "out-of-scope"}
    (diagnostic,) = result.diagnostics
    assert "missing from the next return" in diagnostic.problem
    earlier = children_looked_after_at_period_end(data, period=ReportingPeriod.year_ending(2024))
    assert child_outcomes(earlier) == {"A": "numerator"}


def test_a_latest_episode_ending_before_it_starts_is_excluded() -> None:
    """The typo child (latest episode's DEC before its DECOM) is excluded episode-error, not dropped."""
    data = [
        episode("A", D(2020, 1, 1), D(2024, 9, 1)),
        episode("A", D(2024, 9, 1), D(2024, 8, 1)),  # DEC typed a year early, say
        episode("B", D(2024, 5, 1)),
    ]
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert result.count == 1
    assert result.excluded == {"episode-error": 1}
    assert child_outcomes(result) == {"A": "episode-error", "B": "numerator"}
    assert "episode-error" in CLA_AT_PERIOD_END.exclusions
    (diagnostic,) = result.diagnostics
    assert diagnostic.value == "child A, DECOM 2024-09-01, DEC 2024-08-01"
    assert diagnostic.problem.endswith("the child is excluded (episode-error)")


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        pytest.param(episode("A", D(2024, 10, 1)), "numerator", id="later-episode-open"),
        pytest.param(
            episode("A", D(2024, 10, 1), D(2024, 12, 1)), "out-of-scope", id="later-episode-ended"
        ),
        pytest.param(
            episode("A", D(2024, 9, 1), D(2024, 12, 1)), "episode-error", id="same-day-episode"
        ),
        pytest.param(episode("A", D(2024, 1, 1)), "numerator", id="earlier-episode-still-open"),
    ],
)
def test_a_valid_later_episode_decides_the_count(later: Episode, expected: str) -> None:
    """A set-aside episode followed by a valid one is judged by that one; an open episode decides."""
    data = [episode("A", D(2024, 9, 1), D(2024, 8, 1)), later]
    assert child_outcomes(children_looked_after_at_period_end(data, period=YEAR)) == {"A": expected}


@pytest.mark.parametrize(
    ("start", "legal_status", "expected"),
    [
        pytest.param(D(2025, 3, 31), "C2", "episode-error", id="starting-on-period-end"),
        pytest.param(D(2025, 4, 1), "C2", "out-of-scope", id="starting-after-period-end"),
        pytest.param(D(2024, 9, 1), " v3 ", "out-of-scope", id="short-break"),
        pytest.param(D(2019, 9, 1), "C2", "episode-error", id="years-before-the-period"),
    ],
)
def test_which_set_aside_episodes_exclude_from_the_count(
    start: dt.date, legal_status: str, expected: str
) -> None:
    """Only a non-short-break set-aside episode starting by period end can leave status unknown."""
    data = [episode("A", start, start - dt.timedelta(days=10), legal_status=legal_status)]
    result = children_looked_after_at_period_end(data, period=YEAR)
    assert child_outcomes(result) == {"A": expected}
    assert result.count == 0


# -- counts in period ----------------------------------------------------------------------

# Days around the year 2024-25 and whether each is in it.
IN_YEAR = [
    pytest.param(D(2024, 3, 31), False, id="day-before-first"),
    pytest.param(D(2024, 4, 1), True, id="first-day"),
    pytest.param(D(2025, 3, 31), True, id="last-day"),
    pytest.param(D(2025, 4, 1), False, id="day-after-last"),
]


def _dated_record(kind: str, day: dt.date) -> Record:
    if kind == "contacts":
        return Contact(child_id="A", contact_date=day)
    if kind == "referrals":
        return referral("A", day)
    if kind == "assessments":
        return Assessment(child_id="A", start_date=D(2024, 3, 1), authorisation_date=day)
    if kind == "s47s":
        return s47("A", day)
    return s47("A", D(2024, 3, 1), day)


@pytest.mark.parametrize(("day", "inside"), IN_YEAR)
@pytest.mark.parametrize("kind", ["contacts", "referrals", "assessments", "s47s", "icpcs"])
def test_in_period_counts_include_first_and_last_days(
    kind: str, day: dt.date, inside: bool
) -> None:
    """Records dated on the period's first or last day count; a day outside does not."""
    card = {c.id: c for c in CARDS}[f"{kind}-in-period"]
    result = card.compute([_dated_record(kind, day)], period=YEAR)
    assert isinstance(result, Count)
    assert result.count == int(inside)


def test_every_contact_counts_even_on_one_day() -> None:
    """Two contacts about one child on one day are two contacts."""
    data = [Contact(child_id="A", contact_date=D(2024, 5, 1))] * 2
    assert contacts_in_period(data, period=YEAR).count == 2


def test_same_day_referrals_are_one_referral() -> None:
    """Of a child's referrals on one day, the one whose id sorts first counts, even given second."""
    data = [
        referral("A", D(2024, 5, 1), suffix="-2"),  # "A/2024-05-01-2"
        referral("A", D(2024, 5, 1)),  # "A/2024-05-01": sorts first, kept
        referral("A", D(2024, 5, 2)),
        referral("B", D(2024, 5, 1)),
    ]
    result = referrals_in_period(data, period=YEAR)
    assert result.count == 3
    assert outcomes(result) == ["duplicate", "numerator", "numerator", "numerator"]
    assert result.excluded == {"duplicate": 1}


def test_three_same_day_referrals_count_once_with_two_duplicates() -> None:
    """Three referrals of one child on one day: count 1, excluded {"duplicate": 2}."""
    data = [referral("A", D(2024, 5, 1), suffix=f"-{i}") for i in range(3)]
    result = referrals_in_period(data, period=YEAR)
    assert result.count == 1
    assert result.excluded == {"duplicate": 2}
    assert result.excluded_counts == (("duplicate", 2),)
    assert outcomes(result) == ["numerator", "duplicate", "duplicate"]


def test_duplicates_outside_the_period_are_not_exclusions() -> None:
    """Same-day referrals dated outside the period are out of scope, not duplicates."""
    data = [referral("A", D(2024, 3, 31), suffix=f"-{i}") for i in range(2)]
    result = referrals_in_period(data, period=YEAR)
    assert result.count == 0
    assert result.excluded == {}
    assert result.excluded_counts == (("duplicate", 0),)


def test_counts_without_exclusions_report_none() -> None:
    """A count whose card lists no reasons has empty excluded counts."""
    result = contacts_in_period([Contact(child_id="A", contact_date=D(2024, 5, 1))], period=YEAR)
    assert result.excluded_counts == ()
    assert result.excluded == {}


def test_same_day_referrals_need_not_be_next_to_each_other() -> None:
    """A repeat of a child's day counts as duplicate with other referrals between them."""
    data = [
        referral("A", D(2024, 5, 1)),
        referral("A", D(2024, 4, 1)),
        referral("B", D(2024, 5, 1)),
        referral("A", D(2024, 5, 1), suffix="-2"),
    ]
    result = referrals_in_period(data, period=YEAR)
    assert outcomes(result) == ["numerator", "numerator", "numerator", "duplicate"]


def test_nfa_referrals_count_as_referrals() -> None:
    """Referrals with no further action are counted."""
    data = [referral("A", D(2024, 5, 1), D(2024, 5, 1), nfa=True)]
    assert referrals_in_period(data, period=YEAR).count == 1


def test_assessments_count_by_completion_by_default() -> None:
    """An assessment counts in the year it was authorised; an open one does not count."""
    data = [
        Assessment(child_id="A", start_date=D(2024, 3, 20), authorisation_date=D(2024, 4, 5)),
        Assessment(child_id="B", start_date=D(2025, 3, 20), authorisation_date=D(2025, 4, 5)),
        Assessment(child_id="C", start_date=D(2025, 3, 20)),
    ]
    assert outcomes(assessments_in_period(data, period=YEAR)) == [
        "numerator",
        "out-of-scope",
        "out-of-scope",
    ]
    started = assessments_in_period(data, period=YEAR, basis="started")
    assert outcomes(started) == ["out-of-scope", "numerator", "numerator"]


def test_assessment_authorised_before_its_start_still_counts() -> None:
    """An authorisation dated before the start is still a completed assessment."""
    data = [Assessment(child_id="A", start_date=D(2024, 6, 10), authorisation_date=D(2024, 6, 3))]
    assert assessments_in_period(data, period=YEAR).count == 1


@pytest.mark.parametrize(
    ("authorised", "outcome"),
    [
        pytest.param(D(2024, 4, 1), "missing-start", id="authorised-on-the-first-day"),
        pytest.param(D(2025, 3, 31), "missing-start", id="authorised-on-the-last-day"),
        pytest.param(D(2024, 3, 31), "out-of-scope", id="authorised-the-day-before"),
        pytest.param(D(2025, 4, 1), "out-of-scope", id="authorised-the-day-after"),
        pytest.param(None, "out-of-scope", id="not-authorised"),
    ],
)
def test_assessment_without_start_is_missing_start_when_counting_starts(
    authorised: dt.date | None, outcome: str
) -> None:
    """basis="started": no start date but authorised in the period is excluded missing-start."""
    data = [Assessment(child_id="A", start_date=None, authorisation_date=authorised)]
    result = assessments_in_period(data, period=YEAR, basis="started")
    assert result.count == 0
    assert outcomes(result) == [outcome]
    assert result.excluded == ({"missing-start": 1} if outcome == "missing-start" else {})


def test_assessment_without_start_counts_when_counting_completions() -> None:
    """basis="completed" needs no start date: missing-start is listed with zero."""
    data = [Assessment(child_id="A", start_date=None, authorisation_date=D(2024, 6, 3))]
    result = assessments_in_period(data, period=YEAR)
    assert result.count == 1
    assert result.excluded_counts == (("missing-start", 0),)


def test_assessment_of_another_kind_without_start_is_out_of_scope() -> None:
    """The kind option is a cohort rule: another kind is out of scope before missing-start."""
    data = [
        Assessment(child_id="A", start_date=None, authorisation_date=D(2024, 6, 3), kind="core")
    ]
    result = ASSESSMENTS_IN_PERIOD.compute(data, period=YEAR, basis="started", kind="single")
    assert outcomes(result) == ["out-of-scope"]


def test_assessment_kind_option_keeps_one_kind() -> None:
    """kind="initial" counts initial assessments only; "any" counts all."""
    data = [
        Assessment(child_id="A", start_date=D(2012, 6, 1), authorisation_date=D(2012, 6, 8), kind=k)
        for k in ("initial", "core", "single", "initial")
    ]
    year = ReportingPeriod.year_ending(2013)
    assert assessments_in_period(data, period=year).count == 4
    assert ASSESSMENTS_IN_PERIOD.compute(data, period=year, kind="initial").value == 2
    assert ASSESSMENTS_IN_PERIOD.compute(data, period=year, kind="core").value == 1


@pytest.mark.parametrize(
    ("icpc", "not_required", "outcome"),
    [
        pytest.param(None, False, "out-of-scope", id="no-dates-at-all"),
        pytest.param(D(2024, 4, 1), False, "missing-start", id="icpc-on-the-first-day"),
        pytest.param(D(2025, 3, 31), False, "missing-start", id="icpc-on-the-last-day"),
        pytest.param(D(2024, 3, 31), False, "out-of-scope", id="icpc-the-day-before"),
        pytest.param(D(2025, 4, 1), False, "out-of-scope", id="icpc-the-day-after"),
        pytest.param(D(2024, 9, 2), True, "missing-start", id="icpc-dated-but-not-required"),
    ],
)
def test_s47_without_start_is_missing_start_when_its_icpc_is_in_period(
    icpc: dt.date | None, not_required: bool, outcome: str
) -> None:
    """No start date but a conference dated in the period: excluded missing-start, not dropped."""
    data = [s47("A", None, icpc, not_required=not_required), s47("B", D(2024, 5, 1))]
    result = section47s_in_period(data, period=YEAR)
    assert outcomes(result) == [outcome, "numerator"]
    assert result.count == 1
    assert result.excluded == ({"missing-start": 1} if outcome == "missing-start" else {})
    assert result.excluded_counts[0][0] == "missing-start"


def test_icpc_dated_before_its_enquiry_still_counts() -> None:
    """A conference dated before the strategy discussion is still a conference."""
    result = icpcs_in_period([s47("A", D(2024, 5, 10), D(2024, 5, 3))], period=YEAR)
    assert result.count == 1


def test_icpc_marked_not_required_with_a_date_is_a_conference() -> None:
    """A recorded conference counts, ICPCnotRequired or not, and the contradiction is reported."""
    data = [
        s47("A", D(2024, 5, 1), D(2024, 5, 20), not_required=True),
        s47("B", D(2024, 5, 1), None, not_required=True),
    ]
    result = icpcs_in_period(data, period=YEAR)
    assert outcomes(result) == ["numerator", "out-of-scope"]
    (diagnostic,) = result.diagnostics
    assert (diagnostic.field, diagnostic.problem) == (
        "icpc_not_required",
        ICPC_NOT_REQUIRED_PROBLEM,
    )
    assert diagnostic.where == "section47s: child A, start_date 2024-05-01"


# -- population and per 10,000 -------------------------------------------------------------


def test_per_10k_is_count_over_population() -> None:
    """3 children among 25,000 is 1.2 per 10,000 (10,000 * 3 / 25,000)."""
    data = [plan(c, D(2024, 5, 1)) for c in "ABC"]
    result = CP_AT_PERIOD_END.compute(data, period=YEAR, population=25_000)
    assert isinstance(result, Count)
    assert result.count == 3
    assert result.population == 25_000
    assert result.per_10k == pytest.approx(1.2)


def test_per_10k_is_none_without_population() -> None:
    """Without a population there is no rate."""
    result = children_on_cp_plan_at_period_end([plan("A", D(2024, 5, 1))], period=YEAR)
    assert result.population is None
    assert result.per_10k is None


@pytest.mark.parametrize(
    "population",
    [
        pytest.param(0, id="zero"),
        pytest.param(-100, id="negative"),
        pytest.param(2500.0, id="float"),
        pytest.param("2500", id="text"),
        pytest.param(True, id="bool"),
    ],
)
@pytest.mark.parametrize("card", COUNT_CARDS, ids=lambda c: c.id)
def test_population_must_be_a_positive_int(card: Indicator, population: Any) -> None:
    """A population of 0, below 0 or not an int is rejected by card.compute and the function."""
    with pytest.raises(InvalidOptionError, match="population"):
        card.compute([], period=YEAR, population=population)
    with pytest.raises(InvalidOptionError, match="population"):
        card.function([], period=YEAR, population=population)


@pytest.mark.parametrize("card", COUNT_CARDS, ids=lambda c: c.id)
def test_every_count_takes_a_population(card: Indicator) -> None:
    """Every count accepts population and reports it (and a count of 0 on no data)."""
    result = card.compute(Dataset(), period=YEAR, population=1234)
    assert isinstance(result, Count)
    assert (result.count, result.population, result.per_10k) == (0, 1234, 0.0)


def test_bad_option_values_are_rejected() -> None:
    """Unknown bands, basis or kind values raise InvalidOptionError, called either way."""
    with pytest.raises(InvalidOptionError, match="bands"):
        CIN_CLOSURE_DURATIONS.compute([], period=YEAR, bands="quarterly")
    with pytest.raises(InvalidOptionError, match="bands"):
        cin_closure_durations([], period=YEAR, bands="quarterly")  # type: ignore[arg-type]
    with pytest.raises(InvalidOptionError, match="basis"):
        assessments_in_period([], period=YEAR, basis="authorised")  # type: ignore[arg-type]
    with pytest.raises(InvalidOptionError, match="kind"):
        assessments_in_period([], period=YEAR, kind="ia")  # type: ignore[arg-type]


# -- CIN closure durations -----------------------------------------------------------------

DFE = ["Under 3 months", "3 months to under 6 months", "6 months to under 1 year"]
DFE += ["1 year to under 2 years", "2 years and over"]
STOCKTON = ["Under 3 months", "3 to under 6 months", "6 to under 9 months", "9 months and over"]


@pytest.mark.parametrize(
    ("referred", "closed", "band"),
    [
        pytest.param(D(2024, 1, 15), D(2024, 1, 15), 0, id="same-day"),
        pytest.param(D(2024, 1, 15), D(2024, 4, 14), 0, id="day-before-3-months"),
        pytest.param(D(2024, 1, 15), D(2024, 4, 15), 1, id="exactly-3-months"),
        # 30 November + 3 months is clipped to 28 February 2025.
        pytest.param(D(2024, 11, 30), D(2025, 2, 27), 0, id="nov-30-day-before-feb-28"),
        pytest.param(D(2024, 11, 30), D(2025, 2, 28), 1, id="nov-30-to-feb-28-is-3-months"),
        # 31 August 2023 + 6 months is 29 February 2024 (leap year).
        pytest.param(D(2023, 8, 31), D(2024, 2, 28), 1, id="aug-31-day-before-feb-29"),
        pytest.param(D(2023, 8, 31), D(2024, 2, 29), 2, id="aug-31-to-feb-29-is-6-months"),
        # 29 February 2024 + 12 months is 28 February 2025.
        pytest.param(D(2024, 2, 29), D(2025, 2, 27), 2, id="leap-day-day-before-1-year"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), 3, id="leap-day-to-feb-28-is-1-year"),
        pytest.param(D(2024, 2, 29), D(2026, 2, 27), 3, id="leap-day-day-before-2-years"),
        pytest.param(D(2024, 2, 29), D(2026, 2, 28), 4, id="leap-day-2-years"),
        pytest.param(D(2023, 2, 28), D(2024, 2, 28), 3, id="feb-28-to-feb-28-is-1-year"),
        pytest.param(D(2020, 5, 31), D(2025, 3, 31), 4, id="years-long"),
    ],
)
def test_dfe_band_boundaries(referred: dt.date, closed: dt.date, band: int) -> None:
    """An episode reaches N months on add_months(referral, N), not a day earlier."""
    result = cin_closure_durations([referral("A", referred, closed)], period=WIDE)
    assert result.bands == {label: int(i == band) for i, label in enumerate(DFE)}
    assert result.median == (closed - referred).days


@pytest.mark.parametrize(
    ("referred", "closed", "band"),
    [
        pytest.param(D(2024, 8, 31), D(2024, 11, 29), 0, id="aug-31-day-before-nov-30"),
        pytest.param(D(2024, 8, 31), D(2024, 11, 30), 1, id="aug-31-to-nov-30-is-3-months"),
        pytest.param(D(2024, 1, 10), D(2024, 7, 9), 1, id="day-before-6-months"),
        pytest.param(D(2024, 1, 10), D(2024, 7, 10), 2, id="exactly-6-months"),
        # 31 May 2024 + 9 months is clipped to 28 February 2025.
        pytest.param(D(2024, 5, 31), D(2025, 2, 27), 2, id="may-31-day-before-feb-28"),
        pytest.param(D(2024, 5, 31), D(2025, 2, 28), 3, id="may-31-to-feb-28-is-9-months"),
        # 29 May 2023 + 9 months is 29 February 2024.
        pytest.param(D(2023, 5, 29), D(2024, 2, 28), 2, id="may-29-day-before-feb-29"),
        pytest.param(D(2023, 5, 29), D(2024, 2, 29), 3, id="may-29-to-feb-29-is-9-months"),
        pytest.param(D(2022, 5, 29), D(2025, 2, 28), 3, id="years-long"),
    ],
)
def test_stockton_band_boundaries(referred: dt.date, closed: dt.date, band: int) -> None:
    """The Stockton bands split at 3, 6 and 9 calendar months."""
    result = CIN_CLOSURE_DURATIONS.compute(
        [referral("A", referred, closed)], period=WIDE, bands="stockton"
    )
    assert isinstance(result, Distribution)
    assert result.bands == {label: int(i == band) for i, label in enumerate(STOCKTON)}


def test_closures_in_period_are_the_cohort() -> None:
    """Episodes closed on the first or last day are banded; open ones or closed outside are not."""
    data = [
        referral("A", D(2024, 1, 1), D(2024, 3, 31)),
        referral("B", D(2024, 1, 1), D(2024, 4, 1)),
        referral("C", D(2024, 1, 1), D(2025, 3, 31)),
        referral("D", D(2024, 1, 1), D(2025, 4, 1)),
        referral("E", D(2024, 1, 1)),
    ]
    result = cin_closure_durations(data, period=YEAR)
    assert outcomes(result) == [
        "out-of-scope",
        "numerator",
        "numerator",
        "out-of-scope",
        "out-of-scope",
    ]
    # B: 1 January to 1 April 2024 is 3 months; C: 1 January 2024 to 31 March 2025 is 1 year+.
    assert result.bands == dict(zip(DFE, [0, 1, 0, 1, 0], strict=True))


def test_nfa_referrals_are_out_of_scope_unless_included() -> None:
    """NFA referrals are not episodes of need, unless include_nfa=True."""
    data = [referral("A", D(2024, 5, 1), D(2024, 5, 1), nfa=True)]
    assert cin_closure_durations(data, period=YEAR).total == 0
    included = CIN_CLOSURE_DURATIONS.compute(data, period=YEAR, include_nfa=True)
    assert isinstance(included, Distribution)
    assert included.bands["Under 3 months"] == 1


def test_same_day_referrals_close_as_one_episode() -> None:
    """Two referrals of one child on one day, both closed in the period, band once."""
    data = [
        referral("A", D(2024, 5, 1), D(2024, 6, 1)),
        referral("A", D(2024, 5, 1), D(2024, 12, 1), suffix="-2"),
    ]
    result = cin_closure_durations(data, period=YEAR)
    assert result.excluded == {"duplicate": 1}
    assert result.total == 1
    assert outcomes(result) == ["numerator", "duplicate"]


@pytest.mark.parametrize(
    ("kept_closed", "other_closed", "expected", "band"),
    [
        # Kept closed 15 April 2024: 11 months from 1 May 2023, "6 months to under 1 year";
        # the other's 1 December 2024 (19 months, "1 year to under 2 years") is not banded.
        pytest.param(
            D(2024, 4, 15), D(2024, 12, 1), ["numerator", "duplicate"], 2, id="kept-banded"
        ),
        # Kept closed 2 April 2024 (11 months from 1 May 2023: 6 months to under 1 year);
        # the other closed 20 March 2024, before the period.
        pytest.param(
            D(2024, 4, 2), D(2024, 3, 20), ["numerator", "duplicate"], 2, id="other-closed-before"
        ),
        # Kept closed before the period: no episode closed in it, the other goes with it.
        pytest.param(
            D(2024, 3, 20), D(2024, 6, 1), ["out-of-scope", "out-of-scope"], None, id="kept-before"
        ),
    ],
)
def test_same_day_episode_is_banded_by_its_kept_record(
    kept_closed: dt.date, other_closed: dt.date, expected: list[str], band: int | None
) -> None:
    """The same-day referral whose id sorts first is banded by its own closure, in any order."""
    kept = referral("A", D(2023, 5, 1), kept_closed)
    other = referral("A", D(2023, 5, 1), other_closed, suffix="/2")
    for data, order in (([kept, other], [0, 1]), ([other, kept], [1, 0])):
        result = cin_closure_durations(data, period=YEAR)
        assert outcomes(result) == [expected[i] for i in order]
        banded = [0] * len(DFE)
        if band is not None:
            banded[band] = 1
        assert list(result.bands.values()) == banded


def test_closure_before_referral_is_excluded() -> None:
    """An episode closed before it was referred is excluded end-before-start."""
    data = [referral("A", D(2024, 5, 10), D(2024, 5, 9)), referral("B", D(2024, 5, 1), None)]
    result = cin_closure_durations(data, period=YEAR)
    assert result.excluded == {"end-before-start": 1}
    assert outcomes(result) == ["end-before-start", "out-of-scope"]
    assert result.median is None


def test_duration_values_and_quartiles_are_days() -> None:
    """Values are days from referral to closure: 10, 20, 30, 40 give a median of 25."""
    base = D(2024, 5, 1)
    data = [
        referral(c, base, base + dt.timedelta(days=n))
        for c, n in zip("ABCD", (10, 20, 30, 40), strict=True)
    ]
    result = cin_closure_durations(data, period=YEAR)
    assert result.unit == "days"
    assert (result.lower_quartile, result.median, result.upper_quartile) == (17.5, 25.0, 32.5)


def test_cards_are_listed_and_well_formed() -> None:
    """Every card of the module is in CARDS, with a neutral polarity and its own function."""
    defined = {v.id for v in vars(counts).values() if isinstance(v, Indicator)}
    assert defined == {card.id for card in CARDS}
    assert len(CARDS) == 9
    for card in CARDS:
        assert card.polarity == "neutral"
        assert card.function.__module__ == counts.__name__
        assert not card.uses_calendar
    assert {c.id for c in CARDS if c.kind == "distribution"} == {"cin-closure-durations"}


# -- properties ----------------------------------------------------------------------------

# Days bunched around the 2024-25 boundaries so that "on the last day" actually happens.
EDGES = (D(2024, 3, 31), D(2024, 4, 1), D(2025, 3, 30), D(2025, 3, 31), D(2025, 4, 1))
MIDDLE = (D(2023, 6, 30), D(2024, 9, 2), D(2024, 12, 31), D(2025, 1, 1))
near_days = (
    st.sampled_from(EDGES)
    | st.sampled_from(MIDDLE)
    | st.dates(min_value=D(2022, 1, 1), max_value=D(2026, 12, 31))
)
periods = st.sampled_from([YEAR, YEAR.quarter(4), YEAR.quarter(1), WIDE])
child = child_ids(("A1", "B2", "C3"))


@st.composite
def referral_lists(draw: Draw) -> list[Referral]:
    """Referrals of a few children, with same-day repeats, NFA flags and open episodes.

    Some are real ties: an earlier referral's child, day and id, with another closure.
    """
    items: list[Referral] = []
    for n in range(draw(st.integers(0, 8))):
        if items and draw(st.integers(0, 3)) == 0:
            base = draw(st.sampled_from(items))
            closed = draw(optional(near_days | st.just(base.referral_date)))
            items.append(attrs.evolve(base, closure_date=closed))
            continue
        who = draw(child)
        referred = draw(near_days)
        closed = draw(optional(near_days | st.just(referred)))
        items.append(referral(who, referred, closed, nfa=draw(st.booleans()), suffix=f"#{n}"))
    return items


@st.composite
def plan_lists(draw: Draw) -> list[CPPlan]:
    """CP plans, some ending before they start, some open."""
    return [
        plan(draw(child), draw(near_days), draw(optional(near_days)))
        for _ in range(draw(st.integers(0, 8)))
    ]


@st.composite
def episode_lists(draw: Draw) -> list[Episode]:
    """Episodes with any legal status, short breaks included, overlapping freely."""
    return [
        episode(
            draw(child),
            draw(near_days),
            draw(optional(near_days)),
            draw(st.sampled_from(LEGAL_STATUSES)),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]


@st.composite
def dated_lists(draw: Draw) -> Dataset:
    """Contacts, assessments and section 47s with dates near the period boundaries."""
    n = st.integers(0, 6)
    return Dataset(
        contacts=[
            Contact(child_id=draw(child), contact_date=draw(near_days)) for _ in range(draw(n))
        ],
        referrals=draw(referral_lists()),
        assessments=[
            Assessment(
                child_id=draw(child),
                start_date=draw(optional(near_days)),
                authorisation_date=draw(optional(near_days)),
                kind=draw(st.sampled_from(("single", "initial", "core"))),
            )
            for _ in range(draw(n))
        ],
        section47s=[
            s47(
                draw(child),
                draw(optional(near_days)),
                draw(optional(near_days)),
                not_required=draw(st.booleans()),
            )
            for _ in range(draw(n))
        ],
    )


def shuffled(items: list[Any], seed: int) -> list[Any]:
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


CARD_OF = {card.id: card for card in CARDS}


def assert_accounted(result: Count | Distribution, rows: int) -> None:
    assert result.audit is not None
    tally = result.audit.tally()
    assert len(result.audit) == rows
    assert sum(tally.values()) == rows
    counted = result.count if isinstance(result, Count) else result.total
    assert tally["numerator"] == counted
    # Exclusions are reported, never silently dropped (SPEC §0): one pair per card reason,
    # each equal to the audit's tally of that reason.
    reasons = list(CARD_OF[result.indicator_id].exclusions)
    assert [reason for reason, _ in result.excluded_counts] == reasons
    assert dict(result.excluded_counts) == {reason: tally[reason] for reason in reasons}


@given(referral_lists(), periods)
def test_cin_at_period_end_matches_oracle(data: list[Referral], period: ReportingPeriod) -> None:
    """The columnar count agrees record by record with the loop oracle."""
    result = children_in_need_at_period_end(data, period=period)
    expected = oracle.cin_at_period_end(data, period)
    assert outcomes(result) == expected
    assert_accounted(result, len(data))
    # One counted episode per child, and a second open episode only beside a counted one.
    counted = [r.child_id for r, o in zip(data, expected, strict=True) if o == "numerator"]
    assert result.count == len(counted) == len(set(counted))
    seconds = {r.child_id for r, o in zip(data, expected, strict=True) if o.startswith("second")}
    assert seconds <= set(counted)


@given(plan_lists(), periods)
def test_cp_at_period_end_matches_oracle(data: list[CPPlan], period: ReportingPeriod) -> None:
    """Child by child, the columnar count agrees with the loop oracle."""
    result = children_on_cp_plan_at_period_end(data, period=period)
    assert child_outcomes(result) == oracle.cp_at_period_end(data, period)
    assert_accounted(result, len({p.child_id for p in data}))


@given(episode_lists(), periods)
def test_cla_at_period_end_matches_oracle(data: list[Episode], period: ReportingPeriod) -> None:
    """Child by child, the columnar count agrees with the loop oracle of the repaired episodes."""
    result = children_looked_after_at_period_end(data, period=period)
    assert child_outcomes(result) == looked_after_oracle.cla_at_period_end(
        Dataset.of(*data), period
    )
    assert_accounted(result, len({e.child_id for e in data}))


@given(looked_after_datasets(), periods)
def test_cla_at_period_end_matches_oracle_across_returns(
    data: Dataset, period: ReportingPeriod
) -> None:
    """With returns given (episodes left open by a child missing from the next), as the oracle."""
    result = children_looked_after_at_period_end(data, period=period)
    assert child_outcomes(result) == looked_after_oracle.cla_at_period_end(data, period)


@given(
    dated_lists(),
    periods,
    st.sampled_from(("completed", "started")),
    st.sampled_from(("any", "single", "initial", "core")),
)
def test_in_period_counts_match_oracles(
    data: Dataset, period: ReportingPeriod, basis: str, kind: str
) -> None:
    """Contacts, referrals, assessments, S47s and ICPCs agree with their loop oracles."""
    pairs = [
        (contacts_in_period(data, period=period), oracle.contacts_in_period(data.contacts, period)),
        (
            referrals_in_period(data, period=period),
            oracle.referrals_in_period(data.referrals, period),
        ),
        (
            ASSESSMENTS_IN_PERIOD.compute(data, period=period, basis=basis, kind=kind),
            oracle.assessments_in_period(data.assessments, period, basis=basis, kind=kind),
        ),
        (
            section47s_in_period(data, period=period),
            oracle.section47s_in_period(data.section47s, period),
        ),
        (icpcs_in_period(data, period=period), oracle.icpcs_in_period(data.section47s, period)),
    ]
    for result, expected in pairs:
        assert isinstance(result, Count)
        assert outcomes(result) == expected
        assert_accounted(result, len(expected))


@given(dated_lists(), periods)
def test_s47_count_reconciles_with_s47_to_icpc(data: Dataset, period: ReportingPeriod) -> None:
    """s47s-in-period and s47-to-icpc reach the same enquiries: counted and excluded alike."""
    count = section47s_in_period(data, period=period)
    rate = S47_TO_ICPC.compute(data, period=period)
    assert isinstance(rate, Rate)
    assert count.count == rate.denominator
    assert count.excluded == rate.excluded


@given(referral_lists(), periods, st.sampled_from(("dfe", "stockton")), st.booleans())
def test_closure_durations_match_oracle(
    data: list[Referral], period: ReportingPeriod, bands: str, include_nfa: bool
) -> None:
    """Outcomes and band counts agree with the relativedelta oracle."""
    result = CIN_CLOSURE_DURATIONS.compute(
        data, period=period, bands=bands, include_nfa=include_nfa
    )
    assert isinstance(result, Distribution)
    expected, band_numbers = oracle.cin_closure_durations(
        data, period, bands=bands, include_nfa=include_nfa
    )
    assert outcomes(result) == expected
    tallies = Counter(b for b in band_numbers if b is not None)
    assert list(result.bands.values()) == [tallies[i] for i in range(len(result.bands))]
    assert_accounted(result, len(data))


@given(st.data(), referral_lists(), plan_lists(), episode_lists(), periods)
def test_results_do_not_depend_on_input_order(
    data: st.DataObject,
    referrals: list[Referral],
    plans: list[CPPlan],
    episodes: list[Episode],
    period: ReportingPeriod,
) -> None:
    """Shuffling the records changes no count, band or tally."""
    seed = data.draw(st.integers(0, 2**32))
    records: list[Record] = [*referrals, *plans, *episodes]
    original = Dataset.of(*records)
    mixed = Dataset.of(*shuffled(records, seed))
    for card in CARDS:
        first = card.compute(original, period=period)
        second = card.compute(mixed, period=period)
        # Results compare their figures and their excluded counts per reason; the audits
        # (in input order) are compared by their tallies below.
        assert first == second
        assert first.excluded == second.excluded
        assert set(first.diagnostics) == set(second.diagnostics), card.id
        assert first.audit is not None
        assert second.audit is not None
        assert first.audit.tally() == second.audit.tally()


@given(st.data(), referral_lists(), periods)
def test_each_referrals_outcome_does_not_depend_on_input_order(
    data: st.DataObject, referrals: list[Referral], period: ReportingPeriod
) -> None:
    """The same same-day referral is kept, and every referral keeps its outcome, in any order."""
    mixed = shuffled(referrals, data.draw(st.integers(0, 2**32)))
    for card in (
        CARD_OF["cin-at-period-end"],
        CARD_OF["referrals-in-period"],
        CIN_CLOSURE_DURATIONS,
    ):
        before = card.compute(referrals, period=period)
        after = card.compute(mixed, period=period)
        assert isinstance(before, Count | Distribution)
        assert isinstance(after, Count | Distribution)
        assert sorted(
            zip([r.referral_id for r in referrals], outcomes(before), strict=True)
        ) == sorted(zip([r.referral_id for r in mixed], outcomes(after), strict=True)), card.id


@given(referral_lists(), periods)
def test_duplicates_never_change_the_child_count(
    data: list[Referral], period: ReportingPeriod
) -> None:
    """Adding a same-day copy of every referral leaves the CIN count and the banded total unchanged."""
    doubled = data + [
        referral(r.child_id, r.referral_date, r.closure_date, nfa=r.nfa, suffix="copy")
        for r in data
    ]
    assert (
        children_in_need_at_period_end(doubled, period=period).count
        == children_in_need_at_period_end(data, period=period).count
    )
    assert (
        cin_closure_durations(doubled, period=period).bands
        == cin_closure_durations(data, period=period).bands
    )


def test_open_at_helper_matches_spec_on_nat() -> None:
    """An open record (NaT end) is open at any day on or after its start."""
    starts = np.array(["2024-01-01", "2025-04-01"], dtype="datetime64[D]")
    ends = np.array(["NaT", "NaT"], dtype="datetime64[D]")
    assert counts._open_at(starts, ends, np.datetime64("2025-03-31")).tolist() == [True, False]
