"""Where a dataset's records came from: the returns it covers, and each record's file and line.

A `Dataset` read from returns knows which returns it holds (`Coverage`): each return's kind,
collection year, the dates it covers and the record collections it held. Reports use this to
refuse comparisons the data cannot support (SPEC §4.6), and the looked-after indicators to
know which later returns were given (SPEC §4.4). Each record read from a file also keeps the
file and line it came from (`Origins`), so an audit or a diagnostic can point at it.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import freeze
from safeguarding_metrics.errors import InvalidRecordError
from safeguarding_metrics.records import TABLES, TableName, check_table

__all__ = ["Coverage", "Origins", "ReturnCoverage", "collection_year", "collection_year_span"]


def collection_year(day: dt.date) -> int:
    """The collection year a date belongs to: the year of the 31 March that ends its year.

    Examples:
        >>> collection_year(dt.date(2024, 3, 31)), collection_year(dt.date(2024, 4, 1))
        (2024, 2025)
    """
    return day.year if day.month <= 3 else day.year + 1


def collection_year_span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of collection year *year*: 1 April *year - 1* to 31 March *year*."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def _tables(values: Iterable[str]) -> tuple[TableName, ...]:
    items = tuple(sorted(set(values), key=TABLES.index))
    for item in items:
        check_table(item)
    return items  # type: ignore[return-value]


def _partial(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = values.items() if isinstance(values, Mapping) else values
    return tuple(sorted((str(field), str(what)) for field, what in items))


@attrs.frozen(kw_only=True)
class ReturnCoverage:
    """One return (or extract) a dataset was read from, and what it covers.

    Attributes:
        kind: What the return is: ``"cin-census"``, ``"ssda903"``, or another reader's name.
        path: The file or folder it was read from.
        year: Its collection year (the year of the 31 March ending it), if it has one.
        start: The first day it covers.
        end: The last day it covers.
        tables: The record collections it held records of.
        partial: What it holds of those collections only in part: ``"table.field"`` ->
            what is missing (``{"cp_plans.review_dates": "each plan's latest review
            only"}``). An indicator that needs such a field whole (`Indicator.needs`) cannot
            be supported by this return.
    """

    kind: str
    path: str
    year: int | None
    start: dt.date
    end: dt.date
    tables: tuple[TableName, ...] = attrs.field(converter=_tables)
    partial: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_partial)

    @classmethod
    def for_year(
        cls, *, kind: str, path: str, year: int, tables: Iterable[str]
    ) -> "ReturnCoverage":
        """A return for collection year *year*, covering 1 April *year - 1* to 31 March *year*."""
        start, end = collection_year_span(year)
        return cls(kind=kind, path=path, year=year, start=start, end=end, tables=tables)

    def lacks(self, field: str) -> str | None:
        """What this return lacks of *field* (``"table.field"``), or `None` when it is whole."""
        return dict(self.partial).get(field)

    @property
    def label(self) -> str:
        """The collection year as a report names it (``"2023-24"``), or the dates covered."""
        if self.year is not None:
            return f"{self.year - 1}-{self.year % 100:02d}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _returns(values: Iterable[ReturnCoverage]) -> tuple[ReturnCoverage, ...]:
    items: list[ReturnCoverage] = []
    for value in values:
        if not isinstance(value, ReturnCoverage):
            raise InvalidRecordError(f"Coverage holds ReturnCoverage entries, got {value!r}")
        if value not in items:
            items.append(value)
    return tuple(sorted(items, key=lambda r: (r.start, r.end, r.kind, r.path)))


@attrs.frozen
class Coverage:
    """The returns a dataset was read from: which collections, for which years.

    A dataset built in a script knows no returns (`Coverage()`); readers record every return
    they read, and `Dataset.__or__` keeps the returns of both sides.

    Attributes:
        returns: The returns, in order of the dates they cover.
    """

    returns: tuple[ReturnCoverage, ...] = attrs.field(default=(), converter=_returns)

    def __or__(self, other: object) -> "Coverage":
        if not isinstance(other, Coverage):
            return NotImplemented
        return Coverage((*self.returns, *other.returns))

    def __bool__(self) -> bool:
        return bool(self.returns)

    def of(self, table: str) -> tuple[ReturnCoverage, ...]:
        """The returns that held records of collection *table*."""
        check_table(table)
        return tuple(r for r in self.returns if table in r.tables)

    def years(self, table: str) -> tuple[int, ...]:
        """The collection years of the returns that held *table*, sorted, each once."""
        return tuple(sorted({r.year for r in self.of(table) if r.year is not None}))

    def first_year(self, table: str) -> int | None:
        """The earliest collection year holding *table*, or `None` when none is known."""
        years = self.years(table)
        return years[0] if years else None

    def last_year(self, table: str) -> int | None:
        """The latest collection year holding *table*, or `None` when none is known."""
        years = self.years(table)
        return years[-1] if years else None

    def intervals(self, table: str) -> tuple[tuple[dt.date, dt.date], ...]:
        """The stretches of dates the returns holding *table* cover without a gap, in order.

        Returns that meet (one ends the day before the next starts) or overlap are one
        stretch; a missing year between two returns splits them.
        """
        stretches: list[tuple[dt.date, dt.date]] = []
        for start, end in sorted((r.start, r.end) for r in self.of(table)):
            if stretches and start <= stretches[-1][1] + dt.timedelta(days=1):
                stretches[-1] = (stretches[-1][0], max(stretches[-1][1], end))
            else:
                stretches.append((start, end))
        return tuple(stretches)

    def covers(self, table: str, start: dt.date, end: dt.date) -> bool:
        """Whether the returns holding *table* cover every day from *start* to *end*."""
        return any(s <= start and end <= e for s, e in self.intervals(table))

    def span(self, tables: Sequence[str]) -> tuple[dt.date, dt.date] | None:
        """The dates every one of *tables* is covered for, from the first return to the last.

        Collections no return is recorded for are left out of the reckoning (their records
        came from a script); `None` when none of *tables* has a recorded return, or the
        collections' spans do not meet.
        """
        spans = []
        for table in tables:
            held = self.of(table)
            if held:
                spans.append((min(r.start for r in held), max(r.end for r in held)))
        if not spans:
            return None
        start = max(s for s, _ in spans)
        end = min(e for _, e in spans)
        return (start, end) if start <= end else None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a report's JSON: each collection's first and last year and returns."""
        tables: dict[str, Any] = {}
        for table in TABLES:
            held = self.of(table)
            if not held:
                continue
            tables[table] = {
                "first_year": self.first_year(table),
                "last_year": self.last_year(table),
                "start": min(r.start for r in held).isoformat(),
                "end": max(r.end for r in held).isoformat(),
            }
        return {
            "tables": tables,
            "returns": [
                {
                    "kind": r.kind,
                    "path": r.path,
                    "year": r.year,
                    "start": r.start.isoformat(),
                    "end": r.end.isoformat(),
                    "tables": list(r.tables),
                    **({"partial": dict(r.partial)} if r.partial else {}),
                }
                for r in self.returns
            ],
        }


@attrs.frozen(eq=False)
class Origins:
    """Where each record of one collection was read from: a file and a line.

    Attributes:
        files: The files records came from.
        file: Per record, its position in *files* (-1 when not read from a file).
        line: Per record, the line it starts on (0 when not known).
    """

    files: tuple[str, ...]
    file: npt.NDArray[np.int32]
    line: npt.NDArray[np.int64]

    def __attrs_post_init__(self) -> None:
        if len(self.file) != len(self.line):
            raise InvalidRecordError("Origins.file and Origins.line must have one entry per record")
        freeze(self.file)
        freeze(self.line)

    def __len__(self) -> int:
        return len(self.file)

    @classmethod
    def unknown(cls, n: int) -> "Origins":
        """Origins of *n* records not read from a file."""
        return cls((), np.full(n, -1, dtype=np.int32), np.zeros(n, dtype=np.int64))

    @classmethod
    def of_file(cls, path: str, lines: npt.ArrayLike) -> "Origins":
        """Origins of records all read from *path*, at *lines*."""
        line = np.asarray(lines, dtype=np.int64)
        return cls((path,), np.zeros(len(line), dtype=np.int32), line.copy())

    def where(self, row: int) -> tuple[str, int]:
        """The file and line of record *row* (``("", 0)`` when not known)."""
        index = int(self.file[row])
        if index < 0:
            return "", 0
        return self.files[index], int(self.line[row])

    def take(self, rows: npt.NDArray[np.intp]) -> "Origins":
        """The origins of records *rows*, in that order."""
        return Origins(self.files, self.file[rows], self.line[rows])

    def paths(self) -> npt.NDArray[np.str_]:
        """Per record, its file (``""`` when not known)."""
        names = np.array([*self.files, ""], dtype=np.str_)
        result: npt.NDArray[np.str_] = names[np.where(self.file < 0, len(self.files), self.file)]
        return result

    @staticmethod
    def concatenate(parts: Sequence["Origins"]) -> "Origins":
        """The origins of several collections' records, one after the other."""
        files: list[str] = []
        indexes: list[npt.NDArray[np.int32]] = []
        for part in parts:
            mapping = np.array(
                [_position(files, name) for name in part.files] + [-1], dtype=np.int32
            )
            indexes.append(mapping[np.where(part.file < 0, len(part.files), part.file)])
        file = np.concatenate(indexes) if indexes else np.zeros(0, dtype=np.int32)
        line = np.concatenate([p.line for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        return Origins(tuple(files), file.astype(np.int32), line.astype(np.int64))


def _position(files: list[str], name: str) -> int:
    if name not in files:
        files.append(name)
    return files.index(name)
