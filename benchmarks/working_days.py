"""Throughput of working-day counting: the library against numpy.busday_count and a day loop.

Synthetic pairs (drawn with `np.random.default_rng(seed)`): start dates uniform over
2012-01-01 to 2025-12-31, spans uniform over 0 to 120 days. Measured in the same run:

- the library's array path, `WorkingDayCalendar.working_days_between(starts, ends)`;
- `numpy.busday_count` with the same bank holidays, counting `(start, end]` as
  `busday_count(start + 1, end + 1)` (timed with and without making the shifted arrays);
- a per-day Python loop (weekday and holiday-set test for every day) on a sample;
- `add_working_days(starts, 45)` against `numpy.busday_offset(starts, 45, roll="backward")`;
- one scalar call against the per-day loop over a 60-day span.

All answers are checked to agree; the run fails (exit code 1) if they do not. Targets
the array path at least 9x `busday_count`'s throughput (counting alone); one scalar call at
least 20x faster than the day loop over 60 days. Missing a target is reported, not fatal:
timings on a shared machine are noisy.

Run: `.venv/bin/python benchmarks/working_days.py` (10 million pairs), or `--quick`
(100,000 pairs, a few seconds).
"""

import argparse
import datetime as dt
import resource
import sys
import time
import timeit
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics.working_days import WorkingDayCalendar

FIRST_START = np.datetime64("2012-01-01", "D")
LAST_START = np.datetime64("2025-12-31", "D")
MAX_SPAN = 120
ARRAY_TARGET = 9.0  # library / busday_count throughput, counting alone
SCALAR_TARGET = 20.0  # day loop time / one scalar call, over 60 days
SCALAR_SPAN = (dt.date(2024, 3, 1), dt.date(2024, 4, 30))  # 60 days, over Easter 2024


def _pairs(n: int, seed: int) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    rng = np.random.default_rng(seed)
    days = int((LAST_START - FIRST_START).astype(np.int64)) + 1
    starts = FIRST_START + rng.integers(0, days, size=n)
    ends = starts + rng.integers(0, MAX_SPAN + 1, size=n)
    return starts.astype("datetime64[D]"), ends.astype("datetime64[D]")


def _best(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of *repeat* runs (seconds), and the last result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        result = None  # let the previous result go before the next run allocates its own
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _traced_peak(function: Callable[[], Any]) -> int:
    """Peak bytes allocated (as tracemalloc sees numpy's buffers) during one call."""
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def day_loop(holidays: frozenset[dt.date], start: dt.date, end: dt.date) -> int:
    """The spreadsheet-style baseline: test every day in (start, end] (start <= end)."""
    count = 0
    day = start
    step = dt.timedelta(days=1)
    while day < end:
        day += step
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return count


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 0 when every method agrees, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 pairs (a few seconds)")
    parser.add_argument("--pairs", type=int, help="number of date pairs (default 10 million)")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    n = args.pairs or (100_000 if args.quick else 10_000_000)
    sample = min(n, 2_000 if args.quick else 20_000)
    repeat = 3

    calendar = WorkingDayCalendar.england()
    holidays = np.array(sorted(calendar.bank_holidays), dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(holidays=holidays)
    starts, ends = _pairs(n, args.seed)
    print(f"{n:,} date pairs, starts 2012-2025, spans 0-{MAX_SPAN} days; seed {args.seed}")
    print(f"calendar: {calendar.name}, {calendar.source}")
    print()

    # -- counting ---------------------------------------------------------------------------
    calendar.working_days_between(starts[:10], ends[:10])  # warm up
    library_s, library = _best(lambda: calendar.working_days_between(starts, ends), repeat)
    busday_s, busday = _best(
        lambda: np.busday_count(starts + 1, ends + 1, busdaycal=busdaycal), repeat
    )
    shifted_starts, shifted_ends = starts + 1, ends + 1
    busday_only_s, _ = _best(
        lambda: np.busday_count(shifted_starts, shifted_ends, busdaycal=busdaycal), repeat
    )

    holiday_set = calendar.bank_holidays
    sample_pairs = [
        (s.astype(object), e.astype(object))
        for s, e in zip(starts[:sample], ends[:sample], strict=True)
    ]
    loop_start = time.perf_counter()
    looped = [day_loop(holiday_set, s, e) for s, e in sample_pairs]
    loop_s = time.perf_counter() - loop_start

    agree_busday = bool(np.array_equal(library, busday))
    agree_loop = library[:sample].astype(np.int64).tolist() == looped
    rate_library = n / library_s
    rate_busday = n / busday_s
    rate_busday_only = n / busday_only_s
    rate_loop = sample / loop_s
    ratio = rate_library / rate_busday_only

    print("working_days_between over the pairs (best of 3)")
    print(f"  library array path          {rate_library:14,.0f} pairs/s  ({library_s:.3f} s)")
    print(f"  busday_count(s+1, e+1)      {rate_busday:14,.0f} pairs/s  ({busday_s:.3f} s)")
    print(
        f"  busday_count, pre-shifted   {rate_busday_only:14,.0f} pairs/s  ({busday_only_s:.3f} s)"
    )
    print(f"  per-day loop ({sample:,} pairs)  {rate_loop:12,.0f} pairs/s  ({loop_s:.3f} s)")
    print(f"  library / busday_count      {rate_library / rate_busday:8.1f}x  (with the shift)")
    print(
        f"  library / busday_count      {ratio:8.1f}x  (count alone; target >= {ARRAY_TARGET:g}x: "
        f"{'met' if ratio >= ARRAY_TARGET else 'MISSED'})"
    )
    print(f"  library / per-day loop      {rate_library / rate_loop:8.0f}x")
    print(f"  agree: library == busday_count on all pairs: {agree_busday}")
    print(f"  agree: library == per-day loop on the sample: {agree_loop}")
    print()

    # -- adding -----------------------------------------------------------------------------
    add_s, added = _best(lambda: calendar.add_working_days(starts, 45), repeat)
    offset_s, offset = _best(
        lambda: np.busday_offset(starts, 45, roll="backward", busdaycal=busdaycal), repeat
    )
    agree_add = bool(np.array_equal(added, offset))
    print("add_working_days(starts, 45) (best of 3)")
    print(f"  library array path          {n / add_s:14,.0f} dates/s  ({add_s:.3f} s)")
    print(f"  busday_offset(roll=backward){n / offset_s:14,.0f} dates/s  ({offset_s:.3f} s)")
    print(f"  library / busday_offset     {offset_s / add_s:8.1f}x")
    print(f"  agree: library == busday_offset: {agree_add}")
    print()
    del added, offset, busday

    # -- one scalar call --------------------------------------------------------------------
    start_day, end_day = SCALAR_SPAN
    number = 2_000 if args.quick else 20_000
    scalar_s = (
        min(
            timeit.repeat(
                lambda: calendar.working_days_between(start_day, end_day), number=number, repeat=5
            )
        )
        / number
    )
    loop_one_s = min(
        timeit.repeat(
            lambda: day_loop(holiday_set, start_day, end_day), number=number // 10, repeat=5
        )
    ) / (number // 10)
    scalar_ratio = loop_one_s / scalar_s
    agree_scalar = calendar.working_days_between(start_day, end_day) == day_loop(
        holiday_set, start_day, end_day
    )
    print(f"one scalar call over {(end_day - start_day).days} days ({start_day} to {end_day})")
    print(f"  library scalar call         {scalar_s * 1e6:10.2f} us")
    print(f"  per-day loop                {loop_one_s * 1e6:10.2f} us")
    print(
        f"  loop / scalar               {scalar_ratio:8.1f}x  (target >= {SCALAR_TARGET:g}x: "
        f"{'met' if scalar_ratio >= SCALAR_TARGET else 'MISSED'})"
    )
    print(f"  agree: {agree_scalar}")
    print()

    # -- memory -----------------------------------------------------------------------------
    peak = _traced_peak(lambda: calendar.working_days_between(starts, ends))
    print("memory")
    print(f"  inputs (two datetime64[D] arrays)     {2 * starts.nbytes / 2**20:10,.1f} MB")
    print(f"  traced peak of one library count      {peak / 2**20:10,.1f} MB")
    print(f"  process peak RSS (ru_maxrss)          {_rss_mb():10,.1f} MB")

    ok = agree_busday and agree_loop and agree_add and agree_scalar
    if not ok:
        print("FAILED: the methods disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
