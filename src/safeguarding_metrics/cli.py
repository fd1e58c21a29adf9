"""The `safeguarding-metrics` command: a thin shell over the library."""

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from safeguarding_metrics.errors import SafeguardingMetricsError
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
