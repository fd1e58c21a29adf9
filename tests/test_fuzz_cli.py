"""Fuzzing the command line: any arguments, any files, any output encoding, never a traceback.

Command lines are drawn from the real sub-commands and options (read from the parser), with
their choices, plausible values, junk, and files made by `tests/strategies_fuzz.py`
(damaged CIN census files and SSDA903 returns, settings, closures and comparators files
good and bad). Each runs in-process in a temporary folder, with standard output in a drawn
encoding (UTF-8, Windows-1252 or ASCII, failing on a character it lacks, as Python's own
standard output does) and standard error replacing such characters (as Python's does).

The property: `main` returns 0, 1 or 2, or argparse exits with 0 (help) or 2 (a usage
error); no exception gets out; nothing on standard error says ``Traceback``; and a run that
fails says why on standard error (``error:``).

The synthetic cohort (`--demo`, `synth`) is made at a two-hundredth of its size here: what
is fuzzed is the command, not the cohort's size. A few cases run in a subprocess with
``PYTHONIOENCODING`` set, as a council's scheduled job might.
"""

import contextlib
import datetime as dt
import functools
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from safeguarding_metrics import cli, synthetic
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.records import Child, Referral
from tests.strategies_fuzz import (
    CommandFiles,
    Damaged,
    DamagedReturn,
    census_text,
    command_files,
    command_lines,
    examples,
    placed,
    return_texts,
)

REAL_SYNTHETIC = synthetic.synthetic_dataset


@functools.lru_cache(maxsize=64)
def small_synthetic(
    *, seed: int = 2025, scale: float = 1.0, year_ending: int = 2025, years: int = 3
) -> Dataset:
    """The synthetic cohort at most a two-hundredth of its size (its checks unchanged)."""
    small = min(scale, 0.005) if scale > 0 else scale
    return REAL_SYNTHETIC(seed=seed, scale=small, year_ending=year_ending, years=years)


@contextlib.contextmanager
def small_cohort() -> Iterator[None]:
    """`synthetic_dataset` made small for the duration (the CLI looks it up when it runs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synthetic, "synthetic_dataset", small_synthetic)
        yield


def run(argv: list[str], encoding: str) -> tuple[int, str, str]:
    """Run the command line in-process; (exit code, stdout, stderr) as text.

    Standard output fails on a character its encoding lacks; standard error replaces it.
    """
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code: Any = cli.main(argv)
        except SystemExit as exit_:  # argparse exits on --help and on a usage error
            code = ("argparse", exit_.code)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode(encoding, "replace"))  # type: ignore[attr-defined]
    return code, texts[0], texts[1]


def assert_no_traceback(code: Any, err: str) -> None:
    """An exit code of 0, 1 or 2 (argparse's: 0 or 2); no traceback; a failure that says why."""
    if isinstance(code, tuple):  # argparse exits 0 after --help, 2 on a usage error
        code = code[1]
        assert code in (0, 2), code
    assert code in (0, 1, 2), code
    assert "Traceback" not in err, err
    if code != 0:
        assert "error:" in err, err


ENCODINGS = st.sampled_from(("utf-8", "cp1252", "ascii"))


def plain_files() -> CommandFiles:
    """Undamaged files for the pinned examples: one child, one referral, empty returns."""
    data = Dataset.of(
        Child(child_id="A1"),
        Referral(referral_id="A1/2024-06-01", child_id="A1", referral_date=dt.date(2024, 6, 1)),
    )
    census = Damaged(census_text(data, dt.date(2025, 3, 31)).encode("utf-8"), ())
    folder = DamagedReturn(
        tuple((name, text.encode("utf-8")) for name, text in return_texts(Dataset()).items()), ()
    )
    return CommandFiles(
        census=(census, census),
        returns=(folder, folder),
        config='[report]\nlayout = "nonsense"\nformat = "pdf"\n',
        closures="2024-12-27\n",
        comparators="indicator_id,label,value,year\nassessment-45wd,Neighbours,83.1,2023-24\n",
    )


PLAIN = plain_files()


@settings(max_examples=examples(0.4))
@example(argv=["report", "--month", "9999-12", "--cin", "@cin"], files=PLAIN, encoding="utf-8")
@example(
    argv=["synth", "@folder/synth-é", "--scale", "0.001", "--years", "1"],
    files=PLAIN,
    encoding="ascii",
)
@example(argv=["report", "--config", "@config", "--demo"], files=PLAIN, encoding="ascii")
@given(argv=command_lines(), files=command_files(), encoding=ENCODINGS)
def test_no_command_line_lets_an_exception_out(
    argv: list[str], files: CommandFiles, encoding: str
) -> None:
    """Any options and values, over any files: an exit code and a message, never a traceback."""
    with tempfile.TemporaryDirectory() as root, contextlib.chdir(root), small_cohort():
        places = files.write(Path(root))
        code, _, err = run([placed(argument, places) for argument in argv], encoding)
    event(f"{argv[0]!a}: exit {code}")  # ascii: an argument may hold a lone surrogate
    assert_no_traceback(code, err)


# -- in a subprocess, with a narrow output encoding ----------------------------------------------


def accented_census(path: Path) -> None:
    """A CIN census file whose values report non-ASCII text (ids, codes)."""
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
        "<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header><Children>"
        "<Child><ChildIdentifiers><LAchildID>Zoë</LAchildID></ChildIdentifiers>"
        "<CINdetails><CINreferralDate>2024-06-01</CINreferralDate><ReferralNFA>false"
        "</ReferralNFA><PrimaryNeedCode>Ñ1</PrimaryNeedCode><Assessments>"
        "<AssessmentActualStartDate>2024-06-02</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2024-07-01</AssessmentAuthorisationDate></Assessments>"
        "</CINdetails></Child></Children></Message>\n"
    )
    path.write_text(text, encoding="utf-8")


ENVIRONMENTS = [
    pytest.param("ascii", ["explain", "assessment-45wd"], id="explain-ascii"),
    pytest.param("ascii", ["indicators"], id="indicators-ascii"),
    pytest.param(
        "ascii",
        ["report", "--cin", "{cin}", "--format", "markdown", "--title", "Cabinet — café"],
        id="report-markdown-ascii",
    ),
    pytest.param("cp1252", ["report", "--cin", "{cin}", "--title", "日本"], id="report-cp1252"),
    pytest.param(
        "ascii",
        ["synth", "{root}/synth-é", "--scale", "0.001", "--years", "1"],
        id="synth-accented-folder-ascii",
    ),
    pytest.param("ascii", ["report", "--cin", "{root}/absent-é.xml"], id="missing-file-ascii"),
    pytest.param("ascii", ["report", "--format", "日本"], id="usage-error-ascii"),
]


@pytest.mark.parametrize(("encoding", "argv"), ENVIRONMENTS)
def test_a_narrow_output_encoding_never_gives_a_traceback(
    tmp_path: Path, encoding: str, argv: list[str]
) -> None:
    """With PYTHONIOENCODING=ascii or cp1252, the command still ends with a code, not a crash."""
    cin = tmp_path / "cin.xml"
    accented_census(cin)
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "safeguarding_metrics",
            *(a.format(cin=cin, root=tmp_path) for a in argv),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    err = done.stderr.decode(encoding, "replace")
    assert_no_traceback(done.returncode, err)


# -- command lines the fuzzing found ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["report", "--demo", "--between", "0001-01-01", "0001-01-02"],
            "the period before 0001-01-01 to 0001-01-02 starts before 1 January of year 1",
            id="between-at-year-1",
        ),
        pytest.param(
            ["report", "--demo", "--columns", "0001-01-01..0001-01-02"],
            "the period before 0001-01-01 to 0001-01-02 starts before 1 January of year 1",
            id="column-at-year-1",
        ),
        pytest.param(
            ["report", "--demo", "--year-to-date", "0001-01-01"],
            "the year to date at 0001-01-01 starts on 1 April of year 0",
            id="year-to-date-in-year-1",
        ),
    ],
)
def test_a_period_whose_comparison_falls_before_year_1_is_a_usage_error(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    """Periods at the first dates Python has end in exit code 2 and a message, not a traceback."""
    with contextlib.chdir(tmp_path), small_cohort():
        code, _, err = run(argv, "utf-8")
    assert code == 2
    assert f"safeguarding-metrics: error: {message}" in err


def test_synth_names_the_files_it_wrote_in_the_output_encoding(tmp_path: Path) -> None:
    """`synth` into a folder with an accent, on an ASCII standard output, lists what it wrote."""
    with contextlib.chdir(tmp_path), small_cohort():
        code, out, err = run(["synth", "synth-é", "--years", "1", "--scale", "0.001"], "ascii")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["synth-?/cin-census-2025.xml", "synth-?/ssda903/2025"]


def test_a_workbook_for_periods_the_data_cannot_support_is_written(tmp_path: Path) -> None:
    """`--format xlsx` for a year the returns do not cover writes the workbook, and says why."""
    with contextlib.chdir(tmp_path), small_cohort():
        written = synthetic.write_synthetic(tmp_path / "returns", scale=0.005, years=1)
        argv = ["report", "--ssda903", str(written[1]), "--year-ending", "2030"]
        code, _, err = run([*argv, "--format", "xlsx", "-o", "report.xlsx"], "utf-8")
    assert code == 1
    assert "no indicator could be computed for the periods asked for" in err
    assert (tmp_path / "report.xlsx").stat().st_size > 0
