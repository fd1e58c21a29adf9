"""Tests for ties broken by content and referrals sharing an id (SPEC §3), across the families."""

import datetime as dt
import gc
import random
import weakref
from collections.abc import Sequence
from typing import Any, TypeVar
from unittest import mock

import attrs
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import CPPlan, Dataset, Referral, ReportingPeriod, Section47, ties
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.indicators import child_protection, counts, referrals, timescales
from safeguarding_metrics.indicators._kernels import ICPC_NOT_REQUIRED_PROBLEM, REFERRAL_TIE_RULE
from safeguarding_metrics.provenance import Origins
from safeguarding_metrics.ties import (
    SHARED_REFERRAL_ID_PROBLEM,
    content_rank,
    first_difference,
    first_differences,
    referral_links,
    shared_referral_id_diagnostics,
    tie_diagnostics,
    tie_problem,
)
from tests import oracles_referrals as oracle
from tests.strategies_referrals import periods, plan_lists, referral_lists, section47_lists
from tests.strategies_timescales import assessments, contacts

D = dt.date
T = TypeVar("T")


def referral(rid: str, day: dt.date, **fields: Any) -> Referral:
    return Referral(referral_id=rid, child_id="A", referral_date=day, **fields)


# -- content_rank ------------------------------------------------------------------------------


def test_equal_records_get_equal_ranks() -> None:
    """Records equal in every field share a rank; the next record's rank follows on."""
    a = referral("X", D(2024, 5, 1), source="1A")
    b = referral("X", D(2024, 5, 1), source="3E")
    data = Dataset(referrals=[b, a, a])
    assert content_rank(data, "referrals", [0, 1, 2]).tolist() == [1, 0, 0]


def test_a_missing_value_ranks_first() -> None:
    """A missing date, count or text comes before any value of it."""
    closed = referral("X", D(2024, 5, 1), closure_date=D(2024, 6, 1))
    data = Dataset(referrals=[closed, attrs.evolve(closed, closure_date=None)])
    assert content_rank(data, "referrals", [0, 1]).tolist() == [1, 0]
    plan = CPPlan(child_id="A", start_date=D(2024, 5, 1), previous_plans=0)
    plans = Dataset(cp_plans=[plan, attrs.evolve(plan, previous_plans=None)])
    assert content_rank(plans, "cp_plans", [0, 1]).tolist() == [1, 0]


def test_fields_are_compared_in_field_order() -> None:
    """The first field that differs decides: previous_plans before the categories."""
    plan = CPPlan(child_id="A", start_date=D(2024, 5, 1))
    data = Dataset(
        cp_plans=[
            attrs.evolve(plan, previous_plans=1, initial_category="EMO"),
            attrs.evolve(plan, previous_plans=2, initial_category="EMO"),
            attrs.evolve(plan, previous_plans=1, initial_category="NEG"),
            attrs.evolve(plan, previous_plans=1, review_dates=(D(2024, 8, 1),)),
        ]
    )
    assert content_rank(data, "cp_plans", [0, 1, 2, 3]).tolist() == [1, 3, 2, 0]


def test_rank_does_not_depend_on_the_order_of_the_rows() -> None:
    """Ranking the rows in another order gives each row the same rank."""
    data = Dataset(
        referrals=[
            referral("X", D(2024, 5, 1), nfa=flag, source=s)
            for flag in (True, False)
            for s in ("1A", None)
        ]
    )
    ranks = content_rank(data, "referrals", [0, 1, 2, 3])
    assert content_rank(data, "referrals", [3, 1, 2, 0]).tolist() == ranks[[3, 1, 2, 0]].tolist()


def test_rank_reads_only_the_rows_given() -> None:
    """Rows outside *rows* do not take part: the two given rank 0 and 1."""
    data = Dataset(referrals=[referral(f"X{i}", D(2024, 5, i + 1)) for i in range(5)])
    assert content_rank(data, "referrals", np.array([4, 2])).tolist() == [1, 0]
    assert content_rank(data, "referrals", []).tolist() == []


# -- tie diagnostics ---------------------------------------------------------------------------


def test_first_difference_names_the_first_differing_field() -> None:
    """The field, then the value of each record, or None for identical records."""
    a = referral("X", D(2024, 5, 1), nfa=True, source="1A")
    data = Dataset(referrals=[a, attrs.evolve(a, source=None, closure_date=D(2024, 6, 1)), a])
    assert first_difference(data, "referrals", 0, 1) == ("source", "1A", "missing")
    assert first_difference(data, "referrals", 0, 2) is None


def test_identical_records_give_no_tie_diagnostic() -> None:
    """A pair of identical records is not reported: which is kept changes nothing."""
    a = referral("X", D(2024, 5, 1))
    data = Dataset(referrals=[a, a])
    assert tie_diagnostics(data, "referrals", [0], [1], rule="the same id") == []


def test_tie_problem_text_is_the_same_for_every_tie_of_a_rule() -> None:
    """Ids, dates and values go in where and value, never in the problem text."""
    first = referral("X", D(2024, 5, 1), source="1A")
    second = Referral(referral_id="Y", child_id="B", referral_date=D(2023, 1, 2), source="2B")
    data = Dataset(
        referrals=[
            first,
            attrs.evolve(first, source="3E"),
            second,
            attrs.evolve(second, source="9"),
        ]
    )
    found = tie_diagnostics(data, "referrals", [0, 2], [1, 3], rule="the same id")
    assert {d.problem for d in found} == {tie_problem("referrals", "the same id")}
    assert [d.value for d in found] == [
        "3E; the record kept (referrals: child A, referral_date 2024-05-01) has 1A",
        "9; the record kept (referrals: child B, referral_date 2023-01-02) has 2B",
    ]


# -- referrals sharing an id -------------------------------------------------------------------


def test_referrals_sharing_an_id_link_to_the_earliest_in_any_order() -> None:
    """Of three referrals with one id, records link to the earliest by date, whatever the order."""
    records = [
        referral("X", D(2024, 7, 1)),
        referral("X", D(2024, 5, 1), source="3E"),
        referral("X", D(2024, 5, 1), source="1A"),
    ]
    enquiry = Section47(child_id="A", referral_id="X", start_date=D(2024, 7, 3))
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        given_records = [records[i] for i in order]
        data = Dataset(referrals=given_records, section47s=[enquiry])
        (row,) = data.referral_rows("section47s").tolist()
        assert given_records[row] == records[2]  # 1 May, and source "1A" before "3E"
        found = shared_referral_id_diagnostics(data, "section47s")
        assert {d.where for d in found} == {
            "referrals: child A, referral_date 2024-07-01",
            "referrals: child A, referral_date 2024-05-01",
        }
        assert {d.problem for d in found} == {SHARED_REFERRAL_ID_PROBLEM}


def test_referral_links_mark_the_records_whose_id_is_shared() -> None:
    """Per record: its linked row, and whether different referrals share its id."""
    data = Dataset(
        referrals=[
            referral("X", D(2024, 5, 1)),
            referral("X", D(2024, 6, 1)),
            referral("Y", D(2024, 5, 2)),
        ],
        section47s=[
            Section47(child_id="A", referral_id=rid, start_date=D(2024, 7, 1))
            for rid in ("X", "Y", None, "Z")
        ],
    )
    links = referral_links(data, "section47s")
    assert links.rows.tolist() == [0, 2, -1, -1]
    assert links.shared.tolist() == [True, False, False, False]
    assert (links.chosen.tolist(), links.others.tolist()) == ([0], [1])
    assert referral_links(data, "section47s") is links  # kept with the dataset


@given(st.lists(st.sampled_from("XYZ"), min_size=1, max_size=12), st.integers(1, 4))
def test_referral_links_are_the_same_whatever_the_block_size(ids: list[str], block: int) -> None:
    """Each id's first holder is checked a block of referrals at a time: any block agrees."""
    records = [referral(rid, D(2024, 5, 1) + dt.timedelta(days=i)) for i, rid in enumerate(ids)]
    enquiries = [
        Section47(child_id="A", referral_id=rid, start_date=D(2024, 7, 1)) for rid in "XYZW"
    ]

    def links(size: int) -> tuple[list[int], ...]:
        with mock.patch.object(ties, "_LINK_BLOCK", size):
            found = referral_links(Dataset(referrals=records, section47s=enquiries), "section47s")
        return tuple(
            array.tolist() for array in (found.rows, found.shared, found.chosen, found.others)
        )

    rows, shared, chosen, others = links(block)
    assert (rows, shared, chosen, others) == links(1 << 16)
    first = {rid: ids.index(rid) for rid in ids}  # every id's earliest referral is its first
    assert rows == [first.get(rid, -1) for rid in "XYZW"]
    assert shared == [ids.count(rid) > 1 for rid in "XYZW"]


def test_shared_id_diagnostics_name_file_and_line() -> None:
    """A referral read from a file is named by its line; the linked one in the value."""
    data = Dataset(
        referrals=[referral("X", D(2024, 6, 1)), referral("X", D(2024, 5, 1))],
        section47s=[Section47(child_id="A", referral_id="X", start_date=D(2024, 7, 1))],
        origins={"referrals": Origins.of_file("cin2025.xml", [40, 12])},
    )
    (found,) = shared_referral_id_diagnostics(data, "section47s")
    assert (found.file, found.where, found.field) == ("cin2025.xml", "line 40", "referral_id")
    assert found.value == "X (records carrying it are linked to line 12)"


# -- every family: shuffling the records changes nothing -----------------------------------------

CARDS: tuple[Indicator, ...] = (
    *referrals.CARDS,
    *child_protection.CARDS,
    *timescales.CARDS,
    *(card for card in counts.CARDS if card.id != "cla-at-period-end"),
)
RUNS: list[tuple[Indicator, dict[str, Any]]] = [
    *((card, {}) for card in CARDS),
    (timescales.ASSESSMENT_45WD, {"anchor": "referral"}),
    (timescales.ASSESSMENT_DURATIONS, {"anchor": "referral"}),
]


@st.composite
def tied_datasets(draw: st.DrawFn) -> Dataset:
    """Every collection these families read, with real ties: same child and day, shared ids."""
    referral_list = draw(referral_lists())
    enquiries = draw(section47_lists(referral_list))
    return Dataset(
        referrals=referral_list,
        section47s=enquiries,
        cp_plans=draw(plan_lists(enquiries)),
        assessments=draw(st.lists(assessments(tuple(referral_list)), max_size=6)),
        contacts=draw(st.lists(contacts(), max_size=4)),
    )


def _summary(result: Any) -> tuple[Any, ...]:
    assert result.audit is not None
    return (result, result.excluded, result.audit.tally(), frozenset(result.diagnostics))


@given(tied_datasets(), periods, st.randoms(use_true_random=False))
def test_shuffling_every_collection_changes_no_result(
    data: Dataset, period: ReportingPeriod, rng: random.Random
) -> None:
    """Numerator, denominator, exclusions and diagnostics (as a set) of every card, any order."""

    def mixed(records: Sequence[T]) -> list[T]:
        return rng.sample(list(records), len(records))

    shuffled = Dataset(
        referrals=mixed(data.referrals),
        section47s=mixed(data.section47s),
        cp_plans=mixed(data.cp_plans),
        assessments=mixed(data.assessments),
        contacts=mixed(data.contacts),
    )
    for card, options in RUNS:
        before = card.compute(data, period=period, **options)
        after = card.compute(shuffled, period=period, **options)
        assert _summary(before) == _summary(after), (card.id, options)


@given(tied_datasets(), periods)
def test_every_diagnostic_names_a_tie_a_shared_id_or_a_recorded_conference(
    data: Dataset, period: ReportingPeriod
) -> None:
    """Diagnostics are of the three kinds these rules give, each problem text fixed per kind."""
    refs, plans = list(data.referrals), list(data.cp_plans)
    may_tie = bool(oracle.referral_tie_pairs(refs, [True] * len(refs))) or bool(
        oracle.plan_tie_pairs(plans, [True] * len(plans))
    )
    problems = {
        tie_problem("referrals", REFERRAL_TIE_RULE),
        tie_problem("cp_plans", child_protection.PLAN_TIE_RULE),
        SHARED_REFERRAL_ID_PROBLEM,
        ICPC_NOT_REQUIRED_PROBLEM,
    }
    for card, options in RUNS:
        result = card.compute(data, period=period, **options)
        assert {d.problem for d in result.diagnostics} <= problems, card.id
        ties = [d for d in result.diagnostics if "differ in other fields" in d.problem]
        assert may_tie or not ties, card.id


def test_first_differences_compare_many_pairs_as_content_rank_does() -> None:
    """Pair by pair: the first differing field and both values; a missing text equals ""."""
    plan = CPPlan(child_id="A", start_date=D(2024, 5, 1), previous_plans=1)
    data = Dataset(
        cp_plans=[
            plan,
            attrs.evolve(plan, previous_plans=None),
            attrs.evolve(plan, review_dates=(D(2024, 8, 1),)),
            attrs.evolve(plan, end_date=D(2024, 9, 1)),
            attrs.evolve(plan, initial_category=""),
        ]
    )
    assert first_differences(data, "cp_plans", [1, 2, 3, 4], [0, 0, 0, 0]) == [
        ("previous_plans", "missing", "1"),
        ("review_dates", "(2024-08-01)", "()"),
        ("end_date", "2024-09-01", "missing"),
        None,
    ]
    assert content_rank(data, "cp_plans", [0, 4]).tolist() == [0, 0]


def test_tie_diagnostics_are_built_once_per_pair_for_a_dataset() -> None:
    """Several cards over one dataset share each tie's diagnostic (the same object)."""
    records = [
        Referral(referral_id="X", child_id="A", referral_date=D(2024, 5, 1), source=source)
        for source in ("3E", "1A")
    ]
    data = Dataset(referrals=records)
    period = ReportingPeriod.year_ending(2025)
    first = referrals.REFERRALS_NFA.compute(data, period=period).diagnostics
    second = counts.REFERRALS_IN_PERIOD.compute(data, period=period).diagnostics
    assert len(first) == 1
    assert first[0] is second[0]


def test_work_kept_with_a_dataset_does_not_keep_it_alive() -> None:
    """No cycle: a dataset is freed as soon as it is dropped, its cached groupings with it."""
    records = [
        Referral(referral_id="X", child_id="A", referral_date=D(2024, 5, 1), source=source)
        for source in ("3E", "1A")
    ]
    plans = [CPPlan(child_id="A", start_date=D(2024, 5, 1), previous_plans=n) for n in (0, 2)]
    data = Dataset(referrals=records, cp_plans=plans)
    period = ReportingPeriod.year_ending(2025)
    cards = (*referrals.CARDS, *child_protection.CARDS, counts.CIN_AT_PERIOD_END)
    found = [d for card in cards for d in card.compute(data, period=period).diagnostics]
    assert {d.field for d in found} == {"source", "previous_plans"}  # ties kept with the data
    kept = weakref.ref(data)
    gc.disable()
    try:
        del data
        assert kept() is None
    finally:
        gc.enable()
