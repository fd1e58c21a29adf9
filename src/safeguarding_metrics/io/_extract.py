"""Pieces shared by the in-year readers (SSD, Annex A, contacts): cells, dates, codes, rows.

In-year data comes from a council's own case management system, exported by hand: CSV files
from SQL Server or Postgres, or Excel workbooks. Dates arrive as date-times, missing values
as ``NULL`` or a placeholder day, and codes as descriptions. These helpers read such cells
the same way in every in-year reader, and say what they had to decide.
"""

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError, ReadError
from safeguarding_metrics.io._common import DiagnosticLog, shown
from safeguarding_metrics.provenance import Coverage, Origins

__all__ = [
    "CELL_LIMIT",
    "NULL_TEXTS",
    "PLACEHOLDER_DAY",
    "CodeTable",
    "Collected",
    "CsvTable",
    "When",
    "by_content",
    "check_date",
    "content_key",
    "normal_text",
    "parse_when",
    "read_csv_table",
    "referral_ids",
    "text_of",
    "yes_no",
]

NULL_TEXTS = frozenset({"", "null", "nat", "none"})
"""Cell texts that mean "no value" (lower-cased): SQL Server writes ``NULL``."""

PLACEHOLDER_DAY = dt.date(1900, 1, 1)
"""The day some systems store instead of a missing date (``ISNULL(d, '1900-01-01')``)."""

CELL_LIMIT = 100_000
"""The longest cell read, in characters; a longer one is read as empty and reported."""

NOT_A_DATE = (
    "not a date (expected YYYY-MM-DD or DD/MM/YYYY, with or without a time); read as missing"
)
PLACEHOLDER = "the placeholder day 1900-01-01 stands for a missing date; read as missing"

_ISO = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r"\s*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_UK = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]{1,9})?)?)?"
)


@attrs.frozen
class When:
    """A date read from a cell, and what reading it found.

    Attributes:
        day: The date, or `None`.
        problem: ``""`` (a date, or no value), or the reason the cell gave no date.
    """

    day: dt.date | None
    problem: str = ""


_NOTHING = When(None)


def text_of(value: object) -> str:
    """A cell's text, stripped; ``""`` for no value (empty, ``NULL``, `None`)."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.lower() in NULL_TEXTS else text


def parse_when(text: str) -> When:
    """The date a cell names: a date or a date-time, truncated to its date.

    Accepted: ``YYYY-MM-DD`` and ``DD/MM/YYYY`` (one-digit day or month too), each with or
    without a time (``2024-12-10 00:00:00.000``, ``2024-04-30 14:30``,
    ``2024-04-30T14:30:00Z``); the date written is the date read, whatever the time.
    Empty cells and ``NULL`` are missing (no problem); ``1900-01-01`` is missing with a
    problem; anything else is missing with a problem.

    Examples:
        >>> parse_when("2024-12-10 00:00:00.000").day
        datetime.date(2024, 12, 10)
        >>> parse_when("NULL"), parse_when("1900-01-01").problem != ""
        (When(day=None, problem=''), True)
    """
    found = _WHEN_CACHE.get(text)
    if found is not None:
        return found
    found = _parse_when(text)
    if len(_WHEN_CACHE) < 100_000:  # dates repeat: each distinct text is parsed once
        _WHEN_CACHE[text] = found
    return found


_WHEN_CACHE: dict[str, When] = {}


def _parse_when(text: str) -> When:
    text = text_of(text)
    if not text:
        return _NOTHING
    match = _ISO.fullmatch(text)
    if match is not None:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _UK.fullmatch(text)
        if match is None:
            return When(None, NOT_A_DATE)
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    hour, minute, second = match[4], match[5], match[6]
    if hour is not None and (
        int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59)
    ):
        return When(None, NOT_A_DATE)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return When(None, NOT_A_DATE)
    if value == PLACEHOLDER_DAY:
        return When(None, PLACEHOLDER)
    return When(value)


def normal_text(text: str) -> str:
    """*text* lower-cased, with every run of other characters than letters and digits a space."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


_YES = frozenset({"y", "yes", "true", "1", "t"})
_NO = frozenset({"n", "no", "false", "0", "f"})


def yes_no(text: str) -> bool | None:
    """``Y``/``Yes``/``true``/``1`` as True, ``N``/``No``/``false``/``0`` as False; else `None`."""
    value = normal_text(text)
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


@attrs.frozen
class CodeTable:
    """The codes of one field, and the descriptions systems store instead of them.

    Attributes:
        name: What the codes are, for diagnostics (``"legal status"``).
        codes: The valid codes, upper case.
        descriptions: Description -> code; matched after `normal_text` on both sides.
    """

    name: str
    codes: frozenset[str]
    descriptions: Mapping[str, str] = attrs.field(factory=dict)
    _by_text: dict[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "_by_text", {normal_text(text): code for text, code in self.descriptions.items()}
        )

    def code(self, text: str, extra: Mapping[str, str] | None = None) -> str | None:
        """The code *text* stands for, or `None` when it stands for none.

        In order: *extra* (a caller's own description -> code table); the text itself as a
        code (any case); a code followed by a space, hyphen, colon, full stop or bracket
        (``"S - Started to be looked after"``); a description of the table.
        """
        if extra:
            for description, code in extra.items():
                if normal_text(description) == normal_text(text):
                    return code
        upper = text.strip().upper()
        if upper in self.codes:
            return upper
        head = re.match(r"[A-Z0-9]+", upper)
        if head is not None and head[0] in self.codes:
            rest = upper[head.end() :]
            if rest[:1] in (" ", "-", ":", ".", ")", "–", "—", "\t"):
                return head[0]
        return self._by_text.get(normal_text(text))

    def problem(self) -> str:
        """The diagnostic's problem for a value that is no code of the table."""
        return (
            f"neither a {self.name} code ({', '.join(sorted(self.codes))}) nor a known "
            "description of one; read as missing (map it with codes=)"
        )


# -- tables read from CSV files ------------------------------------------------------------


@attrs.define
class CsvTable:
    """The rows of one CSV file, as text.

    Attributes:
        file: The file.
        columns: The header row's names, stripped and lower-cased.
        rows: Each row that holds a value: its line number and its cells, one per column.
    """

    file: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]

    def position(self, *names: str) -> int:
        """The column of the first of *names* present, or -1."""
        for name in names:
            if name in self.columns:
                return self.columns.index(name)
        return -1


def _decode(data: bytes, file: str, log: DiagnosticLog) -> str:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        log.add(
            file,
            f"line {line}",
            "",
            f"byte 0x{data[error.start]:02X}",
            "not UTF-8; read as Windows-1252 text",
        )
        return data.decode("cp1252", errors="replace")


def _delimiter(line: str, known: Callable[[str], bool]) -> str:
    """The separator of a header row: the one that names the most known columns."""
    best, best_count = ",", -1
    for candidate in (",", ";", "\t", "|"):
        count = sum(known(_column(cell)) for cell in line.split(candidate))
        if count > best_count:
            best, best_count = candidate, count
    return best


def _column(cell: str) -> str:
    return cell.strip().strip('"').lstrip("\ufeff").strip().lower()


def read_csv_table(
    path: Path, log: DiagnosticLog, *, known: Callable[[str], bool]
) -> CsvTable | None:
    """Read one CSV file with a header row; `None` (reported) when it is empty.

    The separator is the one (comma, semicolon, tab, bar) that names the most columns
    *known* accepts. Problems are reported and the row kept: a NUL character (left out), a
    cell longer than `CELL_LIMIT` (read as empty), a row with more or fewer cells than the
    header (cut or padded); a row the CSV reader cannot read at all is reported and left
    out. Rows whose cells are all empty are not rows.

    Raises:
        ReadError: The file cannot be read.
    """
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}: cannot be read: {error.strerror}") from None
    text = _decode(data, file, log)
    if "\x00" in text:
        for number, raw in enumerate(text.split("\n"), start=1):
            if "\x00" in raw:
                log.add(
                    file,
                    f"line {number}",
                    "",
                    shown(raw.replace("\x00", "\\0")),
                    "holds a NUL character; read without it",
                )
        text = text.replace("\x00", "")
    if not text.strip():
        log.add(file, "file", "", "", "the file is empty; ignored")
        return None
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _delimiter(first, known)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    while True:
        before = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            log.add(
                file,
                f"line {before + 1}",
                "",
                shown(str(error)),
                "the row cannot be read as CSV (broken quoting); the row was left out",
            )
            if reader.line_num == before:  # no progress: nothing more can be read
                break
            continue
        line = before + 1
        if columns is None:
            columns = [_column(cell) for cell in cells]
            _note_repeated_columns(columns, file, log)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        for index, cell in enumerate(cells):
            if len(cell) > CELL_LIMIT:
                name = columns[index] if index < len(columns) else f"cell {index + 1}"
                log.add(
                    file,
                    f"line {line}",
                    name,
                    shown(cell),
                    f"longer than {CELL_LIMIT} characters; read as empty",
                )
                cells[index] = ""
        if len(cells) != len(columns):
            log.add(
                file,
                f"line {line}",
                "",
                f"{len(cells)} cells for {len(columns)} columns",
                "the row has more or fewer cells than the header row; cut or padded",
            )
            cells = (cells + [""] * len(columns))[: len(columns)]
        rows.append((line, cells))
    if columns is None:
        log.add(file, "file", "", "", "the file is empty; ignored")
        return None
    return CsvTable(file, columns, rows)


def _note_repeated_columns(columns: list[str], file: str, log: DiagnosticLog) -> None:
    seen: set[str] = set()
    for index, name in enumerate(columns):
        if name and name in seen:
            log.add(
                file,
                "line 1",
                name,
                f"column {index + 1}",
                "a column named twice in the header row; the first is read",
            )
            columns[index] = f"{name} (again)"
        seen.add(name)


# -- content order -----------------------------------------------------------------------


def content_key(values: Iterable[object]) -> tuple[tuple[int, str], ...]:
    """A sort key for a record's values that never compares values of different types.

    Missing values sort last; dates sort by their ISO form (which is date order).
    """
    key: list[tuple[int, str]] = []
    for value in values:
        if value is None:
            key.append((1, ""))
        elif isinstance(value, dt.date):
            key.append((0, value.isoformat()))
        elif isinstance(value, tuple):
            key.append((0, "\x1f".join(str(v) for v in value)))
        elif isinstance(value, int) and not isinstance(value, bool):
            key.append((0, f"{value:020d}"))
        else:
            key.append((0, str(value)))
    return tuple(key)


def by_content(values: Sequence[object]) -> tuple[int, tuple[tuple[int, str], ...]]:
    """The order in which rows sharing a key are chosen from: most values filled, then content."""
    filled = sum(value not in (None, "", ()) for value in values)
    return (-filled, content_key(values))


def referral_ids(
    referrals: Sequence[tuple[str, dt.date, Hashable]],
) -> tuple[list[str], list[int]]:
    """Referral ids ``"<child>/<YYYY-MM-DD>"``, a same-day second one ``"/2"`` and so on.

    *referrals* holds (child, date, content key); which of a child's same-day referrals is
    the first is decided by the content key, never by position. Returns the ids in the
    order given, and the positions of the referrals that are not the first of their day.
    """
    groups: dict[tuple[str, dt.date], list[int]] = {}
    for index, (child, day, _) in enumerate(referrals):
        groups.setdefault((child, day), []).append(index)
    ids = [""] * len(referrals)
    seconds: list[int] = []
    for (child, day), members in groups.items():
        ordered = sorted(members, key=lambda i: referrals[i][2])  # type: ignore[arg-type,return-value]
        for number, index in enumerate(ordered, start=1):
            base = f"{child}/{day.isoformat()}"
            ids[index] = base if number == 1 else f"{base}/{number}"
            if number > 1:
                seconds.append(index)
    return ids, sorted(seconds)


# -- datasets ----------------------------------------------------------------------------


@attrs.define
class Collected:
    """Records read so far, each with the file and line it came from."""

    tables: dict[str, list[tuple[Any, str, int]]] = attrs.field(factory=dict)

    def add(self, table: str, record: Any, file: str, line: int) -> None:
        """Keep *record* of collection *table*, read from *file* at *line*."""
        self.tables.setdefault(table, []).append((record, file, line))

    def dataset(self, *, diagnostics: Iterable[Any], coverage: Coverage) -> Dataset:
        """The `Dataset` of the records, each collection in content order (never row order)."""
        collections: dict[str, list[Any]] = {}
        origins: dict[str, Origins] = {}
        for table, items in self.tables.items():
            items.sort(
                key=lambda item: (content_key(attrs.astuple(item[0], recurse=False)), item[1:])
            )
            files: list[str] = sorted({file for _, file, _ in items if file})
            index = {file: position for position, file in enumerate(files)}
            collections[table] = [record for record, _, _ in items]
            origins[table] = Origins(
                tuple(files),
                np.array([index.get(file, -1) for _, file, _ in items], dtype=np.int32),
                np.array([line for _, _, line in items], dtype=np.int64),
            )
        return Dataset(
            **collections, diagnostics=tuple(diagnostics), coverage=coverage, origins=origins
        )


def check_date(value: object, name: str) -> None:
    """Raise `InvalidOptionError` unless *value* is a plain date (not a date-time)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidOptionError(f"{name} must be a datetime.date, got {value!r}")
