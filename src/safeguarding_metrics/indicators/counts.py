"""Indicator family: counts (being implemented)."""

from safeguarding_metrics.catalogue import Indicator

CARDS: tuple[Indicator, ...] = ()
