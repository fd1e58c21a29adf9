"""Tests for the local contacts extract reader and writer."""

import contextlib
import datetime as dt
import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding_metrics.cli import main
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io import StrictReadError, read_contacts, write_contacts
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Contact
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.synthetic import synthetic_dataset

D = dt.date
HEADER = "child_id,contact_date,decision_date,outcome,source\n"


def extract(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    """Write *text* as a contacts file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_a_contact_row_becomes_a_contact(tmp_path: Path) -> None:
    """Each column lands in its field."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,2024-05-14,nfa,5A\n"))
    assert list(data.contacts) == [
        Contact(
            child_id="C1",
            contact_date=D(2024, 5, 13),
            decision_date=D(2024, 5, 14),
            outcome="nfa",
            source="5A",
        )
    ]
    assert data.diagnostics == ()


@pytest.mark.parametrize(
    "heading",
    [
        "Child ID,Contact Date,Decision Date",
        "LA Child ID,Date of Contact,Date of Decision",
        "CHILD_ID;CONTACT_DATE;CONTACT DECISION DATE",
        "person_id,Contact received,Outcome date",
    ],
)
def test_column_names_are_matched_with_their_synonyms(tmp_path: Path, heading: str) -> None:
    """Documented synonyms, any case, any separator, find the columns."""
    separator = ";" if ";" in heading else ","
    row = separator.join(["C1", "13/05/2024", "14/05/2024"])
    data = read_contacts(extract(tmp_path, f"{heading}\n{row}\n"))
    assert [(c.contact_date, c.decision_date) for c in data.contacts] == [
        (D(2024, 5, 13), D(2024, 5, 14))
    ]


def test_a_file_without_a_contact_date_column_is_an_error(tmp_path: Path) -> None:
    """The error names the missing column and the columns the file has."""
    with pytest.raises(ReadError, match=r"no contact date column.*its columns are: child_id, when"):
        read_contacts(extract(tmp_path, "child_id,when\nC1,2024-05-13\n"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-13 16:40:00.000", D(2024, 5, 13)),
        ("2024-05-13T09:05:00", D(2024, 5, 13)),
        ("13/05/2024 23:59", D(2024, 5, 13)),
        ("2024-05-13", D(2024, 5, 13)),
    ],
)
def test_date_times_are_read_as_their_date(tmp_path: Path, text: str, expected: dt.date) -> None:
    """A time after the date never moves the date."""
    data = read_contacts(extract(tmp_path, HEADER + f"C1,{text},,,\n"))
    assert data.contacts[0].contact_date == expected


def test_null_decision_is_undecided_without_a_diagnostic(tmp_path: Path) -> None:
    """NULL is a missing value, not a problem."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,NULL,NULL,NULL\n"))
    assert data.contacts[0].decision_date is None
    assert data.contacts[0].outcome is None
    assert data.diagnostics == ()


def test_placeholder_decision_date_is_missing_and_reported(tmp_path: Path) -> None:
    """1900-01-01 stands for a missing date: read as missing, with a diagnostic."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,1900-01-01 00:00:00.000,,\n"))
    assert data.contacts[0].decision_date is None
    (problem,) = data.diagnostics
    assert (problem.where, problem.field) == ("line 2", "decision date")
    assert "placeholder" in problem.problem


def test_rows_without_child_or_contact_date_are_dropped_and_reported(tmp_path: Path) -> None:
    """Dropped rows are named by line, field and value."""
    text = HEADER + ",2024-05-13,,,\nC2,31/02/2024,,,\nC3,2024-05-13,,,\n"
    data = read_contacts(extract(tmp_path, text))
    assert [c.child_id for c in data.contacts] == ["C3"]
    assert [(d.where, d.field, d.value) for d in data.diagnostics] == [
        ("line 2", "child id", ""),
        ("line 3", "contact date", "31/02/2024"),
    ]


def test_decision_before_contact_is_kept_for_the_indicator_to_exclude(tmp_path: Path) -> None:
    """The reader keeps it; contact-decision-1wd excludes it as end-before-start."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,2024-05-10,,\n"))
    result = INDICATORS["contact-decision-1wd"].compute(
        data, period=ReportingPeriod.year_ending(2025)
    )
    assert result.excluded == {"end-before-start": 1}


def test_two_contacts_of_a_child_on_one_day_are_both_kept(tmp_path: Path) -> None:
    """Every row is a contact."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,,a,\nC1,2024-05-13,,a,\n"))
    assert len(data.contacts) == 2


def test_coverage_runs_from_the_first_contact_to_the_last(tmp_path: Path) -> None:
    """By default the extract covers its own contact dates, with no collection year."""
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,,,\nC2,2024-09-01,,,\n"))
    (coverage,) = data.coverage.returns
    assert (coverage.kind, coverage.year, coverage.start, coverage.end, coverage.tables) == (
        "contacts",
        None,
        D(2024, 5, 13),
        D(2024, 9, 1),
        ("contacts",),
    )


def test_a_period_given_is_the_coverage(tmp_path: Path) -> None:
    """A caller who knows what the extract covers says so."""
    period = ReportingPeriod.year_ending(2025)
    data = read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,,,\n"), period=period)
    assert (data.coverage.returns[0].start, data.coverage.returns[0].end) == (
        period.start,
        period.end,
    )


def test_strict_mode_raises_on_any_problem(tmp_path: Path) -> None:
    """Strict mode turns diagnostics into an error."""
    with pytest.raises(StrictReadError):
        read_contacts(extract(tmp_path, HEADER + "C1,2024-05-13,nonsense,,\n"), strict=True)


def test_the_synthetic_council_reads_back_to_the_same_figures(tmp_path: Path) -> None:
    """write_contacts then read_contacts gives the same contacts and the same indicator."""
    data = synthetic_dataset(scale=0.1)
    path = tmp_path / "contacts.csv"
    write_contacts(data, path)
    back = read_contacts(path)
    assert sorted(map(repr, back.contacts)) == sorted(map(repr, data.contacts))
    period = ReportingPeriod.year_ending(2025)
    card = INDICATORS["contact-decision-1wd"]
    assert card.compute(back, period=period).value == card.compute(data, period=period).value


rows = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2", "C3", ""]),
        st.sampled_from(["2024-05-13", "14/05/2024", "2024-02-30", "", "x"]),
        st.sampled_from(["2024-05-14", "", "NULL", "1900-01-01", "bad"]),
    ),
    max_size=12,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows, seed=st.integers(0, 1000))
def test_row_order_never_changes_the_contacts(
    tmp_path: Path, rows: list[tuple[str, str, str]], seed: int
) -> None:
    """Shuffling the rows gives the same contacts in the same order."""
    lines = [",".join(row) + ",,\n" for row in rows]
    shuffled = lines[:]
    random.Random(seed).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:
        first = read_contacts(extract(Path(folder), HEADER + "".join(lines), "a.csv"))
        second = read_contacts(extract(Path(folder), HEADER + "".join(shuffled), "b.csv"))
    assert list(first.contacts) == list(second.contacts)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_every_row_is_a_contact_or_a_dropped_row_diagnostic(
    tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    """Nothing vanishes: contacts plus dropped rows make the rows given."""
    text = HEADER + "".join(",".join(row) + ",,\n" for row in rows)
    with tempfile.TemporaryDirectory() as folder:
        data = read_contacts(extract(Path(folder), text))
    dropped = {d.where for d in data.diagnostics if "dropped" in d.problem}
    written = [row for row in rows if any(row)]  # a row of empty cells is no row
    assert len(data.contacts) + len(dropped) == len(written)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(content=st.binary(max_size=300))
def test_no_byte_sequence_crashes_the_reader(tmp_path: Path, content: bytes) -> None:
    """Any bytes give a dataset or a ReadError, never another exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_bytes(HEADER.encode() + content)
        with contextlib.suppress(ReadError):
            read_contacts(path)


def test_report_reads_a_contacts_extract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report command reads --contacts: contact-decision-1wd has a real input."""
    path = extract(tmp_path, HEADER + "C1,2024-05-13,2024-05-14,,\nC2,2024-05-13,2024-05-20,,\n")
    code = main(
        [
            "report",
            "--contacts",
            str(path),
            "--between",
            "2024-05-13",
            "2024-05-13",
            "--format",
            "json",
            "--no-compare",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert '"contact-decision-1wd"' in out
    assert '"value": 50.0' in out


def test_report_refuses_a_missing_contacts_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A usage error names the file."""
    code = main(["report", "--contacts", str(tmp_path / "none.csv"), "--year-ending", "2025"])
    assert code == 2
    assert "no such contacts file" in capsys.readouterr().err
