"""Tests for the CIN census XML reader and writer."""

import datetime as dt
import random
import re
import sys
from pathlib import Path
from types import FrameType
from typing import Any
from xml.sax.saxutils import escape

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidRecordError, ReadError
from safeguarding_metrics.io import StrictReadError, cin_census, read_cin_census, write_cin_census
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.record_table import RecordTable
from safeguarding_metrics.records import (
    Assessment,
    AssessmentKind,
    Child,
    CINPlan,
    CPPlan,
    Episode,
    Referral,
    Section47,
)

D = dt.date

HEADER = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2025</Year>
      <ReferenceDate>{reference}</ReferenceDate>
    </CollectionDetails>
  </Header>
  <Children>
{children}
  </Children>
</Message>
"""


def census(
    tmp_path: Path, children: str, *, name: str = "cin.xml", reference: str = "2025-03-31"
) -> Path:
    """Write a CIN census file holding *children* (XML text) and return its path."""
    path = tmp_path / name
    path.write_text(HEADER.format(reference=reference, children=children), encoding="utf-8")
    return path


def child(child_id: str = "A1", *details: str, extra: str = "") -> str:
    """A Child element with identifiers and the given CINdetails bodies."""
    body = "".join(f"<CINdetails>{d}</CINdetails>" for d in details)
    ident = f"<LAchildID>{child_id}</LAchildID>" if child_id else ""
    return (
        f"<Child><ChildIdentifiers>{ident}<PersonBirthDate>2015-06-01</PersonBirthDate>"
        f"<GenderCurrent>1</GenderCurrent>{extra}</ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>{body}</Child>"
    )


def referral(date: str = "2024-05-01", nfa: str = "false", more: str = "") -> str:
    """A CINdetails body with a referral date and NFA flag."""
    return f"<CINreferralDate>{date}</CINreferralDate><ReferralNFA>{nfa}</ReferralNFA>{more}"


def problems(data: Dataset) -> list[tuple[str, str]]:
    """(field, value) of each diagnostic."""
    return [(d.field, d.value) for d in data.diagnostics]


def origins(data: Dataset) -> dict[str, list[tuple[str, int]]]:
    """Per table, the (file, line) of each record, in record order."""
    return {
        table: [data.origin_of(table).where(row) for row in range(len(data.records(table)))]
        for table in data.TABLES
    }


def line_of(path: Path, text: str, nth: int = 1) -> int:
    """The line number of the *nth* line of *path* holding *text*."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if text in line][nth - 1]


# -- reading: hand-worked files ------------------------------------------------------------------

FULL_CHILD = """
<Child>
  <ChildIdentifiers>
    <LAchildID>DfEX0000001</LAchildID>
    <UPN>A123456789123</UPN>
    <PersonBirthDate>2015-03-24</PersonBirthDate>
    <GenderCurrent>2</GenderCurrent>
  </ChildIdentifiers>
  <ChildCharacteristics>
    <Ethnicity>WBRI</Ethnicity>
    <Disabilities><Disability>HAND</Disability></Disabilities>
  </ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2024-10-06</CINreferralDate>
    <ReferralSource>1A</ReferralSource>
    <PrimaryNeedCode>N4</PrimaryNeedCode>
    <CINclosureDate>2025-02-27</CINclosureDate>
    <ReasonForClosure>RC1</ReasonForClosure>
    <Assessments>
      <AssessmentActualStartDate>2024-10-07</AssessmentActualStartDate>
      <AssessmentAuthorisationDate>2024-11-18</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment>
        <AssessmentFactors>2A</AssessmentFactors>
        <AssessmentFactors>2B</AssessmentFactors>
      </FactorsIdentifiedAtAssessment>
    </Assessments>
    <CINPlanDates>
      <CINPlanStartDate>2025-01-24</CINPlanStartDate>
      <CINPlanEndDate>2025-01-26</CINPlanEndDate>
    </CINPlanDates>
    <Section47>
      <S47ActualStartDate>2024-10-08</S47ActualStartDate>
      <InitialCPCtarget>2024-10-29</InitialCPCtarget>
      <DateOfInitialCPC>2024-10-25</DateOfInitialCPC>
      <ICPCnotRequired>false</ICPCnotRequired>
    </Section47>
    <ReferralNFA>false</ReferralNFA>
    <ChildProtectionPlans>
      <CPPstartDate>2024-10-25</CPPstartDate>
      <CPPendDate>2025-03-14</CPPendDate>
      <InitialCategoryOfAbuse>PHY</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
      <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
      <Reviews>
        <CPPreviewDate>2025-01-15</CPPreviewDate>
        <CPPreviewDate>2024-12-01</CPPreviewDate>
      </Reviews>
    </ChildProtectionPlans>
  </CINdetails>
</Child>
"""


def test_every_field_is_read(tmp_path: Path) -> None:
    """Each element of SPEC §5 lands in its record field, nested records linked to the referral."""
    data = read_cin_census(census(tmp_path, FULL_CHILD))
    rid = "DfEX0000001/2024-10-06"
    assert data.diagnostics == ()
    assert data.children == (
        Child(child_id="DfEX0000001", birth_date=D(2015, 3, 24), sex="2", ethnicity="WBRI"),
    )
    assert data.referrals == (
        Referral(
            referral_id=rid,
            child_id="DfEX0000001",
            referral_date=D(2024, 10, 6),
            source="1A",
            nfa=False,
            closure_date=D(2025, 2, 27),
            closure_reason="RC1",
            primary_need="N4",
        ),
    )
    assert data.assessments == (
        Assessment(
            child_id="DfEX0000001",
            referral_id=rid,
            start_date=D(2024, 10, 7),
            authorisation_date=D(2024, 11, 18),
            factors=("2A", "2B"),
        ),
    )
    assert data.cin_plans == (
        CINPlan(
            child_id="DfEX0000001",
            referral_id=rid,
            start_date=D(2025, 1, 24),
            end_date=D(2025, 1, 26),
        ),
    )
    assert data.section47s == (
        Section47(
            child_id="DfEX0000001",
            referral_id=rid,
            start_date=D(2024, 10, 8),
            icpc_target=D(2024, 10, 29),
            icpc_date=D(2024, 10, 25),
            icpc_not_required=False,
        ),
    )
    assert data.cp_plans == (
        CPPlan(
            child_id="DfEX0000001",
            referral_id=rid,
            start_date=D(2024, 10, 25),
            end_date=D(2025, 3, 14),
            previous_plans=1,
            initial_category="PHY",
            latest_category="NEG",
            review_dates=(D(2024, 12, 1), D(2025, 1, 15)),
        ),
    )


def test_sex_is_read_from_the_2024_sex_element(tmp_path: Path) -> None:
    """From 2023-24 the census says `Sex`, before `GenderCurrent`; both are read."""
    xml = child("A1").replace("<GenderCurrent>1</GenderCurrent>", "<Sex>2</Sex>")
    data = read_cin_census(census(tmp_path, xml))
    assert data.children[0].sex == "2"


def test_same_day_referrals_both_survive_with_a_suffix(tmp_path: Path) -> None:
    """A second referral of a child on one date gets referral_id suffix /2, and is reported."""
    xml = child(
        "A1", referral("2024-05-01"), referral("2024-05-01", "true"), referral("2024-06-01")
    )
    data = read_cin_census(census(tmp_path, xml))
    ids = [r.referral_id for r in data.referrals]
    assert ids == ["A1/2024-05-01", "A1/2024-05-01/2", "A1/2024-06-01"]
    assert [r.nfa for r in data.referrals] == [False, True, False]
    assert problems(data) == [("CINreferralDate", "2024-05-01")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("true", True, id="true"),
        pytest.param("false", False, id="false"),
        pytest.param("1", True, id="one"),
        pytest.param("0", False, id="zero"),
        pytest.param(" true ", True, id="padded"),
    ],
)
def test_referral_nfa_accepts_true_false_1_0(tmp_path: Path, text: str, expected: bool) -> None:
    """ReferralNFA is an XML boolean: true/false/1/0."""
    data = read_cin_census(census(tmp_path, child("A1", referral(nfa=text))))
    assert data.referrals[0].nfa is expected
    assert data.diagnostics == ()


def test_unknown_referral_nfa_is_reported_and_read_as_false(tmp_path: Path) -> None:
    """ReferralNFA "yes" is reported; the referral is kept as not NFA."""
    data = read_cin_census(census(tmp_path, child("A1", referral(nfa="yes"))))
    assert [r.nfa for r in data.referrals] == [False]
    assert problems(data) == [("ReferralNFA", "yes")]


def test_missing_referral_nfa_is_reported(tmp_path: Path) -> None:
    """A CINdetails without ReferralNFA is kept (not NFA) and reported."""
    xml = child("A1", "<CINreferralDate>2024-05-01</CINreferralDate>")
    data = read_cin_census(census(tmp_path, xml))
    assert [r.nfa for r in data.referrals] == [False]
    assert problems(data) == [("ReferralNFA", "")]


def test_unparseable_optional_date_becomes_missing_and_record_kept(tmp_path: Path) -> None:
    """A closure date of 31/02/2025 is no day: read as missing, reported, referral kept."""
    xml = child("A1", referral(more="<CINclosureDate>2025-02-31</CINclosureDate>"))
    data = read_cin_census(census(tmp_path, xml))
    assert len(data.referrals) == 1
    assert data.referrals[0].closure_date is None
    assert problems(data) == [("CINclosureDate", "2025-02-31")]
    assert data.diagnostics[0].where == "line 11: Child 1 (A1)/CINdetails 1"


def test_dd_mm_yyyy_dates_are_accepted(tmp_path: Path) -> None:
    """Dates written the SSDA903 way are read too."""
    data = read_cin_census(census(tmp_path, child("A1", referral("01/05/2024"))))
    assert data.referrals[0].referral_date == D(2024, 5, 1)
    assert data.diagnostics == ()


def test_cindetails_without_referral_date_is_dropped_and_reported(tmp_path: Path) -> None:
    """No CINreferralDate: the episode and its nested assessment are dropped, and reported."""
    body = (
        "<CINreferralDate>not a date</CINreferralDate><ReferralNFA>false</ReferralNFA>"
        "<Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>"
        "</Assessments>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body, referral("2024-06-01"))))
    assert [r.referral_date for r in data.referrals] == [D(2024, 6, 1)]
    assert data.assessments == ()
    assert problems(data) == [("CINreferralDate", "not a date")]
    assert data.diagnostics[0].problem == (
        "not a date (expected YYYY-MM-DD or DD/MM/YYYY); the CINdetails was dropped, with "
        "everything nested in it"
    )


def test_a_dropped_cindetails_is_reported_in_the_same_words_whatever_it_holds(
    tmp_path: Path,
) -> None:
    """The problem text names no count: an empty episode and a full one read alike."""
    nested = (
        "<Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>"
        "</Assessments><Section47><S47ActualStartDate>2024-05-03</S47ActualStartDate>"
        "</Section47>"
    )
    data = read_cin_census(census(tmp_path, child("A1", "", nested)))
    assert data.referrals == ()
    assert [d.problem for d in data.diagnostics] == [
        "missing; the CINdetails was dropped, with everything nested in it"
    ] * 2


def test_child_without_id_is_dropped_and_reported(tmp_path: Path) -> None:
    """A Child with no LAchildID is dropped with its episodes, and reported by position."""
    data = read_cin_census(census(tmp_path, child("", referral()) + child("B2", referral())))
    assert [c.child_id for c in data.children] == ["B2"]
    assert [r.child_id for r in data.referrals] == ["B2"]
    assert [(d.where, d.field) for d in data.diagnostics] == [("line 11: Child 1", "LAchildID")]
    assert data.diagnostics[0].problem == "missing; the Child was dropped, with everything in it"


def test_assessment_without_start_is_kept_and_reported(tmp_path: Path) -> None:
    """An assessment with no start date stays, for the indicators to exclude (missing-start)."""
    body = referral(
        more="<Assessments><AssessmentAuthorisationDate>2024-06-01"
        "</AssessmentAuthorisationDate></Assessments>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [a.start_date for a in data.assessments] == [None]
    assert problems(data) == [("AssessmentActualStartDate", "")]


def test_plan_without_start_is_dropped_and_reported(tmp_path: Path) -> None:
    """A CP plan with no CPPstartDate cannot be placed in time: dropped, reported."""
    body = referral(
        more="<ChildProtectionPlans><CPPendDate>2024-06-01</CPPendDate></ChildProtectionPlans>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert data.cp_plans == ()
    assert problems(data) == [("CPPstartDate", "")]


def test_unknown_codes_are_reported_and_kept(tmp_path: Path) -> None:
    """PrimaryNeedCode N12 and ReasonForClosure RC0 are kept as given and reported."""
    body = referral(
        more="<PrimaryNeedCode>N12</PrimaryNeedCode><ReasonForClosure>RC0</ReasonForClosure>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert (data.referrals[0].primary_need, data.referrals[0].closure_reason) == ("N12", "RC0")
    assert sorted(problems(data)) == [("PrimaryNeedCode", "N12"), ("ReasonForClosure", "RC0")]


def test_bad_previous_plan_count_becomes_missing(tmp_path: Path) -> None:
    """NumberOfPreviousCPP "two" is reported and read as missing; the plan stays."""
    body = referral(
        more="<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>"
        "<NumberOfPreviousCPP>two</NumberOfPreviousCPP></ChildProtectionPlans>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [p.previous_plans for p in data.cp_plans] == [None]
    assert problems(data) == [("NumberOfPreviousCPP", "two")]


def test_previous_plan_count_too_large_for_a_column_becomes_missing(tmp_path: Path) -> None:
    """A count above 2**53 cannot be held exactly as a number: reported and read as missing."""
    body = referral(
        more="<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>"
        "<NumberOfPreviousCPP>99999999999999999999</NumberOfPreviousCPP>"
        "</ChildProtectionPlans>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [p.previous_plans for p in data.cp_plans] == [None]
    assert problems(data) == [("NumberOfPreviousCPP", "99999999999999999999")]


def test_collections_are_column_backed(tmp_path: Path) -> None:
    """The reader hands indicators columns: missing dates are NaT, missing counts nan."""
    xml = FULL_CHILD + child(
        "B2",
        referral(
            "2024-07-01",
            more="<Assessments><AssessmentActualStartDate>x</AssessmentActualStartDate>"
            "</Assessments><ChildProtectionPlans><CPPstartDate>2024-07-02</CPPstartDate>"
            "</ChildProtectionPlans>",
        ),
    )
    data = read_cin_census(census(tmp_path, xml))
    for table in ("children", "referrals", "assessments", "cp_plans"):
        assert isinstance(data.records(table), RecordTable)
    assert data.column("referrals", "closure_date").tolist() == [D(2025, 2, 27), None]
    assert data.column("assessments", "start_date").tolist() == [D(2024, 10, 7), None]
    previous = data.column("cp_plans", "previous_plans")
    assert previous[0] == 1
    assert np.isnan(previous[1])
    assert data.column("cp_plans", "referral_id").tolist() == [
        "DfEX0000001/2024-10-06",
        "B2/2024-07-01",
    ]
    assert data.column("referrals", "closure_reason").tolist() == ["RC1", ""]


def test_namespaced_file_is_read(tmp_path: Path) -> None:
    """A default namespace or a prefix on every element does not hide the data."""
    xml = HEADER.format(reference="2025-03-31", children=child("A1", referral()))
    default = xml.replace("<Message>", '<Message xmlns="http://www.example.org/cin">')
    prefixed = xml.replace("<", "<c:").replace("<c:/", "</c:").replace("<c:?xml", "<?xml")
    prefixed = prefixed.replace("<c:Message>", '<c:Message xmlns:c="http://www.example.org/cin">')
    for number, text in enumerate((default, prefixed)):
        path = tmp_path / f"ns{number}.xml"
        path.write_text(text, encoding="utf-8")
        data = read_cin_census(path)
        assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"]


def test_reads_in_chunks_across_element_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fed 7 bytes at a time (values split between chunks), the file reads the same."""
    path = census(tmp_path, FULL_CHILD + child("B2", referral()))
    whole = read_cin_census(path)
    monkeypatch.setattr(cin_census, "CHUNK_SIZE", 7)
    assert read_cin_census(path) == whole


def test_progress_counts_bytes_over_all_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """progress(bytes_read, total) rises to the total size of all files."""
    first = census(tmp_path, child("A1", referral()), name="a.xml", reference="2024-03-31")
    second = census(tmp_path, child("B2", referral()), name="b.xml")
    total = first.stat().st_size + second.stat().st_size
    monkeypatch.setattr(cin_census, "CHUNK_SIZE", 100)
    calls: list[tuple[int, int]] = []
    read_cin_census([first, second], progress=lambda done, of: calls.append((done, of)))
    assert len(calls) > 2
    assert all(of == total for _, of in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert done[-1] == total


# -- multi-year merging --------------------------------------------------------------------------


def test_later_file_wins_for_a_child(tmp_path: Path) -> None:
    """The same LAchildID in two years: the later file's identifiers are kept."""
    old = census(tmp_path, child("A1"), name="2024.xml", reference="2024-03-31")
    new = census(tmp_path, child("A1").replace("2015-06-01", "2015-07-01"), name="2025.xml")
    data = read_cin_census([old, new])
    assert [c.birth_date for c in data.children] == [D(2015, 7, 1)]


def test_later_cindetails_replaces_the_whole_episode(tmp_path: Path) -> None:
    """An assessment the later year's CINdetails no longer holds is gone after merging."""
    assessment = (
        "<Assessments><AssessmentActualStartDate>2024-05-02</AssessmentActualStartDate>"
        "</Assessments>"
    )
    closing = "<CINclosureDate>2025-01-10</CINclosureDate>"
    old = census(
        tmp_path, child("A1", referral(more=assessment)), name="2024.xml", reference="2024-03-31"
    )
    new = census(tmp_path, child("A1", referral(more=closing)), name="2025.xml")
    data = read_cin_census([old, new])
    assert [(r.referral_id, r.closure_date) for r in data.referrals] == [
        ("A1/2024-05-01", D(2025, 1, 10))
    ]
    assert data.assessments == ()


def test_episode_missing_from_the_later_file_is_kept(tmp_path: Path) -> None:
    """An episode closed before the later year (absent from its file) stays."""
    old = census(
        tmp_path,
        child("A1", referral("2022-01-01"), referral("2024-05-01")),
        name="a.xml",
        reference="2024-03-31",
    )
    new = census(tmp_path, child("A1", referral("2024-05-01", "true")), name="b.xml")
    data = read_cin_census([old, new])
    assert sorted((r.referral_id, r.nfa) for r in data.referrals) == [
        ("A1/2022-01-01", False),
        ("A1/2024-05-01", True),
    ]


def test_later_file_replaces_every_episode_of_that_child_and_day(tmp_path: Path) -> None:
    """Two same-day CINdetails, then one in the later year: one episode is left, in place."""
    assessment = (
        "<Assessments><AssessmentActualStartDate>{}</AssessmentActualStartDate></Assessments>"
    )
    old = census(
        tmp_path,
        child(
            "A1",
            referral("2024-05-01", more=assessment.format("2024-05-02")),
            referral("2024-05-01", more=assessment.format("2024-05-03")),
            referral("2022-01-01", more=assessment.format("2022-01-02")),
        ),
        name="a.xml",
        reference="2024-03-31",
    )
    new = census(
        tmp_path,
        child("A1", referral("2024-05-01", "true", more=assessment.format("2024-05-04"))),
        name="b.xml",
    )
    data = read_cin_census([old, new])
    # The (A1, 2024-05-01) episodes came first in a.xml, so b.xml's one takes their place.
    assert [(r.referral_id, r.nfa) for r in data.referrals] == [
        ("A1/2024-05-01", True),
        ("A1/2022-01-01", False),
    ]
    assert [(a.referral_id, a.start_date) for a in data.assessments] == [
        ("A1/2024-05-01", D(2024, 5, 4)),
        ("A1/2022-01-01", D(2022, 1, 2)),
    ]


def test_files_merge_in_order_of_their_reference_date_not_the_order_given(
    tmp_path: Path,
) -> None:
    """Given newest first, the later ReferenceDate still wins: the same Dataset either way."""
    old = census(tmp_path, child("A1", referral()), name="a.xml", reference="2024-03-31")
    new = census(
        tmp_path,
        child("A1", referral(nfa="true")).replace("2015-06-01", "2015-07-01"),
        name="b.xml",
        reference="2025-03-31",
    )
    newest_first = read_cin_census([new, old])
    assert [c.birth_date for c in newest_first.children] == [D(2015, 7, 1)]
    assert [r.nfa for r in newest_first.referrals] == [True]
    oldest_first = read_cin_census([old, new])
    assert newest_first == oldest_first
    assert origins(newest_first) == origins(oldest_first)


def test_diagnostics_come_file_by_file_earliest_year_first(tmp_path: Path) -> None:
    """Whatever the order given, the earlier year's diagnostics come first, in file order."""
    old = census(
        tmp_path,
        child("A1", referral(nfa="maybe"), referral("2024-06-01", nfa="perhaps")),
        name="z-old.xml",
        reference="2024-03-31",
    )
    new = census(tmp_path, child("B2", referral(nfa="never")), name="a-new.xml")
    for order in ([old, new], [new, old]):
        found = [p for p in problems(read_cin_census(order)) if p[0] == "ReferralNFA"]
        assert found == [
            ("ReferralNFA", "maybe"),
            ("ReferralNFA", "perhaps"),
            ("ReferralNFA", "never"),
        ]


def test_two_files_for_one_collection_year_are_an_error_naming_both(tmp_path: Path) -> None:
    """ReferenceDates 2024-03-31 and 2023-07-21 are both collection year 2024: ReadError."""
    first = census(tmp_path, child("A1"), name="first.xml", reference="2024-03-31")
    second = census(tmp_path, child("B2"), name="second.xml", reference="2023-07-21")
    with pytest.raises(ReadError, match=r"first\.xml and .*second\.xml: both .* 2024"):
        read_cin_census([second, first])


def with_authority(path: Path, *codes: str) -> Path:
    """*path* rewritten with a Header/Source holding an LEA element per code."""
    source = "".join(f"<LEA>{code}</LEA>" for code in codes)
    text = path.read_text(encoding="utf-8").replace(
        "</CollectionDetails>", f"</CollectionDetails>\n    <Source>{source}</Source>"
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("order", [1, -1])
def test_files_of_two_local_authorities_are_refused_in_either_order(
    tmp_path: Path, order: int
) -> None:
    """LEA 201 and LEA 975 are two councils: their child ids cannot be merged, a ReadError."""
    first = with_authority(
        census(tmp_path, child("A1"), name="a.xml", reference="2024-03-31"), "201"
    )
    second = with_authority(
        census(tmp_path, child("A1"), name="b.xml", reference="2025-03-31"), " 975 "
    )
    with pytest.raises(ReadError) as caught:
        read_cin_census([first, second][::order])
    message = str(caught.value)
    assert "different local authorities" in message
    assert f"LEA 201: {first}; LEA 975: {second}" in message


def test_files_of_one_local_authority_and_a_file_naming_none_are_merged(tmp_path: Path) -> None:
    """The same LEA in both files, or none in one: one council's returns, read as usual."""
    first = with_authority(
        census(tmp_path, child("A1"), name="a.xml", reference="2024-03-31"), "201"
    )
    second = with_authority(
        census(tmp_path, child("B2"), name="b.xml", reference="2025-03-31"), "201"
    )
    third = census(tmp_path, child("C3"), name="c.xml", reference="2026-03-31")
    data = read_cin_census([first, second, third])
    assert sorted(c.child_id for c in data.children) == ["A1", "B2", "C3"]


def test_two_local_authority_codes_in_one_file_are_reported_and_the_first_used(
    tmp_path: Path,
) -> None:
    """A second, different LEA in one header is reported; the first decides the merge."""
    first = with_authority(
        census(tmp_path, child("A1"), name="a.xml", reference="2024-03-31"), "201", "975"
    )
    second = with_authority(
        census(tmp_path, child("B2"), name="b.xml", reference="2025-03-31"), "201"
    )
    data = read_cin_census([first, second])
    assert [(d.field, d.value) for d in data.diagnostics] == [("LEA", "975")]
    assert "more than one local authority code" in data.diagnostics[0].problem


@pytest.mark.parametrize(
    "reference",
    [pytest.param("", id="missing"), pytest.param("31 March 2025", id="not-a-date")],
)
def test_a_file_without_a_valid_reference_date_among_several_is_an_error(
    tmp_path: Path, reference: str
) -> None:
    """With several files, one whose ReferenceDate cannot be read cannot be placed: ReadError."""
    dated = census(tmp_path, child("A1"), name="dated.xml", reference="2024-03-31")
    undated = census(tmp_path, child("B2"), name="undated.xml", reference=reference)
    with pytest.raises(ReadError, match=r"undated\.xml: has no valid ReferenceDate"):
        read_cin_census([dated, undated])


def test_a_single_file_without_a_reference_date_is_read_and_reported(tmp_path: Path) -> None:
    """One file without a ReferenceDate is read; it is reported and has no coverage."""
    path = tmp_path / "undated.xml"
    path.write_text(
        f"<Message><Children>{child('A1', referral())}</Children></Message>", encoding="utf-8"
    )
    data = read_cin_census(path)
    assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"]
    assert problems(data) == [("ReferenceDate", "")]
    assert data.diagnostics[0].problem == "missing; the return's collection year is unknown"
    assert data.coverage == Coverage()


def test_a_single_file_with_an_unreadable_reference_date_is_read_and_reported(
    tmp_path: Path,
) -> None:
    """A ReferenceDate that is not a date is reported with its line; the file is still read."""
    data = read_cin_census(census(tmp_path, child("A1"), reference="2025-02-30"))
    assert [c.child_id for c in data.children] == ["A1"]
    assert [(d.where, d.field, d.value) for d in data.diagnostics] == [
        ("line 7: Message/Header/CollectionDetails", "ReferenceDate", "2025-02-30")
    ]
    assert data.coverage == Coverage()


def test_a_second_reference_date_is_reported_and_the_first_used(tmp_path: Path) -> None:
    """Two ReferenceDate elements: the first decides the year, the second is reported."""
    path = census(tmp_path, child("A1"), reference="2025-03-31")
    text = path.read_text(encoding="utf-8").replace(
        "</CollectionDetails>", "<ReferenceDate>2020-03-31</ReferenceDate></CollectionDetails>"
    )
    path.write_text(text, encoding="utf-8")
    data = read_cin_census(path)
    assert [r.year for r in data.coverage.returns] == [2025]
    assert problems(data) == [("ReferenceDate", "2020-03-31")]


def test_coverage_records_each_file_year_dates_and_collections(tmp_path: Path) -> None:
    """Each file covers 1 April of its collection year to its ReferenceDate, naming its tables."""
    assessment = (
        "<Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>"
        "</Assessments>"
    )
    first = census(
        tmp_path,
        child("A1", referral("2023-05-01", more=assessment)),
        name="a.xml",
        reference="2024-03-31",
    )
    second = census(tmp_path, child("B2"), name="b.xml", reference="2024-07-21")
    data = read_cin_census([second, first])
    assert data.coverage.returns == (
        ReturnCoverage(
            kind="cin-census",
            path=str(first),
            year=2024,
            start=D(2023, 4, 1),
            end=D(2024, 3, 31),
            tables=("children", "referrals", "assessments"),
        ),
        ReturnCoverage(
            kind="cin-census",
            path=str(second),
            year=2025,
            start=D(2024, 4, 1),
            end=D(2024, 7, 21),
            tables=("children",),
        ),
    )


def test_origins_give_the_file_and_line_of_each_record(tmp_path: Path) -> None:
    """A child's line is its Child's, a referral's its CINdetails', a nested record its own."""
    path = census(tmp_path, FULL_CHILD)
    data = read_cin_census(path)
    expected = {
        "children": "<Child>",
        "referrals": "<CINdetails>",
        "assessments": "<Assessments>",
        "cin_plans": "<CINPlanDates>",
        "section47s": "<Section47>",
        "cp_plans": "<ChildProtectionPlans>",
    }
    for table, tag in expected.items():
        assert origins(data)[table] == [(str(path), line_of(path, tag))], table


def test_origins_of_merged_files_point_at_the_file_each_record_was_kept_from(
    tmp_path: Path,
) -> None:
    """After a merge, each record's origin is the file whose version of it was kept."""
    old = census(
        tmp_path,
        child("A1", referral("2022-01-01"), referral("2024-05-01")),
        name="a.xml",
        reference="2024-03-31",
    )
    new = census(tmp_path, "\n" + child("A1", referral("2024-05-01", "true")), name="b.xml")
    data = read_cin_census([new, old])
    by_id = dict(
        zip(
            [r.referral_id for r in data.referrals],
            origins(data)["referrals"],
            strict=True,
        )
    )
    assert by_id == {"A1/2022-01-01": (str(old), 11), "A1/2024-05-01": (str(new), 12)}
    assert origins(data)["children"] == [(str(new), 12)]


# -- the layout: prefixes, unknown and misplaced elements ----------------------------------------


def message(body: str, *, root: str = "<Message>", end: str = "</Message>") -> str:
    """A census file's text: *body* inside the root, after a header dated 2025-03-31."""
    header = (
        "<Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate>"
        "</CollectionDetails></Header>"
    )
    return f'<?xml version="1.0" encoding="utf-8"?>\n{root}{header}\n{body}\n{end}\n'


def read_text(tmp_path: Path, text: str, name: str = "cin.xml") -> Dataset:
    """Read *text* written to a file named *name*."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_cin_census(path)


def test_prefixed_elements_under_an_unprefixed_root_are_read(tmp_path: Path) -> None:
    """`<Message xmlns:cin="u"><cin:Children><cin:Child>...` is read like unprefixed XML."""
    body = child("A1", referral()).replace("<", "<cin:").replace("<cin:/", "</cin:")
    data = read_text(
        tmp_path,
        message(f"<cin:Children>{body}</cin:Children>", root='<Message xmlns:cin="u">'),
    )
    assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"]
    assert data.diagnostics == ()


def test_mixed_prefixes_are_read(tmp_path: Path) -> None:
    """Different prefixes on parent and child elements, and none on some, do not matter."""
    body = (
        "<a:Children><b:Child><ChildIdentifiers><c:LAchildID>A1</c:LAchildID>"
        "</ChildIdentifiers><b:CINdetails><a:CINreferralDate>2024-05-01</a:CINreferralDate>"
        "<ReferralNFA>false</ReferralNFA></b:CINdetails></b:Child></a:Children>"
    )
    data = read_text(
        tmp_path,
        message(
            body,
            root='<x:Message xmlns:x="u" xmlns:a="u" xmlns:b="u" xmlns:c="v">',
            end="</x:Message>",
        ),
    )
    assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"]
    assert data.diagnostics == ()


def test_an_empty_child_is_reported(tmp_path: Path) -> None:
    """`<Child/>` holds nothing to read; it is named in a diagnostic with its line."""
    data = read_text(tmp_path, message("<Children>\n<Child/>\n</Children>"))
    assert data.children == ()
    assert [(d.where, d.field) for d in data.diagnostics] == [("line 4: Child 1", "Child")]


def test_a_section47_directly_under_child_is_reported_and_ignored(tmp_path: Path) -> None:
    """A record outside its parent is not read as if it were in its place: reported, ignored."""
    body = (
        "<Children><Child><ChildIdentifiers><LAchildID>6</LAchildID></ChildIdentifiers>\n"
        "<Section47><S47ActualStartDate>2024-05-01</S47ActualStartDate></Section47>"
        "</Child></Children>"
    )
    data = read_text(tmp_path, message(body))
    assert [c.child_id for c in data.children] == ["6"]
    assert data.section47s == ()
    assert [(d.where, d.field, d.problem) for d in data.diagnostics] == [
        (
            "line 4: Message/Children/Child/Section47",
            "Section47",
            "a record element outside its parent element; ignored, with everything in it",
        )
    ]


def test_a_cindetails_inside_a_cindetails_is_reported_and_ignored(tmp_path: Path) -> None:
    """`<CINdetails><CINdetails/></CINdetails>`: the inner one is misplaced, the outer undated."""
    body = (
        "<Children><Child><ChildIdentifiers><LAchildID>6</LAchildID></ChildIdentifiers>\n"
        "<CINdetails>\n<CINdetails/></CINdetails></Child></Children>"
    )
    data = read_text(tmp_path, message(body))
    assert data.referrals == ()
    assert [(d.where, d.field) for d in data.diagnostics] == [
        ("line 5: Message/Children/Child/CINdetails/CINdetails", "CINdetails"),
        ("line 4: Child 1 (6)/CINdetails 1", "CINreferralDate"),
    ]


def test_records_inside_a_misspelt_container_are_reported(tmp_path: Path) -> None:
    """Everything inside `<Childs>` is ignored, and the diagnostic on `<Childs>` says so."""
    body = f"<Childs>\n{child('A1', referral())}</Childs>"
    data = read_text(tmp_path, message(body))
    assert data.children == ()
    assert [(d.where, d.field, d.problem) for d in data.diagnostics] == [
        (
            "line 3: Message/Childs",
            "Childs",
            "not an element of the CIN census; ignored, with everything in it",
        )
    ]


def test_a_census_element_out_of_its_place_is_reported(tmp_path: Path) -> None:
    """A known element where the layout has no room for it (LAchildID in CINdetails)."""
    body = child("A1", referral(more="<LAchildID>B2</LAchildID>"))
    data = read_text(tmp_path, message(f"<Children>{body}</Children>"))
    assert [c.child_id for c in data.children] == ["A1"]
    assert [(d.field, d.problem) for d in data.diagnostics] == [
        (
            "LAchildID",
            "an element of the CIN census out of its place; ignored, with everything in it",
        )
    ]


def test_an_element_inside_a_value_is_reported_and_the_value_read_after_it(
    tmp_path: Path,
) -> None:
    """`<LAchildID>x<b>y</b>A1</LAchildID>`: `b` is reported; the id is the text after it."""
    body = child("A1").replace("<LAchildID>A1", "<LAchildID>x<b>y</b>A1")
    data = read_text(tmp_path, message(f"<Children>{body}</Children>"))
    assert [c.child_id for c in data.children] == ["A1"]
    assert [(d.where, d.field) for d in data.diagnostics] == [
        ("line 3: Message/Children/Child/ChildIdentifiers/LAchildID/b", "b")
    ]


def test_census_elements_the_reader_does_not_use_are_not_reported(tmp_path: Path) -> None:
    """UPN, disabilities, pre-proceedings and the header's Source are census elements."""
    extra = (
        "<UPN>A123456789123</UPN><UPNunknown>UN3</UPNunknown>"
        "<PersonDeathDate>2030-01-01</PersonDeathDate>"
    )
    body = child(
        "A1",
        referral(
            more="<DateOfInitialCPC>2024-06-01</DateOfInitialCPC><PreProceedingsandFGDM>"
            "<PPStartDate>2024-07-01</PPStartDate><PPOutcome>A</PPOutcome>"
            "</PreProceedingsandFGDM>"
        ),
        extra=extra,
    ).replace(
        "</Ethnicity>", "</Ethnicity><Disabilities><Disability>HAND</Disability></Disabilities>"
    )
    source = "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>"
    data = read_text(tmp_path, message(f"<Children>{body}</Children>").replace("</Header>", source))
    assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"]
    assert data.diagnostics == ()


def test_unknown_element_is_reported_and_ignored_with_its_contents(tmp_path: Path) -> None:
    """An element the census does not define is named with its line and path, and skipped."""
    body = child("A1", referral(more="<Comment><ReferralNFA>true</ReferralNFA></Comment>"))
    data = read_text(tmp_path, message(f"<Children>{body}</Children>"))
    assert [r.nfa for r in data.referrals] == [False]
    assert [(d.where, d.field) for d in data.diagnostics] == [
        ("line 3: Message/Children/Child/CINdetails/Comment", "Comment")
    ]


# -- encodings, numbers, long values -------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["klingon", "utf-32", "shift_jis", "utf-7", "rot13", "idna", "hex"]
)
def test_an_encoding_that_cannot_be_decoded_is_a_read_error_naming_it(
    tmp_path: Path, encoding: str
) -> None:
    """An XML declaration naming an encoding expat cannot use: ReadError, file and encoding."""
    path = tmp_path / "odd.xml"
    path.write_bytes(f'<?xml version="1.0" encoding="{encoding}"?><Message/>'.encode("ascii"))
    with pytest.raises(ReadError, match=rf"odd\.xml: cannot be read: the encoding '{encoding}'"):
        read_cin_census(path)


def test_an_encoding_declared_in_utf16_after_a_byte_order_mark_is_checked_too(
    tmp_path: Path,
) -> None:
    """A UTF-16 file whose declaration names an encoding expat cannot use: ReadError naming it."""
    path = tmp_path / "wide.xml"
    path.write_bytes('<?xml version="1.0" encoding="utf-32"?><Message/>'.encode("utf-16"))
    with pytest.raises(ReadError, match=r"wide\.xml: cannot be read: the encoding 'utf-32'"):
        read_cin_census(path)


def test_a_utf16_file_is_read(tmp_path: Path) -> None:
    """A file in UTF-16, with its byte order mark, reads like its UTF-8 twin."""
    text = message(f"<Children>{child('Zoë', referral())}</Children>").replace("utf-8", "utf-16")
    path = tmp_path / "wide.xml"
    path.write_bytes(text.encode("utf-16"))
    data = read_cin_census(path)
    assert [r.referral_id for r in data.referrals] == ["Zoë/2024-05-01"]
    assert data.diagnostics == ()


def test_a_one_byte_code_page_is_read(tmp_path: Path) -> None:
    """A file in windows-1252, as declared, reads its accented letters."""
    text = message(f"<Children>{child('Zoë')}</Children>").replace("utf-8", "windows-1252")
    path = tmp_path / "cp1252.xml"
    path.write_bytes(text.encode("cp1252"))
    assert [c.child_id for c in read_cin_census(path).children] == ["Zoë"]


def test_previous_plan_count_of_thousands_of_digits_is_reported(tmp_path: Path) -> None:
    """4,301 nines (beyond Python's int() digit limit) is a diagnostic, not a crash."""
    nines = "9" * 4301
    body = referral(
        more="<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>"
        f"<NumberOfPreviousCPP>{nines}</NumberOfPreviousCPP></ChildProtectionPlans>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [p.previous_plans for p in data.cp_plans] == [None]
    assert [(d.field, d.problem) for d in data.diagnostics] == [
        ("NumberOfPreviousCPP", "larger than 9007199254740992; read as missing, record kept")
    ]


def test_previous_plan_count_with_leading_zeros_is_read(tmp_path: Path) -> None:
    """Twenty leading zeros do not make 1 a large number."""
    body = referral(
        more="<ChildProtectionPlans><CPPstartDate>2024-06-01</CPPstartDate>"
        f"<NumberOfPreviousCPP>{'0' * 20}1</NumberOfPreviousCPP></ChildProtectionPlans>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [p.previous_plans for p in data.cp_plans] == [1]
    assert data.diagnostics == ()


def test_an_identifier_too_long_to_keep_drops_the_child_and_is_reported(tmp_path: Path) -> None:
    """A LAchildID longer than MAX_TEXT_LENGTH: the child is dropped, with a diagnostic."""
    long_id = "A" * (cin_census.MAX_TEXT_LENGTH + 1)
    data = read_cin_census(census(tmp_path, child(long_id, referral()) + child("B2")))
    assert [c.child_id for c in data.children] == ["B2"]
    assert [(d.field, d.problem) for d in data.diagnostics] == [
        (
            "LAchildID",
            f"longer than {cin_census.MAX_TEXT_LENGTH} characters; the Child was dropped, "
            "with everything in it",
        )
    ]


@pytest.mark.parametrize(
    ("element", "field"),
    [
        pytest.param("ReferralSource", "source", id="source"),
        pytest.param("PrimaryNeedCode", "primary_need", id="code"),
    ],
)
def test_a_code_too_long_to_keep_is_read_as_missing_and_reported(
    tmp_path: Path, element: str, field: str
) -> None:
    """A code longer than MAX_TEXT_LENGTH is reported and read as missing; the record stays."""
    code = "X" * (cin_census.MAX_TEXT_LENGTH + 1)
    data = read_cin_census(
        census(tmp_path, child("A1", referral(more=f"<{element}>{code}</{element}>")))
    )
    assert [getattr(r, field) for r in data.referrals] == [None]
    assert [d.field for d in data.diagnostics] == [element]


# -- caps: what one file can make the reader hold ------------------------------------------------


def test_deep_nesting_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    """Elements nested beyond MAX_DEPTH: ReadError naming the file and line."""
    depth = cin_census.MAX_DEPTH + 1
    body = "<Children>\n" + "<x>" * depth + "</x>" * depth + "</Children>"
    with pytest.raises(ReadError, match=r"deep\.xml: line 4: elements nested more than 64 deep"):
        read_text(tmp_path, message(body), name="deep.xml")


def test_nesting_up_to_the_cap_is_read(tmp_path: Path) -> None:
    """Unknown elements nested to MAX_DEPTH in all are one diagnostic, not an error."""
    depth = cin_census.MAX_DEPTH - 2  # Message and Children are open too
    body = "<Children>" + "<x>" * depth + "</x>" * depth + "</Children>"
    data = read_text(tmp_path, message(body))
    assert [d.field for d in data.diagnostics] == ["x"]


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("<Child {}='1'/>", id="attribute-name"),
        pytest.param("<Child a='{}'/>", id="attribute-value"),
        pytest.param("<{}/>", id="element-name"),
        pytest.param("<!--{}-->", id="comment"),
        pytest.param("<?pi {}?>", id="processing-instruction"),
    ],
)
def test_a_token_beyond_the_cap_is_refused(tmp_path: Path, token: str) -> None:
    """A tag, comment or instruction still open MAX_TOKEN_BYTES on: ReadError with the line."""
    huge = token.format("x" * (2 * cin_census.MAX_TOKEN_BYTES + 10))
    with pytest.raises(ReadError, match=r"token\.xml: line 3: a tag, comment or processing"):
        read_text(tmp_path, message(f"<Children>{huge}</Children>"), name="token.xml")


def test_a_value_beyond_the_cap_is_refused(tmp_path: Path) -> None:
    """One element's text longer than MAX_VALUE_LENGTH: ReadError naming the file."""
    body = child("A1").replace(
        "<LAchildID>A1", "<LAchildID>" + "1" * (cin_census.MAX_VALUE_LENGTH + 1)
    )
    with pytest.raises(ReadError, match=r"long\.xml: line 3: an element's text is longer"):
        read_text(tmp_path, message(f"<Children>{body}</Children>"), name="long.xml")


def test_text_between_elements_is_not_held(tmp_path: Path) -> None:
    """Text around elements is never a value: a long run of it is let go, not refused."""
    run = "\n" * (cin_census.MAX_VALUE_LENGTH + 10)
    data = read_text(tmp_path, message(f"<Children>{run}{child('A1')}{run}</Children>"))
    assert [c.child_id for c in data.children] == ["A1"]


def test_a_child_beyond_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Child spanning more than MAX_CHILD_BYTES: ReadError naming the file and line."""
    monkeypatch.setattr(cin_census, "MAX_CHILD_BYTES", 2_000)
    small = child("A1", referral())
    big = child("B2", *[referral(f"2024-05-{day:02d}") for day in range(1, 29)])
    assert len(small) < 2_000 < len(big)
    assert len(read_text(tmp_path, message(f"<Children>{small}</Children>")).children) == 1
    with pytest.raises(ReadError, match=r"big\.xml: line \d+: a Child spans more than 2,000 bytes"):
        read_text(tmp_path, message(f"<Children>{small}{big}</Children>"), name="big.xml")


@pytest.mark.parametrize("chunk", [7, 100, 1 << 20])
def test_the_child_cap_does_not_depend_on_the_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """A Child just over the cap is refused whatever the chunks it is fed in."""
    big = child("B2", *[referral(f"2024-05-{day:02d}") for day in range(1, 29)])
    monkeypatch.setattr(cin_census, "MAX_CHILD_BYTES", len(big) - 20)
    monkeypatch.setattr(cin_census, "CHUNK_SIZE", chunk)
    with pytest.raises(ReadError, match="a Child spans more than"):
        read_text(tmp_path, message(f"<Children>{big}</Children>"))


# -- cost: linear in the input -------------------------------------------------------------------


def opcodes_to_read(path: Path) -> int:
    """Python bytecodes executed to read *path* (a count of operations, not a time)."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return trace

    previous = sys.gettrace()  # coverage's tracer, when measuring: put it back after
    sys.settrace(trace)
    try:
        read_cin_census(path)
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize(
    "repeated",
    [
        pytest.param("<Assessments/>", id="empty-assessments-in-one-cindetails"),
        pytest.param(None, id="same-day-cindetails-of-one-child"),
    ],
)
def test_reading_costs_grow_linearly_with_the_records(tmp_path: Path, repeated: str | None) -> None:
    """Four times the records cost about four times the operations (not sixteen)."""
    counts = []
    for n in (500, 2000):
        if repeated is None:
            body = child("A1", *[referral()] * n)
        else:
            body = child("A1", referral(more=repeated * n))
        counts.append(opcodes_to_read(census(tmp_path, body, name=f"n{n}.xml")))
    assert counts[1] / counts[0] < 5


def test_same_day_referrals_are_numbered_in_order(tmp_path: Path) -> None:
    """Many CINdetails of one child on one date get /2, /3, ... /n, each reported."""
    data = read_cin_census(census(tmp_path, child("A1", *[referral()] * 12)))
    assert [r.referral_id for r in data.referrals] == ["A1/2024-05-01"] + [
        f"A1/2024-05-01/{n}" for n in range(2, 13)
    ]
    assert len(data.diagnostics) == 11


# -- section 47 ----------------------------------------------------------------------------------


def test_icpc_not_required_with_a_conference_date_is_kept_and_reported(tmp_path: Path) -> None:
    """ICPCnotRequired true and a DateOfInitialCPC: the record stays as read, reported (8868)."""
    body = referral(
        more="<Section47><S47ActualStartDate>2024-05-02</S47ActualStartDate>"
        "<DateOfInitialCPC>2024-05-20</DateOfInitialCPC>"
        "<ICPCnotRequired>true</ICPCnotRequired></Section47>"
    )
    path = census(tmp_path, child("A1", body))
    data = read_cin_census(path)
    assert [(s.icpc_date, s.icpc_not_required) for s in data.section47s] == [(D(2024, 5, 20), True)]
    assert [(d.where, d.field, d.value, d.problem) for d in data.diagnostics] == [
        (
            "line 11: Child 1 (A1)/CINdetails 1/Section47 1",
            "ICPCnotRequired",
            "true",
            "true, yet the enquiry has a DateOfInitialCPC (CIN rule 8868); kept as read",
        )
    ]


def test_icpc_not_required_without_a_conference_is_not_reported(tmp_path: Path) -> None:
    """ICPCnotRequired true and no conference date is how the census records it: no diagnostic."""
    body = referral(
        more="<Section47><S47ActualStartDate>2024-05-02</S47ActualStartDate>"
        "<ICPCnotRequired>true</ICPCnotRequired></Section47>"
    )
    data = read_cin_census(census(tmp_path, child("A1", body)))
    assert [s.icpc_not_required for s in data.section47s] == [True]
    assert data.diagnostics == ()


def test_nested_records_are_named_by_their_own_line_and_number(tmp_path: Path) -> None:
    """The third assessment of an episode is reported as `Assessments 3`, at its own line."""
    assessments = "".join(
        f"\n<Assessments><AssessmentActualStartDate>{day}</AssessmentActualStartDate></Assessments>"
        for day in ("2024-05-02", "2024-05-03", "soon")
    )
    path = census(tmp_path, child("A1", referral(more=assessments)))
    data = read_cin_census(path)
    assert [d.where for d in data.diagnostics] == [
        f"line {line_of(path, 'soon')}: Child 1 (A1)/CINdetails 1/Assessments 3"
    ]


# -- whole-file problems -------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol4;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">
<Message><Children/></Message>
"""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity-file-etc-passwd"),
        pytest.param(EXTERNAL_DTD, id="external-dtd"),
    ],
)
def test_dtds_and_entities_are_refused(tmp_path: Path, text: str) -> None:
    """A DOCTYPE (entity expansion, external entity, external DTD) is refused with ReadError."""
    path = tmp_path / "evil.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match=r"evil\.xml: refused"):
        read_cin_census(path)


def test_doctype_split_across_chunks_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fed 3 bytes at a time, the DTD is still caught before any entity is used."""
    path = tmp_path / "evil.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    monkeypatch.setattr(cin_census, "CHUNK_SIZE", 3)
    with pytest.raises(ReadError, match="refused"):
        read_cin_census(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "<Message><Children><Child></Children></Message>",
            "not well-formed XML at line 1",
            id="mismatched-tag",
        ),
        pytest.param("<Message><Children>", "not well-formed", id="truncated"),
        pytest.param("   \n ", "not well-formed", id="whitespace-only"),
        pytest.param("<html><body/></html>", "root element is <html>", id="not-a-census"),
        pytest.param("<Message>&undefined;</Message>", "not well-formed", id="undefined-entity"),
    ],
)
def test_malformed_files_raise_read_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    """A file that is not a well-formed CIN census message raises ReadError naming it."""
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match=r"broken\.xml") as caught:
        read_cin_census(path)
    assert message in str(caught.value)


def test_empty_file_raises_read_error(tmp_path: Path) -> None:
    """A zero-byte file is an error, not an empty dataset."""
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.xml: the file is empty"):
        read_cin_census(path)


def test_missing_file_raises_read_error(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    with pytest.raises(ReadError, match=r"nope\.xml: no such file"):
        read_cin_census(tmp_path / "nope.xml")


def test_folder_instead_of_file_raises_read_error(tmp_path: Path) -> None:
    """A folder given as a CIN census file is an error."""
    with pytest.raises(ReadError, match="is a folder"):
        read_cin_census(tmp_path)


def test_no_paths_raises_read_error() -> None:
    """An empty list of files is an error, not an empty dataset."""
    with pytest.raises(ReadError, match="no CIN census files"):
        read_cin_census([])


# -- strict mode ---------------------------------------------------------------------------------


def test_strict_mode_raises_listing_the_diagnostics(tmp_path: Path) -> None:
    """strict=True turns the diagnostics into a ReadError that lists them."""
    path = census(tmp_path, child("A1", referral(nfa="maybe")))
    with pytest.raises(StrictReadError, match="maybe") as caught:
        read_cin_census(path, strict=True)
    assert isinstance(caught.value, ReadError)
    assert [d.field for d in caught.value.diagnostics] == ["ReferralNFA"]


def test_strict_mode_reads_a_clean_file(tmp_path: Path) -> None:
    """strict=True on a file without problems returns the data."""
    data = read_cin_census(census(tmp_path, FULL_CHILD), strict=True)
    assert len(data.referrals) == 1


# -- writing -------------------------------------------------------------------------------------


def test_writer_writes_the_census_layout(tmp_path: Path) -> None:
    """The file has Message/Header/CollectionDetails/ReferenceDate and Children/Child."""
    data = read_cin_census(census(tmp_path, FULL_CHILD))
    out = tmp_path / "out.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    text = out.read_text(encoding="utf-8")
    assert "<ReferenceDate>2025-03-31</ReferenceDate>" in text
    assert (
        "<Children>\n    <Child>\n      <ChildIdentifiers>\n        <LAchildID>DfEX0000001" in text
    )
    assert "<Sex>2</Sex>" in text
    assert attrs.evolve(read_cin_census(out), coverage=Coverage()) == attrs.evolve(
        data, coverage=Coverage()
    )


def test_writer_uses_gender_current_before_2024(tmp_path: Path) -> None:
    """Census years before 2023-24 call sex GenderCurrent."""
    out = tmp_path / "out.xml"
    write_cin_census(
        Dataset(children=[Child(child_id="A", sex="1")]), out, reference_date=D(2023, 3, 31)
    )
    assert "<GenderCurrent>1</GenderCurrent>" in out.read_text(encoding="utf-8")


def test_writer_escapes_markup_in_text(tmp_path: Path) -> None:
    """An id holding & and < is escaped, and reads back unchanged."""
    data = Dataset(children=[Child(child_id="A&<B>")])
    out = tmp_path / "out.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    assert read_cin_census(out).children == data.children


def test_writer_refuses_a_record_without_its_referral(tmp_path: Path) -> None:
    """An assessment whose referral is not in the dataset cannot be nested: error."""
    data = Dataset(
        assessments=[Assessment(child_id="A", referral_id="A/x", start_date=D(2024, 1, 1))]
    )
    with pytest.raises(InvalidRecordError, match="not among the dataset's referrals"):
        write_cin_census(data, tmp_path / "out.xml", reference_date=D(2025, 3, 31))


def test_writer_refuses_pre_2013_assessment_kinds(tmp_path: Path) -> None:
    """Initial and core assessments are not in the CIN census: error."""
    r = Referral(referral_id="A/2010-01-01", child_id="A", referral_date=D(2010, 1, 1))
    a = Assessment(
        child_id="A", referral_id=r.referral_id, start_date=D(2010, 1, 2), kind=AssessmentKind.CORE
    )
    with pytest.raises(InvalidRecordError, match="single assessments only"):
        write_cin_census(Dataset.of(r, a), tmp_path / "out.xml", reference_date=D(2010, 3, 31))


def test_writer_leaves_ssda903_only_children_out(tmp_path: Path) -> None:
    """A child known only from SSDA903 records is not written to the CIN census."""
    data = Dataset(
        children=[Child(child_id="CIN"), Child(child_id="LAC")],
        episodes=[
            Episode(
                child_id="LAC",
                start=D(2024, 1, 1),
                reason_new="S",
                legal_status="C2",
                placement="U1",
            )
        ],
    )
    out = tmp_path / "out.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    assert [c.child_id for c in read_cin_census(out).children] == ["CIN"]


# -- round trip (hypothesis) ---------------------------------------------------------------------

CHILD_IDS = ("A1", "B2", "C3", "D4", "E&5")
dates = st.dates(min_value=D(2010, 1, 1), max_value=D(2026, 12, 31))
optional_dates = st.none() | dates
codes = st.sampled_from(("N1", "N4", "RC1", "1A", "X9"))


@st.composite
def cin_datasets(draw: st.DrawFn) -> Dataset:
    """A CIN-only dataset whose referral ids follow the reader's form, every child recorded."""
    ids = draw(st.lists(st.sampled_from(CHILD_IDS), min_size=1, max_size=4, unique=True))
    children = [
        Child(
            child_id=i,
            birth_date=draw(optional_dates),
            sex=draw(st.none() | st.sampled_from(("1", "2"))),
            ethnicity=draw(st.none() | st.sampled_from(("WBRI", "AOTH"))),
        )
        for i in ids
    ]
    records: list[object] = []
    for child_id in ids:
        days = draw(st.lists(dates, max_size=3))  # repeats give same-day duplicates
        seen: dict[dt.date, int] = {}
        for day in sorted(days):
            seen[day] = seen.get(day, 0) + 1
            rid = f"{child_id}/{day.isoformat()}" + (f"/{seen[day]}" if seen[day] > 1 else "")
            records.append(
                Referral(
                    referral_id=rid,
                    child_id=child_id,
                    referral_date=day,
                    source=draw(st.none() | codes),
                    nfa=draw(st.booleans()),
                    closure_date=draw(optional_dates),
                    closure_reason=draw(st.none() | st.sampled_from(("RC1", "RC8"))),
                    primary_need=draw(st.none() | st.sampled_from(("N1", "N9"))),
                )
            )
            for _ in range(draw(st.integers(0, 2))):
                records.append(
                    Assessment(
                        child_id=child_id,
                        referral_id=rid,
                        start_date=draw(dates),
                        authorisation_date=draw(optional_dates),
                        factors=draw(st.lists(st.sampled_from(("2A", "3B", "21")), max_size=3)),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    Section47(
                        child_id=child_id,
                        referral_id=rid,
                        start_date=draw(dates),
                        icpc_target=draw(optional_dates),
                        icpc_date=draw(optional_dates),
                        icpc_not_required=draw(st.booleans()),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    CPPlan(
                        child_id=child_id,
                        referral_id=rid,
                        start_date=draw(dates),
                        end_date=draw(optional_dates),
                        previous_plans=draw(st.none() | st.integers(0, 12)),
                        initial_category=draw(st.none() | st.sampled_from(("NEG", "PHY"))),
                        latest_category=draw(st.none() | st.sampled_from(("EMO", "MUL"))),
                        review_dates=draw(st.lists(dates, max_size=3)),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    CINPlan(
                        child_id=child_id,
                        referral_id=rid,
                        start_date=draw(dates),
                        end_date=draw(optional_dates),
                    )
                )
    data = Dataset.of(*children, *records)  # type: ignore[arg-type]
    shuffled: dict[str, Any] = {t: draw(st.permutations(getattr(data, t))) for t in data.TABLES}
    return Dataset(**shuffled)


def as_sets(data: Dataset) -> dict[str, frozenset[object]]:
    """Each table as a set of records, for order-free comparison.

    A child's same-day referrals are numbered by the reader by their content (``/2``, ``/3``),
    which need not be the order they were written in, so the numbers are left out.
    """
    return {t: frozenset(map(without_same_day_number, getattr(data, t))) for t in data.TABLES}


def without_same_day_number(record: object) -> object:
    """*record* with a same-day number (``/2``) taken off its referral id."""
    referral_id = getattr(record, "referral_id", None)
    if referral_id is None or referral_id.count("/") < 2:
        return record
    return attrs.evolve(record, referral_id=referral_id.rsplit("/", 1)[0])  # type: ignore[misc]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=cin_datasets())
def test_round_trip_gives_the_same_records(tmp_path: Path, data: Dataset) -> None:
    """Records written with write_cin_census read back to the same records, in any order."""
    out = tmp_path / "round.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    back = read_cin_census(out)
    assert as_sets(back) == as_sets(data)
    assert sum(back.counts().values()) == sum(data.counts().values())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=cin_datasets(), seed=st.integers(0, 2**32 - 1))
def test_reading_does_not_depend_on_child_order(tmp_path: Path, data: Dataset, seed: int) -> None:
    """Shuffling the Child elements of a file changes no record."""
    out = tmp_path / "a.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    head, _, rest = out.read_text(encoding="utf-8").partition("<Children>\n")
    body, _, tail = rest.partition("  </Children>")
    parts = [p for p in body.split("    <Child>\n") if p]
    random.Random(seed).shuffle(parts)
    shuffled = tmp_path / "b.xml"
    shuffled.write_text(
        head
        + "<Children>\n"
        + "".join("    <Child>\n" + p for p in parts)
        + "  </Children>"
        + tail,
        encoding="utf-8",
    )
    assert as_sets(read_cin_census(shuffled)) == as_sets(read_cin_census(out))


def test_a_child_twice_in_one_file_is_reported_at_both_lines(tmp_path: Path) -> None:
    """The same LAchildID twice: the last identifiers kept, both Child lines named."""
    path = census(
        tmp_path,
        child("A1", referral("2024-05-01")) + "\n" + child("A1", referral("2024-06-01")),
    )
    data = read_cin_census(path)
    assert [c.child_id for c in data.children] == ["A1"]
    assert len(data.referrals) == 2
    assert [d.where for d in data.diagnostics] == ["line 12: Child 2 (A1) (and line 11)"]


# -- properties: file order, mutated bytes, every record accounted for ---------------------------


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    years=st.lists(cin_datasets(), min_size=2, max_size=3),
    days=st.lists(st.integers(0, 364), min_size=3, max_size=3),
    order=st.permutations(range(3)),
)
def test_the_order_of_files_never_changes_the_dataset(
    tmp_path: Path, years: list[Dataset], days: list[int], order: list[int]
) -> None:
    """The same files in any order read to the same records, diagnostics, coverage, origins."""
    paths = []
    for number, data in enumerate(years):
        # One file per collection year (2023, 2024, 2025), its ReferenceDate anywhere in it.
        reference = D(2022 + number, 4, 1) + dt.timedelta(days=days[number])
        path = tmp_path / f"year{number}.xml"
        write_cin_census(data, path, reference_date=reference)
        paths.append(path)
    given_order = [paths[i] for i in order if i < len(paths)]
    forward = read_cin_census(paths)
    shuffled = read_cin_census(given_order)
    assert shuffled == forward
    assert origins(shuffled) == origins(forward)


BASE = HEADER.format(
    reference="2025-03-31",
    children=FULL_CHILD + child("B2", referral("2024-06-01"), referral("2024-06-01")),
).encode("utf-8")

BYTES = (
    b"<",
    b">",
    b"/",
    b"&",
    b"</Child>",
    b"<Child>",
    b"<!DOCTYPE Message>",
    b"<!--",
    b"]]>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\xc3",
)
# Well-formed pieces to put between two elements, and values to put inside one.
PIECES = (
    "<Child/>",
    "<Child><ChildIdentifiers><LAchildID>Z9</LAchildID></ChildIdentifiers></Child>",
    "<CINdetails/>",
    "<CINdetails><CINreferralDate>2024-01-01</CINreferralDate></CINdetails>",
    "<Section47/>",
    "<Assessments><AssessmentActualStartDate>2024-01-02</AssessmentActualStartDate></Assessments>",
    "<ChildProtectionPlans><CPPstartDate>2024-01-01</CPPstartDate></ChildProtectionPlans>",
    '<c:Child xmlns:c="u"><c:ChildIdentifiers><c:LAchildID>C1</c:LAchildID>'
    "</c:ChildIdentifiers></c:Child>",
    "<Childs><Child/></Childs>",
    "<Note>text</Note>",
    "<LAchildID>X</LAchildID>",
    "<!-- a comment -->",
    "<?pi data?>",
    "<![CDATA[<Child>]]>",
    "&amp;&#65;&#x1F600;",
    "<x>" * 70 + "</x>" * 70,
    "<x>" * 20 + "</x>" * 20,
)
VALUES_IN = ("", " ", "2024-02-30", "31/12/2023", "yes", "TRUE", "N12", "-1", "9" * 5000, "A" * 300)
ENCODINGS = ("utf-8", "UTF-16", "latin-1", "cp1252", "utf-32", "klingon", "rot13", "ascii")


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A census file changed a few times: pieces added, values and names changed, bytes hit."""
    text = BASE.decode("utf-8")
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(("piece", "piece", "value", "rename", "declare", "bytes")))
        if action == "piece":  # just after a tag closes, so the file stays well-formed
            ends = [i + 1 for i, c in enumerate(text) if c == ">"]
            at = draw(st.sampled_from(ends))
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif action == "value":
            values = list(re.finditer(r">([^<>]+)</", text))
            if values:
                found = draw(st.sampled_from(values))
                value = draw(st.sampled_from(VALUES_IN))
                text = text[: found.start(1)] + escape(value) + text[found.end(1) :]
        elif action == "rename":  # every start and end tag of one name, so tags still match
            names = sorted(set(re.findall(r"<([A-Za-z][A-Za-z0-9]*)", text)) - {"Message"})
            old = draw(st.sampled_from(names))
            new = draw(st.sampled_from(("c:" + old, old + "s", "Child", "CINdetails", "Note")))
            text = re.sub(rf"<(/?){old}\b", rf"<\g<1>{new}", text)
        elif action == "declare":
            encoding = draw(st.sampled_from(ENCODINGS))
            text = re.sub(r"\A<\?xml[^>]*\?>", f'<?xml version="1.0" encoding="{encoding}"?>', text)
        else:
            data = text.encode("utf-8")
            at = draw(st.integers(0, len(data)))
            cut = draw(st.integers(0, 8))
            payload = draw(st.sampled_from(BYTES) | st.binary(max_size=4))
            return data[:at] + payload + data[at + cut :]
    return text.encode("utf-8")


def outcome(path: Path) -> Dataset | type[ReadError]:
    """The Dataset read from *path*, or `ReadError` (the class) when it cannot be read."""
    try:
        return read_cin_census(path)
    except ReadError:
        return ReadError


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    max_examples=300,
)
@example(content=BASE, chunk=1)
@example(content=BASE.replace(b"<Message>", b'<Message xmlns:c="u">'), chunk=5)
@given(content=mutated_files(), chunk=st.integers(1, 64))
def test_mutated_files_give_a_dataset_or_a_read_error(
    tmp_path: Path, content: bytes, chunk: int
) -> None:
    """Any bytes read to a Dataset or raise ReadError, the same whatever the chunk size."""
    path = tmp_path / "mutated.xml"
    path.write_bytes(content)
    whole = outcome(path)  # anything but a Dataset or ReadError fails the test here
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cin_census, "CHUNK_SIZE", chunk)
        in_chunks = outcome(path)
    assert in_chunks == whole
    if isinstance(whole, Dataset) and isinstance(in_chunks, Dataset):
        assert origins(in_chunks) == origins(whole)


# The census layout as the generator below knows it: each element's children. Any element
# may also get a record element, an unknown one or a misplaced one, so that records end up
# in every kind of wrong place.
LAYOUT = {
    "Children": ("Child",),
    "Child": ("ChildIdentifiers", "ChildCharacteristics", "CINdetails", "CINdetails"),
    "ChildIdentifiers": ("LAchildID", "LAchildID", "PersonBirthDate", "Sex", "UPN"),
    "ChildCharacteristics": ("Ethnicity", "Disabilities"),
    "Disabilities": ("Disability",),
    "CINdetails": (
        "CINreferralDate",
        "CINreferralDate",
        "ReferralNFA",
        "PrimaryNeedCode",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ChildProtectionPlans",
    ),
    "Assessments": ("AssessmentActualStartDate", "FactorsIdentifiedAtAssessment"),
    "FactorsIdentifiedAtAssessment": ("AssessmentFactors",),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"),
    "ChildProtectionPlans": ("CPPstartDate", "CPPstartDate", "NumberOfPreviousCPP", "Reviews"),
    "Reviews": ("CPPreviewDate",),
    "Childs": ("Child",),
    "Note": ("Child", "CINdetails", "Section47"),
}
FIRST = {
    "Children": "Child",
    "Child": "ChildIdentifiers",
    "ChildIdentifiers": "LAchildID",
    "CINdetails": "CINreferralDate",
    "ChildProtectionPlans": "CPPstartDate",
    "CINPlanDates": "CINPlanStartDate",
}
RECORD_TABLES = {
    "Child": "children",
    "CINdetails": "referrals",
    "Assessments": "assessments",
    "CINPlanDates": "cin_plans",
    "Section47": "section47s",
    "ChildProtectionPlans": "cp_plans",
}
STRAYS = (*RECORD_TABLES, "Childs", "Note", "LAchildID", "Reviews")
VALUES = ("2024-05-01", "soon", "", "A1", "true", "0", "N1", "NEG", "9")
DATES = ("2024-05-01", "2024-05-01", "2024-06-01", "01/07/2024", "soon", "")
IDS = ("A1", "A1", "B2", "", " ")


@st.composite
def census_elements(draw: st.DrawFn, tag: str, depth: int) -> tuple[str, Any]:
    """An element: (name, text) for a value, (name, [children]) for anything else."""
    name = draw(st.sampled_from(("", "", "", "c:"))) + tag
    if tag not in LAYOUT or depth > 7:
        if tag.endswith("Date"):
            return name, draw(st.sampled_from(DATES))
        return name, draw(st.sampled_from(IDS if tag == "LAchildID" else VALUES))
    children = []
    first = FIRST.get(tag)  # mostly, what makes the record readable comes first
    if first is not None and draw(st.integers(0, 4)):
        children.append(draw(census_elements(first, depth + 1)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(LAYOUT[tag] * 8 + STRAYS))
        children.append(draw(census_elements(kind, depth + 1)))
    return name, children


def lay_out(element: tuple[str, Any]) -> tuple[str, list[tuple[int, str, tuple[int, ...]]]]:
    """The text of *element*, one element per line, and each element's line, name, ancestors."""
    lines: list[str] = []
    placed: list[tuple[int, str, tuple[int, ...]]] = []

    def write(node: tuple[str, Any], ancestors: tuple[int, ...]) -> None:
        name, content = node
        line = FIRST_LINE + len(lines)
        placed.append((line, name.rpartition(":")[2], ancestors))
        if isinstance(content, str):
            lines.append(f"<{name}>{escape(content)}</{name}>")
            return
        lines.append(f"<{name}>")
        for part in content:
            write(part, (*ancestors, line))
        lines.append(f"</{name}>")

    write(element, ())
    return "\n".join(lines), placed


FIRST_LINE = 3  # the XML declaration, then the root and the header, then Children


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(children=census_elements("Children", 1))
def test_every_record_in_the_input_is_read_or_named_in_a_diagnostic(
    tmp_path: Path, children: tuple[str, Any]
) -> None:
    """Each record element is in the Dataset (by its line) or a diagnostic names it or a parent."""
    body, placed = lay_out(children)
    text = message(body, root='<Message xmlns:c="u">')
    data = read_text(tmp_path, text)
    named = set()
    emptied = set()  # lines of elements ignored or dropped with everything in them
    for diagnostic in data.diagnostics:
        lines = {int(n) for n in re.findall(r"\bline (\d+)", diagnostic.where)}
        named |= lines
        if "with everything" in diagnostic.problem:
            emptied |= lines
    read: dict[str, set[int]] = {
        table: {line for _, line in origins(data)[table]} for table in data.TABLES
    }
    tags = {line: tag for line, tag, _ in placed}
    for table, lines in read.items():  # a record's origin is an element of its kind
        assert all(RECORD_TABLES.get(tags.get(line, "")) == table for line in lines), table
    for line, tag, ancestors in placed:
        if tag not in RECORD_TABLES:
            continue
        accounted = (
            line in read[RECORD_TABLES[tag]] or line in named or not emptied.isdisjoint(ancestors)
        )
        assert accounted, f"the {tag} at line {line} vanished:\n{text}"


def test_round_trip_keeps_a_missing_assessment_start(tmp_path: Path) -> None:
    """An assessment without a start date survives the round trip (and is reported)."""
    r = Referral(referral_id="A/2024-01-01", child_id="A", referral_date=D(2024, 1, 1))
    a = Assessment(child_id="A", referral_id=r.referral_id, start_date=None)
    data = Dataset.of(Child(child_id="A"), r, a)
    out = tmp_path / "out.xml"
    write_cin_census(data, out, reference_date=D(2025, 3, 31))
    back = read_cin_census(out)
    assert attrs.evolve(back, diagnostics=(), coverage=Coverage()) == data
    assert problems(back) == [("AssessmentActualStartDate", "")]


def test_same_day_referrals_are_numbered_by_content_not_by_place(tmp_path: Path) -> None:
    """Two same-day CINdetails in either order read to the same ids, so the same one is kept."""
    first = referral("2024-05-01", nfa="true")
    second = referral("2024-05-01", nfa="false")
    one = census(tmp_path, child("A1", first, second), name="one.xml")
    two = census(tmp_path, child("A1", second, first), name="two.xml")
    a, b = read_cin_census(one), read_cin_census(two)
    assert {(r.referral_id, r.nfa) for r in a.referrals} == {
        (r.referral_id, r.nfa) for r in b.referrals
    }


def test_an_episode_open_in_an_earlier_return_and_absent_from_a_later_one_is_closed(
    tmp_path: Path,
) -> None:
    """Open in the 2023-24 return, missing from 2024-25's: closed on 1 April 2024, reported."""
    old = census(
        tmp_path, child("A1", referral("2023-06-01")), name="old.xml", reference="2024-03-31"
    )
    new = census(
        tmp_path, child("B2", referral("2024-06-01")), name="new.xml", reference="2025-03-31"
    )
    data = read_cin_census([new, old])
    closed = {r.child_id: r.closure_date for r in data.referrals}
    assert closed == {"A1": D(2024, 4, 1), "B2": None}
    (problem,) = [d for d in data.diagnostics if d.field == "CINclosureDate"]
    assert problem.value == "2024-04-01"
    assert "not held by a later return" in problem.problem


def test_a_plans_reviews_held_by_earlier_returns_are_kept(tmp_path: Path) -> None:
    """The 2025 return replaces the episode, but the plan keeps the reviews 2024's listed."""

    def plan(*reviews: str) -> str:
        dates = "".join(f"<CPPreviewDate>{d}</CPPreviewDate>" for d in reviews)
        return (
            "<ChildProtectionPlans><CPPstartDate>2023-05-01</CPPstartDate>"
            f"<Reviews>{dates}</Reviews></ChildProtectionPlans>"
        )

    old = census(
        tmp_path,
        child("A1", referral("2023-04-20", more=plan("2023-07-20", "2024-01-10"))),
        name="old.xml",
        reference="2024-03-31",
    )
    new = census(
        tmp_path,
        child("A1", referral("2023-04-20", more=plan("2024-07-01", "2024-12-20"))),
        name="new.xml",
    )
    (merged,) = read_cin_census([old, new]).cp_plans
    assert merged.review_dates == (
        D(2023, 7, 20),
        D(2024, 1, 10),
        D(2024, 7, 1),
        D(2024, 12, 20),
    )


def test_a_value_given_twice_in_one_element_is_reported(tmp_path: Path) -> None:
    """Two LAchildIDs, or two ReferralNFAs, with different values are never read silently."""
    path = census(
        tmp_path,
        child(
            "C1",
            "<CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>true</ReferralNFA>"
            "<ReferralNFA>false</ReferralNFA>",
            extra="<LAchildID>C2</LAchildID>",
        ),
    )
    found = {(d.field, d.value) for d in read_cin_census(path).diagnostics}
    assert ("LAchildID", "C1 | C2") in found
    assert ("ReferralNFA", "true | false") in found
