"""Ties between records broken by their content, and diagnostics that point at a record.

SPEC §3: results never depend on the order of records or files. Where two records tie on
every rule that picks between them (the same ids, the same dates), the rest of their content
decides, and a diagnostic names the pair. `content_rank` gives that order; `record_diagnostic`
writes a diagnostic naming a record by its file and line, or by its child and dates.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import day_numbers, to_date
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.records import RECORD_CLASSES, TableName, field_specs

__all__ = ["content_rank", "describe_record", "record_diagnostic", "tie_diagnostics"]

IntArray = npt.NDArray[np.intp]

# Between the parts of a tuple field joined into one text: sorts before any printable text.
_JOIN = "\x1f"


def _sort_key(dataset: Dataset, table: TableName, name: str, kind: str, rows: IntArray) -> Any:
    if kind == "many":
        lists = dataset.list_column(table, name)
        return np.array(
            [_JOIN.join(str(v) for v in lists.row(int(row))) for row in rows], dtype=np.str_
        ).reshape(len(rows))
    column = dataset.column(table, name)[rows]
    if kind == "date":
        return day_numbers(column)
    if kind == "int":
        # Missing (nan) sorts first, as a missing date (NaT's day number) does.
        return np.where(np.isnan(column), -np.inf, column)
    return column


def content_rank(dataset: Dataset, table: TableName, rows: npt.ArrayLike) -> IntArray:
    """The rank of each of *rows* among them by every field of its record, in field order.

    Records equal in every field get the same rank; otherwise the smaller rank goes to the
    record whose first differing field is smaller (dates earlier, missing first; text in
    code-point order). The rank does not depend on the order of *rows* or of the dataset.
    Only the given rows are read, so ranking the few records of a tie is cheap.

    Args:
        dataset: The records.
        table: The collection *rows* index.
        rows: Row numbers in *table*.

    Returns:
        One rank per entry of *rows*, from 0.
    """
    picked = np.asarray(rows, dtype=np.intp)
    n = len(picked)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    keys = [_sort_key(dataset, table, spec.name, spec.kind, picked) for spec in field_specs(table)]
    order = np.lexsort(tuple(reversed(keys)))
    differs = np.zeros(n, dtype=np.bool_)
    for key in keys:
        ordered = key[order]
        differs[1:] |= ordered[1:] != ordered[:-1]
    ranks = np.empty(n, dtype=np.intp)
    ranks[order] = np.cumsum(differs)
    return ranks


def describe_record(dataset: Dataset, table: TableName, row: int) -> str:
    """A record's place for a diagnostic: ``"line 12"`` if read from a file, else its ids.

    Without a file, the record is named by its child and its first date field, e.g.
    ``"episodes: child 123, start 2017-11-12"``.
    """
    _, line = dataset.origin_of(table).where(row)
    if line:
        return f"line {line}"
    child = str(dataset.column(table, "child_id")[row])
    for spec in field_specs(table):
        if spec.kind == "date":
            day = dataset.column(table, spec.name)[row]
            if not np.isnat(day):
                return f"{table}: child {child}, {spec.name} {to_date(day).isoformat()}"
    return f"{table}: child {child}, row {row}"


def record_diagnostic(
    dataset: Dataset, table: TableName, row: int, *, field: str, value: str, problem: str
) -> Diagnostic:
    """A diagnostic about record *row* of *table*, naming its file and line where known."""
    file, _ = dataset.origin_of(table).where(row)
    return Diagnostic(
        file=file,
        where=describe_record(dataset, table, row),
        field=field,
        value=value,
        problem=problem,
    )


def tie_diagnostics(
    dataset: Dataset,
    table: TableName,
    kept: Sequence[int],
    others: Sequence[int],
    *,
    rule: str,
) -> list[Diagnostic]:
    """Diagnostics for ties broken by content: each pair of a kept row and a row it beat.

    Args:
        dataset: The records.
        table: Their collection.
        kept: Per pair, the row chosen.
        others: Per pair, the row it was chosen over (they tie on *rule*).
        rule: What they tie on, e.g. ``"the same child, date and referral id"``.
    """
    name = RECORD_CLASSES[table].__name__
    found = []
    for chosen, other in zip(kept, others, strict=True):
        found.append(
            record_diagnostic(
                dataset,
                table,
                int(other),
                field=name,
                value=describe_record(dataset, table, int(chosen)),
                problem=(
                    f"ties with the {name} shown as the value on {rule}, but they differ in "
                    "other fields; the one first by its other fields was used, so the result "
                    "does not depend on the order of the records"
                ),
            )
        )
    return found
