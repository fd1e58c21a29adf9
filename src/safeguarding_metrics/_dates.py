"""Conversions between `datetime.date` and numpy day arrays, shared by the core modules."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

DayArray: TypeAlias = npt.NDArray[np.datetime64]
"""A numpy array of `datetime64[D]` values; `NaT` stands for a missing date."""

NAT = np.datetime64("NaT", "D")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
NAT_DAY = np.iinfo(np.int64).min
"""`NaT` as a day number (`day_numbers` of a missing date)."""


def as_day_array(values: Iterable[dt.date | None] | npt.ArrayLike) -> DayArray:
    """Return *values* as a `datetime64[D]` array, `None` becoming `NaT`.

    Accepts a numpy array of any `datetime64` unit, a single `numpy.datetime64`, or a
    sequence of `datetime.date` / `None`. Text is refused: parse dates before counting. A
    `datetime64[D]` array is returned as it is, not copied.
    """
    if isinstance(values, str | bytes):
        raise TypeError(f"expected dates, got the text {values!r}; parse it into dates first")
    if isinstance(values, np.datetime64):
        return np.asarray(values, dtype="datetime64[D]")
    if isinstance(values, np.ndarray):
        if not np.issubdtype(values.dtype, np.datetime64):
            raise TypeError(f"expected a datetime64 array, got an array of dtype {values.dtype}")
        return values.astype("datetime64[D]", copy=False)
    ordinals = np.fromiter(
        (_ordinal(value) for value in values),  # type: ignore[union-attr]
        dtype=np.int64,
    )
    return ordinals.view("datetime64[D]")


def _ordinal(value: Any) -> int:
    if value is None:
        return NAT_DAY
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"expected a datetime.date or None, got {value!r}")
    return value.toordinal() - _EPOCH_ORDINAL


def day_numbers(days: DayArray) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 as int64; `NaT` becomes the int64 minimum.

    A `datetime64[D]` array is viewed, not copied: the result shares its memory.
    """
    return days.astype("datetime64[D]", copy=False).view(np.int64)


def to_date(day: np.datetime64) -> dt.date:
    """Convert one non-missing `datetime64` value to a `datetime.date`."""
    return dt.date.fromordinal(int(day.astype("datetime64[D]").view(np.int64)) + _EPOCH_ORDINAL)


def check_plain_date(value: object, name: str) -> dt.date:
    """Return *value* if it is a `datetime.date` (not a `datetime`), else raise `TypeError`."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{name} must be a datetime.date, got {value!r}")
    return value
