"""One SSDA903 CSV table read into numpy columns, whatever bytes the file holds.

A table is recognised by its columns (by the file's name only when its columns name no
table). Its rows are read a block of lines at a time: numpy cuts a block of simple rows into
cells and columns with no Python object per cell, and the standard library's CSV reader
takes a block it cannot cut (a quoted line break, a stray quote, a row of another width).
Every problem is noted against the file's line. `read_table` is the entry point;
`ssda903.read_ssda903` merges the tables of a return, and the returns of several years.
"""

import codecs
import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import NAT_DAY
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io._common import parse_date, shown
from safeguarding_metrics.records import TableName

__all__ = [
    "ACCOMMODATION_CODES",
    "ACTIVITY_CODES",
    "CELL_LIMIT",
    "CHUNK_CELLS",
    "COLLECTIONS",
    "FIELDS",
    "IN_TOUCH_CODES",
    "LEGAL_STATUS_CODES",
    "PLACEMENT_CODES",
    "REASON_CEASED_CODES",
    "REASON_NEW_CODES",
    "REQUIRED",
    "REVIEW_CODES",
    "SEX_CODES",
    "TABLE_COLUMNS",
    "Field",
    "FileNotes",
    "TableKind",
    "TableRead",
    "read_table",
]

TableKind = Literal["header", "episodes", "reviews", "oc3"]

TABLE_COLUMNS: dict[TableKind, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}
"""The columns each table is written with, in order (the SSDA903 guide's)."""

REQUIRED: dict[TableKind, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
    "reviews": ("CHILD", "REVIEW"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}
"""The columns a table must have to be read at all (its key columns among them)."""

# The SSDA903 tables this library does not read, by their columns (the guide's), so a file
# holding one is named for what it is when it is passed over.
_OTHER_TABLES: dict[str, tuple[str, ...]] = {
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "placed for adoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "previous permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "social worker episodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
}
_ALL_TABLES: dict[str, tuple[str, ...]] = {
    **{str(kind): columns for kind, columns in TABLE_COLUMNS.items()},
    **_OTHER_TABLES,
}
# CHILD and DOB are in nearly every table: they tell no table from another.
_SHARED = frozenset({"CHILD", "DOB"})
_KNOWN_COLUMNS = frozenset(c for columns in _ALL_TABLES.values() for c in columns)
# Words of a file name that name a table, tried in order when its columns name none.
_NAMED_BY_FILE: tuple[tuple[str, str], ...] = (
    ("sw_episode", "social worker episodes"),
    ("episode", "episodes"),
    ("review", "reviews"),
    ("oc3", "oc3"),
    ("oc2", "OC2"),
    ("header", "header"),
    ("uasc", "UASC"),
    ("ad1", "AD1"),
    ("placed", "placed for adoption"),
    ("prev_perm", "previous permanence"),
    ("missing", "missing"),
)

COLLECTIONS: dict[TableKind, TableName] = {
    "header": "children",
    "episodes": "episodes",
    "reviews": "lac_reviews",
    "oc3": "care_leavers",
}
"""The `Dataset` collection each table is read into."""

_WHAT: dict[TableKind, str] = {
    "header": "header row",
    "episodes": "episode",
    "reviews": "review",
    "oc3": "OC3 row",
}

# Code lists of the SSDA903 guide (DfE, children looked after return 2024 to 2025), checked
# against the sector validator data-to-insight/csc-validator-be-903 (rules 103 to 133).
REASON_NEW_CODES = frozenset({"S", "P", "B", "L", "T", "U"})
LEGAL_STATUS_CODES = frozenset(
    {"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"}
)
PLACEMENT_CODES = frozenset(
    {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1"}
    | {"T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1"}
)
REASON_CEASED_CODES = frozenset(
    {"E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44"}
    | {"E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1"}
)
REVIEW_CODES = frozenset({"PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"})
IN_TOUCH_CODES = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
# SSDA903 rule 132: "0" is "not applicable". F3 and P3 (training or employment) are the
# codes of returns before the 2021-22 split into F4/P4 (apprenticeship) and F5/P5 (other).
ACTIVITY_CODES = frozenset(
    {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}
)
# SSDA903 rule 133: "0" is "not applicable"; S (no fixed abode) and X (foyer-type
# accommodation is not separately coded) only take 2, "not suitable": S1 and X1 are not codes.
ACCOMMODATION_CODES = frozenset(
    {f"{letter}{n}" for letter in "BCDEGHKRTUVWYZ" for n in "12"} | {"S2", "X2", "0"}
)
SEX_CODES = frozenset({"1", "2"})

CHUNK_CELLS = 1 << 18
"""Cells read at a time: the rows of one chunk are turned into columns, then let go."""

CELL_LIMIT = 200
"""The longest cell read, in characters; no SSDA903 field comes near (CHILD is at most 10)."""

_EPOCH = dt.date(1970, 1, 1).toordinal()
_NOT_A_DATE = "not a date (expected DD/MM/YYYY or YYYY-MM-DD)"
_BAD_DAY = NAT_DAY + 1  # a day number no date has: marks a cell that is not a date
_SEPARATOR = "\x1f"  # joins a column's cells for conversion; a cell holding it is converted alone


@attrs.frozen
class Field:
    """How one column of a table becomes one field of its records.

    Attributes:
        name: The record field.
        column: The table's column.
        kind: ``id`` (the child: a row without it is dropped), ``key`` (the date that
            places the record: a row without a valid one is dropped), ``date``, ``code``
            (from *codes*; kept as given when not one), ``required-code`` (a missing one is
            reported and read as the empty code), or ``text``.
        codes: The valid codes of a code field.
    """

    name: str
    column: str
    kind: Literal["id", "key", "date", "code", "required-code", "text"]
    codes: frozenset[str] = frozenset()


FIELDS: dict[TableKind, tuple[Field, ...]] = {
    "header": (
        Field("child_id", "CHILD", "id"),
        Field("birth_date", "DOB", "date"),
        Field("sex", "SEX", "code", SEX_CODES),
        Field("ethnicity", "ETHNIC", "text"),
    ),
    "episodes": (
        Field("child_id", "CHILD", "id"),
        Field("start", "DECOM", "key"),
        Field("end", "DEC", "date"),
        Field("reason_new", "RNE", "required-code", REASON_NEW_CODES),
        Field("legal_status", "LS", "required-code", LEGAL_STATUS_CODES),
        Field("placement", "PLACE", "required-code", PLACEMENT_CODES),
        Field("reason_ceased", "REC", "code", REASON_CEASED_CODES),
        Field("provider", "PLACE_PROVIDER", "text"),
        Field("postcode", "PL_POST", "text"),
        Field("urn", "URN", "text"),
        Field("category_of_need", "CIN", "text"),
    ),
    "reviews": (
        Field("child_id", "CHILD", "id"),
        Field("review_date", "REVIEW", "key"),
        Field("participation", "REVIEW_CODE", "code", REVIEW_CODES),
    ),
    "oc3": (
        Field("child_id", "CHILD", "id"),
        Field("birth_date", "DOB", "key"),
        Field("in_touch", "IN_TOUCH", "code", IN_TOUCH_CODES),
        Field("activity", "ACTIV", "code", ACTIVITY_CODES),
        Field("accommodation", "ACCOM", "code", ACCOMMODATION_CODES),
    ),
}
"""The fields of each table, in record order: dates are read as day numbers."""


class FileNotes:
    """The diagnostics of one file, each with the line it concerns, to be sorted by line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[tuple[int, Diagnostic]] = []

    def add(self, line: int, field: str, value: str, problem: str, *, where: str = "") -> None:
        """Note one problem at *line* (0: the file as a whole)."""
        self.items.append(
            (
                line,
                Diagnostic(
                    file=self.file,
                    where=where or (f"line {line}" if line else "file"),
                    field=field,
                    value=shown(value),
                    problem=problem,
                ),
            )
        )

    def in_order(self) -> list[Diagnostic]:
        """The diagnostics by line, those of the file as a whole first."""
        return [d for _, d in sorted(self.items, key=itemgetter(0))]


@attrs.define
class TableRead:
    """The rows of one file kept as records, as columns.

    Attributes:
        kind: The table.
        file: The file.
        lines: The line each kept row starts on.
        columns: Per field of `FIELDS[kind]`: text as a unicode array (``""`` when missing),
            dates as day numbers since 1970-01-01 (`NAT_DAY` when missing).
    """

    kind: TableKind
    file: str
    lines: npt.NDArray[np.int64]
    columns: dict[str, npt.NDArray[Any]]

    def __len__(self) -> int:
        return len(self.lines)


class _NeedsCare(Exception):
    """The fast reading found what only a row-by-row reading can place (a broken row)."""


def read_table(path: Path, notes: FileNotes) -> TableRead | None:
    """Read one CSV file: its records' columns, or `None` when it holds no table read here.

    A file passed over (empty, no header row, a table this library does not read, columns
    that name no table) is noted. A file that is not UTF-8 is read as Windows-1252, noted.

    Raises:
        ReadError: The file cannot be read, or holds a table read here without one of the
            columns that table requires.
    """
    try:
        if path.stat().st_size == 0:
            notes.add(0, "", "", "the file is empty; ignored")
            return None
        with path.open("rb") as handle:
            start = handle.read(2)
        if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            encoding = "utf-16"  # a spreadsheet's "Unicode" export: its byte-order mark says so
        else:
            encoding = "utf-8-sig"
            bad = _first_non_utf8(path)
            if bad is not None:
                line, byte = bad
                notes.add(line, "", f"byte 0x{byte:02X}", "not UTF-8; read as Windows-1252 text")
                encoding = "cp1252"
        mark = len(notes.items)
        try:
            return _read(path, encoding, notes, careful=False)
        except _NeedsCare:
            del notes.items[mark:]  # read again from the start, row by row
            return _read(path, encoding, notes, careful=True)
    except OSError as error:
        raise ReadError(f"{path}: cannot be read: {error.strerror}") from None


def _first_non_utf8(path: Path) -> tuple[int, int] | None:
    """The line and value of the first byte that is not UTF-8, or `None` if all are."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                # The decoder may hold back the start of a character from the chunk before.
                start = max(error.start - len(error.object) + len(chunk), 0)
                return lines + chunk.count(b"\n", 0, start), chunk[start]
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines, 0
    return None


def _delimiter(line: str) -> str:
    """The cell separator of a header row: the one that names the most SSDA903 columns."""
    best, best_count = ",", -1
    for candidate in (",", ";", "\t", "|"):
        cells = line.split(candidate)  # quotes aside: enough to tell the separator
        count = sum(_column_name(cell.strip().strip('"')) in _KNOWN_COLUMNS for cell in cells)
        if count > best_count:
            best, best_count = candidate, count
    return best


def _column_name(cell: str) -> str:
    return cell.strip().lstrip("\ufeff").strip().upper()


def _recognise(columns: Sequence[str], stem: str) -> tuple[str | None, str]:
    """The table a header row belongs to, and how it was told (by columns or file name).

    Each table scores the columns it has beside CHILD and DOB; the highest score wins. A tie
    between a table read here and one that is not goes to the one read here (a header row
    with CHILD, SEX, DOB is the header, not UASC); between two tables read here, the file's
    name decides. No score at all: the file's name decides, if it names a table.
    """
    present = set(columns)
    scores = {
        table: len(present.intersection(names) - _SHARED) for table, names in _ALL_TABLES.items()
    }
    best = max(scores.values())
    named = _named_by_file(stem)
    if best == 0:
        return named, "file name"
    tied = [table for table, score in scores.items() if score == best]
    read_here = [table for table in tied if table in TABLE_COLUMNS]
    if len(read_here) == 1:
        return read_here[0], "columns"
    candidates = read_here or tied
    if named in candidates:
        return named, "columns and file name"
    if len(candidates) == 1:
        return candidates[0], "columns"
    return "|".join(candidates), "ambiguous"


def _named_by_file(stem: str) -> str | None:
    words = re.sub(r"[^a-z0-9]+", "_", stem.lower())
    for fragment, table in _NAMED_BY_FILE:
        if fragment in words:
            return table
    return None


def _read(path: Path, encoding: str, notes: FileNotes, *, careful: bool) -> TableRead | None:
    # A byte no character of the encoding has (five in Windows-1252; none in a file found to
    # be UTF-8, unless it changed since) is read as U+FFFD rather than stopping the read.
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        first = handle.readline(1 << 24)
        handle.seek(0)
        delimiter = _delimiter(first)
        if delimiter != ",":
            notes.add(
                1,
                "",
                repr(delimiter),
                "the cells are not separated by commas; read with the separator shown as the value",
            )
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise ReadError(f"{path}: the header row cannot be read as CSV: {error}") from None
        if not header or not any(cell.strip() for cell in header):
            notes.add(1, "", "", "the file has no header row; ignored")
            return None
        columns = [_column_name(cell) for cell in header]
        kind = _table_of(path, columns, notes)
        if kind is None:
            return None
        table = _Table(path, kind, columns, notes)
        if careful:
            table.read_rows(_careful_chunks(reader, table.chunk_rows, notes))
        else:
            table.read_blocks(handle, delimiter, reader.line_num)
        return table.result()


def _table_of(path: Path, columns: list[str], notes: FileNotes) -> TableKind | None:
    repeated = sorted(name for name, count in Counter(columns).items() if name and count > 1)
    if repeated:
        notes.add(
            1,
            ",".join(repeated),
            "",
            "column named more than once in the header row; the first is read",
        )
    table, how = _recognise(columns, path.stem)
    if how == "ambiguous":
        raise ReadError(
            f"{path}: the header row names columns of more than one SSDA903 table "
            f"({(table or '').replace('|', ', ')}); name the file after the table it holds"
        )
    if table is None:
        notes.add(
            1,
            "",
            ",".join(columns),
            "header row names no SSDA903 table (header, episodes, reviews, OC3); ignored",
        )
        return None
    if table not in TABLE_COLUMNS:
        notes.add(1, "", table, "an SSDA903 table this library does not read; ignored")
        return None
    kind: TableKind = table
    present = set(columns)
    missing = [column for column in REQUIRED[kind] if column not in present]
    if missing:
        told = "its file name" if how == "file name" else "its columns"
        raise ReadError(
            f"{path}: the SSDA903 {kind} table (told by {told}) has no "
            f"{', '.join(missing)} column(s); it cannot be read without them"
        )
    return kind


BLOCK_CHARS = 1 << 21
"""Characters read at a time by the fast reading (a block of whole lines)."""

_QUOTE = ord('"')
_CR = 13
_LF = 10


@attrs.frozen
class _Cells:
    """The cells of one column of a block of rows: where each starts and ends in the block."""

    starts: npt.NDArray[np.intp]
    ends: npt.NDArray[np.intp]


class _Table:
    """Reads the rows of one recognised table into columns, a block or chunk at a time."""

    def __init__(self, path: Path, kind: TableKind, columns: list[str], notes: FileNotes) -> None:
        self.path = path
        self.kind = kind
        self.notes = notes
        self.width = len(columns)
        index: dict[str, int] = {}
        for position, name in enumerate(columns):
            index.setdefault(name, position)
        self.fields = FIELDS[kind]
        # The column of each field; -1 for a column the file does not have (read as empty).
        self.positions = [index.get(field.column, -1) for field in self.fields]
        self.chunk_rows = max(1, CHUNK_CELLS // max(self.width, 1))
        self.parts: dict[str, list[npt.NDArray[Any]]] = {f.name: [] for f in self.fields}
        self.line_parts: list[npt.NDArray[np.int64]] = []

    def result(self) -> TableRead:
        """The rows kept, as columns."""
        columns: dict[str, npt.NDArray[Any]] = {}
        for field in self.fields:
            parts = self.parts[field.name]
            empty = np.zeros(0, np.int64 if field.kind in ("key", "date") else "U1")
            columns[field.name] = np.concatenate(parts) if parts else empty
        lines = np.concatenate(self.line_parts) if self.line_parts else np.zeros(0, np.int64)
        return TableRead(self.kind, str(self.path), lines, columns)

    # -- the fast reading: blocks of lines cut into cells by numpy ------------------------------

    def read_blocks(self, handle: Any, delimiter: str, line: int) -> None:
        """Read the rows after the header, *line* lines into the file.

        A block of whole lines is cut into cells by numpy when its rows are simple: one
        line each, as many cells as the header, and quotes only around whole cells. A
        block that is not is read by the CSV reader, row by row, to the end of its last row.
        """
        while block := handle.read(BLOCK_CHARS):
            if not block.endswith("\n"):
                block += handle.readline()  # up to the end of the line (or of the file)
            if self._block(block, delimiter, line):
                line += block.count("\n")
            else:
                line += self._block_by_rows(block, handle, delimiter, line)

    def _block_by_rows(self, block: str, handle: Any, delimiter: str, line: int) -> int:
        """Read a block with the CSV reader; returns the lines read (a row may run past it)."""
        left = [len(block)]

        def lines() -> Iterator[str]:
            for text in io.StringIO(block, newline=""):
                left[0] -= len(text)
                yield text
            # The block ended inside a quoted cell: read on to its end. (Not `yield from`,
            # which would close the file when this generator is let go.)
            for text in handle:
                yield text

        reader = csv.reader(lines(), delimiter=delimiter)
        rows: list[list[str]] = []
        starts: list[int] = []
        while left[0]:
            before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error:
                raise _NeedsCare from None
            rows.append(row)
            starts.append(line + before + 1)
        if rows:
            self._rows(rows, np.array(starts, dtype=np.int64))
        return int(reader.line_num)

    def _block(self, block: str, delimiter: str, line: int) -> bool:
        """Read one block of lines into columns; False (nothing read) when it is not simple."""
        codes = np.frombuffer(block.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        size = len(codes)
        if (codes == 0).any():  # a NUL: the CSV reader's rows take it out
            return False
        line_breaks = np.flatnonzero(codes == _LF)
        returns = np.flatnonzero(codes == _CR)
        if len(returns) and (
            returns[-1] == size - 1 or (codes[np.minimum(returns + 1, size - 1)] != _LF).any()
        ):
            return False  # a carriage return that does not end a line: the CSV reader splits
        ends = line_breaks if codes[-1] == _LF else np.append(line_breaks, size)
        starts = np.empty(len(ends), dtype=np.intp)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        # A line ending in CR LF: the CR is not part of the row.
        ends = ends - ((ends > starts) & (codes[np.maximum(ends - 1, 0)] == _CR))
        separators = np.flatnonzero(codes == ord(delimiter))
        first = np.searchsorted(separators, starts)
        counts = np.searchsorted(separators, ends) - first
        regular = counts == self.width - 1
        if not regular.all():
            for row in np.flatnonzero(~regular).tolist():
                if not _blank(block[starts[row] : ends[row]], delimiter):
                    return False  # a row of another width: the CSV reader reports it
        rows = np.flatnonzero(regular & (ends > starts))
        if not len(rows):
            return True
        starts, ends, first = starts[rows], ends[rows], first[rows]
        padded = np.append(codes, np.uint32(0))
        quoted = self._quoted_cells(codes, separators, starts, ends, first)
        if quoted is None:
            return False
        n = len(rows)
        columns: list[npt.NDArray[Any]] = []
        too_long: list[list[tuple[int, str]]] = []
        where: list[_Cells | None] = []
        for field, position in zip(self.fields, self.positions, strict=True):
            if position < 0:
                empty = field.kind in ("key", "date")
                columns.append(np.full(n, NAT_DAY) if empty else np.zeros(n, dtype="U1"))
                too_long.append([])
                where.append(None)
                continue
            cells = _column_cells(separators, starts, ends, first, position, self.width)
            inside = quoted.get(position)
            if inside is not None:
                cells = _Cells(cells.starts + inside, cells.ends - inside)
            where.append(cells)
            if field.kind in ("key", "date"):
                days, long_rows = _block_days(padded, cells)
                columns.append(days)
            else:
                text, long_rows = _gather(padded, cells)
                columns.append(text)
            too_long.append(
                [(row, block[cells.starts[row] : cells.ends[row]]) for row in long_rows.tolist()]
            )

        def has_content(row: int) -> bool:
            return not _blank(block[starts[row] : ends[row]], delimiter)

        emptied = [{row for row, _ in cells} for cells in too_long]

        def cell(index: int, row: int) -> str:
            cells = where[index]
            if cells is None or row in emptied[index]:  # a cell too long is read as empty
                return ""
            return block[cells.starts[row] : cells.ends[row]].strip()

        self._process(columns, too_long, line + 1 + rows.astype(np.int64), has_content, cell)
        return True

    def _quoted_cells(
        self,
        codes: npt.NDArray[np.uint32],
        separators: npt.NDArray[np.intp],
        starts: npt.NDArray[np.intp],
        ends: npt.NDArray[np.intp],
        first: npt.NDArray[np.intp],
    ) -> dict[int, npt.NDArray[np.intp]] | None:
        """Per column read, 1 for a cell in quotes and 0 otherwise (empty: no quotes at all).

        `None` when a quote is anywhere but first and last in a cell (a quote inside text,
        or a cell in quotes holding a separator or a line break): the CSV reader's job.
        """
        total = int(np.count_nonzero(codes == _QUOTE))
        if not total:
            return {}
        # Every cell of the rows: a cell starts at its row's start or after a separator.
        if self.width > 1:
            inner = separators[first[:, None] + np.arange(self.width - 1)]
            cell_starts = np.column_stack([starts, inner + 1])
            cell_ends = np.column_stack([inner, ends])
        else:
            cell_starts, cell_ends = starts[:, None], ends[:, None]
        # An empty last cell of a block without a final line break starts past its end: the
        # clipped index reads another character, and the cell, under 2 long, is not wrapped.
        wrapped = (
            (cell_ends - cell_starts >= 2)
            & (codes[np.minimum(cell_starts, len(codes) - 1)] == _QUOTE)
            & (codes[np.maximum(cell_ends - 1, 0)] == _QUOTE)
        )
        if 2 * int(np.count_nonzero(wrapped)) != total:
            return None
        by_row = wrapped.astype(np.intp)
        return {p: by_row[:, p] for p in self.positions if p >= 0}

    # -- the CSV reader: rows of cells -----------------------------------------------------------

    def read_rows(self, chunks: Iterator[tuple[list[list[str]], npt.NDArray[np.int64]]]) -> None:
        """Read chunks of rows from the CSV reader into columns."""
        for rows, lines in chunks:
            self._rows(rows, lines)

    def _fixed_widths(
        self, rows: list[list[str]], lines: npt.NDArray[np.int64]
    ) -> tuple[list[list[str]], npt.NDArray[np.int64]]:
        """Rows of the header's width: blank lines left out, others padded or cut (noted)."""
        width = self.width
        kept_rows: list[list[str]] = []
        kept_lines: list[int] = []
        for row, line in zip(rows, lines.tolist(), strict=True):
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue  # a blank line, or a row of empty cells: no record
                self.notes.add(
                    line,
                    "",
                    f"{len(row)} cells, the header {width}",
                    "the row has a different number of cells from the header row; missing "
                    "cells read as empty, extra ones ignored",
                )
                row = row[:width] + [""] * (width - len(row))
            kept_rows.append(row)
            kept_lines.append(line)
        return kept_rows, np.array(kept_lines, dtype=np.int64)

    def _rows(self, rows: list[list[str]], lines: npt.NDArray[np.int64]) -> None:
        if set(map(len, rows)) != {self.width}:
            rows, lines = self._fixed_widths(rows, lines)
            if not rows:
                return
        n = len(rows)
        present = sorted({p for p in self.positions if p >= 0})
        pick = itemgetter(*present)
        picked = list(map(pick, rows))
        cells = list(zip(*picked, strict=True)) if len(present) > 1 else [picked]
        slot = {p: i for i, p in enumerate(present)}
        texts: list[npt.NDArray[np.str_]] = []
        columns: list[npt.NDArray[Any]] = []
        too_long: list[list[tuple[int, str]]] = []
        for field, position in zip(self.fields, self.positions, strict=True):
            column: Sequence[str] = cells[slot[position]] if position >= 0 else ("",) * n
            text, odd_rows = _text_column(column)
            texts.append(text)
            columns.append(_day_numbers(text) if field.kind in ("key", "date") else text)
            too_long.append([(row, column[row]) for row in odd_rows.tolist()])

        def has_content(row: int) -> bool:
            return any(cell.strip() for cell in rows[row])

        def cell(index: int, row: int) -> str:
            return str(texts[index][row])

        self._process(columns, too_long, lines, has_content, cell)

    # -- columns into fields ----------------------------------------------------------------

    def _process(
        self,
        columns: list[npt.NDArray[Any]],
        too_long: list[list[tuple[int, str]]],
        lines: npt.NDArray[np.int64],
        has_content: Callable[[int], bool],
        cell: Callable[[int, int], str],
    ) -> None:
        """Check the columns of a chunk's rows and keep the rows that are records.

        *columns* holds, per field, text (a unicode array) or, for a date, day numbers
        (`_BAD_DAY` for text that is not a date); *cell* gives a cell's text, to report it.
        """
        note = self.notes.add
        n = len(lines)
        for field, long_cells in zip(self.fields, too_long, strict=True):
            for row, value in long_cells:
                if "\x00" in value and len(value) <= CELL_LIMIT:
                    problem = "holds a NUL character; read without it"
                else:
                    problem = (
                        f"longer than {CELL_LIMIT} characters, more than any SSDA903 field "
                        "holds; read as empty"
                    )
                note(int(lines[row]), field.column, value.replace("\x00", "\\0"), problem)
        keep = np.ones(n, dtype=np.bool_)
        what = _WHAT[self.kind]
        for index, field in enumerate(self.fields):
            values = columns[index]
            if field.kind == "id":
                for row in np.flatnonzero(values == "").tolist():
                    keep[row] = False
                    if has_content(row):  # else a row of empty cells: no record
                        note(int(lines[row]), field.column, "", f"missing; the {what} was dropped")
            elif field.kind in ("key", "date"):
                bad = values == _BAD_DAY
                if field.kind == "key":
                    for row in np.flatnonzero(keep & ((values == NAT_DAY) | bad)).tolist():
                        keep[row] = False
                        problem = _NOT_A_DATE + "; " if bad[row] else "missing; "
                        note(
                            int(lines[row]),
                            field.column,
                            cell(index, row),
                            f"{problem}the {what} was dropped",
                        )
                else:
                    for row in np.flatnonzero(keep & bad).tolist():
                        note(
                            int(lines[row]),
                            field.column,
                            cell(index, row),
                            f"{_NOT_A_DATE}; read as missing, row kept",
                        )
                if bad.any():
                    columns[index] = np.where(bad, NAT_DAY, values)
        for index, field in enumerate(self.fields):
            if field.kind in ("code", "required-code"):
                self._check_codes(field, columns[index], keep, lines)
        kept = None if keep.all() else np.flatnonzero(keep)
        for index, field in enumerate(self.fields):
            done = columns[index]
            self.parts[field.name].append(done if kept is None else done[kept])
        self.line_parts.append(lines if kept is None else lines[kept])

    def _check_codes(
        self,
        field: Field,
        text: npt.NDArray[np.str_],
        keep: npt.NDArray[np.bool_],
        lines: npt.NDArray[np.int64],
    ) -> None:
        valid = np.isin(text, sorted(field.codes))
        unknown = keep & ~valid & (text != "")
        if unknown.any():
            problem = (
                f"not a code of the SSDA903 list ({', '.join(sorted(field.codes))}); kept as given"
            )
            for row in np.flatnonzero(unknown).tolist():
                self.notes.add(int(lines[row]), field.column, str(text[row]), problem)
        if field.kind == "required-code":
            for row in np.flatnonzero(keep & (text == "")).tolist():
                self.notes.add(
                    int(lines[row]), field.column, "", "missing; read as the empty code, row kept"
                )


def _blank(line: str, delimiter: str) -> bool:
    """Whether a line holds nothing but separators, quotes and white space."""
    return not line.replace(delimiter, "").replace('"', "").strip()


def _column_cells(
    separators: npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    first: npt.NDArray[np.intp],
    position: int,
    width: int,
) -> _Cells:
    """Where the cells of column *position* start and end, in rows of *width* cells."""
    cell_starts = starts if position == 0 else separators[first + position - 1] + 1
    cell_ends = ends if position == width - 1 else separators[first + position]
    return _Cells(cell_starts, cell_ends)


def _gather(
    padded: npt.NDArray[np.uint32], cells: _Cells
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
    """The cells as a stripped unicode array (cut from the block's characters by numpy).

    *padded* is the block's characters with a NUL after them, which pads the shorter cells.
    A cell longer than `CELL_LIMIT` is read as empty; its row is returned.
    """
    n = len(cells.starts)
    starts = cells.starts
    lengths = cells.ends - starts
    long_rows = np.flatnonzero(lengths > CELL_LIMIT)
    if len(long_rows):
        lengths = lengths.copy()
        lengths[long_rows] = 0
    if not n:
        return np.zeros(0, dtype="U1"), long_rows
    width = max(int(lengths.max()), 1)
    # One character position at a time, all cells at once: numpy's 1-d gathers are several
    # times faster than one 2-d gather. Past a cell's end comes the NUL that pads it.
    padding = len(padded) - 1
    by_position = np.empty((width, n), dtype=np.uint32)
    fixed = int(lengths.min()) == width
    for offset in range(width):
        positions = starts + offset
        if not fixed:
            positions = np.where(offset < lengths, positions, padding)
        np.take(padded, positions, out=by_position[offset], mode="clip")
    characters = np.ascontiguousarray(by_position.T)
    text = characters.view(f"U{width}").reshape(n)
    # Strip only a column with a cell that starts or ends with a space or control character.
    last = np.where(lengths > 0, padded[starts + np.maximum(lengths - 1, 0)], 0)
    edges = np.concatenate([characters[:, 0], last])
    if ((edges <= 32) & (edges > 0)).any() or (edges > 127).any():
        text = np.strings.strip(text)
    return text, long_rows


def _block_days(
    padded: npt.NDArray[np.uint32], cells: _Cells
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """`_day_numbers` of cells of a block, read from its characters where they are simple."""
    starts, ends = cells.starts, cells.ends
    lengths = ends - starts
    days = np.full(len(starts), _BAD_DAY, dtype=np.int64)
    days[lengths == 0] = NAT_DAY
    ten = np.flatnonzero(lengths == 10)
    if len(ten):
        at = starts[ten]
        found, fits = _ten_character_days([padded[at + k] for k in range(10)])
        days[ten[fits]] = found[fits]
    long_rows = np.flatnonzero(lengths > CELL_LIMIT)
    rest = np.flatnonzero(days == _BAD_DAY)
    if len(rest):
        text, _ = _gather(padded, _Cells(starts[rest], ends[rest]))
        days[rest] = np.where(text == "", NAT_DAY, _parsed_days(text))
    return days, long_rows


def _careful_chunks(
    reader: Any, size: int, notes: FileNotes
) -> Iterator[tuple[list[list[str]], npt.NDArray[np.int64]]]:
    """Chunks of rows read one at a time: a row the CSV reader refuses is noted and skipped."""
    while True:
        rows: list[list[str]] = []
        lines: list[int] = []
        while len(rows) < size:
            before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                notes.add(
                    before + 1,
                    "",
                    str(error),
                    "the row cannot be read as CSV (a cell longer than the CSV reader allows, "
                    "or broken quoting); the row was left out",
                )
                continue
            rows.append(row)
            lines.append(before + 1)
        if not rows:
            return
        yield rows, np.array(lines, dtype=np.int64)


def _text_column(cells: Sequence[str]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
    """*cells* stripped, as a unicode array, and the rows whose cell needed more.

    A cell too long is read as empty, a cell holding a NUL without it. The cells are joined into one ASCII buffer and cut into a fixed-width array by numpy, far
    faster than numpy's conversion cell by cell; a column with a non-ASCII character, a NUL or
    the joining character in a cell is converted cell by cell.
    """
    n = len(cells)
    if n == 0:
        return np.zeros(0, dtype="U1"), np.zeros(0, dtype=np.intp)
    joined = _SEPARATOR.join(cells)
    if not joined.isascii() or "\x00" in joined or joined.count(_SEPARATOR) != n - 1:
        return _text_column_slowly(cells)
    raw = joined.encode("ascii")
    buffer = np.frombuffer(raw + b"\x00", dtype=np.uint8).astype(np.uint32)
    ends = np.empty(n, dtype=np.intp)
    ends[:-1] = np.flatnonzero(buffer == ord(_SEPARATOR))
    ends[-1] = len(raw)
    starts = np.empty(n, dtype=np.intp)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    return _gather(buffer, _Cells(starts, ends))


def _text_column_slowly(cells: Sequence[str]) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
    lengths = np.fromiter(map(len, cells), dtype=np.intp, count=len(cells))
    values = list(cells)
    odd: list[int] = []
    for row, value in enumerate(values):
        if lengths[row] > CELL_LIMIT:
            values[row] = ""
            odd.append(row)
        elif "\x00" in value:
            # A NUL cannot end a numpy string (it is the padding): read the text without it.
            values[row] = value.replace("\x00", "")
            odd.append(row)
    return np.strings.strip(np.array(values, dtype=np.str_)), np.array(odd, dtype=np.intp)


_MONTH_STARTS: list[npt.NDArray[np.int64]] = []  # built on first use


def _month_starts() -> npt.NDArray[np.int64]:
    """The day number of the first of each month from January 0001 to January 10000."""
    if not _MONTH_STARTS:
        months = np.arange((1 - 1970) * 12, (10000 - 1970) * 12 + 1, dtype=np.int64)
        _MONTH_STARTS.append(months.astype("datetime64[M]").astype("datetime64[D]").view(np.int64))
    return _MONTH_STARTS[0]


def _ten_character_days(
    characters: Sequence[npt.NDArray[Any]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Day numbers of dates written in ten characters, DD/MM/YYYY or YYYY-MM-DD.

    *characters* holds ten arrays: the code of each text's first character, second, and
    so on. Returns the day numbers and which texts are such dates (the others' day numbers
    mean nothing).
    """
    value = [column.astype(np.int64) - 48 for column in characters]
    digit = [(v >= 0) & (v <= 9) for v in value]
    slash, dash = ord("/") - 48, ord("-") - 48
    uk = (value[2] == slash) & (value[5] == slash)
    for k in (0, 1, 3, 4, 6, 7, 8, 9):
        uk &= digit[k]
    iso = (value[4] == dash) & (value[7] == dash)
    for k in (0, 1, 2, 3, 5, 6, 8, 9):
        iso &= digit[k]
    day = np.where(uk, value[0] * 10 + value[1], value[8] * 10 + value[9])
    month = np.where(uk, value[3] * 10 + value[4], value[5] * 10 + value[6])
    year = np.where(
        uk,
        value[6] * 1000 + value[7] * 100 + value[8] * 10 + value[9],
        value[0] * 1000 + value[1] * 100 + value[2] * 10 + value[3],
    )
    fits = (uk | iso) & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    index = np.where(fits, (year - 1) * 12 + month - 1, 0)
    starts = _month_starts()
    first = starts[index]
    fits &= day <= starts[index + 1] - first
    return first + day - 1, fits


def _day_numbers(text: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of dates written DD/MM/YYYY or YYYY-MM-DD (see `parse_date`).

    Missing (``""``) is `NAT_DAY`; text that is not a date is `_BAD_DAY`. The common forms
    (two-digit day and month, four-digit year) are read by numpy; the rest, distinct text
    once each, by `parse_date`.
    """
    n = len(text)
    days = np.full(n, _BAD_DAY, dtype=np.int64)
    days[text == ""] = NAT_DAY
    width = text.dtype.itemsize // 4
    if n and width >= 10:
        characters = np.ascontiguousarray(text).view(np.uint32).reshape(n, width)
        # Ten characters long: nothing (numpy's padding) after the tenth.
        ten_long = characters[:, 10] == 0 if width > 10 else np.ones(n, dtype=np.bool_)
        found, fits = _ten_character_days([characters[:, k] for k in range(10)])
        fits &= ten_long
        days[fits] = found[fits]
    rest = np.flatnonzero(days == _BAD_DAY)
    if len(rest):
        days[rest] = _parsed_days(text[rest])
    return days


def _parsed_days(text: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
    """`parse_date` of each text (its distinct values once each), as day numbers."""
    distinct, where = np.unique(text, return_inverse=True)
    parsed = np.array(
        [_day_of(parse_date(str(value))) for value in distinct.tolist()], dtype=np.int64
    )
    return parsed[where.reshape(-1)]


def _day_of(value: Any) -> int:
    if value is None:
        return _BAD_DAY
    return int(value.toordinal() - _EPOCH)
