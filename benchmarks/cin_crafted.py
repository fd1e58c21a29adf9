"""Cost of the CIN census reader on crafted files: linear time, memory bounded by its caps.

Two kinds of case. Files the reader reads, built to find quadratic work (many empty
`Assessments` in one `CINdetails`, many `CINdetails` of one child on one day), are read at
two sizes, n and 4n: a linear reader takes about 4 times as long for 4 times the input.
Files that go beyond a cap (nesting, one huge `Child`, one huge value, one huge tag) are
read at two sizes too: each is refused with a `ReadError` after about a cap's worth of
bytes, so time and peak memory stay flat however large the file.

Run: `.venv/bin/python benchmarks/cin_crafted.py` (or `--quick` for small sizes).
"""

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io import read_cin_census

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
    "<ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header><Children>\n"
)
TAIL = "</Children></Message>\n"
CHILD = "<Child><ChildIdentifiers><LAchildID>A1</LAchildID></ChildIdentifiers>"
REFERRAL = "<CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>false</ReferralNFA>"


def write(path: Path, parts: Iterator[str]) -> float:
    """Write *parts* to *path*; its size in MB."""
    with path.open("w", encoding="utf-8") as handle:
        for part in parts:
            handle.write(part)
    return path.stat().st_size / 1e6


def blocks(piece: str, count: int) -> Iterator[str]:
    """*count* times *piece*, in blocks of 10,000."""
    for start in range(0, count, 10_000):
        yield piece * min(10_000, count - start)


def repeated(prefix: str, piece: str, count: int, suffix: str) -> Iterator[str]:
    """*prefix*, *count* times *piece*, *suffix*, inside a census message."""
    yield HEAD + prefix
    yield from blocks(piece, count)
    yield suffix + TAIL


def empty_assessments(n: int) -> Iterator[str]:
    return repeated(
        f"{CHILD}<CINdetails>{REFERRAL}\n", "<Assessments/>\n", n, "</CINdetails></Child>"
    )


def same_day_referrals(n: int) -> Iterator[str]:
    return repeated(CHILD, f"<CINdetails>{REFERRAL}</CINdetails>\n", n, "</Child>")


def deep_nesting(megabytes: float) -> Iterator[str]:
    count = int(megabytes * 1e6 / 7)
    yield HEAD + "<Child>"
    yield from blocks("<x>", count)
    yield from blocks("</x>", count)
    yield "</Child>" + TAIL


def one_big_child(megabytes: float) -> Iterator[str]:
    return repeated(
        f"{CHILD}<ChildCharacteristics>",
        "<Ethnicity/>",
        int(megabytes * 1e6 / 12),
        "</ChildCharacteristics></Child>",
    )


def one_big_value(megabytes: float) -> Iterator[str]:
    return repeated(
        "<Child><ChildIdentifiers><LAchildID>",
        "1",
        int(megabytes * 1e6),
        "</LAchildID></ChildIdentifiers></Child>",
    )


def one_big_tag(megabytes: float) -> Iterator[str]:
    return repeated("<Child a='", "x", int(megabytes * 1e6), "'/>")


def read(path: Path) -> str:
    """The outcome of reading *path*: what was read, or why it was refused."""
    try:
        data = read_cin_census(path)
    except ReadError as error:
        return "refused: " + str(error).split(": ", 2)[-1].removesuffix("; refused")[:56]
    return f"read: {sum(data.counts().values()):,} records, {len(data.diagnostics):,} diagnostics"


def measure(path: Path) -> tuple[float, float, str]:
    """CPU seconds (untraced), traced peak MB and the outcome of reading *path*."""
    gc.collect()
    began = time.process_time()
    outcome = read(path)
    seconds = time.process_time() - began
    gc.collect()
    tracemalloc.start()
    read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1e6, outcome


def linear_cases(scale: int, folder: Path) -> None:
    print("CIN census XML, crafted files the reader reads: n and 4n records (CPU time)")
    cases: dict[str, tuple[Callable[[int], Iterator[str]], int]] = {
        "empty Assessments in one CINdetails": (empty_assessments, 32_000),
        "same-day CINdetails of one child": (same_day_referrals, 8_000),
    }
    for name, (build, size) in cases.items():
        times = []
        for n in (size // scale, 4 * size // scale):
            path = folder / "case.xml"
            megabytes = write(path, build(n))
            seconds, peak, outcome = measure(path)
            times.append(seconds)
            print(
                f"  {name}: n={n:>7,} {megabytes:6.1f} MB {seconds:6.2f} s peak {peak:6.1f} MB; "
                f"{outcome}"
            )
        print(f"    4x the input took {times[1] / times[0]:.1f}x as long (linear: about 4)")


def capped_cases(sizes: tuple[float, float], folder: Path) -> None:
    print("CIN census XML, crafted files beyond a cap: refused early, time and memory flat")
    cases: dict[str, Callable[[float], Iterator[str]]] = {
        "elements nested deep": deep_nesting,
        "one Child of empty elements": one_big_child,
        "one text value": one_big_value,
        "one attribute value": one_big_tag,
    }
    for name, build in cases.items():
        for megabytes in sizes:
            path = folder / "case.xml"
            size = write(path, build(megabytes))
            seconds, peak, outcome = measure(path)
            print(f"  {name}: {size:6.1f} MB {seconds:6.2f} s peak {peak:6.1f} MB; {outcome}")
        path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, runs in seconds")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        linear_cases(8 if args.quick else 1, folder)
        capped_cases((5, 20) if args.quick else (50, 200), folder)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (ru_maxrss): {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
