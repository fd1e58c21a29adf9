"""Tests for the referral indicators (SPEC §4.2)."""

import datetime as dt
import random
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import (
    INDICATORS,
    CPPlan,
    Dataset,
    InvalidOptionError,
    Referral,
    ReportingPeriod,
    Section47,
)
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.indicators import referrals as family
from safeguarding_metrics.indicators._kernels import (
    ICPC_NOT_REQUIRED_PROBLEM,
    REFERRAL_TIE_RULE,
    SameDayGroups,
    referral_day_groups,
)
from safeguarding_metrics.indicators.referrals import (
    children_re_referred_rate,
    icpc_to_plan_rate,
    nfa_referral_rate,
    re_referral_rate,
    referral_to_s47_rate,
    s47_to_icpc_rate,
)
from safeguarding_metrics.provenance import Origins
from safeguarding_metrics.records import TableName
from safeguarding_metrics.results import Rate
from safeguarding_metrics.ties import SHARED_REFERRAL_ID_PROBLEM, tie_problem
from tests import oracles_referrals as oracle
from tests.strategies_referrals import datasets, periods

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)  # 2024-04-01 to 2025-03-31


def referral(
    child: str,
    day: dt.date,
    *,
    rid: str | None = None,
    nfa: bool = False,
    source: str | None = None,
) -> Referral:
    return Referral(
        referral_id=rid or f"{child}-{day}",
        child_id=child,
        referral_date=day,
        nfa=nfa,
        source=source,
    )


def outcomes(result: Rate) -> list[str]:
    assert result.audit is not None
    return [str(label) for label in result.audit.outcomes()]


# -- re-referrals: boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "later", "window", "expected"),
    [
        pytest.param(D(2023, 6, 15), D(2024, 6, 15), "12-months", True, id="anniversary-counts"),
        pytest.param(
            D(2023, 6, 14), D(2024, 6, 15), "12-months", False, id="day-before-anniversary"
        ),
        pytest.param(
            D(2023, 6, 15), D(2024, 6, 16), "12-months", False, id="day-after-anniversary"
        ),
        # add_months(2025-02-28, -12) = 2024-02-28, so 29 Feb 2024 is inside; 365 days apart.
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), "12-months", True, id="leap-day-within-12m"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), "365-days", True, id="leap-day-365-days"),
        # 2024-02-28 to 2025-02-28 crosses 29 Feb: 366 days.
        pytest.param(D(2024, 2, 28), D(2025, 2, 28), "12-months", True, id="across-leap-12m"),
        pytest.param(D(2024, 2, 28), D(2025, 2, 28), "365-days", False, id="across-leap-366-days"),
        # add_months(2024-02-29, -12) = 2023-02-28; 2023-02-28 to 2024-02-29 is 366 days.
        pytest.param(D(2023, 2, 28), D(2024, 2, 29), "12-months", True, id="from-leap-day-clipped"),
        pytest.param(D(2023, 2, 28), D(2024, 2, 29), "365-days", False, id="from-leap-day-366"),
        pytest.param(D(2023, 2, 27), D(2024, 2, 29), "12-months", False, id="from-leap-day-before"),
        # 2023-03-01 to 2024-03-01 is 366 days (leap year); 2024-03-01 to 2025-03-01 is 365.
        pytest.param(D(2023, 3, 1), D(2024, 3, 1), "365-days", False, id="leap-year-366"),
        pytest.param(D(2023, 3, 2), D(2024, 3, 1), "365-days", True, id="leap-year-365"),
        pytest.param(D(2024, 3, 1), D(2025, 3, 1), "365-days", True, id="common-year-365"),
        pytest.param(D(2024, 2, 29), D(2025, 3, 1), "365-days", False, id="common-year-366"),
    ],
)
def test_re_referral_window_boundaries(
    earlier: dt.date, later: dt.date, window: str, expected: bool
) -> None:
    """The anniversary counts, the day beyond it does not, and leap days move as SPEC says."""
    period = ReportingPeriod.between(later, later)
    result = re_referral_rate(
        [referral("A", earlier), referral("A", later)],
        period=period,
        window=window,  # type: ignore[arg-type]
    )
    assert outcomes(result) == ["out-of-scope", "numerator" if expected else "denominator-only"]


def test_earlier_referral_found_in_an_older_years_records() -> None:
    """A previous referral only in last year's return still makes a re-referral."""
    last_year = Dataset(referrals=[referral("A", D(2024, 1, 10))])
    this_year = Dataset(referrals=[referral("A", D(2024, 9, 1))])
    assert re_referral_rate(this_year, period=YEAR).numerator == 0
    both = re_referral_rate(last_year | this_year, period=YEAR)
    assert (both.numerator, both.denominator) == (1, 1)


def test_nfa_referrals_are_in_the_cohort_and_count_as_earlier() -> None:
    """An NFA referral is both in the cohort and a previous referral."""
    result = re_referral_rate(
        [referral("A", D(2024, 5, 1), nfa=True), referral("A", D(2024, 8, 1), nfa=True)],
        period=YEAR,
    )
    assert outcomes(result) == ["denominator-only", "numerator"]


def test_same_day_referrals_are_one_referral() -> None:
    """The first of two same-day referrals is kept; the other is a duplicate, not a previous one."""
    result = re_referral_rate(
        [referral("A", D(2024, 5, 1), rid="1"), referral("A", D(2024, 5, 1), rid="2")],
        period=YEAR,
    )
    assert outcomes(result) == ["denominator-only", "duplicate"]
    assert result.excluded == {"duplicate": 1}
    assert (result.numerator, result.denominator) == (0, 1)


def test_duplicate_outside_the_period_is_out_of_scope() -> None:
    """Duplicates are excluded only inside the period; outside they are out of scope."""
    result = re_referral_rate(
        [referral("A", D(2023, 5, 1), rid="1"), referral("A", D(2023, 5, 1), rid="2")],
        period=YEAR,
    )
    assert outcomes(result) == ["out-of-scope", "out-of-scope"]


def test_another_childs_referral_is_not_a_previous_referral() -> None:
    """Re-referral is per child."""
    result = re_referral_rate(
        [referral("A", D(2024, 5, 1)), referral("B", D(2024, 6, 1))], period=YEAR
    )
    assert result.numerator == 0


def test_only_the_latest_earlier_referral_matters_for_the_gap() -> None:
    """The audit reports the child's latest earlier referral and the days since it."""
    result = re_referral_rate(
        [referral("A", D(2022, 1, 1)), referral("A", D(2024, 1, 1)), referral("A", D(2024, 6, 1))],
        period=YEAR,
    )
    assert result.audit is not None
    assert result.audit.measures["previous_referral"][2] == D(2024, 1, 1)
    assert result.audit.measures["days_since_previous"][2] == 152  # 31+29+31+30+31


def test_unknown_window_is_refused() -> None:
    """A window the card does not list raises, by the card and by the function."""
    with pytest.raises(InvalidOptionError, match="window"):
        INDICATORS["re-referrals-12m"].compute([], period=YEAR, window="1-year")
    with pytest.raises(InvalidOptionError, match="window"):
        re_referral_rate([], period=YEAR, window="1-year")  # type: ignore[arg-type]


# -- children re-referred ---------------------------------------------------------------------


def test_a_child_with_several_re_referrals_counts_once() -> None:
    """Child level: two re-referrals of one child are one child in the numerator."""
    result = children_re_referred_rate(
        [
            referral("A", D(2024, 4, 10)),
            referral("A", D(2024, 6, 1)),
            referral("A", D(2024, 9, 1)),
            referral("B", D(2024, 5, 1)),
            referral("C", D(2022, 5, 1)),  # referred only before the period
        ],
        period=YEAR,
    )
    assert (result.numerator, result.denominator) == (1, 2)
    assert result.audit is not None
    assert result.audit.table == "children"
    assert list(result.audit.child_ids) == ["A", "B", "C"]
    assert list(result.audit.rows) == [-1, -1, -1]
    assert outcomes(result) == ["numerator", "denominator-only", "out-of-scope"]


def test_child_re_referred_only_by_a_duplicate_does_not_count() -> None:
    """Same-day duplicates never make a child re-referred."""
    result = children_re_referred_rate(
        [referral("A", D(2024, 5, 1), rid="1"), referral("A", D(2024, 5, 1), rid="2")], period=YEAR
    )
    assert (result.numerator, result.denominator) == (0, 1)


def test_child_re_referred_from_before_the_period_counts() -> None:
    """The earlier referral of a child-level re-referral may lie before the period."""
    result = children_re_referred_rate(
        [referral("A", D(2024, 2, 1)), referral("A", D(2024, 4, 1))], period=YEAR
    )
    assert (result.numerator, result.denominator) == (1, 1)


# -- NFA and referral to section 47 -----------------------------------------------------------


def test_nfa_rate_counts_nfa_referrals() -> None:
    """NFA referrals in the period are the numerator."""
    result = nfa_referral_rate(
        [
            referral("A", D(2024, 5, 1), nfa=True),
            referral("B", D(2024, 5, 1), nfa=False),
            referral("C", D(2023, 5, 1), nfa=True),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["numerator", "denominator-only", "out-of-scope"]
    assert result.value == 50.0


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(True, True, ["numerator", "duplicate"], id="both-nfa"),
        pytest.param(True, False, ["duplicate", "denominator-only"], id="first-nfa-only"),
        pytest.param(False, True, ["denominator-only", "duplicate"], id="second-nfa-only"),
        pytest.param(False, False, ["denominator-only", "duplicate"], id="neither-nfa"),
    ],
)
def test_same_day_referrals_keep_the_one_that_led_to_action(
    first: bool, second: bool, expected: list[str]
) -> None:
    """SPEC §4.2: a record with nfa false is kept before one with nfa true, whatever its id."""
    result = nfa_referral_rate(
        [
            referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=first),
            referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=second),
        ],
        period=YEAR,
    )
    assert outcomes(result) == expected
    assert result.diagnostics == ()  # decided by the flag and the id, not by content


def test_same_day_referral_is_nfa_only_when_every_record_is() -> None:
    """The kept record's flag is the referral's: one record that led to action is enough."""
    records = [
        referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=True),
        referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=False),
        referral("B", D(2024, 5, 1), rid="B/2024-05-01", nfa=True),
        referral("B", D(2024, 5, 1), rid="B/2024-05-01/2", nfa=True),
    ]
    result = nfa_referral_rate(records, period=YEAR)
    assert outcomes(result) == ["duplicate", "denominator-only", "numerator", "duplicate"]


def test_the_kept_referral_is_the_one_whose_id_sorts_first() -> None:
    """Among records alike in NFA, the return's first referral of the day ("A/…") is kept."""
    result = nfa_referral_rate(
        [
            referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=True),
            referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=True),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["duplicate", "numerator"]
    assert (result.numerator, result.denominator) == (1, 1)


@pytest.mark.parametrize("reverse", [False, True], ids=["given-in-order", "given-reversed"])
def test_same_day_referrals_with_equal_ids_are_told_apart_by_content(reverse: bool) -> None:
    """A tie on NFA flag and id is broken by the other fields (a missing source first)."""
    records = [
        referral("A", D(2024, 5, 1), rid="X", source="3E"),
        referral("A", D(2024, 5, 1), rid="X", source=None),
    ]
    given_records = records[::-1] if reverse else records
    result = nfa_referral_rate(given_records, period=YEAR)
    by_source = {r.source: o for r, o in zip(given_records, outcomes(result), strict=True)}
    assert by_source == {None: "denominator-only", "3E": "duplicate"}


def test_same_day_tie_broken_by_content_is_reported() -> None:
    """The tie names the record not kept, the field that decided and both values."""
    data = Dataset(
        referrals=[
            referral("A", D(2024, 5, 1), rid="X", source="3E"),
            referral("A", D(2024, 5, 1), rid="X", source="1A"),
        ],
        origins={"referrals": Origins.of_file("cin.xml", [10, 20])},
    )
    result = nfa_referral_rate(data, period=YEAR)
    assert outcomes(result) == ["duplicate", "denominator-only"]
    (diagnostic,) = result.diagnostics
    assert (diagnostic.file, diagnostic.where, diagnostic.field) == ("cin.xml", "line 10", "source")
    assert diagnostic.value == "3E; the record kept (line 20) has 1A"
    assert "referral_id" in diagnostic.problem
    assert "3E" not in diagnostic.problem


def test_identical_same_day_referrals_give_no_tie_diagnostic() -> None:
    """Fully identical records: one is a duplicate, and that exclusion is the report."""
    twin = referral("A", D(2024, 5, 1), rid="X")
    result = nfa_referral_rate([twin, twin], period=YEAR)
    assert result.excluded == {"duplicate": 1}
    assert result.diagnostics == ()


def test_same_day_tie_outside_the_cohort_is_not_reported() -> None:
    """A tie decides nothing for a referral outside the period, so no diagnostic."""
    result = nfa_referral_rate(
        [
            referral("A", D(2023, 5, 1), rid="X", source="3E"),
            referral("A", D(2023, 5, 1), rid="X", source="1A"),
        ],
        period=YEAR,
    )
    assert result.diagnostics == ()


def test_same_day_referral_outcomes_do_not_depend_on_input_order() -> None:
    """Each record keeps its outcome in every order of three same-day referrals."""
    records = [
        referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=True),
        referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=False),
        referral("A", D(2024, 5, 1), rid="A/2024-05-01/3", nfa=False),
    ]
    expected = {"A/2024-05-01": "duplicate", "A/2024-05-01/2": "denominator-only"}
    expected["A/2024-05-01/3"] = "duplicate"
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]):
        given_records = [records[i] for i in order]
        result = nfa_referral_rate(given_records, period=YEAR)
        by_id = {r.referral_id: o for r, o in zip(given_records, outcomes(result), strict=True)}
        assert by_id == expected, order


def enquiry(
    child: str,
    start: dt.date | None,
    icpc: dt.date | None = None,
    *,
    rid: str | None = None,
    not_required: bool = False,
) -> Section47:
    return Section47(
        child_id=child,
        referral_id=rid,
        start_date=start,
        icpc_date=icpc,
        icpc_not_required=not_required,
    )


def test_referrals_to_s47_leave_out_nfa_and_link_by_referral_id() -> None:
    """NFA referrals are out of scope; only an enquiry carrying the referral id counts."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2024, 5, 1), rid="R1"),
            referral("B", D(2024, 5, 1), rid="R2"),
            referral("C", D(2024, 5, 1), rid="R3", nfa=True),
            enquiry("A", D(2024, 5, 3), rid="R1"),
            enquiry("A", D(2024, 5, 4), rid="R1"),
            enquiry("B", D(2024, 5, 3)),  # same child, but not linked
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["numerator", "denominator-only", "out-of-scope"]
    assert result.audit is not None
    assert list(result.audit.measures["section47s"]) == [2, 0, 0]


def test_enquiry_linked_to_a_duplicate_counts_for_the_kept_referral() -> None:
    """Two same-day referrals are one referral, so either one's enquiry counts."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2024, 5, 1), rid="R1"),
            referral("A", D(2024, 5, 1), rid="R1-2"),
            enquiry("A", D(2024, 5, 3), rid="R1-2"),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["numerator", "duplicate"]


def test_enquiry_linked_to_the_duplicate_counts_whichever_record_is_given_first() -> None:
    """The enquiry of the return's second same-day record counts for the first, kept one."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2024, 5, 1), rid="A/2024-05-01/2"),
            enquiry("A", D(2024, 5, 3), rid="A/2024-05-01/2"),
            referral("A", D(2024, 5, 1), rid="A/2024-05-01"),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["duplicate", "numerator"]
    assert result.audit is not None
    assert list(result.audit.measures["section47s"]) == [1, 1]


def test_duplicates_of_an_nfa_referral_leave_the_s47_cohort_with_it() -> None:
    """Every record is NFA, so the referral is out of scope, enquiry and duplicate too."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=True),
            referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=True),
            enquiry("A", D(2024, 5, 3), rid="A/2024-05-01/2"),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["out-of-scope", "out-of-scope"]
    assert (result.numerator, result.denominator, result.excluded) == (0, 0, {})


def test_a_same_day_record_that_led_to_action_keeps_the_referral_in_the_s47_cohort() -> None:
    """An NFA record and one that led to action on one day: the referral is not NFA."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2024, 5, 1), rid="A/2024-05-01", nfa=True),
            referral("A", D(2024, 5, 1), rid="A/2024-05-01/2", nfa=False),
            enquiry("A", D(2024, 5, 3), rid="A/2024-05-01"),
        ],
        period=YEAR,
    )
    assert outcomes(result) == ["duplicate", "numerator"]


@pytest.mark.parametrize("order", [[0, 1, 2], [1, 0, 2], [2, 1, 0], [2, 0, 1]])
def test_referrals_sharing_an_id_link_the_same_way_in_any_order(order: list[int]) -> None:
    """Two referrals sharing an id: the enquiry follows the earlier one, whatever the order."""
    records: list[Referral | Section47] = [
        referral("A", D(2024, 6, 1), rid="X"),
        referral("A", D(2024, 5, 1), rid="X"),
        enquiry("A", D(2024, 6, 3), rid="X"),
    ]
    given_records = [records[i] for i in order]
    result = referral_to_s47_rate(given_records, period=YEAR)
    referrals_given = [r for r in given_records if isinstance(r, Referral)]
    by_date = {r.referral_date: o for r, o in zip(referrals_given, outcomes(result), strict=True)}
    assert by_date == {D(2024, 5, 1): "numerator", D(2024, 6, 1): "denominator-only"}
    (diagnostic,) = result.diagnostics
    assert diagnostic.problem == SHARED_REFERRAL_ID_PROBLEM
    assert diagnostic.where == "referrals: child A, referral_date 2024-06-01"
    assert diagnostic.value.startswith("X ")


def test_referrals_sharing_an_id_on_one_day_link_to_the_first_by_content() -> None:
    """Same id, same day: the record first by its other fields is linked, and reported."""
    nfa = referral("A", D(2024, 5, 1), rid="X", nfa=True)
    acted = referral("A", D(2024, 5, 1), rid="X", nfa=False)
    for records in ([nfa, acted], [acted, nfa]):
        data = Dataset(referrals=records, section47s=[enquiry("A", D(2024, 5, 3), rid="X")])
        assert data.referral_rows("section47s").tolist() == [records.index(acted)]
        assert len(referral_to_s47_rate(data, period=YEAR).diagnostics) == 1


def test_identical_referrals_sharing_an_id_are_not_reported_as_sharing_it() -> None:
    """Identical records are one referral: no shared-id diagnostic (the duplicate is reported)."""
    twin = referral("A", D(2024, 5, 1), rid="X")
    result = referral_to_s47_rate([twin, twin, enquiry("A", D(2024, 5, 3), rid="X")], period=YEAR)
    assert (result.numerator, result.excluded) == (1, {"duplicate": 1})
    assert result.diagnostics == ()


def test_a_shared_id_linking_no_enquiry_of_the_cohort_is_not_reported() -> None:
    """Shared ids are reported where they link an enquiry to a referral of the cohort."""
    result = referral_to_s47_rate(
        [
            referral("A", D(2023, 5, 1), rid="X"),
            referral("A", D(2023, 6, 1), rid="X"),
            enquiry("A", D(2023, 6, 3), rid="X"),
        ],
        period=YEAR,
    )
    assert result.diagnostics == ()


def test_enquiry_after_the_period_still_counts() -> None:
    """The enquiry may start after the period ends."""
    result = referral_to_s47_rate(
        [referral("A", D(2025, 3, 31), rid="R1"), enquiry("A", D(2025, 4, 2), rid="R1")],
        period=YEAR,
    )
    assert result.numerator == 1


# -- section 47 to ICPC -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(enquiry("A", D(2024, 5, 1), D(2024, 5, 20)), "numerator", id="conference"),
        pytest.param(enquiry("A", D(2024, 5, 1)), "denominator-only", id="no-conference"),
        # Contradictory, but SPEC §4.2's numerator is "has an icpc_date".
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20), not_required=True),
            "numerator",
            id="conference-date-with-not-required-counts",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), None, not_required=True),
            "denominator-only",
            id="not-required-without-date",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 4, 28)), "numerator", id="conference-before-start"
        ),
        pytest.param(
            enquiry("A", D(2025, 3, 25), D(2025, 4, 10)), "numerator", id="conference-after-period"
        ),
        pytest.param(
            enquiry("A", D(2024, 3, 31), D(2024, 4, 10)), "out-of-scope", id="started-before"
        ),
        pytest.param(
            enquiry("A", None, D(2024, 6, 1)), "missing-start", id="missing-start-in-period"
        ),
        pytest.param(
            enquiry("A", None, D(2024, 3, 1)), "out-of-scope", id="missing-start-elsewhere"
        ),
        pytest.param(enquiry("A", None), "out-of-scope", id="missing-start-no-conference"),
    ],
)
def test_s47_to_icpc_outcome(record: Section47, expected: str) -> None:
    """Each enquiry's outcome follows the card's cohort and numerator rules."""
    assert outcomes(s47_to_icpc_rate([record], period=YEAR)) == [expected]


@pytest.mark.parametrize(
    "compute", [s47_to_icpc_rate, icpc_to_plan_rate], ids=["s47-to-icpc", "icpc-to-cpp"]
)
def test_conference_marked_not_required_is_reported(compute: object) -> None:
    """A conference date with icpc_not_required set counts, and the contradiction is reported."""
    result = compute(  # type: ignore[operator]
        [enquiry("A", D(2024, 5, 1), D(2024, 5, 20), not_required=True)], period=YEAR
    )
    assert (result.numerator, result.denominator) == (0 if compute is icpc_to_plan_rate else 1, 1)
    (diagnostic,) = result.diagnostics
    assert (diagnostic.field, diagnostic.problem) == (
        "icpc_not_required",
        ICPC_NOT_REQUIRED_PROBLEM,
    )
    assert diagnostic.value == "true, with icpc_date 2024-05-20"


# -- ICPC to plan -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "plans", "expected"),
    [
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20)),
            [CPPlan(child_id="A", start_date=D(2024, 5, 20))],
            "numerator",
            id="plan-on-conference-day",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20)),
            [CPPlan(child_id="A", start_date=D(2024, 5, 21))],
            "denominator-only",
            id="plan-a-day-later",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20)),
            [CPPlan(child_id="B", start_date=D(2024, 5, 20))],
            "denominator-only",
            id="other-childs-plan",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 22), D(2024, 5, 20)),
            [CPPlan(child_id="A", start_date=D(2024, 5, 20))],
            "numerator",
            id="conference-before-enquiry-start",
        ),
        pytest.param(
            enquiry("A", None, D(2024, 5, 20)), [], "denominator-only", id="missing-start-in-cohort"
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20), not_required=True),
            [CPPlan(child_id="A", start_date=D(2024, 5, 20))],
            "numerator",
            id="not-required-with-a-date-is-a-conference",
        ),
        pytest.param(
            enquiry("A", D(2024, 5, 1), None, not_required=True),
            [CPPlan(child_id="A", start_date=D(2024, 5, 20))],
            "out-of-scope",
            id="not-required-without-a-date",
        ),
        pytest.param(
            enquiry("A", D(2024, 3, 1), D(2024, 3, 20)),
            [CPPlan(child_id="A", start_date=D(2024, 3, 20))],
            "out-of-scope",
            id="conference-before-period",
        ),
    ],
)
def test_icpc_to_plan_outcome(record: Section47, plans: list[CPPlan], expected: str) -> None:
    """A conference counts when a plan of the same child starts that day (rule 2885)."""
    assert outcomes(icpc_to_plan_rate([record, *plans], period=YEAR)) == [expected]


def test_one_plan_can_follow_two_conferences_the_same_day() -> None:
    """Each enquiry is one conference."""
    result = icpc_to_plan_rate(
        [
            enquiry("A", D(2024, 5, 1), D(2024, 5, 20)),
            enquiry("A", D(2024, 5, 2), D(2024, 5, 20)),
            CPPlan(child_id="A", start_date=D(2024, 5, 20)),
        ],
        period=YEAR,
    )
    assert (result.numerator, result.denominator) == (2, 2)


# -- the same-day kernel ---------------------------------------------------------------------


def test_same_day_groups_keep_the_first_by_key_then_by_content() -> None:
    """Kept: smallest id in string order ("/10" before "/2"), then the smallest content rank."""
    codes = np.array([0, 0, 0, 1, 1, 0], dtype=np.int64)
    days = np.array([5, 5, 5, 5, 5, 6], dtype=np.int64)
    ids = np.array(["A/x/2", "A/x/10", "A/x/3", "B", "B", "A/y"])
    content = np.array([0, 0, 0, 7, 3, 0], dtype=np.intp)
    asked: list[list[int]] = []

    def rank(rows: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        asked.append(sorted(rows.tolist()))
        return content[rows]

    groups = SameDayGroups(codes, days, keys=(ids,), content=rank)
    assert groups.representative.tolist() == [1, 1, 1, 4, 4, 5]
    assert asked == [[3, 4]]  # only the rows that tie on every key are ranked by content
    assert (groups.tied_kept.tolist(), groups.tied_other.tolist()) == ([4], [3])
    # The duplicates, sparse: each with its kept row, and read through them.
    assert groups.duplicate_rows.tolist() == [0, 2, 3]
    assert groups.their_kept.tolist() == [1, 1, 4]
    assert groups.kept_rows_of(np.array([5, 3, 0, 1, 3])).tolist() == [5, 4, 1, 1, 4]
    values = np.array([10, 11, 12, 13, 14, 15])
    assert groups.as_kept(values).tolist() == [11, 11, 11, 14, 14, 15]
    assert values.tolist() == [10, 11, 12, 13, 14, 15]  # read, not changed


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), max_size=30),
    st.data(),
)
def test_kept_rows_and_values_agree_with_the_representative_of_each_row(
    pairs: list[tuple[int, int]], data: st.DataObject
) -> None:
    """`kept_rows_of` and `as_kept` read each row's kept row, as `representative` gives it."""
    codes = np.array([c for c, _ in pairs], dtype=np.int64)
    days = np.array([d for _, d in pairs], dtype=np.int64)
    keys = np.array(
        data.draw(st.lists(st.integers(0, 2), min_size=len(pairs), max_size=len(pairs)))
    )
    groups = SameDayGroups(codes, days, keys=(keys,), content=lambda rows: rows)
    representative = groups.representative.tolist()
    for row, kept in enumerate(representative):
        assert pairs[kept] == pairs[row]  # the kept row is of the same child and day
        assert keys[kept] <= keys[row]  # and first by key
        assert groups.kept[row] == (kept == row)
    rows = np.array(data.draw(st.lists(st.integers(0, max(len(pairs) - 1, 0)))), dtype=np.intp)
    if not len(pairs):
        rows = rows[:0]
    assert groups.kept_rows_of(rows).tolist() == [representative[r] for r in rows.tolist()]
    values = np.arange(len(pairs)) * 10
    assert groups.as_kept(values).tolist() == [values[r] for r in representative]


def test_same_day_groups_report_no_tie_between_rows_of_equal_content() -> None:
    """Rows equal on every key and in content tie on nothing that matters: no pair."""
    codes = np.zeros(2, dtype=np.int64)
    days = np.zeros(2, dtype=np.int64)
    groups = SameDayGroups(
        codes, days, keys=(np.array(["X", "X"]),), content=lambda rows: np.zeros_like(rows)
    )
    assert groups.kept.tolist() == [True, False]
    assert len(groups.tied_kept) == 0


def test_referral_day_groups_are_built_once_per_dataset() -> None:
    """The grouping is kept with the dataset and shared by every card."""
    data = Dataset(referrals=[referral("A", D(2024, 5, 1))])
    assert referral_day_groups(data) is referral_day_groups(data)
    assert not referral_day_groups(data).kept.flags.writeable


# -- cards --------------------------------------------------------------------------------------


def test_cards_are_the_spec_ids_with_their_polarity() -> None:
    """The family registers SPEC §4.2's ids, with England figures where SPEC gives one."""
    cards = {card.id: card for card in family.CARDS}
    assert set(cards) == {
        "re-referrals-12m",
        "children-re-referred-12m",
        "referrals-nfa",
        "referrals-to-s47",
        "s47-to-icpc",
        "icpc-to-cpp",
    }
    assert {i: c.polarity.value for i, c in cards.items()} == {
        "re-referrals-12m": "lower",
        "children-re-referred-12m": "lower",
        "referrals-nfa": "lower",
        "referrals-to-s47": "neutral",
        "s47-to-icpc": "neutral",
        "icpc-to-cpp": "neutral",
    }
    figures = {i: c.england.value for i, c in cards.items() if c.england is not None}
    assert figures == {
        "re-referrals-12m": 22.6,
        "children-re-referred-12m": 21.0,
        "referrals-nfa": 6.5,
    }


# -- properties ---------------------------------------------------------------------------------

windows = st.sampled_from(("12-months", "365-days"))


def _all_outcomes(data: Dataset, period: ReportingPeriod, window: str) -> dict[str, list[str]]:
    return {
        "re-referrals-12m": outcomes(re_referral_rate(data, period=period, window=window)),  # type: ignore[arg-type]
        "referrals-nfa": outcomes(nfa_referral_rate(data, period=period)),
        "referrals-to-s47": outcomes(referral_to_s47_rate(data, period=period)),
        "s47-to-icpc": outcomes(s47_to_icpc_rate(data, period=period)),
        "icpc-to-cpp": outcomes(icpc_to_plan_rate(data, period=period)),
    }


@given(datasets(), periods, windows)
def test_columnar_path_equals_the_oracle(
    data: Dataset, period: ReportingPeriod, window: str
) -> None:
    """Every record's outcome equals the per-record oracle's."""
    refs, s47s, plans = list(data.referrals), list(data.section47s), list(data.cp_plans)
    assert _all_outcomes(data, period, window) == {
        "re-referrals-12m": oracle.re_referral_outcomes(refs, period, window),
        "referrals-nfa": oracle.nfa_outcomes(refs, period),
        "referrals-to-s47": oracle.referral_to_s47_outcomes(refs, s47s, period),
        "s47-to-icpc": oracle.s47_to_icpc_outcomes(s47s, period),
        "icpc-to-cpp": oracle.icpc_to_plan_outcomes(s47s, plans, period),
    }
    children = children_re_referred_rate(data, period=period, window=window)  # type: ignore[arg-type]
    assert children.audit is not None
    expected = oracle.children_re_referred_outcomes(refs, period, window)
    assert dict(zip(children.audit.child_ids, outcomes(children), strict=True)) == expected


@given(datasets(), periods, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    data: Dataset, period: ReportingPeriod, rng: random.Random
) -> None:
    """Shuffling the records changes no count, numerator, exclusion or diagnostic."""
    shuffled = Dataset(
        referrals=rng.sample(data.referrals, len(data.referrals)),
        section47s=rng.sample(data.section47s, len(data.section47s)),
        cp_plans=rng.sample(data.cp_plans, len(data.cp_plans)),
    )
    for card in family.CARDS:
        before, after = card.compute(data, period=period), card.compute(shuffled, period=period)
        assert isinstance(before, Rate)
        assert isinstance(after, Rate)
        assert (before.numerator, before.denominator, before.excluded) == (
            after.numerator,
            after.denominator,
            after.excluded,
        ), card.id
        assert set(before.diagnostics) == set(after.diagnostics), card.id


_KEPT_LINE = re.compile(r"line (\d+)\)")


def with_lines(data: Dataset) -> Dataset:
    """The same records, each as if read from its own line (its position plus one)."""
    tables: tuple[TableName, ...] = ("referrals", "section47s", "cp_plans")
    return Dataset(
        referrals=data.referrals,
        section47s=data.section47s,
        cp_plans=data.cp_plans,
        origins={
            t: Origins.of_file(f"{t}.xml", np.arange(1, len(data.records(t)) + 1)) for t in tables
        },
    )


def row_of(where: str) -> int:
    """The row a diagnostic's place names (line = row + 1)."""
    assert where.startswith("line "), where
    return int(where.removeprefix("line ")) - 1


def pairs_named(
    diagnostics: Sequence[Diagnostic], problem: str | None = None
) -> list[tuple[int, int]]:
    """(kept, other) rows named by the diagnostics (with *problem*, or any but 8868's)."""
    found = []
    for d in diagnostics:
        if (d.problem == problem) if problem else d.problem != ICPC_NOT_REQUIRED_PROBLEM:
            kept = _KEPT_LINE.search(d.value)
            assert kept is not None, d.value
            found.append((int(kept.group(1)) - 1, row_of(d.where)))
    return sorted(found)


@given(datasets(), periods)
def test_diagnostics_name_the_ties_the_oracle_finds(data: Dataset, period: ReportingPeriod) -> None:
    """Every tie broken by content, shared id and 8868 contradiction is reported, once."""
    data = with_lines(data)
    refs, s47s = list(data.referrals), list(data.section47s)
    kept = oracle.kept_referral_rows(refs)
    in_period = [period.contains(r.referral_date) for r in refs]
    ties = sorted(oracle.referral_tie_pairs(refs, in_period))
    for compute in (re_referral_rate, children_re_referred_rate, nfa_referral_rate):
        assert pairs_named(compute(data, period=period).diagnostics) == ties
    acted = [in_period[i] and not refs[i].nfa for i in range(len(refs))]
    to_s47 = referral_to_s47_rate(data, period=period)
    referral_tie = tie_problem("referrals", REFERRAL_TIE_RULE)
    assert pairs_named(to_s47.diagnostics, problem=referral_tie) == sorted(
        oracle.referral_tie_pairs(refs, acted)
    )
    linked = [oracle.linked_referral_row(refs, s.referral_id) for s in s47s]
    counted_ids = [
        s.referral_id for s, j in zip(s47s, linked, strict=True) if j is not None and acted[kept[j]]
    ]
    assert pairs_named(to_s47.diagnostics, problem=SHARED_REFERRAL_ID_PROBLEM) == sorted(
        oracle.shared_id_referrals(refs, counted_ids)
    )
    contradictions = {
        i for i, s in enumerate(s47s) if s.icpc_not_required and s.icpc_date is not None
    }
    icpc = icpc_to_plan_rate(data, period=period)
    assert icpc.audit is not None
    assert sorted(row_of(d.where) for d in icpc.diagnostics) == sorted(
        i for i in contradictions if icpc.audit[i] != "out-of-scope"
    )
    s47 = s47_to_icpc_rate(data, period=period)
    assert s47.audit is not None
    assert sorted(row_of(d.where) for d in s47.diagnostics) == sorted(
        i for i in contradictions if s47.audit[i] != "out-of-scope"
    )


@given(datasets(), periods, windows, st.randoms(use_true_random=False))
def test_each_referrals_outcome_does_not_depend_on_input_order(
    data: Dataset, period: ReportingPeriod, window: str, rng: random.Random
) -> None:
    """The same referral is kept, and every record keeps its outcome, in any order."""
    shuffled = Dataset(
        referrals=rng.sample(data.referrals, len(data.referrals)),
        section47s=data.section47s,
        cp_plans=data.cp_plans,
    )

    def by_id(dataset: Dataset) -> dict[str, list[tuple[str, str]]]:
        found = _all_outcomes(dataset, period, window)
        ids = [r.referral_id for r in dataset.referrals]
        return {
            card: sorted(zip(ids, found[card], strict=True))
            for card in ("re-referrals-12m", "referrals-nfa", "referrals-to-s47")
        }

    assert by_id(data) == by_id(shuffled)


@given(datasets(), periods)
def test_every_record_is_accounted_for_once(data: Dataset, period: ReportingPeriod) -> None:
    """Audit length equals the records (or children) given, and the tally adds up."""
    sizes = {
        "referrals": len(data.referrals),
        "section47s": len(data.section47s),
        "children": len({r.child_id for r in data.referrals}),
    }
    for card in family.CARDS:
        result = card.compute(data, period=period)
        assert isinstance(result, Rate)
        assert result.audit is not None
        assert len(result.audit) == sizes[result.audit.table]
        tally = result.audit.tally()
        assert sum(tally.values()) == len(result.audit)
        assert tally["numerator"] == result.numerator <= result.denominator
        assert tally["numerator"] + tally["denominator-only"] == result.denominator
        assert {k: v for k, v in tally.items() if k in card.exclusions and v} == result.excluded


@given(datasets(), periods)
def test_an_unrelated_child_changes_nothing_for_the_others(
    data: Dataset, period: ReportingPeriod
) -> None:
    """Adding another child's referrals, enquiries and plans leaves every other outcome alone."""
    z_day = period.start
    extra = Dataset(
        referrals=[referral("Z", z_day, rid="Z1"), referral("Z", z_day, rid="Z2")],
        section47s=[enquiry("Z", z_day, z_day, rid="Z1")],
        cp_plans=[CPPlan(child_id="Z", start_date=z_day)],
    )
    both = Dataset(
        referrals=(*data.referrals, *extra.referrals),
        section47s=(*data.section47s, *extra.section47s),
        cp_plans=(*data.cp_plans, *extra.cp_plans),
    )
    alone = _all_outcomes(data, period, "12-months")
    together = _all_outcomes(both, period, "12-months")
    lengths = {
        "re-referrals-12m": len(data.referrals),
        "referrals-nfa": len(data.referrals),
        "referrals-to-s47": len(data.referrals),
        "s47-to-icpc": len(data.section47s),
        "icpc-to-cpp": len(data.section47s),
    }
    assert {k: v[: lengths[k]] for k, v in together.items()} == alone
