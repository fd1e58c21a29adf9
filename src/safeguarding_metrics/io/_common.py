"""Pieces shared by the CIN census and SSDA903 readers: dates, codes, diagnostics, errors."""

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import ReadError

__all__ = [
    "DATE_CACHE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "DiagnosticLog",
    "StrictReadError",
    "as_paths",
    "collection_year_of_key",
    "looked_after_ids",
    "parse_date",
    "years_in_name",
]

PathLike = str | os.PathLike[str]


class StrictReadError(ReadError):
    """Raised in strict mode when reading met problems; `diagnostics` lists them all."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)


def as_paths(paths: Iterable[PathLike] | PathLike, what: str) -> list[Path]:
    """*paths* as a list of `Path`, a single path becoming a list of one."""
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    result = [Path(p) for p in paths]
    if not result:
        raise ReadError(f"no {what} given")
    return result


class DiagnosticLog:
    """Collects the diagnostics of one read, in the order they were met."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, file: str, where: str, field: str, value: str, problem: str) -> None:
        """Record one problem."""
        self.items.append(
            Diagnostic(file=file, where=where, field=field, value=value, problem=problem)
        )

    def finish(self, *, strict: bool, what: str) -> tuple[Diagnostic, ...]:
        """The diagnostics, or `StrictReadError` when *strict* and there are any."""
        if strict and self.items:
            shown = "\n".join(f"  {d}" for d in self.items[:20])
            more = len(self.items) - 20
            tail = f"\n  ... and {more} more" if more > 0 else ""
            raise StrictReadError(
                f"strict mode: reading the {what} met {len(self.items)} problem(s):\n{shown}{tail}",
                self.items,
            )
        return tuple(self.items)


# Spreadsheets that export a date column as date-times add a midnight time to every date.
_MIDNIGHT = (" 00:00:00", " 00:00", "T00:00:00")


def _parse_date_uncached(text: str) -> dt.date | None:
    for midnight in _MIDNIGHT:
        if text.endswith(midnight):
            text = text[: -len(midnight)]
            break
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    parts = text.split("/")
    if len(parts) == 3:
        day, month, year = parts
        if (
            1 <= len(day) <= 2
            and 1 <= len(month) <= 2
            and len(year) == 4
            and (day + month + year).isascii()
            and (day + month + year).isdigit()
        ):
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


DATE_CACHE: dict[str, dt.date | None] = {}


def parse_date(text: str) -> dt.date | None:
    """A date written `dd/mm/yyyy` (day and month may be one digit) or `yyyy-mm-dd`.

    A midnight time after the date, as spreadsheets export date columns
    (``01/04/2024 00:00``), is accepted; any other time is not, since it would be a guess.
    Returns `None` when *text* is neither, or names no real day (31/02/2024).
    """
    try:
        return DATE_CACHE[text]
    except KeyError:
        pass
    value = _parse_date_uncached(text)
    if len(DATE_CACHE) < 50_000:  # about 70 years of days, in two spellings
        DATE_CACHE[text] = value
    return value


def shown(value: str, limit: int = 60) -> str:
    """*value* cut to *limit* characters for a diagnostic."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def looked_after_ids(dataset: Dataset) -> set[str]:
    """The ids of children with an SSDA903 record (episode, review or OC3)."""
    return (
        {e.child_id for e in dataset.episodes}
        | {r.child_id for r in dataset.lac_reviews}
        | {c.child_id for c in dataset.care_leavers}
    )


# -- collection years in names -------------------------------------------------------------

FIRST_YEAR = 1900
"""The earliest collection year a name or key may give (the records accept 1900 to 2200)."""
LAST_YEAR = 2200
"""The latest collection year a name or key may give."""

# A year range, "2023-24", "2023_24", "2023-2024" or "2023/24"; then a lone year, "2024".
# Digits next to other digits are part of a longer number (a date, an id), not a year.
_YEAR_RANGE = re.compile(r"(?<![0-9])([0-9]{4})[-_/]([0-9]{4}|[0-9]{2})(?![0-9])")
_LONE_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
# A date, "2024-03-31" or "2024_03_31": the collection year it falls in.
_DATE = re.compile(r"(?<![0-9])([0-9]{4})([-_])([0-9]{2})\2([0-9]{2})(?![0-9])")


def _plausible(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _range_years(first: int, second_text: str) -> set[int]:
    """The years a range names: its later year, or both ends when they do not follow."""
    second = int(second_text)
    if len(second_text) == 2:  # "2023-24": the later year in the first one's century
        second += first - first % 100 + (100 if first % 100 == 99 and second == 0 else 0)
    if second == first + 1:
        return {second}
    return {first, second} if _plausible(second) else {first}


def years_in_name(name: str) -> set[int]:
    """The collection years a file or folder name gives: one, none, or several (unclear).

    A collection year is the year in which the return's 31 March falls. A name gives it as a
    year (``2024``, ``903_2024``) or as a statutory year, the later year counting
    (``2023-24``, ``2023_24``, ``2023-2024``, ``2023/24``). Four-digit numbers outside
    `FIRST_YEAR`..`LAST_YEAR`, and digits that are part of a longer number, are not years.
    A range whose ends do not follow each other (``2017-2019``) gives both its years. A
    date (``2024-03-31``, as a folder named by its return's reference date) gives the
    collection year it falls in.

    Examples:
        >>> years_in_name("903_2024"), years_in_name("2023-24"), years_in_name("returns")
        ({2024}, {2024}, set())
        >>> years_in_name("cin-2024-03-31"), years_in_name("extract_2024_07_21")
        ({2024}, {2025})
        >>> sorted(years_in_name("2017 to 2019"))
        [2017, 2019]
    """
    years: set[int] = set()
    rest = name
    for match in _DATE.finditer(name):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
        try:
            dt.date(year, month, day)
        except ValueError:
            continue  # not a real date: its digits are read as years below
        if _plausible(year):
            years.add(year if month <= 3 else year + 1)
        rest = rest[: match.start()] + " " * len(match[0]) + rest[match.end() :]
    for match in _YEAR_RANGE.finditer(rest):
        first = int(match[1])
        if not _plausible(first):
            continue
        years |= _range_years(first, match[2])
        rest = rest[: match.start()] + " " * len(match[0]) + rest[match.end() :]
    for match in _LONE_YEAR.finditer(rest):
        year = int(match[1])
        if _plausible(year):
            years.add(year)
    return years


def collection_year_of_key(key: object) -> int:
    """The collection year *key* gives: a whole number, or text such as ``"2023-24"``.

    Raises:
        ReadError: *key* is neither a year from `FIRST_YEAR` to `LAST_YEAR` nor a
            statutory year written ``2023-24``, ``2023_24``, ``2023-2024`` or ``2023/24``.

    Examples:
        >>> collection_year_of_key(2024), collection_year_of_key("2023-24")
        (2024, 2024)
    """
    if isinstance(key, int) and not isinstance(key, bool):
        if _plausible(key):
            return key
    elif isinstance(key, str):
        text = key.strip()
        match = _YEAR_RANGE.fullmatch(text) or _LONE_YEAR.fullmatch(text)
        if match is not None:
            years = years_in_name(text)
            if len(years) == 1:
                return years.pop()
    raise ReadError(
        f"{key!r} is not a collection year: give the year in which the return's 31 March "
        f"falls, as a whole number from {FIRST_YEAR} to {LAST_YEAR} (2024) or as text "
        "such as '2024' or '2023-24'"
    )
