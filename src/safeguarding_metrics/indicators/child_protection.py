"""Indicator family: child_protection (being implemented)."""

from safeguarding_metrics.catalogue import Indicator

CARDS: tuple[Indicator, ...] = ()
