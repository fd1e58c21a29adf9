"""The report as Markdown: a heading, one table per kind of indicator, and the notes."""

from safeguarding_metrics.report.core import Cell, Report, ReportRow
from safeguarding_metrics.report.text import (
    bands_text,
    decimal,
    diagnostic_summary,
    excluded_text,
    group,
    key,
    percent,
    sentence,
    thousands,
    unsupported_groups,
)
from safeguarding_metrics.results import Count, Distribution, Rate

__all__ = ["render_markdown"]


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _direction_text(cell: Cell) -> str:
    if cell.direction is None:
        return ""
    return f"{cell.direction.arrow} {cell.direction.value}"


def _previous_cell(cell: Cell, shown: str) -> str:
    """The comparison's figure *shown*, ``error``, or ``n/a`` (not supported by the data)."""
    if cell.comparison is None:
        if cell.comparison_error is not None:
            return "error"
        return "n/a" if cell.comparison_unsupported is not None else ""
    return shown


def _rows_of(report: Report, kind: type) -> list[ReportRow]:
    return [
        row
        for row in report.rows
        if not row.is_empty and any(isinstance(c.result, kind) for c in row.cells)
    ]


def _one_column(report: Report) -> list[str]:
    lines: list[str] = []
    compare = report.previous_period is not None
    previous_cols = " Previous | Direction |" if compare else ""
    previous_rule = "---:|---|" if compare else ""
    rates = [r for r in _rows_of(report, Rate) if r.current is not None]
    counts = [r for r in _rows_of(report, Count) if r.current is not None]
    distributions = [r for r in _rows_of(report, Distribution) if r.current is not None]
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
                thousands(rate.numerator),
                thousands(rate.denominator),
                percent(rate.value),
                _md(excluded_text(rate.excluded)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(row.first, percent(before.value) if before is not None else ""),
                    _direction_text(row.first),
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
                thousands(count.count),
                per_10k,
                _md(excluded_text(count.excluded)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(
                        row.first, thousands(before.count) if isinstance(before, Count) else ""
                    ),
                    _direction_text(row.first),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if distributions:
        median_cols = previous_cols.replace("Previous", "Previous median")
        lines += [
            "## Distributions",
            "",
            f"| Indicator | Id | Number | Median | Bands |{median_cols}",
            f"|---|---|---:|---:|---|{previous_rule}",
        ]
        for row in distributions:
            spread = row.current
            assert isinstance(spread, Distribution)
            cells = [
                _md(row.title),
                f"`{row.id}`",
                thousands(spread.total),
                decimal(spread.median),
                _md(bands_text(spread.bands)),
            ]
            if compare:
                before = row.previous
                cells += [
                    _previous_cell(row.first, decimal(before.value) if before is not None else ""),
                    _direction_text(row.first),
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _figure(cell: Cell) -> str:
    result = cell.result
    if result is None:
        return "n/a" if cell.unsupported is not None else "error"
    mark = f" {cell.direction.arrow}" if cell.direction is not None else ""
    if isinstance(result, Rate):
        return (
            f"{percent(result.value)} ({thousands(result.numerator)} / "
            f"{thousands(result.denominator)}){mark}"
        )
    if isinstance(result, Count):
        return f"{thousands(result.count)}{mark}"
    return f"{decimal(result.median)} (n = {thousands(result.total)}){mark}"


def _columns(report: Report) -> list[str]:
    lines: list[str] = []
    headings = [_md(column.heading) for column in report.columns]
    labels = [_md(label) for label in report.comparator_labels]
    for name, kind in (("Rates", Rate), ("Counts", Count), ("Distributions", Distribution)):
        rows = _rows_of(report, kind)
        if not rows:
            continue
        lines += [
            f"## {name}",
            "",
            "| Indicator | Id | " + " | ".join([*headings, *labels]) + " |",
            "|---|---|" + "---:|" * (len(headings) + len(labels)),
        ]
        for row in rows:
            unit = "%" if row.card.kind == "rate" else ""
            found = [row.comparator(label) for label in report.comparator_labels]
            comparators = [f"{c.value:g}{unit} ({c.year})" if c else "" for c in found]
            cells = [_md(row.title), f"`{row.id}`", *(_figure(c) for c in row.cells), *comparators]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    lines = [f"# {_md(report.heading)}", ""]
    if report.period_note:
        lines += [report.period_note, ""]
    if key(report):
        lines += [key(report), ""]
    lines += _one_column(report) if len(report.columns) == 1 else _columns(report)
    for position, column in enumerate(report.columns):
        groups = unsupported_groups(report.rows, position)
        if groups:
            lines += [
                f"## Not shown: the data cannot support a figure for {_md(column.heading)}",
                "",
            ]
            lines += [
                f"- {_md(sentence(reason))}: " + ", ".join(f"`{i}`" for i in ids)
                for reason, ids in groups.items()
            ]
            lines.append("")
    not_compared = [
        (f"{column.heading}: {cell.comparison_unsupported}", row.id)
        for row in report.rows
        for column, cell in zip(report.columns, row.cells, strict=True)
        if cell.comparison_unsupported is not None
    ]
    if not_compared:
        lines += ["## Not compared", ""]
        lines += [
            f"- {_md(reason)}: " + ", ".join(f"`{i}`" for i in ids)
            for reason, ids in group(not_compared).items()
        ]
        lines.append("")
    failures = report.failures()
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
    if report.empty:
        lines += ["Not shown (nobody in the cohort in any column): "
                  + ", ".join(f"`{i}`" for i in report.empty), ""]  # fmt: skip
    if report.skipped:
        lines += ["Not computed (no records of a kind they read): "
                  + ", ".join(f"`{i}`" for i in report.skipped), ""]  # fmt: skip
    if report.diagnostics:
        lines += [f"## Data problems ({len(report.diagnostics)})", ""]
        lines += [f"- {_md(line)}" for line in diagnostic_summary(report.diagnostics)]
        lines.append("")
    return "\n".join(lines)
