"""The records the indicators read, and the `Dataset` that bundles them.

Records are frozen, keyword-only and hold data only: readers in `safeguarding_metrics.io`
build them from the DfE returns, and a script can build them by hand. Their validators check
types and identifiers only; a record whose dates are out of order is still a valid record,
because real returns contain them and an indicator must see them to exclude them with a
reason.
"""

import datetime as dt
import enum
import types
import typing
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import factorize_compact, freeze
from safeguarding_metrics._dates import DayArray, as_day_array, to_date
from safeguarding_metrics.errors import InvalidRecordError

__all__ = [
    "TABLES",
    "Assessment",
    "AssessmentKind",
    "CINPlan",
    "CPPlan",
    "CareLeaver",
    "Child",
    "Contact",
    "Dataset",
    "Diagnostic",
    "Episode",
    "LACReview",
    "Record",
    "RecordTable",
    "Referral",
    "Section47",
    "TableName",
]


# -- validators ------------------------------------------------------------------------------


def _where(instance: object, attribute: "attrs.Attribute[Any]") -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _describe(value: object) -> str:
    return f"{value!r} (a {type(value).__name__})"


def _identifier(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a non-empty string, got {_describe(value)}"
        )


def _optional_identifier(
    instance: object, attribute: "attrs.Attribute[Any]", value: object
) -> None:
    if value is not None:
        _identifier(instance, attribute, value)


def _plain_date(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a datetime.date, got {_describe(value)}"
        )


def _optional_date(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        _plain_date(instance, attribute, value)


def _flag(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, bool | np.bool_):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be True or False, got {_describe(value)}"
        )


def _optional_text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a string or None, got {_describe(value)}"
        )


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a string, got {_describe(value)}"
        )


def _optional_count(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a whole number >= 0 or None, "
            f"got {_describe(value)}"
        )


def _date_tuple(values: Iterable[dt.date]) -> tuple[dt.date, ...]:
    if isinstance(values, str | dt.date):
        raise InvalidRecordError(f"expected a sequence of dates, got {_describe(values)}")
    items = tuple(values)
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            raise InvalidRecordError(f"expected a sequence of dates, found {_describe(item)}")
    return tuple(sorted(items))


def _text_tuple(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidRecordError(f"expected a sequence of strings, got {_describe(values)}")
    items = tuple(values)
    for item in items:
        if not isinstance(item, str):
            raise InvalidRecordError(f"expected a sequence of strings, found {_describe(item)}")
    return items


# -- records ---------------------------------------------------------------------------------


class AssessmentKind(enum.StrEnum):
    """Which assessment framework an assessment belongs to."""

    SINGLE = "single"
    """The child and family (single) assessment, from 2013."""
    INITIAL = "initial"
    """The initial assessment (NI 59), before 2013."""
    CORE = "core"
    """The core assessment (NI 60), before 2013."""


def _assessment_kind(value: str) -> AssessmentKind:
    try:
        return AssessmentKind(value)
    except ValueError:
        choices = ", ".join(repr(k.value) for k in AssessmentKind)
        raise InvalidRecordError(
            f"Assessment.kind must be one of {choices}, got {_describe(value)}"
        ) from None


@attrs.frozen(kw_only=True)
class Child:
    """A child known to children's services.

    Attributes:
        child_id: The local authority's identifier for the child (LAchildID, CHILD).
        birth_date: The child's date of birth, if known.
        sex: The recorded sex code, if known.
        ethnicity: The recorded ethnicity code, if known.
    """

    child_id: str = attrs.field(validator=_identifier)
    birth_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    sex: str | None = attrs.field(default=None, validator=_optional_text)
    ethnicity: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class Contact:
    """A contact with the children's services front door.

    Attributes:
        child_id: The child the contact is about.
        contact_date: The day the contact was received.
        decision_date: The day a decision was made on it, or `None` while undecided.
        outcome: The recorded outcome code.
        source: Who made the contact.
    """

    child_id: str = attrs.field(validator=_identifier)
    contact_date: dt.date = attrs.field(validator=_plain_date)
    decision_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    outcome: str | None = attrs.field(default=None, validator=_optional_text)
    source: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class Referral:
    """A referral to children's social care: the start of a CIN episode (CINdetails).

    Attributes:
        referral_id: Identifies the referral; readers build it from child id and date.
        child_id: The child referred.
        referral_date: CINreferralDate.
        source: ReferralSource code.
        nfa: Whether the referral led to no further action (ReferralNFA).
        closure_date: CINclosureDate, or `None` while the episode is open.
        closure_reason: ReasonForClosure code.
        primary_need: PrimaryNeedCode.
    """

    referral_id: str = attrs.field(validator=_identifier)
    child_id: str = attrs.field(validator=_identifier)
    referral_date: dt.date = attrs.field(validator=_plain_date)
    source: str | None = attrs.field(default=None, validator=_optional_text)
    nfa: bool = attrs.field(default=False, validator=_flag)
    closure_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    closure_reason: str | None = attrs.field(default=None, validator=_optional_text)
    primary_need: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class Assessment:
    """An assessment of a child's needs.

    Attributes:
        child_id: The child assessed.
        referral_id: The referral the assessment belongs to, if known.
        start_date: AssessmentActualStartDate; `None` when the return has none (the
            timescale indicators then exclude it as `missing-start`).
        authorisation_date: AssessmentAuthorisationDate, or `None` while open.
        kind: `single` (the default), `initial` or `core`.
        factors: The factors identified at the end of assessment (codes).
    """

    child_id: str = attrs.field(validator=_identifier)
    referral_id: str | None = attrs.field(default=None, validator=_optional_identifier)
    start_date: dt.date | None = attrs.field(validator=_optional_date)
    authorisation_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    kind: AssessmentKind = attrs.field(default=AssessmentKind.SINGLE, converter=_assessment_kind)
    factors: tuple[str, ...] = attrs.field(default=(), converter=_text_tuple)


@attrs.frozen(kw_only=True)
class Section47:
    """A section 47 enquiry and its initial child protection conference.

    Attributes:
        child_id: The child the enquiry is about.
        referral_id: The referral it belongs to, if known.
        start_date: S47ActualStartDate: the strategy discussion that initiated the enquiry;
            `None` when the return has none.
        icpc_target: InitialCPCtarget, 15 working days after the start.
        icpc_date: DateOfInitialCPC, or `None` when no conference was held.
        icpc_not_required: ICPCnotRequired: the enquiry ended without a conference.
    """

    child_id: str = attrs.field(validator=_identifier)
    referral_id: str | None = attrs.field(default=None, validator=_optional_identifier)
    start_date: dt.date | None = attrs.field(validator=_optional_date)
    icpc_target: dt.date | None = attrs.field(default=None, validator=_optional_date)
    icpc_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    icpc_not_required: bool = attrs.field(default=False, validator=_flag)


@attrs.frozen(kw_only=True)
class CPPlan:
    """A child protection plan.

    Attributes:
        child_id: The child on the plan.
        referral_id: The referral it belongs to, if known.
        start_date: CPPstartDate.
        end_date: CPPendDate, or `None` while the plan is open.
        previous_plans: NumberOfPreviousCPP, if recorded.
        initial_category: The initial category of abuse (code).
        latest_category: The latest category of abuse (code).
        review_dates: CPPreviewDate values, sorted.
    """

    child_id: str = attrs.field(validator=_identifier)
    referral_id: str | None = attrs.field(default=None, validator=_optional_identifier)
    start_date: dt.date = attrs.field(validator=_plain_date)
    end_date: dt.date | None = attrs.field(default=None, validator=_optional_date)
    previous_plans: int | None = attrs.field(default=None, validator=_optional_count)
    initial_category: str | None = attrs.field(default=None, validator=_optional_text)
    latest_category: str | None = attrs.field(default=None, validator=_optional_text)
    review_dates: tuple[dt.date, ...] = attrs.field(default=(), converter=_date_tuple)


@attrs.frozen(kw_only=True)
class CINPlan:
    """A child in need plan (CINPlanDates).

    Attributes:
        child_id: The child on the plan.
        referral_id: The referral it belongs to, if known.
        start_date: CINPlanStartDate.
        end_date: CINPlanEndDate, or `None` while open.
    """

    child_id: str = attrs.field(validator=_identifier)
    referral_id: str | None = attrs.field(default=None, validator=_optional_identifier)
    start_date: dt.date = attrs.field(validator=_plain_date)
    end_date: dt.date | None = attrs.field(default=None, validator=_optional_date)


@attrs.frozen(kw_only=True)
class Episode:
    """An SSDA903 episode of care: a stretch with one legal status and one placement.

    Attributes:
        child_id: CHILD.
        start: DECOM, the day the episode began.
        end: DEC, the day it ceased, or `None` while open.
        reason_new: RNE, why the episode began (S, P, B, L, T, U).
        legal_status: LS, e.g. C2, V2, V3, V4.
        placement: PLACE, e.g. U1, A3, T0.
        reason_ceased: REC, e.g. E11, E41.
        provider: PLACE_PROVIDER.
        postcode: PL_POST, the placement postcode.
        urn: URN, the Ofsted unique reference number of the placement.
        category_of_need: CIN, the category of need code.
    """

    child_id: str = attrs.field(validator=_identifier)
    start: dt.date = attrs.field(validator=_plain_date)
    end: dt.date | None = attrs.field(default=None, validator=_optional_date)
    reason_new: str = attrs.field(validator=_text)
    legal_status: str = attrs.field(validator=_text)
    placement: str = attrs.field(validator=_text)
    reason_ceased: str | None = attrs.field(default=None, validator=_optional_text)
    provider: str | None = attrs.field(default=None, validator=_optional_text)
    postcode: str | None = attrs.field(default=None, validator=_optional_text)
    urn: str | None = attrs.field(default=None, validator=_optional_text)
    category_of_need: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class LACReview:
    """A review of a looked-after child's care plan (SSDA903 reviews).

    Attributes:
        child_id: CHILD.
        review_date: REVIEW.
        participation: REVIEW_CODE (PN0 to PN7).
    """

    child_id: str = attrs.field(validator=_identifier)
    review_date: dt.date = attrs.field(validator=_plain_date)
    participation: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen(kw_only=True)
class CareLeaver:
    """A care leaver's status around a birthday (SSDA903 OC3).

    Attributes:
        child_id: CHILD.
        birth_date: DOB.
        in_touch: IN_TOUCH (YES, NO, DIED, REFU, NREQ, RHOM).
        activity: ACTIV (F1, P1, ... G6).
        accommodation: ACCOM (B1, ... Z2); the final 1 or 2 says suitable or not.
    """

    child_id: str = attrs.field(validator=_identifier)
    birth_date: dt.date = attrs.field(validator=_plain_date)
    in_touch: str | None = attrs.field(default=None, validator=_optional_text)
    activity: str | None = attrs.field(default=None, validator=_optional_text)
    accommodation: str | None = attrs.field(default=None, validator=_optional_text)


Record: TypeAlias = (
    Child
    | Contact
    | Referral
    | Assessment
    | Section47
    | CPPlan
    | CINPlan
    | Episode
    | LACReview
    | CareLeaver
)
"""Any of the record classes."""


# -- diagnostics -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Diagnostic:
    """A problem met while reading a return: where it was, and what was wrong.

    Attributes:
        file: The file the problem is in.
        where: The line number or element path.
        field: The field (column or element name).
        value: The offending value as read (never personal data beyond the return's own).
        problem: What was wrong, and what the reader did about it.
    """

    file: str
    where: str
    field: str
    value: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.field}={self.value!r}: {self.problem}"


# -- the dataset -----------------------------------------------------------------------------

TableName: TypeAlias = Literal[
    "children",
    "contacts",
    "referrals",
    "assessments",
    "section47s",
    "cp_plans",
    "cin_plans",
    "episodes",
    "lac_reviews",
    "care_leavers",
]

_RECORD_CLASSES: dict[str, type[Any]] = {
    "children": Child,
    "contacts": Contact,
    "referrals": Referral,
    "assessments": Assessment,
    "section47s": Section47,
    "cp_plans": CPPlan,
    "cin_plans": CINPlan,
    "episodes": Episode,
    "lac_reviews": LACReview,
    "care_leavers": CareLeaver,
}
TABLES: tuple[TableName, ...] = typing.get_args(TableName)
"""The names of a `Dataset`'s record collections, in a fixed order."""


_IDENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "children": ("child_id",),
    "contacts": ("child_id", "contact_date"),
    "referrals": ("referral_id",),
    "assessments": ("child_id", "referral_id", "start_date", "kind"),
    "section47s": ("child_id", "referral_id", "start_date"),
    "cp_plans": ("child_id", "start_date"),
    "cin_plans": ("child_id", "referral_id", "start_date"),
    "episodes": ("child_id", "start"),
    "lac_reviews": ("child_id", "review_date"),
    "care_leavers": ("child_id",),
}
"""The fields that make two records "the same record" when datasets merge with `|`."""


# Collections whose records belong to a referral's CIN episode.
_LINKED_TO_REFERRAL = ("assessments", "section47s", "cp_plans", "cin_plans")


def _identity_keys(
    dataset: "Dataset", table: TableName, fields: tuple[str, ...] | None = None
) -> list[Hashable]:
    """Each record's identity (see `_IDENTITY_FIELDS`), read from columns, building no record."""
    names = _IDENTITY_FIELDS[table] if fields is None else fields
    columns = [dataset.column(table, field).tolist() for field in names]
    keys: list[Hashable] = columns[0] if len(columns) == 1 else list(zip(*columns, strict=True))
    return keys


def _concatenate(
    table: TableName, left: Sequence[Any], keep: npt.NDArray[np.bool_], right: Sequence[Any]
) -> Sequence[Any]:
    if not len(left):
        return right
    if keep.all() and not len(right):
        return left
    if isinstance(left, RecordTable) and (isinstance(right, RecordTable) or not len(right)):
        columns: dict[str, npt.NDArray[Any]] = {}
        for spec in _specs(table):
            parts = [left.column(spec.name)[keep]]
            if isinstance(right, RecordTable):
                parts.append(right.column(spec.name))
            columns[spec.name] = freeze(np.concatenate(parts))
        return RecordTable(table, columns)
    kept = (record for record, wanted in zip(left, keep.tolist(), strict=True) if wanted)
    return (*kept, *right)


def _check_records(name: str, items: tuple[Any, ...]) -> None:
    record_class = _RECORD_CLASSES[name]
    for position, item in enumerate(items):
        if type(item) is not record_class:
            raise InvalidRecordError(
                f"Dataset.{name}[{position}] must be a {record_class.__name__}, "
                f"got {_describe(item)}"
            )


def _diagnostics(values: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    items = tuple(values)
    for item in items:
        if not isinstance(item, Diagnostic):
            raise InvalidRecordError(f"Dataset.diagnostics must hold Diagnostic, got {item!r}")
    return items


R = TypeVar("R")
T = TypeVar("T")


@attrs.frozen
class _FieldSpec:
    name: str
    kind: str
    optional: bool
    identifier: bool
    default: Any
    converter: Any


_SPECS: dict[str, tuple[_FieldSpec, ...]] = {}


def _specs(table: str) -> tuple[_FieldSpec, ...]:
    cached = _SPECS.get(table)
    if cached is None:
        record_class = _RECORD_CLASSES[table]
        hints = typing.get_type_hints(record_class)
        cached = tuple(
            _FieldSpec(
                name=field.name,
                kind=_check_field(table, field.name),
                optional=_is_union(hints[field.name])
                and type(None) in typing.get_args(hints[field.name]),
                identifier=field.validator is _identifier,
                default=field.default,
                converter=field.converter,
            )
            for field in attrs.fields(record_class)
        )
        _SPECS[table] = cached
    return cached


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
        _check_table(table)
        specs = {spec.name: spec for spec in _specs(table)}
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
            spec.name: _cell(spec, self._columns[spec.name][i]) for spec in _specs(self._table)
        }
        record: R = _RECORD_CLASSES[self._table](**values)
        return record


def _cell(spec: _FieldSpec, value: Any) -> Any:
    if spec.kind == "date":
        return None if np.isnat(value) else to_date(value)
    if spec.kind == "text":
        return None if spec.optional and value == "" else str(value)
    if spec.kind == "int":
        return None if np.isnan(value) else int(value)
    if spec.kind == "bool":
        return bool(value)
    return value


def _normalise_column(table: str, spec: _FieldSpec, values: Any, n: int) -> npt.NDArray[Any]:
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


def _children(values: Iterable[Child]) -> Sequence[Child]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _contacts(values: Iterable[Contact]) -> Sequence[Contact]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _referrals(values: Iterable[Referral]) -> Sequence[Referral]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _assessments(values: Iterable[Assessment]) -> Sequence[Assessment]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _section47s(values: Iterable[Section47]) -> Sequence[Section47]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _cp_plans(values: Iterable[CPPlan]) -> Sequence[CPPlan]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _cin_plans(values: Iterable[CINPlan]) -> Sequence[CINPlan]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _episodes(values: Iterable[Episode]) -> Sequence[Episode]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _lac_reviews(values: Iterable[LACReview]) -> Sequence[LACReview]:
    return values if isinstance(values, RecordTable) else tuple(values)


def _care_leavers(values: Iterable[CareLeaver]) -> Sequence[CareLeaver]:
    return values if isinstance(values, RecordTable) else tuple(values)


@attrs.frozen(kw_only=True)
class Dataset:
    """An immutable bundle of record collections, as read from one or more returns.

    Every collection is optional. Two datasets merge with `|`: where the same record (the
    same child, or the same child's referral, plan or episode on the same date) is in both,
    the right-hand one wins, as a later year's return wins over an earlier one.

    Indicators read a collection as columns (numpy arrays), built on first use and kept, so
    several indicators over one dataset convert each collection once.

    Examples:
        >>> import datetime as dt
        >>> data = Dataset(children=[Child(child_id="A1", birth_date=dt.date(2015, 6, 1))])
        >>> len(data.children), data.column("children", "birth_date")
        (1, array(['2015-06-01'], dtype='datetime64[D]'))
    """

    children: Sequence[Child] = attrs.field(default=(), converter=_children)
    contacts: Sequence[Contact] = attrs.field(default=(), converter=_contacts)
    referrals: Sequence[Referral] = attrs.field(default=(), converter=_referrals)
    assessments: Sequence[Assessment] = attrs.field(default=(), converter=_assessments)
    section47s: Sequence[Section47] = attrs.field(default=(), converter=_section47s)
    cp_plans: Sequence[CPPlan] = attrs.field(default=(), converter=_cp_plans)
    cin_plans: Sequence[CINPlan] = attrs.field(default=(), converter=_cin_plans)
    episodes: Sequence[Episode] = attrs.field(default=(), converter=_episodes)
    lac_reviews: Sequence[LACReview] = attrs.field(default=(), converter=_lac_reviews)
    care_leavers: Sequence[CareLeaver] = attrs.field(default=(), converter=_care_leavers)
    diagnostics: tuple[Diagnostic, ...] = attrs.field(default=(), converter=_diagnostics)
    _cache: dict[Hashable, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    TABLES: ClassVar[tuple[TableName, ...]] = TABLES

    def __attrs_post_init__(self) -> None:
        for name in TABLES:
            collection = getattr(self, name)
            if isinstance(collection, RecordTable):
                if collection.table != name:
                    raise InvalidRecordError(
                        f"Dataset.{name} was given a table of {collection.table}"
                    )
            else:
                _check_records(name, collection)

    @classmethod
    def from_columns(
        cls,
        *,
        diagnostics: Iterable[Diagnostic] = (),
        **collections: Mapping[str, Any],
    ) -> "Dataset":
        """A dataset whose collections are given as columns: field name -> array of values.

        Dates may be `datetime64` arrays (`NaT` for missing) or sequences of dates and
        `None`; text may be unicode arrays (`""` for missing) or sequences of strings and
        `None`. A field with a default may be left out. Records are built only when read, so
        this is the way to hand a national-scale extract to the indicators.

        Raises:
            InvalidRecordError: For an unknown collection or field, a required field left
                out, columns of different lengths, or a value of the wrong type.

        Examples:
            >>> import numpy as np
            >>> data = Dataset.from_columns(
            ...     lac_reviews={
            ...         "child_id": np.array(["C1", "C2"]),
            ...         "review_date": np.array(["2024-05-01", "2024-06-03"], "datetime64[D]"),
            ...     }
            ... )
            >>> data.lac_reviews[1]
            LACReview(child_id='C2', review_date=datetime.date(2024, 6, 3), participation=None)
        """
        tables = {
            name: RecordTable.from_arrays(name, columns)  # type: ignore[arg-type]
            for name, columns in collections.items()
        }
        return cls(**tables, diagnostics=diagnostics)

    @classmethod
    def of(cls, *records: Record) -> "Dataset":
        """A dataset holding *records*, each put in the collection of its class.

        Examples:
            >>> import datetime as dt
            >>> d = Dataset.of(LACReview(child_id="C", review_date=dt.date(2024, 5, 1)))
            >>> len(d.lac_reviews)
            1
        """
        by_table: dict[str, list[Any]] = {name: [] for name in TABLES}
        table_of = {record_class: name for name, record_class in _RECORD_CLASSES.items()}
        for position, record in enumerate(records):
            name = table_of.get(type(record))
            if name is None:
                raise InvalidRecordError(
                    f"Dataset.of() argument {position} is not a record: {_describe(record)}"
                )
            by_table[name].append(record)
        return cls(**by_table)

    def __or__(self, other: object) -> "Dataset":
        """Merge two datasets, the right-hand one winning, as a later year's return wins.

        A record of the right replaces the left's record with the same identity (the same
        child; or the same child's referral, plan, episode or review on the same date). A
        referral on the right also replaces the whole CIN episode: the left's referrals of
        that child on that date, and the assessments, section 47 enquiries and plans linked
        to them, are dropped, so a later return that removed or corrected one of them wins.
        """
        if not isinstance(other, Dataset):
            return NotImplemented
        # A referral on the right replaces every left referral of that child on that date
        # (a return numbers same-day referrals "/2", "/3", so ids alone would not match).
        later_days = set(_identity_keys(other, "referrals", ("child_id", "referral_date")))
        left_days = _identity_keys(self, "referrals", ("child_id", "referral_date"))
        replaced_left = np.fromiter(
            (day in later_days for day in left_days), dtype=np.bool_, count=len(left_days)
        )
        replaced_referrals = np.unique(
            np.concatenate(
                [
                    other.column("referrals", "referral_id"),
                    self.column("referrals", "referral_id")[replaced_left],
                ]
            )
        )
        replaced_referrals = replaced_referrals[replaced_referrals != ""]
        merged: dict[str, Any] = {}
        for name in TABLES:
            left = self.records(name)
            right = other.records(name)
            drop = replaced_left.copy() if name == "referrals" else np.zeros(len(left), np.bool_)
            if len(left) and len(right):
                right_keys = set(_identity_keys(other, name))
                drop |= np.fromiter(
                    (key in right_keys for key in _identity_keys(self, name)),
                    dtype=np.bool_,
                    count=len(left),
                )
            if len(left) and name in _LINKED_TO_REFERRAL and len(replaced_referrals):
                drop |= np.isin(self.column(name, "referral_id"), replaced_referrals)
            merged[name] = _concatenate(name, left, ~drop, right)
        return Dataset(**merged, diagnostics=(*self.diagnostics, *other.diagnostics))

    def records(self, table: TableName) -> Sequence[Record]:
        """The records of collection *table*."""
        _check_table(table)
        result: Sequence[Record] = getattr(self, table)
        return result

    def __iter__(self) -> Iterator[Record]:
        for name in TABLES:
            yield from getattr(self, name)

    def counts(self) -> dict[str, int]:
        """How many records each collection holds."""
        return {name: len(getattr(self, name)) for name in TABLES}

    def is_empty(self, table: TableName) -> bool:
        """Whether collection *table* holds no records."""
        return not self.records(table)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """*build()*, computed once per dataset and kept for the next caller with the same *key*.

        Indicators share work derived from a dataset this way (a sorted grouping of referrals,
        the periods of care), so a report computing several indicators does it once. What is
        kept must not be changed by its users: keep arrays read-only. Use a key that names
        its owner, e.g. ``("care_history",)``.
        """
        full_key = ("derived", key)
        if full_key not in self._cache:
            self._cache[full_key] = build()
        value: T = self._cache[full_key]
        return value

    # -- columns ---------------------------------------------------------------------------

    def column(self, table: TableName, field: str) -> npt.NDArray[Any]:
        """Field *field* of every record of *table*, as a read-only numpy array.

        Dates become `datetime64[D]` (missing: `NaT`); flags become `bool`; whole numbers
        become `float64` (missing: `nan`); text becomes a unicode array (missing: `""`).
        """
        key = ("column", table, field)
        cached = self._cache.get(key)
        if cached is None:
            cached = freeze(self._build_column(table, field))
            self._cache[key] = cached
        result: npt.NDArray[Any] = cached
        return result

    def dates(self, table: TableName, field: str) -> DayArray:
        """`column()` for a date field, typed as a day array."""
        result: DayArray = self.column(table, field)
        if result.dtype != np.dtype("datetime64[D]"):
            raise InvalidRecordError(f"{table}.{field} is not a date field")
        return result

    def exploded(self, table: TableName, field: str) -> tuple[npt.NDArray[np.int64], DayArray]:
        """A tuple-of-dates field (such as `review_dates`) as (row number, date) arrays."""
        key = ("exploded", table, field)
        cached = self._cache.get(key)
        if cached is None:
            records = self.records(table)
            _check_field(table, field)
            per_row: Any = (
                records.column(field)
                if isinstance(records, RecordTable)
                else [getattr(r, field) for r in records]
            )
            lengths = np.fromiter((len(v) for v in per_row), dtype=np.int64, count=len(per_row))
            rows = np.repeat(np.arange(len(records), dtype=np.int64), lengths)
            values = as_day_array(d for v in per_row for d in v)
            cached = (freeze(rows), freeze(values))
            self._cache[key] = cached
        result: tuple[npt.NDArray[np.int64], DayArray] = cached
        return result

    @property
    def child_ids(self) -> npt.NDArray[np.str_]:
        """Every child id in any collection, sorted, each once."""
        self._code_children()
        result: npt.NDArray[np.str_] = self._cache["child_ids"]
        return result

    def child_codes(self, table: TableName) -> npt.NDArray[np.int64]:
        """For each record of *table*, the position of its child in `child_ids`.

        Codes agree across collections, so they join records of one child.
        """
        _check_table(table)
        self._code_children()
        result: npt.NDArray[np.int64] = self._cache[("child_codes", table)]
        return result

    def _code_children(self) -> None:
        if "child_ids" in self._cache:
            return
        columns = [self.column(name, "child_id") for name in TABLES]
        everything = (
            np.concatenate(columns) if any(len(c) for c in columns) else np.array([], np.str_)
        )
        uniques, codes = factorize_compact(everything)
        self._cache["child_ids"] = freeze(uniques)
        start = 0
        for name, column in zip(TABLES, columns, strict=True):
            self._cache[("child_codes", name)] = freeze(codes[start : start + len(column)])
            start += len(column)

    def referral_rows(self, table: TableName) -> npt.NDArray[np.int64]:
        """For each record of *table*, the row of its linked referral in `referrals`, or -1.

        A record links to a referral by `referral_id`; -1 when it has none or the id is
        not among the dataset's referrals.
        """
        key = ("referral_rows", table)
        cached = self._cache.get(key)
        if cached is None:
            ids = self.column(table, "referral_id")
            referral_ids = self.column("referrals", "referral_id")
            both = np.concatenate([referral_ids, ids]) if len(ids) else referral_ids
            uniques, codes = factorize_compact(both)
            first_row = np.full(len(uniques), -1, dtype=np.int64)
            # Assign in reverse so the first referral with an id wins.
            first_row[codes[: len(referral_ids)][::-1]] = np.arange(len(referral_ids))[::-1]
            rows = first_row[codes[len(referral_ids) :]]
            rows[ids == ""] = -1
            cached = freeze(rows.astype(np.int64))
            self._cache[key] = cached
        result: npt.NDArray[np.int64] = cached
        return result

    def _build_column(self, table: TableName, field: str) -> npt.NDArray[Any]:
        records = self.records(table)
        kind = _check_field(table, field)
        if isinstance(records, RecordTable) and kind != "many":
            return records.column(field)
        values = (getattr(r, field) for r in records)
        if kind == "date":
            return as_day_array(values)
        if kind == "bool":
            return np.fromiter(values, dtype=np.bool_, count=len(records))
        if kind == "int":
            return np.fromiter(
                (np.nan if v is None else float(v) for v in values),
                dtype=np.float64,
                count=len(records),
            )
        if kind == "text":
            return np.array(["" if v is None else str(v) for v in values], dtype=np.str_)
        raise InvalidRecordError(f"{table}.{field} holds several values; use exploded()")


def _check_table(table: str) -> None:
    if table not in _RECORD_CLASSES:
        raise InvalidRecordError(
            f"unknown record collection {table!r}; expected one of {', '.join(TABLES)}"
        )


_FIELD_KINDS: dict[tuple[str, str], str] = {}


def _check_field(table: str, field: str) -> str:
    _check_table(table)
    kind = _FIELD_KINDS.get((table, field))
    if kind is not None:
        return kind
    record_class = _RECORD_CLASSES[table]
    names = {f.name: f for f in attrs.fields(record_class)}
    if field not in names:
        raise InvalidRecordError(
            f"{record_class.__name__} has no field {field!r}; it has {', '.join(names)}"
        )
    kind = _kind_of(typing.get_type_hints(record_class)[field])
    _FIELD_KINDS[(table, field)] = kind
    return kind


def _kind_of(annotation: Any) -> str:
    options = set(typing.get_args(annotation)) if _is_union(annotation) else {annotation}
    options.discard(type(None))
    (only,) = options
    if only is dt.date:
        return "date"
    if only is bool:
        return "bool"
    if only is int:
        return "int"
    if isinstance(only, type) and issubclass(only, str):
        return "text"
    return "many"


def _is_union(annotation: Any) -> bool:
    return isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union
