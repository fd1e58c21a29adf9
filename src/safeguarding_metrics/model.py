"""The records, diagnostics and `Dataset` under their former home.

They now live in modules of their own (`records`, `diagnostics`, `record_table`, `dataset`,
`provenance`); this module re-exports them so that code written against
``safeguarding_metrics.model`` keeps working.
"""

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.provenance import Coverage, Origins, ReturnCoverage
from safeguarding_metrics.record_table import RecordTable
from safeguarding_metrics.records import (
    RECORD_CLASSES,
    TABLES,
    Assessment,
    AssessmentKind,
    CareLeaver,
    Child,
    CINPlan,
    Contact,
    CPPlan,
    Episode,
    LACReview,
    Record,
    Referral,
    Section47,
    TableName,
)

__all__ = [
    "RECORD_CLASSES",
    "TABLES",
    "Assessment",
    "AssessmentKind",
    "CINPlan",
    "CPPlan",
    "CareLeaver",
    "Child",
    "Contact",
    "Coverage",
    "Dataset",
    "Diagnostic",
    "Episode",
    "LACReview",
    "Origins",
    "Record",
    "RecordTable",
    "Referral",
    "ReturnCoverage",
    "Section47",
    "TableName",
]
