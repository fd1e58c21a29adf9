"""The `safeguarding-metrics` command: a thin shell over the library."""

import argparse
import datetime as dt
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import SafeguardingMetricsError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


_ISO_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(text: str) -> dt.date:
    """*text* as a `YYYY-MM-DD` date.

    Raises:
        ValueError: Saying whether *text* is not in that form, or names no real day
            (``2024-02-30``).
    """
    if not _ISO_FORM.match(text.strip()):
        raise ValueError(f"{text!r} is not a date in YYYY-MM-DD form")
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None


def _date(text: str) -> dt.date:
    try:
        return parse_iso_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def read_closures(path: Path) -> list[dt.date]:
    """Read local closure days: one ISO date per line; blank lines and `#` comments skipped.

    The file may be UTF-8 (with or without a byte order mark) or, as Windows editors save
    it, Windows-1252: only the dates matter, and they are plain digits either way.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SafeguardingMetricsError(
            f"{path}: cannot read the closures file: {error.strerror}"
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            days.append(parse_iso_date(entry))
        except ValueError as error:
            raise SafeguardingMetricsError(f"{path}: line {number}: {error}") from None
    return days


def _working_days(args: argparse.Namespace) -> int:
    closures = read_closures(args.closures) if args.closures else []
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    count = calendar.working_days_between(args.start, args.end)
    write_text(f"{count}\n", sys.stdout)
    local = f" and {len(calendar.closures)} local closure day(s)" if calendar.closures else ""
    write_text(
        f"Working days from {args.start:%a %d %b %Y} to {args.end:%a %d %b %Y}: "
        f"the start day is day 0, so this counts the working days after {args.start} "
        f"up to and including {args.end}: Monday to Friday, less {calendar.name} bank "
        f"holidays{local} (bank holidays as listed by the Python package {calendar.source}).\n",
        sys.stderr if args.quiet else sys.stdout,
    )
    return EXIT_OK


def _indicators(args: argparse.Namespace) -> int:
    rows = [("id", "title", "polarity", "legacy codes")]
    rows += [
        (card.id, card.title, card.polarity.value, ", ".join(card.legacy_codes))
        for card in INDICATORS.values()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        write_text(f"{cells}  {row[3]}".rstrip() + "\n", sys.stdout)
    return EXIT_OK


class UsageError(SafeguardingMetricsError, ValueError):
    """The command line asked for something impossible (exit code 2)."""


def _year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2025")
    return int(text)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not above 0")
    return value


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is below 0")
    return value


def _period(args: argparse.Namespace, data: Dataset | None = None) -> tuple[ReportingPeriod, str]:
    """The period the report options ask for, and a note when it was chosen from the data.

    With no period asked for, the latest collection year the returns cover (`--demo`: its
    last year). Called once before reading (``data`` None, to check the options early) and
    once after.
    """
    if args.rolling_12_months_to is not None:
        if args.year_ending is not None or args.quarter is not None:
            raise UsageError(
                "--rolling-12-months-to cannot be combined with --year-ending or --quarter"
            )
        return ReportingPeriod.rolling_12_months(as_at=args.rolling_12_months_to), ""
    if args.quarter is not None and args.year_ending is None and not args.demo:
        raise UsageError("--quarter needs --year-ending: the quarter of which year?")
    year = args.year_ending
    note = ""
    if year is None and args.demo:
        year = args.demo_year_ending
    if year is None and data is not None:
        year = _latest_year(data)
        if year is None:
            raise UsageError(
                "say which period to report on: --year-ending YYYY (with --quarter N for a "
                "quarter) or --rolling-12-months-to YYYY-MM-DD (the data records no "
                "collection year to choose one from)"
            )
        note = "No period was asked for: reporting on the latest year the returns cover."
    if year is None:  # checked again once the data is read
        return ReportingPeriod.year_ending(2000), ""
    period = ReportingPeriod.year_ending(year)
    return (period.quarter(args.quarter) if args.quarter is not None else period), note


def _latest_year(data: Dataset) -> int | None:
    """The latest collection year any return of *data* covers, if one is recorded."""
    years = [r.year for r in data.coverage.returns if r.year is not None]
    return max(years) if years else None


class _Progress:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(100, 100 * done // total)
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent * 30 // 100
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
        if percent == 100:
            sys.stderr.write("\n")
        sys.stderr.flush()


_YEAR_FOLDER = re.compile(r"^(\d{4}(?:[-_]\d{2}(?:\d{2})?)?)=(.+)$", re.DOTALL)


def _ssda903_folder(text: str) -> tuple[str | None, Path]:
    """``DIR`` or ``YEAR=DIR`` (``2024=903/latest``, ``2023-24=903/latest``)."""
    match = _YEAR_FOLDER.match(text)
    if match:
        return match.group(1), Path(match.group(2))
    return None, Path(text)


def _load(args: argparse.Namespace) -> Dataset:
    """The dataset the report options name: files, folders, or the synthetic cohort."""
    if args.demo and (args.cin or args.ssda903):
        raise UsageError("--demo uses built-in data: leave out --cin and --ssda903")
    if args.demo:
        from safeguarding_metrics.synthetic import synthetic_dataset

        return synthetic_dataset(year_ending=args.demo_year_ending)
    if not args.cin and not args.ssda903:
        raise UsageError("give data to report on: --cin FILE..., --ssda903 DIR..., or --demo")
    data = Dataset()
    if args.cin:
        from safeguarding_metrics.io.cin_census import read_cin_census

        for path in args.cin:
            if path.is_dir():
                raise UsageError(f"{path}: is a folder; --cin takes CIN census XML files")
            if not path.is_file():
                raise UsageError(f"{path}: no such CIN census file")
        progress = _Progress("Reading CIN census") if sys.stderr.isatty() else None
        data = data | read_cin_census(args.cin, strict=False, progress=progress)
    if args.ssda903:
        from safeguarding_metrics.io.ssda903 import read_ssda903

        folders = [_ssda903_folder(text) for text in args.ssda903]
        for _, path in folders:
            if path.is_file() and path.suffix.lower() != ".csv":
                raise UsageError(
                    f"{path}: is a file, not a folder; --ssda903 takes the folders of CSV "
                    "tables of SSDA903 returns (or a single CSV table)"
                )
            if not path.exists():
                raise UsageError(f"{path}: no such SSDA903 folder")
        data = data | read_ssda903(_ssda903_argument(folders), strict=False)
    return data


def _ssda903_argument(folders: list[tuple[str | None, Path]]) -> Any:
    """What `read_ssda903` takes: folders, or a mapping of year to folder."""
    if all(year is None for year, _ in folders):
        return [path for _, path in folders]
    if any(year is None for year, _ in folders):
        raise UsageError(
            "give YEAR=DIR for every --ssda903 folder or for none (a folder's year is "
            "otherwise read from its name)"
        )
    mapping: dict[str, Path] = {}
    for year, path in folders:
        assert year is not None
        if year in mapping:
            raise UsageError(f"--ssda903: {year} is given twice ({mapping[year]} and {path})")
        mapping[year] = path
    return mapping


def _check_writable(folder: Path, what: str) -> None:
    """Raise `UsageError` now, before any work, unless files can be written in *folder*."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".safeguarding-metrics-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"{folder}: cannot write the {what} there: {error.strerror}") from None


def _output_encoding(stream: Any) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


# Characters the report draws with, and what stands for them on a terminal whose encoding
# lacks them (a Windows console redirected to a file, LC_ALL=C).
_PLAIN = str.maketrans({"↑": "^", "↓": "v", "↔": "=", "–": "-", "—": "-", "─": "-",
                        "×": "x", "·": "|", "…": "...", "’": "'", "‘": "'"})  # fmt: skip


def write_text(text: str, stream: Any) -> None:
    """Write *text* to *stream*, in plain characters where its encoding lacks ours."""
    encoding = _output_encoding(stream)
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.translate(_PLAIN).encode(encoding, errors="replace").decode(encoding)
    stream.write(text)


def _say(text: str) -> None:
    write_text(text + "\n", sys.stderr)


def _report(args: argparse.Namespace) -> int:
    from safeguarding_metrics.report import diagnostic_summary, run_report, write_audit

    args.demo_year_ending = args.year_ending or 2025
    _period(args)  # check the period options before reading anything
    closures = read_closures(args.closures) if args.closures else []
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    if args.audit is not None:
        _check_writable(args.audit, "audit files")
    if args.output is not None:
        _check_writable(args.output.parent if str(args.output.parent) else Path(), "report")
    if args.diagnostics is not None:
        _check_writable(args.diagnostics.parent, "diagnostics")
    data = _load(args)
    if args.strict and data.diagnostics:
        _say(
            f"safeguarding-metrics: error: --strict: {len(data.diagnostics)} problem(s) met "
            "while reading:"
        )
        for line in diagnostic_summary(data.diagnostics):
            _say(f"  {line}")
        if args.diagnostics is not None:
            _write_diagnostics(args.diagnostics, data.diagnostics)
        return EXIT_USAGE
    period, note = _period(args, data)
    report = run_report(
        data,
        period=period,
        compare=not args.no_compare,
        calendar=calendar,
        indicators=args.indicator or None,
        population=args.population,
        period_note=note,
    )
    if args.format == "table":
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120
        text = report.to_table(width=max(width, 80))
    else:
        text = report.render(args.format)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        _say(f"Wrote the report to {args.output}")
    else:
        write_text(text, sys.stdout)
    if args.audit is not None:
        written = write_audit(report, data, args.audit)
        _say(f"Wrote {len(written)} audit file(s) to {args.audit}")
    _report_problems(args, report)
    if report.errors:
        _say(
            f"safeguarding-metrics: error: {len(report.errors)} indicator(s) could not be "
            f"computed: {', '.join(report.errors)} (see the report)"
        )
        return EXIT_ERROR
    if report.rows and not report.computed_any:
        _say(
            f"safeguarding-metrics: error: no indicator could be computed for "
            f"{report.period.label}: the data cannot support it (see the report)"
        )
        return EXIT_ERROR
    return EXIT_OK


def _report_problems(args: argparse.Namespace, report: Any) -> None:
    """Data problems and indicators left out, on standard error (or in a file) in every format.

    The table and Markdown formats list them in the report too; when the report goes to the
    same terminal, standard error only counts them.
    """
    from safeguarding_metrics.report import diagnostic_summary

    if args.diagnostics is not None:
        _write_diagnostics(args.diagnostics, report.diagnostics)
        _say(f"Wrote {len(report.diagnostics)} data problem(s) to {args.diagnostics}")
        return
    shown_in_report = (
        args.format in ("table", "markdown") and args.output is None and sys.stdout.isatty()
    )
    if report.diagnostics:
        _say(f"{len(report.diagnostics)} data problem(s):")
        if not shown_in_report:
            for line in diagnostic_summary(report.diagnostics):
                _say(f"  {line}")
    if report.skipped and not shown_in_report:
        _say("Not computed (no records of a kind they read): " + ", ".join(report.skipped))
    for indicator_id, reason in report.unsupported.items():
        if not shown_in_report:
            _say(f"Not shown: {indicator_id}: {reason}")


def _write_diagnostics(path: Path, diagnostics: Sequence[Diagnostic]) -> None:
    """Every diagnostic in full, one CSV line each: file, where, field, value, problem."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "where", "field", "value", "problem"])
        writer.writerows([d.file, d.where, d.field, d.value, d.problem] for d in diagnostics)


def _explain(args: argparse.Namespace) -> int:
    card = INDICATORS.get(args.id)
    if card is None:
        import difflib

        close = difflib.get_close_matches(args.id, list(INDICATORS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        _say(
            f"safeguarding-metrics: error: no indicator {args.id!r}{hint}; "
            f"the ids are: {', '.join(INDICATORS)}"
        )
        return EXIT_USAGE
    write_text(card.to_markdown(), sys.stdout)
    return EXIT_OK


def _synth(args: argparse.Namespace) -> int:
    from safeguarding_metrics.synthetic import write_synthetic

    written = write_synthetic(
        args.outdir,
        seed=args.seed,
        scale=args.scale,
        year_ending=args.year_ending,
        years=args.years,
    )
    for path in written:
        print(path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser, with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="safeguarding-metrics",
        description="Statutory performance indicators of English children's social care.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    days = commands.add_parser(
        "working-days",
        help="count working days between two dates (start day is day 0)",
        description="Count the working days after START up to and including END.",
    )
    days.add_argument("start", type=_date, help="first date, YYYY-MM-DD (day 0)")
    days.add_argument("end", type=_date, help="last date, YYYY-MM-DD")
    days.add_argument(
        "--closures", type=Path, help="file of local closure days, one YYYY-MM-DD per line"
    )
    days.add_argument(
        "--quiet", action="store_true", help="print the explanation on stderr, not stdout"
    )
    days.set_defaults(handler=_working_days)

    listing = commands.add_parser("indicators", help="list every indicator and its id")
    listing.set_defaults(handler=_indicators)

    report = commands.add_parser(
        "report",
        help="compute every indicator the data allows, for a period and the one before",
        description=(
            "Report every indicator whose records are present, for a period, compared with "
            "the period before. Reads CIN census XML files and SSDA903 folders, or the "
            "built-in synthetic cohort (--demo)."
        ),
    )
    data = report.add_argument_group("data")
    data.add_argument("--cin", nargs="+", type=Path, metavar="FILE", help="CIN census XML files")
    data.add_argument(
        "--ssda903",
        nargs="+",
        metavar="DIR",
        help=(
            "SSDA903 folders, one per year, in any order: each folder's collection year is "
            "read from its name (2024, 2023-24, 903_2024) or given as YEAR=DIR"
        ),
    )
    data.add_argument("--demo", action="store_true", help="use the built-in synthetic cohort")
    when = report.add_argument_group("period")
    when.add_argument(
        "--year-ending",
        type=_year,
        metavar="YYYY",
        help="the statutory year ending 31 March YYYY (default: the latest the returns cover)",
    )
    when.add_argument(
        "--quarter", type=int, choices=(1, 2, 3, 4), help="a quarter of that year (Q1 April-June)"
    )
    when.add_argument(
        "--rolling-12-months-to", type=_date, metavar="DATE", help="the 12 months ending DATE"
    )
    report.add_argument("--format", choices=("table", "markdown", "csv", "json"), default="table")
    report.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write the report to FILE (UTF-8)"
    )
    report.add_argument(
        "--diagnostics",
        type=Path,
        metavar="FILE",
        help="write every data problem in full to FILE (CSV) instead of summing them up",
    )
    report.add_argument(
        "--audit",
        type=Path,
        metavar="DIR",
        help="write every record's outcome, a CSV per indicator",
    )
    report.add_argument(
        "--strict", action="store_true", help="fail (exit code 2) on any problem in the data"
    )
    report.add_argument(
        "--closures", type=Path, help="file of local closure days, one YYYY-MM-DD per line"
    )
    report.add_argument(
        "--indicator", action="append", metavar="ID", help="report only this indicator (repeatable)"
    )
    report.add_argument(
        "--population", type=_whole, metavar="N", help="child population, for counts per 10,000"
    )
    report.add_argument("--no-compare", action="store_true", help="leave out the previous period")
    report.set_defaults(handler=_report)

    explain = commands.add_parser("explain", help="print an indicator's definition card")
    explain.add_argument("id", help="the indicator id, e.g. assessment-45wd")
    explain.set_defaults(handler=_explain)

    synth = commands.add_parser(
        "synth", help="write the synthetic cohort as CIN census files and SSDA903 folders"
    )
    synth.add_argument("outdir", type=Path, help="folder to write into")
    synth.add_argument("--seed", type=_whole, default=2025, help="random seed (default 2025)")
    synth.add_argument(
        "--scale", type=_positive, default=1.0, help="size (1 = about 3,000 referrals a year)"
    )
    synth.add_argument("--year-ending", type=_year, default=2025, metavar="YYYY")
    synth.add_argument("--years", type=int, default=3, help="how many years (default 3)")
    synth.set_defaults(handler=_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except SafeguardingMetricsError as error:
        _say(f"safeguarding-metrics: error: {error}")
        return EXIT_USAGE if isinstance(error, ValueError) else EXIT_ERROR
    except OSError as error:
        _say(f"safeguarding-metrics: error: {error}")
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    raise SystemExit(main())
