"""Audit files: every record's outcome behind a report's figures, one CSV per indicator."""

import csv
import datetime as dt
import math
import os
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.records import RECORD_CLASSES, TABLES
from safeguarding_metrics.report.core import Report
from safeguarding_metrics.results import Result

__all__ = ["AUDIT_COLUMNS", "write_audit"]


def _key_fields(table: str) -> list[str]:
    """The fields an audit file shows for a record of *table*: its ids and its dates."""
    record_class = RECORD_CLASSES.get(table)
    if record_class is None:
        return []
    hints = typing.get_type_hints(record_class)
    fields = []
    for field in attrs.fields(record_class):
        if field.name == "child_id":
            continue
        if field.name.endswith("_id") or hints[field.name] in (dt.date, dt.date | None):
            fields.append(field.name)
    return fields


def _strings(values: npt.NDArray[Any]) -> list[str]:
    """A column as CSV text: dates as ISO, missing as empty, whole floats without ".0"."""
    if np.issubdtype(values.dtype, np.datetime64):
        text = np.datetime_as_string(values.astype("datetime64[D]"))
        return np.where(np.isnat(values), "", text).tolist()  # type: ignore[no-any-return]
    if np.issubdtype(values.dtype, np.bool_):
        return ["true" if v else "false" for v in values.tolist()]
    if np.issubdtype(values.dtype, np.floating):
        return [
            "" if math.isnan(v) else str(int(v)) if v.is_integer() else repr(v)
            for v in values.astype(np.float64).tolist()
        ]
    return [str(v) for v in values.tolist()]


def _results_of(
    report_or_results: "Report | Mapping[str, Result] | Iterable[Result]",
) -> list[Result]:
    if isinstance(report_or_results, Report):
        return list(report_or_results.results.values())
    if isinstance(report_or_results, Mapping):
        return list(report_or_results.values())
    return list(report_or_results)


AUDIT_COLUMNS = ("indicator", "child_id", "table", "row", "file", "line", "outcome")
"""The columns every audit file starts with, in this order; the record's ids and dates and the
indicator's measures follow."""


def write_audit(
    report_or_results: "Report | Mapping[str, Result] | Iterable[Result]",
    dataset: Dataset,
    directory: str | os.PathLike[str],
) -> list[Path]:
    """Write every record's outcome, one CSV file per indicator, into *directory*.

    Each file is named after the indicator (``assessment-45wd.csv``) and has one line per
    record (or child) the indicator was given, in the order of the dataset's collection.
    Every file starts with the same columns (`AUDIT_COLUMNS`):

    - ``indicator``: the indicator's id;
    - ``child_id``: the child the line is about;
    - ``table``: the collection the record is in (``children`` for a line about a child);
    - ``row``: the record's position in that collection of *dataset*, counting from 0
      (the dataset as read: after several years' returns were merged); empty for a line
      about a child;
    - ``file`` and ``line``: where the record was read from, when it was read from a file;
    - ``outcome``: ``numerator``, ``denominator-only``, ``out-of-scope`` or an exclusion
      reason such as ``end-before-start``.

    Then the record's other ids and its dates, then the indicator's per-record measures (such
    as ``working_days``). Filter the outcome ``denominator-only`` of ``assessment-45wd`` to
    list the late assessments.

    Args:
        report_or_results: A `Report` (its period's results), or results by id, or results.
        dataset: The dataset the results were computed from.
        directory: Where to write (made if missing).

    Returns:
        The files written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for result in _results_of(report_or_results):
        audit = result.audit
        if audit is None:
            continue
        # Child-level rows (row -1) have no record of their own to show dates from.
        record_level = audit.table in TABLES[1:]
        fields = _key_fields(audit.table) if record_level else []
        rows = np.asarray(audit.rows)
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        n = len(audit)
        files = [""] * n
        lines = [""] * n
        if record_level and len(dataset.records(audit.table)):  # type: ignore[arg-type]
            origins = dataset.origin_of(audit.table)  # type: ignore[arg-type]
            paths = origins.paths()[safe]
            numbers = origins.line[safe]
            known = valid & (numbers > 0)
            files = np.where(valid, paths, "").tolist()
            lines = np.where(known, numbers.astype(str), "").tolist()
        columns: list[list[str]] = [
            [result.indicator_id] * n,
            audit.child_ids.tolist(),
            [audit.table] * n,
            np.where(valid, rows.astype(str), "").tolist(),
            files,
            lines,
            audit.outcomes().tolist(),
        ]
        for field in fields:
            values = dataset.column(audit.table, field)  # type: ignore[arg-type]
            if len(values) == 0:
                columns.append([""] * n)
                continue
            text = np.array(_strings(values[safe]), dtype=object)
            columns.append(np.where(valid, text, "").tolist())
        columns += [_strings(np.asarray(values)) for values in audit.measures.values()]
        header = [*AUDIT_COLUMNS, *fields, *audit.measures]
        path = folder / f"{result.indicator_id}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(zip(*columns, strict=True))
        written.append(path)
    return written
