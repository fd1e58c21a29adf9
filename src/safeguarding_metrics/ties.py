"""Ties between records broken by their content, and diagnostics that point at a record.

SPEC §3: results never depend on the order of records or files. Where two records tie on
every rule that picks between them (the same ids, the same dates), the rest of their content
decides, and a diagnostic names the pair; two different referrals sharing one `referral_id`
are a data error, reported and resolved the same way whatever the order.

- `content_rank` orders records by their content; `tie_diagnostics` reports the ties it broke.
- `referral_links` links records to referrals by `referral_id`, choosing among referrals that
  share an id by their content; `shared_referral_id_diagnostics` reports those ids.
- `record_diagnostic` writes a diagnostic naming a record by its file and line, or by its
  child and dates (`describe_record`).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import (
    CharacterKeys,
    StoredText,
    as_unicode,
    factorize,
    freeze,
    position_among,
    row_numbers,
)
from safeguarding_metrics._dates import day_numbers, to_date
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.records import RECORD_CLASSES, TableName, field_specs

__all__ = [
    "SHARED_REFERRAL_ID_PROBLEM",
    "ReferralLinks",
    "content_rank",
    "describe_record",
    "first_difference",
    "first_differences",
    "record_diagnostic",
    "referral_links",
    "shared_referral_id_diagnostics",
    "tie_diagnostics",
    "tie_diagnostics_per_pair",
    "tie_problem",
]

IntArray = npt.NDArray[np.intp]
KeyArray = npt.NDArray[np.int64]

# Between the parts of a tuple field joined into one text: sorts before any printable text.
_JOIN = "\x1f"


def _sort_key(dataset: Dataset, table: TableName, name: str, kind: str, rows: IntArray) -> Any:
    if kind == "many":
        lists = dataset.list_column(table, name)
        return np.array(
            [_JOIN.join(str(v) for v in lists.row(int(row))) for row in rows], dtype=np.str_
        ).reshape(len(rows))
    if kind == "text":
        return dataset.text_at(table, name, rows)
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


def _where(dataset: Dataset, table: TableName, row: int) -> tuple[str, int]:
    """The file and line record *row* was read from (``("", 0)`` when not read from a file).

    Reads `Dataset.origins` directly: `Dataset.origin_of` builds a table-long `Origins` for
    records not read from a file, too much to do once per diagnostic.
    """
    origins = dataset.origins.get(table)
    return ("", 0) if origins is None else origins.where(row)


def describe_record(dataset: Dataset, table: TableName, row: int) -> str:
    """A record's place for a diagnostic: ``"line 12"`` if read from a file, else its ids.

    Without a file, the record is named by its child and its first date field, e.g.
    ``"episodes: child 123, start 2017-11-12"``.
    """
    _, line = _where(dataset, table, row)
    if line:
        return f"line {line}"
    child = str(dataset.text_at(table, "child_id", np.array([row]))[0])
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
    file, _ = _where(dataset, table, row)
    return Diagnostic(
        file=file,
        where=describe_record(dataset, table, row),
        field=field,
        value=value,
        problem=problem,
    )


def _field_text(value: Any) -> str:
    """A field's value, as read from a record, as a diagnostic shows it."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "(" + ", ".join(_field_text(v) for v in value) + ")"
    return str(value)


def _column_text(value: Any, kind: str) -> str:
    """A field's value, as read from its column, as a diagnostic shows it."""
    if kind == "date":
        return "missing" if np.isnat(value) else str(value)
    if kind == "int":
        return "missing" if np.isnan(value) else str(int(value))
    if kind == "bool":
        return "true" if value else "false"
    return str(value) or "missing"


def _same(first: npt.NDArray[Any], second: npt.NDArray[Any], kind: str) -> npt.NDArray[np.bool_]:
    """Whether the values of two columns are equal, a missing date or count equal to another."""
    equal: npt.NDArray[np.bool_] = first == second
    if kind == "date":
        equal |= np.isnat(first) & np.isnat(second)
    elif kind == "int":
        equal |= np.isnan(first) & np.isnan(second)
    return equal


def first_differences(
    dataset: Dataset, table: TableName, rows: npt.ArrayLike, others: npt.ArrayLike
) -> list[tuple[str, str, str] | None]:
    """For each pair of records, the first field (in field order) in which they differ.

    Fields are compared as `content_rank` compares them (a missing text is an empty one),
    reading columns, so many pairs cost little more than one.

    Returns:
        Per pair, ``(field, value of the row, value of the other)`` as text, or None when
        the two are equal in every field.
    """
    first = np.asarray(rows, dtype=np.intp)
    second = np.asarray(others, dtype=np.intp)
    found: list[tuple[str, str, str] | None] = [None] * len(first)
    undecided = np.ones(len(first), dtype=np.bool_)
    for spec in field_specs(table):
        if not undecided.any():
            break
        if spec.kind == "many":  # a tuple per record: read from the records, pair by pair
            records = dataset.records(table)
            for i in np.flatnonzero(undecided):
                a = getattr(records[int(first[i])], spec.name)
                b = getattr(records[int(second[i])], spec.name)
                if a != b:
                    found[i] = (spec.name, _field_text(a), _field_text(b))
                    undecided[i] = False
            continue
        column = dataset.column(table, spec.name)
        a, b = column[first], column[second]
        differs = undecided & ~_same(a, b, spec.kind)
        for i in np.flatnonzero(differs):
            found[i] = (spec.name, _column_text(a[i], spec.kind), _column_text(b[i], spec.kind))
        undecided &= ~differs
    return found


def first_difference(
    dataset: Dataset, table: TableName, row: int, other: int
) -> tuple[str, str, str] | None:
    """The first field (in field order) in which two records differ, and their two values.

    Returns:
        ``(field, value of row, value of other)`` as text, or None for identical records.
    """
    return first_differences(dataset, table, [row], [other])[0]


def tie_problem(table: TableName, rule: str) -> str:
    """The problem text of a tie on *rule* broken by content: the same for every such tie."""
    name = RECORD_CLASSES[table].__name__
    return (
        f"two {name} records tie on {rule} but differ in other fields; the one first by its "
        "other fields (compared in field order, a missing value first) was kept, so the "
        "result does not depend on the order of the records"
    )


def tie_diagnostics_per_pair(
    dataset: Dataset,
    table: TableName,
    kept: Sequence[int] | npt.NDArray[np.integer[Any]],
    others: Sequence[int] | npt.NDArray[np.integer[Any]],
    *,
    rule: str,
) -> list[Diagnostic | None]:
    """`tie_diagnostics`, one entry per pair: None for a pair of identical records."""
    problem = tie_problem(table, rule)
    differences = first_differences(dataset, table, others, kept)
    found: list[Diagnostic | None] = []
    for chosen, other, difference in zip(kept, others, differences, strict=True):
        if difference is None:
            found.append(None)
            continue
        field, other_value, chosen_value = difference
        kept_record = describe_record(dataset, table, int(chosen))
        found.append(
            record_diagnostic(
                dataset,
                table,
                int(other),
                field=field,
                value=f"{other_value}; the record kept ({kept_record}) has {chosen_value}",
                problem=problem,
            )
        )
    return found


def tie_diagnostics(
    dataset: Dataset,
    table: TableName,
    kept: Sequence[int] | npt.NDArray[np.integer[Any]],
    others: Sequence[int] | npt.NDArray[np.integer[Any]],
    *,
    rule: str,
) -> list[Diagnostic]:
    """Diagnostics for ties broken by content: one per pair of a kept row and a row it beat.

    Each diagnostic names the record not kept (its file and line, or its child and date),
    the first field in which the two differ, and both values; the record kept is named in
    the value. Pairs of identical records give none: which of two identical records is kept
    changes nothing.

    Args:
        dataset: The records.
        table: Their collection.
        kept: Per pair, the row chosen.
        others: Per pair, the row it was chosen over (they tie on *rule*).
        rule: What they tie on, e.g. ``"the same child, date and referral id"``; the
            problem text is built from it and is the same for every tie on that rule.
    """
    pairs = tie_diagnostics_per_pair(dataset, table, kept, others, rule=rule)
    return [d for d in pairs if d is not None]


# -- referrals sharing one referral_id -------------------------------------------------------

SHARED_REFERRAL_ID_PROBLEM = (
    "several different referrals share this referral_id (a data error); records carrying it "
    "are linked to the earliest of them by referral date (then the first by its other "
    "fields), whatever the order of the records"
)
"""The problem text of every diagnostic about a `referral_id` shared by different referrals."""


@attrs.frozen(kw_only=True, eq=False)
class ReferralLinks:
    """How the records of one collection link to the referrals by `referral_id`.

    Attributes:
        rows: Per record, the row of its linked referral in `referrals`, or -1 when it has
            no referral id or the id is not among the referrals.
        shared: Per record, whether its referral id is shared by two or more different
            referrals (the record is linked to the one chosen).
        chosen: Per pair, the referral row chosen for a shared id ...
        others: ... and the row of a different referral with that id, not chosen.
    """

    rows: IntArray
    shared: npt.NDArray[np.bool_]
    chosen: IntArray
    others: IntArray


def _choose_among_shared(
    dataset: Dataset, rows: IntArray, codes: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """The referral chosen for each shared id, and the referrals that differ from it.

    *rows* are the referral rows whose id is held by two or more referrals, *codes* their
    ids' codes. The one chosen for an id is the earliest by referral date, then the first
    by content (`content_rank`; only these rows are ranked).

    Returns:
        The chosen rows and their codes (one per id), then the pairs: for each row whose
        content differs from its id's chosen one, that chosen row and the row.
    """
    days = day_numbers(dataset.dates("referrals", "referral_date"))[rows]
    rank = content_rank(dataset, "referrals", rows)
    order = np.lexsort((rank, days, codes))
    ordered, ordered_codes, ordered_rank = rows[order], codes[order], rank[order]
    starts = np.ones(len(order), dtype=np.bool_)
    starts[1:] = ordered_codes[1:] != ordered_codes[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order), dtype=np.intp), 0))
    differs = ordered_rank != ordered_rank[first]
    return ordered[starts], ordered_codes[starts], ordered[first][differs], ordered[differs]


class _ReferralIds:
    """The referrals' ids, indexed once per dataset, and the referral each id links to.

    Each id gets a code: ids of a narrow range of characters their `CharacterKeys` key
    (looked up in a table with one entry per possible key when the keys are dense, as
    numbered ids are, else among the sorted distinct keys); other ids their position among
    the sorted distinct ids.
    """

    def __init__(self, dataset: Dataset) -> None:
        ids = dataset.stored_text("referrals", "referral_id")
        n = len(ids)
        coder = CharacterKeys.fit([ids]) if n else None
        self._coder = coder
        self._keys: KeyArray | None = None  # sorted distinct keys, unless keys index a table
        self._texts: npt.NDArray[np.str_] | None = None  # sorted distinct ids, without keys
        if coder is not None and coder.size <= _TABLE_PER_REFERRAL * n + (1 << 16):
            codes = coder.keys(ids).astype(np.intp, copy=False)
            size = coder.size
        elif coder is not None:
            distinct, inverse = np.unique(coder.keys(ids), return_inverse=True)
            self._keys = freeze(distinct)
            codes, size = inverse.reshape(-1).astype(np.intp, copy=False), len(distinct)
        else:
            texts, codes = factorize(ids)
            self._texts = freeze(texts)
            size = len(texts)
        # Each code's row: the first of the referrals holding it (assigned in reverse).
        linked = np.full(size, -1, dtype=np.int32 if n < 2**31 else np.intp)
        linked[codes[::-1]] = row_numbers(n)[::-1]
        rows = row_numbers(n)
        repeated = np.empty(n, dtype=np.bool_)  # a block at a time: no column-long gather
        for first in range(0, n, _LINK_BLOCK):
            stop = first + _LINK_BLOCK
            np.not_equal(linked[codes[first:stop]], rows[first:stop], out=repeated[first:stop])
        chosen_pairs = other_pairs = differing = np.zeros(0, dtype=np.intp)
        if repeated.any():
            shared_rows = np.flatnonzero(np.isin(codes, np.unique(codes[repeated])))
            chosen, chosen_codes, chosen_pairs, other_pairs = _choose_among_shared(
                dataset, shared_rows, codes[shared_rows]
            )
            linked[chosen_codes] = chosen
            differing = np.unique(codes[chosen_pairs])
        self._linked = freeze(linked)
        self._differing = freeze(differing)  # sorted codes held by different referrals
        self.chosen: IntArray = freeze(chosen_pairs)
        self.others: IntArray = freeze(other_pairs)

    def _codes_of(self, ids: StoredText) -> IntArray:
        """Each id's code among the referrals' (-1 for an id no referral holds)."""
        if self._coder is None:
            texts = self._texts if self._texts is not None else as_unicode(ids[:0])
            return position_among(texts, as_unicode(ids))
        keys = self._coder.keys_or_missing(ids)
        if self._keys is not None:
            codes = position_among(self._keys, keys)
            codes[keys < 0] = -1
            return codes
        keys[keys >= len(self._linked)] = -1
        return keys.astype(np.intp, copy=False)

    def links(self, ids: StoredText) -> tuple[IntArray, npt.NDArray[np.bool_]]:
        """Per id, the row of the referral it links to (-1 for none) and whether it is shared.

        An id is shared when two or more different referrals hold it.
        """
        codes = self._codes_of(ids)
        found = codes >= 0
        found &= ids != ids.dtype.type()  # an empty id links nothing
        rows = np.full(len(ids), -1, dtype=np.intp)
        rows[found] = self._linked[codes[found]]
        shared = np.zeros(len(ids), dtype=np.bool_)
        if len(self._differing):
            shared[found] = np.isin(codes[found], self._differing)
        return rows, shared


_TABLE_PER_REFERRAL = 4
"""Entries (4 bytes each) a key table may have per referral before sorted keys are used."""
_LINK_BLOCK = 1 << 16
"""Referrals per block where each id's first holder is checked (a 512 KiB gather at most)."""


def _referral_ids(dataset: Dataset) -> _ReferralIds:
    return dataset.derived(
        ("safeguarding_metrics.ties", "referral-ids"), lambda: _ReferralIds(dataset)
    )


def referral_links(dataset: Dataset, table: TableName) -> ReferralLinks:
    """How the records of *table* link to the referrals by `referral_id` (kept with *dataset*).

    SPEC §3: two different referrals sharing one `referral_id` are a data error, resolved
    the same way whatever the order. A record carrying a shared id is linked to the
    earliest of the referrals with that id by referral date, then to the one first by its
    other fields (`content_rank`). Identical referrals sharing an id are one referral, so
    they are not reported as sharing it.
    """

    def build() -> ReferralLinks:
        referrals = _referral_ids(dataset)
        rows, shared = referrals.links(dataset.stored_text(table, "referral_id"))
        return ReferralLinks(
            rows=freeze(rows),
            shared=freeze(shared),
            chosen=referrals.chosen,
            others=referrals.others,
        )

    return dataset.derived(("safeguarding_metrics.ties", "referral-links", table), build)


def shared_referral_id_diagnostics(
    dataset: Dataset, table: TableName, records: npt.NDArray[np.bool_] | None = None
) -> list[Diagnostic]:
    """Diagnostics for the shared referral ids that records of *table* were linked by.

    One diagnostic per referral not chosen for a shared id that some record of *table*
    (among *records*, a mask; all records when None) carries, naming that referral, the id
    and the referral the records were linked to instead.
    """
    links = referral_links(dataset, table)
    used = links.shared if records is None else links.shared & records
    if not used.any() or not len(links.chosen):
        return []
    targets = np.unique(links.rows[used])
    wanted = np.isin(links.chosen, targets)
    found = []
    for chosen, other in zip(links.chosen[wanted], links.others[wanted], strict=True):
        referral_id = str(dataset.text_at("referrals", "referral_id", np.array([other]))[0])
        found.append(
            record_diagnostic(
                dataset,
                "referrals",
                int(other),
                field="referral_id",
                value=(
                    f"{referral_id} (records carrying it are linked to "
                    f"{describe_record(dataset, 'referrals', int(chosen))})"
                ),
                problem=SHARED_REFERRAL_ID_PROBLEM,
            )
        )
    return found
