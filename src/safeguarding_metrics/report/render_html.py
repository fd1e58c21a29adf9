"""The report as one self-contained HTML page (in progress)."""

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.report.core import Report

__all__ = ["render_html"]


def render_html(report: Report, dataset: Dataset, *, with_children: bool = False) -> str:
    """The report as HTML."""
    raise InvalidOptionError("the html format is not available in this build")
