"""Tests for the registry: every card is registered, well formed, and matches its function."""

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest

import safeguarding_metrics.indicators as family_pkg
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.results import Polarity

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def family_modules() -> list[ModuleType]:
    """Every module of safeguarding_metrics.indicators."""
    return [
        importlib.import_module(f"{family_pkg.__name__}.{info.name}")
        for info in pkgutil.iter_modules(family_pkg.__path__)
    ]


def cards_defined_in(module: ModuleType) -> list[Indicator]:
    """Every Indicator bound to a name in *module*."""
    return [value for value in vars(module).values() if isinstance(value, Indicator)]


CARDS = [pytest.param(card, id=card.id) for card in INDICATORS.values()]


def test_every_defined_indicator_is_registered() -> None:
    """A card defined in any family module but missing from INDICATORS fails."""
    defined = {card.id for module in family_modules() for card in cards_defined_in(module)}
    assert defined == set(INDICATORS)


def test_every_card_defined_in_a_family_is_in_its_cards_tuple() -> None:
    """Each family's CARDS lists the cards whose function the family defines."""
    for module in family_modules():
        listed = {card.id for card in getattr(module, "CARDS", ())}
        own = {
            card.id
            for card in cards_defined_in(module)
            if card.function.__module__ == module.__name__
        }
        assert own <= listed, f"{module.__name__}: {sorted(own - listed)} not in CARDS"


def test_registry_keys_are_the_card_ids() -> None:
    """INDICATORS maps each card's own id to the card."""
    for key, card in INDICATORS.items():
        assert key == card.id


def test_registered_cards_are_distinct() -> None:
    """No card object is registered under two ids, and no two cards share a title."""
    cards = list(INDICATORS.values())
    assert len({id(card) for card in cards}) == len(cards)
    titles = [card.title for card in cards]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("card", CARDS)
def test_card_id_is_kebab_case(card: Indicator) -> None:
    """Ids are lower-case words and numbers joined by single hyphens."""
    assert KEBAB.match(card.id)


@pytest.mark.parametrize("card", CARDS)
def test_card_has_the_definition_fields(card: Indicator) -> None:
    """Every card says its sources, cohort, numerator and inputs; a rate its denominator."""
    assert card.title.strip()
    assert card.sources
    assert card.cohort.strip()
    assert card.numerator.strip()
    assert card.inputs
    assert set(card.inputs) <= set(TABLES)
    assert card.kind in ("rate", "count", "distribution")
    assert isinstance(card.polarity, Polarity)
    if card.kind == "rate":
        assert card.denominator.strip()


@pytest.mark.parametrize("card", CARDS)
def test_exclusion_codes_are_kebab_case_and_explained(card: Indicator) -> None:
    """Every exclusion reason code is kebab-case and has an explanation."""
    for code, text in card.exclusions.items():
        assert KEBAB.match(code), code
        assert text.strip(), code


@pytest.mark.parametrize("card", CARDS)
def test_card_options_are_keyword_parameters_of_its_function(card: Indicator) -> None:
    """Each option is a keyword-only parameter with the card's default, among its choices."""
    parameters = inspect.signature(card.function).parameters
    names = [option.name for option in card.options]
    assert len(set(names)) == len(names)
    for option in card.options:
        assert option.name in parameters, option.name
        parameter = parameters[option.name]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, option.name
        assert parameter.default == option.default, option.name
        if option.choices:
            assert option.default in option.choices, option.name
        assert option.description.strip(), option.name


@pytest.mark.parametrize("card", CARDS)
def test_card_function_follows_the_convention(card: Indicator) -> None:
    """f(data, *, period, [calendar=None,] options): data first, the rest keyword-only."""
    parameters = list(inspect.signature(card.function).parameters.values())
    assert parameters[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
    rest = {p.name: p for p in parameters[1:]}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in rest.values())
    assert "period" in rest
    assert rest["period"].default is inspect.Parameter.empty
    if "calendar" in rest:
        assert rest["calendar"].default is None
    # compute() passes only period, calendar and the options: any other keyword needs a default.
    required = {n for n, p in rest.items() if p.default is inspect.Parameter.empty}
    assert required == {"period"}
    assert not card.function.__name__.startswith("_")


@pytest.mark.parametrize("card", CARDS)
def test_card_renders_as_markdown(card: Indicator) -> None:
    """Every registered card renders a Markdown page naming its id and title."""
    text = card.to_markdown()
    assert text.startswith(f"# {card.title}\n")
    assert f"`{card.id}`" in text


def test_registering_an_id_twice_raises() -> None:
    """Two families defining the same id cannot both be registered."""
    from safeguarding_metrics.registry import _registry

    card = next(iter(INDICATORS.values()), None)
    if card is None:
        pytest.skip("no indicator registered yet")
    with pytest.raises(ValueError, match=f"{card.id!r} is registered twice"):
        _registry((card,), (card,))
