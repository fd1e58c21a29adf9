"""Tests of the command line's report, explain and synth commands."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from safeguarding_metrics import INDICATORS, Assessment, Dataset, Referral
from safeguarding_metrics.cli import main
from safeguarding_metrics.periods import ReportingPeriod

YEAR = ReportingPeriod.year_ending(2025)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("safeguarding-metrics: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic cohort written as CIN census files and SSDA903 folders."""
    from safeguarding_metrics.synthetic import write_synthetic

    root = tmp_path_factory.mktemp("returns")
    write_synthetic(root, seed=3, scale=0.05)
    return root


def data_args(root: Path) -> list[str]:
    cin = sorted(str(p) for p in root.glob("cin-census-*.xml"))
    ssda903 = sorted(str(p) for p in (root / "ssda903").iterdir())
    return ["--cin", *cin, "--ssda903", *ssda903]


def test_demo_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Report --demo --year-ending 2025 prints the table for the synthetic year, 2024-25."""
    code, out, _ = run(capsys, "report", "--demo", "--year-ending", "2025")
    assert code == 0
    assert out.startswith("Children's social care performance: 2024-25")
    assert "assessment-45wd" in out


def test_demo_shows_the_cabinet_layout_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Report --demo shows the last whole year, then the year to the end of each quarter."""
    code, out, _ = run(capsys, "report", "--demo")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Children's social care performance: 2023-24 whole year | Q1 (Apr–Jun) | Q2 (Apr–Sep)"
    )
    assert "--layout quarters-ytd --as-at 2024-09-30" in " ".join(out.split())
    header = next(line for line in lines[1:] if "2023-24 whole year" in line and "Q1" in line)
    assert header.split()[-1] == "England"


def test_report_over_files_as_json(capsys: pytest.CaptureFixture[str], returns: Path) -> None:
    """Report --cin --ssda903 --year-ending --format json prints the SPEC §6 document."""
    code, out, _ = run(
        capsys, "report", *data_args(returns), "--year-ending", "2025", "--format", "json"
    )
    assert code == 0
    document = json.loads(out)
    assert document["period"]["label"] == "2024-25"
    assert "re-referrals-12m" in document["indicators"]
    assert "cla-at-period-end" in document["indicators"]


def test_quarter_and_rolling_periods(capsys: pytest.CaptureFixture[str], returns: Path) -> None:
    """--quarter reports a quarter of the year; --rolling-12-months-to the 12 months to a date."""
    code, out, _ = run(
        capsys,
        "report",
        *data_args(returns),
        "--year-ending",
        "2025",
        "--quarter",
        "3",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["period"] == {
        "start": "2024-10-01",
        "end": "2024-12-31",
        "label": "2024-25 Q3",
    }
    code, out, _ = run(
        capsys,
        "report",
        *data_args(returns),
        "--rolling-12-months-to",
        "2024-12-31",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["period"]["start"] == "2024-01-01"


@pytest.mark.parametrize("format", ["markdown", "csv"])
def test_other_formats(capsys: pytest.CaptureFixture[str], returns: Path, format: str) -> None:
    """--format markdown and csv print their renderings."""
    code, out, _ = run(
        capsys, "report", *data_args(returns), "--year-ending", "2025", "--format", format
    )
    assert code == 0
    assert out.startswith("# Children's" if format == "markdown" else "id,title,kind")


def test_audit_writes_one_csv_per_indicator(
    capsys: pytest.CaptureFixture[str], returns: Path, tmp_path: Path
) -> None:
    """--audit DIR writes a CSV per indicator reported."""
    code, out, err = run(
        capsys,
        "report",
        *data_args(returns),
        "--year-ending",
        "2025",
        "--format",
        "json",
        "--audit",
        str(tmp_path / "audit"),
    )
    assert code == 0
    reported = set(json.loads(out)["indicators"])
    assert {p.stem for p in (tmp_path / "audit").glob("*.csv")} == reported
    assert "audit file(s)" in err


def test_indicator_limits_the_report(capsys: pytest.CaptureFixture[str], returns: Path) -> None:
    """--indicator ID (repeatable) reports only those indicators."""
    code, out, _ = run(
        capsys,
        "report",
        *data_args(returns),
        "--year-ending",
        "2025",
        "--format",
        "json",
        "--indicator",
        "icpc-15wd",
        "--indicator",
        "referrals-nfa",
    )
    assert code == 0
    assert set(json.loads(out)["indicators"]) == {"icpc-15wd", "referrals-nfa"}


def test_closures_change_working_day_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--closures adds local closure days: 45 working days then becomes 44."""
    from safeguarding_metrics.io.cin_census import write_cin_census

    data = Dataset(
        referrals=[
            Referral(referral_id="A/2024-04-08", child_id="A", referral_date=dt.date(2024, 4, 8))
        ],
        assessments=[
            Assessment(
                child_id="A",
                referral_id="A/2024-04-08",
                start_date=dt.date(2024, 4, 8),
                authorisation_date=dt.date(2024, 6, 13),
            )
        ],
    )
    path = tmp_path / "cin.xml"
    write_cin_census(data, path, reference_date=dt.date(2025, 3, 31))
    closures = tmp_path / "closures.txt"
    closures.write_text("# the council's away day\n2024-05-01\n", encoding="utf-8")
    args = [
        "report",
        "--cin",
        str(path),
        "--year-ending",
        "2025",
        "--format",
        "json",
        "--indicator",
        "assessment-45wd",
        "--no-compare",
    ]
    # 8 Apr to 13 Jun 2024 is 46 working days (SPEC §1: 8 Apr + 45 = 12 Jun), so late...
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert json.loads(out)["indicators"]["assessment-45wd"]["numerator"] == 0
    # ...and with 1 May closed it is 45, so on time.
    code, out, _ = run(capsys, *args, "--closures", str(closures))
    assert code == 0
    assert json.loads(out)["indicators"]["assessment-45wd"]["numerator"] == 1


def test_strict_fails_on_any_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--strict exits 2 when reading met a problem; without it the report is printed."""
    path = tmp_path / "bad.xml"
    path.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>"
        "</CollectionDetails></Header><Children><Child><ChildIdentifiers>"
        "<LAchildID>A</LAchildID><PersonBirthDate>2015-02-30</PersonBirthDate>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        "<ReferralNFA>false</ReferralNFA></CINdetails></Child></Children></Message>",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "report", "--cin", str(path), "--year-ending", "2025")
    assert code == 0
    assert "Data problems" in out
    assert "PersonBirthDate" in out
    code, out, err = run(capsys, "report", "--cin", str(path), "--year-ending", "2025", "--strict")
    assert code == 2
    assert out == ""
    assert "--strict" in err.splitlines()[0]


def test_strict_shows_the_problems_it_failed_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--strict names each problem (file, place, field and value) on standard error."""
    path = tmp_path / "bad.xml"
    path.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>"
        "</CollectionDetails></Header><Children><Child><ChildIdentifiers>"
        "<LAchildID>A</LAchildID><PersonBirthDate>2015-02-30</PersonBirthDate>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        "<ReferralNFA>false</ReferralNFA></CINdetails></Child></Children></Message>",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "report", "--cin", str(path), "--year-ending", "2025", "--strict")
    assert code == 2
    assert "bad.xml" in err
    assert "PersonBirthDate" in err
    assert "'2015-02-30'" in err


@pytest.mark.parametrize(
    ("argv", "expected", "message"),
    [
        pytest.param(["report", "--year-ending", "2025"], 2, "give data", id="no-data"),
        pytest.param(["report", "--demo", "--quarter", "5"], 2, None, id="bad-quarter"),
        pytest.param(["report", "--cin", "missing.xml"], 2, "missing.xml", id="missing-file"),
        pytest.param(
            ["report", "--cin", "missing.xml", "--year-ending", "2025"],
            2,
            "no such CIN census file",
            id="missing-file",
        ),
        pytest.param(
            ["report", "--ssda903", "missing-dir", "--year-ending", "2025"],
            2,
            "no such SSDA903 folder",
            id="missing-folder",
        ),
        pytest.param(
            ["report", "--demo", "--rolling-12-months-to", "2025-02-30"], 2, None, id="bad-date"
        ),
        pytest.param(
            ["report", "--demo", "--year-ending", "2025", "--rolling-12-months-to", "2025-01-31"],
            2,
            "cannot be combined",
            id="two-periods",
        ),
        pytest.param(
            ["report", "--cin", "x.xml", "--quarter", "2"],
            2,
            "--quarter needs",
            id="quarter-without-year",
        ),
        pytest.param(["report", "--demo", "--cin", "x.xml"], 2, "leave out", id="demo-and-files"),
        pytest.param(
            ["report", "--demo", "--indicator", "nope"],
            2,
            "unknown indicator id nope",
            id="unknown-indicator",
        ),
        pytest.param(
            ["report", "--demo", "--closures", "no-such-closures.txt"],
            2,
            "no-such-closures.txt",
            id="missing-closures",
        ),
        pytest.param(["synth", "out", "--scale", "0"], 2, None, id="zero-scale"),
    ],
)
def test_bad_input_gives_a_message_and_an_exit_code(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: int, message: str | None
) -> None:
    """Every bad input exits non-zero with a message, never a traceback."""
    try:
        code = main(argv)
    except SystemExit as exit:  # argparse's own usage errors
        code = int(exit.code or 0)
    _, err = capsys.readouterr()
    assert code == expected
    assert "Traceback" not in err
    if message is not None:
        assert message in one_line_error(err)


def test_malformed_xml_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A CIN census file that is not XML gives a one-line message and exit code 1."""
    path = tmp_path / "broken.xml"
    path.write_text("<Message><Children>", encoding="utf-8")
    code, _, err = run(capsys, "report", "--cin", str(path), "--year-ending", "2025")
    assert code == 1
    assert "broken.xml" in one_line_error(err)


def test_explain_prints_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    """Explain ID prints the card as Markdown."""
    code, out, _ = run(capsys, "explain", "icpc-15wd")
    assert code == 0
    assert out == INDICATORS["icpc-15wd"].to_markdown()


def test_explain_unknown_id_lists_the_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id exits 2, suggests the nearest id and lists them all."""
    code, out, err = run(capsys, "explain", "icpc-15-wd")
    assert code == 2
    assert out == ""
    line = one_line_error(err)
    assert "did you mean icpc-15wd" in line
    assert all(indicator_id in line for indicator_id in INDICATORS)


def test_synth_writes_the_returns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Synth OUTDIR writes a CIN census file and an SSDA903 folder per year and lists them."""
    code, out, _ = run(capsys, "synth", str(tmp_path), "--seed", "4", "--scale", "0.02")
    assert code == 0
    assert out.splitlines() == [
        str(tmp_path / name)
        for year in (2023, 2024, 2025)
        for name in (f"cin-census-{year}.xml", f"ssda903/{year}")
    ]
    assert sorted(p.name for p in (tmp_path / "ssda903" / "2025").iterdir()) == [
        "episodes.csv",
        "header.csv",
        "oc3.csv",
        "reviews.csv",
    ]


def test_working_days_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    """The older working-days command is unchanged: Easter 2024 gives 1."""
    code, out, _ = run(capsys, "working-days", "2024-03-28", "2024-04-02", "--quiet")
    assert code == 0
    assert out == "1\n"


# -- an indicator that fails -----------------------------------------------------------------


@pytest.fixture
def failing_report(monkeypatch: pytest.MonkeyPatch) -> str:
    """`report --demo` over a small dataset where assessment-45wd fails on a 1965 start date.

    The real cards never time the still-open 1965 assessment, so the card is replaced by
    one that first checks every start date against the calendar (CalendarCoverageError).
    """
    import attrs

    from safeguarding_metrics import WorkingDayCalendar, synthetic
    from safeguarding_metrics.report import core as report_module

    card = INDICATORS["assessment-45wd"]
    original = card.function

    def function(data: Dataset, *, period: Any, calendar: Any = None, **options: Any) -> Any:
        starts = data.dates("assessments", "start_date")
        (calendar or WorkingDayCalendar.england()).working_days_between(starts, starts)
        return original(data, period=period, calendar=calendar, **options)

    data = Dataset(
        referrals=[Referral(referral_id="R", child_id="A", referral_date=dt.date(2024, 6, 3))],
        assessments=[
            Assessment(
                child_id="A",
                start_date=dt.date(2024, 6, 3),
                authorisation_date=dt.date(2024, 6, 10),
            ),
            Assessment(child_id="B", start_date=dt.date(1965, 3, 1)),  # still open
        ],
    )
    monkeypatch.setattr(synthetic, "synthetic_dataset", lambda **_: data)
    monkeypatch.setattr(
        report_module,
        "INDICATORS",
        {**INDICATORS, card.id: attrs.evolve(card, function=function)},
    )
    return card.id


@pytest.mark.parametrize("format", ["table", "markdown", "csv", "json"])
def test_report_prints_everything_when_one_indicator_fails(
    capsys: pytest.CaptureFixture[str], failing_report: str, format: str
) -> None:
    """The report is printed in full, the failing indicator with its error, no traceback."""
    _, out, err = run(capsys, "report", "--demo", "--year-ending", "2025", "--format", format)
    assert "Traceback" not in err
    assert "1965-03-01" in out
    assert "referrals-in-period" in out
    if format == "json":
        indicators = json.loads(out)["indicators"]
        assert set(indicators[failing_report]) == {"error"}
        assert indicators["referrals-in-period"]["count"] == 1


def test_report_exits_1_when_an_indicator_fails(
    capsys: pytest.CaptureFixture[str], failing_report: str
) -> None:
    """After printing the report, the command exits 1 because an indicator failed."""
    code, out, _ = run(capsys, "report", "--demo", "--format", "json")
    assert failing_report in json.loads(out)["indicators"]
    assert code == 1


def test_report_exits_0_when_every_indicator_computes(capsys: pytest.CaptureFixture[str]) -> None:
    """Without failures the exit status stays 0 (the demo cohort computes cleanly)."""
    code, out, _ = run(capsys, "report", "--demo", "--format", "json", "--no-compare")
    assert code == 0
    assert all("error" not in entry for entry in json.loads(out)["indicators"].values())


# -- hostile and careless input ------------------------------------------------------------------


def test_closures_file_saved_as_windows_1252_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A closures file with a Windows-1252 comment (a pound sign) reads, for report too."""
    closures = tmp_path / "closures.txt"
    closures.write_bytes("# Christmas closure \xa3\n2024-12-27\n".encode("cp1252"))
    code, out, err = run(
        capsys, "working-days", "2024-12-24", "2024-12-30", "--closures", str(closures)
    )
    assert (code, out.splitlines()[0]) == (0, "1")
    assert "Traceback" not in err
    code, _, err = run(
        capsys, "report", "--demo", "--closures", str(closures), "--indicator", "icpc-15wd"
    )
    assert code == 0, err


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({"PYTHONIOENCODING": "cp1252"}, id="windows-redirect"),
        pytest.param({"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}, id="ascii"),
    ],
)
def test_report_on_a_terminal_without_arrows_prints_plain_ones(
    environment: dict[str, str],
) -> None:
    """Where standard output cannot encode ↑ ↓ ↔, the report uses ^ v = instead of crashing."""
    import os
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "safeguarding_metrics.cli", "report", "--demo"],
        capture_output=True,
        check=False,
        env={**os.environ, **environment},
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in completed.stderr
    out = completed.stdout.decode("ascii", "replace")
    assert "^ better, v worse, = no change" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["report", "--demo", "--rolling-12-months-to", "0001-01-01"],
            "outside the dates",
            id="year-one",
        ),
        pytest.param(
            ["report", "--demo", "--rolling-12-months-to", "2024-02-30"],
            "'2024-02-30' is not a real date",
            id="no-such-day",
        ),
        pytest.param(
            ["report", "--demo", "--rolling-12-months-to", "30/02/2024"],
            "is not a date in YYYY-MM-DD form",
            id="wrong-form",
        ),
    ],
)
def test_bad_period_dates_say_what_is_wrong(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """A date that is no real day is not called a formatting mistake, and nothing crashes."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    _, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    assert message in err


def test_ssda903_given_a_file_that_is_not_csv_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--ssda903 file.xml is a file, not a missing folder."""
    path = tmp_path / "return.xml"
    path.write_text("<Message/>", encoding="utf-8")
    code, _, err = run(capsys, "report", "--ssda903", str(path), "--year-ending", "2025")
    assert code == 2
    assert "is a file, not a folder" in one_line_error(err)


def test_unwritable_audit_folder_fails_before_computing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--audit into a folder that cannot be written fails at once, before any report."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, out, err = run(capsys, "report", "--demo", "--audit", str(blocker / "audit"))
    assert code == 2
    assert out == ""
    assert "cannot write the audit files there" in one_line_error(err)


def test_csv_format_sends_the_data_problems_to_standard_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A CSV report keeps stdout for the table, and names every kind of problem on stderr."""
    path = tmp_path / "bad.xml"
    path.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>"
        "</CollectionDetails></Header><Children><Child><ChildIdentifiers>"
        "<LAchildID>A</LAchildID><PersonBirthDate>2015-02-30</PersonBirthDate>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        "<ReferralNFA>false</ReferralNFA></CINdetails></Child></Children></Message>",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "report", "--cin", str(path), "--year-ending", "2025", "--format", "csv"
    )
    assert code == 0
    assert out.startswith("id,title,kind")
    assert "PersonBirthDate" in err
    assert "'2015-02-30'" in err
    assert "Not computed (no records of a kind they read)" in err


def test_diagnostics_file_holds_every_problem_in_full(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--diagnostics FILE writes each problem as a CSV line: file, where, field, value, problem."""
    import csv

    path = tmp_path / "bad.xml"
    path.write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>"
        "</CollectionDetails></Header><Children><Child><ChildIdentifiers>"
        "<LAchildID>A</LAchildID><PersonBirthDate>2015-02-30</PersonBirthDate>"
        "</ChildIdentifiers><CINdetails><CINreferralDate>2024-05-01</CINreferralDate>"
        "<ReferralNFA>false</ReferralNFA></CINdetails></Child></Children></Message>",
        encoding="utf-8",
    )
    target = tmp_path / "problems.csv"
    code, _, err = run(
        capsys,
        "report", "--cin", str(path), "--year-ending", "2025", "--format", "json",
        "--diagnostics", str(target),
    )  # fmt: skip
    assert code == 0
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert any(r["field"] == "PersonBirthDate" and r["value"] == "2015-02-30" for r in rows)
    assert f"to {target}" in err


def test_table_never_breaks_an_indicator_id_at_its_hyphens() -> None:
    """However narrow the table, every indicator id appears whole on one line."""
    from safeguarding_metrics.report import run_report
    from safeguarding_metrics.synthetic import synthetic_dataset

    report = run_report(synthetic_dataset(seed=5, scale=0.05), period=YEAR)
    for width in (60, 80, 100):
        text = report.to_table(width=width)
        for row in report.rows:
            assert row.id in text, (width, row.id)


# -- the Cabinet pack ------------------------------------------------------------------------------


def test_columns_are_laid_out_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    """--columns 2023-24 Q1 Q2-ytd --as-at 2024-09-30 gives three columns in the JSON."""
    code, out, _ = run(
        capsys,
        "report", "--demo", "--columns", "2023-24", "Q1", "Q2-ytd", "--as-at", "2024-09-30",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    headings = [c["heading"] for c in json.loads(out)["columns"]]
    assert headings == ["2023-24", "Q1 (Apr–Jun)", "Q2 (Apr–Sep)"]


@pytest.mark.parametrize(
    ("flags", "label"),
    [
        pytest.param(["--year-to-date", "2024-12-31"], "2024-25 to date (2024-12-31)", id="ytd"),
        pytest.param(["--month", "2024-06"], "June 2024", id="month"),
        pytest.param(
            ["--between", "2024-06-01", "2024-08-31"], "2024-06-01 to 2024-08-31", id="between"
        ),
        pytest.param(["--layout", "years", "--as-at", "2025-03-31"], "2022-23", id="layout"),
    ],
)
def test_every_kind_of_period_can_be_asked_for(
    capsys: pytest.CaptureFixture[str], flags: list[str], label: str
) -> None:
    """Year to date, month, any range and layouts all run from the command line."""
    code, out, err = run(capsys, "report", "--demo", *flags, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["period"]["label"] == label


def test_conflicting_period_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Two ways of choosing the period at once is a usage error naming both."""
    code, _, err = run(
        capsys, "report", "--demo", "--month", "2024-06", "--layout", "quarters", "--as-at",
        "2024-09-30",
    )  # fmt: skip
    assert code == 2
    assert "--month cannot be combined with --layout" in one_line_error(err)


def test_option_sets_an_indicators_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--option ID:NAME=VALUE reaches the card (anchor=referral times from the referral)."""
    base = ["report", "--demo", "--year-ending", "2025", "--indicator", "assessment-45wd"]
    code, out, _ = run(capsys, *base, "--format", "json")
    default = json.loads(out)["indicators"]["assessment-45wd"]
    code, out, _ = run(
        capsys, *base, "--option", "assessment-45wd:anchor=referral", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["indicators"]["assessment-45wd"] != default


@pytest.mark.parametrize(
    ("option", "message"),
    [
        pytest.param(
            "assessment-45wd:window=12-months", "its options are: anchor", id="wrong-name"
        ),
        pytest.param(
            "assessment-45wd:anchor=never",
            "is not one of assessment-start, referral",
            id="wrong-value",
        ),
        pytest.param("nope:anchor=referral", "no indicator 'nope'", id="wrong-id"),
        pytest.param("assessment-45wd-anchor", "write ID:NAME=VALUE", id="wrong-form"),
    ],
)
def test_a_wrong_option_names_the_valid_ones(
    capsys: pytest.CaptureFixture[str], option: str, message: str
) -> None:
    """A mistake in --option is a one-line usage error saying what would be right."""
    code, _, err = run(capsys, "report", "--demo", "--option", option)
    assert code == 2
    assert message in one_line_error(err)


def test_skip_leaves_an_indicator_out(capsys: pytest.CaptureFixture[str]) -> None:
    """--skip ID removes the indicator from the report."""
    code, out, _ = run(
        capsys,
        "report",
        "--demo",
        "--year-ending",
        "2025",
        "--skip",
        "icpc-15wd",
        "--format",
        "json",
    )
    assert code == 0
    assert "icpc-15wd" not in json.loads(out)["indicators"]


def test_config_file_holds_everything_a_council_re_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A report.toml gives the columns, options, comparators and title; flags still win."""
    (tmp_path / "neighbours.csv").write_text(
        "indicator_id,label,value,year\nassessment-45wd,Neighbours,80.5,2023-24\n", encoding="utf-8"
    )
    config = tmp_path / "report.toml"
    config.write_text(
        'title = "Cabinet report"\n'
        "[inputs]\n"
        'comparators = "neighbours.csv"\n'
        "[report]\n"
        'layout = "quarters-ytd"\n'
        "as_at = 2024-09-30\n"
        'format = "json"\n'
        'indicators = ["assessment-45wd", "icpc-15wd"]\n'
        "[options]\n"
        '"assessment-45wd" = { anchor = "referral" }\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "report", "--demo", "--config", str(config))
    assert code == 0, err
    document = json.loads(out)
    assert document["title"] == "Cabinet report"
    assert len(document["columns"]) == 3
    assert set(document["indicators"]) == {"assessment-45wd", "icpc-15wd"}
    labels = [c["label"] for c in document["comparators"]["assessment-45wd"]]
    assert labels == ["England", "Neighbours"]
    code, out, _ = run(capsys, "report", "--demo", "--config", str(config), "--format", "csv")
    assert out.startswith("id,title")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[report]\ncolour = 1\n", "[report] has no setting colour", id="unknown"),
        pytest.param("[report]\nlayout = 3\n", "layout must be a str", id="wrong-type"),
        pytest.param("[report\n", "not a readable TOML file", id="not-toml"),
    ],
)
def test_a_bad_config_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, message: str
) -> None:
    """A mistake in report.toml names the file and the setting."""
    config = tmp_path / "report.toml"
    config.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "report", "--demo", "--config", str(config))
    assert code == 2
    assert message in one_line_error(err)
    assert "report.toml" in err


def test_compare_year_earlier_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--compare year-earlier compares Q1 with Q1 of the year before."""
    code, out, _ = run(
        capsys, "report", "--demo", "--columns", "2024-25-Q1", "--compare", "year-earlier",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    entry = json.loads(out)["indicators"]["assessment-45wd"]
    assert entry["previous"]["period"] == "2023-24 Q1"


def test_ssda903_folders_in_any_order_and_with_years_given(
    capsys: pytest.CaptureFixture[str], returns: Path, tmp_path: Path
) -> None:
    """Folders reversed, or one renamed and given as YEAR=DIR, report the same figures."""
    import shutil

    folders = sorted(str(p) for p in (returns / "ssda903").iterdir())
    base = ["report", "--year-ending", "2025", "--format", "json", "--ssda903"]
    _, oldest_first, _ = run(capsys, *base, *folders)
    _, newest_first, _ = run(capsys, *base, *reversed(folders))
    latest = tmp_path / "latest"
    shutil.copytree(folders[-1], latest)
    code, given, err = run(capsys, *base, f"2025={latest}", *reversed(folders[:-1]))
    assert code == 0, err
    first, second, third = (json.loads(text) for text in (oldest_first, newest_first, given))
    assert first["indicators"] == second["indicators"] == third["indicators"]
    assert first["indicators"]["cla-at-period-end"]["count"] > 0


def test_an_ssda903_folder_whose_year_cannot_be_told_says_how_to_give_it(
    capsys: pytest.CaptureFixture[str], returns: Path, tmp_path: Path
) -> None:
    """A folder named without a year is an error suggesting YEAR=DIR."""
    import shutil

    folder = tmp_path / "latest"
    shutil.copytree(sorted((returns / "ssda903").iterdir())[-1], folder)
    code, _, err = run(capsys, "report", "--ssda903", str(folder), "--year-ending", "2025")
    assert code == 1
    assert f"={folder}" in one_line_error(err)


def test_a_period_on_the_command_line_wins_over_the_config_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """report.toml's layout yields to --year-ending, and its year to --month."""
    config = tmp_path / "report.toml"
    config.write_text('[report]\nlayout = "quarters-ytd"\nyear_ending = 2024\n', encoding="utf-8")
    code, out, err = run(
        capsys, "report", "--demo", "--config", str(config), "--year-ending", "2025",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert "columns" not in document
    assert document["period"]["label"] == "2024-25"
    code, out, err = run(
        capsys, "report", "--demo", "--config", str(config), "--month", "2024-06",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["period"]["label"] == "June 2024"


def test_with_a_return_made_during_its_year_the_default_period_is_that_year_to_date(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A census dated 21 July covers 1 April to 21 July: that is the period reported on."""
    from safeguarding_metrics.io import write_cin_census

    data = Dataset(
        referrals=[
            Referral(referral_id="R", child_id="A", referral_date=dt.date(2024, 5, 1), nfa=True)
        ]
    )
    path = tmp_path / "in-year.xml"
    write_cin_census(data, path, reference_date=dt.date(2024, 7, 21))
    code, out, err = run(capsys, "report", "--cin", str(path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["period"] == {
        "start": "2024-04-01",
        "end": "2024-07-21",
        "label": "2024-25 to date (2024-07-21)",
    }
    assert document["indicators"]["referrals-nfa"]["numerator"] == 1


def test_a_repeated_cin_or_ssda903_option_adds_to_the_files_given(
    capsys: pytest.CaptureFixture[str], returns: Path
) -> None:
    """`--cin A --cin B` reads A and B, as `--cin A B` does; likewise --ssda903."""
    cin = sorted(str(p) for p in returns.glob("cin-census-*.xml"))
    ssda903 = sorted(str(p) for p in (returns / "ssda903").iterdir())
    assert len(cin) > 1
    assert len(ssda903) > 1
    common = ("report", "--year-ending", "2025", "--format", "json")
    code, together, _ = run(capsys, *common, "--cin", *cin, "--ssda903", *ssda903)
    assert code == 0
    repeated = [arg for path in cin for arg in ("--cin", path)]
    repeated += [arg for path in ssda903 for arg in ("--ssda903", path)]
    code, apart, _ = run(capsys, *common, *repeated)
    assert code == 0
    assert json.loads(apart) == json.loads(together)


@pytest.mark.parametrize("option", ["--ssd", "--annex-a", "--contacts"])
def test_a_single_input_given_twice_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """A second --ssd (or --annex-a, --contacts) would silently replace the first: refused."""
    with pytest.raises(SystemExit) as caught:
        main(["report", option, "first", option, "second"])
    assert caught.value.code == 2
    assert f"{option} was given twice; give it once" in capsys.readouterr().err
