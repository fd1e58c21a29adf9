"""Working days: Monday to Friday, less bank holidays and a council's own closure days.

The convention (SPEC §1): the start day is day 0, so `working_days_between(start, end)` counts
the working days `d` with `start < d <= end`. Friday to Monday is 1; the same day is 0; a
Saturday start and a Monday end is 1. Reversed arguments give the negative count.

Spreadsheet equivalences, for `start <= end`: Excel's `NETWORKDAYS(start, end)` counts both
ends, so it equals `working_days_between(start - 1 day, end)`; `numpy.busday_count(a, b)`
counts `[a, b)`, so `working_days_between(start, end)` equals
`numpy.busday_count(start + 1 day, end + 1 day)` with the same holidays.
"""

import datetime as dt
import functools
import importlib.metadata
from collections.abc import Iterable
from typing import Any, TypeGuard, overload

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import (
    NAT_DAY,
    DayArray,
    as_day_array,
    check_plain_date,
    day_numbers,
    to_date,
)
from safeguarding_metrics.errors import CalendarCoverageError

__all__ = [
    "ENGLAND_FIRST_DAY",
    "ENGLAND_LAST_DAY",
    "WorkingDayCalendar",
    "add_working_days",
    "is_working_day",
    "working_days_between",
]

ENGLAND_FIRST_DAY = dt.date(1970, 1, 1)
"""The first day the England calendar covers (SPEC §1)."""
ENGLAND_LAST_DAY = dt.date(2050, 12, 31)
"""The last day the England calendar covers (SPEC §1)."""

_BLOCK = 1 << 15  # pairs counted at a time by the array path
_DATE = dt.date  # the scalar fast path tests `type(x) is _DATE`: a module global is quickest
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _day_vector(value: Any) -> TypeGuard[DayArray]:
    """Whether *value* is a one-dimensional `datetime64[D]` array."""
    return (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.dtype == np.dtype("datetime64[D]")
    )


def _frozen_dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    if isinstance(values, str | bytes | dt.date):
        raise TypeError(f"non-working days must be a collection of dates, got {values!r}")
    return frozenset(check_plain_date(value, "a non-working day") for value in values)


@attrs.frozen(kw_only=True)
class WorkingDayCalendar:
    """Which days are working days, over a fixed range of dates.

    A working day is a Monday to Friday that is neither a bank holiday nor one of the
    calendar's local closure days. Calendars are immutable and hashable; two calendars with
    the same days are equal.

    Attributes:
        name: A short description, e.g. ``"England and Wales"``.
        bank_holidays: The public holidays in the covered range.
        closures: Local non-working days added by the caller (a Christmas closure).
        first_day: The first covered day.
        last_day: The last covered day.
        source: Where the bank holidays came from, e.g. ``"holidays 0.109"``.

    Raises:
        CalendarCoverageError: from every method, for a date outside
            ``[first_day, last_day]`` or a result that would fall outside it.
    """

    name: str
    bank_holidays: frozenset[dt.date] = attrs.field(converter=_frozen_dates)
    closures: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_frozen_dates)
    first_day: dt.date
    last_day: dt.date
    source: str = attrs.field(default="", eq=False)
    _is_working: BoolArray = attrs.field(init=False, eq=False, repr=False)
    _cumulative: IntArray = attrs.field(init=False, eq=False, repr=False)
    _positions: IntArray = attrs.field(init=False, eq=False, repr=False)
    # The cumulative count as float64 with one extra slot holding nan: a missing day (NaT)
    # is pointed at that slot, so counting needs no masks (the array path's speed).
    _cumulative_or_nan: FloatArray = attrs.field(init=False, eq=False, repr=False)
    # Plain Python copies for the scalar path, where numpy indexing costs more than the sum.
    _cumulative_list: tuple[int, ...] = attrs.field(init=False, eq=False, repr=False)
    _first_ordinal: int = attrs.field(init=False, eq=False, repr=False)
    _size: int = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_plain_date(self.first_day, "first_day")
        check_plain_date(self.last_day, "last_day")
        if self.last_day < self.first_day:
            raise CalendarCoverageError(
                f"a calendar's last_day ({self.last_day}) is before its first_day ({self.first_day})"
            )
        outside = sorted(d for d in self.closures if not self.first_day <= d <= self.last_day)
        if outside:
            raise CalendarCoverageError(
                f"closure day {outside[0]} is outside the calendar's coverage "
                f"{self.first_day} to {self.last_day}"
            )
        first = np.datetime64(self.first_day, "D")
        days = first + np.arange((self.last_day - self.first_day).days + 1)
        # numpy's weekday mask is Monday to Friday by default.
        is_working = np.is_busday(days)
        closed = [
            d for d in (*self.bank_holidays, *self.closures) if self.first_day <= d <= self.last_day
        ]
        if closed:
            offsets = np.array([(d - self.first_day).days for d in closed], dtype=np.int64)
            is_working[offsets] = False
        is_working.flags.writeable = False
        cumulative = np.cumsum(is_working, dtype=np.int64)
        cumulative.flags.writeable = False
        positions = np.flatnonzero(is_working).astype(np.int64)
        positions.flags.writeable = False
        object.__setattr__(self, "_is_working", is_working)
        object.__setattr__(self, "_cumulative", cumulative)
        object.__setattr__(self, "_positions", positions)
        cumulative_or_nan = np.append(cumulative.astype(np.float64), np.nan)
        cumulative_or_nan.flags.writeable = False
        object.__setattr__(self, "_cumulative_or_nan", cumulative_or_nan)
        object.__setattr__(self, "_cumulative_list", tuple(cumulative.tolist()))
        object.__setattr__(self, "_first_ordinal", self.first_day.toordinal())
        object.__setattr__(self, "_size", len(is_working))

    @classmethod
    def england(cls, extra_closures: Iterable[dt.date] = ()) -> "WorkingDayCalendar":
        """The England and Wales calendar, 1970-01-01 to 2050-12-31, plus local closure days.

        Bank holidays come from the `holidays` package (`country_holidays("GB",
        subdiv="ENG")`), which reproduces gov.uk's `england-and-wales` list including the
        one-off days (29 Apr 2011, 5 Jun 2012, 8 May 2020, 3 Jun 2022, 19 Sep 2022,
        8 May 2023).

        Args:
            extra_closures: Days the council was closed besides bank holidays.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkingDayCalendar.england(extra_closures=[dt.date(2024, 12, 27)])
            >>> cal.is_working_day(dt.date(2024, 12, 27))
            False
        """
        closures = _frozen_dates(extra_closures)
        return _england(closures)

    def with_closures(self, days: Iterable[dt.date]) -> "WorkingDayCalendar":
        """Return this calendar with *days* added as local closure days."""
        return attrs.evolve(self, closures=self.closures | _frozen_dates(days))

    # -- scalar and vectorised API -------------------------------------------------------

    @overload
    def is_working_day(self, day: dt.date) -> bool: ...
    @overload
    def is_working_day(self, day: DayArray) -> BoolArray: ...
    def is_working_day(self, day: dt.date | DayArray) -> bool | BoolArray:
        """Whether *day* is a working day; element-wise for an array (`NaT` gives False).

        Examples:
            >>> import datetime as dt
            >>> WorkingDayCalendar.england().is_working_day(dt.date(2023, 5, 8))
            False
        """
        if isinstance(day, dt.date):
            return bool(self._is_working[self._scalar_index(day)])
        index, missing = self._indices(day)
        result = self._is_working[index]
        if missing is not None:
            result = result & ~missing
        return result

    @overload
    def working_days_between(self, start: dt.date, end: dt.date) -> int: ...
    @overload
    def working_days_between(self, start: DayArray, end: DayArray | dt.date) -> FloatArray: ...
    @overload
    def working_days_between(self, start: dt.date, end: DayArray) -> FloatArray: ...
    def working_days_between(
        self, start: dt.date | DayArray, end: dt.date | DayArray
    ) -> int | FloatArray:
        """Count the working days `d` with `start < d <= end` (the start day is day 0).

        Friday to Monday is 1; the same day is 0; for `end < start` the count is the negative
        of `working_days_between(end, start)`. Given arrays, returns a float array in which a
        missing date (`NaT`) on either side gives `nan`.

        Examples:
            >>> import datetime as dt
            >>> cal = WorkingDayCalendar.england()
            >>> cal.working_days_between(dt.date(2024, 3, 28), dt.date(2024, 4, 2))
            1
        """
        if type(start) is _DATE and type(end) is _DATE:
            # The fast path: exactly `date` (never a `datetime`), both covered.
            first = self._first_ordinal
            i = start.toordinal() - first
            j = end.toordinal() - first
            size = self._size
            if 0 <= i < size and 0 <= j < size:
                return self._cumulative_list[j] - self._cumulative_list[i]
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            return (
                self._cumulative_list[self._scalar_index(end)]
                - self._cumulative_list[self._scalar_index(start)]
            )
        table = self._cumulative_or_nan
        if _day_vector(start) and _day_vector(end) and len(start) == len(end):
            found = self._covered_differences(end.view(np.int64), start.view(np.int64))
            if found is not None:
                return found
        end_index, start_index = self._offsets(end), self._offsets(start)
        if end_index.ndim == 1 and end_index.shape == start_index.shape:
            return self._differences(end_index, start_index)
        counts: FloatArray = np.take(table, end_index)
        before = np.take(table, start_index)
        try:
            shape = np.broadcast_shapes(counts.shape, before.shape)
        except ValueError:
            raise ValueError(
                f"start and end cannot be paired: shapes {before.shape} and {counts.shape}"
            ) from None
        if counts.ndim and counts.shape == shape:
            np.subtract(counts, before, out=counts)
            return counts
        return np.asarray(counts - before, dtype=np.float64)

    @overload
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...
    @overload
    def add_working_days(self, start: DayArray, n: int | npt.ArrayLike) -> DayArray: ...
    def add_working_days(
        self, start: dt.date | DayArray, n: int | npt.ArrayLike
    ) -> dt.date | DayArray:
        """The *n*-th working day strictly after *start* (strictly before for negative *n*).

        `n == 0` returns *start* itself, even when it is not a working day. Given an array,
        a missing start (`NaT`) gives `NaT`.

        Examples:
            >>> import datetime as dt
            >>> WorkingDayCalendar.england().add_working_days(dt.date(2022, 9, 8), 15)
            datetime.date(2022, 9, 30)
        """
        if isinstance(start, dt.date):
            if isinstance(n, bool) or not isinstance(n, int | np.integer):
                raise TypeError(f"n must be an int, got {n!r}")
            offset = self._scalar_index(start)
            target = self._target_positions(
                np.array([offset], dtype=np.int64), np.array([int(n)], dtype=np.int64)
            )
            position = int(target[0])
            if position < 0:
                return start
            return self.first_day + dt.timedelta(days=position)
        steps = np.asarray(n)
        if not np.issubdtype(steps.dtype, np.integer):
            raise TypeError(f"n must be an int or an integer array, got dtype {steps.dtype}")
        index, missing = self._indices(start)
        try:
            index, steps = np.broadcast_arrays(index, steps.astype(np.int64))
        except ValueError:
            raise ValueError(
                f"start and n cannot be paired: shapes {np.shape(index)} and {steps.shape}"
            ) from None
        target = self._target_positions(index, steps, missing)
        first = day_numbers(np.array([self.first_day], dtype="datetime64[D]"))[0]
        result = np.where(target < 0, index, target) + first
        if missing is not None:
            result = np.where(np.broadcast_to(missing, result.shape), NAT_DAY, result)
        days: DayArray = result.view("datetime64[D]")
        return days

    # -- internals -------------------------------------------------------------------------

    def _covered_differences(self, end: IntArray, start: IntArray) -> FloatArray | None:
        """`_differences` of day numbers, checked a block at a time; None if one is uncovered.

        The common case, every day present and covered, reads each block once while it is
        in the processor's cache; otherwise the caller takes the general path.
        """
        first = (self.first_day - dt.date(1970, 1, 1)).days
        size = len(self._is_working)
        table = self._cumulative_or_nan
        n = len(end)
        counts: FloatArray = np.empty(n, dtype=np.float64)
        before = np.empty(min(n, _BLOCK), dtype=np.float64)
        for low in range(0, n, _BLOCK):
            high = min(low + _BLOCK, n)
            ends, starts = end[low:high], start[low:high]
            if first:
                ends, starts = ends - first, starts - first
            # One unsigned comparison catches days before, after, and NaT (a huge negative).
            if (ends.view(np.uint64) >= size).any() or (starts.view(np.uint64) >= size).any():
                return None
            out = counts[low:high]
            np.take(table, ends, out=out)
            np.take(table, starts, out=before[: high - low])
            np.subtract(out, before[: high - low], out=out)
        return counts

    def _differences(self, end_index: IntArray, start_index: IntArray) -> FloatArray:
        """`table[end_index] - table[start_index]`, a block at a time.

        The blocks keep the look-ups in the processor's cache and need one output array only.
        """
        table = self._cumulative_or_nan
        n = len(end_index)
        counts: FloatArray = np.empty(n, dtype=np.float64)
        before = np.empty(min(n, _BLOCK), dtype=np.float64)
        for first in range(0, n, _BLOCK):
            last = min(first + _BLOCK, n)
            out = counts[first:last]
            np.take(table, end_index[first:last], out=out)
            np.take(table, start_index[first:last], out=before[: last - first])
            np.subtract(out, before[: last - first], out=out)
        return counts

    def _target_positions(
        self, index: IntArray, steps: IntArray, missing: BoolArray | None = None
    ) -> IntArray:
        """Day offsets of the answers to `add_working_days`; -1 where `steps == 0`."""
        after = self._cumulative[index]  # working days on or before the start
        before = after - self._is_working[index]  # working days strictly before the start
        rank = np.where(steps > 0, after + steps - 1, before + steps)
        live = steps != 0
        if missing is not None:
            live &= ~np.broadcast_to(missing, live.shape)
        bad = live & ((rank < 0) | (rank >= len(self._positions)))
        if bad.any():
            where = int(np.flatnonzero(bad)[0])
            first = self.first_day + dt.timedelta(days=int(index.flat[where]))
            raise CalendarCoverageError(
                f"adding {int(steps.flat[where])} working days to {first} goes outside the "
                f"calendar's coverage {self.first_day} to {self.last_day}"
            )
        return np.where(live, self._positions[np.clip(rank, 0, len(self._positions) - 1)], -1)

    def _scalar_index(self, day: dt.date) -> int:
        check_plain_date(day, "day")
        if not self.first_day <= day <= self.last_day:
            raise CalendarCoverageError(self._coverage_message(day))
        return (day - self.first_day).days

    def _offsets(self, days: Any) -> IntArray:
        """Offsets into the calendar's tables; a missing day (NaT) gets the sentinel `size`.

        The common case (every day present and covered) makes no copy of a `datetime64[D]`
        array for a calendar starting on 1970-01-01, and checks coverage in one pass.
        """
        if isinstance(days, dt.date):
            return np.array(self._scalar_index(days), dtype=np.int64)
        if isinstance(days, np.ndarray) and days.dtype == np.dtype("datetime64[D]"):
            numbers: IntArray = days.view(np.int64)
        else:
            numbers = day_numbers(as_day_array(days))
        first = (self.first_day - dt.date(1970, 1, 1)).days
        index = numbers - first if first else numbers
        size = len(self._is_working)
        # One unsigned comparison catches days before, after, and NaT (a huge negative).
        outside = index.view(np.uint64) >= size
        if not outside.any():
            return index
        # Every day outside the coverage goes to the sentinel; that must be the NaT days.
        clipped = np.minimum(index.view(np.uint64), size).view(np.int64)
        if np.count_nonzero(outside) != np.count_nonzero(numbers == NAT_DAY):
            uncovered = outside & (numbers != NAT_DAY)
            bad = int(numbers.flat[int(np.flatnonzero(uncovered)[0])])
            raise CalendarCoverageError(self._coverage_message(to_date(np.datetime64(bad, "D"))))
        return clipped

    def _indices(self, days: Any) -> tuple[IntArray, BoolArray | None]:
        """Offsets into the calendar's tables, and the mask of missing days (None if none)."""
        index = self._offsets(days)
        missing = index == len(self._is_working)
        if missing.any():
            return np.where(missing, 0, index), missing
        return index, None

    def _coverage_message(self, day: dt.date) -> str:
        return (
            f"{day} is outside the dates the {self.name} calendar covers "
            f"({self.first_day} to {self.last_day})"
        )


@functools.lru_cache(maxsize=32)
def _england(closures: frozenset[dt.date]) -> WorkingDayCalendar:
    import holidays  # imported on first use: building the calendar is not import-time work

    years = range(ENGLAND_FIRST_DAY.year, ENGLAND_LAST_DAY.year + 1)
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
    return WorkingDayCalendar(
        name="England and Wales",
        bank_holidays=frozenset(bank_holidays),
        closures=closures,
        first_day=ENGLAND_FIRST_DAY,
        last_day=ENGLAND_LAST_DAY,
        source=f"holidays {importlib.metadata.version('holidays')}",
    )


def _default() -> WorkingDayCalendar:
    return _england(frozenset())


@overload
def working_days_between(start: dt.date, end: dt.date) -> int: ...
@overload
def working_days_between(start: DayArray, end: DayArray | dt.date) -> FloatArray: ...
@overload
def working_days_between(start: dt.date, end: DayArray) -> FloatArray: ...
def working_days_between(start: Any, end: Any) -> int | FloatArray:
    """Working days in `(start, end]` on the England calendar (the start day is day 0).

    Examples:
        >>> import datetime as dt
        >>> working_days_between(dt.date(2024, 3, 23), dt.date(2024, 3, 25))
        1
    """
    result: int | FloatArray = _default().working_days_between(start, end)
    return result


@overload
def add_working_days(start: dt.date, n: int) -> dt.date: ...
@overload
def add_working_days(start: DayArray, n: int | npt.ArrayLike) -> DayArray: ...
def add_working_days(start: Any, n: Any) -> dt.date | DayArray:
    """The *n*-th working day strictly after *start* on the England calendar.

    Examples:
        >>> import datetime as dt
        >>> add_working_days(dt.date(2024, 4, 8), 45)
        datetime.date(2024, 6, 12)
    """
    result: dt.date | DayArray = _default().add_working_days(start, n)
    return result


@overload
def is_working_day(day: dt.date) -> bool: ...
@overload
def is_working_day(day: DayArray) -> BoolArray: ...
def is_working_day(day: Any) -> bool | BoolArray:
    """Whether *day* is a working day on the England calendar.

    Examples:
        >>> import datetime as dt
        >>> is_working_day(dt.date(2022, 9, 19))
        False
    """
    result: bool | BoolArray = _default().is_working_day(day)
    return result
