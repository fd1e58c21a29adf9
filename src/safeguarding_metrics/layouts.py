"""Report columns: the periods a Cabinet table shows side by side, and how to ask for them.

Councils show the last whole year, then each quarter or the year to date of this year
(``2023-24 | Q1 (Apr–Jun) | Q2 (Apr–Sep)``), or month by month. A column is a period with a
heading; `parse_column` reads one from a short text an analyst would write, and `layout`
builds the usual sets of columns for a date.
"""

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final

import attrs

from safeguarding_metrics.errors import InvalidPeriodError
from safeguarding_metrics.periods import PeriodKind, ReportingPeriod, add_months

__all__ = [
    "LAYOUTS",
    "ReportColumn",
    "column_for",
    "layout",
    "parse_column",
    "parse_columns",
    "statutory_year_of",
]

_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
_QUARTER_MONTHS: Final = {1: "Apr–Jun", 2: "Jul–Sep", 3: "Oct–Dec", 4: "Jan–Mar"}
_TO_DATE_MONTHS: Final = {1: "Apr–Jun", 2: "Apr–Sep", 3: "Apr–Dec", 4: "Apr–Mar"}

LAYOUTS: Final = ("year", "years", "quarters", "quarters-ytd", "months")
"""The layouts `layout` builds (see there)."""


@attrs.frozen(kw_only=True)
class ReportColumn:
    """One column of a report: a period and the heading it is shown under.

    Attributes:
        period: The period the column's figures are for.
        heading: How the column is headed, e.g. ``"Q2 (Apr–Sep)"``.
    """

    period: ReportingPeriod
    heading: str


def statutory_year_of(day: dt.date) -> int:
    """The statutory year (by the 31 March ending it) that *day* falls in."""
    return day.year if day.month <= 3 else day.year + 1


def _quarter_of(day: dt.date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def _year(text: str) -> int:
    """``2023-24``, ``2023/24`` or ``2023-2024``: the year ending 31 March 2024."""
    match = re.fullmatch(r"(\d{4})[-/_](\d{2}|\d{4})", text)
    if not match:
        raise InvalidPeriodError(f"{text!r} is not a statutory year such as 2023-24")
    first, second = int(match.group(1)), match.group(2)
    expected = first + 1
    if (len(second) == 2 and int(second) != expected % 100) or (
        len(second) == 4 and int(second) != expected
    ):
        raise InvalidPeriodError(
            f"{text!r} is not a statutory year: the year after {first} is {expected}"
        )
    return expected


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidPeriodError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def column_for(period: ReportingPeriod, *, short: bool = False) -> ReportColumn:
    """The column for *period*, headed as a council's table heads it.

    With *short*, a quarter is headed ``"Q1 (Apr–Jun)"`` and a year to date at a quarter's
    end ``"Q2 (Apr–Sep)"``, for a table whose other columns say the year.
    """
    heading = period.label
    if period.kind is PeriodKind.QUARTER:
        number = _quarter_of(period.start)
        heading = (
            f"Q{number} ({_QUARTER_MONTHS[number]})"
            if short
            else f"{period.label} ({_QUARTER_MONTHS[number]})"
        )
    elif period.kind is PeriodKind.YEAR_TO_DATE:
        number = _quarter_of(period.end)
        quarter_end = add_months(
            ReportingPeriod.year_ending(statutory_year_of(period.end)).start, 3 * number
        ) - dt.timedelta(days=1)
        if period.end == quarter_end:
            year = ReportingPeriod.year_ending(statutory_year_of(period.end)).label
            months = _TO_DATE_MONTHS[number]
            heading = f"Q{number} ({months})" if short else f"{year} Q{number} to date ({months})"
        else:
            heading = f"Year to {period.end.day} {period.end:%b %Y}"
    elif period.kind is PeriodKind.MONTH:
        heading = period.start.strftime("%b-%y")
    return ReportColumn(period=period, heading=heading)


def parse_column(
    text: str, *, year: int | None = None, as_at: dt.date | None = None
) -> ReportColumn:
    """The column an analyst's short text asks for.

    Args:
        text: One of (case and surrounding spaces ignored):
            ``2023-24`` (also ``2023/24``): a statutory year;
            ``Q2``: a quarter of the year in focus; ``2024-25-Q2`` (or ``2024-25 Q2``): of
            that year;
            ``Q2-ytd``, ``2024-25-Q2-ytd``: the year to date at the end of that quarter;
            ``ytd``: the year to date at *as_at*;
            ``2024-01`` or ``Jan-24``: a month;
            ``rolling``: the 12 months to *as_at*; ``rolling-to-2024-12-31``: to that date;
            ``2024-01-01..2024-03-31``: any range, both days included.
        year: The statutory year in focus (by the 31 March ending it), for ``Q2`` and
            ``Q2-ytd``; defaults to the year *as_at* falls in.
        as_at: The date in focus, for ``ytd`` and ``rolling``.

    Raises:
        InvalidPeriodError: For a text that names no period, or needs a year or date that
            was not given.

    Examples:
        >>> parse_column("Q2-ytd", year=2025).period.end
        datetime.date(2024, 9, 30)
        >>> parse_column("2023-24").heading
        '2023-24'
    """
    spec = " ".join(text.strip().lower().split())
    if year is None and as_at is not None:
        year = statutory_year_of(as_at)

    def focus() -> int:
        if year is None:
            raise InvalidPeriodError(
                f"{text!r} needs the year it is of: give the year (2024-25-Q2) or --as-at"
            )
        return year

    def at() -> dt.date:
        if as_at is None:
            raise InvalidPeriodError(f"{text!r} needs a date: give --as-at YYYY-MM-DD")
        return as_at

    match = re.fullmatch(r"(?:(\d{4}[-/_]\d{2,4})[- :])?q([1-4])(-ytd)?", spec)
    if match:
        statutory = _year(match.group(1)) if match.group(1) else focus()
        number = int(match.group(2))
        quarter = ReportingPeriod.year_ending(statutory).quarter(number)
        if match.group(3):
            return column_for(
                ReportingPeriod.year_to_date(as_at=quarter.end), short=not match.group(1)
            )
        return column_for(quarter, short=not match.group(1))
    if spec == "ytd":
        return column_for(ReportingPeriod.year_to_date(as_at=at()))
    if spec == "rolling":
        return column_for(ReportingPeriod.rolling_12_months(as_at=at()))
    match = re.fullmatch(r"rolling-to-(\d{4}-\d{2}-\d{2})", spec)
    if match:
        return column_for(ReportingPeriod.rolling_12_months(as_at=_date(match.group(1))))
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", spec)
    if match:
        start, end = _date(match.group(1)), _date(match.group(2))
        return column_for(ReportingPeriod.between(start, end))
    match = re.fullmatch(r"(\d{4})-(\d{2})", spec)
    if match and 1 <= int(match.group(2)) <= 12:
        return column_for(ReportingPeriod.month(int(match.group(1)), int(match.group(2))))
    match = re.fullmatch(r"([a-z]{3})[- ](\d{2}|\d{4})", spec)
    if match and match.group(1) in _MONTHS:
        number = _MONTHS.index(match.group(1)) + 1
        calendar_year = int(match.group(2))
        if calendar_year < 100:
            calendar_year += 2000
        return column_for(ReportingPeriod.month(calendar_year, number))
    if re.fullmatch(r"\d{4}[-/_]\d{2,4}", spec):
        return column_for(ReportingPeriod.year_ending(_year(spec)))
    raise InvalidPeriodError(
        f"{text!r} names no period; write a year (2023-24), a quarter (Q2 or 2024-25-Q2), a "
        "year to date at a quarter's end (Q2-ytd), ytd, a month (2024-01 or Jan-24), rolling, "
        "or a range (2024-01-01..2024-03-31)"
    )


def parse_columns(
    texts: Sequence[str], *, year: int | None = None, as_at: dt.date | None = None
) -> tuple[ReportColumn, ...]:
    """`parse_column` for each of *texts*, in order."""
    return tuple(parse_column(text, year=year, as_at=as_at) for text in texts)


def layout(name: str, *, as_at: dt.date) -> tuple[ReportColumn, ...]:
    """The columns of a named layout for the date *as_at*.

    Args:
        name: One of `LAYOUTS`:
            ``year``: the statutory year *as_at* falls in (to date, unless *as_at* is its
            31 March);
            ``years``: the three statutory years ending with the one *as_at* ends, or the
            three before the one it falls in;
            ``quarters``: the last whole year, then each quarter of this year ended by
            *as_at*;
            ``quarters-ytd``: the last whole year, then the year to date at the end of each
            quarter ended by *as_at* (``Q1 (Apr–Jun) | Q2 (Apr–Sep)``);
            ``months``: each month of this year ended by *as_at*.
        as_at: The date the report is made at (usually the last day of the data).

    Raises:
        InvalidPeriodError: For an unknown layout, or one that has no columns at *as_at*
            (no quarter of this year has ended yet for ``quarters``, say).
    """
    this_year = statutory_year_of(as_at)
    year = ReportingPeriod.year_ending(this_year)
    ended = as_at == year.end
    last_whole = ReportingPeriod.year_ending(this_year if ended else this_year - 1)
    if name == "year":
        period = year if ended else ReportingPeriod.year_to_date(as_at=as_at)
        return (column_for(period),)
    if name == "years":
        return tuple(
            column_for(ReportingPeriod.year_ending(last_whole.end.year - n)) for n in (2, 1, 0)
        )
    quarters = [q for q in (year.quarter(n) for n in (1, 2, 3, 4)) if q.end <= as_at]
    months = []
    start = year.start
    while add_months(start, 1) - dt.timedelta(days=1) <= as_at and start <= year.end:
        months.append(ReportingPeriod.month(start.year, start.month))
        start = add_months(start, 1)
    if name in ("quarters", "quarters-ytd"):
        if not quarters:
            raise InvalidPeriodError(
                f"layout {name!r} at {as_at}: no quarter of {year.label} has ended yet"
            )
        first = column_for(last_whole)
        first = attrs.evolve(first, heading=f"{last_whole.label} whole year")
        if ended:
            year_before = ReportingPeriod.year_ending(this_year - 1)
            first = attrs.evolve(column_for(year_before), heading=f"{year_before.label} whole year")
        if name == "quarters":
            return (first, *(column_for(q, short=True) for q in quarters))
        return (
            first,
            *(column_for(ReportingPeriod.year_to_date(as_at=q.end), short=True) for q in quarters),
        )
    if name == "months":
        if not months:
            raise InvalidPeriodError(
                f"layout 'months' at {as_at}: no month of {year.label} has ended yet"
            )
        return tuple(column_for(month) for month in months)
    raise InvalidPeriodError(f"unknown layout {name!r}; the layouts are {', '.join(LAYOUTS)}")
