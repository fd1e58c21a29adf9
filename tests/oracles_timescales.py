"""Per-record oracles for the timescale indicators: plain loops over records.

Each oracle returns, for every record of the indicator's table in input order, its outcome
label (as `Audit.outcomes()` spells it) and a measure. They use only the scalar calendar
functions and `dateutil.relativedelta`, never the columnar code.
"""

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta

from safeguarding_metrics import (
    Assessment,
    Band,
    Contact,
    CPPlan,
    Referral,
    ReportingPeriod,
    Section47,
    WorkingDayCalendar,
)

OUT = "out-of-scope"
NUMERATOR = "numerator"
DENOMINATOR = "denominator-only"

Outcome = tuple[str, int | None]
"""An outcome label and the working days counted (None where not counted)."""


def _timed(
    start: dt.date | None, end: dt.date | None, limit: int, calendar: WorkingDayCalendar
) -> Outcome:
    if start is None:
        return "missing-start", None
    covered = calendar.first_day <= start <= calendar.last_day and (
        end is None or calendar.first_day <= end <= calendar.last_day
    )
    if not covered:
        return "outside-calendar", None
    if end is None:
        return DENOMINATOR, None
    days = calendar.working_days_between(start, end)
    if end < start:
        return "end-before-start", days
    return (NUMERATOR if days <= limit else DENOMINATOR), days


def assessment_outcomes(
    assessments: Sequence[Assessment],
    referrals: Sequence[Referral],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar,
    kind: str = "single",
    limit: int = 45,
    anchor: str = "assessment-start",
) -> list[Outcome]:
    """Each assessment's outcome: cohort by kind and authorisation, then the clock.

    With the referral anchor the clock starts at the linked referral: of several sharing
    the assessment's referral id, the earliest (SPEC §3), so the earliest date.
    """
    referral_dates: dict[str, dt.date] = {}
    for referral in referrals:
        known = referral_dates.get(referral.referral_id)
        if known is None or referral.referral_date < known:
            referral_dates[referral.referral_id] = referral.referral_date
    outcomes: list[Outcome] = []
    for a in assessments:
        auth = a.authorisation_date
        if a.kind != kind or auth is None or not period.start <= auth <= period.end:
            outcomes.append((OUT, None))
        elif anchor == "referral":
            if a.referral_id is None or a.referral_id not in referral_dates:
                outcomes.append(("missing-referral", None))
            else:
                outcomes.append(_timed(referral_dates[a.referral_id], auth, limit, calendar))
        else:
            outcomes.append(_timed(a.start_date, auth, limit, calendar))
    return outcomes


def icpc_outcomes(
    enquiries: Sequence[Section47],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar,
    limit: int = 15,
) -> list[Outcome]:
    """Each section 47 enquiry's outcome for `icpc-15wd`.

    A recorded conference is a conference: `icpc_not_required` does not matter (SPEC §4.1).
    """
    outcomes: list[Outcome] = []
    for s in enquiries:
        icpc = s.icpc_date
        if icpc is None or not period.start <= icpc <= period.end:
            outcomes.append((OUT, None))
        else:
            outcomes.append(_timed(s.start_date, icpc, limit, calendar))
    return outcomes


def contact_outcomes(
    contacts: Sequence[Contact],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar,
    limit: int = 1,
) -> list[Outcome]:
    """Each contact's outcome for `contact-decision-1wd`."""
    outcomes: list[Outcome] = []
    for c in contacts:
        if not period.start <= c.contact_date <= period.end:
            outcomes.append((OUT, None))
        else:
            outcomes.append(_timed(c.contact_date, c.decision_date, limit, calendar))
    return outcomes


def cp_review_outcomes(
    plans: Sequence[CPPlan], *, period: ReportingPeriod
) -> list[tuple[str, int | None, dt.date | None]]:
    """Each plan's outcome, distinct reviews considered, and next review due date."""
    cutoff = period.end + relativedelta(months=-3)
    outcomes: list[tuple[str, int | None, dt.date | None]] = []
    for plan in plans:
        is_open = plan.start_date <= period.end and (
            plan.end_date is None or plan.end_date > period.end
        )
        if not is_open or plan.start_date > cutoff:
            outcomes.append((OUT, None, None))
            continue
        reviews = sorted({r for r in plan.review_dates if plan.start_date < r <= period.end})
        on_time = True
        previous, months = plan.start_date, 3
        for review in reviews:
            if review > previous + relativedelta(months=months):
                on_time = False
            previous, months = review, 6
        due = previous + relativedelta(months=months)
        if period.end > due:
            on_time = False
        outcomes.append((NUMERATOR if on_time else DENOMINATOR, len(reviews), due))
    return outcomes


def band_of(value: int, bands: Sequence[Band]) -> str:
    """The label of the band holding *value*, read off the band table one band at a time."""
    for band in bands:
        low = band.lower if band.lower is not None else float("-inf")
        high = band.upper if band.upper is not None else float("inf")
        if low <= value < high:
            return band.label
    raise AssertionError(f"{value} is in no band")


def band_tally(outcomes: Sequence[Outcome], bands: Sequence[Band]) -> dict[str, int]:
    """How many counted (numerator or denominator-only) durations fall in each band."""
    tally = {band.label: 0 for band in bands}
    for label, days in outcomes:
        if label in (NUMERATOR, DENOMINATOR) and days is not None:
            tally[band_of(days, bands)] += 1
    return tally
