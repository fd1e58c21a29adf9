"""Record collections held as columns: a national-scale extract without a Python object per record."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import StoredText, as_unicode, code_points, factorize, freeze
from safeguarding_metrics._dates import as_day_array, to_date
from safeguarding_metrics.errors import InvalidRecordError
from safeguarding_metrics.records import (
    RECORD_CLASSES,
    AssessmentKind,
    FieldSpec,
    TableName,
    check_table,
    field_specs,
)

__all__ = ["ListColumn", "RecordTable"]

R = TypeVar("R")


class ListColumn:
    """A column whose every row holds several values (review dates, assessment factors).

    The values of all rows are kept one after the other in one array, with each row's slice
    given by *offsets* (row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``), as Arrow keeps
    a list column: no Python object per row, and `Dataset.exploded` is a view. Dates are
    ``datetime64[D]`` and sorted within each row (a `CPPlan`'s review dates are sorted);
    text is a unicode array in the order given.
    """

    __slots__ = ("offsets", "values")

    def __init__(self, offsets: npt.NDArray[np.intp], values: npt.NDArray[Any]) -> None:
        """Wrap *offsets* (length rows + 1, from 0, never decreasing) and *values*."""
        if offsets.ndim != 1 or len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(values):
            raise InvalidRecordError("a list column's offsets must run from 0 to len(values)")
        if len(offsets) > 1 and (np.diff(offsets) < 0).any():
            raise InvalidRecordError("a list column's offsets must never decrease")
        self.offsets = freeze(offsets.astype(np.intp, copy=False))
        self.values = freeze(values)

    @classmethod
    def empty(cls, n: int, kind: str) -> "ListColumn":
        """*n* rows holding no value, of dates (*kind* ``"date"``) or text."""
        dtype = "datetime64[D]" if kind == "date" else np.str_
        return cls(np.zeros(n + 1, dtype=np.intp), np.zeros(0, dtype=dtype))

    @classmethod
    def from_lengths(
        cls, lengths: npt.ArrayLike, values: npt.NDArray[Any], *, dates: bool
    ) -> "ListColumn":
        """Rows of *lengths* values each, taken in turn from *values*; dates sorted per row."""
        counts = np.asarray(lengths, dtype=np.intp)
        offsets = np.zeros(len(counts) + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        if dates and len(values):
            rows = np.repeat(np.arange(len(counts), dtype=np.intp), counts)
            values = values[np.lexsort((values, rows))]
        return cls(offsets, values)

    @classmethod
    def from_sequences(cls, rows: Sequence[Any], *, kind: str) -> "ListColumn":
        """From a sequence of sequences (or of None, for no values)."""
        items = [() if row is None else row for row in rows]
        lengths = [len(row) for row in items]
        flat = [value for row in items for value in row]
        if kind != "date" and not all(isinstance(value, str) for value in flat):
            raise TypeError("expected sequences of strings")
        values = as_day_array(flat) if kind == "date" else np.array(flat, dtype=np.str_)
        if kind != "date" and not len(flat):
            values = np.zeros(0, dtype=np.str_)
        return cls.from_lengths(lengths, values, dates=kind == "date")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> npt.NDArray[np.intp]:
        """How many values each row holds."""
        result: npt.NDArray[np.intp] = np.diff(self.offsets)
        return result

    def rows(self) -> npt.NDArray[np.intp]:
        """For each value, the row holding it."""
        return np.repeat(np.arange(len(self), dtype=np.intp), self.lengths())

    def row(self, i: int) -> tuple[Any, ...]:
        """Row *i*'s values as a tuple (dates as `datetime.date`)."""
        part = self.values[self.offsets[i] : self.offsets[i + 1]]
        if part.dtype.kind == "M":
            return tuple(to_date(day) for day in part)
        return tuple(str(value) for value in part)

    def take(self, rows: npt.NDArray[Any]) -> "ListColumn":
        """Rows *rows* (indexes, or a boolean mask), in that order."""
        picked = np.flatnonzero(rows) if np.asarray(rows).dtype == np.bool_ else np.asarray(rows)
        lengths = self.lengths()[picked]
        starts = self.offsets[:-1][picked]
        offsets = np.zeros(len(picked) + 1, dtype=np.intp)
        np.cumsum(lengths, out=offsets[1:])
        index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.intp)
        return ListColumn(offsets, self.values[index])

    @staticmethod
    def concatenate(parts: Sequence["ListColumn"]) -> "ListColumn":
        """Several list columns' rows, one after the other."""
        lengths = np.concatenate([part.lengths() for part in parts])
        values = np.concatenate([part.values for part in parts])
        offsets = np.zeros(len(lengths) + 1, dtype=np.intp)
        np.cumsum(lengths, out=offsets[1:])
        return ListColumn(offsets, values)


class RecordTable(Sequence[R]):
    """A collection of records held as columns; a record is built only when it is read.

    `Dataset.from_columns` makes these, so a national-scale dataset costs a few numpy arrays
    rather than a million Python objects. A table behaves as a read-only sequence of records
    and equals a tuple of the same records; indicators read its columns directly.
    """

    __slots__ = ("_columns", "_length", "_table", "_unicode")

    def __init__(self, table: TableName, columns: Mapping[str, Any]) -> None:
        """Wrap *columns* already checked and normalised by `RecordTable.from_arrays`."""
        self._table = table
        self._columns: dict[str, Any] = dict(columns)
        self._unicode: dict[str, Any] = {}
        lengths = {len(values) for values in self._columns.values()}
        self._length = lengths.pop() if lengths else 0

    @classmethod
    def from_arrays(cls, table: TableName, columns: Mapping[str, Any]) -> "RecordTable[Any]":
        """Check and normalise *columns* (field name -> values) for collection *table*.

        Raises:
            InvalidRecordError: For an unknown or missing field, columns of different
                lengths, or a value of the wrong type (naming the field and the row).
        """
        check_table(table)
        specs = {spec.name: spec for spec in field_specs(table)}
        unknown = sorted(set(columns) - set(specs))
        if unknown:
            raise InvalidRecordError(
                f"Dataset.from_columns: {table} has no field {', '.join(map(repr, unknown))}; "
                f"its fields are {', '.join(specs)}"
            )
        lengths = {name: len(values) for name, values in columns.items()}
        if len(set(lengths.values())) > 1:
            raise InvalidRecordError(
                f"Dataset.from_columns: the {table} columns have different lengths: {lengths}"
            )
        n = next(iter(lengths.values()), 0)
        normalised = {
            name: _frozen(_normalise_column(table, spec, columns.get(name, attrs.NOTHING), n))
            for name, spec in specs.items()
        }
        return cls(table, normalised)

    @property
    def table(self) -> TableName:
        """The collection the records belong to."""
        return self._table

    def column(self, field: str) -> Any:
        """The read-only column of *field*: a numpy array, or a `ListColumn` for a tuple field.

        Text is a unicode array, even where the table stores it as ASCII bytes (see `stored`).
        """
        found = self._columns[field]
        if isinstance(found, np.ndarray) and found.dtype.kind == "S":
            widened = self._unicode.get(field)
            if widened is None:
                widened = self._unicode[field] = freeze(as_unicode(found))
            return widened
        return found

    def stored(self, field: str) -> Any:
        """The column of *field* as stored: for text, unicode or ASCII bytes (`S`).

        Text columns from Arrow are kept as the bytes Arrow holds; identifiers code and
        compare the same either way, so indicators that only code them never widen them.
        """
        return self._columns[field]

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[R, ...]: ...
    def __getitem__(self, index: int | slice) -> R | tuple[R, ...]:
        if isinstance(index, slice):
            return tuple(self._record(i) for i in range(*index.indices(self._length)))
        if not -self._length <= index < self._length:
            raise IndexError(f"record {index} of a {self._length}-record {self._table} table")
        return self._record(index % self._length if self._length else index)

    def __iter__(self) -> Iterator[R]:
        for i in range(self._length):
            yield self._record(i)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"<RecordTable: {self._length} {self._table}>"

    def _record(self, i: int) -> R:
        values = {
            spec.name: _cell(
                spec,
                self._columns[spec.name].row(i) if spec.kind == "many" else self._value(spec, i),
            )
            for spec in field_specs(self._table)
        }
        record: R = RECORD_CLASSES[self._table](**values)
        return record

    def _value(self, spec: FieldSpec, i: int) -> Any:
        value = self._columns[spec.name][i]
        return value.decode("ascii") if isinstance(value, bytes) else value


def _cell(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "many":
        return value
    if spec.kind == "date":
        return None if np.isnat(value) else to_date(value)
    if spec.kind == "text":
        return None if spec.optional and value == "" else str(value)
    if spec.kind == "int":
        return None if np.isnan(value) else int(value)
    if spec.kind == "bool":
        return bool(value)
    return value


def _frozen(column: Any) -> Any:
    """*column* read-only (a `ListColumn` is already)."""
    return column if isinstance(column, ListColumn) else freeze(column)


def _omitted(spec: FieldSpec, n: int) -> Any:
    """The column of *n* records that all take *spec*'s default."""
    if spec.kind == "many":
        return ListColumn.empty(n, spec.element)
    if spec.kind == "date":
        return np.full(n, np.datetime64("NaT", "D"))
    if spec.kind == "int":
        return np.full(n, np.nan)
    if spec.kind == "bool":
        return np.full(n, bool(spec.default), dtype=np.bool_)
    text = "" if spec.default is None else str(spec.default)
    return np.full(n, text, dtype=f"<U{max(len(text), 1)}")


_SPACES = np.array([0, *(c for c in range(0x3001) if chr(c).isspace())], dtype=np.uint32)
"""NUL (an empty identifier) and every character `str.isspace` counts as a space."""


def _blank(column: StoredText, *, allow_empty: bool) -> int | None:
    """The first row of *column* that is empty or only spaces (empty allowed if asked), or None.

    Only identifiers starting with a space or NUL can be blank, so the first character is
    checked for every identifier and the whole text only for those few.
    """
    if len(column) == 0:
        return None
    chars = code_points(column)
    if chars.shape[1] == 0:
        return None if allow_empty else 0
    first = chars[:, 0].astype(np.uint32)
    # Every space character and NUL is below "!" or above "~": test those few in full.
    outside = np.flatnonzero((first - np.uint32(0x21)) > np.uint32(0x7E - 0x21))
    candidates = outside[np.isin(first[outside], _SPACES)]
    if not len(candidates):
        return None
    picked = as_unicode(column[candidates])
    blank = np.strings.isspace(picked)
    if not allow_empty:
        blank |= picked == ""
    found = np.flatnonzero(blank)
    return int(candidates[found[0]]) if len(found) else None


def _not_ascii(where: str, row: int, value: bytes) -> InvalidRecordError:
    """The error for bytes that are not ASCII: their text would be a guess."""
    return InvalidRecordError(
        f"{where}[{row}] holds bytes that are not ASCII text ({value!r}); decode the column "
        "to text first"
    )


def _text_of(value: Any, where: str, row: int) -> str:
    """One value of a text field given as an object: bytes must be ASCII."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        try:
            return value.decode("ascii")
        except UnicodeDecodeError:
            raise _not_ascii(where, row, value) from None
    return str(value)


def _check_ascii(column: npt.NDArray[np.bytes_], where: str) -> None:
    """Refuse a bytes column holding anything but ASCII."""
    if not len(column) or not column.dtype.itemsize:
        return
    chars = code_points(column)
    if int(chars.max()) >= 0x80:
        row = int(np.flatnonzero((chars >= 0x80).any(axis=1))[0])
        raise _not_ascii(where, row, column[row])


def _normalise_column(table: str, spec: FieldSpec, values: Any, n: int) -> Any:
    where = f"Dataset.from_columns: {table}.{spec.name}"
    column: npt.NDArray[Any]
    if values is attrs.NOTHING:
        if spec.default is attrs.NOTHING:
            raise InvalidRecordError(f"{where} is required")
        return _omitted(spec, n)
    try:
        if spec.kind == "many":
            if isinstance(values, ListColumn):
                if spec.element == "date" and values.values.dtype != np.dtype("datetime64[D]"):
                    raise InvalidRecordError(f"{where} must hold dates")
                if values.values.dtype.kind == "S":  # text is unicode inside a list
                    _check_ascii(values.values, where)
                    return ListColumn(values.offsets, as_unicode(values.values))
                return values
            for row, value in enumerate(values):
                if isinstance(value, str | bytes):
                    raise InvalidRecordError(
                        f"{where}[{row}] must be a sequence of values, got the text {value!r}"
                    )
            return ListColumn.from_sequences(list(values), kind=spec.element)
        if spec.kind == "date":
            column = as_day_array(values)
            if not spec.optional and np.isnat(column).any():
                row = int(np.flatnonzero(np.isnat(column))[0])
                raise InvalidRecordError(f"{where}[{row}] is missing; the field is required")
            return column
        if spec.kind == "bool":
            column = np.asarray(values)
            if column.dtype != np.bool_:
                if column.dtype != object or not all(isinstance(v, bool) for v in column):
                    raise InvalidRecordError(f"{where} must hold True or False")
                column = column.astype(np.bool_)
            return column
        if spec.kind == "int":
            column = np.asarray(values)
            if column.dtype == object:
                column = np.array([np.nan if v is None else v for v in column], dtype=np.float64)
            column = column.astype(np.float64, copy=False)
            present = column[~np.isnan(column)]
            if (present < 0).any() or (present != np.floor(present)).any():
                raise InvalidRecordError(f"{where} must hold whole numbers >= 0 or missing")
            return column
        if spec.kind == "text":
            column = np.asarray(values)
            if column.dtype.kind == "S":
                _check_ascii(column, where)
            elif column.dtype.kind != "U":
                column = np.array(
                    [_text_of(v, where, row) for row, v in enumerate(column)], dtype=np.str_
                )
            if spec.identifier:
                blank = _blank(column, allow_empty=spec.optional)
                if blank is not None:
                    row = int(blank)
                    raise InvalidRecordError(
                        f"{where}[{row}] must be a non-empty identifier, "
                        f"got {str(as_unicode(column[row : row + 1])[0])!r}"
                    )
            if spec.converter is not None and spec.converter is not attrs.NOTHING:
                allowed = {choice.value for choice in AssessmentKind}
                # Few distinct values: check each once.
                distinct, codes = factorize(column)
                wrong = ~np.isin(distinct, list(allowed))
                if wrong.any():
                    row = int(np.flatnonzero(wrong[codes])[0])
                    raise InvalidRecordError(
                        f"{where}[{row}] must be one of {sorted(allowed)}, "
                        f"got {str(distinct[codes[row]])!r}"
                    )
            return column
        raise InvalidRecordError(f"{where}: unknown kind of field {spec.kind!r}")
    except TypeError as error:
        raise InvalidRecordError(f"{where}: {error}") from None


# Typed converters: `converter=tuple` leaves mypy unable to type `Dataset(children=[...])`.
# A `RecordTable` is kept as it is, so column-backed collections stay columns.
