"""The `safeguarding-metrics` command: a thin shell over the library."""

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import SafeguardingMetricsError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = ["main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from None


def read_closures(path: Path) -> list[dt.date]:
    """Read local closure days: one ISO date per line; blank lines and `#` comments skipped."""
    days = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            days.append(dt.date.fromisoformat(text))
        except ValueError:
            raise SafeguardingMetricsError(
                f"{path}: line {number}: {text!r} is not a date in YYYY-MM-DD form"
            ) from None
    return days


def _working_days(args: argparse.Namespace) -> int:
    closures = read_closures(args.closures) if args.closures else []
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    count = calendar.working_days_between(args.start, args.end)
    print(count)
    print(
        f"Working days from {args.start:%a %d %b %Y} to {args.end:%a %d %b %Y}: "
        f"the start day is day 0, so this counts the working days after {args.start} "
        f"up to and including {args.end} (Monday to Friday, less "
        f"{calendar.name} bank holidays"
        + (f" and {len(calendar.closures)} local closure day(s)" if calendar.closures else "")
        + f"; {calendar.source}).",
        file=sys.stderr if args.quiet else sys.stdout,
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
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
        )
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


def _period(args: argparse.Namespace) -> ReportingPeriod:
    """The period the report options ask for."""
    if args.rolling_12_months_to is not None:
        if args.year_ending is not None or args.quarter is not None:
            raise UsageError(
                "--rolling-12-months-to cannot be combined with --year-ending or --quarter"
            )
        return ReportingPeriod.rolling_12_months(as_at=args.rolling_12_months_to)
    year = args.year_ending
    if year is None and args.demo:
        year = args.demo_year_ending
    if year is None:
        raise UsageError(
            "say which period to report on: --year-ending YYYY (with --quarter N for a quarter) "
            "or --rolling-12-months-to YYYY-MM-DD"
        )
    period = ReportingPeriod.year_ending(year)
    return period.quarter(args.quarter) if args.quarter is not None else period


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
            if not path.is_file():
                raise UsageError(f"{path}: no such CIN census file")
        progress = _Progress("Reading CIN census") if sys.stderr.isatty() else None
        data = data | read_cin_census(args.cin, strict=False, progress=progress)
    if args.ssda903:
        from safeguarding_metrics.io.ssda903 import read_ssda903

        for path in args.ssda903:
            if not path.is_dir():
                raise UsageError(f"{path}: no such SSDA903 folder")
        data = data | read_ssda903(args.ssda903, strict=False)
    return data


def _report(args: argparse.Namespace) -> int:
    from safeguarding_metrics.report import run_report, write_audit

    if args.quarter is not None and args.year_ending is None and not args.demo:
        raise UsageError("--quarter needs --year-ending: the quarter of which year?")
    args.demo_year_ending = args.year_ending or 2025
    period = _period(args)
    closures = read_closures(args.closures) if args.closures else []
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    data = _load(args)
    if args.strict and data.diagnostics:
        print(
            f"safeguarding-metrics: error: --strict: {len(data.diagnostics)} problem(s) met "
            "while reading (run without --strict to see them in the report)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    report = run_report(
        data,
        period=period,
        compare=not args.no_compare,
        calendar=calendar,
        indicators=args.indicator or None,
        population=args.population,
    )
    sys.stdout.write(report.render(args.format))
    if args.audit is not None:
        written = write_audit(report, data, args.audit)
        print(f"Wrote {len(written)} audit file(s) to {args.audit}", file=sys.stderr)
    if report.errors:
        print(
            f"safeguarding-metrics: error: {len(report.errors)} indicator(s) could not be "
            f"computed: {', '.join(report.errors)} (see the report)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    card = INDICATORS.get(args.id)
    if card is None:
        import difflib

        close = difflib.get_close_matches(args.id, list(INDICATORS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        print(
            f"safeguarding-metrics: error: no indicator {args.id!r}{hint}; "
            f"the ids are: {', '.join(INDICATORS)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    sys.stdout.write(card.to_markdown())
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
        "--ssda903", nargs="+", type=Path, metavar="DIR", help="SSDA903 folders, oldest first"
    )
    data.add_argument("--demo", action="store_true", help="use the built-in synthetic cohort")
    when = report.add_argument_group("period")
    when.add_argument(
        "--year-ending", type=_year, metavar="YYYY", help="the statutory year ending 31 March YYYY"
    )
    when.add_argument(
        "--quarter", type=int, choices=(1, 2, 3, 4), help="a quarter of that year (Q1 April-June)"
    )
    when.add_argument(
        "--rolling-12-months-to", type=_date, metavar="DATE", help="the 12 months ending DATE"
    )
    report.add_argument("--format", choices=("table", "markdown", "csv", "json"), default="table")
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
        print(f"safeguarding-metrics: error: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, ValueError) else EXIT_ERROR
    except OSError as error:
        print(f"safeguarding-metrics: error: {error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    raise SystemExit(main())
