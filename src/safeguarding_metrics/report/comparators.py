"""Comparator figures a council supplies: statistical neighbours', a region's, another year's."""

import csv
import math
import os
from pathlib import Path

from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.report.core import Comparator

__all__ = ["COMPARATOR_COLUMNS", "read_comparators"]

COMPARATOR_COLUMNS = ("indicator_id", "label", "value", "year")
"""The columns of a comparators file, in any order (``id`` or ``indicator`` may stand for
``indicator_id``, ``period`` for ``year``)."""

_SYNONYMS = {"id": "indicator_id", "indicator": "indicator_id", "period": "year"}


def read_comparators(path: str | os.PathLike[str]) -> tuple[Comparator, ...]:
    """Read comparator figures from a small CSV file: indicator id, label, value, year.

    Example file::

        indicator_id,label,value,year
        assessment-45wd,Statistical neighbours,83.1,2023-24
        assessment-45wd,North East,86.0,2023-24

    Raises:
        ReadError: The file cannot be read, lacks a column, names an indicator that is not
            registered, holds a value that is not a number, or gives two different figures
            for one indicator, label and year; the message names the line.

    Notes:
        - Several rows for one indicator and label (the same neighbours' figures for
          several years) keep the latest year's, whatever their order in the file.
    """
    file = Path(path)
    try:
        text = file.read_bytes()
    except OSError as error:
        raise ReadError(f"{file}: cannot be read: {error.strerror}") from None
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = text.decode("cp1252", errors="replace")
    rows = list(csv.reader(decoded.splitlines()))
    if not rows:
        raise ReadError(f"{file}: the comparators file is empty")
    names = [_SYNONYMS.get(cell.strip().lower(), cell.strip().lower()) for cell in rows[0]]
    missing = [c for c in COMPARATOR_COLUMNS if c not in names]
    if missing:
        raise ReadError(
            f"{file}: line 1: the comparators file needs the columns "
            f"{', '.join(COMPARATOR_COLUMNS)}; missing {', '.join(missing)}"
        )
    found: dict[tuple[str, str], tuple[Comparator, int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(names, (cell.strip() for cell in row), strict=False))
        indicator_id = cells.get("indicator_id", "")
        if indicator_id not in INDICATORS:
            raise ReadError(f"{file}: line {number}: no indicator {indicator_id!r}")
        try:
            value = float(cells.get("value", "").rstrip("%"))
        except ValueError:
            raise ReadError(
                f"{file}: line {number}: value {cells.get('value', '')!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise ReadError(f"{file}: line {number}: value {cells['value']!r} is not a number")
        label = cells.get("label", "")
        if not label:
            raise ReadError(f"{file}: line {number}: the label is empty")
        year = cells.get("year", "")
        key = (indicator_id, label)
        earlier = found.get(key)
        if earlier is not None and earlier[0].year == year and earlier[0].value != value:
            raise ReadError(
                f"{file}: line {number}: {indicator_id} {label} {year} is given twice, as "
                f"{earlier[0].value:g} (line {earlier[1]}) and {value:g}"
            )
        if earlier is None or year > earlier[0].year:
            comparator = Comparator(
                indicator_id=indicator_id, label=label, value=value, year=year, source=str(file)
            )
            found[key] = (comparator, number)
    return tuple(comparator for comparator, _ in found.values())
