"""The SSDA903 return on children looked after: CSV tables read from folders, and written.

One folder holds one year's return as CSV tables: header (one row per child), episodes
(one row per episode of care), reviews, and OC3 (care leavers). Each table is recognised
by its header row, not its file name.
"""

import csv
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io._common import (
    DATE_CACHE,
    DiagnosticLog,
    as_paths,
    looked_after_ids,
    parse_date,
    shown,
)
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview

__all__ = ["TABLE_COLUMNS", "read_ssda903", "write_ssda903"]

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

# Columns a table must have to be read at all.
_REQUIRED: dict[TableKind, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
    "reviews": ("CHILD", "REVIEW"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}

# Code lists of the SSDA903 guide (DfE, children looked after return 2024 to 2025).
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
# F3 and P3 (training or employment) are the codes of returns before F4/P4 and F5/P5.
ACTIVITY_CODES = frozenset(
    {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6"}
)
ACCOMMODATION_CODES = frozenset(f"{letter}{n}" for letter in "BCDEGHKRSTUVWXYZ" for n in "12")
SEX_CODES = frozenset({"1", "2"})

_NOT_A_DATE = "not a date (expected DD/MM/YYYY or YYYY-MM-DD)"
_DATES = DATE_CACHE.get  # the fast path; _Table.date parses, caches and reports


def _table_kind(columns: set[str]) -> TableKind | None:
    """Which table a header row belongs to, by its distinctive columns."""
    if "DECOM" in columns:
        return "episodes"
    if "REVIEW" in columns:
        return "reviews"
    if columns & {"IN_TOUCH", "ACTIV", "ACCOM"}:
        return "oc3"
    if "ETHNIC" in columns or ({"SEX", "DOB"} <= columns and "DUC" not in columns):
        return "header"
    return None


class _YearTables:
    """The records of one folder (one year's return)."""

    def __init__(self) -> None:
        self.children: dict[str, Child] = {}
        self.episodes: dict[tuple[str, dt.date], list[Episode]] = {}
        self.reviews: dict[tuple[str, dt.date], LACReview] = {}
        self.leavers: dict[str, CareLeaver] = {}


def read_ssda903(
    dirs: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    strict: bool = False,
) -> Dataset:
    """Read one or more years' SSDA903 returns, each a folder of CSV tables.

    Args:
        dirs: A folder, or several folders oldest first (one per year). A CSV file may
            stand in for a folder holding only it.
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.

    Returns:
        Children (header), episodes, reviews (`lac_reviews`) and care leavers (OC3), with
        `diagnostics` listing every problem.

    Raises:
        ReadError: A folder or file is missing; a CSV file is empty or lacks a column its
            table requires; a folder holds no recognisable table; or *strict* and there
            were problems.

    Notes:
        - A table is recognised by its header row, whatever the file's name: episodes
          by `DECOM`, reviews by `REVIEW`, OC3 by `IN_TOUCH`/`ACTIV`/`ACCOM`, header by
          `ETHNIC` (or `SEX` and `DOB`). Column names are matched without regard to case
          or surrounding spaces. Other files are reported and ignored.
        - Folders merge oldest first, the later year winning: episodes by (CHILD, DECOM),
          header and OC3 rows by CHILD; reviews are the union of distinct (CHILD, REVIEW)
          (the later year's REVIEW_CODE winning).
        - Dates are `DD/MM/YYYY` (one-digit day or month accepted), or `YYYY-MM-DD`. An
          unparseable optional date is read as missing and the row kept.
        - Dropped and reported: a row without CHILD, an episode without a valid DECOM, a
          review without a valid REVIEW, an OC3 row without a valid DOB.
        - Codes outside the SSDA903 lists (RNE, LS, PLACE, REC, REVIEW_CODE, IN_TOUCH,
          ACTIV, ACCOM, SEX) are reported and kept as given, so the child still counts
          where the code does not matter; a missing RNE, LS or PLACE is reported and
          read as the empty code.
        - Within one year, a repeated episode start is reported and both rows kept; a
          repeated header or OC3 row is reported and the last kept; a repeated review is
          reported and kept once.
        - A file that is not UTF-8 is read as Windows-1252 and reported.

    References:
        - DfE, SSDA903 guide: children looked after return.
    """
    folders = as_paths(dirs, "SSDA903 folders")
    log = DiagnosticLog()
    children: dict[str, Child] = {}
    episodes: dict[tuple[str, dt.date], list[Episode]] = {}
    reviews: dict[tuple[str, dt.date], LACReview] = {}
    leavers: dict[str, CareLeaver] = {}
    strings: dict[str, str] = {}
    for number, folder in enumerate(folders):
        year = _read_folder(folder, log, strings)
        if number == 0:  # the first year: its indexes are the merge's
            children, episodes = year.children, year.episodes
            reviews, leavers = year.reviews, year.leavers
            continue
        children.update(year.children)
        episodes.update(year.episodes)
        reviews.update(year.reviews)
        leavers.update(year.leavers)
    diagnostics = log.finish(strict=strict, what="SSDA903 return")
    return Dataset(
        children=list(children.values()),
        episodes=[e for group in episodes.values() for e in group],
        lac_reviews=list(reviews.values()),
        care_leavers=list(leavers.values()),
        diagnostics=diagnostics,
    )


def _folder_files(folder: Path) -> list[Path]:
    try:
        if folder.is_file():
            return [folder]
        if not folder.is_dir():
            raise ReadError(f"{folder}: no such folder")
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as error:
        raise ReadError(f"{folder}: cannot be read: {error.strerror}") from None


def _read_folder(folder: Path, log: DiagnosticLog, strings: dict[str, str]) -> _YearTables:
    year = _YearTables()
    found = 0
    mark = len(log.items)
    for path in _folder_files(folder):
        if path.is_dir():
            log.add(str(path), "folder", "", "", "a folder inside the return's folder; ignored")
            continue
        if path.suffix.lower() != ".csv":
            log.add(str(path), "file", "", "", "not a .csv file; ignored")
            continue
        if _read_table(path, year, log, strings):
            found += 1
    if not found:
        passed_over = "".join(f"; {Path(d.file).name}: {d.problem}" for d in log.items[mark:][:5])
        raise ReadError(
            f"{folder}: no SSDA903 table found (expected CSV files whose header row names "
            f"the header, episodes, reviews or OC3 columns){passed_over}"
        )
    return year


def _read_table(path: Path, year: _YearTables, log: DiagnosticLog, strings: dict[str, str]) -> bool:
    """Read one CSV file into *year*; False when it is no SSDA903 table (reported)."""
    try:
        if path.stat().st_size == 0:
            log.add(str(path), "file", "", "", "the file is empty; ignored")
            return False
        mark = len(log.items)
        try:
            return _read_table_as(path, "utf-8-sig", year, log, strings)
        except UnicodeDecodeError as error:
            del log.items[mark:]  # read again from the start: forget the first pass
            log.add(
                str(path),
                f"byte {error.start}",
                "",
                "",
                "not UTF-8; read as Windows-1252 text",
            )
            return _read_table_as(path, "cp1252", year, log, strings)
    except csv.Error as error:
        raise ReadError(f"{path}: not a readable CSV file: {error}") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot be read: {error.strerror}") from None


def _read_table_as(
    path: Path, encoding: str, year: _YearTables, log: DiagnosticLog, strings: dict[str, str]
) -> bool:
    file = str(path)
    errors = "replace" if encoding == "cp1252" else "strict"
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            log.add(file, "line 1", "", "", "the file has no header row; ignored")
            return False
        columns = [cell.strip().lstrip("\ufeff").upper() for cell in header]
        repeated = sorted({name for name in columns if name and columns.count(name) > 1})
        if repeated:
            log.add(
                file,
                "line 1",
                ",".join(repeated),
                "",
                "column named more than once in the header row; the first is read",
            )
        kind = _table_kind(set(columns))
        if kind is None:
            log.add(
                file,
                "line 1",
                "",
                shown(",".join(columns)),
                "header row names no SSDA903 table (header, episodes, reviews, OC3); ignored",
            )
            return False
        missing = [c for c in _REQUIRED[kind] if c not in columns]
        if missing:
            raise ReadError(
                f"{path}: looks like the SSDA903 {kind} table but has no "
                f"{', '.join(missing)} column(s)"
            )
        table = _Table(file, kind, columns, log, strings)
        rows = table.rows(reader)
        # Read into a list first, so a decoding error part-way leaves *year* untouched.
        records = list(getattr(table, kind)(rows))
    getattr(table, f"merge_{kind}")(records, year)
    return True


class _Table:
    """Turns the rows of one recognised table into records, reporting problems."""

    def __init__(
        self,
        file: str,
        kind: TableKind,
        columns: list[str],
        log: DiagnosticLog,
        strings: dict[str, str],
    ) -> None:
        self.file = file
        self.kind = kind
        self.width = len(columns)
        self.index = {name: i for i, name in reversed(list(enumerate(columns)))}
        self.log = log
        # One str object per distinct value (codes, ids, postcodes repeat row after row).
        self.strings = strings

    def positions(self, *columns: str) -> list[int]:
        """Where each column is in a row; -1 (the empty cell `rows` appends) when absent."""
        return [self.index.get(column, -1) for column in columns]

    def rows(self, reader: Any) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells stripped, with one empty cell appended) of each row."""
        keep = self.strings.setdefault
        width = self.width
        for row in reader:
            cells = [keep(cell, cell) for cell in map(str.strip, row)]
            if not any(cells):
                continue
            if len(cells) != width:
                self.note(
                    reader.line_num,
                    "",
                    str(len(cells)),
                    f"the row has {len(cells)} cells, the header {width}; "
                    "missing cells read as empty, extra ones ignored",
                )
                cells = cells[:width] + [""] * (width - len(cells))
            cells.append("")
            yield reader.line_num, cells

    def note(self, line: int, field: str, value: str, problem: str) -> None:
        self.log.add(self.file, f"line {line}", field, shown(value), problem)

    def child_id(self, line: int, child_id: str, what: str) -> str | None:
        if not child_id:
            self.note(line, "CHILD", "", f"missing; the {what} was dropped")
            return None
        return child_id

    def date(self, line: int, field: str, text: str, *, dropped: str | None = None) -> Any:
        if not text:
            if dropped is not None:
                self.note(line, field, "", f"missing; {dropped}")
            return None
        value = parse_date(text)
        if value is None:
            self.note(line, field, text, f"{_NOT_A_DATE}; {dropped or 'read as missing, row kept'}")
        return value

    def code(
        self, line: int, field: str, text: str, codes: frozenset[str], *, required: bool = False
    ) -> str | None:
        if not text:
            if required:
                self.note(line, field, "", "missing; read as the empty code, row kept")
                return ""
            return None
        if text not in codes:
            self.note(
                line,
                field,
                text,
                f"not a code of the SSDA903 list ({', '.join(sorted(codes))}); kept as given",
            )
        return text

    # -- one table each ------------------------------------------------------------------

    def header(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, Child]]:
        c_child, c_dob, c_sex, c_ethnic = self.positions("CHILD", "DOB", "SEX", "ETHNIC")
        for line, row in rows:
            child_id = self.child_id(line, row[c_child], "header row")
            if child_id is None:
                continue
            dob, sex = row[c_dob], row[c_sex]
            yield (
                line,
                Child(
                    child_id=child_id,
                    birth_date=_DATES(dob) or self.date(line, "DOB", dob),
                    sex=sex if sex in SEX_CODES else self.code(line, "SEX", sex, SEX_CODES),
                    ethnicity=row[c_ethnic] or None,
                ),
            )

    def episodes(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, Episode]]:
        (c_child, c_decom, c_dec, c_rne, c_ls, c_place, c_rec, c_provider, c_post, c_urn, c_cin) = (
            self.positions(
                "CHILD",
                "DECOM",
                "DEC",
                "RNE",
                "LS",
                "PLACE",
                "REC",
                "PLACE_PROVIDER",
                "PL_POST",
                "URN",
                "CIN",
            )
        )
        for line, row in rows:
            child_id = self.child_id(line, row[c_child], "episode")
            if child_id is None:
                continue
            text = row[c_decom]
            start = _DATES(text) or self.date(
                line, "DECOM", text, dropped="the episode was dropped"
            )
            if start is None:
                continue
            dec, rne, ls, place, rec = row[c_dec], row[c_rne], row[c_ls], row[c_place], row[c_rec]
            yield (
                line,
                Episode(
                    child_id=child_id,
                    start=start,
                    end=_DATES(dec) or self.date(line, "DEC", dec),
                    reason_new=rne
                    if rne in REASON_NEW_CODES
                    else self.code(line, "RNE", rne, REASON_NEW_CODES, required=True) or "",
                    legal_status=ls
                    if ls in LEGAL_STATUS_CODES
                    else self.code(line, "LS", ls, LEGAL_STATUS_CODES, required=True) or "",
                    placement=place
                    if place in PLACEMENT_CODES
                    else self.code(line, "PLACE", place, PLACEMENT_CODES, required=True) or "",
                    reason_ceased=rec
                    if rec in REASON_CEASED_CODES
                    else self.code(line, "REC", rec, REASON_CEASED_CODES),
                    provider=row[c_provider] or None,
                    postcode=row[c_post] or None,
                    urn=row[c_urn] or None,
                    category_of_need=row[c_cin] or None,
                ),
            )

    def reviews(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, LACReview]]:
        c_child, c_review, c_code = self.positions("CHILD", "REVIEW", "REVIEW_CODE")
        for line, row in rows:
            child_id = self.child_id(line, row[c_child], "review")
            if child_id is None:
                continue
            text = row[c_review]
            day = _DATES(text) or self.date(line, "REVIEW", text, dropped="the review was dropped")
            if day is None:
                continue
            code = row[c_code]
            yield (
                line,
                LACReview(
                    child_id=child_id,
                    review_date=day,
                    participation=code
                    if code in REVIEW_CODES
                    else self.code(line, "REVIEW_CODE", code, REVIEW_CODES),
                ),
            )

    def oc3(self, rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, CareLeaver]]:
        c_child, c_dob, c_touch, c_activ, c_accom = self.positions(
            "CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"
        )
        for line, row in rows:
            child_id = self.child_id(line, row[c_child], "OC3 row")
            if child_id is None:
                continue
            text = row[c_dob]
            birth = _DATES(text) or self.date(line, "DOB", text, dropped="the OC3 row was dropped")
            if birth is None:
                continue
            yield (
                line,
                CareLeaver(
                    child_id=child_id,
                    birth_date=birth,
                    in_touch=self.code(line, "IN_TOUCH", row[c_touch], IN_TOUCH_CODES),
                    activity=self.code(line, "ACTIV", row[c_activ], ACTIVITY_CODES),
                    accommodation=self.code(line, "ACCOM", row[c_accom], ACCOMMODATION_CODES),
                ),
            )

    # -- into the year's tables ----------------------------------------------------------

    def merge_header(self, records: list[tuple[int, Child]], year: _YearTables) -> None:
        for line, child in records:
            if child.child_id in year.children:
                self.note(
                    line,
                    "CHILD",
                    child.child_id,
                    "a second header row of the child in this year; the last kept",
                )
            year.children[child.child_id] = child

    def merge_episodes(self, records: list[tuple[int, Episode]], year: _YearTables) -> None:
        for line, episode in records:
            group = year.episodes.setdefault((episode.child_id, episode.start), [])
            if group:
                self.note(
                    line,
                    "DECOM",
                    episode.start.isoformat(),
                    "a second episode of the child starting on this day in this year; both kept",
                )
            group.append(episode)

    def merge_reviews(self, records: list[tuple[int, LACReview]], year: _YearTables) -> None:
        for line, review in records:
            key = (review.child_id, review.review_date)
            if key in year.reviews:
                self.note(
                    line,
                    "REVIEW",
                    review.review_date.isoformat(),
                    "the child's review "
                    "on this day is listed again in this year; kept once (the last)",
                )
            year.reviews[key] = review

    def merge_oc3(self, records: list[tuple[int, CareLeaver]], year: _YearTables) -> None:
        for line, leaver in records:
            if leaver.child_id in year.leavers:
                self.note(
                    line,
                    "CHILD",
                    leaver.child_id,
                    "a second OC3 row of the child in this year; the last kept",
                )
            year.leavers[leaver.child_id] = leaver


# -- writing -----------------------------------------------------------------------------------


def write_ssda903(dataset: Dataset, directory: str | os.PathLike[str]) -> None:
    """Write *dataset*'s looked-after records as an SSDA903 return: a folder of CSV tables.

    Args:
        dataset: The records to write.
        directory: The folder to write `header.csv`, `episodes.csv`, `reviews.csv` and
            `oc3.csv` into (created if needed; those files are overwritten).

    Notes:
        - `read_ssda903` reads the folder back to the same records.
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
