"""Record collections held as columns: a national-scale extract without a Python object per record."""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import freeze
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

__all__ = ["RecordTable"]

R = TypeVar("R")


class RecordTable(Sequence[R]):
    """A collection of records held as columns; a record is built only when it is read.

    `Dataset.from_columns` makes these, so a national-scale dataset costs a few numpy arrays
    rather than a million Python objects. A table behaves as a read-only sequence of records
    and equals a tuple of the same records; indicators read its columns directly.
    """

    __slots__ = ("_columns", "_length", "_table")

    def __init__(self, table: TableName, columns: Mapping[str, npt.NDArray[Any]]) -> None:
        """Wrap *columns* already checked and normalised by `RecordTable.from_arrays`."""
        self._table = table
        self._columns = dict(columns)
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
            name: freeze(_normalise_column(table, spec, columns.get(name, attrs.NOTHING), n))
            for name, spec in specs.items()
        }
        return cls(table, normalised)

    @property
    def table(self) -> TableName:
        """The collection the records belong to."""
        return self._table

    def column(self, field: str) -> npt.NDArray[Any]:
        """The read-only column of *field*."""
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
            spec.name: _cell(spec, self._columns[spec.name][i]) for spec in field_specs(self._table)
        }
        record: R = RECORD_CLASSES[self._table](**values)
        return record


def _cell(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "date":
        return None if np.isnat(value) else to_date(value)
    if spec.kind == "text":
        return None if spec.optional and value == "" else str(value)
    if spec.kind == "int":
        return None if np.isnan(value) else int(value)
    if spec.kind == "bool":
        return bool(value)
    return value


def _normalise_column(table: str, spec: FieldSpec, values: Any, n: int) -> npt.NDArray[Any]:
    where = f"Dataset.from_columns: {table}.{spec.name}"
    column: npt.NDArray[Any]
    if values is attrs.NOTHING:
        if spec.default is attrs.NOTHING:
            raise InvalidRecordError(f"{where} is required")
        values = [spec.default] * n
    try:
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
            column = column.astype(np.float64)
            present = column[~np.isnan(column)]
            if (present < 0).any() or (present != np.floor(present)).any():
                raise InvalidRecordError(f"{where} must hold whole numbers >= 0 or missing")
            return column
        if spec.kind == "text":
            column = np.asarray(values)
            if column.dtype.kind != "U":
                column = np.array(["" if v is None else str(v) for v in column], dtype=np.str_)
            if spec.identifier:
                blank = (column == "") | np.strings.isspace(column)
                if spec.optional:
                    blank &= column != ""
                if blank.any():
                    row = int(np.flatnonzero(blank)[0])
                    raise InvalidRecordError(
                        f"{where}[{row}] must be a non-empty identifier, got {column[row]!r}"
                    )
            if spec.converter is not None and spec.converter is not attrs.NOTHING:
                allowed = {choice.value for choice in AssessmentKind}
                bad = ~np.isin(column, list(allowed))
                if bad.any():
                    row = int(np.flatnonzero(bad)[0])
                    raise InvalidRecordError(
                        f"{where}[{row}] must be one of {sorted(allowed)}, got {column[row]!r}"
                    )
            return column
        column = np.empty(n, dtype=object)
        column[:] = [spec.converter(v) for v in values]
        return column
    except TypeError as error:
        raise InvalidRecordError(f"{where}: {error}") from None


# Typed converters: `converter=tuple` leaves mypy unable to type `Dataset(children=[...])`.
# A `RecordTable` is kept as it is, so column-backed collections stay columns.
