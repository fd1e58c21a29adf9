"""Tests of the synthetic cohort: deterministic, valid, realistic, and written as returns."""

import collections
import datetime as dt
import functools
import itertools
from pathlib import Path

import attrs
import pytest

from safeguarding_metrics import (
    INDICATORS,
    Assessment,
    CareLeaver,
    CPPlan,
    Dataset,
    Episode,
    InvalidOptionError,
    Referral,
    ReportingPeriod,
    Section47,
    add_months,
    working_days_between,
)
from safeguarding_metrics.care_history import episode_problems
from safeguarding_metrics.io.ssda903 import read_ssda903
from safeguarding_metrics.provenance import collection_year
from safeguarding_metrics.synthetic import (
    cin_census_year,
    ssda903_year,
    synthetic_dataset,
    write_synthetic,
)


@functools.cache
def default_cohort() -> Dataset:
    return synthetic_dataset()


@functools.cache
def small_cohort(seed: int = 7) -> Dataset:
    return synthetic_dataset(seed=seed, scale=0.1)


def referrals_in(data: Dataset, year_ending: int) -> list[Referral]:
    period = ReportingPeriod.year_ending(year_ending)
    return [r for r in data.referrals if period.contains(r.referral_date)]


def test_same_seed_gives_equal_datasets() -> None:
    """Two cohorts made with one seed are equal, record for record."""
    assert synthetic_dataset(seed=7, scale=0.1) == small_cohort(7)


def test_different_seeds_give_different_datasets() -> None:
    """Another seed gives another cohort."""
    assert synthetic_dataset(seed=8, scale=0.1) != small_cohort(7)


def test_every_date_is_a_plain_date_from_1970_to_2050() -> None:
    """Every date of every record is a `datetime.date` within the calendar's coverage."""
    data = default_cohort()
    seen = 0
    for record in data:
        for field in attrs.fields(type(record)):
            value = getattr(record, field.name)
            values = value if isinstance(value, tuple) else (value,)
            for item in values:
                if isinstance(item, dt.date):
                    assert type(item) is dt.date
                    assert dt.date(1970, 1, 1) <= item <= dt.date(2050, 12, 31)
                    seen += 1
    assert seen > 50_000


def test_nothing_is_dated_after_the_last_year() -> None:
    """The data is as known on 31 March of the last year: only targets lie beyond it."""
    last = dt.date(2025, 3, 31)
    data = attrs.evolve(
        default_cohort(),
        section47s=[attrs.evolve(s, icpc_target=None) for s in default_cohort().section47s],
    )
    assert all(d <= last for record in data for d in _dates(record))


def _dates(record: object) -> list[dt.date]:
    found = []
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, dt.date):
                found.append(item)
    return found


def test_every_collection_is_filled() -> None:
    """The cohort has records of every kind."""
    counts = default_cohort().counts()
    assert all(n > 0 for n in counts.values()), counts


@pytest.mark.parametrize("year_ending", [2023, 2024, 2025])
def test_about_3000_referrals_a_year(year_ending: int) -> None:
    """At scale 1 each year has about 3,000 referrals."""
    assert 2_500 <= len(referrals_in(default_cohort(), year_ending)) <= 3_500


def test_scale_multiplies_the_size() -> None:
    """A tenth of the scale gives about a tenth of the referrals."""
    assert 200 <= len(referrals_in(small_cohort(), 2025)) <= 420


def test_about_one_in_five_referrals_is_a_re_referral() -> None:
    """Re-referrals within 12 months are present, at a realistic rate."""
    data = default_cohort()
    by_child = collections.defaultdict(set)
    for referral in data.referrals:
        by_child[referral.child_id].add(referral.referral_date)
    cohort = {(r.child_id, r.referral_date) for r in referrals_in(data, 2025)}
    re_referred = [
        (child, day)
        for child, day in cohort
        if any(add_months(day, -12) <= p < day for p in by_child[child])
    ]
    assert 0.12 <= len(re_referred) / len(cohort) <= 0.35


def test_some_referrals_are_same_day_duplicates() -> None:
    """A few referrals are recorded twice on one day."""
    pairs = collections.Counter((r.child_id, r.referral_date) for r in default_cohort().referrals)
    assert 0 < sum(n > 1 for n in pairs.values()) < 0.02 * len(pairs)


def test_some_referrals_are_no_further_action() -> None:
    """Between 3% and 12% of referrals are NFA, and NFA referrals have no assessment."""
    data = default_cohort()
    nfa = {r.referral_id for r in data.referrals if r.nfa}
    assert 0.03 <= len(nfa) / len(data.referrals) <= 0.12
    assert not any(a.referral_id in nfa for a in data.assessments)


def _single_durations(data: Dataset) -> list[int]:
    return [
        working_days_between(a.start_date, a.authorisation_date)
        for a in data.assessments
        if a.start_date is not None and a.authorisation_date is not None and a.kind == "single"
    ]


def test_most_assessments_are_on_time_and_some_are_late() -> None:
    """Most single assessments take 45 working days or fewer; some take longer."""
    durations = _single_durations(default_cohort())
    on_time = sum(0 <= d <= 45 for d in durations) / len(durations)
    assert 0.75 <= on_time <= 0.95
    assert any(d > 45 for d in durations)


def test_some_assessments_lack_a_start_or_end_before_it() -> None:
    """A few assessments have no start date, and a few are authorised before they started."""
    data = default_cohort()
    assert any(a.start_date is None for a in data.assessments)
    assert any(d < 0 for d in _single_durations(data))


def test_most_conferences_are_within_15_working_days() -> None:
    """Most ICPCs are within 15 working days; some are late, a few dated before the S47."""
    held = [s for s in default_cohort().section47s if s.start_date and s.icpc_date]
    days = [working_days_between(s.start_date, s.icpc_date) for s in held]  # type: ignore[arg-type]
    assert 0.7 <= sum(0 <= d <= 15 for d in days) / len(days) <= 0.95
    assert any(d > 15 for d in days)
    assert any(d < 0 for d in days)


def test_icpc_targets_are_15_working_days_after_the_start() -> None:
    """Every InitialCPCtarget is 15 working days after its strategy discussion."""
    for s47 in default_cohort().section47s:
        assert s47.start_date is not None
        assert s47.icpc_target is not None
        assert working_days_between(s47.start_date, s47.icpc_target) == 15


def test_plans_include_second_plans_long_plans_and_reviews() -> None:
    """Some children have a second plan, some plans last two years or more, plans have reviews."""
    plans: list[CPPlan] = list(default_cohort().cp_plans)
    per_child = collections.Counter(p.child_id for p in plans)
    assert any(n > 1 for n in per_child.values())
    assert any(p.previous_plans for p in plans)
    assert any(p.end_date and (p.end_date - p.start_date).days >= 729 for p in plans)
    assert sum(bool(p.review_dates) for p in plans) > len(plans) / 2


def test_a_childs_plans_do_not_overlap() -> None:
    """A child's next plan starts only after the previous one ended."""
    by_child = collections.defaultdict(list)
    for plan in default_cohort().cp_plans:
        by_child[plan.child_id].append(plan)
    for plans in by_child.values():
        plans.sort(key=lambda p: p.start_date)
        for before, after in itertools.pairwise(plans):
            assert before.end_date is not None
            assert before.end_date <= after.start_date


def test_looked_after_histories_use_ssda903_codes() -> None:
    """Episodes start S, P, B, L, T or U; short breaks, temporary and adoptive placements occur."""
    episodes: list[Episode] = list(default_cohort().episodes)
    assert {e.reason_new for e in episodes} == {"S", "P", "B", "L", "T", "U"}
    statuses = {e.legal_status for e in episodes}
    assert {"V3", "V4", "C2", "E1"} <= statuses
    placements = {e.placement for e in episodes}
    assert placements & {"T0", "T1", "T2", "T3", "T4"}
    assert placements & {"A3", "A4", "A5", "A6"}
    reasons = {e.reason_ceased for e in episodes}
    assert {"E11", "E41", "E4A"} <= reasons
    assert reasons & {"E43", "E44", "E45", "E46"}


def exhibit(child_id: str) -> bool:
    """The few children made to exercise the looked-after repairs have ids starting X."""
    return child_id.startswith("X")


def test_a_childs_episodes_follow_one_another() -> None:
    """Within a period of care each episode starts on the day the one before ended with X1."""
    by_child = collections.defaultdict(list)
    for episode in default_cohort().episodes:
        if not exhibit(episode.child_id):
            by_child[episode.child_id].append(episode)
    for episodes in by_child.values():
        episodes.sort(key=lambda e: e.start)
        for before, after in itertools.pairwise(episodes):
            assert before.end is not None
            assert before.end <= after.start
            if after.reason_new != "S":
                assert (before.end, before.reason_ceased) == (after.start, "X1")


def test_a_few_records_exercise_each_repair() -> None:
    """An overlap, an X1 with no next episode and a child missing from later returns, only."""
    found = {(i.episode.child_id, i.problem) for i in episode_problems(default_cohort())}
    assert {problem for _, problem in found} == {
        "overlap",
        "x1-without-next-episode",
        "missing-from-next-return",
    }
    assert all(exhibit(child) for child, _ in found)


def test_short_breaks_before_care_change_the_placements_counted() -> None:
    """A child on short breaks, then in care: one placement, or four when short breaks count."""
    year = ReportingPeriod.year_ending(2025)
    card = INDICATORS["cla-3-plus-placements"]
    default = card.compute(default_cohort(), period=year)
    counted = card.compute(default_cohort(), period=year, short_breaks="count")
    assert default.audit is not None
    assert counted.audit is not None
    placements = dict(
        zip(default.audit.child_ids, default.audit.measures["placements"], strict=True)
    )
    counting = dict(zip(counted.audit.child_ids, counted.audit.measures["placements"], strict=True))
    changed = {c for c in placements if placements[c] >= 0 and placements[c] != counting[c]}
    assert changed
    assert all(exhibit(c) for c in changed)
    assert {(placements[c], counting[c]) for c in changed} == {(1.0, 4.0)}


def test_every_episode_carries_the_year_of_the_latest_return_holding_it() -> None:
    """Episode.year is one of the years covered, and no earlier than the episode's start year."""
    for episode in default_cohort().episodes:
        assert episode.year in (2023, 2024, 2025)
        assert episode.year >= min(collection_year(episode.start), 2023)
        if episode.end is not None and not exhibit(episode.child_id):
            assert episode.year >= min(collection_year(episode.end), 2025)


def test_coverage_records_a_cin_census_and_an_ssda903_return_a_year() -> None:
    """Six synthetic returns for 2022-23 to 2024-25; reviews known from 1 April 2022."""
    coverage = default_cohort().coverage
    assert [(r.kind, r.year) for r in coverage.returns] == [
        ("synthetic", year) for year in (2023, 2023, 2024, 2024, 2025, 2025)
    ]
    assert coverage.years("episodes") == (2023, 2024, 2025)
    assert coverage.years("referrals") == (2023, 2024, 2025)
    assert coverage.years("contacts") == ()
    assert coverage.span(["lac_reviews"]) == (dt.date(2022, 4, 1), dt.date(2025, 3, 31))


def test_about_300_children_are_looked_after() -> None:
    """A council-sized number of children is looked after at the end of the last year."""
    last = dt.date(2025, 3, 31)
    open_at_end = {
        e.child_id
        for e in default_cohort().episodes
        if e.start <= last and (e.end is None or e.end > last)
    }
    assert 200 <= len(open_at_end) <= 450


def test_care_leavers_have_a_row_in_each_year_they_are_17_to_21_in() -> None:
    """Each OC3 row's year holds the young person's 17th to 21st birthday; one row a year."""
    leavers: list[CareLeaver] = list(default_cohort().care_leavers)
    assert len(leavers) > 300
    rows = collections.Counter((leaver.child_id, leaver.year) for leaver in leavers)
    assert set(rows.values()) == {1}
    for leaver in leavers:
        assert leaver.year is not None
        year = ReportingPeriod.year_ending(leaver.year)
        ages = [a for a in range(15, 24) if year.contains(add_months(leaver.birth_date, 12 * a))]
        assert len(ages) == 1
        assert 17 <= ages[0] <= 21
    assert {leaver.year for leaver in leavers} == {2023, 2024, 2025}


@pytest.mark.parametrize(
    ("year", "codes", "absent"),
    [
        pytest.param(2021, {"F3", "P3"}, {"F4", "P4", "F5", "P5"}, id="before-the-2021-22-return"),
        pytest.param(2022, {"F4", "F5"}, {"F3", "P3"}, id="from-the-2021-22-return"),
    ],
)
def test_activities_follow_the_code_list_of_each_return(
    year: int, codes: set[str], absent: set[str]
) -> None:
    """F3/P3 in returns before 2022; F4/P4 and F5/P5 from the 2021-22 return on."""
    data = synthetic_dataset(scale=0.5, year_ending=2023, years=3)
    activities = {leaver.activity for leaver in data.care_leavers if leaver.year == year}
    assert codes <= activities
    assert not absent & activities


def test_young_people_still_looked_after_on_the_birthday_are_not_required() -> None:
    """A young person looked after on their 17th birthday has an NREQ row that year."""
    data = default_cohort()
    not_required = [c for c in data.care_leavers if c.in_touch == "NREQ" and c.activity is None]
    assert not_required
    card = INDICATORS["care-leavers-eet-17-18"]
    result = card.compute(data, period=ReportingPeriod.year_ending(2025))
    assert result.audit is not None
    assert result.audit.measures["looked_after_on_birthday"].any()


def test_pre_2013_years_have_initial_and_core_assessments() -> None:
    """Before April 2013 the cohort has initial and core assessments, not single ones."""
    data = synthetic_dataset(scale=0.05, year_ending=2012)
    kinds = {a.kind for a in data.assessments}
    assert kinds == {"initial", "core"}


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"seed": -1}, id="negative-seed"),
        pytest.param({"scale": 0}, id="zero-scale"),
        pytest.param({"scale": 21}, id="huge-scale"),
        pytest.param({"years": 0}, id="no-years"),
        pytest.param({"year_ending": 2001, "years": 3}, id="before-2000"),
        pytest.param({"year_ending": 2046}, id="after-2045"),
    ],
)
def test_bad_options_are_refused(options: dict[str, int]) -> None:
    """Options outside their ranges raise InvalidOptionError."""
    with pytest.raises(InvalidOptionError):
        synthetic_dataset(**options)


def test_a_cin_census_year_holds_what_was_known_then() -> None:
    """A census year keeps referrals open in it and blanks dates after its end."""
    referrals = [
        Referral(
            referral_id="A/1",
            child_id="A",
            referral_date=dt.date(2023, 3, 1),
            closure_date=dt.date(2023, 3, 31),
        ),
        Referral(
            referral_id="B/1",
            child_id="B",
            referral_date=dt.date(2024, 2, 1),
            closure_date=dt.date(2024, 6, 1),
            closure_reason="RC8",
        ),
        Referral(referral_id="C/1", child_id="C", referral_date=dt.date(2024, 4, 1)),
    ]
    data = Dataset(
        referrals=referrals,
        assessments=[
            Assessment(
                child_id="B",
                referral_id="B/1",
                start_date=dt.date(2024, 2, 1),
                authorisation_date=dt.date(2024, 4, 2),
            ),
        ],
        section47s=[
            Section47(
                child_id="B",
                referral_id="B/1",
                start_date=dt.date(2024, 3, 1),
                icpc_date=dt.date(2024, 4, 1),
            ),
        ],
    )
    year = cin_census_year(data, ReportingPeriod.year_ending(2024))
    # A closed the day before the year began; C was referred the day after it ended.
    assert [r.referral_id for r in year.referrals] == ["B/1"]
    assert year.referrals[0].closure_date is None
    assert year.referrals[0].closure_reason is None
    assert year.assessments[0].authorisation_date is None
    assert year.section47s[0].icpc_date is None


def test_an_ssda903_year_holds_the_children_looked_after_in_it() -> None:
    """A 903 year keeps the whole history of children looked after in it, open episodes open."""
    data = Dataset(
        episodes=[
            Episode(
                child_id="A",
                start=dt.date(2020, 1, 1),
                end=dt.date(2022, 1, 1),
                reason_new="S",
                legal_status="C2",
                placement="U1",
                reason_ceased="X1",
            ),
            Episode(
                child_id="A",
                start=dt.date(2022, 1, 1),
                end=dt.date(2024, 6, 1),
                reason_new="P",
                legal_status="C2",
                placement="U4",
                reason_ceased="E4A",
            ),
            Episode(
                child_id="B",
                start=dt.date(2021, 1, 1),
                end=dt.date(2023, 3, 31),
                reason_new="S",
                legal_status="V2",
                placement="U4",
                reason_ceased="E4A",
            ),
            # Last held by the 2023 return: its child is missing from the 2024 return.
            Episode(
                child_id="C",
                start=dt.date(2021, 1, 1),
                reason_new="S",
                legal_status="C2",
                placement="U4",
                year=2023,
            ),
        ],
        care_leavers=[
            CareLeaver(child_id="L", birth_date=dt.date(2006, 9, 1)),  # 17 in Sept 2023
            CareLeaver(child_id="M", birth_date=dt.date(2002, 3, 31)),  # 22 on 31 March 2024
            CareLeaver(child_id="N", birth_date=dt.date(2005, 9, 1), year=2024),
            CareLeaver(child_id="N", birth_date=dt.date(2005, 9, 1), year=2023),
        ],
    )
    year = ssda903_year(data, ReportingPeriod.year_ending(2024))
    assert [(e.child_id, e.end, e.reason_ceased) for e in year.episodes] == [
        ("A", dt.date(2022, 1, 1), "X1"),
        ("A", None, None),
    ]
    assert [(c.child_id, c.year) for c in year.care_leavers] == [("L", None), ("N", 2024)]
    earlier = ssda903_year(data, ReportingPeriod.year_ending(2023))
    assert [e.child_id for e in earlier.episodes] == ["A", "A", "B", "C"]


def without_same_day_number(record: object) -> object:
    """*record* with a same-day number (``/2``) taken off its referral id."""
    referral_id = getattr(record, "referral_id", None)
    if referral_id is None or referral_id.count("/") < 2:
        return record
    return attrs.evolve(record, referral_id=referral_id.rsplit("/", 1)[0])  # type: ignore[misc]


def read_returns(root: Path) -> Dataset:
    """The returns written under *root*, read as a council would read them."""
    from safeguarding_metrics.io.cin_census import read_cin_census

    return read_cin_census(sorted(root.glob("cin-census-*.xml"))) | read_ssda903(
        sorted((root / "ssda903").iterdir())
    )


LOOKED_AFTER_CARDS = [
    card for card in INDICATORS.values() if set(card.inputs) & {"episodes", "care_leavers"}
]


def test_written_returns_read_back_to_the_cohort(tmp_path: Path) -> None:
    """The returns written for each year read back to the cohort's records (less contacts)."""
    pytest.importorskip("safeguarding_metrics.io.cin_census")

    written = write_synthetic(tmp_path, seed=7, scale=0.1)
    names = [p.relative_to(tmp_path).as_posix() for p in written]
    assert names == [
        "cin-census-2023.xml",
        "ssda903/2023",
        "cin-census-2024.xml",
        "ssda903/2024",
        "cin-census-2025.xml",
        "ssda903/2025",
    ]
    read = read_returns(tmp_path)
    cohort = small_cohort(7)
    for table in Dataset.TABLES:
        if table == "contacts":
            assert read.is_empty(table)
            continue
        # Records of one class order by their repr; a child's same-day referrals are
        # numbered by the reader by their content, so those numbers are left out.
        key = lambda r: repr(without_same_day_number(r))  # noqa: E731
        assert sorted(map(without_same_day_number, read.records(table)), key=key) == sorted(
            map(without_same_day_number, cohort.records(table)), key=key
        ), table
    assert read.coverage.years("episodes") == cohort.coverage.years("episodes")
    for year in (2023, 2024, 2025):
        period = ReportingPeriod.year_ending(year)
        for card in LOOKED_AFTER_CARDS:
            assert card.compute(read, period=period) == card.compute(cohort, period=period), (
                card.id,
                year,
            )


def test_care_leavers_before_the_2021_22_return_have_only_listed_activity_codes() -> None:
    """Returns before 2021-22 write F3/P3 for training or employment, never an unlisted code."""
    from safeguarding_metrics.io.ssda903 import ACTIVITY_CODES

    data = synthetic_dataset(year_ending=2021, scale=0.3)
    codes = {c.activity for c in data.care_leavers if c.activity is not None}
    assert codes <= ACTIVITY_CODES
    assert codes & {"F3", "P3"}
    assert not codes & {"F4", "P4", "F5", "P5"}
