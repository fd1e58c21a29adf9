"""Pieces shared by the CIN census and SSDA903 readers: dates, codes, diagnostics, errors."""

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import ReadError

__all__ = [
    "DATE_CACHE",
    "DiagnosticLog",
    "StrictReadError",
    "as_paths",
    "looked_after_ids",
    "parse_date",
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
