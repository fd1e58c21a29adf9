"""Throughput and peak memory of the timescale indicators (SPEC §4.1) at national scale.

Synthetic England-sized year (drawn with `np.random.default_rng(seed)`): 650,000 single
assessments with their 650,000 referrals, 650,000 contacts, 230,000 section 47 enquiries with
initial conferences and 50,000 child protection plans with reviews; when the registry has
`lac-reviews-in-timescale`, also 80,000 looked-after children's episodes and reviews.

Reports, separately:

- building the records (Python objects) and the `Dataset` from them;
- the first computation of every card (which converts the records to numpy columns) and
  the conversion alone (first pass less a warm pass);
- the warm computation of every card, best of three, per card and together, with records
  per second;
- baselines measured in the same run: a per-record loop over the scalar calendar (what the
  columnar path replaces) and bare `numpy.busday_count` over the same dates (the floor);
- peak memory: the process's maximum resident set size, and the peak traced by
  `tracemalloc` during one warm pass.

Run: `.venv/bin/python benchmarks/timescales.py` (or `--quick` for 1/100 scale).
"""

import argparse
import datetime as dt
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.indicators.timescales import CARDS
from safeguarding_metrics.model import (
    Assessment,
    Contact,
    CPPlan,
    Dataset,
    Episode,
    LACReview,
    Referral,
    Section47,
    TableName,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.working_days import WorkingDayCalendar

PERIOD = ReportingPeriod.year_ending(2025)
FULL = {
    "assessments": 650_000,
    "contacts": 650_000,
    "section47s": 230_000,
    "cp_plans": 50_000,
    "looked_after_children": 80_000,
}
SCALAR_SAMPLE = 20_000
_COLUMNS: tuple[tuple[TableName, str], ...] = (
    ("assessments", "child_id"),
    ("assessments", "kind"),
    ("assessments", "referral_id"),
    ("assessments", "start_date"),
    ("assessments", "authorisation_date"),
    ("referrals", "referral_id"),
    ("referrals", "referral_date"),
    ("section47s", "child_id"),
    ("section47s", "start_date"),
    ("section47s", "icpc_date"),
    ("section47s", "icpc_not_required"),
    ("contacts", "child_id"),
    ("contacts", "contact_date"),
    ("contacts", "decision_date"),
    ("cp_plans", "child_id"),
    ("cp_plans", "start_date"),
    ("cp_plans", "end_date"),
)
DayArray = npt.NDArray[np.datetime64]


def _days(start: str, size: int, rng: np.random.Generator, span: int) -> DayArray:
    offsets = rng.integers(0, span, size=size)
    return np.datetime64(start, "D") + offsets


def _dates(values: DayArray) -> list[Any]:
    """`datetime64[D]` to `datetime.date` (NaT to None), fast."""
    result: list[Any] = values.astype("datetime64[D]").tolist()
    return result


def make_records(sizes: dict[str, int], seed: int, lac: bool) -> dict[str, list[Any]]:
    """Synthetic records for one statutory year and its run-up."""
    rng = np.random.default_rng(seed)
    out: dict[str, list[Any]] = {}

    n = sizes["assessments"]
    referral_dates = _days("2024-01-01", n, rng, 480)
    start = referral_dates + rng.integers(0, 8, size=n)
    authorised = start + rng.gamma(4.0, 10.0, size=n).astype(np.int64)
    open_now = rng.random(n) < 0.08
    children = [f"C{i:07d}" for i in rng.integers(0, int(n * 0.8), size=n)]
    ids = [f"R{i:07d}" for i in range(n)]
    out["referrals"] = [
        Referral(referral_id=r, child_id=c, referral_date=d)
        for r, c, d in zip(ids, children, _dates(referral_dates), strict=True)
    ]
    auth = _dates(np.where(open_now, np.datetime64("NaT", "D"), authorised))
    out["assessments"] = [
        Assessment(child_id=c, referral_id=r, start_date=s, authorisation_date=a)
        for c, r, s, a in zip(children, ids, _dates(start), auth, strict=True)
    ]

    n = sizes["contacts"]
    contact = _days("2024-01-01", n, rng, 480)
    decision = contact + rng.choice([0, 0, 0, 1, 1, 2, 3, 6], size=n)
    undecided = rng.random(n) < 0.03
    out["contacts"] = [
        Contact(child_id=f"C{i:07d}", contact_date=c, decision_date=d)
        for i, c, d in zip(
            rng.integers(0, n, size=n),
            _dates(contact),
            _dates(np.where(undecided, np.datetime64("NaT", "D"), decision)),
            strict=True,
        )
    ]

    n = sizes["section47s"]
    s47 = _days("2024-01-01", n, rng, 480)
    icpc = s47 + rng.gamma(5.0, 4.0, size=n).astype(np.int64)
    out["section47s"] = [
        Section47(child_id=f"C{i:07d}", start_date=s, icpc_date=c)
        for i, s, c in zip(rng.integers(0, n, size=n), _dates(s47), _dates(icpc), strict=True)
    ]

    n = sizes["cp_plans"]
    plan_start = _days("2022-04-01", n, rng, 1100)
    plan_end = plan_start + rng.integers(60, 900, size=n)
    still_open = rng.random(n) < 0.5
    plans = []
    for i, (s, e, is_open) in enumerate(
        zip(_dates(plan_start), _dates(plan_end), still_open, strict=True)
    ):
        reviews = []
        review = s + dt.timedelta(days=int(rng.integers(60, 95)))
        last = dt.date(2025, 3, 31) if is_open else e
        while review <= last:
            reviews.append(review)
            review += dt.timedelta(days=int(rng.integers(150, 186)))
        plans.append(
            CPPlan(
                child_id=f"P{i:07d}",
                start_date=s,
                end_date=None if is_open else e,
                review_dates=tuple(reviews),
            )
        )
    out["cp_plans"] = plans

    if lac:
        episodes, lac_reviews = [], []
        n = sizes["looked_after_children"]
        care_start = _dates(_days("2019-04-01", n, rng, 2190))
        for i, s in enumerate(care_start):
            child = f"L{i:07d}"
            moves = int(rng.integers(1, 4))
            begin = s
            for move in range(moves):
                length = dt.timedelta(days=int(rng.integers(30, 700)))
                last = move == moves - 1
                end = None if last and rng.random() < 0.6 else begin + length
                episodes.append(
                    Episode(
                        child_id=child,
                        start=begin,
                        end=end,
                        reason_new="S" if move == 0 else "P",
                        legal_status="C2",
                        placement="U1",
                    )
                )
                if end is None:
                    break
                begin = end
            review = s + dt.timedelta(days=int(rng.integers(10, 30)))
            gap = 90
            while review <= dt.date(2025, 3, 31):
                lac_reviews.append(LACReview(child_id=child, review_date=review))
                review += dt.timedelta(days=int(rng.integers(gap - 15, gap + 5)))
                gap = 182
        out["episodes"] = episodes
        out["lac_reviews"] = lac_reviews
    return out


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def _best(action: Callable[[], Any], repeat: int = 3) -> float:
    return min(_timed(action)[0] for _ in range(repeat))


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _compute_all(cards: list[Indicator], data: Dataset) -> dict[str, Any]:
    return {card.id: card.compute(data, period=PERIOD) for card in cards}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 scale, runs in seconds")
    parser.add_argument("--seed", type=int, default=20250331)
    args = parser.parse_args(argv)
    scale = 100 if args.quick else 1
    sizes = {name: size // scale for name, size in FULL.items()}

    cards = list(CARDS)
    lac_card = INDICATORS.get("lac-reviews-in-timescale")
    if lac_card is not None:
        cards.append(lac_card)
    calendar = WorkingDayCalendar.england()  # built once, as every indicator shares it
    rss_start = _maxrss_mb()

    build_s, records = _timed(lambda: make_records(sizes, args.seed, lac_card is not None))
    total = sum(len(v) for v in records.values())
    dataset_s, data = _timed(lambda: Dataset(**records))
    print(f"timescale indicators, {PERIOD.label}{' (--quick, 1/100 scale)' if args.quick else ''}")
    print("records: " + ", ".join(f"{k} {len(v):,}" for k, v in records.items()))
    print(f"build records (Python objects): {build_s:8.2f} s  ({total / build_s:,.0f} records/s)")
    print(f"Dataset(...) from records:      {dataset_s:8.2f} s")

    first_s, results = _timed(lambda: _compute_all(cards, data))
    warm = {card.id: _best(lambda card=card: card.compute(data, period=PERIOD)) for card in cards}
    warm_total = _best(lambda: _compute_all(cards, data))
    print(f"first pass (columns + compute): {first_s:8.2f} s")
    print(f"  of which column conversion:   {first_s - warm_total:8.2f} s  (first less warm)")
    print(
        f"warm pass, all {len(cards)} cards:      {warm_total:8.3f} s  "
        f"({total / warm_total:,.0f} records/s; target < 2 s)"
    )
    for card in cards:
        result = results[card.id]
        value = getattr(result, "value", None)
        shown = "-" if value is None else f"{value:.1f}"
        print(f"  {card.id:26s} {warm[card.id] * 1000:8.1f} ms   value {shown}")

    # Which conversions dominate the first pass: each column of a fresh Dataset, once.
    fresh = Dataset(**records)
    conversions: list[tuple[float, str]] = []
    for table, field in _COLUMNS:
        if fresh.is_empty(table):
            continue
        seconds, _ = _timed(lambda t=table, f=field: fresh.column(t, f))
        conversions.append((seconds, f"{table}.{field}"))
    seconds, _ = _timed(lambda: fresh.exploded("cp_plans", "review_dates"))
    conversions.append((seconds, "cp_plans.review_dates (exploded)"))
    seconds, _ = _timed(lambda: fresh.referral_rows("assessments"))
    conversions.append((seconds, "assessments -> referral rows"))
    conversions.sort(reverse=True)
    print(
        f"column conversion of the §4.1 tables, one column at a time: "
        f"{sum(s for s, _ in conversions):.2f} s; largest:"
    )
    for seconds, name in conversions[:6]:
        print(f"  {name:42s} {seconds * 1000:8.1f} ms")

    referral_anchor = _best(
        lambda: INDICATORS["assessment-45wd"].compute(data, period=PERIOD, anchor="referral")
    )
    print(f"  {'assessment-45wd (referral)':26s} {referral_anchor * 1000:8.1f} ms")

    # Baselines on the same data, in the same run.
    sample = data.assessments[:SCALAR_SAMPLE]
    scalar_s, _ = _timed(
        lambda: [
            calendar.working_days_between(a.start_date, a.authorisation_date) <= 45
            for a in sample
            if a.authorisation_date is not None
            and a.start_date is not None
            and PERIOD.start <= a.authorisation_date <= PERIOD.end
        ]
    )
    columnar_rate = len(data.assessments) / warm["assessment-45wd"]
    scalar_rate = len(sample) / scalar_s
    print(
        f"baseline, scalar per-record loop: {scalar_rate:,.0f} assessments/s; "
        f"columnar {columnar_rate:,.0f}/s = {columnar_rate / scalar_rate:,.0f}x"
    )
    starts = data.dates("assessments", "start_date")
    ends = data.dates("assessments", "authorisation_date")
    both = ~np.isnat(starts) & ~np.isnat(ends) & (ends >= starts)
    holidays = np.array(sorted(calendar.bank_holidays), dtype="datetime64[D]")
    floor_s = _best(lambda: np.busday_count(starts[both] + 1, ends[both] + 1, holidays=holidays))
    print(
        f"baseline, bare numpy.busday_count on the same dates: {floor_s * 1000:.1f} ms; "
        f"assessment-45wd takes {warm['assessment-45wd'] / floor_s:.1f}x that"
    )

    tracemalloc.start()
    _compute_all(cards, data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory during a warm pass: {traced_peak / 2**20:,.0f} MB")
    print(
        f"peak resident memory of the process: {_maxrss_mb():,.0f} MB "
        f"({rss_start:,.0f} MB before building records; target < 1 GB for the indicators)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
