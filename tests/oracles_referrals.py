"""Per-record oracles for the referral and child protection indicators: plain loops over records.

Each oracle returns the outcome label of every record (or child) in input order, written
straight from SPEC §4.2 and §4.3 and the choices on the cards, with no numpy.
"""

import datetime as dt
import statistics
from collections.abc import Sequence

from safeguarding_metrics import CPPlan, Referral, ReportingPeriod, Section47, add_months

OUT = "out-of-scope"
NUM = "numerator"
DEN = "denominator-only"


def first_in_input_order(keys: Sequence[object]) -> list[bool]:
    """Whether each key is the first of its value in the sequence."""
    seen: set[object] = set()
    kept = []
    for key in keys:
        kept.append(key not in seen)
        seen.add(key)
    return kept


def kept_referral_rows(referrals: Sequence[Referral]) -> list[int]:
    """For each referral, the position of the one kept for its child and date.

    SPEC §4.2: same-day referrals of a child are one referral and the first is kept; the
    first is the one with the smallest `referral_id` (string order), ties by position.
    """
    best: dict[tuple[str, dt.date], tuple[str, int]] = {}
    for i, r in enumerate(referrals):
        key = (r.child_id, r.referral_date)
        if key not in best or (r.referral_id, i) < best[key]:
            best[key] = (r.referral_id, i)
    return [best[(r.child_id, r.referral_date)][1] for r in referrals]


def _referral_kept(referrals: Sequence[Referral]) -> list[bool]:
    return [k == i for i, k in enumerate(kept_referral_rows(referrals))]


def _kept_nfa(referrals: Sequence[Referral], i: int) -> bool:
    """The referral's NFA flag: the kept record's own."""
    return referrals[kept_referral_rows(referrals)[i]].nfa


def is_re_referral(referrals: Sequence[Referral], r: Referral, window: str) -> bool:
    """Whether *r* has an earlier referral of its child within the window."""
    d = r.referral_date
    earlier = [
        q.referral_date for q in referrals if q.child_id == r.child_id and q.referral_date < d
    ]
    if window == "12-months":
        return any(add_months(d, -12) <= p for p in earlier)
    return any((d - p).days <= 365 for p in earlier)


def re_referral_outcomes(
    referrals: Sequence[Referral], period: ReportingPeriod, window: str = "12-months"
) -> list[str]:
    kept = _referral_kept(referrals)
    out = []
    for i, r in enumerate(referrals):
        if not period.contains(r.referral_date):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            out.append(NUM if is_re_referral(referrals, r, window) else DEN)
    return out


def children_re_referred_outcomes(
    referrals: Sequence[Referral], period: ReportingPeriod, window: str = "12-months"
) -> dict[str, str]:
    """Child id -> outcome, for every child with a referral."""
    result = {}
    for child in sorted({r.child_id for r in referrals}):
        mine = [r for r in referrals if r.child_id == child and period.contains(r.referral_date)]
        if not mine:
            result[child] = OUT
        elif any(is_re_referral(referrals, r, window) for r in mine):
            result[child] = NUM
        else:
            result[child] = DEN
    return result


def nfa_outcomes(referrals: Sequence[Referral], period: ReportingPeriod) -> list[str]:
    kept = _referral_kept(referrals)
    out = []
    for i, r in enumerate(referrals):
        if not period.contains(r.referral_date):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            out.append(NUM if _kept_nfa(referrals, i) else DEN)
    return out


def referral_to_s47_outcomes(
    referrals: Sequence[Referral], enquiries: Sequence[Section47], period: ReportingPeriod
) -> list[str]:
    kept = _referral_kept(referrals)
    linked_ids = {s.referral_id for s in enquiries}
    out = []
    for i, r in enumerate(referrals):
        if not period.contains(r.referral_date) or _kept_nfa(referrals, i):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            # An enquiry linked to any record of the same-day group counts (card choice).
            group = [
                q.referral_id
                for q in referrals
                if (q.child_id, q.referral_date) == (r.child_id, r.referral_date)
            ]
            out.append(NUM if any(g in linked_ids for g in group) else DEN)
    return out


def _held(s: Section47) -> bool:
    return s.icpc_date is not None and not s.icpc_not_required


def s47_to_icpc_outcomes(enquiries: Sequence[Section47], period: ReportingPeriod) -> list[str]:
    out = []
    for s in enquiries:
        if s.start_date is None:
            in_period = s.icpc_date is not None and period.contains(s.icpc_date)
            out.append("missing-start" if in_period else OUT)
        elif not period.contains(s.start_date):
            out.append(OUT)
        else:
            # SPEC §4.2: "that have an icpc_date", whatever icpc_not_required says.
            out.append(NUM if s.icpc_date is not None else DEN)
    return out


def icpc_to_plan_outcomes(
    enquiries: Sequence[Section47], plans: Sequence[CPPlan], period: ReportingPeriod
) -> list[str]:
    out = []
    for s in enquiries:
        if not _held(s) or s.icpc_date is None or not period.contains(s.icpc_date):
            out.append(OUT)
        elif any(p.child_id == s.child_id and p.start_date == s.icpc_date for p in plans):
            out.append(NUM)
        else:
            out.append(DEN)
    return out


def _plan_order_key(plan: CPPlan) -> str:
    """Linked referral id, then end date (an open plan last), joined by a tab: it sorts first."""
    return (plan.referral_id or "") + "\t" + (plan.end_date.isoformat() if plan.end_date else "NaT")


def _plan_kept(plans: Sequence[CPPlan]) -> list[bool]:
    # The kept plan of a same-day group has the smallest order key; ties keep the first given.
    kept = [False] * len(plans)
    best: dict[tuple[str, object], int] = {}
    for i, plan in enumerate(plans):
        group = (plan.child_id, plan.start_date)
        j = best.get(group)
        if j is None or _plan_order_key(plan) < _plan_order_key(plans[j]):
            best[group] = i
    for i in best.values():
        kept[i] = True
    return kept


def second_plan_outcomes(
    plans: Sequence[CPPlan], period: ReportingPeriod, basis: str = "either"
) -> list[str]:
    kept = _plan_kept(plans)
    out = []
    for i, p in enumerate(plans):
        if not period.contains(p.start_date):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            history = any(q.child_id == p.child_id and q.start_date < p.start_date for q in plans)
            recorded = p.previous_plans is not None and p.previous_plans >= 1
            hit = {"history": history, "recorded": recorded, "either": history or recorded}[basis]
            out.append(NUM if hit else DEN)
    return out


def repeat_within_2y_outcomes(plans: Sequence[CPPlan], period: ReportingPeriod) -> list[str]:
    kept = _plan_kept(plans)
    out = []
    for i, p in enumerate(plans):
        if not period.contains(p.start_date):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            lower = add_months(p.start_date, -24)
            hit = any(
                j != i
                and kept[j]
                and q.child_id == p.child_id
                and q.end_date is not None
                and q.end_date >= q.start_date
                and lower <= q.end_date <= p.start_date
                for j, q in enumerate(plans)
            )
            out.append(NUM if hit else DEN)
    return out


def lasted_two_years(start: dt.date, end: dt.date, threshold: str) -> bool:
    """Whether *start* to *end* is two years or more under *threshold*."""
    if threshold == "ni64":
        return (end - start).days >= 729
    if threshold == "730-days":
        return (end - start).days >= 730
    return end >= add_months(start, 24)


def ended_2y_outcomes(
    plans: Sequence[CPPlan], period: ReportingPeriod, threshold: str = "ni64"
) -> list[str]:
    kept = _plan_kept(plans)
    out = []
    for i, p in enumerate(plans):
        if p.end_date is None or not period.contains(p.end_date):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        elif p.end_date < p.start_date:
            out.append("end-before-start")
        else:
            out.append(NUM if lasted_two_years(p.start_date, p.end_date, threshold) else DEN)
    return out


def open_2y_outcomes(
    plans: Sequence[CPPlan], period: ReportingPeriod, threshold: str = "ni64"
) -> list[str]:
    kept = _plan_kept(plans)
    out = []
    for i, p in enumerate(plans):
        is_open = p.start_date <= period.end and (p.end_date is None or p.end_date > period.end)
        if not is_open:
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            out.append(NUM if lasted_two_years(p.start_date, period.end, threshold) else DEN)
    return out


def duration_band(start: dt.date, end: dt.date) -> str:
    """The D7 band label of a plan from *start* to *end*."""
    if end <= add_months(start, 3):
        return "Up to 3 months"
    if end <= add_months(start, 6):
        return "Over 3 months up to 6 months"
    if end < add_months(start, 12):
        return "Over 6 months under 1 year"
    if end < add_months(start, 24):
        return "1 year to under 2 years"
    return "2 years or more"


def duration_bands(
    plans: Sequence[CPPlan], period: ReportingPeriod
) -> tuple[dict[str, int], list[float] | None]:
    """Band counts and [lower quartile, median, upper quartile] of the plans banded."""
    outcomes = ended_2y_outcomes(plans, period)
    labels = (
        "Up to 3 months",
        "Over 3 months up to 6 months",
        "Over 6 months under 1 year",
        "1 year to under 2 years",
        "2 years or more",
    )
    counts = dict.fromkeys(labels, 0)
    lengths = []
    for p, outcome in zip(plans, outcomes, strict=True):
        if outcome in (NUM, DEN):
            assert p.end_date is not None
            counts[duration_band(p.start_date, p.end_date)] += 1
            lengths.append(float((p.end_date - p.start_date).days))
    if not lengths:
        return counts, None
    if len(lengths) == 1:
        return counts, [lengths[0]] * 3
    q1, q2, q3 = statistics.quantiles(lengths, n=4, method="inclusive")
    return counts, [q1, q2, q3]
