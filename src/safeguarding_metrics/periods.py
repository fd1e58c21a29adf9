"""Reporting periods (closed date ranges) and calendar-month arithmetic.

A period is closed: both its first and last days are in it. The statutory year ends on
31 March, so "2024-25" runs from 2024-04-01 to 2025-03-31. Months move as
`dateutil.relativedelta` moves them, clipping to the end of a shorter month: 29 February 2024
less 12 months is 28 February 2023.
"""

import datetime as dt
import enum
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt
from dateutil.relativedelta import relativedelta

from safeguarding_metrics._dates import NAT_DAY, DayArray, as_day_array, check_plain_date
from safeguarding_metrics.errors import InvalidPeriodError

__all__ = ["PeriodKind", "ReportingPeriod", "add_months"]


@overload
def add_months(day: dt.date, months: int) -> dt.date: ...
@overload
def add_months(day: DayArray, months: int | npt.ArrayLike) -> DayArray: ...
def add_months(day: Any, months: Any) -> dt.date | DayArray:
    """Move *day* by *months* calendar months, clipping to the last day of a shorter month.

    Agrees exactly with `day + relativedelta(months=months)`. Given an array of
    `datetime64[D]`, works element-wise and keeps `NaT` as `NaT`.

    Examples:
        >>> import datetime as dt
        >>> add_months(dt.date(2024, 2, 29), -12)
        datetime.date(2023, 2, 28)
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
    """
    if isinstance(day, dt.date):
        check_plain_date(day, "day")
        if isinstance(months, bool) or not isinstance(months, int | np.integer):
            raise TypeError(f"months must be an int, got {months!r}")
        try:
            result: dt.date = day + relativedelta(months=int(months))
        except (ValueError, OverflowError):
            raise InvalidPeriodError(
                f"{day.isoformat()} moved by {int(months)} months is outside the dates "
                "Python can represent (years 1 to 9999)"
            ) from None
        return result
    return _add_months_many(as_day_array(day), months)


def _add_months_many(days: DayArray, months: int | npt.ArrayLike) -> DayArray:
    steps = np.asarray(months)
    if not np.issubdtype(steps.dtype, np.integer):
        raise TypeError(f"months must be an int or an integer array, got dtype {steps.dtype}")
    missing = days.view(np.int64) == NAT_DAY
    safe = np.where(missing, np.datetime64(0, "D"), days)
    month_start = safe.astype("datetime64[M]")
    day_of_month = (safe - month_start.astype("datetime64[D]")).astype(np.int64)
    target_month = month_start + steps.astype(np.int64).astype("timedelta64[M]")
    last_of_target = (target_month + np.timedelta64(1, "M")).astype("datetime64[D]") - 1
    result = np.minimum(target_month.astype("datetime64[D]") + day_of_month, last_of_target)
    return np.where(missing, np.datetime64("NaT", "D"), result)


class PeriodKind(enum.StrEnum):
    """What sort of period a `ReportingPeriod` is; decides its comparable predecessor."""

    YEAR = "year"
    QUARTER = "quarter"
    YEAR_TO_DATE = "year-to-date"
    ROLLING_12_MONTHS = "rolling-12-months"
    MONTH = "month"
    CUSTOM = "custom"


def _check_order(
    instance: "ReportingPeriod", attribute: "attrs.Attribute[dt.date]", end: dt.date
) -> None:
    check_plain_date(end, "end")
    if end < instance.start:
        raise InvalidPeriodError(f"a period's end ({end}) is before its start ({instance.start})")


def _plain_start(
    instance: "ReportingPeriod", attribute: "attrs.Attribute[dt.date]", start: dt.date
) -> None:
    check_plain_date(start, "start")


@attrs.frozen(kw_only=True)
class ReportingPeriod:
    """A closed range of dates `[start, end]`, both days included, with a label.

    Attributes:
        start: The first day of the period.
        end: The last day of the period.
        label: How reports name the period, e.g. ``"2024-25"`` or ``"2024-25 Q3"``.
        kind: The sort of period, which decides `preceding()`.

    Examples:
        >>> p = ReportingPeriod.year_ending(2025)
        >>> p.start, p.end, p.label
        (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31), '2024-25')
    """

    start: dt.date = attrs.field(validator=_plain_start)
    end: dt.date = attrs.field(validator=_check_order)
    label: str = ""
    kind: PeriodKind = PeriodKind.CUSTOM

    def __attrs_post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", f"{self.start} to {self.end}")

    # -- named constructors --------------------------------------------------------------

    @classmethod
    def year_ending(cls, year: int) -> "ReportingPeriod":
        """The statutory year ending 31 March *year*: 1 April *year - 1* to 31 March *year*."""
        year = _check_year(year)
        return cls(
            start=dt.date(year - 1, 4, 1),
            end=dt.date(year, 3, 31),
            label=f"{year - 1}-{year % 100:02d}",
            kind=PeriodKind.YEAR,
        )

    @classmethod
    def financial_quarter(cls, year_ending: int, quarter: int) -> "ReportingPeriod":
        """Quarter *quarter* (1 to 4) of the year ending 31 March *year_ending*.

        Q1 is April to June, Q2 July to September, Q3 October to December, Q4 January to
        March.
        """
        return cls.year_ending(year_ending).quarter(quarter)

    def quarter(self, quarter: int) -> "ReportingPeriod":
        """Quarter *quarter* (1 to 4) of this statutory year.

        Examples:
            >>> q3 = ReportingPeriod.year_ending(2025).quarter(3)
            >>> q3.start, q3.end, q3.label
            (datetime.date(2024, 10, 1), datetime.date(2024, 12, 31), '2024-25 Q3')
        """
        if self.kind is not PeriodKind.YEAR:
            raise InvalidPeriodError("quarter() applies to a statutory year (year_ending)")
        if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
            raise InvalidPeriodError(f"quarter must be 1, 2, 3 or 4, got {quarter!r}")
        start = add_months(self.start, 3 * (quarter - 1))
        return ReportingPeriod(
            start=start,
            end=add_months(start, 3) - dt.timedelta(days=1),
            label=f"{self.label} Q{quarter}",
            kind=PeriodKind.QUARTER,
        )

    @classmethod
    def year_to_date(cls, *, as_at: dt.date) -> "ReportingPeriod":
        """From the 1 April on or before *as_at* to *as_at* itself.

        Raises:
            InvalidPeriodError: *as_at* is before 1 April of year 1 (the year to date would
                start in year 0).
        """
        check_plain_date(as_at, "as_at")
        first_year = as_at.year if as_at.month >= 4 else as_at.year - 1
        if first_year < dt.MINYEAR:
            raise InvalidPeriodError(
                f"the year to date at {as_at.isoformat()} starts on 1 April of year 0, outside "
                "the dates Python can represent (years 1 to 9999)"
            )
        return cls(
            start=dt.date(first_year, 4, 1),
            end=as_at,
            label=f"{first_year}-{(first_year + 1) % 100:02d} to date ({as_at})",
            kind=PeriodKind.YEAR_TO_DATE,
        )

    @classmethod
    def rolling_12_months(cls, *, as_at: dt.date) -> "ReportingPeriod":
        """The twelve months ending on *as_at*: `[add_months(as_at, -12) + 1 day, as_at]`."""
        check_plain_date(as_at, "as_at")
        return cls(
            start=add_months(as_at, -12) + dt.timedelta(days=1),
            end=as_at,
            label=f"12 months to {as_at}",
            kind=PeriodKind.ROLLING_12_MONTHS,
        )

    @classmethod
    def month(cls, year: int, month: int) -> "ReportingPeriod":
        """One calendar month."""
        year = _check_year(year)
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise InvalidPeriodError(f"month must be 1 to 12, got {month!r}")
        start = dt.date(year, month, 1)
        return cls(
            start=start,
            end=add_months(start, 1) - dt.timedelta(days=1),
            label=start.strftime("%B %Y"),
            kind=PeriodKind.MONTH,
        )

    @classmethod
    def between(cls, start: dt.date, end: dt.date, *, label: str = "") -> "ReportingPeriod":
        """Any closed range of dates."""
        return cls(start=start, end=end, label=label)

    # -- comparison periods --------------------------------------------------------------

    def preceding(self) -> "ReportingPeriod":
        """The comparable period before this one.

        A year gives the previous year, a quarter the previous quarter, a month the previous
        month, and a custom range the range of the same length ending the day before it
        starts. A year to date and a rolling 12 months give the same stretch a year earlier.

        Raises:
            InvalidPeriodError: The period before would start before 1 January of year 1.
        """
        match self.kind:
            case PeriodKind.YEAR:
                return ReportingPeriod.year_ending(self.end.year - 1)
            case PeriodKind.QUARTER:
                start = add_months(self.start, -3)
                year_ending = start.year + 1 if start.month >= 4 else start.year
                return ReportingPeriod.financial_quarter(
                    year_ending, (start.month - 4) % 12 // 3 + 1
                )
            case PeriodKind.MONTH:
                start = add_months(self.start, -1)
                return ReportingPeriod.month(start.year, start.month)
            case PeriodKind.YEAR_TO_DATE | PeriodKind.ROLLING_12_MONTHS:
                return self.a_year_earlier()
            case _:
                length = self.end - self.start
                try:
                    end = self.start - dt.timedelta(days=1)
                    start = end - length
                except OverflowError:
                    raise InvalidPeriodError(
                        f"the period before {self.start.isoformat()} to "
                        f"{self.end.isoformat()} starts before 1 January of year 1, outside "
                        "the dates Python can represent"
                    ) from None
                return ReportingPeriod(start=start, end=end)

    def a_year_earlier(self) -> "ReportingPeriod":
        """The same period twelve months earlier (the same quarter of last year, say)."""
        match self.kind:
            case PeriodKind.YEAR:
                return ReportingPeriod.year_ending(self.end.year - 1)
            case PeriodKind.QUARTER:
                year_ending = self.end.year + (1 if self.end.month >= 4 else 0)
                return ReportingPeriod.financial_quarter(year_ending - 1, self._quarter_number())
            case PeriodKind.MONTH:
                return ReportingPeriod.month(self.start.year - 1, self.start.month)
            case PeriodKind.YEAR_TO_DATE:
                return ReportingPeriod.year_to_date(as_at=add_months(self.end, -12))
            case PeriodKind.ROLLING_12_MONTHS:
                return ReportingPeriod.rolling_12_months(as_at=add_months(self.end, -12))
            case _:
                return ReportingPeriod(
                    start=add_months(self.start, -12), end=add_months(self.end, -12)
                )

    def _quarter_number(self) -> int:
        return (self.start.month - 4) % 12 // 3 + 1

    # -- membership ----------------------------------------------------------------------

    @property
    def days(self) -> int:
        """How many days the period has, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether `start <= day <= end`."""
        return self.start <= day <= self.end

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and not isinstance(day, dt.datetime) and self.contains(day)

    def contains_many(self, days: DayArray) -> npt.NDArray[np.bool_]:
        """Element-wise `start <= day <= end`; a missing day (`NaT`) is in no period."""
        days = as_day_array(days)
        return (days >= np.datetime64(self.start, "D")) & (days <= np.datetime64(self.end, "D"))

    def __str__(self) -> str:
        return self.label


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1901 <= year <= 9998:
        raise InvalidPeriodError(f"year must be a whole year such as 2025, got {year!r}")
    return year
