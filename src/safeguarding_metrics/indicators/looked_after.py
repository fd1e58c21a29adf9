"""Indicator family: looked-after children and care leavers (SSDA903), SPEC §4.4 and §4.1.

Every indicator here reads the care history of `safeguarding_metrics.care_history`, with its
repairs (an overlapped episode ending on the next one's start, an episode left open by a
child missing from a later return closed on 1 April, a period of care ended by an X1 episode
that nothing follows): each result's `diagnostics` names every repair that matters to the
period, and its audit counts them per child (the ``repairs`` measure).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import factorize, no_rows, position_among
from safeguarding_metrics._dates import DayArray, day_numbers, to_date
from safeguarding_metrics.care_history import (
    NOT_CEASING,
    SHORT_BREAKS_CHOICES,
    STARTS_CARE,
    CareHistory,
    EpisodeProblem,
    ShortBreaks,
    care_history,
    episode_codes,
    episode_diagnostics,
    exclusion_diagnostics,
    in_history_order,
    latest_set_aside_rows,
    repair_diagnostics,
)
from safeguarding_metrics.catalogue import (
    CARE_PLANNING_REGULATIONS_2010,
    CHILDREN_LOOKED_AFTER,
    LAIT,
    NATIONAL_INDICATORS,
    SSDA903_GUIDE,
    EnglandFigure,
    History,
    Indicator,
    Option,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.indicators._kernels import in_period, shift_months
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.provenance import collection_year
from safeguarding_metrics.records import Record, TableName
from safeguarding_metrics.results import Band, Distribution, Polarity, Rate
from safeguarding_metrics.working_days import (
    ENGLAND_FIRST_DAY,
    ENGLAND_LAST_DAY,
    WorkingDayCalendar,
)

__all__ = [
    "ACCOMMODATION_CODES",
    "ACTIVITY_CODES",
    "CARE_LEAVERS_ACCOMMODATION_17_18",
    "CARE_LEAVERS_ACCOMMODATION_19_21",
    "CARE_LEAVERS_EET_17_18",
    "CARE_LEAVERS_EET_19_21",
    "CLA_3_PLUS_PLACEMENTS",
    "CLA_CEASED_PERMANENCE",
    "CLA_LONG_TERM_STABILITY",
    "EET_ACTIVITIES",
    "LAC_REVIEWS_IN_TIMESCALE",
    "REVIEWS_FROM",
    "SHORT_BREAKS",
    "care_leavers_accommodation_17_18_rate",
    "care_leavers_accommodation_19_21_rate",
    "care_leavers_eet_17_18_rate",
    "care_leavers_eet_19_21_rate",
    "ceased_care_permanence_distribution",
    "lac_review_timeliness_rate",
    "long_term_stability_rate",
    "three_plus_placements_rate",
]

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

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
# SSDA903 guide, OC3 IN_TOUCH: DIED, RHOM (returned home for 6 months or more) and NREQ
# (information not required) take the young person out of the care-leaver cohorts.
CARE_LEAVER_OUT_OF_SCOPE: Final = ("DIED", "RHOM", "NREQ")
# SSDA903 guide, OC3 ACTIV: F = full time, P = part time; 1 higher education, 2 education
# other than higher, 4 apprenticeship, 5 training or employment other than an
# apprenticeship (from the 2021-22 return); 3 training or employment (returns before the
# 2021-22 return, which split it into 4 and 5). DfE's published totals count them all.
EET_ACTIVITIES: Final = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
# SSDA903 guide, OC3 ACTIV: G4 to G6 are not in education, employment or training; 0 is a
# valid "not applicable" (SSDA903 validation rule 132).
ACTIVITY_CODES: Final = frozenset({*EET_ACTIVITIES, "G4", "G5", "G6", "0"})
# SSDA903 guide, OC3 ACCOM: the letters G, H and R (gone abroad, deported, residence not
# known) are not assessed for suitability; a final 1 means suitable.
ACCOMMODATION_NOT_ASSESSED: Final = ("G", "H", "R")
SUITABLE_SUFFIX: Final = "1"
# SSDA903 validation rule 133: the accommodation codes (S, no fixed abode, and X, in custody,
# are never suitable), and 0, a valid "not applicable".
ACCOMMODATION_CODES: Final = frozenset(
    {f"{letter}{n}" for letter in "BCDEGHKRTUVWYZ" for n in "12"} | {"S2", "X2", "0"}
)
# SSDA903 guide, REC codes grouped into outcomes.
CEASED_OUTCOMES: Final = (
    ("Adoption", ("E11", "E12")),
    ("Special guardianship", ("E43", "E44", "E45", "E46", "E47", "E48")),
    ("Residence / child arrangements", ("E41",)),
    ("Returned home", ("E4A", "E4B", "E13")),
)
# Day numbers before and after every real date, for running minima and maxima.
_EARLIEST = np.iinfo(np.int64).min + 1
_LATEST = np.iinfo(np.int64).max

# One text per kind of exclusion or code problem (Diagnostic.problem), for grouping.
_X1_EXCLUSION_TEXT = (
    "the child's period of care ended in the period with reason ceased X1 (a new episode "
    "begins) but no episode follows: the child is excluded (x1-without-next-episode)"
)
_UNKNOWN_ACTIVITY_TEXT = "activity code not in the SSDA903 list; not counted as EET"
_UNKNOWN_ACCOMMODATION_TEXT = (
    "accommodation code not in the SSDA903 list; judged by its letter and final digit"
)

_REPAIR_NOTES = (
    "Episodes are read as repaired (SPEC §4.4, see `periods_of_care`): an episode still open "
    "in the last return holding it (Episode.year), for a child missing from the next return "
    "given (Dataset.coverage), is taken to have ended on 1 April after that return, or on "
    "its own start if it starts later, for a reason not known (reason ceased blank: one "
    "recorded on an open episode says nothing about its end). A child is missing from return Y when none of its "
    "episodes from return Y or later (year >= Y) was, as recorded, open at some time in "
    "collection year Y (starting by 31 March Y, and not ended or ended on or after 1 April "
    "of the year before); episodes without a year are never closed this way.",
    "An episode that the next episode of the child (by start, then other fields) starts "
    "before it ends is taken to end on that start, with reason ceased X1 unless the next "
    "one is RNE S; the child stays in every cohort. Two episodes starting on one day: the "
    "first by its other fields ends that day.",
    "A period of care continues only through an episode starting on the day the one before "
    "ended with REC X1; any other REC (or none) ends it, and a next episode, even the same "
    "day, starts a new one. An X1 episode that no episode follows that day ends its period "
    "of care.",
    "Every repair to an episode that reaches into the period (as recorded, or through its "
    "period of care) is listed in the result's diagnostics, naming the child and the "
    "episodes, and counted in the audit's `repairs` measure for its child.",
)
_EPISODE_ERROR_RULE = (
    "An episode ending before it starts (no rule can repair it; it belongs to no period of "
    "care) excludes a child (episode-error) only when it can matter to the period: when its "
    "dates, taken either way round, reach into a window ending at period end (its start on "
    "or after the window opens and its end on or before period end). The window opens at "
    "the earlier of period start and the start of the reference period of care; when that "
    "period of care did not begin with an RNE S episode (the child's first, or one after a "
    "gap that the set-aside episode may have made), at the earlier of period start and the "
    "end of the care before it (any date, when there is none). A diagnostic names the "
    "episode."
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


def _short_breaks_description(what: str) -> str:
    return (
        "Whether episodes under a series of short breaks (legal status V3/V4) are "
        f"placements: `exclude` (SPEC §4.4) {what}; `count` treats them as any other episode, "
        "for councils reconciling to an older local figure."
    )


SHORT_BREAKS = Option(
    name="short_breaks",
    default="exclude",
    choices=SHORT_BREAKS_CHOICES,
    description=_short_breaks_description(
        "leaves them out of the placements counted, as temporary placements are"
    ),
)
"""The ``short_breaks`` option of the placement-based cards."""


# -- shared helpers --------------------------------------------------------------------------


def _children(dataset: Dataset, *tables: TableName) -> npt.NDArray[np.intp]:
    """The codes of the children with a record in any of *tables*, sorted, each once."""
    present = np.zeros(dataset.child_count, dtype=np.bool_)
    for table in tables:
        present[dataset.child_codes(table)] = True
    return np.flatnonzero(present)


def _for_children(
    values: npt.NDArray[Any], history: CareHistory, children: npt.NDArray[np.intp], fill: Any
) -> npt.NDArray[Any]:
    """Per child of *history* (`history.children`) *values*, read for the codes *children*.

    A child without an episode gets *fill*; *children* that are `history.children` read
    *values* as they are.
    """
    if children is history.children:
        return values
    position = position_among(history.children, children)
    found = position >= 0
    result: npt.NDArray[Any] = np.full(len(children), fill, dtype=values.dtype)
    result[found] = values[position[found]]
    return result


def _current_rows(history: CareHistory, period: ReportingPeriod) -> IntArray:
    """For every child of *history*, the row of its episode open at period end (-1 for none).

    After the repairs no two episodes of a child are open at once (an overlapped one ends on
    the next one's start).
    """
    open_flags = history.open_at(period.end)
    return _last_by_child(history, open_flags)


def _episode_errors(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, reference: IntArray
) -> tuple[BoolArray, BoolArray]:
    """For every child of *history*, whether an episode ending before it starts matters.

    *reference* holds, for every child of *history* (`history.children`), a row of an
    episode of the period of care the indicator looks at (the current one, or the one that
    ended), -1 for none. An episode
    ending before it starts belongs to no period of care: it matters when its dates, taken
    either way round, reach into the window from `_window_start` to period end. Also
    returns, per episode, which set-aside episodes matter.
    """
    errors = np.zeros(len(history.children), dtype=np.bool_)
    flagged = ~history.valid
    if not flagged.any():
        return errors, flagged
    end = _day(period.end)
    reference_period = _pick(history.period, np.maximum(reference, 0), reference >= 0)
    window = _window_start(dataset, history, period, reference_period)[history.child_index]
    recorded_end = dataset.dates("episodes", "end")
    matters = flagged & (history.start >= window) & (recorded_end <= end)
    errors[history.child_index[matters]] = True
    return errors, matters


def _window_start(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, reference_period: Any
) -> DayArray:
    """For every child of *history*, the first day an episode set aside can matter from.

    (A set-aside episode is one ending before it starts.)

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
    began = np.zeros(int(history.period.max(initial=-1)) + 1, dtype=np.intp)
    began[history.period[first_rows]] = first_rows
    first_row = _pick(began, np.maximum(reference_period, 0), has_reference)
    normalised = _pick(episode_codes(dataset, "reason_new"), first_row, has_reference)
    began_with_s = has_reference & (normalised == STARTS_CARE)
    care_start = _pick(history.care_start, first_row, has_reference).view(np.int64)
    # The end of the care before it: the latest end among the child's episodes of earlier
    # periods of care (an open one counts as latest).
    before = (history.period >= 0) & (history.period < reference_period[history.child_index])
    ends = np.where(np.isnat(history.end), _LATEST, history.end.view(np.int64))
    care_before = np.full(len(reference_period), _EARLIEST, dtype=np.int64)
    np.maximum.at(care_before, history.child_index[before], ends[before])
    window = np.where(began_with_s, care_start, care_before)
    window = np.where(has_reference, np.minimum(window, start), start)
    result: DayArray = window.view("datetime64[D]")
    return result


@attrs.frozen(kw_only=True, eq=False)
class _AtPeriodEnd:
    """Each child's status at period end, for the cards judged there (per child, in order).

    Attributes:
        row: The row of the episode open at period end; for a child with none whose latest
            episode is set aside, that episode's row (its care-history facts are all
            missing); 0 otherwise.
        base: Looked after at period end and not under short breaks (V3/V4 on that
            episode), or with a latest episode set aside (not a short break).
        errors: Whether an episode error matters (see `_episode_errors`), or the latest
            episode is set aside.
        unknown: Whether the latest episode is set aside.
        error_episodes: Per episode, the set-aside episodes that matter.
    """

    row: IntArray
    base: BoolArray
    errors: BoolArray
    unknown: BoolArray
    error_episodes: BoolArray


def _at_period_end(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod, children: Any
) -> _AtPeriodEnd:
    """Each child's episode at period end, base cohort, and the episode errors that matter."""
    current_by_child = _current_rows(history, period)
    current = _for_children(current_by_child, history, children, -1)
    looked_after = current >= 0
    row = np.maximum(current, 0)
    short_breaks = _pick(history.short_break, row, looked_after)
    set_aside = latest_set_aside_rows(dataset, period.end, history.short_break)[children]
    unknown = ~looked_after & (set_aside >= 0)
    row = np.where(unknown, set_aside, row)
    errors, error_episodes = _episode_errors(dataset, history, period, current_by_child)
    return _AtPeriodEnd(
        row=row,
        base=(looked_after & ~short_breaks) | unknown,
        errors=_for_children(errors, history, children, False) | unknown,  # noqa: FBT003
        unknown=unknown,
        error_episodes=error_episodes,
    )


def _pick(values: npt.NDArray[Any], row: Any, present: BoolArray) -> npt.NDArray[Any]:
    """`values[row]` where *present*, else `NaT` (dates), -1, `""` or False; safe if empty."""
    fill: Any = {"M": np.datetime64("NaT", "D"), "U": "", "b": False}.get(values.dtype.kind, -1)
    if not len(values):
        return np.full(len(row), fill, dtype=values.dtype)
    result: npt.NDArray[Any] = np.where(present, values[row], fill)
    return result


def _day(value: Any) -> np.datetime64:
    return np.datetime64(value, "D")


def _nat(n: int) -> DayArray:
    result: DayArray = np.full(n, np.datetime64("NaT", "D"))
    return result


def _diagnostics(
    dataset: Dataset,
    history: CareHistory,
    period: ReportingPeriod,
    children: npt.NDArray[np.intp],
    *,
    excluded: BoolArray,
    error_episodes: BoolArray,
    unknown_rows: IntArray | None = None,
) -> tuple[list[Diagnostic], npt.NDArray[np.float64]]:
    """The repairs that matter to *period* and the reasons children were excluded.

    Args:
        dataset: The data.
        history: Its care history.
        period: The reporting period.
        children: The child codes of the audit's rows.
        excluded: Per audit row, whether the child was excluded ``episode-error``.
        error_episodes: Per episode, the set-aside episodes that matter.
        unknown_rows: Per audit row, the latest set-aside episode that made the child's
            status unknown (-1 for none).

    Returns:
        The diagnostics (repairs, in care-history order, then exclusions) and the audit's
        per-row ``repairs`` measure.
    """
    judged = np.zeros(dataset.child_count, dtype=np.bool_)
    judged[children] = True
    found, counts = repair_diagnostics(dataset, history, period=period, children=judged)
    excluded_codes = np.zeros(dataset.child_count, dtype=np.bool_)
    excluded_codes[children[excluded]] = True
    latest = np.zeros(len(history), dtype=np.bool_)
    if unknown_rows is not None:
        latest[unknown_rows[excluded & (unknown_rows >= 0)]] = True
    matters = error_episodes & ~latest & excluded_codes[history.child]
    for rows, is_latest in ((matters, False), (latest, True)):
        ordered = history.order[rows[history.order]].tolist()
        found += exclusion_diagnostics(dataset, history, ordered, latest=is_latest)
    return found, counts[children].astype(np.float64)


# -- lac-reviews-in-timescale ----------------------------------------------------------------


def _reviews_from_problem(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return "must be a datetime.date or None"
    return None


REVIEWS_FROM = Option(
    name="reviews_from",
    default=None,
    description=(
        "The first day the reviews are known from: the first day of the earliest return "
        "given. None (the default) takes it from the data's recorded coverage of reviews "
        "(`Dataset.coverage`), and when none is recorded assumes all review history is "
        "present. A child whose care started before that day is judged from its first "
        "review on or after it."
    ),
    validate=_reviews_from_problem,
)
"""The ``reviews_from`` option of `lac-reviews-in-timescale`."""


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


def _reviews_since(
    dataset: Dataset, reviews_from: dt.date | None, period: ReportingPeriod
) -> dt.date | None:
    """The day reviews are known from: the option, else the recorded coverage, else `None`.

    From the recorded coverage it is the first day of the unbroken stretch of returns that
    holds the period's end (else the latest stretch starting by then): reviews before a
    missing year's return are not a history the chain can be judged on.
    """
    if reviews_from is not None:
        problem = _reviews_from_problem(reviews_from)
        if problem:
            raise InvalidOptionError(
                f"{LAC_REVIEWS_IN_TIMESCALE.id}: option reviews_from={reviews_from!r}: {problem}"
            )
        return reviews_from
    stretches = dataset.coverage.intervals("lac_reviews")
    if not stretches:
        return None
    started = [start for start, _ in stretches if start <= period.end]
    return started[-1] if started else stretches[0][0]


def lac_review_timeliness_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
    reviews_from: dt.date | None = None,
) -> Rate:
    """Share of looked-after children whose reviews have all been held on time.

    A child counts when every review since the current period of care began was on time
    and none is overdue at period end. The rules of reg 33: the first review within 20
    working days of the start of care, the second within 3 months of the first, each later
    one within 6 months of the one before. Review history the data cannot show is never
    counted as a missed review.

    Args:
        data: A `Dataset` (episodes and lac_reviews are read), or records.
        period: The reporting period; the cohort is taken at its last day.
        calendar: The working-day calendar; the England calendar when omitted.
        reviews_from: The first day reviews are known from; by default the first day of
            the earliest return of reviews recorded in `Dataset.coverage` in the unbroken
            run of returns holding the period's end (a missing year's return starts the
            history afresh), and all history when none is recorded.

    Returns:
        A child-level `Rate` (one audit row per child with an episode or a review).

    Raises:
        InvalidOptionError: For a *reviews_from* that is not a date.

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
        - A child whose care started before *reviews_from* is judged from its first review
          on or after that day: that review is due by `add_months(reviews_from, 6)` (the
          latest an on-time history before that day could make it due), the next within 6
          months of it, and each later one within 6 months of the one before; reviews
          before that day are ignored.
        - Such a child with no review from *reviews_from* to period end is excluded
          (``review-history-missing``).
        - Episodes are read as repaired (see `periods_of_care`); the repairs that matter to
          the period are in the result's diagnostics.
        - A child looked after at period end (not under short breaks) with an episode
          ending before it starts that matters is excluded (``episode-error``) whether or
          not its first review was due: the error makes the start of care uncertain.
        - An episode ending before it starts matters when its dates reach into the window
          from the earlier of period start and the start of care (the end of the care
          before, when the current period of care began without RNE S) to period end.
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
    since = _reviews_since(dataset, reviews_from, period)
    history = care_history(dataset)
    children = _children(dataset, "episodes", "lac_reviews")
    n = len(children)
    end = _day(period.end)
    status = _at_period_end(dataset, history, period, children)
    candidate, errors = status.base, status.errors
    care_start = _pick(history.care_start, status.row, candidate)
    # A child whose latest episode is set aside has no care start: it is episode-error.
    timed = candidate & ~np.isnat(care_start)
    first_due, outside = _first_review_due(cal, care_start, timed, end)
    # An episode error makes the start of care, so whether the first review was due,
    # uncertain: such a child is excluded whatever its first review's due date.
    in_scope = candidate & ((first_due <= end) | outside | errors)
    # Care that started before the reviews are known is judged from the first review
    # known: that review is due by add_months(since, 6), each later one 6 months on.
    judged_from = _nat(n)
    if since is not None:
        judged_from = np.where(timed & (care_start < _day(since)), _day(since), judged_from)
    from_known = ~np.isnat(judged_from)
    anchor_due = shift_months(judged_from, LATER_REVIEW_MONTHS)

    # The cohort's reviews from care start (or the known history) to period end, each date
    # once, by child and date, judged a block of children at a time.
    counted_from = np.where(from_known, judged_from, care_start)
    count = np.zeros(n, dtype=np.intp)
    late_count = np.zeros(n, dtype=np.intp)
    last_review = _nat(n)
    for owner, when in _cohort_reviews(dataset, children, in_scope, counted_from, end):
        first = np.ones(len(owner), dtype=np.bool_)
        first[1:] = owner[1:] != owner[:-1]
        positions = np.arange(len(owner))
        rank = positions - np.maximum.accumulate(np.where(first, positions, 0))
        previous = np.roll(when, 1)
        second = (rank == 1) & ~from_known[owner]
        months = np.where(second, SECOND_REVIEW_MONTHS, LATER_REVIEW_MONTHS)
        first_of = np.where(from_known[owner], anchor_due[owner], first_due[owner])
        due = np.where(first, first_of, shift_months(previous, months))
        late = when > due
        # Each child's reviews are one run of the block.
        starts = np.flatnonzero(first)
        child = owner[starts]
        count[child] = np.diff(np.append(starts, len(owner)))
        late_count[child] = np.add.reduceat(late, starts, dtype=np.intp)
        last = np.ones(len(owner), dtype=np.bool_)
        last[:-1] = first[1:]
        last_review[child] = when[last]
    next_months = np.where((count == 1) & ~from_known, SECOND_REVIEW_MONTHS, LATER_REVIEW_MONTHS)
    next_due = np.where(count == 0, first_due, shift_months(last_review, next_months))
    on_time = (late_count == 0) & (end <= next_due)
    missing_history = from_known & (count == 0)
    excluded = {
        "episode-error": errors,
        "outside-calendar": outside,
        "review-history-missing": missing_history,
    }
    diagnostics, repairs = _diagnostics(
        dataset,
        history,
        period,
        children,
        excluded=in_scope & errors,
        error_episodes=status.error_episodes,
        unknown_rows=np.where(status.unknown, status.row, -1),
    )
    return Rate.from_flags(
        indicator_id=LAC_REVIEWS_IN_TIMESCALE.id,
        table="children",
        in_scope=in_scope,
        hit=on_time,
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(n),
        excluded=excluded,
        measures={
            "care_start": care_start,
            "first_review_due": first_due,
            "reviews_judged_from": np.where(in_scope, judged_from, _nat(n)),
            "reviews": np.where(in_scope, count, np.nan),
            "late_reviews": np.where(in_scope, late_count, np.nan),
            "next_review_due": np.where(in_scope & ~missing_history, next_due, _nat(n)),
            "repairs": repairs,
        },
        diagnostics=diagnostics,
    )


_REVIEW_BLOCK = 1 << 16
"""Reviews per block (carried on to the end of a child's reviews) judged at a time."""


def _cohort_reviews(
    dataset: Dataset,
    children: IntArray,
    in_scope: BoolArray,
    counted_from: DayArray,
    end: np.datetime64,
) -> Iterable[tuple[IntArray, DayArray]]:
    """The cohort's reviews from *counted_from* to *end*, each date once, by child and date.

    Yields blocks of (place among *children*, date) pairs; every review of a child is in
    one block. Every reviewed child is among *children* (sorted).
    """
    codes = dataset.child_codes("lac_reviews")
    dates = dataset.dates("lac_reviews", "review_date")
    counted = counted_from[in_scope]
    counted = counted[~np.isnat(counted)]
    if not len(counted) or not len(codes):
        return
    # A review kept is on a day from the earliest counted_from to end: a key of its child's
    # place and that day, `place * span + day - low`, sorts by child, then date.
    low = int(day_numbers(counted).min())
    span = int(end.astype(np.int64)) - low + 1
    if span <= 0:
        return
    keys = np.empty(len(codes), dtype=np.int64)
    kept = 0
    for first in range(0, len(codes), _REVIEW_BLOCK):
        owner = np.searchsorted(children, codes[first : first + _REVIEW_BLOCK])
        when = dates[first : first + _REVIEW_BLOCK]
        keep = in_scope[owner] & (when >= counted_from[owner]) & (when <= end)
        block = owner[keep].astype(np.int64)
        block *= span
        block += day_numbers(when[keep])
        block -= low
        keys[kept : kept + len(block)] = block
        kept += len(block)
    keys = keys[:kept]
    keys.sort()
    start = 0
    while start < kept:
        stop = min(start + _REVIEW_BLOCK, kept)
        if stop < kept:
            # On to the end of the child at the block's end.
            next_child = (int(keys[stop - 1]) // span + 1) * span
            stop = int(np.searchsorted(keys, next_child))
        block = keys[start:stop]
        distinct = np.ones(len(block), dtype=np.bool_)
        distinct[1:] = block[1:] != block[:-1]
        block = block[distinct]
        owner = (block // span).astype(np.intp)
        day = block - owner * span + low
        yield owner, day.view("datetime64[D]")
        start = stop


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
        "Children whose reviews since care began (or since the reviews are known, for care "
        "that began earlier) were all on time (first within 20 working days, second within 3 "
        "months, then every 6 months) and none overdue at period end."
    ),
    denominator="The cohort, less exclusions.",
    exclusions={
        "episode-error": "The child has an episode ending before it starts in or near the "
        "current period of care or the period, so the start of care is uncertain; or its "
        "latest episode ends before it starts, so whether it is looked after at period end "
        "is uncertain.",
        "outside-calendar": (
            "The start of care lies outside the working-day calendar's coverage "
            f"({ENGLAND_FIRST_DAY.isoformat()} to {ENGLAND_LAST_DAY.isoformat()} for England; a "
            "custom calendar's first_day to last_day), or its 20th working day falls after the "
            "calendar's last day, so the first review's due date cannot be counted."
        ),
        "review-history-missing": (
            "Care started before the first day reviews are known from (reviews_from) and no "
            "review is recorded from that day to period end, so the review history the "
            "chain would be judged on is not in the data."
        ),
    },
    options=(REVIEWS_FROM,),
    notes=(
        "The clock runs from the start of the current period of care (SPEC §4.4), not of the "
        "current episode.",
        "A review due on the period's last day is not yet overdue; a child whose first review "
        "falls due on that day, with none held, is in the numerator.",
        "Reviews dated before care started, or after period end, are ignored; two reviews on "
        "one day count once.",
        "Review history the data cannot show is never counted as a missed review (SPEC §4.1). "
        "Reviews are known from reviews_from: by default the first day of the earliest return "
        "holding reviews (Dataset.coverage) in the unbroken run of yearly returns that holds "
        "the period's end (with the 2021 return missing, a 2023 period's reviews are known "
        "from 1 April 2021, so the missing year is never a missed review), else all history "
        "is assumed present. A child "
        "whose care started before that day is judged from its first review on or after it, "
        "and reviews before that day are ignored.",
        "That first known review has its own due date, add_months(reviews_from, 6): whatever "
        "the unseen history, an on-time review before reviews_from would make the next due by "
        "then. The next review is due within 6 months of it (whether it was the child's first "
        "review, whose successor is due within 3 months, cannot be known, so the longer "
        "interval is used), each later one within 6 months of the one before, and none may "
        "be overdue at period end.",
        "review-history-missing comes after episode-error and outside-calendar.",
        *_REPAIR_NOTES,
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
    needs=("lac_reviews.review_date",),
    inputs=("episodes", "lac_reviews"),
    function=lac_review_timeliness_rate,
)


# -- cla-3-plus-placements -------------------------------------------------------------------


def three_plus_placements_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    short_breaks: ShortBreaks = "exclude",
) -> Rate:
    """Share of children looked after at period end who had three or more placements in it.

    Args:
        data: A `Dataset` (episodes are read), or records.
        period: The reporting period.
        short_breaks: ``"exclude"`` (short-break episodes are not placements) or
            ``"count"``.

    Returns:
        A child-level `Rate` (one audit row per child with an episode), with each child's
        number of placements as the ``placements`` measure.

    Raises:
        InvalidOptionError: For a *short_breaks* value other than the two above.

    Notes:
        - Cohort: children with an episode open at period end, not under short breaks
          (legal status V3/V4 on that episode); an episode ending on the period's last day
          is not open at it.
        - The first episode overlapping the period that is a placement counts as one
          whatever its RNE; each later overlapping episode counts if it begins a placement.
        - ``L``, ``T`` and ``U`` episodes continue the placement (same carer or legal status
          change only); ``P`` and ``B`` begin one.
        - Temporary placements (T0 to T4) are not counted, and going back to the placement
          before them (same code, URN and postcode where recorded) is not a new one.
        - Short-break episodes (V3/V4) are not placements (as temporary ones); with
          *short_breaks* ``"count"`` they are, as any other episode.
        - Placements in every period of care overlapping the period count.
        - Episodes are read as repaired (see `periods_of_care`); the repairs that matter to
          the period are in the result's diagnostics.
        - A child in the cohort with an episode ending before it starts that matters is
          excluded (``episode-error``): one whose dates reach into the window from the
          earlier of period start and the start of care (the end of the care before, when
          the current period of care began without RNE S) to period end.
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
    SHORT_BREAKS.check(CLA_3_PLUS_PLACEMENTS.id, short_breaks)
    history = care_history(dataset, short_breaks=short_breaks)
    children = history.children
    n = len(children)
    status = _at_period_end(dataset, history, period, children)
    in_scope, errors = status.base, status.errors
    counts = _for_children(_placements_in(dataset, history, period), history, children, 0)
    diagnostics, repairs = _diagnostics(
        dataset,
        history,
        period,
        children,
        excluded=in_scope & errors,
        error_episodes=status.error_episodes,
        unknown_rows=np.where(status.unknown, status.row, -1),
    )
    return Rate.from_flags(
        indicator_id=CLA_3_PLUS_PLACEMENTS.id,
        table="children",
        in_scope=in_scope,
        hit=counts >= MANY_PLACEMENTS,
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(n),
        excluded={"episode-error": errors},
        measures={"placements": np.where(in_scope, counts, np.nan), "repairs": repairs},
        diagnostics=diagnostics,
    )


def _placements_in(
    dataset: Dataset, history: CareHistory, period: ReportingPeriod
) -> npt.NDArray[np.int64]:
    """For every child of *history*, how many placements it had during *period*."""
    start, end = _day(period.start), _day(period.end)
    overlaps = (
        history.valid
        & ~history.not_placement
        & (history.start <= end)
        & (np.isnat(history.end) | (history.end > start))
    )
    rows = history.order[overlaps[history.order]]
    codes = history.child_index[rows]
    first = np.ones(len(rows), dtype=np.bool_)
    first[1:] = codes[1:] != codes[:-1]
    counted = first | history.begins_placement[rows]
    return np.bincount(codes[counted], minlength=len(history.children))


CLA_3_PLUS_PLACEMENTS = Indicator(
    id="cla-3-plus-placements",
    title="Children looked after with three or more placements during the year",
    kind="rate",
    polarity=Polarity.LOWER,
    grows_with_length=True,
    legacy_codes=("NI 62",),
    cohort=(
        "Children looked after at period end, not under short breaks (legal status V3/V4). "
        "Also children whose latest episode ends before it starts (to exclude them)."
    ),
    numerator=(
        "Children with three or more placements during the period: the first episode "
        "overlapping the period that is a placement, then each later one beginning a "
        "placement."
    ),
    denominator="The cohort, less exclusions.",
    exclusions={
        "episode-error": "The child has an episode ending before it starts in or near the "
        "current period of care or the period, so placements cannot be counted reliably; or "
        "its latest episode ends before it starts, so whether it is looked after at period "
        "end is uncertain."
    },
    options=(SHORT_BREAKS,),
    notes=(
        "Placements are counted as SPEC §4.4 joins episodes: see `periods_of_care`.",
        "A temporary placement run (T0–T4) ended by a return to the same placement (same code, "
        "and same URN and postcode where both are recorded) is one placement; a different URN "
        "is a new placement.",
        "Episodes under a series of short breaks (legal status V3/V4) are not placements "
        "(SPEC §4.4), whether before the child came into care or in between: they are "
        "skipped as temporary placements are, and a return to the placement before them "
        "continues it. short_breaks='count' counts them as any other episode, as this "
        "library did before, for councils reconciling to an older local figure.",
        "Episodes in every period of care overlapping the period count.",
        *_REPAIR_NOTES,
        "An episode ending before it starts is set aside (it is in no placement).",
        _EPISODE_ERROR_RULE.replace("reference period of care", "current period of care"),
        _LATEST_SET_ASIDE_RULE,
        "A temporary placement open on 1 April is not counted: the first episode overlapping "
        "the period that is a placement is the year's first placement, even when it returns "
        "to the placement the temporary one interrupted.",
    ),
    sources=(
        CHILDREN_LOOKED_AFTER.at("placement stability"),
        LAIT.at("children looked after with 3 or more placements"),
        NATIONAL_INDICATORS.at("NI 62"),
        SSDA903_GUIDE.at("RNE, LS, PLACE"),
    ),
    england=EnglandFigure(value=10.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    needs=("episodes.history",),
    inputs=("episodes",),
    function=three_plus_placements_rate,
)


# -- cla-long-term-stability -----------------------------------------------------------------


def _birth_dates(dataset: Dataset, children: npt.NDArray[np.intp]) -> DayArray:
    """For each child code of *children* (sorted), its birth date from the Child records.

    `NaT` when none.
    """
    births = np.full(len(children), np.iinfo(np.int64).min, dtype=np.int64)
    known = dataset.dates("children", "birth_date")
    position = position_among(children, dataset.child_codes("children"))
    present = ~np.isnat(known) & (position >= 0)
    # Several Child records of one child: the latest birth date wins (order-independent).
    np.maximum.at(births, position[present], known[present].view(np.int64))
    result: DayArray = births.view("datetime64[D]")
    return result


def long_term_stability_rate(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    short_breaks: ShortBreaks = "exclude",
) -> Rate:
    """Share of long-term looked-after children under 16 who have been in one placement 2 years.

    Args:
        data: A `Dataset` (episodes and children are read), or records.
        period: The reporting period.
        short_breaks: ``"exclude"`` (short-break episodes are not placements) or
            ``"count"``, as for `cla-3-plus-placements`.

    Returns:
        A child-level `Rate` (one audit row per child with an episode).

    Raises:
        InvalidOptionError: For a *short_breaks* value other than the two above.

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
        - Placements are those of `cla-3-plus-placements`: short-break episodes (V3/V4) are
          not placements unless *short_breaks* is ``"count"``, so with the default a
          placement that a short break interrupted continues past it.
        - Episodes are read as repaired (see `periods_of_care`); the repairs that matter to
          the period are in the result's diagnostics.
        - A child looked after at period end, not under short breaks and under 16, with an
          episode ending before it starts that matters is excluded (``episode-error``)
          whether or not its current period of care started 30 months before period end:
          the error makes that start uncertain. ``episode-error`` is judged before
          ``missing-birth-date``.
        - An episode ending before it starts matters when its dates reach into the window
          from the earlier of period start and the start of care (the end of the care
          before, when the current period of care began without RNE S) to period end.
        - A child with no episode open at period end whose latest episode starting by
          period end ends before it starts (set aside; not V3/V4) is excluded
          (``episode-error``) when under 16 (or of unknown age): the typo may hide that it
          is looked after. A valid episode starting after the set-aside one decides as
          usual.

    References:
        - National Indicators handbook, NI 63.
        - DfE, Children looked after in England, placement stability.
    """
    dataset = as_dataset(data)
    SHORT_BREAKS.check(CLA_LONG_TERM_STABILITY.id, short_breaks)
    history = care_history(dataset, short_breaks=short_breaks)
    children = history.children
    n = len(children)
    status = _at_period_end(dataset, history, period, children)
    row, looked_after, errors = status.row, status.base, status.errors
    care_start = _pick(history.care_start, row, looked_after)
    long_term = care_start <= _day(add_months(period.end, -LONG_TERM_CARE_MONTHS))
    birth = _birth_dates(dataset, children)
    missing_birth = np.isnat(birth)
    sixteenth = shift_months(birth, 12 * STABILITY_AGE_LIMIT_YEARS)
    under_16 = missing_birth | (sixteenth > _day(period.end))
    # An episode error makes the start of care uncertain, so the 30-month test cannot
    # decide: such a child is excluded whenever it is otherwise in the cohort.
    in_scope = looked_after & under_16 & (long_term | errors)

    since = _day(add_months(period.end, -LONG_TERM_PLACEMENT_MONTHS))
    placement_start = _pick(history.placement_start, row, looked_after)
    previous_start = _pick(history.previous_placement_start, row, looked_after)
    first_row = _pick(history.placement_first_row, row, looked_after)
    adoptive_now = np.isin(_pick(history.placement_code, row, looked_after), ADOPTION_PLACEMENTS)
    codes = episode_codes(dataset, "placement")
    began_adoptive = np.isin(_pick(codes, first_row, first_row >= 0), ADOPTION_PLACEMENTS)
    stable = (placement_start <= since) | (
        adoptive_now & began_adoptive & (previous_start <= since)
    )
    diagnostics, repairs = _diagnostics(
        dataset,
        history,
        period,
        children,
        excluded=in_scope & errors,
        error_episodes=status.error_episodes,
        unknown_rows=np.where(status.unknown, status.row, -1),
    )
    return Rate.from_flags(
        indicator_id=CLA_LONG_TERM_STABILITY.id,
        table="children",
        in_scope=in_scope,
        hit=stable,
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(n),
        excluded={"episode-error": errors, "missing-birth-date": missing_birth},
        measures={
            "care_start": np.where(looked_after, care_start, _nat(n)),
            "placement_start": placement_start,
            "previous_placement_start": previous_start,
            "repairs": repairs,
        },
        diagnostics=diagnostics,
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
        "episode-error": "The child has an episode ending before it starts in or near the "
        "current period of care or the period, so the start of care and the placement "
        "history are uncertain; or its latest episode ends before it starts, so whether it "
        "is looked after at period end is uncertain.",
        "missing-birth-date": "No birth date for the child among the Child records.",
    },
    options=(
        attrs.evolve(
            SHORT_BREAKS,
            description=_short_breaks_description(
                "leaves them out of the placements, so a placement a short break interrupted "
                "continues past it"
            ),
        ),
    ),
    notes=(
        "Boundaries are calendar months (`add_months`): care started on "
        "`add_months(period.end, -30)` is in the cohort, placement started on "
        "`add_months(period.end, -24)` is in the numerator.",
        "A child whose 16th birthday is on the period's last day is 16, so out of scope.",
        "The 'placement before the adoptive one' applies when the adoptive placement (A3–A6) "
        "began a placement of its own; it is the placement before it in the same period of "
        "care.",
        "A child on a temporary placement at period end is judged by the placement it interrupts.",
        "Placements are the same as for cla-3-plus-placements, with the same short_breaks "
        "option and default: a short-break episode (V3/V4) is not a placement, so a "
        "placement it interrupted continues past it, and it never begins the current "
        "placement. Short breaks still count as care for the 30 months: the period of care "
        "is not changed by the option.",
        "Several Child records for one child: the latest birth date is used.",
        *_REPAIR_NOTES,
        _EPISODE_ERROR_RULE.replace("reference period of care", "current period of care"),
        _EPISODE_ERROR_BEFORE_FILTERS + " Here that test is the 30 months in care; age is "
        "still applied first (a child aged 16 or over is out of scope), as it does not "
        "depend on the episodes.",
        _LATEST_SET_ASIDE_RULE + " Age is applied first here too.",
    ),
    sources=(
        NATIONAL_INDICATORS.at("NI 63"),
        CHILDREN_LOOKED_AFTER.at("placement stability"),
        SSDA903_GUIDE.at("RNE, LS, PLACE"),
    ),
    england=EnglandFigure(value=69.0, period="2024-25", source=CHILDREN_LOOKED_AFTER),
    history=History(months=30, before="end"),
    needs=("episodes.history",),
    inputs=("episodes", "children"),
    function=long_term_stability_rate,
)


# -- care leavers ----------------------------------------------------------------------------


def _code(dataset: Dataset, field: str) -> npt.NDArray[np.str_]:
    """An OC3 code column, trimmed and upper-cased (each distinct value once)."""
    values = dataset.column("care_leavers", field)
    if not len(values):
        return values.astype(np.str_)
    distinct, codes = factorize(values)
    result: npt.NDArray[np.str_] = np.char.upper(np.char.strip(distinct))[codes]
    return result


@attrs.frozen(kw_only=True, eq=False)
class _CareLeaverCohort:
    """The care-leaver records of one cohort, per record.

    Attributes:
        in_scope: In the cohort (before the accommodation letters, for those cards).
        age: The age at the birthday in the period (`nan` for none).
        birthday: That birthday (`NaT` for none).
        looked_after: Still looked after on that birthday (an episode open at it).
        diagnostics: The repairs to the episodes that decided *looked_after*.
    """

    in_scope: BoolArray
    age: npt.NDArray[np.float64]
    birthday: DayArray
    looked_after: BoolArray
    diagnostics: list[Diagnostic]


def _care_leaver_cohort(
    dataset: Dataset, period: ReportingPeriod, ages: tuple[int, ...]
) -> _CareLeaverCohort:
    """Which care-leaver records are in the cohort, and the age of the birthday in period."""
    birth = dataset.dates("care_leavers", "birth_date")
    n = len(birth)
    age = np.full(n, np.nan)
    birthday = _nat(n)
    for years in ages:
        candidate = shift_months(birth, 12 * years)
        found = np.isnan(age) & in_period(period, candidate)
        age = np.where(found, float(years), age)
        birthday = np.where(found, candidate, birthday)
    year = dataset.column("care_leavers", "year")
    # OC3 describes the young person around the birthday in its own collection year: with
    # the year known, only the return for the year containing period end is read.
    this_return = np.isnan(year) | (year == collection_year(period.end))
    in_touch = _code(dataset, "in_touch")
    considered = ~np.isnan(age) & this_return
    in_scope = considered & ~np.isin(in_touch, CARE_LEAVER_OUT_OF_SCOPE)
    looked_after = np.zeros(n, dtype=np.bool_)
    diagnostics: list[Diagnostic] = []
    if len(dataset.episodes) and considered.any():
        looked_after, diagnostics = _looked_after_on(dataset, birthday, considered, in_scope)
    return _CareLeaverCohort(
        in_scope=in_scope & ~looked_after,
        age=age,
        birthday=birthday,
        looked_after=looked_after,
        diagnostics=diagnostics,
    )


def _looked_after_on(
    dataset: Dataset, birthday: DayArray, wanted: BoolArray, in_scope: BoolArray
) -> tuple[BoolArray, list[Diagnostic]]:
    """Whether each wanted care leaver had an episode (as repaired) open on *birthday*.

    Also the diagnostics of the repaired episodes of the young people *in_scope* that, as
    recorded or as repaired, reach the birthday (so a repair may have decided the answer).
    """
    history = care_history(dataset)
    # Join records to episodes by child: sort episodes by child, look each leaver's up.
    leaver_child = dataset.child_codes("care_leavers")
    episode_child = history.child
    order = np.argsort(episode_child, kind="stable").astype(np.intp)
    sorted_child = episode_child[order]
    lo = np.searchsorted(sorted_child, leaver_child, side="left")
    hi = np.searchsorted(sorted_child, leaver_child, side="right")
    counts = np.where(wanted, hi - lo, 0)
    owner = np.repeat(np.arange(len(leaver_child), dtype=np.intp), counts)
    starts = np.repeat(lo, counts)
    offsets = np.arange(len(owner), dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = order[starts + offsets]
    day = birthday[owner]
    repaired_end = history.end[rows]
    is_open = (
        history.valid[rows]
        & (history.start[rows] <= day)
        & (np.isnat(repaired_end) | (repaired_end > day))
    )
    looked_after = np.zeros(len(leaver_child), dtype=np.bool_)
    looked_after[owner[is_open]] = True
    recorded_end = dataset.dates("episodes", "end")[rows]
    reaches = (history.start[rows] <= day) & (
        np.isnat(recorded_end) | (recorded_end > day) | (repaired_end > day)
    )
    decided = np.zeros(len(history), dtype=np.bool_)
    decided[rows[reaches & history.repaired[rows] & in_scope[owner]]] = True
    repaired_rows = history.order[decided[history.order]]
    diagnostics: list[Diagnostic] = []
    for problem in (
        EpisodeProblem.MISSING_FROM_NEXT_RETURN,
        EpisodeProblem.OVERLAP,
        EpisodeProblem.X1_WITHOUT_NEXT_EPISODE,
    ):
        chosen = repaired_rows[history.has(problem)[repaired_rows]]
        diagnostics += episode_diagnostics(dataset, history, chosen.tolist(), problem)
    return looked_after, diagnostics


def _code_diagnostics(
    dataset: Dataset, field: str, column: str, valid: frozenset[str], in_scope: BoolArray, text: str
) -> list[Diagnostic]:
    """A diagnostic for each in-scope record whose code is given but not in *valid*."""
    codes = _code(dataset, field)
    unknown = in_scope & (codes != "") & ~np.isin(codes, sorted(valid))
    raw = dataset.column("care_leavers", field)
    child = dataset.column("care_leavers", "child_id")
    births = dataset.dates("care_leavers", "birth_date")
    origins = dataset.origin_of("care_leavers")  # read once: named as `record_diagnostic` does
    found = []
    for row in np.flatnonzero(unknown).tolist():
        file, line = origins.where(row)
        where = (
            f"line {line}"
            if line
            else f"care_leavers: child {child[row]}, birth_date {to_date(births[row]).isoformat()}"
        )
        found.append(
            Diagnostic(
                file=file,
                where=where,
                field=column,
                value=f"child {child[row]}: {raw[row]}",
                problem=text,
            )
        )
    return found


def _eet_rate(
    data: Dataset | Iterable[Record], period: ReportingPeriod, ages: tuple[int, ...], card_id: str
) -> Rate:
    dataset = as_dataset(data)
    cohort = _care_leaver_cohort(dataset, period, ages)
    diagnostics = cohort.diagnostics + _code_diagnostics(
        dataset, "activity", "ACTIV", ACTIVITY_CODES, cohort.in_scope, _UNKNOWN_ACTIVITY_TEXT
    )
    return Rate.from_flags(
        indicator_id=card_id,
        table="care_leavers",
        in_scope=cohort.in_scope,
        hit=np.isin(_code(dataset, "activity"), EET_ACTIVITIES),
        child_ids=dataset.deferred_child_ids("care_leavers"),
        measures={"age": cohort.age, "looked_after_on_birthday": cohort.looked_after},
        diagnostics=diagnostics,
    )


def _accommodation_rate(
    data: Dataset | Iterable[Record], period: ReportingPeriod, ages: tuple[int, ...], card_id: str
) -> Rate:
    dataset = as_dataset(data)
    cohort = _care_leaver_cohort(dataset, period, ages)
    accommodation = _code(dataset, "accommodation")
    letter = accommodation.astype("<U1")  # casting to one character keeps the first
    in_scope = cohort.in_scope & ~np.isin(letter, ACCOMMODATION_NOT_ASSESSED)
    suitable = (np.char.str_len(accommodation) > 1) & np.char.endswith(
        accommodation, SUITABLE_SUFFIX
    )
    diagnostics = cohort.diagnostics + _code_diagnostics(
        dataset,
        "accommodation",
        "ACCOM",
        ACCOMMODATION_CODES,
        in_scope,
        _UNKNOWN_ACCOMMODATION_TEXT,
    )
    return Rate.from_flags(
        indicator_id=card_id,
        table="care_leavers",
        in_scope=in_scope,
        hit=suitable,
        child_ids=dataset.deferred_child_ids("care_leavers"),
        measures={"age": cohort.age, "looked_after_on_birthday": cohort.looked_after},
        diagnostics=diagnostics,
    )


_COHORT_NOTES = (
    "A 29 February birthday falls on 28 February in other years (`add_months`).",
    "With CareLeaver.year set, only the records of the return for the collection year "
    "containing period end are read (`provenance.collection_year(period.end)`): OC3 describes "
    "the young person around the birthday in that return's year, so an older return's row "
    "never stands in for a later year (LAIT 112/113/333). Records without a year are judged "
    "by their birthday alone.",
    "Young people who died (DIED), returned home for 6 months or more (RHOM), or whose "
    "information is not required (NREQ) are out of scope, a cohort rule.",
    "Where episodes are given, a young person with an episode open on that birthday (as "
    "repaired; SPEC §0 'open at a date') is still looked after and out of scope: no "
    "care-leaver information is required then (SSDA903 validation rules 1007 and 1016). Any "
    "episode counts, short breaks included; a repair that decided it is in the diagnostics.",
    "Codes are compared after trimming spaces and upper-casing.",
    "From in-year sources (`read_ssd`'s ssd_care_leavers, `read_annex_a`'s list 9) a care "
    "leaver's record is the young person's latest status, not the SSDA903's record around "
    "the birthday, and has no collection year: the figure is the share now, of those whose "
    "birthday in the period puts them in the cohort, and may differ from the DfE return's.",
)
_EET_NOTES = (
    *_COHORT_NOTES,
    "EET is activity F1, P1, F2, P2, F3, P3, F4, P4, F5 or P5: F3/P3 (training or "
    "employment) is the code of returns before 2021-22, which split it into F4/P4 "
    "(apprenticeship) and F5/P5 (other training or employment); DfE's published totals "
    "count all of them.",
    "A missing activity, or 0 (a valid 'not applicable', SSDA903 rule 132), stays in the "
    "denominator (not known to be EET), as DfE counts care leavers whose activity is not "
    "known; excluding them would reward missing data.",
    "An activity outside the SSDA903 list (F1–P5 above, G4, G5, G6, 0) is diagnosed and "
    "counts as not EET.",
)
_ACCOMMODATION_NOTES = (
    *_COHORT_NOTES,
    "Young people whose accommodation letter is G, H or R (not assessed for suitability) "
    "are out of scope.",
    "A missing accommodation, or 0 (a valid 'not applicable', SSDA903 rule 133), stays in "
    "the denominator (not known to be suitable), as DfE counts care leavers whose "
    "accommodation is not known.",
    "An accommodation code outside the SSDA903 list (rule 133: B1 to Z2 but S1 and X1, no "
    "fixed abode and custody never being suitable; and 0) is diagnosed and judged by its "
    "letter and its final digit as any other.",
)
_EET_NUMERATOR = "Those whose activity is F1, P1, F2, P2, F3, P3, F4, P4, F5 or P5."


def care_leavers_eet_17_18_rate(
    data: Dataset | Iterable[Record], *, period: ReportingPeriod
) -> Rate:
    """Share of care leavers whose 17th or 18th birthday fell in the period who are in EET.

    Args:
        data: A `Dataset` (care_leavers, and episodes when given, are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records) and ``looked_after_on_birthday``.

    Notes:
        - Cohort: records whose 17th or 18th birthday falls in the period, from the return
          for the year containing period end when the record's year is known.
        - A 29 February birthday falls on 28 February in other years.
        - ``in_touch`` DIED, RHOM or NREQ is out of scope.
        - A young person still looked after on that birthday (an episode open at it) is
          out of scope, where episodes are given.
        - Numerator: activity F1, P1, F2, P2, F3, P3, F4, P4, F5 or P5.
        - A missing activity, or 0, stays in the denominator.
        - An activity outside the SSDA903 list is diagnosed.

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (IN_TOUCH, ACTIV); validation rules 132, 1007, 1016.
    """
    return _eet_rate(data, period, (17, 18), CARE_LEAVERS_EET_17_18.id)


CARE_LEAVERS_EET_17_18 = Indicator(
    id="care-leavers-eet-17-18",
    title="Care leavers aged 17 or 18 in education, employment or training",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records of the return for the year containing period end) whose "
        "17th or 18th birthday falls in the period, less those who died, returned home for "
        "6 months or more, whose information is not required, or who were still looked "
        "after on that birthday."
    ),
    numerator=_EET_NUMERATOR,
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
        data: A `Dataset` (care_leavers, and episodes when given, are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records) and ``looked_after_on_birthday``.

    Notes:
        - Cohort: records whose 19th, 20th or 21st birthday falls in the period, from the
          return for the year containing period end when the record's year is known.
        - ``in_touch`` DIED, RHOM or NREQ is out of scope.
        - A young person still looked after on that birthday is out of scope, where
          episodes are given.
        - Numerator: activity F1, P1, F2, P2, F3, P3, F4, P4, F5 or P5.

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
        "Care leavers (OC3 records of the return for the year containing period end) whose "
        "19th, 20th or 21st birthday falls in the period, less those who died, returned home "
        "for 6 months or more, whose information is not required, or who were still looked "
        "after on that birthday."
    ),
    numerator=_EET_NUMERATOR,
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
        data: A `Dataset` (care_leavers, and episodes when given, are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records) and ``looked_after_on_birthday``.

    Notes:
        - Cohort: records whose 17th or 18th birthday falls in the period, from the return
          for the year containing period end when the record's year is known.
        - ``in_touch`` DIED, RHOM or NREQ is out of scope.
        - A young person still looked after on that birthday is out of scope, where
          episodes are given.
        - Accommodation whose letter is G, H or R is out of scope.
        - Numerator: an accommodation code ending in 1 (suitable).
        - A missing accommodation stays in the denominator.
        - A code outside the SSDA903 list (such as S1 or X1) is diagnosed.

    References:
        - DfE, Children looked after in England, care leavers.
        - DfE, SSDA903 guide, OC3 (ACCOM); validation rule 133.
    """
    return _accommodation_rate(data, period, (17, 18), CARE_LEAVERS_ACCOMMODATION_17_18.id)


CARE_LEAVERS_ACCOMMODATION_17_18 = Indicator(
    id="care-leavers-accommodation-17-18",
    title="Care leavers aged 17 or 18 in suitable accommodation",
    kind="rate",
    polarity=Polarity.HIGHER,
    cohort=(
        "Care leavers (OC3 records of the return for the year containing period end) whose "
        "17th or 18th birthday falls in the period, less those who died, returned home, "
        "whose information is not required, who were still looked after on that birthday, "
        "or whose accommodation letter is G, H or R."
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
        data: A `Dataset` (care_leavers, and episodes when given, are read), or records.
        period: The reporting period.

    Returns:
        A `Rate` over the care-leaver records, with the age at the birthday in period as
        the ``age`` measure (`nan` for other records) and ``looked_after_on_birthday``.

    Notes:
        - Cohort: records whose 19th, 20th or 21st birthday falls in the period, from the
          return for the year containing period end when the record's year is known.
        - ``in_touch`` DIED, RHOM or NREQ, a young person still looked after on that
          birthday, and accommodation letters G, H and R are out of scope.
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
        "Care leavers (OC3 records of the return for the year containing period end) whose "
        "19th, 20th or 21st birthday falls in the period, less those who died, returned home, "
        "whose information is not required, who were still looked after on that birthday, "
        "or whose accommodation letter is G, H or R."
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
          than X1. The period of care's end and reason are those of its last episode, as
          repaired (see `periods_of_care`).
        - A period of care ending with X1 and an RNE S episode starting that day is not a
          ceasing: the child stayed looked after.
        - A child who ceased care more than once in the period is counted once, by the
          last occasion.
        - A period of care ended by a short-break episode (legal status V3/V4) is out of
          scope.
        - A missing or unlisted reason is Other; so is the blank reason of an episode left
          open by a child missing from the next return and closed on 1 April after its last
          return.
        - A child whose only periods of care ending in the period end with X1 and no next
          episode is excluded (``x1-without-next-episode``), with a diagnostic naming the
          episode; with an earlier real ceasing in the period, it is counted by that one
          (X1 says care went on after it).
        - A child with an episode ending before it starts that matters is excluded
          (``episode-error``), first: one whose dates reach into the window from the earlier
          of period start and the start of the period of care that ended (the end of the
          care before, when it began without RNE S) to period end.
        - A child whose period of care did not end in the period but with an episode ending
          in it (or, ending before it starts, starting in it) with a reason other than X1
          and not empty is in the cohort when an episode ending before it starts matters
          (the error may be what keeps the period of care open), so it is excluded
          (``episode-error``) rather than left out; without an error it is out of scope.

    References:
        - DfE, Children looked after in England, children who ceased to be looked after.
        - DfE, SSDA903 guide, REC.
    """
    dataset = as_dataset(data)
    history = care_history(dataset)
    children = history.children
    n = len(children)
    reason = history.reason_ceased
    final = history.valid & history.last_in_period & ~np.isnat(history.care_end)
    alone = history.has(EpisodeProblem.X1_WITHOUT_NEXT_EPISODE)
    # An occasion: a period of care ending in the period, not by a short-break episode, and
    # not by an X1 episode followed that day by an S one (care went on).
    occasion = (
        final
        & in_period(period, history.care_end)
        & ~history.short_break
        & ((reason != NOT_CEASING) | alone)
    )
    ceasing = occasion & (reason != NOT_CEASING)
    chosen = _last_by_child(history, ceasing)
    last_occasion = _last_by_child(history, occasion)
    # An episode that says care ended in the period (a reason other than X1) although its
    # period of care did not end then: a child with it is in the cohort if its episodes
    # have an error that matters (the error may be what keeps the period of care open).
    dates_in_period = (history.valid & in_period(period, history.end)) | (
        ~history.valid & in_period(period, history.start)
    )
    claims = dates_in_period & (reason != NOT_CEASING) & (reason != "") & ~history.short_break
    claimed = _last_by_child(history, claims)
    reference = np.where(chosen >= 0, chosen, np.where(last_occasion >= 0, last_occasion, claimed))
    errors, error_episodes = _episode_errors(dataset, history, period, reference)
    errors = _for_children(errors, history, children, False)  # noqa: FBT003
    chosen, last_occasion, claimed = (
        _for_children(rows, history, children, -1) for rows in (chosen, last_occasion, claimed)
    )
    in_scope = (last_occasion >= 0) | ((claimed >= 0) & errors)
    band = np.full(len(reason), len(CEASED_OUTCOMES), dtype=np.intp)
    for index, (_, codes) in enumerate(CEASED_OUTCOMES):
        band[np.isin(reason, codes)] = index
    band_index = _pick(band, np.maximum(chosen, 0), chosen >= 0)
    x1_excluded = in_scope & ~errors & (chosen < 0)
    diagnostics, _ = _diagnostics(
        dataset,
        history,
        period,
        children,
        excluded=in_scope & errors,
        error_episodes=error_episodes,
    )
    x1_rows = last_occasion[x1_excluded]
    diagnostics += [
        attrs.evolve(diagnostic, problem=_X1_EXCLUSION_TEXT)
        for diagnostic in episode_diagnostics(
            dataset,
            history,
            in_history_order(history, x1_rows),
            EpisodeProblem.X1_WITHOUT_NEXT_EPISODE,
        )
    ]
    return Distribution.from_values(
        indicator_id=CLA_CEASED_PERMANENCE.id,
        table="children",
        values=np.full(n, np.nan),
        in_scope=in_scope,
        bands=CEASED_BANDS,
        child_ids=dataset.deferred_child_ids_of(children),
        rows=no_rows(n),
        excluded={"episode-error": errors, "x1-without-next-episode": chosen < 0},
        band_index=band_index,
        diagnostics=diagnostics,
    )


def _last_by_child(history: CareHistory, flags: BoolArray) -> IntArray:
    """For every child of *history*, its last flagged episode in care-history order.

    -1 for none.
    """
    latest = np.full(len(history.children), -1, dtype=np.intp)
    rows = history.order[flags[history.order]]  # by child, then start
    codes = history.child_index[rows]
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
        "Children whose period of care (as repaired) ended in the period, not under short "
        "breaks; each child once, by the last occasion with a reason other than X1. Also "
        "children with an episode error and an episode saying care ended in the period (to "
        "exclude them)."
    ),
    numerator=(
        "Children by outcome: Adoption (E11, E12), Special guardianship (E43–E48), Residence / "
        "child arrangements (E41), Returned home (E4A, E4B, E13), Other."
    ),
    exclusions={
        "episode-error": "The child has an episode ending before it starts in or near the "
        "period of care that ended or the period, so whether and how care ended is uncertain.",
        "x1-without-next-episode": "The period of care's last episode ended in the period "
        "with reason X1 (a new episode began) but no episode of the child starts that day, so "
        "the child has not ceased care and the next episode is missing.",
    },
    notes=(
        "A period of care whose last episode has reason X1 and no episode starting that day "
        "ends there (SPEC §4.4), but X1 says care went on: a child with no other ceasing in "
        "the period is excluded (x1-without-next-episode), with a diagnostic naming the "
        "episode; one with an earlier real ceasing in the period is counted by it.",
        "An X1 episode followed the same day by an RNE S episode ends its period of care (S "
        "starts a new one) without the child ceasing care: it is not an occasion.",
        "The reason is read from the period of care's last episode, as repaired: an episode "
        "trimmed because the next one (RNE S) overlapped it keeps its own reason; one trimmed "
        "by a next episode that is not S continues the period of care (X1).",
        "An episode left open by a child missing from the next return is taken to end on 1 "
        "April after its last return: its period of care ends then, and the child is counted "
        "in the year that starts that day, as Other (how it ended is not known).",
        *_REPAIR_NOTES,
        _EPISODE_ERROR_RULE.replace("reference period of care", "period of care that ended")
        + " A child whose period of care did not end but who has such an error and an "
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
