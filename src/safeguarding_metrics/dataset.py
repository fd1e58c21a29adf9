"""The `Dataset`: an immutable bundle of record collections, as read from one or more returns."""

import types
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import (
    DeferredText,
    Identifiers,
    StoredText,
    as_unicode,
    code_many,
    freeze,
)
from safeguarding_metrics._dates import DayArray, as_day_array
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidRecordError
from safeguarding_metrics.provenance import Coverage, Origins
from safeguarding_metrics.record_table import ListColumn, RecordTable
from safeguarding_metrics.records import (
    RECORD_CLASSES,
    TABLES,
    Assessment,
    CareLeaver,
    Child,
    CINPlan,
    Contact,
    CPPlan,
    Episode,
    LACReview,
    Record,
    Referral,
    Section47,
    TableName,
    check_field,
    check_table,
    describe,
    field_specs,
)

__all__ = ["Dataset"]

T = TypeVar("T")

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
    "care_leavers": ("child_id", "year"),
}
"""The fields that make two records "the same record" when datasets merge with `|`."""


# Collections whose records belong to a referral's CIN episode.
_LINKED_TO_REFERRAL = ("assessments", "section47s", "cp_plans", "cin_plans")


def _identity_keys(
    dataset: "Dataset", table: TableName, fields: tuple[str, ...] | None = None
) -> list[Hashable]:
    """Each record's identity (see `_IDENTITY_FIELDS`), read from columns, building no record."""
    names = _IDENTITY_FIELDS[table] if fields is None else fields
    columns = []
    for field in names:
        values = dataset.column(table, field)
        # nan (a missing whole number) is not equal to itself: key it as None.
        columns.append(
            np.where(np.isnan(values), None, values).tolist()  # type: ignore[call-overload]
            if values.dtype.kind == "f"
            else values.tolist()
        )
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
        columns: dict[str, Any] = {}
        for spec in field_specs(table):
            if spec.kind == "many":
                lists = [left.column(spec.name).take(keep)]
                if isinstance(right, RecordTable):
                    lists.append(right.column(spec.name))
                columns[spec.name] = ListColumn.concatenate(lists)
                continue
            parts = [left.column(spec.name)[keep]]
            if isinstance(right, RecordTable):
                parts.append(right.column(spec.name))
            columns[spec.name] = freeze(np.concatenate(parts))
        return RecordTable(table, columns)
    kept = (record for record, wanted in zip(left, keep.tolist(), strict=True) if wanted)
    return (*kept, *right)


def _check_records(name: str, items: tuple[Any, ...]) -> None:
    record_class = RECORD_CLASSES[name]
    for position, item in enumerate(items):
        if type(item) is not record_class:
            raise InvalidRecordError(
                f"Dataset.{name}[{position}] must be a {record_class.__name__}, "
                f"got {describe(item)}"
            )


def _coverage(value: Coverage) -> Coverage:
    if not isinstance(value, Coverage):
        raise InvalidRecordError(f"Dataset.coverage must be a Coverage, got {describe(value)}")
    return value


def _origins(values: Mapping[str, Origins]) -> Mapping[str, Origins]:
    items = dict(values)
    for name, origins in items.items():
        check_table(name)
        if not isinstance(origins, Origins):
            raise InvalidRecordError(
                f"Dataset.origins[{name!r}] must be an Origins, got {describe(origins)}"
            )
    return types.MappingProxyType(items)


def _later(left: Coverage, right: Coverage) -> bool:
    """Whether *left* holds later data than *right* of the collections both record.

    By collection year where both sides record years for a collection they share (the
    annual returns); otherwise (an in-year extract, which has no collection year) by the
    last day the sides' sources cover. A tie is no decision.
    """
    shared = [t for t in TABLES if left.of(t) and right.of(t)]
    if not shared:
        return False
    with_years = [t for t in shared if left.years(t) and right.years(t)]
    if with_years:
        return max(left.years(t)[-1] for t in with_years) > max(
            right.years(t)[-1] for t in with_years
        )
    return max(r.end for t in shared for r in left.of(t)) > max(
        r.end for t in shared for r in right.of(t)
    )


def _diagnostics(values: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    items = tuple(values)
    for item in items:
        if not isinstance(item, Diagnostic):
            raise InvalidRecordError(f"Dataset.diagnostics must hold Diagnostic, got {item!r}")
    return items


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
    the later return wins (see `__or__`).

    A dataset read from returns also records which returns it holds (`coverage`) and, for
    each record read from a file, the file and line (`origins`).

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
    coverage: Coverage = attrs.field(factory=Coverage, converter=_coverage)
    origins: Mapping[str, Origins] = attrs.field(
        factory=dict, converter=_origins, eq=False, hash=False, repr=False
    )
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
        for table, origins in self.origins.items():
            if len(origins) != len(getattr(self, table)):
                raise InvalidRecordError(
                    f"Dataset.origins[{table!r}] has {len(origins)} entries for "
                    f"{len(getattr(self, table))} records"
                )

    @classmethod
    def from_columns(
        cls,
        *,
        diagnostics: Iterable[Diagnostic] = (),
        coverage: Coverage | None = None,
        origins: Mapping[str, Origins] | None = None,
        **collections: Mapping[str, Any],
    ) -> "Dataset":
        """A dataset whose collections are given as columns: field name -> array of values.

        Dates may be `datetime64` arrays (`NaT` for missing) or sequences of dates and
        `None`; text may be unicode arrays (`""` for missing), arrays of ASCII bytes (kept as
        bytes until read as text), or sequences of strings and `None`. A field with a default may be left out. Records are built only when read, so
        this is the way to hand a national-scale extract to the indicators. A numpy array
        already of its field's type (`datetime64[D]`, `bool`, `float64`, unicode) is kept, not
        copied, and made read-only, so the dataset cannot change under its caches.

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
        return cls(
            **tables,
            diagnostics=diagnostics,
            coverage=coverage or Coverage(),
            origins=origins or {},
        )

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, Any],
        *,
        rename: Mapping[str, Any] | None = None,
        coverage: Coverage | None = None,
        diagnostics: Iterable[Diagnostic] = (),
    ) -> "Dataset":
        """A dataset from pandas or polars DataFrames or pyarrow Tables, one per collection.

        See `safeguarding_metrics.frames.from_frames` for the conversions; the columns are
        those `schema()` lists, renamed with *rename* where the frames call them otherwise.

        Examples:
            >>> import pandas as pd
            >>> referrals = pd.DataFrame({"referral_id": ["R1"], "child_id": ["A"],
            ...     "referral_date": pd.to_datetime(["2024-05-01"])})
            >>> Dataset.from_frames({"referrals": referrals}).referrals[0].referral_date
            datetime.date(2024, 5, 1)
        """
        from safeguarding_metrics.frames import from_frames

        return from_frames(frames, rename=rename, coverage=coverage, diagnostics=diagnostics)

    @classmethod
    def of(cls, *records: Record) -> "Dataset":
        """A dataset holding *records*, each put in the collection of its class.

        Examples:
            >>> import datetime as dt
            >>> d = Dataset.of(LACReview(child_id="C", review_date=dt.date(2024, 5, 1)))
            >>> len(d.lac_reviews)
            1
        """
        by_table: dict[str, Any] = {name: [] for name in TABLES}
        table_of = {record_class: name for name, record_class in RECORD_CLASSES.items()}
        for position, record in enumerate(records):
            name = table_of.get(type(record))
            if name is None:
                raise InvalidRecordError(
                    f"Dataset.of() argument {position} is not a record: {describe(record)}"
                )
            by_table[name].append(record)
        return cls(**by_table)

    def __or__(self, other: object) -> "Dataset":
        """Merge two datasets, the later return winning.

        The later return is the side whose `coverage` holds the later collection year of
        the collections both sides record returns for (readers record them), whichever side
        of `|` it is on; between sources without collection years (an in-year extract and
        a return, say), the side whose sources end later; otherwise (records built in a
        script, or sources ending on the same day) the right-hand side. So `older | newer`
        and `newer | older` give the same dataset.

        A record of the later side replaces the other's record with the same identity (the
        same child; the same child's referral, plan, episode or review on the same date; the
        same child's OC3 row of the same collection year). A referral of the later side
        also replaces the whole CIN episode: the other side's referrals of that child on
        that date, and the assessments, section 47 enquiries and plans linked to them, are
        dropped, so a later return that removed or corrected one of them wins.
        """
        if not isinstance(other, Dataset):
            return NotImplemented
        if _later(self.coverage, other.coverage):
            return other._merge(self)
        return self._merge(other)

    def _merge(self, other: "Dataset") -> "Dataset":
        """`self | other` with *other* winning."""
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
        origins: dict[str, Origins] = {}
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
            if name in self.origins or name in other.origins:
                origins[name] = Origins.concatenate(
                    [
                        self.origin_of(name).take(np.flatnonzero(~drop)),
                        other.origin_of(name),
                    ]
                )
        return Dataset(
            **merged,
            diagnostics=(*self.diagnostics, *other.diagnostics),
            coverage=self.coverage | other.coverage,
            origins=origins,
        )

    def origin_of(self, table: TableName) -> Origins:
        """Where each record of *table* was read from (unknown for records built in a script)."""
        check_table(table)
        found = self.origins.get(table)
        return found if found is not None else Origins.unknown(len(getattr(self, table)))

    def records(self, table: TableName) -> Sequence[Record]:
        """The records of collection *table*."""
        check_table(table)
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

    def stored_text(self, table: TableName, field: str) -> StoredText:
        """Text field *field* of *table* as stored, without widening it to unicode.

        Unicode, or ASCII bytes (`S`) for text read from Arrow (`from_frames`); identifiers
        code and sort the same either way (`code_many`), so coding them needs no unicode copy.
        Use `column` for the unicode text.
        """
        records = self.records(table)
        if check_field(table, field) != "text":
            raise InvalidRecordError(f"{table}.{field} is not a text field")
        if isinstance(records, RecordTable):
            stored: StoredText = records.stored(field)
            return stored
        return self.column(table, field)

    def text_at(
        self, table: TableName, field: str, rows: npt.NDArray[np.integer[Any]]
    ) -> npt.NDArray[np.str_]:
        """`column(table, field)[rows]`, widening only those rows of text stored as bytes."""
        return as_unicode(self.stored_text(table, field)[rows])

    def dates(self, table: TableName, field: str) -> DayArray:
        """`column()` for a date field, typed as a day array."""
        result: DayArray = self.column(table, field)
        if result.dtype != np.dtype("datetime64[D]"):
            raise InvalidRecordError(f"{table}.{field} is not a date field")
        return result

    def list_column(self, table: TableName, field: str) -> ListColumn:
        """A field of several values (such as `review_dates`) as a `ListColumn`."""
        key = ("list", table, field)
        cached = self._cache.get(key)
        if cached is None:
            records = self.records(table)
            if check_field(table, field) != "many":
                raise InvalidRecordError(
                    f"{table}.{field} holds one value per record; use column()"
                )
            if isinstance(records, RecordTable):
                cached = records.column(field)
            else:
                element = next(s.element for s in field_specs(table) if s.name == field)
                cached = ListColumn.from_sequences(
                    [getattr(r, field) for r in records], kind=element
                )
            self._cache[key] = cached
        result: ListColumn = cached
        return result

    def exploded(self, table: TableName, field: str) -> tuple[npt.NDArray[np.intp], Any]:
        """A field of several values (such as `review_dates`) as (row number, value) arrays.

        Dates come sorted within each record.
        """
        key = ("exploded", table, field)
        cached = self._cache.get(key)
        if cached is None:
            lists = self.list_column(table, field)
            cached = (freeze(lists.rows()), lists.values)
            self._cache[key] = cached
        result: tuple[npt.NDArray[np.intp], Any] = cached
        return result

    @property
    def child_ids(self) -> npt.NDArray[np.str_]:
        """Every child id in any collection, sorted, each once."""
        result: npt.NDArray[np.str_] = self._child_identifiers().all()
        return result

    @property
    def child_count(self) -> int:
        """How many different children the collections hold: `len(child_ids)`."""
        return len(self._child_identifiers())

    def child_ids_of(self, codes: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.str_]:
        """`child_ids[codes]`, without making every child's id when only some are wanted."""
        result: npt.NDArray[np.str_] = self._child_identifiers().take(codes)
        return result

    def deferred_child_ids(self, table: TableName) -> npt.NDArray[np.str_] | DeferredText:
        """`column(table, "child_id")` for an audit: widened from bytes only when read."""
        if ("column", table, "child_id") in self._cache:  # already widened: share it
            return self.column(table, "child_id")
        return DeferredText.of(self.stored_text(table, "child_id"))

    def deferred_child_ids_of(self, codes: npt.NDArray[np.integer[Any]]) -> DeferredText:
        """`child_ids_of(codes)` for an audit: decoded only when read."""
        return DeferredText.taken(self._child_identifiers(), codes)

    def child_codes(self, table: TableName) -> npt.NDArray[np.intp]:
        """For each record of *table*, the position of its child in `child_ids`.

        Codes agree across collections, so they join records of one child.
        """
        check_table(table)
        self._code_children()
        result: npt.NDArray[np.intp] = self._cache[("child_codes", table)]
        return result

    def _child_identifiers(self) -> Identifiers:
        self._code_children()
        result: Identifiers = self._cache["child_ids"]
        return result

    def _code_children(self) -> None:
        if "child_ids" in self._cache:
            return
        columns = [self.stored_text(name, "child_id") for name in TABLES]
        identifiers, codes = code_many(columns)
        for name, table_codes in zip(TABLES, codes, strict=True):
            self._cache[("child_codes", name)] = freeze(table_codes)
        self._cache["child_ids"] = identifiers

    def referral_rows(self, table: TableName) -> npt.NDArray[np.intp]:
        """For each record of *table*, the row of its linked referral in `referrals`, or -1.

        A record links to a referral by `referral_id`; -1 when it has none or the id is
        not among the dataset's referrals. Where several different referrals share one id
        (a data error, SPEC §3), the record links to the earliest of them by referral date,
        then to the first by its other fields, so the link does not depend on the order of
        the records; `ties.shared_referral_id_diagnostics` reports such ids.
        """
        # `ties` imports Dataset, so it is imported here rather than at the top (a cycle).
        from safeguarding_metrics.ties import referral_links

        return referral_links(self, table).rows

    def _build_column(self, table: TableName, field: str) -> npt.NDArray[Any]:
        records = self.records(table)
        kind = check_field(table, field)
        if isinstance(records, RecordTable) and kind != "many":
            column: npt.NDArray[Any] = records.column(field)
            return column
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
