"""The performance report: every indicator the data allows, for periods side by side.

`run_report` computes each registered indicator whose record collections are present, for
one period or several columns, and compares each column with the one before it (or the same
period a year earlier). A `Report` renders as an aligned text table (the layout of a
council's Cabinet performance report), Markdown, CSV or JSON (the shape SPEC §6 fixes and
``docs/reference/report-json.md`` documents). `write_audit` writes every record's outcome,
one CSV per indicator, so an analyst can list the late assessments behind a rate.
"""

from safeguarding_metrics.report.audit import AUDIT_COLUMNS, write_audit
from safeguarding_metrics.report.comparators import COMPARATOR_COLUMNS, read_comparators
from safeguarding_metrics.report.core import (
    COMPARE_MODES,
    Cell,
    Comparator,
    CompareMode,
    Report,
    ReportRow,
    run_report,
)
from safeguarding_metrics.report.formats import FORMATS, TEXT_FORMATS, Format
from safeguarding_metrics.report.text import diagnostic_summary

__all__ = [
    "AUDIT_COLUMNS",
    "COMPARATOR_COLUMNS",
    "COMPARE_MODES",
    "FORMATS",
    "TEXT_FORMATS",
    "Cell",
    "Comparator",
    "CompareMode",
    "Format",
    "Report",
    "ReportRow",
    "diagnostic_summary",
    "read_comparators",
    "run_report",
    "write_audit",
]
