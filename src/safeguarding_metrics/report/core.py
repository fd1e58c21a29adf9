"""The report's data: every indicator the data allows, for one or more periods side by side.

`run_report` computes each registered indicator whose record collections are present, with
its default options (or those asked for), for each column's period, and compares each
column with the column before it (or with the same period a year earlier). Figures the data
cannot support are not computed, and say why (`availability`).
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import attrs

from safeguarding_metrics.availability import availability
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError, SafeguardingMetricsError
from safeguarding_metrics.layouts import ReportColumn, column_for
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.provenance import Coverage
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.results import (
    Count,
    Direction,
    Rate,
    Result,
    direction_of_travel,
)
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = [
    "COMPARE_MODES",
    "Cell",
    "Comparator",
    "CompareMode",
    "Report",
    "ReportRow",
    "run_report",
    "shown_value",
]

CompareMode: TypeAlias = Literal["previous", "year-earlier", "none"]
COMPARE_MODES: tuple[CompareMode, ...] = ("previous", "year-earlier", "none")
"""How a column is compared: with the column before it (the first with the period before
it), with the same period a year earlier, or not at all."""

# Rates and medians are shown to one decimal place, and compared as shown (SPEC §4.6: a
# report compares the values it shows, so an arrow never contradicts the figures beside it).
DECIMALS = 1


@attrs.frozen(kw_only=True)
class Comparator:
    """A figure to set beside the council's own: England's, or a group of councils'.

    Attributes:
        indicator_id: The indicator it is a figure of.
        label: Whose figure: ``"England"``, ``"Statistical neighbours"``, ``"North East"``.
        value: The figure (a percentage for rates).
        year: The period it is for, as published (``"2024-25"``).
        source: Where it was published, or the file it was read from.
    """

    indicator_id: str
    label: str
    value: float
    year: str
    source: str = ""


@attrs.frozen(kw_only=True)
class Cell:
    """One indicator in one column: its figure, and how it compares.

    Attributes:
        result: The indicator's result for the column's period; `None` when it could not
            be computed or the data cannot support it.
        error: Why computing it failed (the error's message), or `None`.
        unsupported: Why the data cannot support a figure for the period, or `None`.
        compared_with: The period the column is compared with, or `None` when not compared.
        comparison: The result for that period, when it has one.
        comparison_error: Why computing the comparison failed, or `None`.
        comparison_unsupported: Why there is no comparison: the data cannot support a
            figure for that period, or the two figures are not comparable (a count over a
            quarter against one over a year); or `None`.
        direction: How the figure moved against the comparison, by the card's polarity;
            `None` when not compared (or when there is no figure).
    """

    result: Result | None = None
    error: str | None = None
    unsupported: str | None = None
    compared_with: ReportingPeriod | None = None
    comparison: Result | None = None
    comparison_error: str | None = None
    comparison_unsupported: str | None = None
    direction: Direction | None = None

    @property
    def is_empty(self) -> bool:
        """Whether the figure exists but nobody is in its cohort: 0 of 0, nothing excluded.

        A count of 0 is a figure (no child in need at the period's end), never empty.
        """
        result = self.result
        if result is None or result.excluded or isinstance(result, Count):
            return False
        if isinstance(result, Rate):
            return result.denominator == 0
        return result.total == 0


@attrs.frozen(kw_only=True)
class ReportRow:
    """One indicator's line of a report: a cell per column, and its comparators.

    The attributes `current`, `previous`, `direction`, `error`, `previous_error`,
    `unsupported` and `previous_unsupported` are those of the first column.

    Attributes:
        card: The indicator's definition card.
        cells: One per column of the report.
        comparators: Figures to set beside the council's (England's, neighbours').
    """

    card: Indicator
    cells: tuple[Cell, ...]
    comparators: tuple[Comparator, ...] = ()

    @property
    def id(self) -> str:
        """The indicator's id."""
        return self.card.id

    @property
    def title(self) -> str:
        """The indicator's title."""
        return self.card.title

    @property
    def first(self) -> Cell:
        """The first column's cell."""
        return self.cells[0]

    @property
    def current(self) -> Result | None:
        """The first column's result."""
        return self.first.result

    @property
    def previous(self) -> Result | None:
        """The result the first column is compared with."""
        return self.first.comparison

    @property
    def direction(self) -> Direction | None:
        """The first column's direction of travel."""
        return self.first.direction

    @property
    def error(self) -> str | None:
        """Why the first column's figure could not be computed."""
        return self.first.error

    @property
    def previous_error(self) -> str | None:
        """Why the first column's comparison could not be computed."""
        return self.first.comparison_error

    @property
    def unsupported(self) -> str | None:
        """Why the data cannot support the first column's figure."""
        return self.first.unsupported

    @property
    def previous_unsupported(self) -> str | None:
        """Why the first column has no comparison."""
        return self.first.comparison_unsupported

    @property
    def is_empty(self) -> bool:
        """Whether every column's figure holds no record (a legacy indicator, say)."""
        return all(cell.is_empty for cell in self.cells)

    def comparator(self, label: str) -> Comparator | None:
        """The comparator figure labelled *label*, or `None` when there is none."""
        for found in self.comparators:
            if found.label == label:
                return found
        return None


@attrs.frozen(kw_only=True)
class Report:
    """A performance report: indicator results for one or more periods side by side.

    Attributes:
        columns: The columns, each a period and its heading.
        rows: One row per indicator computed, in registry order.
        compare: How each column is compared (`COMPARE_MODES`).
        comparator_labels: The comparators' labels, in the order their columns are shown.
        skipped: The ids of indicators left out because a record collection they read was
            empty.
        diagnostics: The problems met while reading the data, then those the indicators
            met (each once).
        coverage: The returns the data was read from.
        title: The report's title (a default is made from the periods when empty).
        period_note: Why the period was chosen, when it was not asked for, or ``""``.
    """

    columns: tuple[ReportColumn, ...]
    rows: tuple[ReportRow, ...] = ()
    compare: CompareMode = "previous"
    comparator_labels: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    coverage: Coverage = attrs.field(factory=Coverage)
    title: str = ""
    period_note: str = ""

    @property
    def period(self) -> ReportingPeriod:
        """The first column's period (the one SPEC §6's JSON keys describe)."""
        return self.columns[0].period

    @property
    def previous_period(self) -> ReportingPeriod | None:
        """The period the first column is compared with, or `None` when not compared."""
        return _compared_with(self.columns, 0, self.compare)

    @property
    def results(self) -> dict[str, Result]:
        """Indicator id -> its first column's result (indicators without one left out)."""
        return {row.id: row.current for row in self.rows if row.current is not None}

    @property
    def unsupported(self) -> dict[str, str]:
        """Indicator id -> why the data cannot support its first column's figure."""
        return {row.id: row.unsupported for row in self.rows if row.unsupported is not None}

    @property
    def computed_any(self) -> bool:
        """Whether any indicator has a figure in any column."""
        return any(cell.result is not None for row in self.rows for cell in row.cells)

    @property
    def empty(self) -> tuple[str, ...]:
        """The ids of indicators with nobody in their cohort in any column (tables leave them out)."""
        return tuple(row.id for row in self.rows if row.is_empty)

    @property
    def errors(self) -> dict[str, str]:
        """Indicator id -> why it could not be computed; empty when every indicator was.

        Each failure is prefixed with the period it was for, unless it is the first
        column's own (``"2023-24: ..."``).
        """
        found: dict[str, str] = {}
        for row in self.rows:
            for position, cell in enumerate(row.cells):
                if cell.error is not None:
                    label = "" if position == 0 else f"{self.columns[position].period.label}: "
                    found.setdefault(row.id, f"{label}{cell.error}")
                elif cell.comparison_error is not None and cell.compared_with is not None:
                    found.setdefault(row.id, f"{cell.compared_with.label}: {cell.comparison_error}")
        return found

    def failures(self) -> list[tuple[ReportRow, str, str]]:
        """(row, period label, message) of each figure an error stopped.

        Every column's own figures first, then those of the periods compared with.
        """
        found = [
            (row, self.columns[position].period.label, cell.error)
            for row in self.rows
            for position, cell in enumerate(row.cells)
            if cell.error is not None
        ]
        found += [
            (row, cell.compared_with.label, cell.comparison_error)
            for row in self.rows
            for cell in row.cells
            if cell.comparison_error is not None and cell.compared_with is not None
        ]
        return found

    def row(self, indicator_id: str) -> ReportRow:
        """The row of indicator *indicator_id*."""
        for row in self.rows:
            if row.id == indicator_id:
                return row
        raise KeyError(indicator_id)

    @property
    def heading(self) -> str:
        """The title, or one made from the periods."""
        if self.title:
            return self.title
        if len(self.columns) == 1:
            period = self.period
            return (
                f"Children's social care performance: {period.label} "
                f"({_long_date(period.start)} to {_long_date(period.end)})"
            )
        return "Children's social care performance: " + " | ".join(c.heading for c in self.columns)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data, in the JSON shape of SPEC §6 (see `to_json`)."""
        from safeguarding_metrics.report.render_json import report_dict

        return report_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text; the shape is documented in ``reference/report-json.md``.

        Examples:
            >>> import datetime as dt, json
            >>> from safeguarding_metrics import Dataset, Referral
            >>> data = Dataset(referrals=[Referral(referral_id="R1", child_id="A",
            ...     referral_date=dt.date(2024, 5, 1), nfa=True)])
            >>> report = run_report(data, period=ReportingPeriod.year_ending(2025))
            >>> json.loads(report.to_json())["indicators"]["referrals-nfa"]
            {'numerator': 1, 'denominator': 1, 'value': 100.0, 'excluded': {}, 'previous': {'period': '2023-24', 'numerator': 0, 'denominator': 0, 'value': None, 'excluded': {}}, 'direction': 'not-comparable'}
        """
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def to_frame(self) -> Any:
        """The report as a tidy pandas DataFrame: a row per indicator and column.

        See `frames.report_columns` for the columns; comparator figures follow as rows of
        their own. Needs the ``pandas`` extra.
        """
        from safeguarding_metrics.frames import report_columns, to_frame

        return to_frame(report_columns(self))

    def to_arrow(self) -> Any:
        """The report as a tidy pyarrow Table (see `to_frame`); needs the ``arrow`` extra."""
        from safeguarding_metrics.frames import report_columns, to_arrow

        return to_arrow(report_columns(self))

    def to_table(self, *, width: int = 120) -> str:
        """The report as aligned text for a terminal: figures, comparisons and arrows."""
        from safeguarding_metrics.report.render_table import render_table

        return render_table(self, width=width)

    def to_markdown(self) -> str:
        """The report as Markdown: a heading and one table per kind of indicator."""
        from safeguarding_metrics.report.render_markdown import render_markdown

        return render_markdown(self)

    def to_csv(self) -> str:
        """The report as CSV: one line per indicator and column, then its comparators."""
        from safeguarding_metrics.report.render_csv import render_csv

        return render_csv(self)

    def render(self, format: str = "table") -> str:
        """The report as text in *format*: ``table``, ``markdown``, ``csv`` or ``json``."""
        from safeguarding_metrics.report.formats import TEXT_FORMATS

        match format:
            case "table":
                return self.to_table()
            case "markdown":
                return self.to_markdown()
            case "csv":
                return self.to_csv()
            case "json":
                return self.to_json()
        raise InvalidOptionError(
            f"unknown report format {format!r}; choose one of {', '.join(TEXT_FORMATS)}"
        )


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _compared_with(
    columns: Sequence[ReportColumn], position: int, compare: CompareMode
) -> ReportingPeriod | None:
    period = columns[position].period
    if compare == "none":
        return None
    if compare == "year-earlier":
        return period.a_year_earlier()
    return period.preceding() if position == 0 else columns[position - 1].period


def _columns(
    period: ReportingPeriod | None,
    columns: Sequence[ReportColumn | ReportingPeriod] | None,
) -> tuple[ReportColumn, ...]:
    if columns is None:
        if period is None:
            raise InvalidOptionError("run_report needs a period or columns")
        return (column_for(period),)
    if period is not None:
        raise InvalidOptionError("give run_report a period or columns, not both")
    if not columns:
        raise InvalidOptionError("run_report needs at least one column")
    made = tuple(c if isinstance(c, ReportColumn) else column_for(c) for c in columns)
    for item in made:
        if not isinstance(item, ReportColumn):
            raise InvalidOptionError(f"a column must be a ReportingPeriod, got {item!r}")
    return made


def _compare_mode(compare: object) -> CompareMode:
    if compare is True:
        return "previous"
    if compare is False:
        return "none"
    for mode in COMPARE_MODES:
        if compare == mode:
            return mode
    raise InvalidOptionError(
        f"compare={compare!r} is not one of {', '.join(COMPARE_MODES)} (or True, False)"
    )


def run_report(
    dataset: Dataset,
    *,
    period: ReportingPeriod | None = None,
    columns: Sequence[ReportColumn | ReportingPeriod] | None = None,
    compare: bool | CompareMode = True,
    calendar: WorkingDayCalendar | None = None,
    indicators: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    options: Mapping[str, Mapping[str, Any]] | None = None,
    population: int | None = None,
    comparators: Iterable[Comparator] = (),
    england: bool = True,
    title: str = "",
    period_note: str = "",
) -> Report:
    """Compute every indicator the data allows, for each column's period, and compare.

    Args:
        dataset: The records (for instance from `read_cin_census` and `read_ssda903`).
        period: The period to report on (a report of one column).
        columns: Instead of *period*: several periods side by side (`ReportColumn`s, as
            `layouts.layout` and `layouts.parse_columns` make, or plain periods).
        compare: ``"previous"`` (or True): each column against the column before it, the
            first against `period.preceding()`; ``"year-earlier"``: each against the same
            period a year earlier; ``"none"`` (or False).
        calendar: The working-day calendar; the England calendar when omitted.
        indicators: The ids to report on, in registry order; every registered indicator
            when omitted.
        skip: Ids to leave out.
        options: Indicator id -> option name -> value, checked against the card.
        population: The area's child population, passed to every indicator with a
            ``population`` option (counts, for a rate per 10,000 children).
        comparators: Figures to show beside the council's (`read_comparators`).
        england: Whether to show the England figure of each card that has one.
        title: The report's title.
        period_note: Why this period, when the caller chose it for the user.

    Returns:
        The `Report`.

    Raises:
        InvalidOptionError: For an id that is not registered, an option the card does not
            have or a value it refuses, or a *population* the indicators refuse (mistakes
            in the call, not in the data).

    Notes:
        - An indicator is computed only when every record collection it reads
          (`Indicator.inputs`) holds records; the others are listed in `Report.skipped`.
        - Each period is computed once per indicator, however many columns and comparisons
          use it; work derived from the dataset is shared between periods (the indicators
          keep it with the dataset).
        - Direction of travel compares values as the report shows them: rates and medians
          rounded to one decimal place, counts exactly.
        - A figure the data cannot support is not computed: a period beyond or before the
          returns given, a part year, a gap between returns, or an indicator whose look-back
          (`Indicator.history`) reaches before the data starts (`availability`). The cell
          says why (`Cell.unsupported`), and a comparison with such a period is
          `not-comparable`, with the reason (`Cell.comparison_unsupported`), never an
          arrow.
        - Figures that grow with the period's length (counts of events, three placements
          during the period: `Indicator.compares_across_lengths`) are not compared between
          periods of different lengths (a quarter against a year); shares, medians and
          snapshots at the period's end are.
        - One indicator failing (a `SafeguardingMetricsError` such as a date outside the
          working-day calendar's coverage) does not stop the report: its cell carries the
          error's message, every format shows it, and the other indicators are computed as
          usual. `Report.errors` lists the failures.
    """
    made = _columns(period, columns)
    mode = _compare_mode(compare)
    chosen = _choose(indicators, skip)
    chosen_options = _check_options(chosen, options or {})
    calendar = calendar or WorkingDayCalendar.england()
    supplied = tuple(comparators)
    labels = (("England",) if england else ()) + tuple(
        dict.fromkeys(c.label for c in supplied if c.label != "England" or not england)
    )
    rows: list[ReportRow] = []
    skipped: list[str] = []
    for card in chosen:
        if any(dataset.is_empty(table) for table in card.inputs):
            skipped.append(card.id)
            continue
        card_options = dict(chosen_options.get(card.id, {}))
        if population is not None and any(o.name == "population" for o in card.options):
            card_options.setdefault("population", population)
        figures = _Figures(card, dataset, calendar, card_options)
        cells = tuple(
            _cell(figures, made[position].period, _compared_with(made, position, mode))
            for position in range(len(made))
        )
        rows.append(
            ReportRow(
                card=card, cells=cells, comparators=_comparators_of(card, supplied, england=england)
            )
        )
    return Report(
        columns=made,
        rows=tuple(rows),
        compare=mode,
        comparator_labels=labels,
        skipped=tuple(skipped),
        diagnostics=_all_diagnostics(dataset, rows),
        coverage=dataset.coverage,
        title=title,
        period_note=period_note,
    )


class _Figures:
    """One indicator's results, computed once per period and kept for every column using it."""

    def __init__(
        self,
        card: Indicator,
        dataset: Dataset,
        calendar: WorkingDayCalendar,
        options: Mapping[str, Any],
    ) -> None:
        self.card = card
        self.dataset = dataset
        self.calendar = calendar
        self.options = options
        self.found: dict[ReportingPeriod, tuple[Result | None, str | None, str | None]] = {}

    def get(self, period: ReportingPeriod) -> tuple[Result | None, str | None, str | None]:
        """(result, error, unsupported) for *period*."""
        found = self.found.get(period)
        if found is None:
            supported = availability(self.card, self.dataset, period)
            if not supported.supported:
                found = (None, None, supported.reason)
            else:
                try:
                    result = self.card.compute(
                        self.dataset, period=period, calendar=self.calendar, **self.options
                    )
                    found = (result, None, None)
                except InvalidOptionError:
                    raise
                except SafeguardingMetricsError as error:
                    found = (None, str(error) or type(error).__name__, None)
            self.found[period] = found
        return found


def _cell(figures: _Figures, period: ReportingPeriod, against: ReportingPeriod | None) -> Cell:
    result, error, unsupported = figures.get(period)
    if result is None or against is None:
        return Cell(result=result, error=error, unsupported=unsupported)
    before, before_error, before_unsupported = figures.get(against)
    card = figures.card
    if (
        before is not None
        and not card.compares_across_lengths
        and not _same_length(period, against)
    ):
        what = "a count" if card.kind == "count" else "a figure that grows with the period"
        before_unsupported = (
            f"{what} over {period.label} is not comparable with one over {against.label}"
        )
        before = None
    direction = direction_of_travel(
        shown_value(result),
        None if before is None else shown_value(before),
        polarity=figures.card.polarity,
    )
    return Cell(
        result=result,
        compared_with=against,
        comparison=before,
        comparison_error=before_error,
        comparison_unsupported=before_unsupported,
        direction=direction,
    )


# Kinds of period whose members are alike in length (a month, a quarter, a year).
_FIXED_LENGTH = frozenset({"year", "quarter", "month", "rolling-12-months"})


def _same_length(a: ReportingPeriod, b: ReportingPeriod) -> bool:
    """Whether two periods are alike in length: the same fixed-length kind, or within 3 days.

    Two years to date are alike only when they run to the same point of their years.
    """
    if a.kind == b.kind and a.kind.value in _FIXED_LENGTH:
        return True
    return abs(a.days - b.days) <= 3


def _all_diagnostics(dataset: Dataset, rows: Sequence[ReportRow]) -> tuple[Diagnostic, ...]:
    """The dataset's diagnostics, then each one the indicators reported, once each."""
    seen = dict.fromkeys(dataset.diagnostics)
    for row in rows:
        for cell in row.cells:
            for result in (cell.result, cell.comparison):
                if result is not None:
                    seen.update(dict.fromkeys(result.diagnostics))
    return tuple(seen)


def _choose(indicators: Iterable[str] | None, skip: Iterable[str]) -> list[Indicator]:
    left_out = set(skip)
    wanted = set(INDICATORS) if indicators is None else set(indicators)
    unknown = sorted((wanted | left_out) - set(INDICATORS))
    if unknown:
        raise InvalidOptionError(
            f"unknown indicator id {', '.join(unknown)}; the ids are: {', '.join(INDICATORS)}"
        )
    return [card for card in INDICATORS.values() if card.id in wanted - left_out]


def _check_options(
    cards: Sequence[Indicator], options: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """*options* checked against the cards: an unknown id, name or value is refused now."""
    checked: dict[str, dict[str, Any]] = {}
    for indicator_id, values in options.items():
        card = INDICATORS.get(indicator_id)
        if card is None:
            raise InvalidOptionError(
                f"option for unknown indicator {indicator_id!r}; the ids are: "
                f"{', '.join(INDICATORS)}"
            )
        known = {option.name: option for option in card.options}
        for name, value in values.items():
            if name not in known:
                listed = ", ".join(known) or "none"
                raise InvalidOptionError(
                    f"{indicator_id}: unknown option {name!r}; its options are: {listed}"
                )
            known[name].check(indicator_id, value)
        checked[indicator_id] = dict(values)
    return checked


def _comparators_of(
    card: Indicator, supplied: Sequence[Comparator], *, england: bool
) -> tuple[Comparator, ...]:
    found: list[Comparator] = []
    if england and card.england is not None:
        found.append(
            Comparator(
                indicator_id=card.id,
                label="England",
                value=card.england.value,
                year=card.england.period,
                source=str(card.england.source),
            )
        )
    found += [
        c for c in supplied if c.indicator_id == card.id and not (england and c.label == "England")
    ]
    return tuple(found)


def shown_value(result: Result) -> float | None:
    """The value a report shows for *result*: rounded for rates and medians."""
    value = result.value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value if isinstance(result, Count) else round(value, DECIMALS)
