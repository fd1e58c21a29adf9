"""DataFrames in and out: pandas (numpy- and Arrow-backed), polars and Arrow tables."""

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import safeguarding_metrics as sm
from safeguarding_metrics.frames import from_frames
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.schema import schema
from tests.strategies import datasets

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

D = dt.date
YEAR = sm.ReportingPeriod.year_ending(2025)


def plain_columns(data: sm.Dataset, table: str) -> dict[str, list[Any]]:
    """Oracle: a collection as field -> the records' values (None for missing)."""
    records = data.records(table)  # type: ignore[arg-type]
    return {
        field.name: [getattr(r, field.name) for r in records]
        for field in schema()[table].fields  # type: ignore[index]
    }


def pandas_frame(data: sm.Dataset, table: str) -> Any:
    """A pandas frame of a collection, dates as datetime64[ns], lists as lists."""
    columns = plain_columns(data, table)
    frame = pd.DataFrame(
        {name: pd.Series(values, dtype=object) for name, values in columns.items()}
    )
    for field in schema()[table].fields:  # type: ignore[index]
        if field.type == "date":
            frame[field.name] = pd.to_datetime(frame[field.name])
        elif field.type == "whole number":
            frame[field.name] = pd.to_numeric(frame[field.name]).astype("Float64")
        elif field.type.startswith("list of"):
            frame[field.name] = [list(v) for v in columns[field.name]]
        elif field.type == "true/false":
            frame[field.name] = frame[field.name].astype(bool)
    return frame


def as_frames(data: sm.Dataset) -> dict[str, Any]:
    return {t: pandas_frame(data, t) for t in TABLES if len(data.records(t))}


def test_pandas_timestamps_missing_values_and_strings() -> None:
    """Timestamps (with times), NaT, None, NaN and pandas strings become dates and text."""
    frame = pd.DataFrame(
        {
            "referral_id": pd.array(["R1", "R2"], dtype="string"),
            "child_id": pd.Categorical(["A", "B"]),
            "referral_date": pd.to_datetime(["2024-05-01 00:00", "2024-06-01 13:45"]),
            "closure_date": [pd.NaT, pd.Timestamp("2024-07-01")],
            "source": [None, np.nan],
            "nfa": [True, False],
        }
    )
    data = from_frames({"referrals": frame})
    first, second = data.referrals
    assert (first.referral_date, second.referral_date) == (D(2024, 5, 1), D(2024, 6, 1))
    assert (first.closure_date, second.closure_date) == (None, D(2024, 7, 1))
    assert (first.child_id, first.source, second.source) == ("A", None, None)


def test_time_zone_aware_timestamps_give_the_local_date() -> None:
    """A timestamp in a time zone is read as the date on that zone's clock."""
    frame = pd.DataFrame(
        {
            "child_id": ["A"],
            "contact_date": pd.to_datetime(["2024-06-30 23:30"]).tz_localize("Europe/London"),
        }
    )
    assert from_frames({"contacts": frame}).contacts[0].contact_date == D(2024, 6, 30)


def test_polars_and_arrow_give_the_same_dataset_as_pandas() -> None:
    """The same table as pandas, polars or Arrow reads to equal records."""
    frame = pd.DataFrame(
        {
            "child_id": ["A", "B", "C"],
            "start_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "previous_plans": pd.array([0, None, 2], dtype="Int64"),
            "review_dates": [[D(2024, 3, 1), D(2024, 2, 1)], [], None],
        }
    )
    from_pandas = from_frames({"cp_plans": frame}).cp_plans
    from_arrow = from_frames({"cp_plans": pa.Table.from_pandas(frame)}).cp_plans
    from_polars = from_frames({"cp_plans": pl.from_pandas(frame)}).cp_plans
    assert list(from_pandas) == list(from_arrow) == list(from_polars)
    assert from_pandas[0].review_dates == (D(2024, 2, 1), D(2024, 3, 1))
    assert [p.previous_plans for p in from_pandas] == [0, None, 2]


def test_list_field_as_a_long_table_joins_by_child_and_start() -> None:
    """Review dates in a table of their own attach to the plan of that child and start."""
    plans = pd.DataFrame(
        {"child_id": ["A", "B"], "start_date": pd.to_datetime(["2024-01-01", "2024-01-01"])}
    )
    reviews = pd.DataFrame(
        {
            "child_id": ["A", "A", "Z"],
            "start_date": pd.to_datetime(["2024-01-01"] * 3),
            "review_date": pd.to_datetime(["2024-04-01", "2024-02-01", "2024-02-01"]),
        }
    )
    data = from_frames({"cp_plans": plans, "cp_plan_reviews": reviews})
    assert [p.review_dates for p in data.cp_plans] == [(D(2024, 2, 1), D(2024, 4, 1)), ()]
    (problem,) = data.diagnostics
    assert (problem.where, problem.value) == ("cp_plan_reviews", "1 row(s)")


def test_rename_maps_a_councils_column_names() -> None:
    """rename= maps column names to fields, for all tables or one at a time."""
    frame = pd.DataFrame({"person": ["A"], "date_of_contact": pd.to_datetime(["2024-05-01"])})
    renamed = {"contacts": {"person": "child_id", "date_of_contact": "contact_date"}}
    assert from_frames({"contacts": frame}, rename=renamed).contacts[0].child_id == "A"
    flat = {"person": "child_id", "date_of_contact": "contact_date"}
    assert from_frames({"contacts": frame}, rename=flat).contacts[0].contact_date == D(2024, 5, 1)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        pytest.param(
            {"child_id": ["A"], "contact_date": ["2024-05-01"]},
            "must hold dates",
            id="text-date",
        ),
        pytest.param(
            {"child_id": ["A"], "contact_date": pd.to_datetime(["2024-05-01"]), "colour": [1]},
            "no field 'colour'",
            id="unknown-column",
        ),
        pytest.param({"contact_date": pd.to_datetime(["2024-05-01"])}, "is required", id="no-id"),
    ],
)
def test_bad_frames_are_refused_with_the_reason(frame: dict[str, Any], message: str) -> None:
    """A column of the wrong kind, an unknown column or a missing one is a clear error."""
    with pytest.raises(sm.InvalidRecordError, match=message):
        from_frames({"contacts": pd.DataFrame(frame)})


def test_missing_true_false_values_are_read_as_false_and_reported() -> None:
    """A null in a true/false column is false, with a diagnostic saying how many."""
    frame = pd.DataFrame(
        {
            "referral_id": ["R1", "R2"],
            "child_id": ["A", "B"],
            "referral_date": pd.to_datetime(["2024-05-01", "2024-05-02"]),
            "nfa": pd.array([True, None], dtype="boolean"),
        }
    )
    data = from_frames({"referrals": frame})
    assert [r.nfa for r in data.referrals] == [True, False]
    assert data.diagnostics[0].problem == "missing true/false values read as false"


@settings(max_examples=40)
@given(datasets(max_size=4))
def test_frames_read_back_to_the_same_records(data: sm.Dataset) -> None:
    """Any dataset written to pandas frames reads back to the same records and figures."""
    back = from_frames(as_frames(data))
    for table in TABLES:
        assert list(back.records(table)) == list(data.records(table)), table
    for card in sm.INDICATORS.values():
        if any(data.is_empty(t) for t in card.inputs):
            continue
        try:
            expected = card.compute(data, period=YEAR)
        except sm.SafeguardingMetricsError:
            continue
        assert card.compute(back, period=YEAR) == expected, card.id


def test_audit_frame_has_a_row_per_record_with_its_outcome_and_measures() -> None:
    """Audit.to_frame: ids, outcome, reason and the measures, one row per record given."""
    data = sm.Dataset(
        assessments=[
            sm.Assessment(
                child_id="A", start_date=D(2024, 4, 8), authorisation_date=D(2024, 6, 12)
            ),
            sm.Assessment(
                child_id="B", start_date=D(2024, 9, 2), authorisation_date=D(2024, 8, 30)
            ),
        ]
    )
    rate = sm.INDICATORS["assessment-45wd"].compute(data, period=YEAR)
    assert rate.audit is not None
    frame = rate.audit.to_frame(data, indicator_id=rate.indicator_id)
    assert frame["outcome"].tolist() == ["numerator", "excluded"]
    assert frame["reason"].tolist() == ["", "end-before-start"]
    assert frame["working_days"].tolist()[0] == 45
    assert set(frame["indicator"]) == {"assessment-45wd"}
    assert rate.audit.to_arrow().num_rows == 2


def test_result_and_report_frames_are_tidy() -> None:
    """Rate.to_frame is one row; Report.to_frame one row per indicator and column."""
    from safeguarding_metrics.layouts import layout
    from safeguarding_metrics.report import run_report
    from safeguarding_metrics.synthetic import synthetic_dataset

    data = synthetic_dataset(seed=4, scale=0.05)
    rate = sm.INDICATORS["assessment-45wd"].compute(data, period=YEAR)
    one = rate.to_frame()
    assert one.loc[0, ["numerator", "denominator"]].tolist() == [rate.numerator, rate.denominator]
    report = run_report(data, columns=layout("quarters-ytd", as_at=D(2024, 9, 30)))
    frame = report.to_frame()
    own = frame[frame["comparator"] == ""]
    assert len(own) == len(report.rows) * len(report.columns)
    assert set(own["column"]) == {c.heading for c in report.columns}
    assert report.to_arrow().num_rows == len(frame)


@pytest.mark.parametrize("backend", ["pandas", "arrow"])
def test_a_column_the_frame_library_cannot_convert_is_our_error(backend: str) -> None:
    """A true/false column holding "maybe" is an InvalidRecordError naming the column."""
    frame = pd.DataFrame(
        {
            "referral_id": ["R1"],
            "child_id": ["A"],
            "referral_date": pd.to_datetime(["2024-05-01"]),
            "nfa": ["maybe"],
        }
    )
    given = frame if backend == "pandas" else pa.Table.from_pandas(frame)
    with pytest.raises(sm.InvalidRecordError, match=r"referrals\.nfa"):
        from_frames({"referrals": given})
