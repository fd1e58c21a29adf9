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

import attrs

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError, SafeguardingMetricsError
from safeguarding_metrics.layouts import LAYOUTS
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.report.core import COMPARE_MODES, CompareMode
from safeguarding_metrics.report.formats import FORMATS
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


def _month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month in YYYY-MM form")
    return int(match.group(1)), int(match.group(2))


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


_SINGLE_PERIODS = ("quarter", "rolling_12_months_to", "year_to_date", "month", "between")


def _check_period_options(args: argparse.Namespace) -> None:
    """Refuse period options that contradict each other, before anything is read."""
    singles = [name for name in _SINGLE_PERIODS if getattr(args, name) is not None]
    flags = {
        name: "--" + name.replace("_", "-") for name in (*_SINGLE_PERIODS, "columns", "layout")
    }
    if len(singles) > 1:
        raise UsageError(f"{flags[singles[0]]} cannot be combined with {flags[singles[1]]}")
    if args.columns and args.layout:
        raise UsageError("--columns and --layout both choose the columns: give one")
    if singles and (args.columns or args.layout):
        which = "--columns" if args.columns else "--layout"
        raise UsageError(f"{flags[singles[0]]} cannot be combined with {which}")
    if singles and singles[0] != "quarter" and args.year_ending is not None:
        raise UsageError(f"{flags[singles[0]]} cannot be combined with --year-ending")
    if args.quarter is not None and args.year_ending is None and not args.demo:
        raise UsageError("--quarter needs --year-ending: the quarter of which year?")


def _columns(args: argparse.Namespace, data: Dataset) -> tuple[list[Any], str]:
    """The report's columns the options ask for, and a note when they were chosen for the user.

    One column for a single period; several for --columns or --layout. With no period asked
    for, the latest collection year the returns cover; for --demo, the Cabinet layout
    (the last whole year, then this year to the end of each quarter to 30 September).
    """
    from safeguarding_metrics.layouts import column_for, layout, parse_columns

    if args.rolling_12_months_to is not None:
        return [column_for(ReportingPeriod.rolling_12_months(as_at=args.rolling_12_months_to))], ""
    if args.year_to_date is not None:
        return [column_for(ReportingPeriod.year_to_date(as_at=args.year_to_date))], ""
    if args.month is not None:
        return [column_for(ReportingPeriod.month(*args.month))], ""
    if args.between is not None:
        return [column_for(ReportingPeriod.between(*args.between))], ""
    if args.columns or args.layout:
        as_at = args.as_at or _as_at(args, data)
        if args.columns:
            year = args.year_ending
            return list(parse_columns(args.columns, year=year, as_at=as_at)), ""
        return list(layout(args.layout, as_at=as_at)), ""
    if args.demo and args.year_ending is None and args.quarter is None:
        as_at = dt.date(args.demo_year_ending - 1, 9, 30)
        note = (
            "The demo council's Cabinet table: the last whole year, then this year to the end "
            f"of each quarter (--layout quarters-ytd --as-at {as_at})."
        )
        return list(layout("quarters-ytd", as_at=as_at)), note
    year = (
        args.year_ending
        if args.year_ending is not None
        else (args.demo_year_ending if args.demo else None)
    )
    note = ""
    if year is None:
        year = _latest_year(data)
        if year is None and getattr(args, "inspection_date", None) is not None:
            from safeguarding_metrics.io.annex_a import annex_a_period

            note = "No period was asked for: reporting on the six months to the inspection date."
            return [column_for(annex_a_period(args.inspection_date))], note
        if year is None and data.coverage:
            period = _latest_stretch(data)
            note = "No period was asked for: reporting on the latest stretch the data covers."
            return [column_for(period)], note
        if year is None:
            raise UsageError(
                "say which period to report on: --year-ending YYYY (with --quarter N for a "
                "quarter), --rolling-12-months-to, --year-to-date, --month, --between, "
                "--columns or --layout (the data records no collection year to choose one from)"
            )
        note = "No period was asked for: reporting on the latest whole year the returns cover."
    period = ReportingPeriod.year_ending(year)
    return [column_for(period.quarter(args.quarter) if args.quarter is not None else period)], note


def _as_at(args: argparse.Namespace, data: Dataset) -> dt.date:
    """The date --columns and --layout lay out for, when --as-at is not given."""
    if args.year_ending is not None:
        return dt.date(args.year_ending, 3, 31)
    if args.demo:
        return dt.date(args.demo_year_ending, 3, 31)
    ends = [r.end for r in data.coverage.returns]
    if not ends:
        raise UsageError(
            "--columns and --layout need a date to lay out for: give --as-at YYYY-MM-DD "
            "(the data records no returns to take the latest date from)"
        )
    return max(ends)


def _latest_year(data: Dataset) -> int | None:
    """The latest collection year the returns of *data* cover whole, if one is recorded.

    A return made during its year (a CIN census with a July reference date) covers only
    part of it, and the year before is not covered by it: then there is no whole year.
    """
    years = [
        r.year
        for r in data.coverage.returns
        if r.year is not None
        and any(data.coverage.covers(table, *_year_span(r.year)) for table in r.tables)
    ]
    return max(years) if years else None


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def _latest_stretch(data: Dataset) -> ReportingPeriod:
    """The data's latest stretch as a period: this year to its last day, or from its start."""
    last = max(r.end for r in data.coverage.returns)
    begins = max(r.start for r in data.coverage.returns if r.start <= last)
    ytd = ReportingPeriod.year_to_date(as_at=last)
    return ytd if begins <= ytd.start else ReportingPeriod.between(begins, last)


class _Once(argparse.Action):
    """Stores an option's value, refusing a second one (which would silently replace it)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} was given twice; give it once")
        setattr(namespace, self.dest, values)


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
    """The dataset the report options name: files, folders, or the synthetic cohort.

    Sources merge with `Dataset.__or__`: where two hold the same record (the same referral,
    episode or contact), the later one wins: by collection year between annual returns,
    else the source whose data ends later (an SSD extract made after a census's 31 March
    wins over the census); whatever the order of the options. Each source's coverage is
    kept.
    """
    ssd = getattr(args, "ssd", None)
    annex_a = getattr(args, "annex_a", None)
    contacts = getattr(args, "contacts", None)
    inspection: dt.date | None = getattr(args, "inspection_date", None)
    extract_date = getattr(args, "ssd_extract_date", None)
    given = bool(args.cin or args.ssda903 or ssd or annex_a or contacts)
    if args.demo and given:
        raise UsageError(
            "--demo uses built-in data: leave out --cin, --ssda903, --ssd, --annex-a and --contacts"
        )
    if annex_a is not None and inspection is None:
        raise UsageError("--annex-a needs --inspection-date: the lists cover the six months to it")
    if inspection is not None and annex_a is None:
        raise UsageError("--inspection-date applies to --annex-a")
    if extract_date is not None and ssd is None:
        raise UsageError("--ssd-extract-date applies to --ssd")
    if args.demo:
        from safeguarding_metrics.synthetic import synthetic_dataset

        return synthetic_dataset(year_ending=args.demo_year_ending)
    if not given:
        raise UsageError(
            "give data to report on: --cin FILE..., --ssda903 DIR..., --ssd DIR, "
            "--annex-a FILE --inspection-date DATE, --contacts FILE, or --demo"
        )
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
    if annex_a is not None:
        from safeguarding_metrics.io.annex_a import read_annex_a

        if not annex_a.is_file():
            raise UsageError(f"{annex_a}: no such Annex A workbook")
        if inspection is not None:  # checked above: --annex-a comes with its date
            data = data | read_annex_a(annex_a, inspection, strict=False)
    if ssd is not None:
        from safeguarding_metrics.io.ssd import read_ssd

        if not ssd.exists():
            raise UsageError(f"{ssd}: no such SSD folder")
        data = data | read_ssd(ssd, extract_date=extract_date, strict=False)
    if contacts is not None:
        from safeguarding_metrics.io.contacts import read_contacts

        if not contacts.is_file():
            raise UsageError(f"{contacts}: no such contacts file")
        data = data | read_contacts(contacts, strict=False)
    return data


def _ssda903_argument(folders: list[tuple[str | None, Path]]) -> Any:
    """What `read_ssda903` takes: folders, or a mapping of year to folder.

    Folders given as ``YEAR=DIR`` keep that year; the others take the year their name gives
    (a folder whose name gives none is left to the reader, which says how to give it).
    """
    from safeguarding_metrics.io import ssda903

    if all(year is None for year, _ in folders):
        return [path for _, path in folders]
    mapping: dict[str, Path] = {}
    for year, path in folders:
        if year is None:
            named = ssda903.years_of_return(path)
            if len(named) != 1:
                return ssda903.read_ssda903([path])  # raises the reader's own error
            year = str(named.pop())
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


def _apply_config(args: argparse.Namespace) -> None:
    """Fill the options not given on the command line from the --config file."""
    if args.config is None:
        return
    from safeguarding_metrics.report.config import load_config

    config = load_config(args.config)
    period_given = any(
        getattr(args, name) not in (None, [])
        for name in (
            "year_ending",
            "quarter",
            "rolling_12_months_to",
            "year_to_date",
            "month",
            "between",
            "columns",
            "layout",
        )
    )
    if period_given:  # the command line chose the period: the file's period settings yield
        config = attrs.evolve(config, columns=(), layout=None, as_at=None, year_ending=None)
    for name in (
        "cin",
        "closures",
        "population",
        "comparators",
        "columns",
        "layout",
        "ssd",
        "ssd_extract_date",
        "annex_a",
        "inspection_date",
        "contacts",
    ):
        if getattr(args, name) in (None, []):
            value = getattr(config, name)
            setattr(args, name, list(value) if isinstance(value, tuple) else value)
    if not args.ssda903 and config.ssda903:
        args.ssda903 = list(config.ssda903)
    for name in ("as_at", "year_ending", "compare", "title", "format", "output"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(config, name))
    if not args.indicator and config.indicators:
        args.indicator = list(config.indicators)
    if not args.skip and config.skip:
        args.skip = list(config.skip)
    if config.england is False:
        args.no_england = True
    args.config_options = config.options


def _parse_options(texts: Sequence[str], base: Any) -> dict[str, dict[str, Any]]:
    """``ID:NAME=VALUE`` texts as indicator id -> option name -> value, checked against the card.

    A value is matched against the option's choices as written (``true``, ``365-days``); a
    free value is read as a whole number, then a date, then text.
    """
    options: dict[str, dict[str, Any]] = {
        indicator_id: dict(values) for indicator_id, values in (base or {}).items()
    }
    for text in texts:
        match = re.fullmatch(r"([a-z0-9-]+):([a-z_]+)=(.*)", text.strip())
        if not match:
            raise UsageError(
                f"--option {text!r}: write ID:NAME=VALUE, e.g. assessment-45wd:anchor=referral"
            )
        indicator_id, name, value = match.groups()
        card = INDICATORS.get(indicator_id)
        if card is None:
            raise UsageError(f"--option {text!r}: no indicator {indicator_id!r}")
        known = {option.name: option for option in card.options}
        if name not in known:
            listed = ", ".join(known) or "none"
            raise UsageError(
                f"--option {text!r}: {indicator_id} has no option {name!r}; its options are: {listed}"
            )
        options.setdefault(indicator_id, {})[name] = _option_value(known[name], value)
    for indicator_id, values in options.items():
        card = INDICATORS.get(indicator_id)
        if card is None:
            raise UsageError(f"option for unknown indicator {indicator_id!r}")
        known = {option.name: option for option in card.options}
        for name, value in values.items():
            if name not in known:
                listed = ", ".join(known) or "none"
                raise UsageError(
                    f"{indicator_id} has no option {name!r}; its options are: {listed}"
                )
            try:
                known[name].check(indicator_id, value)
            except InvalidOptionError as error:
                raise UsageError(str(error)) from None
    return options


def _option_value(option: Any, text: str) -> Any:
    for choice in option.choices:
        if str(choice).lower() == text.strip().lower():
            return choice
    if option.choices:
        listed = ", ".join(
            str(c).lower() if isinstance(c, bool) else str(c) for c in option.choices
        )
        raise UsageError(f"option {option.name}={text!r} is not one of {listed}")
    stripped = text.strip()
    if re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    if _ISO_FORM.match(stripped):
        return parse_iso_date(stripped)
    return stripped


def _report(args: argparse.Namespace) -> int:
    from safeguarding_metrics.report import (
        diagnostic_summary,
        read_comparators,
        run_report,
        write_audit,
    )

    args.config_options = {}
    _apply_config(args)
    args.format = args.format or "table"
    args.demo_year_ending = args.year_ending or 2025
    _check_period_options(args)
    if args.no_compare and args.compare not in (None, "none"):
        raise UsageError("--no-compare cannot be combined with --compare")
    compare: CompareMode = "none" if args.no_compare else (args.compare or "previous")
    options = _parse_options(args.option or [], args.config_options)
    if args.format == "xlsx" and args.output is None:
        raise UsageError("--format xlsx writes a workbook: give -o FILE.xlsx")
    if args.with_children and args.format not in ("html", "xlsx"):
        raise UsageError("--with-children applies to --format html and xlsx")
    for given, what in ((args.closures, "closures"), (args.comparators, "comparators")):
        if given is not None and not given.is_file():
            raise UsageError(f"{given}: no such {what} file")
    closures = read_closures(args.closures) if args.closures else []
    calendar = WorkingDayCalendar.england(extra_closures=closures)
    comparators = read_comparators(args.comparators) if args.comparators else ()
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
    columns, note = _columns(args, data)
    report = run_report(
        data,
        columns=columns,
        compare=compare,
        calendar=calendar,
        indicators=args.indicator or None,
        skip=args.skip or (),
        options=options,
        population=args.population,
        comparators=comparators,
        england=not args.no_england,
        title=args.title or "",
        period_note=note,
    )
    _write_report(args, report, data)
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
            "safeguarding-metrics: error: no indicator could be computed for the periods "
            "asked for: the data cannot support them (see the report)"
        )
        return EXIT_ERROR
    return EXIT_OK


def _write_report(args: argparse.Namespace, report: Any, data: Dataset) -> None:
    """The report in its format, to -o FILE or standard output."""
    if args.format == "html":
        from safeguarding_metrics.report.render_html import render_html

        text = render_html(report, data, with_children=args.with_children)
    elif args.format == "xlsx":
        from safeguarding_metrics.report.render_xlsx import write_xlsx

        write_xlsx(report, data, args.output, with_children=args.with_children)
        _say(f"Wrote the report to {args.output}")
        return
    elif args.format == "table":
        width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120
        text = report.to_table(width=max(width, 80))
    else:
        text = report.render(args.format)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        _say(f"Wrote the report to {args.output}")
    else:
        write_text(text, sys.stdout)


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
        write_text(f"{path}\n", sys.stdout)
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
    data.add_argument(
        "--cin",
        nargs="+",
        action="extend",
        type=Path,
        metavar="FILE",
        help="CIN census XML files, in any order (the option may be repeated)",
    )
    data.add_argument(
        "--ssda903",
        nargs="+",
        action="extend",
        metavar="DIR",
        help=(
            "SSDA903 folders, one per year, in any order (the option may be repeated): each "
            "folder's collection year is read from its name (2024, 2023-24, 903_2024) or "
            "given as YEAR=DIR"
        ),
    )
    data.add_argument(
        "--ssd",
        type=Path,
        action=_Once,
        metavar="DIR",
        help="a Standard Safeguarding Dataset extract: a folder of one CSV file per ssd_ table",
    )
    data.add_argument(
        "--ssd-extract-date",
        type=_date,
        metavar="DATE",
        help="the day the SSD was built (default: its latest event date)",
    )
    data.add_argument(
        "--annex-a",
        type=Path,
        action=_Once,
        metavar="FILE",
        help="an Ofsted Annex A workbook (.xlsx)",
    )
    data.add_argument(
        "--inspection-date",
        type=_date,
        metavar="DATE",
        help="the inspection date of --annex-a: its lists cover the six months to it",
    )
    data.add_argument(
        "--contacts",
        type=Path,
        action=_Once,
        metavar="FILE",
        help="a contacts extract (CSV: child id, contact date, decision date, outcome, source)",
    )
    data.add_argument("--demo", action="store_true", help="use the built-in synthetic cohort")
    data.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="read the report's settings from a TOML file (options given here win)",
    )
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
    when.add_argument("--year-to-date", type=_date, metavar="DATE", help="from 1 April to DATE")
    when.add_argument("--month", type=_month, metavar="YYYY-MM", help="one calendar month")
    when.add_argument(
        "--between", type=_date, nargs=2, metavar=("START", "END"), help="any range, both days in"
    )
    when.add_argument(
        "--columns",
        nargs="+",
        metavar="PERIOD",
        help=(
            "several periods side by side: 2023-24, Q1, Q2-ytd, 2024-25-Q3, ytd, 2024-01, "
            "Jan-24, rolling, 2024-01-01..2024-03-31 (Q and ytd of the year of --as-at)"
        ),
    )
    when.add_argument(
        "--layout",
        choices=LAYOUTS,
        help=(
            "a usual set of columns for --as-at: quarters-ytd is the last whole year, then "
            "the year to the end of each quarter"
        ),
    )
    when.add_argument(
        "--as-at",
        type=_date,
        metavar="DATE",
        help="the date --columns and --layout lay out for (default: the data's last day)",
    )
    when.add_argument(
        "--compare",
        choices=COMPARE_MODES,
        help=(
            "arrows against the column before (previous, the default; the first column against "
            "the period before it), the same period a year earlier, or none"
        ),
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        help="table (default), markdown, csv, json, or html and xlsx (with -o FILE)",
    )
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
        "--skip", action="append", metavar="ID", help="leave this indicator out (repeatable)"
    )
    report.add_argument(
        "--option",
        action="append",
        metavar="ID:NAME=VALUE",
        help="an indicator's option, e.g. assessment-45wd:anchor=referral (repeatable)",
    )
    report.add_argument(
        "--comparators",
        type=Path,
        metavar="FILE",
        help="a CSV of comparator figures: indicator_id, label, value, year",
    )
    report.add_argument(
        "--no-england", action="store_true", help="leave out England's published figures"
    )
    report.add_argument("--title", help="the report's title")
    report.add_argument(
        "--with-children",
        action="store_true",
        help=("html, xlsx: list the child ids behind each number (personal data: off by default)"),
    )
    report.add_argument(
        "--population", type=_whole, metavar="N", help="child population, for counts per 10,000"
    )
    report.add_argument(
        "--no-compare", action="store_true", help="no arrows (the same as --compare none)"
    )
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
