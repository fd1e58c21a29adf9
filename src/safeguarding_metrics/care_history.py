"""Periods of care and placements: how a child's SSDA903 episodes join up into a care history.

A child's episodes, sorted by start, form **periods of care**: a period of care starts with an
episode whose reason for new episode (RNE) is ``S`` and continues through the episodes that
start on the day the one before ended. Within a period of care, a **placement** begins at an
episode whose RNE is ``S``, ``P`` or ``B``; ``L``, ``T`` and ``U`` episodes continue the
current placement (a change of legal status only, or the same carer). Temporary placements
(placement codes ``T0`` to ``T4``) are not placements, and the episode after a temporary one
that goes back to the placement before it (the same placement code, and the same URN and
postcode where both are recorded) does not begin a new placement (SPEC §4.4).

Real returns contain episodes that do not fit these rules. The rules used for them:

- An episode that ends before it starts (``end-before-start``) is set aside: it belongs to no
  period of care and no placement.
- An episode that starts after every earlier episode of the child had ended (a gap) starts a
  new period of care even when its RNE is not ``S``, because the child was not looked after
  in between; so does a child's first episode. Both are flagged ``missing-s``.
- An episode that starts before an earlier episode of the child ended (``overlap``) stays in
  the same period of care (there is no gap), unless its RNE is ``S``.
- The first non-temporary episode of a period of care begins a placement whatever its RNE.

Two forms are provided: `care_history` gives per-episode numpy arrays, computed once per
`Dataset`, for the indicators; `periods_of_care` gives readable records for an analyst.
"""

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import freeze
from safeguarding_metrics._dates import NAT_DAY, DayArray, day_numbers, to_date
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.records import Episode, Record

__all__ = [
    "CONTINUING_REASONS",
    "STARTS_CARE",
    "TEMPORARY_PLACEMENTS",
    "CareHistory",
    "EpisodeProblem",
    "PeriodOfCare",
    "Placement",
    "care_history",
    "episode_problems",
    "latest_set_aside_rows",
    "periods_of_care",
]

# SSDA903 guide, RNE: S = started to be looked after.
STARTS_CARE: Final = "S"
# SSDA903 guide, RNE: L = legal status change only, T = placement change and legal status
# change with the same carer, U = placement change with the same carer.
CONTINUING_REASONS: Final = ("L", "T", "U")
# SSDA903 guide, PLACE: T0 to T4 are temporary placements (holidays, hospital, ...).
TEMPORARY_PLACEMENTS: Final = ("T0", "T1", "T2", "T3", "T4")

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Day numbers are shifted to be positive and an open end is given a day after every real
# one, so that "child code * _SPAN + shifted day" orders by child, then day.
_SHIFT = 1_000_000
_OPEN = 9_000_000
_SPAN = 10_000_000
_CACHE_KEY = ("care_history",)


class EpisodeProblem(enum.StrEnum):
    """A data error found while joining episodes into periods of care."""

    NONE = ""
    END_BEFORE_START = "end-before-start"
    """The episode ends before it starts; it is set aside."""
    OVERLAP = "overlap"
    """The episode starts before an earlier episode of the child ended."""
    MISSING_S = "missing-s"
    """The episode starts a period of care (first episode, or after a gap) without RNE S."""


_PROBLEMS = tuple(EpisodeProblem)


@attrs.frozen(kw_only=True, eq=False)
class CareHistory:
    """Each episode's place in its child's periods of care and placements, as numpy arrays.

    Every array has one entry per episode of the dataset, in the dataset's order.

    Attributes:
        order: The episode rows sorted by child, then start (then end and the other fields,
            so that the order does not depend on the input order).
        child: The child's code (`Dataset.child_codes`).
        start: DECOM.
        end: DEC; `NaT` while open.
        valid: False for an episode that ends before it starts (set aside).
        problem: Index into `EpisodeProblem` (0 for none).
        period: The number of the episode's period of care (dataset-wide, in sorted order);
            -1 for a set-aside episode.
        care_start: The start of the episode's period of care; `NaT` when set aside.
        care_end: The end of its period of care; `NaT` while open or when set aside.
        first_in_period: Whether the episode starts its period of care.
        last_in_period: Whether it is the last episode of its period of care.
        temporary: Whether its placement code is a temporary one (T0 to T4).
        placement_code: The placement code in force: the episode's own, or for a temporary
            episode that of the latest non-temporary episode before it in its period of care
            (``""`` for none).
        begins_placement: Whether the episode begins a placement.
        placement: The number of the placement the episode belongs to (a temporary episode
            belongs to the placement it interrupts); -1 for none.
        placement_start: The start of that placement; `NaT` for none.
        placement_first_row: The row of the episode that began that placement; -1 for none.
        previous_placement_start: The start of the placement before it in the same period
            of care; `NaT` for none.
    """

    order: IntArray
    child: IntArray
    start: DayArray
    end: DayArray
    valid: BoolArray
    problem: npt.NDArray[np.int8]
    period: IntArray
    care_start: DayArray
    care_end: DayArray
    first_in_period: BoolArray
    last_in_period: BoolArray
    temporary: BoolArray
    placement_code: npt.NDArray[np.str_]
    begins_placement: BoolArray
    placement: IntArray
    placement_start: DayArray
    placement_first_row: IntArray
    previous_placement_start: DayArray

    def __len__(self) -> int:
        return len(self.order)

    def problems(self) -> npt.NDArray[np.str_]:
        """Each episode's problem code (``""`` for none)."""
        return np.array([p.value for p in _PROBLEMS], dtype=np.str_)[self.problem]

    def open_at(self, day: dt.date) -> BoolArray:
        """Which (valid) episodes are open at *day*: `start <= day` and (no end or `end > day`)."""
        d = np.datetime64(day, "D")
        result: BoolArray = self.valid & (self.start <= d) & (np.isnat(self.end) | (self.end > d))
        return result


def care_history(data: Dataset | Iterable[Record]) -> CareHistory:
    """Join every child's episodes into periods of care and placements (columnar form).

    Computed once per `Dataset` and kept with it, so several indicators share it.

    Args:
        data: A `Dataset`, or records of any kinds (only episodes are read).

    Returns:
        Per-episode arrays, in the dataset's episode order.

    Notes:
        - Episodes of one child are taken in order of start; a period of care starts with an
          RNE ``S`` episode and continues through episodes starting on the day the one
          before ended.
        - A placement begins at an RNE ``S``, ``P`` or ``B`` episode (or any code other than
          ``L``, ``T``, ``U``); ``L``, ``T`` and ``U`` continue the current placement.
        - Temporary placements (T0 to T4) are not placements; an episode after a run of
          temporary ones that goes back to the placement before them (same code, and same
          URN and postcode where both are recorded) continues it.
        - An episode ending before it starts is set aside (``end-before-start``).
        - A first episode, or one after a gap, starts a period of care whatever its RNE
          (``missing-s``); an overlapping episode continues the period (``overlap``).
        - The first non-temporary episode of a period of care begins a placement whatever
          its RNE.

    References:
        - DfE, Children looked after return (SSDA903): guide (RNE, PLACE, URN, PL_POST).
    """
    dataset = _as_dataset(data)
    return dataset.derived(_CACHE_KEY, lambda: _build(dataset))


def _as_dataset(data: Dataset | Iterable[Record]) -> Dataset:
    # `catalogue.as_dataset` does the same, but this core module does not import catalogue.
    return data if isinstance(data, Dataset) else Dataset.of(*data)


def _text(dataset: Dataset, field: str) -> npt.NDArray[np.str_]:
    result: npt.NDArray[np.str_] = dataset.column("episodes", field)
    return result


def _build(dataset: Dataset) -> CareHistory:
    n = len(dataset.episodes)
    child = dataset.child_codes("episodes")
    start = dataset.dates("episodes", "start")
    end = dataset.dates("episodes", "end")
    reason = _text(dataset, "reason_new")
    code = _text(dataset, "placement")
    urn = _text(dataset, "urn")
    postcode = _text(dataset, "postcode")
    start_day = day_numbers(start)
    end_day = day_numbers(end)
    is_open = end_day == NAT_DAY
    valid = is_open | (end_day >= start_day)
    end_key = np.where(is_open, _OPEN, end_day + _SHIFT)
    # Two stable integer sorts (by end, then by child and start) beat np.lexsort tenfold.
    by_end = np.argsort(end_key, kind="stable")
    child_start = child * _SPAN + start_day + _SHIFT
    order = by_end[np.argsort(child_start[by_end], kind="stable")].astype(np.int64)
    tied = (child[order][1:] == child[order][:-1]) & (start_day[order][1:] == start_day[order][:-1])
    if tied.any():
        # Episodes of one child starting on one day: order them by their other fields too,
        # so the result does not depend on the order the records were given in.
        order = np.lexsort(
            (
                _text(dataset, "reason_ceased"),
                postcode,
                urn,
                code,
                _text(dataset, "legal_status"),
                reason,
                end_key,
                start_day,
                child,
            )
        ).astype(np.int64)

    # Work on the valid episodes in sorted order; `rows` maps back to the dataset.
    rows = order[valid[order]]
    m = len(rows)
    c = child[rows]
    s = start_day[rows] + _SHIFT
    e = end_key[rows]
    r = reason[rows]
    same_child = np.zeros(m, dtype=np.bool_)
    same_child[1:] = c[1:] == c[:-1]

    # The latest end among the child's earlier episodes (open counts as latest).
    running = np.maximum.accumulate(c * _SPAN + e)
    latest_end = np.full(m, -1, dtype=np.int64)
    latest_end[1:] = running[:-1] - c[1:] * _SPAN
    gap = same_child & (s > latest_end)
    overlap = same_child & (s < latest_end)
    new_period = ~same_child | (r == STARTS_CARE) | gap
    period = np.cumsum(new_period) - 1
    period_first = np.flatnonzero(new_period)
    first_pos = period_first[period]
    care_start = s[first_pos]
    care_end = np.maximum.reduceat(e, period_first)[period]
    last_in_period = np.ones(m, dtype=np.bool_)
    last_in_period[:-1] = new_period[1:]

    problem = np.zeros(m, dtype=np.int8)
    problem[overlap] = _PROBLEMS.index(EpisodeProblem.OVERLAP)
    problem[new_period & (r != STARTS_CARE)] = _PROBLEMS.index(EpisodeProblem.MISSING_S)

    # Placements.
    place = code[rows]
    all_temporary = np.isin(code, TEMPORARY_PLACEMENTS)
    temporary = all_temporary[rows]
    positions = np.arange(m, dtype=np.int64)
    last_non_temporary = np.maximum.accumulate(np.where(temporary, -1, positions))
    before = np.full(m, -1, dtype=np.int64)
    before[1:] = last_non_temporary[:-1]
    has_current = before >= first_pos
    after_temporary = np.zeros(m, dtype=np.bool_)
    after_temporary[1:] = ~new_period[1:] & temporary[:-1]
    other = np.where(has_current, before, 0)
    u = urn[rows]
    p = postcode[rows]
    same_place = (
        (place == place[other])
        & ((u == "") | (u[other] == "") | (u == u[other]))
        & ((p == "") | (p[other] == "") | (p == p[other]))
    )
    goes_back = after_temporary & has_current & same_place
    continues = np.isin(r, CONTINUING_REASONS) | goes_back
    begins = ~temporary & (~has_current | ~continues)
    placement = np.cumsum(begins) - 1
    # A sentinel keeps the look-ups in range when no episode begins a placement.
    placement_first = np.append(np.flatnonzero(begins), 0)
    safe = np.maximum(placement, 0)
    first_of_mine = placement_first[safe]
    belongs = (placement >= 0) & (period[first_of_mine] == period)
    placement = np.where(belongs, placement, -1)
    first_of_previous = placement_first[np.maximum(safe - 1, 0)]
    previous_exists = belongs & (placement >= 1) & (period[first_of_previous] == period)

    def scatter(values: npt.NDArray[Any], fill: Any, dtype: Any) -> npt.NDArray[Any]:
        out = np.full(n, fill, dtype=dtype)
        out[rows] = values
        return freeze(out)

    def days(values: IntArray, present: BoolArray) -> DayArray:
        out = np.full(n, NAT_DAY, dtype=np.int64)
        out[rows] = np.where(present, values - _SHIFT, NAT_DAY)
        result: DayArray = freeze(out.view("datetime64[D]"))
        return result

    everywhere = np.ones(m, dtype=np.bool_)
    problems = scatter(problem, 0, np.int8)
    problems.flags.writeable = True
    problems[~valid] = _PROBLEMS.index(EpisodeProblem.END_BEFORE_START)
    problems.flags.writeable = False
    return CareHistory(
        order=freeze(order),
        child=child,
        start=start,
        end=end,
        valid=freeze(valid),
        problem=problems,
        period=scatter(period, -1, np.int64),
        care_start=days(care_start, everywhere),
        care_end=days(care_end, care_end != _OPEN),
        first_in_period=scatter(new_period, False, np.bool_),  # noqa: FBT003
        last_in_period=scatter(last_in_period, False, np.bool_),  # noqa: FBT003
        temporary=freeze(all_temporary),
        placement_code=scatter(
            np.where(temporary, np.where(has_current, place[other], ""), place), "", place.dtype
        ),
        begins_placement=scatter(begins, False, np.bool_),  # noqa: FBT003
        placement=scatter(placement, -1, np.int64),
        placement_start=days(s[first_of_mine], belongs),
        placement_first_row=scatter(np.where(belongs, rows[first_of_mine], -1), -1, np.int64),
        previous_placement_start=days(s[first_of_previous], previous_exists),
    )


# -- the readable form -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Placement:
    """One placement: a stretch with one carer, possibly spanning several episodes.

    Attributes:
        start: The start of the episode that began it.
        end: The end of its last non-temporary episode; `None` while open.
        placement: The placement code (PLACE) of the episode that began it.
        urn: The URN of the episode that began it.
        postcode: The placement postcode of the episode that began it.
        episodes: Its non-temporary episodes, in order.
        temporary_episodes: Temporary episodes (T0 to T4) that interrupted it.
    """

    start: dt.date
    end: dt.date | None
    placement: str
    urn: str | None
    postcode: str | None
    episodes: tuple[Episode, ...]
    temporary_episodes: tuple[Episode, ...] = ()


@attrs.frozen(kw_only=True)
class PeriodOfCare:
    """One continuous period of care of a child, with its placements.

    Attributes:
        child_id: The child.
        start: The start of its first episode.
        end: The latest end among its episodes; `None` while any is open.
        episodes: All its episodes, temporary ones included, in order.
        placements: Its placements, in order.
        problems: (episode, problem code) for each of its episodes with a data error.
    """

    child_id: str
    start: dt.date
    end: dt.date | None
    episodes: tuple[Episode, ...]
    placements: tuple[Placement, ...]
    problems: tuple[tuple[Episode, str], ...] = ()


def periods_of_care(data: Dataset | Iterable[Record]) -> tuple[PeriodOfCare, ...]:
    """Every child's periods of care and placements, as readable records.

    The same rules as `care_history` (see there), shown so an analyst can see what was
    counted: periods come in order of child id, then start.

    Args:
        data: A `Dataset`, or records of any kinds (only episodes are read).

    Returns:
        The periods of care; episodes ending before they start are in none of them (see
        `episode_problems`).

    Examples:
        >>> import datetime as dt
        >>> from safeguarding_metrics.records import Episode
        >>> e1 = Episode(child_id="C", start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 1),
        ...              reason_new="S", legal_status="C2", placement="U1")
        >>> e2 = Episode(child_id="C", start=dt.date(2024, 2, 1), reason_new="L",
        ...              legal_status="C1", placement="U1")
        >>> [(p.start, p.end, len(p.placements)) for p in periods_of_care([e1, e2])]
        [(datetime.date(2024, 1, 1), None, 1)]
    """
    dataset = _as_dataset(data)
    history = care_history(dataset)
    episodes = dataset.episodes
    ids = dataset.child_ids
    labels = [p.value for p in _PROBLEMS]
    sorted_rows = [int(row) for row in history.order if history.valid[row]]
    result: list[PeriodOfCare] = []
    group: list[int] = []
    for position, row in enumerate(sorted_rows):
        group.append(row)
        is_last = position == len(sorted_rows) - 1
        if is_last or history.first_in_period[sorted_rows[position + 1]]:
            result.append(_period(history, episodes, group, str(ids[history.child[row]]), labels))
            group = []
    return tuple(result)


def _optional(day: np.datetime64) -> dt.date | None:
    return None if np.isnat(day) else to_date(day)


def _period(
    history: CareHistory,
    episodes: Sequence[Episode],
    rows: list[int],
    child_id: str,
    labels: list[str],
) -> PeriodOfCare:
    placements: dict[int, list[int]] = {}
    temporary: dict[int, list[int]] = {}
    for row in rows:
        number = int(history.placement[row])
        if number >= 0:
            (temporary if history.temporary[row] else placements).setdefault(number, []).append(row)
    built = []
    for number, members in placements.items():
        first = episodes[int(history.placement_first_row[members[0]])]
        ends = [episodes[row].end for row in members]
        built.append(
            Placement(
                start=first.start,
                end=None if any(d is None for d in ends) else max(d for d in ends if d),
                placement=first.placement,
                urn=first.urn,
                postcode=first.postcode,
                episodes=tuple(episodes[row] for row in members),
                temporary_episodes=tuple(episodes[row] for row in temporary.get(number, [])),
            )
        )
    first_row = rows[0]
    return PeriodOfCare(
        child_id=child_id,
        start=episodes[first_row].start,
        end=_optional(history.care_end[first_row]),
        episodes=tuple(episodes[row] for row in rows),
        placements=tuple(built),
        problems=tuple(
            (episodes[row], labels[int(history.problem[row])])
            for row in rows
            if history.problem[row]
        ),
    )


def episode_problems(data: Dataset | Iterable[Record]) -> tuple[tuple[Episode, str], ...]:
    """Every episode with a data error, and the error's code, in the dataset's order.

    Codes: ``end-before-start`` (set aside), ``overlap``, ``missing-s``.
    """
    dataset = _as_dataset(data)
    history = care_history(dataset)
    labels = [p.value for p in _PROBLEMS]
    return tuple(
        (dataset.episodes[int(row)], labels[int(history.problem[row])])
        for row in np.flatnonzero(history.problem)
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
        ended care); -1 for none. The caller decides what to do when the child also has an
        episode open at *day*.
    """
    n = len(dataset.child_ids)
    result = np.full(n, -1, dtype=np.int64)
    start = dataset.dates("episodes", "start")
    end = dataset.dates("episodes", "end")
    started = start <= np.datetime64(day, "D")  # NaT compares false
    set_aside = started & (end < start)
    if not set_aside.any():
        return result
    child = dataset.child_codes("episodes")
    concerned = np.zeros(n, dtype=np.bool_)
    concerned[child[set_aside]] = True
    mine = started & concerned[child]
    start_day = day_numbers(start)
    latest = np.full(n, NAT_DAY, dtype=np.int64)
    np.maximum.at(latest, child[mine], start_day[mine])
    chosen = set_aside & (start_day == latest[child]) & ~short_break
    # Several such episodes of a child start on one day: any stands for it (the largest
    # row, so that the choice does not depend on numpy's order of writes).
    np.maximum.at(result, child[chosen], np.flatnonzero(chosen).astype(np.int64))
    return result
