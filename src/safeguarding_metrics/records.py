"""The records the indicators read: one frozen, keyword-only class per kind of record.

Readers in `safeguarding_metrics.io` build records from the DfE returns, and a script can
build them by hand. Their validators check types and identifiers only; a record whose dates
are out of order is still a valid record, because real returns contain them and an
indicator must see them to exclude them with a reason.
"""

import datetime as dt
import enum
import types
import typing
from collections.abc import Iterable
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np

from safeguarding_metrics.errors import InvalidRecordError

__all__ = [
    "RECORD_CLASSES",
    "TABLES",
    "Assessment",
    "AssessmentKind",
    "CINPlan",
    "CPPlan",
    "CareLeaver",
    "Child",
    "Contact",
    "Episode",
    "FieldSpec",
    "LACReview",
    "Record",
    "Referral",
    "Section47",
    "TableName",
    "check_field",
    "check_table",
    "describe",
    "field_specs",
]


# -- validators ------------------------------------------------------------------------------


def _where(instance: object, attribute: "attrs.Attribute[Any]") -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def describe(value: object) -> str:
    """*value* and its type, for an error message."""
    return f"{value!r} (a {type(value).__name__})"


def _identifier(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a non-empty string, got {describe(value)}"
        )


def _optional_identifier(
    instance: object, attribute: "attrs.Attribute[Any]", value: object
) -> None:
    if value is not None:
        _identifier(instance, attribute, value)


def _plain_date(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a datetime.date, got {describe(value)}"
        )


def _optional_date(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None:
        _plain_date(instance, attribute, value)


def _flag(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, bool | np.bool_):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be True or False, got {describe(value)}"
        )


def _optional_text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a string or None, got {describe(value)}"
        )


def _text(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a string, got {describe(value)}"
        )


def _optional_count(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a whole number >= 0 or None, "
            f"got {describe(value)}"
        )


def _optional_year(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise InvalidRecordError(
            f"{_where(instance, attribute)} must be a collection year such as 2025 or None, "
            f"got {describe(value)}"
        )


def _date_tuple(values: Iterable[dt.date]) -> tuple[dt.date, ...]:
    if isinstance(values, str | dt.date):
        raise InvalidRecordError(f"expected a sequence of dates, got {describe(values)}")
    items = tuple(values)
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, dt.date):
            raise InvalidRecordError(f"expected a sequence of dates, found {describe(item)}")
    return tuple(sorted(items))


def _text_tuple(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidRecordError(f"expected a sequence of strings, got {describe(values)}")
    items = tuple(values)
    for item in items:
        if not isinstance(item, str):
            raise InvalidRecordError(f"expected a sequence of strings, found {describe(item)}")
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
            f"Assessment.kind must be one of {choices}, got {describe(value)}"
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
        year: The collection year of the latest return holding the episode (the year in
            which that return's 31 March falls), or `None` when not read from a return.
            Readers set it; the looked-after indicators use it to close an episode left
            open by a child missing from a later return (SPEC §4.4).
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
    year: int | None = attrs.field(default=None, validator=_optional_year)


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
        year: The collection year of the return the row came from (the year in which its
            31 March falls), or `None` when not known. OC3 describes the young person
            around the birthday in that collection year, so with `year` set the care-leaver
            indicators read only the return for the period's year.
    """

    child_id: str = attrs.field(validator=_identifier)
    birth_date: dt.date = attrs.field(validator=_plain_date)
    in_touch: str | None = attrs.field(default=None, validator=_optional_text)
    activity: str | None = attrs.field(default=None, validator=_optional_text)
    accommodation: str | None = attrs.field(default=None, validator=_optional_text)
    year: int | None = attrs.field(default=None, validator=_optional_year)


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

RECORD_CLASSES: dict[str, type[Any]] = {
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


def check_table(table: str) -> None:
    """Raise `InvalidRecordError` unless *table* names a record collection."""
    if table not in RECORD_CLASSES:
        raise InvalidRecordError(
            f"unknown record collection {table!r}; expected one of {', '.join(TABLES)}"
        )


_FIELD_KINDS: dict[tuple[str, str], str] = {}


def check_field(table: str, field: str) -> str:
    """The kind of field *field* of collection *table*: date, bool, int, text or many.

    Raises:
        InvalidRecordError: For an unknown collection or field.
    """
    check_table(table)
    kind = _FIELD_KINDS.get((table, field))
    if kind is not None:
        return kind
    record_class = RECORD_CLASSES[table]
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


@attrs.frozen
class FieldSpec:
    """One field of a record class, as columns and readers see it.

    Attributes:
        name: The field's name.
        kind: ``date``, ``bool``, ``int``, ``text`` or ``many`` (a tuple of values).
        optional: Whether it may be missing (`None`).
        identifier: Whether it is an identifier (a non-empty string).
        default: Its default, or `attrs.NOTHING` when it is required.
        converter: The converter the record class applies, if any.
        element: For a field of several values (kind ``many``), the kind of each: ``date``
            or ``text``; ``""`` otherwise.
    """

    name: str
    kind: str
    optional: bool
    identifier: bool
    default: Any
    converter: Any
    element: str = ""


_FIELD_SPECS: dict[str, tuple[FieldSpec, ...]] = {}


def _element_kind(annotation: Any) -> str:
    """``date`` or ``text`` for ``tuple[dt.date, ...]`` or ``tuple[str, ...]``; else ``""``."""
    if typing.get_origin(annotation) is not tuple:
        return ""
    (first, *_) = typing.get_args(annotation)
    return "date" if first is dt.date else "text"


def field_specs(table: str) -> tuple[FieldSpec, ...]:
    """The fields of collection *table*'s record class, in declaration order."""
    cached = _FIELD_SPECS.get(table)
    if cached is None:
        record_class = RECORD_CLASSES[table]
        hints = typing.get_type_hints(record_class)
        cached = tuple(
            FieldSpec(
                name=field.name,
                kind=check_field(table, field.name),
                optional=_is_union(hints[field.name])
                and type(None) in typing.get_args(hints[field.name]),
                identifier=field.validator is _identifier,
                default=field.default,
                converter=field.converter,
                element=_element_kind(hints[field.name]),
            )
            for field in attrs.fields(record_class)
        )
        _FIELD_SPECS[table] = cached
    return cached
