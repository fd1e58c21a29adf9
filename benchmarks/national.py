"""A synthetic national year: every referral, child protection, looked-after and count card.

Builds, with `np.random.default_rng(seed)`, about what England records in a year:
630,000 referrals in 2024-25 with five years of referral history behind them, the section 47
enquiries, conferences and plans that follow (about 62,000 plans starting in the year),
300,000 SSDA903 episodes of 110,000 looked-after children with their reviews, and care
leavers. It then computes every card of the referrals, child_protection, looked_after and
counts families (read from the family modules' `CARDS` and the registry, so cards added
later are included) and prints:

- the time to build the records and the `Dataset`;
- for each card, the first computation (which converts the columns it reads) and a second
  one over cached columns, with records per second;
- the total column-conversion and compute time, each card's time as a ratio to a baseline
  measured in the same run (one `np.lexsort` of the referrals by child and date, the
  kernel the referral family is built on), and peak memory (`ru_maxrss`).

Run: `python benchmarks/national.py` (target: all cards under 5 s on one core, under 2 GB),
or `--quick` for 1/100 of the size.
"""

import argparse
import datetime as dt
import functools
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics import (
    CareLeaver,
    Child,
    CPPlan,
    Dataset,
    Episode,
    Indicator,
    LACReview,
    Referral,
    ReportingPeriod,
    Section47,
)
from safeguarding_metrics.indicators import child_protection, counts, looked_after, referrals
from safeguarding_metrics.registry import INDICATORS

FAMILIES = (referrals, child_protection, looked_after, counts)
YEAR = ReportingPeriod.year_ending(2025)
EPOCH = dt.date(1970, 1, 1)
FIRST_DAY = dt.date(2019, 4, 1)  # five years of history before 2024-25
LAST_DAY = YEAR.end

IntArray = npt.NDArray[np.int64]


def _day(day: dt.date) -> int:
    return (day - EPOCH).days


class Dates:
    """Shares one `dt.date` object per day, so millions of records stay small."""

    def __init__(self) -> None:
        self._cache: dict[int, dt.date] = {}

    def __call__(self, days: IntArray) -> list[dt.date]:
        """The dates of day numbers *days*."""
        cache = self._cache
        out = []
        for d in days.tolist():
            value = cache.get(d)
            if value is None:
                value = cache[d] = EPOCH + dt.timedelta(days=d)
            out.append(value)
        return out

    def optional(self, days: IntArray, present: npt.NDArray[np.bool_]) -> list[dt.date | None]:
        """The dates of *days*, `None` where not *present*."""
        values: list[dt.date | None] = list(self(days))
        for i in np.flatnonzero(~present).tolist():
            values[i] = None
        return values


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- synthetic data --------------------------------------------------------------------------


def make_referrals(
    rng: np.random.Generator, per_year: int
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
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


def build_dataset(rng: np.random.Generator, scale: float) -> tuple[Dataset, dict[str, int]]:
    """The synthetic national dataset and a few facts about it."""
    dates = Dates()
    per_year = int(630_000 * scale)
    child, days, nfa = make_referrals(rng, per_year)
    n = len(days)
    # One string per child, shared by that child's records; short unique referral ids.
    names = {c: f"R{c:07d}" for c in np.unique(child).tolist()}
    child_ids = [names[c] for c in child.tolist()]
    referral_ids = [f"F{i:x}" for i in range(n)]
    closure = days + rng.integers(0, 400, n)
    closed = closure <= _day(LAST_DAY)
    referral_records = [
        Referral(
            referral_id=rid,
            child_id=cid,
            referral_date=d,
            nfa=f,
            closure_date=c,
            source="1A",
        )
        for rid, cid, d, f, c in zip(
            referral_ids,
            child_ids,
            dates(days),
            nfa.tolist(),
            dates.optional(closure, closed),
            strict=True,
        )
    ]

    # Section 47 enquiries for ~30% of referrals that were not NFA; ICPCs for ~45% of them.
    s47_rows = np.flatnonzero(~nfa & (rng.random(n) < 0.30))
    s47_start = days[s47_rows] + rng.integers(0, 30, len(s47_rows))
    held = rng.random(len(s47_rows)) < 0.45
    icpc = s47_start + rng.integers(3, 30, len(s47_rows))
    missing_start = rng.random(len(s47_rows)) < 0.002
    s47_records = [
        Section47(
            child_id=child_ids[r],
            referral_id=referral_ids[r],
            start_date=s,
            icpc_date=c,
            icpc_not_required=not h,
        )
        for r, s, c, h in zip(
            s47_rows.tolist(),
            dates.optional(s47_start, ~missing_start),
            dates.optional(icpc, held),
            held.tolist(),
            strict=True,
        )
    ]

    # Plans start on the conference date for ~78% of conferences (CIN rule 2885).
    plan_of = np.flatnonzero(held & (rng.random(len(s47_rows)) < 0.78))
    plan_rows = s47_rows[plan_of]
    plan_start = icpc[plan_of]
    length = (rng.gamma(1.6, 170, len(plan_of))).astype(np.int64)
    plan_end = plan_start + length
    ended = plan_end <= _day(LAST_DAY) + 60
    plan_children = child[plan_rows]
    order = np.lexsort((plan_start, plan_children))
    earlier = np.zeros(len(order), dtype=np.int64)
    same = np.r_[False, plan_children[order][1:] == plan_children[order][:-1]]
    run_start = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
    earlier[order] = np.arange(len(order)) - run_start
    recorded = rng.random(len(order)) < 0.9
    plan_records = [
        CPPlan(
            child_id=child_ids[r],
            referral_id=referral_ids[r],
            start_date=s,
            end_date=e,
            previous_plans=p if k else None,
        )
        for r, s, e, p, k in zip(
            plan_rows.tolist(),
            dates(plan_start),
            dates.optional(plan_end, ended),
            earlier.tolist(),
            recorded.tolist(),
            strict=True,
        )
    ]

    del names, referral_ids, child_ids
    episodes, reviews, children, leavers = build_looked_after(rng, scale, dates)
    dataset = Dataset(
        children=children,
        referrals=referral_records,
        section47s=s47_records,
        cp_plans=plan_records,
        episodes=episodes,
        lac_reviews=reviews,
        care_leavers=leavers,
    )
    in_year = YEAR.contains_many(np.array(plan_start, dtype="datetime64[D]"))
    facts = {
        "referrals in 2024-25": int(YEAR.contains_many(days.astype("datetime64[D]")).sum()),
        "plans starting in 2024-25": int(in_year.sum()),
    }
    return dataset, facts


PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "H5", "P1", "A4", "A5", "T0", "T3")
PLACEMENT_WEIGHTS = (30, 12, 14, 6, 4, 2, 3, 6, 4, 4, 3, 2, 1, 1)
LEGAL = ("C2", "E1", "J2", "V2", "C1", "V3", "V4")
LEGAL_WEIGHTS = (60, 10, 2, 18, 6, 2, 2)
NEXT_REASON = ("P", "L", "T", "B", "U")
NEXT_WEIGHTS = (60, 25, 6, 5, 4)
ENDINGS = ("E11", "E12", "E41", "E45", "E4A", "E4B", "E13", "E8", "E17")
ENDING_WEIGHTS = (12, 2, 8, 10, 25, 5, 3, 25, 10)


def _choice(
    rng: np.random.Generator, values: Sequence[str], weights: Sequence[int], n: int
) -> list[str]:
    p = np.asarray(weights, dtype=np.float64)
    picked = rng.choice(len(values), size=n, p=p / p.sum())
    return [values[i] for i in picked.tolist()]


def build_looked_after(
    rng: np.random.Generator, scale: float, dates: Dates
) -> tuple[list[Episode], list[LACReview], list[Child], list[CareLeaver]]:
    """300,000 episodes of 110,000 children, their reviews, birth dates and care leavers."""
    kids = int(110_000 * scale)
    per_child = 1 + rng.poisson(1.73, kids)  # mean 2.73 episodes: ~300,000
    owner = np.repeat(np.arange(kids), per_child)
    m = len(owner)
    first_of_child = np.r_[True, owner[1:] != owner[:-1]]
    care_start = rng.integers(_day(dt.date(2016, 4, 1)), _day(LAST_DAY) - 30, kids)
    gaps = rng.integers(20, 400, m)
    gaps[first_of_child] = 0
    offset = np.cumsum(gaps)
    child_first = np.flatnonzero(first_of_child)
    offset -= np.repeat(offset[child_first], per_child)
    start = care_start[owner] + offset
    end = np.r_[start[1:], 0]
    last_of_child = np.r_[first_of_child[1:], True]
    leaves = rng.random(kids) < 0.35
    end[last_of_child] = start[last_of_child] + rng.integers(30, 900, kids)
    still_open = last_of_child & (~leaves[owner] | (end > _day(LAST_DAY)))
    reasons = _choice(rng, NEXT_REASON, NEXT_WEIGHTS, m)
    for i in child_first.tolist():
        reasons[i] = "S"
    ceased = _choice(rng, ENDINGS, ENDING_WEIGHTS, m)
    reason_ceased: list[str | None] = [
        c if last and not o else ("X1" if not last else None)
        for c, last, o in zip(ceased, last_of_child.tolist(), still_open.tolist(), strict=True)
    ]
    ids = [f"L{c:07d}" for c in range(kids)]
    episodes = [
        Episode(
            child_id=ids[o],
            start=s,
            end=e,
            reason_new=rn,
            legal_status=ls,
            placement=pl,
            reason_ceased=rc,
            postcode="AB1 2CD",
        )
        for o, s, e, rn, ls, pl, rc in zip(
            owner.tolist(),
            dates(start),
            dates.optional(end, ~still_open),
            reasons,
            _choice(rng, LEGAL, LEGAL_WEIGHTS, m),
            _choice(rng, PLACEMENTS, PLACEMENT_WEIGHTS, m),
            reason_ceased,
            strict=True,
        )
    ]
    # Reviews: the first about four weeks after care starts, then every 3 to 6 months.
    care_end = np.where(still_open[last_of_child], _day(LAST_DAY), end[last_of_child])
    review_count = np.clip((care_end - care_start) // 150 + 1, 1, 40)
    review_owner = np.repeat(np.arange(kids), review_count)
    step = np.arange(len(review_owner)) - np.repeat(
        np.cumsum(review_count) - review_count, review_count
    )
    review_day = care_start[review_owner] + 26 + step * 150 + rng.integers(-20, 20, len(step))
    reviews = [
        LACReview(child_id=ids[o], review_date=d, participation="PN1")
        for o, d in zip(review_owner.tolist(), dates(review_day), strict=True)
    ]
    birth = care_start - rng.integers(0, 17 * 365, kids)
    children = [
        Child(child_id=i, birth_date=b, sex="1") for i, b in zip(ids, dates(birth), strict=True)
    ]
    # Care leavers: about 45,000 young people with a 17th to 21st birthday in the year.
    leaver_count = int(45_000 * scale)
    age = rng.integers(17, 22, leaver_count)
    birthday = rng.integers(_day(YEAR.start), _day(YEAR.end) + 1, leaver_count)
    leaver_birth = [
        b.replace(year=b.year - int(a))
        if not (b.month == 2 and b.day == 29)
        else dt.date(b.year - int(a), 3, 1)
        for b, a in zip(dates(birthday), age.tolist(), strict=True)
    ]
    leavers = [
        CareLeaver(child_id=f"O{i:07d}", birth_date=b, in_touch=t, activity=a, accommodation=c)
        for i, (b, t, a, c) in enumerate(
            zip(
                leaver_birth,
                _choice(rng, ("YES", "NO", "DIED", "REFU", "RHOM"), (85, 8, 1, 4, 2), leaver_count),
                _choice(
                    rng, ("F1", "P1", "F2", "G4", "G5", "G6"), (30, 10, 20, 20, 15, 5), leaver_count
                ),
                _choice(
                    rng, ("B1", "C1", "D2", "G2", "S1", "Z1"), (30, 30, 5, 5, 20, 10), leaver_count
                ),
                strict=True,
            )
        )
    ]
    return episodes, reviews, children, leavers


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


def main(argv: Sequence[str] | None = None) -> int:
    """Build the synthetic national year, compute every card, print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the national size")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    scale = 0.01 if args.quick else 1.0
    rng = np.random.default_rng(args.seed)

    build_time, (dataset, facts) = timed(lambda: build_dataset(rng, scale))
    sizes = dataset.counts()
    print(f"scale {scale:g}: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items() if v))
    print("; ".join(f"{k}: {v:,}" for k, v in facts.items()))
    print(f"dataset build (records and Dataset): {build_time:8.3f} s   peak {_peak_mb():,.0f} MB")

    ids_time, _ = timed(lambda: dataset.child_ids)
    print(f"child id index (all tables):         {ids_time:8.3f} s")
    codes = dataset.child_codes("referrals")
    day = dataset.dates("referrals", "referral_date").view(np.int64)
    baseline = min(timed(lambda: np.lexsort((day, codes)))[0] for _ in range(3))
    print(f"baseline: np.lexsort of {len(day):,} referrals by child and date: {baseline:.4f} s")

    print()
    print(
        f"{'indicator':34} {'first s':>8} {'cached s':>9} {'records/s':>12} {'x base':>7}  result"
    )
    failures = 0
    first_total = cached_total = 0.0
    for card in cards():
        records = sum(sizes[table] for table in card.inputs)
        try:
            run = functools.partial(card.compute, dataset, period=YEAR)
            first, result = timed(run)
            cached, _ = timed(run)
        except Exception as error:  # report every card, even when one fails
            failures += 1
            print(f"{card.id:34} FAILED: {type(error).__name__}: {error}")
            continue
        first_total += first
        cached_total += cached
        value = getattr(result, "value", None)
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        rate = records / cached if cached > 0 else float("inf")
        print(
            f"{card.id:34} {first:8.3f} {cached:9.3f} {rate:12,.0f} {cached / baseline:7.1f}  {shown}"
        )
    print()
    print(f"column conversion (first - cached): {first_total - cached_total:8.3f} s")
    print(f"compute over cached columns:        {cached_total:8.3f} s")
    print(f"all cards, first run:               {first_total:8.3f} s  (target < 5 s)")
    print(f"peak memory (ru_maxrss):            {_peak_mb():8,.0f} MB (target < 2,048 MB)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
