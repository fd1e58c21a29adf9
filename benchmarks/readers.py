"""Throughput and peak memory of the CIN census and SSDA903 readers.

Writes a synthetic CIN census file (100,000 children) and SSDA903 tables (300,000 episodes)
with the library's own writers, from records drawn with `np.random.default_rng(seed)`, then
reads them back, printing MB per second, the ratio to bare expat parsing of the same bytes
(the floor no Python XML reader can beat), and peak traced memory. Each is read at two sizes
to show that the XML reader's working memory beyond the records it returns does not grow
with the file: its parse buffers are bounded by `CHUNK_SIZE`.

Run: `.venv/bin/python benchmarks/readers.py` (or `--quick` for small sizes).
"""

import argparse
import datetime as dt
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.parsers import expat

import numpy as np

from safeguarding_metrics.io import read_cin_census, read_ssda903, write_cin_census, write_ssda903
from safeguarding_metrics.model import (
    Assessment,
    Child,
    CINPlan,
    CPPlan,
    Dataset,
    Episode,
    LACReview,
    Referral,
    Section47,
)

BASE = dt.date(2015, 1, 1)


def _day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=int(offset))


def cin_dataset(children: int, seed: int) -> Dataset:
    """A synthetic CIN dataset: each child 1–3 referrals with nested records."""
    rng = np.random.default_rng(seed)
    records: dict[str, list[Any]] = {
        k: [] for k in ("children", "referrals", "assessments", "section47s", "cp_plans")
    }
    records["cin_plans"] = []
    for number in range(children):
        child_id = f"C{number:07d}"
        records["children"].append(
            Child(
                child_id=child_id,
                birth_date=_day(rng.integers(-5000, 2000)),
                sex=str(rng.integers(1, 3)),
                ethnicity="WBRI",
            )
        )
        for k in range(int(rng.integers(1, 4))):
            start = int(rng.integers(0, 3600)) + k * 400
            referral_id = f"{child_id}/{_day(start).isoformat()}"
            records["referrals"].append(
                Referral(
                    referral_id=referral_id,
                    child_id=child_id,
                    referral_date=_day(start),
                    source="1A",
                    nfa=bool(rng.random() < 0.1),
                    closure_date=_day(start + 200) if rng.random() < 0.7 else None,
                    closure_reason="RC1",
                    primary_need="N1",
                )
            )
            records["assessments"].append(
                Assessment(
                    child_id=child_id,
                    referral_id=referral_id,
                    start_date=_day(start + 1),
                    authorisation_date=_day(start + int(rng.integers(5, 80))),
                    factors=("2A", "3B"),
                )
            )
            if rng.random() < 0.3:
                records["section47s"].append(
                    Section47(
                        child_id=child_id,
                        referral_id=referral_id,
                        start_date=_day(start + 3),
                        icpc_target=_day(start + 24),
                        icpc_date=_day(start + 20),
                    )
                )
                records["cp_plans"].append(
                    CPPlan(
                        child_id=child_id,
                        referral_id=referral_id,
                        start_date=_day(start + 20),
                        end_date=_day(start + 300),
                        initial_category="NEG",
                        latest_category="NEG",
                        previous_plans=0,
                        review_dates=(_day(start + 100), _day(start + 280)),
                    )
                )
            if rng.random() < 0.4:
                records["cin_plans"].append(
                    CINPlan(
                        child_id=child_id,
                        referral_id=referral_id,
                        start_date=_day(start + 50),
                        end_date=_day(start + 150),
                    )
                )
    return Dataset(**records)


def ssda903_dataset(episodes: int, seed: int) -> Dataset:
    """A synthetic SSDA903 dataset: children with about 3 episodes and 4 reviews each."""
    rng = np.random.default_rng(seed)
    children, episode_rows, reviews = [], [], []
    number = 0
    while len(episode_rows) < episodes:
        child_id = f"{100000 + number}"
        number += 1
        children.append(Child(child_id=child_id, birth_date=_day(rng.integers(-6000, 0))))
        start = int(rng.integers(0, 3000))
        for k in range(int(rng.integers(1, 6))):
            length = int(rng.integers(10, 400))
            episode_rows.append(
                Episode(
                    child_id=child_id,
                    start=_day(start),
                    end=_day(start + length) if rng.random() < 0.8 else None,
                    reason_new="S" if k == 0 else "P",
                    legal_status="C2",
                    placement="U1",
                    reason_ceased="E41" if k else None,
                    provider="PR1",
                    postcode="AB1 2CD",
                    urn="SC123456",
                    category_of_need="N1",
                )
            )
            start += length
        for k in range(4):
            reviews.append(
                LACReview(child_id=child_id, review_date=_day(start + 90 * k), participation="PN1")
            )
    return Dataset(children=children, episodes=episode_rows[:episodes], lac_reviews=reviews)


def measure(read: Callable[[], Dataset]) -> tuple[float, int, Dataset]:
    """Seconds and tracemalloc peak bytes of one read."""
    gc.collect()
    tracemalloc.start()
    began = time.perf_counter()
    result = read()
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, result


def timed(read: Callable[[], object]) -> float:
    """Seconds of one call, untraced (tracemalloc slows allocation-heavy code)."""
    gc.collect()
    began = time.perf_counter()
    read()
    return time.perf_counter() - began


def bare_expat(path: Path) -> None:
    """The baseline: expat parsing the same bytes with no handlers at all."""
    parser = expat.ParserCreate()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def records_peak(dataset: Dataset) -> int:
    """Peak traced bytes of building *dataset*'s records again from scratch (a copy)."""
    gc.collect()
    tracemalloc.start()
    copy = Dataset(**{t: list(getattr(dataset, t)) for t in dataset.TABLES})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del copy
    return peak


def cin_benchmark(sizes: tuple[int, ...], folder: Path) -> None:
    print("CIN census XML (read_cin_census)")
    print(
        f"{'children':>10} {'MB':>8} {'MB/s':>8} {'vs expat':>9} {'peak MB':>8} {'MB/child·1e3':>13}"
    )
    for size in sizes:
        dataset = cin_dataset(size, seed=size)
        path = folder / f"cin-{size}.xml"
        write_cin_census(dataset, path, reference_date=dt.date(2025, 3, 31))
        del dataset
        megabytes = path.stat().st_size / 1e6
        seconds = min(timed(lambda p=path: read_cin_census(p)) for _ in range(2))
        baseline = min(timed(lambda p=path: bare_expat(p)) for _ in range(2))
        _, peak, result = measure(lambda p=path: read_cin_census(p))
        per_child = peak / 1e6 / size * 1e3
        print(
            f"{size:>10,} {megabytes:>8.1f} {megabytes / seconds:>8.1f} "
            f"{baseline / seconds:>8.2f}x {peak / 1e6:>8.1f} {per_child:>13.2f}"
        )
        del result
    print(
        "  (peak includes the records returned; peak per 1,000 children staying flat as the "
        "file grows shows the parser's own memory is bounded)"
    )


def streaming_check(size: int, folder: Path) -> None:
    """Peak memory of parsing alone: a file whose children hold no CIN records to return."""
    print("CIN census XML: parser working memory with (almost) nothing returned")
    for count in (size, size * 4):
        children = [Child(child_id=f"C{n:07d}", ethnicity="WBRI") for n in range(count)]
        path = folder / f"bare-{count}.xml"
        write_cin_census(Dataset(children=children), path, reference_date=dt.date(2025, 3, 31))
        del children
        megabytes = path.stat().st_size / 1e6
        _, peak, result = measure(lambda p=path: read_cin_census(p))
        held = records_peak(result)
        del result
        print(
            f"  {count:>9,} children, {megabytes:6.1f} MB file: peak {peak / 1e6:6.1f} MB, "
            f"of which the returned records alone {held / 1e6:6.1f} MB; "
            f"parser working memory {(peak - held) / 1e6:5.1f} MB"
        )


def ssda903_benchmark(sizes: tuple[int, ...], folder: Path) -> None:
    print("SSDA903 CSV (read_ssda903)")
    print(f"{'episodes':>10} {'MB':>8} {'MB/s':>8} {'rows/s':>10} {'peak MB':>8}")
    for size in sizes:
        dataset = ssda903_dataset(size, seed=size)
        directory = folder / f"903-{size}"
        write_ssda903(dataset, directory)
        rows = len(dataset.episodes) + len(dataset.lac_reviews) + len(dataset.children)
        del dataset
        megabytes = sum(p.stat().st_size for p in directory.iterdir()) / 1e6
        seconds = timed(lambda d=directory: read_ssda903(d))
        _, peak, result = measure(lambda d=directory: read_ssda903(d))
        del result
        print(
            f"{size:>10,} {megabytes:>8.1f} {megabytes / seconds:>8.1f} "
            f"{rows / seconds:>10,.0f} {peak / 1e6:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, runs in seconds")
    args = parser.parse_args(argv)
    cin_sizes = (2_000, 8_000) if args.quick else (25_000, 100_000)
    episode_sizes = (5_000, 20_000) if args.quick else (75_000, 300_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cin_benchmark(cin_sizes, folder)
        streaming_check(cin_sizes[0], folder)
        ssda903_benchmark(episode_sizes, folder)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (ru_maxrss): {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
