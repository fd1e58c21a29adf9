"""Throughput and peak memory of the CIN census and SSDA903 readers.

Writes a synthetic CIN census file (100,000 children) and SSDA903 tables (300,000 episodes)
with the library's own writers, from records drawn with `np.random.default_rng(seed)`, then
reads them back, printing MB and records per CPU second, the ratio to a baseline measured in
the same run (bare expat parsing the same bytes for the XML, the standard library's csv
reading the same files for the CSV), and tracemalloc's peak, split into what the returned
records hold and the reader's own working memory. Each is read at two sizes: the XML
reader's working memory does not grow with the file.

Run: `.venv/bin/python benchmarks/readers.py` (or `--quick` for small sizes; `--only ssda903`
or `--only cin` for one reader).
"""

import argparse
import csv
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

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.io import read_cin_census, read_ssda903, write_cin_census, write_ssda903
from safeguarding_metrics.provenance import collection_year
from safeguarding_metrics.records import (
    Assessment,
    Child,
    CINPlan,
    CPPlan,
    Episode,
    LACReview,
    Referral,
    Section47,
)

BASE = dt.date(2015, 1, 1)
TARGET_MB_PER_SECOND = 20


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


def measure(read: Callable[[], Dataset]) -> tuple[int, int, Dataset]:
    """Peak and retained traced bytes of one read (retained: what the result holds)."""
    gc.collect()
    tracemalloc.start()
    result = read()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, retained, result


def cpu_seconds(read: Callable[[], object], repeat: int = 2) -> float:
    """Best CPU seconds of *repeat* calls, untraced (the machine may be shared)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        began = time.process_time()
        read()
        best = min(best, time.process_time() - began)
    return best


def bare_expat(path: Path) -> None:
    """The baseline: expat parsing the same bytes with no handlers at all."""
    parser = expat.ParserCreate()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def cin_benchmark(sizes: tuple[int, ...], folder: Path) -> None:
    print("CIN census XML, read_cin_census (CPU time, one core)")
    print(
        f"{'children':>9} {'MB':>7} {'MB/s':>6} {'children/s':>11} {'vs bare expat':>14} "
        f"{'peak MB':>8} {'retained MB':>12} {'working MB':>11}"
    )
    for size in sizes:
        dataset = cin_dataset(size, seed=size)
        path = folder / f"cin-{size}.xml"
        write_cin_census(dataset, path, reference_date=dt.date(2025, 3, 31))
        del dataset
        megabytes = path.stat().st_size / 1e6
        seconds = cpu_seconds(lambda p=path: read_cin_census(p))
        baseline = cpu_seconds(lambda p=path: bare_expat(p))
        peak, retained, result = measure(lambda p=path: read_cin_census(p))
        del result
        print(
            f"{size:>9,} {megabytes:>7.1f} {megabytes / seconds:>6.1f} {size / seconds:>11,.0f} "
            f"{seconds / baseline:>13.1f}x {peak / 1e6:>8.1f} {retained / 1e6:>12.1f} "
            f"{(peak - retained) / 1e6:>11.1f}"
        )
    print(
        "  retained = the returned records (numpy columns); working = peak - retained: the 1 MB "
        "parse chunk, one Child's elements, and the rows read (a pointer per field) with the "
        "merge indexes until the columns are built"
    )
    print(f"  target: >= {TARGET_MB_PER_SECOND} MB/s of XML on one core")


def padded_copy(source: Path, target: Path, padding: int) -> None:
    """*source* with *padding* ignored elements (disabilities) added to every Child."""
    extra = (
        "      <ChildCharacteristics>\n        <Disabilities>\n"
        + "          <Disability>HAND</Disability>\n" * padding
        + "        </Disabilities>\n      </ChildCharacteristics>\n"
    )
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line)
            if padding and line == "      </ChildIdentifiers>\n":
                out.write(extra)


def streaming_check(children: int, paddings: tuple[int, ...], folder: Path) -> None:
    """The same records in ever larger files: a streaming reader's peak stays flat."""
    print("CIN census XML: the same records, files padded with elements the reader skips")
    source = folder / "stream-source.xml"
    write_cin_census(cin_dataset(children, seed=7), source, reference_date=dt.date(2025, 3, 31))
    for padding in paddings:
        path = folder / f"stream-{padding}.xml"
        padded_copy(source, path, padding)
        peak, retained, result = measure(lambda p=path: read_cin_census(p))
        del result
        print(
            f"  {children:,} children, file {path.stat().st_size / 1e6:6.1f} MB: "
            f"peak {peak / 1e6:5.1f} MB (records {retained / 1e6:5.1f} MB, "
            f"working {(peak - retained) / 1e6:4.1f} MB)"
        )
        path.unlink()


def bare_csv(directory: Path) -> None:
    """The SSDA903 baseline: the standard library's csv reading the same files, rows discarded."""
    for path in sorted(directory.iterdir()):
        with path.open(encoding="utf-8", newline="") as handle:
            for _ in csv.reader(handle):
                pass


def with_a_quoted_line_break(source: Path, target: Path) -> None:
    """*source* with one quoted line break in the first episode, which numpy cannot cut."""
    target.mkdir()
    for path in source.iterdir():
        text = path.read_text(encoding="utf-8")
        if path.name == "episodes.csv":
            head, first, rest = text.split("\n", 2)
            cells = first.split(",")
            cells[-2] = '"AB1\n2CD"'
            text = "\n".join([head, ",".join(cells), rest])
        (target / path.name).write_text(text, encoding="utf-8")


def ssda903_benchmark(sizes: tuple[int, ...], folder: Path) -> None:
    print("SSDA903 CSV, read_ssda903 (CPU time, one core)")
    print(
        f"{'episodes':>9} {'MB':>7} {'MB/s':>6} {'rows/s':>11} {'csv MB/s':>9} {'vs csv':>7} "
        f"{'peak MB':>8} {'retained MB':>12} {'working MB':>11}"
    )
    for size in sizes:
        dataset = ssda903_dataset(size, seed=size)
        # The folder is named for the collection year of the data's last date (SPEC §5).
        last = max(
            max(e.end or e.start for e in dataset.episodes),
            *(r.review_date for r in dataset.lac_reviews),
        )
        directory = folder / f"903-{size}" / str(collection_year(last))
        write_ssda903(dataset, directory)
        rows = len(dataset.episodes) + len(dataset.lac_reviews) + len(dataset.children)
        del dataset
        megabytes = sum(p.stat().st_size for p in directory.iterdir()) / 1e6
        seconds = cpu_seconds(lambda d=directory: read_ssda903(d))
        baseline = cpu_seconds(lambda d=directory: bare_csv(d))
        peak, retained, result = measure(lambda d=directory: read_ssda903(d))
        assert not result.diagnostics, result.diagnostics[:3]
        del result
        print(
            f"{size:>9,} {megabytes:>7.1f} {megabytes / seconds:>6.1f} {rows / seconds:>11,.0f} "
            f"{megabytes / baseline:>9.1f} {seconds / baseline:>6.1f}x "
            f"{peak / 1e6:>8.1f} {retained / 1e6:>12.1f} {(peak - retained) / 1e6:>11.1f}"
        )
        slow = folder / f"903-{size}-quoted" / directory.name
        slow.parent.mkdir()
        with_a_quoted_line_break(directory, slow)
        seconds = cpu_seconds(lambda d=slow: read_ssda903(d), repeat=1)
        print(
            f"{'':>9} with a quoted line break in the first episode (its block of lines "
            f"read by the CSV reader): {megabytes / seconds:.1f} MB/s"
        )
    print(
        "  csv MB/s = the standard library's csv.reader over the same files, rows discarded "
        "(a floor: the reader also converts every cell)"
    )
    print(
        "  retained = the returned records (numpy columns); working = peak - retained: one "
        "block of lines (2M characters) and its cells, and the columns until they are merged"
    )
    print(f"  target: >= {TARGET_MB_PER_SECOND} MB/s of CSV on one core")


def wide_header_check(columns: tuple[int, ...], folder: Path) -> None:
    """An SSDA903 header of n and 4n unknown columns (a crafted file): time grows linearly."""
    print("SSDA903 CSV: a header of many unknown columns, and rows of as many cells")
    known = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    cell = "1,01/04/2024,S,C2,N1,U1,PR1,,,,,,"
    times = []
    for n in columns:
        path = folder / f"wide-{n}"
        path.mkdir()
        extra = ",".join(f"X{k}" for k in range(n))
        text = f"{known},{extra}\n" + "".join(
            f"{cell.replace('1,', f'{k},', 1)}{',' * n}\n" for k in range(1, 4)
        )
        (path / "episodes.csv").write_text(text, encoding="utf-8")
        seconds = cpu_seconds(lambda path=path: read_ssda903({2025: path}))
        times.append(seconds)
        size = len(text) / 1e6
        print(f"  {n:>8,} columns  {size:6.1f} MB  {seconds:6.3f} s")
    ratio = times[-1] / max(times[0], 1e-9)
    print(
        f"    {columns[-1] // columns[0]}x the columns took {ratio:.1f}x as long "
        f"(linear: about {columns[-1] // columns[0]})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, runs in seconds")
    parser.add_argument("--only", choices=("cin", "ssda903"), help="benchmark one reader")
    args = parser.parse_args(argv)
    cin_sizes = (1_000, 4_000) if args.quick else (25_000, 100_000)
    episode_sizes = (5_000, 20_000) if args.quick else (75_000, 300_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only in (None, "cin"):
            cin_benchmark(cin_sizes, folder)
            streaming_check(cin_sizes[0], (0, 40) if args.quick else (0, 100, 400), folder)
        if args.only in (None, "ssda903"):
            ssda903_benchmark(episode_sizes, folder)
            wide_header_check((8_000, 32_000) if args.quick else (32_000, 128_000), folder)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (ru_maxrss): {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
