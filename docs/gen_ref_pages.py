"""Write the generated reference pages at build time, from the code itself.

mkdocs-gen-files runs this script on every build. It writes:

- one page per registered indicator (`reference/indicators/<id>.md`): the definition card,
  a worked example computed by the code on a handful of hand-built records, the figures for
  the built-in synthetic council when `safeguarding_metrics.synthetic` is installed, and the
  function's docstring;
- the indicator index, grouped by family;
- the API pages of the optional modules (io, report, synthetic) that are installed;
- the sources page, listing every document the cards cite and which indicators cite it.

Nothing on these pages is copied by hand: every number is computed when the site is built.
`docs/hooks.py` imports this file to put the same pages in the navigation.
"""

import datetime as dt
import importlib
import importlib.util
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

import safeguarding_metrics as sm
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.results import Audit, Count, Distribution, Rate, Result

D = dt.date
DOCS = Path(__file__).resolve().parent
EXAMPLE_YEAR = sm.ReportingPeriod.year_ending(2025)
"""The period every worked example is computed for (2024-25)."""

FAMILY_TITLES: Mapping[str, str] = {
    "timescales": "Timescales",
    "referrals": "Referrals",
    "child_protection": "Child protection plans",
    "looked_after": "Looked-after children",
    "counts": "Counts and durations",
}
"""Indicator family module -> section title, in the order the sidebar shows them."""

OPTIONAL_API_MODULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "io",
        "Reading the returns",
        ("safeguarding_metrics.io.cin_census", "safeguarding_metrics.io.ssda903"),
    ),
    ("report", "The report", ("safeguarding_metrics.report",)),
    ("synthetic", "Synthetic data", ("safeguarding_metrics.synthetic",)),
)
"""(page name, title, modules) of API pages written only when the modules are installed."""


# -- the worked examples: a handful of records per family, each with the reason it is there --

Example = tuple[Any, str]


def _timescales() -> list[Example]:
    return [
        (
            sm.Referral(referral_id="T1/2024-04-03", child_id="T1", referral_date=D(2024, 4, 3)),
            "The referral T1's assessment belongs to.",
        ),
        (
            sm.Assessment(
                child_id="T1",
                referral_id="T1/2024-04-03",
                start_date=D(2024, 4, 8),
                authorisation_date=D(2024, 6, 12),
            ),
            "Started Monday 8 April, authorised on the 45th working day after: on time.",
        ),
        (
            sm.Assessment(
                child_id="T2", start_date=D(2024, 4, 8), authorisation_date=D(2024, 6, 13)
            ),
            "Authorised one working day later than T1's: 46 working days, late.",
        ),
        (
            sm.Assessment(
                child_id="T3", start_date=D(2024, 12, 20), authorisation_date=D(2024, 12, 19)
            ),
            "Authorised the day before it started: a recording error, excluded.",
        ),
        (
            sm.Assessment(child_id="T4", start_date=None, authorisation_date=D(2024, 7, 1)),
            "No start date recorded: excluded.",
        ),
        (
            sm.Assessment(
                child_id="T5", start_date=D(2024, 3, 1), authorisation_date=D(2024, 3, 28)
            ),
            "Authorised in March 2024, before the year began: out of scope.",
        ),
        (
            sm.Assessment(
                child_id="T6",
                start_date=D(2024, 5, 1),
                authorisation_date=D(2024, 5, 15),
                kind="initial",
            ),
            "An initial assessment (the pre-2013 framework); 6 May 2024 was a bank holiday.",
        ),
        (
            sm.Assessment(
                child_id="T7",
                start_date=D(2024, 6, 3),
                authorisation_date=D(2024, 8, 1),
                kind="core",
            ),
            "A core assessment (the pre-2013 framework).",
        ),
        (
            sm.Section47(child_id="T1", start_date=D(2024, 9, 2), icpc_date=D(2024, 9, 23)),
            "Conference on the 15th working day after the strategy discussion: on time.",
        ),
        (
            sm.Section47(child_id="T2", start_date=D(2024, 9, 2), icpc_date=D(2024, 9, 24)),
            "Conference on the 16th working day: late.",
        ),
        (
            sm.Section47(child_id="T3", start_date=D(2024, 10, 1), icpc_not_required=True),
            "The enquiry ended without the need for a conference: not counted.",
        ),
        (
            sm.Contact(child_id="T1", contact_date=D(2024, 5, 3), decision_date=D(2024, 5, 7)),
            "Friday contact, decided on Tuesday after the bank holiday Monday: 1 working day.",
        ),
        (
            sm.Contact(child_id="T2", contact_date=D(2024, 6, 10), decision_date=D(2024, 6, 12)),
            "Decided 2 working days after the contact: late.",
        ),
        (
            sm.Contact(child_id="T3", contact_date=D(2024, 7, 1)),
            "Not yet decided: stays in the denominator, not on time.",
        ),
        (
            sm.CPPlan(child_id="T1", start_date=D(2024, 9, 23), review_dates=(D(2024, 12, 20),)),
            "First review within 3 months; the next is not due until June 2025.",
        ),
        (
            sm.CPPlan(child_id="T2", start_date=D(2024, 6, 3), review_dates=(D(2024, 9, 10),)),
            "First review more than 3 months after the plan started: late.",
        ),
        (
            sm.CPPlan(child_id="T3", start_date=D(2025, 1, 15)),
            "Started in January 2025: no review due by 31 March, so not in the cohort.",
        ),
    ]


def _referrals() -> list[Example]:
    def referral(child: str, day: dt.date, suffix: str = "", **fields: Any) -> sm.Referral:
        return sm.Referral(
            referral_id=f"{child}/{day}{suffix}", child_id=child, referral_date=day, **fields
        )

    return [
        (
            referral("R1", D(2023, 6, 15), closure_date=D(2023, 9, 1)),
            "An earlier referral, in the previous year's data.",
        ),
        (
            referral("R1", D(2024, 6, 15)),
            "Exactly 12 months after R1's earlier referral: the anniversary counts.",
        ),
        (
            referral("R2", D(2024, 5, 1), closure_date=D(2024, 8, 1)),
            "R2's first referral; the episode closed exactly 3 months later.",
        ),
        (
            referral("R2", D(2024, 5, 1), suffix="/2"),
            "A second referral of R2 on the same day: one referral, the copy is excluded.",
        ),
        (
            referral("R3", D(2024, 9, 2), nfa=True, closure_date=D(2024, 9, 2)),
            "No further action.",
        ),
        (referral("R4", D(2024, 2, 28)), "R4's earlier referral, in the previous year."),
        (
            referral("R4", D(2025, 2, 28)),
            "12 calendar months after R4's earlier one, but 366 days (29 February between).",
        ),
        (referral("R5", D(2024, 10, 10)), "Led to a section 47 enquiry."),
        (
            sm.Section47(
                child_id="R5",
                referral_id="R5/2024-10-10",
                start_date=D(2024, 10, 11),
                icpc_date=D(2024, 10, 31),
            ),
            "R5's enquiry, with an initial conference.",
        ),
        (
            sm.CPPlan(child_id="R5", referral_id="R5/2024-10-10", start_date=D(2024, 10, 31)),
            "A plan starting on the day of R5's conference.",
        ),
    ]


def _child_protection() -> list[Example]:
    return [
        (
            sm.CPPlan(child_id="P1", start_date=D(2020, 1, 6), end_date=D(2021, 3, 1)),
            "P1's first plan, years ago.",
        ),
        (
            sm.CPPlan(child_id="P1", start_date=D(2024, 5, 1)),
            "P1's second plan: second or subsequent, but not within 2 years of the first.",
        ),
        (
            sm.CPPlan(child_id="P2", start_date=D(2022, 6, 1), end_date=D(2024, 5, 31)),
            "Ended in the year after 730 days.",
        ),
        (
            sm.CPPlan(child_id="P2", start_date=D(2024, 10, 1)),
            "Started 4 months after P2's previous plan ended: a repeat within 2 years.",
        ),
        (
            sm.CPPlan(child_id="P3", start_date=D(2023, 3, 1), end_date=D(2025, 2, 27)),
            "Ended in the year after 729 days: 2 years or more under NI 64, not under 730 days.",
        ),
        (
            sm.CPPlan(child_id="P4", start_date=D(2024, 7, 1), previous_plans=1),
            "The return records one previous plan that is not in the data.",
        ),
        (
            sm.CPPlan(child_id="P5", start_date=D(2023, 1, 10)),
            "Open at 31 March 2025, for over two years.",
        ),
        (
            sm.CPPlan(child_id="P6", start_date=D(2024, 4, 1), end_date=D(2025, 3, 31)),
            "Ended on 31 March 2025, so not open at 31 March.",
        ),
    ]


def _looked_after() -> list[Example]:
    reviews = (
        D(2021, 6, 25),
        D(2021, 9, 20),
        D(2022, 3, 15),
        D(2022, 9, 10),
        D(2023, 3, 1),
        D(2023, 8, 25),
        D(2024, 2, 20),
        D(2024, 8, 15),
        D(2025, 2, 10),
    )
    examples: list[Example] = [
        (sm.Child(child_id="L1", birth_date=D(2012, 3, 1)), "Looked after since 2021."),
        (sm.Child(child_id="L2", birth_date=D(2015, 8, 15)), "Came into care in April 2024."),
        (sm.Child(child_id="L3", birth_date=D(2010, 1, 1)), "Short breaks only."),
        (sm.Child(child_id="L4", birth_date=D(2019, 2, 1)), "Adopted in November 2024."),
        (
            sm.Episode(
                child_id="L1",
                start=D(2021, 6, 1),
                reason_new="S",
                legal_status="C2",
                placement="U4",
            ),
            "One foster placement since June 2021: stable.",
        ),
        (
            sm.Episode(
                child_id="L2",
                start=D(2024, 4, 20),
                end=D(2024, 7, 1),
                reason_new="S",
                legal_status="C2",
                placement="U3",
            ),
            "First placement.",
        ),
        (
            sm.Episode(
                child_id="L2",
                start=D(2024, 7, 1),
                end=D(2024, 9, 1),
                reason_new="P",
                legal_status="C2",
                placement="U4",
            ),
            "Second placement.",
        ),
        (
            sm.Episode(
                child_id="L2",
                start=D(2024, 9, 1),
                end=D(2024, 9, 8),
                reason_new="P",
                legal_status="C2",
                placement="T1",
            ),
            "A temporary placement for a week: not a placement.",
        ),
        (
            sm.Episode(
                child_id="L2",
                start=D(2024, 9, 8),
                end=D(2024, 11, 12),
                reason_new="P",
                legal_status="C2",
                placement="U4",
            ),
            "Back to the second placement: not a new one.",
        ),
        (
            sm.Episode(
                child_id="L2",
                start=D(2024, 11, 12),
                reason_new="P",
                legal_status="C2",
                placement="U1",
            ),
            "Third placement.",
        ),
        (
            sm.Episode(
                child_id="L3",
                start=D(2024, 6, 1),
                reason_new="S",
                legal_status="V3",
                placement="U6",
            ),
            "A series of short breaks: left out of the stability and review cohorts.",
        ),
        (
            sm.Episode(
                child_id="L4",
                start=D(2023, 1, 10),
                end=D(2024, 3, 1),
                reason_new="S",
                legal_status="C2",
                placement="U4",
            ),
            "Fostered.",
        ),
        (
            sm.Episode(
                child_id="L4",
                start=D(2024, 3, 1),
                end=D(2024, 11, 30),
                reason_new="P",
                legal_status="E1",
                placement="A5",
                reason_ceased="E11",
            ),
            "Placed for adoption, then adopted (REC E11).",
        ),
        (
            sm.LACReview(child_id="L2", review_date=D(2024, 5, 15)),
            "L2's first review, within 20 working days of coming into care.",
        ),
        (
            sm.LACReview(child_id="L2", review_date=D(2024, 8, 20)),
            "L2's second review, a little over 3 months after the first: late.",
        ),
        (
            sm.CareLeaver(
                child_id="L5",
                birth_date=D(2007, 5, 10),
                in_touch="YES",
                activity="F2",
                accommodation="B1",
            ),
            "17 in May 2024: in education, suitably accommodated.",
        ),
        (
            sm.CareLeaver(
                child_id="L6",
                birth_date=D(2004, 11, 1),
                in_touch="YES",
                activity="G4",
                accommodation="B2",
            ),
            "20 in November 2024: not in education, employment or training.",
        ),
    ]
    examples += [
        (sm.LACReview(child_id="L1", review_date=day), "One of L1's reviews since 2021.")
        for day in reviews
    ]
    return examples


WORKED_EXAMPLES: Mapping[str, Callable[[], list[Example]]] = {
    "timescales": _timescales,
    "referrals": _referrals,
    "child_protection": _child_protection,
    "looked_after": _looked_after,
}
"""Family -> its worked example; other families use every example together."""


def worked_example(family: str) -> list[Example]:
    """The records (with the reason each is there) of *family*'s worked example."""
    if family in WORKED_EXAMPLES:
        return WORKED_EXAMPLES[family]()
    return [item for make in WORKED_EXAMPLES.values() for item in make()]


# -- cards and families ------------------------------------------------------------------------


def family_of(card: Indicator) -> str:
    """The family module a card is defined in (``"timescales"``...)."""
    return str(card.function.__module__).rsplit(".", 1)[-1]


def cards_by_family() -> dict[str, list[Indicator]]:
    """Registered cards grouped by family, families in sidebar order."""
    groups: dict[str, list[Indicator]] = {}
    for card in sm.INDICATORS.values():
        groups.setdefault(family_of(card), []).append(card)
    known = [family for family in FAMILY_TITLES if family in groups]
    return {family: groups[family] for family in [*known, *sorted(set(groups) - set(known))]}


def family_title(family: str) -> str:
    """A family's section title."""
    return FAMILY_TITLES.get(family, family.replace("_", " ").capitalize())


def installed_api_pages() -> list[tuple[str, str, tuple[str, ...]]]:
    """The optional API pages whose modules are all installed."""
    return [
        (name, title, modules)
        for name, title, modules in OPTIONAL_API_MODULES
        if all(_module_exists(module) for module in modules)
    ]


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def nav_additions() -> dict[str, list[Any]]:
    """The generated pages the navigation needs, for `docs/hooks.py`."""
    indicators: list[Any] = [
        {
            family_title(family): [
                {card.title: f"reference/indicators/{card.id}.md"} for card in cards
            ]
        }
        for family, cards in cards_by_family().items()
    ]
    api: list[Any] = [
        {title: f"reference/api/{name}.md"} for name, title, _ in installed_api_pages()
    ]
    return {"indicators": indicators, "api": api}


# -- rendering results -------------------------------------------------------------------------


def _number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def summary(result: Result) -> str:
    """A one-line summary of a result: ``"3 / 4 = 75.0%"``, ``"12"``, or a median."""
    if isinstance(result, Rate):
        return f"{result.numerator:,} / {result.denominator:,} = {_number(result.value)}%"
    if isinstance(result, Count):
        text = f"{result.count:,}"
        return text if result.per_10k is None else f"{text} ({_number(result.per_10k)} per 10,000)"
    if result.median is None:
        bands = ", ".join(f"{label} {n:,}" for label, n in result.band_counts if n)
        return f"{result.total:,} records" + (f": {bands}" if bands else "")
    return f"{result.total:,} records; median {_number(result.median)} {result.unit}".rstrip()


def result_lines(result: Result) -> list[str]:
    """A result as Markdown: the figures, then the bands of a distribution."""
    lines: list[str] = []
    if isinstance(result, Rate):
        lines += [
            "| numerator | denominator | value |",
            "|---|---|---|",
            f"| {result.numerator:,} | {result.denominator:,} | {_number(result.value)}% |",
        ]
    elif isinstance(result, Count):
        lines += [f"**Count:** {summary(result)}"]
    else:
        lines += ["| band | count |", "|---|---|"]
        lines += [f"| {label} | {n:,} |" for label, n in result.band_counts]
        lines += [
            "",
            f"Lower quartile {_number(result.lower_quartile)}, "
            f"median {_number(result.median)}, "
            f"upper quartile {_number(result.upper_quartile)}"
            + (f" ({result.unit})." if result.unit else "."),
        ]
    excluded = result.excluded if isinstance(result, Rate | Distribution) else {}
    if excluded:
        lines += ["", "Excluded: " + ", ".join(f"`{k}` {n:,}" for k, n in excluded.items()) + "."]
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else str(value.astype("datetime64[D]"))
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else f"{value:g}"
    return str(value).replace("|", "\\|")


_HIDDEN_FIELDS = frozenset({"child_id", "referral_id"})


def _fields(record: Any) -> str:
    """The record's recorded fields, defaults left out (child and referral id have columns)."""
    parts = []
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if field.name in _HIDDEN_FIELDS or value is None or value == () or value is False:
            continue
        if field.default is not attrs.NOTHING and value == field.default:
            continue
        parts.append(f"{field.name} {_cell(value)}")
    return "; ".join(parts)


def audit_lines(audit: Audit, examples: Sequence[Example], dataset: sm.Dataset) -> list[str]:
    """Every row the indicator considered, with its outcome and measures."""
    notes = {id(record): note for record, note in examples}
    measures = list(audit.measures)
    header = ["child", "record", "outcome", *measures, "why it is here"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    records = dataset.records(audit.table) if audit.table in sm.TABLES else ()
    outcomes = audit.outcomes()
    for i in range(len(audit)):
        row = int(audit.rows[i])
        record = records[row] if 0 <= row < len(records) else None
        cells = [
            f"`{audit.child_ids[i]}`",
            _fields(record) if record is not None else "(the child)",
            f"`{outcomes[i]}`",
            *(_cell(audit.measures[name][i]) for name in measures),
            notes.get(id(record), "") if record is not None else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


# -- pages -------------------------------------------------------------------------------------


def _option_variants(card: Indicator) -> Iterator[tuple[str, dict[str, Any]]]:
    for option in card.options:
        for choice in option.choices:
            if choice != option.default:
                yield f"`{option.name}={choice!r}`", {option.name: choice}


def worked_example_lines(card: Indicator) -> list[str]:
    """The worked example section of *card*'s page, computed now."""
    examples = worked_example(family_of(card))
    dataset = sm.Dataset.of(*(record for record, _ in examples))
    result = card.compute(dataset, period=EXAMPLE_YEAR)
    lines = [
        "## Worked example",
        "",
        f"Computed by the library when this page was built, for {EXAMPLE_YEAR.label} "
        f"({EXAMPLE_YEAR.start} to {EXAMPLE_YEAR.end}), with the England calendar and the "
        "default options, on the hand-built records below.",
        "",
        *result_lines(result),
        "",
    ]
    variants = list(_option_variants(card))
    if variants:
        lines += [
            "The same records with the other options:",
            "",
            "| option | result |",
            "|---|---|",
        ]
        for label, chosen in variants:
            lines.append(
                f"| {label} | {summary(card.compute(dataset, period=EXAMPLE_YEAR, **chosen))} |"
            )
        lines.append("")
    if result.audit is not None:
        lines += [
            "Every record the indicator was given, and what it did with it "
            "([the audit](../../how-to/audit.md)):",
            "",
            *audit_lines(result.audit, examples, dataset),
            "",
        ]
    return lines


def _synthetic_dataset() -> sm.Dataset | None:
    try:
        synthetic = importlib.import_module("safeguarding_metrics.synthetic")
    except ModuleNotFoundError:
        return None
    dataset: sm.Dataset = synthetic.synthetic_dataset()
    return dataset


def synthetic_lines(card: Indicator, dataset: sm.Dataset | None) -> list[str]:
    """The figures for the synthetic council, this year and last, or nothing without it."""
    if dataset is None or all(dataset.is_empty(table) for table in card.inputs):
        return []
    this_year = card.compute(dataset, period=EXAMPLE_YEAR)
    last_year = card.compute(dataset, period=EXAMPLE_YEAR.preceding())
    direction = sm.direction_of_travel(this_year, last_year, polarity=card.polarity)
    return [
        "## On the synthetic council",
        "",
        "`safeguarding_metrics.synthetic.synthetic_dataset()` is a made-up council of a "
        "realistic size (no real children).",
        "Computed when this page was built:",
        "",
        "| period | result |",
        "|---|---|",
        f"| {EXAMPLE_YEAR.preceding().label} | {summary(last_year)} |",
        f"| {EXAMPLE_YEAR.label} | {summary(this_year)} |",
        "",
        f"Direction of travel: {direction.arrow} {direction.value}.",
        "",
    ]


def _literal(value: Any) -> str:
    """*value* as Python source, strings in double quotes as the formatter writes them."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def usage_lines(card: Indicator) -> list[str]:
    """How to compute the card from Python and from the command line."""
    options = "".join(f", {option.name}={_literal(option.default)}" for option in card.options)
    calendar = ", calendar=calendar" if card.uses_calendar else ""
    lines = [
        "## Compute it",
        "",
        "```python",
        "import safeguarding_metrics as sm",
        "",
    ]
    if card.uses_calendar:
        lines.append("calendar = sm.WorkingDayCalendar.england()  # add your closure days here")
    lines += [
        f'card = sm.INDICATORS["{card.id}"]',
        f"result = card.compute(data, period=sm.ReportingPeriod.year_ending(2025){calendar}{options})",
        "```",
        "",
        "or, as a function (the options above are its defaults):",
        "",
        "```python",
        f"from {card.function.__module__} import {card.function.__name__}",
        "```",
        "",
    ]
    return lines


def indicator_page(card: Indicator, synthetic: sm.Dataset | None = None) -> str:
    """The whole reference page of *card*."""
    lines = [
        card.to_markdown().rstrip(),
        "",
        *worked_example_lines(card),
        *synthetic_lines(card, synthetic),
        *usage_lines(card),
        "## Function",
        "",
        f"::: {card.function.__module__}.{card.function.__name__}",
        "    options:",
        "      heading_level: 3",
        "      show_root_heading: true",
        "",
    ]
    return "\n".join(lines)


def indicator_index() -> str:
    """The indicator index: every card by family, with its England figure."""
    lines = [
        "# Indicators",
        "",
        "Every indicator the library computes, generated from the definition cards when this "
        "site was built.",
        "The id is stable: it is what the report's JSON and `sm.INDICATORS[...]` use.",
        "",
    ]
    groups = cards_by_family()
    if not groups:
        lines += ["No indicators are registered in this build.", ""]
    for family, cards in groups.items():
        lines += [
            f"## {family_title(family)}",
            "",
            "| id | indicator | legacy codes | better | England |",
            "|---|---|---|---|---|",
        ]
        for card in cards:
            england = (
                f"{card.england.value:g}{'%' if card.kind == 'rate' else ''} ({card.england.period})"
                if card.england is not None
                else ""
            )
            lines.append(
                f"| [`{card.id}`]({card.id}.md) | {card.title} | "
                f"{', '.join(card.legacy_codes)} | {card.polarity.value} | {england} |"
            )
        lines.append("")
    return "\n".join(lines)


def api_page(title: str, modules: Sequence[str]) -> str:
    """An API page rendering *modules* with mkdocstrings."""
    lines = [f"# {title}", ""]
    for module in modules:
        lines += [f"::: {module}", "    options:", "      show_root_heading: true", ""]
    return "\n".join(lines)


def sources_page() -> str:
    """Every source the cards cite, with the indicators that cite it."""
    cited: dict[tuple[str, str, str], list[tuple[Indicator, str]]] = {}
    for card in sm.INDICATORS.values():
        for source in card.sources:
            key = (source.title, source.publisher, source.url)
            cited.setdefault(key, []).append((card, source.detail))
    lines = [
        "# Sources",
        "",
        "The documents the definitions come from, and which indicators cite each.",
        "The library restates every definition in its own words; where a source is silent or "
        "ambiguous, the card's conventions say what the library chose.",
        "This page is generated from the definition cards.",
        "",
    ]
    for (title, publisher, url), uses in sorted(cited.items()):
        heading = f"[{title}]({url})" if url else title
        lines += [f"## {heading}", "", f"{publisher}.", ""]
        for card, detail in uses:
            where = f" ({detail})" if detail else ""
            lines.append(f"- [`{card.id}`](indicators/{card.id}.md){where}")
        lines.append("")
    if not cited:
        lines += ["No indicators are registered in this build.", ""]
    return "\n".join(lines)


def tables_page() -> str:
    """The tables a dataset holds and their columns, from `sm.schema()`."""
    lines = [
        "# Tables and fields",
        "",
        "The collections a `Dataset` holds, and the columns each takes.",
        "These are the names `Dataset.from_columns` and `Dataset.from_frames` accept (rename a",
        "frame's columns with `rename=`); a required column must be given, and the others may be",
        "left out.",
        "This page is generated from `sm.schema()`.",
        "",
    ]
    for table in sm.schema().values():
        lines += [
            f"## `{table.name}`",
            "",
            f"Records of `{table.record.__name__}`.",
            "",
            "| column | type | required | meaning |",
            "|---|---|---|---|",
        ]
        for field in table.fields:
            meaning = field.description.replace("|", "\\|")
            required = "yes" if field.required else ""
            lines.append(f"| `{field.name}` | {field.type} | {required} | {meaning} |")
        lines.append("")
    return "\n".join(lines)


REPORT_JSON_PLACEHOLDER = """# The report's JSON

The JSON shape of `safeguarding-metrics report --format json` is documented with the report
module.
This placeholder is generated because `docs/reference/report-json.md` is not in this build.
"""


def pages(*, with_synthetic: bool = True) -> dict[str, str]:
    """Every generated page: docs path -> Markdown (without the synthetic figures if asked)."""
    synthetic = _synthetic_dataset() if with_synthetic else None
    result = {"reference/indicators/index.md": indicator_index()}
    for card in sm.INDICATORS.values():
        result[f"reference/indicators/{card.id}.md"] = indicator_page(card, synthetic)
    for name, title, modules in installed_api_pages():
        result[f"reference/api/{name}.md"] = api_page(title, modules)
    result["reference/sources.md"] = sources_page()
    result["reference/tables.md"] = tables_page()
    if not (DOCS / "reference" / "report-json.md").exists():
        result["reference/report-json.md"] = REPORT_JSON_PLACEHOLDER
    return result


def main() -> None:
    """Write every generated page through mkdocs-gen-files."""
    import mkdocs_gen_files

    for path, text in pages().items():
        with mkdocs_gen_files.open(path, "w") as page:
            page.write(text)


# mkdocs-gen-files runs this file with runpy (run name "<run_path>"); importing it, as
# docs/hooks.py and the tests do, writes nothing.
if __name__ in {"__main__", "<run_path>"}:
    main()
