"""The report as plain data: SPEC §6's JSON shape, with the extras documented in the reference."""

import math
from typing import Any

import attrs

from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.report.core import Cell, Report
from safeguarding_metrics.results import Count, Direction, Rate, Result

__all__ = ["cell_dict", "period_dict", "report_dict", "result_dict"]


def period_dict(period: ReportingPeriod) -> dict[str, str]:
    """``{"start": ..., "end": ..., "label": ...}``."""
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def result_dict(result: Result) -> dict[str, Any]:
    """A result's figures under SPEC §6's keys (and the documented extras)."""
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


def cell_dict(cell: Cell) -> dict[str, Any]:
    """One indicator's entry for one column: figures, or the reason there are none."""
    if cell.unsupported is not None:
        return {"unsupported": cell.unsupported}
    if cell.result is None:
        return {"error": cell.error or "not computed"}
    entry = result_dict(cell.result)
    if cell.compared_with is not None:
        before: dict[str, Any]
        if cell.comparison is not None:
            before = result_dict(cell.comparison)
        elif cell.comparison_error is not None:
            before = {"error": cell.comparison_error}
        elif cell.comparison_unsupported is not None:
            before = {"unsupported": cell.comparison_unsupported}
        else:
            before = {}
        entry["previous"] = {"period": cell.compared_with.label, **before}
        entry["direction"] = (cell.direction or Direction.NOT_COMPARABLE).value
    return entry


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain data: SPEC §6's keys describe the first column."""
    result: dict[str, Any] = {
        "period": period_dict(report.period),
        "indicators": {row.id: cell_dict(row.first) for row in report.rows},
        "diagnostics": [attrs.asdict(d) for d in report.diagnostics],
    }
    if report.coverage:
        result["coverage"] = report.coverage.to_dict()
    if len(report.columns) > 1:
        result["columns"] = [
            {
                "heading": column.heading,
                "period": period_dict(column.period),
                "indicators": {row.id: cell_dict(row.cells[position]) for row in report.rows},
            }
            for position, column in enumerate(report.columns)
        ]
    comparators = {
        row.id: [
            {"label": c.label, "value": c.value, "year": c.year, "source": c.source}
            for c in row.comparators
        ]
        for row in report.rows
        if row.comparators
    }
    if comparators:
        result["comparators"] = comparators
    if report.empty:
        result["empty"] = list(report.empty)
    if report.title:
        result["title"] = report.title
    return result
