"""Timescale indicators: how quickly assessments, conferences, contact decisions and reviews happen.

Durations are counted in working days with the start day as day 0 (SPEC §1), so "within 45
working days" means `working_days_between(start, end) <= 45`; child protection reviews are
timed in calendar months with `add_months` (SPEC §2).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import DeferredText
from safeguarding_metrics._dates import NAT, DayArray
from safeguarding_metrics.catalogue import (
    CHILDREN_IN_NEED,
    CIN_CENSUS_GUIDE,
    NATIONAL_INDICATORS,
    WORKING_TOGETHER,
    EnglandFigure,
    Indicator,
    Option,
    Source,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError, SafeguardingMetricsError
from safeguarding_metrics.indicators._kernels import (
    icpc_not_required_diagnostics,
    in_period,
    shift_months,
)
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.records import AssessmentKind, Record
from safeguarding_metrics.results import Band, Distribution, Polarity, Rate
from safeguarding_metrics.ties import shared_referral_id_diagnostics
from safeguarding_metrics.working_days import (
    ENGLAND_FIRST_DAY,
    ENGLAND_LAST_DAY,
    WorkingDayCalendar,
)

__all__ = [
    "ASSESSMENT_45WD",
    "ASSESSMENT_DURATIONS",
    "ASSESSMENT_DURATION_BANDS",
    "ASSESSMENT_MAX_WORKING_DAYS",
    "CARDS",
    "CONTACT_DECISION_1WD",
    "CONTACT_DECISION_MAX_WORKING_DAYS",
    "CORE_ASSESSMENT_35WD",
    "CORE_ASSESSMENT_MAX_WORKING_DAYS",
    "CP_FIRST_REVIEW_MONTHS",
    "CP_REVIEWS_IN_TIMESCALE",
    "CP_REVIEW_INTERVAL_MONTHS",
    "ICPC_15WD",
    "ICPC_DURATIONS",
    "ICPC_DURATION_BANDS",
    "ICPC_MAX_WORKING_DAYS",
    "INITIAL_ASSESSMENT_10WD",
    "INITIAL_ASSESSMENT_MAX_WORKING_DAYS",
    "Durations",
    "assessment_duration_distribution",
    "assessment_durations",
    "assessment_timeliness_rate",
    "assessments_within_rate",
    "contact_decision_timeliness_rate",
    "core_assessment_timeliness_rate",
    "cp_review_timeliness_rate",
    "icpc_duration_distribution",
    "icpc_durations",
    "icpc_timeliness_rate",
    "initial_assessment_timeliness_rate",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]
DataLike: TypeAlias = Dataset | Iterable[Record]

# Working Together to Safeguard Children 2013 onwards: a single assessment within 45 working days.
ASSESSMENT_MAX_WORKING_DAYS = 45
# NI 59 (National Indicators handbook, 2008): initial assessments within 10 working days.
INITIAL_ASSESSMENT_MAX_WORKING_DAYS = 10
# NI 60 (National Indicators handbook, 2008): core assessments within 35 working days.
CORE_ASSESSMENT_MAX_WORKING_DAYS = 35
# Working Together: the ICPC within 15 working days of the strategy discussion.
ICPC_MAX_WORKING_DAYS = 15
# Working Together (2018 onwards): a decision on the response within one working day of a
# referral being received; councils apply it to contacts at the front door (Annex A list 1).
CONTACT_DECISION_MAX_WORKING_DAYS = 1
# Working Together: the first review conference within three months of the initial conference.
CP_FIRST_REVIEW_MONTHS = 3
# Working Together: further reviews at intervals of no more than six months.
CP_REVIEW_INTERVAL_MONTHS = 6

ANCHOR_ASSESSMENT_START = "assessment-start"
ANCHOR_REFERRAL = "referral"
_ANCHORS = (ANCHOR_ASSESSMENT_START, ANCHOR_REFERRAL)

ASSESSMENT_DURATION_BANDS: tuple[Band, ...] = (
    Band("0", 0, 1),
    Band("1–10", 1, 11),
    Band("11–20", 11, 21),
    Band("21–30", 21, 31),
    Band("31–40", 31, 41),
    Band("41–45", 41, 46),
    Band("46–50", 46, 51),
    Band("51–60", 51, 61),
    Band("61+", 61, None),
)
"""DfE table C2's working-day bands for completed assessments ("0" is the same day)."""

ICPC_DURATION_BANDS: tuple[Band, ...] = (
    Band("0–10", 0, 11),
    Band("11–15", 11, 16),
    Band("16–20", 16, 21),
    Band("21+", 21, None),
)
"""DfE table C4's working-day bands from strategy discussion to initial conference."""

MISSING_START = "missing-start"
MISSING_REFERRAL = "missing-referral"
OUTSIDE_CALENDAR = "outside-calendar"
END_BEFORE_START = "end-before-start"
_KNOWN_REASONS = (MISSING_START, MISSING_REFERRAL, OUTSIDE_CALENDAR, END_BEFORE_START)
"""Every reason the kernel can give, in the cards' order (the kernel's masks are disjoint)."""
_ASSESSMENT_REASONS = _KNOWN_REASONS

_OUTSIDE_CALENDAR_TEXT = (
    "A date the duration is counted from or to lies outside the working-day calendar's "
    f"coverage ({ENGLAND_FIRST_DAY.isoformat()} to {ENGLAND_LAST_DAY.isoformat()} for England; "
    "a custom calendar's first_day to last_day), e.g. a year typed as 2204."
)
_OUTSIDE_CALENDAR_NOTE = (
    "A date the duration needs that lies outside the working-day calendar's coverage (a "
    "typo such as 2204) is excluded as `outside-calendar` rather than raising "
    "CalendarCoverageError; reasons are judged in order missing-*, outside-calendar, "
    "end-before-start, so a typo'd date is reported as such even when it also makes the end "
    "fall before the start."
)


# -- shared kernel ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True, eq=False)
class Durations:
    """Working-day durations of one collection's records, with the cohort and exclusions.

    Attributes:
        table: The collection the rows come from.
        child_ids: The child of each row.
        in_scope: The rows in the cohort (before exclusions).
        clock_start: The day each duration is counted from (`NaT` where unknown).
        working_days: `working_days_between(clock_start, end)` for in-scope rows with both
            dates inside the calendar's coverage, `nan` elsewhere.
        excluded: Reason code -> rows excluded for it, one entry for every reason this
            computation can give (even when no row has it); no row has two reasons.
        diagnostics: What the computation had to decide about the records (a conference
            also marked not required, a referral id shared by several referrals).
    """

    table: str
    child_ids: npt.NDArray[np.str_] | DeferredText
    in_scope: BoolArray
    clock_start: DayArray
    working_days: FloatArray
    excluded: Mapping[str, BoolArray]
    diagnostics: tuple[Diagnostic, ...] = ()

    def exclusions(self, reasons: Sequence[str]) -> dict[str, BoolArray]:
        """The exclusion masks in the order of *reasons* (a card's), one for each reason.

        A reason of *reasons* this computation cannot give gets an empty mask, so it is
        reported with a count of zero.

        Raises:
            SafeguardingMetricsError: if a reason this computation can give is missing from
                *reasons* (its rows would silently move into the denominator), or a reason
                is not one the kernel knows.
        """
        unknown = [reason for reason in reasons if reason not in _KNOWN_REASONS]
        if unknown:
            known = ", ".join(repr(r) for r in _KNOWN_REASONS)
            raise SafeguardingMetricsError(
                f"{self.table}: exclusion reason {unknown[0]!r} is not one of {known}"
            )
        unlisted = [reason for reason in self.excluded if reason not in reasons]
        if unlisted:
            raise SafeguardingMetricsError(
                f"{self.table}: exclusion reason {unlisted[0]!r} can apply here "
                f"({int(np.count_nonzero(self.in_scope & self.excluded[unlisted[0]]))} rows "
                "now) but is not among the reasons to report, so its rows would be counted "
                "in the denominator"
            )
        empty = np.zeros(len(self.in_scope), dtype=np.bool_)
        return {reason: self.excluded.get(reason, empty) for reason in reasons}

    def within_rate(self, *, indicator_id: str, limit: int, reasons: Sequence[str]) -> Rate:
        """The share of in-scope, non-excluded rows whose duration is at most *limit*.

        Raises:
            SafeguardingMetricsError: if *reasons* leaves out a reason that can apply.
        """
        return Rate.from_flags(
            indicator_id=indicator_id,
            table=self.table,
            in_scope=self.in_scope,
            hit=self.working_days <= limit,  # nan (no end yet) is never within
            child_ids=self.child_ids,
            excluded=self.exclusions(reasons),
            measures={"working_days": self.working_days, "clock_start": self.clock_start},
            diagnostics=self.diagnostics,
        )

    def distribution(
        self, *, indicator_id: str, bands: Sequence[Band], reasons: Sequence[str]
    ) -> Distribution:
        """The in-scope, non-excluded durations in *bands*, with median and quartiles.

        Raises:
            SafeguardingMetricsError: if *reasons* leaves out a reason that can apply.
        """
        return Distribution.from_values(
            indicator_id=indicator_id,
            table=self.table,
            values=self.working_days,
            in_scope=self.in_scope,
            bands=bands,
            child_ids=self.child_ids,
            unit="working days",
            excluded=self.exclusions(reasons),
            diagnostics=self.diagnostics,
        )


def _calendar(calendar: WorkingDayCalendar | None) -> WorkingDayCalendar:
    return WorkingDayCalendar.england() if calendar is None else calendar


def _uncovered(days: DayArray, calendar: WorkingDayCalendar) -> BoolArray:
    """Whether each day lies outside *calendar*'s coverage or is missing (`NaT`)."""
    first = np.datetime64(calendar.first_day, "D").astype(np.int64)
    size = (calendar.last_day - calendar.first_day).days + 1
    # One unsigned comparison catches days before, after, and NaT (a huge negative number,
    # which wraps to a huge positive one).
    with np.errstate(over="ignore"):
        offsets = days.view(np.int64) - first
    result: BoolArray = offsets.view(np.uint64) >= size
    return result


def _timed(
    *,
    table: str,
    child_ids: npt.NDArray[np.str_] | DeferredText,
    in_scope: BoolArray,
    start: DayArray,
    end: DayArray,
    calendar: WorkingDayCalendar,
    extra: Mapping[str, BoolArray] | None = None,
    start_defines_cohort: bool = False,
    diagnostics: Sequence[Diagnostic] = (),
) -> Durations:
    """Count working days from *start* to *end* for the in-scope rows.

    With *start_defines_cohort* (the cohort is chosen by the start date, so an in-scope
    start is never missing) `missing-start` is not among the reasons the result can give.

    Each in-scope row gets the first reason that applies: rows of *extra* (the referral
    anchor's `missing-referral`, whose start is then unknown) first; then a missing start
    is `missing-start`; then a start or an end outside the calendar's coverage is
    `outside-calendar`; then an end dated before its start (compared as dates) is
    `end-before-start`. A missing end is not an exclusion: the row keeps `nan` working days
    (never within a limit). The masks returned are disjoint.
    """
    extra = {reason: in_scope & flags for reason, flags in (extra or {}).items()}
    unusable = np.zeros(len(in_scope), dtype=np.bool_)
    for flags in extra.values():
        unusable |= flags
    counted = in_scope & ~unusable
    missing_start = counted & np.isnat(start)
    # Only the dated rows of the cohort are read further, so a stray date in an
    # out-of-scope record, or in one already excluded, never meets the calendar's check.
    dated = np.flatnonzero(counted & ~missing_start)
    starts, ends = start[dated], end[dated]
    bad_start = _uncovered(starts, calendar)
    bad_end = _uncovered(ends, calendar)
    outside = np.zeros(len(in_scope), dtype=np.bool_)
    outside[dated] = bad_start | (bad_end & ~np.isnat(ends))
    good = ~bad_start & ~bad_end
    usable, starts, ends = dated[good], starts[good], ends[good]
    days = np.full(len(in_scope), np.nan)
    days[usable] = calendar.working_days_between(starts, ends)
    end_before_start = np.zeros(len(in_scope), dtype=np.bool_)
    end_before_start[usable] = ends < starts
    excluded = {
        MISSING_START: missing_start,
        **extra,
        OUTSIDE_CALENDAR: outside,
        END_BEFORE_START: end_before_start,
    }
    if start_defines_cohort:
        if missing_start.any():
            raise SafeguardingMetricsError(f"{table}: an in-scope row has no start date")
        del excluded[MISSING_START]
    return Durations(
        table=table,
        child_ids=child_ids,
        in_scope=in_scope,
        clock_start=np.where(counted, start, NAT),
        working_days=days,
        excluded=excluded,
        diagnostics=tuple(diagnostics),
    )


def _check_anchor(anchor: str) -> None:
    if anchor not in _ANCHORS:
        choices = ", ".join(repr(a) for a in _ANCHORS)
        raise InvalidOptionError(f"option anchor={anchor!r} is not one of {choices}")


# -- assessments -----------------------------------------------------------------------------


def assessment_durations(
    data: DataLike,
    *,
    period: ReportingPeriod,
    kind: AssessmentKind | str = AssessmentKind.SINGLE,
    calendar: WorkingDayCalendar | None = None,
    anchor: str = ANCHOR_ASSESSMENT_START,
) -> Durations:
    """Working days taken by each assessment of *kind* authorised in *period*.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period; assessments authorised in it form the cohort.
        kind: Which assessments: `single`, `initial` or `core`.
        calendar: The working-day calendar; the England calendar when `None`.
        anchor: `"assessment-start"` times the assessment from its own start date;
            `"referral"` from the date of the referral it belongs to.

    Returns:
        The durations, the cohort, and the rows excluded as `missing-start`,
        `missing-referral` (referral anchor only), `outside-calendar` or
        `end-before-start`.
    """
    dataset = as_dataset(data)
    _check_anchor(anchor)
    try:
        kind = AssessmentKind(kind)
    except ValueError:
        choices = ", ".join(repr(k.value) for k in AssessmentKind)
        raise InvalidOptionError(f"kind={kind!r} is not one of {choices}") from None
    authorised = dataset.dates("assessments", "authorisation_date")
    in_scope = (dataset.column("assessments", "kind") == kind.value) & in_period(period, authorised)
    diagnostics: list[Diagnostic] = []
    if anchor == ANCHOR_REFERRAL:
        links = dataset.referral_rows("assessments")
        referral_dates = dataset.dates("referrals", "referral_date")
        linked = links >= 0
        start: DayArray = np.full(len(links), NAT)
        start[linked] = referral_dates[links[linked]]
        extra = {MISSING_REFERRAL: in_scope & ~linked}
        diagnostics = shared_referral_id_diagnostics(dataset, "assessments", in_scope)
    else:
        start = dataset.dates("assessments", "start_date")
        extra = {}
    return _timed(
        table="assessments",
        child_ids=dataset.deferred_child_ids("assessments"),
        in_scope=in_scope,
        start=start,
        end=authorised,
        calendar=_calendar(calendar),
        extra=extra,
        diagnostics=diagnostics,
    )


def assessments_within_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    kind: AssessmentKind | str,
    limit: int,
    indicator_id: str,
    calendar: WorkingDayCalendar | None = None,
    anchor: str = ANCHOR_ASSESSMENT_START,
    reasons: Sequence[str] = _ASSESSMENT_REASONS,
) -> Rate:
    """Share of assessments of *kind* authorised in *period* within *limit* working days.

    The kernel behind `assessment-45wd`, `initial-assessment-10wd` and
    `core-assessment-35wd`; see `assessment_durations` for the cohort and exclusions.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        kind: Which assessments: `single`, `initial` or `core`.
        limit: The most working days an assessment may take and be on time.
        indicator_id: The id the result carries.
        calendar: The working-day calendar; the England calendar when `None`.
        anchor: `"assessment-start"` or `"referral"`.
        reasons: The exclusion reasons to report, in order (the card's). It must include
            every reason the computation can give: `missing-start`, `outside-calendar`,
            `end-before-start`, and `missing-referral` with the referral anchor.

    Returns:
        The rate, whose audit carries `working_days` and `clock_start` per assessment.

    Raises:
        SafeguardingMetricsError: if *reasons* leaves out a reason the computation can
            give (its rows would otherwise be counted late), or names an unknown one.
    """
    durations = assessment_durations(
        data, period=period, kind=kind, calendar=calendar, anchor=anchor
    )
    return durations.within_rate(indicator_id=indicator_id, limit=limit, reasons=reasons)


def assessment_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
    anchor: str = ANCHOR_ASSESSMENT_START,
) -> Rate:
    """Share of single assessments completed in *period* within 45 working days.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.
        anchor: `"assessment-start"` (default) or `"referral"`.

    Returns:
        The rate; its audit carries `working_days` and `clock_start` per assessment.

    Notes:
        - The cohort is single assessments whose authorisation date is in *period*, both
          ends included; initial and core assessments are out of scope.
        - The clock start is day 0: an assessment authorised on the 45th working day after
          it started is on time, on the 46th it is late.
        - An assessment authorised at a weekend after its 45th working day took 45 working
          days, so it is on time.
        - Bank holidays and the calendar's closure days are not working days.
        - An assessment with no start date is excluded (`missing-start`).
        - An assessment authorised before the day its clock started is excluded
          (`end-before-start`), compared as dates even when no working day lies between.
        - With `anchor="referral"` the clock starts on the date of the linked referral; an
          assessment with no referral id, or one not among the referrals given, is excluded
          (`missing-referral`); its own start date is then not needed.
        - With `anchor="referral"`, where several different referrals share the
          assessment's `referral_id` (a data error), the clock starts at the earliest of
          them, whatever the order of the records, and each referral not used is reported
          in the result's diagnostics.
        - An assessment whose clock start or authorisation date lies outside the calendar's
          coverage (a typo such as 2204) is excluded (`outside-calendar`), after
          `missing-start` and `missing-referral` and before `end-before-start`.

    References:
        - DfE, Working Together to Safeguard Children (2013 onwards): assessments within 45
          working days from the point of referral.
        - DfE, Characteristics of children in need, table C2.
        - DfE, Children in need census guide, items N00159 and N00160.
    """
    dataset = as_dataset(data)
    return assessments_within_rate(
        dataset,
        period=period,
        kind=AssessmentKind.SINGLE,
        limit=ASSESSMENT_MAX_WORKING_DAYS,
        indicator_id=ASSESSMENT_45WD.id,
        calendar=calendar,
        anchor=anchor,
        reasons=tuple(ASSESSMENT_45WD.exclusions),
    )


_ASSESSMENT_EXCLUSIONS: dict[str, str] = {
    "missing-start": "The assessment has no start date (assessment-start anchor).",
    "missing-referral": (
        "Referral anchor only: the assessment has no linked referral among those given."
    ),
    "outside-calendar": _OUTSIDE_CALENDAR_TEXT,
    "end-before-start": "The authorisation date is before the day the clock started.",
}

_ANCHOR_OPTION = Option(
    name="anchor",
    default=ANCHOR_ASSESSMENT_START,
    choices=_ANCHORS,
    description=(
        "Where the 45 working days are counted from: `assessment-start` times the assessment "
        "itself, as DfE's table C2 bands and census query 8670Q do; `referral` counts from the "
        "linked referral's date, as Working Together's 'from the point of referral' reads."
    ),
)

ASSESSMENT_45WD = Indicator(
    id="assessment-45wd",
    title="Single assessments completed within 45 working days",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort="Single (child and family) assessments with an authorisation date in the period.",
    numerator=(
        "Assessments authorised within 45 working days of their start "
        "(working_days_between(start, authorisation) <= 45; the start day is day 0)."
    ),
    denominator="Assessments in the cohort, less exclusions.",
    exclusions=_ASSESSMENT_EXCLUSIONS,
    options=(_ANCHOR_OPTION,),
    notes=(
        "End before start is judged on the dates, so an assessment started on a Sunday and "
        "authorised on the Saturday before is excluded although no working day lies between.",
        "With the referral anchor, the assessment's own start date is not needed: an "
        "assessment with no start date but a linked referral is timed from the referral.",
        "With the referral anchor, several different referrals sharing one referral_id are a "
        "data error (SPEC §3): the assessment is timed from the earliest of them by referral "
        "date (then the first by its other fields), whatever the order of the records, and "
        "each referral not used is reported in the result's diagnostics when an assessment "
        "of the cohort carries the id. Identical records sharing an id are one referral and "
        "are not reported.",
        "Working days per assessment are in the audit's `working_days` measure, negative for "
        "an authorisation before the start.",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=(
        WORKING_TOGETHER.at("assessment timescale: 45 working days"),
        CHILDREN_IN_NEED.at("table C2: completed assessments by duration"),
        CIN_CENSUS_GUIDE.at("items N00159 AssessmentActualStartDate, N00160 AuthorisationDate"),
    ),
    england=EnglandFigure(value=85.7, period="2024-25", source=CHILDREN_IN_NEED.at("table C2")),
    inputs=("assessments",),
    function=assessment_timeliness_rate,
)


def initial_assessment_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Rate:
    """Share of initial assessments completed in *period* within 10 working days (NI 59).

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        The rate; its audit carries `working_days` per assessment.

    Notes:
        - The cohort is assessments of kind `initial` authorised in *period*; the 10th
          working day after the start is on time, the 11th late.
        - The clock starts at the assessment's start date (an initial assessment starts at
          the point of referral); no start is `missing-start`, an authorisation before the
          start `end-before-start`.
        - A start or authorisation date outside the calendar's coverage is
          `outside-calendar`.

    References:
        - Communities and Local Government, National Indicators handbook, NI 59.
    """
    dataset = as_dataset(data)
    return assessments_within_rate(
        dataset,
        period=period,
        kind=AssessmentKind.INITIAL,
        limit=INITIAL_ASSESSMENT_MAX_WORKING_DAYS,
        indicator_id=INITIAL_ASSESSMENT_10WD.id,
        calendar=calendar,
        reasons=tuple(INITIAL_ASSESSMENT_10WD.exclusions),
    )


_PRE_2013_EXCLUSIONS = {
    "missing-start": "The assessment has no start date.",
    "outside-calendar": _OUTSIDE_CALENDAR_TEXT,
    "end-before-start": "The authorisation date is before the start date.",
}

INITIAL_ASSESSMENT_10WD = Indicator(
    id="initial-assessment-10wd",
    title="Initial assessments completed within 10 working days",
    kind="rate",
    polarity=Polarity.HIGHER,
    legacy_codes=("NI 59",),
    cohort="Initial assessments with an authorisation date in the period (pre-2013 data).",
    numerator="Assessments authorised within 10 working days of their start (start day is day 0).",
    denominator="Assessments in the cohort, less exclusions.",
    exclusions=_PRE_2013_EXCLUSIONS,
    notes=(
        "The clock starts at the assessment's start date: an initial assessment starts at "
        "the point of referral, so no referral anchor is offered.",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=(
        NATIONAL_INDICATORS.at("NI 59"),
        WORKING_TOGETHER.at("2010 edition: initial assessment within 10 working days"),
    ),
    inputs=("assessments",),
    function=initial_assessment_timeliness_rate,
)


def core_assessment_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Rate:
    """Share of core assessments completed in *period* within 35 working days (NI 60).

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        The rate; its audit carries `working_days` per assessment.

    Notes:
        - The cohort is assessments of kind `core` authorised in *period*; the 35th working
          day after the start is on time, the 36th late.
        - No start is `missing-start`; an authorisation before the start is
          `end-before-start`.
        - A start or authorisation date outside the calendar's coverage is
          `outside-calendar`.

    References:
        - Communities and Local Government, National Indicators handbook, NI 60.
    """
    dataset = as_dataset(data)
    return assessments_within_rate(
        dataset,
        period=period,
        kind=AssessmentKind.CORE,
        limit=CORE_ASSESSMENT_MAX_WORKING_DAYS,
        indicator_id=CORE_ASSESSMENT_35WD.id,
        calendar=calendar,
        reasons=tuple(CORE_ASSESSMENT_35WD.exclusions),
    )


CORE_ASSESSMENT_35WD = Indicator(
    id="core-assessment-35wd",
    title="Core assessments completed within 35 working days",
    kind="rate",
    polarity=Polarity.HIGHER,
    legacy_codes=("NI 60",),
    cohort="Core assessments with an authorisation date in the period (pre-2013 data).",
    numerator="Assessments authorised within 35 working days of their start (start day is day 0).",
    denominator="Assessments in the cohort, less exclusions.",
    exclusions=_PRE_2013_EXCLUSIONS,
    notes=("The clock starts at the core assessment's own start date.", _OUTSIDE_CALENDAR_NOTE),
    sources=(
        NATIONAL_INDICATORS.at("NI 60"),
        WORKING_TOGETHER.at("2010 edition: core assessment within 35 working days"),
    ),
    inputs=("assessments",),
    function=core_assessment_timeliness_rate,
)


def assessment_duration_distribution(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
    anchor: str = ANCHOR_ASSESSMENT_START,
) -> Distribution:
    """Working days taken by single assessments completed in *period*, in DfE's bands.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.
        anchor: `"assessment-start"` (default) or `"referral"`.

    Returns:
        Counts in the bands 0 (same day), 1–10, 11–20, 21–30, 31–40, 41–45, 46–50, 51–60 and
        61+ working days, with the median and quartiles.

    Notes:
        - The cohort, clock and exclusions are those of `assessment-45wd`.
        - An assessment authorised the day it started took 0 working days and is in band
          "0"; one authorised the next working day is in "1–10".
        - Quartiles interpolate linearly between values (numpy's default).
        - With `anchor="referral"`, a `referral_id` shared by several different referrals
          links to the earliest of them, as in `assessment-45wd`, and is reported in the
          result's diagnostics.
        - An assessment with a date outside the calendar's coverage is excluded
          (`outside-calendar`), never banded.

    References:
        - DfE, Characteristics of children in need, table C2 "Completed assessments by
          duration".
    """
    dataset = as_dataset(data)
    durations = assessment_durations(
        dataset, period=period, kind=AssessmentKind.SINGLE, calendar=calendar, anchor=anchor
    )
    return durations.distribution(
        indicator_id=ASSESSMENT_DURATIONS.id,
        bands=ASSESSMENT_DURATION_BANDS,
        reasons=tuple(ASSESSMENT_DURATIONS.exclusions),
    )


ASSESSMENT_DURATIONS = Indicator(
    id="assessment-durations",
    title="Completed single assessments by duration in working days",
    kind="distribution",
    polarity=Polarity.LOWER,
    cohort="Single assessments with an authorisation date in the period.",
    numerator="Assessments by working days from start to authorisation, in DfE's bands.",
    exclusions=ASSESSMENT_45WD.exclusions,
    options=(_ANCHOR_OPTION,),
    notes=(
        "Polarity lower: a shorter median duration is read as an improvement.",
        "Bands are whole working days: 0 (same day), 1–10, 11–20, 21–30, 31–40, 41–45, "
        "46–50, 51–60, 61+.",
        "With the referral anchor, an assessment is timed from its linked referral as in "
        "`assessment-45wd`: where several different referrals share its referral_id, from "
        "the earliest of them, each referral not used being reported in the result's "
        "diagnostics.",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=(CHILDREN_IN_NEED.at("table C2: completed assessments by duration"),),
    inputs=("assessments",),
    function=assessment_duration_distribution,
)


# -- initial child protection conferences ----------------------------------------------------


def icpc_durations(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Durations:
    """Working days from strategy discussion to initial conference, for ICPCs in *period*.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period; conferences held in it form the cohort.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        The durations, the cohort (conference in *period*, whatever `icpc_not_required`
        says), the rows excluded as `missing-start`, `outside-calendar` or
        `end-before-start`, and a diagnostic for each enquiry of the cohort also marked
        `icpc_not_required`.
    """
    dataset = as_dataset(data)
    icpc = dataset.dates("section47s", "icpc_date")
    # SPEC §4.1: a recorded conference is a conference, whatever ICPCnotRequired says.
    in_scope = in_period(period, icpc)
    return _timed(
        table="section47s",
        child_ids=dataset.deferred_child_ids("section47s"),
        in_scope=in_scope,
        start=dataset.dates("section47s", "start_date"),
        end=icpc,
        calendar=_calendar(calendar),
        diagnostics=icpc_not_required_diagnostics(dataset, in_scope),
    )


def icpc_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Rate:
    """Share of initial child protection conferences held within 15 working days.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        The rate; its audit carries `working_days` per section 47 enquiry.

    Notes:
        - The cohort is section 47 enquiries whose conference date is in *period*; enquiries
          with no conference are out of scope.
        - A recorded conference is a conference: an enquiry with a conference date that is
          also marked `icpc_not_required` stays in the cohort, and the contradiction is
          reported in the result's diagnostics (CIN census rule 8868).
        - The strategy discussion is day 0: a conference on the 15th working day after it
          is on time, on the 16th late.
        - An enquiry with no start date is excluded (`missing-start`).
        - An enquiry whose start or conference date lies outside the calendar's coverage is
          excluded (`outside-calendar`).
        - A conference dated before its enquiry started is excluded (`end-before-start`).

    References:
        - DfE, Working Together to Safeguard Children: the initial child protection
          conference within 15 working days of the strategy discussion.
        - DfE, Characteristics of children in need, table C4.
        - DfE, Children in need census guide, items N00148, N00109, N00110.
    """
    return icpc_durations(data, period=period, calendar=calendar).within_rate(
        indicator_id=ICPC_15WD.id,
        limit=ICPC_MAX_WORKING_DAYS,
        reasons=tuple(ICPC_15WD.exclusions),
    )


_ICPC_SOURCES: tuple[Source, ...] = (
    WORKING_TOGETHER.at("initial child protection conference within 15 working days"),
    CHILDREN_IN_NEED.at("table C4"),
    CIN_CENSUS_GUIDE.at(
        "items N00148 S47ActualStartDate, N00109 InitialCPCtarget, N00110 DateOfInitialCPC"
    ),
)
_ICPC_EXCLUSIONS = {
    "missing-start": "The enquiry has no start date (strategy discussion).",
    "outside-calendar": _OUTSIDE_CALENDAR_TEXT,
    "end-before-start": (
        "The conference is dated before the enquiry started (DfE counts it as an ICPC but "
        "not in the timeliness measure)."
    ),
}

ICPC_15WD = Indicator(
    id="icpc-15wd",
    title="Initial child protection conferences within 15 working days",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Section 47 enquiries with an initial conference dated in the period, whatever "
        "ICPCnotRequired says."
    ),
    numerator=(
        "Conferences held within 15 working days of the strategy discussion that started "
        "the enquiry (the discussion's day is day 0)."
    ),
    denominator="Conferences in the cohort, less exclusions.",
    exclusions=_ICPC_EXCLUSIONS,
    notes=(
        "An enquiry with a conference date but no start date cannot be timed, so it is "
        "excluded as `missing-start` rather than counted late.",
        "A recorded conference is a conference (SPEC §4.1): an enquiry with a conference date "
        "that is also flagged `icpc_not_required` stays in the cohort, and the contradiction "
        "is reported in the result's diagnostics (CIN census rule 8868). An enquiry flagged "
        "with no conference date is out of scope.",
        "End before start is judged on the dates.",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=_ICPC_SOURCES,
    england=EnglandFigure(value=81.4, period="2024-25", source=CHILDREN_IN_NEED.at("table C4")),
    inputs=("section47s",),
    function=icpc_timeliness_rate,
)


def icpc_duration_distribution(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Distribution:
    """Working days from strategy discussion to initial conference, in DfE's bands.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        Counts in the bands 0–10, 11–15, 16–20 and 21+ working days, with the median and
        quartiles.

    Notes:
        - The cohort and exclusions are those of `icpc-15wd`; the 15th working day is in
          band "11–15" and the 16th in "16–20".
        - An enquiry with a conference date that is also marked `icpc_not_required` is in
          the cohort, as in `icpc-15wd`, and reported in the result's diagnostics.
        - An enquiry with a date outside the calendar's coverage is excluded
          (`outside-calendar`), never banded.

    References:
        - DfE, Characteristics of children in need, table C4.
    """
    return icpc_durations(data, period=period, calendar=calendar).distribution(
        indicator_id=ICPC_DURATIONS.id,
        bands=ICPC_DURATION_BANDS,
        reasons=tuple(ICPC_DURATIONS.exclusions),
    )


ICPC_DURATIONS = Indicator(
    id="icpc-durations",
    title="Initial child protection conferences by working days from strategy discussion",
    kind="distribution",
    polarity=Polarity.LOWER,
    cohort=(
        "Section 47 enquiries with an initial conference dated in the period, whatever "
        "ICPCnotRequired says."
    ),
    numerator="Conferences by working days since the strategy discussion, in DfE's bands.",
    exclusions=_ICPC_EXCLUSIONS,
    notes=(
        "Polarity lower: a shorter median duration is read as an improvement.",
        "A conference date with ICPCnotRequired also set is a conference, as in `icpc-15wd`; "
        "the contradiction is reported in the result's diagnostics (CIN census rule 8868).",
        "Bands are whole working days: 0–10, 11–15, 16–20, 21+.",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=_ICPC_SOURCES,
    inputs=("section47s",),
    function=icpc_duration_distribution,
)


# -- contacts --------------------------------------------------------------------------------


def contact_decision_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Rate:
    """Share of contacts received in *period* with a decision within one working day.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.
        calendar: The working-day calendar; the England calendar when `None`.

    Returns:
        The rate; its audit carries `working_days` per contact (`nan` while undecided).

    Notes:
        - The cohort is contacts whose contact date is in *period*; the decision may fall
          after the period ends.
        - A decision the same day or on the next working day is timely; a contact received
          on a Friday and decided on Monday took one working day.
        - A contact with no decision yet stays in the denominator and is not timely.
        - A contact or decision date outside the calendar's coverage (a decision typed as
          2099) is excluded (`outside-calendar`), judged before `end-before-start`; an
          undecided contact dated outside the coverage is excluded too, as its age cannot
          be counted.
        - A decision dated before its contact is excluded (`end-before-start`).

    References:
        - Ofsted, Inspecting local authority children's services (ILACS), Annex A list 1.
        - DfE, Working Together to Safeguard Children: a decision within one working day of
          a referral being received.
    """
    dataset = as_dataset(data)
    durations = _timed(
        table="contacts",
        child_ids=dataset.deferred_child_ids("contacts"),
        in_scope=in_period(period, dataset.dates("contacts", "contact_date")),
        start=dataset.dates("contacts", "contact_date"),
        end=dataset.dates("contacts", "decision_date"),
        calendar=_calendar(calendar),
        start_defines_cohort=True,
    )
    return durations.within_rate(
        indicator_id=CONTACT_DECISION_1WD.id,
        limit=CONTACT_DECISION_MAX_WORKING_DAYS,
        reasons=tuple(CONTACT_DECISION_1WD.exclusions),
    )


_CONTACT_EXCLUSIONS = {
    "outside-calendar": _OUTSIDE_CALENDAR_TEXT,
    "end-before-start": "The decision is dated before the contact.",
}

CONTACT_DECISION_1WD = Indicator(
    id="contact-decision-1wd",
    title="Contacts with a decision within one working day",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort="Contacts received in the period.",
    numerator=(
        "Contacts with a decision date within one working day of the contact date "
        "(the contact's day is day 0)."
    ),
    denominator="Contacts in the cohort, less exclusions; undecided contacts included.",
    exclusions=_CONTACT_EXCLUSIONS,
    notes=(
        "A contact received in the period and decided after it ends is timed in full; a "
        "contact decided on 1 April about a contact of 31 March counts in the year it was "
        "received.",
        "An undecided contact is in the denominator and not timely, whatever its age.",
        "Neither DfE return holds contacts, and the contacts of the Standard Safeguarding "
        "Dataset and Annex A list 1 have no decision date (contacts.decision_date is partial "
        "in their coverage, so the figure is not computed from them): it needs a local "
        "contacts extract (`read_contacts`, `report --contacts`).",
        _OUTSIDE_CALENDAR_NOTE,
    ),
    sources=(
        Source(
            title="Inspecting local authority children's services (ILACS): Annex A",
            publisher="Ofsted",
            detail="list 1: contacts",
        ),
        WORKING_TOGETHER.at("decision within one working day of a referral being received"),
    ),
    needs=("contacts.decision_date",),
    inputs=("contacts",),
    function=contact_decision_timeliness_rate,
)


# -- child protection reviews ----------------------------------------------------------------


def cp_review_timeliness_rate(
    data: DataLike,
    *,
    period: ReportingPeriod,
) -> Rate:
    """Share of child protection plans open at period end whose reviews were all on time.

    Args:
        data: A `Dataset`, or records of any kinds.
        period: The reporting period.

    Returns:
        The rate; its audit carries per plan `reviews` (the distinct reviews considered)
        and `next_review_due` (the date the next review is due after the period's reviews).

    Notes:
        - The cohort is plans open at period end (a plan ending on the period's last day is
          not open) that started on or before `add_months(period.end, -3)`.
        - Reviews count when dated after the plan start and on or before period end; a review
          on the start day, before it or after period end is ignored, and a date recorded
          twice counts once.
        - The first review must be on or before `add_months(start, 3)`: exactly three months
          is on time, a day later is late.
        - Each later review must be on or before `add_months(previous review, 6)`.
        - The plan must not be overdue at period end: `period.end <= add_months(last review,
          6)`, or `add_months(start, 3)` with no review yet, so a review due on the period's
          last day is not yet overdue.

    References:
        - DfE, Working Together to Safeguard Children: first review conference within three
          months of the initial conference, then at intervals of no more than six months.
        - Communities and Local Government, National Indicators handbook, NI 67 (PAF C20).
    """
    dataset = as_dataset(data)
    starts = dataset.dates("cp_plans", "start_date")
    ends = dataset.dates("cp_plans", "end_date")
    last_day = np.datetime64(period.end, "D")
    cutoff = np.datetime64(add_months(period.end, -CP_FIRST_REVIEW_MONTHS), "D")
    open_at_end = (starts <= last_day) & (np.isnat(ends) | (ends > last_day))
    in_scope = open_at_end & (starts <= cutoff)

    rows, reviews = dataset.exploded("cp_plans", "review_dates")
    keep = in_scope[rows] & (reviews > starts[rows]) & (reviews <= last_day)
    rows, reviews = rows[keep], reviews[keep]
    order = np.lexsort((reviews, rows))
    rows, reviews = rows[order], reviews[order]
    same_plan = np.zeros(len(rows), dtype=np.bool_)
    same_plan[1:] = rows[1:] == rows[:-1]
    repeat = same_plan.copy()
    repeat[1:] &= reviews[1:] == reviews[:-1]
    rows, reviews, same_plan = rows[~repeat], reviews[~repeat], same_plan[~repeat]
    # Recompute after dropping repeats: the first kept review of a plan follows its start.
    same_plan[1:] = rows[1:] == rows[:-1]
    if len(same_plan):
        same_plan[0] = False
    previous = np.where(same_plan, np.roll(reviews, 1), starts[rows])
    months = np.where(same_plan, CP_REVIEW_INTERVAL_MONTHS, CP_FIRST_REVIEW_MONTHS)
    late_review = reviews > shift_months(previous, months)
    plan_count = len(starts)
    any_late = np.bincount(rows[late_review], minlength=plan_count) > 0
    review_count = np.bincount(rows, minlength=plan_count)

    is_last = np.ones(len(rows), dtype=np.bool_)
    is_last[:-1] = rows[:-1] != rows[1:]
    last_review = np.full(plan_count, NAT)
    last_review[rows[is_last]] = reviews[is_last]
    has_review = review_count > 0
    next_due = np.where(
        has_review,
        shift_months(last_review, CP_REVIEW_INTERVAL_MONTHS),
        shift_months(starts, CP_FIRST_REVIEW_MONTHS),
    )
    overdue = last_day > next_due
    return Rate.from_flags(
        indicator_id=CP_REVIEWS_IN_TIMESCALE.id,
        table="cp_plans",
        in_scope=in_scope,
        hit=~any_late & ~overdue,
        child_ids=dataset.deferred_child_ids("cp_plans"),
        measures={
            "reviews": np.where(in_scope, review_count.astype(np.float64), np.nan),
            "next_review_due": np.where(in_scope, next_due, NAT),
        },
    )


CP_REVIEWS_IN_TIMESCALE = Indicator(
    id="cp-reviews-in-timescale",
    title="Child protection plans reviewed within timescales",
    kind="rate",
    polarity=Polarity.HIGHER,
    legacy_codes=("NI 67", "PAF C20"),
    cohort=(
        "Child protection plans open at period end that started on or before "
        "add_months(period end, -3)."
    ),
    numerator=(
        "Plans whose first review was within three months of the start, each later review "
        "within six months of the one before, and no review overdue at period end."
    ),
    denominator="Plans in the cohort.",
    notes=(
        "Reviews are those dated after the plan start and on or before period end, sorted, "
        "each date once.",
        "A review due on the period's last day is not yet overdue.",
        "A plan whose end date is before its start date is never open at period end, so it "
        "is out of scope rather than excluded.",
        "Months are calendar months clipped to the month's end (add_months): a plan started "
        "on 30 November is due its first review on 28 or 29 February.",
    ),
    sources=(
        WORKING_TOGETHER.at("child protection review conferences"),
        NATIONAL_INDICATORS.at("NI 67"),
    ),
    england=EnglandFigure(
        value=93.6,
        period="2015-16",
        source=CHILDREN_IN_NEED.at("2015-16 release: plans reviewed within required timescales"),
    ),
    needs=("cp_plans.review_dates",),
    inputs=("cp_plans",),
    function=cp_review_timeliness_rate,
)


CARDS: tuple[Indicator, ...] = (
    ASSESSMENT_45WD,
    ASSESSMENT_DURATIONS,
    INITIAL_ASSESSMENT_10WD,
    CORE_ASSESSMENT_35WD,
    ICPC_15WD,
    ICPC_DURATIONS,
    CONTACT_DECISION_1WD,
    CP_REVIEWS_IN_TIMESCALE,
)
