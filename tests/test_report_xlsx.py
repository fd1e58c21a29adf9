"""The Excel workbook: the Cabinet sheet, numbers as numbers, native charts, the audit rows."""

import datetime as dt
import functools
import sys
import zipfile
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import INDICATORS, Assessment, Dataset, Referral, ReportingPeriod
from safeguarding_metrics.cli import main
from safeguarding_metrics.layouts import layout
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.report import Comparator, Report, run_report
from safeguarding_metrics.report.core import Cell
from safeguarding_metrics.report.render_xlsx import (
    SHEET_NAME_LIMIT,
    ExcelUnavailableError,
    sheet_names,
    write_xlsx,
)
from safeguarding_metrics.results import Count, Distribution, Outcome, Rate
from safeguarding_metrics.synthetic import synthetic_dataset

pytest.importorskip("xlsxwriter", reason="the xlsx format needs the extra 'excel'")
openpyxl = pytest.importorskip("openpyxl", reason="reading workbooks back needs openpyxl")

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)
AS_AT = D(2024, 9, 30)
FIXED_SHEETS = ["Cabinet", "Trends", "Notes", "Definitions"]
RESERVED = [*FIXED_SHEETS, "History"]


def assessments() -> Dataset:
    """2024-25: one on time, one late, one without a start; one more in 2023-24."""
    rows = [
        ("ZX-ONTIME", D(2024, 5, 1), D(2024, 5, 20)),
        ("ZX-LATE", D(2024, 5, 1), D(2024, 12, 20)),
        ("ZX-NOSTART", None, D(2024, 6, 1)),
        ("ZX-LASTYEAR", D(2023, 5, 1), D(2023, 5, 20)),
    ]
    return Dataset(
        assessments=[
            Assessment(child_id=child, start_date=start, authorisation_date=end)
            for child, start, end in rows
        ],
        referrals=[Referral(referral_id="R1", child_id="ZX-ONTIME", referral_date=D(2024, 4, 2))],
    )


@functools.cache
def demo() -> tuple[Report, Dataset]:
    """A small synthetic council's Cabinet table: last year, then Q1 and Q2 to date."""
    data = synthetic_dataset(year_ending=2025, scale=0.05)
    return run_report(data, columns=layout("quarters-ytd", as_at=AS_AT)), data


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Dataset, Path]:
    report, data = demo()
    path = tmp_path_factory.mktemp("xlsx") / "demo.xlsx"
    write_xlsx(report, data, path, with_children=True)
    return report, data, path


@functools.cache
def load(path: Path) -> Any:
    """The workbook at *path*, read once (the tests only read it)."""
    return openpyxl.load_workbook(path)


def cabinet_rows(sheet: Any) -> dict[str, list[Any]]:
    """Indicator id (column B) -> that row's cells on the Cabinet sheet."""
    return {
        row[1].value: list(row)
        for row in sheet.iter_rows()
        if isinstance(row[1].value, str) and row[1].value in INDICATORS
    }


# Sheets.


def test_workbook_has_the_cabinet_trends_notes_definitions_and_a_sheet_per_indicator(
    demo_book: tuple[Report, Dataset, Path],
) -> None:
    """Four sheets, then one per indicator in the report's order, named by sheet_names."""
    report, _, path = demo_book
    book = load(path)
    names = sheet_names(row.id for row in report.rows)
    assert book.sheetnames == [*FIXED_SHEETS, *(names[row.id] for row in report.rows)]
    for row in report.rows:
        assert book[names[row.id]]["A1"].value == f"{row.title} ({row.id})"


def test_cabinet_sheet_is_laid_out_like_the_table(demo_book: tuple[Report, Dataset, Path]) -> None:
    """The heading, each column's heading over its figures, areas as bands, England at the right."""
    report, _, path = demo_book
    sheet = load(path)["Cabinet"]
    assert sheet["A1"].value == report.heading
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in values if row[0] == "Indicator")
    assert [v for v in header[3:] if v] == [
        *(c.heading for c in report.columns),
        *report.comparator_labels,
    ]
    bands = [row[0] for row in values if row[0] and all(v is None for v in row[1:])]
    assert [b for b in bands if b in {"Timescales", "Referrals", "Counts"}] == [
        "Timescales",
        "Referrals",
        "Counts",
    ]
    shown = {row.id for row in report.rows if not row.is_empty}
    assert set(cabinet_rows(sheet)) == shown


def test_figures_are_numbers_with_number_formats(demo_book: tuple[Report, Dataset, Path]) -> None:
    """Numerator and denominator whole numbers, a rate a fraction shown as %, counts, medians."""
    report, _, path = demo_book
    rows = cabinet_rows(load(path)["Cabinet"])
    for row in report.rows:
        if row.is_empty:
            continue
        cells = rows[row.id]
        for position, cell in enumerate(row.cells):
            number, of, value, arrow = cells[3 + 4 * position : 7 + 4 * position]
            result = cell.result
            if isinstance(result, Rate):
                assert (number.value, of.value) == (result.numerator, result.denominator)
                if result.denominator == 0:
                    assert value.value is None  # 0 of 0: no percentage
                else:
                    assert isinstance(value.value, int | float)  # 100% reads back as 1
                    assert value.value == pytest.approx(result.numerator / result.denominator)
                    assert "%" in value.number_format
            elif isinstance(result, Count):
                assert value.value == result.count
                assert isinstance(value.value, int)
                assert value.number_format == "#,##0"
            elif isinstance(result, Distribution):
                assert number.value == result.total
                assert value.value == (None if result.median is None else result.median)
            assert arrow.value == (cell.direction.arrow if cell.direction else None)


def test_comparators_are_numbers_with_their_year(demo_book: tuple[Report, Dataset, Path]) -> None:
    """England's 85.7% is the number 0.857 shown as a percentage, beside its year."""
    report, _, path = demo_book
    england = INDICATORS["assessment-45wd"].england
    assert england is not None
    cells = cabinet_rows(load(path)["Cabinet"])["assessment-45wd"]
    right = 3 + 4 * len(report.columns)
    assert cells[right].value == pytest.approx(england.value / 100)
    assert "%" in cells[right].number_format
    assert cells[right + 1].value == england.period


def test_trends_are_native_excel_charts(demo_book: tuple[Report, Dataset, Path]) -> None:
    """A line chart per indicator with a figure, a column chart per distribution."""
    report, _, path = demo_book
    shown = [row for row in report.rows if not row.is_empty]
    with_figure = [
        row
        for row in shown
        if any(c.result is not None and c.result.value is not None for c in row.cells)
    ]
    distributions = [row for row in shown if row.card.kind == "distribution"]
    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        kinds = [
            "lineChart" if b"<c:lineChart>" in archive.read(name) else "barChart" for name in charts
        ]
    assert kinds.count("lineChart") == len(with_figure)
    assert kinds.count("barChart") == len(distributions)
    assert len(load(path)["Trends"]._charts) == len(charts)


def test_trend_figures_are_the_cabinet_figures(demo_book: tuple[Report, Dataset, Path]) -> None:
    """The Trends sheet's numbers, which the charts plot, are each column's figure."""
    report, _, path = demo_book
    sheet = load(path)["Trends"]
    found = {
        row[1]: row[2 : 2 + len(report.columns)]
        for row in sheet.iter_rows(values_only=True)
        if row[1] in INDICATORS
    }
    row = report.row("icpc-15wd")
    rates = [c.result for c in row.cells if isinstance(c.result, Rate)]
    assert len(rates) == len(row.cells)
    expected = [r.numerator / r.denominator for r in rates]
    assert list(found["icpc-15wd"]) == pytest.approx(expected)


# Audit sheets.


def audit_table(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    "indicator_id",
    ["assessment-45wd", "children-re-referred-12m", "cla-at-period-end", "cpp-durations"],
)
def test_audit_rows_match_the_result_audit(
    demo_book: tuple[Report, Dataset, Path], indicator_id: str
) -> None:
    """Each record in the first column's cohort, in order, with its outcome, child and row."""
    report, _, path = demo_book
    result = report.row(indicator_id).current
    assert result is not None
    audit = result.audit
    assert audit is not None
    sheet = load(path)[sheet_names(r.id for r in report.rows)[indicator_id]]
    table = audit_table(sheet)
    kept = np.flatnonzero(audit.outcomes() != Outcome.OUT_OF_SCOPE)
    assert [line["outcome"] for line in table] == audit.outcomes()[kept].tolist()
    assert [line["child_id"] for line in table] == audit.child_ids[kept].tolist()
    rows = [int(r) if r >= 0 else None for r in np.asarray(audit.rows)[kept]]
    assert [line["row"] for line in table] == rows
    assert {line["indicator"] for line in table} <= {indicator_id}
    tally = audit.tally()
    assert len(table) == len(audit) - tally[Outcome.OUT_OF_SCOPE]
    assert f"{tally[Outcome.OUT_OF_SCOPE]:,} record(s) out of scope" in sheet["A2"].value


def test_audit_dates_are_dates_and_measures_numbers(tmp_path: Path) -> None:
    """Start and authorisation dates as dates, working days as numbers, blanks where missing."""
    data = assessments()
    report = run_report(data, period=YEAR, indicators=["assessment-45wd"])
    path = tmp_path / "book.xlsx"
    write_xlsx(report, data, path, with_children=True)
    table = {line["child_id"]: line for line in audit_table(load(path)["assessment-45wd"])}
    assert set(table) == {"ZX-ONTIME", "ZX-LATE", "ZX-NOSTART"}
    assert table["ZX-ONTIME"]["start_date"].date() == D(2024, 5, 1)
    assert table["ZX-ONTIME"]["authorisation_date"].date() == D(2024, 5, 20)
    assert table["ZX-NOSTART"]["start_date"] is None
    assert table["ZX-ONTIME"]["working_days"] == 12  # 2 + 4 + 5 + 1: 6 May is a bank holiday
    assert table["ZX-NOSTART"]["outcome"] == "missing-start"
    assert table["ZX-LATE"]["outcome"] == "denominator-only"
    assert table["ZX-ONTIME"]["row"] == 0
    assert table["ZX-ONTIME"]["file"] is None


# Sheet names.


def test_long_ids_are_shortened_keeping_their_end() -> None:
    """Two 32-character ids that differ at the end keep apart."""
    names = sheet_names(["care-leavers-accommodation-17-18", "care-leavers-accommodation-19-21"])
    assert names == {
        "care-leavers-accommodation-17-18": "care-leavers-accommodati…-17-18",
        "care-leavers-accommodation-19-21": "care-leavers-accommodati…-19-21",
    }


def test_names_taken_get_a_number() -> None:
    """An id equal to a fixed sheet's name, or to another's shortened name, is numbered."""
    names = sheet_names(["cabinet", "x" * 40, "x" * 41])
    assert names["cabinet"] == "cabinet~2"
    assert names["x" * 41] == "x" * 24 + "…" + "xxxx~2"


@given(st.lists(st.text(min_size=1, max_size=60), unique=True, max_size=30))
def test_sheet_names_are_short_unique_and_valid(ids: list[str]) -> None:
    r"""At most 31 characters, unique ignoring case, none of []:*?/\, no fixed sheet's name."""
    names = sheet_names(ids)
    assert list(names) == ids
    chosen = list(names.values())
    assert all(0 < len(name) <= SHEET_NAME_LIMIT for name in chosen)
    assert len({name.lower() for name in chosen}) == len(chosen)
    assert not {name.lower() for name in chosen} & {name.lower() for name in RESERVED}
    assert not [name for name in chosen if set(name) & set("[]:*?/\\")]
    assert not [name for name in chosen if name.startswith("'") or name.endswith("'")]


# Layouts and odd cells.


def test_one_column_without_comparison_or_comparators(tmp_path: Path) -> None:
    """One column, --compare none, no England: figures without arrows or comparator columns."""
    data = assessments()
    report = run_report(data, period=YEAR, compare="none", england=False)
    path = tmp_path / "book.xlsx"
    write_xlsx(report, data, path)
    sheet = load(path)["Cabinet"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in values if row[0] == "Indicator")
    assert [v for v in header if v] == ["Indicator", "Id", "Measure", "2024-25"]
    cells = cabinet_rows(sheet)["assessment-45wd"]
    assert [c.value for c in cells[3:7]] == [1, 2, 0.5, None]


def test_comparators_of_the_council_follow_england(tmp_path: Path) -> None:
    """A council's own comparator gets a value and a year column after England's."""
    data = assessments()
    neighbours = Comparator(
        indicator_id="assessment-45wd", label="Statistical neighbours", value=83.1, year="2023-24"
    )
    report = run_report(data, period=YEAR, comparators=[neighbours])
    path = tmp_path / "book.xlsx"
    write_xlsx(report, data, path)
    cells = cabinet_rows(load(path)["Cabinet"])["assessment-45wd"]
    assert [c.value for c in cells[7:11]][2:] == [pytest.approx(0.831), "2023-24"]


def test_unsupported_and_failed_cells_say_why_in_a_comment_and_on_the_notes(
    tmp_path: Path,
) -> None:
    """n/a and error in the value cell, with the reason as a comment; listed on Notes."""
    data = attrs.evolve(
        assessments(),
        coverage=Coverage(
            (
                ReturnCoverage.for_year(
                    kind="cin-census", path="cin-2025.xml", year=2025, tables=["assessments"]
                ),
            )
        ),
    )
    columns = [ReportingPeriod.year_ending(2025), ReportingPeriod.year_ending(2026)]
    report = run_report(data, columns=columns, indicators=["assessment-45wd", "referrals-nfa"])
    rows = tuple(
        attrs.evolve(row, cells=(Cell(error="the calendar ends in 2024"), row.cells[1]))
        if row.id == "referrals-nfa"
        else row
        for row in report.rows
    )
    report = attrs.evolve(report, rows=rows)
    reason = report.row("assessment-45wd").cells[1].unsupported
    assert reason is not None
    path = tmp_path / "book.xlsx"
    write_xlsx(report, data, path)
    book = load(path)
    cells = cabinet_rows(book["Cabinet"])
    na = cells["assessment-45wd"][9]
    assert na.value == "n/a"
    assert na.comment.text == f"Not supported: {reason}"
    error = cells["referrals-nfa"][5]
    assert error.value == "error"
    assert error.comment.text == "Not computed: the calendar ends in 2024"
    notes = [[c for c in row if c is not None] for row in book["Notes"].iter_rows(values_only=True)]
    assert [
        "Single assessments completed within 45 working days",
        "assessment-45wd",
        "2025-26",
        reason,
    ] in notes
    assert "the calendar ends in 2024" in [row[-1] for row in notes if row]
    assert book["referrals-nfa"]["A2"].value == "No figure for 2024-25: the calendar ends in 2024"


def test_notes_list_every_data_problem_in_full(tmp_path: Path) -> None:
    """File, where, field, value and problem of each diagnostic, one line each."""
    from safeguarding_metrics.diagnostics import Diagnostic

    problem = Diagnostic(
        file="cin.xml", where="line 4", field="CPPstartDate", value="31/02", problem="not a date"
    )
    data = assessments()
    report = attrs.evolve(run_report(data, period=YEAR), diagnostics=(problem, problem))
    path = tmp_path / "book.xlsx"
    write_xlsx(report, data, path, with_children=True)
    rows = [row[:5] for row in load(path)["Notes"].iter_rows(values_only=True)]
    assert rows.count(("cin.xml", "line 4", "CPPstartDate", "31/02", "not a date")) == 2


def test_without_children_the_workbook_holds_no_child_id(tmp_path: Path) -> None:
    """By default no cell of any sheet holds a child id; problems are counted by kind."""
    report, data = demo()
    path = tmp_path / "plain.xlsx"
    write_xlsx(report, data, path)
    ids = {c.child_id for c in data.children} | {e.child_id for e in data.episodes}
    book = load(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if isinstance(cell, str):
                    assert not any(child in cell for child in ids), (sheet.title, cell)
    assert "child_id" not in next(book["assessment-45wd"].iter_rows(values_only=True))


def test_missing_xlsxwriter_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without XlsxWriter: an error naming the extra 'excel', and no file."""
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    data = assessments()
    path = tmp_path / "book.xlsx"
    with pytest.raises(ExcelUnavailableError, match=r"safeguarding-metrics\[excel\]"):
        write_xlsx(run_report(data, period=YEAR), data, path)
    assert not path.exists()


def test_report_command_writes_the_workbook(tmp_path: Path) -> None:
    """--format xlsx -o FILE writes a workbook the report's figures can be read back from."""
    out = tmp_path / "cabinet.xlsx"
    args = ["report", "--demo", "--indicator", "icpc-15wd", "--format", "xlsx", "-o", str(out)]
    assert main(args) == 0
    book = load(out)
    assert book.sheetnames == [*FIXED_SHEETS, "icpc-15wd"]
    assert isinstance(cabinet_rows(book["Cabinet"])["icpc-15wd"][5].value, float)
