"""The statutory performance indicators of English children's social care.

Working days, reporting periods, the records of the CIN census and SSDA903 returns, and every
indicator as a documented definition card with a columnar implementation.
"""

from safeguarding_metrics.catalogue import (
    EnglandFigure,
    Indicator,
    Option,
    Source,
    as_dataset,
)
from safeguarding_metrics.errors import (
    CalendarCoverageError,
    InvalidOptionError,
    InvalidPeriodError,
    InvalidRecordError,
    ReadError,
    SafeguardingMetricsError,
)
from safeguarding_metrics.model import (
    TABLES,
    Assessment,
    AssessmentKind,
    CareLeaver,
    Child,
    CINPlan,
    Contact,
    CPPlan,
    Dataset,
    Diagnostic,
    Episode,
    LACReview,
    Record,
    Referral,
    Section47,
)
from safeguarding_metrics.periods import PeriodKind, ReportingPeriod, add_months
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.results import (
    Audit,
    Band,
    Count,
    Direction,
    Distribution,
    Outcome,
    Polarity,
    Rate,
    Result,
    direction_of_travel,
)
from safeguarding_metrics.working_days import (
    WorkingDayCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

__version__ = "0.1.0"

__all__ = [
    "INDICATORS",
    "TABLES",
    "Assessment",
    "AssessmentKind",
    "Audit",
    "Band",
    "CINPlan",
    "CPPlan",
    "CalendarCoverageError",
    "CareLeaver",
    "Child",
    "Contact",
    "Count",
    "Dataset",
    "Diagnostic",
    "Direction",
    "Distribution",
    "EnglandFigure",
    "Episode",
    "Indicator",
    "InvalidOptionError",
    "InvalidPeriodError",
    "InvalidRecordError",
    "LACReview",
    "Option",
    "Outcome",
    "PeriodKind",
    "Polarity",
    "Rate",
    "ReadError",
    "Record",
    "Referral",
    "ReportingPeriod",
    "Result",
    "SafeguardingMetricsError",
    "Section47",
    "Source",
    "WorkingDayCalendar",
    "__version__",
    "add_months",
    "add_working_days",
    "as_dataset",
    "direction_of_travel",
    "is_working_day",
    "working_days_between",
]
