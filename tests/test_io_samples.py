"""The readers on returns written outside this project (shared/external-samples).

The samples are not part of the repository; these tests are skipped where they are absent
(CI may not have them). Each file must read without a crash, lose nothing (checked against a
plain count made with the standard library), and report every problem as a diagnostic.
"""

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io import read_cin_census, read_ssda903
from safeguarding_metrics.working_days import add_working_days

REPO = Path(__file__).resolve().parents[1]
CANDIDATES = (Path("/work/shared/external-samples"), REPO.parent / "shared" / "external-samples")
SAMPLES = next((p for p in CANDIDATES if p.is_dir()), None)

pytestmark = pytest.mark.skipif(
    SAMPLES is None, reason="shared/external-samples is not present (it is not in the repository)"
)


def samples(pattern: str) -> list[Path]:
    """Sample paths matching *pattern*, sorted (none when the samples are absent)."""
    return sorted(SAMPLES.glob(pattern)) if SAMPLES is not None else []


def iso_or_uk(text: str | None) -> dt.date | None:
    """Oracle date parser: strptime in either form the readers accept."""
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime((text or "").strip(), form).date()  # noqa: DTZ007
        except ValueError:
            pass
    return None


# -- CIN census ----------------------------------------------------------------------------------


def cin_oracle(path: Path) -> Counter[str]:
    """Counts of what the reader should return, from a plain ElementTree walk."""
    counts: Counter[str] = Counter()
    ids = set()
    for child in ET.parse(path).getroot().iter("Child"):  # known sample files, no DTD
        child_id = (child.findtext("ChildIdentifiers/LAchildID") or "").strip()
        if not child_id:
            continue
        ids.add(child_id)
        for details in child.findall("CINdetails"):
            if iso_or_uk(details.findtext("CINreferralDate")) is None:
                continue
            counts["referrals"] += 1
            counts["assessments"] += len(details.findall("Assessments"))
            counts["section47s"] += len(details.findall("Section47"))
            counts["cp_plans"] += sum(
                iso_or_uk(p.findtext("CPPstartDate")) is not None
                for p in details.findall("ChildProtectionPlans")
            )
            counts["cin_plans"] += sum(
                iso_or_uk(p.findtext("CINPlanStartDate")) is not None
                for p in details.findall("CINPlanDates")
            )
    counts["children"] = len(ids)
    return counts


@pytest.mark.parametrize("path", samples("cin-census/*.xml"), ids=lambda p: p.name)
def test_each_cin_sample_reads_and_loses_nothing(path: Path) -> None:
    """Every sample CIN file reads; record counts match a plain ElementTree count."""
    data = read_cin_census(path)
    counts = {table: n for table, n in data.counts().items() if n}
    assert counts == {k: v for k, v in cin_oracle(path).items() if v}
    for diagnostic in data.diagnostics:
        assert diagnostic.file == str(path)
        assert diagnostic.problem
    (covered,) = data.coverage.returns
    assert covered.path == str(path)
    for table in ("children", "referrals"):
        (file,) = data.origin_of(table).files
        assert file == str(path)
        assert (data.origin_of(table).line > 0).all()


def test_dfe_sample_icpc_target_is_15_working_days_after_the_s47() -> None:
    """The DfE specimen's S47 (1970-06-02) has InitialCPCtarget 1970-06-23 (SPEC §1)."""
    data = read_cin_census(samples("cin-census/dfe-sample-cin-2022.xml"))
    (s47,) = data.section47s
    assert (s47.start_date, s47.icpc_target) == (dt.date(1970, 6, 2), dt.date(1970, 6, 23))
    assert s47.start_date is not None
    assert add_working_days(s47.start_date, 15) == s47.icpc_target
    assert s47.referral_id == "DfEX0000001/1970-10-06"


def test_cin_samples_for_one_collection_year_are_an_error_naming_both() -> None:
    """The 2024 and 2026 fixtures both have ReferenceDate 2024-03-31: one year, two files."""
    first, second = samples("cin-census/CIN_Census_2024.xml") + samples(
        "cin-census/CIN_Census_2026.xml"
    )
    with pytest.raises(ReadError, match=r"CIN_Census_2024\.xml and .*CIN_Census_2026\.xml"):
        read_cin_census([second, first])


def test_cin_samples_of_two_years_merge_whatever_the_order_given() -> None:
    """The 2021-22 specimen and the 2023-24 fixture (one council, LEA 201) merge either way."""
    older, newer = samples("cin-census/dfe-sample-cin-2022.xml") + samples(
        "cin-census/CIN_Census_2024.xml"
    )
    merged = read_cin_census([newer, older])
    assert merged == read_cin_census([older, newer])
    assert [(r.year, r.end) for r in merged.coverage.returns] == [
        (2022, dt.date(2022, 3, 31)),
        (2024, dt.date(2024, 3, 31)),
    ]
    ids = {c.child_id for c in read_cin_census(older).children} | {
        c.child_id for c in read_cin_census(newer).children
    }
    assert {c.child_id for c in merged.children} == ids
    assert len({r.referral_id for r in merged.referrals}) == len(merged.referrals)


def test_cin_samples_of_two_councils_are_refused_whatever_the_order_given() -> None:
    """The DfE specimen (LEA 201) and the fake data (LEA 975) are two councils: ReadError."""
    files = samples("cin-census/dfe-sample-cin-2022.xml") + samples("cin-census/fake_CIN_data.xml")
    for order in (files, files[::-1]):
        with pytest.raises(
            ReadError, match=r"different local authorities read together \(LEA 201: .*LEA 975"
        ):
            read_cin_census(order)


def test_cin_sample_strict_mode_raises_only_with_problems() -> None:
    """Strict mode passes the clean DfE specimen."""
    data = read_cin_census(samples("cin-census/dfe-sample-cin-2022.xml"), strict=True)
    assert len(data.children) == 1


# -- SSDA903 -------------------------------------------------------------------------------------


def rows(folder: Path, first_column: str) -> list[dict[str, str]]:
    """Rows of the table in *folder* whose header includes *first_column*."""
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if first_column in (reader.fieldnames or []):
                return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return []


def ssda903_oracle(returns: dict[int, Path]) -> dict[str, int]:
    """Record counts the merge rules give, by plain dictionaries over csv rows."""
    episodes: set[tuple[str, dt.date]] = set()
    children: set[str] = set()
    reviews: set[tuple[str, dt.date]] = set()
    leavers: set[tuple[str, int]] = set()
    for year, folder in returns.items():
        episodes |= {
            (r["CHILD"], start)
            for r in rows(folder, "DECOM")
            if r["CHILD"] and (start := iso_or_uk(r["DECOM"])) is not None
        }
        children |= {r["CHILD"] for r in rows(folder, "ETHNIC") if r["CHILD"]}
        reviews |= {
            (r["CHILD"], day)
            for r in rows(folder, "REVIEW")
            if r["CHILD"] and (day := iso_or_uk(r["REVIEW"])) is not None
        }
        leavers |= {
            (r["CHILD"], year)
            for r in rows(folder, "IN_TOUCH")
            if r["CHILD"] and iso_or_uk(r["DOB"]) is not None
        }
    return {
        "children": len(children),
        "episodes": len(episodes),
        "lac_reviews": len(reviews),
        "care_leavers": len(leavers),
    }


# The sample folder named 2017 holds the return whose dates run from April 2017 to March
# 2018: the return for collection year 2018, and so on. The single-year sample's dates run
# to March 2018 too.
MULTI_YEAR = {year + 1: f"ssda903-multi-year/{year}" for year in range(2017, 2022)}


@pytest.mark.parametrize(
    "returns",
    [
        pytest.param({2018: "ssda903-single-year"}, id="single-year"),
        pytest.param(MULTI_YEAR, id="five-years"),
        *(pytest.param({y: f}, id=f) for y, f in MULTI_YEAR.items()),
    ],
)
def test_each_ssda903_sample_reads_and_loses_nothing(returns: dict[int, str]) -> None:
    """Every sample return reads; counts match the merge rules applied to plain csv rows."""
    assert SAMPLES is not None
    paths = {year: SAMPLES / folder for year, folder in returns.items()}
    data = read_ssda903(paths)
    counts = data.counts()
    assert {k: counts[k] for k in ssda903_oracle(paths)} == ssda903_oracle(paths)
    assert [r.year for r in data.coverage.returns] == sorted(paths)
    for diagnostic in data.diagnostics:
        assert Path(diagnostic.file).parent in paths.values()
        assert diagnostic.where.startswith("line ")
        assert diagnostic.problem


def test_ssda903_samples_read_the_same_in_any_order() -> None:
    """The five returns given newest first read to the same records (SPEC §5)."""
    assert SAMPLES is not None
    paths = {year: SAMPLES / folder for year, folder in MULTI_YEAR.items()}
    forwards = read_ssda903(paths)
    backwards = read_ssda903(dict(reversed(paths.items())))
    for table in ("children", "episodes", "lac_reviews", "care_leavers"):
        assert set(forwards.records(table)) == set(backwards.records(table))


def test_ssda903_sample_folder_names_are_a_year_early() -> None:
    """Read by their names, the sample folders are reported as holding the next year's dates."""
    assert SAMPLES is not None
    data = read_ssda903(SAMPLES / "ssda903-multi-year" / "2017")
    (whole,) = [d for d in data.diagnostics if d.where == "folder"]
    assert "name it 2018 or 2017-18" in whole.value


# -- the report over the samples -----------------------------------------------------------------


def _report_json(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    from safeguarding_metrics.cli import main

    code = main(["report", *argv, "--format", "json"])
    out, _ = capsys.readouterr()
    assert code in (0, 1)  # 1 when no indicator can be computed for the period
    return out


@pytest.mark.parametrize("year", ["2018", "2019", "2020", "2021", "2022"])
def test_report_on_the_multi_year_sample_is_the_same_whatever_the_folder_order(
    capsys: pytest.CaptureFixture[str], year: str
) -> None:
    """The five SSDA903 folders forwards, backwards and shuffled give one JSON report."""
    folders = [str(p) for p in samples("ssda903-multi-year/*")]
    shuffled = folders[2:] + folders[:2]
    reports = {
        _report_json(capsys, "--ssda903", *order, "--year-ending", year)
        for order in (folders, folders[::-1], shuffled)
    }
    assert len(reports) == 1


def test_report_on_the_cin_samples_is_the_same_whatever_the_file_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two CIN census samples of one council and different years, either order: one report."""
    import json

    files = [str(p) for p in samples("cin-census/dfe-sample-cin-2022.xml")] + [
        str(p) for p in samples("cin-census/CIN_Census_2024.xml")
    ]
    forwards = _report_json(capsys, "--cin", *files)
    backwards = _report_json(capsys, "--cin", *files[::-1])
    assert json.loads(forwards)["indicators"]
    assert forwards == backwards


def test_report_on_the_single_year_sample_has_no_arrow_against_the_year_before_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The 2017-18 return alone: figures for 2017-18, never an arrow against 2016-17."""
    import json

    folder = str(samples("ssda903-single-year")[0])
    document = json.loads(
        _report_json(capsys, "--ssda903", f"2018={folder}", "--year-ending", "2018")
    )
    for entry in document["indicators"].values():
        assert entry.get("direction", "not-comparable") == "not-comparable"
    placements = document["indicators"]["cla-3-plus-placements"]
    assert placements["previous"]["unsupported"].startswith("2016-17 lies before the data")
