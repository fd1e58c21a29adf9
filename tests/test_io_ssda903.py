"""Tests for the SSDA903 CSV reader and writer."""

import csv
import datetime as dt
import random
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io import StrictReadError, read_ssda903, write_ssda903
from safeguarding_metrics.io import _ssda903_tables as tables
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.provenance import ReturnCoverage
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview
from safeguarding_metrics.registry import INDICATORS
from tests import oracles_ssda903 as oracle

D = dt.date

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"
OC3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"
AFTER_THE_YEAR = "dated after the 31 March that ends the return's collection year; kept as given"


def folder(root: Path, name: str = "2025", **files: str) -> Path:
    """Make a return folder with one CSV file per keyword (file name = keyword)."""
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    for file_name, text in files.items():
        (path / f"{file_name}.csv").write_text(text, encoding="utf-8", newline="")
    return path


def episode_row(
    child: str = "1",
    decom: str = "01/04/2024",
    rne: str = "S",
    ls: str = "C2",
    place: str = "U1",
    dec: str = "",
    rec: str = "",
) -> str:
    """One episodes row."""
    return f"{child},{decom},{rne},{ls},N1,{place},PR1,{dec},{rec},,,AB1 2CD,SC123\n"


def problems(data: Dataset) -> list[tuple[str, str]]:
    """(field, value) of each diagnostic."""
    return [(d.field, d.value) for d in data.diagnostics]


def episode(start: dt.date, year: int | None = 2025, **fields: object) -> Episode:
    """The record `episode_row` gives, read from a return of *year*."""
    values: dict[str, object] = {
        "child_id": "1",
        "start": start,
        "reason_new": "S",
        "legal_status": "C2",
        "placement": "U1",
        "provider": "PR1",
        "postcode": "AB1 2CD",
        "urn": "SC123",
        "category_of_need": "N1",
        "year": year,
    }
    values.update(fields)
    return Episode(**values)  # type: ignore[arg-type]


# -- reading -------------------------------------------------------------------------------------


def test_every_table_is_read(tmp_path: Path) -> None:
    """Header, episodes, reviews and OC3 rows land in their records, dd/mm/yyyy dates parsed."""
    path = folder(
        tmp_path,
        header=HEADER + "1,2,27/03/2008,WBRI,A123,,\n",
        episodes=EPISODES + episode_row(dec="05/06/2024", rec="E41"),
        reviews=REVIEWS + "1,27/03/2008,30/04/2024,PN1\n",
        oc3=OC3 + "9,30/03/2006,YES,F1,B1\n",
    )
    data = read_ssda903(path)
    assert data.diagnostics == ()
    assert data.children == (
        Child(child_id="1", birth_date=D(2008, 3, 27), sex="2", ethnicity="WBRI"),
    )
    assert data.episodes == (episode(D(2024, 4, 1), end=D(2024, 6, 5), reason_ceased="E41"),)
    assert data.lac_reviews == (
        LACReview(child_id="1", review_date=D(2024, 4, 30), participation="PN1"),
    )
    assert data.care_leavers == (
        CareLeaver(
            child_id="9",
            birth_date=D(2006, 3, 30),
            in_touch="YES",
            activity="F1",
            accommodation="B1",
            year=2025,
        ),
    )


def test_tables_are_found_by_header_row_not_file_name(tmp_path: Path) -> None:
    """Files named x.csv and y.csv are recognised by their columns."""
    path = folder(tmp_path, x=REVIEWS + "1,,30/04/2024,PN1\n", y=EPISODES + episode_row())
    data = read_ssda903(path)
    assert (len(data.episodes), len(data.lac_reviews)) == (1, 1)


def test_column_names_ignore_case_spaces_and_bom(tmp_path: Path) -> None:
    """' child', 'Review' and an Excel byte-order mark still name the columns."""
    path = folder(tmp_path, reviews="\ufeff child , dob,Review,review_code\n1,,2024-04-30,PN1\n")
    data = read_ssda903(path)
    assert data.lac_reviews == (
        LACReview(child_id="1", review_date=D(2024, 4, 30), participation="PN1"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("01/04/2024", D(2024, 4, 1), id="dd/mm/yyyy"),
        pytest.param("1/4/2024", D(2024, 4, 1), id="d/m/yyyy"),
        pytest.param("2024-04-01", D(2024, 4, 1), id="iso"),
        pytest.param("29/02/2024", D(2024, 2, 29), id="leap-day"),
        pytest.param(" 01/04/2024 ", D(2024, 4, 1), id="spaces-around"),
        pytest.param("01/04/2024 00:00", D(2024, 4, 1), id="spreadsheet-midnight"),
        pytest.param("01/04/2024 00:00:00", D(2024, 4, 1), id="spreadsheet-midnight-seconds"),
        pytest.param("2024-04-01T00:00:00", D(2024, 4, 1), id="iso-midnight"),
    ],
)
def test_dates_are_read_in_either_form(tmp_path: Path, text: str, expected: dt.date) -> None:
    """DECOM in dd/mm/yyyy, d/m/yyyy or ISO form is read, with or without a midnight time."""
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + episode_row(decom=text)))
    assert [e.start for e in data.episodes] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("29/02/2023", id="not-a-leap-year"),
        pytest.param("31/04/2024", id="no-31-april"),
        pytest.param("00/04/2024", id="day-zero"),
        pytest.param("01/13/2024", id="month-13"),
        pytest.param("01/04/0000", id="year-zero"),
        pytest.param("2024/04/01", id="slashes-year-first"),
        pytest.param("04/01/24", id="two-digit-year"),
        pytest.param("soon", id="word"),
        pytest.param("01/04/2024 13:30", id="a-time-not-midnight"),
        pytest.param("01-04-2024", id="dashes-day-first"),
    ],
)
def test_unparseable_optional_date_becomes_missing_and_row_kept(tmp_path: Path, text: str) -> None:
    """A bad DEC is reported and read as missing; the episode stays (still open)."""
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + episode_row(dec=text)))
    assert [e.end for e in data.episodes] == [None]
    assert problems(data) == [("DEC", text)]
    assert data.diagnostics[0].where == "line 2"


@example(D(1, 1, 1)).via("the first day there is")
@example(D(9999, 12, 31)).via("the last day there is")
@example(D(2000, 2, 29)).via("a leap day of a century year")
@given(st.dates())
def test_any_real_date_is_read_in_both_forms(day: dt.date) -> None:
    """Every day from 0001-01-01 to 9999-12-31 reads back from dd/mm/yyyy and ISO text."""
    with return_folder("2025") as path:
        rows = episode_row(decom=f"{day.day:02d}/{day.month:02d}/{day.year:04d}")
        rows += episode_row(child="2", decom=day.isoformat())
        (path / "episodes.csv").write_text(EPISODES + rows, encoding="utf-8")
        data = read_ssda903(path)
    assert [e.start for e in data.episodes] == [day, day]


def test_episode_without_start_is_dropped_and_reported(tmp_path: Path) -> None:
    """No DECOM: the episode cannot be placed in time, so it is dropped and reported."""
    rows = episode_row(decom="") + episode_row(decom="31/13/2024") + episode_row()
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + rows))
    assert len(data.episodes) == 1
    assert problems(data) == [("DECOM", ""), ("DECOM", "31/13/2024")]
    assert [d.where for d in data.diagnostics] == ["line 2", "line 3"]


def test_rows_without_child_are_dropped_and_reported(tmp_path: Path) -> None:
    """A row with no CHILD is dropped from any table, and reported."""
    data = read_ssda903(folder(tmp_path, reviews=REVIEWS + ",,30/04/2024,PN1\n"))
    assert data.lac_reviews == ()
    assert problems(data) == [("CHILD", "")]


def test_review_and_oc3_without_their_date_are_dropped(tmp_path: Path) -> None:
    """A review with no REVIEW date and an OC3 row with no DOB are dropped and reported."""
    data = read_ssda903(folder(tmp_path, reviews=REVIEWS + "1,,,PN1\n", oc3=OC3 + "2,,YES,F1,B1\n"))
    assert (data.lac_reviews, data.care_leavers) == ((), ())
    assert sorted(problems(data)) == [("DOB", ""), ("REVIEW", "")]


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [
        pytest.param(episode_row(rne="X"), "RNE", "X", id="rne"),
        pytest.param(episode_row(ls="C9"), "LS", "C9", id="ls"),
        pytest.param(episode_row(place="Q1"), "PLACE", "Q1", id="place"),
        pytest.param(episode_row(dec="01/05/2024", rec="E99"), "REC", "E99", id="rec"),
    ],
)
def test_unknown_episode_codes_are_reported_and_kept(
    tmp_path: Path, row: str, field: str, value: str
) -> None:
    """A code outside the SSDA903 list is kept as given (the child is still looked after)."""
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + row))
    assert len(data.episodes) == 1
    attribute = {
        "RNE": "reason_new",
        "LS": "legal_status",
        "PLACE": "placement",
        "REC": "reason_ceased",
    }
    assert getattr(data.episodes[0], attribute[field]) == value
    assert problems(data) == [(field, value)]


def test_missing_required_code_is_reported_and_read_as_empty(tmp_path: Path) -> None:
    """An episode with no RNE is kept with RNE "" and reported."""
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + episode_row(rne="")))
    assert [e.reason_new for e in data.episodes] == [""]
    assert problems(data) == [("RNE", "")]


def test_unknown_review_and_oc3_codes_are_reported(tmp_path: Path) -> None:
    """REVIEW_CODE PN9 and ACCOM Q1 are kept and reported."""
    data = read_ssda903(
        folder(
            tmp_path, reviews=REVIEWS + "1,,30/04/2024,PN9\n", oc3=OC3 + "2,30/03/2006,YES,F1,Q1\n"
        )
    )
    assert data.lac_reviews[0].participation == "PN9"
    assert data.care_leavers[0].accommodation == "Q1"
    assert sorted(problems(data)) == [("ACCOM", "Q1"), ("REVIEW_CODE", "PN9")]


def test_short_row_is_reported_and_padded(tmp_path: Path) -> None:
    """A row with fewer cells than the header is reported; missing cells read as empty."""
    data = read_ssda903(folder(tmp_path, reviews=REVIEWS + "1,,30/04/2024\n"))
    assert data.lac_reviews == (LACReview(child_id="1", review_date=D(2024, 4, 30)),)
    assert [(d.where, d.value) for d in data.diagnostics] == [("line 2", "3 cells, the header 4")]


def test_long_row_is_reported_and_cut(tmp_path: Path) -> None:
    """A row with more cells than the header is reported; the extra cells are ignored."""
    data = read_ssda903(folder(tmp_path, reviews=REVIEWS + "1,,30/04/2024,PN1,PN2,x\n"))
    assert [r.participation for r in data.lac_reviews] == ["PN1"]
    assert [(d.where, d.value) for d in data.diagnostics] == [("line 2", "6 cells, the header 4")]


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    """Empty lines and all-empty rows (Excel's trailing ,,,) are not records."""
    data = read_ssda903(folder(tmp_path, reviews=REVIEWS + "\n,,,\n1,,30/04/2024,PN1\n  \n\n"))
    assert len(data.lac_reviews) == 1
    assert data.diagnostics == ()
    assert data.origin_of("lac_reviews").where(0)[1] == 4


def test_non_utf8_file_is_read_as_windows_1252_and_reported(tmp_path: Path) -> None:
    """A postcode with a Windows-1252 byte is read, and the encoding is reported at its line."""
    path = folder(tmp_path)
    rows = episode_row() + episode_row(child="2").replace("AB1 2CD", "AB1 2C\xe9")
    (path / "episodes.csv").write_bytes((EPISODES + rows).encode("cp1252"))
    data = read_ssda903(path)
    assert [e.postcode for e in data.episodes] == ["AB1 2CD", "AB1 2C\xe9"]
    assert [(d.where, d.value, d.problem) for d in data.diagnostics] == [
        ("line 3", "byte 0xE9", "not UTF-8; read as Windows-1252 text")
    ]


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    """A spreadsheet's "Unicode" export (UTF-16 with a byte-order mark) reads as text."""
    path = folder(tmp_path)
    (path / "episodes.csv").write_bytes((EPISODES + episode_row()).encode("utf-16"))
    data = read_ssda903(path)
    assert data.episodes == (episode(D(2024, 4, 1)),)
    assert data.diagnostics == ()


def test_other_files_in_the_folder_are_reported_and_ignored(tmp_path: Path) -> None:
    """A README, a subfolder and a CSV of a table not read here are each reported."""
    path = folder(
        tmp_path,
        episodes=EPISODES + episode_row(),
        missing="CHILD,DOB,MISSING,MIS_START,MIS_END\n",
        notes="A,B\n1,2\n",
    )
    (path / "README.txt").write_text("notes", encoding="utf-8")
    (path / "old").mkdir()
    data = read_ssda903(path)
    assert len(data.episodes) == 1
    assert sorted((Path(d.file).name, d.value) for d in data.diagnostics) == [
        ("README.txt", ""),
        ("missing.csv", "missing"),
        ("notes.csv", "A,B"),
        ("old", ""),
    ]


def test_a_header_table_without_ethnic_is_not_taken_for_uasc(tmp_path: Path) -> None:
    """CHILD, SEX, DOB is the header table (read here), not the UASC table; with DUC, UASC."""
    path = folder(tmp_path, a="CHILD,SEX,DOB\n1,1,01/01/2010\n", b="CHILD,SEX,DOB,DUC\n1,1,,\n")
    data = read_ssda903(path)
    assert data.children == (Child(child_id="1", birth_date=D(2010, 1, 1), sex="1"),)
    assert [(Path(d.file).name, d.value) for d in data.diagnostics] == [("b.csv", "UASC")]


def test_a_header_row_naming_two_tables_is_an_error_unless_the_file_name_tells(
    tmp_path: Path,
) -> None:
    """Columns as much of the reviews as of the OC3 table: the file's name decides, else an error."""
    columns = "CHILD,DOB,REVIEW,IN_TOUCH\n1,30/03/2006,30/04/2024,YES\n"
    with pytest.raises(ReadError, match=r"x\.csv: the header row names columns of more than one"):
        read_ssda903(folder(tmp_path / "a", x=columns))
    data = read_ssda903(folder(tmp_path / "b", reviews=columns))
    assert data.lac_reviews == (LACReview(child_id="1", review_date=D(2024, 4, 30)),)


def test_a_column_named_twice_is_reported(tmp_path: Path) -> None:
    """A header naming a column twice is reported; the first of the two is read."""
    path = folder(
        tmp_path,
        episodes=EPISODES.rstrip("\n") + ",DECOM\n" + episode_row().rstrip("\n") + ",01/05/2024\n",
    )
    data = read_ssda903(path)
    assert data.episodes[0].start == D(2024, 4, 1)
    assert [d.field for d in data.diagnostics] == ["DECOM"]


# -- each return knows its year ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["2024", "2023-24", "903_2024", "2023_24", "2023-2024", "SSDA903 return 2023-24", "2024-03-31"],
)
def test_the_year_is_taken_from_the_folder_name(tmp_path: Path, name: str) -> None:
    """A folder named for its year, its statutory year (the later year counts) or its date is that year."""
    data = read_ssda903(folder(tmp_path, name, episodes=EPISODES + episode_row(decom="01/04/2023")))
    assert [e.year for e in data.episodes] == [2024]
    assert data.coverage.returns == (
        ReturnCoverage.for_year(
            kind="ssda903", path=str(tmp_path / name), year=2024, tables=["episodes"]
        ),
    )


@pytest.mark.parametrize("name", ["2017-2019", "2018 to 2019", "903_2017_2019", "2023-03-31_2024"])
def test_a_folder_name_with_two_different_years_is_an_error(tmp_path: Path, name: str) -> None:
    """A name giving two years that do not make one statutory year cannot be told: error."""
    path = folder(tmp_path, name, episodes=EPISODES + episode_row())
    with pytest.raises(ReadError, match=r"more than one year") as caught:
        read_ssda903(path)
    assert str(path) in str(caught.value)


def test_a_folder_without_a_year_is_an_error_with_a_hint(tmp_path: Path) -> None:
    """No year in the name: the error names the folder, its latest date and how to say the year."""
    rows = episode_row(decom="01/05/2017", dec="30/03/2018", rec="E11")
    rows += episode_row(child="2", decom="10/10/2017")
    path = folder(tmp_path, "returns", episodes=EPISODES + rows)
    with pytest.raises(ReadError) as caught:
        read_ssda903(path)
    message = str(caught.value)
    assert f"{path}: the collection year of this SSDA903 return cannot be told" in message
    assert "latest date (DECOM, DEC or REVIEW) is 2018-03-30" in message
    assert "2018 (2017-18)" in message
    assert f"read_ssda903({{2018: {str(path)!r}}})" in message
    assert f"2018={path}" in message


def test_every_folder_whose_year_cannot_be_told_is_named(tmp_path: Path) -> None:
    """Two folders without a year: one error naming both."""
    first = folder(tmp_path, "a", episodes=EPISODES + episode_row())
    second = folder(tmp_path, "b", episodes=EPISODES + episode_row())
    with pytest.raises(ReadError) as caught:
        read_ssda903([first, second])
    assert f"{first}:" in str(caught.value)
    assert f"{second}:" in str(caught.value)


@pytest.mark.parametrize("key", [2024, "2024", "2023-24", "2023_24", "2023-2024", " 2023/24 "])
def test_the_year_may_be_given_explicitly(tmp_path: Path, key: int | str) -> None:
    """A mapping gives each folder its year, whatever the folder's name."""
    path = folder(tmp_path, "returns", episodes=EPISODES + episode_row(decom="01/04/2023"))
    data = read_ssda903({key: path})
    assert [e.year for e in data.episodes] == [2024]


def test_an_explicit_year_overrides_the_folder_name(tmp_path: Path) -> None:
    """The sample layout: folder 2017 holds the return ending March 2018, so it is given as 2018."""
    path = folder(tmp_path, "2017", episodes=EPISODES + episode_row(decom="01/05/2017"))
    data = read_ssda903({2018: path})
    assert [e.year for e in data.episodes] == [2018]
    assert data.diagnostics == ()


@pytest.mark.parametrize("key", ["903_2024", "2023-25", "next year", 1899, 2201, True, 2024.0])
def test_a_mapping_key_that_is_not_a_year_is_an_error(tmp_path: Path, key: object) -> None:
    """A key that names no single collection year is refused, naming the key."""
    path = folder(tmp_path, episodes=EPISODES + episode_row())
    with pytest.raises(ReadError, match="is not a collection year"):
        read_ssda903({key: path})  # type: ignore[arg-type]  # the wrong keys under test


def test_two_folders_for_one_year_are_an_error_naming_both(tmp_path: Path) -> None:
    """2024 and 2023-24 are the same year: an error naming both folders."""
    first = folder(tmp_path, "2024", episodes=EPISODES + episode_row())
    second = folder(tmp_path, "2023-24", episodes=EPISODES + episode_row())
    with pytest.raises(ReadError, match="two SSDA903 returns for one year") as caught:
        read_ssda903([first, second])
    assert str(first) in str(caught.value)
    assert str(second) in str(caught.value)
    assert "2024 (2023-24)" in str(caught.value)


def test_a_csv_file_takes_its_year_from_its_name_else_its_folder(tmp_path: Path) -> None:
    """episodes_2024.csv is for 2024 wherever it is; episodes.csv in folder 2023 is for 2023."""
    named = folder(tmp_path, "misc", episodes_2024=EPISODES + episode_row(decom="01/04/2023"))
    plain = folder(tmp_path, "2023", episodes=EPISODES + episode_row(decom="01/04/2022"))
    data = read_ssda903([named / "episodes_2024.csv", plain / "episodes.csv"])
    assert sorted((e.start.year, e.year) for e in data.episodes) == [(2022, 2023), (2023, 2024)]
    assert [r.path for r in data.coverage.returns] == [
        str(plain / "episodes.csv"),
        str(named / "episodes_2024.csv"),
    ]


def test_folders_are_ordered_by_year_never_by_argument_order(tmp_path: Path) -> None:
    """Given newest first, the later year's row still wins."""
    old = folder(tmp_path, "2024", episodes=EPISODES + episode_row(decom="01/04/2023"))
    new = folder(
        tmp_path,
        "2025",
        episodes=EPISODES + episode_row(decom="01/04/2023", dec="01/03/2025", rec="E11"),
    )
    forwards = read_ssda903([old, new])
    backwards = read_ssda903([new, old])
    assert forwards.episodes == backwards.episodes
    assert [(e.end, e.year) for e in backwards.episodes] == [(D(2025, 3, 1), 2025)]


# -- the year checked against the dates inside ---------------------------------------------------


def test_a_date_after_the_years_31_march_is_reported_at_its_line(tmp_path: Path) -> None:
    """DECOM, DEC and REVIEW after 31 March of the return's year: one diagnostic each, kept."""
    path = folder(
        tmp_path,
        "2024",
        episodes=EPISODES
        + episode_row(decom="01/04/2023", dec="31/03/2024", rec="E11")
        + episode_row(child="2", decom="01/06/2023", dec="01/04/2024", rec="E11")
        + episode_row(child="3", decom="02/04/2024"),
        reviews=REVIEWS + "1,,31/03/2024,PN1\n1,,15/05/2024,PN1\n",
    )
    data = read_ssda903(path)
    assert len(data.episodes) == 3
    assert len(data.lac_reviews) == 2
    assert [
        (Path(d.file).name, d.where, d.field, d.value, d.problem) for d in data.diagnostics
    ] == [
        ("episodes.csv", "line 3", "DEC", "2024-04-01", AFTER_THE_YEAR),
        ("episodes.csv", "line 4", "DECOM", "2024-04-02", AFTER_THE_YEAR),
        ("reviews.csv", "line 3", "REVIEW", "2024-05-15", AFTER_THE_YEAR),
    ]


def test_a_folder_whose_dates_run_into_the_next_year_is_reported_once(tmp_path: Path) -> None:
    """Folder 2017 holding April 2017 to March 2018: reported for the folder; read as 2017."""
    rows = "".join(
        episode_row(child=str(n), decom=f"{n:02d}/05/2017", dec=f"{n:02d}/02/2018", rec="E11")
        for n in range(1, 6)
    )
    path = folder(tmp_path, "2017", episodes=EPISODES + rows)
    data = read_ssda903(path)
    assert {e.year for e in data.episodes} == {2017}
    (whole,) = [d for d in data.diagnostics if d.where == "folder"]
    assert whole.file == str(path)
    assert "name it 2018 or 2017-18" in whole.value
    assert "dates run to 2018-02-05" in whole.value
    assert "give the year explicitly" in whole.problem
    assert len(data.diagnostics) == 1 + 10


def test_a_return_with_a_few_late_dates_gets_no_folder_diagnostic(tmp_path: Path) -> None:
    """Most dates in the year, a few after it: only the late dates are reported."""
    rows = "".join(
        episode_row(child=str(n), decom=f"{n:02d}/05/2017", dec=f"{n:02d}/02/2018", rec="E11")
        for n in range(1, 6)
    )
    path = folder(
        tmp_path, "2018", episodes=EPISODES + rows + episode_row(child="9", decom="01/05/2018")
    )
    data = read_ssda903(path)
    assert [d.where for d in data.diagnostics] == ["line 7"]


# -- merging the years ---------------------------------------------------------------------------


def test_later_year_wins_for_an_episode_and_a_header_row(tmp_path: Path) -> None:
    """Episodes by (CHILD, DECOM), header rows by CHILD: the later folder's row wins."""
    old = folder(
        tmp_path,
        "2024",
        header=HEADER + "1,1,01/01/2010,WBRI,,,\n2,2,01/01/2011,WBRI,,,\n",
        episodes=EPISODES
        + episode_row(decom="01/04/2023")
        + episode_row(child="2", decom="01/01/2023"),
    )
    new = folder(
        tmp_path,
        "2025",
        header=HEADER + "1,1,01/01/2010,AOTH,,,\n",
        episodes=EPISODES + episode_row(decom="01/04/2023", dec="01/03/2025", rec="E11"),
    )
    data = read_ssda903([new, old])
    assert sorted((c.child_id, c.ethnicity) for c in data.children) == [
        ("1", "AOTH"),
        ("2", "WBRI"),
    ]
    assert sorted((e.child_id, e.start, e.end, e.year) for e in data.episodes) == [
        ("1", D(2023, 4, 1), D(2025, 3, 1), 2025),
        ("2", D(2023, 1, 1), None, 2024),
    ]
    assert data.diagnostics == ()


def test_an_episode_carries_the_year_of_the_latest_return_holding_it(tmp_path: Path) -> None:
    """An episode open across three returns has the last one's year; one dropped later keeps its."""
    rows = {
        "2023": episode_row(decom="01/06/2022") + episode_row(child="2", decom="01/06/2022"),
        "2024": episode_row(decom="01/06/2022"),
        "2025": episode_row(decom="01/06/2022"),
    }
    paths = [folder(tmp_path, year, episodes=EPISODES + text) for year, text in rows.items()]
    data = read_ssda903(paths)
    assert sorted((e.child_id, e.year) for e in data.episodes) == [("1", 2025), ("2", 2023)]


def test_oc3_rows_of_every_year_are_kept_each_with_its_year(tmp_path: Path) -> None:
    """OC3 rows merge by (CHILD, year): a young person's rows of two years are both kept."""
    old = folder(tmp_path, "2024", oc3=OC3 + "9,30/03/2006,NO,G4,Z2\n")
    new = folder(tmp_path, "2025", oc3=OC3 + "9,30/03/2006,YES,F1,B1\n")
    data = read_ssda903([new, old])
    assert [(c.year, c.in_touch, c.activity) for c in data.care_leavers] == [
        (2024, "NO", "G4"),
        (2025, "YES", "F1"),
    ]


def test_reviews_are_the_union_of_distinct_dates_the_later_code_winning(tmp_path: Path) -> None:
    """Reviews across years: every distinct (CHILD, REVIEW) once, the later year's code."""
    old = folder(tmp_path, "2024", reviews=REVIEWS + "1,,01/02/2024,PN1\n1,,01/03/2024,PN1\n")
    new = folder(tmp_path, "2025", reviews=REVIEWS + "1,,01/03/2024,PN4\n1,,01/09/2024,PN1\n")
    data = read_ssda903([old, new])
    assert [(r.review_date, r.participation) for r in data.lac_reviews] == [
        (D(2024, 2, 1), "PN1"),
        (D(2024, 3, 1), "PN4"),
        (D(2024, 9, 1), "PN1"),
    ]


@pytest.mark.parametrize(
    ("files", "collection", "kept"),
    [
        pytest.param(
            {"header": HEADER + "1,1,,,,,\n1,1,01/01/2010,WBRI,,,\n"},
            "children",
            Child(child_id="1", birth_date=D(2010, 1, 1), sex="1", ethnicity="WBRI"),
            id="header-more-complete",
        ),
        pytest.param(
            {"header": HEADER + "1,2,01/01/2010,WBRI,,,\n1,1,01/01/2010,WBRI,,,\n"},
            "children",
            Child(child_id="1", birth_date=D(2010, 1, 1), sex="1", ethnicity="WBRI"),
            id="header-first-by-content",
        ),
        pytest.param(
            {"episodes": EPISODES + episode_row(place="U2") + episode_row(place="U1")},
            "episodes",
            episode(D(2024, 4, 1), placement="U1"),
            id="episode-first-by-content",
        ),
        pytest.param(
            {
                "episodes": EPISODES
                + episode_row(dec="01/05/2024", rec="E11")
                + episode_row(place="U1")
            },
            "episodes",
            episode(D(2024, 4, 1), end=D(2024, 5, 1), reason_ceased="E11"),
            id="episode-more-complete",
        ),
        pytest.param(
            {"reviews": REVIEWS + "1,,30/04/2024,PN2\n1,,30/04/2024,\n1,,30/04/2024,PN1\n"},
            "lac_reviews",
            LACReview(child_id="1", review_date=D(2024, 4, 30), participation="PN1"),
            id="review",
        ),
        pytest.param(
            {"oc3": OC3 + "9,30/03/2006,YES,F1,B1\n9,30/03/2006,NO,F1,B1\n"},
            "care_leavers",
            CareLeaver(
                child_id="9",
                birth_date=D(2006, 3, 30),
                in_touch="NO",
                activity="F1",
                accommodation="B1",
                year=2025,
            ),
            id="oc3",
        ),
    ],
)
def test_a_key_repeated_within_a_return_is_reported_and_resolved_by_content(
    tmp_path: Path, files: dict[str, str], collection: str, kept: object
) -> None:
    """Within one year, the row kept is the most complete, then the first by content; in any order."""
    ((name, text),) = files.items()
    header, *rows = text.splitlines(keepends=True)
    for number, order in enumerate((rows, rows[::-1])):
        data = read_ssda903(folder(tmp_path / str(number), **{name: header + "".join(order)}))
        assert tuple(data.records(collection)) == (kept,)  # type: ignore[arg-type]
        assert len(data.diagnostics) == len(rows) - 1
        assert all(
            "the row kept is the one with the most cells filled" in d.problem
            for d in data.diagnostics
        )


def test_identical_rows_are_read_once_and_reported(tmp_path: Path) -> None:
    """The same row twice in a return is one record; the repeat is reported, naming the row kept."""
    data = read_ssda903(folder(tmp_path, episodes=EPISODES + episode_row() + episode_row()))
    assert data.episodes == (episode(D(2024, 4, 1)),)
    assert [(d.where, d.field, d.value) for d in data.diagnostics] == [
        ("line 3", "DECOM", "line 2")
    ]
    assert "the same row appears again" in data.diagnostics[0].problem


def test_two_files_of_one_table_in_a_folder_are_read_as_one_return(tmp_path: Path) -> None:
    """A second episodes file is reported and its rows merged with the first's as one year's."""
    path = folder(
        tmp_path,
        episodes=EPISODES + episode_row(),
        more_episodes=EPISODES + episode_row() + episode_row(child="2"),
    )
    data = read_ssda903(path)
    assert sorted(e.child_id for e in data.episodes) == ["1", "2"]
    assert sorted((Path(d.file).name, d.value) for d in data.diagnostics) == [
        ("more_episodes.csv", "episodes.csv"),
        ("more_episodes.csv", "episodes.csv line 2"),
    ]


# -- coverage and origins ------------------------------------------------------------------------


def test_coverage_holds_one_return_per_folder_with_its_year_and_collections(tmp_path: Path) -> None:
    """Each folder is a ReturnCoverage of its year, listing the collections it held."""
    old = folder(tmp_path, "2024", episodes=EPISODES + episode_row(decom="01/04/2023"))
    new = folder(tmp_path, "2025", reviews=REVIEWS, oc3=OC3 + "9,30/03/2006,YES,F1,B1\n")
    data = read_ssda903([new, old])
    assert data.coverage.returns == (
        ReturnCoverage.for_year(kind="ssda903", path=str(old), year=2024, tables=["episodes"]),
        ReturnCoverage.for_year(
            kind="ssda903", path=str(new), year=2025, tables=["lac_reviews", "care_leavers"]
        ),
    )
    assert data.coverage.years("lac_reviews") == (2025,)


def test_origins_give_the_file_and_line_of_every_record(tmp_path: Path) -> None:
    """Every record points at the file and line it was read from (the later year's for a merge)."""
    old = folder(tmp_path, "2024", episodes=EPISODES + episode_row(child="2") + episode_row())
    new = folder(
        tmp_path, "2025", episodes=EPISODES + "\n" + episode_row(dec="01/05/2024", rec="E11")
    )
    data = read_ssda903([old, new])
    origins = data.origin_of("episodes")
    assert [(e.child_id, origins.where(row)) for row, e in enumerate(data.episodes)] == [
        ("1", (str(new / "episodes.csv"), 3)),
        ("2", (str(old / "episodes.csv"), 2)),
    ]


# -- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "missing"),
    [
        pytest.param(
            "episodes",
            "CHILD,RNE,LS,CIN,PLACE,DEC,REC\n1,S,C2,N1,U1,,\n",
            "DECOM",
            id="episodes-without-decom",
        ),
        pytest.param(
            "reviews", "CHILD,DOB,REVIEW_CODE\n1,,PN1\n", "REVIEW", id="reviews-without-review"
        ),
        pytest.param(
            "oc3",
            "CHILD,DOB,IN_TOUCH,ACTIV\n1,30/03/2006,YES,F1\n",
            "ACCOM",
            id="oc3-without-accom",
        ),
        pytest.param(
            "header", "SEX,DOB,ETHNIC\n1,01/01/2010,WBRI\n", "CHILD", id="header-without-child"
        ),
        pytest.param(
            "eps",
            "CHILD,DECOM,LS,PLACE,DEC,REC\n1,01/04/2024,C2,U1,,\n",
            "RNE",
            id="episodes-without-rne",
        ),
        pytest.param("reviews", "CHILD,DOB\n1,01/01/2010\n", "REVIEW", id="reviews-by-file-name"),
    ],
)
def test_a_table_without_a_key_column_is_an_error_naming_file_and_column(
    tmp_path: Path, name: str, text: str, missing: str
) -> None:
    """A table recognised by its columns (or its name) but missing a required column: ReadError."""
    path = folder(tmp_path, **{name: text}, other=EPISODES + episode_row())
    with pytest.raises(ReadError, match=rf"{name}\.csv: the SSDA903 \w+ table .*has no {missing}"):
        read_ssda903(path)


@pytest.mark.parametrize(("separator", "shown"), [(";", "';'"), ("\t", "'\\t'"), ("|", "'|'")])
def test_a_file_separated_by_semicolons_or_tabs_is_read_and_reported(
    tmp_path: Path, separator: str, shown: str
) -> None:
    """Cells separated by ; or a tab are read with that separator, and the separator reported."""
    text = (EPISODES + episode_row() + episode_row(child="2")).replace(",", separator)
    data = read_ssda903(folder(tmp_path, episodes=text))
    assert data.episodes == (episode(D(2024, 4, 1)), episode(D(2024, 4, 1), child_id="2"))
    assert [(d.where, d.value) for d in data.diagnostics] == [("line 1", shown)]


def test_hidden_files_are_reported_and_skipped(tmp_path: Path) -> None:
    """A hidden .x.csv (an editor's lock file, a copy) is not read, and the reader says so."""
    path = folder(tmp_path, episodes=EPISODES + episode_row())
    (path / ".episodes.csv").write_text(EPISODES + episode_row(child="2"), encoding="utf-8")
    data = read_ssda903(path)
    assert [e.child_id for e in data.episodes] == ["1"]
    assert [(Path(d.file).name, d.where) for d in data.diagnostics] == [(".episodes.csv", "file")]
    assert "hidden" in data.diagnostics[0].problem


def test_a_header_row_of_32000_columns_is_read(tmp_path: Path) -> None:
    """32,000 columns (62 KB of header) and rows of as many cells: the episodes are read.

    Its cost (linear in the columns; it was quadratic) is measured by benchmarks/readers.py.
    """
    extra = [f"X{n}" for n in range(32_000 - 13)]
    header = EPISODES.rstrip("\n") + "," + ",".join(extra) + "\n"
    row = episode_row().rstrip("\n") + "," * len(extra) + "\n"
    path = folder(tmp_path, episodes=header + row * 3)
    data = read_ssda903(path)
    assert len(data.episodes) == 1
    assert [d.where for d in data.diagnostics] == ["line 3", "line 4"]  # repeats, read once


def test_bom_crlf_and_quoted_cells_are_read(tmp_path: Path) -> None:
    """A BOM, CR LF line ends and quoted cells (with commas, quotes, a line break) read as csv does."""
    path = folder(tmp_path)
    text = (
        "\ufeffCHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
        '"1","01/04/2024","S","C2","N1","U1","PR1","","","","","AB1 2CD","SC123"\r\n'
        '2,01/04/2024,S,C2,N1,U1,"PR, ""one""",,,,,"AB1\r\n2CD",SC1\r\n'
        "3,01/04/2024,S,C2,N1,U1,PR1,,,,,,\r\n"
    )
    (path / "episodes.csv").write_bytes(text.encode("utf-8"))
    data = read_ssda903(path)
    assert [(e.child_id, e.provider, e.postcode) for e in data.episodes] == [
        ("1", "PR1", "AB1 2CD"),
        ("2", 'PR, "one"', "AB1\r\n2CD"),
        ("3", "PR1", None),
    ]
    assert [data.origin_of("episodes").where(row)[1] for row in range(3)] == [2, 3, 5]
    assert data.diagnostics == ()


@pytest.mark.parametrize("block", [1 << 21, 100, 7])
def test_lines_are_counted_right_across_blocks_and_quoted_line_breaks(
    tmp_path: Path, block: int
) -> None:
    """Rows read in blocks of any size, some by the CSV reader, keep their file lines."""
    rows = [episode_row(child=str(n)) for n in range(1, 41)]
    rows[9] = rows[9].replace("AB1 2CD", '"AB1\r\n2CD"')  # spans lines 11 and 12
    rows[20] = rows[20].replace("PR1", '"PR, 1"')
    rows[30] = "\n" + rows[30].rstrip("\n") + ",extra\n"  # a blank line, then a long row
    path = folder(tmp_path, episodes=EPISODES + "".join(rows))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "BLOCK_CHARS", block)
        data = read_ssda903(path)
    lines = {
        e.child_id: data.origin_of("episodes").where(row)[1] for row, e in enumerate(data.episodes)
    }
    expected = {str(n): n + 1 + (n > 10) + (n > 30) for n in range(1, 41)}
    assert lines == expected
    assert {e.child_id: (e.provider, e.postcode) for e in data.episodes}["21"] == (
        "PR, 1",
        "AB1 2CD",
    )
    assert [(d.where, d.value) for d in data.diagnostics] == [
        ("line 34", "14 cells, the header 13")
    ]


def test_nul_characters_are_left_out(tmp_path: Path) -> None:
    """A NUL byte in a cell is reported; the text is read without it."""
    path = folder(tmp_path)
    (path / "episodes.csv").write_bytes((EPISODES + episode_row(child="1\x00")).encode("utf-8"))
    data = read_ssda903(path)
    assert [e.child_id for e in data.episodes] == ["1"]
    assert [(d.where, d.field, d.value) for d in data.diagnostics] == [("line 2", "CHILD", "1\\0")]


def test_a_cell_beyond_the_csv_readers_limit_is_reported_and_its_row_left_out(
    tmp_path: Path,
) -> None:
    """A cell larger than csv.field_size_limit: the row is reported and skipped, the rest read."""
    huge = "x" * (csv.field_size_limit() + 10)
    # A quoted line break in the first row: the rows go to the CSV reader, with its limit.
    first = episode_row().replace("AB1 2CD", '"AB1\n2CD"')
    text = EPISODES + first + episode_row(child=huge) + episode_row(child="3")
    data = read_ssda903(folder(tmp_path, episodes=text))
    assert [e.child_id for e in data.episodes] == ["1", "3"]
    assert [(d.where, d.problem.split(" (")[0]) for d in data.diagnostics] == [
        ("line 4", "the row cannot be read as CSV")
    ]
    assert [data.origin_of("episodes").where(row)[1] for row in range(2)] == [2, 5]


def test_a_cell_longer_than_any_field_is_read_as_empty_and_reported(tmp_path: Path) -> None:
    """A 300-character postcode is reported and read as missing; the episode is kept."""
    text = EPISODES + episode_row().replace("AB1 2CD", "A" * 300)
    data = read_ssda903(folder(tmp_path, episodes=text))
    assert [e.postcode for e in data.episodes] == [None]
    assert [(d.field, d.value[:3]) for d in data.diagnostics] == [("PL_POST", "AAA")]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["", EPISODES, REVIEWS, OC3, HEADER]))
def test_no_byte_sequence_crashes_the_reader(content: bytes, header: str) -> None:
    """Any bytes after any header give a Dataset or a ReadError, never another exception."""
    with return_folder("2025") as path:
        (path / "table.csv").write_bytes(header.encode("utf-8") + content)
        try:
            data = read_ssda903(path)
        except ReadError:
            return
        for diagnostic in data.diagnostics:
            assert diagnostic.problem


# -- code lists ----------------------------------------------------------------------------------


def test_activity_and_accommodation_zero_are_codes_of_the_list(tmp_path: Path) -> None:
    """ACTIV 0 and ACCOM 0 are "not applicable" (SSDA903 rules 132 and 133): no diagnostic."""
    data = read_ssda903(folder(tmp_path, oc3=OC3 + "9,30/03/2006,NREQ,0,0\n"))
    assert [(c.activity, c.accommodation) for c in data.care_leavers] == [("0", "0")]
    assert data.diagnostics == ()


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("S1", False),
        ("X1", False),
        ("S2", True),
        ("X2", True),
        ("B1", True),
        ("A1", False),
        ("02", False),
    ],
)
def test_accommodation_s_and_x_only_take_2(tmp_path: Path, code: str, valid: bool) -> None:
    """S and X accommodation is never suitable: S1 and X1 are not SSDA903 codes (rule 133)."""
    data = read_ssda903(folder(tmp_path, oc3=OC3 + f"9,30/03/2006,YES,F1,{code}\n"))
    assert problems(data) == ([] if valid else [("ACCOM", code)])


@pytest.mark.parametrize("code", ["F3", "P3", "F4", "P5", "G6"])
def test_old_and_new_activity_codes_are_valid(tmp_path: Path, code: str) -> None:
    """F3/P3 (returns before 2021-22) and F4 to P5 (after) are all activity codes."""
    data = read_ssda903(folder(tmp_path, oc3=OC3 + f"9,30/03/2006,YES,{code},B1\n"))
    assert data.diagnostics == ()


def test_code_lists_match_the_sector_validator() -> None:
    """ACCOM and ACTIV are exactly the csc-validator-be-903 lists (rules 132, 133), plus F3/P3."""
    assert {
        *[
            "B1",
            "B2",
            "C1",
            "C2",
            "D1",
            "D2",
            "E1",
            "E2",
            "G1",
            "G2",
            "H1",
            "H2",
            "K1",
            "K2",
            "R1",
            "R2",
            "S2",
            "T1",
            "T2",
        ],
        *["U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0"],
    } == tables.ACCOMMODATION_CODES
    assert {
        *["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"],
        "F3",
        "P3",
    } == tables.ACTIVITY_CODES


# -- whole-file problems -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="zero-bytes"),
        pytest.param("\n\n", id="blank-lines"),
        pytest.param(",,,\n", id="empty-header"),
    ],
)
def test_a_folder_with_only_an_empty_file_is_an_error_naming_it(tmp_path: Path, text: str) -> None:
    """A folder whose only CSV file is empty has no table: the error says which file and why."""
    path = folder(tmp_path, episodes=text)
    with pytest.raises(
        ReadError,
        match=r"no SSDA903 table found.*episodes\.csv: the file (is empty|has no header row)",
    ):
        read_ssda903(path)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="zero-bytes"),
        pytest.param("\n\n", id="blank-lines"),
    ],
)
def test_an_empty_file_beside_real_tables_is_reported_and_skipped(
    tmp_path: Path, text: str
) -> None:
    """A stray empty CSV file does not lose the return: it is reported and the tables are read."""
    path = folder(tmp_path, episodes=EPISODES + episode_row(), notes=text)
    data = read_ssda903(path)
    assert len(data.episodes) == 1
    assert [(Path(d.file).name, d.problem) for d in data.diagnostics] == [
        (
            "notes.csv",
            "the file is empty; ignored" if not text else "the file has no header row; ignored",
        )
    ]


def test_missing_folder_raises_read_error(tmp_path: Path) -> None:
    """A folder that does not exist is named in the error."""
    with pytest.raises(ReadError, match="no such folder"):
        read_ssda903(tmp_path / "2030")


def test_folder_without_tables_raises_read_error(tmp_path: Path) -> None:
    """A folder holding no recognisable table is an error, not an empty dataset."""
    path = folder(tmp_path, notes="A,B\n1,2\n")
    with pytest.raises(ReadError, match="no SSDA903 table found"):
        read_ssda903(path)


def test_no_folders_raises_read_error() -> None:
    """An empty list of folders, or an empty mapping, is an error."""
    with pytest.raises(ReadError, match="no SSDA903 folders"):
        read_ssda903([])
    with pytest.raises(ReadError, match="no SSDA903 folders"):
        read_ssda903({})


# -- strict mode ---------------------------------------------------------------------------------


def test_strict_mode_raises_listing_the_diagnostics(tmp_path: Path) -> None:
    """strict=True turns the diagnostics into a ReadError that lists them."""
    path = folder(tmp_path, episodes=EPISODES + episode_row(ls="C9"))
    with pytest.raises(StrictReadError, match="C9") as caught:
        read_ssda903(path, strict=True)
    assert [d.field for d in caught.value.diagnostics] == ["LS"]


def test_strict_mode_reads_a_clean_return(tmp_path: Path) -> None:
    """strict=True on a clean return gives the data."""
    path = folder(tmp_path, episodes=EPISODES + episode_row())
    assert len(read_ssda903(path, strict=True).episodes) == 1


# -- writing and the round trip ------------------------------------------------------------------


def test_writer_uses_the_real_columns_and_dates(tmp_path: Path) -> None:
    """episodes.csv has the SSDA903 columns and dd/mm/yyyy dates."""
    e = Episode(
        child_id="1",
        start=D(2024, 4, 1),
        end=D(2024, 6, 5),
        reason_new="S",
        legal_status="C2",
        placement="U1",
        reason_ceased="E41",
    )
    write_ssda903(Dataset(episodes=[e]), tmp_path / "out")
    assert (tmp_path / "out" / "episodes.csv").read_text(encoding="utf-8") == (
        EPISODES + "1,01/04/2024,S,C2,,U1,,05/06/2024,E41,,,,\n"
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "episodes.csv",
        "header.csv",
        "oc3.csv",
        "reviews.csv",
    ]


def test_writer_puts_birth_date_on_reviews(tmp_path: Path) -> None:
    """The reviews table's DOB comes from the child's record."""
    data = Dataset(
        children=[Child(child_id="1", birth_date=D(2010, 5, 6))],
        lac_reviews=[LACReview(child_id="1", review_date=D(2024, 4, 30))],
    )
    write_ssda903(data, tmp_path)
    assert "1,06/05/2010,30/04/2024,\n" in (tmp_path / "reviews.csv").read_text(encoding="utf-8")


@contextmanager
def return_folder(name: str) -> Iterator[Path]:
    """A fresh temporary folder called *name* (hypothesis runs many examples per test)."""
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / name
        path.mkdir()
        yield path


CHILD_IDS = ("100", "200", "300", "4,00", 'five "5"')
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31))
optional_dates = st.none() | dates


@st.composite
def ssda903_datasets(draw: st.DrawFn) -> Dataset:
    """An SSDA903-only dataset: distinct episode starts and review dates per child."""
    ids = draw(st.lists(st.sampled_from(CHILD_IDS), min_size=1, max_size=4, unique=True))
    children: list[Child] = []
    episodes: list[Episode] = []
    reviews: list[LACReview] = []
    leavers: list[CareLeaver] = []
    for child_id in ids:
        before = len(episodes) + len(reviews) + len(leavers)
        for start in draw(st.lists(dates, max_size=3, unique=True)):
            episodes.append(
                Episode(
                    child_id=child_id,
                    start=start,
                    end=draw(optional_dates),
                    reason_new=draw(st.sampled_from(("S", "P", "B", "L", "T", "U"))),
                    legal_status=draw(st.sampled_from(("C2", "V3", "E1"))),
                    placement=draw(st.sampled_from(("U1", "A3", "T0", "K2"))),
                    reason_ceased=draw(st.none() | st.sampled_from(("E11", "E4A", "X1"))),
                    provider=draw(st.none() | st.sampled_from(("PR1", "PR4"))),
                    postcode=draw(st.none() | st.just("AB1 2CD")),
                    urn=draw(st.none() | st.sampled_from(("SC123456", "XXXXXXX"))),
                    category_of_need=draw(st.none() | st.sampled_from(("N1", "N8"))),
                )
            )
        for day in draw(st.lists(dates, max_size=3, unique=True)):
            reviews.append(
                LACReview(
                    child_id=child_id,
                    review_date=day,
                    participation=draw(st.none() | st.sampled_from(("PN0", "PN7"))),
                )
            )
        if draw(st.booleans()):
            leavers.append(
                CareLeaver(
                    child_id=child_id,
                    birth_date=draw(dates),
                    in_touch=draw(st.none() | st.sampled_from(("YES", "DIED"))),
                    activity=draw(st.none() | st.sampled_from(("F1", "G6"))),
                    accommodation=draw(st.none() | st.sampled_from(("B1", "Z2"))),
                )
            )
        if len(episodes) + len(reviews) + len(leavers) > before:  # only looked-after children
            children.append(
                Child(
                    child_id=child_id,
                    birth_date=draw(optional_dates),
                    sex=draw(st.none() | st.sampled_from(("1", "2"))),
                    ethnicity=draw(st.none() | st.sampled_from(("WBRI", "MOTH"))),
                )
            )
    return Dataset(
        children=draw(st.permutations(children)),
        episodes=draw(st.permutations(episodes)),
        lac_reviews=draw(st.permutations(reviews)),
        care_leavers=draw(st.permutations(leavers)),
    )


def as_sets(data: Dataset) -> dict[str, frozenset[object]]:
    """Each table as a set, for order-free comparison."""
    return {t: frozenset(getattr(data, t)) for t in data.TABLES}


def with_year(data: Dataset, year: int) -> Dataset:
    """*data* as read from a return of *year*: episodes and care leavers carry it."""
    import attrs

    return attrs.evolve(
        data,
        episodes=[attrs.evolve(e, year=year) for e in data.episodes],
        care_leavers=[attrs.evolve(c, year=year) for c in data.care_leavers],
    )


@given(data=ssda903_datasets())
def test_round_trip_gives_the_same_records_plus_the_year(data: Dataset) -> None:
    """Records written with write_ssda903 read back to the same records, with the folder's year."""
    with return_folder("2031") as path:
        write_ssda903(data, path)
        back = read_ssda903(path)
    assert as_sets(back) == as_sets(with_year(data, 2031))
    assert back.counts() == data.counts()
    assert back.diagnostics == ()


@given(old=ssda903_datasets(), new=ssda903_datasets())
def test_merging_years_matches_a_plain_oracle(old: Dataset, new: Dataset) -> None:
    """Two years merge as the rules say, checked against a loop over the records."""
    with tempfile.TemporaryDirectory() as root:
        write_ssda903(old, Path(root) / "2031")
        write_ssda903(new, Path(root) / "2032")
        merged = read_ssda903([Path(root) / "2032", Path(root) / "2031"])
    expected: dict[str, dict[object, object]] = {}
    keys: dict[str, Callable[[Any], object]] = {
        "children": lambda r: r.child_id,
        "episodes": lambda r: (r.child_id, r.start),
        "lac_reviews": lambda r: (r.child_id, r.review_date),
        "care_leavers": lambda r: (r.child_id, r.year),
    }
    for table, key in keys.items():
        expected[table] = {}
        for records in (with_year(old, 2031), with_year(new, 2032)):
            for record in getattr(records, table):
                expected[table][key(record)] = record
    for table in keys:
        assert frozenset(getattr(merged, table)) == frozenset(expected[table].values())


# -- properties on raw tables: order, the oracle, nothing lost -----------------------------------

CHILDREN = ("1", "2", "3", " 4 ")
DAYS = ("01/04/2023", "15/10/2023", "2023-12-01", "1/2/2024", "31/03/2024", "30/02/2024", "")
CODES = {
    "RNE": ("S", "P", "L", "", "Z"),
    "LS": ("C2", "V3", " C1"),
    "PLACE": ("U1", "A3", "T0"),
    "REC": ("", "E11", "X1", "E99"),
    "REVIEW_CODE": ("", "PN1", "PN7"),
    "IN_TOUCH": ("YES", "NO", "DIED", ""),
    "ACTIV": ("F1", "F3", "0", "G6", "Q9"),
    "ACCOM": ("B1", "S2", "S1", "0", ""),
    "SEX": ("1", "2", ""),
}
FREE_TEXT = ("", "PR1", "AB1 2CD", "a, b", 'say "hi"', "two\nlines", "café")
free_text = st.sampled_from(FREE_TEXT) | st.text(alphabet=' ,";\r\n\tab1é', max_size=6)


@st.composite
def raw_table(draw: st.DrawFn, columns: tuple[str, ...]) -> list[list[str]]:
    """Rows of one SSDA903 table: repeated keys, bad dates, odd codes and awkward text."""
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for column in columns:
            if column == "CHILD":
                row.append(draw(st.sampled_from(CHILDREN)))
            elif column in ("DECOM", "DEC", "REVIEW", "DOB"):
                row.append(draw(st.sampled_from(DAYS)))
            elif column in CODES:
                row.append(draw(st.sampled_from(CODES[column])))
            else:
                row.append(draw(free_text))
        rows.append(row)
    return rows


@st.composite
def raw_returns(draw: st.DrawFn) -> dict[int, dict[str, list[list[str]]]]:
    """One to three years' returns, each a few tables of raw rows."""
    years = draw(st.lists(st.sampled_from((2023, 2024, 2025)), min_size=1, max_size=3, unique=True))
    found: dict[int, dict[str, list[list[str]]]] = {}
    for year in years:
        kinds = draw(st.sets(st.sampled_from(tuple(tables.TABLE_COLUMNS)), min_size=1))
        found[year] = {kind: draw(raw_table(tables.TABLE_COLUMNS[kind])) for kind in sorted(kinds)}
    return found


def write_returns(
    root: Path,
    returns: Mapping[int, Mapping[str, list[list[str]]]],
    *,
    quoting: int,
    seed: int | None = None,
) -> dict[int, Path]:
    """Write each year's tables into folder root/<year>, rows shuffled when *seed* is given."""
    root.mkdir(parents=True, exist_ok=True)
    paths = {}
    for year, files in returns.items():
        path = root / str(year)
        path.mkdir()
        for kind, rows in files.items():
            ordered = list(rows)
            if seed is not None:
                random.Random(seed).shuffle(ordered)
            with (path / f"{kind}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, quoting=quoting)  # type: ignore[arg-type]
                writer.writerow(tables.TABLE_COLUMNS[kind])  # type: ignore[index]
                writer.writerows(ordered)
        paths[year] = path
    return paths


def figures(data: Dataset) -> dict[str, object]:
    """The looked-after indicators for 2023-24, their figures only."""
    period = ReportingPeriod.year_ending(2024)
    ids = (
        "cla-at-period-end",
        "cla-3-plus-placements",
        "lac-reviews-in-timescale",
        "care-leavers-eet-17-18",
        "care-leavers-accommodation-19-21",
        "cla-ceased-permanence",
    )
    return {i: INDICATORS[i].compute(data, period=period) for i in ids}


QUOTING = st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL))


BLOCKS = st.sampled_from((tables.BLOCK_CHARS, 1, 30, 200))


@settings(max_examples=60)
@given(returns=raw_returns(), quoting=QUOTING, block=BLOCKS)
def test_reading_matches_a_plain_csv_oracle(
    returns: dict[int, dict[str, list[list[str]]]], quoting: int, block: int
) -> None:
    """The records equal the merge rules applied row by row to the standard library's csv rows."""
    with tempfile.TemporaryDirectory() as root, pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "BLOCK_CHARS", block)
        paths = write_returns(Path(root), returns, quoting=quoting)
        data = read_ssda903(list(paths.values()))
        wanted = oracle.expected(paths)
    for collection, records in wanted.items():
        assert frozenset(data.records(collection)) == records, collection  # type: ignore[arg-type]


@settings(max_examples=40)
@given(returns=raw_returns(), quoting=QUOTING, seed=st.integers(0, 1000))
def test_row_and_folder_order_never_change_the_records_or_figures(
    returns: dict[int, dict[str, list[list[str]]]], quoting: int, seed: int
) -> None:
    """Shuffled rows and folders given in any order read to the same records and figures."""
    with tempfile.TemporaryDirectory() as root:
        paths = write_returns(Path(root) / "a", returns, quoting=quoting)
        shuffled = write_returns(Path(root) / "b", returns, quoting=quoting, seed=seed)
        first = read_ssda903(list(paths.values()))
        order = list(shuffled.values())
        random.Random(seed).shuffle(order)
        second = read_ssda903(order)
    assert as_sets(first) == as_sets(second)
    assert first.counts() == second.counts()
    assert figures(first) == figures(second)


@settings(max_examples=60)
@given(returns=raw_returns(), quoting=QUOTING, block=BLOCKS)
def test_every_row_is_in_the_dataset_or_named_in_a_diagnostic(
    returns: dict[int, dict[str, list[list[str]]]], quoting: int, block: int
) -> None:
    """Each data row is a record (its origin), is named by a diagnostic, or lost to a later year."""
    with tempfile.TemporaryDirectory() as root, pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "BLOCK_CHARS", block)
        paths = write_returns(Path(root), returns, quoting=quoting)
        data = read_ssda903(list(paths.values()))
        rows = {year: oracle.table_rows(path) for year, path in paths.items()}
    held: set[tuple[str, int]] = set()
    for collection in oracle.COLLECTION.values():
        origins = data.origin_of(collection)  # type: ignore[arg-type]
        held |= {origins.where(row) for row in range(len(origins))}
    named = {
        (d.file, int(d.where.split()[1])) for d in data.diagnostics if d.where.startswith("line ")
    }
    for year, found in rows.items():
        for table, table_rows in found.items():
            for file, line, cells in table_rows:
                if (file, line) in held or (file, line) in named:
                    continue
                # Otherwise a later return holds a record with the same key.
                key = oracle.key_of(table, cells, year)
                later = {
                    oracle.key_of(table, other, later_year)
                    for later_year, later_found in rows.items()
                    if later_year > year
                    for _, _, other in later_found.get(table, [])
                }
                assert key is not None, (file, line, cells)
                assert key in later, (file, line, cells)


def test_a_folder_named_by_a_date_is_read_as_the_collection_year_of_that_date() -> None:
    """A return named by its reference date (2024-03-31) is the 2023-24 return."""
    from safeguarding_metrics.io._common import years_in_name

    assert years_in_name("903-2024-03-31") == {2024}
    assert years_in_name("extract_2024_07_21") == {2025}
