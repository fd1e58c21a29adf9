"""Readers and writers of the DfE returns: the CIN census (XML) and the SSDA903 (CSV).

Always imported qualified (`from safeguarding_metrics.io import cin_census`), so it never
stands in for the standard library's `io`.
"""

from safeguarding_metrics.io._common import StrictReadError
from safeguarding_metrics.io.cin_census import read_cin_census, write_cin_census
from safeguarding_metrics.io.ssda903 import read_ssda903, write_ssda903

__all__ = [
    "StrictReadError",
    "read_cin_census",
    "read_ssda903",
    "write_cin_census",
    "write_ssda903",
]
