"""The report as an Excel workbook: the Cabinet table, trend charts, and the records behind it.

The workbook has a ``Cabinet`` sheet laid out like the report's table (an area per block, each
column's figures and arrow, the comparators at the right), a ``Trends`` sheet with a native
Excel chart per indicator and one per distribution, a ``Notes`` sheet (exclusions, figures not
shown, indicators left out, every data problem in full), a ``Definitions`` sheet, and one
sheet per indicator listing the records behind its first column's figure. Figures are
numbers, not text, so analysts can reuse them: percentages are fractions shown with a ``%``
number format. Writing it needs XlsxWriter (the optional extra ``excel``).
"""

import importlib
import os
import re
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import SafeguardingMetricsError
from safeguarding_metrics.records import TABLES, TableName
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.report.audit import AUDIT_COLUMNS, _key_fields
from safeguarding_metrics.report.core import Cell, Report, ReportRow
from safeguarding_metrics.report.render_html import KINDS, areas
from safeguarding_metrics.report.text import diagnostic_summary, key
from safeguarding_metrics.results import Count, Direction, Distribution, Outcome, Rate, Result

__all__ = ["ExcelUnavailableError", "sheet_names", "write_xlsx"]

SHEET_NAME_LIMIT = 31
"""The longest sheet name Excel accepts."""

# "History" is reserved by Excel itself.
_RESERVED = ("Cabinet", "Trends", "Notes", "Definitions", "History")
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_COLOURS = {
    Direction.IMPROVED: "#1A7F37",
    Direction.DECLINED: "#C62828",
}
_GREY = "#6B7280"
_HEAD = "#1F3B57"
# Sub-columns of each report column on the Cabinet sheet.
_SUB = ("Number", "Of", "Value", "")


class ExcelUnavailableError(SafeguardingMetricsError, ImportError):
    """Writing a workbook needs XlsxWriter, which is not installed."""


def _xlsxwriter() -> ModuleType:
    """XlsxWriter, imported when a workbook is written (it is an optional extra)."""
    try:
        return importlib.import_module("xlsxwriter")
    except ImportError:
        raise ExcelUnavailableError(
            "the xlsx format needs XlsxWriter, the optional extra 'excel': "
            "pip install 'safeguarding-metrics[excel]'"
        ) from None


def sheet_names(ids: Iterable[str], reserved: Iterable[str] = _RESERVED) -> dict[str, str]:
    """A sheet name per indicator id: at most 31 characters, unique regardless of case.

    No name is one of *reserved* (the workbook's own sheets, and ``History``, which Excel
    keeps for itself).

    Characters Excel refuses in a sheet name become ``-``. A longer id keeps its start and
    its last six characters either side of ``…`` (``care-leavers-accommodati…-17-18``), so ids
    that differ only at the end stay apart; a name still taken gets ``~2``, ``~3``...
    """
    taken = {name.lower() for name in reserved}
    names: dict[str, str] = {}
    for indicator_id in ids:
        base = _FORBIDDEN.sub("-", indicator_id).strip("'") or "indicator"
        if len(base) > SHEET_NAME_LIMIT:
            base = base[: SHEET_NAME_LIMIT - 7] + "…" + base[-6:]
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.lower())
        names[indicator_id] = name
    return names


class _Formats:
    """The workbook's cell formats."""

    def __init__(self, book: Any) -> None:
        add = book.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.muted = add({"font_color": _GREY, "italic": True})
        self.bold = add({"bold": True})
        self.area = add({"bold": True, "font_color": "#FFFFFF", "bg_color": _HEAD, "font_size": 12})
        self.head = add(
            {"bold": True, "bg_color": "#DDE6EE", "align": "center", "border": 1, "text_wrap": True}
        )
        self.sub = add({"font_color": _GREY, "align": "right", "bottom": 1})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.code = add({"font_name": "Consolas", "font_color": _GREY, "valign": "top"})
        self.whole = add({"num_format": "#,##0", "valign": "top"})
        self.percent = add({"num_format": "0.0%", "bold": True, "valign": "top"})
        self.percent_plain = add({"num_format": "0.0%", "valign": "top"})
        self.decimal = add({"num_format": "0.0", "bold": True, "valign": "top"})
        self.decimal_plain = add({"num_format": "0.0", "valign": "top"})
        self.count = add({"num_format": "#,##0", "bold": True, "valign": "top"})
        self.na = add({"italic": True, "font_color": _GREY, "align": "right", "valign": "top"})
        self.error = add({"italic": True, "font_color": "#C62828", "align": "right"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.number = add({"num_format": "General"})
        self.arrows = {
            tone: add({"font_color": colour, "bold": True, "align": "center", "valign": "top"})
            for tone, colour in (("better", _COLOURS[Direction.IMPROVED]),
                                 ("worse", _COLOURS[Direction.DECLINED]),
                                 ("other", _GREY))
        }  # fmt: skip

    def arrow(self, direction: Direction) -> Any:
        """The format of *direction*'s arrow: green better, red worse, grey otherwise."""
        if direction is Direction.IMPROVED:
            return self.arrows["better"]
        if direction is Direction.DECLINED:
            return self.arrows["worse"]
        return self.arrows["other"]


def _value(result: Result) -> float | None:
    """The figure as Excel should hold it: a fraction for a rate, the count, the median."""
    if isinstance(result, Rate):
        return None if result.denominator == 0 else result.numerator / result.denominator
    if isinstance(result, Count):
        return result.count
    return result.median


def _measure(card: Indicator, result: Result | None) -> str:
    if isinstance(result, Distribution) or (result is None and card.kind == "distribution"):
        unit = result.unit if isinstance(result, Distribution) else ""
        return f"median {unit}".strip()
    if card.kind == "rate":
        return "%"
    return "count"


def _comparator_value(card: Indicator, value: float) -> float:
    # Rounded, so 81.4 is held as 0.814 rather than 0.8140000000000001.
    return round(value / 100, 12) if card.kind == "rate" else value


class _Book:
    """The workbook being written."""

    def __init__(self, report: Report, dataset: Dataset, book: Any, *, with_children: bool) -> None:
        self.report = report
        self.dataset = dataset
        self.book = book
        self.with_children = with_children
        self.f = _Formats(book)
        self.sheets = sheet_names(row.id for row in report.rows)

    # The Cabinet sheet.

    def cabinet(self) -> None:
        report, f = self.report, self.f
        sheet = self.book.add_worksheet("Cabinet")
        first = 3  # the first column of figures: after indicator, id and measure
        width = len(_SUB)
        right = first + width * len(report.columns)
        sheet.write(0, 0, report.heading, f.title)
        line = 1
        for text in (report.period_note, key(report)):
            if text:
                sheet.write(line, 0, text, f.muted)
                line += 1
        sheet.write(
            line,
            0,
            "The indicator sheets list the records behind each first-column figure, with child "
            "ids: the workbook holds personal data."
            if self.with_children
            else "The indicator sheets list the records behind each first-column figure, "
            "without child ids (write it with --with-children to add them).",
            f.muted,
        )
        top = line + 2
        sheet.merge_range(top, 0, top + 1, 0, "Indicator", f.head)
        sheet.merge_range(top, 1, top + 1, 1, "Id", f.head)
        sheet.merge_range(top, 2, top + 1, 2, "Measure", f.head)
        for position, column in enumerate(report.columns):
            left = first + width * position
            sheet.merge_range(top, left, top, left + width - 1, column.heading, f.head)
            for offset, name in enumerate(_SUB):
                sheet.write(top + 1, left + offset, name, f.sub)
            sheet.set_column(left, left + 1, 9)
            sheet.set_column(left + 2, left + 2, 9)
            sheet.set_column(left + 3, left + 3, 3)
        for index, label in enumerate(report.comparator_labels):
            left = right + 2 * index
            sheet.merge_range(top, left, top, left + 1, label, f.head)
            sheet.write(top + 1, left, "Value", f.sub)
            sheet.write(top + 1, left + 1, "Year", f.sub)
            sheet.set_column(left, left + 1, 9)
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, 1, 26)
        sheet.set_column(2, 2, 16)
        row_at = top + 2
        sheet.freeze_panes(row_at, 3)
        last = right + 2 * len(report.comparator_labels) - 1
        shown = [row for row in report.rows if not row.is_empty]
        for _, heading, rows in areas(shown):
            sheet.merge_range(row_at, 0, row_at, last, heading, f.area)
            row_at += 1
            for kind, _ in KINDS:
                for row in (r for r in rows if r.card.kind == kind):
                    self.cabinet_row(sheet, row_at, row, first)
                    row_at += 1
        sheet.write(row_at + 1, 0, "The Notes sheet lists the figures not shown and why.", f.muted)

    def cabinet_row(self, sheet: Any, at: int, row: ReportRow, first: int) -> None:
        f = self.f
        sheet.write(at, 0, row.title, f.wrap)
        sheet.write(at, 1, row.id, f.code)
        sheet.write(at, 2, _measure(row.card, row.current), f.wrap)
        for position, cell in enumerate(row.cells):
            self.cabinet_cell(sheet, at, first + len(_SUB) * position, cell)
        right = first + len(_SUB) * len(row.cells)
        for index, label in enumerate(self.report.comparator_labels):
            found = row.comparator(label)
            if found is None:
                continue
            number = f.percent_plain if row.card.kind == "rate" else f.decimal_plain
            sheet.write_number(
                at, right + 2 * index, _comparator_value(row.card, found.value), number
            )
            sheet.write_string(at, right + 2 * index + 1, found.year)

    def cabinet_cell(self, sheet: Any, at: int, left: int, cell: Cell) -> None:
        f = self.f
        result = cell.result
        if result is None:
            if cell.unsupported is not None:
                sheet.write_string(at, left + 2, "n/a", f.na)
                sheet.write_comment(at, left + 2, f"Not supported: {cell.unsupported}")
            else:
                sheet.write_string(at, left + 2, "error", f.error)
                sheet.write_comment(at, left + 2, f"Not computed: {cell.error}")
            return
        value = _value(result)
        if isinstance(result, Rate):
            sheet.write_number(at, left, result.numerator, f.whole)
            sheet.write_number(at, left + 1, result.denominator, f.whole)
            if value is not None:
                sheet.write_number(at, left + 2, value, f.percent)
        elif isinstance(result, Count):
            sheet.write_number(at, left + 2, result.count, f.count)
        else:
            sheet.write_number(at, left, result.total, f.whole)
            if value is not None:
                sheet.write_number(at, left + 2, value, f.decimal)
        if cell.direction is not None:
            sheet.write_string(at, left + 3, cell.direction.arrow, f.arrow(cell.direction))
            if cell.direction is Direction.NOT_COMPARABLE and cell.comparison_unsupported:
                sheet.write_comment(at, left + 3, f"Not compared: {cell.comparison_unsupported}")

    # The Trends sheet.

    def trends(self) -> None:
        report, f = self.report, self.f
        sheet = self.book.add_worksheet("Trends")
        sheet.write(
            0, 0, "Each indicator's figure in each column, as the Cabinet sheet shows it.", f.bold
        )
        sheet.write(1, 0, "Indicator", f.head)
        sheet.write(1, 1, "Id", f.head)
        for position, column in enumerate(report.columns):
            sheet.write(1, 2 + position, column.heading, f.head)
        sheet.set_column(0, 0, 50)
        sheet.set_column(1, 1, 26)
        sheet.set_column(2, 1 + len(report.columns), 12)
        rows = [row for row in report.rows if not row.is_empty]
        charts: list[Any] = []
        last_column = 1 + len(report.columns)
        for offset, row in enumerate(rows):
            at = 2 + offset
            sheet.write(at, 0, row.title)
            sheet.write(at, 1, row.id, f.code)
            plain = {"rate": f.percent_plain, "count": f.whole}.get(row.card.kind, f.decimal_plain)
            values = [None if c.result is None else _value(c.result) for c in row.cells]
            for position, value in enumerate(values):
                if value is not None:
                    sheet.write_number(at, 2 + position, value, plain)
            if all(value is None for value in values):
                continue
            chart = self.book.add_chart({"type": "line"})
            chart.add_series(
                {
                    "name": row.title,
                    "categories": ["Trends", 1, 2, 1, last_column],
                    "values": ["Trends", at, 2, at, last_column],
                    "marker": {"type": "circle", "size": 6},
                    "line": {"color": "#4B6A88"},
                }
            )
            number = {"rate": "0%", "count": "#,##0"}.get(row.card.kind, "0.0")
            chart.set_title({"name": row.title, "name_font": {"size": 10, "bold": True}})
            chart.set_legend({"none": True})
            chart.set_y_axis({"num_format": number, "major_gridlines": {"visible": True}})
            chart.set_size({"width": 480, "height": 240})
            charts.append(chart)
        at = 2 + len(rows) + 2
        # A distribution no column could compute (the data does not cover its periods) has
        # nothing to chart.
        distributions = [
            r
            for r in rows
            if r.card.kind == "distribution"
            and any(isinstance(cell.result, Distribution) for cell in r.cells)
        ]
        if distributions:
            sheet.write(at, 0, "Distributions: how many in each band, per column.", f.bold)
            at += 1
        for row in distributions:
            results = [
                (column.heading, cell.result)
                for column, cell in zip(report.columns, row.cells, strict=True)
                if isinstance(cell.result, Distribution)
            ]
            labels = list(dict.fromkeys(label for _, r in results for label in r.bands))
            sheet.write(at, 0, row.title, f.head)
            sheet.write(at, 1, row.id, f.code)
            for position, (heading, _) in enumerate(results):
                sheet.write(at, 2 + position, heading, f.head)
            for index, label in enumerate(labels):
                sheet.write(at + 1 + index, 0, label)
                for position, (_, result) in enumerate(results):
                    sheet.write_number(
                        at + 1 + index, 2 + position, result.bands.get(label, 0), f.whole
                    )
            chart = self.book.add_chart({"type": "column"})
            for position, (heading, _) in enumerate(results):
                chart.add_series(
                    {
                        "name": heading,
                        "categories": ["Trends", at + 1, 0, at + len(labels), 0],
                        "values": ["Trends", at + 1, 2 + position, at + len(labels), 2 + position],
                    }
                )
            chart.set_title({"name": row.title, "name_font": {"size": 10, "bold": True}})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 480, "height": 300})
            charts.append(chart)
            at += len(labels) + 2
        chart_column = last_column + 2
        top = 1
        for index, chart in enumerate(charts):
            # Two charts a row, beside the figures; each about 16 rows tall.
            sheet.insert_chart(
                top + 16 * (index // 2), chart_column + 8 * (index % 2), chart, {"x_offset": 10}
            )

    # The Notes sheet.

    def notes(self) -> None:
        report, f = self.report, self.f
        sheet = self.book.add_worksheet("Notes")
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 4, 24)
        sheet.set_column(5, 5 + len(report.columns), 14)
        at = 0
        if key(report):
            sheet.write(at, 0, key(report), f.muted)
            at += 2

        def block(title: str, header: Sequence[str], lines: Sequence[Sequence[Any]]) -> None:
            nonlocal at
            if not lines:
                return
            sheet.write(at, 0, title, f.bold)
            at += 1
            for index, name in enumerate(header):
                sheet.write(at, index, name, f.head)
            at += 1
            for line in lines:
                for index, value in enumerate(line):
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        sheet.write_number(at, index, value, f.whole)
                    elif value is not None:
                        sheet.write_string(at, index, str(value))
                at += 1
            at += 1

        exclusions: list[list[Any]] = []
        for row in report.rows:
            for reason, meaning in row.card.exclusions.items():
                counts = [
                    None if c.result is None else c.result.excluded.get(reason, 0)
                    for c in row.cells
                ]
                if any(counts):
                    exclusions.append([row.title, row.id, reason, meaning, "", *counts])
        headings = [c.heading for c in report.columns]
        block(
            "Exclusions: records in a cohort that an indicator left out, and why",
            ["Indicator", "Id", "Reason", "Meaning", "", *headings],
            exclusions,
        )
        block(
            "Not shown: the data cannot support a figure",
            ["Indicator", "Id", "Column", "Why"],
            [
                [row.title, row.id, column.heading, cell.unsupported]
                for row in report.rows
                for column, cell in zip(report.columns, row.cells, strict=True)
                if cell.unsupported is not None
            ],
        )
        block(
            "Not compared",
            ["Indicator", "Id", "Column", "Compared with", "Why"],
            [
                [
                    row.title,
                    row.id,
                    column.heading,
                    cell.compared_with.label if cell.compared_with is not None else "",
                    cell.comparison_unsupported,
                ]
                for row in report.rows
                for column, cell in zip(report.columns, row.cells, strict=True)
                if cell.comparison_unsupported is not None
            ],
        )
        block(
            "Not computed because of an error",
            ["Indicator", "Id", "Period", "Error"],
            [
                [row.title, row.id, label, message]
                for row in report.rows
                for label, message in _failures(report, row)
            ],
        )
        left_out = [
            [row.title, row.id, "nobody in the cohort in any column"]
            for row in report.rows
            if row.is_empty
        ] + [
            [INDICATORS[i].title if i in INDICATORS else "", i, "no records of a kind it reads"]
            for i in report.skipped
        ]
        block("Left out of the tables", ["Indicator", "Id", "Why"], left_out)
        if self.with_children:
            block(
                f"Data problems ({len(report.diagnostics)})",
                ["File", "Where", "Field", "Value", "Problem"],
                [[d.file, d.where, d.field, d.value, d.problem] for d in report.diagnostics],
            )
        else:  # places and values may name a child: counted by kind only
            block(
                f"Data problems ({len(report.diagnostics)})",
                ["How many, where, and what"],
                [[line] for line in diagnostic_summary(report.diagnostics, places=False)],
            )
        block(
            "Returns read",
            ["Kind", "Year", "File or folder", "From", "To"],
            [
                [r.kind, r.label, r.path, r.start.isoformat(), r.end.isoformat()]
                for r in report.coverage.returns
            ],
        )
        block(
            "Periods",
            ["Column", "Period", "From", "To"],
            [
                [c.heading, c.period.label, c.period.start.isoformat(), c.period.end.isoformat()]
                for c in report.columns
            ],
        )

    def definitions(self) -> None:
        f = self.f
        sheet = self.book.add_worksheet("Definitions")
        header = ("Id", "Title", "Kind", "Polarity", "Cohort", "Numerator", "Denominator",
                  "Exclusions", "Conventions", "Sources")  # fmt: skip
        for index, name in enumerate(header):
            sheet.write(0, index, name, f.head)
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, 1, 40)
        sheet.set_column(2, 3, 10)
        sheet.set_column(4, 9, 45, f.wrap)
        for at, row in enumerate(self.report.rows, start=1):
            card = row.card
            values = (
                card.id,
                card.title,
                card.kind,
                card.polarity.value,
                card.cohort,
                card.numerator,
                card.denominator,
                "\n".join(f"{code}: {text}" for code, text in card.exclusions.items()),
                "\n".join(card.notes),
                "\n".join(str(source) for source in card.sources),
            )
            for index, value in enumerate(values):
                sheet.write_string(at, index, value, f.wrap)

    # One sheet per indicator: the records behind its first column's figure.

    def audits(self) -> None:
        f = self.f
        column = self.report.columns[0]
        for number, row in enumerate(self.report.rows, start=1):
            sheet = self.book.add_worksheet(self.sheets[row.id])
            sheet.write(0, 0, f"{row.title} ({row.id})", f.bold)
            cell = row.first
            result = cell.result
            if result is None or result.audit is None:
                why = cell.unsupported or cell.error or "the indicator keeps no audit"
                sheet.write(1, 0, f"No figure for {column.heading}: {why}", f.muted)
                continue
            header, columns, formats, left_out = _audit_table(
                result, self.dataset, with_children=self.with_children
            )
            sheet.write(
                1,
                0,
                f"Every record in the cohort of {column.heading} ({column.period.label}) and its "
                f"outcome; {left_out:,} record(s) out of scope are left out (the audit CSV lists "
                "them).",
                f.muted,
            )
            top = 3
            rows = len(columns[0]) if columns else 0
            for index, (name, values, kind) in enumerate(
                zip(header, columns, formats, strict=True)
            ):
                cell_format = {"date": f.date, "number": f.number}.get(kind)
                sheet.write_column(top + 1, index, values, cell_format)
                sheet.set_column(index, index, max(10, min(28, len(name) + 2)))
            if rows:
                sheet.add_table(
                    top,
                    0,
                    top + rows,
                    len(header) - 1,
                    {
                        "columns": [{"header": name} for name in header],
                        "style": "Table Style Light 9",
                        "name": f"Audit{number}",
                    },
                )
            else:
                for index, name in enumerate(header):
                    sheet.write(top, index, name, f.head)
            sheet.freeze_panes(top + 1, 0)

    def write(self) -> None:
        self.cabinet()
        self.trends()
        self.notes()
        self.definitions()
        self.audits()


def _failures(report: Report, row: ReportRow) -> list[tuple[str, str]]:
    return [(label, message) for failed, label, message in report.failures() if failed is row]


def _unique(names: Sequence[str]) -> list[str]:
    """*names*, a repeated one numbered (an Excel table's headers must differ)."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _whole(values: npt.NDArray[Any], known: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """Whole numbers where *known*, blank (`None`) elsewhere."""
    cells = np.asarray(values).astype(np.int64).astype(object)
    cells[~known] = None
    return cells


def _cells(values: npt.NDArray[Any]) -> tuple[list[Any], str]:
    """A column as Excel values, and its kind: dates as dates, missing as blank."""
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]").astype(object).tolist(), "date"
    if np.issubdtype(values.dtype, np.bool_):
        return values.tolist(), "number"
    if np.issubdtype(values.dtype, np.floating):
        cells = values.astype(np.float64).astype(object)
        cells[np.isnan(values.astype(np.float64))] = None
        return cells.tolist(), "number"
    if np.issubdtype(values.dtype, np.integer) or values.dtype == object:
        return values.tolist(), "number"
    text = values.astype(np.str_)
    cells = text.astype(object)
    cells[text == ""] = None
    return cells.tolist(), "text"


def _audit_table(
    result: Result, dataset: Dataset, *, with_children: bool
) -> tuple[list[str], list[list[Any]], list[str], int]:
    """The audit sheet's header, columns and their kinds, and how many rows were left out.

    The columns are those of the audit CSV (`AUDIT_COLUMNS`, the record's ids and dates, the
    indicator's measures), for the records in the cohort: those out of scope are left out.
    Without *with_children* the child id is left out.
    """
    audit = result.audit
    assert audit is not None
    out_of_scope = audit.labels.index(Outcome.OUT_OF_SCOPE.value)
    kept = np.flatnonzero(audit.codes != out_of_scope)
    rows = np.asarray(audit.rows)[kept]
    n = len(kept)
    # Child-level rows (row -1) have no record of their own to show dates from.
    record_level = audit.table in TABLES[1:]
    valid = rows >= 0
    safe = np.where(valid, rows, 0)
    files: npt.NDArray[Any] = np.full(n, "", dtype=np.str_)
    lines: npt.NDArray[Any] = _whole(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.bool_))
    # An audit names its collection as plain text; record_level checked it is one of TABLES.
    table: TableName = audit.table  # type: ignore[assignment]
    held = record_level and len(dataset.records(table)) > 0
    if held:
        origins = dataset.origin_of(table)
        files = np.where(valid, origins.paths()[safe], "")
        numbers = origins.line[safe]
        lines = _whole(numbers, valid & (numbers > 0))
    fixed: list[npt.NDArray[Any]] = [
        np.full(n, result.indicator_id),
        audit.child_ids[kept],
        np.full(n, audit.table),
        _whole(rows, valid),
        files,
        lines,
        audit.outcomes()[kept],
    ]
    fields = _key_fields(audit.table) if record_level else []
    extra: list[npt.NDArray[Any]] = []
    for field in fields:
        values = dataset.column(table, field) if held else np.array([])
        if len(values) == 0:
            extra.append(np.full(n, "", dtype=np.str_))
            continue
        chosen = values[safe]
        if np.issubdtype(chosen.dtype, np.datetime64):
            chosen = np.where(valid, chosen, np.datetime64("NaT"))
        else:
            chosen = np.where(valid, chosen.astype(np.str_), "")
        extra.append(chosen)
    measures = [np.asarray(values)[kept] for values in audit.measures.values()]
    header = _unique([*AUDIT_COLUMNS, *fields, *audit.measures])
    if not with_children:  # the child id, and any other id naming a child, left out
        named = {"child_id", *(f for f in fields if f == "referral_id")}
        keep = [i for i, name in enumerate(header) if name not in named]
        header = [header[i] for i in keep]
        every = [*fixed, *extra, *measures]
        converted = [_cells(every[i]) for i in keep]
        return header, [c for c, _ in converted], [k for _, k in converted], len(audit) - n
    converted = [_cells(values) for values in (*fixed, *extra, *measures)]
    return (
        header,
        [cells for cells, _ in converted],
        [kind for _, kind in converted],
        len(audit) - n,
    )


def write_xlsx(
    report: Report,
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    with_children: bool = False,
) -> None:
    """Write the report as an Excel workbook at *path*.

    Args:
        report: The report (`run_report`).
        dataset: The dataset it was computed from (for the records behind each figure).
        path: The ``.xlsx`` file to write (replaced if it exists).
        with_children: Also list the child ids (and referral ids, which hold them) on the
            indicator sheets, and the data problems in full with their places and values.
            Off by default: the workbook then holds no child identifier.

    Raises:
        ExcelUnavailableError: XlsxWriter is not installed (the extra ``excel``).

    Notes:
        - Figures are numbers: a rate is the fraction numerator / denominator with a ``0.0%``
          format (so it shows as the report rounds it), counts are whole numbers, medians
          have one decimal place; comparators likewise.
        - A figure the data cannot support reads ``n/a`` and a failed one ``error``, each
          with the reason in a cell comment and on the Notes sheet.
        - Each indicator's sheet lists the records in its first column's cohort (those out
          of scope are left out): the columns of the audit CSV, with row and line numbers as
          numbers and dates as dates. The sheet names are the ids, shortened to Excel's 31
          characters where needed (`sheet_names`).
        - The Trends sheet holds a line chart per indicator that has a figure, and a column
          chart of the bands of each distribution.
    """
    xlsxwriter = _xlsxwriter()
    book = xlsxwriter.Workbook(os.fspath(path), {"nan_inf_to_errors": True})
    try:
        _Book(report, dataset, book, with_children=with_children).write()
    finally:
        book.close()
