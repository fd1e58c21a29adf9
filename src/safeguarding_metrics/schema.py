"""The tables a `Dataset` holds and their fields: names, types, and which are required.

`schema()` describes every record collection the way a data engineer needs it to hand over
an extract: the column names (SPEC §3's field names), each column's type, whether it must
be given, and what it means. `Dataset.from_columns` and `Dataset.from_frames` accept exactly
these columns; the documentation's table reference is generated from it.
"""

import enum
import re
from collections.abc import Mapping
from typing import Any

import attrs

from safeguarding_metrics.records import RECORD_CLASSES, TABLES, TableName, field_specs

__all__ = ["FieldSchema", "TableSchema", "schema"]

_TYPES = {
    "date": "date",
    "text": "text",
    "bool": "true/false",
    "int": "whole number",
}


@attrs.frozen(kw_only=True)
class FieldSchema:
    """One column of a table.

    Attributes:
        name: The column's name (the record's field).
        type: ``date``, ``text``, ``true/false``, ``whole number``, ``list of dates`` or
            ``list of text``.
        required: Whether every row must have a value (a column that is not required may be
            left out entirely, or hold missing values).
        identifier: Whether it is an identifier (text that must not be blank).
        default: The value a left-out column takes (`None` for missing).
        description: What the column holds, from the record class's documentation.
    """

    name: str
    type: str
    required: bool
    identifier: bool
    default: Any
    description: str


@attrs.frozen(kw_only=True)
class TableSchema:
    """One record collection: its record class and its columns in order.

    Attributes:
        name: The collection's name, as `Dataset` and `from_frames` take it (``referrals``).
        record: The record class (`Referral`).
        fields: The columns.
    """

    name: TableName
    record: type
    fields: tuple[FieldSchema, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """The names of the columns that must be given."""
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> FieldSchema:
        """The column *name*."""
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)


def _descriptions(record: type) -> dict[str, str]:
    """Field name -> its description, from the class docstring's ``Attributes:`` section."""
    text = record.__doc__ or ""
    section = text.split("Attributes:", 1)[1] if "Attributes:" in text else ""
    found: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        match = re.match(r"^\s{8}(\w+): (.*)$", line)
        if match:
            name = match.group(1)
            found[name] = match.group(2).strip()
        elif name and line.strip():
            found[name] += " " + line.strip()
        elif not line.strip() and name:
            name = ""
    return found


def _table(name: TableName) -> TableSchema:
    record = RECORD_CLASSES[name]
    text = _descriptions(record)
    fields = []
    for spec in field_specs(name):
        kind = (
            f"list of {'dates' if spec.element == 'date' else 'text'}"
            if spec.kind == "many"
            else _TYPES[spec.kind]
        )
        has_default = spec.default is not attrs.NOTHING
        default = spec.default.value if isinstance(spec.default, enum.Enum) else spec.default
        fields.append(
            FieldSchema(
                name=spec.name,
                type=kind,
                required=not has_default,
                identifier=spec.identifier,
                default=default if has_default else None,
                description=text.get(spec.name, ""),
            )
        )
    return TableSchema(name=name, record=record, fields=tuple(fields))


_SCHEMA: dict[TableName, TableSchema] = {}


def schema() -> Mapping[TableName, TableSchema]:
    """Every record collection's columns, in `TABLES` order.

    Examples:
        >>> referrals = schema()["referrals"]
        >>> referrals.required
        ('referral_id', 'child_id', 'referral_date')
        >>> referrals.field("nfa").type
        'true/false'
    """
    if not _SCHEMA:
        for name in TABLES:
            _SCHEMA[name] = _table(name)
    return dict(_SCHEMA)
