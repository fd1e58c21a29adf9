"""Periods of care and placements: how a child's SSDA903 episodes join up into a care history.

A child's episodes, sorted by start, form **periods of care** (SPEC §4.4): a period of care
starts with an episode whose reason for new episode (RNE) is ``S`` and continues through the
episodes that start on the day the one before ended **with reason ceased (REC) X1** ("episode
ceases and a new one begins"). An episode ending with any other REC ends the period of care,
and a next episode, even on the same day, starts a new one. Within a period of care, a
**placement** begins at an episode whose RNE is ``S``, ``P`` or ``B``; ``L``, ``T`` and ``U``
episodes continue the current placement (a change of legal status only, or the same carer).
Temporary placements (placement codes ``T0`` to ``T4``) are not placements, and the episode
after a temporary one that goes back to the placement before it (the same placement code,
and the same URN and postcode where both are recorded) does not begin a new placement.
Episodes under a series of short breaks (legal status ``V3``/``V4``) are not placements
either, unless the caller asks for them to be counted (``short_breaks="count"``).

Real returns contain episodes that do not fit these rules. Some are **repaired**, always in
this order, and each repair is reported (`episode_problems`, `repair_diagnostics`):

- ``missing-from-next-return``: an episode still open in the last return holding it (its
  `Episode.year`), for a child missing from the next return given (`Dataset.coverage`), is
  taken to have ended on 1 April after that return (the child was looked after at that
  return's 31 March and not during the next year), or on its own start if it starts later;
  how it ended is not known, so its reason ceased is taken as blank (a reason recorded on an
  open episode says nothing about its end). A child is *in* return Y when one of its
  episodes from return Y or a later one (``year >= Y``) was, as recorded, open at some time
  in collection year Y: it starts on or before 31 March Y and has no end or ends on or after
  1 April of the year before.
- ``overlap``: an episode that starts before the previous episode of the child ends makes
  the previous one end on its start, with REC X1 unless it starts a new period of care
  (RNE ``S``).
- ``x1-without-next-episode``: an episode ending with REC X1 that no episode of the child
  follows on that day ends its period of care there.

Others are only flagged: ``missing-s`` (an episode that starts a period of care, being the
child's first, one after a gap, or one after an episode that ended care, without RNE ``S``),
and ``end-before-start``: an episode ending before it starts is set aside (no rule can say
which date is wrong); it belongs to no period of care and no placement, and the indicators
exclude a child it may matter for (``episode-error``).

Codes (RNE, LS, PLACE, REC) are compared after trimming spaces and upper-casing.

Two forms are provided: `care_history` gives per-episode numpy arrays, computed once per
`Dataset` (and option), for the indicators; `periods_of_care` gives readable records, with
the episodes as repaired, for an analyst.
"""

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import child_day_order, factorize, freeze, position_among
from safeguarding_metrics._dates import NAT_DAY, DayArray, day_numbers, to_date
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Episode, Record
from safeguarding_metrics.ties import content_rank

__all__ = [
    "CONTINUING_REASONS",
    "EPISODE_ERROR_TEXT",
    "LATEST_SET_ASIDE_TEXT",
    "NOT_CEASING",
    "REPAIRS",
    "SHORT_BREAKS_CHOICES",
    "SHORT_BREAK_LEGAL_STATUSES",
    "STARTS_CARE",
    "TEMPORARY_PLACEMENTS",
    "CareHistory",
    "EpisodeIssue",
    "EpisodeProblem",
    "PeriodOfCare",
    "Placement",
    "ShortBreaks",
    "care_history",
    "episode_codes",
    "episode_diagnostics",
    "episode_problems",
    "exclusion_diagnostics",
    "in_history_order",
    "latest_set_aside_rows",
    "periods_of_care",
    "reaches",
    "repair_diagnostics",
]

# SSDA903 guide, RNE: S = started to be looked after.
STARTS_CARE: Final = "S"
# SSDA903 guide, RNE: L = legal status change only, T = placement change and legal status
# change with the same carer, U = placement change with the same carer.
CONTINUING_REASONS: Final = ("L", "T", "U")
# SSDA903 guide, PLACE: T0 to T4 are temporary placements (holidays, hospital, ...).
TEMPORARY_PLACEMENTS: Final = ("T0", "T1", "T2", "T3", "T4")
# SSDA903 guide, LS: V3 and V4 are accommodation under an agreed series of short breaks.
SHORT_BREAK_LEGAL_STATUSES: Final = ("V3", "V4")
# SSDA903 guide, REC: X1 means the episode ceased and a new one began (care goes on).
NOT_CEASING: Final = "X1"
SHORT_BREAKS_CHOICES: Final = ("exclude", "count")
"""The values of the ``short_breaks`` option: short-break episodes are placements or not."""

ShortBreaks = Literal["exclude", "count"]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

# Day numbers are shifted to be positive and an open end is given a day after every real
# one, so that "child code * _SPAN + shifted day" orders by child, then day.
_SHIFT = 1_000_000
_OPEN = 9_000_000
_SPAN = 10_000_000


class EpisodeProblem(enum.StrEnum):
    """Something found while joining episodes into periods of care: a repair or a flag."""

    END_BEFORE_START = "end-before-start"
    """The episode ends before it starts; it is set aside (no rule can repair it)."""
    MISSING_FROM_NEXT_RETURN = "missing-from-next-return"
    """Open in its last return, the child missing from the next: ended on 1 April after it."""
    OVERLAP = "overlap"
    """The next episode of the child starts before it ends: it ends on that start."""
    X1_WITHOUT_NEXT_EPISODE = "x1-without-next-episode"
    """It ends with REC X1 but no episode follows that day: its period of care ends there."""
    MISSING_S = "missing-s"
    """It starts a period of care without RNE S."""

    @property
    def bit(self) -> int:
        """The problem's bit in `CareHistory.problems`."""
        return 1 << _PROBLEMS.index(self)


_PROBLEMS = tuple(EpisodeProblem)
REPAIRS: Final = (
    EpisodeProblem.MISSING_FROM_NEXT_RETURN,
    EpisodeProblem.OVERLAP,
    EpisodeProblem.X1_WITHOUT_NEXT_EPISODE,
)
"""The problems that change an episode or its period of care as the indicators use them."""
_REPAIR_BITS = sum(p.bit for p in REPAIRS)

# One text per kind of problem (Diagnostic.problem), so reports can group them.
_PROBLEM_TEXT: Final = {
    EpisodeProblem.END_BEFORE_START: (
        "episode ends before it starts: set aside (it belongs to no period of care)"
    ),
    EpisodeProblem.MISSING_FROM_NEXT_RETURN: (
        "episode open in the last return holding it, and the child is missing from the next "
        "return given: taken to have ended on 1 April after that return (or on its own start, "
        "if later), for a reason not known (reason ceased blank)"
    ),
    EpisodeProblem.OVERLAP: (
        "episode ends after the next episode of the child starts (overlap): taken to end on "
        "that episode's start, with reason ceased X1 unless that episode is RNE S"
    ),
    EpisodeProblem.X1_WITHOUT_NEXT_EPISODE: (
        "episode ended with reason ceased X1 (a new episode begins) but no episode of the "
        "child starts that day: its period of care is taken to end there"
    ),
    EpisodeProblem.MISSING_S: (
        "episode starts a period of care (the child's first episode, one after a gap, or one "
        "after an episode that ended care) without RNE S"
    ),
}
_FIELD: Final = {
    EpisodeProblem.END_BEFORE_START: "DEC",
    EpisodeProblem.MISSING_FROM_NEXT_RETURN: "DEC",
    EpisodeProblem.OVERLAP: "DEC",
    EpisodeProblem.X1_WITHOUT_NEXT_EPISODE: "REC",
    EpisodeProblem.MISSING_S: "RNE",
}


@attrs.frozen(kw_only=True, eq=False)
class CareHistory:
    """Each episode's place in its child's periods of care and placements, as numpy arrays.

    Every array has one entry per episode of the dataset, in the dataset's order. Dates and
    reasons are those the indicators use: after the repairs (see the module's docstring).

    Attributes:
        order: The episode rows sorted by child, then start, then end as recorded (open
            last), then their other fields (`ties.content_rank`), so that the order does
            not depend on the input order.
        child: The child's code (`Dataset.child_codes`).
        children: The codes of the children with an episode, sorted, each once.
        child_index: The position of the episode's child in *children*.
        start: DECOM.
        end: DEC as repaired; `NaT` while open, and for a set-aside episode (whose
            recorded DEC is in `Dataset.dates("episodes", "end")`).
        reason_ceased: REC as repaired (trimmed and upper-cased; ``""`` for none).
        valid: False for an episode that ends before it starts (set aside).
        problems: A bit set of `EpisodeProblem` (see `EpisodeProblem.bit`); 0 for none.
        overlapped_by: For an episode repaired for an overlap, the row of the episode that
            overlapped it; -1 otherwise.
        period: The number of the episode's period of care (dataset-wide, in sorted order);
            -1 for a set-aside episode.
        care_start: The start of the episode's period of care; `NaT` when set aside.
        care_end: The end of its period of care; `NaT` while open or when set aside.
        first_in_period: Whether the episode starts its period of care.
        last_in_period: Whether it is the last episode of its period of care.
        temporary: Whether its placement code is a temporary one (T0 to T4).
        short_break: Whether its legal status is V3 or V4 (a series of short breaks).
        not_placement: Whether it is not a placement: temporary, or a short break when
            short breaks are excluded.
        placement_code: The placement code in force: the episode's own, or for an episode
            that is not a placement that of the latest placement before it in its period of
            care (``""`` for none).
        begins_placement: Whether the episode begins a placement.
        placement: The number of the placement the episode belongs to (an episode that is
            not a placement belongs to the placement it interrupts); -1 for none.
        placement_start: The start of that placement; `NaT` for none.
        placement_first_row: The row of the episode that began that placement; -1 for none.
        previous_placement_start: The start of the placement before it in the same period
            of care; `NaT` for none.
        short_breaks: Whether short-break episodes were counted as placements.
    """

    order: IntArray
    child: IntArray
    children: IntArray
    child_index: IntArray
    start: DayArray
    end: DayArray
    reason_ceased: npt.NDArray[np.str_]
    valid: BoolArray
    problems: npt.NDArray[np.uint8]
    overlapped_by: IntArray
    period: IntArray
    care_start: DayArray
    care_end: DayArray
    first_in_period: BoolArray
    last_in_period: BoolArray
    temporary: BoolArray
    short_break: BoolArray
    not_placement: BoolArray
    placement_code: npt.NDArray[np.str_]
    begins_placement: BoolArray
    placement: IntArray
    placement_start: DayArray
    placement_first_row: IntArray
    previous_placement_start: DayArray
    short_breaks: ShortBreaks = "exclude"

    def __len__(self) -> int:
        return len(self.order)

    def has(self, problem: EpisodeProblem) -> BoolArray:
        """Which episodes have *problem*."""
        result: BoolArray = (self.problems & problem.bit) != 0
        return result

    @property
    def repaired(self) -> BoolArray:
        """Which episodes were repaired (an end, a reason or their period of care's end)."""
        result: BoolArray = (self.problems & _REPAIR_BITS) != 0
        return result

    def problem_codes(self, row: int) -> tuple[str, ...]:
        """The problem codes of episode *row*, in `EpisodeProblem` order."""
        bits = int(self.problems[row])
        return tuple(p.value for p in _PROBLEMS if bits & p.bit)

    def open_at(self, day: dt.date) -> BoolArray:
        """Which (valid) episodes are open at *day*: `start <= day` and (no end or `end > day`)."""
        d = np.datetime64(day, "D")
        result: BoolArray = self.valid & (self.start <= d) & (np.isnat(self.end) | (self.end > d))
        return result


def _check_short_breaks(value: object) -> ShortBreaks:
    if value not in SHORT_BREAKS_CHOICES:
        listed = ", ".join(repr(c) for c in SHORT_BREAKS_CHOICES)
        raise InvalidOptionError(f"short_breaks={value!r} is not one of {listed}")
    return "count" if value == "count" else "exclude"


def care_history(
    data: Dataset | Iterable[Record], *, short_breaks: ShortBreaks = "exclude"
) -> CareHistory:
    """Join every child's episodes into periods of care and placements (columnar form).

    Computed once per `Dataset` and *short_breaks* value, and kept with it, so several
    indicators share it.

    Args:
        data: A `Dataset`, or records of any kinds (only episodes, and the dataset's
            coverage of episodes, are read).
        short_breaks: ``"exclude"`` (short-break episodes, legal status V3/V4, are not
            placements) or ``"count"`` (they are, as any other episode).

    Returns:
        Per-episode arrays, in the dataset's episode order.

    Raises:
        InvalidOptionError: For a *short_breaks* value other than the two above.

    Notes:
        - Episodes of one child are taken in order of start, then of end as recorded (open
          last), then of their other fields (`ties.content_rank`); a
          period of care starts with an RNE ``S`` episode and continues through episodes
          starting on the day the one before ended with REC X1.
        - An episode ending with another REC (or none) ends its period of care; the next
          one starts a new period even on the same day (``missing-s`` when not RNE ``S``).
        - A first episode, or one after a gap, starts a period of care whatever its RNE
          (``missing-s``).
        - An episode still open in the last return holding it, for a child missing from the
          next return given, ends on 1 April after that return, or on its own start when it
          starts later, with a blank reason ceased (``missing-from-next-return``).
        - An episode the next one overlaps ends on the next one's start, with REC X1 unless
          the next is RNE ``S`` (``overlap``); the child stays in every cohort.
        - An episode ending with REC X1 and no episode of the child starting that day ends
          its period of care (``x1-without-next-episode``).
        - An episode ending before it starts is set aside (``end-before-start``).
        - A placement begins at an RNE ``S``, ``P`` or ``B`` episode (or any code other than
          ``L``, ``T``, ``U``); ``L``, ``T`` and ``U`` continue the current placement.
        - Temporary placements (T0 to T4), and short-break episodes (V3/V4) unless
          *short_breaks* is ``"count"``, are not placements; an episode after a run of them
          that goes back to the placement before them (same code, and same URN and
          postcode where both are recorded) continues it.
        - The first episode of a period of care that is a placement begins one whatever its
          RNE.

    References:
        - DfE, Children looked after return (SSDA903): guide (RNE, REC, LS, PLACE, URN,
          PL_POST).
    """
    dataset = _as_dataset(data)
    option = _check_short_breaks(short_breaks)
    return dataset.derived(("care_history", option), lambda: _build(dataset, option))


def _as_dataset(data: Dataset | Iterable[Record]) -> Dataset:
    # `catalogue.as_dataset` does the same, but this core module does not import catalogue.
    return data if isinstance(data, Dataset) else Dataset.of(*data)


def episode_codes(dataset: Dataset, field: str) -> npt.NDArray[np.str_]:
    """A text column of the episodes, trimmed and upper-cased (computed once per dataset)."""

    def build() -> npt.NDArray[np.str_]:
        distinct, codes = _coded(dataset, field)
        result: npt.NDArray[np.str_] = freeze(distinct[codes])
        return result

    result: npt.NDArray[np.str_] = dataset.derived(("episode_code", field), build)
    return result


def _coded(
    dataset: Dataset, field: str, *, normalise: bool = True
) -> tuple[npt.NDArray[np.str_], IntArray]:
    """A text column of the episodes as its distinct values (sorted) and each row's code.

    With *normalise* the values are trimmed and upper-cased first, each distinct value
    once. Computed once per dataset.
    """

    def build() -> tuple[npt.NDArray[np.str_], IntArray]:
        values = dataset.column("episodes", field)
        distinct, codes = factorize(values.astype(np.str_, copy=False))
        if normalise and len(distinct):
            cleaned, merged = np.unique(np.char.upper(np.char.strip(distinct)), return_inverse=True)
            distinct, codes = cleaned, merged.reshape(-1).astype(np.intp)[codes]
        return freeze(distinct), freeze(codes)

    found: tuple[npt.NDArray[np.str_], IntArray] = dataset.derived(
        ("episode_coded", field, normalise), build
    )
    return found


def _among(coded: tuple[npt.NDArray[np.str_], IntArray], values: tuple[str, ...]) -> BoolArray:
    """Which rows of a coded column hold one of *values*."""
    distinct, codes = coded
    result: BoolArray = np.isin(distinct, values)[codes] if len(distinct) else codes < 0
    return result


def _with(distinct: npt.NDArray[np.str_], *extra: str) -> tuple[npt.NDArray[np.str_], IntArray]:
    """*distinct* with the *extra* values added (sorted), and where each old value went."""
    merged = np.union1d(distinct, np.array(extra, dtype=np.str_))
    return merged, np.searchsorted(merged, distinct).astype(np.intp)


def _sorted_order(
    dataset: Dataset,
    child: IntArray,
    start_day: npt.NDArray[np.int64],
    end_day: npt.NDArray[np.int64],
) -> IntArray:
    """Episode rows by child, start, end (open last), then content (`ties.content_rank`)."""
    order, new_group = child_day_order(child, start_day)
    tied = np.zeros(len(order), dtype=np.bool_)
    tied[:-1] = ~new_group[1:]
    tied[1:] |= ~new_group[1:]
    if not tied.any():
        return order
    # Episodes of one child starting on one day: the one ending first comes first, then
    # their other fields decide. Only those runs are reordered.
    positions = np.flatnonzero(tied)
    rows = order[positions]
    group = np.cumsum(new_group, dtype=np.intp)[positions]
    end_key = np.where(end_day[rows] == NAT_DAY, _OPEN, end_day[rows] + _SHIFT)
    rank = content_rank(dataset, "episodes", rows)
    result = order.copy()
    result[positions] = rows[np.lexsort((rank, end_key, group))]
    return result


def _nothing(n: int, value: int) -> IntArray:
    """*n* copies of *value* as a read-only array that takes no memory (a broadcast view)."""
    result: IntArray = np.broadcast_to(np.array(value, dtype=np.intp), (n,))
    return result


def _first_april(years: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Day numbers of 1 April of each year."""
    months = (years - 1970) * 12 + 3
    result: npt.NDArray[np.int64] = (
        months.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)
    )
    return result


def _missing_from_next_return(
    dataset: Dataset,
    child: IntArray,
    start_day: npt.NDArray[np.int64],
    end_day: npt.NDArray[np.int64],
    candidate: BoolArray,
) -> tuple[BoolArray, npt.NDArray[np.int64]]:
    """Which open *candidate* episodes belong to a child missing from the next return given.

    Returns the flags and, for those episodes, the day they are taken to end: 1 April after
    the last return holding them, or their start when later.
    """
    n = len(child)
    stale = np.zeros(n, dtype=np.bool_)
    new_end = np.full(n, NAT_DAY, dtype=np.int64)
    given = np.array(dataset.coverage.years("episodes"), dtype=np.int64)
    if not len(given) or not candidate.any():
        return stale, new_end
    year_column = dataset.column("episodes", "year")
    has_year = ~np.isnan(year_column)
    year = np.where(has_year, year_column, 0).astype(np.int64)
    following = np.searchsorted(given, year, side="right")
    candidate = candidate & has_year & (following < len(given))
    if not candidate.any():
        return stale, new_end
    # present[code, k]: the child is in the return of year given[k].
    present = np.zeros((dataset.child_count, len(given)), dtype=np.bool_)
    first_days = _first_april(given - 1)  # 1 April of the year before
    last_days = _first_april(given) - 1  # 31 March
    for k, return_year in enumerate(given.tolist()):
        held = (
            has_year
            & (year >= return_year)
            & (start_day <= last_days[k])
            & ((end_day == NAT_DAY) | (end_day >= first_days[k]))
        )
        present[child[held], k] = True
    k_next = np.minimum(following, len(given) - 1)
    stale = candidate & ~present[child, k_next]
    new_end = np.where(stale, np.maximum(_first_april(year), start_day), NAT_DAY)
    return stale, new_end


def _children_of(child: IntArray, order: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct child codes, sorted, and each episode's position among them.

    *order* sorts the episodes by child, so each child's episodes are one run of it.
    """
    ordered = child[order]
    starts = np.ones(len(ordered), dtype=np.bool_)
    starts[1:] = ordered[1:] != ordered[:-1]
    position = np.empty(len(order), dtype=np.intp)
    position[order] = np.cumsum(starts, dtype=np.intp) - 1
    return freeze(ordered[starts].astype(np.intp, copy=False)), freeze(position)


def _build(dataset: Dataset, short_breaks: ShortBreaks) -> CareHistory:
    n = len(dataset.episodes)
    child = dataset.child_codes("episodes")
    start = dataset.dates("episodes", "start")
    recorded_end = dataset.dates("episodes", "end")
    # Codes compared as small integers: each column's distinct values, and a code per row.
    reasons = _coded(dataset, "reason_new")
    places, place_codes = _coded(dataset, "placement")
    statuses = _coded(dataset, "legal_status")
    ceased_values, ceased_codes = _coded(dataset, "reason_ceased")
    # A repaired reason is X1 or blank, which the data may not hold: add them.
    ceased_values, moved = _with(ceased_values, "", NOT_CEASING)
    ceased_codes = moved[ceased_codes] if len(moved) else ceased_codes
    x1 = int(np.searchsorted(ceased_values, NOT_CEASING))
    blank = int(np.searchsorted(ceased_values, ""))
    urns = _coded(dataset, "urn", normalise=False)
    postcodes = _coded(dataset, "postcode", normalise=False)
    start_day = day_numbers(start)
    end_day = day_numbers(recorded_end)
    is_open = end_day == NAT_DAY
    valid = is_open | (end_day >= start_day)
    problems = np.zeros(n, dtype=np.uint8)
    problems[~valid] |= EpisodeProblem.END_BEFORE_START.bit

    # Repair 1: open episodes of children missing from the next return given.
    stale, stale_end = _missing_from_next_return(
        dataset, child, start_day, end_day, valid & is_open
    )
    if stale.any():
        problems[stale] |= EpisodeProblem.MISSING_FROM_NEXT_RETURN.bit
        end_day = np.where(stale, stale_end, end_day)
        # How it ended is not known: a reason recorded on an open episode says nothing.
        ceased_codes = np.where(stale, blank, ceased_codes)

    order = _sorted_order(dataset, child, start_day, day_numbers(recorded_end))
    # Work on the valid episodes in sorted order; `rows` maps back to the dataset.
    rows = order[valid[order]]
    temporary_all = _among((places, place_codes), TEMPORARY_PLACEMENTS)
    short_all = _among(statuses, SHORT_BREAK_LEGAL_STATUSES)
    not_placement_all = temporary_all | (short_all & (short_breaks == "exclude"))
    columns = _EpisodeColumns(
        child=child,
        start_day=start_day,
        end_day=end_day,
        ceased=ceased_codes,
        starts_care=_among(reasons, (STARTS_CARE,)),
        continues=_among(reasons, CONTINUING_REASONS),
        not_placement=not_placement_all,
        place=place_codes,
        places_by=tuple(
            (codes, int(np.searchsorted(values, "")) if len(values) and values[0] == "" else -1)
            for values, codes in (urns, postcodes)
        ),
        x1=x1,
    )
    joined = _JoinedEpisodes(columns, problems)
    # A child's episodes are one run of `rows`: blocks end where a child's run ends, so
    # each block is joined on its own (periods and placements never span two children).
    for first, stop in _child_blocks(child, rows, _HISTORY_BLOCK):
        joined.add(rows[first:stop])
    children, child_index = _children_of(child, order)
    return CareHistory(
        order=freeze(order),
        child=child,
        children=children,
        child_index=child_index,
        start=start,
        end=_as_days(joined.end),
        reason_ceased=freeze(ceased_values[joined.ceased]),
        valid=freeze(valid),
        problems=freeze(problems),
        overlapped_by=freeze(joined.overlapped_by),
        period=freeze(joined.period),
        care_start=_as_days(joined.care_start),
        care_end=_as_days(joined.care_end),
        first_in_period=freeze(joined.first_in_period),
        last_in_period=freeze(joined.last_in_period),
        temporary=freeze(temporary_all),
        short_break=freeze(short_all),
        not_placement=freeze(not_placement_all),
        placement_code=freeze(joined.placement_codes(places)),
        begins_placement=freeze(joined.begins_placement),
        placement=freeze(joined.placement),
        placement_start=_as_days(joined.placement_start),
        placement_first_row=freeze(joined.placement_first_row),
        previous_placement_start=_as_days(joined.previous_placement_start),
        short_breaks=short_breaks,
    )


def _as_days(days: npt.NDArray[np.int64]) -> DayArray:
    """Day numbers as read-only dates (`NAT_DAY` is `NaT`)."""
    result: DayArray = freeze(days.view("datetime64[D]"))
    return result


_HISTORY_BLOCK = 1 << 16
"""Sorted episodes per block (extended to the end of a child's episodes) joined at a time."""


def _child_blocks(child: IntArray, rows: IntArray, size: int) -> list[tuple[int, int]]:
    """Blocks of about *size* positions of *rows* (sorted by child), each ending a child's run."""
    m = len(rows)
    if m == 0:
        return []
    cuts = np.arange(size, m, size, dtype=np.intp)
    # Each cut moves on to the end of the run of the child just before it.
    ends = np.searchsorted(child[rows], child[rows[cuts - 1]], side="right") if len(cuts) else cuts
    bounds = [0, *np.unique(np.append(ends, m)).tolist()]
    return list(itertools.pairwise(bounds))


@attrs.frozen
class _EpisodeColumns:
    """The episodes' columns the joining reads, one entry per episode (dataset order)."""

    child: IntArray
    start_day: npt.NDArray[np.int64]
    end_day: npt.NDArray[np.int64]  # after repair 1
    ceased: IntArray  # reason ceased codes, after repair 1
    starts_care: BoolArray
    continues: BoolArray
    not_placement: BoolArray
    place: IntArray
    places_by: tuple[tuple[IntArray, int], ...]  # URN and postcode codes, and blank's code
    x1: int


class _JoinedEpisodes:
    """The joined history, one entry per episode, filled a block of children at a time.

    Set-aside episodes keep the fill values: no end, period or placement. *problems* (one
    per episode) gets the bits of the problems found while joining.
    """

    def __init__(self, columns: _EpisodeColumns, problems: npt.NDArray[np.uint8]) -> None:
        n = len(columns.start_day)
        self._columns = columns
        self.problems = problems
        self.ceased = columns.ceased.copy()  # as repaired
        self.end = np.full(n, NAT_DAY, dtype=np.int64)
        self.overlapped_by = np.full(n, -1, dtype=np.intp)
        self.period = np.full(n, -1, dtype=np.intp)
        self.care_start = np.full(n, NAT_DAY, dtype=np.int64)
        self.care_end = np.full(n, NAT_DAY, dtype=np.int64)
        self.first_in_period = np.zeros(n, dtype=np.bool_)
        self.last_in_period = np.zeros(n, dtype=np.bool_)
        self.begins_placement = np.zeros(n, dtype=np.bool_)
        self.placement = np.full(n, -1, dtype=np.intp)
        self.placement_start = np.full(n, NAT_DAY, dtype=np.int64)
        self.placement_first_row = np.full(n, -1, dtype=np.intp)
        self.previous_placement_start = np.full(n, NAT_DAY, dtype=np.int64)
        self._in_force = np.full(n, -1, dtype=np.intp)
        self._periods = 0
        self._placements = 0

    def add(self, rows: IntArray) -> None:
        """Join *rows*: valid episodes in sorted order, every valid episode of their children."""
        k = len(rows)
        c = self._columns
        s = c.start_day[rows] + _SHIFT
        recorded = c.end_day[rows]
        e = np.where(recorded == NAT_DAY, _OPEN, recorded + _SHIFT)
        starts_care = c.starts_care[rows]
        rec = c.ceased[rows]
        same_child = np.zeros(k, dtype=np.bool_)
        child = c.child[rows]
        same_child[1:] = child[1:] == child[:-1]

        # Repair 2: an episode the next one overlaps ends on the next one's start.
        overlapped = np.zeros(k, dtype=np.bool_)
        overlapped[:-1] = same_child[1:] & (s[1:] < e[:-1])
        next_start = np.zeros(k, dtype=np.int64)
        next_start[:-1] = s[1:]
        next_is_s = np.zeros(k, dtype=np.bool_)
        next_is_s[:-1] = starts_care[1:]
        e = np.where(overlapped, next_start, e)
        rec = np.where(overlapped & ~next_is_s, c.x1, rec)
        overlapped_by = np.full(k, -1, dtype=np.intp)
        overlapped_by[:-1] = np.where(overlapped[:-1], rows[1:], -1)

        # Periods of care: joined when starting on the day the one before ended with X1.
        is_x1 = rec == c.x1
        previous_end = np.full(k, -1, dtype=np.int64)
        previous_end[1:] = e[:-1]
        previous_x1 = np.zeros(k, dtype=np.bool_)
        previous_x1[1:] = is_x1[:-1]
        joined = same_child & (s == previous_end) & previous_x1
        new_period = ~joined | starts_care
        followed_same_day = np.zeros(k, dtype=np.bool_)
        followed_same_day[:-1] = same_child[1:] & (s[1:] == e[:-1])
        x1_alone = is_x1 & (e != _OPEN) & ~followed_same_day
        period = np.cumsum(new_period, dtype=np.intp) - 1
        period_first = np.flatnonzero(new_period)
        first_pos = period_first[period]
        last_in_period = np.ones(k, dtype=np.bool_)
        last_in_period[:-1] = new_period[1:]
        period_last = np.flatnonzero(last_in_period)
        care_start = s[first_pos]
        care_end = e[period_last][period]

        sorted_problems = np.zeros(k, dtype=np.uint8)
        sorted_problems[overlapped] |= EpisodeProblem.OVERLAP.bit
        sorted_problems[x1_alone] |= EpisodeProblem.X1_WITHOUT_NEXT_EPISODE.bit
        sorted_problems[new_period & ~starts_care] |= EpisodeProblem.MISSING_S.bit

        # Placements.
        skip = c.not_placement[rows]
        place = c.place[rows]
        positions = np.arange(k, dtype=np.intp)
        last_placement = np.maximum.accumulate(np.where(skip, -1, positions))
        before = np.full(k, -1, dtype=np.intp)
        before[1:] = last_placement[:-1]
        has_current = before >= first_pos
        after_skipped = np.zeros(k, dtype=np.bool_)
        after_skipped[1:] = ~new_period[1:] & skip[:-1]
        other = np.where(has_current, before, 0)
        same_place = place == place[other]
        for by, empty in c.places_by:
            # Where both are recorded they must agree.
            u = by[rows]
            same_place &= (u == empty) | (u[other] == empty) | (u == u[other])
        goes_back = after_skipped & has_current & same_place
        continues = c.continues[rows] | goes_back
        begins = ~skip & (~has_current | ~continues)
        placement = np.cumsum(begins, dtype=np.intp) - 1
        # A sentinel keeps the look-ups in range when no episode begins a placement.
        placement_first = np.append(np.flatnonzero(begins), 0).astype(np.intp)
        safe = np.maximum(placement, 0)
        first_of_mine = placement_first[safe]
        belongs = (placement >= 0) & (period[first_of_mine] == period)
        first_of_previous = placement_first[np.maximum(safe - 1, 0)]
        previous_exists = belongs & (placement >= 1) & (period[first_of_previous] == period)

        self.end[rows] = np.where(e != _OPEN, e - _SHIFT, NAT_DAY)
        self.problems[rows] |= sorted_problems
        self.ceased[rows] = rec
        self.overlapped_by[rows] = overlapped_by
        self.period[rows] = period + self._periods
        self.care_start[rows] = care_start - _SHIFT
        self.care_end[rows] = np.where(care_end != _OPEN, care_end - _SHIFT, NAT_DAY)
        self.first_in_period[rows] = new_period
        self.last_in_period[rows] = last_in_period
        self.begins_placement[rows] = begins
        self.placement[rows] = np.where(belongs, placement + self._placements, -1)
        self.placement_start[rows] = np.where(belongs, s[first_of_mine] - _SHIFT, NAT_DAY)
        self.placement_first_row[rows] = np.where(belongs, rows[first_of_mine], -1)
        self.previous_placement_start[rows] = np.where(
            previous_exists, s[first_of_previous] - _SHIFT, NAT_DAY
        )
        self._in_force[rows] = np.where(skip, np.where(has_current, place[other], -1), place)
        self._periods += len(period_first)
        self._placements += len(placement_first) - 1

    def placement_codes(self, places: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
        """The placement code in force at each episode ("" for none).

        An episode's own placement, or for one that is not a placement, that of the latest
        placement before it in its period of care. *places* are the distinct placement codes
        the episodes' codes index.
        """
        values, moved = _with(places, "")
        none = int(np.searchsorted(values, ""))
        in_force = self._in_force
        codes = np.where(in_force >= 0, moved[np.maximum(in_force, 0)], none)
        result: npt.NDArray[np.str_] = values[codes]
        return result


# -- diagnostics -----------------------------------------------------------------------------


def _iso(day: np.datetime64) -> str:
    return "open" if np.isnat(day) else to_date(day).isoformat()


def _describe(dataset: Dataset, history: CareHistory, row: int, problem: EpisodeProblem) -> str:
    """The specifics of *problem* on episode *row*: the child, the episodes, what was done."""
    child = str(dataset.child_ids_of(history.child[row : row + 1])[0])
    start = _iso(history.start[row])
    recorded_end = _iso(dataset.dates("episodes", "end")[row])
    head = f"child {child}, DECOM {start}"
    if problem is EpisodeProblem.END_BEFORE_START:
        return f"{head}, DEC {recorded_end}"
    if problem is EpisodeProblem.MISSING_S:
        return f"{head}, RNE {dataset.column('episodes', 'reason_new')[row] or 'blank'}"
    used_end = _iso(history.end[row])
    if problem is EpisodeProblem.X1_WITHOUT_NEXT_EPISODE:
        return f"{head}, DEC {used_end}: REC X1 and no episode of the child starts that day"
    recorded_reason = str(dataset.column("episodes", "reason_ceased")[row]) or "blank"
    used_reason = str(history.reason_ceased[row]) or "blank"
    change = f"DEC {recorded_end} -> {used_end}, REC {recorded_reason} -> {used_reason}"
    if problem is EpisodeProblem.MISSING_FROM_NEXT_RETURN:
        year = int(dataset.column("episodes", "year")[row])
        return f"{head}: open in the {year} return, child not in the next one given; {change}"
    later = int(history.overlapped_by[row])
    return f"{head}: {change}; overlapped by the episode with DECOM {_iso(history.start[later])}"


def in_history_order(history: CareHistory, rows: npt.ArrayLike) -> list[int]:
    """Episode *rows* in care-history order (by child, start and content).

    Lists built in this order do not depend on the order the records were given in.
    """
    wanted = np.zeros(len(history), dtype=np.bool_)
    wanted[np.asarray(rows, dtype=np.intp)] = True
    result: list[int] = history.order[wanted[history.order]].tolist()
    return result


def episode_diagnostics(
    dataset: Dataset, history: CareHistory, rows: Iterable[int], problem: EpisodeProblem
) -> list[Diagnostic]:
    """One diagnostic per episode of *rows* about *problem*, naming the child and episode.

    Each names its episode as `ties.record_diagnostic` does (file and line, or child and
    start), reading the episodes' origins once for all of them.
    """
    origins = dataset.origin_of("episodes")
    found = []
    for row in rows:
        file, line = origins.where(int(row))
        if line:
            where = f"line {line}"
        else:
            child = dataset.child_ids_of(history.child[row : row + 1])[0]
            where = f"episodes: child {child}, start {_iso(history.start[row])}"
        found.append(
            Diagnostic(
                file=file,
                where=where,
                field=_FIELD[problem],
                value=_describe(dataset, history, int(row), problem),
                problem=_PROBLEM_TEXT[problem],
            )
        )
    return found


EPISODE_ERROR_TEXT: Final = (
    "episode ends before it starts, and its dates reach into the period or the period of "
    "care it judges: the child is excluded (episode-error)"
)
"""The diagnostic's problem for an episode ending before it starts that excludes a child."""
LATEST_SET_ASIDE_TEXT: Final = (
    "the child's latest episode by period end ends before it starts and no episode is open "
    "at period end, so whether it is looked after is unknown: the child is excluded "
    "(episode-error)"
)
"""The diagnostic's problem for a latest episode set aside that excludes a child."""


def exclusion_diagnostics(
    dataset: Dataset, history: CareHistory, rows: Iterable[int], *, latest: bool
) -> list[Diagnostic]:
    """Diagnostics for set-aside episodes *rows* that excluded their child (episode-error).

    *latest* says the episodes excluded their children as their latest episode by period end
    (`latest_set_aside_rows`), rather than as an error reaching into the period.
    """
    text = LATEST_SET_ASIDE_TEXT if latest else EPISODE_ERROR_TEXT
    return [
        attrs.evolve(diagnostic, problem=text)
        for diagnostic in episode_diagnostics(
            dataset, history, rows, EpisodeProblem.END_BEFORE_START
        )
    ]


def reaches(dataset: Dataset, history: CareHistory, period: ReportingPeriod) -> BoolArray:
    """Which episodes reach into *period*: as recorded, or through their period of care.

    An episode reaches a period when it starts by its end and, as recorded, has no end or
    ends on or after its start; or when its period of care (as repaired) does the same.
    Set-aside episodes reach none.
    """
    first, last = np.datetime64(period.start, "D"), np.datetime64(period.end, "D")
    recorded_end = dataset.dates("episodes", "end")
    recorded = (history.start <= last) & (np.isnat(recorded_end) | (recorded_end >= first))
    care = (history.care_start <= last) & (np.isnat(history.care_end) | (history.care_end >= first))
    result: BoolArray = history.valid & (recorded | care)
    return result


def repair_diagnostics(
    dataset: Dataset,
    history: CareHistory,
    *,
    period: ReportingPeriod,
    children: BoolArray,
) -> tuple[list[Diagnostic], IntArray]:
    """The repairs and flags that matter to *period*, for the children flagged in *children*.

    Args:
        dataset: The data.
        history: Its care history.
        period: The reporting period: episodes that reach into it (`reaches`) are reported.
        children: Per child code, whether the indicator judged the child.

    Returns:
        One diagnostic per episode and problem (every problem but ``end-before-start``, which
        the indicators report when it excludes a child), in care-history order; and per
        child code how many of its episodes were repaired.
    """
    wanted = reaches(dataset, history, period) & children[history.child] & (history.problems != 0)
    rows = history.order[wanted[history.order]]
    found: list[Diagnostic] = []
    # Building diagnostics is per record by nature; only the flagged episodes are visited.
    for row in rows.tolist():
        bits = int(history.problems[row])
        for problem in _PROBLEMS:
            # An episode ending before it starts is reported with the exclusion it causes.
            if problem is not EpisodeProblem.END_BEFORE_START and bits & problem.bit:
                found += episode_diagnostics(dataset, history, (row,), problem)
    repaired = history.repaired & wanted
    if not repaired.any():
        return found, _nothing(len(children), 0)
    return found, np.bincount(history.child[repaired], minlength=len(children))


# -- the readable form -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Placement:
    """One placement: a stretch with one carer, possibly spanning several episodes.

    Attributes:
        start: The start of the episode that began it.
        end: The end of its last episode that is a placement; `None` while open.
        placement: The placement code (PLACE) of the episode that began it.
        urn: The URN of the episode that began it.
        postcode: The placement postcode of the episode that began it.
        episodes: Its episodes that are placements, in order, as repaired.
        temporary_episodes: The episodes that interrupted it and are not placements:
            temporary placements (T0 to T4), and short-break episodes (V3/V4) when short
            breaks are excluded.
    """

    start: dt.date
    end: dt.date | None
    placement: str
    urn: str | None
    postcode: str | None
    episodes: tuple[Episode, ...]
    temporary_episodes: tuple[Episode, ...] = ()


@attrs.frozen(kw_only=True)
class EpisodeIssue:
    """A problem found in one episode, and the episode as the indicators use it.

    Attributes:
        episode: The episode as recorded.
        used: The episode as the indicators use it: with the repaired end and reason
            ceased for ``overlap`` and ``missing-from-next-return``, as recorded otherwise;
            `None` for an episode set aside (``end-before-start``).
        problem: The problem's code (an `EpisodeProblem` value).
    """

    episode: Episode
    used: Episode | None
    problem: str


@attrs.frozen(kw_only=True)
class PeriodOfCare:
    """One continuous period of care of a child, with its placements.

    Attributes:
        child_id: The child.
        start: The start of its first episode.
        end: The end of its last episode, as repaired; `None` while open.
        episodes: All its episodes, temporary ones included, in order, as repaired.
        placements: Its placements, in order.
        problems: The problems found in its episodes, each with the episode as recorded.
    """

    child_id: str
    start: dt.date
    end: dt.date | None
    episodes: tuple[Episode, ...]
    placements: tuple[Placement, ...]
    problems: tuple[EpisodeIssue, ...] = ()


def _used(dataset: Dataset, history: CareHistory, row: int) -> Episode | None:
    """Episode *row* as the indicators use it (repaired), or `None` when set aside."""
    return _repaired(dataset, history, row) if history.valid[row] else None


def _repaired(dataset: Dataset, history: CareHistory, row: int) -> Episode:
    """Valid episode *row* as the indicators use it: its end and reason as repaired."""
    episode = dataset.episodes[row]
    changed = EpisodeProblem.OVERLAP.bit | EpisodeProblem.MISSING_FROM_NEXT_RETURN.bit
    if not int(history.problems[row]) & changed:
        return episode
    used = str(history.reason_ceased[row])
    reason = episode.reason_ceased
    if used != (reason or "").strip().upper():
        reason = used or None  # X1 from an overlap, or blank for an episode closed on 1 April
    return attrs.evolve(episode, end=to_date(history.end[row]), reason_ceased=reason)


def _issues(dataset: Dataset, history: CareHistory, row: int) -> list[EpisodeIssue]:
    used = _used(dataset, history, row)
    return [
        EpisodeIssue(episode=dataset.episodes[row], used=used, problem=code)
        for code in history.problem_codes(row)
    ]


def periods_of_care(
    data: Dataset | Iterable[Record], *, short_breaks: ShortBreaks = "exclude"
) -> tuple[PeriodOfCare, ...]:
    """Every child's periods of care and placements, as readable records.

    The same rules and repairs as `care_history` (see there), shown so an analyst can see
    what was counted: periods come in order of child id, then start, and hold the episodes
    as repaired (an overlapped episode ends on the next one's start, say).

    Args:
        data: A `Dataset`, or records of any kinds (only episodes are read).
        short_breaks: As for `care_history`.

    Returns:
        The periods of care; episodes ending before they start are in none of them (see
        `episode_problems`).

    Examples:
        >>> import datetime as dt
        >>> from safeguarding_metrics.records import Episode
        >>> e1 = Episode(child_id="C", start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 1),
        ...              reason_new="S", legal_status="C2", placement="U1", reason_ceased="X1")
        >>> e2 = Episode(child_id="C", start=dt.date(2024, 2, 1), reason_new="L",
        ...              legal_status="C1", placement="U1")
        >>> [(p.start, p.end, len(p.placements)) for p in periods_of_care([e1, e2])]
        [(datetime.date(2024, 1, 1), None, 1)]
    """
    dataset = _as_dataset(data)
    history = care_history(dataset, short_breaks=short_breaks)
    ids = dataset.child_ids
    # Building readable records is per record by nature.
    sorted_rows = [int(row) for row in history.order if history.valid[row]]
    used = {row: _repaired(dataset, history, row) for row in sorted_rows}
    result: list[PeriodOfCare] = []
    group: list[int] = []
    for position, row in enumerate(sorted_rows):
        group.append(row)
        is_last = position == len(sorted_rows) - 1
        if is_last or history.first_in_period[sorted_rows[position + 1]]:
            child_id = str(ids[history.child[row]])
            result.append(_period(dataset, history, used, group, child_id))
            group = []
    return tuple(result)


def _period(
    dataset: Dataset,
    history: CareHistory,
    used: dict[int, Episode],
    rows: list[int],
    child_id: str,
) -> PeriodOfCare:
    repaired = used.__getitem__
    placements: dict[int, list[int]] = {}
    skipped: dict[int, list[int]] = {}
    for row in rows:
        number = int(history.placement[row])
        if number >= 0:
            (skipped if history.not_placement[row] else placements).setdefault(number, []).append(
                row
            )
    built = []
    for number, members in placements.items():
        first = repaired(int(history.placement_first_row[members[0]]))
        ends = [repaired(row).end for row in members]
        built.append(
            Placement(
                start=first.start,
                end=None if any(d is None for d in ends) else max(d for d in ends if d),
                placement=first.placement,
                urn=first.urn,
                postcode=first.postcode,
                episodes=tuple(repaired(row) for row in members),
                temporary_episodes=tuple(repaired(row) for row in skipped.get(number, [])),
            )
        )
    first_row = rows[0]
    return PeriodOfCare(
        child_id=child_id,
        start=repaired(first_row).start,
        end=None if np.isnat(history.care_end[first_row]) else to_date(history.care_end[first_row]),
        episodes=tuple(repaired(row) for row in rows),
        placements=tuple(built),
        problems=tuple(issue for row in rows for issue in _issues(dataset, history, row)),
    )


def episode_problems(data: Dataset | Iterable[Record]) -> tuple[EpisodeIssue, ...]:
    """Every problem found in the episodes, in the dataset's order, each with its repair.

    Codes (`EpisodeProblem`): ``end-before-start`` (set aside), ``missing-from-next-return``,
    ``overlap`` and ``x1-without-next-episode`` (repaired), ``missing-s`` (flagged). An
    episode with several problems appears once for each.

    Examples:
        >>> import datetime as dt
        >>> from safeguarding_metrics.records import Episode
        >>> first = Episode(child_id="C", start=dt.date(2017, 9, 1), end=dt.date(2017, 12, 16),
        ...                 reason_new="S", legal_status="C2", placement="U1", reason_ceased="E9")
        >>> second = Episode(child_id="C", start=dt.date(2017, 11, 12), reason_new="S",
        ...                  legal_status="C2", placement="U3")
        >>> [(i.problem, i.used.end) for i in episode_problems([first, second])]
        [('overlap', datetime.date(2017, 11, 12))]
    """
    dataset = _as_dataset(data)
    history = care_history(dataset)
    return tuple(
        issue
        for row in np.flatnonzero(history.problems).tolist()
        for issue in _issues(dataset, history, row)
    )


def latest_set_aside_rows(dataset: Dataset, day: dt.date, short_break: BoolArray) -> IntArray:
    """For every child code, its latest episode up to *day* when that one is set aside.

    A set-aside episode is open at no date, so a child whose latest episode starting on or
    before *day* ends before it starts seems not looked after at *day*; yet the end date may
    be the typo, so whether it is looked after is unknown. The indicators taken at period
    end exclude such a child (``episode-error``) rather than leave it out.

    Args:
        dataset: The data (only episodes are read).
        day: The day the child's status is wanted at (period end).
        short_break: Per episode, whether it is a short-break episode (V3/V4), as the
            caller normalises legal status.

    Returns:
        Per child code, the row of an episode that starts on or before *day*, ends before
        it starts, is not a short break, and that no episode of the child starting on or
        before *day* starts after (one starting the same day does not: the typo may be what
        ended care); -1 for none. Of several such episodes starting on one day, the first
        by its other fields (`ties.content_rank`). The caller decides what to do when the
        child also has an episode open at *day*.
    """
    n = dataset.child_count
    start = dataset.dates("episodes", "start")
    end = dataset.dates("episodes", "end")
    started = start <= np.datetime64(day, "D")  # NaT compares false
    set_aside = started & (end < start)
    if not set_aside.any():
        return _nothing(n, -1)
    result = np.full(n, -1, dtype=np.intp)
    child = dataset.child_codes("episodes")
    # The children with a set-aside episode, and the latest start of each up to *day*.
    concerned = np.unique(child[set_aside])
    place = position_among(concerned, child)  # -1 for an episode of another child
    mine = started & (place >= 0)
    start_day = day_numbers(start)
    latest = np.full(len(concerned), NAT_DAY, dtype=np.int64)
    np.maximum.at(latest, place[mine], start_day[mine])
    candidates = np.flatnonzero(set_aside & ~short_break).astype(np.intp)
    chosen = candidates[start_day[candidates] == latest[place[candidates]]]
    if not len(chosen):
        return result
    # Several such episodes of a child on one day: the first by content stands for them.
    rank = content_rank(dataset, "episodes", chosen)
    chosen = chosen[np.lexsort((rank, child[chosen]))]
    codes = child[chosen]
    first = np.ones(len(chosen), dtype=np.bool_)
    first[1:] = codes[1:] != codes[:-1]
    result[codes[first]] = chosen[first]
    return result
