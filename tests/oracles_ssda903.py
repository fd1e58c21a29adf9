"""Oracle for the SSDA903 reader: the merge rules written as plain loops over csv rows.

Reads each table with the standard library's `csv.DictReader`, one row at a time, and
applies the rules of `read_ssda903`'s docstring with dictionaries; the reader itself cuts
blocks of rows into numpy columns, so the two share nothing but `parse_date`.
"""

import csv
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from safeguarding_metrics.io._common import parse_date
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview

# The table a file holds, by a column only it has (the test data's files are clean).
_TABLE_BY_COLUMN = {"DECOM": "episodes", "REVIEW": "reviews", "IN_TOUCH": "oc3", "ETHNIC": "header"}


def table_rows(folder: Path) -> dict[str, list[tuple[str, int, dict[str, str]]]]:
    """Per table, (file, line, stripped cells by column) of each row of the folder's files."""
    found: dict[str, list[tuple[str, int, dict[str, str]]]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [cell.strip().upper() for cell in next(reader)]
            table = next(_TABLE_BY_COLUMN[c] for c in header if c in _TABLE_BY_COLUMN)
            rows = found.setdefault(table, [])
            while True:
                line = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    break
                if not row:
                    continue
                cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
                if any(cells.values()):
                    rows.append((str(path), line, cells))
    return found


def _record(table: str, cells: dict[str, str], year: int) -> Any:
    """The record a row gives, or None when the row is dropped."""

    def text(column: str) -> str | None:
        return cells.get(column) or None

    child = cells.get("CHILD", "")
    if not child:
        return None
    if table == "header":
        return Child(
            child_id=child,
            birth_date=parse_date(cells["DOB"]) if cells.get("DOB") else None,
            sex=text("SEX"),
            ethnicity=text("ETHNIC"),
        )
    if table == "episodes":
        start = parse_date(cells["DECOM"])
        if start is None:
            return None
        return Episode(
            child_id=child,
            start=start,
            end=parse_date(cells["DEC"]) if cells.get("DEC") else None,
            reason_new=cells.get("RNE", ""),
            legal_status=cells.get("LS", ""),
            placement=cells.get("PLACE", ""),
            reason_ceased=text("REC"),
            provider=text("PLACE_PROVIDER"),
            postcode=text("PL_POST"),
            urn=text("URN"),
            category_of_need=text("CIN"),
            year=year,
        )
    if table == "reviews":
        day = parse_date(cells["REVIEW"])
        if day is None:
            return None
        return LACReview(child_id=child, review_date=day, participation=text("REVIEW_CODE"))
    birth = parse_date(cells["DOB"])
    if birth is None:
        return None
    return CareLeaver(
        child_id=child,
        birth_date=birth,
        in_touch=text("IN_TOUCH"),
        activity=text("ACTIV"),
        accommodation=text("ACCOM"),
        year=year,
    )


def _key(table: str, record: Any) -> Any:
    if table == "episodes":
        return (record.child_id, record.start)
    if table == "reviews":
        return (record.child_id, record.review_date)
    if table == "oc3":
        return (record.child_id, record.year)
    return record.child_id


def content_key(record: Any) -> tuple[Any, ...]:
    """The order of rows sharing a key in one return: the first is the one kept.

    Most fields filled in first, then by fields in record order (text in character order,
    earlier dates first, a missing value before any other).
    """
    values = [getattr(record, f.name) for f in attrs.fields(type(record)) if f.name != "year"]
    filled = sum(value not in (None, "") for value in values)
    ordered = tuple(
        (0, "")
        if value in (None, "")
        else (1, value.toordinal() if isinstance(value, dt.date) else value)
        for value in values
    )
    return (-filled, ordered)


def key_of(table: str, cells: dict[str, str], year: int) -> Any:
    """The merge key of a row (None when the row is dropped)."""
    record = _record(table, cells, year)
    return None if record is None else _key(table, record)


COLLECTION = {
    "header": "children",
    "episodes": "episodes",
    "reviews": "lac_reviews",
    "oc3": "care_leavers",
}


def expected(returns: Mapping[int, Path]) -> dict[str, frozenset[Any]]:
    """The records the merge rules give, per collection, from plain csv rows."""
    merged: dict[str, dict[Any, Any]] = {table: {} for table in COLLECTION}
    for year in sorted(returns):
        for table, rows in table_rows(returns[year]).items():
            best: dict[Any, Any] = {}
            for _, _, cells in rows:
                record = _record(table, cells, year)
                if record is None:
                    continue
                key = _key(table, record)
                if key not in best or content_key(record) < content_key(best[key]):
                    best[key] = record
            merged[table].update(best)
    return {COLLECTION[table]: frozenset(records.values()) for table, records in merged.items()}
