"""Tests for the command line: working-days, indicators and explain."""

import subprocess
import sys
from pathlib import Path

import pytest

from safeguarding_metrics import cli
from safeguarding_metrics.registry import INDICATORS


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(argv)
    except SystemExit as exit_:  # argparse exits on a usage error
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- working-days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param("2024-03-28", "2024-04-02", "1", id="easter-2024"),
        pytest.param("2024-04-08", "2024-06-12", "45", id="assessment-45"),
        pytest.param("2024-01-08", "2024-01-08", "0", id="same-day"),
        pytest.param("2024-04-02", "2024-03-28", "-1", id="reversed"),
    ],
)
def test_working_days_prints_the_count_then_the_explanation(
    start: str, end: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first line is the count; the next explains that the start day is day 0."""
    code, out, err = run(["working-days", start, end], capsys)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == expected
    assert "the start day is day 0" in lines[1]
    assert "England and Wales bank holidays" in lines[1]
    assert "holidays " in lines[1]  # names the holidays release


def test_working_days_quiet_sends_the_explanation_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With --quiet, stdout holds only the count (for scripts)."""
    code, out, err = run(["working-days", "2024-03-28", "2024-04-02", "--quiet"], capsys)
    assert code == 0
    assert out == "1\n"
    assert "start day is day 0" in err


def test_working_days_reads_closures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A closures file (comments and blank lines allowed) removes its days from the count."""
    closures = tmp_path / "closures.txt"
    closures.write_text("# Christmas closure\n\n2024-12-27  # Friday\n", encoding="utf-8")
    # 24 Dec to 30 Dec 2024: 25 and 26 are bank holidays, 28-29 the weekend: 27 and 30 count.
    code, out, _ = run(["working-days", "2024-12-24", "2024-12-30"], capsys)
    assert (code, out.splitlines()[0]) == (0, "2")
    code, out, _ = run(
        ["working-days", "2024-12-24", "2024-12-30", "--closures", str(closures)], capsys
    )
    assert (code, out.splitlines()[0]) == (0, "1")
    assert "1 local closure day(s)" in out


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["working-days", "28/03/2024", "2024-04-02"], id="uk-style-date"),
        pytest.param(["working-days", "2024-03-28", "2024-02-30"], id="no-such-day"),
        pytest.param(["working-days", "2024-03-28"], id="missing-end"),
    ],
)
def test_bad_dates_exit_2_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A date argparse cannot read exits with code 2 and a usage message, no traceback."""
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert "usage: safeguarding-metrics working-days" in err
    assert "Traceback" not in err


def test_unreadable_date_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    """The message quotes the date it could not read and the form it wants."""
    _, _, err = run(["working-days", "28/03/2024", "2024-04-02"], capsys)
    assert "'28/03/2024' is not a date in YYYY-MM-DD form" in err


def test_date_outside_coverage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A date the calendar does not cover is an error naming it and the coverage."""
    code, out, err = run(["working-days", "1969-12-31", "2024-01-01"], capsys)
    assert code == 2
    assert out == ""
    assert "1969-12-31" in err
    assert "1970-01-01 to 2050-12-31" in err
    assert "Traceback" not in err


def test_closures_file_with_a_bad_line_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closures line that is not a date names the file, the line number and the text."""
    closures = tmp_path / "closures.txt"
    closures.write_text("2024-12-27\n# comment\n27/12/2024\n", encoding="utf-8")
    code, out, err = run(
        ["working-days", "2024-12-24", "2024-12-30", "--closures", str(closures)], capsys
    )
    assert code == cli.EXIT_ERROR
    assert out == ""
    assert f"{closures}: line 3: '27/12/2024' is not a date in YYYY-MM-DD form" in err
    assert "Traceback" not in err


def test_missing_closures_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closures file that does not exist is reported, not a traceback."""
    missing = tmp_path / "nope.txt"
    code, _, err = run(
        ["working-days", "2024-12-24", "2024-12-30", "--closures", str(missing)], capsys
    )
    assert code == cli.EXIT_ERROR
    assert "nope.txt" in err
    assert "Traceback" not in err


def test_closure_outside_coverage_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closure day outside the calendar is refused, naming the day."""
    closures = tmp_path / "closures.txt"
    closures.write_text("2051-12-27\n", encoding="utf-8")
    code, _, err = run(
        ["working-days", "2024-12-24", "2024-12-30", "--closures", str(closures)], capsys
    )
    assert code == 2
    assert "2051-12-27" in err


# -- indicators and explain --------------------------------------------------------------------


def test_indicators_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    """Every registered id and title appears, one per line, after a header."""
    code, out, _ = run(["indicators"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["id", "title"]
    assert len(lines) == 1 + len(INDICATORS)
    for line, card in zip(lines[1:], INDICATORS.values(), strict=True):
        assert line.startswith(card.id + " ")
        assert card.title in line
        assert card.polarity.value in line


def test_indicators_with_an_empty_registry_prints_the_header(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty registry still prints the column header and succeeds."""
    monkeypatch.setattr(cli, "INDICATORS", {})
    code, out, _ = run(["indicators"], capsys)
    assert code == 0
    assert out.split() == ["id", "title", "polarity", "legacy", "codes"]


@pytest.mark.skipif(not INDICATORS, reason="no indicator registered yet")
def test_explain_prints_a_card(capsys: pytest.CaptureFixture[str]) -> None:
    """The explain command prints the card's Markdown page."""
    card = next(iter(INDICATORS.values()))
    code, out, _ = run(["explain", card.id], capsys)
    assert code == 0
    assert out == card.to_markdown()


def test_explain_unknown_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id is an error listing the ids there are."""
    code, out, err = run(["explain", "no-such-indicator"], capsys)
    assert code == 2
    assert out == ""
    assert "no indicator 'no-such-indicator'" in err


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running with no sub-command exits 2 with usage."""
    code, _, err = run([], capsys)
    assert code == 2
    assert "usage:" in err


def test_module_runs_as_a_script() -> None:
    """`python -m safeguarding_metrics working-days ...` works like the console script."""
    completed = subprocess.run(
        [sys.executable, "-m", "safeguarding_metrics", "working-days", "2022-09-08", "2022-09-30"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "15"
