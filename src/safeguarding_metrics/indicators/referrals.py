"""Referral indicators: re-referrals, no further action, and the way on to enquiry and plan."""

from collections.abc import Iterable
from typing import Literal

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import DeferredText, RankDirectory, no_rows
from safeguarding_metrics._dates import day_numbers
from safeguarding_metrics.catalogue import (
    CHILDREN_IN_NEED,
    CIN_CENSUS_GUIDE,
    WORKING_TOGETHER,
    EnglandFigure,
    History,
    Indicator,
    Option,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.indicators._kernels import (
    NAT_DAY,
    at_or_after_months_shifted,
    cached,
    check_choice,
    child_day_keys,
    frozen,
    icpc_not_required_diagnostics,
    in_period,
    referral_day_groups,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Record
from safeguarding_metrics.results import DeferredArray, Polarity, Rate
from safeguarding_metrics.ties import shared_referral_id_diagnostics

__all__ = [
    "CARDS",
    "CHILDREN_RE_REFERRED_12M",
    "ICPC_TO_CPP",
    "REFERRALS_NFA",
    "REFERRALS_TO_S47",
    "RE_REFERRALS_12M",
    "S47_TO_ICPC",
    "children_re_referred_rate",
    "icpc_to_plan_rate",
    "nfa_referral_rate",
    "re_referral_rate",
    "referral_to_s47_rate",
    "s47_to_icpc_rate",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RE_REFERRAL_MONTHS = 12
"""A referral within 12 months of a previous one is a re-referral (DfE Children in need, table C1)."""
RE_REFERRAL_DAYS = 365
"""The day-count reading of "within 12 months" (the `365-days` window)."""

Window = Literal["12-months", "365-days"]
WINDOWS: tuple[Window, ...] = ("12-months", "365-days")


class _ReferralGroups:
    """The referral columns every indicator of the family reads, duplicates resolved.

    Built once per dataset (see `cached`); nothing here depends on the period.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.child_ids = dataset.deferred_child_ids("referrals")
        self.codes = dataset.child_codes("referrals")
        self.dates = dataset.dates("referrals", "referral_date")
        self.days = day_numbers(self.dates)
        groups = referral_day_groups(dataset)  # SPEC §4.2: the one that led to action is kept
        self.day_groups = groups
        self.kept = groups.kept
        self.duplicate = groups.duplicate
        # The kept record stands for the referral: its own NFA flag is the referral's.
        self.nfa = frozen(groups.as_kept(dataset.column("referrals", "nfa")))
        self.child_count = dataset.child_count
        self._children: DeferredText | None = None
        self._child_places: RankDirectory | None = None
        self._re_referral: dict[str, tuple[BoolArray, IntArray]] = {}

    def previous_days(self) -> IntArray:
        """The day number of the child's latest referral before each row's date, or NaT's."""
        return self.day_groups.previous_day

    def children(self, dataset: Dataset) -> tuple[DeferredText, RankDirectory]:
        """The ids of the children with a referral, sorted, and where each child code is there.

        The place of a child code with a referral is its rank in the `RankDirectory`.
        *dataset* is the one the groups were built from (not kept here, see `cached`). Both
        are made on the first call and kept.
        """
        if self._children is None or self._child_places is None:
            present = np.zeros(self.child_count, dtype=np.bool_)
            present[self.codes] = True
            self._children = dataset.deferred_child_ids_of(np.flatnonzero(present))
            self._child_places = RankDirectory(present)
        return self._children, self._child_places

    def re_referral(self, window: Window) -> tuple[BoolArray, IntArray]:
        """Whether each row is a re-referral under *window*, and the previous referral's day."""
        found = self._re_referral.get(window)
        if found is None:
            previous = self.previous_days()
            has_previous = previous != NAT_DAY
            if window == "12-months":
                hit = has_previous & at_or_after_months_shifted(
                    previous, self.dates, -RE_REFERRAL_MONTHS
                )
            else:
                hit = has_previous & (self.days - previous <= RE_REFERRAL_DAYS)
            found = self._re_referral[window] = (frozen(hit), previous)
        return found


class _Referrals:
    """`_ReferralGroups` of a dataset, with the rows dated in one period."""

    def __init__(self, dataset: Dataset, period: ReportingPeriod) -> None:
        groups = cached(dataset, "referral-groups", lambda: _ReferralGroups(dataset))
        self.groups = groups
        self.child_ids = groups.child_ids
        self.codes = groups.codes
        self.days = groups.days
        self.day_groups = groups.day_groups
        self.kept = groups.kept
        self.duplicate = groups.duplicate
        self.nfa = groups.nfa
        self.in_period = in_period(period, groups.dates)
        self._dataset = dataset  # this view is not kept with the dataset: no cycle

    def tie_diagnostics(self, rows: BoolArray) -> list[Diagnostic]:
        """Diagnostics for the same-day ties broken by content whose kept record is in *rows*."""
        return self.groups.day_groups.tie_diagnostics(self._dataset, rows)

    def re_referral(self, window: Window) -> tuple[BoolArray, IntArray]:
        """Whether each row is a re-referral under *window*, and the previous referral's day."""
        return self.groups.re_referral(window)


def _as_dates(days: IntArray) -> npt.NDArray[np.datetime64]:
    return days.view("datetime64[D]")


def _counts(values: npt.NDArray[np.intp], length: int) -> npt.NDArray[np.float64]:
    """How many times each of 0 .. *length* - 1 is among *values*, as an audit measure (float)."""
    counts = np.bincount(values, weights=np.ones(len(values)), minlength=length)
    return counts.astype(np.float64, copy=False)  # float already, with weights: no copy


def _gap(days: IntArray, previous: IntArray) -> npt.NDArray[np.float64]:
    gap = np.subtract(days, previous, dtype=np.float64)
    gap[previous == NAT_DAY] = np.nan
    return gap


_WINDOW_OPTION = Option(
    name="window",
    default="12-months",
    choices=WINDOWS,
    description=(
        "`12-months` (default): the earlier referral is on or after the date 12 calendar "
        "months before (add_months, so 29 February less 12 months is 28 February). "
        "`365-days`: the earlier referral is at most 365 days before, so a leap day shortens "
        "the window by one date."
    ),
)
_DUPLICATE = {
    "duplicate": (
        "Another referral of the same child on the same date: the two are one referral, and "
        "the one that led to action (not NFA) is kept, then the one whose referral id sorts "
        "first, then the first by its other fields."
    )
}
_DUPLICATE_NOTE = (
    "Two referrals of one child on the same date are one referral (SPEC §4.2): one record "
    "is kept and the others are excluded as `duplicate`. The kept record is the one that led "
    "to action: a record with `nfa` false before one with `nfa` true; among those, the one "
    "whose `referral_id` sorts first (readers number a return's same-day referrals "
    "'A/2024-03-01', 'A/2024-03-01/2', so it is the first in the return); then the first by "
    "its other fields in field order (a missing value first), never the order the records "
    "are given in. A tie broken by those other fields is reported in the result's "
    "diagnostics; fully identical records give no diagnostic, their `duplicate` exclusion "
    "already reports them. The kept record's own fields (its NFA flag) are the referral's, "
    "so a same-day referral is NFA only when every record of it is; a duplicate is in or "
    "out of the cohort with it."
)


# -- re-referrals ------------------------------------------------------------------------


def re_referral_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    window: Window = "12-months",
) -> Rate:
    """Share of referrals in *period* made within 12 months of a previous referral of the child.

    Args:
        data: A `Dataset`, or records; reads `referrals`.
        period: The reporting period the referrals are dated in.
        window: `12-months` (calendar months, the default) or `365-days`.

    Returns:
        A `Rate` over the referrals; the audit's measures hold `previous_referral` (the
        child's latest earlier referral, NaT when none) and `days_since_previous`.

    Notes:
        - The cohort is every referral dated in *period*, including referrals closed with no
          further action.
        - A referral counts when the same child has an earlier referral dated `p` with
          `add_months(d, -12) <= p < d`: the anniversary itself counts, the day before it
          does not.
        - Earlier referrals are looked for in all the data given, including years before
          *period*; referrals with no further action count as earlier referrals too.
        - With `window="365-days"` the earlier referral must be at most 365 days before:
          across 29 February that is one day shorter than 12 months.
        - Two referrals of one child on the same date are one referral: the one that led
          to action (`nfa` false) is kept, then the one whose `referral_id` sorts first,
          then the first by its other fields; the others are excluded `duplicate`, and a
          tie broken by the other fields is reported in the result's diagnostics.

    References:
        - DfE, Characteristics of children in need, table C1 (re-referrals within 12 months).
        - DfE, Children in need census guide (definition of a referral).
    """
    dataset = as_dataset(data)
    check_choice(RE_REFERRALS_12M.id, "window", window, WINDOWS)
    referrals = _Referrals(dataset, period)
    hit, previous = referrals.re_referral(window)
    days = referrals.days
    return Rate.from_flags(
        indicator_id=RE_REFERRALS_12M.id,
        table="referrals",
        in_scope=referrals.in_period,
        hit=hit,
        child_ids=referrals.child_ids,
        excluded={"duplicate": referrals.duplicate},
        measures={
            "previous_referral": _as_dates(previous),
            "days_since_previous": DeferredArray(len(days), lambda: _gap(days, previous)),
        },
        diagnostics=referrals.tie_diagnostics(referrals.in_period),
    )


RE_REFERRALS_12M = Indicator(
    id="re-referrals-12m",
    title="Re-referrals within 12 months of a previous referral",
    kind="rate",
    polarity=Polarity.LOWER,
    cohort="Referrals dated in the period, including those closed with no further action.",
    numerator=(
        "Referrals of a child who had an earlier referral dated on or after the same date 12 "
        "months before (the anniversary counts) and before this one."
    ),
    denominator="Referrals in the period, less same-day duplicates.",
    exclusions=_DUPLICATE,
    options=(_WINDOW_OPTION,),
    notes=(
        "The earlier referral may lie before the period: it is looked for in all the data given, "
        "so give the previous year's return too.",
        "Referrals with no further action are in the cohort and count as earlier referrals.",
        "Only the child's latest earlier referral date matters; an earlier referral on the same "
        "date as this one is a duplicate, not a previous referral.",
        _DUPLICATE_NOTE,
    ),
    sources=(
        CHILDREN_IN_NEED.at("table C1"),
        CIN_CENSUS_GUIDE.at("definition of a referral; CINreferralDate"),
    ),
    england=EnglandFigure(value=22.6, period="2024-25", source=CHILDREN_IN_NEED.at("table C1")),
    history=History(months=12),
    inputs=("referrals",),
    function=re_referral_rate,
)


def children_re_referred_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    window: Window = "12-months",
) -> Rate:
    """Share of children referred in *period* with at least one re-referral in it.

    Args:
        data: A `Dataset`, or records; reads `referrals`.
        period: The reporting period.
        window: `12-months` (the default) or `365-days`, as for `re-referrals-12m`.

    Returns:
        A `Rate` over children: the audit has one row per child with any referral in the
        data (table ``"children"``, rows -1), sorted by child id, with measures
        `referrals_in_period` and `re_referrals_in_period`.

    Notes:
        - The cohort is the children with at least one referral dated in *period*; children
          whose referrals all lie outside it are out of scope.
        - A child counts when at least one of their referrals in *period* is a re-referral
          under `re-referrals-12m`'s rule, so a child with several re-referrals counts once.
        - Same-day duplicate referrals are one referral, so they never make a child
          re-referred; a tie between same-day records broken by their content (see
          `re-referrals-12m`) is reported in the result's diagnostics.

    References:
        - DfE, Characteristics of children in need, table C1.
    """
    dataset = as_dataset(data)
    check_choice(CHILDREN_RE_REFERRED_12M.id, "window", window, WINDOWS)
    referrals = _Referrals(dataset, period)
    hit, _ = referrals.re_referral(window)
    children, places = referrals.groups.children(dataset)  # ids, sorted
    counted = referrals.kept & referrals.in_period
    n = len(children)
    referred = places.ranks(referrals.codes[counted])  # per referral counted, its child
    re_referred = places.ranks(referrals.codes[counted & hit])
    in_scope = np.zeros(n, dtype=np.bool_)
    in_scope[referred] = True
    re_referred_child = np.zeros(n, dtype=np.bool_)
    re_referred_child[re_referred] = True
    return Rate.from_flags(
        indicator_id=CHILDREN_RE_REFERRED_12M.id,
        table="children",
        in_scope=in_scope,
        hit=re_referred_child,
        child_ids=children,
        rows=no_rows(n),
        measures={
            "referrals_in_period": DeferredArray(n, lambda: _counts(referred, n)),
            "re_referrals_in_period": DeferredArray(n, lambda: _counts(re_referred, n)),
        },
        diagnostics=referrals.tie_diagnostics(referrals.in_period),
    )


CHILDREN_RE_REFERRED_12M = Indicator(
    id="children-re-referred-12m",
    title="Children re-referred within 12 months of a previous referral",
    kind="rate",
    polarity=Polarity.LOWER,
    cohort="Children with at least one referral dated in the period.",
    numerator=(
        "Children with at least one referral in the period made within 12 months of an earlier "
        "referral (the rule of `re-referrals-12m`)."
    ),
    denominator="Children with a referral in the period.",
    options=(_WINDOW_OPTION,),
    notes=(
        "Child level: a child with several re-referrals in the period counts once.",
        "The audit has one row per child with any referral in the data, sorted by child id; "
        "children referred only outside the period are out of scope.",
        "Same-day duplicate referrals are one referral (see `re-referrals-12m`); a tie between "
        "same-day records broken by their content is reported in the result's diagnostics.",
    ),
    sources=(CHILDREN_IN_NEED.at("table C1"),),
    england=EnglandFigure(value=21.0, period="2024-25", source=CHILDREN_IN_NEED.at("table C1")),
    history=History(months=12),
    inputs=("referrals",),
    function=children_re_referred_rate,
)


# -- no further action -----------------------------------------------------------------------


def nfa_referral_rate(data: Dataset | Iterable[Record], *, period: ReportingPeriod) -> Rate:
    """Share of referrals in *period* that led to no further action.

    Args:
        data: A `Dataset`, or records; reads `referrals`.
        period: The reporting period.

    Returns:
        A `Rate` over the referrals.

    Notes:
        - The cohort is every referral dated in *period*; the numerator those with `nfa`
          true.
        - Same-day duplicates are excluded `duplicate`: a record with `nfa` false is kept
          before one with `nfa` true, then the one whose `referral_id` sorts first, then
          the first by its other fields; the kept record's own NFA flag decides, so a
          same-day referral is NFA only when all its records are.

    References:
        - DfE, Characteristics of children in need (referrals with no further action).
        - DfE, Children in need census guide, data item ReferralNFA.
    """
    dataset = as_dataset(data)
    referrals = _Referrals(dataset, period)
    return Rate.from_flags(
        indicator_id=REFERRALS_NFA.id,
        table="referrals",
        in_scope=referrals.in_period,
        hit=referrals.nfa,
        child_ids=referrals.child_ids,
        excluded={"duplicate": referrals.duplicate},
        diagnostics=referrals.tie_diagnostics(referrals.in_period),
    )


REFERRALS_NFA = Indicator(
    id="referrals-nfa",
    title="Referrals that led to no further action",
    kind="rate",
    polarity=Polarity.LOWER,
    cohort="Referrals dated in the period.",
    numerator="Referrals recorded as no further action (ReferralNFA true).",
    denominator="Referrals in the period, less same-day duplicates.",
    exclusions=_DUPLICATE,
    notes=(
        _DUPLICATE_NOTE + " So a same-day referral with one record that led to action is not "
        "NFA, whichever record is given first.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("referrals: no further action"),
        CIN_CENSUS_GUIDE.at("ReferralNFA"),
    ),
    england=EnglandFigure(
        value=6.5, period="2024-25", source=CHILDREN_IN_NEED.at("referrals: no further action")
    ),
    inputs=("referrals",),
    function=nfa_referral_rate,
)


# -- referral to section 47 ----------------------------------------------------------------


def referral_to_s47_rate(data: Dataset | Iterable[Record], *, period: ReportingPeriod) -> Rate:
    """Share of referrals in *period*, other than no further action, that led to a section 47 enquiry.

    Args:
        data: A `Dataset`, or records; reads `referrals` and `section47s`.
        period: The reporting period the referrals are dated in.

    Returns:
        A `Rate` over the referrals; the audit's measure `section47s` counts the linked
        enquiries.

    Notes:
        - The cohort is the referrals dated in *period* that are not no further action; NFA
          referrals are out of scope (for same-day referrals, the kept record's flag
          decides, and its duplicates leave the cohort with it).
        - A referral counts when at least one `Section47` carries its `referral_id`; the
          enquiry may start after *period* ends.
        - A `Section47` linked to a same-day duplicate counts for the referral kept in its
          place, since the two records are one referral and the enquiry did follow it; the
          duplicate itself is excluded `duplicate`.
        - Where several different referrals share the enquiry's `referral_id` (a data
          error), the enquiry is linked to the earliest of them by referral date, then the
          first by its other fields, whatever the order of the records, and each such
          referral is reported in the result's diagnostics.

    References:
        - DfE, Characteristics of children in need (section 47 enquiries).
        - DfE, Working Together to Safeguard Children (section 47 enquiries).
    """
    dataset = as_dataset(data)
    referrals = _Referrals(dataset, period)
    links = dataset.referral_rows("section47s")
    linked = links >= 0
    # The referral (the kept record of its day) each linked enquiry follows.
    day_groups = referrals.day_groups
    followed = day_groups.kept_rows_of(links[linked])
    n = len(referrals.codes)
    # A duplicate shows the enquiries of the referral kept in its place.
    followed_by_one = np.zeros(n, dtype=np.bool_)
    followed_by_one[followed] = True
    day_groups.spread_kept(followed_by_one)

    def enquiries() -> npt.NDArray[np.float64]:
        return day_groups.spread_kept(_counts(followed, n))

    in_scope = referrals.in_period & ~referrals.nfa
    # Shared ids matter where they link an enquiry to a referral of the cohort.
    counted_links = linked.copy()
    counted_links[linked] = in_scope[followed]
    return Rate.from_flags(
        indicator_id=REFERRALS_TO_S47.id,
        table="referrals",
        in_scope=in_scope,
        hit=followed_by_one,
        child_ids=referrals.child_ids,
        excluded={"duplicate": referrals.duplicate},
        measures={"section47s": DeferredArray(n, enquiries)},
        diagnostics=[
            *referrals.tie_diagnostics(in_scope),
            *shared_referral_id_diagnostics(dataset, "section47s", counted_links),
        ],
    )


REFERRALS_TO_S47 = Indicator(
    id="referrals-to-s47",
    title="Referrals that led to a section 47 enquiry",
    kind="rate",
    polarity=Polarity.NEUTRAL,
    cohort="Referrals dated in the period, other than those with no further action.",
    numerator="Referrals with at least one section 47 enquiry linked by referral id.",
    denominator="Referrals in the period that were not NFA, less same-day duplicates.",
    exclusions=_DUPLICATE,
    notes=(
        "Enquiries are linked by `referral_id` only; an enquiry whose referral id matches no "
        "referral is not counted anywhere.",
        "Several different referrals sharing one `referral_id` are a data error (SPEC §3): "
        "an enquiry carrying that id is linked to the earliest of them by referral date, then "
        "to the first by its other fields (field order, a missing value first), so the link "
        "does not depend on the order of the records; each referral not linked is reported "
        "in the result's diagnostics when the id links an enquiry to a referral of the cohort. "
        "Identical records sharing an id are one referral and are not reported.",
        "Ofsted Annex A names no referral for an enquiry: `read_annex_a` links each enquiry "
        "of list 5 to the child's latest referral (list 3) on or before its start, so from "
        "Annex A the figure rests on that link.",
        "The enquiry may start after the period ends, so a recent period's figure can rise "
        "when the next return arrives.",
        _DUPLICATE_NOTE + " An enquiry linked to a duplicate counts for the kept referral: the "
        "records are one referral and the enquiry followed it (a return files an enquiry "
        "under whichever same-day record the worker opened). If the kept record is NFA, the "
        "referral (every record of it NFA) is out of scope however many enquiries its "
        "duplicates carry.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("section 47 enquiries"),
        WORKING_TOGETHER.at("section 47 enquiries"),
    ),
    inputs=("referrals", "section47s"),
    function=referral_to_s47_rate,
)


# -- section 47 to initial conference -------------------------------------------------------


def s47_to_icpc_rate(data: Dataset | Iterable[Record], *, period: ReportingPeriod) -> Rate:
    """Share of section 47 enquiries starting in *period* that went on to an initial conference.

    Args:
        data: A `Dataset`, or records; reads `section47s`.
        period: The reporting period the enquiries start in.

    Returns:
        A `Rate` over the enquiries.

    Notes:
        - The cohort is the enquiries whose `start_date` is in *period*; the conference may
          be after *period* ends.
        - An enquiry counts when it has an `icpc_date`, as SPEC §4.2 defines it; a
          conference dated before the enquiry's start still counts.
        - An enquiry with an `icpc_date` that is also marked `icpc_not_required` is
          contradictory; a recorded conference is a conference, so it counts, as it stays
          in the cohorts of `icpc-15wd` and `icpc-to-cpp`. The contradiction is reported
          in the result's diagnostics (CIN census rule 8868).
        - An enquiry with no `start_date` is excluded `missing-start` when its conference
          is dated in *period*, and out of scope otherwise (it cannot be placed in a period).

    References:
        - DfE, Characteristics of children in need (section 47 enquiries and ICPCs).
        - DfE, Children in need census guide, N00148 S47ActualStartDate, N00110 DateOfInitialCPC.
    """
    dataset = as_dataset(data)
    start = dataset.dates("section47s", "start_date")
    icpc = dataset.dates("section47s", "icpc_date")
    missing_start = np.isnat(start)
    in_scope = in_period(period, start) | (missing_start & in_period(period, icpc))
    return Rate.from_flags(
        indicator_id=S47_TO_ICPC.id,
        table="section47s",
        in_scope=in_scope,
        hit=~np.isnat(icpc),
        child_ids=dataset.deferred_child_ids("section47s"),
        excluded={"missing-start": missing_start},
        diagnostics=icpc_not_required_diagnostics(dataset, in_scope),
    )


S47_TO_ICPC = Indicator(
    id="s47-to-icpc",
    title="Section 47 enquiries that led to an initial child protection conference",
    kind="rate",
    polarity=Polarity.NEUTRAL,
    cohort="Section 47 enquiries starting in the period.",
    numerator="Enquiries with an initial child protection conference date (icpc_date).",
    denominator="Enquiries starting in the period, less exclusions.",
    exclusions={
        "missing-start": (
            "The enquiry has no start date but its conference is dated in the period."
        )
    },
    notes=(
        "An enquiry with a conference date that is also marked ICPCnotRequired is "
        "contradictory; a recorded conference is a conference (SPEC §4.1, §4.2), so it "
        "counts, as it does in `icpc-15wd` and `icpc-to-cpp`. The contradiction is reported "
        "in the result's diagnostics (CIN census rule 8868).",
        "A conference dated before its enquiry's start is still a conference and counts.",
        "The conference may be after the period ends, so a recent period's figure can rise "
        "when the next return arrives.",
        "An enquiry with no start date is excluded `missing-start` when its conference is in "
        "the period; otherwise it cannot be placed in any period and is out of scope.",
    ),
    sources=(
        CHILDREN_IN_NEED.at("section 47 enquiries and initial child protection conferences"),
        CIN_CENSUS_GUIDE.at("N00148 S47ActualStartDate, N00110 DateOfInitialCPC"),
    ),
    inputs=("section47s",),
    function=s47_to_icpc_rate,
)


# -- initial conference to plan -------------------------------------------------------------


def icpc_to_plan_rate(data: Dataset | Iterable[Record], *, period: ReportingPeriod) -> Rate:
    """Share of initial child protection conferences in *period* that led to a plan.

    Args:
        data: A `Dataset`, or records; reads `section47s` and `cp_plans`.
        period: The reporting period the conferences are dated in.

    Returns:
        A `Rate` over the enquiries (one per conference).

    Notes:
        - The cohort is the enquiries with `icpc_date` in *period*: the cohort of
          `icpc-15wd`, including conferences dated before their enquiry's start and
          enquiries with no start date.
        - A recorded conference is a conference: an enquiry with an `icpc_date` that is
          also marked `icpc_not_required` stays in the cohort, and the contradiction is
          reported in the result's diagnostics (CIN census rule 8868).
        - A conference counts when a child protection plan for the same child starts on the
          conference date (CIN census rule 2885); a plan starting a day later does not.
        - Each enquiry is one conference: two enquiries of one child with the same
          conference date both count, and one plan can follow both.

    References:
        - DfE, Children in need census guide, validation rule 2885 (a plan starts on the
          date of an initial conference).
        - DfE, Characteristics of children in need (ICPCs and plans starting).
    """
    dataset = as_dataset(data)
    icpc = dataset.dates("section47s", "icpc_date")
    in_scope = in_period(period, icpc)  # NaT (no conference) is in no period
    plan_keys = np.sort(  # repeated keys do no harm to the look-up below
        child_day_keys(
            dataset.child_codes("cp_plans"), day_numbers(dataset.dates("cp_plans", "start_date"))
        )
    )
    # Only conferences in the cohort are looked up: the flag is read nowhere else.
    cohort = np.flatnonzero(in_scope)
    conference_keys = child_day_keys(
        dataset.child_codes("section47s")[cohort], day_numbers(icpc[cohort])
    )
    followed = np.zeros(len(icpc), dtype=np.bool_)
    if len(plan_keys):
        position = np.minimum(np.searchsorted(plan_keys, conference_keys), len(plan_keys) - 1)
        followed[cohort] = plan_keys[position] == conference_keys
    return Rate.from_flags(
        indicator_id=ICPC_TO_CPP.id,
        table="section47s",
        in_scope=in_scope,
        hit=followed,
        child_ids=dataset.deferred_child_ids("section47s"),
        diagnostics=icpc_not_required_diagnostics(dataset, in_scope),
    )


ICPC_TO_CPP = Indicator(
    id="icpc-to-cpp",
    title="Initial child protection conferences that led to a child protection plan",
    kind="rate",
    polarity=Polarity.NEUTRAL,
    cohort=(
        "Initial child protection conferences dated in the period (section 47 enquiries with a "
        "conference date, whatever ICPCnotRequired says), including conferences dated before "
        "their enquiry's start."
    ),
    numerator="Conferences followed by a child protection plan for the same child starting on the conference date.",
    denominator="Conferences in the period.",
    notes=(
        "The plan must start on the conference date itself (CIN census rule 2885); the plan "
        "need not carry the enquiry's referral id.",
        "Enquiries with no start date are still conferences and stay in the cohort.",
        "A recorded conference is a conference (SPEC §4.1): an enquiry with a conference date "
        "that is also marked ICPCnotRequired stays in the cohort, and the contradiction is "
        "reported in the result's diagnostics (CIN census rule 8868).",
        "Each enquiry record is one conference; one plan may follow two conferences of the "
        "same child on the same day.",
    ),
    sources=(
        CIN_CENSUS_GUIDE.at("validation rule 2885; N00110 DateOfInitialCPC, CPPstartDate"),
        CHILDREN_IN_NEED.at("initial child protection conferences; plans starting"),
    ),
    inputs=("section47s", "cp_plans"),
    function=icpc_to_plan_rate,
)


CARDS: tuple[Indicator, ...] = (
    RE_REFERRALS_12M,
    CHILDREN_RE_REFERRED_12M,
    REFERRALS_NFA,
    REFERRALS_TO_S47,
    S47_TO_ICPC,
    ICPC_TO_CPP,
)
