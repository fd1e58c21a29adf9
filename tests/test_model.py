"""Tests for the records and the Dataset (SPEC §3 and §3a)."""

import datetime as dt
import math
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import safeguarding_metrics as sm
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidRecordError
from safeguarding_metrics.records import (
    TABLES,
    Assessment,
    AssessmentKind,
    CareLeaver,
    Child,
    CINPlan,
    Contact,
    CPPlan,
    Episode,
    LACReview,
    Referral,
    Section47,
)
from tests.oracles_referrals import linked_referral_row
from tests.strategies import RECORD_STRATEGIES, datasets, records

FIND = settings(max_examples=500, database=None, phases=[Phase.generate])  # no shrinking
D1 = dt.date(2024, 4, 1)
D2 = dt.date(2024, 5, 20)
D3 = dt.date(2024, 7, 1)

# One example of every record class with every field given, as SPEC §3 names them.
FULL_RECORDS: dict[type[Any], dict[str, Any]] = {
    Child: {"child_id": "A1", "birth_date": D1, "sex": "1", "ethnicity": "WBRI"},
    Contact: {
        "child_id": "A1",
        "contact_date": D1,
        "decision_date": D2,
        "outcome": "REF",
        "source": "1A",
    },
    Referral: {
        "referral_id": "A1/2024-04-01",
        "child_id": "A1",
        "referral_date": D1,
        "source": "1A",
        "nfa": True,
        "closure_date": D3,
        "closure_reason": "RC8",
        "primary_need": "N1",
    },
    Assessment: {
        "child_id": "A1",
        "referral_id": "A1/2024-04-01",
        "start_date": D1,
        "authorisation_date": D2,
        "kind": AssessmentKind.CORE,
        "factors": ("1A", "21"),
    },
    Section47: {
        "child_id": "A1",
        "referral_id": "A1/2024-04-01",
        "start_date": D1,
        "icpc_target": dt.date(2024, 4, 22),
        "icpc_date": D2,
        "icpc_not_required": False,
    },
    CPPlan: {
        "child_id": "A1",
        "referral_id": "A1/2024-04-01",
        "start_date": D1,
        "end_date": D3,
        "previous_plans": 2,
        "initial_category": "NEG",
        "latest_category": "EMO",
        "review_dates": (D2,),
    },
    CINPlan: {"child_id": "A1", "referral_id": "A1/2024-04-01", "start_date": D1, "end_date": D3},
    Episode: {
        "child_id": "A1",
        "start": D1,
        "end": D3,
        "reason_new": "S",
        "legal_status": "C2",
        "placement": "U1",
        "reason_ceased": "E41",
        "provider": "PR1",
        "postcode": "TS18 1AA",
        "urn": "SC012345",
        "category_of_need": "N1",
        "year": 2025,
    },
    LACReview: {"child_id": "A1", "review_date": D2, "participation": "PN1"},
    CareLeaver: {
        "child_id": "A1",
        "birth_date": dt.date(2006, 5, 1),
        "in_touch": "YES",
        "activity": "F1",
        "accommodation": "B1",
        "year": 2025,
    },
}
DATE_FIELD = {
    Child: "birth_date",
    Contact: "contact_date",
    Referral: "referral_date",
    Assessment: "start_date",
    Section47: "icpc_date",
    CPPlan: "start_date",
    CINPlan: "end_date",
    Episode: "start",
    LACReview: "review_date",
    CareLeaver: "birth_date",
}
CLASSES = [pytest.param(cls, id=cls.__name__) for cls in FULL_RECORDS]


def make(cls: type[Any], **changes: Any) -> Any:
    """The full example of *cls* with *changes*."""
    return cls(**(FULL_RECORDS[cls] | changes))


# -- records -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", CLASSES)
def test_record_accepts_every_field(cls: type[Any]) -> None:
    """Each record class takes the fields SPEC §3 lists, and keeps them."""
    record = make(cls)
    assert attrs.asdict(record, recurse=False) == FULL_RECORDS[cls]
    assert {f.name for f in attrs.fields(cls)} == set(FULL_RECORDS[cls])


@pytest.mark.parametrize("cls", CLASSES)
def test_string_for_a_date_names_class_field_and_value(cls: type[Any]) -> None:
    """A string where a date belongs raises InvalidRecordError naming all three."""
    field = DATE_FIELD[cls]
    with pytest.raises(InvalidRecordError, match=rf"{cls.__name__}\.{field} .*'2024-04-01'"):
        make(cls, **{field: "2024-04-01"})


@pytest.mark.parametrize("cls", CLASSES)
def test_datetime_for_a_date_is_rejected(cls: type[Any]) -> None:
    """A datetime is not a date (it would carry a time of day into day counts)."""
    with pytest.raises(InvalidRecordError, match=r"datetime\.date"):
        make(cls, **{DATE_FIELD[cls]: dt.datetime(2024, 4, 1, tzinfo=dt.UTC)})


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("child_id", ["", "   ", None, 17])
def test_child_id_must_be_a_non_empty_string(cls: type[Any], child_id: object) -> None:
    """An empty, blank or non-string child id is refused."""
    with pytest.raises(InvalidRecordError, match=rf"{cls.__name__}\.child_id"):
        make(cls, child_id=child_id)


@pytest.mark.parametrize("cls", CLASSES)
def test_records_are_keyword_only(cls: type[Any]) -> None:
    """Positional arguments are refused, so two dates cannot be swapped by position."""
    with pytest.raises(TypeError):
        cls(*FULL_RECORDS[cls].values())


@pytest.mark.parametrize("cls", CLASSES)
def test_records_are_frozen_and_hashable(cls: type[Any]) -> None:
    """Records cannot be changed, hash, and are equal by value."""
    record = make(cls)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.child_id = "B2"
    assert hash(record) == hash(make(cls))
    assert record == make(cls)
    assert record != make(cls, child_id="B2")
    assert attrs.evolve(record, child_id="B2") == make(cls, child_id="B2")


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        pytest.param(lambda: make(Referral, nfa="yes"), r"Referral\.nfa", id="flag-string"),
        pytest.param(lambda: make(Referral, nfa=1), r"Referral\.nfa", id="flag-int"),
        pytest.param(
            lambda: make(Referral, referral_id=""), r"Referral\.referral_id", id="empty-referral-id"
        ),
        pytest.param(
            lambda: make(Assessment, referral_id=""), r"Assessment\.referral_id", id="empty-link"
        ),
        pytest.param(
            lambda: make(Assessment, kind="full"), r"Assessment\.kind.*'full'", id="unknown-kind"
        ),
        pytest.param(
            lambda: make(Assessment, factors="1A"), "sequence of strings", id="factors-string"
        ),
        pytest.param(
            lambda: make(Assessment, factors=(1,)), "sequence of strings", id="factors-int"
        ),
        pytest.param(
            lambda: make(CPPlan, previous_plans=-1), r"CPPlan\.previous_plans", id="negative-count"
        ),
        pytest.param(
            lambda: make(CPPlan, previous_plans=True), r"CPPlan\.previous_plans", id="bool-count"
        ),
        pytest.param(
            lambda: make(CPPlan, previous_plans=1.0), r"CPPlan\.previous_plans", id="float-count"
        ),
        pytest.param(
            lambda: make(CPPlan, review_dates=D1), "sequence of dates", id="reviews-one-date"
        ),
        pytest.param(
            lambda: make(CPPlan, review_dates=["2024-01-01"]),
            "sequence of dates",
            id="reviews-strings",
        ),
        pytest.param(
            lambda: make(Episode, placement=None), r"Episode\.placement", id="required-code-none"
        ),
        pytest.param(lambda: make(Child, sex=1), r"Child\.sex", id="code-int"),
    ],
)
def test_wrong_types_raise_invalid_record_error(call: Any, pattern: str) -> None:
    """Flags, ids, kinds, counts, codes and date tuples are type-checked."""
    with pytest.raises(InvalidRecordError, match=pattern):
        call()


def test_optional_fields_default_to_missing() -> None:
    """Leaving optional fields out gives None (or the documented default)."""
    assessment = Assessment(child_id="A1", start_date=None)
    assert assessment.referral_id is None
    assert assessment.authorisation_date is None
    assert assessment.kind is AssessmentKind.SINGLE
    assert assessment.factors == ()
    referral = Referral(referral_id="r", child_id="A1", referral_date=D1)
    assert referral.nfa is False
    assert CPPlan(child_id="A1", start_date=D1).review_dates == ()


def test_assessment_kind_accepts_its_text_value() -> None:
    """`kind="initial"` becomes AssessmentKind.INITIAL."""
    assert make(Assessment, kind="initial").kind is AssessmentKind.INITIAL


def test_review_dates_are_sorted() -> None:
    """Review dates given out of order are kept sorted."""
    plan = make(CPPlan, review_dates=[D3, D1, D2])
    assert plan.review_dates == (D1, D2, D3)


def test_numpy_bool_is_accepted_as_a_flag() -> None:
    """A numpy bool (as a vectorised reader produces) is a valid flag."""
    assert make(Referral, nfa=np.bool_(True)).nfa


def test_dates_out_of_order_are_still_valid_records() -> None:
    """An end before its start is a valid record: indicators exclude it with a reason."""
    plan = make(CPPlan, start_date=D3, end_date=D1)
    assert plan.end_date < plan.start_date


# -- Dataset -----------------------------------------------------------------------------------


def full_dataset() -> Dataset:
    """A dataset holding one full record of every class."""
    return Dataset.of(*(make(cls) for cls in FULL_RECORDS))


def test_dataset_of_sorts_records_into_collections() -> None:
    """Dataset.of puts every record in the collection of its class, keeping order."""
    a = make(Child, child_id="A1")
    b = make(Child, child_id="B2")
    review = make(LACReview)
    data = Dataset.of(review, b, make(Episode), a)
    assert data.children == (b, a)
    assert data.lac_reviews == (review,)
    expected = dict.fromkeys(TABLES, 0) | {"children": 2, "episodes": 1, "lac_reviews": 1}
    assert data.counts() == expected


def test_dataset_of_refuses_non_records() -> None:
    """A non-record argument raises naming its position."""
    with pytest.raises(InvalidRecordError, match="argument 1"):
        Dataset.of(make(Child), "A1")  # type: ignore[arg-type]


def test_wrong_record_type_in_a_collection_names_the_position() -> None:
    """A Referral among the children raises InvalidRecordError naming children[1]."""
    with pytest.raises(InvalidRecordError, match=r"Dataset\.children\[1\] must be a Child"):
        Dataset(children=[make(Child), make(Referral)])  # type: ignore[list-item]


def test_dataset_accepts_any_iterable_and_stores_tuples() -> None:
    """Collections may be lists or generators; they are stored as tuples."""
    data = Dataset(children=(make(Child, child_id=c) for c in "XYZ"), lac_reviews=[make(LACReview)])
    assert isinstance(data.children, tuple)
    assert [c.child_id for c in data.children] == ["X", "Y", "Z"]
    assert len(data.lac_reviews) == 1
    assert data.is_empty("episodes")
    assert not data.is_empty("children")


def test_dataset_iterates_over_every_record() -> None:
    """Iterating a dataset yields every record of every collection."""
    data = full_dataset()
    assert sorted(type(r).__name__ for r in data) == sorted(cls.__name__ for cls in FULL_RECORDS)


def test_dataset_is_frozen_and_hashable() -> None:
    """Datasets are values: equal by content (the column cache aside), hashable."""
    data = full_dataset()
    data.column("children", "birth_date")
    assert data == full_dataset()
    assert hash(data) == hash(full_dataset())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        data.children = ()  # type: ignore[misc]


def test_merge_right_wins_for_the_same_record() -> None:
    """Where both sides hold the same child or referral, the right-hand record is kept."""
    old_child = make(Child, birth_date=None)
    new_child = make(Child, birth_date=D1)
    old_referral = make(Referral, closure_date=None)
    new_referral = make(Referral, closure_date=D3)
    merged = Dataset.of(old_child, old_referral) | Dataset.of(new_child, new_referral)
    assert merged.children == (new_child,)
    assert merged.referrals == (new_referral,)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param(
            make(Episode), make(Episode, end=None, placement="U2"), id="episode-same-start"
        ),
        pytest.param(make(CPPlan), make(CPPlan, end_date=None), id="plan-same-start"),
        pytest.param(make(LACReview), make(LACReview, participation="PN2"), id="review-same-date"),
        pytest.param(
            make(CareLeaver), make(CareLeaver, activity="G6"), id="care-leaver-same-child"
        ),
        pytest.param(make(Contact), make(Contact, decision_date=None), id="contact-same-date"),
        pytest.param(make(Assessment), make(Assessment, authorisation_date=None), id="assessment"),
        pytest.param(make(Section47), make(Section47, icpc_date=None), id="section47"),
        pytest.param(make(CINPlan), make(CINPlan, end_date=None), id="cin-plan"),
    ],
)
def test_merge_replaces_each_collections_same_record(left: Any, right: Any) -> None:
    """Every collection's identity (child and start date, say) decides what is replaced."""
    assert (Dataset.of(left) | Dataset.of(right)) == Dataset.of(right)


def test_merge_keeps_both_when_records_differ() -> None:
    """Different children, or one child's episodes on different dates, are all kept."""
    a = make(Episode, start=D1)
    b = make(Episode, start=D2)
    c = make(Episode, child_id="B2", start=D1)
    merged = Dataset.of(a) | Dataset.of(b, c)
    assert merged.episodes == (a, b, c)
    children = Dataset.of(make(Child, child_id="A1")) | Dataset.of(make(Child, child_id="B2"))
    assert [c.child_id for c in children.children] == ["A1", "B2"]


def test_merge_with_an_empty_side_keeps_the_other() -> None:
    """Merging with an empty dataset changes nothing, in either order."""
    data = full_dataset()
    assert (data | Dataset()) == data
    assert (Dataset() | data) == data


def test_merge_concatenates_diagnostics() -> None:
    """Diagnostics of both sides are kept, left first."""
    first = Diagnostic(
        file="a.xml", where="line 3", field="CINreferralDate", value="x", problem="bad"
    )
    second = Diagnostic(file="b.csv", where="line 9", field="DECOM", value="y", problem="bad")
    merged = Dataset(diagnostics=[first]) | Dataset(diagnostics=[second])
    assert merged.diagnostics == (first, second)
    assert str(first) == "a.xml: line 3: CINreferralDate='x': bad"


def test_merge_with_a_non_dataset_is_a_type_error() -> None:
    """`dataset | 3` is not defined."""
    with pytest.raises(TypeError):
        _ = full_dataset() | 3  # type: ignore[operator]


def test_diagnostics_must_be_diagnostics() -> None:
    """A string among the diagnostics is refused."""
    with pytest.raises(InvalidRecordError):
        Dataset(diagnostics=["oops"])  # type: ignore[list-item]


# -- columns -----------------------------------------------------------------------------------


def test_column_dtypes_and_missing_values() -> None:
    """Dates are datetime64[D] with NaT; text is unicode with ""; counts float with nan."""
    data = Dataset.of(
        make(CPPlan),
        CPPlan(child_id="B2", start_date=D2),
    )
    end = data.column("cp_plans", "end_date")
    assert end.dtype == np.dtype("datetime64[D]")
    assert end[0] == np.datetime64("2024-07-01")
    assert np.isnat(end[1])
    category = data.column("cp_plans", "initial_category")
    assert category.dtype.kind == "U"
    assert category.tolist() == ["NEG", ""]
    previous = data.column("cp_plans", "previous_plans")
    assert previous.dtype == np.float64
    assert previous[0] == 2.0
    assert math.isnan(previous[1])
    referrals = Dataset.of(make(Referral), make(Referral, referral_id="r2", nfa=False))
    assert referrals.column("referrals", "nfa").dtype == np.bool_
    assert referrals.column("referrals", "nfa").tolist() == [True, False]
    kinds = Dataset.of(make(Assessment)).column("assessments", "kind")
    assert kinds.tolist() == ["core"]


def test_columns_are_cached_and_read_only() -> None:
    """A column is built once (the same array twice) and cannot be written to."""
    data = full_dataset()
    first = data.column("contacts", "contact_date")
    assert data.column("contacts", "contact_date") is first
    assert data.dates("contacts", "contact_date") is first
    with pytest.raises(ValueError, match="read-only"):
        first[0] = np.datetime64("2000-01-01")
    codes = data.child_codes("episodes")
    assert data.child_codes("episodes") is codes
    assert not codes.flags.writeable


def test_empty_collection_gives_empty_columns() -> None:
    """An empty collection gives length-0 columns of the right dtype."""
    data = Dataset()
    assert data.column("episodes", "start").dtype == np.dtype("datetime64[D]")
    assert data.column("episodes", "start").shape == (0,)
    assert data.column("referrals", "nfa").shape == (0,)
    assert data.column("cp_plans", "previous_plans").shape == (0,)
    assert data.child_codes("episodes").shape == (0,)
    assert data.referral_rows("assessments").shape == (0,)
    rows, values = data.exploded("cp_plans", "review_dates")
    assert rows.shape == values.shape == (0,)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        pytest.param(
            lambda d: d.column("plans", "start_date"), "unknown record collection", id="table"
        ),
        pytest.param(
            lambda d: d.column("cp_plans", "start"), "CPPlan has no field 'start'", id="field"
        ),
        pytest.param(lambda d: d.column("cp_plans", "review_dates"), "exploded", id="tuple-field"),
        pytest.param(
            lambda d: d.dates("cp_plans", "child_id"), "not a date field", id="dates-of-text"
        ),
        pytest.param(lambda d: d.records("plans"), "unknown record collection", id="records"),
    ],
)
def test_unknown_tables_and_fields_raise(call: Any, pattern: str) -> None:
    """A mistyped collection or field name is an error that says what exists."""
    with pytest.raises(InvalidRecordError, match=pattern):
        call(full_dataset())


def test_child_codes_are_consistent_across_collections() -> None:
    """One child has one code in every collection; child_ids[code] is the child."""
    data = Dataset.of(
        make(Child, child_id="C3"),
        make(Child, child_id="A1"),
        make(Episode, child_id="B2"),
        make(Episode, child_id="C3"),
        make(LACReview, child_id="A1"),
    )
    assert data.child_ids.tolist() == ["A1", "B2", "C3"]
    assert data.child_codes("children").tolist() == [2, 0]
    assert data.child_codes("episodes").tolist() == [1, 2]
    assert data.child_codes("lac_reviews").tolist() == [0]
    assert data.child_codes("referrals").tolist() == []


def test_referral_rows_link_by_referral_id() -> None:
    """Each record's linked referral row, or -1 when it has none or an unknown id."""
    r0 = make(Referral, referral_id="B2/2024-01-01", child_id="B2")
    r1 = make(Referral, referral_id="A1/2024-04-01")
    data = Dataset.of(
        r0,
        r1,
        make(Assessment, referral_id="A1/2024-04-01"),
        make(Assessment, referral_id=None, start_date=D2),
        make(Assessment, referral_id="nobody", start_date=D3),
        make(Assessment, referral_id="B2/2024-01-01", child_id="B2"),
    )
    assert data.referral_rows("assessments").tolist() == [1, -1, -1, 0]


def test_referral_rows_without_referrals_are_all_unlinked() -> None:
    """With no referrals at all, every record gets -1."""
    data = Dataset.of(make(Section47), make(Section47, start_date=D2))
    assert data.referral_rows("section47s").tolist() == [-1, -1]


def test_exploded_gives_one_row_per_date() -> None:
    """review_dates explode to (plan row, date) pairs, sorted within each plan."""
    data = Dataset.of(
        make(CPPlan, review_dates=[D3, D2]),
        make(CPPlan, child_id="B2", review_dates=()),
        make(CPPlan, child_id="C3", review_dates=[D1]),
    )
    rows, values = data.exploded("cp_plans", "review_dates")
    assert rows.tolist() == [0, 0, 2]
    assert values.astype(object).tolist() == [D2, D3, D1]
    assert data.exploded("cp_plans", "review_dates")[0] is rows


def _python_value(value: Any) -> Any:
    """Oracle: what a column holds for one record's field value."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int):
        return float(value)
    return value


def _column_value(value: Any) -> Any:
    """A column element as a plain Python value, with NaT, nan and "" read as None."""
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype(object)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value) or None


TABLE_CLASS: dict[str, type[Any]] = {
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


@given(st.lists(records(), max_size=25))
def test_columns_equal_the_records_fields(items: list[Any]) -> None:
    """Every single-valued field's column equals the records' values (oracle)."""
    data = Dataset.of(*items)
    for table, cls in TABLE_CLASS.items():
        rows = [r for r in items if type(r) is cls]
        for field in attrs.fields(cls):
            if field.name in ("review_dates", "factors"):
                continue
            column = data.column(table, field.name)
            expected = [_python_value(getattr(r, field.name)) for r in rows]
            assert [_column_value(v) for v in column] == expected
        if cls is CPPlan:
            row_numbers, values = data.exploded(table, "review_dates")
            pairs = [(n, d) for n, r in enumerate(rows) for d in r.review_dates]
            assert (
                list(zip(row_numbers.tolist(), values.astype(object).tolist(), strict=True))
                == pairs
            )


@given(datasets())
def test_child_codes_and_referral_rows_match_a_lookup(data: Dataset) -> None:
    """child_codes index child_ids; referral_rows point at a referral with the same id."""
    every_id = sorted({r.child_id for r in data})
    assert data.child_ids.tolist() == every_id
    referrals = list(data.referrals)
    for table in TABLES:
        records_ = data.records(table)
        codes = data.child_codes(table)
        assert [every_id[c] for c in codes] == [r.child_id for r in records_]
        if table in ("assessments", "section47s", "cp_plans", "cin_plans"):
            # Of referrals sharing an id, the earliest, then the first by content (SPEC §3).
            linked = [linked_referral_row(referrals, r.referral_id) for r in records_]
            expected = [-1 if row is None else row for row in linked]
            assert data.referral_rows(table).tolist() == expected


# What makes two records the same record when datasets merge (SPEC §3a, §5): a later
# return's child, referral, plan or episode on the same date replaces the earlier one.
IDENTITY: dict[str, Any] = {
    "children": lambda r: r.child_id,
    "contacts": lambda r: (r.child_id, r.contact_date),
    "referrals": lambda r: r.referral_id,
    "assessments": lambda r: (r.child_id, r.referral_id, r.start_date, r.kind),
    "section47s": lambda r: (r.child_id, r.referral_id, r.start_date),
    "cp_plans": lambda r: (r.child_id, r.start_date),
    "cin_plans": lambda r: (r.child_id, r.referral_id, r.start_date),
    "episodes": lambda r: (r.child_id, r.start),
    "lac_reviews": lambda r: (r.child_id, r.review_date),
    "care_leavers": lambda r: (r.child_id, r.year),
}


@given(datasets(max_size=3), datasets(max_size=3))
def test_merge_keeps_left_records_the_right_does_not_replace(left: Dataset, right: Dataset) -> None:
    """Merging left | right keeps left's records that right does not replace, then all of right.

    Right replaces a left record with the same identity, every left referral of a child on a
    day right has a referral of that child, and every left record linked to a replaced
    referral (a later return's CIN episode replaces the earlier one whole).
    """
    merged = left | right
    later_days = {(r.child_id, r.referral_date) for r in right.referrals}
    later_referrals = {r.referral_id for r in right.referrals} | {
        r.referral_id for r in left.referrals if (r.child_id, r.referral_date) in later_days
    }
    for table in TABLES:
        key = IDENTITY[table]
        replaced = {key(r) for r in right.records(table)}
        expected = [
            r
            for r in left.records(table)
            if key(r) not in replaced and getattr(r, "referral_id", None) not in later_referrals
        ]
        assert list(merged.records(table)) == [*expected, *right.records(table)]


@given(datasets(max_size=3))
def test_merge_with_itself_changes_nothing(data: Dataset) -> None:
    """A return merged with itself is itself."""
    assert (data | data) == data


def test_record_strategies_cover_every_collection() -> None:
    """tests/strategies.py has a strategy for every Dataset collection."""
    assert set(RECORD_STRATEGIES) == set(TABLES)


def test_public_api_exposes_every_record_class() -> None:
    """The SPEC §3a record classes are importable from the package."""
    for cls in FULL_RECORDS:
        assert getattr(sm, cls.__name__) is cls
    assert sm.Dataset is Dataset


@pytest.mark.parametrize("table", TABLES)
def test_record_strategies_draw_every_optional_field_both_ways(table: str) -> None:
    """Each optional field is sometimes missing and sometimes set (STYLE pitfall 4)."""
    strategy = RECORD_STRATEGIES[table]()
    cls = TABLE_CLASS[table]
    optional_fields = [f.name for f in attrs.fields(cls) if f.default is None]
    assert optional_fields
    for name in optional_fields:
        find(strategy, lambda r, name=name: getattr(r, name) is None, settings=FIND)
        find(strategy, lambda r, name=name: getattr(r, name) is not None, settings=FIND)
