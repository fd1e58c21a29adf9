"""Every benchmark runs to completion with --quick (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(BENCHMARKS.glob("*.py")) if BENCHMARKS.is_dir() else []

pytestmark = pytest.mark.skipif(not SCRIPTS, reason="no benchmarks folder in this checkout")


@pytest.mark.parametrize("script", [pytest.param(p, id=p.stem) for p in SCRIPTS])
def test_benchmark_runs_quick(script: Path) -> None:
    """`python benchmarks/<name>.py --quick` exits with code 0."""
    environment = dict(os.environ)
    # Benchmarks import the installed package; keep the repository root importable too.
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(BENCHMARKS.parent), environment.get("PYTHONPATH", "")])
    )
    completed = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        cwd=BENCHMARKS.parent,
        env=environment,
    )
    assert completed.returncode == 0, (
        f"{script.name} --quick exited {completed.returncode}\n"
        f"stdout:\n{completed.stdout[-2000:]}\nstderr:\n{completed.stderr[-4000:]}"
    )
