"""Definition cards: what each indicator measures, where the definition comes from, and how.

A card (`Indicator`) is the single place an indicator is described: its stable id, title,
polarity, legacy codes, numerator and denominator, exclusions, options, sources, the
conventions the library chose where the sources are silent, and the function that computes
it. The docs, the report and the `explain` command all read cards.
"""

import datetime as dt
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import attrs

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.records import TABLES, Record, TableName
from safeguarding_metrics.results import Polarity, Result
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = [
    "CARE_PLANNING_REGULATIONS_2010",
    "CHILDREN_IN_NEED",
    "CHILDREN_LOOKED_AFTER",
    "CIN_CENSUS_GUIDE",
    "LAIT",
    "NATIONAL_INDICATORS",
    "SSDA903_GUIDE",
    "WORKING_TOGETHER",
    "EnglandFigure",
    "History",
    "Indicator",
    "Option",
    "Source",
    "as_dataset",
]

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@attrs.frozen(kw_only=True)
class Source:
    """A document a definition comes from.

    Attributes:
        title: The document's title.
        publisher: Who published it.
        url: Where it can be read.
        detail: The paragraph, table or data item meant, e.g. ``"table C2"``.
    """

    title: str
    publisher: str = "Department for Education"
    url: str = ""
    detail: str = ""

    def at(self, detail: str) -> "Source":
        """This source, pointing at *detail* (a table, paragraph or data item)."""
        return attrs.evolve(self, detail=detail)

    def __str__(self) -> str:
        text = f"{self.publisher}, {self.title}"
        return f"{text}, {self.detail}" if self.detail else text


WORKING_TOGETHER = Source(
    title="Working Together to Safeguard Children (2013, 2018, 2023)",
    url="https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
)
CHILDREN_IN_NEED = Source(
    title="Characteristics of children in need (statistical release and tables)",
    url="https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
)
CIN_CENSUS_GUIDE = Source(
    title="Children in need census: guide and data items",
    url="https://www.gov.uk/government/collections/children-in-need",
)
CHILDREN_LOOKED_AFTER = Source(
    title="Children looked after in England including adoptions",
    url="https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions",
)
SSDA903_GUIDE = Source(
    title="Children looked after return (SSDA903): guide",
    url="https://www.gov.uk/government/collections/children-looked-after-return",
)
LAIT = Source(
    title="Local Authority Interactive Tool (LAIT) data dictionary",
    url="https://www.gov.uk/government/publications/local-authority-interactive-tool-lait",
)
NATIONAL_INDICATORS = Source(
    title="National Indicators for Local Authorities and Local Authority Partnerships: handbook of definitions",
    publisher="Communities and Local Government",
)
CARE_PLANNING_REGULATIONS_2010 = Source(
    title="The Care Planning, Placement and Case Review (England) Regulations 2010",
    publisher="legislation.gov.uk",
    url="https://www.legislation.gov.uk/uksi/2010/959/contents",
)


@attrs.frozen(kw_only=True)
class Option:
    """An option an indicator accepts, its default first among its choices.

    Attributes:
        name: The keyword argument's name.
        default: The value used when the caller gives none.
        choices: The accepted values, or empty for a free value checked by *validate*.
        description: What the option does, and when to choose each value.
        validate: For a free value, a check returning an error message or `None`.
    """

    name: str
    default: Any
    description: str
    choices: tuple[Any, ...] = ()
    validate: Callable[[Any], str | None] | None = attrs.field(default=None, eq=False)

    def check(self, indicator_id: str, value: Any) -> None:
        """Raise `InvalidOptionError` unless *value* is acceptable."""
        if self.choices and not any(_same(value, choice) for choice in self.choices):
            choices = ", ".join(repr(c) for c in self.choices)
            raise InvalidOptionError(
                f"{indicator_id}: option {self.name}={value!r} is not one of {choices}"
            )
        if self.validate is not None:
            problem = self.validate(value)
            if problem:
                raise InvalidOptionError(f"{indicator_id}: option {self.name}={value!r}: {problem}")


@attrs.frozen(kw_only=True)
class EnglandFigure:
    """The latest published figure for England, for comparison.

    Attributes:
        value: The published value (a percentage for rates).
        period: The period it is for, e.g. ``"2024-25"``.
        source: Where it was published.
    """

    value: float
    period: str
    source: Source


@attrs.frozen(kw_only=True)
class History:
    """How far before a period an indicator looks for earlier records.

    A re-referral rate for 2024-25 needs the referrals of the 12 months before 1 April
    2024; long-term stability needs the episodes from 30 months before the period's end. A
    report that does not hold that history cannot support the figure (SPEC §4.6).

    Attributes:
        months: How many calendar months back.
        before: Counted back from the period's ``"start"`` or its ``"end"``.
    """

    months: int
    before: Literal["start", "end"] = "start"

    def needed_from(self, period: ReportingPeriod) -> dt.date:
        """The first day records are needed from for *period*."""
        anchor = period.start if self.before == "start" else period.end
        return add_months(anchor, -self.months)

    def describe(self) -> str:
        """In words: ``"the 12 months before the period"``."""
        return f"the {self.months} months before the period's {self.before}"


def _same(value: Any, choice: Any) -> bool:
    """Equal and of the same kind: `True` is not the choice `1`, nor `0` the choice `False`."""
    return bool(value == choice) and isinstance(value, bool) == isinstance(choice, bool)


def _kebab(instance: object, attribute: "attrs.Attribute[str]", value: str) -> None:
    if not _KEBAB.match(value):
        raise ValueError(f"indicator id {value!r} is not kebab-case")


def _tables(values: Iterable[str]) -> tuple[TableName, ...]:
    items = tuple(values)
    for item in items:
        if item not in TABLES:
            raise ValueError(f"unknown record collection {item!r}")
    return items  # type: ignore[return-value]


def _needs(values: Iterable[str]) -> tuple[str, ...]:
    items = tuple(values)
    for item in items:
        table, dot, field = item.partition(".")
        if not dot or not field or table not in TABLES:
            raise ValueError(f"needs entry {item!r} is not 'table.field' of a record collection")
    return items


def _exclusions(values: Mapping[str, str]) -> dict[str, str]:
    # A typed converter: `converter=dict` leaves mypy unable to type `exclusions={...}`.
    return dict(values)


@attrs.frozen(kw_only=True)
class Indicator:
    """A definition card: everything that defines one indicator, and how to compute it.

    Attributes:
        id: Stable kebab-case identifier, part of the public API and the report JSON.
        title: A plain-English title.
        kind: ``"rate"``, ``"count"`` or ``"distribution"``.
        polarity: Whether higher is better, worse or neither.
        legacy_codes: Former codes such as ``"NI 65"``.
        cohort: Which records the indicator considers.
        numerator: What counts towards the numerator (for a count: what is counted).
        denominator: The denominator (empty for counts and distributions).
        exclusions: Reason code -> what it means.
        options: The options `compute` accepts, with defaults.
        notes: The conventions chosen where the sources are silent, one per item.
        sources: The documents the definition comes from, most official first.
        england: The latest England figure, if published.
        history: How far before the period the indicator looks for earlier records (its
            figure needs that history in the data), or `None` when it reads only records
            of the period itself.
        needs: Fields the indicator needs whole, as ``"table.field"`` (or
            ``"episodes.history"`` for a child's whole run of episodes): a source that holds
            them only in part (Annex A's latest review of each plan, say; see
            `ReturnCoverage.partial`) cannot support its figure.
        grows_with_length: Whether the figure grows with the period's length (a count of
            events in the period, or a share reached over it, such as three placements
            during the year), so that figures for periods of different lengths are not
            compared; `None` for the usual: counts grow, rates and distributions do not. A
            snapshot at the period's end (children looked after on its last day) does not.
        inputs: The record collections the indicator needs with its default options, the
            cohort's collection first; the report computes the indicator only when all of
            them hold records. (An option may read more: `anchor="referral"` reads
            `referrals`.)
        function: The public function computing it; takes the dataset (or records) first,
            then `period=`, and `calendar=` if it counts working days, then the options.
    """

    id: str = attrs.field(validator=_kebab)
    title: str
    kind: Literal["rate", "count", "distribution"]
    polarity: Polarity
    legacy_codes: tuple[str, ...] = ()
    cohort: str
    numerator: str
    denominator: str = ""
    exclusions: Mapping[str, str] = attrs.field(factory=dict, converter=_exclusions, hash=False)
    options: tuple[Option, ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...]
    england: EnglandFigure | None = None
    history: History | None = None
    needs: tuple[str, ...] = attrs.field(default=(), converter=_needs)
    grows_with_length: bool | None = None
    inputs: tuple[TableName, ...] = attrs.field(converter=_tables)
    function: Callable[..., Result] = attrs.field(eq=False)

    @property
    def compares_across_lengths(self) -> bool:
        """Whether figures for periods of different lengths may be compared (`grows_with_length`)."""
        grows = self.kind == "count" if self.grows_with_length is None else self.grows_with_length
        return not grows

    @property
    def uses_calendar(self) -> bool:
        """Whether the indicator counts working days (takes `calendar=`)."""
        return _takes_calendar(self.function)

    @property
    def defaults(self) -> dict[str, Any]:
        """Option name -> default value."""
        return {option.name: option.default for option in self.options}

    def compute(
        self,
        data: "Dataset | Iterable[Record]",
        *,
        period: ReportingPeriod,
        calendar: WorkingDayCalendar | None = None,
        **options: Any,
    ) -> Result:
        """Compute the indicator over *data* for *period*, with the card's defaults.

        Args:
            data: A `Dataset`, or records of any kinds.
            period: The reporting period.
            calendar: The working-day calendar; the England calendar when omitted.
            **options: Any of the card's options.

        Raises:
            InvalidOptionError: For an option the card does not list or a value it does not
                accept.
        """
        if not isinstance(period, ReportingPeriod):
            raise InvalidOptionError(f"{self.id}: period must be a ReportingPeriod, got {period!r}")
        if calendar is not None and not isinstance(calendar, WorkingDayCalendar):
            raise InvalidOptionError(
                f"{self.id}: calendar must be a WorkingDayCalendar or None, got {calendar!r}"
            )
        known = {option.name: option for option in self.options}
        unknown = sorted(set(options) - set(known))
        if unknown:
            listed = ", ".join(known) or "none"
            raise InvalidOptionError(
                f"{self.id}: unknown option {', '.join(unknown)}; its options are: {listed}"
            )
        chosen = self.defaults | options
        for name, value in options.items():
            known[name].check(self.id, value)
        if self.uses_calendar:
            chosen["calendar"] = calendar
        return self.function(as_dataset(data), period=period, **chosen)

    def to_markdown(self) -> str:
        """The card as a Markdown page: the definition, options, exclusions and sources."""
        lines = [f"# {self.title}", "", f"`{self.id}`", ""]
        facts = [
            ("Kind", self.kind),
            (
                "Polarity",
                f"{self.polarity.value} is better"
                if self.polarity is not Polarity.NEUTRAL
                else "neutral",
            ),
            ("Legacy codes", ", ".join(self.legacy_codes) or "none"),
            ("Cohort", self.cohort),
            ("Numerator" if self.kind == "rate" else "Counts", self.numerator),
        ]
        if self.denominator:
            facts.append(("Denominator", self.denominator))
        facts.append(("Reads", ", ".join(f"`{table}`" for table in self.inputs)))
        if self.history is not None:
            facts.append(("Looks back", f"{self.history.describe()}: the data must hold it"))
        if self.needs:
            facts.append(("Needs whole", ", ".join(f"`{field}`" for field in self.needs)))
        facts.append(
            (
                "Compared",
                "with periods of any length"
                if self.compares_across_lengths
                else "only with periods of the same length (the figure grows with the period)",
            )
        )
        if self.england is not None:
            unit = "%" if self.kind == "rate" else ""
            facts.append(
                (
                    "England",
                    f"{self.england.value:g}{unit} in {self.england.period} "
                    f"({self.england.source})",
                )
            )
        lines += ["| | |", "|---|---|"]
        lines += [f"| {name} | {_cell(value)} |" for name, value in facts]
        lines.append("")
        if self.exclusions:
            lines += ["## Exclusions", "", "| reason | meaning |", "|---|---|"]
            lines += [f"| `{code}` | {_cell(text)} |" for code, text in self.exclusions.items()]
            lines.append("")
        if self.options:
            lines += [
                "## Options",
                "",
                "| option | default | choices | meaning |",
                "|---|---|---|---|",
            ]
            for option in self.options:
                choices = ", ".join(f"`{c!r}`" for c in option.choices) or "any accepted value"
                lines.append(
                    f"| `{option.name}` | `{option.default!r}` | {choices} | {_cell(option.description)} |"
                )
            lines.append("")
        if self.notes:
            lines += ["## Conventions", ""]
            lines += [f"- {note}" for note in self.notes]
            lines.append("")
        lines += ["## Sources", ""]
        for source in self.sources:
            title = f"[{source.title}]({source.url})" if source.url else source.title
            detail = f", {source.detail}" if source.detail else ""
            lines.append(f"- {source.publisher}, {title}{detail}")
        lines.append("")
        return "\n".join(lines)


@functools.cache
def _takes_calendar(function: Callable[..., Result]) -> bool:
    return "calendar" in inspect.signature(function).parameters


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_dataset(data: "Dataset | Iterable[Record]") -> Dataset:
    """*data* if it is a `Dataset`, else a `Dataset` of the given records."""
    if isinstance(data, Dataset):
        return data
    return Dataset.of(*data)
