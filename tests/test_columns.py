"""Column-backed datasets: `Dataset.from_columns`, `RecordTable`, merging and id coding."""

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safeguarding_metrics as sm
from safeguarding_metrics._arrays import factorize
from safeguarding_metrics.record_table import RecordTable
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.results import Count, Distribution, Rate
from tests.strategies import datasets

YEAR = sm.ReportingPeriod.year_ending(2025)


def as_columns(data: sm.Dataset) -> dict[str, dict[str, Any]]:
    """Oracle input: every collection as field -> list of the records' values."""
    columns: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        records = data.records(table)
        if not records:
            continue
        fields = [field.name for field in attrs.fields(type(records[0]))]
        columns[table] = {name: [getattr(r, name) for r in records] for name in fields}
    return columns


def summary(result: Rate | Count | Distribution) -> tuple[Any, ...]:
    """What a result says, and the outcome of every record, for comparing two computations."""
    assert result.audit is not None
    codes = tuple(result.audit.outcomes().tolist())
    if isinstance(result, Rate):
        return (result.numerator, result.denominator, result.excluded, codes)
    if isinstance(result, Count):
        return (result.count, codes)
    return (result.bands, result.median, result.excluded, codes)


# -- factorize ---------------------------------------------------------------------------

ids = st.text(alphabet=st.sampled_from("AB0é9z-"), max_size=12)


@given(st.lists(ids, max_size=40))
def test_factorize_equals_numpy_unique(values: list[str]) -> None:
    """Coding ids gives numpy.unique's sorted distinct values and inverse, for any ids."""
    array = np.array(values, dtype=np.str_)
    uniques, codes = factorize(array)
    expected, inverse = np.unique(array, return_inverse=True)
    assert uniques.tolist() == expected.tolist()
    assert codes.tolist() == inverse.reshape(-1).tolist()


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(["CH00000001", "CH00000002", "CH00000001"], id="longer-than-8"),
        pytest.param(["a", "ab", "", "b", "a"], id="prefixes-and-empty"),
        pytest.param(["Zoë", "Zoe", "Zoë"], id="non-latin-1-falls-back"),
        pytest.param(["x" * 30, "x" * 29 + "y", "x" * 30], id="several-words"),
    ],
)
def test_factorize_named_cases(values: list[str]) -> None:
    """Prefixes, empty ids, long ids and characters beyond one byte all code exactly."""
    array = np.array(values, dtype=np.str_)
    uniques, codes = factorize(array)
    assert uniques[codes].tolist() == values
    assert uniques.tolist() == sorted(set(values))


# -- from_columns ------------------------------------------------------------------------


@given(datasets(max_size=5))
def test_from_columns_holds_the_same_records(data: sm.Dataset) -> None:
    """A column-backed dataset holds records equal to the ones its columns came from."""
    columnar = sm.Dataset.from_columns(**as_columns(data))
    for table in TABLES:
        assert columnar.records(table) == data.records(table)
        assert tuple(columnar.records(table)) == tuple(data.records(table))


@given(datasets(max_size=5))
def test_every_indicator_agrees_on_columns_and_records(data: sm.Dataset) -> None:
    """Every registered indicator gives the same result, record by record, either way."""
    columnar = sm.Dataset.from_columns(**as_columns(data))
    for card in sm.INDICATORS.values():
        assert summary(card.compute(columnar, period=YEAR)) == summary(
            card.compute(data, period=YEAR)
        ), card.id


def test_from_columns_accepts_numpy_arrays_and_fills_defaults() -> None:
    """Arrays go in as they are; a left-out optional field takes its default."""
    data = sm.Dataset.from_columns(
        assessments={
            "child_id": np.array(["A", "B"]),
            "start_date": np.array(["2024-05-01", "NaT"], dtype="datetime64[D]"),
            "authorisation_date": np.array(["2024-06-01", "2024-06-02"], dtype="datetime64[D]"),
        }
    )
    first, second = data.assessments
    assert first == sm.Assessment(
        child_id="A",
        start_date=dt.date(2024, 5, 1),
        authorisation_date=dt.date(2024, 6, 1),
    )
    assert second.start_date is None
    assert second.kind is sm.AssessmentKind.SINGLE
    assert data.column("assessments", "referral_id").tolist() == ["", ""]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        pytest.param(
            {"lac_reviews": {"child_id": ["A"], "review_date": [dt.date(2024, 1, 1)], "x": [1]}},
            "has no field 'x'",
            id="unknown-field",
        ),
        pytest.param(
            {"lac_reviews": {"child_id": ["A"]}}, "review_date is required", id="missing-required"
        ),
        pytest.param(
            {"lac_reviews": {"child_id": ["A", "B"], "review_date": [dt.date(2024, 1, 1)]}},
            "different lengths",
            id="lengths",
        ),
        pytest.param(
            {"lac_reviews": {"child_id": [" "], "review_date": [dt.date(2024, 1, 1)]}},
            "child_id[0] must be a non-empty identifier",
            id="blank-child-id",
        ),
        pytest.param(
            {"lac_reviews": {"child_id": ["A"], "review_date": [None]}},
            "review_date[0] is missing",
            id="missing-required-date",
        ),
        pytest.param(
            {"lac_reviews": {"child_id": ["A"], "review_date": ["2024-01-01"]}},
            "review_date",
            id="text-for-a-date",
        ),
        pytest.param(
            {
                "assessments": {
                    "child_id": ["A"],
                    "start_date": [None],
                    "kind": ["quick"],
                }
            },
            "kind[0] must be one of",
            id="unknown-kind",
        ),
        pytest.param(
            {
                "cp_plans": {
                    "child_id": ["A"],
                    "start_date": [dt.date(2024, 1, 1)],
                    "previous_plans": [-1],
                }
            },
            "whole numbers >= 0",
            id="negative-count",
        ),
        pytest.param(
            {
                "referrals": {
                    "referral_id": ["R"],
                    "child_id": ["A"],
                    "referral_date": [dt.date(2024, 1, 1)],
                    "nfa": ["yes"],
                }
            },
            "True or False",
            id="text-for-a-flag",
        ),
        pytest.param({"people": {}}, "unknown record collection", id="unknown-collection"),
    ],
)
def test_from_columns_rejects_bad_columns(columns: dict[str, Any], message: str) -> None:
    """Bad columns raise InvalidRecordError naming the collection, field and row."""
    with pytest.raises(
        sm.InvalidRecordError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        sm.Dataset.from_columns(**columns)


def test_record_table_behaves_as_a_sequence() -> None:
    """Indexing, negative indexing, slicing, equality and hashing work as for a tuple."""
    records = (
        sm.LACReview(child_id="A", review_date=dt.date(2024, 1, 1)),
        sm.LACReview(child_id="B", review_date=dt.date(2024, 2, 1), participation="PN1"),
    )
    table = sm.Dataset.from_columns(**as_columns(sm.Dataset.of(*records))).lac_reviews
    assert isinstance(table, RecordTable)
    assert table[-1] == records[1]
    assert table[0:1] == records[:1]
    assert table == records
    assert hash(table) == hash(records)
    assert "2 lac_reviews" in repr(table)
    with pytest.raises(IndexError):
        table[2]


# -- merging ---------------------------------------------------------------------------


def test_a_later_referral_replaces_its_whole_episode() -> None:
    """A later return's referral drops the earlier return's records linked to it."""
    referral = sm.Referral(referral_id="A/1", child_id="A", referral_date=dt.date(2024, 5, 1))
    earlier = sm.Dataset.of(
        referral,
        sm.Assessment(child_id="A", referral_id="A/1", start_date=dt.date(2024, 5, 2)),
        sm.Section47(child_id="A", referral_id="A/1", start_date=dt.date(2024, 5, 2)),
    )
    corrected = sm.Assessment(child_id="A", referral_id="A/1", start_date=dt.date(2024, 5, 3))
    later = sm.Dataset.of(referral, corrected)
    merged = earlier | later
    assert merged.assessments == (corrected,)
    assert merged.section47s == ()


def test_records_of_other_referrals_survive_a_merge() -> None:
    """Records linked to a referral the right-hand side lacks are kept."""
    kept = sm.Assessment(child_id="A", referral_id="A/0", start_date=dt.date(2023, 5, 2))
    left = sm.Dataset.of(kept)
    right = sm.Dataset.of(
        sm.Referral(referral_id="A/1", child_id="A", referral_date=dt.date(2024, 5, 1))
    )
    assert (left | right).assessments == (kept,)


@given(datasets(max_size=4), datasets(max_size=4))
def test_merging_columns_equals_merging_records(left: sm.Dataset, right: sm.Dataset) -> None:
    """`|` on column-backed datasets gives the same records as on record-backed ones."""
    by_records = left | right
    by_columns = sm.Dataset.from_columns(**as_columns(left)) | sm.Dataset.from_columns(
        **as_columns(right)
    )
    for table in TABLES:
        assert tuple(by_columns.records(table)) == tuple(by_records.records(table))


# -- argument checks -------------------------------------------------------------------


def test_option_true_is_not_the_choice_one() -> None:
    """A boolean option refuses 1 and 0, and a numeric choice refuses True."""
    option = sm.Option(name="flag", default=False, description="d", choices=(False, True))
    option.check("x", True)
    with pytest.raises(sm.InvalidOptionError):
        option.check("x", 1)


def test_compute_refuses_a_calendar_that_is_not_one() -> None:
    """`calendar=` must be a WorkingDayCalendar."""
    card = sm.INDICATORS["assessment-45wd"]
    with pytest.raises(sm.InvalidOptionError, match="calendar must be"):
        card.compute(sm.Dataset(), period=YEAR, calendar="england")  # type: ignore[arg-type]


def test_text_is_refused_where_dates_belong() -> None:
    """A string date is refused with a message, not iterated character by character."""
    with pytest.raises(TypeError, match="parse it into dates"):
        sm.working_days_between(dt.date(2024, 1, 1), "2024-01-05")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="collection of dates"):
        sm.WorkingDayCalendar.england(extra_closures="2024-12-27")  # type: ignore[arg-type]


def test_a_numpy_date_scalar_counts() -> None:
    """A numpy datetime64 scalar is accepted like a one-element array."""
    count = sm.working_days_between(np.datetime64("2024-03-28"), dt.date(2024, 4, 2))  # type: ignore[call-overload]
    assert float(count) == 1.0


def test_arrays_that_cannot_pair_are_refused_clearly() -> None:
    """Arrays of incompatible shapes raise a ValueError naming both shapes."""
    two = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    three = np.array(["2024-01-05"] * 3, dtype="datetime64[D]")
    with pytest.raises(ValueError, match="cannot be paired"):
        sm.working_days_between(two, three)
    with pytest.raises(ValueError, match="cannot be paired"):
        sm.add_working_days(two, np.array([1, 2, 3]))


def test_a_datetime_is_not_in_a_period() -> None:
    """`in` answers False for a datetime rather than raising."""
    assert dt.datetime(2024, 5, 1, 12, 0) not in YEAR  # noqa: DTZ001
    assert dt.date(2024, 5, 1) in YEAR


def test_a_later_return_replaces_same_day_duplicates_whole() -> None:
    """A later referral replaces every earlier same-day referral of the child, and their records."""
    day = dt.date(2024, 3, 1)
    earlier = sm.Dataset.of(
        sm.Referral(referral_id="A/2024-03-01", child_id="A", referral_date=day),
        sm.Referral(referral_id="A/2024-03-01/2", child_id="A", referral_date=day),
        sm.Section47(child_id="A", referral_id="A/2024-03-01/2", start_date=day),
    )
    later_referral = sm.Referral(
        referral_id="A/2024-03-01", child_id="A", referral_date=day, nfa=True
    )
    merged = earlier | sm.Dataset.of(later_referral)
    assert merged.referrals == (later_referral,)
    assert merged.section47s == ()


def test_derived_work_is_done_once_per_dataset() -> None:
    """`Dataset.derived` builds once and hands the same object to later callers."""
    data = sm.Dataset()
    calls: list[int] = []

    def build() -> list[int]:
        calls.append(1)
        return [42]

    assert data.derived(("test",), build) is data.derived(("test",), build)
    assert calls == [1]


# -- list columns ----------------------------------------------------------------------------------


def test_list_column_sorts_dates_within_each_row_and_keeps_rows_apart() -> None:
    """Review dates given out of order come back sorted per plan; rows never mix."""
    from safeguarding_metrics.record_table import ListColumn

    d = dt.date
    lists = ListColumn.from_sequences(
        [[d(2024, 5, 1), d(2024, 2, 1)], [], None, [d(2023, 1, 1)]], kind="date"
    )
    assert [lists.row(i) for i in range(len(lists))] == [
        (d(2024, 2, 1), d(2024, 5, 1)),
        (),
        (),
        (d(2023, 1, 1),),
    ]
    assert lists.rows().tolist() == [0, 0, 3]


@given(
    rows=st.lists(st.lists(st.sampled_from(["a", "bb", "ccc"]), max_size=3), max_size=8),
    data=st.data(),
)
def test_list_column_take_and_concatenate_match_plain_lists(
    rows: list[list[str]], data: st.DataObject
) -> None:
    """Taking rows and joining columns agree with doing the same to Python lists."""
    from safeguarding_metrics.record_table import ListColumn

    lists = ListColumn.from_sequences(rows, kind="text")
    picked = data.draw(st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=6)) if rows else []
    taken = lists.take(np.array(picked, dtype=np.intp))
    assert [taken.row(i) for i in range(len(taken))] == [tuple(rows[i]) for i in picked]
    joined = ListColumn.concatenate([lists, taken])
    assert [joined.row(i) for i in range(len(joined))] == [
        *(tuple(r) for r in rows),
        *(tuple(rows[i]) for i in picked),
    ]


def test_omitted_tuple_fields_cost_no_row_by_row_work() -> None:
    """Leaving out factors and review dates gives empty list columns, one array each."""
    n = 100_000
    data = sm.Dataset.from_columns(
        cp_plans={
            "child_id": np.full(n, "C"),
            "start_date": np.full(n, np.datetime64("2024-01-01", "D")),
        }
    )
    lists = data.list_column("cp_plans", "review_dates")
    assert len(lists) == n
    assert len(lists.values) == 0
    assert data.cp_plans[5].review_dates == ()


def test_merged_column_tables_keep_their_list_fields() -> None:
    """`|` of two column-backed datasets keeps each plan's review dates with it."""
    d = dt.date

    def plans(start: dt.date, reviews: list[dt.date]) -> sm.Dataset:
        return sm.Dataset.from_columns(
            cp_plans={
                "child_id": ["C"],
                "start_date": [start],
                "review_dates": [reviews],
            }
        )

    left = plans(d(2024, 1, 1), [d(2024, 3, 1)]) | plans(d(2024, 1, 1), [d(2024, 4, 1)])
    assert [p.review_dates for p in left.cp_plans] == [(d(2024, 4, 1),)]
    both = plans(d(2023, 1, 1), [d(2023, 3, 1), d(2023, 2, 1)]) | plans(d(2024, 1, 1), [])
    assert [p.review_dates for p in both.cp_plans] == [(d(2023, 2, 1), d(2023, 3, 1)), ()]
