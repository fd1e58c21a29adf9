"""Throughput and peak memory of the timescale indicators (SPEC §4.1) at national scale.

Synthetic England-sized year, drawn with `np.random.default_rng(seed)` as numpy columns and
handed to `Dataset.from_columns` (no record objects): 650,000 single assessments with their
650,000 referrals, 650,000 contacts, 230,000 section 47 enquiries with initial conferences
and 50,000 child protection plans with reviews; when the registry has
`lac-reviews-in-timescale`, also 80,000 looked-after children's episodes and reviews.

Reports, separately:

- making the columns, and `Dataset.from_columns` over them;
- a cold pass (each card once on the fresh dataset, results kept: includes coding the
  child ids, linking assessments to referrals and exploding review dates) and a warm pass
  over cached columns, per card and together, with records per second;
- the child-id coding alone, on a fresh `Dataset` over the same columns;
- baselines measured in the same run: bare `numpy.busday_count` over the assessments'
  dates (the floor the working-day kernel is measured against), one `np.sort` of the
  assessment start dates, and a per-record loop over the scalar calendar on a sample
  (what the columnar path replaces);
- peak memory: the process's maximum resident set size (`ru_maxrss`, including the
  synthetic columns) and the peak traced by `tracemalloc` during a cold pass over a fresh
  `Dataset`;
- a PASS/MISS line for each target: the cold pass under 2 s on one core, and
  peak memory under 1 GB.

Run: `.venv/bin/python benchmarks/timescales.py` (or `--quick` for 1/100 scale).
"""

import os

# One core: set before numpy is imported (its sorts are single-threaded anyway).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from safeguarding_metrics.catalogue import Indicator  # noqa: E402
from safeguarding_metrics.dataset import Dataset  # noqa: E402
from safeguarding_metrics.indicators.timescales import CARDS  # noqa: E402
from safeguarding_metrics.periods import ReportingPeriod  # noqa: E402
from safeguarding_metrics.registry import INDICATORS  # noqa: E402
from safeguarding_metrics.working_days import WorkingDayCalendar  # noqa: E402

PERIOD = ReportingPeriod.year_ending(2025)
PERIOD_END = np.datetime64(PERIOD.end, "D")
FULL = {
    "assessments": 650_000,
    "contacts": 650_000,
    "section47s": 230_000,
    "cp_plans": 50_000,
    "looked_after_children": 80_000,
}
SCALAR_SAMPLE = 20_000
TIME_TARGET_S = 2.0  # every §4.1 card from a Dataset, on one core
MEMORY_TARGET_MB = 1024.0  # peak memory

IntArray = npt.NDArray[np.int64]
DayArray = npt.NDArray[np.datetime64]
Columns = dict[str, Any]
NAT = np.datetime64("NaT", "D")


def _days(start: str, size: int, rng: np.random.Generator, span: int) -> DayArray:
    return np.datetime64(start, "D") + rng.integers(0, span, size=size)


def identifiers(prefix: str, numbers: IntArray, digits: int) -> npt.NDArray[np.str_]:
    """`prefix` then *numbers* zero-padded to *digits*, as a unicode array, without a loop."""
    n = len(numbers)
    chars = np.empty((n, len(prefix) + digits), dtype=np.uint32)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("utf-32-le"), dtype=np.uint32)
    rest = numbers.astype(np.int64)
    for place in range(len(prefix) + digits - 1, len(prefix) - 1, -1):
        chars[:, place] = 48 + rest % 10
        rest = rest // 10
    return chars.view(f"<U{len(prefix) + digits}").reshape(n)


def _runs(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For runs of *counts* items: each item's run, and its step within the run."""
    owner = np.repeat(np.arange(len(counts)), counts)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, step


def make_columns(sizes: Mapping[str, int], seed: int, lac: bool) -> dict[str, Columns]:
    """Synthetic columns for one statutory year and its run-up."""
    rng = np.random.default_rng(seed)
    out: dict[str, Columns] = {}

    n = sizes["assessments"]
    referral_dates = _days("2024-01-01", n, rng, 480)
    start = referral_dates + rng.integers(0, 8, size=n)
    authorised = start + rng.gamma(4.0, 10.0, size=n).astype(np.int64)
    open_now = rng.random(n) < 0.08
    children = identifiers("C", rng.integers(0, int(n * 0.8), size=n), 7)
    ids = identifiers("R", np.arange(n), 7)
    out["referrals"] = {"referral_id": ids, "child_id": children, "referral_date": referral_dates}
    out["assessments"] = {
        "child_id": children,
        "referral_id": ids,
        "start_date": start,
        "authorisation_date": np.where(open_now, NAT, authorised),
    }

    n = sizes["contacts"]
    contact = _days("2024-01-01", n, rng, 480)
    decision = contact + rng.choice([0, 0, 0, 1, 1, 2, 3, 6], size=n)
    undecided = rng.random(n) < 0.03
    out["contacts"] = {
        "child_id": identifiers("C", rng.integers(0, n, size=n), 7),
        "contact_date": contact,
        "decision_date": np.where(undecided, NAT, decision),
    }

    n = sizes["section47s"]
    s47 = _days("2024-01-01", n, rng, 480)
    out["section47s"] = {
        "child_id": identifiers("C", rng.integers(0, n, size=n), 7),
        "start_date": s47,
        "icpc_date": s47 + rng.gamma(5.0, 4.0, size=n).astype(np.int64),
    }

    # Plans with reviews: the first 60 to 94 days after the start, then every 150 to 185
    # days, up to the plan's end (or the period end while open).
    n = sizes["cp_plans"]
    plan_start = _days("2022-04-01", n, rng, 1100)
    plan_end = plan_start + rng.integers(60, 900, size=n)
    still_open = rng.random(n) < 0.5
    last = np.where(still_open, PERIOD_END, plan_end)
    first_review = plan_start + rng.integers(60, 95, size=n)
    span = (last - first_review).astype(np.int64)
    review_count = np.where(span >= 0, span // 168 + 1, 0)
    owner, step = _runs(review_count)
    review = first_review[owner] + step * 150 + rng.integers(0, 36, size=len(owner)) * (step > 0)
    review = np.minimum(review, last[owner])
    # A tuple of dates per plan is the one field given as objects: one split, no loop here.
    per_plan = np.split(review.astype(object), np.cumsum(review_count)[:-1])
    out["cp_plans"] = {
        "child_id": identifiers("P", np.arange(n), 7),
        "start_date": plan_start,
        "end_date": np.where(still_open, NAT, plan_end),
        "review_dates": per_plan,
    }

    if lac:
        out.update(make_looked_after(rng, sizes["looked_after_children"]))
    return out


def make_looked_after(rng: np.random.Generator, n: int) -> dict[str, Columns]:
    """Episodes (one to three per child) and reviews of *n* looked-after children."""
    care_start = _days("2019-04-01", n, rng, 2190)
    moves = rng.integers(1, 4, size=n)
    owner, step = _runs(moves)
    lengths = rng.integers(30, 700, size=len(owner))
    before = np.cumsum(lengths) - lengths  # days in care before each episode, all children
    start = care_start[owner] + before - np.repeat(before[np.cumsum(moves) - moves], moves)
    end = start + lengths
    last = step == moves[owner] - 1
    still_open = last & (rng.random(len(owner)) < 0.6)
    child = identifiers("L", np.arange(n), 7)
    # Reviews: the first 10 to 29 days after care starts, the second about 3 months later,
    # then about every 6 months, up to the period end.
    first = care_start + rng.integers(10, 30, size=n)
    count = np.maximum((PERIOD_END - first).astype(np.int64) - 90, -1) // 175 + 2
    count = np.where(first > PERIOD_END, 0, count)
    r_owner, r_step = _runs(count)
    offsets = np.where(r_step == 0, 0, 85 + (r_step - 1) * 175) + rng.integers(
        -10, 5, size=len(r_owner)
    ) * (r_step > 0)
    review = np.minimum(first[r_owner] + offsets, PERIOD_END)
    return {
        "episodes": {
            "child_id": child[owner],
            "start": start,
            "end": np.where(still_open, NAT, end),
            "reason_new": np.where(step == 0, "S", "P"),
            "legal_status": np.full(len(owner), "C2"),
            "placement": np.full(len(owner), "U1"),
        },
        "lac_reviews": {"child_id": child[r_owner], "review_date": review},
    }


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def _best(action: Callable[[], Any], repeat: int = 3) -> float:
    return min(_timed(action)[0] for _ in range(repeat))


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _coding_time(columns: Mapping[str, Columns]) -> float:
    """Seconds to code the child ids of a fresh `Dataset` over *columns* (built untimed)."""
    data = Dataset.from_columns(**columns)
    return _timed(lambda: data.child_ids)[0]


def _verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


def main(argv: list[str] | None = None) -> int:
    """Make the synthetic year, compute every §4.1 card, print the timings."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 scale, runs in seconds")
    parser.add_argument("--seed", type=int, default=20250331)
    args = parser.parse_args(argv)
    scale = 100 if args.quick else 1
    sizes = {name: size // scale for name, size in FULL.items()}

    cards: list[Indicator] = list(CARDS)
    lac_card = INDICATORS.get("lac-reviews-in-timescale")
    if lac_card is not None and lac_card not in cards:
        cards.append(lac_card)
    calendar = WorkingDayCalendar.england()  # built once, as every indicator shares it
    rss_start = _maxrss_mb()

    columns_s, columns = _timed(lambda: make_columns(sizes, args.seed, lac_card is not None))
    dataset_s, data = _timed(lambda: Dataset.from_columns(**columns))
    counts = {name: n for name, n in data.counts().items() if n}
    total = sum(counts.values())
    print(f"timescale indicators, {PERIOD.label}{' (--quick, 1/100 scale)' if args.quick else ''}")
    print("records: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"make columns (numpy):           {columns_s:8.3f} s")
    print(f"Dataset.from_columns:           {dataset_s:8.3f} s")

    gc.collect()
    cold: dict[str, float] = {}
    results: dict[str, Any] = {}
    for card in cards:
        cold[card.id], results[card.id] = _timed(
            lambda card=card: card.compute(data, period=PERIOD)
        )
    rss_peak = _maxrss_mb()  # the data, and every card's result from it: the target's scope
    values = {card_id: getattr(result, "value", None) for card_id, result in results.items()}
    del results
    warm = {card.id: _best(lambda card=card: card.compute(data, period=PERIOD)) for card in cards}
    cold_total, warm_total = sum(cold.values()), sum(warm.values())
    print(f"\n{'indicator':28s} {'cold ms':>9s} {'warm ms':>9s} {'records/s':>12s}  value")
    for card in cards:
        records = sum(counts.get(table, 0) for table in card.inputs)
        value = values[card.id]
        shown = "-" if value is None else f"{value:.1f}"
        print(
            f"{card.id:28s} {cold[card.id] * 1000:9.1f} {warm[card.id] * 1000:9.1f} "
            f"{records / cold[card.id]:12,.0f}  {shown}"
        )
    referral_anchor = _best(
        lambda: INDICATORS["assessment-45wd"].compute(data, period=PERIOD, anchor="referral")
    )
    print(f"{'assessment-45wd (referral)':28s} {'':9s} {referral_anchor * 1000:9.1f}")

    # Baselines on the same data, in the same run.
    starts = data.dates("assessments", "start_date")
    ends = data.dates("assessments", "authorisation_date")
    both = ~np.isnat(starts) & ~np.isnat(ends) & (ends >= starts)
    holidays = np.array(sorted(calendar.bank_holidays), dtype="datetime64[D]")
    floor_s = _best(lambda: np.busday_count(starts[both] + 1, ends[both] + 1, holidays=holidays))
    sort_s = _best(lambda: np.sort(starts))
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
    columnar_rate = counts["assessments"] / warm["assessment-45wd"]
    scalar_rate = len(sample) / scalar_s

    coding_s = _coding_time(columns)
    fresh = Dataset.from_columns(**columns)
    gc.collect()
    tracemalloc.start()
    kept = [card.compute(fresh, period=PERIOD) for card in cards]
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept, fresh

    print()
    print(f"child-id coding alone (fresh Dataset): {coding_s:8.3f} s")
    print(
        f"cold pass, {len(cards)} cards:  {cold_total:8.3f} s  ({total / cold_total:,.0f} records/s)"
    )
    print(
        f"warm pass, {len(cards)} cards:  {warm_total:8.3f} s  ({total / warm_total:,.0f} records/s)"
    )
    print(f"cold less warm (coding, links, column derivation): {cold_total - warm_total:8.3f} s")
    print(
        f"baseline, bare numpy.busday_count over {int(both.sum()):,} assessments: "
        f"{floor_s * 1000:.1f} ms; assessment-45wd warm takes {warm['assessment-45wd'] / floor_s:.1f}x that"
    )
    print(
        f"baseline, np.sort of {len(starts):,} assessment start dates: {sort_s * 1000:.1f} ms; "
        f"the cold pass takes {cold_total / sort_s:,.0f}x that"
    )
    print(
        f"baseline, scalar per-record loop: {scalar_rate:,.0f} assessments/s; "
        f"columnar {columnar_rate:,.0f}/s = {columnar_rate / scalar_rate:,.0f}x"
    )
    print(
        f"peak traced by tracemalloc in a cold pass (results kept): {traced_peak / 2**20:,.0f} MB"
    )
    print(
        f"peak memory, process (ru_maxrss) to the end of the cold pass, results kept: "
        f"{rss_peak:,.0f} MB (incl. the synthetic columns; {rss_start:,.0f} MB before them)"
    )
    print(f"peak memory, process (ru_maxrss) over the whole run: {_maxrss_mb():,.0f} MB")
    print(
        f"{_verdict(cold_total < TIME_TARGET_S)}: cold pass {cold_total:.2f} s "
        f"(target < {TIME_TARGET_S:g} s on one core)"
    )
    print(
        f"{_verdict(rss_peak < MEMORY_TARGET_MB)}: peak memory {rss_peak:,.0f} MB "
        f"(target < {MEMORY_TARGET_MB:,.0f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
