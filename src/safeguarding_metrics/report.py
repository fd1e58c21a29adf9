"""The performance report: every indicator the data allows, for a period and the one before.

`run_report` computes each registered indicator whose record collections are present, with its
default options, for a reporting period and (by default) the comparable period before it, and
says which way each moved. A `Report` renders as an aligned text table (the layout of a
council's Cabinet performance report), Markdown, CSV or JSON (the shape SPEC §6 fixes and
``docs/reference/report-json.md`` documents). `write_audit` writes every record's outcome,
one CSV per indicator, so an analyst can list the late assessments behind a rate.
"""

import csv
import datetime as dt
import io
import json
import math
import os
import textwrap
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics.availability import availability
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError, SafeguardingMetricsError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.provenance import Coverage
from safeguarding_metrics.records import RECORD_CLASSES, TABLES
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.results import (
    Count,
    Direction,
    Distribution,
    Rate,
    Result,
    direction_of_travel,
)
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = [
    "AUDIT_COLUMNS",
    "FORMATS",
    "Format",
    "Report",
    "ReportRow",
    "diagnostic_summary",
    "run_report",
    "write_audit",
]

Format: TypeAlias = Literal["table", "markdown", "csv", "json"]
FORMATS: tuple[Format, ...] = typing.get_args(Format)
"""The formats a report renders to."""

# Rates and medians are shown to one decimal place, and compared as shown (SPEC §4.6: a
# report compares the values it shows, so an arrow never contradicts the figures beside it).
_DECIMALS = 1


@attrs.frozen(kw_only=True)
class ReportRow:
    """One indicator's line of a report.

    Attributes:
        card: The indicator's definition card.
        current: Its result for the report's period; `None` when computing it failed.
        previous: Its result for the preceding comparable period, if compared and computed.
        direction: How it moved, by the card's polarity, if compared.
        error: Why the result for the report's period could not be computed (the error's
            message), or `None`.
        previous_error: Why the result for the preceding period could not be computed, or
            `None`.
        unsupported: Why the data cannot support a figure for the report's period (it lies
            beyond the returns given, say), or `None`; the row then has no result.
        previous_unsupported: Why the data cannot support a figure for the preceding
            period, so that no direction is given; or `None`.
    """

    card: Indicator
    current: Result | None = None
    previous: Result | None = None
    direction: Direction | None = None
    error: str | None = None
    previous_error: str | None = None
    unsupported: str | None = None
    previous_unsupported: str | None = None

    @property
    def id(self) -> str:
        """The indicator's id."""
        return self.card.id

    @property
    def title(self) -> str:
        """The indicator's title."""
        return self.card.title


@attrs.frozen(kw_only=True)
class Report:
    """A performance report: indicator results for a period, compared with the one before.

    Attributes:
        period: The period reported on.
        previous_period: The comparable period before it, or `None` if not compared.
        rows: One row per indicator computed, in registry order.
        skipped: The ids of indicators left out because a record collection they read was
            empty.
        diagnostics: The problems met while reading the data, then those the indicators
            met (each once).
        coverage: The returns the data was read from.
        period_note: Why the period was chosen, when it was not asked for (e.g. "the
            latest year the returns cover"), or ``""``.
    """

    period: ReportingPeriod
    previous_period: ReportingPeriod | None = None
    rows: tuple[ReportRow, ...] = ()
    skipped: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    coverage: Coverage = attrs.field(factory=Coverage)
    period_note: str = ""

    @property
    def results(self) -> dict[str, Result]:
        """Indicator id -> its result for the period (indicators that failed left out)."""
        return {row.id: row.current for row in self.rows if row.current is not None}

    @property
    def unsupported(self) -> dict[str, str]:
        """Indicator id -> why the data cannot support its figure for the period."""
        return {row.id: row.unsupported for row in self.rows if row.unsupported is not None}

    @property
    def computed_any(self) -> bool:
        """Whether any indicator has a figure for the period."""
        return any(row.current is not None for row in self.rows)

    @property
    def errors(self) -> dict[str, str]:
        """Indicator id -> why it could not be computed; empty when every indicator was.

        A failure for the previous period only is prefixed with that period's label
        (``"2023-24: ..."``).
        """
        found: dict[str, str] = {}
        for row in self.rows:
            if row.error is not None:
                found[row.id] = row.error
            elif row.previous_error is not None and self.previous_period is not None:
                found[row.id] = f"{self.previous_period.label}: {row.previous_error}"
        return found

    def row(self, indicator_id: str) -> ReportRow:
        """The row of indicator *indicator_id*."""
        for row in self.rows:
            if row.id == indicator_id:
                return row
        raise KeyError(indicator_id)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data, in the JSON shape of SPEC §6 (see `to_json`)."""
        indicators: dict[str, Any] = {}
        for row in self.rows:
            if row.unsupported is not None:
                indicators[row.id] = {"unsupported": row.unsupported}
                continue
            if row.current is None:
                indicators[row.id] = {"error": row.error or "not computed"}
                continue
            entry = _result_dict(row.current)
            if self.previous_period is not None:
                before: dict[str, Any] | None = None
                if row.previous is not None:
                    before = _result_dict(row.previous)
                elif row.previous_error is not None:
                    before = {"error": row.previous_error}
                elif row.previous_unsupported is not None:
                    before = {"unsupported": row.previous_unsupported}
                if before is not None:
                    entry["previous"] = {"period": self.previous_period.label, **before}
                    entry["direction"] = (row.direction or Direction.NOT_COMPARABLE).value
            indicators[row.id] = entry
        result: dict[str, Any] = {
            "period": _period_dict(self.period),
            "indicators": indicators,
            "diagnostics": [attrs.asdict(d) for d in self.diagnostics],
        }
        if self.coverage:
            result["coverage"] = self.coverage.to_dict()
        return result

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text; the shape is documented in ``reference/report-json.md``.

        Examples:
            >>> import datetime as dt
            >>> from safeguarding_metrics import Dataset, Referral
            >>> data = Dataset(referrals=[Referral(referral_id="R1", child_id="A",
            ...     referral_date=dt.date(2024, 5, 1), nfa=True)])
            >>> report = run_report(data, period=ReportingPeriod.year_ending(2025))
            >>> json.loads(report.to_json())["indicators"]["referrals-nfa"]
            {'numerator': 1, 'denominator': 1, 'value': 100.0, 'excluded': {}, 'previous': {'period': '2023-24', 'numerator': 0, 'denominator': 0, 'value': None, 'excluded': {}}, 'direction': 'not-comparable'}
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def to_table(self, *, width: int = 120) -> str:
        """The report as aligned text for a terminal: figures, previous figures and arrows."""
        return _Table(self, width=width).render()

    def to_markdown(self) -> str:
        """The report as Markdown: a heading and one table per kind of indicator."""
        return _markdown(self)

    def to_csv(self) -> str:
        """The report as CSV: one line per indicator, with its previous value and direction."""
        return _csv(self)

    def render(self, format: Format = "table") -> str:
        """The report in *format*: ``table``, ``markdown``, ``csv`` or ``json``."""
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
            f"unknown report format {format!r}; choose one of {', '.join(FORMATS)}"
        )


def run_report(
    dataset: Dataset,
    *,
    period: ReportingPeriod,
    compare: bool = True,
    calendar: WorkingDayCalendar | None = None,
    indicators: Iterable[str] | None = None,
    population: int | None = None,
    period_note: str = "",
) -> Report:
    """Compute every indicator the data allows for *period*, and compare with the period before.

    Args:
        dataset: The records (for instance from `read_cin_census` and `read_ssda903`).
        period: The period to report on.
        compare: Also compute each indicator for `period.preceding()` and give its direction
            of travel.
        calendar: The working-day calendar; the England calendar when omitted.
        indicators: The ids to report on, in registry order; every registered indicator
            when omitted.
        population: The area's child population, passed to every indicator with a
            ``population`` option (counts, for a rate per 10,000 children).
        period_note: Why this period, when the caller chose it for the user (shown under
            the heading).

    Returns:
        The `Report`.

    Raises:
        InvalidOptionError: For an id that is not registered, or a *population* the
            indicators refuse (a mistake in the call, not in the data).

    Notes:
        - An indicator is computed only when every record collection it reads
          (`Indicator.inputs`) holds records; the others are listed in `Report.skipped`.
        - Each indicator uses its card's default options.
        - Direction of travel compares values as the report shows them: rates and medians
          rounded to one decimal place, counts exactly.
        - A figure the data cannot support is not computed: a period beyond or before the
          returns given, a part year, or an indicator whose look-back (`Indicator.history`)
          reaches before the data starts (`availability`). The row says why
          (`ReportRow.unsupported`), and a comparison with such a period is
          `not-comparable`, with the reason (`ReportRow.previous_unsupported`), never an
          arrow.
        - One indicator failing (a `SafeguardingMetricsError` such as a date outside the
          working-day calendar's coverage) does not stop the report: its row carries the
          error's message (`ReportRow.error`, or `ReportRow.previous_error` when only the
          previous period failed), every format shows it, and the other indicators are
          computed as usual. `Report.errors` lists the failures.
    """
    chosen = _choose(indicators)
    calendar = calendar or WorkingDayCalendar.england()
    previous_period = period.preceding() if compare else None
    rows: list[ReportRow] = []
    skipped: list[str] = []
    for card in chosen:
        if any(dataset.is_empty(table) for table in card.inputs):
            skipped.append(card.id)
            continue
        options: dict[str, Any] = {}
        if population is not None and any(o.name == "population" for o in card.options):
            options["population"] = population
        supported = availability(card, dataset, period)
        if not supported.supported:
            rows.append(ReportRow(card=card, unsupported=supported.reason))
            continue
        current, error = _attempt(card, dataset, period, calendar, options)
        if current is None:
            rows.append(ReportRow(card=card, error=error))
            continue
        previous = direction = previous_error = previous_unsupported = None
        if previous_period is not None:
            earlier = availability(card, dataset, previous_period)
            if earlier.supported:
                previous, previous_error = _attempt(
                    card, dataset, previous_period, calendar, options
                )
            else:
                previous_unsupported = earlier.reason
            direction = direction_of_travel(
                _shown(current),
                None if previous is None else _shown(previous),
                polarity=card.polarity,
            )
        rows.append(
            ReportRow(
                card=card,
                current=current,
                previous=previous,
                direction=direction,
                previous_error=previous_error,
                previous_unsupported=previous_unsupported,
            )
        )
    return Report(
        period=period,
        previous_period=previous_period,
        rows=tuple(rows),
        skipped=tuple(skipped),
        diagnostics=_all_diagnostics(dataset, rows),
        coverage=dataset.coverage,
        period_note=period_note,
    )


def _all_diagnostics(dataset: Dataset, rows: Sequence[ReportRow]) -> tuple[Diagnostic, ...]:
    """The dataset's diagnostics, then each one the indicators reported, once each."""
    seen = dict.fromkeys(dataset.diagnostics)
    for row in rows:
        for result in (row.current, row.previous):
            if result is not None:
                seen.update(dict.fromkeys(result.diagnostics))
    return tuple(seen)


def _attempt(
    card: Indicator,
    dataset: Dataset,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar,
    options: Mapping[str, Any],
) -> tuple[Result | None, str | None]:
    """*card*'s result for *period*, or `None` and the message of the error that stopped it."""
    try:
        return card.compute(dataset, period=period, calendar=calendar, **options), None
    except InvalidOptionError:
        raise
    except SafeguardingMetricsError as error:
        return None, str(error) or type(error).__name__


def _choose(indicators: Iterable[str] | None) -> list[Indicator]:
    if indicators is None:
        return list(INDICATORS.values())
    wanted = set(indicators)
    unknown = sorted(wanted - set(INDICATORS))
    if unknown:
        raise InvalidOptionError(
            f"unknown indicator id {', '.join(unknown)}; the ids are: {', '.join(INDICATORS)}"
        )
    return [card for card in INDICATORS.values() if card.id in wanted]


def _shown(result: Result) -> float | None:
    """The value a report shows for *result*: rounded for rates and medians."""
    value = result.value
    if value is None:
        return None
    return value if isinstance(result, Count) else round(value, _DECIMALS)


# -- JSON ------------------------------------------------------------------------------------


def _period_dict(period: ReportingPeriod) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _result_dict(result: Result) -> dict[str, Any]:
    if isinstance(result, Rate):
        return {
            "numerator": result.numerator,
            "denominator": result.denominator,
            "value": result.value,
            "excluded": result.excluded,
        }
    if isinstance(result, Count):
        entry: dict[str, Any] = {"count": result.count}
        if result.population is not None:
            entry["per_10k"] = result.per_10k
        if result.excluded:  # only when some were: {"count": n} stays SPEC §6's shape
            entry["excluded"] = result.excluded
        return entry
    return {
        "bands": result.bands,
        "total": result.total,
        "unit": result.unit,
        "median": _number(result.median),
        "lower_quartile": _number(result.lower_quartile),
        "upper_quartile": _number(result.upper_quartile),
        "excluded": result.excluded,
    }


# -- text table ------------------------------------------------------------------------------


def _thousands(n: int) -> str:
    return f"{n:,}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.{_DECIMALS}f}%"


def _decimal(value: float | None) -> str:
    return "–" if value is None else f"{value:.{_DECIMALS}f}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _key(report: Report) -> str:
    if report.previous_period is None:
        return ""
    return (
        f"Compared with {report.previous_period.label}: ↑ better, ↓ worse, ↔ no change, "
        "– not comparable (neutral measures: ↑ up, ↓ down)."
    )


def _heading(report: Report) -> str:
    period = report.period
    return (
        f"Children's social care performance: {period.label} "
        f"({_long_date(period.start)} to {_long_date(period.end)})"
    )


def _arrow(row: ReportRow) -> str:
    return row.direction.arrow if row.direction is not None else ""


def _excluded_text(excluded: Mapping[str, int]) -> str:
    return ", ".join(f"{reason} {_thousands(n)}" for reason, n in excluded.items())


def _bands_text(bands: Mapping[str, int]) -> str:
    return " | ".join(f"{label}: {_thousands(n)}" for label, n in bands.items())


_EXAMPLES = 3


def diagnostic_summary(
    diagnostics: Sequence[Diagnostic], *, examples: int = _EXAMPLES
) -> list[str]:
    """Problems grouped by file, field and problem, with counts and the first few places.

    Each line reads ``"12 × 903/2024/episodes.csv: DEC: not a date ...; e.g. line 4
    '31/02/2024', line 9 '2024-13-01'"``; every diagnostic is in exactly one group.
    """
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for item in diagnostics:
        groups.setdefault((item.file, item.field, item.problem), []).append(item)
    lines = []
    for (file, field, problem), members in sorted(groups.items()):
        shown = [
            f"{d.where} {d.value!r}" if d.value else d.where for d in members[:examples] if d.where
        ]
        more = f", and {len(members) - examples} more" if len(members) > examples else ""
        place = f"{file}: " if file else ""
        what = f"{field}: " if field else ""
        example = f"; e.g. {', '.join(shown)}{more}" if shown else ""
        lines.append(f"{len(members)} × {place}{what}{problem}{example}")
    return lines


def _unsupported_groups(rows: Sequence[ReportRow]) -> dict[str, list[str]]:
    """Reason -> the ids of the indicators the data cannot support for that reason."""
    groups: dict[str, list[str]] = {}
    for row in rows:
        if row.unsupported is not None:
            groups.setdefault(row.unsupported, []).append(row.id)
    return groups


def _wrap(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """*text* wrapped at spaces only: an indicator id is never broken at its hyphens."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=subsequent or indent,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [indent.rstrip()]


class _Table:
    """Lays out a report as fixed-width text."""

    # The four figure columns: numerator, denominator, value, previous value.
    WIDTHS = (10, 12, 9, 11)

    def __init__(self, report: Report, *, width: int) -> None:
        self.report = report
        self.compare = report.previous_period is not None
        figures = sum(self.WIDTHS) + 4
        longest = max((len(row.title) for row in report.rows), default=30)
        self.title_width = max(24, min(longest + 2, width - figures))
        self.width = self.title_width + figures

    def render(self) -> str:
        report = self.report
        lines = [_heading(report)]
        if report.period_note:
            lines.append(report.period_note)
        if self.compare:
            lines += _wrap(_key(report), self.width)
        sections: list[tuple[str, type]] = [
            ("Rates", Rate),
            ("Counts", Count),
            ("Distributions", Distribution),
        ]
        for name, kind in sections:
            rows = [row for row in report.rows if isinstance(row.current, kind)]
            if rows:
                lines.append("")
                lines += self.section(name, rows)
        unsupported = _unsupported_groups(report.rows)
        if unsupported:
            lines += ["", f"Not shown: the data cannot support a figure for {report.period.label}"]
            lines.append("─" * self.width)
            for reason, ids in unsupported.items():
                lines += _wrap(f"{_sentence(reason)}:", self.width)
                lines += _wrap(", ".join(ids), self.width, "  ")
        failed = [row for row in report.rows if row.current is None and row.error is not None]
        if failed:
            lines.append("")
            lines += self.failures(failed)
        if not report.rows:
            lines += ["", "No indicator could be computed: the data holds none of their records."]
        elif not report.computed_any:
            lines += ["", f"No indicator could be computed for {report.period.label}."]
        if report.skipped:
            lines += ["", "Not computed (no records of a kind they read):"]
            lines += _wrap(", ".join(report.skipped), self.width, "  ")
        if report.diagnostics:
            lines += ["", f"Data problems ({len(report.diagnostics)}):"]
            for line in diagnostic_summary(report.diagnostics):
                lines += _wrap(line, self.width, "  ", "      ")
        return "\n".join(lines) + "\n"

    def section(self, name: str, rows: list[ReportRow]) -> list[str]:
        if name == "Rates":
            header = ("Numerator", "Denominator", "%", "Previous %")
        elif name == "Counts":
            header = ("", "", "Count", "Previous")
        else:
            header = ("", "Number", "Median", "Previous")
        if not self.compare:
            header = (*header[:3], "")
        lines = [self.line(name, header, ""), "─" * self.width]
        for row in rows:
            lines += self.row(row)
        return lines

    def failures(self, rows: list[ReportRow]) -> list[str]:
        lines = ["Not computed because of an error", "─" * self.width]
        for row in rows:
            lines += _wrap(row.title, self.width)
            lines += _wrap(f"{row.id} · error: {row.error}", self.width, "  ", "    ")
        return lines

    def line(self, title: str, cells: Sequence[str], arrow: str) -> str:
        text = title.ljust(self.title_width)
        text += "".join(cell.rjust(w) for cell, w in zip(cells, self.WIDTHS, strict=True))
        return (text + "  " + arrow).rstrip()

    def row(self, row: ReportRow) -> list[str]:
        result, previous = row.current, row.previous
        assert result is not None
        notes: list[str] = []
        if isinstance(result, Rate):
            cells = [
                _thousands(result.numerator),
                _thousands(result.denominator),
                _percent(result.value),
                _percent(previous.value) if previous is not None else "",
            ]
            if result.excluded:
                notes.append(f"excluded: {_excluded_text(result.excluded)}")
        elif isinstance(result, Count):
            shown = _thousands(result.count)
            if result.per_10k is not None:
                notes.append(f"{result.per_10k:.1f} per 10,000 children")
            cells = [
                "",
                "",
                shown,
                _thousands(previous.count) if isinstance(previous, Count) else "",
            ]
            if result.excluded:
                notes.append(f"excluded: {_excluded_text(result.excluded)}")
        else:
            unit = f" {result.unit}" if result.unit else ""
            cells = [
                "",
                _thousands(result.total),
                _decimal(result.median),
                _decimal(previous.value) if previous is not None else "",
            ]
            bands = _bands_text(result.bands)
            notes.append(f"median{unit}; {bands}" if result.median is not None else bands)
            if result.excluded:
                notes.append(f"excluded: {_excluded_text(result.excluded)}")
        label = self.report.previous_period.label if self.report.previous_period else ""
        if not self.compare:
            cells[3] = ""
        elif row.previous_error is not None:
            cells[3] = "error"
            notes.append(f"{label} not computed: {row.previous_error}")
        elif row.previous_unsupported is not None:
            cells[3] = "n/a"
            notes.append(f"not compared with {label}: {row.previous_unsupported}")
        title_lines = _wrap(row.title, self.title_width - 1)
        lines = [self.line(title_lines[0], cells, _arrow(row))]
        lines += title_lines[1:]
        lines += _wrap(" · ".join([row.id, *notes]), self.width, "  ", "    ")
        return lines


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- Markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _direction_text(row: ReportRow) -> str:
    if row.direction is None:
        return ""
    return f"{row.direction.arrow} {row.direction.value}"


def _previous_cell(row: ReportRow, shown: str) -> str:
    """The previous period's figure *shown*, ``error`` or ``n/a`` (not supported by the data)."""
    if row.previous is None:
        if row.previous_error is not None:
            return "error"
        return "n/a" if row.previous_unsupported is not None else ""
    return shown


def _markdown(report: Report) -> str:
    lines = [f"# {_heading(report)}", ""]
    if report.period_note:
        lines += [report.period_note, ""]
    if report.previous_period is not None:
        lines += [_key(report), ""]
    compare = report.previous_period is not None
    rates = [row for row in report.rows if isinstance(row.current, Rate)]
    counts = [row for row in report.rows if isinstance(row.current, Count)]
    distributions = [row for row in report.rows if isinstance(row.current, Distribution)]
    previous_cols = " Previous | Direction |" if compare else ""
    previous_rule = "---:|---|" if compare else ""
    if rates:
        lines += [
            "## Rates",
            "",
            f"| Indicator | Id | Numerator | Denominator | % | Excluded |{previous_cols}",
            f"|---|---|---:|---:|---:|---|{previous_rule}",
        ]
        for row in rates:
            rate = row.current
            assert isinstance(rate, Rate)
            cells = [
                _md(row.title),
                f"`{row.id}`",
                _thousands(rate.numerator),
                _thousands(rate.denominator),
                _percent(rate.value),
                _md(_excluded_text(rate.excluded)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(row, _percent(before.value) if before is not None else ""),
                    _direction_text(row),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if counts:
        lines += [
            "## Counts",
            "",
            f"| Indicator | Id | Count | Per 10,000 | Excluded |{previous_cols}",
            f"|---|---|---:|---:|---|{previous_rule}",
        ]
        for row in counts:
            count = row.current
            assert isinstance(count, Count)
            per_10k = "" if count.per_10k is None else f"{count.per_10k:.1f}"
            cells = [
                _md(row.title),
                f"`{row.id}`",
                _thousands(count.count),
                per_10k,
                _md(_excluded_text(count.excluded)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(
                        row, _thousands(before.count) if isinstance(before, Count) else ""
                    ),
                    _direction_text(row),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if distributions:
        lines += [
            "## Distributions",
            "",
            f"| Indicator | Id | Number | Median | Bands |{previous_cols.replace('Previous', 'Previous median')}",
            f"|---|---|---:|---:|---|{previous_rule}",
        ]
        for row in distributions:
            spread = row.current
            assert isinstance(spread, Distribution)
            cells = [
                _md(row.title),
                f"`{row.id}`",
                _thousands(spread.total),
                _decimal(spread.median),
                _md(_bands_text(spread.bands)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(row, _decimal(before.value) if before is not None else ""),
                    _direction_text(row),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    unsupported = _unsupported_groups(report.rows)
    if unsupported:
        lines += [
            f"## Not shown: the data cannot support a figure for {report.period.label}",
            "",
        ]
        lines += [
            f"- {_md(_sentence(reason))}: " + ", ".join(f"`{i}`" for i in ids)
            for reason, ids in unsupported.items()
        ]
        lines.append("")
    not_compared = [row for row in report.rows if row.previous_unsupported is not None]
    if not_compared and report.previous_period is not None:
        lines += [f"## Not compared with {report.previous_period.label}", ""]
        lines += [
            f"- {_md(_sentence(reason))}: " + ", ".join(f"`{i}`" for i in ids)
            for reason, ids in _group(
                (row.previous_unsupported or "", row.id) for row in not_compared
            ).items()
        ]
        lines.append("")
    failures = _failures(report)
    if failures:
        lines += [
            "## Not computed because of an error",
            "",
            "| Indicator | Id | Period | Error |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {_md(row.title)} | `{row.id}` | {label} | {_md(message)} |"
            for row, label, message in failures
        ]
        lines.append("")
    if report.skipped:
        lines += ["Not computed (no records of a kind they read): "
                  + ", ".join(f"`{i}`" for i in report.skipped), ""]  # fmt: skip
    if report.diagnostics:
        lines += [f"## Data problems ({len(report.diagnostics)})", ""]
        lines += [f"- {_md(line)}" for line in diagnostic_summary(report.diagnostics)]
        lines.append("")
    return "\n".join(lines)


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Key -> the values paired with it, in order."""
    groups: dict[str, list[str]] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


def _failures(report: Report) -> list[tuple[ReportRow, str, str]]:
    """(row, period label, message) for every computation that failed, in row order."""
    found = []
    for row in report.rows:
        if row.error is not None:
            found.append((row, report.period.label, row.error))
        if row.previous_error is not None and report.previous_period is not None:
            found.append((row, report.previous_period.label, row.previous_error))
    return found


# -- CSV -------------------------------------------------------------------------------------

_CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "polarity",
    "period",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "count",
    "per_10k",
    "median",
    "bands",
    "excluded",
    "previous_period",
    "previous_value",
    "direction",
    "error",
    "previous_error",
    "unsupported",
    "previous_unsupported",
)


def _csv_number(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _csv_value(result: Result) -> str:
    """A result's value for CSV: counts as whole numbers, rates and medians in full."""
    if isinstance(result, Count):
        return str(result.count)
    return _csv_number(result.value)


def _pairs(mapping: Mapping[str, int]) -> str:
    return ";".join(f"{key}={n}" for key, n in mapping.items())


def _csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        result = row.current
        line: dict[str, str] = dict.fromkeys(_CSV_COLUMNS, "")
        line |= {
            "id": row.id,
            "title": row.title,
            "kind": row.card.kind,
            "polarity": row.card.polarity.value,
            "period": report.period.label,
            "period_start": report.period.start.isoformat(),
            "period_end": report.period.end.isoformat(),
        }
        if result is None:
            if row.unsupported is not None:
                line["unsupported"] = row.unsupported
            else:
                line["error"] = row.error or "not computed"
            writer.writerow(line)
            continue
        line["value"] = _csv_value(result)
        if isinstance(result, Rate):
            line |= {
                "numerator": str(result.numerator),
                "denominator": str(result.denominator),
                "excluded": _pairs(result.excluded),
            }
        elif isinstance(result, Count):
            line |= {
                "count": str(result.count),
                "per_10k": _csv_number(result.per_10k),
                "excluded": _pairs(result.excluded),
            }
        else:
            line |= {
                "median": _csv_number(result.median),
                "bands": _pairs(result.bands),
                "excluded": _pairs(result.excluded),
            }
        if report.previous_period is not None and row.direction is not None:
            line |= {
                "previous_period": report.previous_period.label,
                "previous_value": "" if row.previous is None else _csv_value(row.previous),
                "direction": row.direction.value,
                "previous_error": row.previous_error or "",
                "previous_unsupported": row.previous_unsupported or "",
            }
        writer.writerow(line)
    return buffer.getvalue()


# -- audit files -----------------------------------------------------------------------------


def _key_fields(table: str) -> list[str]:
    """The fields an audit file shows for a record of *table*: its ids and its dates."""
    record_class = RECORD_CLASSES.get(table)
    if record_class is None:
        return []
    hints = typing.get_type_hints(record_class)
    fields = []
    for field in attrs.fields(record_class):
        if field.name == "child_id":
            continue
        if field.name.endswith("_id") or hints[field.name] in (dt.date, dt.date | None):
            fields.append(field.name)
    return fields


def _strings(values: npt.NDArray[Any]) -> list[str]:
    """A column as CSV text: dates as ISO, missing as empty, whole floats without ".0"."""
    if np.issubdtype(values.dtype, np.datetime64):
        text = np.datetime_as_string(values.astype("datetime64[D]"))
        return np.where(np.isnat(values), "", text).tolist()  # type: ignore[no-any-return]
    if np.issubdtype(values.dtype, np.bool_):
        return ["true" if v else "false" for v in values.tolist()]
    if np.issubdtype(values.dtype, np.floating):
        return [
            "" if math.isnan(v) else str(int(v)) if v.is_integer() else repr(v)
            for v in values.astype(np.float64).tolist()
        ]
    return [str(v) for v in values.tolist()]


def _results_of(
    report_or_results: "Report | Mapping[str, Result] | Iterable[Result]",
) -> list[Result]:
    if isinstance(report_or_results, Report):
        return list(report_or_results.results.values())
    if isinstance(report_or_results, Mapping):
        return list(report_or_results.values())
    return list(report_or_results)


AUDIT_COLUMNS = ("indicator", "child_id", "table", "row", "file", "line", "outcome")
"""The columns every audit file starts with, in this order; the record's ids and dates and the
indicator's measures follow."""


def write_audit(
    report_or_results: "Report | Mapping[str, Result] | Iterable[Result]",
    dataset: Dataset,
    directory: str | os.PathLike[str],
) -> list[Path]:
    """Write every record's outcome, one CSV file per indicator, into *directory*.

    Each file is named after the indicator (``assessment-45wd.csv``) and has one line per
    record (or child) the indicator was given, in the order of the dataset's collection.
    Every file starts with the same columns (`AUDIT_COLUMNS`):

    - ``indicator``: the indicator's id;
    - ``child_id``: the child the line is about;
    - ``table``: the collection the record is in (``children`` for a line about a child);
    - ``row``: the record's position in that collection of *dataset*, counting from 0
      (the dataset as read: after several years' returns were merged); empty for a line
      about a child;
    - ``file`` and ``line``: where the record was read from, when it was read from a file;
    - ``outcome``: ``numerator``, ``denominator-only``, ``out-of-scope`` or an exclusion
      reason such as ``end-before-start``.

    Then the record's other ids and its dates, then the indicator's per-record measures (such
    as ``working_days``). Filter the outcome ``denominator-only`` of ``assessment-45wd`` to
    list the late assessments.

    Args:
        report_or_results: A `Report` (its period's results), or results by id, or results.
        dataset: The dataset the results were computed from.
        directory: Where to write (made if missing).

    Returns:
        The files written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for result in _results_of(report_or_results):
        audit = result.audit
        if audit is None:
            continue
        # Child-level rows (row -1) have no record of their own to show dates from.
        record_level = audit.table in TABLES[1:]
        fields = _key_fields(audit.table) if record_level else []
        rows = np.asarray(audit.rows)
        valid = rows >= 0
        safe = np.where(valid, rows, 0)
        n = len(audit)
        files = [""] * n
        lines = [""] * n
        if record_level and len(dataset.records(audit.table)):  # type: ignore[arg-type]
            origins = dataset.origin_of(audit.table)  # type: ignore[arg-type]
            paths = origins.paths()[safe]
            numbers = origins.line[safe]
            known = valid & (numbers > 0)
            files = np.where(valid, paths, "").tolist()
            lines = np.where(known, numbers.astype(str), "").tolist()
        columns: list[list[str]] = [
            [result.indicator_id] * n,
            audit.child_ids.tolist(),
            [audit.table] * n,
            np.where(valid, rows.astype(str), "").tolist(),
            files,
            lines,
            audit.outcomes().tolist(),
        ]
        for field in fields:
            values = dataset.column(audit.table, field)  # type: ignore[arg-type]
            if len(values) == 0:
                columns.append([""] * n)
                continue
            text = np.array(_strings(values[safe]), dtype=object)
            columns.append(np.where(valid, text, "").tolist())
        columns += [_strings(np.asarray(values)) for values in audit.measures.values()]
        header = [*AUDIT_COLUMNS, *fields, *audit.measures]
        path = folder / f"{result.indicator_id}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(zip(*columns, strict=True))
        written.append(path)
    return written
