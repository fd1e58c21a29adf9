"""Readers and writers of children's social care data: the DfE returns and in-year extracts.

The annual DfE returns: the CIN census (XML) and the SSDA903 (CSV). In-year: the Standard
Safeguarding Dataset (a folder of CSV tables), Ofsted's Annex A (an Excel workbook) and a
local contacts extract (CSV).

Always imported qualified (`from safeguarding_metrics.io import cin_census`), so it never
stands in for the standard library's `io`.
"""

from safeguarding_metrics.io._common import StrictReadError
from safeguarding_metrics.io.annex_a import annex_a_period, read_annex_a, write_annex_a
from safeguarding_metrics.io.cin_census import read_cin_census, write_cin_census
from safeguarding_metrics.io.contacts import read_contacts, write_contacts
from safeguarding_metrics.io.ssd import read_ssd, write_ssd
from safeguarding_metrics.io.ssda903 import read_ssda903, write_ssda903

__all__ = [
    "StrictReadError",
    "annex_a_period",
    "read_annex_a",
    "read_cin_census",
    "read_contacts",
    "read_ssd",
    "read_ssda903",
    "write_annex_a",
    "write_cin_census",
    "write_contacts",
    "write_ssd",
    "write_ssda903",
]
