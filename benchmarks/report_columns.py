"""The Cabinet table's cost: five columns side by side against one, on the synthetic council.

A report of several columns computes each period once per indicator and shares the work
derived from the dataset (columns, groupings, the care history) between periods. This
benchmark times, cold (a fresh dataset each time, as a council's monthly run is), a report
of one column (2023-24) and one of five (``--layout quarters-ytd --as-at 2025-03-31``: the
last whole year, then 2024-25 to the end of each quarter), and prints their ratio against
the target: five columns in at most twice the time of one.

Run: `.venv/bin/python benchmarks/report_columns.py` (or `--quick` for a small council).
"""

import argparse
import datetime as dt
import time
from collections.abc import Callable

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.layouts import layout
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.report import run_report
from safeguarding_metrics.synthetic import synthetic_dataset

TARGET = 2.0


def best_of(repeat: int, make: Callable[[], Dataset], job: Callable[[Dataset], object]) -> float:
    """The fastest of *repeat* cold runs of *job* (CPU seconds), each on a fresh dataset."""
    times = []
    for _ in range(repeat):
        data = make()
        started = time.process_time()
        job(data)
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small council, one run each")
    parser.add_argument("--scale", type=float, default=1.0, help="the synthetic council's size")
    args = parser.parse_args()
    scale = 0.05 if args.quick else args.scale
    repeat = 1 if args.quick else 3
    base = synthetic_dataset(scale=scale)
    counts = {name: n for name, n in base.counts().items() if n}

    def make() -> Dataset:
        # The same records in a new Dataset: nothing derived is kept from an earlier run.
        return Dataset(**{name: base.records(name) for name in counts}, coverage=base.coverage)

    one = [ReportingPeriod.year_ending(2024)]
    five = layout("quarters-ytd", as_at=dt.date(2025, 3, 31))
    single = best_of(repeat, make, lambda d: run_report(d, columns=one))
    several = best_of(repeat, make, lambda d: run_report(d, columns=five))
    ratio = several / single
    print(f"Synthetic council at scale {scale}: {sum(counts.values()):,} records")
    print(f"  one column (2023-24):            {single:7.3f} s CPU")
    print(f"  five columns (quarters-ytd):     {several:7.3f} s CPU")
    print(f"  ratio five / one:                {ratio:7.2f} (target <= {TARGET:.1f})")
    print(f"  {'PASS' if ratio <= TARGET else 'MISS'}: five columns in at most {TARGET:g}x one")


if __name__ == "__main__":
    main()
