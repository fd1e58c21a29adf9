"""The report as CSV: one line per indicator and column, then one per comparator figure."""

import csv
import io
import math
from collections.abc import Mapping

from safeguarding_metrics.report.core import Report
from safeguarding_metrics.results import Count, Rate, Result

__all__ = ["CSV_COLUMNS", "render_csv"]

CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "polarity",
    "column",
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
    "comparator",
)
"""The columns of the CSV report, in order. ``previous_*`` describe what the line's column is
compared with; a comparator line (England's figure, say) names it in ``comparator``, with its
year in ``period`` and its figure in ``value``."""


def _number(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _value(result: Result) -> str:
    """A result's value for CSV: counts as whole numbers, rates and medians in full."""
    if isinstance(result, Count):
        return str(result.count)
    return _number(result.value)


def _pairs(mapping: Mapping[str, int]) -> str:
    return ";".join(f"{key}={n}" for key, n in mapping.items())


def render_csv(report: Report) -> str:
    """The report as CSV text (see `CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        base = dict.fromkeys(CSV_COLUMNS, "") | {
            "id": row.id,
            "title": row.title,
            "kind": row.card.kind,
            "polarity": row.card.polarity.value,
        }
        for column, cell in zip(report.columns, row.cells, strict=True):
            line = base | {
                "column": column.heading,
                "period": column.period.label,
                "period_start": column.period.start.isoformat(),
                "period_end": column.period.end.isoformat(),
            }
            result = cell.result
            if result is None:
                if cell.unsupported is not None:
                    line["unsupported"] = cell.unsupported
                else:
                    line["error"] = cell.error or "not computed"
                writer.writerow(line)
                continue
            line["value"] = _value(result)
            if isinstance(result, Rate):
                line |= {
                    "numerator": str(result.numerator),
                    "denominator": str(result.denominator),
                    "excluded": _pairs(result.excluded),
                }
            elif isinstance(result, Count):
                line |= {
                    "count": str(result.count),
                    "per_10k": _number(result.per_10k),
                    "excluded": _pairs(result.excluded),
                }
            else:
                line |= {
                    "median": _number(result.median),
                    "bands": _pairs(result.bands),
                    "excluded": _pairs(result.excluded),
                }
            if cell.compared_with is not None and cell.direction is not None:
                line |= {
                    "previous_period": cell.compared_with.label,
                    "previous_value": "" if cell.comparison is None else _value(cell.comparison),
                    "direction": cell.direction.value,
                    "previous_error": cell.comparison_error or "",
                    "previous_unsupported": cell.comparison_unsupported or "",
                }
            writer.writerow(line)
        for comparator in row.comparators:
            writer.writerow(
                base
                | {
                    "comparator": comparator.label,
                    "column": comparator.label,
                    "period": comparator.year,
                    "value": _number(comparator.value),
                }
            )
    return buffer.getvalue()
