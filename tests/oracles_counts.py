"""Oracles for the count indicators: each definition as plain loops over records.

Each oracle returns one outcome label per record (or per child), using the labels of
`Audit.outcomes()`: ``"out-of-scope"``, ``"numerator"`` or an exclusion reason.
"""

import datetime as dt
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta

from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Assessment, Contact, CPPlan, Referral, Section47
from tests.oracles_referrals import kept_referral_rows

OUT = "out-of-scope"
COUNTED = "numerator"

DFE_MONTHS = (3, 6, 12, 24)
STOCKTON_MONTHS = (3, 6, 9)


def is_open_at(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """SPEC §0, written out: started by *day* and not ended by it."""
    return start <= day and (end is None or end > day)


def cin_at_period_end(referrals: Sequence[Referral], period: ReportingPeriod) -> list[str]:
    """Outcome of each referral for `cin-at-period-end`."""
    day = period.end
    kept = kept_referral_rows(referrals)
    is_open = [is_open_at(r.referral_date, r.closure_date, day) for r in referrals]
    earliest: dict[str, tuple[dt.date, int]] = {}
    for i, r in enumerate(referrals):
        if kept[i] == i and is_open[i] and not r.nfa:
            mine = (r.referral_date, i)
            if r.child_id not in earliest or mine < earliest[r.child_id]:
                earliest[r.child_id] = mine
    outcomes = []
    for i, r in enumerate(referrals):
        if not is_open[kept[i]]:  # a duplicate goes with its kept referral
            outcomes.append(OUT)
        elif kept[i] != i:
            outcomes.append("duplicate")
        elif r.nfa:
            outcomes.append("nfa")
        elif earliest[r.child_id][1] == i:
            outcomes.append(COUNTED)
        else:
            outcomes.append("second-open-episode")
    return outcomes


def cp_at_period_end(plans: Sequence[CPPlan], period: ReportingPeriod) -> dict[str, str]:
    """Child id -> outcome for `cp-at-period-end` (every child with a plan)."""
    outcomes = {p.child_id: OUT for p in plans}
    for p in plans:
        if is_open_at(p.start_date, p.end_date, period.end):
            outcomes[p.child_id] = COUNTED
    return outcomes


def _dated(day: dt.date | None, period: ReportingPeriod) -> str:
    return COUNTED if day is not None and period.start <= day <= period.end else OUT


def contacts_in_period(contacts: Sequence[Contact], period: ReportingPeriod) -> list[str]:
    """Outcome of each contact for `contacts-in-period`."""
    return [_dated(c.contact_date, period) for c in contacts]


def referrals_in_period(referrals: Sequence[Referral], period: ReportingPeriod) -> list[str]:
    """Outcome of each referral for `referrals-in-period`."""
    kept = kept_referral_rows(referrals)
    outcomes = []
    for i, r in enumerate(referrals):
        outcome = _dated(r.referral_date, period)
        if outcome == COUNTED and kept[i] != i:
            outcome = "duplicate"
        outcomes.append(outcome)
    return outcomes


def assessments_in_period(
    assessments: Sequence[Assessment],
    period: ReportingPeriod,
    *,
    basis: str = "completed",
    kind: str = "any",
) -> list[str]:
    """Outcome of each assessment for `assessments-in-period`."""
    outcomes = []
    for a in assessments:
        if kind not in ("any", a.kind):
            outcomes.append(OUT)
        elif basis == "completed":
            outcomes.append(_dated(a.authorisation_date, period))
        elif a.start_date is None:
            # Authorised in the period, so started by its end: reported, not dropped.
            authorised = _dated(a.authorisation_date, period) == COUNTED
            outcomes.append("missing-start" if authorised else OUT)
        else:
            outcomes.append(_dated(a.start_date, period))
    return outcomes


def section47s_in_period(enquiries: Sequence[Section47], period: ReportingPeriod) -> list[str]:
    """Outcome of each enquiry for `s47s-in-period`."""
    outcomes = []
    for s in enquiries:
        if s.start_date is not None:
            outcomes.append(_dated(s.start_date, period))
        elif _dated(s.icpc_date, period) == COUNTED:
            outcomes.append("missing-start")  # its conference places it in the period
        else:
            outcomes.append(OUT)
    return outcomes


def icpcs_in_period(enquiries: Sequence[Section47], period: ReportingPeriod) -> list[str]:
    """Outcome of each enquiry for `icpcs-in-period`, whatever icpc_not_required says."""
    return [_dated(s.icpc_date, period) for s in enquiries]


def cin_closure_durations(
    referrals: Sequence[Referral],
    period: ReportingPeriod,
    *,
    bands: str = "dfe",
    include_nfa: bool = False,
) -> tuple[list[str], list[int | None]]:
    """Outcome of each referral for `cin-closure-durations`, and its band number if banded."""
    thresholds = DFE_MONTHS if bands == "dfe" else STOCKTON_MONTHS
    kept = kept_referral_rows(referrals)

    def in_cohort(r: Referral) -> bool:
        closed = r.closure_date
        in_period = closed is not None and period.start <= closed <= period.end
        return in_period and (include_nfa or not r.nfa)

    outcomes: list[str] = []
    band_numbers: list[int | None] = []
    for i, r in enumerate(referrals):
        band = None
        closed = r.closure_date
        if not in_cohort(referrals[kept[i]]):  # a duplicate goes with its kept referral
            outcome = OUT
        elif kept[i] != i:
            outcome = "duplicate"
        elif closed is None or closed < r.referral_date:  # None: for mypy, never here
            outcome = "end-before-start"
        else:
            outcome = COUNTED
            band = sum(closed >= r.referral_date + relativedelta(months=m) for m in thresholds)
        outcomes.append(outcome)
        band_numbers.append(band)
    return outcomes, band_numbers
