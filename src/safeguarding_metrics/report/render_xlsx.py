"""The report as an Excel workbook (in progress)."""

import os

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.report.core import Report

__all__ = ["write_xlsx"]


def write_xlsx(report: Report, dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write the report as an Excel workbook."""
    raise InvalidOptionError("the xlsx format is not available in this build")
