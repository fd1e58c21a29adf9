"""Indicator family: looked-after children and care leavers (SSDA903), SPEC §4.4 and §4.1."""

from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import DayArray
from safeguarding_metrics.care_history import (
    STARTS_CARE,
    CareHistory,
    EpisodeProblem,
    care_history,
    latest_set_aside_rows,
)
from safeguarding_metrics.catalogue import (
    CARE_PLANNING_REGULATIONS_2010,
    CHILDREN_LOOKED_AFTER,
    LAIT,
    NATIONAL_INDICATORS,
    SSDA903_GUIDE,
    EnglandFigure,
    Indicator,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.records import Record, TableName
from safeguarding_metrics.results import Band, Distribution, Polarity, Rate
from safeguarding_metrics.working_days import (
    ENGLAND_FIRST_DAY,
    ENGLAND_LAST_DAY,
    WorkingDayCalendar,
)

__all__ = [
    "CARE_LEAVERS_ACCOMMODATION_17_18",
    "CARE_LEAVERS_ACCOMMODATION_19_21",
    "CARE_LEAVERS_EET_17_18",
    "CARE_LEAVERS_EET_19_21",
    "CLA_3_PLUS_PLACEMENTS",
    "CLA_CEASED_PERMANENCE",
    "CLA_LONG_TERM_STABILITY",
    "LAC_REVIEWS_IN_TIMESCALE",
    "care_leavers_accommodation_17_18_rate",
    "care_leavers_accommodation_19_21_rate",
    "care_leavers_eet_17_18_rate",
    "care_leavers_eet_19_21_rate",
    "ceased_care_permanence_distribution",
    "lac_review_timeliness_rate",
    "long_term_stability_rate",
    "three_plus_placements_rate",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# SSDA903 guide, LS: V3 and V4 are accommodation under an agreed series of short breaks.
SHORT_BREAK_LEGAL_STATUSES: Final = ("V3", "V4")
# Care Planning, Placement and Case Review (England) Regulations 2010, reg 33(1): the first
# review within 20 working days of the date the child becomes looked after.
FIRST_REVIEW_WORKING_DAYS: Final = 20
# Reg 33(2): the second review not more than three months after the first.
SECOND_REVIEW_MONTHS: Final = 3
# Reg 33(3): later reviews not more than six months after the one before.
LATER_REVIEW_MONTHS: Final = 6
# NI 62: three or more placements during the year.
MANY_PLACEMENTS: Final = 3
# NI 63: looked after for 2.5 years or more, in the same placement for 2 years or more.
LONG_TERM_CARE_MONTHS: Final = 30
LONG_TERM_PLACEMENT_MONTHS: Final = 24
# NI 63: children aged under 16.
STABILITY_AGE_LIMIT_YEARS: Final = 16
# SSDA903 guide, PLACE: A3 to A6 are placements for adoption.
ADOPTION_PLACEMENTS: Final = ("A3", "A4", "A5", "A6")
# SSDA903 guide, OC3 IN_TOUCH: DIED, and RHOM (returned home for 6 months or more).
CARE_LEAVER_OUT_OF_SCOPE: Final = ("DIED", "RHOM")
# SSDA903 guide, OC3 ACTIV: F = full time, P = part time; 1 higher education, 2 other
# education, 4 training or employment, 5 apprenticeship.
EET_ACTIVITIES: Final = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
# SSDA903 guide, OC3 ACCOM: the letters G, H and R (gone abroad, deported, residence not
# known) are not assessed for suitability; a final 1 means suitable.
ACCOMMODATION_NOT_ASSESSED: Final = ("G", "H", "R")
SUITABLE_SUFFIX: Final = "1"
# SSDA903 guide, REC: X1 means the episode ceased and a new one began (not leaving care).
NOT_CEASING: Final = "X1"
# SSDA903 guide, REC codes grouped into outcomes.
CEASED_OUTCOMES: Final = (
    ("Adoption", ("E11", "E12")),
    ("Special guardianship", ("E43", "E44", "E45", "E46", "E47", "E48")),
    ("Residence / child arrangements", ("E41",)),
    ("Returned home", ("E4A", "E4B", "E13")),
)
_EPISODE_ERRORS = (EpisodeProblem.END_BEFORE_START, EpisodeProblem.OVERLAP)
_ERROR_CODES = np.array([list(EpisodeProblem).index(p) for p in _EPISODE_ERRORS], dtype=np.int8)
# Day numbers before and after every real date, for running minima and maxima.
_EARLIEST = np.iinfo(np.int64).min + 1
_LATEST = np.iinfo(np.int64).max


_EPISODE_ERROR_RULE = (
    "Episode errors (an episode ending before it starts, or starting before an earlier one "
    "of the child ended) exclude a child (episode-error) only when they can matter to the "
    "period: an overlapping episode in the reference period of care or overlapping the "
    "period; an episode ending before it starts (it belongs to no period of care) whose "
    "dates, taken either way round, reach into a window ending at period end: its start on "
    "or after the window opens and its end on or before period end. The window opens at the "
    "earlier of period start and the start of the reference period of care; when that period "
    "of care did not begin with an RNE S episode (the child's first, or one after a gap that "
    "the set-aside episode may have made), at the earlier of period start and the end of the "
    "care before it (any date, when there is none). An error in an earlier, closed period of "
    "care does not exclude the child."
)
_LATEST_SET_ASIDE_RULE = (
    "A child with no episode open at period end whose latest episode starting on or before "
    "period end (by DECOM; a valid episode starting the same day does not make it earlier) "
    "ends before it starts, and is not a short-break episode, is in the base cohort and "
    "excluded (episode-error): with the typo corrected it may well be looked after at period "
    "end, so it is not silently left out. A valid episode starting after the set-aside one "
    "(by period end) decides as usual: open at period end, the child is judged by it; "
    "ended, the child is out of scope."
)
_EPISODE_ERROR_BEFORE_FILTERS = (
    "episode-error is judged on the base cohort (looked after at period end, not under short "
    "breaks) before the tests that depend on the start of care, which an error makes "
    "uncertain: a child with an error that matters is excluded, never put out of scope by a "
    "start of care the error may have moved."
)


# -- shared helpers --------------------------------------------------------------------------


def _children(dataset: Dataset, *tables: TableName) -> IntArray:
    """The codes of the children with a record in any of *tables*, sorted, each once."""
    present = np.zeros(len(dataset.child_ids), dtype=np.bool_)
    for table in tables:
        present[dataset.child_codes(table)] = True
    return np.flatnonzero(present).astype(np.int64)


def _child_ids(dataset: Dataset, children: IntArray) -> npt.NDArray[np.str_]:
    result: npt.NDArray[np.str_] = dataset.child_ids[children]
    return result


def _current_rows(dataset: Dataset, history: CareHistory, period: ReportingPeriod) -> IntArray:
    """For every child code, the row of its episode open at period end (-1 for none).

    With overlapping episodes open at once, the latest in care-history order wins.
    """
    current = np.full(len(dataset.child_ids), -1, dtype=np.int64)
    open_rows = history.order[history.open_at(period.end)[history.order]]
    if len(open_rows):
        codes = history.child[open_rows]
        last = np.ones(len(open_rows), dtype=np.bool_)
        last[:-1] = codes[1:] != codes[:-1]
        current[codes[last]] = open_rows[last]
    return current


def _episode_errors(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, reference: IntArray
) -> BoolArray:
    """For every child code, whether it has an episode error that matters for *period*.

    *reference* holds, for every child code, a row of an episode of the period of care the
    indicator looks at (the current one, or the one that ended), -1 for none. An overlapping
    episode matters when it belongs to that period of care or overlaps *period*. An episode
    ending before it starts belongs to no period of care: it matters when its dates, taken
    either way round, reach into the window from `_window_start` to period end.
    """
    errors = np.zeros(len(dataset.child_ids), dtype=np.bool_)
    flagged = np.isin(history.problem, _ERROR_CODES)
    if not flagged.any():
        return errors
    start, end = _day(period.start), _day(period.end)
    safe = np.maximum(reference, 0)
    has_reference = reference >= 0
    reference_period = _pick(history.period, safe, has_reference)
    mine = reference_period[history.child]
    overlaps = (history.start <= end) & (np.isnat(history.end) | (history.end > start))
    valid_error = flagged & history.valid & (((mine >= 0) & (history.period == mine)) | overlaps)
    window = _window_start(dataset, history, period, reference_period)[history.child]
    set_aside = flagged & ~history.valid & (history.start >= window) & (history.end <= end)
    errors[history.child[valid_error | set_aside]] = True
    return errors


def _window_start(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, reference_period: IntArray
) -> DayArray:
    """For every child code, the first day an episode ending before it starts can matter from.

    The earlier of period start and the start of the reference period of care; when that
    period of care did not begin with an RNE S episode (the child's first, or one after a
    gap that a set-aside episode may have made), the earlier of period start and the end of
    the care before it (the earliest day, when there is none). Period start for a child
    without a reference period of care.
    """
    start = _day(period.start).astype(np.int64)
    has_reference = reference_period >= 0
    # The episode that began each period of care.
    first_rows = np.flatnonzero(history.first_in_period)
    began = np.zeros(int(history.period.max(initial=-1)) + 1, dtype=np.int64)
    began[history.period[first_rows]] = first_rows
    first_row = _pick(began, np.maximum(reference_period, 0), has_reference)
    reasons = dataset.column("episodes", "reason_new")
    began_with_s = has_reference & (_pick(reasons, first_row, has_reference) == STARTS_CARE)
    care_start = _pick(history.care_start, first_row, has_reference).view(np.int64)
    # The end of the care before it: the latest end among the child's episodes of earlier
    # periods of care (an open one counts as latest).
    before = (history.period >= 0) & (history.period < reference_period[history.child])
    ends = np.where(np.isnat(history.end), _LATEST, history.end.view(np.int64))
    care_before = np.full(len(reference_period), _EARLIEST, dtype=np.int64)
    np.maximum.at(care_before, history.child[before], ends[before])
    window = np.where(began_with_s, care_start, care_before)
    window = np.where(has_reference, np.minimum(window, start), start)
    result: DayArray = window.view("datetime64[D]")
    return result


def _looked_after(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, children: IntArray
) -> tuple[IntArray, BoolArray, BoolArray]:
    """Each child's episode at period end, base cohort, and relevant episode errors.

    The row is that of the episode open at period end; for a child with none whose latest
    episode is set aside (`latest_set_aside_rows`), that episode's row (its care-history
    facts are all missing); 0 otherwise. Base cohort: looked after at period end, not under
    short breaks (V3/V4 on that episode), and children whose latest episode is set aside
    (not a short break), who are looked after or not depending on the typo. Episode errors
    are those of `_episode_errors`, with the current period of care as the reference, and
    every such set-aside child.
    """
    current_by_code = _current_rows(dataset, history, period)
    current = current_by_code[children]
    legal_status = dataset.column("episodes", "legal_status")
    short_break = np.isin(legal_status, SHORT_BREAK_LEGAL_STATUSES)
    looked_after = current >= 0
    row = np.maximum(current, 0)
    short_breaks = np.isin(_pick(legal_status, row, looked_after), SHORT_BREAK_LEGAL_STATUSES)
    set_aside = latest_set_aside_rows(dataset, period.end, short_break)[children]
    unknown = ~looked_after & (set_aside >= 0)
    row = np.where(unknown, set_aside, row)
    errors = _episode_errors(dataset, history, period, current_by_code)[children] | unknown
    return row, (looked_after & ~short_breaks) | unknown, errors


def _pick(values: npt.NDArray[Any], row: IntArray, present: BoolArray) -> npt.NDArray[Any]:
    """`values[row]` where *present*, else `NaT` (dates), -1 or `""`; safe with no episodes."""
    fill: Any = {"M": np.datetime64("NaT", "D"), "U": ""}.get(values.dtype.kind, -1)
    if not len(values):
        return np.full(len(row), fill, dtype=values.dtype)
    return np.where(present, values[row], fill)


def _day(value: Any) -> np.datetime64:
    return np.datetime64(value, "D")


def _nat(n: int) -> DayArray:
    result: DayArray = np.full(n, np.datetime64("NaT", "D"))
    return result


# -- lac-reviews-in-timescale ----------------------------------------------------------------


def _first_review_due(
    calendar: WorkingDayCalendar, care_start: DayArray, candidate: BoolArray, end: np.datetime64
) -> tuple[DayArray, BoolArray]:
    """The 20th working day after each candidate's care start, and who cannot be timed.

    `NaT` where it cannot be counted. The second array flags candidates whose care start is
    outside the calendar's coverage, or whose 20th working day falls after its last day
    while the period ends after that day too (otherwise the review is surely not yet due).
    """
    first = _day(calendar.first_day)
    last = _day(calendar.last_day)
    covered = candidate & (care_start >= first) & (care_start <= last)
    fits = np.zeros(len(candidate), dtype=np.bool_)
    fits[covered] = (
        calendar.working_days_between(care_start[covered], calendar.last_day)
        >= FIRST_REVIEW_WORKING_DAYS
    )
    first_due = _nat(len(candidate))
    first_due[fits] = calendar.add_working_days(care_start[fits], FIRST_REVIEW_WORKING_DAYS)
    outside = candidate & ~fits & ~(covered & (end <= last))
    return first_due, outside


def lac_review_timeliness_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
) -> Rate:
    """Share of looked-after children whose reviews have all been held on time.

    A child counts when every review since the current period of care began was on time
    and none is overdue at period end. The rules of reg 33: the first review within 20
    working days of the start of care, the second within 3 months of the first, each later
    one within 6 months of the one before.

    Args:
        data: A `Dataset` (episodes and lac_reviews are read), or records.
        period: The reporting period; the cohort is taken at its last day.
        calendar: The working-day calendar; the England calendar when omitted.

    Returns:
        A child-level `Rate` (one audit row per child with an episode or a review).

    Notes:
        - Cohort: children with an episode open at period end, not under short breaks
          (legal status V3/V4 on that episode), whose first review was due by period end:
          `add_working_days(care_start, 20) <= period.end`.
        - The clock starts at the start of the current period of care, not of the episode.
        - The first review is on time on or before the 20th working day after care started.
        - The second is on time on or before `add_months(first, 3)`; each later one on or
          before `add_months(previous, 6)`; a review one day later is late.
        - A review due after the last one held (or the first, if none was) must not be
          overdue at period end; one due on the period's last day is not overdue.
        - Reviews before care started are ignored; one on the day care started counts;
          reviews after period end are ignored; two reviews on one day count once.
        - Every review since care started is checked, not only the period's.
        - A child looked after at period end (not under short breaks) with an episode error
          that matters is excluded (``episode-error``) whether or not its first review was
          due: the error makes the start of care uncertain.
        - An episode error matters when it is in the current period of care or overlaps
          the period; an episode ending before it starts matters when its dates reach into
          the window from the earlier of period start and the start of care (the end of the
          care before, when the current period of care began without RNE S) to period end.
        - A child with no episode open at period end whose latest episode starting by
          period end ends before it starts (set aside; not V3/V4) is excluded
          (``episode-error``): the typo may hide that it is looked after. A valid episode
          starting after the set-aside one decides as usual.
        - A child whose care start lies outside the calendar's coverage (a typo such as
          1905), so that its 20th working day cannot be counted, is excluded
          (``outside-calendar``), after ``episode-error``. When the 20th working day falls
          after the calendar's last day, the child is out of scope if the period ends by
          that last day (the first review is not yet due) and excluded otherwise.

    References:
        - The Care Planning, Placement and Case Review (England) Regulations 2010, reg 33.
        - National Indicators handbook, NI 66.
    """
    dataset = as_dataset(data)
    cal = calendar if calendar is not None else WorkingDayCalendar.england()
    history = care_history(dataset)
    children = _children(dataset, "episodes", "lac_reviews")
    n = len(children)
    end = _day(period.end)
    row, candidate, errors = _looked_after(dataset, history, period, children)
    care_start = _pick(history.care_start, row, candidate)
    # A child whose latest episode is set aside has no care start: it is episode-error.
    timed = candidate & ~np.isnat(care_start)
    first_due, outside = _first_review_due(cal, care_start, timed, end)
    # An episode error makes the start of care, so whether the first review was due,
    # uncertain: such a child is excluded whatever its first review's due date.
    in_scope = candidate & ((first_due <= end) | outside | errors)

    # The cohort's reviews from care start to period end, each date once, by child and date.
    position = np.full(len(dataset.child_ids), -1, dtype=np.int64)
    position[children] = np.arange(n)
    owner = position[dataset.child_codes("lac_reviews")]
    when = dataset.dates("lac_reviews", "review_date")
    keep = in_scope[owner] & (when >= care_start[owner]) & (when <= end)
    owner, when = owner[keep], when[keep]
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    repeat = np.zeros(len(owner), dtype=np.bool_)
    repeat[1:] = (owner[1:] == owner[:-1]) & (when[1:] == when[:-1])
    owner, when = owner[~repeat], when[~repeat]
    first = np.ones(len(owner), dtype=np.bool_)
    first[1:] = owner[1:] != owner[:-1]
    positions = np.arange(len(owner))
    rank = positions - np.maximum.accumulate(np.where(first, positions, 0))
    previous = np.roll(when, 1)
    months = np.where(rank == 1, SECOND_REVIEW_MONTHS, LATER_REVIEW_MONTHS)
    due = np.where(first, first_due[owner], add_months(previous, months))
    late = when > due

    count = np.bincount(owner, minlength=n)
    late_count = np.bincount(owner[late], minlength=n)
    last_review = _nat(n)
    last = np.ones(len(owner), dtype=np.bool_)
    last[:-1] = first[1:]
    last_review[owner[last]] = when[last]
    next_months = np.where(count == 1, SECOND_REVIEW_MONTHS, LATER_REVIEW_MONTHS)
    next_due = np.where(count == 0, first_due, add_months(last_review, next_months))
    on_time = (late_count == 0) & (end <= next_due)
    return Rate.from_flags(
        indicator_id=LAC_REVIEWS_IN_TIMESCALE.id,
        table="children",
        in_scope=in_scope,
        hit=on_time,
        child_ids=_child_ids(dataset, children),
        rows=np.full(n, -1, dtype=np.int64),
        excluded={"episode-error": errors, "outside-calendar": outside},
        measures={
            "care_start": care_start,
            "first_review_due": first_due,
            "reviews": np.where(in_scope, count, np.nan),
            "late_reviews": np.where(in_scope, late_count, np.nan),
            "next_review_due": np.where(in_scope, next_due, _nat(n)),
        },
    )


LAC_REVIEWS_IN_TIMESCALE = Indicator(
    id="lac-reviews-in-timescale",
    title="Looked-after children with all their reviews on time",
    kind="rate",
    polarity=Polarity.HIGHER,
    legacy_codes=("NI 66",),
    cohort=(
        "Children looked after at period end, not under short breaks (legal status V3/V4), "
        "whose first review was due by period end (20 working days after the current period "
        "of care began). Also children whose latest episode ends before it starts (to "
        "exclude them)."
    ),
    numerator=(
        "Children whose reviews since care began were all on time (first within 20 working "
        "days, second within 3 months, then every 6 months) and none overdue at period end."
    ),
    denominator="The cohort, less exclusions.",
    exclusions={
        "episode-error": "The child has an episode ending before it starts, or overlapping "
        "episodes, in or near the current period of care or the period, so the start of "
        "care is uncertain; or its latest episode ends before it starts, so whether it is "
        "looked after at period end is uncertain.",
        "outside-calendar": (
            "The start of care lies outside the working-day calendar's coverage "
            f"({ENGLAND_FIRST_DAY.isoformat()} to {ENGLAND_LAST_DAY.isoformat()} for England; a "
            "custom calendar's first_day to last_day), or its 20th working day falls after the "
            "calendar's last day, so the first review's due date cannot be counted."
        ),
    },
    notes=(
        "The clock runs from the start of the current period of care (SPEC §4.4), not of the "
        "current episode.",
        "A review due on the period's last day is not yet overdue; a child whose first review "
        "falls due on that day, with none held, is in the numerator.",
        "Reviews dated before care started, or after period end, are ignored; two reviews on "
        "one day count once.",
        _EPISODE_ERROR_RULE.replace("reference period of care", "current period of care"),
        _EPISODE_ERROR_BEFORE_FILTERS + " Here that test is whether the first review was due.",
        _LATEST_SET_ASIDE_RULE,
        "A start of care outside the working-day calendar's coverage (a typo such as 1905) is "
        "excluded as `outside-calendar` rather than raising CalendarCoverageError; it is "
        "judged after episode-error, since a child with episode errors has an uncertain care "
        "start. A 20th working day after the calendar's last day excludes the child only when "
        "the period also ends after that day; otherwise the first review is not yet due and "
        "the child is out of scope.",
    ),
    sources=(
        CARE_PLANNING_REGULATIONS_2010.at("regulation 33"),
        NATIONAL_INDICATORS.at("NI 66"),
        SSDA903_GUIDE.at("reviews table (REVIEW)"),
    ),
    inputs=("episodes", "lac_reviews"),
    function=lac_review_timeliness_rate,
)


# -- cla-3-plus-placements -------------------------------------------------------------------


def three_plus_placements_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
) -> Rate:
    """Share of children looked after at period end who had three or more placements in it.

    Args:
        data: A `Dataset` (episodes are read), or records.
        period: The reporting period.

    Returns:
        A child-level `Rate` (one audit row per child with an episode), with each child's
        number of placements as the ``placements`` measure.

    Notes:
        - Cohort: children with an episode open at period end, not under short breaks
          (legal status V3/V4 on that episode); an episode ending on the period's last day
          is not open at it.
        - The first non-temporary episode overlapping the period counts as a placement
          whatever its RNE; each later overlapping episode counts if it begins a placement.
        - ``L``, ``T`` and ``U`` episodes continue the placement (same carer or legal status
          change only); ``P`` and ``B`` begin one.
        - Temporary placements (T0 to T4) are not counted, and going back to the placement
          before them (same code, URN and postcode where recorded) is not a new one.
        - Placements in every period of care overlapping the period count, short-break
          episodes included.
        - A child in the cohort with an episode error that matters is excluded
          (``episode-error``): an overlapping episode in the current period of care or
          overlapping the period, or an episode ending before it starts whose dates reach
          into the window from the earlier of period start and the start of care (the end of
          the care before, when the current period of care began without RNE S) to period
          end.
        - A child with no episode open at period end whose latest episode starting by
          period end ends before it starts (set aside; not V3/V4) is excluded
          (``episode-error``): the typo may hide that it is looked after. A valid episode
          starting after the set-aside one decides as usual.
        - Numerator: three or more placements.

    References:
        - DfE, Children looked after in England, placement stability.
        - National Indicators handbook, NI 62.
    """
    dataset = as_dataset(data)
    history = care_history(dataset)
    children = _children(dataset, "episodes")
    n = len(children)
    _, in_scope, errors = _looked_after(dataset, history, period, children)
    counts = _placements_in(dataset, history, period)[children]
    return Rate.from_flags(
        indicator_id=CLA_3_PLUS_PLACEMENTS.id,
        table="children",
        in_scope=in_scope,
        hit=counts >= MANY_PLACEMENTS,
        child_ids=_child_ids(dataset, children),
        rows=np.full(n, -1, dtype=np.int64),
        excluded={"episode-error": errors},
        measures={"placements": np.where(in_scope, counts, np.nan)},
    )


def _placements_in(dataset: Dataset, history: CareHistory, period: ReportingPeriod) -> IntArray:
    """For every child code, how many placements it had during *period*."""
    start, end = _day(period.start), _day(period.end)
    overlaps = (
        history.valid
        & ~history.temporary
        & (history.start <= end)
        & (np.isnat(history.end) | (history.end > start))
    )
    rows = history.order[overlaps[history.order]]
    codes = history.child[rows]
    first = np.ones(len(rows), dtype=np.bool_)
    first[1:] = codes[1:] != codes[:-1]
    counted = first | history.begins_placement[rows]
    return np.bincount(codes[counted], minlength=len(dataset.child_ids)).astype(np.int64)


CLA_3_PLUS_PLACEMENTS = Indicator(
    id="cla-3-plus-placements",
    title="Children looked after with three or more placements during the year",
    kind="rate",
    polarity=Polarity.LOWER,
    legacy_codes=("NI 62",),
    cohort=(
        "Children looked after at period end, not under short breaks (legal status V3/V4). "
        "Also children whose latest episode ends before it starts (to exclude them)."
    ),
    numerator=(
        "Children with three or more placements during the period: the first non-temporary "
        "episode overlapping the period, then each later one beginning a placement."
    ),
    denominator="The cohort, less exclusions.",
    exclusions={
        "episode-error": "The child has an episode ending before it starts, or overlapping "
        "episodes, in or near the current period of care or the period, so placements "
        "cannot be counted reliably; or its latest episode ends before it starts, so whether "
        "it is looked after at period end is uncertain."
    },
    notes=(
        "Placements are counted as SPEC §4.4 joins episodes: see `periods_of_care`.",
        "A temporary placement run (T0–T4) ended by a return to the same placement (same code, "
        "and same URN and postcode where both are recorded) is one placement; a different URN "
        "is a new placement.",
        "Episodes in every period of care overlapping the period count, short-break episodes "
        "included (short breaks only decide the cohort).",
        "An episode ending before it starts is set aside (it is in no placement).",
        _EPISODE_ERROR_RULE.replace("reference period of care", "current period of care"),
        _LATEST_SET_ASIDE_RULE,
        "A temporary placement open on 1 April is not counted: the first non-temporary "
        "episode overlapping the period is the year's first placement, even when it returns "
        "to the placement the temporary one interrupted.",
    ),
    sources=(
        CHILDREN_LOOKED_AFTER.at("placement stability"),
        LAIT.at("children looked after with 3 or more placements"),
        NATIONAL_INDICATORS.at("NI 62"),
        SSDA903_GUIDE.at("RNE, PLACE"),
    ),
    england=EnglandFigure(value=10.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("episodes",),
    function=three_plus_placements_rate,
)


# -- cla-long-term-stability -----------------------------------------------------------------


def _birth_dates(dataset: Dataset) -> DayArray:
    """For every child code, its birth date from the Child records (`NaT` when none)."""
    births = np.full(len(dataset.child_ids), np.iinfo(np.int64).min, dtype=np.int64)
    known = dataset.dates("children", "birth_date")
    present = ~np.isnat(known)
    # Several Child records of one child: the latest birth date wins (order-independent).
    np.maximum.at(births, dataset.child_codes("children")[present], known[present].view(np.int64))
    result: DayArray = births.view("datetime64[D]")
    return result


def long_term_stability_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
) -> Rate:
    """Share of long-term looked-after children under 16 who have been in one placement 2 years.

    Args:
        data: A `Dataset` (episodes and children are read), or records.
        period: The reporting period.

    Returns:
        A child-level `Rate` (one audit row per child with an episode).

    Notes:
        - Cohort: children with an episode open at period end, not under short breaks, whose
          current period of care started on or before `add_months(period.end, -30)`.
        - Aged under 16 at period end: a child whose 16th birthday is on or before the
          period's last day is out of scope.
        - A child in the cohort without a birth date (no Child record, or none recorded) is
          excluded (``missing-birth-date``).
        - Numerator: the current placement started on or before
          `add_months(period.end, -24)`.
        - Or the child is placed for adoption (A3–A6) in a placement that began as an adoptive
          placement, and the placement before it in the same period of care started on or
          before that date.
        - An adoptive placement reached by a same-carer ``T``/``U`` episode continues the
          foster placement, whose start already counts.
        - A child on a temporary placement (T0–T4) at period end is judged by the placement
          it interrupts.
        - A child looked after at period end, not under short breaks and under 16, with an
          episode error that matters is excluded (``episode-error``) whether or not its
          current period of care started 30 months before period end: the error makes that
          start uncertain. ``episode-error`` is judged before ``missing-birth-date``.
        - An episode error matters when it is in the current period of care or overlaps
          the period; an episode ending before it starts matters when its dates reach into
          the window from the earlier of period start and the start of care (the end of the
          care before, when the current period of care began without RNE S) to period end.
        - A child with no episode open at period end whose latest episode starting by
          period end ends before it starts (set aside; not V3/V4) is excluded
          (``episode-error``) when under 16 (or of unknown
          age): the typo may hide that it is looked after. A valid episode
          starting after the set-aside one decides as usual.

    References:
        - National Indicators handbook, NI 63.
        - DfE, Children looked after in England, placement stability.
    """
    dataset = as_dataset(data)
    history = care_history(dataset)
    children = _children(dataset, "episodes")
    n = len(children)
    row, looked_after, errors = _looked_after(dataset, history, period, children)
    care_start = _pick(history.care_start, row, looked_after)
    long_term = care_start <= _day(add_months(period.end, -LONG_TERM_CARE_MONTHS))
    birth = _birth_dates(dataset)[children]
    missing_birth = np.isnat(birth)
    sixteenth = add_months(birth, 12 * STABILITY_AGE_LIMIT_YEARS)
    under_16 = missing_birth | (sixteenth > _day(period.end))
    # An episode error makes the start of care uncertain, so the 30-month test cannot
    # decide: such a child is excluded whenever it is otherwise in the cohort.
    in_scope = looked_after & under_16 & (long_term | errors)

    since = _day(add_months(period.end, -LONG_TERM_PLACEMENT_MONTHS))
    placement_start = _pick(history.placement_start, row, looked_after)
    previous_start = _pick(history.previous_placement_start, row, looked_after)
    first_row = _pick(history.placement_first_row, row, looked_after)
    adoptive_now = np.isin(_pick(history.placement_code, row, looked_after), ADOPTION_PLACEMENTS)
    codes = dataset.column("episodes", "placement")
    began_adoptive = np.isin(_pick(codes, first_row, first_row >= 0), ADOPTION_PLACEMENTS)
    stable = (placement_start <= since) | (
        adoptive_now & began_adoptive & (previous_start <= since)
    )
    return Rate.from_flags(
        indicator_id=CLA_LONG_TERM_STABILITY.id,
        table="children",
        in_scope=in_scope,
        hit=stable,
        child_ids=_child_ids(dataset, children),
        rows=np.full(n, -1, dtype=np.int64),
        excluded={"episode-error": errors, "missing-birth-date": missing_birth},
        measures={
            "care_start": np.where(looked_after, care_start, _nat(n)),
            "placement_start": placement_start,
            "previous_placement_start": previous_start,
        },
    )


CLA_LONG_TERM_STABILITY = Indicator(
    id="cla-long-term-stability",
    title="Long-term looked-after children under 16 in the same placement for two years",
    kind="rate",
    polarity=Polarity.HIGHER,
    legacy_codes=("NI 63",),
    cohort=(
        "Children looked after at period end, not under short breaks, aged under 16 at period "
        "end, whose current period of care started on or before 30 months before period end. "
        "Also children under 16 whose latest episode ends before it starts (to exclude them)."
    ),
    numerator=(
        "Children whose current placement started on or before 24 months before period end, "
        "or who are placed for adoption and whose placement before the adoptive one did."
    ),
    denominator="The cohort, less exclusions.",
    exclusions={
        "episode-error": "The child has an episode ending before it starts, or overlapping "
        "episodes, in or near the current period of care or the period, so the start of care "
        "and the placement history are uncertain; or its latest episode ends before it starts, "
        "so whether it is looked after at period end is uncertain.",
        "missing-birth-date": "No birth date for the child among the Child records.",
    },
    notes=(
        "Boundaries are calendar months (`add_months`): care started on "
        "`add_months(period.end, -30)` is in the cohort, placement started on "
        "`add_months(period.end, -24)` is in the numerator.",
        "A child whose 16th birthday is on the period's last day is 16, so out of scope.",
        "The 'placement before the adoptive one' applies when the adoptive placement (A3–A6) "
        "began a placement of its own; it is the placement before it in the same period of "
        "care.",
        "A child on a temporary placement at period end is judged by the placement it interrupts.",
        "Several Child records for one child: the latest birth date is used.",
        _EPISODE_ERROR_RULE.replace("reference period of care", "current period of care"),
        _EPISODE_ERROR_BEFORE_FILTERS + " Here that test is the 30 months in care; age is "
        "still applied first (a child aged 16 or over is out of scope), as it does not "
        "depend on the episodes.",
        _LATEST_SET_ASIDE_RULE + " Age is applied first here too.",
    ),
    sources=(
        NATIONAL_INDICATORS.at("NI 63"),
        CHILDREN_LOOKED_AFTER.at("placement stability"),
        SSDA903_GUIDE.at("RNE, PLACE"),
    ),
    england=EnglandFigure(value=69.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("episodes", "children"),
    function=long_term_stability_rate,
)


# -- care leavers ----------------------------------------------------------------------------


def _care_leaver_cohort(
    dataset: Dataset, period: ReportingPeriod, ages: tuple[int, ...]
) -> tuple[BoolArray, npt.NDArray[np.float64]]:
    """Which care-leaver records are in the cohort, and the age of the birthday in period."""
    birth = dataset.dates("care_leavers", "birth_date")
    age = np.full(len(birth), np.nan)
    for years in ages:
        birthday = add_months(birth, 12 * years)
        age = np.where(np.isnan(age) & period.contains_many(birthday), float(years), age)
    in_touch = np.char.upper(np.char.strip(dataset.column("care_leavers", "in_touch")))
    return ~np.isnan(age) & ~np.isin(in_touch, CARE_LEAVER_OUT_OF_SCOPE), age


def _code(dataset: Dataset, field: str) -> npt.NDArray[np.str_]:
    result: npt.NDArray[np.str_] = np.char.upper(
        np.char.strip(dataset.column("care_leavers", field))
    )
    return result


def _eet_rate(
    data: Dataset | Iterable[Record], period: ReportingPeriod, ages: tuple[int, ...], card_id: str
) -> Rate:
    dataset = as_dataset(data)
    in_scope, age = _care_leaver_cohort(dataset, period, ages)
    return Rate.from_flags(
        indicator_id=card_id,
        table="care_leavers",
        in_scope=in_scope,
        hit=np.isin(_code(dataset, "activity"), EET_ACTIVITIES),
        child_ids=dataset.column("care_leavers", "child_id"),
        measures={"age": age},
    )


def _accommodation_rate(
    data: Dataset | Iterable[Record], period: ReportingPeriod, ages: tuple[int, ...], card_id: str
) -> Rate:
    dataset = as_dataset(data)
    in_scope, age = _care_leaver_cohort(dataset, period, ages)
    accommodation = _code(dataset, "accommodation")
    letter = accommodation.astype("<U1")  # casting to one character keeps the first
    in_scope &= ~np.isin(letter, ACCOMMODATION_NOT_ASSESSED)
    suitable = (np.char.str_len(accommodation) > 1) & np.char.endswith(
        accommodation, SUITABLE_SUFFIX
    )
    return Rate.from_flags(
        indicator_id=card_id,
        table="care_leavers",
        in_scope=in_scope,
        hit=suitable,
        child_ids=dataset.column("care_leavers", "child_id"),
        measures={"age": age},
    )


_EET_NOTES = (
    "A 29 February birthday falls on 28 February in other years (`add_months`).",
    "A missing activity stays in the denominator (not known to be EET), as DfE counts "
    "care leavers whose activity is not known; excluding them would reward missing data.",
    "Young people who died (DIED) or returned home for 6 months or more (RHOM) are out of "
    "scope, a cohort rule.",
    "Codes are compared after trimming spaces and upper-casing.",
)
_ACCOMMODATION_NOTES = (
    "A 29 February birthday falls on 28 February in other years (`add_months`).",
    "A missing accommodation stays in the denominator (not known to be suitable), as DfE "
    "counts care leavers whose accommodation is not known.",
    "Young people who died (DIED) or returned home for 6 months or more (RHOM), and those "
    "whose accommodation letter is G, H or R, are out of scope.",
    "Codes are compared after trimming spaces and upper-casing.",
)


def care_leavers_eet_17_18_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of care leavers whose 17th or 18th birthday fell in the period who are in EET.

    Args:
        data: A `Dataset` (care_leavers are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records).

    Notes:
        - Cohort: records whose 17th or 18th birthday falls in the period.
        - A 29 February birthday falls on 28 February in other years.
        - ``in_touch`` DIED or RHOM is out of scope.
        - Numerator: activity F1, P1, F2, P2, F4, P4, F5 or P5.
        - A missing activity stays in the denominator.

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (IN_TOUCH, ACTIV).
    """
    return _eet_rate(data, period, (17, 18), CARE_LEAVERS_EET_17_18.id)


CARE_LEAVERS_EET_17_18 = Indicator(
    id="care-leavers-eet-17-18",
    title="Care leavers aged 17 or 18 in education, employment or training",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records) whose 17th or 18th birthday falls in the period, less "
        "those who died or returned home for 6 months or more."
    ),
    numerator="Those whose activity is F1, P1, F2, P2, F4, P4, F5 or P5.",
    denominator="The cohort.",
    notes=_EET_NOTES,
    sources=(CHILDREN_LOOKED_AFTER.at("care leavers"), SSDA903_GUIDE.at("OC3: ACTIV")),
    england=EnglandFigure(value=64.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("care_leavers",),
    function=care_leavers_eet_17_18_rate,
)


def care_leavers_eet_19_21_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of care leavers whose 19th, 20th or 21st birthday fell in the period who are in EET.

    Args:
        data: A `Dataset` (care_leavers are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records).

    Notes:
        - Cohort: records whose 19th, 20th or 21st birthday falls in the period.
        - ``in_touch`` DIED or RHOM is out of scope.
        - Numerator: activity F1, P1, F2, P2, F4, P4, F5 or P5.

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (IN_TOUCH, ACTIV).
    """
    return _eet_rate(data, period, (19, 20, 21), CARE_LEAVERS_EET_19_21.id)


CARE_LEAVERS_EET_19_21 = Indicator(
    id="care-leavers-eet-19-21",
    title="Care leavers aged 19 to 21 in education, employment or training",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records) whose 19th, 20th or 21st birthday falls in the period, "
        "less those who died or returned home for 6 months or more."
    ),
    numerator="Those whose activity is F1, P1, F2, P2, F4, P4, F5 or P5.",
    denominator="The cohort.",
    notes=_EET_NOTES,
    sources=(CHILDREN_LOOKED_AFTER.at("care leavers"), SSDA903_GUIDE.at("OC3: ACTIV")),
    england=EnglandFigure(value=54.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("care_leavers",),
    function=care_leavers_eet_19_21_rate,
)


def care_leavers_accommodation_17_18_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of care leavers whose 17th or 18th birthday fell in the period in suitable accommodation.

    Args:
        data: A `Dataset` (care_leavers are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records).

    Notes:
        - Cohort: records whose 17th or 18th birthday falls in the period.
        - ``in_touch`` DIED or RHOM is out of scope.
        - Accommodation whose letter is G, H or R is out of scope.
        - Numerator: an accommodation code ending in 1 (suitable).
        - A missing accommodation stays in the denominator.

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (ACCOM).
    """
    return _accommodation_rate(data, period, (17, 18), CARE_LEAVERS_ACCOMMODATION_17_18.id)


CARE_LEAVERS_ACCOMMODATION_17_18 = Indicator(
    id="care-leavers-accommodation-17-18",
    title="Care leavers aged 17 or 18 in suitable accommodation",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records) whose 17th or 18th birthday falls in the period, less "
        "those who died, returned home, or whose accommodation letter is G, H or R."
    ),
    numerator="Those whose accommodation code ends in 1 (suitable).",
    denominator="The cohort.",
    notes=_ACCOMMODATION_NOTES,
    sources=(CHILDREN_LOOKED_AFTER.at("care leavers"), SSDA903_GUIDE.at("OC3: ACCOM")),
    england=EnglandFigure(value=91.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("care_leavers",),
    function=care_leavers_accommodation_17_18_rate,
)


def care_leavers_accommodation_19_21_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of care leavers whose 19th to 21st birthday fell in the period in suitable accommodation.

    Args:
        data: A `Dataset` (care_leavers are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records).

    Notes:
        - Cohort: records whose 19th, 20th or 21st birthday falls in the period.
        - ``in_touch`` DIED or RHOM, and accommodation letters G, H and R, are out of scope.
        - Numerator: an accommodation code ending in 1 (suitable).

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (ACCOM).
    """
    return _accommodation_rate(data, period, (19, 20, 21), CARE_LEAVERS_ACCOMMODATION_19_21.id)


CARE_LEAVERS_ACCOMMODATION_19_21 = Indicator(
    id="care-leavers-accommodation-19-21",
    title="Care leavers aged 19 to 21 in suitable accommodation",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records) whose 19th, 20th or 21st birthday falls in the period, "
        "less those who died, returned home, or whose accommodation letter is G, H or R."
    ),
    numerator="Those whose accommodation code ends in 1 (suitable).",
    denominator="The cohort.",
    notes=_ACCOMMODATION_NOTES,
    sources=(CHILDREN_LOOKED_AFTER.at("care leavers"), SSDA903_GUIDE.at("OC3: ACCOM")),
    england=EnglandFigure(value=89.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    inputs=("care_leavers",),
    function=care_leavers_accommodation_19_21_rate,
)


# -- cla-ceased-permanence -------------------------------------------------------------------

CEASED_BANDS: Final = tuple(
    Band(label, float(i), float(i + 1))
    for i, label in enumerate((*(name for name, _ in CEASED_OUTCOMES), "Other"))
)


def ceased_care_permanence_distribution(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
) -> Distribution:
    """Children who ceased to be looked after in the period, by outcome.

    Args:
        data: A `Dataset` (episodes are read), or records.
        period: The reporting period.

    Returns:
        A child-level `Distribution` with bands Adoption (REC E11, E12), Special
        guardianship (E43–E48), Residence / child arrangements (E41), Returned home (E4A,
        E4B, E13) and Other.

    Notes:
        - A child ceases care when a period of care ends in the period with a reason other
          than X1 (X1 means a new episode follows). The period of care's end and reason are
          those of its final episode: the one that ended last (with overlapping episodes,
          not necessarily the one that started last); of several ending that day, the last
          in care-history order.
        - A child who ceased care more than once in the period is counted once, by the
          last occasion.
        - A period of care ended by a short-break episode (legal status V3/V4) is out of
          scope.
        - A missing or unlisted reason is Other.
        - A child whose only periods of care ending in the period end with X1 and no next
          episode is excluded (``x1-without-next-episode``); with an earlier real ceasing in
          the period, it is counted by that one (X1 says care went on after it).
        - A child with an episode error that matters is excluded (``episode-error``), first:
          an overlapping episode in the period of care that ended (the last occasion) or
          overlapping the period, or an episode ending before it starts whose dates reach
          into the window from the earlier of period start and that period of care's start
          (the end of the care before, when it began without RNE S) to period end.
        - A child whose period of care did not end in the period but with an episode ending
          in it (or, ending before it starts, starting in it) with a reason other than X1
          and not empty is in the cohort when its episodes have an error that matters
          (the error may be what keeps the period of care open), so it is excluded
          (``episode-error``) rather than left out; without an error it is out of scope.

    References:
        - DfE, Children looked after in England, children who ceased to be looked after.
        - DfE, SSDA903 guide, REC.
    """
    dataset = as_dataset(data)
    history = care_history(dataset)
    children = _children(dataset, "episodes")
    n = len(children)
    reason = dataset.column("episodes", "reason_ceased")
    legal_status = dataset.column("episodes", "legal_status")
    final = _final_rows(history)
    short_break = np.isin(legal_status, SHORT_BREAK_LEGAL_STATUSES)
    # An occasion: a period of care ending in the period, not by a short-break episode; the
    # row stands for it (each period of care has one final row).
    occasion = final & period.contains_many(history.care_end) & ~short_break
    ceasing = occasion & (reason != NOT_CEASING)
    chosen = _last_by_child(dataset, history, ceasing)
    last_occasion = _last_by_child(dataset, history, occasion)
    # An episode that says care ended in the period (a reason other than X1) although its
    # period of care did not end then: a child with it is in the cohort if its episodes
    # have an error that matters (the error may be what keeps the period of care open).
    dates_in_period = period.contains_many(history.end) | (
        ~history.valid & period.contains_many(history.start)
    )
    claims = dates_in_period & (reason != NOT_CEASING) & (reason != "") & ~short_break
    claimed = _last_by_child(dataset, history, claims)
    reference = np.where(chosen >= 0, chosen, np.where(last_occasion >= 0, last_occasion, claimed))
    errors = _episode_errors(dataset, history, period, reference)[children]
    chosen, last_occasion, claimed = chosen[children], last_occasion[children], claimed[children]
    in_scope = (last_occasion >= 0) | ((claimed >= 0) & errors)
    band = np.full(len(reason), len(CEASED_OUTCOMES), dtype=np.int64)
    for index, (_, codes) in enumerate(CEASED_OUTCOMES):
        band[np.isin(reason, codes)] = index
    band_index = _pick(band, np.maximum(chosen, 0), chosen >= 0)
    return Distribution.from_values(
        indicator_id=CLA_CEASED_PERMANENCE.id,
        table="children",
        values=np.full(n, np.nan),
        in_scope=in_scope,
        bands=CEASED_BANDS,
        child_ids=_child_ids(dataset, children),
        rows=np.full(n, -1, dtype=np.int64),
        excluded={"episode-error": errors, "x1-without-next-episode": chosen < 0},
        band_index=band_index,
    )


def _final_rows(history: CareHistory) -> BoolArray:
    """Which episodes are the final one of their ended period of care.

    The final episode is the one that ended last (`end == care_end`); among several ending
    that day, the last in care-history order. False for every episode of an open period.
    """
    ended = history.valid & ~np.isnat(history.care_end) & (history.end == history.care_end)
    rows = history.order[ended[history.order]]
    periods = history.period[rows]
    last = np.ones(len(rows), dtype=np.bool_)
    last[:-1] = periods[1:] != periods[:-1]
    result = np.zeros(len(history), dtype=np.bool_)
    result[rows[last]] = True
    return result


def _last_by_child(dataset: Dataset, history: CareHistory, flags: BoolArray) -> IntArray:
    """For every child code, its last flagged episode in care-history order (-1 for none)."""
    latest = np.full(len(dataset.child_ids), -1, dtype=np.int64)
    rows = history.order[flags[history.order]]  # by child, then start
    codes = history.child[rows]
    last = np.ones(len(rows), dtype=np.bool_)
    last[:-1] = codes[1:] != codes[:-1]
    latest[codes[last]] = rows[last]
    return latest


CLA_CEASED_PERMANENCE = Indicator(
    id="cla-ceased-permanence",
    title="Children who ceased to be looked after, by outcome",
    kind="distribution",
    polarity=Polarity.NEUTRAL,
    cohort=(
        "Children whose period of care ended in the period (its final episode, the one that "
        "ended last, ended in the period), not under short breaks; each child once, by the "
        "last occasion with a reason other than X1. Also children with an episode error and "
        "an episode saying care ended in the period (to exclude them)."
    ),
    numerator=(
        "Children by outcome: Adoption (E11, E12), Special guardianship (E43–E48), Residence / "
        "child arrangements (E41), Returned home (E4A, E4B, E13), Other."
    ),
    exclusions={
        "episode-error": "The child has an episode ending before it starts, or overlapping "
        "episodes, in or near the period of care that ended or the period, so whether and how "
        "care ended is uncertain.",
        "x1-without-next-episode": "The period of care's final episode ended in the period "
        "with reason X1 (a new episode began) but no episode of the child starts that day, so "
        "the child has not ceased care and the next episode is missing.",
    },
    notes=(
        "A period of care whose final episode has reason X1 has not ended (a new episode was "
        "expected); a child with no other ceasing in the period is excluded "
        "(x1-without-next-episode) so that the missing episode is reported; one with an "
        "earlier real ceasing in the period is counted by it.",
        "The reason is read from the period of care's final episode, the one that ended last, "
        "not the one that started last (they differ only with overlapping episodes).",
        _EPISODE_ERROR_RULE.replace("reference period of care", "period of care that ended")
        + " A child whose period of care did not end but who has an episode error and an "
        "episode saying care ended in the period (a reason other than X1) is excluded too.",
        "DfE counts each child once, by the last time they ceased care in the year; so do we.",
        "Periods of care ended by a short-break episode (V3/V4) are left out, as DfE's tables "
        "leave out children looked after only under short breaks.",
        "A missing or unlisted reason counts as Other. The distribution has no median (its "
        "bands are categories).",
    ),
    sources=(
        CHILDREN_LOOKED_AFTER.at("children who ceased to be looked after"),
        SSDA903_GUIDE.at("REC"),
    ),
    inputs=("episodes",),
    function=ceased_care_permanence_distribution,
)


CARDS: tuple[Indicator, ...] = (
    LAC_REVIEWS_IN_TIMESCALE,
    CLA_3_PLUS_PLACEMENTS,
    CLA_LONG_TERM_STABILITY,
    CARE_LEAVERS_EET_17_18,
    CARE_LEAVERS_EET_19_21,
    CARE_LEAVERS_ACCOMMODATION_17_18,
    CARE_LEAVERS_ACCOMMODATION_19_21,
    CLA_CEASED_PERMANENCE,
)
