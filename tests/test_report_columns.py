"""Reports of several periods side by side: comparisons, shared work, comparators, options."""

import datetime as dt
import json
from pathlib import Path

import pytest

from safeguarding_metrics import (
    INDICATORS,
    Assessment,
    Dataset,
    Direction,
    InvalidOptionError,
    ReadError,
    Referral,
    ReportingPeriod,
)
from safeguarding_metrics.layouts import layout, parse_columns
from safeguarding_metrics.report import Comparator, core, read_comparators, run_report
from safeguarding_metrics.synthetic import synthetic_dataset

D = dt.date
AS_AT = D(2024, 9, 30)


def assessments() -> Dataset:
    """Assessments in 2023-24 (2 of 3 on time), Q1 2024-25 (1 of 1) and Q2 (0 of 1)."""
    rows = [
        (D(2023, 5, 1), D(2023, 5, 20)),
        (D(2023, 6, 1), D(2023, 6, 20)),
        (D(2023, 6, 1), D(2023, 12, 20)),
        (D(2024, 4, 8), D(2024, 5, 1)),
        (D(2024, 5, 1), D(2024, 9, 20)),
    ]
    return Dataset(
        assessments=[
            Assessment(child_id=f"C{n}", start_date=start, authorisation_date=end)
            for n, (start, end) in enumerate(rows)
        ],
        referrals=[Referral(referral_id="R", child_id="C0", referral_date=D(2023, 5, 1))],
    )


def test_stockton_columns_compare_each_with_the_column_before() -> None:
    """Whole year, Q1, Q2 to date: each column's arrow is against the column to its left."""
    report = run_report(
        assessments(), columns=layout("quarters-ytd", as_at=AS_AT), indicators=["assessment-45wd"]
    )
    (row,) = report.rows
    values = [cell.result.value if cell.result else None for cell in row.cells]
    assert values == [pytest.approx(200 / 3), 100.0, 50.0]
    assert [cell.compared_with for cell in row.cells[1:]] == [c.period for c in report.columns[:-1]]
    assert row.cells[0].compared_with == ReportingPeriod.year_ending(2023)
    assert [cell.direction for cell in row.cells[1:]] == [Direction.IMPROVED, Direction.DECLINED]


def test_year_earlier_compares_each_column_with_the_same_period_a_year_before() -> None:
    """--compare year-earlier: Q1 2024-25 against Q1 2023-24."""
    columns = parse_columns(["Q1"], year=2025)
    report = run_report(
        assessments(), columns=columns, compare="year-earlier", indicators=["assessment-45wd"]
    )
    cell = report.rows[0].first
    assert cell.compared_with == ReportingPeriod.year_ending(2024).quarter(1)
    assert cell.comparison is not None
    assert (cell.comparison.numerator, cell.comparison.denominator) == (2, 2)
    assert cell.direction is Direction.UNCHANGED


def test_each_period_is_computed_once_however_many_columns_use_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Columns and comparisons sharing a period share its computation."""
    card = INDICATORS["assessment-45wd"]
    calls: list[ReportingPeriod] = []
    original = card.function

    def counting(data: Dataset, *, period: ReportingPeriod, **options: object) -> object:
        calls.append(period)
        return original(data, period=period, **options)

    import attrs

    monkeypatch.setattr(
        core, "INDICATORS", {**INDICATORS, card.id: attrs.evolve(card, function=counting)}
    )
    columns = layout("quarters-ytd", as_at=AS_AT)
    run_report(assessments(), columns=columns, indicators=[card.id])
    assert len(calls) == len(set(calls)) == 4  # three columns and the year before the first


def test_counts_over_periods_of_different_lengths_are_not_compared() -> None:
    """A count for Q1 is not set against a whole year's count: no arrow, and the reason."""
    report = run_report(
        assessments(), columns=layout("quarters", as_at=AS_AT), indicators=["assessments-in-period"]
    )
    cell = report.rows[0].cells[1]
    assert cell.direction is Direction.NOT_COMPARABLE
    assert cell.comparison_unsupported == (
        "a count over 2024-25 Q1 is not comparable with one over 2023-24"
    )
    assert report.rows[0].cells[2].direction is not Direction.NOT_COMPARABLE  # Q2 against Q1


def test_indicator_with_no_records_in_any_column_is_left_out_of_tables() -> None:
    """Legacy NI 59 with no initial assessments: out of the table, with a note; in the JSON."""
    report = run_report(assessments(), columns=layout("quarters-ytd", as_at=AS_AT))
    assert "initial-assessment-10wd" in report.empty
    table = report.to_table()
    assert "Not shown (nobody in the cohort in any column):" in table
    assert "Initial assessments" not in table
    assert "initial-assessment-10wd" in json.loads(report.to_json())["indicators"]


def test_england_figures_come_from_the_cards_with_their_year() -> None:
    """Each card's published England figure is a comparator, labelled with its year."""
    report = run_report(assessments(), period=ReportingPeriod.year_ending(2025))
    england = INDICATORS["assessment-45wd"].england
    assert england is not None
    (comparator,) = report.row("assessment-45wd").comparators
    assert (comparator.label, comparator.value, comparator.year) == (
        "England",
        england.value,
        england.period,
    )
    assert f"England {england.period}: {england.value:.1f}%" in report.to_table()
    assert (
        run_report(assessments(), period=ReportingPeriod.year_ending(2025), england=False)
        .row("assessment-45wd")
        .comparators
        == ()
    )


def test_comparators_file_adds_a_column_per_label(tmp_path: Path) -> None:
    """A council's CSV of neighbours' figures appears beside its own, in every format."""
    path = tmp_path / "neighbours.csv"
    path.write_text(
        "indicator_id,label,value,year\n"
        "assessment-45wd,Statistical neighbours,83.1,2023-24\n"
        "assessment-45wd,North East,86%,2023-24\n",
        encoding="utf-8",
    )
    comparators = read_comparators(path)
    assert [c.value for c in comparators] == [83.1, 86.0]
    report = run_report(
        assessments(),
        columns=layout("quarters-ytd", as_at=AS_AT),
        comparators=comparators,
        indicators=["assessment-45wd"],
    )
    assert report.comparator_labels == ("England", "Statistical neighbours", "North East")
    assert "83.1%" in report.to_table()
    assert "83.1% (2023-24)" in report.to_markdown()
    assert json.loads(report.to_json())["comparators"]["assessment-45wd"][1] == {
        "label": "Statistical neighbours",
        "value": 83.1,
        "year": "2023-24",
        "source": str(path),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("indicator_id,label,value\n", "missing year", id="missing-column"),
        pytest.param("indicator_id,label,value,year\nnope,X,1,2024\n", "line 2", id="unknown-id"),
        pytest.param(
            "indicator_id,label,value,year\nassessment-45wd,X,high,2024\n",
            "is not a number",
            id="not-a-number",
        ),
    ],
)
def test_a_bad_comparators_file_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    """Every mistake in a comparators file is a ReadError naming the file and line."""
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match=message):
        read_comparators(path)


def test_options_are_checked_against_the_card() -> None:
    """A wrong option names the card's options; a wrong value names the choices."""
    period = ReportingPeriod.year_ending(2025)
    with pytest.raises(InvalidOptionError, match="its options are: anchor"):
        run_report(assessments(), period=period, options={"assessment-45wd": {"window": 1}})
    with pytest.raises(InvalidOptionError, match="is not one of"):
        run_report(assessments(), period=period, options={"assessment-45wd": {"anchor": "x"}})
    report = run_report(
        assessments(),
        period=period,
        options={"assessment-45wd": {"anchor": "referral"}},
        indicators=["assessment-45wd"],
    )
    assert report.rows[0].current is not None
    assert report.rows[0].current.excluded == {"missing-referral": 2}


def test_skip_leaves_an_indicator_out() -> None:
    """skip= removes the ids named; an unknown id is refused."""
    report = run_report(
        assessments(), period=ReportingPeriod.year_ending(2025), skip=["assessment-45wd"]
    )
    assert "assessment-45wd" not in {row.id for row in report.rows}
    with pytest.raises(InvalidOptionError, match="unknown indicator id"):
        run_report(assessments(), period=ReportingPeriod.year_ending(2025), skip=["nope"])


def test_json_keeps_spec_keys_for_the_first_column_and_lists_every_column() -> None:
    """SPEC §6's period and indicators describe the first column; columns lists them all."""
    report = run_report(
        assessments(), columns=layout("quarters-ytd", as_at=AS_AT), indicators=["assessment-45wd"]
    )
    document = json.loads(report.to_json())
    assert document["period"]["label"] == "2023-24"
    assert document["indicators"]["assessment-45wd"]["numerator"] == 2
    assert [c["heading"] for c in document["columns"]] == [
        "2023-24 whole year",
        "Q1 (Apr–Jun)",
        "Q2 (Apr–Sep)",
    ]
    second = document["columns"][1]["indicators"]["assessment-45wd"]
    assert second["previous"]["period"] == "2023-24"
    assert second["direction"] == "improved"


def test_csv_has_a_line_per_indicator_and_column() -> None:
    """The CSV is tidy: one line per indicator and column, the column's heading named."""
    import csv
    import io

    report = run_report(
        assessments(), columns=layout("quarters-ytd", as_at=AS_AT), indicators=["assessment-45wd"]
    )
    lines = [
        line for line in csv.DictReader(io.StringIO(report.to_csv())) if not line["comparator"]
    ]
    assert [line["column"] for line in lines] == [
        "2023-24 whole year",
        "Q1 (Apr–Jun)",
        "Q2 (Apr–Sep)",
    ]
    assert [line["numerator"] for line in lines] == ["2", "1", "1"]


def test_comparator_is_a_plain_value() -> None:
    """Comparators are frozen records of a figure: label, value, year."""
    comparator = Comparator(
        indicator_id="assessment-45wd", label="England", value=85.7, year="2024-25"
    )
    assert comparator.value == 85.7


def test_counts_to_date_at_different_quarter_ends_are_not_compared() -> None:
    """The year to September is not set against the year to June: the count only grew."""
    report = run_report(
        assessments(),
        columns=layout("quarters-ytd", as_at=AS_AT),
        indicators=["assessments-in-period"],
    )
    cell = report.rows[0].cells[2]
    assert cell.direction is Direction.NOT_COMPARABLE
    assert cell.comparison_unsupported is not None
    assert "is not comparable" in cell.comparison_unsupported


def test_several_years_of_one_comparator_keep_the_latest_in_any_order(tmp_path: Path) -> None:
    """Neighbours' 2023-24 and 2024-25 figures, in either order: 2024-25's is shown."""
    rows = [
        "assessment-45wd,Neighbours,82,2023-24",
        "assessment-45wd,Neighbours,80,2024-25",
    ]
    for order in (rows, rows[::-1]):
        path = tmp_path / "c.csv"
        path.write_text(
            "indicator_id,label,value,year\n" + "\n".join(order) + "\n", encoding="utf-8"
        )
        (comparator,) = read_comparators(path)
        assert (comparator.value, comparator.year) == (80.0, "2024-25")
    path.write_text(
        "indicator_id,label,value,year\nassessment-45wd,N,80,2024-25\nassessment-45wd,N,81,2024-25\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError, match="given twice"):
        read_comparators(path)


@pytest.mark.parametrize(
    ("indicator", "compares"),
    [
        ("cla-at-period-end", True),
        ("cin-at-period-end", True),
        ("cp-at-period-end", True),
        ("referrals-in-period", False),
        ("cla-3-plus-placements", False),
        ("assessment-45wd", True),
        ("cla-long-term-stability", True),
    ],
)
def test_snapshots_compare_across_lengths_and_figures_reached_over_the_period_do_not(
    indicator: str, compares: bool
) -> None:
    """A count on the period's last day is a snapshot; three placements during it grow with it."""
    card = INDICATORS[indicator]
    assert card.compares_across_lengths is compares
    expected = "with periods of any length" if compares else "only with periods of the same length"
    assert f"| Compared | {expected}" in card.to_markdown()


def test_a_snapshot_count_at_a_quarters_end_is_compared_with_the_year_before() -> None:
    """Children looked after on 30 June against 31 March: an arrow, not 'not comparable'."""
    data = synthetic_dataset(seed=3)
    report = run_report(
        data,
        columns=layout("quarters", as_at=D(2024, 9, 30)),
        indicators=["cla-at-period-end", "cla-3-plus-placements"],
    )
    snapshot = report.row("cla-at-period-end").cells[1]
    assert snapshot.comparison_unsupported is None
    assert snapshot.direction is not Direction.NOT_COMPARABLE
    grows = report.row("cla-3-plus-placements").cells[1]
    assert grows.direction is Direction.NOT_COMPARABLE
    assert grows.comparison_unsupported == (
        "a figure that grows with the period over 2024-25 Q1 is not comparable with one over 2023-24"
    )
