"""Indicator family: looked_after (being implemented)."""

from safeguarding_metrics.catalogue import Indicator

CARDS: tuple[Indicator, ...] = ()
