"""Indicator family: how many children or records there are at a period's end or in a period.

Counts of children in need, on a child protection plan or looked after at the period's end;
counts of contacts, referrals, assessments, section 47 enquiries and initial conferences in
the period; and how long children-in-need episodes that closed in the period lasted.
Each count can be given a child population for a rate per 10,000 children.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import no_rows
from safeguarding_metrics._dates import DayArray, day_numbers
from safeguarding_metrics.care_history import (
    care_history,
    exclusion_diagnostics,
    in_history_order,
    latest_set_aside_rows,
    repair_diagnostics,
)
from safeguarding_metrics.catalogue import (
    CHILDREN_IN_NEED,
    CHILDREN_LOOKED_AFTER,
    CIN_CENSUS_GUIDE,
    SSDA903_GUIDE,
    WORKING_TOGETHER,
    Indicator,
    Option,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.indicators._kernels import (
    check_choice,
    icpc_not_required_diagnostics,
    in_period,
    referral_day_groups,
    shift_months,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Record, TableName
from safeguarding_metrics.results import Band, Count, Distribution, Polarity

__all__ = [
    "ASSESSMENTS_IN_PERIOD",
    "CIN_AT_PERIOD_END",
    "CIN_CLOSURE_DURATIONS",
    "CIN_CLOSURE_DURATION_BANDS",
    "CLA_AT_PERIOD_END",
    "CONTACTS_IN_PERIOD",
    "CP_AT_PERIOD_END",
    "ICPCS_IN_PERIOD",
    "POPULATION",
    "REFERRALS_IN_PERIOD",
    "S47S_IN_PERIOD",
    "SHORT_BREAK_LEGAL_STATUSES",
    "assessments_in_period",
    "children_in_need_at_period_end",
    "children_looked_after_at_period_end",
    "children_on_cp_plan_at_period_end",
    "cin_closure_durations",
    "contacts_in_period",
    "icpcs_in_period",
    "referrals_in_period",
    "section47s_in_period",
]

BoolArray = npt.NDArray[np.bool_]

# SSDA903 guide: V3 and V4 are the legal statuses of a series of short-term (respite)
# placements; DfE's headline count of children looked after at 31 March leaves them out.
SHORT_BREAK_LEGAL_STATUSES = ("V3", "V4")

# DfE, Characteristics of children in need: episodes of need by duration.
_DFE_BANDS = (
    (Band("Under 3 months"), 0),
    (Band("3 months to under 6 months"), 3),
    (Band("6 months to under 1 year"), 6),
    (Band("1 year to under 2 years"), 12),
    (Band("2 years and over"), 24),
)
# Stockton Borough Council's performance report (the seeds): quarter-year bands to 9 months.
_STOCKTON_BANDS = (
    (Band("Under 3 months"), 0),
    (Band("3 to under 6 months"), 3),
    (Band("6 to under 9 months"), 6),
    (Band("9 months and over"), 9),
)
CIN_CLOSURE_DURATION_BANDS: Mapping[str, tuple[tuple[Band, int], ...]] = {
    "dfe": _DFE_BANDS,
    "stockton": _STOCKTON_BANDS,
}
"""Band set name -> (band, first month of the band) pairs, shortest first."""


# -- shared pieces ---------------------------------------------------------------------------

_TIE_NOTE = (
    "Same-day referrals that tie on the nfa flag and the referral_id but differ in other "
    "fields are told apart by those fields (SPEC §3), and each such tie is reported in the "
    "result's diagnostics; fully identical records give no diagnostic, their 'duplicate' "
    "exclusion already reports them."
)


def _population_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return "must be a whole number of children (an int) or None"
    if value <= 0:
        return "must be greater than 0"
    return None


POPULATION = Option(
    name="population",
    default=None,
    description=(
        "The number of children aged under 18 living in the area (ONS mid-year estimate), "
        "giving the result's `per_10k` rate per 10,000 children; None for the count alone."
    ),
    validate=_population_problem,
)
"""The `population` option every count takes."""


def _population(indicator_id: str, population: int | None) -> int | None:
    POPULATION.check(indicator_id, population)
    return None if population is None else int(population)


def _day(value: Any) -> np.datetime64:
    return np.datetime64(value, "D")


def _open_at(starts: DayArray, ends: DayArray, day: np.datetime64) -> BoolArray:
    """SPEC §0: `start <= day` and (end missing or `end > day`); NaT compares false."""
    return (starts <= day) & ~(ends <= day)


def _child_count(
    *,
    indicator_id: str,
    dataset: Dataset,
    table: TableName,
    counted_rows: BoolArray,
    population: int | None,
    records_per_child: Mapping[str, BoolArray] | None = None,
) -> Count:
    """A count of children: one audit row per child with a record in *table*.

    Each of *records_per_child* (a flag per record of *table*) becomes a measure: how many
    of the child's records are flagged.
    """
    codes = dataset.child_codes(table)
    present = np.zeros(dataset.child_count, dtype=np.bool_)
    present[codes] = True
    counted = np.zeros(dataset.child_count, dtype=np.bool_)
    counted[codes[counted_rows]] = True
    children = np.flatnonzero(present)
    return Count.from_flags(
        indicator_id=indicator_id,
        table="children",
        counted=counted[children],
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(len(children)),
        population=population,
        measures={
            name: _records_per_child(children, codes[flags])
            for name, flags in (records_per_child or {}).items()
        },
    )


def _records_per_child(
    children: npt.NDArray[np.intp], codes: npt.NDArray[np.intp]
) -> npt.NDArray[np.int64]:
    """How many of *codes* are each of *children* (sorted child codes holding every code)."""
    counts: npt.NDArray[np.int64] = np.bincount(
        np.searchsorted(children, codes), minlength=len(children)
    ).astype(np.int64, copy=False)
    return counts


# -- counts at period end --------------------------------------------------------------------


def children_in_need_at_period_end(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of children-in-need episodes open at the end of *period*, one per child.

    A CIN episode runs from its referral date to its closure date. It is open at the
    period's end when the referral is dated on or before that day and the episode has no
    closure date or closes after it.

    Args:
        data: The referrals (CIN episodes), as a `Dataset` or records.
        period: The reporting period; only its last day matters.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of episodes (so of children), its exclusions by reason, and an audit
        row per referral.

    Notes:
        - An episode closed on the period's last day is not open at it.
        - An episode referred on the period's last day is open at it.
        - A referral with no further action is never an open episode; one that looks open
          (no closure date, or closure after the period's end) is excluded ``nfa``.
        - Two referrals of one child on the same day are one episode (SPEC §4.2): the one
          that led to action (``nfa`` false) is kept, then the one whose ``referral_id``
          sorts first, then the first by its other fields, and its own dates and NFA flag
          decide; the others are excluded ``duplicate`` when the kept one is open at the
          period's end, and are out of scope with it otherwise. A tie broken by the other
          fields is reported in the result's diagnostics.
        - A child with two open episodes is counted once, for the earliest; a later one is
          excluded ``second-open-episode`` (the census allows one open episode per child).
        - Referrals closed on or before the period's end, or referred after it, are out
          of scope.

    References:
        - DfE, Characteristics of children in need, children in need at 31 March.
        - DfE, Children in need census guide, CINreferralDate and CINclosureDate.
    """
    dataset = as_dataset(data)
    population = _population(CIN_AT_PERIOD_END.id, population)
    end = _day(period.end)
    referred = dataset.dates("referrals", "referral_date")
    closed = dataset.dates("referrals", "closure_date")
    nfa = dataset.column("referrals", "nfa")
    child_codes = dataset.child_codes("referrals")
    groups = referral_day_groups(dataset)
    open_now = _open_at(referred, closed, end)
    first = _first_per_child(child_codes, referred, groups.kept & open_now & ~nfa)
    # A duplicate is in or out of scope with the referral kept in its place.
    in_scope = groups.as_kept(open_now)
    return Count.from_flags(
        indicator_id=CIN_AT_PERIOD_END.id,
        table="referrals",
        counted=in_scope,
        child_ids=dataset.deferred_child_ids("referrals"),
        population=population,
        excluded={
            "nfa": nfa & groups.kept,
            "duplicate": groups.duplicate,
            "second-open-episode": ~first,
        },
        diagnostics=groups.tie_diagnostics(dataset, in_scope),
    )


def _first_per_child(
    child_codes: npt.NDArray[np.intp], days: DayArray, candidates: BoolArray
) -> BoolArray:
    """The earliest candidate row of each child (candidates are one per child and day)."""
    first = np.zeros(len(candidates), dtype=np.bool_)
    rows = np.flatnonzero(candidates)
    if rows.size == 0:
        return first
    codes = child_codes[rows]
    order = np.lexsort((rows, day_numbers(days)[rows], codes))
    starts = np.ones(rows.size, dtype=np.bool_)
    starts[1:] = codes[order][1:] != codes[order][:-1]
    first[rows[order][starts]] = True
    return first


CIN_AT_PERIOD_END = Indicator(
    id="cin-at-period-end",
    title="Children in need at the end of the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    grows_with_length=False,
    cohort="CIN episodes (referrals) open at the period's last day.",
    numerator=(
        "Episodes open at the period's last day: referred on or before it, and not closed "
        "or closed after it; one per child."
    ),
    exclusions={
        "nfa": "A referral with no further action recorded as still open.",
        "duplicate": (
            "Another referral of the child on the same day is the episode (SPEC §4.2): the "
            "one that led to action, then the one whose referral id sorts first, then the "
            "first by its other fields."
        ),
        "second-open-episode": "The child's earlier episode, also open, is counted instead.",
    },
    options=(POPULATION,),
    notes=(
        "An episode closed on the period's last day is not open at it (SPEC §0).",
        "Referrals with no further action are not episodes of need: an NFA referral closes "
        "on its date, and one still recorded as open is excluded (nfa), not counted.",
        "A child is counted once however many episodes are open: the census allows one open "
        "episode per child, so further ones are reported as exclusions. The earliest "
        "episode is kept.",
        "Same-day referrals of one child are one episode (SPEC §4.2): the record that led to "
        "action (nfa false) is kept, then the one whose referral_id sorts first (the first in "
        "the return, as readers number same-day referrals 'A/2024-03-01', 'A/2024-03-01/2'), "
        "then the first by its other fields in field order (a missing value first), never "
        "the order of the records; its own dates and NFA flag decide. The others are "
        "'duplicate' when the kept one is open at the period's end and out of scope with it "
        "otherwise.",
        _TIE_NOTE,
    ),
    sources=(
        CHILDREN_IN_NEED.at("children in need at 31 March (table A1)"),
        CIN_CENSUS_GUIDE.at("CINreferralDate, CINclosureDate, ReferralNFA"),
    ),
    inputs=("referrals",),
    function=children_in_need_at_period_end,
)


def children_on_cp_plan_at_period_end(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of children who were the subject of a child protection plan at the period's end.

    A plan is open at the period's last day when it started on or before that day and has
    no end date or ended after it.

    Args:
        data: The child protection plans, as a `Dataset` or records.
        period: The reporting period; only its last day matters.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of children, with an audit row per child who has any plan.

    Notes:
        - A plan that ended on the period's last day is not open at it.
        - A plan that started on the period's last day is open at it.
        - A child with two open plans is one child.
        - Children whose plans all ended by, or started after, the period's end are out of
          scope.

    References:
        - DfE, Characteristics of children in need, children who were the subject of a
          child protection plan at 31 March.
        - DfE, Children in need census guide, CPPstartDate and CPPendDate.
    """
    dataset = as_dataset(data)
    population = _population(CP_AT_PERIOD_END.id, population)
    starts = dataset.dates("cp_plans", "start_date")
    ends = dataset.dates("cp_plans", "end_date")
    open_now = _open_at(starts, ends, _day(period.end))
    return _child_count(
        indicator_id=CP_AT_PERIOD_END.id,
        dataset=dataset,
        table="cp_plans",
        counted_rows=open_now,
        population=population,
        records_per_child={"open_plans": open_now},
    )


CP_AT_PERIOD_END = Indicator(
    id="cp-at-period-end",
    title="Children on a child protection plan at the end of the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    grows_with_length=False,
    cohort="Children with any child protection plan in the data.",
    numerator=(
        "Children with a plan open at the period's last day: started on or before it, and "
        "not ended or ended after it."
    ),
    options=(POPULATION,),
    notes=(
        "A plan that ended on the period's last day is not open at it (SPEC §0).",
        "Distinct children: a child with two open plans counts once.",
        "The audit lists every child with a plan in the data; those with none open are "
        "out of scope.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("children subject of a child protection plan at 31 March (table D1)"),
        CIN_CENSUS_GUIDE.at("CPPstartDate, CPPendDate"),
    ),
    inputs=("cp_plans",),
    function=children_on_cp_plan_at_period_end,
)


def children_looked_after_at_period_end(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of children looked after at the period's end, short breaks left out.

    A child is looked after at the period's last day when an episode of care, as repaired
    (see `periods_of_care`), started on or before that day and has no end date or ended
    after it.

    Args:
        data: The SSDA903 episodes, as a `Dataset` or records.
        period: The reporting period; only its last day matters.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of children, with an audit row per child who has any episode; the
        audit's ``short_breaks_only`` measure marks children left out for short breaks, and
        ``repairs`` counts each child's repaired episodes that matter to the period (listed
        in the result's diagnostics).

    Notes:
        - An episode that ended on the period's last day is not open at it.
        - A child whose episode open at the period's end has legal status V3 or V4 (a series
          of short breaks) is out of scope, as in DfE's headline figure.
        - Overlapping episodes are repaired (the earlier ends on the later one's start), so
          a child has at most one episode open at the period's end.
        - An episode still open in the last return holding it, for a child missing from the
          next return given, is taken to have ended on 1 April after that return.
        - Children whose episodes all ended by, or started after, the period's end are out
          of scope.
        - A child with no episode open at the period's end whose latest episode starting on
          or before it ends before it starts (not V3/V4) is excluded (``episode-error``):
          with the typo corrected it may be looked after. A valid episode starting after the
          set-aside one decides as usual.

    References:
        - DfE, Children looked after in England including adoptions, children looked after
          at 31 March.
        - DfE, SSDA903 guide, legal statuses V3 and V4.
    """
    dataset = as_dataset(data)
    population = _population(CLA_AT_PERIOD_END.id, population)
    history = care_history(dataset)
    open_now = history.open_at(period.end)
    codes = dataset.child_codes("episodes")
    n_children = dataset.child_count
    has_open = np.zeros(n_children, dtype=np.bool_)
    has_open[codes[open_now]] = True
    counted = np.zeros(n_children, dtype=np.bool_)
    counted[codes[open_now & ~history.short_break]] = True
    latest = latest_set_aside_rows(dataset, period.end, history.short_break)
    unknown = ~has_open & (latest >= 0)
    judged = np.zeros(n_children, dtype=np.bool_)
    judged[codes] = True
    children = np.flatnonzero(judged)
    diagnostics, repairs = repair_diagnostics(dataset, history, period=period, children=judged)
    excluded_rows = in_history_order(history, latest[unknown])
    diagnostics += exclusion_diagnostics(dataset, history, excluded_rows, latest=True)
    return Count.from_flags(
        indicator_id=CLA_AT_PERIOD_END.id,
        table="children",
        counted=(counted | unknown)[children],
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(len(children)),
        population=population,
        excluded={"episode-error": unknown[children]},
        measures={
            "open_episodes": _records_per_child(children, codes[open_now]),
            "short_breaks_only": (has_open & ~counted)[children],
            "repairs": repairs[children],
        },
        diagnostics=diagnostics,
    )


CLA_AT_PERIOD_END = Indicator(
    id="cla-at-period-end",
    title="Children looked after at the end of the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    grows_with_length=False,
    cohort="Children with any SSDA903 episode in the data.",
    numerator=(
        "Children with an episode (as repaired) open at the period's last day (started on or "
        "before it, not ended or ended after it) whose legal status is not V3 or V4."
    ),
    exclusions={
        "episode-error": "The child's latest episode ends before it starts and none is open "
        "at period end, so whether it is looked after at period end is uncertain.",
    },
    options=(POPULATION,),
    notes=(
        "An episode that ended on the period's last day is not open at it (SPEC §0).",
        "Children looked after only under a series of short breaks (legal status V3 or V4 "
        "on the episode open at period end) are left out, a cohort rule as in DfE's headline "
        "figure.",
        "Episodes are read as repaired (SPEC §4.4, see `periods_of_care`): an episode that the "
        "next episode of the child starts before it ends is taken to end on that start, so "
        "a child has at most one episode open at period end (the latest decides, short "
        "break or not); an episode still open in the last return holding it (Episode.year), "
        "for a child missing from the next return given (Dataset.coverage), is taken to have "
        "ended on 1 April after that return. A child is missing from return Y when none of "
        "its episodes from return Y or later (year >= Y) was, as recorded, open at some time "
        "in collection year Y.",
        "Every repair to an episode that reaches into the period is listed in the result's "
        "diagnostics, naming the child and the episodes, and counted in the audit's "
        "`repairs` measure.",
        "Legal status codes are compared ignoring case and surrounding spaces.",
        "A child with no episode open at period end whose latest episode starting on or before "
        "period end (by DECOM; a valid episode starting the same day does not make it "
        "earlier) ends before it starts, and is not a short-break episode, is excluded "
        "(episode-error) rather than silently left out: with the typo corrected it may well "
        "be looked after. A valid episode starting after the set-aside one (by period end) "
        "decides as usual; so does an episode open at period end. A diagnostic names the "
        "episode.",
    ),
    sources=(
        CHILDREN_LOOKED_AFTER.at("children looked after at 31 March"),
        SSDA903_GUIDE.at("LS legal status V3, V4 (short breaks)"),
    ),
    inputs=("episodes",),
    function=children_looked_after_at_period_end,
)


# -- counts in period ------------------------------------------------------------------------


def contacts_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of contacts received in *period*.

    Args:
        data: The contacts, as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of contacts, with an audit row per contact.

    Notes:
        - A contact dated on the period's first or last day is in the period.
        - Every contact counts, several on one day for one child included (they may come
          from different sources).

    References:
        - DfE, Working Together to Safeguard Children (the front door decision).
    """
    dataset = as_dataset(data)
    population = _population(CONTACTS_IN_PERIOD.id, population)
    return Count.from_flags(
        indicator_id=CONTACTS_IN_PERIOD.id,
        table="contacts",
        counted=in_period(period, dataset.dates("contacts", "contact_date")),
        child_ids=dataset.deferred_child_ids("contacts"),
        population=population,
    )


CONTACTS_IN_PERIOD = Indicator(
    id="contacts-in-period",
    title="Contacts received in the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    cohort="Contacts.",
    numerator="Contacts with contact_date in the period.",
    options=(POPULATION,),
    notes=(
        "Each contact record counts: contacts are not collected by the DfE, and two on one "
        "day for one child may come from different agencies.",
    ),
    sources=(WORKING_TOGETHER.at("the local authority's decision on a contact"),),
    inputs=("contacts",),
    function=contacts_in_period,
)


def referrals_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of referrals received in *period*, no-further-action referrals included.

    Args:
        data: The referrals, as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of referrals, its exclusions by reason, and an audit row per referral.

    Notes:
        - A referral dated on the period's first or last day is in the period.
        - Referrals with no further action count, as in DfE's count of referrals.
        - Two referrals of one child on the same day are one referral: the one that led to
          action (``nfa`` false) counts, then the one whose ``referral_id`` sorts first,
          then the first by its other fields; the others are excluded ``duplicate``, and a
          tie broken by the other fields is reported in the result's diagnostics.

    References:
        - DfE, Characteristics of children in need, referrals in the year (table C1).
        - DfE, Children in need census guide, CINreferralDate.
    """
    dataset = as_dataset(data)
    population = _population(REFERRALS_IN_PERIOD.id, population)
    referred = dataset.dates("referrals", "referral_date")
    dated_in_period = in_period(period, referred)
    groups = referral_day_groups(dataset)
    return Count.from_flags(
        indicator_id=REFERRALS_IN_PERIOD.id,
        table="referrals",
        counted=dated_in_period,
        child_ids=dataset.deferred_child_ids("referrals"),
        population=population,
        excluded={"duplicate": groups.duplicate},
        diagnostics=groups.tie_diagnostics(dataset, dated_in_period),
    )


REFERRALS_IN_PERIOD = Indicator(
    id="referrals-in-period",
    title="Referrals received in the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    cohort="Referrals with referral_date in the period.",
    numerator="Referrals with referral_date in the period, NFA referrals included.",
    exclusions={"duplicate": "Another referral of the child on the same day counts instead."},
    options=(POPULATION,),
    notes=(
        "Referrals with no further action are counted, as DfE counts referrals.",
        "Same-day referrals of one child are one referral (SPEC §4.2): the record that led to "
        "action (nfa false) counts, then the one whose referral_id sorts first (the first in "
        "the return), then the first by its other fields, so the count and each record's "
        "outcome do not depend on record order.",
        _TIE_NOTE,
    ),
    sources=(
        CHILDREN_IN_NEED.at("referrals (table C1)"),
        CIN_CENSUS_GUIDE.at("CINreferralDate"),
    ),
    inputs=("referrals",),
    function=referrals_in_period,
)


AssessmentBasis = Literal["completed", "started"]
AssessmentKindChoice = Literal["any", "single", "initial", "core"]
_ASSESSMENT_BASES = ("completed", "started")
_ASSESSMENT_KINDS = ("any", "single", "initial", "core")


def assessments_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
    basis: AssessmentBasis = "completed",
    kind: AssessmentKindChoice = "any",
) -> Count:
    """Number of assessments completed (or started) in *period*.

    Args:
        data: The assessments, as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        population: Children aged under 18 in the area, for `per_10k`.
        basis: ``"completed"`` counts assessments authorised in the period (DfE's count);
            ``"started"`` counts those that started in it.
        kind: ``"any"`` counts every kind; ``"single"``, ``"initial"`` or ``"core"`` only
            that kind.

    Returns:
        A `Count` of assessments, its exclusions by reason, and an audit row per
        assessment.

    Notes:
        - By default an assessment counts in the period its authorisation date falls in;
          one still open is out of scope.
        - An assessment authorised before its recorded start still counts as completed
          (the timescale indicators exclude it, the count does not).
        - With ``basis="started"`` an assessment with no start date is excluded
          ``missing-start`` when it was authorised in the period (it started by then), and
          is out of scope otherwise (nothing places it in the period).
        - With ``basis="completed"`` the start date is not needed: an assessment with no
          start date counts by its authorisation date.
        - With a *kind* other than ``"any"``, assessments of the other kinds are out of
          scope.

    References:
        - DfE, Characteristics of children in need, assessments completed (table C2).
        - DfE, Children in need census guide, AssessmentActualStartDate and
          AssessmentAuthorisationDate.
    """
    dataset = as_dataset(data)
    population = _population(ASSESSMENTS_IN_PERIOD.id, population)
    check_choice(ASSESSMENTS_IN_PERIOD.id, "basis", basis, _ASSESSMENT_BASES)
    check_choice(ASSESSMENTS_IN_PERIOD.id, "kind", kind, _ASSESSMENT_KINDS)
    started = dataset.dates("assessments", "start_date")
    authorised = in_period(period, dataset.dates("assessments", "authorisation_date"))
    if basis == "completed":
        in_scope = authorised
        missing_start = np.zeros(len(started), dtype=np.bool_)  # the start is not needed
    else:
        # With no start date, an assessment authorised in the period is in its reach.
        missing_start = np.isnat(started)
        in_scope = in_period(period, started) | (missing_start & authorised)
    if kind != "any":
        in_scope &= dataset.column("assessments", "kind") == kind
    return Count.from_flags(
        indicator_id=ASSESSMENTS_IN_PERIOD.id,
        table="assessments",
        counted=in_scope,
        child_ids=dataset.deferred_child_ids("assessments"),
        population=population,
        excluded={"missing-start": missing_start},
    )


ASSESSMENTS_IN_PERIOD = Indicator(
    id="assessments-in-period",
    title="Assessments completed in the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    cohort=(
        "Assessments (of the chosen kind) with authorisation_date in the period; with "
        "basis='started', those with start_date in the period, or with no start_date and "
        "authorisation_date in the period."
    ),
    numerator="Assessments with authorisation_date in the period (or start_date, by option).",
    exclusions={
        "missing-start": (
            "basis='started' only: the assessment has no start date but was authorised in "
            "the period."
        )
    },
    options=(
        POPULATION,
        Option(
            name="basis",
            default="completed",
            choices=_ASSESSMENT_BASES,
            description=(
                "'completed' counts assessments authorised in the period, as DfE counts them "
                "(table C2); 'started' counts assessments that started in it, as some "
                "councils' workload reports do."
            ),
        ),
        Option(
            name="kind",
            default="any",
            choices=_ASSESSMENT_KINDS,
            description=(
                "'any' counts every assessment; 'single', 'initial' or 'core' one kind only "
                "(pre-2013 returns hold initial and core assessments)."
            ),
        ),
    ),
    notes=(
        "DfE counts assessments completed, so the default counts by authorisation date; "
        "an open assessment is not counted.",
        "An assessment authorised before its start date is still a completed assessment.",
        "With basis='started', an assessment with no start date cannot be placed by its "
        "start; if it was authorised in the period it started by then, so it is in the "
        "period's reach and reported as missing-start rather than dropped. One with neither "
        "date is out of scope (no period can claim it).",
    ),
    sources=(
        CHILDREN_IN_NEED.at("assessments completed (table C2)"),
        CIN_CENSUS_GUIDE.at("AssessmentActualStartDate, AssessmentAuthorisationDate"),
    ),
    inputs=("assessments",),
    function=assessments_in_period,
)


def section47s_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of section 47 enquiries that started in *period*.

    Args:
        data: The section 47 enquiries, as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of enquiries, its exclusions by reason, and an audit row per enquiry.

    Notes:
        - An enquiry counts in the period its start date (the strategy discussion) falls
          in, first and last days included.
        - An enquiry with no start date is excluded ``missing-start`` when its initial
          conference is dated in the period (the enquiry started by then), and is out of
          scope otherwise (nothing places it in the period).

    References:
        - DfE, Characteristics of children in need, section 47 enquiries (table C3).
        - DfE, Children in need census guide, S47ActualStartDate.
    """
    dataset = as_dataset(data)
    population = _population(S47S_IN_PERIOD.id, population)
    started = dataset.dates("section47s", "start_date")
    missing_start = np.isnat(started)
    # As in s47-to-icpc's cohort: with no start date, a conference dated in the period
    # places the enquiry in the period's reach.
    conference = in_period(period, dataset.dates("section47s", "icpc_date"))
    return Count.from_flags(
        indicator_id=S47S_IN_PERIOD.id,
        table="section47s",
        counted=in_period(period, started) | (missing_start & conference),
        child_ids=dataset.deferred_child_ids("section47s"),
        population=population,
        excluded={"missing-start": missing_start},
    )


S47S_IN_PERIOD = Indicator(
    id="s47s-in-period",
    title="Section 47 enquiries started in the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    cohort=(
        "Section 47 enquiries with start_date in the period, or with no start_date and "
        "icpc_date in the period."
    ),
    numerator="Enquiries with start_date in the period.",
    exclusions={
        "missing-start": (
            "The enquiry has no start date but its initial conference is dated in the period."
        )
    },
    options=(POPULATION,),
    notes=(
        "An enquiry with no start date whose initial conference is dated in the period "
        "started by then, so it is in the period's reach and reported as missing-start, "
        "not dropped; the same rule as s47-to-icpc's cohort, so the two reconcile (this "
        "count plus its exclusions equals s47-to-icpc's denominator plus its exclusions). "
        "The conference date places it whether or not ICPCnotRequired is set.",
        "An enquiry with no start date and no conference date in the period cannot be "
        "placed in it: out of scope.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("section 47 enquiries (table C3)"),
        CIN_CENSUS_GUIDE.at("S47ActualStartDate"),
    ),
    inputs=("section47s",),
    function=section47s_in_period,
)


def icpcs_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    population: int | None = None,
) -> Count:
    """Number of initial child protection conferences held in *period*.

    Args:
        data: The section 47 enquiries, as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        population: Children aged under 18 in the area, for `per_10k`.

    Returns:
        A `Count` of conferences, with an audit row per enquiry.

    Notes:
        - A conference counts in the period its date falls in, first and last days
          included.
        - A conference dated before its enquiry started still counts.
        - A recorded conference is a conference: an enquiry with a conference date that is
          also marked "conference not required" counts, as in `icpc-15wd`'s cohort, and
          the contradiction is reported in the result's diagnostics (CIN census rule 8868).

    References:
        - DfE, Characteristics of children in need, initial child protection conferences
          (table C4).
        - DfE, Children in need census guide, DateOfInitialCPC and ICPCnotRequired.
    """
    dataset = as_dataset(data)
    population = _population(ICPCS_IN_PERIOD.id, population)
    # SPEC §4.1: a recorded conference is a conference, whatever ICPCnotRequired says.
    held = in_period(period, dataset.dates("section47s", "icpc_date"))
    return Count.from_flags(
        indicator_id=ICPCS_IN_PERIOD.id,
        table="section47s",
        counted=held,
        child_ids=dataset.deferred_child_ids("section47s"),
        population=population,
        diagnostics=icpc_not_required_diagnostics(dataset, held),
    )


ICPCS_IN_PERIOD = Indicator(
    id="icpcs-in-period",
    title="Initial child protection conferences held in the period",
    kind="count",
    polarity=Polarity.NEUTRAL,
    cohort="Section 47 enquiries.",
    numerator="Enquiries with icpc_date in the period, whatever ICPCnotRequired says.",
    options=(POPULATION,),
    notes=(
        "Conferences dated before their enquiry started are still conferences (SPEC §4.2).",
        "A recorded conference is a conference (SPEC §4.1): an enquiry with ICPCnotRequired "
        "set and a conference date in the period counts, as in the icpc-15wd cohort, and the "
        "contradiction is reported in the result's diagnostics (CIN census rule 8868).",
    ),
    sources=(
        CHILDREN_IN_NEED.at("initial child protection conferences (table C4)"),
        CIN_CENSUS_GUIDE.at("DateOfInitialCPC, ICPCnotRequired"),
    ),
    inputs=("section47s",),
    function=icpcs_in_period,
)


# -- CIN closure durations -------------------------------------------------------------------

ClosureBands = Literal["dfe", "stockton"]


def cin_closure_durations(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    bands: ClosureBands = "dfe",
    include_nfa: bool = False,
) -> Distribution:
    """How long children-in-need episodes that closed in *period* had lasted, in month bands.

    An episode's duration runs from its referral date to its closure date. A band "from
    N months" starts on the day N calendar months after the referral (clipped to the end
    of a shorter month): an episode referred on 31 August 2024 and closed on 30 November
    2024 lasted 3 months.

    Args:
        data: The referrals (CIN episodes), as a `Dataset` or records.
        period: The reporting period; both its first and last days are in it.
        bands: ``"dfe"`` (under 3 months, 3 to 6, 6 to 12, 12 to 24, 24 and over) or
            ``"stockton"`` (under 3 months, 3 to 6, 6 to 9, 9 and over).
        include_nfa: Whether referrals with no further action are counted (they close the
            day they open, so they all fall in the first band).

    Returns:
        A `Distribution` of episodes by band; its values (and quartiles) are days from
        referral to closure.

    Notes:
        - An episode is in the cohort when its closure date is in the period, first and
          last days included.
        - An episode closed exactly N months after referral is in the band starting at N
          months; the day before, in the band below.
        - Months are calendar months, clipped to the month's end: referred 29 February
          2024, 12 months are up on 28 February 2025.
        - Referrals with no further action are out of scope unless *include_nfa*.
        - Two referrals of one child on the same day are one episode: the one that led to
          action (``nfa`` false), then the one whose ``referral_id`` sorts first, then the
          first by its other fields, is banded by its own dates and NFA flag; the others
          are excluded ``duplicate`` when it is in the cohort, and are out of scope with it
          otherwise. A tie broken by the other fields is reported in the result's
          diagnostics.
        - An episode closed before its referral date is excluded ``end-before-start``.

    References:
        - DfE, Characteristics of children in need, episodes of need closed in the year by
          duration.
        - DfE, Children in need census guide, CINreferralDate and CINclosureDate.
    """
    dataset = as_dataset(data)
    check_choice(CIN_CLOSURE_DURATIONS.id, "bands", bands, CIN_CLOSURE_DURATION_BANDS)
    check_choice(CIN_CLOSURE_DURATIONS.id, "include_nfa", include_nfa, (False, True))
    chosen = CIN_CLOSURE_DURATION_BANDS[bands]
    referred = dataset.dates("referrals", "referral_date")
    closed = dataset.dates("referrals", "closure_date")
    groups = referral_day_groups(dataset)
    in_scope = in_period(period, closed)
    if not include_nfa:
        in_scope &= ~dataset.column("referrals", "nfa")
    # A duplicate is in or out of scope with the referral kept in its place.
    in_scope = groups.as_kept(in_scope)
    band_index = np.zeros(len(referred), dtype=np.int8)  # five bands at most
    rows = np.flatnonzero(in_scope)
    for _, months in chosen[1:]:
        band_index[rows] += closed[rows] >= shift_months(referred[rows], months)
    # Days from referral to closure; nan while open.
    values = np.subtract(day_numbers(closed), day_numbers(referred), dtype=np.float64)
    values[np.isnat(closed) | np.isnat(referred)] = np.nan
    return Distribution.from_values(
        indicator_id=CIN_CLOSURE_DURATIONS.id,
        table="referrals",
        values=values,
        in_scope=in_scope,
        bands=[band for band, _ in chosen],
        child_ids=dataset.deferred_child_ids("referrals"),
        unit="days",
        excluded={
            "duplicate": groups.duplicate,
            "end-before-start": closed < referred,
        },
        band_index=band_index,
        diagnostics=groups.tie_diagnostics(dataset, in_scope),
    )


CIN_CLOSURE_DURATIONS = Indicator(
    id="cin-closure-durations",
    title="Duration of children-in-need episodes closed in the period",
    kind="distribution",
    polarity=Polarity.NEUTRAL,
    cohort="CIN episodes (referrals) with closure_date in the period, NFA referrals left out.",
    numerator=(
        "Episodes by time from referral_date to closure_date, in calendar-month bands: "
        "closure on or after add_months(referral_date, N) is at least N months."
    ),
    exclusions={
        "duplicate": (
            "Another referral of the child on the same day is banded instead (SPEC §4.2): "
            "the one that led to action, then the one whose referral id sorts first, then "
            "the first by its other fields."
        ),
        "end-before-start": "The closure date is before the referral date.",
    },
    options=(
        Option(
            name="bands",
            default="dfe",
            choices=tuple(CIN_CLOSURE_DURATION_BANDS),
            description=(
                "'dfe': under 3 months, 3 months to under 6 months, 6 months to under 1 year, "
                "1 year to under 2 years, 2 years and over (DfE's episode durations). "
                "'stockton': under 3 months, 3 to under 6, 6 to under 9, 9 months and over "
                "(Stockton's performance report)."
            ),
        ),
        Option(
            name="include_nfa",
            default=False,
            choices=(False, True),
            description=(
                "Whether referrals with no further action count as episodes; they close on "
                "their referral day, so including them swells the first band."
            ),
        ),
    ),
    notes=(
        "Month bands use calendar months clipped to the month's end (SPEC §2): an episode "
        "reaches N months on add_months(referral_date, N).",
        "NFA referrals are not episodes of need, so they are out of scope by default.",
        "Same-day referrals of one child are one episode (SPEC §4.2): the record that led to "
        "action (nfa false), then the one whose referral_id sorts first, then the first by "
        "its other fields, is banded by its own dates and NFA flag; the others are "
        "'duplicate' when it is in the cohort and out of scope with it otherwise.",
        _TIE_NOTE,
        "The distribution's values are days from referral to closure; its median and "
        "quartiles are in days.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("episodes of need closed in the year by duration"),
        CIN_CENSUS_GUIDE.at("CINreferralDate, CINclosureDate"),
    ),
    inputs=("referrals",),
    function=cin_closure_durations,
)


CARDS: tuple[Indicator, ...] = (
    CIN_AT_PERIOD_END,
    CP_AT_PERIOD_END,
    CLA_AT_PERIOD_END,
    CONTACTS_IN_PERIOD,
    REFERRALS_IN_PERIOD,
    ASSESSMENTS_IN_PERIOD,
    S47S_IN_PERIOD,
    ICPCS_IN_PERIOD,
    CIN_CLOSURE_DURATIONS,
)
