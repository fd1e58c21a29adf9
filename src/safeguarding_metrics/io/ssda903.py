"""The SSDA903 return on children looked after: CSV tables read from folders, and written.

One folder holds one year's return as CSV tables: header (one row per child), episodes
(one row per episode of care), reviews, and OC3 (care leavers). Each table is recognised
by its columns, not its file name. Each return knows its collection year, the year in which
the 31 March ending it falls, so several years' returns merge the same way in whatever
order they are given.
"""

import csv
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import factorize
from safeguarding_metrics._dates import NAT_DAY
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io._common import (
    DiagnosticLog,
    as_paths,
    collection_year_of_key,
    looked_after_ids,
    years_in_name,
)
from safeguarding_metrics.io._ssda903_tables import (
    ACCOMMODATION_CODES,
    ACTIVITY_CODES,
    CELL_LIMIT,
    COLLECTIONS,
    FIELDS,
    IN_TOUCH_CODES,
    LEGAL_STATUS_CODES,
    PLACEMENT_CODES,
    REASON_CEASED_CODES,
    REASON_NEW_CODES,
    REVIEW_CODES,
    SEX_CODES,
    TABLE_COLUMNS,
    FileNotes,
    TableKind,
    TableRead,
    read_table,
)
from safeguarding_metrics.provenance import (
    Coverage,
    Origins,
    ReturnCoverage,
    collection_year_span,
)

__all__ = [
    "ACCOMMODATION_CODES",
    "ACTIVITY_CODES",
    "CELL_LIMIT",
    "IN_TOUCH_CODES",
    "LEGAL_STATUS_CODES",
    "PLACEMENT_CODES",
    "REASON_CEASED_CODES",
    "REASON_NEW_CODES",
    "REVIEW_CODES",
    "SEX_CODES",
    "TABLE_COLUMNS",
    "read_ssda903",
    "write_ssda903",
    "years_of_return",
]

PathLike = str | os.PathLike[str]
# Mapping keys are invariant: a dict[int, Path] is no Mapping[int | str, Path].
Returns = (
    Mapping[int, PathLike]
    | Mapping[str, PathLike]
    | Mapping[int | str, PathLike]
    | Iterable[PathLike]
    | PathLike
)
"""What `read_ssda903` reads: a folder, folders, or a mapping of collection year to folder."""

# The dates checked against the return's year: each table's, by record field and column.
_DATES_IN_YEAR: dict[TableKind, tuple[tuple[str, str], ...]] = {
    "episodes": (("start", "DECOM"), ("end", "DEC")),
    "reviews": (("review_date", "REVIEW"),),
}
_EPOCH = dt.date(1970, 1, 1).toordinal()

_AFTER_THE_YEAR = "dated after the 31 March that ends the return's collection year; kept as given"
_NEXT_YEAR = (
    "most of the return's dates fall in the collection year after the one it is read as; "
    "it is still read as that year: if it is the next year's return, name its folder for "
    "that year (the value says how) or give the year explicitly"
)
_REPEATED_ROW = "the same row appears again in this return; read once (the value is the row kept)"
_CHOSEN_BY_CONTENT = (
    "the row kept is the one with the most cells filled in, then the first by its fields in "
    "record order (the value is the row kept); the other was left out"
)
_DUPLICATE: dict[TableKind, tuple[str, str]] = {
    "header": ("CHILD", f"a second header row of the child in this return; {_CHOSEN_BY_CONTENT}"),
    "episodes": (
        "DECOM",
        f"a second episode of the child starting on this day in this return; {_CHOSEN_BY_CONTENT}",
    ),
    "reviews": (
        "REVIEW",
        f"a second review of the child on this day in this return; {_CHOSEN_BY_CONTENT}",
    ),
    "oc3": ("CHILD", f"a second OC3 row of the child in this return; {_CHOSEN_BY_CONTENT}"),
}


def read_ssda903(
    returns: Returns,
    *,
    strict: bool = False,
) -> Dataset:
    """Read one or more years' SSDA903 returns, each a folder of CSV tables.

    Each return is read as the collection year it is for: the year in which the 31 March
    ending it falls (2024 for the return on April 2023 to March 2024). The year is given
    explicitly (a mapping), or taken from the folder's name: ``2024``, ``2023-24``,
    ``2023_24``, ``2023-2024`` or ``903_2024`` (for a range, the later year).

    Args:
        returns: The returns: a folder; several folders, in any order; or a mapping of
            collection year (``2024`` or ``"2023-24"``) to folder. A CSV file may stand for
            a folder holding only it; its year is taken from its file name, else from the
            name of the folder it is in.
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.

    Returns:
        Children (header), episodes, reviews (`lac_reviews`) and care leavers (OC3), as
        column-backed collections (see `Dataset.from_columns`), sorted by child and date;
        `diagnostics` listing every problem; `coverage` holding one `ReturnCoverage` per
        return (its folder, its year and the collections it held); and `origins`, the file
        and line of every record.

    Raises:
        ReadError: A folder or file is missing; the year of a return cannot be told (no
            year in its name, or two different ones: the error shows its latest date and
            how to give the year); two returns are for one year; a mapping key is not a
            year; a CSV file holds an SSDA903 table without a column that table requires
            (naming the file and the columns), or whose header row names columns of two
            tables read here; a folder holds no table read here; or *strict* and there
            were problems.

    Notes:
        - Returns merge oldest year first, whatever the order they are given in: episodes
          by (CHILD, DECOM), header rows by CHILD, the later year's row winning; OC3 rows
          by (CHILD, year), every year's kept; reviews are the union of distinct (CHILD,
          REVIEW), the later year's REVIEW_CODE winning. Each `Episode.year` is the year
          of the latest return holding it; each `CareLeaver.year` its return's year.
        - Within one return, a row repeating another's key (a second header or OC3 row of
          a child, a second episode starting on the same day, a repeated review) is
          reported and one row kept by content, never by row order: the one with the most
          fields filled in, then the first by its fields in record order (text in
          character order, earlier dates first). Identical rows are read once.
        - A DECOM, DEC or REVIEW after the 31 March ending the return's year is reported
          and kept. When most of a return's dates fall in the next collection year, that
          is reported once for the folder; the return is still read as the year given.
        - A table is recognised by its columns (CHILD and DOB aside, the table with most
          of its columns present), or by its file name when its columns name no table
          (``episodes``, ``reviews``, ``oc3``, ``header`` in the name). A recognised table
          without one of its required columns (CHILD; DECOM, RNE, LS, PLACE, DEC, REC;
          REVIEW; DOB, IN_TOUCH, ACTIV, ACCOM; SEX, DOB) is an error, never left out.
          Column names are matched without regard to case or surrounding spaces.
        - Every file passed over is reported: hidden files (a name starting with a dot),
          folders, files that are not `.csv`, empty files, SSDA903 tables not read here
          (UASC, OC2, AD1, missing, ...), and CSV files whose columns name no table.
        - A file whose cells are separated by semicolons, tabs or bars (the separator that
          names the most SSDA903 columns in its header row) is read, and reported.
        - Dates are `DD/MM/YYYY` (one-digit day or month accepted), or `YYYY-MM-DD`, with
          or without a midnight time. An unparseable optional date is read as missing and
          the row kept.
        - Dropped and reported: a row without CHILD, an episode without a valid DECOM, a
          review without a valid REVIEW, an OC3 row without a valid DOB, a row the CSV
          reader cannot read (a cell longer than its limit, or broken quoting). Rows whose
          cells are all empty are not records and are skipped.
        - Codes outside the SSDA903 lists (RNE, LS, PLACE, REC, REVIEW_CODE, IN_TOUCH,
          ACTIV, ACCOM, SEX) are reported and kept as given, so the child still counts
          where the code does not matter; a missing RNE, LS or PLACE is reported and read
          as the empty code. ACTIV and ACCOM ``0`` ("not applicable", SSDA903 rules 132 and
          133) are codes of the lists; ACCOM S and X take 2 only (S1 and X1 are not codes).
        - A cell longer than `CELL_LIMIT` (200) characters (no SSDA903 field is), a row with
          more or fewer cells than the header row, and a NUL character are reported; the
          cell is read as empty, the row padded or cut, the NUL left out.
        - A file that is not UTF-8 is read as Windows-1252 and reported; a file starting
          with a UTF-16 byte-order mark (a spreadsheet's "Unicode" export) is read as UTF-16.
        - Rows are read in blocks of lines cut into cells by numpy; a block with a quoted
          line break, a stray quote or a row of another width is read by the standard
          library's CSV reader instead, with the same result.

    References:
        - DfE, Children looked after return (SSDA903): guide, and its validation rules
          (data-to-insight/csc-validator-be-903).
    """
    entries = _returns(returns)
    log = DiagnosticLog()
    parts: dict[TableKind, list[tuple[int, int, TableRead]]] = {kind: [] for kind in FIELDS}
    files: list[str] = []
    returns_read: list[ReturnCoverage] = []
    for year, path in entries:
        folder = _read_folder(path)
        _check_dates(folder, year)
        for notes in folder.notes:
            log.items.extend(notes.in_order())
        log.items.extend(folder.folder_notes)
        for table in folder.tables:
            parts[table.kind].append((year, len(files), table))
            files.append(table.file)
        returns_read.append(
            ReturnCoverage.for_year(
                kind="ssda903",
                path=str(path),
                year=year,
                tables=sorted({COLLECTIONS[t.kind] for t in folder.tables}),
            )
        )
    collections: dict[str, dict[str, npt.NDArray[Any]]] = {}
    origins: dict[str, Origins] = {}
    for kind, held in parts.items():
        if not held:
            continue
        columns, file_index, lines, problems = _merge(kind, held, files)
        log.items.extend(problems)
        collections[COLLECTIONS[kind]] = columns
        origins[COLLECTIONS[kind]] = Origins(tuple(files), file_index, lines)
    diagnostics = log.finish(strict=strict, what="SSDA903 return")
    return Dataset.from_columns(
        **collections,
        diagnostics=diagnostics,
        coverage=Coverage(tuple(returns_read)),
        origins=origins,
    )


# -- which return is for which year -------------------------------------------------------------


def _returns(
    returns: Returns,
) -> list[tuple[int, Path]]:
    """The returns as (collection year, path), oldest first; errors for years not told."""
    given: list[tuple[int | None, Path]]
    if isinstance(returns, Mapping):
        given = [(collection_year_of_key(key), Path(path)) for key, path in returns.items()]
        if not given:
            raise ReadError("no SSDA903 folders given")
    else:
        given = [(None, path) for path in as_paths(returns, "SSDA903 folders")]
    for _, path in given:
        _check_exists(path)
    found: list[tuple[int, Path]] = []
    unclear: list[str] = []
    for year, path in given:
        if year is None:
            years = _years_of(path)
            if len(years) != 1:
                unclear.append(_unclear_year(path, years))
                continue
            year = years.pop()
        found.append((year, path))
    if unclear:
        raise ReadError("\n".join(unclear))
    by_year: dict[int, list[Path]] = {}
    for year, path in found:
        by_year.setdefault(year, []).append(path)
    clashes = [
        f"{' and '.join(str(p) for p in paths)} are all for collection year {_label(year)}"
        for year, paths in sorted(by_year.items())
        if len(paths) > 1
    ]
    if clashes:
        raise ReadError(
            "two SSDA903 returns for one year: "
            + "; ".join(clashes)
            + " (give one folder per year; the year is the one in which the return's "
            "31 March falls)"
        )
    return sorted(found, key=lambda item: item[0])


def _label(year: int) -> str:
    return f"{year} ({year - 1}-{year % 100:02d})"


def _check_exists(path: Path) -> None:
    try:
        if not path.exists():
            raise ReadError(f"{path}: no such folder")
    except OSError as error:
        raise ReadError(f"{path}: cannot be read: {error.strerror}") from None


def years_of_return(path: str | os.PathLike[str]) -> set[int]:
    """The collection years a return's name gives: a CSV file's own name, else its folder's.

    One year when the name tells it; none, or several, when it cannot be told.
    """
    return _years_of(Path(path))


def _years_of(path: Path) -> set[int]:
    """The years a return's name gives: a CSV file's own name, else its folder's."""
    absolute = Path(os.path.abspath(path))
    if absolute.is_file():
        return years_in_name(absolute.stem) or years_in_name(absolute.parent.name)
    return years_in_name(absolute.name)


def _unclear_year(path: Path, years: set[int]) -> str:
    """The error for a return whose year cannot be told, with a hint from its dates."""
    if years:
        reason = f"its name gives more than one year ({', '.join(str(y) for y in sorted(years))})"
    else:
        reason = "its name gives no year"
    hint, year = _date_hint(path)
    suggested = year if year is not None else 2024
    return (
        f"{path}: the collection year of this SSDA903 return cannot be told: {reason}.{hint} "
        f"Name the folder for the year in which the return's 31 March falls (such as "
        f"{suggested} or {suggested - 1}-{suggested % 100:02d}), or give the year: "
        f"read_ssda903({{{suggested}: {str(path)!r}}}) in Python, "
        f"{suggested}={path} on the command line."
    )


def _date_hint(path: Path) -> tuple[str, int | None]:
    """What the dates of a return of unknown year say: its latest date and likely year."""
    try:
        folder = _read_folder(path)
    except ReadError:
        return "", None
    days = [
        table.columns[field][table.columns[field] != NAT_DAY]
        for table in folder.tables
        for field, _ in _DATES_IN_YEAR.get(table.kind, ())
    ]
    every = np.concatenate(days) if days else np.zeros(0, dtype=np.int64)
    if not len(every):
        return "", None
    latest = dt.date.fromordinal(int(every.max()) + _EPOCH)
    months = (
        every.view("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    )  # months since January 1970
    years = 1970 + months // 12 + (months % 12 >= 3)  # April to December: the next year's
    distinct, counts = np.unique(years, return_counts=True)
    likely = int(distinct[np.argmax(counts)])
    return (
        f" Its latest date (DECOM, DEC or REVIEW) is {latest.isoformat()}, and most of its "
        f"dates fall in the collection year {_label(likely)}.",
        likely,
    )


# -- one folder ---------------------------------------------------------------------------------


@attrs.define
class _Folder:
    """The tables of one return's folder, with the notes of each file it holds."""

    path: Path
    tables: list[TableRead]
    notes: list[FileNotes]
    folder_notes: list[Diagnostic] = attrs.field(factory=list)


def _folder_files(folder: Path) -> list[Path]:
    try:
        if folder.is_file():
            return [folder]
        return sorted(folder.iterdir())
    except OSError as error:
        raise ReadError(f"{folder}: cannot be read: {error.strerror}") from None


def _read_folder(folder: Path) -> _Folder:
    tables: list[TableRead] = []
    all_notes: list[FileNotes] = []
    first_of_kind: dict[TableKind, str] = {}
    for path in _folder_files(folder):
        notes = FileNotes(str(path))
        all_notes.append(notes)
        if path.name.startswith("."):
            notes.add(0, "", "", "a hidden file or folder (its name starts with a dot); ignored")
        elif path.is_dir():
            notes.add(0, "", "", "a folder inside the return's folder; ignored", where="folder")
        elif path.suffix.lower() != ".csv":
            notes.add(0, "", "", "not a .csv file; ignored")
        else:
            table = read_table(path, notes)
            if table is None:
                continue
            if table.kind in first_of_kind:
                notes.add(
                    0,
                    "",
                    Path(first_of_kind[table.kind]).name,
                    "a second file holding this table in the return's folder (the value "
                    "names the first); its rows are read as part of the same return",
                )
            else:
                first_of_kind[table.kind] = table.file
            tables.append(table)
    if not tables:
        passed_over = "".join(
            f"; {Path(d.file).name}: {d.problem}"
            for notes in all_notes
            for d in notes.in_order()[:1]
        )
        raise ReadError(
            f"{folder}: no SSDA903 table found (expected CSV files whose header row names "
            f"the header, episodes, reviews or OC3 columns){passed_over[:2000]}"
        )
    return _Folder(folder, tables, all_notes)


def _check_dates(folder: _Folder, year: int) -> None:
    """Note each date after the return's year ends, and a folder of the next year's dates."""
    start, end = (day.toordinal() - _EPOCH for day in collection_year_span(year))
    next_end = collection_year_span(year + 1)[1].toordinal() - _EPOCH
    notes_of = {notes.file: notes for notes in folder.notes}
    in_year = in_next_year = 0
    latest = NAT_DAY
    for table in folder.tables:
        notes = notes_of[table.file]
        for field, column in _DATES_IN_YEAR.get(table.kind, ()):
            days = table.columns[field]
            in_year += int(np.count_nonzero((days >= start) & (days <= end)))
            late = np.flatnonzero(days > end)
            in_next_year += int(np.count_nonzero(days[late] <= next_end))
            if len(late):
                latest = max(latest, int(days[late].max()))
            for row in late.tolist():
                day = dt.date.fromordinal(int(days[row]) + _EPOCH)
                notes.add(int(table.lines[row]), column, day.isoformat(), _AFTER_THE_YEAR)
    if in_next_year > in_year:
        following = year + 1
        folder.folder_notes.append(
            Diagnostic(
                file=str(folder.path),
                where="folder",
                field="year",
                value=(
                    f"read as {_label(year)}; dates run to "
                    f"{dt.date.fromordinal(latest + _EPOCH).isoformat()}; as the next year's "
                    f"return, name it {following} or {year}-{following % 100:02d}"
                ),
                problem=_NEXT_YEAR,
            )
        )


# -- merging the years --------------------------------------------------------------------------


def _merge(
    kind: TableKind, held: list[tuple[int, int, TableRead]], files: list[str]
) -> tuple[
    dict[str, npt.NDArray[Any]], npt.NDArray[np.int32], npt.NDArray[np.int64], list[Diagnostic]
]:
    """One collection from the tables of every return: one row per key, chosen by content.

    Rows are sorted by key (child, then date), latest year first; a key's rows of one year
    are ordered by content (`_content_order`); the first row of each key is kept. Returns
    the kept columns (dates as `datetime64[D]`, with `year` where the record has it), each
    kept row's file and line, and the diagnostics of rows repeating a key within a year.
    """
    fields = FIELDS[kind]
    columns = {
        field.name: _joined([table.columns[field.name] for _, _, table in held]) for field in fields
    }
    year = np.concatenate(
        [np.full(len(table), number, dtype=np.int64) for number, _, table in held]
    )
    file_index = np.concatenate(
        [np.full(len(table), index, dtype=np.int32) for _, index, table in held]
    )
    lines = _joined([table.lines for _, _, table in held])
    _, child = factorize(columns["child_id"])
    key_date = next((columns[f.name] for f in fields if f.kind == "key"), None)
    # The key: (child, date) for episodes and reviews; child for the header; (child, year)
    # for OC3, whose rows of different years are different records.
    key_parts = [child]
    if kind in ("episodes", "reviews") and key_date is not None:
        key_parts.append(key_date)
    if kind == "oc3":
        key_parts.append(year)
    # By key, then the latest year first.
    order = _sort_order([*key_parts, -year])
    n = len(order)
    new_key = _starts(order, key_parts)
    new_group = new_key | _starts(order, [year])
    problems: list[Diagnostic] = []
    if n:
        group = np.cumsum(new_group) - 1
        tied = np.bincount(group)[group] > 1
        if tied.any():
            problems = _order_ties(kind, columns, order, group, tied, file_index, lines, files)
    chosen = order[new_key]
    kept: npt.NDArray[np.intp] | slice = chosen
    if len(chosen) == n and np.array_equal(chosen, np.arange(n)):
        kept = slice(None)  # rows already in order, none left out: no copy
    out: dict[str, npt.NDArray[Any]] = {}
    for field in fields:
        values = columns[field.name][kept]
        out[field.name] = values.view("datetime64[D]") if field.kind in ("key", "date") else values
    if kind in ("episodes", "oc3"):
        out["year"] = year[kept].astype(np.float64)
    return out, file_index[kept], lines[kept], problems


def _joined(parts: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _sort_order(keys: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.intp]:
    """The stable order of rows sorted by *keys*, the first key first.

    The keys are combined into one whole number per row when their ranges allow, which
    numpy sorts many times faster than `numpy.lexsort` sorts them one by one.
    """
    if not len(keys[0]):
        return np.zeros(0, dtype=np.intp)
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for key in keys:
        low, high = int(key.min()), int(key.max())
        width = high - low + 1
        span *= width
        if span >= 2**62:
            return np.lexsort(tuple(reversed(keys)))
        combined = combined * width + (key - low)
    return np.argsort(combined, kind="stable")


def _starts(order: npt.NDArray[np.intp], parts: list[npt.NDArray[Any]]) -> npt.NDArray[np.bool_]:
    """Where, in *order*, a row's *parts* differ from the row before (the first row too)."""
    n = len(order)
    starts = np.zeros(n, dtype=np.bool_)
    if n:
        starts[0] = True
        for part in parts:
            ordered = part[order]
            starts[1:] |= ordered[1:] != ordered[:-1]
    return starts


def _order_ties(
    kind: TableKind,
    columns: dict[str, npt.NDArray[Any]],
    order: npt.NDArray[np.intp],
    group: npt.NDArray[np.intp],
    tied: npt.NDArray[np.bool_],
    file_index: npt.NDArray[np.int32],
    lines: npt.NDArray[np.int64],
    files: list[str],
) -> list[Diagnostic]:
    """Order each group of rows sharing a key and a year by content, in place in *order*.

    The first row of a group is the one with the most fields filled in, then the first by
    its fields in record order (text in character order, earlier dates first); identical
    rows keep their reading order. Returns a diagnostic for every other row of each group.
    """
    fields = FIELDS[kind]
    positions = np.flatnonzero(tied)
    rows = order[positions]
    filled = np.zeros(len(rows), dtype=np.int64)
    content: list[npt.NDArray[Any]] = []
    for field in fields:
        values = columns[field.name][rows]
        if field.kind in ("key", "date"):
            filled += values != NAT_DAY
        else:
            filled += values != ""
        content.append(values)
    sub = np.lexsort((*reversed(content), -filled, group[positions]))
    order[positions] = rows[sub]
    rows = order[positions]
    groups = group[positions]
    field_name, problem = _DUPLICATE[kind]
    found: list[Diagnostic] = []
    first = 0
    for index in range(1, len(rows) + 1):
        if index < len(rows) and groups[index] == groups[first]:
            continue
        kept = int(rows[first])
        for other in rows[first + 1 : index].tolist():
            same = all(columns[f.name][other] == columns[f.name][kept] for f in fields)
            kept_file = files[int(file_index[kept])]
            other_file = files[int(file_index[other])]
            where_kept = f"line {int(lines[kept])}"
            if kept_file != other_file:
                where_kept = f"{Path(kept_file).name} {where_kept}"
            found.append(
                Diagnostic(
                    file=other_file,
                    where=f"line {int(lines[other])}",
                    field=field_name,
                    value=where_kept,
                    problem=_REPEATED_ROW if same else problem,
                )
            )
        first = index
    return found


# -- writing -----------------------------------------------------------------------------------


def write_ssda903(dataset: Dataset, directory: str | os.PathLike[str]) -> None:
    """Write *dataset*'s looked-after records as an SSDA903 return: a folder of CSV tables.

    Args:
        dataset: The records to write.
        directory: The folder to write `header.csv`, `episodes.csv`, `reviews.csv` and
            `oc3.csv` into (created if needed; those files are overwritten).

    Notes:
        - A folder is one year's return: name it for its collection year (``2025``) and
          `read_ssda903` reads it back to the same records, each episode and OC3 row
          carrying that year. Records sharing a key (two episodes of a child starting on
          one day, OC3 rows of one child from several years) are written as given, and
          read back as one.
        - Columns are the SSDA903 guide's, in its order; dates are `DD/MM/YYYY`; columns
          the records do not hold (UPN, MOTHER, MC_DOB, REASON_PLACE_CHANGE, HOME_POST)
          are left empty.
        - The header table lists every `Child` with an episode, review or OC3 record; the
          reviews table's DOB comes from the child's `Child` record when there is one.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    looked_after = looked_after_ids(dataset)
    births = {c.child_id: c.birth_date for c in dataset.children}
    _write(
        folder / "header.csv",
        "header",
        (
            {"CHILD": c.child_id, "SEX": c.sex, "DOB": c.birth_date, "ETHNIC": c.ethnicity}
            for c in dataset.children
            if c.child_id in looked_after
        ),
    )
    _write(
        folder / "episodes.csv",
        "episodes",
        (
            {
                "CHILD": e.child_id,
                "DECOM": e.start,
                "RNE": e.reason_new,
                "LS": e.legal_status,
                "CIN": e.category_of_need,
                "PLACE": e.placement,
                "PLACE_PROVIDER": e.provider,
                "DEC": e.end,
                "REC": e.reason_ceased,
                "PL_POST": e.postcode,
                "URN": e.urn,
            }
            for e in dataset.episodes
        ),
    )
    _write(
        folder / "reviews.csv",
        "reviews",
        (
            {
                "CHILD": r.child_id,
                "DOB": births.get(r.child_id),
                "REVIEW": r.review_date,
                "REVIEW_CODE": r.participation,
            }
            for r in dataset.lac_reviews
        ),
    )
    _write(
        folder / "oc3.csv",
        "oc3",
        (
            {
                "CHILD": c.child_id,
                "DOB": c.birth_date,
                "IN_TOUCH": c.in_touch,
                "ACTIV": c.activity,
                "ACCOM": c.accommodation,
            }
            for c in dataset.care_leavers
        ),
    )


def _cell(value: str | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return value


def _write(path: Path, kind: TableKind, rows: Iterable[dict[str, Any]]) -> None:
    columns = TABLE_COLUMNS[kind]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
