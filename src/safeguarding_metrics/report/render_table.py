"""The report as aligned text for a terminal, laid out like a council's Cabinet table."""

from collections.abc import Sequence

from safeguarding_metrics.report.core import Cell, Report, ReportRow
from safeguarding_metrics.report.text import (
    arrow,
    bands_text,
    decimal,
    diagnostic_summary,
    excluded_text,
    key,
    percent,
    sentence,
    thousands,
    unsupported_groups,
    wrap,
)
from safeguarding_metrics.results import Count, Distribution, Rate

__all__ = ["render_table"]

_SECTIONS: tuple[tuple[str, type], ...] = (
    ("Rates", Rate),
    ("Counts", Count),
    ("Distributions", Distribution),
)


def render_table(report: Report, *, width: int = 120) -> str:
    """The report as fixed-width text, fitting *width* characters where it can.

    A report of one column shows each figure beside the previous period's; a report of
    several shows each column's figures and arrow side by side. Indicator ids are never
    broken across lines.
    """
    layout: _Layout = (
        _OneColumn(report, width) if len(report.columns) == 1 else _Columns(report, width)
    )
    return layout.render()


class _Layout:
    """What both layouts share: the heading, the sections and the notes after them."""

    def __init__(self, report: Report, width: int) -> None:
        self.report = report
        self.width = width

    def section(self, name: str, rows: list[ReportRow]) -> list[str]:
        raise NotImplementedError

    def render(self) -> str:
        report = self.report
        lines = [report.heading]
        if report.period_note:
            lines += wrap(report.period_note, self.width)
        if key(report):
            lines += wrap(key(report), self.width)
        shown = [row for row in report.rows if not row.is_empty]
        for name, kind in _SECTIONS:
            rows = [row for row in shown if _kind_of(row) is kind]
            if rows:
                lines.append("")
                lines += self.section(name, rows)
        lines += self.notes(shown)
        return "\n".join(lines) + "\n"

    def notes(self, shown: Sequence[ReportRow]) -> list[str]:
        report = self.report
        lines: list[str] = []
        for position, column in enumerate(report.columns):
            groups = unsupported_groups(report.rows, position)
            if not groups:
                continue
            lines += ["", f"Not shown: the data cannot support a figure for {column.heading}"]
            lines.append("─" * self.width)
            for reason, ids in groups.items():
                lines += wrap(f"{sentence(reason)}:", self.width)
                lines += wrap(", ".join(ids), self.width, "  ")
        failed = [
            (row, report.columns[p].period.label, cell.error)
            for row in report.rows
            for p, cell in enumerate(row.cells)
            if cell.error is not None
        ]
        if failed:
            lines += ["", "Not computed because of an error", "─" * self.width]
            several = len(report.columns) > 1
            for row, label, message in failed:
                lines += wrap(row.title, self.width)
                when = f" · {label}" if several else ""
                lines += wrap(f"{row.id}{when} · error: {message}", self.width, "  ", "    ")
        if not report.rows:
            lines += ["", "No indicator could be computed: the data holds none of their records."]
        elif not report.computed_any:
            lines += ["", "No indicator could be computed for the periods asked for."]
        if report.empty:
            lines += ["", "Not shown (nobody in the cohort in any column):"]
            lines += wrap(", ".join(report.empty), self.width, "  ")
        if report.skipped:
            lines += ["", "Not computed (no records of a kind they read):"]
            lines += wrap(", ".join(report.skipped), self.width, "  ")
        if report.diagnostics:
            lines += ["", f"Data problems ({len(report.diagnostics)}):"]
            for line in diagnostic_summary(report.diagnostics):
                lines += wrap(line, self.width, "  ", "      ")
        return lines


def _kind_of(row: ReportRow) -> type | None:
    for cell in row.cells:
        if cell.result is not None:
            return type(cell.result)
    return None


def _details(result: Rate | Count | Distribution) -> list[str]:
    notes: list[str] = []
    if isinstance(result, Count) and result.per_10k is not None:
        notes.append(f"{result.per_10k:.1f} per 10,000 children")
    if isinstance(result, Distribution):
        unit = f" {result.unit}" if result.unit else ""
        bands = bands_text(result.bands)
        notes.append(f"median{unit}; {bands}" if result.median is not None else bands)
    if result.excluded:
        notes.append(f"excluded: {excluded_text(result.excluded)}")
    return notes


def _comparator_value(row: ReportRow, value: float) -> str:
    return percent(value) if row.card.kind == "rate" else f"{value:g}"


def _comparator_notes(row: ReportRow) -> list[str]:
    return [f"{c.label} {c.year}: {_comparator_value(row, c.value)}" for c in row.comparators]


class _OneColumn(_Layout):
    """A period's figures beside the previous period's, with an arrow."""

    # The four figure columns: numerator, denominator, value, previous value.
    WIDTHS = (10, 12, 9, 11)

    def __init__(self, report: Report, width: int) -> None:
        super().__init__(report, width)
        self.compare = report.previous_period is not None
        figures = sum(self.WIDTHS) + 4
        longest = max((len(row.title) for row in report.rows), default=30)
        self.title_width = max(24, min(longest + 2, width - figures))
        self.width = self.title_width + figures

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

    def line(self, title: str, cells: Sequence[str], mark: str) -> str:
        text = title.ljust(self.title_width)
        text += "".join(cell.rjust(w) for cell, w in zip(cells, self.WIDTHS, strict=True))
        return (text + "  " + mark).rstrip()

    def row(self, row: ReportRow) -> list[str]:
        cell = row.first
        result, previous = cell.result, cell.comparison
        assert result is not None
        if isinstance(result, Rate):
            cells = [
                thousands(result.numerator),
                thousands(result.denominator),
                percent(result.value),
                percent(previous.value) if previous is not None else "",
            ]
        elif isinstance(result, Count):
            cells = ["", "", thousands(result.count)]
            cells.append(thousands(previous.count) if isinstance(previous, Count) else "")
        else:
            cells = [
                "",
                thousands(result.total),
                decimal(result.median),
                decimal(previous.value) if previous is not None else "",
            ]
        notes = _details(result)
        label = cell.compared_with.label if cell.compared_with is not None else ""
        if not self.compare:
            cells[3] = ""
        elif cell.comparison_error is not None:
            cells[3] = "error"
            notes.append(f"{label} not computed: {cell.comparison_error}")
        elif cell.comparison_unsupported is not None:
            cells[3] = "n/a"
            notes.append(f"not compared with {label}: {cell.comparison_unsupported}")
        notes += _comparator_notes(row)
        title_lines = wrap(row.title, self.title_width - 1)
        lines = [self.line(title_lines[0], cells, arrow(cell))]
        lines += title_lines[1:]
        lines += wrap(" · ".join([row.id, *notes]), self.width, "  ", "    ")
        return lines


class _Columns(_Layout):
    """Several periods side by side: each column's figures and arrow, then comparators."""

    FIGURES = 12  # "812/951", a count, or "n=608"
    VALUE = 8  # "85.4%" or a median
    MARK = 2

    def __init__(self, report: Report, width: int) -> None:
        super().__init__(report, width)
        self.block = self.FIGURES + self.VALUE + self.MARK
        self.blocks = len(report.columns) * self.block + 10 * len(report.comparator_labels)
        longest = max((len(row.title) for row in report.rows), default=30)
        self.title_width = max(24, min(longest + 2, width - self.blocks))
        self.width = self.title_width + self.blocks

    def section(self, name: str, rows: list[ReportRow]) -> list[str]:
        sub = {
            "Rates": ("Num/Den", "%"),
            "Counts": ("Count", ""),
            "Distributions": ("Number", "Median"),
        }[name]
        top = "".ljust(self.title_width) + "".join(
            column.heading[: self.block - 1].rjust(self.block) for column in self.report.columns
        )
        top += "".join(label[:9].rjust(10) for label in self.report.comparator_labels)
        second = name.ljust(self.title_width) + "".join(
            sub[0].rjust(self.FIGURES) + sub[1].rjust(self.VALUE) + " " * self.MARK
            for _ in self.report.columns
        )
        lines = [top.rstrip(), second.rstrip(), "─" * self.width]
        for row in rows:
            lines += self.row(row)
        return lines

    def figures(self, cell: Cell) -> tuple[str, str]:
        result = cell.result
        if result is None:
            return ("n/a" if cell.unsupported is not None else "error"), ""
        if isinstance(result, Rate):
            return f"{thousands(result.numerator)}/{thousands(result.denominator)}", percent(
                result.value
            )
        if isinstance(result, Count):
            return thousands(result.count), ""
        return thousands(result.total), decimal(result.median)

    def row(self, row: ReportRow) -> list[str]:
        title_lines = wrap(row.title, self.title_width - 1)
        text = title_lines[0].ljust(self.title_width)
        for cell in row.cells:
            figures, value = self.figures(cell)
            mark = arrow(cell)
            text += (
                figures.rjust(self.FIGURES)
                + value.rjust(self.VALUE)
                + (" " + mark).ljust(self.MARK)
            )
        for label in self.report.comparator_labels:
            found = row.comparator(label)
            shown = (
                "" if found is None else f"{found.value:g}{'%' if row.card.kind == 'rate' else ''}"
            )
            text += shown.rjust(10)
        lines = [text.rstrip(), *title_lines[1:]]
        notes = []
        for column, cell in zip(self.report.columns, row.cells, strict=True):
            if cell.result is not None and cell.result.excluded:
                notes.append(f"{column.heading}: excluded {excluded_text(cell.result.excluded)}")
            if cell.comparison_unsupported is not None and cell.compared_with is not None:
                notes.append(
                    f"{column.heading} not compared with {cell.compared_with.label}: "
                    f"{cell.comparison_unsupported}"
                )
            elif cell.comparison_error is not None and cell.compared_with is not None:
                notes.append(f"{cell.compared_with.label} not computed: {cell.comparison_error}")
        years = [f"{c.label} {c.year}" for c in row.comparators]
        if years:
            notes.append("comparators: " + ", ".join(years))
        lines += wrap(" · ".join([row.id, *notes]), self.width, "  ", "    ")
        return lines
