"""Every indicator the library computes, by its stable id.

The registry is written out by hand: each family module lists its cards in `CARDS`, and a
card defined but missing from `CARDS` fails `tests/test_registry.py`.
"""

from collections.abc import Mapping
from types import MappingProxyType

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.indicators import (
    child_protection,
    counts,
    looked_after,
    referrals,
    timescales,
)

__all__ = ["INDICATORS"]


def _registry(*families: tuple[Indicator, ...]) -> Mapping[str, Indicator]:
    cards: dict[str, Indicator] = {}
    for family in families:
        for card in family:
            if card.id in cards:
                raise ValueError(f"indicator id {card.id!r} is registered twice")
            cards[card.id] = card
    return MappingProxyType(cards)


INDICATORS: Mapping[str, Indicator] = _registry(
    timescales.CARDS,
    referrals.CARDS,
    child_protection.CARDS,
    looked_after.CARDS,
    counts.CARDS,
)
"""Indicator id -> definition card, in report order."""
