"""Write the synthetic council's returns to files, read them back, and run the report.

Usage: python report_over_files.py [table|markdown|csv|json]
"""

import sys
import tempfile
from pathlib import Path

import safeguarding_metrics as sm
from safeguarding_metrics.io import read_cin_census, read_ssda903
from safeguarding_metrics.report import run_report
from safeguarding_metrics.synthetic import write_synthetic

SCALE = 0.2  # a fifth of a council's records, so the example runs in seconds
output_format = sys.argv[1] if len(sys.argv) > 1 else "table"

with tempfile.TemporaryDirectory() as folder:
    # One CIN census file a year (cin-census-YYYY.xml) and one SSDA903 folder a year
    # (ssda903/YYYY/), for the three years ending 31 March 2025: made-up children only.
    write_synthetic(folder, scale=SCALE, year_ending=2025)
    cin_files = sorted(Path(folder).glob("cin-census-*.xml"))
    ssda903_folders = sorted(path for path in (Path(folder) / "ssda903").iterdir())
    # Returns merge by year whatever the order: CIN census files by their ReferenceDate,
    # SSDA903 folders by the year their names give; a later year wins where two disagree.
    data = read_cin_census(cin_files) | read_ssda903(ssda903_folders)

print(
    f"Read {len(cin_files)} CIN census files and {len(ssda903_folders)} SSDA903 folders: "
    f"{len(data.referrals):,} referrals, {len(data.episodes):,} episodes, "
    f"{len(data.diagnostics)} diagnostics.",
    file=sys.stderr,
)
report = run_report(data, period=sm.ReportingPeriod.year_ending(2025))
print(report.render(output_format), end="")
