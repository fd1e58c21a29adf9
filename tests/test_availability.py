"""Figures and comparisons the data cannot support (SPEC §4.6): never a figure, never an arrow."""

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import (
    INDICATORS,
    Coverage,
    Dataset,
    Direction,
    Referral,
    ReportingPeriod,
    ReturnCoverage,
)
from safeguarding_metrics.availability import availability
from safeguarding_metrics.catalogue import History
from safeguarding_metrics.report import run_report

NFA = INDICATORS["referrals-nfa"]


def referrals_covering(*years: int) -> Dataset:
    """Two referrals in each collection year given, and the returns recorded for those years."""
    referrals = [
        Referral(
            referral_id=f"R{year}{n}",
            child_id=f"C{n}",
            referral_date=dt.date(year - 1, 6 + n, 1),
            nfa=n == 0,
        )
        for year in years
        for n in range(2)
    ]
    coverage = Coverage(
        tuple(
            ReturnCoverage.for_year(
                kind="cin-census", path=f"cin{year}.xml", year=year, tables=["referrals"]
            )
            for year in years
        )
    )
    return Dataset(referrals=referrals, coverage=coverage)


def test_a_dataset_without_recorded_returns_supports_every_period() -> None:
    """Records built in a script record no returns: all history is taken to be present."""
    data = attrs.evolve(referrals_covering(2024), coverage=Coverage())
    assert availability(NFA, data, ReportingPeriod.year_ending(2040)).supported


def test_a_period_the_returns_cover_is_supported() -> None:
    """The 2023-24 return supports a figure for 2023-24 and for its quarters."""
    data = referrals_covering(2024)
    assert availability(NFA, data, ReportingPeriod.year_ending(2024)).supported
    assert availability(NFA, data, ReportingPeriod.year_ending(2024).quarter(3)).supported


def test_a_period_beyond_the_data_is_not_supported() -> None:
    """A year after the latest return lies beyond the data, and the reason says so."""
    result = availability(NFA, referrals_covering(2024), ReportingPeriod.year_ending(2100))
    assert not result.supported
    assert result.reason == "2099-00 lies beyond the data, which ends on 31 March 2024"


def test_a_period_before_the_data_is_not_supported() -> None:
    """A year before the earliest return lies before the data."""
    result = availability(NFA, referrals_covering(2024), ReportingPeriod.year_ending(2022))
    assert not result.supported
    assert result.reason == "2021-22 lies before the data, which starts on 1 April 2023"


def test_a_part_year_is_not_supported() -> None:
    """A year that runs past the latest return's end would be a part-year figure."""
    data = referrals_covering(2024)
    rolling = ReportingPeriod.rolling_12_months(as_at=dt.date(2024, 9, 30))
    result = availability(NFA, data, rolling)
    assert not result.supported
    assert result.reason is not None
    assert "ends on 31 March 2024, before" in result.reason


def test_an_indicator_that_looks_back_needs_the_history_before_the_period() -> None:
    """Re-referrals for the first year of the returns would miss the 12 months before it."""
    card = attrs.evolve(INDICATORS["re-referrals-12m"], history=History(months=12))
    data = referrals_covering(2023, 2024)
    first = availability(card, data, ReportingPeriod.year_ending(2023))
    assert not first.supported
    assert first.reason == (
        "it looks back over the 12 months before the period's start (from 1 April 2021), "
        "and the data starts on 1 April 2022"
    )
    assert availability(card, data, ReportingPeriod.year_ending(2024)).supported


def test_history_counted_back_from_the_period_end() -> None:
    """A look-back from the period's end counts calendar months back from its last day."""
    history = History(months=30, before="end")
    assert history.needed_from(ReportingPeriod.year_ending(2025)) == dt.date(2022, 9, 30)


def test_report_leaves_out_a_figure_beyond_the_data_and_says_why() -> None:
    """A report for a year beyond the returns shows no figures, only the reason."""
    report = run_report(referrals_covering(2024), period=ReportingPeriod.year_ending(2100))
    row = report.row("referrals-nfa")
    assert row.current is None
    assert row.unsupported == "2099-00 lies beyond the data, which ends on 31 March 2024"
    assert not report.computed_any
    assert report.to_dict()["indicators"]["referrals-nfa"] == {"unsupported": row.unsupported}
    assert "Not shown: the data cannot support a figure for 2099-00" in report.to_table()


def test_comparison_with_a_year_before_the_returns_is_not_comparable() -> None:
    """The first year of the returns gets no arrow against the year before them."""
    report = run_report(referrals_covering(2024), period=ReportingPeriod.year_ending(2024))
    row = report.row("referrals-nfa")
    assert row.current is not None
    assert row.previous is None
    assert row.direction is Direction.NOT_COMPARABLE
    assert row.previous_unsupported == "2022-23 lies before the data, which starts on 1 April 2023"
    entry = report.to_dict()["indicators"]["referrals-nfa"]
    assert entry["previous"] == {"period": "2022-23", "unsupported": row.previous_unsupported}
    assert entry["direction"] == "not-comparable"
    table = report.to_table()
    assert "not compared with 2022-23: 2022-23 lies before the data" in table
    (line,) = [text for text in table.splitlines() if text.startswith(NFA.title[:20])]
    assert line.split()[-2:] == ["n/a", "–"]


def test_comparison_within_the_returns_has_an_arrow() -> None:
    """Two covered years compare as before."""
    report = run_report(referrals_covering(2023, 2024), period=ReportingPeriod.year_ending(2024))
    assert report.row("referrals-nfa").direction is Direction.UNCHANGED


def test_report_json_records_the_coverage() -> None:
    """The JSON's top-level coverage names each collection's first and last year."""
    report = run_report(referrals_covering(2023, 2024), period=ReportingPeriod.year_ending(2024))
    coverage = report.to_dict()["coverage"]
    assert coverage["tables"]["referrals"] == {
        "first_year": 2023,
        "last_year": 2024,
        "start": "2022-04-01",
        "end": "2024-03-31",
    }
    assert [r["year"] for r in coverage["returns"]] == [2023, 2024]


@pytest.mark.parametrize("year", [2020, 2022, 2026, 2100])
def test_no_arrow_is_ever_shown_against_an_uncovered_year(year: int) -> None:
    """Whatever the period, a comparison with a year the returns do not cover has no arrow."""
    report = run_report(referrals_covering(2023, 2024), period=ReportingPeriod.year_ending(year))
    for row in report.rows:
        assert row.direction in (None, Direction.NOT_COMPARABLE)


def test_a_year_missing_between_two_returns_is_a_gap() -> None:
    """Returns for 2021-22 and 2023-24 leave 2022-23 uncovered: no figure for it."""
    result = availability(NFA, referrals_covering(2022, 2024), ReportingPeriod.year_ending(2023))
    assert not result.supported
    assert result.reason == "no return given covers referrals from 1 April 2022 to 31 March 2023"


@given(
    years=st.sets(st.integers(2015, 2030), min_size=1, max_size=5),
    period_year=st.integers(2010, 2035),
)
def test_coverage_never_produces_a_figure_or_an_arrow_for_an_uncovered_year(
    years: set[int], period_year: int
) -> None:
    """A figure needs its year's return; an arrow needs the returns of both years."""
    data = referrals_covering(*sorted(years))
    report = run_report(data, period=ReportingPeriod.year_ending(period_year))
    row = report.row("referrals-nfa")
    assert (row.current is not None) == (period_year in years)
    has_arrow = row.direction not in (None, Direction.NOT_COMPARABLE)
    assert has_arrow == (period_year in years and period_year - 1 in years)


def test_a_source_holding_a_needed_field_in_part_cannot_support_the_figure() -> None:
    """A card needing a field whole is refused where a source covering the period lacks it."""
    card = attrs.evolve(NFA, needs=("referrals.nfa",))
    data = referrals_covering(2024)
    partial = ReturnCoverage(
        kind="extract",
        path="x",
        year=None,
        start=dt.date(2023, 4, 1),
        end=dt.date(2024, 3, 31),
        tables=["referrals"],
        partial={"referrals.nfa": "no NFA flag"},
    )
    with_part = attrs.evolve(data, coverage=data.coverage | Coverage((partial,)))
    verdict = availability(card, with_part, ReportingPeriod.year_ending(2024))
    assert (
        verdict.reason
        == "the extract data holds no NFA flag (referrals.nfa), and the figure needs it whole"
    )
    assert availability(NFA, with_part, ReportingPeriod.year_ending(2024)).supported
    (entry,) = [r for r in with_part.coverage.to_dict()["returns"] if r["kind"] == "extract"]
    assert entry["partial"] == {"referrals.nfa": "no NFA flag"}


def test_a_card_names_the_fields_it_needs_as_table_and_field() -> None:
    """Needs entries are 'table.field' of a record collection; anything else is refused."""
    with pytest.raises(ValueError, match=r"is not 'table\.field'"):
        attrs.evolve(NFA, needs=("nfa",))
    with pytest.raises(ValueError, match=r"is not 'table\.field'"):
        attrs.evolve(NFA, needs=("plans.review_dates",))
