"""Wording and number formats shared by the report's renderings."""

import textwrap
from collections.abc import Iterable, Mapping, Sequence

from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.report.core import DECIMALS, Cell, Report, ReportRow
from safeguarding_metrics.results import Count, Rate, Result

__all__ = [
    "arrow",
    "bands_text",
    "decimal",
    "diagnostic_summary",
    "excluded_text",
    "group",
    "key",
    "percent",
    "sentence",
    "thousands",
    "unsupported_groups",
    "value_text",
    "wrap",
]

_EXAMPLES = 3


def thousands(n: int) -> str:
    """``12,345``."""
    return f"{n:,}"


def percent(value: float | None) -> str:
    """``85.4%``, or ``–`` for no value."""
    return "–" if value is None else f"{value:.{DECIMALS}f}%"


def decimal(value: float | None) -> str:
    """``17.0``, or ``–`` for no value."""
    return "–" if value is None else f"{value:.{DECIMALS}f}"


def value_text(result: Result) -> str:
    """The figure a table shows for *result*: a percentage, a count or a median."""
    if isinstance(result, Rate):
        return percent(result.value)
    if isinstance(result, Count):
        return thousands(result.count)
    return decimal(result.median)


def excluded_text(excluded: Mapping[str, int]) -> str:
    """``end-before-start 2, missing-start 1``."""
    return ", ".join(f"{reason} {thousands(n)}" for reason, n in excluded.items())


def bands_text(bands: Mapping[str, int]) -> str:
    """``0: 28 | 1–10: 195``."""
    return " | ".join(f"{label}: {thousands(n)}" for label, n in bands.items())


def arrow(cell: Cell) -> str:
    """The cell's arrow (↑ ↓ ↔ –), or ``""`` when it is not compared."""
    return cell.direction.arrow if cell.direction is not None else ""


def key(report: Report) -> str:
    """The key to the arrows, saying what each column is compared with."""
    if report.compare == "none":
        return ""
    arrows = "↑ better, ↓ worse, ↔ no change, – not comparable (neutral measures: ↑ up, ↓ down)."
    if len(report.columns) == 1:
        previous = report.previous_period
        return f"Compared with {previous.label}: {arrows}" if previous is not None else ""
    if report.compare == "year-earlier":
        return f"Each column compared with the same period a year earlier: {arrows}"
    first = report.previous_period
    before = f" (the first with {first.label})" if first is not None else ""
    return f"Each column compared with the column before it{before}: {arrows}"


def sentence(text: str) -> str:
    """*text* with a capital first letter."""
    return text[:1].upper() + text[1:]


def group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Key -> the values paired with it, in order."""
    groups: dict[str, list[str]] = {}
    for name, value in pairs:
        groups.setdefault(name, []).append(value)
    return groups


def unsupported_groups(rows: Sequence[ReportRow], position: int = 0) -> dict[str, list[str]]:
    """Reason -> the ids of the indicators the data cannot support in column *position*."""
    return group(
        (row.cells[position].unsupported or "", row.id)
        for row in rows
        if row.cells[position].unsupported is not None
    )


def wrap(text: str, width: int, indent: str = "", subsequent: str = "") -> list[str]:
    """*text* wrapped at spaces only: an indicator id is never broken at its hyphens."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=subsequent or indent,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [indent.rstrip()]


def diagnostic_summary(
    diagnostics: Sequence[Diagnostic], *, examples: int = _EXAMPLES, places: bool = True
) -> list[str]:
    """Problems grouped by file, field and problem, with counts and the first few places.

    Each line reads ``"12 × 903/2024/episodes.csv: DEC: not a date ...; e.g. line 4
    '31/02/2024', line 9 '2024-13-01'"``; every diagnostic is in exactly one group. With
    *places* False the places and values are left out (for a file that must hold no
    personal identifiers).
    """
    groups: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for item in diagnostics:
        groups.setdefault((item.file, item.field, item.problem), []).append(item)
    lines = []
    for (file, field, problem), members in sorted(groups.items()):
        shown = [
            f"{d.where} {d.value!r}" if d.value else d.where for d in members[:examples] if d.where
        ]
        more = f", and {len(members) - examples} more" if len(members) > examples else ""
        place = f"{file}: " if file else ""
        what = f"{field}: " if field else ""
        example = f"; e.g. {', '.join(shown)}{more}" if shown and places else ""
        lines.append(f"{len(members)} × {place}{what}{problem}{example}")
    return lines
