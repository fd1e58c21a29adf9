"""Report columns: the short texts an analyst writes for a period, and the usual layouts."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics import InvalidPeriodError, ReportingPeriod
from safeguarding_metrics.layouts import LAYOUTS, column_for, layout, parse_column

D = dt.date
Y2025 = ReportingPeriod.year_ending(2025)


@pytest.mark.parametrize(
    ("text", "start", "end", "heading"),
    [
        pytest.param("2023-24", D(2023, 4, 1), D(2024, 3, 31), "2023-24", id="year"),
        pytest.param("2012/13", D(2012, 4, 1), D(2013, 3, 31), "2012-13", id="stockton-year"),
        pytest.param("Q1", D(2024, 4, 1), D(2024, 6, 30), "Q1 (Apr–Jun)", id="quarter"),
        pytest.param("q4", D(2025, 1, 1), D(2025, 3, 31), "Q4 (Jan–Mar)", id="lower-case"),
        pytest.param(
            "2023-24-Q3", D(2023, 10, 1), D(2023, 12, 31), "2023-24 Q3 (Oct–Dec)", id="year-quarter"
        ),
        pytest.param("Q2-ytd", D(2024, 4, 1), D(2024, 9, 30), "Q2 (Apr–Sep)", id="quarter-ytd"),
        pytest.param("ytd", D(2024, 4, 1), D(2024, 11, 15), "Year to 15 Nov 2024", id="ytd"),
        pytest.param("2024-01", D(2024, 1, 1), D(2024, 1, 31), "Jan-24", id="month"),
        pytest.param("Jan-14", D(2014, 1, 1), D(2014, 1, 31), "Jan-14", id="hampshire-month"),
        pytest.param("Feb-2024", D(2024, 2, 1), D(2024, 2, 29), "Feb-24", id="leap-month"),
        pytest.param(
            "rolling", D(2023, 11, 16), D(2024, 11, 15), "12 months to 2024-11-15", id="rolling"
        ),
        pytest.param(
            "2024-01-01..2024-03-31",
            D(2024, 1, 1),
            D(2024, 3, 31),
            "2024-01-01 to 2024-03-31",
            id="range",
        ),
    ],
)
def test_each_column_text_names_its_period(
    text: str, start: dt.date, end: dt.date, heading: str
) -> None:
    """Every form of column text gives the period an analyst would expect, headed plainly."""
    column = parse_column(text, as_at=D(2024, 11, 15))
    assert (column.period.start, column.period.end, column.heading) == (start, end, heading)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("2023-25", "the year after 2023 is 2024", id="not-consecutive"),
        pytest.param("Q5", "names no period", id="no-fifth-quarter"),
        pytest.param("2024-13", "the year after 2024 is 2025", id="no-13th-month"),
        pytest.param("last year", "names no period", id="words"),
    ],
)
def test_a_text_that_names_no_period_says_what_to_write(text: str, message: str) -> None:
    """A mistake is an InvalidPeriodError that lists the forms accepted."""
    with pytest.raises(InvalidPeriodError, match=message):
        parse_column(text, as_at=D(2024, 11, 15))


def test_a_quarter_without_a_year_or_date_asks_for_one() -> None:
    """``Q2`` alone needs the year it is of."""
    with pytest.raises(InvalidPeriodError, match="needs the year"):
        parse_column("Q2")
    with pytest.raises(InvalidPeriodError, match="needs a date"):
        parse_column("ytd")


def test_stockton_layout_is_the_whole_year_then_the_year_to_each_quarter_end() -> None:
    """quarters-ytd at 30 September: 2023-24 whole year | Q1 (Apr–Jun) | Q2 (Apr–Sep)."""
    columns = layout("quarters-ytd", as_at=D(2024, 9, 30))
    assert [c.heading for c in columns] == ["2023-24 whole year", "Q1 (Apr–Jun)", "Q2 (Apr–Sep)"]
    assert [c.period.end for c in columns] == [D(2024, 3, 31), D(2024, 6, 30), D(2024, 9, 30)]
    assert {c.period.start for c in columns[1:]} == {D(2024, 4, 1)}


def test_quarters_layout_shows_each_ended_quarter() -> None:
    """Quarters at 15 November: the last whole year, Q1 and Q2 (Q3 has not ended)."""
    columns = layout("quarters", as_at=D(2024, 11, 15))
    assert [c.heading for c in columns] == ["2023-24 whole year", "Q1 (Apr–Jun)", "Q2 (Jul–Sep)"]


def test_months_layout_is_each_ended_month_of_the_year() -> None:
    """Months at 15 June: April and May (Hampshire's Apr-24, May-24)."""
    assert [c.heading for c in layout("months", as_at=D(2024, 6, 15))] == ["Apr-24", "May-24"]


def test_years_layout_is_the_last_three_whole_years() -> None:
    """Years at 31 March 2025: 2022-23, 2023-24, 2024-25."""
    assert [c.heading for c in layout("years", as_at=D(2025, 3, 31))] == [
        "2022-23",
        "2023-24",
        "2024-25",
    ]


def test_a_layout_with_no_ended_quarter_says_so() -> None:
    """quarters-ytd on 10 April has no quarter to show: a clear error."""
    with pytest.raises(InvalidPeriodError, match="no quarter of 2024-25 has ended"):
        layout("quarters-ytd", as_at=D(2024, 4, 10))
    with pytest.raises(InvalidPeriodError, match="unknown layout"):
        layout("fortnights", as_at=D(2024, 4, 10))


def test_column_for_a_year_to_date_at_a_quarter_end_names_the_quarter() -> None:
    """A year to date ending on 31 December is headed as Q3's, the full form naming the year."""
    ytd = ReportingPeriod.year_to_date(as_at=D(2024, 12, 31))
    assert column_for(ytd).heading == "2024-25 Q3 to date (Apr–Dec)"
    assert column_for(ytd, short=True).heading == "Q3 (Apr–Dec)"


@given(
    as_at=st.dates(min_value=D(2000, 4, 1), max_value=D(2049, 3, 31)), name=st.sampled_from(LAYOUTS)
)
def test_every_layout_column_ends_by_the_date_it_is_laid_out_for(as_at: dt.date, name: str) -> None:
    """No layout shows a period that ends after its as-at date (a part period)."""
    try:
        columns = layout(name, as_at=as_at)
    except InvalidPeriodError:
        return
    assert columns
    for column in columns:
        assert column.period.end <= as_at
