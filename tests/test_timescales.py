"""Tests of the timescale indicators (SPEC §4.1, except lac-reviews-in-timescale).

Expected working-day counts in the hand-worked cases were counted on a calendar by hand; the
comment beside each case lists the holidays it crosses.
"""

import datetime as dt
import math
import random
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safeguarding_metrics import (
    Assessment,
    Contact,
    CPPlan,
    Dataset,
    Indicator,
    InvalidOptionError,
    Rate,
    Referral,
    ReportingPeriod,
    SafeguardingMetricsError,
    Section47,
    WorkingDayCalendar,
)
from safeguarding_metrics.indicators._kernels import ICPC_NOT_REQUIRED_PROBLEM
from safeguarding_metrics.indicators.timescales import (
    ASSESSMENT_45WD,
    ASSESSMENT_DURATION_BANDS,
    ASSESSMENT_DURATIONS,
    CARDS,
    CONTACT_DECISION_1WD,
    CORE_ASSESSMENT_35WD,
    CP_REVIEWS_IN_TIMESCALE,
    ICPC_15WD,
    ICPC_DURATION_BANDS,
    ICPC_DURATIONS,
    INITIAL_ASSESSMENT_10WD,
    assessment_duration_distribution,
    assessment_timeliness_rate,
    assessments_within_rate,
    contact_decision_timeliness_rate,
    core_assessment_timeliness_rate,
    cp_review_timeliness_rate,
    icpc_duration_distribution,
    icpc_timeliness_rate,
    initial_assessment_timeliness_rate,
)
from safeguarding_metrics.records import TableName
from safeguarding_metrics.ties import SHARED_REFERRAL_ID_PROBLEM
from tests import oracles_timescales as oracle
from tests.strategies_timescales import closure_days, periods, timescale_datasets

D = dt.date
ENGLAND = WorkingDayCalendar.england()
Y2023_24 = ReportingPeriod.year_ending(2024)
Y2024_25 = ReportingPeriod.year_ending(2025)
RATE_CARDS_WITH_CALENDAR = (
    ASSESSMENT_45WD,
    INITIAL_ASSESSMENT_10WD,
    CORE_ASSESSMENT_35WD,
    ICPC_15WD,
    CONTACT_DECISION_1WD,
)
TABLE_OF = {
    ASSESSMENT_45WD.id: "assessments",
    ASSESSMENT_DURATIONS.id: "assessments",
    INITIAL_ASSESSMENT_10WD.id: "assessments",
    CORE_ASSESSMENT_35WD.id: "assessments",
    ICPC_15WD.id: "section47s",
    ICPC_DURATIONS.id: "section47s",
    CONTACT_DECISION_1WD.id: "contacts",
    CP_REVIEWS_IN_TIMESCALE.id: "cp_plans",
}


def single(start: dt.date | None, authorised: dt.date | None, **fields: object) -> Assessment:
    return Assessment(child_id="A", start_date=start, authorisation_date=authorised, **fields)  # type: ignore[arg-type]


def only_outcome(rate: Rate) -> str:
    assert rate.audit is not None
    assert len(rate.audit) == 1
    return rate.audit[0]


def measure(rate: Rate, name: str) -> float:
    assert rate.audit is not None
    return float(rate.audit.measures[name][0])


# -- the cards -------------------------------------------------------------------------------


def test_cards_are_the_spec_ids_in_report_order() -> None:
    """CARDS lists the SPEC §4.1 ids owned here, each once."""
    assert [card.id for card in CARDS] == [
        "assessment-45wd",
        "assessment-durations",
        "initial-assessment-10wd",
        "core-assessment-35wd",
        "icpc-15wd",
        "icpc-durations",
        "contact-decision-1wd",
        "cp-reviews-in-timescale",
    ]


def test_cards_point_at_their_functions() -> None:
    """Each card's function is the one documented beside it."""
    assert ASSESSMENT_45WD.function is assessment_timeliness_rate
    assert ICPC_15WD.function is icpc_timeliness_rate
    assert CP_REVIEWS_IN_TIMESCALE.function is cp_review_timeliness_rate
    assert not CP_REVIEWS_IN_TIMESCALE.uses_calendar
    assert all(card.uses_calendar for card in RATE_CARDS_WITH_CALENDAR)


def test_england_figures_are_the_published_ones() -> None:
    """The England figures quoted are the SPEC's (C2, C4, 2015-16 NI 67)."""
    assert ASSESSMENT_45WD.england is not None
    assert ASSESSMENT_45WD.england.value == 85.7
    assert ICPC_15WD.england is not None
    assert ICPC_15WD.england.value == 81.4
    assert CP_REVIEWS_IN_TIMESCALE.england is not None
    assert CP_REVIEWS_IN_TIMESCALE.england.value == 93.6
    assert CP_REVIEWS_IN_TIMESCALE.england.period == "2015-16"


# -- assessment-45wd ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "authorised", "working_days", "outcome"),
    [
        pytest.param(D(2024, 5, 1), D(2024, 5, 1), 0, "numerator", id="same-day-is-day-0"),
        # 8 Apr 2024 + 45 working days = 12 Jun (6 and 27 May are bank holidays).
        pytest.param(D(2024, 4, 8), D(2024, 6, 12), 45, "numerator", id="exactly-45"),
        pytest.param(D(2024, 4, 8), D(2024, 6, 13), 46, "denominator-only", id="exactly-46"),
        # Wed 10 Apr: 45th working day is Fri 14 Jun; Sat 15 Jun still 45.
        pytest.param(D(2024, 4, 10), D(2024, 6, 15), 45, "numerator", id="saturday-after-45th"),
        # Saturday start: Mon 8 Apr is the first working day.
        pytest.param(D(2024, 4, 6), D(2024, 6, 11), 45, "numerator", id="saturday-start-45"),
        pytest.param(D(2024, 4, 6), D(2024, 6, 12), 46, "denominator-only", id="saturday-start-46"),
        pytest.param(D(2024, 4, 7), D(2024, 6, 11), 45, "numerator", id="sunday-start-45"),
        # Easter 2024: Good Friday 29 Mar and Easter Monday 1 Apr.
        pytest.param(D(2024, 3, 28), D(2024, 4, 2), 1, "numerator", id="easter-2024-short"),
        pytest.param(D(2024, 2, 14), D(2024, 4, 19), 45, "numerator", id="easter-2024-45"),
        pytest.param(D(2024, 2, 14), D(2024, 4, 22), 46, "denominator-only", id="easter-2024-46"),
    ],
)
def test_assessment_boundaries_2024_25(
    start: dt.date, authorised: dt.date, working_days: int, outcome: str
) -> None:
    """Hand-counted durations at the 45-day limit, over weekends and Easter."""
    rate = assessment_timeliness_rate([single(start, authorised)], period=Y2024_25)
    assert only_outcome(rate) == outcome
    assert measure(rate, "working_days") == working_days


@pytest.mark.parametrize(
    ("authorised", "working_days", "outcome"),
    [
        # From Mon 4 Dec 2023: 25, 26 Dec and 1 Jan are bank holidays.
        pytest.param(D(2024, 2, 8), 45, "numerator", id="christmas-45"),
        pytest.param(D(2024, 2, 9), 46, "denominator-only", id="christmas-46"),
    ],
)
def test_assessment_across_christmas(authorised: dt.date, working_days: int, outcome: str) -> None:
    """Christmas and New Year bank holidays do not count."""
    rate = assessment_timeliness_rate([single(D(2023, 12, 4), authorised)], period=Y2023_24)
    assert only_outcome(rate) == outcome
    assert measure(rate, "working_days") == working_days


# Start Mon 5 Sep 2022, bank holiday Mon 19 Sep 2022 (the late Queen's funeral): 6-9 Sep (4),
# 12-16 (9), 20-23 (13), 26-30 (18), then five a week through Oct to 4 Nov (43), 7 Nov (44),
# 8 Nov (45), 9 Nov (46). Without 19 Sep the 45th working day would be Mon 7 Nov.
# Start Mon 17 Apr 2023, bank holidays 1 May, 8 May (coronation) and 29 May: 18-21 Apr (4),
# 24-28 (9), 2-5 May (13), 9-12 (17), 15-19 (22), 22-26 (27), 30 May-2 Jun (31), 5-9 Jun (36),
# 12-16 (41), 19, 20, 21 Jun (44), Thu 22 Jun (45), Fri 23 Jun (46).
ONE_OFF_HOLIDAY_ASSESSMENTS = (
    single(D(2022, 9, 5), D(2022, 11, 8)),  # 45: on time
    single(D(2022, 9, 5), D(2022, 11, 9)),  # 46: late
    single(D(2023, 4, 17), D(2023, 6, 22)),  # 45: on time
    single(D(2023, 4, 17), D(2023, 6, 23)),  # 46: late
)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # 2022-23 holds the two November 2022 authorisations: one on time of two.
        pytest.param(ReportingPeriod.year_ending(2023), (1, 2, [45, 46]), id="2022-23"),
        # 2023-24 holds the two June 2023 authorisations: one on time of two.
        pytest.param(ReportingPeriod.year_ending(2024), (1, 2, [45, 46]), id="2023-24"),
        # Both years together: two on time of four.
        pytest.param(
            ReportingPeriod.between(D(2022, 4, 1), D(2024, 3, 31)),
            (2, 4, [45, 46, 45, 46]),
            id="both-years",
        ),
    ],
)
def test_assessment_across_19_sep_2022_and_8_may_2023(
    period: ReportingPeriod, expected: tuple[int, int, list[int]]
) -> None:
    """The one-off bank holidays of 2022 and 2023 are not working days."""
    rate = assessment_timeliness_rate(ONE_OFF_HOLIDAY_ASSESSMENTS, period=period)
    assert rate.audit is not None
    days = rate.audit.measures["working_days"]
    assert (rate.numerator, rate.denominator, _days(days[~np.isnan(days)])) == expected


def test_council_closure_days_do_not_count() -> None:
    """A council's Christmas closure shortens the count: 46 working days become 43."""
    calendar = WorkingDayCalendar.england(
        extra_closures=[D(2023, 12, 27), D(2023, 12, 28), D(2023, 12, 29)]
    )
    rate = assessment_timeliness_rate(
        [single(D(2023, 12, 4), D(2024, 2, 9))], period=Y2023_24, calendar=calendar
    )
    assert only_outcome(rate) == "numerator"
    assert measure(rate, "working_days") == 43


@pytest.mark.parametrize(
    ("authorised", "kind", "outcome"),
    [
        pytest.param(D(2024, 4, 1), "single", "numerator", id="first-day-of-period"),
        pytest.param(D(2025, 3, 31), "single", "numerator", id="last-day-of-period"),
        pytest.param(D(2024, 3, 31), "single", "out-of-scope", id="day-before-period"),
        pytest.param(D(2025, 4, 1), "single", "out-of-scope", id="day-after-period"),
        pytest.param(None, "single", "out-of-scope", id="not-yet-authorised"),
        pytest.param(D(2024, 6, 3), "initial", "out-of-scope", id="initial-assessment"),
        pytest.param(D(2024, 6, 3), "core", "out-of-scope", id="core-assessment"),
    ],
)
def test_assessment_cohort_is_single_assessments_authorised_in_period(
    authorised: dt.date | None, kind: str, outcome: str
) -> None:
    """Only single assessments authorised in the period, both ends included, are counted."""
    start = D(2024, 3, 25) if authorised is None else authorised - dt.timedelta(days=10)
    rate = assessment_timeliness_rate([single(start, authorised, kind=kind)], period=Y2024_25)
    assert only_outcome(rate) == outcome


def test_assessment_with_no_start_is_excluded() -> None:
    """An assessment authorised in period without a start date is `missing-start`."""
    rate = assessment_timeliness_rate([single(None, D(2024, 6, 3))], period=Y2024_25)
    assert only_outcome(rate) == "missing-start"
    assert rate.excluded == {"missing-start": 1}
    assert rate.denominator == 0
    assert rate.value is None
    assert math.isnan(measure(rate, "working_days"))


@pytest.mark.parametrize(
    ("start", "authorised", "working_days"),
    [
        pytest.param(D(2024, 5, 2), D(2024, 5, 1), -1, id="a-working-day-before"),
        # Sunday start, Saturday authorisation: no working day between, still before.
        pytest.param(D(2024, 5, 5), D(2024, 5, 4), 0, id="weekend-day-before"),
    ],
)
def test_assessment_authorised_before_start_is_excluded(
    start: dt.date, authorised: dt.date, working_days: int
) -> None:
    """End before start is judged on the dates, even with no working day between them."""
    rate = assessment_timeliness_rate([single(start, authorised)], period=Y2024_25)
    assert only_outcome(rate) == "end-before-start"
    assert rate.excluded == {"end-before-start": 1}
    assert measure(rate, "working_days") == working_days


REFERRAL = Referral(referral_id="R1", child_id="A", referral_date=D(2024, 4, 8))


@pytest.mark.parametrize(
    ("anchor", "working_days", "outcome"),
    [
        # Referral Mon 8 Apr, assessment start Mon 15 Apr, authorised Thu 13 Jun.
        pytest.param("referral", 46, "denominator-only", id="from-referral-late"),
        pytest.param("assessment-start", 41, "numerator", id="from-start-on-time"),
    ],
)
def test_referral_anchor_times_from_the_referral(
    anchor: str, working_days: int, outcome: str
) -> None:
    """With anchor="referral" the clock starts at the linked referral's date."""
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")
    rate = assessment_timeliness_rate([REFERRAL, assessment], period=Y2024_25, anchor=anchor)
    assert only_outcome(rate) == outcome
    assert measure(rate, "working_days") == working_days


@pytest.mark.parametrize(
    "referral_id",
    [pytest.param(None, id="no-referral-id"), pytest.param("R9", id="referral-not-given")],
)
def test_referral_anchor_without_a_linked_referral_is_excluded(referral_id: str | None) -> None:
    """An assessment whose referral cannot be found is `missing-referral`."""
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id=referral_id)
    rate = assessment_timeliness_rate([REFERRAL, assessment], period=Y2024_25, anchor="referral")
    assert only_outcome(rate) == "missing-referral"
    assert rate.excluded == {"missing-referral": 1}


def test_referral_anchor_with_no_referrals_at_all_excludes_every_assessment() -> None:
    """With no referral records given, every assessment in the cohort is `missing-referral`."""
    rate = assessment_timeliness_rate(
        [single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")],
        period=Y2024_25,
        anchor="referral",
    )
    assert rate.excluded == {"missing-referral": 1}


def test_referral_anchor_does_not_need_the_assessment_start() -> None:
    """With the referral anchor, an assessment with no start date is timed from the referral."""
    assessment = single(None, D(2024, 6, 12), referral_id="R1")
    rate = assessment_timeliness_rate([REFERRAL, assessment], period=Y2024_25, anchor="referral")
    assert only_outcome(rate) == "numerator"
    assert measure(rate, "working_days") == 45


@pytest.mark.parametrize("reverse", [False, True], ids=["given-in-order", "given-reversed"])
def test_referral_anchor_with_referrals_sharing_an_id_times_from_the_earliest(
    reverse: bool,
) -> None:
    """Two different referrals share the id: the clock starts at the earlier, in any order."""
    later = Referral(referral_id="R1", child_id="A", referral_date=D(2024, 4, 15))
    referrals = [later, REFERRAL] if reverse else [REFERRAL, later]
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")
    rate = assessment_timeliness_rate([*referrals, assessment], period=Y2024_25, anchor="referral")
    assert measure(rate, "working_days") == 46  # from Mon 8 Apr, as in the case above
    (diagnostic,) = rate.diagnostics
    assert diagnostic.problem == SHARED_REFERRAL_ID_PROBLEM
    assert diagnostic.where == "referrals: child A, referral_date 2024-04-15"
    distribution = assessment_duration_distribution(
        [*referrals, assessment], period=Y2024_25, anchor="referral"
    )
    assert distribution.diagnostics == rate.diagnostics


def test_shared_referral_id_is_reported_only_with_the_referral_anchor() -> None:
    """Timed from its own start, the assessment links to no referral: nothing to report."""
    later = Referral(referral_id="R1", child_id="A", referral_date=D(2024, 4, 15))
    records: list[Referral | Assessment] = [
        REFERRAL,
        later,
        single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1"),
    ]
    assert assessment_timeliness_rate(records, period=Y2024_25).diagnostics == ()


def test_shared_referral_id_of_an_assessment_outside_the_cohort_is_not_reported() -> None:
    """An assessment authorised outside the period does not use its link: no diagnostic."""
    later = Referral(referral_id="R1", child_id="A", referral_date=D(2024, 4, 15))
    records: list[Referral | Assessment] = [
        REFERRAL,
        later,
        single(D(2024, 4, 15), D(2025, 6, 13), referral_id="R1"),
    ]
    rate = assessment_timeliness_rate(records, period=Y2024_25, anchor="referral")
    assert rate.diagnostics == ()


def test_referral_anchor_authorised_before_the_referral_is_excluded() -> None:
    """An authorisation dated before the linked referral is `end-before-start`."""
    assessment = single(D(2024, 4, 1), D(2024, 4, 5), referral_id="R1")
    rate = assessment_timeliness_rate([REFERRAL, assessment], period=Y2024_25, anchor="referral")
    assert only_outcome(rate) == "end-before-start"


def test_every_card_reason_is_reported_even_when_zero() -> None:
    """excluded_counts lists every reason on the card, in card order."""
    rate = assessment_timeliness_rate([], period=Y2024_25)
    assert rate.excluded_counts == tuple((reason, 0) for reason in ASSESSMENT_45WD.exclusions)


# -- initial and core assessments -----------------------------------------------------------


@pytest.mark.parametrize(
    ("authorised", "outcome"),
    [
        # 8 Apr 2024 + 10 working days = Mon 22 Apr.
        pytest.param(D(2024, 4, 22), "numerator", id="exactly-10"),
        pytest.param(D(2024, 4, 23), "denominator-only", id="exactly-11"),
    ],
)
def test_initial_assessment_limit_is_10_working_days(authorised: dt.date, outcome: str) -> None:
    """The 10th working day after the start is on time, the 11th late."""
    assessment = single(D(2024, 4, 8), authorised, kind="initial")
    rate = initial_assessment_timeliness_rate([assessment], period=Y2024_25)
    assert rate.indicator_id == "initial-assessment-10wd"
    assert only_outcome(rate) == outcome


@pytest.mark.parametrize(
    ("authorised", "outcome"),
    [
        # 8 Apr 2024 + 35 working days = Wed 29 May (6 and 27 May are bank holidays).
        pytest.param(D(2024, 5, 29), "numerator", id="exactly-35"),
        pytest.param(D(2024, 5, 30), "denominator-only", id="exactly-36"),
    ],
)
def test_core_assessment_limit_is_35_working_days(authorised: dt.date, outcome: str) -> None:
    """The 35th working day after the start is on time, the 36th late."""
    assessment = single(D(2024, 4, 8), authorised, kind="core")
    rate = core_assessment_timeliness_rate([assessment], period=Y2024_25)
    assert rate.indicator_id == "core-assessment-35wd"
    assert only_outcome(rate) == outcome


@pytest.mark.parametrize(
    ("start", "authorised", "outcome"),
    [
        pytest.param(None, D(2024, 5, 1), "missing-start", id="missing-start"),
        pytest.param(D(2024, 5, 2), D(2024, 5, 1), "end-before-start", id="end-before-start"),
    ],
)
def test_pre_2013_assessments_exclude_unusable_dates(
    start: dt.date | None, authorised: dt.date, outcome: str
) -> None:
    """Initial and core assessments exclude a missing start and an end before the start."""
    initial = initial_assessment_timeliness_rate(
        [single(start, authorised, kind="initial")], period=Y2024_25
    )
    core = core_assessment_timeliness_rate(
        [single(start, authorised, kind="core")], period=Y2024_25
    )
    assert only_outcome(initial) == only_outcome(core) == outcome
    assert [reason for reason, _ in initial.excluded_counts] == [
        "missing-start",
        "outside-calendar",
        "end-before-start",
    ]


def test_single_assessments_are_not_in_the_initial_cohort() -> None:
    """A single assessment is out of scope for NI 59 and NI 60."""
    assessment = single(D(2024, 4, 8), D(2024, 4, 10))
    assert only_outcome(initial_assessment_timeliness_rate([assessment], period=Y2024_25)) == (
        "out-of-scope"
    )
    assert only_outcome(core_assessment_timeliness_rate([assessment], period=Y2024_25)) == (
        "out-of-scope"
    )


# -- assessment durations ------------------------------------------------------------------


def test_assessment_durations_in_dfe_bands_with_quartiles() -> None:
    """Durations 0, 1, 45, 46, 60 and 61 fall one in each of six bands."""
    start = D(2024, 4, 8)
    records = [
        single(start, start),  # 0: same day
        single(D(2024, 5, 10), D(2024, 5, 13)),  # 1: Friday to Monday
        single(start, D(2024, 6, 12)),  # 45
        single(start, D(2024, 6, 13)),  # 46
        single(start, D(2024, 7, 3)),  # 60: 45 + 13/14 Jun, 17-21, 24-28 Jun, 1-3 Jul
        single(start, D(2024, 7, 4)),  # 61
        single(None, D(2024, 7, 4)),  # missing-start
    ]
    result = assessment_duration_distribution(records, period=Y2024_25)
    assert result.bands == {
        "0": 1,
        "1–10": 1,
        "11–20": 0,
        "21–30": 0,
        "31–40": 0,
        "41–45": 1,
        "46–50": 1,
        "51–60": 1,
        "61+": 1,
    }
    # Linear interpolation over [0, 1, 45, 46, 60, 61]: positions 1.25, 2.5 and 3.75.
    assert result.lower_quartile == pytest.approx(1 + 0.25 * 44)
    assert result.median == pytest.approx(45.5)
    assert result.upper_quartile == pytest.approx(46 + 0.75 * 14)
    assert result.excluded == {"missing-start": 1}
    assert result.unit == "working days"


# Hand-counted from Mon 8 Apr 2024 (bank holidays 6 and 27 May): 9 Apr is day 1;
# 9-12 Apr, 15-19 Apr and Mon 22 Apr make 10; 45 is Wed 12 Jun (SPEC §1); 13, 14, 17, 18 and
# 19 Jun make 46 to 50; 20 Jun is 51; 21, 24-28 Jun, 1, 2 and 3 Jul make 52 to 60.
@pytest.mark.parametrize(
    ("authorised", "working_days", "label"),
    [
        pytest.param(D(2024, 4, 8), 0, "0", id="0"),
        pytest.param(D(2024, 4, 9), 1, "1–10", id="1"),
        pytest.param(D(2024, 4, 22), 10, "1–10", id="10"),
        pytest.param(D(2024, 4, 23), 11, "11–20", id="11"),
        pytest.param(D(2024, 6, 12), 45, "41–45", id="45"),
        pytest.param(D(2024, 6, 13), 46, "46–50", id="46"),
        pytest.param(D(2024, 6, 19), 50, "46–50", id="50"),
        pytest.param(D(2024, 6, 20), 51, "51–60", id="51"),
        pytest.param(D(2024, 7, 3), 60, "51–60", id="60"),
        pytest.param(D(2024, 7, 4), 61, "61+", id="61"),
    ],
)
def test_assessment_band_edges(authorised: dt.date, working_days: int, label: str) -> None:
    """The production distribution puts an assessment at each band edge in the right band."""
    result = assessment_duration_distribution([single(D(2024, 4, 8), authorised)], period=Y2024_25)
    assert result.bands == {
        band.label: int(band.label == label) for band in ASSESSMENT_DURATION_BANDS
    }
    assert result.median == working_days


def test_assessment_durations_take_the_anchor_option() -> None:
    """The distribution times from the referral under anchor="referral"."""
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")
    result = assessment_duration_distribution(
        [REFERRAL, assessment], period=Y2024_25, anchor="referral"
    )
    assert result.bands["46–50"] == 1
    assert result.median == 46


# -- icpc-15wd ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "icpc", "working_days", "outcome"),
    [
        # 19 Sep 2022 (the late Queen's funeral): 8 Sep + 15 = 30 Sep.
        pytest.param(D(2022, 9, 8), D(2022, 9, 30), 15, "numerator", id="19-sep-2022-15"),
        pytest.param(D(2022, 9, 8), D(2022, 10, 3), 16, "denominator-only", id="19-sep-2022-16"),
        # 1 and 8 May 2023 (coronation): 24 Apr + 15 = 17 May.
        pytest.param(D(2023, 4, 24), D(2023, 5, 17), 15, "numerator", id="8-may-2023-15"),
        pytest.param(D(2023, 4, 24), D(2023, 5, 18), 16, "denominator-only", id="8-may-2023-16"),
        # Easter 2024: 21 Mar + 15 = 15 Apr.
        pytest.param(D(2024, 3, 21), D(2024, 4, 15), 15, "numerator", id="easter-2024-15"),
        pytest.param(D(2024, 3, 21), D(2024, 4, 16), 16, "denominator-only", id="easter-2024-16"),
        # Saturday 1 Jun 2024 start: 15th working day is Fri 21 Jun; Sat 22 Jun still 15.
        pytest.param(D(2024, 6, 1), D(2024, 6, 22), 15, "numerator", id="weekend-start-15"),
        pytest.param(D(2024, 6, 1), D(2024, 6, 24), 16, "denominator-only", id="weekend-start-16"),
        pytest.param(D(2024, 6, 3), D(2024, 6, 3), 0, "numerator", id="same-day"),
    ],
)
def test_icpc_boundaries(start: dt.date, icpc: dt.date, working_days: int, outcome: str) -> None:
    """Hand-counted ICPC durations at the 15-day limit across one-off bank holidays."""
    period = ReportingPeriod.year_ending(icpc.year + (1 if icpc.month >= 4 else 0))
    s47 = Section47(child_id="A", start_date=start, icpc_date=icpc)
    rate = icpc_timeliness_rate([s47], period=period)
    assert only_outcome(rate) == outcome
    assert measure(rate, "working_days") == working_days


@pytest.mark.parametrize(
    ("s47", "outcome"),
    [
        pytest.param(
            Section47(child_id="A", start_date=D(2024, 5, 1)), "out-of-scope", id="no-conference"
        ),
        pytest.param(
            Section47(
                child_id="A",
                start_date=D(2024, 5, 1),
                icpc_date=D(2024, 5, 10),
                icpc_not_required=True,
            ),
            "numerator",
            id="conference-marked-not-required-is-a-conference",
        ),
        pytest.param(
            Section47(child_id="A", start_date=D(2024, 5, 1), icpc_not_required=True),
            "out-of-scope",
            id="not-required-without-a-conference",
        ),
        pytest.param(
            Section47(child_id="A", start_date=D(2024, 3, 1), icpc_date=D(2024, 3, 20)),
            "out-of-scope",
            id="conference-before-period",
        ),
        pytest.param(
            Section47(child_id="A", start_date=None, icpc_date=D(2024, 5, 10)),
            "missing-start",
            id="missing-start",
        ),
        pytest.param(
            Section47(child_id="A", start_date=D(2024, 5, 10), icpc_date=D(2024, 5, 9)),
            "end-before-start",
            id="conference-before-enquiry",
        ),
    ],
)
def test_icpc_cohort_and_exclusions(s47: Section47, outcome: str) -> None:
    """Enquiries with no conference in period are out of scope; unusable dates excluded."""
    assert only_outcome(icpc_timeliness_rate([s47], period=Y2024_25)) == outcome


def test_icpc_marked_not_required_with_a_date_is_a_conference() -> None:
    """A recorded conference is a conference (SPEC §4.1): timed, banded and reported (8868)."""
    s47 = Section47(
        child_id="A", start_date=D(2024, 6, 3), icpc_date=D(2024, 6, 25), icpc_not_required=True
    )
    rate = icpc_timeliness_rate([s47], period=Y2024_25)
    assert (rate.numerator, rate.denominator) == (0, 1)  # the 16th working day: late
    (diagnostic,) = rate.diagnostics
    assert (diagnostic.field, diagnostic.value, diagnostic.problem) == (
        "icpc_not_required",
        "true, with icpc_date 2024-06-25",
        ICPC_NOT_REQUIRED_PROBLEM,
    )
    assert diagnostic.where == "section47s: child A, start_date 2024-06-03"
    distribution = icpc_duration_distribution([s47], period=Y2024_25)
    assert distribution.bands["16–20"] == 1
    assert distribution.diagnostics == rate.diagnostics


def test_icpc_marked_not_required_outside_the_period_is_not_reported() -> None:
    """The contradiction is reported by the cards whose cohort holds the enquiry."""
    s47 = Section47(
        child_id="A", start_date=D(2023, 6, 3), icpc_date=D(2023, 6, 25), icpc_not_required=True
    )
    assert icpc_timeliness_rate([s47], period=Y2024_25).diagnostics == ()


@pytest.mark.parametrize(
    ("icpc", "label"),
    [
        # Start Mon 3 Jun 2024: 10th working day Mon 17 Jun, 15th Mon 24 Jun, 20th Mon 1 Jul.
        pytest.param(D(2024, 6, 17), "0–10", id="10th"),
        pytest.param(D(2024, 6, 18), "11–15", id="11th"),
        pytest.param(D(2024, 6, 24), "11–15", id="15th"),
        pytest.param(D(2024, 6, 25), "16–20", id="16th"),
        pytest.param(D(2024, 7, 1), "16–20", id="20th"),
        pytest.param(D(2024, 7, 2), "21+", id="21st"),
    ],
)
def test_icpc_durations_bands(icpc: dt.date, label: str) -> None:
    """The 15th working day is in "11–15" and the 16th in "16–20"."""
    s47 = Section47(child_id="A", start_date=D(2024, 6, 3), icpc_date=icpc)
    result = icpc_duration_distribution([s47], period=Y2024_25)
    assert result.bands == {band.label: int(band.label == label) for band in ICPC_DURATION_BANDS}


# -- contact-decision-1wd -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "decision", "outcome"),
    [
        pytest.param(D(2024, 5, 1), D(2024, 5, 1), "numerator", id="same-day"),
        pytest.param(D(2024, 5, 10), D(2024, 5, 13), "numerator", id="friday-to-monday"),
        # Mon 6 May 2024 is a bank holiday: Fri 3 May to Tue 7 May is 1 working day.
        pytest.param(D(2024, 5, 3), D(2024, 5, 7), "numerator", id="over-bank-holiday"),
        pytest.param(D(2024, 5, 3), D(2024, 5, 8), "denominator-only", id="second-working-day"),
        pytest.param(D(2024, 5, 3), None, "denominator-only", id="undecided"),
        pytest.param(D(2024, 5, 3), D(2024, 5, 2), "end-before-start", id="decided-before"),
        pytest.param(D(2025, 3, 31), D(2025, 4, 1), "numerator", id="decided-after-period"),
        pytest.param(D(2024, 3, 31), D(2024, 4, 1), "out-of-scope", id="contact-before-period"),
    ],
)
def test_contact_decisions(contact: dt.date, decision: dt.date | None, outcome: str) -> None:
    """Same day or next working day is timely; undecided stays in the denominator."""
    record = Contact(child_id="A", contact_date=contact, decision_date=decision)
    assert only_outcome(contact_decision_timeliness_rate([record], period=Y2024_25)) == outcome


@pytest.mark.parametrize(
    ("decision", "outcome"),
    [
        # Sat 11 May 2024: Mon 13 May is the first working day after it, Tue 14 May the second.
        pytest.param(D(2024, 5, 11), "numerator", id="decided-the-same-saturday"),
        pytest.param(D(2024, 5, 13), "numerator", id="decided-monday"),
        pytest.param(D(2024, 5, 14), "denominator-only", id="decided-tuesday"),
    ],
)
def test_saturday_contact_is_due_on_monday(decision: dt.date, outcome: str) -> None:
    """A Saturday contact decided on Monday took one working day; on Tuesday, two."""
    record = Contact(child_id="A", contact_date=D(2024, 5, 11), decision_date=decision)
    assert only_outcome(contact_decision_timeliness_rate([record], period=Y2024_25)) == outcome


@pytest.mark.parametrize(
    ("decision", "closures", "outcome"),
    [
        # Tue 24 Dec 2024: 25 and 26 Dec are bank holidays, so Fri 27 Dec is day 1.
        pytest.param(D(2024, 12, 27), (), "numerator", id="decided-friday-27th"),
        pytest.param(D(2024, 12, 30), (), "denominator-only", id="decided-monday-30th"),
        # With the council closed on 27 Dec, Mon 30 Dec is day 1.
        pytest.param(D(2024, 12, 30), (D(2024, 12, 27),), "numerator", id="closed-27th"),
        pytest.param(D(2024, 12, 31), (D(2024, 12, 27),), "denominator-only", id="closed-31st"),
    ],
)
def test_contact_across_christmas(
    decision: dt.date, closures: tuple[dt.date, ...], outcome: str
) -> None:
    """Christmas bank holidays and a council's closure days are not working days."""
    record = Contact(child_id="A", contact_date=D(2024, 12, 24), decision_date=decision)
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    rate = contact_decision_timeliness_rate([record], period=Y2024_25, calendar=calendar)
    assert only_outcome(rate) == outcome


def test_undecided_contact_counts_against_the_rate() -> None:
    """One timely and one undecided contact give 50%."""
    rate = contact_decision_timeliness_rate(
        [
            Contact(child_id="A", contact_date=D(2024, 5, 1), decision_date=D(2024, 5, 1)),
            Contact(child_id="B", contact_date=D(2024, 5, 1)),
        ],
        period=Y2024_25,
    )
    assert (rate.numerator, rate.denominator, rate.value) == (1, 2, 50.0)


# -- cp-reviews-in-timescale ----------------------------------------------------------------


def plan(
    start: dt.date, *reviews: dt.date, end: dt.date | None = None, child_id: str = "A"
) -> CPPlan:
    return CPPlan(child_id=child_id, start_date=start, end_date=end, review_dates=reviews)


@pytest.mark.parametrize(
    ("record", "period", "outcome"),
    [
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 15), D(2025, 3, 15)),
            Y2024_25,
            "numerator",
            id="exactly-3-then-6-months",
        ),
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 16), D(2025, 3, 10)),
            Y2024_25,
            "denominator-only",
            id="first-review-a-day-late",
        ),
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 15), D(2025, 3, 16)),
            Y2024_25,
            "denominator-only",
            id="second-review-a-day-late",
        ),
        pytest.param(
            plan(D(2024, 1, 10), D(2024, 4, 10), D(2024, 9, 29)),
            Y2024_25,
            "denominator-only",
            id="overdue-at-period-end",
        ),
        # January 2025 ends on the 31st: a review on 31 Jul 2024 is next due 31 Jan 2025.
        pytest.param(
            plan(D(2024, 4, 15), D(2024, 7, 15), D(2024, 7, 31)),
            ReportingPeriod.month(2025, 1),
            "numerator",
            id="review-due-on-last-day-not-overdue",
        ),
        pytest.param(
            plan(D(2024, 4, 15), D(2024, 7, 15), D(2024, 7, 30)),
            ReportingPeriod.month(2025, 1),
            "denominator-only",
            id="review-due-day-before-last-day",
        ),
        pytest.param(
            plan(D(2024, 12, 31)), Y2024_25, "numerator", id="first-review-due-on-last-day"
        ),
        pytest.param(
            plan(D(2024, 12, 30)), Y2024_25, "denominator-only", id="first-review-overdue"
        ),
        # 30 Nov 2023 + 3 months = 29 Feb 2024 (leap year, clipped).
        pytest.param(
            plan(D(2023, 11, 30), D(2024, 2, 29)), Y2023_24, "numerator", id="clipped-to-29-feb"
        ),
        pytest.param(
            plan(D(2023, 11, 30), D(2024, 3, 1)),
            Y2023_24,
            "denominator-only",
            id="day-after-29-feb",
        ),
    ],
)
def test_cp_review_timescales(record: CPPlan, period: ReportingPeriod, outcome: str) -> None:
    """First review within 3 months, then every 6, none overdue at period end."""
    assert only_outcome(cp_review_timeliness_rate([record], period=period)) == outcome


@pytest.mark.parametrize(
    ("record", "outcome"),
    [
        pytest.param(plan(D(2024, 12, 31)), "numerator", id="started-on-cutoff"),
        pytest.param(plan(D(2025, 1, 1)), "out-of-scope", id="started-after-cutoff"),
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 1), end=D(2025, 3, 31)),
            "out-of-scope",
            id="ended-on-last-day",
        ),
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 1), D(2025, 2, 1), end=D(2025, 4, 1)),
            "numerator",
            id="ended-day-after-period",
        ),
        pytest.param(
            plan(D(2024, 6, 15), end=D(2024, 12, 1)), "out-of-scope", id="ended-in-period"
        ),
        pytest.param(plan(D(2025, 4, 2)), "out-of-scope", id="starts-after-period"),
    ],
)
def test_cp_review_cohort_is_plans_open_at_period_end(record: CPPlan, outcome: str) -> None:
    """Plans open at period end that started at least three months before it."""
    assert only_outcome(cp_review_timeliness_rate([record], period=Y2024_25)) == outcome


@pytest.mark.parametrize(
    ("record", "outcome", "reviews"),
    [
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 10), D(2024, 9, 10), D(2025, 3, 5)),
            "numerator",
            2,
            id="duplicate-counts-once",
        ),
        # Counted, 1 Jan 2023 would make 15 Sep 2024 far more than 6 months after it.
        pytest.param(
            plan(D(2024, 6, 15), D(2023, 1, 1), D(2024, 9, 15), D(2025, 3, 10)),
            "numerator",
            2,
            id="review-before-start-ignored",
        ),
        # Counted, 15 Jun would make 20 Sep a second review in time.
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 6, 15), D(2024, 9, 20), D(2025, 3, 10)),
            "denominator-only",
            2,
            id="review-on-start-day-ignored",
        ),
        # Counted, 5 Apr 2025 would keep the plan from being overdue on 31 Mar.
        pytest.param(
            plan(D(2024, 6, 15), D(2024, 9, 15), D(2025, 4, 5)),
            "denominator-only",
            1,
            id="review-after-period-end-ignored",
        ),
    ],
)
def test_cp_reviews_considered(record: CPPlan, outcome: str, reviews: int) -> None:
    """Reviews after the start and by period end count, each date once."""
    rate = cp_review_timeliness_rate([record], period=Y2024_25)
    assert only_outcome(rate) == outcome
    assert measure(rate, "reviews") == reviews


@pytest.mark.parametrize(
    "end",
    [
        pytest.param(D(2024, 6, 1), id="ended-in-period"),
        pytest.param(D(2024, 6, 14), id="day-before"),
    ],
)
def test_cp_plan_ending_before_it_starts_is_out_of_scope(end: dt.date) -> None:
    """A plan whose end date is before its start date is never open, so out of scope."""
    # Without the end date the plan (started 15 Jun 2024, reviewed 15 Sep) is in the cohort,
    # and late: its next review was due 15 Mar 2025.
    assert (
        only_outcome(
            cp_review_timeliness_rate([plan(D(2024, 6, 15), D(2024, 9, 15))], period=Y2024_25)
        )
        == "denominator-only"
    )
    rate = cp_review_timeliness_rate(
        [plan(D(2024, 6, 15), D(2024, 9, 15), end=end)], period=Y2024_25
    )
    assert only_outcome(rate) == "out-of-scope"
    assert rate.denominator == 0


def test_cp_review_audit_gives_the_next_due_date() -> None:
    """The audit's next_review_due is six months after the last review in period."""
    rate = cp_review_timeliness_rate(
        [plan(D(2024, 6, 15), D(2024, 9, 15), D(2025, 3, 15)), plan(D(2025, 2, 1))],
        period=Y2024_25,
    )
    assert rate.audit is not None
    due = rate.audit.measures["next_review_due"]
    assert due[0] == np.datetime64("2025-09-15")
    assert np.isnat(due[1])


# -- dates outside the calendar's coverage (SPEC §5: bad input never crashes) ----------------


CALENDAR_CARDS = tuple(card for card in CARDS if card.uses_calendar)
FROM_2020 = WorkingDayCalendar(
    name="from 2020",
    bank_holidays=ENGLAND.bank_holidays,
    first_day=D(2020, 1, 1),
    last_day=D(2030, 12, 31),
)


def test_every_working_day_card_lists_outside_calendar_in_order() -> None:
    """Each working-day card lists `outside-calendar`, after missing-* and before end-before-start."""
    assert [card.id for card in CALENDAR_CARDS] == [
        "assessment-45wd",
        "assessment-durations",
        "initial-assessment-10wd",
        "core-assessment-35wd",
        "icpc-15wd",
        "icpc-durations",
        "contact-decision-1wd",
    ]
    for card in CALENDAR_CARDS:
        reasons = list(card.exclusions)
        assert reasons[-2:] == ["outside-calendar", "end-before-start"], card.id
        assert all(reason.startswith("missing-") for reason in reasons[:-2]), card.id
        assert "1970-01-01 to 2050-12-31" in card.exclusions["outside-calendar"], card.id
        assert any("outside-calendar" in note for note in card.notes), card.id


@pytest.mark.parametrize(
    ("start", "authorised"),
    [
        pytest.param(D(2204, 6, 1), D(2024, 6, 3), id="start-typed-2204"),
        pytest.param(D(1924, 6, 1), D(2024, 6, 3), id="start-typed-1924"),
    ],
)
def test_assessment_with_a_start_outside_the_calendar_is_excluded(
    start: dt.date, authorised: dt.date
) -> None:
    """An AssessmentActualStartDate typo is `outside-calendar`, not an error."""
    rate = assessment_timeliness_rate(
        [single(start, authorised), single(D(2024, 5, 1), D(2024, 5, 2))], period=Y2024_25
    )
    assert rate.audit is not None
    assert list(rate.audit.outcomes()) == ["outside-calendar", "numerator"]
    assert rate.excluded == {"outside-calendar": 1}
    assert (rate.numerator, rate.denominator) == (1, 1)
    assert math.isnan(measure(rate, "working_days"))
    # The audit still shows the date the clock would have started from.
    assert rate.audit.measures["clock_start"][0] == np.datetime64(start, "D")


def test_outside_calendar_wins_over_end_before_start() -> None:
    """A start typed as 2204 is reported as a bad date, not as an authorisation before it."""
    rate = assessment_timeliness_rate([single(D(2204, 6, 1), D(2024, 6, 3))], period=Y2024_25)
    assert rate.excluded == {"outside-calendar": 1}


def test_missing_start_wins_over_outside_calendar() -> None:
    """With no start at all the reason is `missing-start`, whatever the other date."""
    # The period runs past the calendar's last day, so the authorisation is in the cohort.
    period = ReportingPeriod.between(D(2050, 4, 1), D(2051, 3, 31))
    rate = assessment_timeliness_rate([single(None, D(2051, 1, 6))], period=period)
    assert rate.excluded == {"missing-start": 1}


@pytest.mark.parametrize(
    ("anchor", "outcome"),
    [
        pytest.param("referral", "outside-calendar", id="referral-anchor"),
        # The assessment's own start (15 Apr 2024) is fine: 41 working days to 13 Jun.
        pytest.param("assessment-start", "numerator", id="start-anchor"),
    ],
)
def test_referral_anchor_with_a_referral_outside_the_calendar_is_excluded(
    anchor: str, outcome: str
) -> None:
    """A linked referral dated outside coverage excludes the assessment under that anchor."""
    referral = Referral(referral_id="R1", child_id="A", referral_date=D(1924, 4, 8))
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")
    for function in (assessment_timeliness_rate, assessment_duration_distribution):
        result = function([referral, assessment], period=Y2024_25, anchor=anchor)
        assert result.audit is not None
        assert list(result.audit.outcomes()) == [outcome], function.__name__


def test_referral_anchor_ignores_a_start_outside_the_calendar() -> None:
    """Under the referral anchor the assessment's own (typo'd) start date is not used."""
    assessment = single(D(2204, 4, 15), D(2024, 6, 12), referral_id="R1")
    rate = assessment_timeliness_rate([REFERRAL, assessment], period=Y2024_25, anchor="referral")
    assert only_outcome(rate) == "numerator"
    assert measure(rate, "working_days") == 45


@pytest.mark.parametrize(
    ("function", "kind"),
    [
        pytest.param(initial_assessment_timeliness_rate, "initial", id="initial-assessment-10wd"),
        pytest.param(core_assessment_timeliness_rate, "core", id="core-assessment-35wd"),
    ],
)
def test_pre_2013_assessment_with_a_start_outside_the_calendar_is_excluded(
    function: Any, kind: str
) -> None:
    """Initial and core assessments with a typo'd start are `outside-calendar`."""
    rate = function([single(D(2204, 6, 1), D(2024, 6, 3), kind=kind)], period=Y2024_25)
    assert only_outcome(rate) == "outside-calendar"
    assert rate.excluded == {"outside-calendar": 1}


def test_assessment_durations_leave_out_dates_outside_the_calendar() -> None:
    """A typo'd start is excluded from the distribution, not banded nor in the quartiles."""
    records = [single(D(2204, 4, 8), D(2024, 6, 12)), single(D(2024, 4, 8), D(2024, 6, 12))]
    result = assessment_duration_distribution(records, period=Y2024_25)
    assert result.excluded == {"outside-calendar": 1}
    assert result.total == 1
    assert result.bands["41–45"] == 1
    assert result.median == 45


@pytest.mark.parametrize(
    ("start", "icpc"),
    [
        pytest.param(D(1924, 5, 1), D(2024, 5, 10), id="start-typed-1924"),
        pytest.param(D(2204, 5, 1), D(2024, 5, 10), id="start-typed-2204"),
    ],
)
def test_icpc_with_a_date_outside_the_calendar_is_excluded(start: dt.date, icpc: dt.date) -> None:
    """An S47ActualStartDate typo is `outside-calendar` in the rate and the distribution."""
    s47 = Section47(child_id="A", start_date=start, icpc_date=icpc)
    rate = icpc_timeliness_rate([s47], period=Y2024_25)
    assert only_outcome(rate) == "outside-calendar"
    distribution = icpc_duration_distribution([s47], period=Y2024_25)
    assert distribution.excluded == {"outside-calendar": 1}
    assert distribution.total == 0


@pytest.mark.parametrize(
    ("contact", "decision", "period"),
    [
        pytest.param(D(2024, 5, 1), D(2099, 1, 1), Y2024_25, id="decision-typed-2099"),
        pytest.param(D(2024, 5, 1), D(1924, 5, 2), Y2024_25, id="decision-typed-1924"),
        # A period beyond the calendar: a contact in it cannot be aged, decided or not.
        pytest.param(D(2051, 5, 1), None, ReportingPeriod.year_ending(2052), id="undecided-2051"),
    ],
)
def test_contact_with_a_date_outside_the_calendar_is_excluded(
    contact: dt.date, decision: dt.date | None, period: ReportingPeriod
) -> None:
    """A contact decided in 2099 (a typo) is `outside-calendar`, not an error nor late."""
    record = Contact(child_id="A", contact_date=contact, decision_date=decision)
    rate = contact_decision_timeliness_rate([record], period=period)
    assert only_outcome(rate) == "outside-calendar"
    assert rate.excluded == {"outside-calendar": 1}
    assert rate.denominator == 0


def test_coverage_comes_from_the_calendar_passed() -> None:
    """A start before a custom calendar's first day is excluded; England times it."""
    # Fri 20 Dec 2019 to Fri 10 Jan 2020 on the England calendar: 23, 24, 27, 30, 31 Dec and
    # 2, 3, 6-10 Jan (25, 26 Dec and 1 Jan are bank holidays) = 12 working days.
    data = Dataset.of(single(D(2019, 12, 20), D(2020, 1, 10)))
    period = ReportingPeriod.year_ending(2020)
    for card in (ASSESSMENT_45WD, ASSESSMENT_DURATIONS):
        england = card.compute(data, period=period)
        custom = card.compute(data, period=period, calendar=FROM_2020)
        assert england.excluded == {}, card.id
        assert custom.excluded == {"outside-calendar": 1}, card.id
    rate = assessment_timeliness_rate(data, period=period)
    assert measure(rate, "working_days") == 12


@pytest.mark.parametrize("card", CALENDAR_CARDS, ids=lambda card: card.id)
def test_no_working_day_card_raises_for_a_date_outside_the_calendar(card: Indicator) -> None:
    """Every working-day card accounts for a record with a typo'd date instead of raising."""
    data = Dataset.of(
        single(D(2204, 6, 1), D(2024, 6, 3)),
        single(D(2204, 6, 1), D(2024, 6, 3), kind="initial"),
        single(D(2204, 6, 1), D(2024, 6, 3), kind="core"),
        Section47(child_id="A", start_date=D(2204, 5, 1), icpc_date=D(2024, 5, 10)),
        Contact(child_id="A", contact_date=D(2024, 5, 1), decision_date=D(2099, 1, 1)),
    )
    result = card.compute(data, period=Y2024_25)
    assert result.excluded == {"outside-calendar": 1}  # type: ignore[union-attr]


# -- the kernel cannot lose an exclusion -----------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "reasons", "missing"),
    [
        pytest.param(
            "referral", ("missing-start", "end-before-start"), "missing-referral", id="referral"
        ),
        pytest.param(
            "assessment-start",
            ("missing-start", "end-before-start"),
            "outside-calendar",
            id="outside-calendar",
        ),
        pytest.param(
            "assessment-start",
            ("missing-referral", "outside-calendar", "end-before-start"),
            "missing-start",
            id="missing-start",
        ),
    ],
)
def test_kernel_refuses_reasons_that_would_drop_an_exclusion(
    anchor: str, reasons: tuple[str, ...], missing: str
) -> None:
    """Leaving out a reason the kernel can give raises instead of counting its rows late."""
    data = Dataset.of(REFERRAL, single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R9"))
    with pytest.raises(SafeguardingMetricsError, match=missing):
        assessments_within_rate(
            data,
            period=Y2024_25,
            kind="single",
            limit=45,
            indicator_id="x",
            anchor=anchor,
            reasons=reasons,
        )
    # It raises even when no row has the reason: a card's list is wrong whatever the data.
    with pytest.raises(SafeguardingMetricsError, match=missing):
        assessments_within_rate(
            [],
            period=Y2024_25,
            kind="single",
            limit=45,
            indicator_id="x",
            anchor=anchor,
            reasons=reasons,
        )


def test_kernel_refuses_an_unknown_reason() -> None:
    """A misspelt reason would always count zero, so it raises."""
    with pytest.raises(SafeguardingMetricsError, match="missing-strat"):
        assessments_within_rate(
            [],
            period=Y2024_25,
            kind="single",
            limit=45,
            indicator_id="x",
            reasons=("missing-strat", "missing-start", "outside-calendar", "end-before-start"),
        )


def test_kernel_reports_a_listed_reason_it_cannot_give_as_zero() -> None:
    """The start anchor cannot give `missing-referral`; listed, it is reported as 0."""
    rate = assessments_within_rate(
        [single(None, D(2024, 6, 3))],
        period=Y2024_25,
        kind="single",
        limit=45,
        indicator_id="x",
        reasons=("missing-start", "missing-referral", "outside-calendar", "end-before-start"),
    )
    assert rate.excluded_counts == (
        ("missing-start", 1),
        ("missing-referral", 0),
        ("outside-calendar", 0),
        ("end-before-start", 0),
    )


# -- options through the card ---------------------------------------------------------------


def test_card_compute_accepts_the_anchor_option() -> None:
    """ASSESSMENT_45WD.compute passes anchor through to the function."""
    assessment = single(D(2024, 4, 15), D(2024, 6, 13), referral_id="R1")
    data = Dataset.of(REFERRAL, assessment)
    through_card = ASSESSMENT_45WD.compute(data, period=Y2024_25, anchor="referral")
    direct = assessment_timeliness_rate(data, period=Y2024_25, anchor="referral")
    assert through_card == direct
    assert ASSESSMENT_45WD.compute(data, period=Y2024_25) == assessment_timeliness_rate(
        data, period=Y2024_25
    )


@pytest.mark.parametrize(
    ("card", "options"),
    [
        pytest.param(ASSESSMENT_45WD, {"anchor": "authorisation"}, id="bad-anchor"),
        pytest.param(ASSESSMENT_45WD, {"limit": 50}, id="unknown-option"),
        pytest.param(ASSESSMENT_DURATIONS, {"anchor": "start"}, id="bad-durations-anchor"),
        pytest.param(ICPC_15WD, {"anchor": "referral"}, id="icpc-has-no-anchor"),
        pytest.param(CP_REVIEWS_IN_TIMESCALE, {"window": 6}, id="cp-has-no-options"),
    ],
)
def test_card_compute_rejects_bad_options(card: Indicator, options: dict[str, Any]) -> None:
    """An unknown option or an unlisted value raises InvalidOptionError."""
    with pytest.raises(InvalidOptionError):
        card.compute(Dataset(), period=Y2024_25, **options)


def test_function_rejects_a_bad_anchor() -> None:
    """Calling the function directly with a bad anchor raises our own error."""
    with pytest.raises(InvalidOptionError, match="anchor"):
        assessment_timeliness_rate([], period=Y2024_25, anchor="start")


def test_kernel_rejects_an_unknown_kind() -> None:
    """The shared assessment kernel names the accepted kinds."""
    with pytest.raises(InvalidOptionError, match="'single'"):
        assessments_within_rate([], period=Y2024_25, kind="full", limit=45, indicator_id="x")


def test_card_compute_passes_the_calendar() -> None:
    """A calendar given to compute is used; none means the England calendar."""
    data = Dataset.of(single(D(2023, 12, 4), D(2024, 2, 9)))
    closed = WorkingDayCalendar.england(extra_closures=[D(2023, 12, 27)])
    numerators = []
    for calendar in (None, ENGLAND, closed):
        rate = ASSESSMENT_45WD.compute(data, period=Y2023_24, calendar=calendar)
        assert isinstance(rate, Rate)
        numerators.append(rate.numerator)
    assert numerators == [0, 0, 1]


# -- properties -----------------------------------------------------------------------------


def _outcomes(result: object) -> list[str]:
    audit = result.audit  # type: ignore[attr-defined]
    return [str(label) for label in audit.outcomes()]


def _days(values: npt.NDArray[np.float64]) -> list[int | None]:
    return [None if math.isnan(v) else int(v) for v in values]


anchors = st.sampled_from(["assessment-start", "referral"])
kinds_and_limits = st.sampled_from([("single", 45), ("initial", 10), ("core", 35)])


@example(
    data=Dataset.of(REFERRAL, single(None, D(2024, 6, 12), referral_id="R1")),
    period=Y2024_25,
    anchor="referral",
    kind_limit=("single", 45),
)
@given(data=timescale_datasets(), period=periods(), anchor=anchors, kind_limit=kinds_and_limits)
def test_assessment_rate_matches_oracle(
    data: Dataset, period: ReportingPeriod, anchor: str, kind_limit: tuple[str, int]
) -> None:
    """The columnar kernel gives each assessment the oracle's outcome and working days."""
    kind, limit = kind_limit
    rate = assessments_within_rate(
        data, period=period, kind=kind, limit=limit, indicator_id="x", anchor=anchor
    )
    expected = oracle.assessment_outcomes(
        data.assessments,
        data.referrals,
        period=period,
        calendar=ENGLAND,
        kind=kind,
        limit=limit,
        anchor=anchor,
    )
    assert rate.audit is not None
    assert _outcomes(rate) == [label for label, _ in expected]
    assert _days(rate.audit.measures["working_days"]) == [days for _, days in expected]


@given(data=timescale_datasets(), period=periods(), anchor=anchors)
def test_assessment_distribution_matches_oracle(
    data: Dataset, period: ReportingPeriod, anchor: str
) -> None:
    """Band counts equal the oracle's durations banded one by one."""
    result = assessment_duration_distribution(data, period=period, anchor=anchor)
    expected = oracle.assessment_outcomes(
        data.assessments, data.referrals, period=period, calendar=ENGLAND, anchor=anchor
    )
    assert result.bands == oracle.band_tally(expected, ASSESSMENT_DURATION_BANDS)
    excluded = {label for label, _ in expected} - {"out-of-scope", "numerator", "denominator-only"}
    assert result.excluded == {r: [e for e, _ in expected].count(r) for r in excluded}


@given(data=timescale_datasets(), period=periods())
def test_icpc_rate_and_distribution_match_oracle(data: Dataset, period: ReportingPeriod) -> None:
    """Each enquiry gets the oracle's outcome, working days and band."""
    rate = icpc_timeliness_rate(data, period=period)
    expected = oracle.icpc_outcomes(data.section47s, period=period, calendar=ENGLAND)
    assert rate.audit is not None
    assert _outcomes(rate) == [label for label, _ in expected]
    assert _days(rate.audit.measures["working_days"]) == [days for _, days in expected]
    distribution = icpc_duration_distribution(data, period=period)
    assert distribution.bands == oracle.band_tally(expected, ICPC_DURATION_BANDS)


@given(data=timescale_datasets(), period=periods())
def test_contact_rate_matches_oracle(data: Dataset, period: ReportingPeriod) -> None:
    """Each contact gets the oracle's outcome and working days."""
    rate = contact_decision_timeliness_rate(data, period=period)
    expected = oracle.contact_outcomes(data.contacts, period=period, calendar=ENGLAND)
    assert rate.audit is not None
    assert _outcomes(rate) == [label for label, _ in expected]
    assert _days(rate.audit.measures["working_days"]) == [days for _, days in expected]


@example(
    data=Dataset.of(plan(D(2024, 6, 15), D(2024, 9, 10), D(2024, 9, 10), D(2025, 3, 5))),
    period=Y2024_25,
)
@given(data=timescale_datasets(), period=periods())
def test_cp_reviews_match_oracle(data: Dataset, period: ReportingPeriod) -> None:
    """Each plan gets the oracle's outcome, review count and next due date."""
    rate = cp_review_timeliness_rate(data, period=period)
    expected = oracle.cp_review_outcomes(data.cp_plans, period=period)
    assert rate.audit is not None
    assert _outcomes(rate) == [label for label, _, _ in expected]
    assert _days(rate.audit.measures["reviews"]) == [n for _, n, _ in expected]
    due = rate.audit.measures["next_review_due"]
    assert [None if np.isnat(d) else d.astype(dt.date) for d in due] == [d for _, _, d in expected]


def _shuffled(data: Dataset, rng: random.Random) -> tuple[Dataset, dict[str, list[int]]]:
    orders: dict[str, list[int]] = {}
    tables: dict[str, tuple[object, ...]] = {}
    names: tuple[TableName, ...] = (
        "referrals",
        "assessments",
        "section47s",
        "contacts",
        "cp_plans",
    )
    for name in names:
        records = data.records(name)
        order = list(range(len(records)))
        rng.shuffle(order)
        orders[name] = order
        tables[name] = tuple(records[i] for i in order)
    return Dataset(**tables), orders  # type: ignore[arg-type]


@given(data=timescale_datasets(), period=periods(), rng=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(
    data: Dataset, period: ReportingPeriod, rng: random.Random
) -> None:
    """Shuffling every collection permutes the audit and changes no total or diagnostic."""
    shuffled, orders = _shuffled(data, rng)
    runs: list[tuple[Indicator, dict[str, Any]]] = [(card, {}) for card in CARDS]
    runs += [(card, {"anchor": "referral"}) for card in (ASSESSMENT_45WD, ASSESSMENT_DURATIONS)]
    for card, options in runs:
        before = card.compute(data, period=period, **options)
        after = card.compute(shuffled, period=period, **options)
        assert after == before, card.id
        assert set(after.diagnostics) == set(before.diagnostics), card.id
        order = orders[TABLE_OF[card.id]]
        assert _outcomes(after) == [_outcomes(before)[i] for i in order], card.id


@given(data=timescale_datasets(), period=periods())
def test_every_record_is_accounted_for_once(data: Dataset, period: ReportingPeriod) -> None:
    """Audit length is the table's size; tallies add up; numerator <= denominator."""
    for card in CARDS:
        result = card.compute(data, period=period)
        audit = result.audit
        assert audit is not None
        table = TABLE_OF[card.id]
        assert audit.table == table
        assert len(audit) == len(data.records(table))  # type: ignore[arg-type]
        tally = audit.tally()
        assert sum(tally.values()) == len(audit)
        assert dict(result.excluded_counts) == {  # type: ignore[union-attr]
            reason: tally[reason] for reason in card.exclusions
        }
        if isinstance(result, Rate):
            assert 0 <= result.numerator <= result.denominator
            assert result.numerator == tally["numerator"]
            assert result.denominator == tally["numerator"] + tally["denominator-only"]
        else:
            assert result.total == tally["numerator"]  # type: ignore[union-attr]
        assert [r for r, _ in result.excluded_counts] == list(card.exclusions)  # type: ignore[union-attr]


@given(
    data=timescale_datasets(),
    period=periods(),
    anchor=anchors,
    kind=st.sampled_from(["single", "initial", "core"]),
    limits=st.lists(st.integers(0, 70), min_size=2, max_size=2).map(sorted),
)
def test_a_larger_limit_never_lowers_a_rate(
    data: Dataset, period: ReportingPeriod, anchor: str, kind: str, limits: list[int]
) -> None:
    """Raising the working-day limit keeps the denominator and never lowers the numerator."""
    low, high = (
        assessments_within_rate(
            data, period=period, kind=kind, limit=limit, indicator_id="x", anchor=anchor
        )
        for limit in limits
    )
    assert high.denominator == low.denominator
    assert high.numerator >= low.numerator


@given(data=timescale_datasets(), period=periods(), closures=closure_days)
def test_local_closure_days_never_lower_a_rate(
    data: Dataset, period: ReportingPeriod, closures: list[dt.date]
) -> None:
    """Closure days only shorten durations, so no rate falls and no duration grows."""
    closed = ENGLAND.with_closures(closures)
    for card in RATE_CARDS_WITH_CALENDAR:
        open_rate = card.compute(data, period=period)
        closed_rate = card.compute(data, period=period, calendar=closed)
        assert isinstance(open_rate, Rate)
        assert isinstance(closed_rate, Rate)
        assert closed_rate.denominator == open_rate.denominator
        assert closed_rate.numerator >= open_rate.numerator
        assert open_rate.audit is not None
        assert closed_rate.audit is not None
        before = open_rate.audit.measures["working_days"]
        after = closed_rate.audit.measures["working_days"]
        counted = ~np.isnan(before) & (before >= 0)
        assert (after[counted] <= before[counted]).all()
