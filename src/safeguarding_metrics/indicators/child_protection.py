"""Child protection plan indicators: repeat plans, long plans and how long plans last."""

from collections.abc import Iterable
from typing import Literal

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import day_numbers
from safeguarding_metrics.catalogue import (
    CHILDREN_IN_NEED,
    CIN_CENSUS_GUIDE,
    NATIONAL_INDICATORS,
    EnglandFigure,
    History,
    Indicator,
    Option,
    Source,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.indicators._kernels import (
    NAT_DAY,
    SameDayGroups,
    add_months_days,
    cached,
    check_choice,
    child_day_keys,
    child_day_order,
    frozen,
    in_period,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Record
from safeguarding_metrics.results import Band, Distribution, Polarity, Rate
from safeguarding_metrics.ties import content_rank, tie_diagnostics_per_pair

__all__ = [
    "BASES",
    "CARDS",
    "CPP_DURATIONS",
    "CPP_ENDED_2Y_PLUS",
    "CPP_OPEN_2Y_PLUS",
    "CPP_REPEAT_WITHIN_2Y",
    "CPP_SECOND_OR_SUBSEQUENT",
    "DURATION_BANDS",
    "THRESHOLDS",
    "long_plan_ended_rate",
    "long_plan_open_rate",
    "plan_duration_distribution",
    "repeat_plan_within_2y_rate",
    "second_plan_rate",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DayArray = npt.NDArray[np.datetime64]

NI64_MIN_DAYS = 729
"""NI 64: a plan lasting "more than 729 calendar days including days of cessation"."""
TWO_YEARS_DAYS = 730
"""Two years read as 730 days (the `730-days` threshold)."""
TWO_YEARS_MONTHS = 24
"""Two years read as 24 calendar months (the `calendar` threshold; `cpp-repeat-within-2y`)."""

Basis = Literal["either", "history", "recorded"]
BASES: tuple[Basis, ...] = ("either", "history", "recorded")
Threshold = Literal["ni64", "730-days", "calendar"]
THRESHOLDS: tuple[Threshold, ...] = ("ni64", "730-days", "calendar")

HAMPSHIRE_PERFORMANCE_REPORT = Source(
    title="Children's services performance report (repeat child protection plans within two years)",
    publisher="Hampshire County Council",
)
"""The local report that uses the two-year repeat-plan variant (SPEC §4.3)."""


PLAN_TIE_RULE = "the same child and start date, the same linked referral_id and the same end date"
"""What two same-day plans tie on when their content decides which is kept."""


class _Plans:
    """The plan columns every indicator of the family reads, duplicates resolved.

    Built once per dataset (see `cached`); nothing here depends on the period.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.child_ids = dataset.deferred_child_ids("cp_plans")
        self.codes = dataset.child_codes("cp_plans")
        self.start = dataset.dates("cp_plans", "start_date")
        self.end = dataset.dates("cp_plans", "end_date")
        self.start_days = day_numbers(self.start)
        self.end_days = day_numbers(self.end)
        self.ended = frozen(~np.isnat(self.end))
        # SPEC §3: the kept plan of a same-day group is the first by linked referral id
        # (readers number a return's same-day referrals in return order), then by end date
        # (an open plan last), then by its other fields, so the choice never depends on the
        # order of the records.
        self.groups = SameDayGroups(
            self.codes,
            self.start_days,
            keys=(
                dataset.column("cp_plans", "referral_id"),
                np.where(self.ended, self.end_days, np.iinfo(np.int64).max),
            ),
            content=lambda rows: content_rank(dataset, "cp_plans", rows),
        )
        self.kept = self.groups.kept
        self.duplicate = self.groups.duplicate
        self.end_before_start = frozen(self.ended & (self.end_days < self.start_days))
        self._months: dict[int, IntArray] = {}
        self._by_child_and_start: IntArray | None = None

    @classmethod
    def of(cls, dataset: Dataset) -> "_Plans":
        """The plans of *dataset*, built on first use and kept with it."""
        return cached(dataset, "cp-plan-groups", lambda: cls(dataset))

    def tie_diagnostics(self, dataset: Dataset, rows: BoolArray) -> list[Diagnostic]:
        """Diagnostics for the same-day ties broken by content whose kept plan is in *rows*.

        *dataset* is the one the plans were read from (not kept here, see `cached`).
        """
        return self.groups.diagnostics_in(
            rows,
            lambda kept, others: tie_diagnostics_per_pair(
                dataset, "cp_plans", kept, others, rule=PLAN_TIE_RULE
            ),
        )

    def start_plus_months(self, months: int) -> IntArray:
        """Day numbers of `add_months(start, months)` for every plan, kept for reuse."""
        found = self._months.get(months)
        if found is None:
            found = self._months[months] = frozen(add_months_days(self.start, months))
        return found

    def by_child_and_start(self) -> IntArray:
        """Every plan's row, by child, then start day, then row; made once."""
        if self._by_child_and_start is None:
            order, _ = child_day_order(self.codes, self.start_days)
            self._by_child_and_start = frozen(order)
        return self._by_child_and_start

    def earlier_plans(self) -> IntArray:
        """How many other plans of the child (duplicates once) started before each plan."""
        order = self.by_child_and_start()
        order = order[self.kept[order]]  # kept plans: one per (child, start day)
        codes = self.codes[order]
        new_child = np.ones(len(order), dtype=np.bool_)
        new_child[1:] = codes[1:] != codes[:-1]
        positions = np.arange(len(order), dtype=np.int64)
        first = np.maximum.accumulate(np.where(new_child, positions, 0))
        earlier = np.zeros(len(self.codes), dtype=np.int64)
        earlier[order] = positions - first
        return self.groups.as_kept(earlier)

    def ended_between(self, lower: IntArray, upper: IntArray) -> IntArray:
        """How many other plans of each row's child ended on a day in `[lower, upper]`.

        Only kept plans with an end on or after their start are counted.
        """
        usable = self.kept & self.ended & ~self.end_before_start
        keys = np.sort(child_day_keys(self.codes[usable], self.end_days[usable]))
        # Looked up by child and start (the callers' windows move with the start), each
        # search starts from the answer before it: numpy's search does, for sorted needles.
        order = self.by_child_and_start()
        codes = self.codes[order]
        low = np.empty(len(order), dtype=np.intp)
        high = np.empty(len(order), dtype=np.intp)
        low[order] = np.searchsorted(keys, child_day_keys(codes, lower[order]), side="left")
        high[order] = np.searchsorted(keys, child_day_keys(codes, upper[order]), side="right")
        itself = usable & (self.end_days >= lower) & (self.end_days <= upper)
        counts: IntArray = (high - low - itself).astype(np.int64)
        return counts


def _lasted(plans: "_Plans", end_days: IntArray, threshold: Threshold) -> BoolArray:
    """Whether each plan, from its start to *end_days*, lasted two years or more under *threshold*."""
    start_days = plans.start_days
    if threshold == "ni64":
        return end_days - start_days >= NI64_MIN_DAYS
    if threshold == "730-days":
        return end_days - start_days >= TWO_YEARS_DAYS
    return _on_or_after(end_days, plans.start_plus_months(TWO_YEARS_MONTHS))


def _on_or_after(days: IntArray, bound: IntArray) -> BoolArray:
    """`days >= bound` as for dates: False where either is missing (NaT)."""
    result: BoolArray = (days >= bound) & (days != NAT_DAY) & (bound != NAT_DAY)
    return result


_DUPLICATE = {
    "duplicate": (
        "A second plan of the same child starting on the same date: the two are one plan, and "
        "the first by linked referral id, then end date, then its other fields, is kept."
    )
}
_DUPLICATE_NOTE = (
    "Two plans of one child starting on the same date are one plan (the CIN census identifies a "
    "plan by child and start date): the one whose linked referral id sorts first (readers "
    "number a return's same-day referrals in return order), then the earliest end date (an "
    "open plan last), is counted and the others are excluded as `duplicate`. Plans equal on "
    "both are told apart by their other fields in field order (previous_plans, the initial "
    "and latest categories, the review dates; a missing value first), never by the order "
    "they are given in, and each such tie is reported in the result's diagnostics. Fully "
    "identical plans give no diagnostic: their `duplicate` exclusion already reports them."
)
_THRESHOLD_OPTION = Option(
    name="threshold",
    default="ni64",
    choices=THRESHOLDS,
    description=(
        "`ni64` (default): at least 729 days between start and end, NI 64's 'more than 729 "
        "calendar days including days of cessation'. `730-days`: at least 730 days. "
        "`calendar`: the end is on or after the second anniversary of the start "
        "(add_months(start, 24))."
    ),
)


# -- second or subsequent plans --------------------------------------------------------------


def second_plan_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    basis: Basis = "either",
) -> Rate:
    """Share of plans starting in *period* for a child who had a plan before (NI 65).

    Args:
        data: A `Dataset`, or records; reads `cp_plans`.
        period: The reporting period the plans start in.
        basis: `either` (the default), `history` or `recorded`; see Notes.

    Returns:
        A `Rate` over the plans; the audit's measures hold `earlier_plans` (how many plans
        of the child in the data started earlier) and `previous_plans` (as recorded).

    Notes:
        - Each plan starting in *period* is in the cohort, so a child with two new plans in
          the year counts twice.
        - `history`: the child has another plan in the data that started before this one,
          however long ago, even one still open or one with its end before its start.
        - `recorded`: the plan's `previous_plans` (NumberOfPreviousCPP) is 1 or more; a
          missing value is not evidence of a previous plan.
        - `either` (the default): `history` or `recorded`.
        - A plan of the same child starting on the same day is not an earlier plan: it is a
          duplicate, excluded `duplicate`. The first by linked referral id, then end date,
          then its other fields in field order (so the smaller `previous_plans`, a missing
          one first) is kept, whatever the order of the records; a tie broken by those
          other fields is reported in the result's diagnostics.

    References:
        - DfE, Characteristics of children in need, table D3 (second or subsequent plans).
        - NI 65: "regardless of how long ago" the previous plan was.
    """
    dataset = as_dataset(data)
    check_choice(CPP_SECOND_OR_SUBSEQUENT.id, "basis", basis, BASES)
    plans = _Plans.of(dataset)
    earlier = plans.earlier_plans()
    recorded_count = dataset.column("cp_plans", "previous_plans")
    history = earlier > 0
    recorded = recorded_count >= 1  # nan compares False
    hit = {"history": history, "recorded": recorded, "either": history | recorded}[basis]
    in_scope = in_period(period, plans.start)
    return Rate.from_flags(
        indicator_id=CPP_SECOND_OR_SUBSEQUENT.id,
        table="cp_plans",
        in_scope=in_scope,
        hit=hit,
        child_ids=plans.child_ids,
        excluded={"duplicate": plans.duplicate},
        measures={"earlier_plans": earlier.astype(np.float64), "previous_plans": recorded_count},
        diagnostics=plans.tie_diagnostics(dataset, in_scope),
    )


CPP_SECOND_OR_SUBSEQUENT = Indicator(
    id="cpp-second-or-subsequent",
    title="Child protection plans starting in the period that were a second or subsequent plan",
    kind="rate",
    polarity=Polarity.LOWER,
    legacy_codes=("NI 65",),
    cohort="Child protection plans starting in the period (each plan, so a child may count twice).",
    numerator=(
        "Plans of a child who had a previous plan, however long ago: an earlier plan in the data "
        "or a recorded number of previous plans of 1 or more (option `basis`)."
    ),
    denominator="Plans starting in the period, less same-day duplicates.",
    exclusions=_DUPLICATE,
    options=(
        Option(
            name="basis",
            default="either",
            choices=BASES,
            description=(
                "`either` (default): an earlier plan in the data or NumberOfPreviousCPP >= 1. "
                "`history`: an earlier plan in the data only (give all past years' returns). "
                "`recorded`: NumberOfPreviousCPP >= 1 only."
            ),
        ),
    ),
    notes=(
        "An earlier plan is another plan of the child that started on an earlier day; it counts "
        "even if it is still open (overlapping plans) or its end is before its start.",
        "A missing NumberOfPreviousCPP is not evidence of a previous plan.",
        "The Standard Safeguarding Dataset holds no count of previous plans "
        "(cp_plans.previous_plans is partial in `read_ssd`'s coverage): from it alone the "
        "figure is not computed, since plans before the extract's first would be missed; "
        "Annex A list 7 gives the count, and so can support it.",
        _DUPLICATE_NOTE,
    ),
    sources=(
        CHILDREN_IN_NEED.at("table D3"),
        NATIONAL_INDICATORS.at("NI 65"),
        CIN_CENSUS_GUIDE.at("NumberOfPreviousCPP"),
    ),
    england=EnglandFigure(value=24.5, period="2024-25", source=CHILDREN_IN_NEED.at("table D3")),
    needs=("cp_plans.previous_plans",),
    inputs=("cp_plans",),
    function=second_plan_rate,
)


# -- repeat plans within two years -----------------------------------------------------------


def repeat_plan_within_2y_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of plans starting in *period* for a child whose previous plan ended within two years.

    Args:
        data: A `Dataset`, or records; reads `cp_plans`.
        period: The reporting period the plans start in.

    Returns:
        A `Rate` over the plans; the audit's measure `plans_ended_in_window` counts the
        child's other plans ending in the window.

    Notes:
        - A plan counts when another plan of the child ended on or after
          `add_months(start, -24)` and on or before this plan's start: a plan ending on the
          day the new one starts counts, one ending the day before the window does not.
        - A plan still open at this plan's start, or ending after it, is not a previous
          plan that ended.
        - A plan whose end is before its own start is not used as a previous plan (its end
          cannot be trusted); it stays in the cohort if it starts in *period*.
        - A plan of the same child starting on the same day is a duplicate, excluded
          `duplicate`: the first by linked referral id, then end date, then its other
          fields is kept, and a tie broken by the other fields is reported in the
          result's diagnostics.

    References:
        - Hampshire County Council, children's services performance report (a local
          variant of NI 65).
    """
    dataset = as_dataset(data)
    plans = _Plans.of(dataset)
    lower = plans.start_plus_months(-TWO_YEARS_MONTHS)
    ended = plans.ended_between(lower, plans.start_days)
    in_scope = in_period(period, plans.start)
    return Rate.from_flags(
        indicator_id=CPP_REPEAT_WITHIN_2Y.id,
        table="cp_plans",
        in_scope=in_scope,
        hit=ended > 0,
        child_ids=plans.child_ids,
        excluded={"duplicate": plans.duplicate},
        measures={"plans_ended_in_window": ended.astype(np.float64)},
        diagnostics=plans.tie_diagnostics(dataset, in_scope),
    )


CPP_REPEAT_WITHIN_2Y = Indicator(
    id="cpp-repeat-within-2y",
    title="Child protection plans starting within two years of a previous plan ending",
    kind="rate",
    polarity=Polarity.LOWER,
    cohort="Child protection plans starting in the period.",
    numerator=(
        "Plans of a child whose previous plan ended on or after the date 24 months before this "
        "plan's start and on or before that start."
    ),
    denominator="Plans starting in the period, less same-day duplicates.",
    exclusions=_DUPLICATE,
    notes=(
        "The window is [add_months(start, -24), start], both ends included: a plan ending on the "
        "new plan's start day counts.",
        "A previous plan must have ended by this plan's start: a plan still open, or ending "
        "after this one starts (overlapping), is not counted.",
        "A plan with its end before its start is never used as the previous plan.",
        _DUPLICATE_NOTE,
    ),
    sources=(
        HAMPSHIRE_PERFORMANCE_REPORT,
        CIN_CENSUS_GUIDE.at("CPPstartDate, CPPendDate"),
    ),
    history=History(months=24),
    inputs=("cp_plans",),
    function=repeat_plan_within_2y_rate,
)


# -- long plans ------------------------------------------------------------------------------


def long_plan_ended_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    threshold: Threshold = "ni64",
) -> Rate:
    """Share of plans ending in *period* that had lasted two years or more (NI 64).

    Args:
        data: A `Dataset`, or records; reads `cp_plans`.
        period: The reporting period the plans end in.
        threshold: `ni64` (the default), `730-days` or `calendar`; see Notes.

    Returns:
        A `Rate` over the plans; the audit's measure `days` is `(end - start).days`.

    Notes:
        - The cohort is the plans with `end_date` in *period*.
        - `ni64`: the plan counts when `(end - start).days >= 729` (NI 64's "more than 729
          calendar days including days of cessation"); 728 days does not count.
        - `730-days`: `(end - start).days >= 730`.
        - `calendar`: the end is on or after `add_months(start, 24)`; a plan from
          29 February 2024 reaches two years on 28 February 2026.
        - A plan ending before it started is excluded `end-before-start`.
        - A plan of the same child starting on the same day is a duplicate, excluded
          `duplicate`: the first by linked referral id, then end date, then its other
          fields is kept, and a tie broken by the other fields is reported in the
          result's diagnostics.

    References:
        - NI 64, Child protection plans lasting 2 years or more.
        - DfE, Characteristics of children in need, table D7 (plans ceasing, by duration).
    """
    dataset = as_dataset(data)
    check_choice(CPP_ENDED_2Y_PLUS.id, "threshold", threshold, THRESHOLDS)
    plans = _Plans.of(dataset)
    in_scope = in_period(period, plans.end)
    return Rate.from_flags(
        indicator_id=CPP_ENDED_2Y_PLUS.id,
        table="cp_plans",
        in_scope=in_scope,
        hit=_lasted(plans, plans.end_days, threshold),
        child_ids=plans.child_ids,
        excluded={"duplicate": plans.duplicate, "end-before-start": plans.end_before_start},
        measures={"days": _days(plans.start_days, plans.end_days)},
        diagnostics=plans.tie_diagnostics(dataset, in_scope),
    )


def _days(start_days: IntArray, end_days: IntArray) -> npt.NDArray[np.float64]:
    missing = (start_days == NAT_DAY) | (end_days == NAT_DAY)
    return np.where(missing, np.nan, (end_days - start_days).astype(np.float64))


CPP_ENDED_2Y_PLUS = Indicator(
    id="cpp-ended-2y-plus",
    title="Child protection plans ending in the period that lasted two years or more",
    kind="rate",
    polarity=Polarity.LOWER,
    legacy_codes=("NI 64",),
    cohort="Child protection plans with an end date in the period.",
    numerator="Plans that had lasted two years or more (option `threshold`; default NI 64's 729 days).",
    denominator="Plans ending in the period, less exclusions.",
    exclusions={
        **_DUPLICATE,
        "end-before-start": "The plan's end date is before its start date.",
    },
    options=(_THRESHOLD_OPTION,),
    notes=(
        "Duration is `(end - start).days`; the default `ni64` threshold counts 729 days or more "
        "(729 days between the dates is 730 days counting both), so a plan can count one day "
        "before its second anniversary.",
        "A plan starting and ending on the same day lasted 0 days and stays in the cohort.",
        _DUPLICATE_NOTE,
    ),
    sources=(
        NATIONAL_INDICATORS.at("NI 64"),
        CHILDREN_IN_NEED.at("table D7"),
    ),
    england=EnglandFigure(value=4.4, period="2024-25", source=CHILDREN_IN_NEED.at("table D7")),
    inputs=("cp_plans",),
    function=long_plan_ended_rate,
)


def long_plan_open_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    threshold: Threshold = "ni64",
) -> Rate:
    """Share of plans open at the end of *period* that had by then lasted two years or more.

    Args:
        data: A `Dataset`, or records; reads `cp_plans`.
        period: The reporting period; plans are taken as at its last day.
        threshold: `ni64` (the default), `730-days` or `calendar`, measured at
            `period.end`.

    Returns:
        A `Rate` over the plans; the audit's measure `days` is `(period.end - start).days`.

    Notes:
        - The cohort is the plans open at `period.end`: started on or before it and not
          ended, or ended after it; a plan ending on `period.end` is not open.
        - `ni64`: `(period.end - start).days >= 729`; `730-days`: `>= 730`; `calendar`:
          `period.end >= add_months(start, 24)`.
        - Each plan counts: a child on two overlapping open plans is two rows.
        - A plan of the same child starting on the same day is a duplicate, excluded
          `duplicate`: the first by linked referral id, then end date, then its other
          fields is kept, and a tie broken by the other fields is reported in the
          result's diagnostics.

    References:
        - DfE, Characteristics of children in need (plans at 31 March by duration).
    """
    dataset = as_dataset(data)
    check_choice(CPP_OPEN_2Y_PLUS.id, "threshold", threshold, THRESHOLDS)
    plans = _Plans.of(dataset)
    as_at = np.datetime64(period.end, "D")
    open_at_end = (plans.start <= as_at) & (~plans.ended | (plans.end > as_at))
    as_at_days = day_numbers(np.full(len(plans.codes), as_at))
    return Rate.from_flags(
        indicator_id=CPP_OPEN_2Y_PLUS.id,
        table="cp_plans",
        in_scope=open_at_end,
        hit=_lasted(plans, as_at_days, threshold),
        child_ids=plans.child_ids,
        excluded={"duplicate": plans.duplicate},
        measures={"days": _days(plans.start_days, as_at_days)},
        diagnostics=plans.tie_diagnostics(dataset, open_at_end),
    )


CPP_OPEN_2Y_PLUS = Indicator(
    id="cpp-open-2y-plus",
    title="Child protection plans open at the period end that had lasted two years or more",
    kind="rate",
    polarity=Polarity.LOWER,
    cohort="Child protection plans open at the period end (a plan ending on that day is not open).",
    numerator="Plans that had lasted two years or more at the period end (option `threshold`).",
    denominator="Plans open at the period end, less same-day duplicates.",
    exclusions=_DUPLICATE,
    options=(_THRESHOLD_OPTION,),
    notes=(
        "Duration is measured from the plan's start to the period's last day, with the same "
        "thresholds as `cpp-ended-2y-plus`.",
        "The count is of plans, not children: a child on two overlapping open plans counts twice.",
        "A plan whose end is before its start cannot be open at the period end, so it needs no "
        "exclusion here.",
        _DUPLICATE_NOTE,
    ),
    sources=(CHILDREN_IN_NEED.at("child protection plans at 31 March by duration"),),
    england=EnglandFigure(
        value=2.3,
        period="2024-25",
        source=CHILDREN_IN_NEED.at("child protection plans at 31 March by duration"),
    ),
    inputs=("cp_plans",),
    function=long_plan_open_rate,
)


# -- durations (table D7) --------------------------------------------------------------------

DURATION_BANDS: tuple[Band, ...] = (
    Band("Up to 3 months"),
    Band("Over 3 months up to 6 months"),
    Band("Over 6 months under 1 year"),
    Band("1 year to under 2 years"),
    Band("2 years or more"),
)
"""The duration bands of DfE table D7, placed by calendar months (see `cpp-durations`)."""


def plan_duration_distribution(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Distribution:
    """How long the plans ending in *period* had lasted, in the bands of DfE table D7.

    Args:
        data: A `Dataset`, or records; reads `cp_plans`.
        period: The reporting period the plans end in.

    Returns:
        A `Distribution` over the plans with the median and quartiles of their length in
        days, `(end - start).days`.

    Notes:
        - Bands are placed by calendar months with `add_months`: "Up to 3 months" is
          `end <= add_months(start, 3)`; "Over 3 months up to 6 months" adds
          `end <= add_months(start, 6)`; "Over 6 months under 1 year" is
          `end < add_months(start, 12)`; "1 year to under 2 years" is
          `end < add_months(start, 24)`; then "2 years or more".
        - "2 years or more" is the `calendar` reading of two years, not NI 64's 729 days,
          so it can hold fewer plans than `cpp-ended-2y-plus` counts.
        - A plan ending before it started is excluded `end-before-start`.
        - A plan of the same child starting on the same day is a duplicate, excluded
          `duplicate`: the first by linked referral id, then end date, then its other
          fields is kept, and a tie broken by the other fields is reported in the
          result's diagnostics.

    References:
        - DfE, Characteristics of children in need, table D7 (plans ceasing, by duration).
    """
    dataset = as_dataset(data)
    plans = _Plans.of(dataset)
    end = plans.end_days
    band = np.full(len(plans.codes), len(DURATION_BANDS) - 1, dtype=np.intp)
    band[~_on_or_after(end, plans.start_plus_months(24))] = 3
    band[~_on_or_after(end, plans.start_plus_months(12))] = 2
    band[~_on_or_after(end, plans.start_plus_months(6) + 1)] = 1
    band[~_on_or_after(end, plans.start_plus_months(3) + 1)] = 0
    band[~plans.ended] = len(DURATION_BANDS) - 1  # no end: as before any comparison
    in_scope = in_period(period, plans.end)
    return Distribution.from_values(
        indicator_id=CPP_DURATIONS.id,
        table="cp_plans",
        values=_days(plans.start_days, plans.end_days),
        in_scope=in_scope,
        bands=DURATION_BANDS,
        child_ids=plans.child_ids,
        unit="days",
        excluded={"duplicate": plans.duplicate, "end-before-start": plans.end_before_start},
        band_index=band,
        diagnostics=plans.tie_diagnostics(dataset, in_scope),
    )


CPP_DURATIONS = Indicator(
    id="cpp-durations",
    title="Child protection plans ending in the period, by how long they lasted",
    kind="distribution",
    polarity=Polarity.LOWER,
    cohort="Child protection plans with an end date in the period.",
    numerator="Plans in each duration band (DfE table D7), with the median and quartiles in days.",
    exclusions={
        **_DUPLICATE,
        "end-before-start": "The plan's end date is before its start date.",
    },
    notes=(
        "Bands use calendar months: up to 3 months means the end is on or before the date 3 "
        "months after the start; over 3 up to 6 months, on or before 6 months; over 6 months "
        "under 1 year, before the first anniversary; 1 to under 2 years, before the second; "
        "2 years or more, on or after the second anniversary.",
        "'2 years or more' uses calendar months, unlike NI 64's 729 days in `cpp-ended-2y-plus`.",
        "The median and quartiles are of `(end - start).days`, interpolated linearly.",
        _DUPLICATE_NOTE,
    ),
    sources=(CHILDREN_IN_NEED.at("table D7"),),
    inputs=("cp_plans",),
    function=plan_duration_distribution,
)


CARDS: tuple[Indicator, ...] = (
    CPP_SECOND_OR_SUBSEQUENT,
    CPP_REPEAT_WITHIN_2Y,
    CPP_ENDED_2Y_PLUS,
    CPP_OPEN_2Y_PLUS,
    CPP_DURATIONS,
)
