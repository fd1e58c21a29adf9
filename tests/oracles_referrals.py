"""Per-record oracles for the referral and child protection indicators: plain loops over records.

Each oracle returns the outcome label of every record (or child) in input order, written
straight from SPEC §4.2 and §4.3 and the choices on the cards, with no numpy.
"""

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

import attrs

from safeguarding_metrics import CPPlan, Referral, ReportingPeriod, Section47, add_months
from safeguarding_metrics.records import Record

OUT = "out-of-scope"
NUM = "numerator"
DEN = "denominator-only"


def content_key(record: Record) -> tuple[Any, ...]:
    """SPEC §3's content order, written out: every field in turn, a missing value first.

    Text compares by code point (a missing text is the empty text), dates by day, flags
    false first; a tuple field compares as its values joined by a separator that sorts
    before any printable character.
    """
    key: list[Any] = []
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if isinstance(value, tuple):
            key.append((1, "\x1f".join(str(v) for v in value)))
        elif value is None:
            key.append((1, "") if _is_text(record, field.name) else (0,))
        elif isinstance(value, str):
            key.append((1, str(value)))
        else:
            key.append((1, value))
    return tuple(key)


def _is_text(record: Record, name: str) -> bool:
    return attrs.fields_dict(type(record))[name].type in (str, str | None)


def kept_referral_rows(referrals: Sequence[Referral]) -> list[int]:
    """For each referral, the position of the one kept for its child and date.

    SPEC §4.2: same-day referrals of a child are one referral; the kept record is the one
    with `nfa` false before one with `nfa` true, then the smallest `referral_id` (string
    order), then the first by content (SPEC §3); fully identical records by position.
    """
    best: dict[tuple[str, dt.date], tuple[Any, ...]] = {}
    for i, r in enumerate(referrals):
        group = (r.child_id, r.referral_date)
        mine = (r.nfa, r.referral_id, content_key(r), i)
        if group not in best or mine < best[group]:
            best[group] = mine
    return [best[(r.child_id, r.referral_date)][-1] for r in referrals]


def linked_referral_row(referrals: Sequence[Referral], referral_id: str | None) -> int | None:
    """The position of the referral a record carrying *referral_id* links to, if any.

    SPEC §3: of several referrals sharing the id, the earliest by referral date, then the
    first by content; fully identical records by position.
    """
    candidates = [
        (r.referral_date, content_key(r), i)
        for i, r in enumerate(referrals)
        if referral_id is not None and r.referral_id == referral_id
    ]
    return min(candidates)[-1] if candidates else None


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
    # The referral each enquiry follows: the one its id links to (SPEC §3).
    followed = [linked_referral_row(referrals, s.referral_id) for s in enquiries]
    out = []
    for i, r in enumerate(referrals):
        if not period.contains(r.referral_date) or _kept_nfa(referrals, i):
            out.append(OUT)
        elif not kept[i]:
            out.append("duplicate")
        else:
            # An enquiry linked to any record of the same-day group counts (card choice).
            group = (r.child_id, r.referral_date)
            hit = any(
                j is not None and (referrals[j].child_id, referrals[j].referral_date) == group
                for j in followed
            )
            out.append(NUM if hit else DEN)
    return out


def _held(s: Section47) -> bool:
    """A recorded conference is a conference, whatever icpc_not_required says (SPEC §4.1)."""
    return s.icpc_date is not None


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


def _plan_order_key(plan: CPPlan, i: int) -> tuple[Any, ...]:
    """Linked referral id, end date (an open plan last), then content; then position."""
    end = (0, plan.end_date) if plan.end_date is not None else (1,)
    return (plan.referral_id or "", end, content_key(plan), i)


def _plan_kept(plans: Sequence[CPPlan]) -> list[bool]:
    # The kept plan of a same-day group has the smallest order key.
    kept = [False] * len(plans)
    best: dict[tuple[str, object], int] = {}
    for i, plan in enumerate(plans):
        group = (plan.child_id, plan.start_date)
        j = best.get(group)
        if j is None or _plan_order_key(plan, i) < _plan_order_key(plans[j], j):
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


def referral_tie_pairs(
    referrals: Sequence[Referral], in_cohort: Sequence[bool]
) -> set[tuple[int, int]]:
    """(kept, other) positions of same-day ties broken by content, kept referral in the cohort.

    *in_cohort* says per referral whether its referral (its kept record) is in the cohort.
    """
    kept = kept_referral_rows(referrals)
    pairs = set()
    for i, r in enumerate(referrals):
        k = kept[i]
        q = referrals[k]
        tied = (r.nfa, r.referral_id) == (q.nfa, q.referral_id)
        if k != i and in_cohort[k] and tied and content_key(r) != content_key(q):
            pairs.add((k, i))
    return pairs


def plan_tie_pairs(plans: Sequence[CPPlan], in_cohort: Sequence[bool]) -> set[tuple[int, int]]:
    """(kept, other) positions of same-day plan ties broken by content, kept plan in the cohort."""
    kept = _plan_kept(plans)
    pairs = set()
    for i, p in enumerate(plans):
        for k, q in enumerate(plans):
            same_day = (p.child_id, p.start_date) == (q.child_id, q.start_date)
            if not (kept[k] and k != i and same_day and in_cohort[k]):
                continue
            tied = (p.referral_id, p.end_date) == (q.referral_id, q.end_date)
            if tied and content_key(p) != content_key(q):
                pairs.add((k, i))
    return pairs


def shared_id_referrals(
    referrals: Sequence[Referral], ids: Sequence[str | None]
) -> set[tuple[int, int]]:
    """(linked, other) positions: for each of *ids*, the referrals sharing it that differ."""
    pairs = set()
    for referral_id in ids:
        linked = linked_referral_row(referrals, referral_id)
        if linked is None:
            continue
        for i, r in enumerate(referrals):
            differs = content_key(r) != content_key(referrals[linked])
            if r.referral_id == referral_id and i != linked and differs:
                pairs.add((linked, i))
    return pairs
