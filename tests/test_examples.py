"""The runnable examples run and print what they promise; the reference pages' worked examples work."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import safeguarding_metrics as sm

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TESTED = {"one_indicator.py", "custom_calendar.py", "report_over_files.py"}


def run_example(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run examples/<name> with this interpreter from *cwd*, as a user would."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_example_has_a_test() -> None:
    """A new example script fails this test until it gets a test of its output."""
    assert {path.name for path in EXAMPLES.glob("*.py")} == TESTED


def test_one_indicator_gives_three_of_four(tmp_path: Path) -> None:
    """Five assessments in, 3 of 4 within 45 working days out."""
    # Worked by hand: A takes exactly 45 working days (on time); B 46 (late); C crosses
    # Christmas 2024 (23, 24, 27, 30, 31 Dec and 2 Jan: 6); D is the same day (0); E was
    # authorised in March 2024, before 2024-25, so it is out of scope. 3 / 4 = 75%.
    done = run_example("one_indicator.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "3 of 4 assessments within 45 working days: 75.0%\n"


def test_custom_calendar_closure_changes_the_count(tmp_path: Path) -> None:
    """The Christmas closure takes 3 working days out, and the late assessment is on time."""
    # Fri 20 Dec 2024 to Thu 2 Jan 2025: 23, 24, 27, 30, 31 Dec and 2 Jan are working days
    # (25, 26 Dec and 1 Jan are bank holidays): 6; closing 27, 30, 31 Dec leaves 3. The
    # assessment from 11 Nov 2024 to 17 Jan 2025 spans the same three closure days.
    done = run_example("custom_calendar.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Working days from 2024-12-20 to 2025-01-02: 6 on the England calendar, 3 with the closure",
        "England calendar: 0 of 1 assessments within 45 working days (took 46)",
        "with the closure: 1 of 1 assessments within 45 working days (took 43)",
    ]


def test_report_over_files_reports_on_the_year(tmp_path: Path) -> None:
    """The report read back from written returns covers 2024-25 and matches the records."""
    synthetic = pytest.importorskip("safeguarding_metrics.synthetic")
    done = run_example("report_over_files.py", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["period"] == {"start": "2024-04-01", "end": "2025-03-31", "label": "2024-25"}
    # The returns carry every assessment, so the figure read back from the files equals the
    # library's over the records the files were written from.
    records = synthetic.synthetic_dataset(scale=0.2, year_ending=2025)
    expected = sm.INDICATORS["assessment-45wd"].compute(
        records, period=sm.ReportingPeriod.year_ending(2025)
    )
    got = report["indicators"]["assessment-45wd"]
    assert (got["numerator"], got["denominator"]) == (expected.numerator, expected.denominator)
    assert expected.denominator > 0


def test_report_over_files_prints_a_table(tmp_path: Path) -> None:
    """By default the example prints the terminal table, naming the indicators."""
    pytest.importorskip("safeguarding_metrics.report")
    done = run_example("report_over_files.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2024-25" in done.stdout
    assert sm.INDICATORS["assessment-45wd"].title in done.stdout


# -- the generated reference pages --------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_ref_pages", ROOT / "docs" / "gen_ref_pages.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.mark.parametrize("card_id", list(sm.INDICATORS))
def test_every_indicator_worked_example_reaches_its_cohort(card_id: str) -> None:
    """Each indicator's hand-built worked example puts at least one record in its cohort."""
    card = sm.INDICATORS[card_id]
    examples = GENERATOR.worked_example(GENERATOR.family_of(card))
    result = card.compute(sm.Dataset.of(*(r for r, _ in examples)), period=GENERATOR.EXAMPLE_YEAR)
    assert result.audit is not None
    tally = result.audit.tally()
    assert sum(tally.values()) - tally["out-of-scope"] > 0, tally


@pytest.mark.parametrize("card_id", list(sm.INDICATORS))
def test_every_indicator_page_has_its_definition_example_and_function(card_id: str) -> None:
    """The generated page shows the card, a worked example, and the function's docstring."""
    card = sm.INDICATORS[card_id]
    page = GENERATOR.indicator_page(card)
    assert page.startswith(f"# {card.title}\n")
    assert "## Worked example" in page
    assert f"::: {card.function.__module__}.{card.function.__name__}" in page
    for code in card.exclusions:
        assert f"`{code}`" in page


def test_every_generated_page_is_in_the_navigation() -> None:
    """The hook puts every generated indicator and API page in the sidebar."""
    additions = GENERATOR.nav_additions()
    in_nav = {
        path
        for section in additions["indicators"]
        for entries in section.values()
        for entry in entries
        for path in entry.values()
    } | {path for entry in additions["api"] for path in entry.values()}
    generated = {
        path
        for path in GENERATOR.pages(with_synthetic=False)
        if path.startswith(("reference/indicators/", "reference/api/"))
        and not path.endswith("/index.md")
    }
    assert generated == in_nav


def test_indicator_page_shows_the_synthetic_council_for_both_years() -> None:
    """With the synthetic module installed, a page gives this year's and last year's figures."""
    synthetic = pytest.importorskip("safeguarding_metrics.synthetic")
    card = sm.INDICATORS["assessment-45wd"]
    lines = GENERATOR.synthetic_lines(card, synthetic.synthetic_dataset(scale=0.05))
    text = "\n".join(lines)
    assert "| 2023-24 |" in text
    assert "| 2024-25 |" in text
    assert "Direction of travel:" in text


def test_indicator_page_without_synthetic_data_has_no_synthetic_section() -> None:
    """Without the synthetic module the page falls back to the worked example alone."""
    page = GENERATOR.indicator_page(sm.INDICATORS["assessment-45wd"], None)
    assert "## On the synthetic council" not in page
