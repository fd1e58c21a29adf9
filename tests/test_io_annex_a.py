"""Tests for the Ofsted Annex A workbook reader and writer."""

import contextlib
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

from safeguarding_metrics.availability import availability  # noqa: E402 - after the skip
from safeguarding_metrics.cli import main  # noqa: E402
from safeguarding_metrics.dataset import Dataset  # noqa: E402
from safeguarding_metrics.errors import InvalidOptionError, ReadError  # noqa: E402
from safeguarding_metrics.io import (  # noqa: E402
    StrictReadError,
    annex_a_period,
    read_annex_a,
    write_annex_a,
)
from safeguarding_metrics.registry import INDICATORS  # noqa: E402
from safeguarding_metrics.synthetic import synthetic_dataset  # noqa: E402

D = dt.date
INSPECTION = D(2025, 3, 10)


def xl(*parts: int) -> dt.datetime:
    """A date-time as an Excel cell holds it: no time zone (openpyxl refuses one)."""
    return dt.datetime(*parts)  # noqa: DTZ001 - Excel cells have no time zone


COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
CHILD = ["C1", "a) Male", "a) WBRI", xl(2015, 6, 1), 9]


def workbook(root: Path, sheets: dict[str, list[list[Any]]], name: str = "annex.xlsx") -> Path:
    """Write a workbook with one sheet per entry: its rows, headings first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = root / name
    book.save(path)
    return path


def contacts_list(*rows: list[Any]) -> dict[str, list[list[Any]]]:
    """A List 1 with the common columns, then date of contact and source."""
    return {"List 1": [[*COMMON, "Date of Contact", "Contact Source"], *rows]}


def problems(data: Dataset) -> list[tuple[str, str, str]]:
    """(where, field, value) of each diagnostic."""
    return [(d.where, d.field, d.value) for d in data.diagnostics]


# -- sheets and headings ----------------------------------------------------------------------


def test_a_contact_row_becomes_a_contact_and_a_child(tmp_path: Path) -> None:
    """List 1 gives contacts with no decision date, and the child's details."""
    path = workbook(tmp_path, contacts_list([*CHILD, xl(2025, 1, 6), "q) 6: Police"]))
    data = read_annex_a(path, INSPECTION)
    (contact,) = data.contacts
    assert (contact.child_id, contact.contact_date, contact.decision_date, contact.source) == (
        "C1",
        D(2025, 1, 6),
        None,
        "6",
    )
    (child,) = data.children
    assert (child.sex, child.ethnicity, child.birth_date) == ("1", "WBRI", D(2015, 6, 1))
    assert data.diagnostics == ()


@pytest.mark.parametrize("title", ["List 1", "list1", "List 1 - Contacts", " LIST 1"])
def test_sheets_are_found_by_a_lenient_name(tmp_path: Path, title: str) -> None:
    """Spaces, case and a description after the number do not matter."""
    sheets = {title: contacts_list([*CHILD, xl(2025, 1, 6), "a) 1A"])["List 1"]}
    assert len(read_annex_a(workbook(tmp_path, sheets), INSPECTION).contacts) == 1


@pytest.mark.parametrize(
    "headings",
    [
        ["Child Unique ID", "Date of Contact", "Contact Source"],
        ["Child ID", "Contact Date", "Source of contact"],
        ["CHILD IDENTIFIER", "date of contact (dd/mm/yyyy)", "CONTACT SOURCE"],
        ["Unique ID", "Date Of Contact", "Source"],
    ],
)
def test_headings_are_matched_leniently(tmp_path: Path, headings: list[str]) -> None:
    """Headings drift between councils: each field is found by a pattern."""
    path = workbook(tmp_path, {"List 1": [headings, ["C1", xl(2025, 1, 6), "a) 1A"]]})
    data = read_annex_a(path, INSPECTION)
    assert [(c.child_id, c.contact_date, c.source) for c in data.contacts] == [
        ("C1", D(2025, 1, 6), "1A")
    ]


def test_a_title_row_above_the_headings_is_skipped(tmp_path: Path) -> None:
    """The heading row is the first that holds the child id heading."""
    rows = [
        ["Annex A - List 1: Contacts"],
        [],
        *contacts_list([*CHILD, "06/01/2025", "1A"])["List 1"],
    ]
    data = read_annex_a(workbook(tmp_path, {"List 1": rows}), INSPECTION)
    assert [c.contact_date for c in data.contacts] == [D(2025, 1, 6)]
    assert data.origin_of("contacts").where(0)[1] == 4


def test_a_list_without_its_key_heading_is_an_error(tmp_path: Path) -> None:
    """The error names the sheet and the heading it needs."""
    path = workbook(tmp_path, {"List 3": [[*COMMON, "Referral Source"], [*CHILD, "1A"]]})
    with pytest.raises(ReadError, match=r"sheet 'List 3' has no heading for referral date"):
        read_annex_a(path, INSPECTION)


def test_lists_not_read_are_passed_over_and_reported(tmp_path: Path) -> None:
    """Lists 2, 10 and 11 hold nothing the library reads: said so."""
    sheets = contacts_list([*CHILD, xl(2025, 1, 6), "1A"]) | {
        "List 2": [["Child Unique ID"]],
        "List 10": [["Child Unique ID"]],
        "Notes": [["x"]],
    }
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    assert sorted(d.where for d in data.diagnostics) == [
        "sheet List 10",
        "sheet List 2",
        "sheet Notes",
    ]


def test_a_file_that_is_no_workbook_is_an_error(tmp_path: Path) -> None:
    """A CSV renamed .xlsx is refused with a ReadError."""
    path = tmp_path / "annex.xlsx"
    path.write_text("Child Unique ID,Date of Contact\n")
    with pytest.raises(ReadError, match="not an Excel workbook"):
        read_annex_a(path, INSPECTION)


# -- cells -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param(xl(2025, 1, 6), D(2025, 1, 6), id="excel-date-cell"),
        pytest.param(xl(2025, 1, 6, 14, 30), D(2025, 1, 6), id="date-time-cell"),
        pytest.param(45663, D(2025, 1, 6), id="serial-number"),
        pytest.param(45663.75, D(2025, 1, 6), id="serial-with-time"),
        pytest.param("06/01/2025", D(2025, 1, 6), id="uk-text"),
        pytest.param("6/1/2025", D(2025, 1, 6), id="uk-text-one-digit"),
        pytest.param("2025-01-06", D(2025, 1, 6), id="iso-text"),
    ],
)
def test_excel_dates_serials_and_text_are_accepted(
    tmp_path: Path, cell: Any, expected: dt.date
) -> None:
    """Every way a date reaches a workbook reads as the same date."""
    path = workbook(tmp_path, contacts_list([*CHILD, cell, "1A"]))
    assert read_annex_a(path, INSPECTION).contacts[0].contact_date == expected


@pytest.mark.parametrize("cell", ["31/02/2025", "soon", -3, True, "1900-01-01"])
def test_a_key_date_that_is_no_date_drops_the_row_and_says_where(tmp_path: Path, cell: Any) -> None:
    """The diagnostic names the sheet, the row, the heading and the value."""
    path = workbook(tmp_path, contacts_list([*CHILD, cell, "1A"]))
    data = read_annex_a(path, INSPECTION)
    assert list(data.contacts) == []
    (problem,) = data.diagnostics
    assert (problem.where, problem.field) == ("List 1 row 2", "Date of Contact")
    assert "dropped" in problem.problem


@pytest.mark.parametrize(
    ("gender", "source", "expected"),
    [
        ("a) Male", "q) 6: Police", ("1", "6")),
        ("b) Female", "a) 1A: Individual", ("2", "1A")),
        ("c) Not stated/recorded", "p1) 5D", ("0", "5D")),
        ("Female", "10", ("2", "10")),
    ],
)
def test_lettered_codes_are_mapped(
    tmp_path: Path, gender: str, source: str, expected: tuple[str, str]
) -> None:
    """The letter before the bracket is left out; the code or description is read."""
    child = ["C1", gender, "a) WBRI", xl(2015, 6, 1), 9]
    data = read_annex_a(
        workbook(tmp_path, contacts_list([*child, xl(2025, 1, 6), source])), INSPECTION
    )
    assert (data.children[0].sex, data.contacts[0].source) == expected


def test_an_unknown_lettered_code_is_reported_and_read_as_missing(tmp_path: Path) -> None:
    """A source no list knows is never guessed."""
    path = workbook(tmp_path, contacts_list([*CHILD, xl(2025, 1, 6), "z) Carrier pigeon"]))
    data = read_annex_a(path, INSPECTION)
    assert data.contacts[0].source is None
    assert problems(data) == [("List 1 row 2", "Contact Source", "z) Carrier pigeon")]


def test_a_row_without_a_child_is_dropped_and_reported(tmp_path: Path) -> None:
    """No child id, no record: a diagnostic names the row."""
    row = [None, "a) Male", "a) WBRI", xl(2015, 6, 1), 9, xl(2025, 1, 6), "1A"]
    data = read_annex_a(workbook(tmp_path, contacts_list(row)), INSPECTION)
    assert list(data.contacts) == []
    assert problems(data) == [("List 1 row 2", "Child Unique ID", "")]


# -- the lists --------------------------------------------------------------------------------

REFERRALS = [*COMMON, "Date of Referral", "Referral Source", "Referral NFA?"]
CIN = [*COMMON, "CIN Start Date", "Primary Need Code", "CIN Closure Date", "Reason for Closure"]
ASSESSMENTS = [
    *COMMON,
    "Continuous Assessment Start Date",
    "Continuous Assessment Date of Authorisation",
]


def test_cin_episodes_are_matched_to_referrals_by_child_and_date(tmp_path: Path) -> None:
    """List 6 adds closure and need to the List 3 referral of that day."""
    sheets = {
        "List 3": [REFERRALS, [*CHILD, xl(2024, 10, 1), "a) 1A", "b) No"]],
        "List 6": [
            CIN,
            [*CHILD, xl(2024, 10, 1), "a) N1", xl(2025, 1, 5), "RC1"],
        ],
    }
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    (referral,) = data.referrals
    assert (referral.source, referral.nfa, referral.primary_need, referral.closure_reason) == (
        "1A",
        False,
        "N1",
        "RC1",
    )
    assert referral.closure_date == D(2025, 1, 5)
    assert data.diagnostics == ()


def test_a_cin_episode_without_a_referral_becomes_one(tmp_path: Path) -> None:
    """Before the six months silently (an older episode); inside them, reported."""
    sheets = {
        "List 3": [REFERRALS],
        "List 6": [
            CIN,
            [*CHILD, xl(2023, 1, 1), "N1", None, None],
            [*CHILD, xl(2024, 12, 1), "N2", None, None],
        ],
    }
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    assert [r.referral_date for r in data.referrals] == [D(2023, 1, 1), D(2024, 12, 1)]
    assert [d.where for d in data.diagnostics] == ["List 6 row 3"]


def test_assessments_link_to_the_latest_referral_on_or_before_their_start(
    tmp_path: Path,
) -> None:
    """Annex A names no referral: the child's referral before the start is taken."""
    sheets = {
        "List 3": [
            REFERRALS,
            [*CHILD, xl(2024, 9, 20), "1A", "No"],
            [*CHILD, xl(2024, 11, 4), "1A", "No"],
        ],
        "List 4": [ASSESSMENTS, [*CHILD, xl(2024, 11, 5), xl(2024, 12, 20)]],
    }
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    assert [a.referral_id for a in data.assessments] == ["C1/2024-11-04"]


def test_an_assessment_without_a_start_is_kept_for_the_indicator_to_exclude(
    tmp_path: Path,
) -> None:
    """As the census reader does: kept, reported, then excluded as missing-start."""
    sheets = {"List 4": [ASSESSMENTS, [*CHILD, None, xl(2024, 12, 20)]]}
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    result = INDICATORS["assessment-45wd"].compute(data, period=annex_a_period(INSPECTION))
    assert result.excluded == {"missing-start": 1}
    assert [d.field for d in data.diagnostics] == ["Continuous Assessment Start Date"]


def test_enquiries_read_the_conference_and_the_deemed_unnecessary_flag(tmp_path: Path) -> None:
    """List 5: start, conference date, and 'deemed unnecessary' as icpc_not_required."""
    headings = [
        *COMMON,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    ]
    sheets = {
        "List 5": [
            headings,
            [*CHILD, xl(2024, 10, 1), "b) No", xl(2024, 10, 22), "a) Yes"],
            [*CHILD, xl(2024, 11, 1), "a) Yes", None, None],
        ]
    }
    data = read_annex_a(workbook(tmp_path, sheets), INSPECTION)
    assert [(s.start_date, s.icpc_date, s.icpc_not_required) for s in data.section47s] == [
        (D(2024, 10, 1), D(2024, 10, 22), False),
        (D(2024, 11, 1), None, True),
    ]


def test_plans_hold_their_latest_review_only_and_previous_plans(tmp_path: Path) -> None:
    """List 7: one review date, categories as codes, the number of previous plans."""
    headings = [
        *COMMON,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Number of Previous Child Protection Plans",
    ]
    row = [*CHILD, xl(2024, 6, 1), "a) Neglect", "c) EMO", None,
           xl(2025, 1, 2), None, 1]  # fmt: skip
    data = read_annex_a(workbook(tmp_path, {"List 7": [headings, row]}), INSPECTION)
    (plan,) = data.cp_plans
    assert (
        plan.initial_category,
        plan.latest_category,
        plan.review_dates,
        plan.previous_plans,
    ) == (
        "NEG",
        "EMO",
        (D(2025, 1, 2),),
        1,
    )


LIST_8 = [
    *COMMON,
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
]


def test_children_in_care_give_one_episode_and_their_latest_review(tmp_path: Path) -> None:
    """List 8: the period of care, latest codes; the latest review."""
    row = [*CHILD, xl(2022, 5, 1), "a) N1", xl(2023, 1, 1), "b) C2",
           xl(2025, 2, 1), None, None, xl(2024, 3, 1), "U4", "PR1",
           "AB1 2CD", None]  # fmt: skip
    data = read_annex_a(workbook(tmp_path, {"List 8": [LIST_8, row]}), INSPECTION)
    (episode,) = data.episodes
    assert (episode.start, episode.end, episode.reason_new, episode.legal_status) == (
        D(2022, 5, 1),
        None,
        "S",
        "C2",
    )
    assert (episode.placement, episode.provider, episode.postcode) == ("U4", "PR1", "AB1 2CD")
    assert [r.review_date for r in data.lac_reviews] == [D(2025, 2, 1)]
    count = INDICATORS["cla-at-period-end"].compute(data, period=annex_a_period(INSPECTION))
    assert count.count == 1


def test_review_timeliness_from_latest_reviews_only_is_not_supported(tmp_path: Path) -> None:
    """List 8's reviews cover the inspection day alone: the report refuses the figure."""
    row = [*CHILD, xl(2022, 5, 1), "N1", None, "C2", xl(2025, 2, 1),
           None, None, None, "U4", "PR1", None, None]  # fmt: skip
    data = read_annex_a(workbook(tmp_path, {"List 8": [LIST_8, row]}), INSPECTION)
    period = annex_a_period(INSPECTION)
    assert not availability(INDICATORS["lac-reviews-in-timescale"], data, period).supported
    assert availability(INDICATORS["cla-at-period-end"], data, period).supported


def test_care_leavers_join_accommodation_type_and_suitability(tmp_path: Path) -> None:
    """List 9: type D and suitable make D1."""
    headings = [*COMMON, "LA in Touch", "Type of Accommodation", "Suitability of Accommodation",
                "Activity Status"]  # fmt: skip
    row = ["C9", "b) Female", "a) WBRI", xl(2006, 6, 1), 18, "a) YES", "d) D",
           "a) Suitable", "c) F2"]  # fmt: skip
    data = read_annex_a(workbook(tmp_path, {"List 9": [headings, row]}), INSPECTION)
    (leaver,) = data.care_leavers
    assert (leaver.birth_date, leaver.in_touch, leaver.accommodation, leaver.activity) == (
        D(2006, 6, 1),
        "YES",
        "D1",
        "F2",
    )


def test_each_list_read_covers_the_six_months_to_the_inspection(tmp_path: Path) -> None:
    """One coverage entry per list, kind annex-a, no collection year."""
    path = workbook(tmp_path, contacts_list([*CHILD, xl(2025, 1, 6), "1A"]))
    data = read_annex_a(path, INSPECTION)
    (coverage,) = data.coverage.returns
    assert (coverage.kind, coverage.year, coverage.start, coverage.end) == (
        "annex-a",
        None,
        D(2024, 9, 10),
        D(2025, 3, 10),
    )
    assert coverage.tables == ("children", "contacts")
    assert coverage.path.endswith("[List 1]")


def test_strict_mode_raises_on_any_problem(tmp_path: Path) -> None:
    """Strict mode turns diagnostics into an error."""
    path = workbook(tmp_path, contacts_list([*CHILD, "soon", "1A"]))
    with pytest.raises(StrictReadError):
        read_annex_a(path, INSPECTION, strict=True)


# -- the synthetic council --------------------------------------------------------------------

# What Annex A can give in full over its six months (the others need history it lacks, or
# are partial: see the how-to page); and what differs only because the synthetic council
# knows dates after the inspection.
SUPPORTED = (
    "assessment-45wd",
    "assessment-durations",
    "icpc-15wd",
    "icpc-durations",
    "referrals-nfa",
    "icpc-to-cpp",
    "cpp-second-or-subsequent",
    "cpp-ended-2y-plus",
    "cpp-open-2y-plus",
    "cpp-durations",
    "care-leavers-eet-17-18",
    "care-leavers-eet-19-21",
    "care-leavers-accommodation-17-18",
    "care-leavers-accommodation-19-21",
    "cla-ceased-permanence",
    "cin-at-period-end",
    "cp-at-period-end",
    "cla-at-period-end",
    "contacts-in-period",
    "referrals-in-period",
    "assessments-in-period",
    "s47s-in-period",
    "icpcs-in-period",
    "cin-closure-durations",
)


def figure(result: object) -> tuple[object, ...]:
    """What a report prints of a result: its counts, value, bands and exclusions."""
    names = ("numerator", "denominator", "value", "count", "bands")
    return tuple(getattr(result, name, None) for name in names)


def as_one_system_holds_it(data: Any) -> Any:
    """The synthetic council as its case management system holds it, not as its returns do.

    The cohort's episodes carry the year of the SSDA903 return holding them, so that an
    episode left open by a child missing from a later return is closed (SPEC §4.4); an
    in-year extract is one system's current record, with no returns to be missing from.
    """
    return attrs.evolve(data, episodes=[attrs.evolve(e, year=None) for e in data.episodes])


def test_the_synthetic_council_reads_back_to_the_same_figures(tmp_path: Path) -> None:
    """write_annex_a then read_annex_a: the figures Annex A supports are the same."""
    data = synthetic_dataset(scale=0.15)
    path = tmp_path / "annex.xlsx"
    write_annex_a(data, path, inspection_date=INSPECTION)
    back = read_annex_a(path, INSPECTION)
    period = annex_a_period(INSPECTION)
    for indicator_id in SUPPORTED:
        card = INDICATORS[indicator_id]
        found = card.compute(back, period=period)
        expected = card.compute(as_one_system_holds_it(data), period=period)
        assert figure(found) == figure(expected), indicator_id


# -- properties --------------------------------------------------------------------------------

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-10, 3_000_000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=xl(1900, 1, 1), max_value=xl(2100, 1, 1)),
    st.booleans(),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(row=st.lists(cells, min_size=7, max_size=7))
def test_no_cell_value_crashes_the_reader(row: list[Any]) -> None:
    """Any cell values give a dataset or a ReadError, never another exception."""
    row = [v.replace("\x00", "") if isinstance(v, str) else v for v in row]
    row = [
        v
        if not isinstance(v, str) or not any(ord(c) < 32 and c not in "\t\n\r" for c in v)
        else "x"
        for v in row
    ]
    with tempfile.TemporaryDirectory() as folder:
        extras = {
            "List 1": ["Date of Contact", "Contact Source"],
            "List 9": ["LA in Touch", "Type of Accommodation"],
            "List 8": LIST_8[5:7],
        }
        sheets = {name: [[*COMMON, *extra], row] for name, extra in extras.items()}
        path = workbook(Path(folder), sheets)
        with contextlib.suppress(ReadError):
            read_annex_a(path, INSPECTION)


contact_rows = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2", None]),
        st.sampled_from([xl(2025, 1, 6), 45664, "07/01/2025", "never", None, xl(2024, 12, 1)]),
        st.sampled_from(["a) 1A", "q) 6: Police", "z) ??", None]),
    ),
    max_size=8,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(rows=contact_rows, seed=st.integers(0, 1000))
def test_row_order_never_changes_the_dataset(rows: list[tuple[Any, Any, Any]], seed: int) -> None:
    """Shuffling the rows gives the same records, in the same order."""
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    with tempfile.TemporaryDirectory() as folder:

        def read(items: list[tuple[Any, Any, Any]], name: str) -> Dataset:
            lines = [
                [child, "a) Male", None, None, None, day, source] for child, day, source in items
            ]
            return read_annex_a(workbook(Path(folder), contacts_list(*lines), name), INSPECTION)

        one, two = read(rows, "a.xlsx"), read(shuffled, "b.xlsx")
    assert list(one.contacts) == list(two.contacts)
    assert list(one.children) == list(two.children)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(rows=contact_rows)
def test_every_row_is_a_record_or_in_a_diagnostic(rows: list[tuple[Any, Any, Any]]) -> None:
    """Nothing vanishes: each row is a contact, or a diagnostic names its row."""
    lines = [[child, None, None, None, None, day, source] for child, day, source in rows]
    with tempfile.TemporaryDirectory() as folder:
        data = read_annex_a(workbook(Path(folder), contacts_list(*lines)), INSPECTION)
    read_rows = {int(line) for line in data.origin_of("contacts").line}
    named = {int(d.where.rpartition(" ")[2]) for d in data.diagnostics if " row " in d.where}
    written = {n for n, (child, day, source) in enumerate(rows, start=2) if child or day or source}
    assert written <= read_rows | named


# -- the report command -------------------------------------------------------------------------


def test_the_report_reads_an_annex_a_for_its_six_months(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--annex-a with --inspection-date; review timeliness said to be unsupported."""
    data = synthetic_dataset(scale=0.05)
    path = tmp_path / "annex.xlsx"
    write_annex_a(data, path, inspection_date=INSPECTION)
    code = main(
        [
            "report",
            "--annex-a",
            str(path),
            "--inspection-date",
            "2025-03-10",
            "--between",
            "2024-09-10",
            "2025-03-10",
            "--format",
            "json",
            "--no-compare",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert '"cla-at-period-end"' in captured.out
    assert "Not shown: lac-reviews-in-timescale" in captured.err


def test_the_report_needs_the_inspection_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--annex-a without --inspection-date is a usage error."""
    assert main(["report", "--annex-a", str(tmp_path / "a.xlsx"), "--year-ending", "2025"]) == 2
    assert "--annex-a needs --inspection-date" in capsys.readouterr().err


def test_the_period_is_six_calendar_months_to_the_inspection() -> None:
    """Month ends clip as add_months does: 31 August goes back to 28 or 29 February."""
    assert (annex_a_period(D(2024, 8, 31)).start, annex_a_period(D(2025, 8, 31)).start) == (
        D(2024, 2, 29),
        D(2025, 2, 28),
    )


def test_an_inspection_date_that_is_no_date_is_refused(tmp_path: Path) -> None:
    """The inspection date is checked at the call."""
    path = workbook(tmp_path, contacts_list([*CHILD, xl(2025, 1, 6), "1A"]))
    with pytest.raises(InvalidOptionError, match="inspection_date"):
        read_annex_a(path, "2025-03-10")  # type: ignore[arg-type]


def test_the_report_refuses_what_annex_a_holds_only_in_part(tmp_path: Path) -> None:
    """No figure from Annex A for an indicator it can give only part of; the rest are given.

    Re-referrals need 12 months of earlier referrals (Annex A holds six), CP review
    timeliness every review (List 7 has the latest), placement stability the episodes (List 8
    has one row per child), contact decisions a decision date (List 1 has none).
    """
    from safeguarding_metrics.report import run_report

    path = tmp_path / "annex.xlsx"
    write_annex_a(synthetic_dataset(scale=0.05), path, inspection_date=INSPECTION)
    data = read_annex_a(path, INSPECTION)
    period = annex_a_period(INSPECTION)
    refused = {
        "re-referrals-12m": "looks back over the 12 months",
        "cp-reviews-in-timescale": "each plan's latest review only",
        "cla-3-plus-placements": "one row per child, no placement history",
        "cla-long-term-stability": "looks back over the 30 months",
        "contact-decision-1wd": "no decision date of a contact",
        "lac-reviews-in-timescale": "",
    }
    for indicator_id, reason in refused.items():
        verdict = availability(INDICATORS[indicator_id], data, period)
        assert not verdict.supported, indicator_id
        assert reason in (verdict.reason or ""), (indicator_id, verdict.reason)
    for indicator_id in SUPPORTED:
        assert availability(INDICATORS[indicator_id], data, period).supported, indicator_id
    report = run_report(data, period=period, compare=False)
    assert report.row("cp-reviews-in-timescale").current is None
    assert report.row("cla-at-period-end").current is not None


def test_with_only_annex_a_the_report_covers_the_six_months_to_the_inspection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No period asked for: the six months to the inspection date, said on the first lines."""
    import json

    path = tmp_path / "annex.xlsx"
    write_annex_a(synthetic_dataset(scale=0.03), path, inspection_date=INSPECTION)
    config = tmp_path / "report.toml"
    config.write_text(
        f'[inputs]\nannex_a = "annex.xlsx"\ninspection_date = {INSPECTION.isoformat()}\n',
        encoding="utf-8",
    )
    code = main(["report", "--config", str(config), "--format", "json", "--no-compare"])
    out = capsys.readouterr().out
    assert code == 0
    period = json.loads(out)["period"]
    expected = annex_a_period(INSPECTION)
    assert (period["start"], period["end"]) == (
        expected.start.isoformat(),
        expected.end.isoformat(),
    )
