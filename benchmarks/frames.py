"""The cost of `Dataset.from_frames` against `Dataset.from_columns` on the same national year.

Builds the synthetic national year of `benchmarks/national.py` as numpy columns, turns them
into pandas DataFrames (numpy-backed, and Arrow-backed) and a pyarrow Table each, and times
(CPU) `Dataset.from_columns` over the columns against `Dataset.from_frames` over each kind
of frame, then the first pass of three indicators over each dataset (where any remaining
conversion would show). Each runs five times in a row and its best run is kept: the later runs
reuse memory the first one touched, so what is compared is the work each does, not the
cost of the machine's first touch of fresh memory (which on a busy machine varies more from
run to run than the 10% measured here). Prints the ratios
against the target: from_frames within 10% of from_columns.

Run: `.venv/bin/python benchmarks/frames.py`, or `--quick` for 1/100 of the size.
"""

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national import YEAR, build_columns

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.registry import INDICATORS

TARGET = 1.10
CARDS = ("re-referrals-12m", "assessment-45wd", "cp-reviews-in-timescale")


def best(repeat: int, job: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        job()
        times.append(time.process_time() - started)
    return min(times)


def frames_of(tables: Mapping[str, Mapping[str, Any]], backend: str) -> dict[str, Any]:
    """Each collection as a frame of *backend*: ``numpy`` or ``arrow`` pandas, or ``table``."""
    import pandas as pd
    import pyarrow as pa

    frames = {}
    for name, columns in tables.items():
        plain = {k: v for k, v in columns.items() if not hasattr(v, "offsets")}
        if backend == "table":
            frames[name] = pa.table(plain)
            continue
        frame = pd.DataFrame(plain)
        if backend == "arrow":
            frame = frame.convert_dtypes(dtype_backend="pyarrow")
        frames[name] = frame
    return frames


def first_pass(data: Dataset) -> None:
    for card_id in CARDS:
        if card_id in INDICATORS and not any(data.is_empty(t) for t in INDICATORS[card_id].inputs):
            INDICATORS[card_id].compute(data, period=YEAR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the national size")
    args = parser.parse_args()
    scale = 0.01 if args.quick else 1.0
    repeat = 1 if args.quick else 5
    tables, _ = build_columns(np.random.default_rng(2025), scale)
    # Keep the fields frames hold as plain columns (list fields go as long tables).
    tables = {
        name: {k: v for k, v in columns.items() if k not in ("review_dates", "factors")}
        for name, columns in tables.items()
    }
    rows = sum(len(next(iter(c.values()))) for c in tables.values())
    jobs: dict[str, Callable[[], Any]] = {
        "columns": lambda: first_pass(Dataset.from_columns(**tables))
    }
    for backend in ("numpy", "arrow", "table"):
        frames = frames_of(tables, backend)
        jobs[backend] = lambda f=frames: first_pass(Dataset.from_frames(f))
    seconds = {name: best(repeat, job) for name, job in jobs.items()}
    base = seconds["columns"]
    print(f"national year at scale {scale:g}: {rows:,} rows in {len(tables)} collections")
    print(f"best of {repeat} runs in a row each")
    print(f"  from_columns + first pass:              {base:7.3f} s CPU")
    label = {"numpy": "pandas (numpy)", "arrow": "pandas (Arrow)", "table": "pyarrow Table"}
    for backend in ("numpy", "arrow", "table"):
        ratio = seconds[backend] / base
        verdict = "PASS" if ratio <= TARGET else "MISS"
        print(
            f"  from_frames, {label[backend]:15} + first pass: {seconds[backend]:7.3f} s CPU  "
            f"ratio {ratio:5.2f}  {verdict} (target <= {TARGET:.2f})"
        )


if __name__ == "__main__":
    main()
