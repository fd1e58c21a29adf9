"""Tests of the report: what it computes, its renderings, its JSON shape and its audit files."""

import csv
import datetime as dt
import functools
import io
import json
import os
from pathlib import Path
from typing import Any

import attrs
import pytest

from safeguarding_metrics import (
    INDICATORS,
    Assessment,
    Count,
    Dataset,
    Diagnostic,
    Distribution,
    InvalidOptionError,
    Rate,
    Referral,
    ReportingPeriod,
    WorkingDayCalendar,
)
from safeguarding_metrics import report as report_module
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.errors import CalendarCoverageError
from safeguarding_metrics.report import Report, run_report, write_audit
from safeguarding_metrics.results import Result
from safeguarding_metrics.synthetic import synthetic_dataset, write_synthetic

YEAR = ReportingPeriod.year_ending(2025)
SNAPSHOT = Path(__file__).parent / "snapshots" / "synthetic-2024-25.json"


@functools.cache
def small() -> Dataset:
    return synthetic_dataset(seed=11, scale=0.1)


@functools.cache
def small_report() -> Report:
    return run_report(small(), period=YEAR)


OLD_REFERRAL = Referral(referral_id="Z", child_id="Z", referral_date=dt.date(2020, 1, 1))


def assessments_only() -> Dataset:
    """Three single assessments in 2024-25 (one late, one without a start) and one in 2023-24.

    The one referral, from 2020 and never closed, puts the referral cards in the report too,
    so it holds rates, counts and distributions (cin-at-period-end counts that referral).
    """
    return Dataset(
        referrals=[OLD_REFERRAL],
        assessments=[
            # Mon 8 Apr 2024 + 45 working days is Wed 12 Jun 2024 (SPEC §1): on time.
            Assessment(
                child_id="A",
                start_date=dt.date(2024, 4, 8),
                authorisation_date=dt.date(2024, 6, 12),
            ),
            # One day later is the 46th working day: late.
            Assessment(
                child_id="B",
                start_date=dt.date(2024, 4, 8),
                authorisation_date=dt.date(2024, 6, 13),
            ),
            Assessment(child_id="C", start_date=None, authorisation_date=dt.date(2024, 7, 1)),
            Assessment(
                child_id="D", start_date=dt.date(2023, 5, 1), authorisation_date=dt.date(2023, 5, 2)
            ),
        ],
        diagnostics=[
            Diagnostic(
                file="f.xml",
                where="Child 1",
                field="AssessmentActualStartDate",
                value="",
                problem="missing",
            )
        ],
    )


def test_indicators_without_their_records_are_skipped() -> None:
    """Only indicators whose every input collection has records are computed."""
    report = run_report(assessments_only(), period=YEAR)
    computed = {row.id for row in report.rows}
    present = {"assessments", "referrals"}
    expected = {card.id for card in INDICATORS.values() if set(card.inputs) <= present}
    assert computed == expected
    assert set(report.skipped) == set(INDICATORS) - expected
    assert "assessment-45wd" in computed


def test_a_rate_row_holds_both_periods_and_the_direction() -> None:
    """assessment-45wd: 1 of 2 this year (one excluded), 1 of 1 last year: declined."""
    row = run_report(assessments_only(), period=YEAR).row("assessment-45wd")
    assert isinstance(row.current, Rate)
    assert (row.current.numerator, row.current.denominator) == (1, 2)
    assert row.current.excluded == {"missing-start": 1}
    assert isinstance(row.previous, Rate)
    assert (row.previous.numerator, row.previous.denominator) == (1, 1)
    assert row.direction is not None
    assert row.direction.value == "declined"


def test_report_equals_the_library_over_the_records() -> None:
    """Every row is what its card computes over the same data with default options."""
    report = small_report()
    assert report.rows
    from safeguarding_metrics.availability import availability

    for row in report.rows:
        card = INDICATORS[row.id]
        assert row.current == card.compute(small(), period=YEAR)
        earlier = availability(card, small(), YEAR.preceding())
        if earlier.supported:
            assert row.previous == card.compute(small(), period=YEAR.preceding())
        else:  # a look-back before the synthetic returns start: no figure, and why
            assert row.previous is None
            assert row.previous_unsupported == earlier.reason


def test_report_over_written_returns_equals_report_over_the_cohort(tmp_path: Path) -> None:
    """Write the cohort as returns, read them back: every indicator they carry agrees."""
    from safeguarding_metrics.io.cin_census import read_cin_census
    from safeguarding_metrics.io.ssda903 import read_ssda903

    write_synthetic(tmp_path, seed=11, scale=0.1)
    read = read_cin_census(sorted(tmp_path.glob("*.xml"))) | read_ssda903(
        sorted((tmp_path / "ssda903").iterdir())
    )
    from_files = run_report(read, period=YEAR).to_dict()["indicators"]
    in_memory = run_report(attrs.evolve(small(), contacts=()), period=YEAR).to_dict()["indicators"]
    assert len(from_files) > 20
    assert from_files == in_memory


def test_unknown_indicator_ids_are_refused() -> None:
    """Asking for an id that is not registered raises InvalidOptionError naming it."""
    with pytest.raises(InvalidOptionError, match="no-such-indicator"):
        run_report(assessments_only(), period=YEAR, indicators=["no-such-indicator"])


def test_indicators_chooses_the_rows() -> None:
    """indicators= limits the report to those ids."""
    report = run_report(small(), period=YEAR, indicators=["referrals-nfa", "icpc-15wd"])
    assert [row.id for row in report.rows] == [
        i for i in INDICATORS if i in {"referrals-nfa", "icpc-15wd"}
    ]


def test_without_compare_there_is_no_previous_period() -> None:
    """compare=False computes the period alone; the JSON has no previous or direction."""
    report = run_report(assessments_only(), period=YEAR, compare=False)
    assert report.previous_period is None
    entry = report.to_dict()["indicators"]["assessment-45wd"]
    assert set(entry) == {"numerator", "denominator", "value", "excluded"}


def test_direction_compares_the_values_shown() -> None:
    """85.71% and 85.74% both show as 85.7%, so the arrow says unchanged."""

    # 6 of 7 (85.714...%) this year against 6001 of 6999 (85.741...%) last year.
    def assessments(n_on_time: int, n: int, start: dt.date) -> list[Assessment]:
        return [
            Assessment(
                child_id=f"{start.year}-{i}",
                start_date=start,
                authorisation_date=start if i < n_on_time else start + dt.timedelta(days=120),
            )
            for i in range(n)
        ]

    data = Dataset(
        assessments=assessments(6, 7, dt.date(2024, 5, 1))
        + assessments(6001, 6999, dt.date(2023, 5, 1)),
    )
    row = run_report(data, period=YEAR, indicators=["assessment-45wd"]).row("assessment-45wd")
    assert row.direction is not None
    assert row.direction.value == "unchanged"


# -- JSON --------------------------------------------------------------------------------------


def check_shape(entry: dict[str, Any], kind: str, *, compare: bool) -> None:
    if kind == "rate":
        assert {"numerator", "denominator", "value", "excluded"} <= set(entry)
        assert isinstance(entry["numerator"], int)
        assert isinstance(entry["denominator"], int)
        assert entry["value"] is None or isinstance(entry["value"], float)
        assert all(isinstance(n, int) for n in entry["excluded"].values())
        extra = set(entry) - {"numerator", "denominator", "value", "excluded"}
    elif kind == "count":
        assert isinstance(entry["count"], int)
        if "excluded" in entry:  # present only when some record was excluded
            assert entry["excluded"]
            assert all(isinstance(n, int) and n > 0 for n in entry["excluded"].values())
        extra = set(entry) - {"count", "excluded"}
    else:
        assert all(isinstance(n, int) for n in entry["bands"].values())
        assert entry["median"] is None or isinstance(entry["median"], float)
        extra = set(entry) - {
            "bands",
            "total",
            "unit",
            "median",
            "lower_quartile",
            "upper_quartile",
            "excluded",
        }
    assert extra == ({"previous", "direction"} if compare else set())


def test_json_has_the_documented_shape() -> None:
    """Top-level keys, period keys, and each indicator's keys and types are as documented."""
    document = json.loads(small_report().to_json())
    assert list(document)[:3] == ["period", "indicators", "diagnostics"]
    assert set(list(document)[3:]) <= {"coverage", "columns", "comparators", "empty", "title"}
    assert document["period"] == {"start": "2024-04-01", "end": "2025-03-31", "label": "2024-25"}
    kinds = set()
    counts_with_exclusions = 0
    for indicator_id, entry in document["indicators"].items():
        kind = INDICATORS[indicator_id].kind
        kinds.add(kind)
        counts_with_exclusions += kind == "count" and "excluded" in entry
        check_shape(entry, kind, compare=True)
        previous = dict(entry["previous"])
        assert previous.pop("period") == "2023-24"
        if "unsupported" in previous:  # a look-back before the returns: the reason only
            assert set(previous) == {"unsupported"}
            assert entry["direction"] == "not-comparable"
        else:
            check_shape(previous, kind, compare=False)
        assert entry["direction"] in {
            "improved",
            "declined",
            "unchanged",
            "not-comparable",
            "up",
            "down",
        }
    assert kinds == {"rate", "count", "distribution"}
    assert counts_with_exclusions  # the cohort has same-day duplicate referrals


def test_json_lists_diagnostics_with_their_five_keys() -> None:
    """Diagnostics appear as objects with file, where, field, value and problem."""
    document = json.loads(run_report(assessments_only(), period=YEAR).to_json())
    assert document["diagnostics"] == [
        {
            "file": "f.xml",
            "where": "Child 1",
            "field": "AssessmentActualStartDate",
            "value": "",
            "problem": "missing",
        }
    ]


def test_per_10k_appears_only_with_a_population() -> None:
    """Counts carry per_10k when a population is given: 10,000 * count / population."""
    data = Dataset(
        referrals=[
            Referral(referral_id=f"R{i}", child_id=f"C{i}", referral_date=dt.date(2024, 6, 1))
            for i in range(3)
        ]
    )
    plain = run_report(data, period=YEAR, compare=False).to_dict()["indicators"]
    assert plain["referrals-in-period"] == {"count": 3}
    with_population = run_report(data, period=YEAR, compare=False, population=60_000)
    entry = with_population.to_dict()["indicators"]["referrals-in-period"]
    assert entry == {"count": 3, "per_10k": 0.5}


def three_same_day_referrals() -> Dataset:
    """Three referrals of one child on 3 June 2024: one referral and two duplicates."""
    return Dataset(
        referrals=[
            Referral(
                referral_id=f"R{i}",
                child_id="A",
                referral_date=dt.date(2024, 6, 3),
                closure_date=dt.date(2024, 6, 3),
                nfa=True,
            )
            for i in range(3)
        ]
    )


def test_count_exclusions_appear_in_the_json() -> None:
    """Three same-day referrals: {"count": 1, "excluded": {"duplicate": 2}}, previous year {"count": 0}."""
    report = run_report(three_same_day_referrals(), period=YEAR)
    entry = report.to_dict()["indicators"]["referrals-in-period"]
    assert entry == {
        "count": 1,
        "excluded": {"duplicate": 2},
        "previous": {"period": "2023-24", "count": 0},
        "direction": "up",
    }
    assert json.loads(report.to_json())["indicators"]["referrals-in-period"] == entry


def test_count_json_has_no_excluded_key_when_none_were_excluded() -> None:
    """A count with nothing excluded stays exactly SPEC §6's {"count": n}."""
    data = Dataset(
        referrals=[
            Referral(referral_id="R1", child_id="A", referral_date=dt.date(2024, 6, 3)),
            Referral(referral_id="R2", child_id="B", referral_date=dt.date(2024, 6, 3)),
        ]
    )
    entry = run_report(data, period=YEAR, compare=False).to_dict()["indicators"]
    assert entry["referrals-in-period"] == {"count": 2}


def test_synthetic_snapshot() -> None:
    """The JSON report of the default synthetic cohort for 2024-25 matches the snapshot."""
    text = run_report(synthetic_dataset(), period=YEAR).to_json()
    if os.environ.get("SAFEGUARDING_METRICS_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


# -- other renderings --------------------------------------------------------------------------


def test_table_shows_titles_ids_figures_and_arrows() -> None:
    """The table has the heading, each title and id, and the percentage with an arrow."""
    text = run_report(assessments_only(), period=YEAR).to_table()
    assert text.startswith(
        "Children's social care performance: 2024-25 (1 April 2024 to 31 March 2025)"
    )
    line = next(line for line in text.splitlines() if line.startswith("Single assessments"))
    assert line.split()[-5:] == ["1", "2", "50.0%", "100.0%", "↓"]
    assert "assessment-45wd · excluded: missing-start 1" in text
    assert "1 × f.xml: AssessmentActualStartDate: missing" in text


def test_table_problem_summary_shows_the_first_places_and_values() -> None:
    """Grouped problems show where the first few are and their values (README's promise)."""
    data = attrs.evolve(
        assessments_only(),
        diagnostics=[
            Diagnostic(
                file="f.xml",
                where="Child 9 (SECRET1)",
                field="PersonBirthDate",
                value="2013-02-30",
                problem="not a date",
            )
        ],
    )
    text = run_report(data, period=YEAR).to_table()
    assert "1 × f.xml: PersonBirthDate: not a date; e.g. Child 9 (SECRET1) '2013-02-30'" in text


def test_problems_differing_only_in_place_and_value_are_one_group() -> None:
    """Diagnostics of one kind group into one line however many children they name."""
    problems = [
        Diagnostic(
            file="f.csv",
            where=f"line {n}",
            field="DEC",
            value=f"0{n}/13/2024",
            problem="not a date",
        )
        for n in range(2, 9)
    ]
    data = attrs.evolve(assessments_only(), diagnostics=problems)
    text = run_report(data, period=YEAR).to_table()
    assert "7 × f.csv: DEC: not a date; e.g. line 2 '02/13/2024', line 3" in text
    assert "and 4 more" in text
    assert text.count("× f.csv") == 1


def test_markdown_has_a_table_per_kind() -> None:
    """Markdown has a heading and a rates, counts and distributions table."""
    text = small_report().to_markdown()
    assert text.startswith("# Children's social care performance: 2024-25")
    for heading in ("## Rates", "## Counts", "## Distributions"):
        assert heading in text
    assert "| Single assessments completed within 45 working days | `assessment-45wd` |" in text


def test_table_and_markdown_show_count_exclusions() -> None:
    """The table's note and the Markdown counts table list a count's exclusions."""
    report = run_report(three_same_day_referrals(), period=YEAR)
    assert "referrals-in-period · excluded: duplicate 2" in report.to_table()
    markdown = report.to_markdown()
    line = next(x for x in markdown.splitlines() if "`referrals-in-period`" in x)
    # | title | id | count | per 10,000 | excluded | previous | direction |
    assert [cell.strip() for cell in line.strip("|").split("|")][2:5] == [
        "1",
        "",
        "duplicate 2",
    ]


def test_csv_shows_count_exclusions_and_whole_number_values() -> None:
    """CSV: a count's value is printed as a whole number and its exclusions as reason=n."""
    report = run_report(three_same_day_referrals(), period=YEAR)
    line = next(
        x for x in csv.DictReader(io.StringIO(report.to_csv())) if x["id"] == "referrals-in-period"
    )
    assert (line["count"], line["value"], line["previous_value"]) == ("1", "1", "0")
    assert line["excluded"] == "duplicate=2"
    assert line["error"] == ""


def test_csv_has_a_line_per_indicator() -> None:
    """CSV: one line per row, with the figures of each kind."""
    report = small_report()
    every = list(csv.DictReader(io.StringIO(report.to_csv())))
    lines = [line for line in every if not line["comparator"]]
    assert [line["id"] for line in lines] == [row.id for row in report.rows]
    england = [line for line in every if line["comparator"]]
    assert {line["id"] for line in england} == {
        row.id for row in report.rows if row.card.england is not None
    }
    assert all(line["comparator"] == "England" and float(line["value"]) for line in england)
    for line, row in zip(lines, report.rows, strict=True):
        result = row.current
        if isinstance(result, Rate):
            assert int(line["numerator"]) == result.numerator
            assert int(line["denominator"]) == result.denominator
        elif isinstance(result, Count):
            assert int(line["count"]) == result.count
            assert line["value"] == line["count"]
            assert line["excluded"] == ";".join(f"{k}={n}" for k, n in result.excluded.items())
        else:
            assert isinstance(result, Distribution)
            assert line["bands"] == ";".join(f"{k}={n}" for k, n in result.bands.items())
        assert line["previous_period"] == "2023-24"


@pytest.mark.parametrize("format", ["table", "markdown", "csv", "json"])
def test_render_picks_the_format(format: str) -> None:
    """render(format) gives the same text as the matching method."""
    report = run_report(assessments_only(), period=YEAR)
    method = {
        "table": report.to_table,
        "markdown": report.to_markdown,
        "csv": report.to_csv,
        "json": report.to_json,
    }[format]
    assert report.render(format) == method()  # type: ignore[arg-type]


def test_render_refuses_unknown_formats() -> None:
    """An unknown format is an InvalidOptionError."""
    with pytest.raises(InvalidOptionError, match="xml"):
        run_report(assessments_only(), period=YEAR).render("xml")  # type: ignore[arg-type]


# -- an indicator that fails -----------------------------------------------------------------

# Nothing in a return stops a start date from lying outside the England calendar's coverage
# (1970 to 2050). This assessment is still open, so the real cards never time it.
STRAY = Assessment(child_id="E", start_date=dt.date(1965, 3, 1))


def with_stray() -> Dataset:
    return attrs.evolve(assessments_only(), assessments=(*assessments_only().assessments, STRAY))


def coverage_checked(card: Indicator) -> Indicator:
    """*card*, made to check every assessment start date against the calendar first."""
    original = card.function

    def function(
        data: Dataset,
        *,
        period: ReportingPeriod,
        calendar: WorkingDayCalendar | None = None,
        **options: Any,
    ) -> Result:
        starts = data.dates("assessments", "start_date")
        (calendar or WorkingDayCalendar.england()).working_days_between(starts, starts)
        return original(data, period=period, calendar=calendar, **options)

    return attrs.evolve(card, function=function)


def replace_card(monkeypatch: pytest.MonkeyPatch, card: Indicator) -> None:
    """Make run_report use *card* in place of the registered card with its id."""
    from safeguarding_metrics.report import core

    monkeypatch.setattr(core, "INDICATORS", {**INDICATORS, card.id: card})


@pytest.fixture
def failing_card(monkeypatch: pytest.MonkeyPatch) -> str:
    """Registers a version of assessment-45wd that fails on a start date outside 1970–2050."""
    card_id = "assessment-45wd"
    replace_card(monkeypatch, coverage_checked(INDICATORS[card_id]))
    return card_id


def test_one_failing_indicator_does_not_stop_the_report(failing_card: str) -> None:
    """The failing indicator's row carries the error; every other indicator is computed."""
    report = run_report(with_stray(), period=YEAR)
    row = report.row(failing_card)
    assert row.current is None
    assert row.error is not None
    assert "1965-03-01" in row.error
    assert "1970-01-01 to 2050-12-31" in row.error
    assert report.errors[failing_card] == row.error
    assert failing_card not in report.results
    # Every other indicator of the report without the stray record is there, computed.
    others = [r for r in report.rows if r.id != failing_card]
    assert [r.id for r in report.rows] == [
        r.id for r in run_report(assessments_only(), period=YEAR).rows
    ]
    assert all(r.current is not None and r.error is None for r in others)
    counted = report.row("assessments-in-period").current
    assert isinstance(counted, Count)
    assert counted.count == 3  # A, B and C were authorised in 2024-25; the stray is still open


def test_a_report_without_failures_has_no_errors() -> None:
    """Report.errors is empty when every indicator computed."""
    report = run_report(assessments_only(), period=YEAR)
    assert report.errors == {}
    assert all(row.error is None and row.previous_error is None for row in report.rows)


def test_failing_indicator_is_shown_in_every_format(failing_card: str) -> None:
    """JSON {"error": ...}; a table and Markdown section; a CSV line with the error column."""
    report = run_report(with_stray(), period=YEAR)
    message = report.row(failing_card).error
    assert message is not None
    document = json.loads(report.to_json())
    assert document["indicators"][failing_card] == {"error": message}
    table = report.to_table()
    assert "Not computed because of an error" in table
    assert f"{failing_card} · error: {message[:30]}" in table
    markdown = report.to_markdown()
    assert "## Not computed because of an error" in markdown
    assert f"| `{failing_card}` | 2024-25 | {message} |" in markdown
    line = next(x for x in csv.DictReader(io.StringIO(report.to_csv())) if x["id"] == failing_card)
    assert line["error"] == message
    assert line["value"] == line["numerator"] == ""


def test_failure_in_the_previous_period_keeps_the_current_figure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only 2023-24 fails: the 2024-25 figures stay, the comparison is not-comparable."""
    card = INDICATORS["assessment-45wd"]
    original = card.function

    def function(data: Dataset, *, period: ReportingPeriod, **options: Any) -> Result:
        if period == YEAR.preceding():
            raise CalendarCoverageError("2023-24 failed")
        return original(data, period=period, **options)

    replace_card(monkeypatch, attrs.evolve(card, function=function))
    report = run_report(assessments_only(), period=YEAR, indicators=[card.id, "referrals-nfa"])
    row = report.row(card.id)
    assert isinstance(row.current, Rate)
    assert (row.current.numerator, row.current.denominator) == (1, 2)
    assert row.previous is None
    assert row.previous_error == "2023-24 failed"
    assert row.direction is not None
    assert row.direction.value == "not-comparable"
    assert report.errors == {card.id: "2023-24: 2023-24 failed"}
    entry = report.to_dict()["indicators"][card.id]
    assert entry["previous"] == {"period": "2023-24", "error": "2023-24 failed"}
    assert entry["direction"] == "not-comparable"
    assert entry["numerator"] == 1
    assert "2023-24 not computed: 2023-24 failed" in report.to_table()
    assert "| `assessment-45wd` | 2023-24 | 2023-24 failed |" in report.to_markdown()
    line = next(x for x in csv.DictReader(io.StringIO(report.to_csv())) if x["id"] == card.id)
    assert (line["previous_value"], line["previous_error"]) == ("", "2023-24 failed")


def test_a_bad_population_still_raises() -> None:
    """A population the counts refuse is the caller's mistake: run_report raises, as before."""
    with pytest.raises(InvalidOptionError, match="population"):
        run_report(assessments_only(), period=YEAR, population=0)


def test_audit_leaves_out_failed_indicators(tmp_path: Path, failing_card: str) -> None:
    """write_audit writes a file for each computed indicator and none for a failed one."""
    report = run_report(with_stray(), period=YEAR)
    written = write_audit(report, with_stray(), tmp_path)
    assert f"{failing_card}.csv" not in {p.name for p in written}
    assert len(written) == len(report.rows) - 1


# -- audit files -------------------------------------------------------------------------------


def test_audit_writes_a_file_per_indicator_with_every_record(tmp_path: Path) -> None:
    """One CSV per indicator; its lines are the records of the indicator's table, in order."""
    report = small_report()
    written = write_audit(report, small(), tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{row.id}.csv" for row in report.rows)
    for row in report.rows:
        audit = row.current.audit
        assert audit is not None
        with (tmp_path / f"{row.id}.csv").open(encoding="utf-8") as handle:
            lines = list(csv.DictReader(handle))
        assert [line["outcome"] for line in lines] == audit.outcomes().tolist()
        assert [line["child_id"] for line in lines] == audit.child_ids.tolist()
        if audit.table != "children":
            assert len(lines) == len(small().records(audit.table))  # type: ignore[arg-type]
            assert [int(line["row"]) for line in lines] == audit.rows.tolist()


def test_audit_lists_the_late_assessments(tmp_path: Path) -> None:
    """In assessment-45wd.csv the late assessment is denominator-only with 46 working days."""
    report = run_report(assessments_only(), period=YEAR)
    write_audit(report, assessments_only(), tmp_path)
    with (tmp_path / "assessment-45wd.csv").open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [(x["child_id"], x["outcome"]) for x in lines] == [
        ("A", "numerator"),
        ("B", "denominator-only"),
        ("C", "missing-start"),
        ("D", "out-of-scope"),
    ]
    late = lines[1]
    assert late["start_date"] == "2024-04-08"
    assert late["authorisation_date"] == "2024-06-13"
    assert late["working_days"] == "46"
    assert lines[2]["start_date"] == ""


def test_audit_accepts_results_by_id(tmp_path: Path) -> None:
    """write_audit takes a mapping of results as well as a report."""
    results = run_report(assessments_only(), period=YEAR).results
    written = write_audit(results, assessments_only(), tmp_path / "new")
    assert {p.name for p in written} == {f"{i}.csv" for i in results}


def test_every_audit_file_starts_with_the_same_columns(tmp_path: Path) -> None:
    """Record-level and child-level audit files share their first columns, in one order."""
    written = write_audit(small_report(), small(), tmp_path)
    assert len(written) > 10
    for path in written:
        with path.open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert tuple(header[: len(report_module.AUDIT_COLUMNS)]) == report_module.AUDIT_COLUMNS


def test_audit_names_the_file_and_line_each_record_was_read_from(tmp_path: Path) -> None:
    """A record with a known origin shows its file and line; one built in a script shows none."""
    from safeguarding_metrics.provenance import Origins

    data = assessments_only()
    origins = Origins.of_file("cin2025.xml", [0] * (len(data.assessments) - 1) + [41])
    data = attrs.evolve(data, origins={"assessments": origins})
    result = run_report(data, period=YEAR).results["assessment-45wd"]
    (path,) = write_audit([result], data, tmp_path)
    with path.open(encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert [(line["file"], line["line"]) for line in lines][-1] == ("cin2025.xml", "41")
    assert lines[0]["line"] == ""
    assert [line["row"] for line in lines] == [str(n) for n in range(len(lines))]
    assert {line["table"] for line in lines} == {"assessments"}
