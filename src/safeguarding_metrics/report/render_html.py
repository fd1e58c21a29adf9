"""The report as one self-contained HTML page: a Cabinet table per area, with trends and notes.

The page needs nothing but a browser: no network, no script, its styles and charts inline.
Each area (timescales, referrals, child protection, looked after, care leavers, counts) has
a section with a table per kind of figure, a coloured arrow beside each figure, a small trend
chart per indicator and the comparators at the right; each card's definition is one click
away. The exclusions, the figures not shown and the data problems follow in lists, and the
page prints on A4 landscape.
"""

import datetime as dt
import html
import importlib.metadata
import re
from collections.abc import Iterable, Sequence

import attrs
import numpy as np

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.report.core import Cell, Report, ReportRow, shown_value
from safeguarding_metrics.report.text import (
    decimal,
    diagnostic_summary,
    group,
    percent,
    sentence,
    thousands,
    unsupported_groups,
)
from safeguarding_metrics.results import (
    Audit,
    Count,
    Direction,
    Distribution,
    Outcome,
    Polarity,
    Rate,
    Result,
)

__all__ = ["AREAS", "CHILD_ID_MARK", "KINDS", "area_of", "areas", "render_html"]

AREAS: tuple[tuple[str, str], ...] = (
    ("timescales", "Timescales"),
    ("referrals", "Referrals"),
    ("child-protection", "Child protection"),
    ("looked-after", "Looked after"),
    ("care-leavers", "Care leavers"),
    ("counts", "Counts"),
)
"""The report's areas, in the order it shows them: (key, heading)."""

KINDS: tuple[tuple[str, str], ...] = (
    ("rate", "Rates"),
    ("count", "Counts"),
    ("distribution", "Distributions"),
)
"""The kinds of figure, in the order an area's tables show them: (card kind, heading)."""

_TONE = {
    Direction.IMPROVED: "better",
    Direction.DECLINED: "worse",
    Direction.UNCHANGED: "same",
    Direction.NOT_COMPARABLE: "none",
    Direction.UP: "neutral",
    Direction.DOWN: "neutral",
}
_WORDS = {
    Direction.IMPROVED: "Better than",
    Direction.DECLINED: "Worse than",
    Direction.UNCHANGED: "The same as",
    Direction.UP: "Up on",
    Direction.DOWN: "Down on",
}
# Bars of the columns, oldest lightest; repeats after six columns.
_PALETTE = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
_PER_10K = "Per 10,000"
# A run of characters an id may be made of: text is cut at spaces, punctuation and "/".
_TOKEN = re.compile(r"[^\s,;:'\"()\[\]{}<>/|=]+")
CHILD_ID_MARK = "(a child id)"
"""What a child id met in a problem's or an error's text reads as, without *with_children*."""
_CODE = re.compile(r"`([^`]+)`")


def area_of(card: Indicator) -> str:
    """The area a card belongs to: the family module of its function.

    Care leavers' indicators (those whose cohort is read from ``care_leavers``) are an area
    of their own, though the looked-after family computes them.
    """
    if card.inputs[:1] == ("care_leavers",):
        return "care-leavers"
    return card.function.__module__.rsplit(".", 1)[-1].replace("_", "-")


def areas(rows: Iterable[ReportRow]) -> list[tuple[str, str, list[ReportRow]]]:
    """(key, heading, rows) of each area holding rows: `AREAS` first, then any other."""
    found: dict[str, list[ReportRow]] = {}
    for row in rows:
        found.setdefault(area_of(row.card), []).append(row)
    headings = dict(AREAS)
    ordered = [key for key, _ in AREAS if key in found]
    ordered += [key for key in found if key not in headings]
    return [
        (key, headings.get(key, sentence(key.replace("-", " "))), found[key]) for key in ordered
    ]


def _e(text: object) -> str:
    """*text* escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _prose(text: str) -> str:
    """Card text escaped, with its `code` spans as code."""
    return _CODE.sub(r"<code>\1</code>", _e(text))


def _value_text(result: Result | None) -> str:
    """The figure a table shows for *result* (``–`` for none)."""
    if result is None:
        return "–"
    if isinstance(result, Rate):
        return percent(result.value)
    if isinstance(result, Count):
        return thousands(result.count)
    unit = f" {result.unit}" if result.unit else ""
    return f"median {decimal(result.median)}{unit}" if result.median is not None else "no median"


def _comparator_text(card: Indicator, value: float) -> str:
    return percent(value) if card.kind == "rate" else f"{value:g}"


def _arrow(row: ReportRow, cell: Cell) -> str:
    """The arrow cell: coloured by better or worse, its comparison in the tooltip."""
    direction = cell.direction
    if direction is None:
        return '<td class="arrow"></td>'
    against = cell.compared_with.label if cell.compared_with is not None else ""
    if direction is Direction.NOT_COMPARABLE:
        if cell.comparison_unsupported is not None:
            reason = cell.comparison_unsupported
        elif cell.comparison_error is not None:
            reason = f"not computed: {cell.comparison_error}"
        else:
            reason = "one of the two has no figure"
        title = f"Not comparable with {against}: {reason}"
    else:
        title = f"{_WORDS[direction]} {against} ({_value_text(cell.comparison)})"
    tone = _TONE[direction]
    return (
        f'<td class="arrow {tone}" title="{_e(title)}">'
        f'<span aria-label="{_e(title)}">{direction.arrow}</span></td>'
    )


def _child_ids(audit: Audit | None, outcome: str) -> tuple[int, str]:
    """How many children have *outcome* in *audit*, and their ids (``×n`` for repeats)."""
    if audit is None:
        return 0, ""
    ids = audit.child_ids[audit.where(outcome)]
    unique, counts = np.unique(ids, return_counts=True)
    repeats = np.char.add(np.char.add(unique, " ×"), counts.astype(np.str_))
    labels = np.where(counts > 1, repeats, unique)
    return len(unique), ", ".join(labels.tolist())


def _behind(number: str, audit: Audit | None, outcome: str, what: str) -> str:
    """*number*, with the child ids of *outcome* one click away."""
    children, ids = _child_ids(audit, outcome)
    listed = ids or "none"
    return (
        f'<details class="ids"><summary>{_e(number)}</summary>'
        f'<div class="idlist"><strong>{_e(what)} ({thousands(children)} '
        f"{'child' if children == 1 else 'children'}):</strong> {_e(listed)}</div></details>"
    )


def _card(card: Indicator) -> str:
    """The card's definition, folded away behind a summary."""
    polarity = (
        f"{card.polarity.value} is better" if card.polarity is not Polarity.NEUTRAL else "neutral"
    )
    facts = [
        ("Kind", f"{card.kind}; {polarity}"),
        ("Legacy codes", ", ".join(card.legacy_codes) or "none"),
        ("Cohort", card.cohort),
        ("Numerator" if card.kind == "rate" else "Counts", card.numerator),
    ]
    if card.denominator:
        facts.append(("Denominator", card.denominator))
    facts.append(("Reads", ", ".join(f"`{table}`" for table in card.inputs)))
    if card.history is not None:
        facts.append(("Looks back", f"{card.history.describe()}: the data must hold it"))
    if card.england is not None:
        facts.append(
            (
                "England",
                f"{_comparator_text(card, card.england.value)} in {card.england.period} "
                f"({card.england.source})",
            )
        )
    parts = ['<details class="card"><summary>Definition</summary><div class="definition">']
    parts.append("<dl>")
    parts += [f"<dt>{_e(name)}</dt><dd>{_prose(value)}</dd>" for name, value in facts]
    parts.append("</dl>")
    if card.exclusions:
        parts.append("<h4>Exclusions</h4><ul>")
        parts += [
            f"<li><code>{_e(code)}</code>: {_prose(text)}</li>"
            for code, text in card.exclusions.items()
        ]
        parts.append("</ul>")
    if card.options:
        parts.append("<h4>Options</h4><ul>")
        for option in card.options:
            choices = ", ".join(repr(c) for c in option.choices) or "any accepted value"
            parts.append(
                f"<li><code>{_e(option.name)}</code> (default <code>{_e(repr(option.default))}"
                f"</code>; {_e(choices)}): {_prose(option.description)}</li>"
            )
        parts.append("</ul>")
    if card.notes:
        parts.append("<h4>Conventions</h4><ul>")
        parts += [f"<li>{_prose(note)}</li>" for note in card.notes]
        parts.append("</ul>")
    parts.append("<h4>Sources</h4><ul>")
    for source in card.sources:
        detail = f", {source.detail}" if source.detail else ""
        # The address as text, not a link: the page makes no request and names no target.
        url = f' <span class="url">{_e(source.url)}</span>' if source.url else ""
        parts.append(f"<li>{_e(source.publisher)}, {_e(source.title)}{_e(detail)}{url}</li>")
    parts.append("</ul></div></details>")
    return "".join(parts)


def _indicator_cell(row: ReportRow) -> str:
    codes = f' <span class="legacy">{_e(", ".join(row.card.legacy_codes))}</span>'
    return (
        f'<th scope="row" class="indicator"><span class="title">{_e(row.title)}</span> '
        f"<code>{_e(row.id)}</code>{codes if row.card.legacy_codes else ''}{_card(row.card)}</th>"
    )


def _known_ids(report: Report, dataset: Dataset) -> frozenset[str]:
    """Every child id of *dataset* and of the report's results."""
    found = [dataset.column(table, "child_id") for table in TABLES if not dataset.is_empty(table)]
    found += [
        result.audit.child_ids
        for row in report.rows
        for cell in row.cells
        for result in (cell.result, cell.comparison)
        if result is not None and result.audit is not None
    ]
    if not found:
        return frozenset()
    ids = np.unique(np.concatenate([np.asarray(a, dtype=np.str_) for a in found]))
    return frozenset(ids.tolist()) - {""}


def _scrub(text: str, ids: frozenset[str]) -> str:
    """*text* with each word that is one of *ids* replaced by `CHILD_ID_MARK`."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        core = token.rstrip(".")
        return CHILD_ID_MARK + token[len(core) :] if core in ids else token

    return _TOKEN.sub(replace, text)


def _without_ids(report: Report, dataset: Dataset) -> Report:
    """*report* with child ids taken out of every text that came from the data.

    Problems are shown without their places and values, and a problem's or an error's own
    text should name no child; should one do so all the same, the id is replaced.
    """
    ids = _known_ids(report, dataset)

    def clean(text: str | None) -> str | None:
        return None if text is None else _scrub(text, ids)

    rows = tuple(
        attrs.evolve(
            row,
            cells=tuple(
                attrs.evolve(
                    cell,
                    error=clean(cell.error),
                    unsupported=clean(cell.unsupported),
                    comparison_error=clean(cell.comparison_error),
                    comparison_unsupported=clean(cell.comparison_unsupported),
                )
                for cell in row.cells
            ),
        )
        for row in report.rows
    )
    diagnostics = tuple(
        attrs.evolve(
            d,
            file=_scrub(d.file, ids),
            where="",
            field=_scrub(d.field, ids),
            value="",
            problem=_scrub(d.problem, ids),
        )
        for d in report.diagnostics
    )
    return attrs.evolve(report, rows=rows, diagnostics=diagnostics)


class _Page:
    """The page being written: the report, its dataset and whether ids may be shown."""

    def __init__(self, report: Report, dataset: Dataset, *, with_children: bool) -> None:
        self.report = report if with_children else _without_ids(report, dataset)
        self.dataset = dataset
        self.with_children = with_children
        self.previous = len(report.columns) == 1 and report.previous_period is not None

    # The tables.

    def subcolumns(self, kind: str, rows: Sequence[ReportRow]) -> list[str]:
        """The headings of one report column's figures for tables of *kind*."""
        if kind == "rate":
            names = ["Number", "Of", "%"]
        elif kind == "count":
            names = ["Count"]
            if any(
                isinstance(c.result, Count) and c.result.per_10k is not None
                for r in rows
                for c in r.cells
            ):
                names.append(_PER_10K)
        else:
            names = ["Number", "Median"]
        if self.previous:
            previous = self.report.previous_period
            names.append(previous.label if previous is not None else "Previous")
        return names

    def figures(self, row: ReportRow, cell: Cell, sub: Sequence[str]) -> str:
        """One report column's cells of *row*: its figures (headed *sub*), then its arrow."""
        result = cell.result
        if result is None:
            span = len(sub) - 1 if self.previous else len(sub)
            if cell.unsupported is not None:
                text, reason, css = "n/a", cell.unsupported, "na"
            else:
                text, reason, css = "error", f"Not computed: {cell.error}", "error"
            cells = f'<td class="{css}" colspan="{span}" title="{_e(reason)}">{text}</td>'
            if self.previous:
                cells += '<td class="previous"></td>'
            return cells + '<td class="arrow"></td>'
        audit = result.audit if self.with_children else None
        parts: list[str] = []
        if isinstance(result, Rate):
            numerator = thousands(result.numerator)
            denominator = thousands(result.denominator)
            if self.with_children:
                numerator = _behind(numerator, audit, Outcome.NUMERATOR, "In the numerator")
                denominator = _behind(
                    denominator, audit, Outcome.DENOMINATOR, "In the denominator only"
                )
            parts += [
                f'<td class="num">{numerator}</td>',
                f'<td class="num">{denominator}</td>',
                f'<td class="value">{_e(percent(result.value))}</td>',
            ]
        elif isinstance(result, Count):
            count = thousands(result.count)
            if self.with_children:
                count = _behind(count, audit, Outcome.NUMERATOR, "Counted")
            parts.append(f'<td class="value">{count}</td>')
            if _PER_10K in sub:
                per = "" if result.per_10k is None else f"{result.per_10k:.1f}"
                parts.append(f'<td class="num">{per}</td>')
        else:
            total = thousands(result.total)
            if self.with_children:
                total = _behind(total, audit, Outcome.NUMERATOR, "Counted")
            parts += [
                f'<td class="num">{total}</td>',
                f'<td class="value" title="{_e(_value_text(result))}">'
                f"{_e(decimal(result.median))}</td>",
            ]
        if self.previous:
            before = cell.comparison
            shown = "" if before is None else _short(before)
            if cell.comparison_unsupported is not None:
                shown = f'<span title="{_e(cell.comparison_unsupported)}">n/a</span>'
            elif cell.comparison_error is not None:
                shown = f'<span title="{_e(cell.comparison_error)}">error</span>'
            else:
                shown = _e(shown)
            parts.append(f'<td class="previous">{shown}</td>')
        parts.append(_arrow(row, cell))
        return "".join(parts)

    def table(self, kind: str, heading: str, rows: Sequence[ReportRow], *, caption: bool) -> str:
        report = self.report
        sub = self.subcolumns(kind, rows)
        # The comparators any row of this table has, in the report's order.
        held = {c.label for row in rows for c in row.comparators}
        labels = [label for label in report.comparator_labels if label in held]
        width = len(sub) + 1
        out = [f'<div class="scroll"><table class="cabinet {kind}">']
        if caption:
            out.append(f"<caption>{_e(heading)}</caption>")
        out.append("<thead><tr>")
        out.append('<th rowspan="2" scope="col" class="indicator">Indicator</th>')
        out += [
            f'<th colspan="{width}" scope="colgroup" class="column">{_e(c.heading)}</th>'
            for c in report.columns
        ]
        out.append('<th rowspan="2" scope="col" class="trend">Trend</th>')
        out += [
            f'<th rowspan="2" scope="col" class="comparator">{_e(label)}</th>' for label in labels
        ]
        out.append("</tr><tr>")
        for _ in report.columns:
            out += [f'<th scope="col" class="sub">{_e(name)}</th>' for name in sub]
            out.append(
                '<th scope="col" class="sub arrow"><span class="hidden">Direction</span></th>'
            )
        out.append("</tr></thead><tbody>")
        for row in rows:
            out.append(f'<tr id="{_e(row.id)}">')
            out.append(_indicator_cell(row))
            out += [self.figures(row, cell, sub) for cell in row.cells]
            out.append(f'<td class="trend">{_trend_svg(report, row)}</td>')
            for label in labels:
                found = row.comparator(label)
                if found is None:
                    out.append('<td class="comparator"></td>')
                    continue
                source = f"{found.label} {found.year}" + (
                    f": {found.source}" if found.source else ""
                )
                out.append(
                    f'<td class="comparator" title="{_e(source)}">'
                    f"{_e(_comparator_text(row.card, found.value))}"
                    f'<span class="year">{_e(found.year)}</span></td>'
                )
            out.append("</tr>")
        out.append("</tbody></table></div>")
        if kind == "distribution":
            out.append('<div class="charts">')
            for row in rows:
                out.append(
                    f'<figure class="bars"><figcaption>{_e(row.title)}</figcaption>'
                    f"{_bars_svg(report, row)}</figure>"
                )
            out.append("</div>")
        return "".join(out)

    def sections(self) -> list[str]:
        shown = [row for row in self.report.rows if not row.is_empty]
        out: list[str] = []
        for key, heading, rows in areas(shown):
            kinds = [(kind, name, [r for r in rows if r.card.kind == kind]) for kind, name in KINDS]
            kinds = [(kind, name, found) for kind, name, found in kinds if found]
            out.append(f'<section class="area" id="area-{_e(key)}"><h2>{_e(heading)}</h2>')
            out += [
                self.table(kind, name, found, caption=len(kinds) > 1) for kind, name, found in kinds
            ]
            out.append("</section>")
        return out

    # The notes after the tables.

    def key(self) -> str:
        report = self.report
        items = [
            '<li><span class="arrow better">↑</span> better</li>',
            '<li><span class="arrow worse">↓</span> worse</li>',
            '<li><span class="arrow same">↔</span> no change</li>',
            '<li><span class="arrow none">–</span> not comparable (hover for why)</li>',
            '<li><span class="arrow neutral">↑ ↓</span> up or down, where neither is better</li>',
        ]
        if report.compare == "none":
            compared = "Figures are not compared: no arrows."
            items = []
        elif report.compare == "year-earlier":
            compared = "Each column is compared with the same period a year earlier."
        elif len(report.columns) == 1:
            previous = report.previous_period
            compared = (
                f"Compared with {previous.label if previous is not None else 'the period before'}."
            )
        else:
            first = report.previous_period
            before = f" (the first with {first.label})" if first is not None else ""
            compared = f"Each column is compared with the column before it{before}."
        legend = (
            '<li><span class="na">n/a</span> the data cannot support a figure (hover for why)</li>'
            '<li><svg class="legend" width="28" height="10" aria-hidden="true">'
            '<line x1="0" y1="5" x2="28" y2="5" class="england"/></svg> England, in trend charts</li>'
        )
        return (
            f'<section class="key" aria-label="Key"><p>{_e(compared)}</p>'
            f'<ul class="key">{"".join(items)}{legend}</ul></section>'
        )

    def exclusions(self) -> str:
        report = self.report
        rows = [
            row
            for row in report.rows
            if not row.is_empty
            and any(c.result is not None and c.result.excluded for c in row.cells)
        ]
        if not rows:
            return ""
        out = [
            '<section class="notes" id="exclusions"><h2>Exclusions</h2>',
            "<p>Records in an indicator's cohort that it left out, and why.</p>",
            '<div class="scroll"><table class="notes"><thead><tr><th scope="col">Indicator</th>'
            '<th scope="col">Reason</th>',
        ]
        out += [f'<th scope="col" class="num">{_e(c.heading)}</th>' for c in report.columns]
        out.append("</tr></thead><tbody>")
        for row in rows:
            reasons = list(
                dict.fromkeys(
                    reason
                    for c in row.cells
                    if c.result is not None
                    for reason in c.result.excluded
                )
            )
            for position, reason in enumerate(reasons):
                out.append("<tr>")
                if position == 0:
                    out.append(
                        f'<th scope="row" rowspan="{len(reasons)}">{_e(row.title)} '
                        f"<code>{_e(row.id)}</code></th>"
                    )
                meaning = row.card.exclusions.get(reason, "")
                out.append(f"<td><code>{_e(reason)}</code> {_prose(meaning)}</td>")
                for cell in row.cells:
                    number = (
                        "–"
                        if cell.result is None
                        else thousands(cell.result.excluded.get(reason, 0))
                    )
                    out.append(f'<td class="num">{number}</td>')
                out.append("</tr>")
        out.append("</tbody></table></div></section>")
        return "".join(out)

    def not_shown(self) -> str:
        report = self.report
        titles = {row.id: row.title for row in report.rows}
        out: list[str] = []
        for position, column in enumerate(report.columns):
            groups = unsupported_groups(report.rows, position)
            if groups:
                out.append(
                    f"<h3>The data cannot support a figure for {_e(column.heading)}</h3><ul>"
                )
                out += [
                    f"<li>{_e(sentence(reason))}: {_listing(ids, titles)}</li>"
                    for reason, ids in groups.items()
                ]
                out.append("</ul>")
        not_compared = group(
            (f"{column.heading}: {cell.comparison_unsupported}", row.id)
            for row in report.rows
            for column, cell in zip(report.columns, row.cells, strict=True)
            if cell.comparison_unsupported is not None and not row.is_empty
        )
        if not_compared:
            out.append("<h3>Not compared</h3><ul>")
            out += [
                f"<li>{_e(reason)}: {_listing(ids, titles)}</li>"
                for reason, ids in not_compared.items()
            ]
            out.append("</ul>")
        failures = report.failures()
        if failures:
            out.append("<h3>Not computed because of an error</h3><ul>")
            out += [
                f"<li>{_e(row.title)} <code>{_e(row.id)}</code>, {_e(label)}: {_e(message)}</li>"
                for row, label, message in failures
            ]
            out.append("</ul>")
        if report.empty:
            out.append(
                "<h3>Left out: nobody in the cohort in any column</h3>"
                f"<p>{_listing(report.empty, titles)}</p>"
            )
        if report.skipped:
            skipped = {i: INDICATORS[i].title for i in report.skipped if i in INDICATORS}
            out.append(
                "<h3>Left out: no records of a kind they read</h3>"
                f"<p>{_listing(report.skipped, skipped)}</p>"
            )
        if not report.rows:
            out.append(
                "<p>No indicator could be computed: the data holds none of their records.</p>"
            )
        elif not report.computed_any:
            out.append("<p>No indicator could be computed for the periods asked for.</p>")
        if not out:
            return ""
        return (
            '<section class="notes" id="not-shown"><h2>Not shown</h2>' + "".join(out) + "</section>"
        )

    def problems(self) -> str:
        diagnostics = self.report.diagnostics
        if not diagnostics:
            return ""
        lines = diagnostic_summary(diagnostics, places=self.with_children)
        where = (
            "with the first places they were met"
            if self.with_children
            else "counted by file, field and problem; the places and values are left out of this page"
        )
        items = "".join(f"<li>{_e(line)}</li>" for line in lines)
        return (
            f'<section class="notes" id="problems"><h2>Data problems ({thousands(len(diagnostics))})</h2>'
            f"<p>The problems met in the data, {where}.</p><ul>{items}</ul></section>"
        )

    def data(self) -> str:
        report = self.report
        periods = "".join(
            f"<li>{_e(c.heading)}: {_e(_long(c.period.start))} to {_e(_long(c.period.end))}</li>"
            for c in report.columns
        )
        out = [
            '<section class="notes" id="data"><h2>Periods and data</h2>',
            f'<ul class="periods">{periods}</ul>',
        ]
        if report.coverage.returns:
            out.append("<p>Returns read:</p><ul>")
            out += [
                f"<li>{_e(r.kind)} {_e(r.label)}: {_e(r.path)}</li>"
                for r in report.coverage.returns
            ]
            out.append("</ul>")
        held = [
            f"{thousands(len(self.dataset.records(table)))} {table.replace('_', ' ')}"
            for table in TABLES
            if not self.dataset.is_empty(table)
        ]
        if held:
            out.append(f"<p>Records: {_e(', '.join(held))}.</p>")
        out.append("</section>")
        return "".join(out)

    def render(self) -> str:
        report = self.report
        note = f'<p class="note">{_e(report.period_note)}</p>' if report.period_note else ""
        privacy = (
            '<p class="privacy">This page lists the children behind each number: it holds '
            "personal data. Share it only as your council's data protection rules allow.</p>"
            if self.with_children
            else ""
        )
        body = [
            f"<header><h1>{_e(report.heading)}</h1>{note}{privacy}</header>",
            self.key(),
            *self.sections(),
            self.exclusions(),
            self.not_shown(),
            self.problems(),
            self.data(),
            f"<footer>Made with safeguarding_metrics {_e(_version())}.</footer>",
        ]
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(report.heading)}</title><style>{_CSS}</style></head>\n<body>\n"
            + "\n".join(part for part in body if part)
            + "\n</body></html>\n"
        )


def _short(result: Result) -> str:
    if isinstance(result, Rate):
        return percent(result.value)
    if isinstance(result, Count):
        return thousands(result.count)
    return decimal(result.median)


def _listing(ids: Sequence[str], titles: dict[str, str]) -> str:
    """Indicators by title and id, ``;``-separated."""
    return "; ".join(
        f"{_e(titles[i])} <code>{_e(i)}</code>" if i in titles else f"<code>{_e(i)}</code>"
        for i in ids
    )


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _version() -> str:
    try:
        return importlib.metadata.version("safeguarding-metrics")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "(unknown version)"


def _trend_svg(report: Report, row: ReportRow) -> str:
    """A small line chart of the row's figures across the columns, England dashed.

    A report of one column plots the period it is compared with first, in grey, then the
    column's figure.
    """
    width, height, pad = 120, 36, 6
    points: list[tuple[str, Result | None, str]] = [
        (column.heading, cell.result, _TONE[cell.direction] if cell.direction else "same")
        for column, cell in zip(report.columns, row.cells, strict=True)
    ]
    first = row.first
    if len(row.cells) == 1 and first.comparison is not None and first.compared_with is not None:
        points.insert(0, (first.compared_with.label, first.comparison, "earlier"))
    values = [None if result is None else shown_value(result) for _, result, _ in points]
    england = [c for c in row.comparators if c.label == "England"]
    words = "; ".join(
        f"{heading}: {_value_text(result) if result is not None else 'n/a'}"
        for heading, result, _ in points
    )
    if england:
        words += f"; England {england[0].year}: {_comparator_text(row.card, england[0].value)}"
    label = f"Trend of {row.title}: {words}"
    known = [v for v in values if v is not None]
    opening = (
        f'<svg class="trend" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(label)}"><title>{_e(label)}</title>'
    )
    if not known:
        return (
            f'{opening}<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" '
            'class="empty">no figure</text></svg>'
        )
    scale = known + [c.value for c in england]
    low, high = min(scale), max(scale)
    if high == low:
        low, high = low - 1, high + 1
    n = len(values)

    def x(i: int) -> float:
        return width / 2 if n == 1 else pad + (width - 2 * pad) * i / (n - 1)

    def y(v: float) -> float:
        return height - pad - (v - low) / (high - low) * (height - 2 * pad)

    parts = [opening]
    for comparator in england:
        level = y(comparator.value)
        parts.append(
            f'<line class="england" x1="{pad / 2}" y1="{level:.1f}" x2="{width - pad / 2}" '
            f'y2="{level:.1f}"/>'
        )
    run: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{x(i):.1f},{y(value):.1f}")
        elif run:
            if len(run) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
            run = []
    for i, (value, (_, _, tone)) in enumerate(zip(values, points, strict=True)):
        if value is None:
            continue
        parts.append(f'<circle class="{tone}" cx="{x(i):.1f}" cy="{y(value):.1f}" r="3"/>')
    parts.append("</svg>")
    return "".join(parts)


def _bars_svg(report: Report, row: ReportRow) -> str:
    """Horizontal bars of a distribution's bands, one per column, as shares of its total."""
    results = [
        (column, cell.result)
        for column, cell in zip(report.columns, row.cells, strict=True)
        if isinstance(cell.result, Distribution)
    ]
    labels = list(dict.fromkeys(label for _, result in results for label in result.bands))
    # Bars are scaled to the largest share shown, so that the bands can be told apart.
    largest = max(
        (n / result.total for _, result in results if result.total for n in result.bands.values()),
        default=0.0,
    )
    # About 6.5 pixels a character at 11px: room for the longest band label.
    label_width = min(220, 12 + round(6.5 * max((len(label) for label in labels), default=1)))
    bar_width, value_width = 300, 100
    bar, gap, legend = 11, 8, 20
    group_height = bar * len(results) + gap
    width = label_width + bar_width + value_width
    height = legend + group_height * len(labels)
    description = f"{row.title}, by band: " + "; ".join(
        f"{column.heading}: "
        + ", ".join(f"{label} {thousands(n)}" for label, n in result.bands.items())
        for column, result in results
    )
    parts = [
        f'<svg class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(description)}">'
        f"<title>{_e(description)}</title>"
    ]
    x = label_width
    for position, (column, _) in enumerate(results):
        colour = _PALETTE[position % len(_PALETTE)]
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="13">{_e(column.heading)}</text>'
        )
        x += 14 + 7 * len(column.heading) + 16
    for index, label in enumerate(labels):
        top = legend + index * group_height
        middle = top + bar * len(results) / 2 + 4
        parts.append(
            f'<text class="band" x="{label_width - 8}" y="{middle:.1f}" text-anchor="end">'
            f"{_e(label)}</text>"
        )
        for position, (column, result) in enumerate(results):
            n = result.bands.get(label, 0)
            total = result.total
            share = n / total if total else 0.0
            length = max(share / largest * bar_width if largest else 0.0, 0.5 if n else 0.0)
            y = top + position * bar
            colour = _PALETTE[position % len(_PALETTE)]
            tip = f"{column.heading}: {label}: {thousands(n)} of {thousands(total)} ({share:.0%})"
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" '
                f'fill="{colour}"><title>{_e(tip)}</title></rect>'
                f'<text class="count" x="{label_width + length + 4:.1f}" y="{y + bar - 3}">'
                f"{thousands(n)} ({share:.0%})</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --rule: #d0d7de; --head: #1f3b57;
  --better: #1a7f37; --worse: #c62828; --neutral: #6b7280; --band: #f3f6f9; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, "Liberation Sans", sans-serif; color: var(--ink);
  margin: 1.5rem; font-size: 14px; line-height: 1.35; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.15rem; background: var(--head); color: #fff; padding: .3rem .6rem;
  margin: 1.6rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
h4 { font-size: .9rem; margin: .6rem 0 .2rem; }
p.note, footer, .key p { color: var(--muted); }
p.privacy { border-left: 4px solid var(--worse); padding: .3rem .6rem; background: #fdecea; }
code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: .85em; color: var(--muted); }
.hidden { position: absolute; left: -9999px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .3rem 0 .8rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .45rem; vertical-align: top; }
thead th { background: var(--band); font-weight: 600; font-size: .85rem; }
thead th.column { text-align: center; border-left: 2px solid #fff; background: #dde6ee; }
thead th.sub { text-align: right; font-weight: 500; color: var(--muted); white-space: nowrap; }
th.indicator { text-align: left; font-weight: normal; min-width: 18rem; max-width: 30rem; }
th.indicator .title { font-weight: 600; }
th.indicator code, table.notes code { white-space: nowrap; }
th.indicator .legacy { color: var(--muted); font-size: .8em; }
td.num, td.value, td.previous, td.comparator, td.na, td.error { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
td.value { font-weight: 600; }
td.previous { color: var(--muted); }
td.na, td.error { color: var(--muted); font-style: italic; text-align: center; cursor: help; }
td.error { color: var(--worse); }
td.comparator .year { display: block; font-size: .75em; color: var(--muted); }
td.arrow, span.arrow { font-weight: 700; font-size: 1.1em; text-align: center; width: 1.4em; }
td.arrow[title] { cursor: help; }
.better { color: var(--better); } .worse { color: var(--worse); }
.same, .none, .neutral { color: var(--neutral); }
svg circle.better { fill: var(--better); } svg circle.worse { fill: var(--worse); }
svg circle.same, svg circle.none, svg circle.neutral { fill: var(--neutral); }
svg circle.earlier { fill: #fff; stroke: var(--neutral); stroke-width: 1.2; }
svg .line { fill: none; stroke: #4b6a88; stroke-width: 1.5; }
svg .england, svg.legend line { stroke: #9aa4ae; stroke-width: 1.2; stroke-dasharray: 3 2; }
svg text { font-size: 11px; fill: var(--ink); }
svg text.empty, svg text.count { fill: var(--muted); font-size: 10px; }
tbody tr:nth-child(even) { background: #fafbfc; }
ul.key { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; margin: .3rem 0; }
ul.key .na { font-style: italic; color: var(--muted); }
details.card summary, details.ids summary { cursor: pointer; color: #2f5f8a; font-size: .85em; }
details.ids summary { font-size: 1em; list-style: none; text-decoration: underline dotted; }
details.ids summary::-webkit-details-marker { display: none; }
details.card .definition { font-size: .85em; background: #fff; border: 1px solid var(--rule);
  padding: .4rem .6rem; margin-top: .3rem; max-width: 42rem; }
details.card dl { display: grid; grid-template-columns: 8rem 1fr; gap: .15rem .6rem; margin: 0; }
details.card dt { font-weight: 600; } details.card dd { margin: 0; }
details.card ul { margin: .1rem 0; padding-left: 1.2rem; }
.url { color: var(--muted); word-break: break-all; }
.idlist { text-align: left; white-space: normal; font-size: .8em; max-width: 26rem;
  max-height: 12rem; overflow: auto; font-weight: normal; }
.charts { display: flex; flex-wrap: wrap; gap: .5rem 2rem; }
figure.bars { margin: .3rem 0 .8rem; }
figure.bars figcaption { font-weight: 600; font-size: .9rem; margin-bottom: .2rem; }
table.notes th { text-align: left; }
table.notes th[scope="row"] { font-weight: 600; }
table.notes th.num { text-align: right; }
footer { margin-top: 2rem; font-size: .8rem; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; font-size: 8pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { margin-top: .8rem; break-after: avoid; }
  .scroll { overflow: visible; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  th.indicator { min-width: 14rem; }
  details.card { display: none; }
  details.ids[open] .idlist { max-height: none; }
}
"""


def render_html(report: Report, dataset: Dataset, *, with_children: bool = False) -> str:
    """The report as one self-contained HTML page (UTF-8 text).

    Args:
        report: The report (`run_report`).
        dataset: The dataset it was computed from (for the records it holds).
        with_children: Whether to list, behind each number, the ids of the children in the
            numerator and in the denominator only, and the places of the data problems.
            The page then holds personal data; without it, it holds no child id.

    Returns:
        The page: it loads nothing from the network and runs no script.

    Notes:
        - Each card is shown in its area (`areas`), in a table per kind of figure; an
          indicator with nobody in the cohort in any column is left out of the tables and listed.
        - A figure the data cannot support reads ``n/a``, with the reason in its tooltip
          and in a list below; a failed figure reads ``error``, with the message.
        - Arrows are green when better, red when worse and grey otherwise (no change, not
          comparable, or up or down on a measure where neither is better).
        - The trend chart plots each column's figure as the table shows it (a report of one
          column: the period it is compared with, then the column), with England's figure
          as a dashed line when the card has one.
        - Distributions are drawn as bars of each band's share of the column's total.
        - Without *with_children*, data problems are counted by file, field and problem,
          without their places and values; a child id met in a problem's or an error's text
          all the same reads as `CHILD_ID_MARK`.
    """
    return _Page(report, dataset, with_children=with_children).render()
