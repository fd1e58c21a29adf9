"""Tests for definition cards (Indicator, Option, Source) and as_dataset."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest

from safeguarding_metrics.catalogue import (
    CHILDREN_IN_NEED,
    WORKING_TOGETHER,
    EnglandFigure,
    Indicator,
    Option,
    Source,
    as_dataset,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import Contact, Record
from safeguarding_metrics.results import Count, Polarity
from safeguarding_metrics.working_days import WorkingDayCalendar

YEAR = ReportingPeriod.year_ending(2025)
seen_calls: list[dict[str, Any]] = []


def contacts_in_period(
    data: Dataset | Iterable[Record],
    *,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar | None = None,
    window: str = "period",
    minimum: int = 0,
) -> Count:
    """Count contacts in *period* (a toy indicator for testing cards)."""
    dataset = as_dataset(data)
    seen_calls.append(
        {"period": period, "calendar": calendar, "window": window, "minimum": minimum}
    )
    counted = period.contains_many(dataset.dates("contacts", "contact_date"))
    return Count.from_flags(
        indicator_id="contacts-toy",
        table="contacts",
        counted=counted,
        child_ids=dataset.column("contacts", "child_id"),
    )


def plain_count(data: Dataset | Iterable[Record], *, period: ReportingPeriod) -> Count:
    """A toy indicator that counts no working days, so takes no calendar."""
    seen_calls.append({"period": period})
    return Count(indicator_id="plain-toy", count=len(as_dataset(data).contacts))


def _non_negative(value: Any) -> str | None:
    if not isinstance(value, int) or value < 0:
        return "must be a whole number >= 0"
    return None


def make_card(**changes: Any) -> Indicator:
    """A small card over `contacts_in_period`, with *changes*."""
    fields: dict[str, Any] = {
        "id": "contacts-toy",
        "title": "Contacts in the period | toy",
        "kind": "count",
        "polarity": Polarity.NEUTRAL,
        "legacy_codes": ("NI 999",),
        "cohort": "Contacts received in the period.",
        "numerator": "Every contact in the cohort.",
        "exclusions": {"end-before-start": "Decision dated before the contact."},
        "options": (
            Option(
                name="window",
                default="period",
                choices=("period", "year-to-date"),
                description="Which stretch of dates to count.",
            ),
            Option(
                name="minimum",
                default=0,
                description="A free number, checked by a function.",
                validate=_non_negative,
            ),
        ),
        "notes": ("A contact on the period's last day counts.",),
        "sources": (WORKING_TOGETHER, CHILDREN_IN_NEED.at("table C1")),
        "england": EnglandFigure(value=22.6, period="2024-25", source=CHILDREN_IN_NEED),
        "inputs": ("contacts",),
        "function": contacts_in_period,
    }
    return Indicator(**(fields | changes))


CONTACTS = (
    Contact(child_id="A1", contact_date=dt.date(2024, 4, 1)),
    Contact(child_id="B2", contact_date=dt.date(2025, 3, 31)),
    Contact(child_id="C3", contact_date=dt.date(2025, 4, 1)),
)


# -- compute -----------------------------------------------------------------------------------


def test_compute_uses_the_card_defaults() -> None:
    """Without options, compute passes every option's default and the England calendar."""
    seen_calls.clear()
    result = make_card().compute(Dataset(contacts=CONTACTS), period=YEAR)
    assert isinstance(result, Count)
    assert result.count == 2  # 1 April 2024 and 31 March 2025; 1 April 2025 is outside
    assert seen_calls == [{"period": YEAR, "calendar": None, "window": "period", "minimum": 0}]


def test_compute_passes_options_and_calendar() -> None:
    """Given options and a calendar reach the function unchanged."""
    seen_calls.clear()
    calendar = WorkingDayCalendar.england(extra_closures=[dt.date(2024, 12, 27)])
    make_card().compute(CONTACTS, period=YEAR, calendar=calendar, window="year-to-date", minimum=3)
    expected = {"period": YEAR, "calendar": calendar, "window": "year-to-date", "minimum": 3}
    assert seen_calls == [expected]


def test_compute_accepts_records_as_well_as_a_dataset() -> None:
    """An iterable of records is made into a Dataset first."""
    result = make_card().compute(list(CONTACTS), period=YEAR)
    assert isinstance(result, Count)
    assert result.count == 2


def test_compute_rejects_unknown_options() -> None:
    """An option the card does not list raises InvalidOptionError naming it and the options."""
    with pytest.raises(InvalidOptionError, match=r"unknown option anchor.*window, minimum"):
        make_card().compute(CONTACTS, period=YEAR, anchor="referral")


def test_compute_rejects_a_value_outside_the_choices() -> None:
    """A value not among the option's choices raises InvalidOptionError listing them."""
    with pytest.raises(InvalidOptionError, match=r"window='rolling'.*'period', 'year-to-date'"):
        make_card().compute(CONTACTS, period=YEAR, window="rolling")


def test_compute_runs_an_options_own_check() -> None:
    """A free option's validate function can refuse a value."""
    with pytest.raises(InvalidOptionError, match=r"minimum=-1: must be a whole number"):
        make_card().compute(CONTACTS, period=YEAR, minimum=-1)


def test_compute_requires_a_reporting_period() -> None:
    """A period that is not a ReportingPeriod (a year number, say) is refused."""
    with pytest.raises(InvalidOptionError, match="period must be a ReportingPeriod"):
        make_card().compute(CONTACTS, period=2025)  # type: ignore[arg-type]


def test_card_without_options_rejects_any() -> None:
    """A card with no options says so when given one."""
    card = make_card(options=(), function=plain_count)
    with pytest.raises(InvalidOptionError, match="its options are: none"):
        card.compute(CONTACTS, period=YEAR, window="period")


def test_calendar_is_passed_only_to_functions_that_take_it() -> None:
    """A function that counts no working days is not given calendar=."""
    seen_calls.clear()
    card = make_card(options=(), function=plain_count)
    assert not card.uses_calendar
    assert make_card().uses_calendar
    card.compute(CONTACTS, period=YEAR, calendar=WorkingDayCalendar.england())
    assert seen_calls == [{"period": YEAR}]


def test_defaults_lists_each_option() -> None:
    """The defaults property maps option names to default values."""
    assert make_card().defaults == {"window": "period", "minimum": 0}


# -- card validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id", ["Contacts_Toy", "contacts toy", "-contacts", "contacts--toy", ""]
)
def test_card_id_must_be_kebab_case(bad_id: str) -> None:
    """Ids are lower-case words joined by single hyphens."""
    with pytest.raises(ValueError, match="kebab-case"):
        make_card(id=bad_id)


def test_card_inputs_must_be_dataset_collections() -> None:
    """An input that is no Dataset collection is refused."""
    with pytest.raises(ValueError, match="unknown record collection 'plans'"):
        make_card(inputs=("contacts", "plans"))


def test_cards_are_hashable_values() -> None:
    """Cards can be set members and dict keys."""
    assert len({make_card(), make_card()}) == 1
    assert make_card() != make_card(title="Another title")


# -- rendering ---------------------------------------------------------------------------------


def test_to_markdown_renders_every_part_of_the_card() -> None:
    """The Markdown page shows title, id, facts, exclusions, options, notes and sources."""
    text = make_card().to_markdown()
    assert text.startswith("# Contacts in the period | toy\n")
    assert "`contacts-toy`" in text
    assert "| Polarity | neutral |" in text
    assert "| Legacy codes | NI 999 |" in text
    assert "| Counts | Every contact in the cohort. |" in text
    assert "| Reads | `contacts` |" in text
    assert "| England | 22.6 in 2024-25 (Department for Education, Characteristics" in text
    assert "| `end-before-start` | Decision dated before the contact. |" in text
    assert "| `window` | `'period'` | `'period'`, `'year-to-date'` |" in text
    assert "| `minimum` | `0` | any accepted value |" in text
    assert "- A contact on the period's last day counts." in text
    assert "- Department for Education, [Working Together to Safeguard Children" in text
    assert "- Department for Education, [Characteristics of children in need" in text
    assert "/characteristics-of-children-in-need), table C1" in text


def test_to_markdown_escapes_pipes_in_cells() -> None:
    """A | inside a table cell is escaped so the table keeps its shape."""
    text = make_card(cohort="Contacts | referrals").to_markdown()
    assert "| Cohort | Contacts \\| referrals |" in text


def test_to_markdown_of_a_rate_names_numerator_and_denominator() -> None:
    """A rate card shows its numerator and denominator and polarity in words."""
    text = make_card(
        kind="rate", polarity=Polarity.HIGHER, denominator="Contacts, less exclusions."
    ).to_markdown()
    assert "| Numerator | Every contact in the cohort. |" in text
    assert "| Denominator | Contacts, less exclusions. |" in text
    assert "| Polarity | higher is better |" in text
    assert "| England | 22.6% in 2024-25 (" in text  # a rate's figure is a percentage


def test_to_markdown_without_optional_parts() -> None:
    """A card without options, exclusions, notes or England figure leaves those sections out."""
    text = make_card(
        options=(), exclusions={}, notes=(), england=None, legacy_codes=()
    ).to_markdown()
    assert "## Options" not in text
    assert "## Exclusions" not in text
    assert "## Conventions" not in text
    assert "| England |" not in text
    assert "| Legacy codes | none |" in text


# -- sources and as_dataset --------------------------------------------------------------------


def test_source_at_points_at_a_detail() -> None:
    """Source.at names a table or item without changing the shared constant."""
    c2 = CHILDREN_IN_NEED.at("table C2")
    assert c2.detail == "table C2"
    assert CHILDREN_IN_NEED.detail == ""
    assert str(c2).endswith(", table C2")
    assert str(Source(title="Local guidance", publisher="A council")) == "A council, Local guidance"


def test_as_dataset_returns_a_dataset_unchanged() -> None:
    """A Dataset is passed through (so its column cache is shared)."""
    data = Dataset(contacts=CONTACTS)
    assert as_dataset(data) is data
    assert as_dataset(CONTACTS) == data
