"""A synthetic national year: every referral, child protection, looked-after and count card.

Builds, as numpy columns drawn with `np.random.default_rng(seed)` and handed to
`Dataset.from_columns` (no record objects), about what England records in a year:
630,000 referrals in 2024-25 with five years of referral history behind them, the section 47
enquiries, conferences and plans that follow (about 62,000 plans starting in the year),
300,000 SSDA903 episodes of 110,000 looked-after children with their reviews, and care
leavers. It then computes every card of the referrals, child_protection, looked_after and
counts families (SPEC §4.2-§4.5; read from the family modules' `CARDS` and the registry, so
cards added later are included) and prints:

- the time to make the columns and the `Dataset`;
- for each card, a cold run (the first pass over every card, in card order: it includes
  coding the child ids and any column derivation) and a warm run over cached columns, with
  records per second and the ratio to a baseline measured in the same run (one `np.sort`
  of the referral dates);
- the cold pass, the warm pass and the child-id coding alone (on a fresh `Dataset` over
  the same columns);
- peak memory: the process's maximum resident set size (`ru_maxrss`, which includes the
  synthetic columns) and the peak traced by `tracemalloc` during a cold pass over a fresh
  `Dataset` (what the indicators allocate, results kept);
- a PASS/MISS line for each target of issue 4: the cold pass under 5 s on one core, and
  peak memory under 2 GB.

Run: `.venv/bin/python benchmarks/national.py`, or `--quick` for 1/100 of the size.
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
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402

from safeguarding_metrics.catalogue import Indicator  # noqa: E402
from safeguarding_metrics.dataset import Dataset  # noqa: E402
from safeguarding_metrics.indicators import (  # noqa: E402
    child_protection,
    counts,
    looked_after,
    referrals,
)
from safeguarding_metrics.periods import ReportingPeriod, add_months  # noqa: E402
from safeguarding_metrics.registry import INDICATORS  # noqa: E402

FAMILIES = (referrals, child_protection, looked_after, counts)
YEAR = ReportingPeriod.year_ending(2025)
FIRST_DAY = np.datetime64("2019-04-01", "D")  # five years of history before 2024-25
LAST_DAY = np.datetime64(YEAR.end, "D")
TIME_TARGET_S = 5.0  # issue 4: every §4.2-§4.5 card from a Dataset, on one core
MEMORY_TARGET_MB = 2048.0  # issue 4: peak memory

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Columns = dict[str, npt.NDArray[Any]]


def _day(day: np.datetime64) -> int:
    return int(day.astype(np.int64))


def _dates(days: IntArray, present: BoolArray | None = None) -> npt.NDArray[np.datetime64]:
    """Day numbers as `datetime64[D]`, NaT where not *present*."""
    out = days.astype(np.int64).view("datetime64[D]").copy()
    if present is not None:
        out[~present] = np.datetime64("NaT", "D")
    return out


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


def _choice(
    rng: np.random.Generator, values: Sequence[str], weights: Sequence[int], n: int
) -> npt.NDArray[np.str_]:
    p = np.asarray(weights, dtype=np.float64)
    result: npt.NDArray[np.str_] = np.asarray(values)[
        rng.choice(len(values), size=n, p=p / p.sum())
    ]
    return result


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


# -- synthetic data --------------------------------------------------------------------------


def make_referrals(rng: np.random.Generator, per_year: int) -> tuple[IntArray, IntArray, BoolArray]:
    """(child number, referral day, nfa) for six years of referrals, sorted by day."""
    first, last = _day(FIRST_DAY), _day(LAST_DAY)
    n = per_year * 6
    days = np.sort(rng.integers(first, last + 1, n))
    # About a quarter of referrals are of a child referred in the previous year.
    parent = np.arange(n)
    again = rng.random(n) < 0.25
    lo = np.searchsorted(days, days - 365)
    has_earlier = again & (lo < np.arange(n))
    index = np.flatnonzero(has_earlier)
    parent[index] = lo[index] + (rng.random(len(index)) * (index - lo[index])).astype(np.int64)
    while True:  # pointer jumping: each referral's child is its chain's first referral
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            break
        parent = jumped
    nfa = rng.random(n) < 0.065  # England 2024-25: 6.5%
    return parent, days, nfa


def build_columns(
    rng: np.random.Generator, scale: float
) -> tuple[dict[str, Columns], dict[str, int]]:
    """The synthetic national collections as columns, and a few facts about them."""
    per_year = int(630_000 * scale)
    child, days, nfa = make_referrals(rng, per_year)
    n = len(days)
    child_ids = identifiers("R", child, 7)
    referral_ids = identifiers("F", np.arange(n), 8)
    closure = days + rng.integers(0, 400, n)
    closed = closure <= _day(LAST_DAY)
    tables: dict[str, Columns] = {
        "referrals": {
            "referral_id": referral_ids,
            "child_id": child_ids,
            "referral_date": _dates(days),
            "nfa": nfa,
            "closure_date": _dates(closure, closed),
            "source": np.full(n, "1A"),
        }
    }

    # Section 47 enquiries for ~30% of referrals that were not NFA; ICPCs for ~45% of them.
    s47_rows = np.flatnonzero(~nfa & (rng.random(n) < 0.30))
    s47_start = days[s47_rows] + rng.integers(0, 30, len(s47_rows))
    held = rng.random(len(s47_rows)) < 0.45
    icpc = s47_start + rng.integers(3, 30, len(s47_rows))
    missing_start = rng.random(len(s47_rows)) < 0.002
    tables["section47s"] = {
        "child_id": child_ids[s47_rows],
        "referral_id": referral_ids[s47_rows],
        "start_date": _dates(s47_start, ~missing_start),
        "icpc_date": _dates(icpc, held),
        "icpc_not_required": ~held,
    }

    # Plans start on the conference date for ~78% of conferences (CIN rule 2885).
    plan_of = np.flatnonzero(held & (rng.random(len(s47_rows)) < 0.78))
    plan_rows = s47_rows[plan_of]
    plan_start = icpc[plan_of]
    plan_end = plan_start + rng.gamma(1.6, 170, len(plan_of)).astype(np.int64)
    ended = plan_end <= _day(LAST_DAY) + 60
    plan_children = child[plan_rows]
    order = np.lexsort((plan_start, plan_children))
    same = np.r_[False, plan_children[order][1:] == plan_children[order][:-1]]
    run_start = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
    earlier = np.zeros(len(order), dtype=np.float64)
    earlier[order] = np.arange(len(order)) - run_start
    earlier[rng.random(len(order)) >= 0.9] = np.nan  # NumberOfPreviousCPP missing for 10%
    tables["cp_plans"] = {
        "child_id": child_ids[plan_rows],
        "referral_id": referral_ids[plan_rows],
        "start_date": _dates(plan_start),
        "end_date": _dates(plan_end, ended),
        "previous_plans": earlier,
    }

    tables.update(build_looked_after(rng, scale))
    facts = {
        "referrals in 2024-25": int(YEAR.contains_many(_dates(days)).sum()),
        "plans starting in 2024-25": int(YEAR.contains_many(_dates(plan_start)).sum()),
    }
    return tables, facts


PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "H5", "P1", "A4", "A5", "T0", "T3")
PLACEMENT_WEIGHTS = (30, 12, 14, 6, 4, 2, 3, 6, 4, 4, 3, 2, 1, 1)
LEGAL = ("C2", "E1", "J2", "V2", "C1", "V3", "V4")
LEGAL_WEIGHTS = (60, 10, 2, 18, 6, 2, 2)
NEXT_REASON = ("P", "L", "T", "B", "U")
NEXT_WEIGHTS = (60, 25, 6, 5, 4)
ENDINGS = ("E11", "E12", "E41", "E45", "E4A", "E4B", "E13", "E8", "E17")
ENDING_WEIGHTS = (12, 2, 8, 10, 25, 5, 3, 25, 10)


def build_looked_after(rng: np.random.Generator, scale: float) -> dict[str, Columns]:
    """300,000 episodes of 110,000 children, their reviews, birth dates and care leavers."""
    kids = int(110_000 * scale)
    per_child = 1 + rng.poisson(1.73, kids)  # mean 2.73 episodes: ~300,000
    owner = np.repeat(np.arange(kids), per_child)
    m = len(owner)
    first_of_child = np.r_[True, owner[1:] != owner[:-1]]
    care_start = rng.integers(_day(np.datetime64("2016-04-01", "D")), _day(LAST_DAY) - 30, kids)
    gaps = rng.integers(20, 400, m)
    gaps[first_of_child] = 0
    offset = np.cumsum(gaps)
    offset -= np.repeat(offset[first_of_child], per_child)
    start = care_start[owner] + offset
    end = np.r_[start[1:], 0]
    last_of_child = np.r_[first_of_child[1:], True]
    leaves = rng.random(kids) < 0.35
    end[last_of_child] = start[last_of_child] + rng.integers(30, 900, kids)
    still_open = last_of_child & (~leaves[owner] | (end > _day(LAST_DAY)))
    reasons = _choice(rng, NEXT_REASON, NEXT_WEIGHTS, m)
    reasons[first_of_child] = "S"
    ceased = _choice(rng, ENDINGS, ENDING_WEIGHTS, m)
    reason_ceased = np.where(last_of_child, np.where(still_open, "", ceased), "X1")
    ids = identifiers("L", np.arange(kids), 7)
    tables: dict[str, Columns] = {
        "episodes": {
            "child_id": ids[owner],
            "start": _dates(start),
            "end": _dates(end, ~still_open),
            "reason_new": reasons,
            "legal_status": _choice(rng, LEGAL, LEGAL_WEIGHTS, m),
            "placement": _choice(rng, PLACEMENTS, PLACEMENT_WEIGHTS, m),
            "reason_ceased": reason_ceased,
            "postcode": np.full(m, "AB1 2CD"),
        }
    }
    # Reviews: the first about four weeks after care starts, then every 3 to 6 months.
    care_end = np.where(still_open[last_of_child], _day(LAST_DAY), end[last_of_child])
    review_count = np.clip((care_end - care_start) // 150 + 1, 1, 40)
    review_owner = np.repeat(np.arange(kids), review_count)
    step = np.arange(len(review_owner)) - np.repeat(
        np.cumsum(review_count) - review_count, review_count
    )
    review_day = care_start[review_owner] + 26 + step * 150 + rng.integers(-20, 20, len(step))
    tables["lac_reviews"] = {
        "child_id": ids[review_owner],
        "review_date": _dates(review_day),
        "participation": np.full(len(review_owner), "PN1"),
    }
    birth = care_start - rng.integers(0, 17 * 365, kids)
    tables["children"] = {"child_id": ids, "birth_date": _dates(birth), "sex": np.full(kids, "1")}
    # Care leavers: about 45,000 young people with a 17th to 21st birthday in the year.
    leavers = int(45_000 * scale)
    age = rng.integers(17, 22, leavers)
    birthday = rng.integers(_day(np.datetime64(YEAR.start, "D")), _day(LAST_DAY) + 1, leavers)
    tables["care_leavers"] = {
        "child_id": identifiers("O", np.arange(leavers), 7),
        "birth_date": add_months(_dates(birthday), -12 * age),
        "in_touch": _choice(rng, ("YES", "NO", "DIED", "REFU", "RHOM"), (85, 8, 1, 4, 2), leavers),
        "activity": _choice(
            rng, ("F1", "P1", "F2", "G4", "G5", "G6"), (30, 10, 20, 20, 15, 5), leavers
        ),
        "accommodation": _choice(
            rng, ("B1", "C1", "D2", "G2", "S1", "Z1"), (30, 30, 5, 5, 20, 10), leavers
        ),
    }
    return tables


def build_dataset(tables: Mapping[str, Columns]) -> Dataset:
    """A fresh `Dataset` (empty caches) over the synthetic columns."""
    return Dataset.from_columns(**tables)


# -- timing ----------------------------------------------------------------------------------


def cards() -> list[Indicator]:
    """Every card of the four families: their `CARDS`, and registered cards of their modules."""
    chosen: dict[str, Indicator] = {}
    names = {family.__name__ for family in FAMILIES}
    for family in FAMILIES:
        for card in family.CARDS:
            chosen.setdefault(card.id, card)
    for card in INDICATORS.values():
        if card.function.__module__ in names:
            chosen.setdefault(card.id, card)
    return list(chosen.values())


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by *function*, and its result."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _shown(result: Any) -> str:
    value = getattr(result, "value", None)
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _coding_time(tables: Mapping[str, Columns]) -> float:
    """Seconds to code the child ids of a fresh `Dataset` over *tables* (built untimed)."""
    dataset = build_dataset(tables)
    return timed(lambda: dataset.child_ids)[0]


def _verdict(met: bool) -> str:
    return "PASS" if met else "MISS"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the synthetic national year, compute every card, print the timings."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the national size")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    scale = 0.01 if args.quick else 1.0
    rng = np.random.default_rng(args.seed)
    chosen = cards()

    columns_time, (tables, facts) = timed(lambda: build_columns(rng, scale))
    dataset_time, dataset = timed(lambda: build_dataset(tables))
    sizes = dataset.counts()
    total_records = sum(sizes.values())
    print(f"national year {YEAR.label}, scale {scale:g}{' (--quick)' if args.quick else ''}")
    print("records: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items() if v))
    print("; ".join(f"{k}: {v:,}" for k, v in facts.items()))
    print(
        f"make columns (numpy):             {columns_time:8.3f} s   peak so far {_peak_mb():,.0f} MB"
    )
    print(f"Dataset.from_columns:             {dataset_time:8.3f} s")

    day = dataset.dates("referrals", "referral_date")
    baseline = min(timed(lambda: np.sort(day))[0] for _ in range(3))
    print(f"baseline: np.sort of {len(day):,} referral dates: {baseline:.4f} s")

    print()
    print(f"{'indicator':34} {'cold s':>8} {'warm s':>8} {'records/s':>12} {'x base':>7}  value")
    failures = 0
    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    results: dict[str, Any] = {}
    gc.collect()
    for card in chosen:  # the cold pass: each card once on the fresh dataset, results kept
        try:
            cold[card.id], results[card.id] = timed(
                lambda card=card: card.compute(dataset, period=YEAR)
            )
        except Exception as error:  # report every card, even when one fails
            failures += 1
            print(f"{card.id:34} FAILED: {type(error).__name__}: {error}")
    rss_peak = _peak_mb()  # the data, and every card's result from it: the target's scope
    shown = {card_id: _shown(result) for card_id, result in results.items()}
    del results
    for card in chosen:  # the warm pass, over cached columns, one result held at a time
        if card.id in cold:
            warm[card.id], _ = timed(lambda card=card: card.compute(dataset, period=YEAR))
    for card in chosen:
        if card.id not in cold:
            continue
        records = sum(sizes[table] for table in card.inputs)
        rate = records / cold[card.id] if cold[card.id] > 0 else float("inf")
        print(
            f"{card.id:34} {cold[card.id]:8.3f} {warm[card.id]:8.3f} {rate:12,.0f} "
            f"{cold[card.id] / baseline:7.1f}  {shown[card.id]}"
        )
    cold_total, warm_total = sum(cold.values()), sum(warm.values())

    coding_time = _coding_time(tables)
    fresh = build_dataset(tables)
    gc.collect()
    tracemalloc.start()
    kept = [card.compute(fresh, period=YEAR) for card in chosen if card.id in cold]
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept, fresh
    print()
    print(f"child-id coding alone (all tables, fresh Dataset): {coding_time:8.3f} s")
    print(
        f"cold pass, {len(cold)} cards:  {cold_total:8.3f} s  "
        f"({total_records / cold_total:,.0f} records/s; {cold_total / baseline:,.0f}x baseline)"
    )
    print(f"warm pass, {len(warm)} cards:  {warm_total:8.3f} s")
    print(f"cold less warm (coding and column derivation): {cold_total - warm_total:8.3f} s")
    print(
        f"peak memory, process (ru_maxrss) to the end of the cold pass, results kept: "
        f"{rss_peak:8,.0f} MB (incl. the synthetic columns)"
    )
    print(f"peak memory, process (ru_maxrss) over the whole run: {_peak_mb():8,.0f} MB")
    print(
        f"peak traced by tracemalloc in a cold pass (results kept): {traced_peak / 2**20:8,.0f} MB"
    )
    print(
        f"{_verdict(cold_total < TIME_TARGET_S)}: cold pass {cold_total:.2f} s "
        f"(target < {TIME_TARGET_S:g} s on one core)"
    )
    print(
        f"{_verdict(rss_peak < MEMORY_TARGET_MB)}: peak memory {rss_peak:,.0f} MB "
        f"(target < {MEMORY_TARGET_MB:,.0f} MB)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
