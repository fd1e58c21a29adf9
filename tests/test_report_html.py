"""The HTML report: self-contained, escaped, a section per area, trends, and no child id unasked."""

import datetime as dt
import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

from safeguarding_metrics import (
    INDICATORS,
    Assessment,
    Dataset,
    Referral,
    ReportingPeriod,
)
from safeguarding_metrics.cli import main
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import CalendarCoverageError
from safeguarding_metrics.layouts import layout
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.report import Comparator, Report, core, run_report
from safeguarding_metrics.report.core import Cell
from safeguarding_metrics.report.render_html import (
    AREAS,
    CHILD_ID_MARK,
    area_of,
    areas,
    render_html,
)
from safeguarding_metrics.report.text import percent
from safeguarding_metrics.results import Distribution, Rate, Result
from safeguarding_metrics.synthetic import synthetic_dataset

D = dt.date
YEAR = ReportingPeriod.year_ending(2025)
AS_AT = D(2024, 9, 30)

# A tiny DOM, enough to find elements by tag, class and id in the page.

_VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "col", "source", "area", "base"}


@dataclass
class Element:
    """An element of the parsed page."""

    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        """The element's classes."""
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All the text inside, space-joined, runs of white space as one space."""
        joined = " ".join(
            child if isinstance(child, str) else child.text() for child in self.children
        )
        return re.sub(r"\s+", " ", joined).strip()

    def iter(self, tag: str | None = None, cls: str | None = None) -> Iterator["Element"]:
        """Every element inside (depth first) with *tag* and class *cls*."""
        for child in self.children:
            if isinstance(child, Element):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    yield child
                yield from child.iter(tag, cls)

    def find(self, tag: str | None = None, cls: str | None = None) -> "Element":
        """The first element inside with *tag* and class *cls*."""
        found = next(self.iter(tag, cls), None)
        assert found is not None, f"no <{tag} class={cls}> inside <{self.tag}>"
        return found

    def by_id(self, element_id: str) -> "Element":
        """The element with id *element_id*."""
        found = next((e for e in self.iter() if e.attrs.get("id") == element_id), None)
        assert found is not None, f"no element with id {element_id!r}"
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.stack[-1].children.append(data)


def flat(text: str) -> str:
    """*text* without white space or backticks, to compare text split across elements."""
    return re.sub(r"\s+", "", text.replace("`", ""))


def parse_html(page: str) -> Element:
    """The page as a tree of elements."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


# Data.


def assessments() -> Dataset:
    """2024-25: one on time, one late, one without a start; one more in 2023-24, on time."""
    rows = [
        ("ZX-ONTIME", D(2024, 5, 1), D(2024, 5, 20)),
        ("ZX-LATE", D(2024, 5, 1), D(2024, 12, 20)),
        ("ZX-NOSTART", None, D(2024, 6, 1)),
        ("ZX-LASTYEAR", D(2023, 5, 1), D(2023, 5, 20)),
    ]
    return Dataset(
        assessments=[
            Assessment(child_id=child, start_date=start, authorisation_date=end)
            for child, start, end in rows
        ],
        referrals=[Referral(referral_id="R1", child_id="ZX-ONTIME", referral_date=D(2024, 4, 2))],
    )


CHILD_IDS = ("ZX-ONTIME", "ZX-LATE", "ZX-NOSTART", "ZX-LASTYEAR")


def covered(data: Dataset, *years: int) -> Dataset:
    """*data* as if read from CIN census returns for *years*."""
    returns = tuple(
        ReturnCoverage.for_year(
            kind="cin-census",
            path=f"cin-{year}.xml",
            year=year,
            tables=["assessments", "referrals"],
        )
        for year in years
    )
    return attrs.evolve(data, coverage=Coverage(returns))


@functools.cache
def demo() -> tuple[Report, Dataset]:
    """A small synthetic council's Cabinet table: last year, then Q1 and Q2 to date."""
    data = synthetic_dataset(year_ending=2025, scale=0.1)
    return run_report(data, columns=layout("quarters-ytd", as_at=AS_AT)), data


@functools.cache
def demo_page(*, with_children: bool = False) -> str:
    report, data = demo()
    return render_html(report, data, with_children=with_children)


def one_year(**kwargs: Any) -> Report:
    return run_report(assessments(), period=YEAR, **kwargs)


def with_cell(report: Report, indicator_id: str, position: int, cell: Cell) -> Report:
    """*report* with one cell replaced."""
    rows = tuple(
        attrs.evolve(row, cells=(*row.cells[:position], cell, *row.cells[position + 1 :]))
        if row.id == indicator_id
        else row
        for row in report.rows
    )
    return attrs.evolve(report, rows=rows)


# Self-contained, escaped, structured.


def test_page_loads_nothing_and_runs_no_script() -> None:
    """No script, no stylesheet link or image, and no http(s) address in a src or href."""
    page = demo_page()
    root = parse_html(page)
    tags = {element.tag for element in root.iter()}
    assert "script" not in tags
    assert not {"link", "img", "iframe", "object", "embed"} & tags
    addresses = [
        value
        for element in root.iter()
        for name, value in element.attrs.items()
        if name in ("src", "href", "xlink:href", "srcset", "action")
    ]
    assert not [a for a in addresses if re.match(r"\s*(https?:)?//", a, re.IGNORECASE)]
    assert "<script" not in page.lower()
    assert "@import" not in page
    assert "url(" not in page


def test_page_is_a_complete_utf8_document() -> None:
    """A doctype, a language, UTF-8 and the heading as the title."""
    report, _ = demo()
    page = demo_page()
    assert page.startswith("<!DOCTYPE html>")
    root = parse_html(page)
    assert root.find("html").attrs["lang"] == "en-GB"
    assert root.find("meta").attrs["charset"] == "utf-8"
    assert root.find("title").text() == report.heading
    assert root.find("h1").text() == report.heading


def test_text_from_cards_and_data_is_escaped() -> None:
    """A title, a card's text, a label, a reason and a problem holding markup show as text."""
    hostile = "<script>alert('x')</script> & \"Co\""
    report = one_year(
        title=hostile,
        comparators=[
            Comparator(indicator_id="assessment-45wd", label=hostile, value=80.0, year=hostile)
        ],
    )
    row = report.row("assessment-45wd")
    card = attrs.evolve(row.card, title=hostile, notes=(hostile,), cohort=hostile)
    rows = tuple(attrs.evolve(r, card=card) if r.id == row.id else r for r in report.rows)
    report = attrs.evolve(
        report,
        rows=rows,
        period_note=hostile,
        diagnostics=(Diagnostic(file=hostile, where="", field=hostile, value="", problem=hostile),),
    )
    report = with_cell(report, "referrals-nfa", 0, Cell(unsupported=hostile))
    page = render_html(report, assessments())
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;" in page
    root = parse_html(page)
    assert root.find("h1").text() == hostile
    assert hostile in root.by_id("assessment-45wd").find("span", "title").text()
    assert root.by_id("referrals-nfa").find("td", "na").attrs["title"] == hostile


def test_every_indicator_shown_has_its_definition_one_click_away() -> None:
    """Each row holds a closed <details> with the card: cohort, numerator, sources."""
    report, _ = demo()
    root = parse_html(demo_page())
    shown = [row for row in report.rows if not row.is_empty]
    assert shown
    for row in shown:
        details = root.by_id(row.id).find("details", "card")
        assert "open" not in details.attrs
        assert details.find("summary").text() == "Definition"
        text = flat(details.text())
        assert flat(row.card.cohort) in text
        assert flat(row.card.numerator) in text
        assert flat(row.card.sources[0].title) in text


def test_every_indicator_shown_has_an_svg_trend() -> None:
    """An inline SVG per row, with a point per column that has a figure."""
    report, _ = demo()
    root = parse_html(demo_page())
    for row in report.rows:
        if row.is_empty:
            continue
        svg = root.by_id(row.id).find("td", "trend").find("svg")
        points = [
            c for c in row.cells if c.result is not None and core.shown_value(c.result) is not None
        ]
        assert len(list(svg.iter("circle"))) == len(points)
        assert row.title in svg.find("title").text()


def test_england_is_a_dashed_line_on_the_trend() -> None:
    """A card with an England figure draws it; one without does not."""
    root = parse_html(demo_page())
    assert list(root.by_id("assessment-45wd").find("svg", "trend").iter("line", "england"))
    assert not list(root.by_id("contact-decision-1wd").find("svg", "trend").iter("line"))


def test_one_section_per_area_in_the_order_of_the_areas() -> None:
    """Timescales, referrals, child protection, looked after, care leavers, counts."""
    report, _ = demo()
    root = parse_html(demo_page())
    sections = [s.attrs["id"] for s in root.iter("section", "area")]
    assert sections == [f"area-{key}" for key, _ in AREAS]
    for key, _, rows in areas(r for r in report.rows if not r.is_empty):
        section = root.by_id(f"area-{key}")
        assert {tr.attrs["id"] for tr in section.iter("tr") if "id" in tr.attrs} == {
            row.id for row in rows
        }


def test_care_leavers_are_an_area_of_their_own() -> None:
    """Cards reading care_leavers first are care leavers'; the rest keep their module's family."""
    assert area_of(INDICATORS["care-leavers-eet-17-18"]) == "care-leavers"
    assert area_of(INDICATORS["cla-3-plus-placements"]) == "looked-after"
    assert area_of(INDICATORS["cpp-durations"]) == "child-protection"
    assert area_of(INDICATORS["cin-at-period-end"]) == "counts"


def test_every_registered_card_belongs_to_a_known_area() -> None:
    """A new family module would need a heading: every card maps to one of AREAS."""
    assert {area_of(card) for card in INDICATORS.values()} <= {key for key, _ in AREAS}


def test_figures_and_arrows_are_those_of_the_report() -> None:
    """Each rate's numerator, denominator and % per column; the arrow of each cell."""
    report, _ = demo()
    root = parse_html(demo_page())
    for row in report.rows:
        if row.card.kind != "rate" or row.is_empty:
            continue
        if any(c.unsupported is not None for c in row.cells):
            continue  # such a row is checked by test_unsupported_cells_say_n_a_and_why
        tr = root.by_id(row.id)
        numbers = [td.text() for td in tr.iter("td", "num")]
        values = [td.text() for td in tr.iter("td", "value")]
        arrows = [td.text() for td in tr.iter("td", "arrow")]
        expected = [c.result for c in row.cells]
        assert all(isinstance(r, Rate) for r in expected)
        assert numbers == [
            f"{n:,}" for r in expected if isinstance(r, Rate) for n in (r.numerator, r.denominator)
        ]
        assert values == [percent(r.value) for r in expected if isinstance(r, Rate)]
        assert arrows == [c.direction.arrow if c.direction else "" for c in row.cells]


def test_arrows_are_green_when_better_red_when_worse_and_grey_otherwise() -> None:
    """The arrow's class follows the direction; the key shows each colour."""
    report, _ = demo()
    root = parse_html(demo_page())
    tones = {
        "improved": "better",
        "declined": "worse",
        "unchanged": "same",
        "not-comparable": "none",
        "up": "neutral",
        "down": "neutral",
    }
    seen = set()
    for row in report.rows:
        if row.is_empty:
            continue
        cells = [td for td in root.by_id(row.id).iter("td", "arrow")]
        for td, cell in zip(cells, row.cells, strict=True):
            if cell.unsupported is not None:  # no figure, so no arrow
                assert cell.direction is None
                assert td.text() == ""
                continue
            assert cell.direction is not None
            assert tones[cell.direction.value] in td.classes
            seen.add(cell.direction.value)
    assert {"improved", "declined"} <= seen
    css = root.find("style").text()
    assert re.search(r"\.better \{ color: var\(--better\)", css)
    assert "--better: #1a7f37" in css
    assert "--worse: #c62828" in css
    key = root.find("section", "key")
    assert {"better", "worse", "same", "none", "neutral"} <= {
        cls for span in key.iter("span", "arrow") for cls in span.classes
    }


def test_arrow_tooltip_names_the_figure_compared_with() -> None:
    """The title says better or worse than which period, and its figure."""
    report = one_year(indicators=["assessment-45wd"])
    cell = report.row("assessment-45wd").first
    assert cell.direction is not None
    assert cell.direction.value == "declined"
    root = parse_html(render_html(report, assessments()))
    td = root.by_id("assessment-45wd").find("td", "arrow")
    assert td.attrs["title"] == "Worse than 2023-24 (100.0%)"


def test_key_says_what_each_column_is_compared_with() -> None:
    """Several columns: with the column before; year-earlier: with the same period."""
    root = parse_html(demo_page())
    assert (
        "compared with the column before it (the first with 2022-23)"
        in root.find("section", "key").text()
    )
    report = run_report(
        assessments(), columns=layout("quarters", as_at=AS_AT), compare="year-earlier"
    )
    key = parse_html(render_html(report, assessments())).find("section", "key").text()
    assert "the same period a year earlier" in key


def test_print_css_lays_the_page_out_on_a4_landscape() -> None:
    """An @page rule for A4 landscape and print rules that keep rows and colours."""
    css = parse_html(demo_page()).find("style").text()
    assert re.search(r"@page\s*\{\s*size:\s*A4 landscape", css)
    assert "@media print" in css
    assert "print-color-adjust: exact" in css
    assert "thead { display: table-header-group; }" in css


# Personal data.


def test_no_child_id_appears_without_with_children() -> None:
    """Not in a cell, a tooltip, a chart or a data problem: the page counts, it never names."""
    report = one_year()
    problem = Diagnostic(
        file="cin-2025.xml",
        where="child ZX-LATE, 2024-05-01",
        field="CPPstartDate",
        value="ZX-NOSTART",
        problem="not a date",
    )
    page = render_html(attrs.evolve(report, diagnostics=(problem,)), assessments())
    for child in CHILD_IDS:
        assert child not in page
    assert "1 × cin-2025.xml: CPPstartDate: not a date" in parse_html(page).by_id("problems").text()


def test_the_demo_page_holds_no_child_id() -> None:
    """No id of the synthetic cohort appears in the page made without --with-children."""
    _, data = demo()
    page = demo_page()
    ids = {child.child_id for child in data.children} | {e.child_id for e in data.episodes}
    assert ids
    assert all(re.fullmatch(r"[A-Z]\d{6}", child) for child in ids)
    assert not re.search(r"[A-Z]\d{6}", page)


def test_with_children_lists_the_numerator_and_the_denominator_only() -> None:
    """Behind the numerator its children; behind the denominator those only in it."""
    report = one_year()
    root = parse_html(render_html(report, assessments(), with_children=True))
    tr = root.by_id("assessment-45wd")
    numerator, denominator = (td.find("details", "ids") for td in tr.iter("td", "num"))
    assert numerator.find("summary").text() == "1"
    assert "In the numerator (1 child): ZX-ONTIME" in numerator.text()
    assert denominator.find("summary").text() == "2"
    assert "In the denominator only (1 child): ZX-LATE" in denominator.text()
    row_text = tr.text()
    assert "ZX-NOSTART" not in row_text  # excluded: missing start
    assert "ZX-LASTYEAR" not in row_text  # out of scope: the previous year
    assert "personal data" in root.find("p", "privacy").text()


def test_with_children_counts_repeats_once_with_a_multiplier() -> None:
    """A child with two records in the numerator is listed once, ``×2``."""
    data = Dataset(
        assessments=[
            Assessment(child_id="ZX-TWICE", start_date=D(2024, 5, 1), authorisation_date=end)
            for end in (D(2024, 5, 20), D(2024, 6, 3))
        ]
    )
    report = run_report(data, period=YEAR, indicators=["assessment-45wd"])
    root = parse_html(render_html(report, data, with_children=True))
    numerator = root.by_id("assessment-45wd").find("td", "num").find("details", "ids")
    assert "In the numerator (1 child): ZX-TWICE ×2" in numerator.text()


def test_with_children_shows_the_places_of_data_problems() -> None:
    """With ids allowed, each problem's first places and values are listed too."""
    problem = Diagnostic(
        file="cin-2025.xml", where="line 12", field="CPPstartDate", value="31/02", problem="bad"
    )
    report = attrs.evolve(one_year(), diagnostics=(problem,))
    text = parse_html(render_html(report, assessments(), with_children=True)).by_id("problems")
    assert "e.g. line 12 '31/02'" in text.text()
    plain = parse_html(render_html(report, assessments())).by_id("problems")
    assert "line 12" not in plain.text()


# Layouts, comparisons, comparators.


def test_one_column_report_shows_the_previous_figure() -> None:
    """One column compared: a column headed by the previous period with its figure."""
    root = parse_html(render_html(one_year(), assessments()))
    table = root.by_id("area-timescales").find("table")
    assert "2023-24" in [th.text() for th in table.iter("th", "sub")]
    assert root.by_id("assessment-45wd").find("td", "previous").text() == "100.0%"


def test_one_column_without_comparison_has_no_arrow_and_no_previous() -> None:
    """--compare none: no arrows, no previous column, and the key says so."""
    report = one_year(compare="none", england=False)
    root = parse_html(render_html(report, assessments()))
    assert not [td for td in root.iter("td", "arrow") if td.text()]
    assert not list(root.iter("td", "previous"))
    assert not list(root.iter("td", "comparator"))
    assert "not compared" in root.find("section", "key").text()


def test_comparators_sit_at_the_right_with_their_year() -> None:
    """England, then the council's own comparators, after the trend; each with its year."""
    neighbours = Comparator(
        indicator_id="assessment-45wd", label="Statistical neighbours", value=83.1, year="2023-24"
    )
    report = one_year(comparators=[neighbours])
    root = parse_html(render_html(report, assessments()))
    table = root.by_id("area-timescales").find("table")
    headings = [th.text() for th in table.find("tr").iter("th")]
    assert headings[-3:] == ["Trend", "England", "Statistical neighbours"]
    england = INDICATORS["assessment-45wd"].england
    assert england is not None
    cells = list(root.by_id("assessment-45wd").iter("td", "comparator"))
    assert [td.text() for td in cells] == [
        f"{percent(england.value)} {england.period}",
        "83.1% 2023-24",
    ]


def test_unsupported_and_failed_cells_say_why_in_a_tooltip_and_a_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the data: n/a with the reason; a failure: error with the message; both listed."""
    card = INDICATORS["referrals-nfa"]
    original = card.function

    def failing(data: Dataset, *, period: ReportingPeriod, **options: Any) -> Result:
        if period == ReportingPeriod.year_ending(2024):
            raise CalendarCoverageError("2023-24 lies outside the calendar")
        return original(data, period=period, **options)

    monkeypatch.setattr(
        core, "INDICATORS", {**INDICATORS, card.id: attrs.evolve(card, function=failing)}
    )
    data = covered(assessments(), 2024, 2025)
    columns = [ReportingPeriod.year_ending(year) for year in (2024, 2025, 2026)]
    report = run_report(data, columns=columns)
    row = report.row("assessment-45wd")
    reason = row.cells[2].unsupported
    assert reason is not None
    root = parse_html(render_html(report, data))
    na = list(root.by_id("assessment-45wd").iter("td", "na"))
    assert [(td.text(), td.attrs["title"]) for td in na] == [("n/a", reason)]
    error = root.by_id("referrals-nfa").find("td", "error")
    assert error.text() == "error"
    assert error.attrs["title"] == "Not computed: 2023-24 lies outside the calendar"
    notes = root.by_id("not-shown").text()
    assert reason[0].upper() + reason[1:] in notes
    assert "2023-24 lies outside the calendar" in notes
    first = root.by_id("assessment-45wd").find("td", "arrow")
    assert first.attrs["title"].startswith("Not comparable with 2022-23: 2022-23 lies before")


def test_indicators_left_out_are_listed_with_their_titles() -> None:
    """No records in any column, and no records of a kind they read: listed, not tabled."""
    report = one_year()
    assert report.empty
    assert report.skipped
    root = parse_html(render_html(report, assessments()))
    notes = root.by_id("not-shown").text()
    for indicator_id in (*report.empty, *report.skipped):
        assert indicator_id in notes
        assert INDICATORS[indicator_id].title in notes
        assert not [tr for tr in root.iter("tr") if tr.attrs.get("id") == indicator_id]


def test_exclusions_are_listed_with_their_meaning_and_counts() -> None:
    """The missing start is counted under its reason, with the card's meaning."""
    report = one_year(indicators=["assessment-45wd"])
    text = parse_html(render_html(report, assessments())).by_id("exclusions").text()
    meaning = INDICATORS["assessment-45wd"].exclusions["missing-start"]
    assert f"missing-start {meaning} 1" in text


def test_distributions_are_drawn_as_bars_per_band_and_column() -> None:
    """A bar per band and column, each with its count in a tooltip."""
    report, _ = demo()
    root = parse_html(demo_page())
    row = report.row("assessment-durations")
    figure = next(
        f for f in root.iter("figure", "bars") if f.find("figcaption").text() == row.title
    )
    bars = [rect for rect in figure.find("svg").iter("rect") if list(rect.iter("title"))]
    results = [c.result for c in row.cells if isinstance(c.result, Distribution)]
    assert len(bars) == sum(len(r.bands) for r in results)


def test_a_report_with_nothing_computed_still_renders() -> None:
    """No record of any kind: the page says so."""
    report = run_report(Dataset(), period=YEAR)
    root = parse_html(render_html(report, Dataset()))
    assert "No indicator could be computed" in root.by_id("not-shown").text()
    assert not list(root.iter("section", "area"))


def test_report_command_writes_the_page(tmp_path: Path) -> None:
    """--format html -o FILE writes the page; --with-children adds the ids."""
    out = tmp_path / "cabinet.html"
    args = ["report", "--demo", "--indicator", "assessment-45wd", "--format", "html"]
    assert main([*args, "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"C\d{6}", page)
    assert main([*args, "--with-children", "-o", str(out)]) == 0
    assert re.search(r"C\d{6}", out.read_text(encoding="utf-8"))


def test_one_column_trend_starts_from_the_period_compared_with() -> None:
    """One column: a hollow point for 2023-24, then the column's point coloured by its arrow."""
    report = one_year(indicators=["assessment-45wd"])
    svg = parse_html(render_html(report, assessments())).by_id("assessment-45wd").find("svg")
    circles = list(svg.iter("circle"))
    assert [c.classes for c in circles] == [{"earlier"}, {"worse"}]
    assert float(circles[0].attrs["cy"]) < float(circles[1].attrs["cy"])  # 100% above 50%
    assert "2023-24: 100.0%; 2024-25: 50.0%" in svg.find("title").text()


def test_a_child_id_in_a_problem_or_an_error_text_is_replaced() -> None:
    """Texts should name no child; one that does reads "(a child id)" in the page."""
    report = one_year()
    problem = Diagnostic(
        file="cin-2025.xml",
        where="line 4",
        field="CINreferralDate",
        value="",
        problem="a second referral on the same date; kept as ZX-LATE/2024-05-01/2",
    )
    report = with_cell(
        attrs.evolve(report, diagnostics=(problem,)),
        "referrals-nfa",
        0,
        Cell(error="no referral date for ZX-NOSTART."),
    )
    page = render_html(report, assessments())
    for child in CHILD_IDS:
        assert child not in page
    root = parse_html(page)
    assert f"kept as {CHILD_ID_MARK}/2024-05-01/2" in root.by_id("problems").text()
    assert f"no referral date for {CHILD_ID_MARK}." in root.by_id("not-shown").text()
    assert "ZX-LATE/2024-05-01/2" in render_html(report, assessments(), with_children=True)


def test_unsupported_cells_say_n_a_and_why() -> None:
    """A figure the data cannot support (a look-back before the returns) shows n/a and its reason."""
    report, _ = demo()
    page = demo_page()
    root = parse_html(page)
    found = [
        (row, cell) for row in report.rows for cell in row.cells if cell.unsupported is not None
    ]
    assert found  # the demo's first year has repeat plans looking back before the returns
    for row, cell in found:
        texts = [td.text() for td in root.by_id(row.id).iter("td", "na")]
        assert "n/a" in texts
        assert html.escape(cell.unsupported or "", quote=True) in page
