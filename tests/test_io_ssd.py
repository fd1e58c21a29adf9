"""Tests for the Standard Safeguarding Dataset (SSD) reader and writer."""

import contextlib
import datetime as dt
import functools
import random
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguarding_metrics.cli import main
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError, ReadError
from safeguarding_metrics.io import (
    StrictReadError,
    read_cin_census,
    read_ssd,
    write_cin_census,
    write_ssd,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import (
    Assessment,
    CareLeaver,
    Child,
    CPPlan,
    Episode,
    LACReview,
    Referral,
    Section47,
)
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.synthetic import synthetic_dataset

D = dt.date

PERSON = (
    "pers_legacy_id,pers_person_id,pers_upn,pers_sex,pers_gender,pers_ethnicity,pers_dob\n"
    "L77,1001,NULL,F,02,WBRI,2016-02-29 00:00:00.000\n"
)
REFERRALS = (
    "cine_referral_id,cine_person_id,cine_referral_date,cine_cin_primary_need_code,"
    "cine_referral_source_code,cine_referral_source_desc,cine_referral_outcome_json,"
    "cine_referral_nfa,cine_close_reason,cine_close_date\n"
    'R-9,1001,2024-05-13 10:42:00.000,N1,5A,5A - LA services - social care,"{""SINGLE_ASSESSMENT_FLAG"": ""Y""}",N,NULL,NULL\n'
)
ASSESSMENTS = (
    "cina_assessment_id,cina_person_id,cina_referral_id,cina_assessment_start_date,"
    "cina_assessment_child_seen,cina_assessment_auth_date\n"
    "A-1,1001,R-9,2024-05-13 00:00:00.000,Y,2024-07-16 16:05:00.000\n"
)
FACTORS = (
    'cinf_table_id,cinf_assessment_id,cinf_assessment_factors_json\nF-1,A-1,"[""2B"",""3B""]"\n'
)
ENQUIRIES = (
    "s47e_s47_enquiry_id,s47e_referral_id,s47e_person_id,s47e_s47_start_date,"
    "s47e_s47_end_date,s47e_s47_nfa,s47e_s47_outcome_json\n"
)
CONFERENCES = (
    "icpc_icpc_id,icpc_s47_enquiry_id,icpc_person_id,icpc_cp_plan_id,icpc_referral_id,"
    "icpc_icpc_target_date,icpc_icpc_date\n"
)
EPISODES = (
    "clae_cla_episode_id,clae_person_id,clae_cla_placement_id,clae_cla_episode_start_date,"
    "clae_cla_episode_start_reason,clae_cla_primary_need_code,clae_cla_episode_ceased_date,"
    "clae_cla_episode_ceased_reason,clae_cla_id\n"
)
PLACEMENTS = (
    "clap_cla_placement_id,clap_cla_id,clap_person_id,clap_cla_placement_start_date,"
    "clap_cla_placement_type,clap_cla_placement_urn,clap_cla_placement_provider,"
    "clap_cla_placement_postcode\n"
)
STATUSES = (
    "lega_legal_status_id,lega_person_id,lega_legal_status,lega_legal_status_start_date,"
    "lega_legal_status_end_date\n"
)
TS = " 00:00:00.000"


def ssd(root: Path, **files: str) -> Path:
    """Make an SSD folder with one CSV file per keyword (file name = keyword)."""
    folder = root / "ssd"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8", newline="")
    return folder


def care(root: Path, episodes: str, placements: str, statuses: str) -> Dataset:
    """Read the three looked-after tables."""
    return read_ssd(
        ssd(
            root,
            person=PERSON,
            episodes=EPISODES + episodes,
            placements=PLACEMENTS + placements,
            statuses=STATUSES + statuses,
        )
    )


def problems(data: Dataset) -> list[tuple[str, str]]:
    """(field, value) of each diagnostic."""
    return [(d.field, d.value) for d in data.diagnostics]


# -- tables and cells --------------------------------------------------------------------


def test_tables_are_recognised_by_their_column_prefix_whatever_the_file_name(
    tmp_path: Path,
) -> None:
    """A file called anything holds the table its columns' prefix names."""
    data = read_ssd(ssd(tmp_path, export_1=PERSON, q7=REFERRALS))
    assert [c.child_id for c in data.children] == ["1001"]
    assert [r.referral_id for r in data.referrals] == ["1001/2024-05-13"]


def test_the_worked_example_of_an_on_time_assessment(tmp_path: Path) -> None:
    """Child, referral and assessment as the field map's first example expects them."""
    data = read_ssd(
        ssd(tmp_path, a=PERSON, b=REFERRALS, c=ASSESSMENTS, d=FACTORS), extract_date=D(2024, 8, 1)
    )
    assert list(data.children) == [
        Child(child_id="1001", birth_date=D(2016, 2, 29), sex="F", ethnicity="WBRI")
    ]
    assert list(data.referrals) == [
        Referral(
            referral_id="1001/2024-05-13",
            child_id="1001",
            referral_date=D(2024, 5, 13),
            source="5A",
            nfa=False,
            primary_need="N1",
        )
    ]
    assert list(data.assessments) == [
        Assessment(
            child_id="1001",
            referral_id="1001/2024-05-13",
            start_date=D(2024, 5, 13),
            authorisation_date=D(2024, 7, 16),
            factors=("2B", "3B"),
        )
    ]
    result = INDICATORS["assessment-45wd"].compute(data, period=ReportingPeriod.year_ending(2025))
    assert (result.numerator, result.denominator) == (1, 1)  # 45 working days exactly
    assert data.diagnostics == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2024-12-10 00:00:00.000", D(2024, 12, 10), id="sql-server-midnight"),
        pytest.param("2024-04-30 14:30:00.000", D(2024, 4, 30), id="real-time"),
        pytest.param("2024-04-30 23:59:59.997", D(2024, 4, 30), id="last-moment"),
        pytest.param("2024-04-30T14:30:00", D(2024, 4, 30), id="t-form"),
        pytest.param("2024-04-30 14:30:00+01:00", D(2024, 4, 30), id="postgres-offset"),
        pytest.param("30/04/2024 14:30", D(2024, 4, 30), id="uk-with-time"),
        pytest.param("2024-04-30", D(2024, 4, 30), id="plain-date"),
    ],
)
def test_date_time_forms_are_read_as_their_date(
    tmp_path: Path, text: str, expected: dt.date
) -> None:
    """The database's date-times give the date written, whatever the time."""
    referral = REFERRALS.replace("2024-05-13 10:42:00.000", text)
    data = read_ssd(ssd(tmp_path, r=referral))
    assert data.referrals[0].referral_date == expected
    assert data.diagnostics == ()


def test_null_is_a_missing_value_without_a_diagnostic(tmp_path: Path) -> None:
    """SQL Server writes NULL for a missing value: missing, no problem."""
    data = read_ssd(ssd(tmp_path, r=REFERRALS))
    assert data.referrals[0].closure_date is None
    assert data.referrals[0].closure_reason is None
    assert data.diagnostics == ()


def test_the_1900_placeholder_is_missing_and_reported(tmp_path: Path) -> None:
    """1900-01-01 stands for a missing date: read as missing, with a diagnostic."""
    referral = REFERRALS.replace("N,NULL,NULL", "N,RC1,1900-01-01 00:00:00.000")
    data = read_ssd(ssd(tmp_path, r=referral))
    assert data.referrals[0].closure_date is None
    assert problems(data) == [("cine_close_date", "1900-01-01 00:00:00.000")]
    assert "placeholder" in data.diagnostics[0].problem


def test_an_unreadable_date_names_file_line_field_and_value(tmp_path: Path) -> None:
    """A bad optional date is missing, reported with where it was."""
    referral = REFERRALS.replace("N,NULL,NULL", "N,RC1,2024-02-30")
    data = read_ssd(ssd(tmp_path, r=referral))
    (problem,) = data.diagnostics
    assert (Path(problem.file).name, problem.where, problem.field, problem.value) == (
        "r.csv",
        "line 2",
        "cine_close_date",
        "2024-02-30",
    )


def test_a_table_without_a_column_it_needs_is_an_error(tmp_path: Path) -> None:
    """The error names the file and the missing column."""
    with pytest.raises(
        ReadError, match=r"r\.csv: the ssd_cin_episodes table has no cine_referral_date"
    ):
        read_ssd(ssd(tmp_path, r="cine_referral_id,cine_person_id\nR-1,1\n"))


def test_an_optional_column_missing_is_reported_once(tmp_path: Path) -> None:
    """Mosaic's contacts have no source code column: reported once, contacts read."""
    contacts = (
        "cont_contact_id,cont_person_id,cont_contact_date\nC-1,1,2024-05-01\nC-2,1,2024-05-02\n"
    )
    data = read_ssd(ssd(tmp_path, c=contacts))
    assert len(data.contacts) == 2
    assert problems(data) == [("cont_contact_source_code", "")]


def test_other_ssd_tables_and_files_are_passed_over_and_reported(tmp_path: Path) -> None:
    """An SSD table not read here, a non-CSV file: reported, never silent."""
    folder = ssd(tmp_path, p=PERSON, i="immi_immigration_status_id,immi_person_id\n1,1001\n")
    (folder / "notes.txt").write_text("x")
    data = read_ssd(folder)
    assert sorted(Path(d.file).name for d in data.diagnostics) == ["i.csv", "notes.txt"]


def test_a_folder_without_ssd_tables_is_an_error(tmp_path: Path) -> None:
    """Nothing to read is an error, not an empty dataset."""
    with pytest.raises(ReadError, match="no SSD table found"):
        read_ssd(ssd(tmp_path, x="a,b\n1,2\n"))


def test_a_second_referral_on_the_same_day_gets_its_own_id_by_content(tmp_path: Path) -> None:
    """Which one is /2 depends on content, not row order, and it is reported."""
    second = "R-10,1001,2024-05-13 00:00:00.000,N2,5A,NULL,NULL,N,NULL,NULL\n"
    forward = read_ssd(ssd(tmp_path, r=REFERRALS + second))
    lines = REFERRALS.splitlines(keepends=True)
    backward = read_ssd(ssd(tmp_path, r=lines[0] + second + lines[1]))
    assert list(forward.referrals) == list(backward.referrals)
    assert sorted(r.referral_id for r in forward.referrals) == [
        "1001/2024-05-13",
        "1001/2024-05-13/2",
    ]
    assert "second referral" in forward.diagnostics[0].problem


# -- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [
        pytest.param("S", "S", id="code"),
        pytest.param("S - Started to be looked after", "S", id="code-and-text"),
        pytest.param("Started to be Looked-After", "S", id="description"),
        pytest.param("s", "S", id="lower-case"),
    ],
)
def test_reason_new_descriptions_are_mapped_to_codes(
    tmp_path: Path, recorded: str, expected: str
) -> None:
    """RNE stored as a description reads as its code."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},{recorded},N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,C2,2024-05-01{TS},NULL\n",
    )
    assert data.episodes[0].reason_new == expected


@pytest.mark.parametrize(
    ("legal_status", "placement", "reason_ceased", "expected"),
    [
        ("Full care order", "U4", "E11", ("C2", "U4", "E11")),
        ("Care Order Sec. 31(a)", "U4", "E11", ("C2", "U4", "E11")),
        ("V2", "Residential care home", "Died", ("V2", "R1", "E2")),
        (
            "C2",
            "K2",
            "E4A - Returned home as part of the care planning process",
            ("C2", "K2", "E4A"),
        ),
    ],
)
def test_legal_status_placement_and_reason_ceased_descriptions_are_mapped(
    tmp_path: Path, legal_status: str, placement: str, reason_ceased: str, expected: tuple[str, ...]
) -> None:
    """Descriptions of the DfE guide, and certain local texts, read as codes."""
    data = care(
        tmp_path,
        f'E-1,1001,P-1,2024-05-01{TS},S,N1,2024-09-01{TS},"{reason_ceased}",POC-1\n',
        f'P-1,POC-1,1001,2024-05-01{TS},"{placement}",NULL,PR1,AB1 2CD\n',
        f'LS-1,1001,"{legal_status}",2024-05-01{TS},NULL\n',
    )
    episode = data.episodes[0]
    assert (episode.legal_status, episode.placement, episode.reason_ceased) == expected
    assert data.diagnostics == ()


def test_an_unknown_description_is_reported_and_read_as_missing(tmp_path: Path) -> None:
    """A description no table knows is never guessed."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,C.O. Extended S40(5) CA,2024-05-01{TS},NULL\n",
    )
    assert data.episodes[0].legal_status == ""
    assert problems(data) == [("lega_legal_status", "C.O. Extended S40(5) CA")]


def test_a_council_maps_its_own_descriptions(tmp_path: Path) -> None:
    """codes= maps a local text to its code."""
    folder = ssd(
        tmp_path,
        person=PERSON,
        episodes=EPISODES + f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        placements=PLACEMENTS + f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        statuses=STATUSES + f"LS-1,1001,C.O. Extended S40(5) CA,2024-05-01{TS},NULL\n",
    )
    data = read_ssd(folder, codes={"legal_status": {"C.O. extended s40(5) CA": "C2"}})
    assert data.episodes[0].legal_status == "C2"
    assert data.diagnostics == ()


def test_codes_naming_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    """A typo in codes= is caught before reading."""
    with pytest.raises(ReadError, match="codes= names no code table: legal"):
        read_ssd(ssd(tmp_path, p=PERSON), codes={"legal": {}})


# -- episodes --------------------------------------------------------------------------------


def test_episodes_are_joined_with_their_placement_and_the_legal_status_open_at_their_start(
    tmp_path: Path,
) -> None:
    """The field map's fourth example: one placement, a legal status change."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S - Started to be looked after,N1,2024-08-01{TS},"
        f"X1 - Episode ceases and new episode begins,POC-1\n"
        f"E-2,1001,P-1,2024-08-01{TS},L - Change of legal status only,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,V2,2024-05-01{TS},2024-08-01{TS}\nLS-2,1001,C1,2024-08-01{TS},NULL\n",
    )
    assert list(data.episodes) == [
        Episode(
            child_id="1001",
            start=D(2024, 5, 1),
            end=D(2024, 8, 1),
            reason_new="S",
            legal_status="V2",
            placement="U4",
            reason_ceased="X1",
            provider="PR1",
            postcode="AB1 2CD",
            category_of_need="N1",
        ),
        Episode(
            child_id="1001",
            start=D(2024, 8, 1),
            reason_new="L",
            legal_status="C1",
            placement="U4",
            provider="PR1",
            postcode="AB1 2CD",
            category_of_need="N1",
        ),
    ]
    assert data.diagnostics == ()
    result = INDICATORS["cla-3-plus-placements"].compute(
        data, period=ReportingPeriod.year_ending(2025)
    )
    assert result.denominator == 1


def test_a_move_recorded_where_the_placement_did_not_change_is_recomputed(
    tmp_path: Path,
) -> None:
    """RNE P on the same placement, same legal status: L, and reported."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,2024-08-01{TS},X1,POC-1\n"
        f"E-2,1001,P-1,2024-08-01{TS},P,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,C2,2024-05-01{TS},NULL\n",
    )
    assert [e.reason_new for e in data.episodes] == ["S", "L"]
    assert problems(data) == [("clae_cla_episode_start_reason", "P -> L")]


@pytest.mark.parametrize(
    ("recorded", "second_status", "expected"),
    [
        pytest.param("L", "C2", "P", id="placement-changed-not-legal"),
        pytest.param("L", "C1", "B", id="both-changed"),
        pytest.param("T", "C2", "T", id="same-carer-kept"),
        pytest.param("U", "C2", "T", id="same-carer-legal-unchanged"),
        pytest.param("S", "C2", "P", id="s-after-x1"),
    ],
)
def test_reasons_between_following_episodes_are_recomputed_from_the_join(
    tmp_path: Path, recorded: str, second_status: str, expected: str
) -> None:
    """The join decides what changed; the recorded code only says whether the carer stayed."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,2024-08-01{TS},X1,POC-1\n"
        f"E-2,1001,P-2,2024-08-01{TS},{recorded},N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n"
        f"P-2,POC-1,1001,2024-08-01{TS},U6,NULL,PR1,ZZ1 1ZZ\n",
        f"LS-1,1001,C2,2024-05-01{TS},2024-08-01{TS}\nLS-2,1001,{second_status},2024-08-01{TS},NULL\n",
    )
    assert data.episodes[1].reason_new == expected
    assert bool(data.diagnostics) == (recorded != expected)


def test_the_first_episode_after_a_gap_keeps_its_recorded_reason(tmp_path: Path) -> None:
    """A P after a window cut stays P: the extract may not hold the start of care."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},P,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,C2,2020-05-01{TS},NULL\n",
    )
    assert data.episodes[0].reason_new == "P"
    assert data.diagnostics == ()


def test_a_legal_status_starting_inside_an_episode_splits_it(tmp_path: Path) -> None:
    """The first part ceases X1, the next starts L, and the split is reported."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,2024-12-01{TS},E4A,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,V2,2024-05-01{TS},2024-07-01{TS}\nLS-2,1001,C1,2024-07-01{TS},NULL\n",
    )
    assert [
        (e.start, e.end, e.reason_new, e.legal_status, e.reason_ceased) for e in data.episodes
    ] == [
        (D(2024, 5, 1), D(2024, 7, 1), "S", "V2", "X1"),
        (D(2024, 7, 1), D(2024, 12, 1), "L", "C1", "E4A"),
    ]
    assert problems(data) == [("lega_legal_status_start_date", "2024-07-01")]


def test_an_episode_whose_placement_is_not_in_the_extract_is_kept_and_reported(
    tmp_path: Path,
) -> None:
    """SystemC drops T2-T4 placements: the episode stays, its placement code empty."""
    data = care(
        tmp_path,
        f"E-1,1001,P-9,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        "",
        f"LS-1,1001,C2,2024-05-01{TS},NULL\n",
    )
    assert data.episodes[0].placement == ""
    assert problems(data) == [("clae_cla_placement_id", "P-9")]


def test_an_episode_with_no_legal_status_open_is_kept_and_reported(tmp_path: Path) -> None:
    """No looked-after legal status at the start: the empty code, reported."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,SGO,2024-06-01{TS},NULL\n",
    )
    assert data.episodes[0].legal_status == ""
    assert [d.field for d in data.diagnostics] == ["lega_legal_status"]


# -- enquiries, plans, reviews, care leavers -------------------------------------------------


@pytest.mark.parametrize(
    ("end", "flag", "conference", "expected"),
    [
        pytest.param("NULL", "N", False, False, id="still-open"),
        pytest.param(f"2024-05-01{TS}", "N", False, True, id="ended-no-conference-wanted"),
        pytest.param(f"2024-05-01{TS}", "NULL", False, True, id="ended-no-flag"),
        pytest.param(f"2024-05-01{TS}", "Y", False, False, id="ended-conference-wanted"),
        pytest.param(f"2024-05-01{TS}", "N", True, False, id="conference-held"),
    ],
)
def test_icpc_not_required_is_derived_as_the_field_map_says(
    tmp_path: Path, end: str, flag: str, conference: bool, expected: bool
) -> None:
    """True only when the enquiry ended, no conference was wanted and none is recorded."""
    outcome = "NULL" if flag == "NULL" else f'"{{""CP_CONFERENCE_FLAG"": ""{flag}""}}"'
    enquiry = ENQUIRIES + f"S-1,R-9,1001,2024-04-08{TS},{end},N,{outcome}\n"
    conferences = CONFERENCES + (
        f"I-1,S-1,1001,CP-1,R-9,2024-04-29{TS},2024-04-30 14:30:00.000\n" if conference else ""
    )
    data = read_ssd(ssd(tmp_path, r=REFERRALS, s=enquiry, i=conferences))
    assert data.section47s[0].icpc_not_required is expected


def test_the_worked_example_of_a_late_conference(tmp_path: Path) -> None:
    """The second example: the conference 16 working days after the strategy discussion."""
    enquiry = ENQUIRIES + (
        f'S-1,R-9,1001,2024-04-08{TS},2024-04-30{TS},N,"{{""CP_CONFERENCE_FLAG"": ""Y""}}"\n'
    )
    conferences = CONFERENCES + f"I-1,S-1,1001,CP-1,R-9,2024-04-29{TS},2024-04-30 14:30:00.000\n"
    data = read_ssd(ssd(tmp_path, r=REFERRALS, s=enquiry, i=conferences))
    assert list(data.section47s) == [
        Section47(
            child_id="1001",
            referral_id="1001/2024-05-13",
            start_date=D(2024, 4, 8),
            icpc_target=D(2024, 4, 29),
            icpc_date=D(2024, 4, 30),
        )
    ]
    result = INDICATORS["icpc-15wd"].compute(data, period=ReportingPeriod.year_ending(2025))
    assert (result.numerator, result.denominator) == (0, 1)


def test_of_several_conferences_the_earliest_is_read_and_the_others_reported(
    tmp_path: Path,
) -> None:
    """Two conference rows of one enquiry: the earliest dated, by date not row order."""
    enquiry = ENQUIRIES + f"S-1,R-9,1001,2024-04-08{TS},NULL,N,NULL\n"
    conferences = CONFERENCES + (
        f"I-2,S-1,1001,NULL,R-9,NULL,2024-05-20{TS}\nI-1,S-1,1001,NULL,R-9,NULL,2024-04-30{TS}\n"
    )
    data = read_ssd(ssd(tmp_path, r=REFERRALS, s=enquiry, i=conferences))
    assert data.section47s[0].icpc_date == D(2024, 4, 30)
    assert [d.where for d in data.diagnostics] == ["line 2"]


def test_plans_carry_held_reviews_and_categories_read_as_codes(tmp_path: Path) -> None:
    """The third example: a review not yet held is not a review; Neglect is NEG."""
    plans = (
        "cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,"
        "cppl_cp_plan_end_date,cppl_cp_plan_ola,cppl_cp_plan_initial_category,"
        "cppl_cp_plan_latest_category\n"
        f"CP-1,R-9,I-1,1001,2024-04-30{TS},NULL,N,Neglect,NEG\n"
    )
    reviews = (
        "cppr_cp_review_id,cppr_person_id,cppr_cp_plan_id,cppr_cp_review_due,cppr_cp_review_date\n"
        f"RV-1,1001,CP-1,2024-07-30{TS},2024-07-29{TS}\nRV-2,1001,CP-1,2025-01-29{TS},NULL\n"
    )
    data = read_ssd(ssd(tmp_path, r=REFERRALS, p=plans, v=reviews))
    assert list(data.cp_plans) == [
        CPPlan(
            child_id="1001",
            referral_id="1001/2024-05-13",
            start_date=D(2024, 4, 30),
            initial_category="NEG",
            latest_category="NEG",
            review_dates=(D(2024, 7, 29),),
        )
    ]
    assert data.diagnostics == ()


LAC_REVIEWS = (
    "clar_cla_review_id,clar_cla_id,clar_cla_person_id,clar_cla_review_due_date,"
    "clar_cla_review_date,clar_cla_review_cancelled,clar_cla_review_participation\n"
    f"CR-1,POC-1,1001,2024-05-29{TS},2024-05-28{TS},N,PN1\n"
    f"CR-2,POC-1,1001,2024-08-28{TS},2024-08-28{TS},Y,PN7\n"
)


def test_cancelled_lac_reviews_are_left_out(tmp_path: Path) -> None:
    """The fifth example: the cancelled review is no review."""
    data = read_ssd(ssd(tmp_path, p=PERSON, v=LAC_REVIEWS))
    assert list(data.lac_reviews) == [
        LACReview(child_id="1001", review_date=D(2024, 5, 28), participation="PN1")
    ]


def test_a_review_without_its_child_column_takes_the_child_of_its_period_of_care(
    tmp_path: Path,
) -> None:
    """Eclipse has no clar_cla_person_id: the child comes through clar_cla_id."""
    reviews = "clar_cla_review_id,clar_cla_id,clar_cla_review_date\nCR-1,POC-1,2024-05-28\n"
    folder = ssd(
        tmp_path,
        person=PERSON,
        episodes=EPISODES + f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        placements=PLACEMENTS + f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        statuses=STATUSES + f"LS-1,1001,C2,2024-05-01{TS},NULL\n",
        reviews=reviews,
    )
    data = read_ssd(folder)
    assert [r.child_id for r in data.lac_reviews] == ["1001"]
    assert [d.field for d in data.diagnostics] == ["clar_cla_review_cancelled"]


CARE_LEAVERS = (
    "clea_table_id,clea_person_id,clea_care_leaver_eligibility,clea_care_leaver_in_touch,"
    "clea_care_leaver_latest_contact,clea_care_leaver_accommodation,"
    "clea_care_leaver_accom_suitable,clea_care_leaver_activity,clea_pathway_plan_review_date\n"
    f"CL-1,2002,Former Relevant,YES,2025-01-10{TS},D,1,F2,1900-01-01{TS}\n"
)


def test_care_leaver_accommodation_joins_letter_and_suitability(tmp_path: Path) -> None:
    """The fifth example: D and 1 make D1; the birth date comes from ssd_person."""
    person = PERSON + f"L78,2002,NULL,M,01,WBRI,2006-06-01{TS}\n"
    data = read_ssd(ssd(tmp_path, p=person, c=CARE_LEAVERS))
    assert list(data.care_leavers) == [
        CareLeaver(
            child_id="2002",
            birth_date=D(2006, 6, 1),
            in_touch="YES",
            activity="F2",
            accommodation="D1",
        )
    ]


def test_a_care_leaver_without_a_birth_date_is_dropped_and_reported(tmp_path: Path) -> None:
    """No ssd_person row for 2002: no CareLeaver, a diagnostic."""
    data = read_ssd(ssd(tmp_path, p=PERSON, c=CARE_LEAVERS))
    assert list(data.care_leavers) == []
    assert problems(data) == [("clea_person_id", "2002")]


# -- coverage and merging ------------------------------------------------------------------


def test_coverage_runs_from_the_window_start_to_the_extract_date(tmp_path: Path) -> None:
    """Six years back from the extract date, or the earliest date when that is later."""
    old = REFERRALS + "R-1,1001,2010-01-05 00:00:00.000,N1,5A,NULL,NULL,N,NULL,NULL\n"
    data = read_ssd(ssd(tmp_path, r=old), extract_date=D(2025, 3, 31))
    (coverage,) = data.coverage.returns
    assert (coverage.kind, coverage.year, coverage.start, coverage.end) == (
        "ssd",
        None,
        D(2019, 3, 31),
        D(2025, 3, 31),
    )
    recent = read_ssd(ssd(tmp_path, r=REFERRALS))
    assert (recent.coverage.returns[0].start, recent.coverage.returns[0].end) == (
        D(2024, 5, 13),
        D(2024, 5, 13),
    )


def test_merged_with_cin_census_files_the_source_ending_later_wins(tmp_path: Path) -> None:
    """An extract has no collection year: `|` lets the source whose data ends later win."""
    census = Dataset(
        referrals=[
            Referral(
                referral_id="1001/2024-05-13",
                child_id="1001",
                referral_date=D(2024, 5, 13),
                nfa=True,
            )
        ]
    )
    write_cin_census(census, tmp_path / "cin.xml", reference_date=D(2025, 3, 31))
    annual = read_cin_census(tmp_path / "cin.xml")
    extract = read_ssd(ssd(tmp_path, r=REFERRALS))
    # The census runs to 31 March 2025, the extract to 13 May 2024: the census is later.
    assert [r.nfa for r in (annual | extract).referrals] == [True]
    assert [r.nfa for r in (extract | annual).referrals] == [True]
    later = read_ssd(ssd(tmp_path, r=REFERRALS), extract_date=D(2025, 6, 30))
    assert [r.nfa for r in (annual | later).referrals] == [False]
    assert [r.nfa for r in (later | annual).referrals] == [False]
    assert set((annual | extract).coverage.returns) == {
        *annual.coverage.returns,
        *extract.coverage.returns,
    }


def test_the_report_merges_the_later_source_over_the_earlier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """For a record both hold, the source ending later wins, whatever the order of options."""
    census = Dataset(
        referrals=[
            Referral(
                referral_id="1001/2024-05-13",
                child_id="1001",
                referral_date=D(2024, 5, 13),
                nfa=True,
            )
        ]
    )
    write_cin_census(census, tmp_path / "cin.xml", reference_date=D(2025, 3, 31))
    folder = ssd(tmp_path, r=REFERRALS)
    outputs = []
    cin = ["--cin", str(tmp_path / "cin.xml")]
    extract = ["--ssd", str(folder), "--ssd-extract-date", "2025-06-30"]
    rest = ["--between", "2024-05-13", "2024-05-13", "--format", "json"]
    rest += ["--indicator", "referrals-nfa", "--no-compare"]
    for order in (cin + extract, extract + cin):
        code = main(["report", *order, *rest])
        assert code == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert '"numerator": 0' in outputs[0]


def test_report_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--ssd-extract-date needs --ssd; a missing folder is named."""
    assert main(["report", "--ssd-extract-date", "2025-03-31", "--year-ending", "2025"]) == 2
    assert "applies to --ssd" in capsys.readouterr().err
    assert main(["report", "--ssd", str(tmp_path / "none"), "--year-ending", "2025"]) == 2
    assert "no such SSD folder" in capsys.readouterr().err


# -- the synthetic council -------------------------------------------------------------------


def figure(result: object) -> tuple[object, ...]:
    """What a report prints of a result: its counts, value, bands and exclusions."""
    names = ("numerator", "denominator", "value", "count", "bands", "excluded")
    return tuple(getattr(result, name, None) for name in names)


ROUND_TRIP_LOSSES = {
    "contact-decision-1wd": "the SSD has no contact decision date",
    "cpp-second-or-subsequent": "the SSD has no number of previous plans",
}


def as_one_system_holds_it(data: Any, coverage: Any = None) -> Any:
    """The synthetic council as its case management system holds it, not as its returns do.

    The cohort's episodes carry the year of the SSDA903 return holding them, so that an
    episode left open by a child missing from a later return is closed (SPEC §4.4); an
    in-year extract is one system's current record, with no returns to be missing from.
    """
    episodes = [attrs.evolve(e, year=None) for e in data.episodes]
    if coverage is None:
        return attrs.evolve(data, episodes=episodes)
    # Reviews are known from the extract's own start, not the synthetic returns'.
    return attrs.evolve(data, episodes=episodes, coverage=coverage)


def test_the_synthetic_council_reads_back_to_the_same_figures(tmp_path: Path) -> None:
    """write_ssd then read_ssd: every figure the SSD can hold is the same, for each year."""
    data = synthetic_dataset(scale=0.15)
    write_ssd(data, tmp_path / "ssd")
    back = read_ssd(tmp_path / "ssd")
    for year in (2024, 2025):
        period = ReportingPeriod.year_ending(year)
        for card in INDICATORS.values():
            if card.id in ROUND_TRIP_LOSSES or (
                card.id.startswith("care-leavers") and year != 2025
            ):
                continue  # the SSD holds each care leaver's latest row only
            expected = card.compute(as_one_system_holds_it(data, back.coverage), period=period)
            found = card.compute(back, period=period)
            assert figure(found) == figure(expected), (card.id, year)


def test_the_round_trip_loses_what_the_ssd_cannot_hold(tmp_path: Path) -> None:
    """Decision dates and previous-plan counts are not in the SSD."""
    data = synthetic_dataset(scale=0.05)
    write_ssd(data, tmp_path / "ssd")
    back = read_ssd(tmp_path / "ssd")
    assert all(c.decision_date is None for c in back.contacts)
    assert all(p.previous_plans is None for p in back.cp_plans)


# -- properties ------------------------------------------------------------------------------


@functools.cache
def small_extract() -> dict[str, str]:
    """The synthetic council's SSD files, as text."""
    with tempfile.TemporaryDirectory() as folder:
        write_ssd(synthetic_dataset(scale=0.02), folder)
        return {path.name: path.read_text() for path in Path(folder).iterdir()}


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000))
def test_row_order_never_changes_the_dataset(seed: int) -> None:
    """Shuffling every file's rows, and renaming the files, gives the same records."""
    shuffler = random.Random(seed)
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        for name, text in small_extract().items():
            header, *rows = text.splitlines(keepends=True)
            (Path(first) / name).write_text(text)
            shuffler.shuffle(rows)
            (Path(second) / f"x{shuffler.randrange(10**6)}_{name}").write_text(
                header + "".join(rows)
            )
        one, two = read_ssd(first), read_ssd(second)
    for table in ("children", "contacts", "referrals", "assessments", "section47s",
                  "cp_plans", "cin_plans", "episodes", "lac_reviews", "care_leavers"):  # fmt: skip
        assert list(one.records(table)) == list(two.records(table)), table  # type: ignore[arg-type]


referral_rows = st.lists(
    st.tuples(
        st.sampled_from(["R-1", "R-2", "R-3", ""]),
        st.sampled_from(["1", "2", "", "NULL"]),
        st.sampled_from(["2024-05-13 10:00:00.000", "2024-05-13", "1900-01-01", "x", "NULL"]),
        st.sampled_from(["Y", "N", "maybe", ""]),
    ),
    max_size=10,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=referral_rows)
def test_every_referral_row_is_a_referral_or_in_a_diagnostic(
    rows: list[tuple[str, str, str, str]],
) -> None:
    """Nothing vanishes: each row is read, or named by a diagnostic."""
    text = "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa\n" + "".join(
        ",".join(row) + "\n" for row in rows
    )
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "r.csv").write_text(text)
        data = read_ssd(folder)
    lines = {int(o) for o in data.origin_of("referrals").line}
    named = {int(d.where.split()[1]) for d in data.diagnostics if d.where.startswith("line ")}
    written = [n for n, row in enumerate(rows, start=2) if any(row)]
    assert set(written) <= lines | named


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400), prefix=st.sampled_from(["cine", "clae", "clea", "lega"]))
def test_no_byte_sequence_crashes_the_reader(content: bytes, prefix: str) -> None:
    """Any bytes after a header give a dataset or a ReadError, never another exception."""
    headers = {
        "cine": "cine_referral_id,cine_person_id,cine_referral_date\n",
        "clae": EPISODES,
        "clea": "clea_table_id,clea_person_id,clea_care_leaver_accommodation\n",
        "lega": STATUSES,
    }
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "t.csv").write_bytes(headers[prefix].encode() + content)
        Path(folder, "p.csv").write_text(PERSON)
        with contextlib.suppress(ReadError):
            read_ssd(folder)


def test_strict_mode_raises_on_any_problem(tmp_path: Path) -> None:
    """Strict mode turns diagnostics into an error."""
    referral = REFERRALS.replace("N,NULL,NULL", "N,RC1,1900-01-01")
    with pytest.raises(StrictReadError):
        read_ssd(ssd(tmp_path, r=referral), strict=True)


def test_bad_arguments_are_refused_before_reading(tmp_path: Path) -> None:
    """A date-time extract date, a window of 0 years: InvalidOptionError at the call."""
    folder = ssd(tmp_path, p=PERSON)
    with pytest.raises(InvalidOptionError, match="extract_date"):
        read_ssd(folder, extract_date=dt.datetime(2025, 3, 31, tzinfo=dt.UTC))
    with pytest.raises(InvalidOptionError, match="window_years"):
        read_ssd(folder, window_years=0)


def test_two_legal_statuses_open_on_one_day_are_reported(tmp_path: Path) -> None:
    """An ambiguous join reads the status started latest, and says so."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,V2,2024-04-01{TS},NULL\nLS-2,1001,C1,2024-05-01{TS},NULL\n",
    )
    assert data.episodes[0].legal_status == "C1"
    assert problems(data) == [("lega_legal_status", "C1, V2")]


def test_a_legal_status_without_a_start_is_dropped_and_reported(tmp_path: Path) -> None:
    """It cannot be joined by date: never silently."""
    data = care(
        tmp_path,
        f"E-1,1001,P-1,2024-05-01{TS},S,N1,NULL,NULL,POC-1\n",
        f"P-1,POC-1,1001,2024-05-01{TS},U4,NULL,PR1,AB1 2CD\n",
        f"LS-1,1001,C2,2024-05-01{TS},NULL\nLS-2,1001,C1,NULL,NULL\n",
    )
    assert data.episodes[0].legal_status == "C2"
    assert problems(data) == [("lega_legal_status_start_date", "")]
