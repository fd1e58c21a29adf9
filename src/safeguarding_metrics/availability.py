"""Whether the data given can support an indicator's figure for a period (SPEC §4.6).

A dataset read from returns knows which returns it holds (`Dataset.coverage`). A figure for
a period the returns do not cover, before the earliest or beyond the latest, or for an
indicator that looks back (re-referrals, repeat plans, stability) without the history it
needs, would be a figure the data cannot support: the report shows the reason instead, and
never an arrow against such a period.
"""

import datetime as dt

import attrs

from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod

__all__ = ["Availability", "availability"]


@attrs.frozen
class Availability:
    """Whether the data supports a figure, and if not, why.

    Attributes:
        supported: True when the data covers what the figure needs (or records no coverage,
            as a dataset built in a script does: then all history is taken to be present).
        reason: Why not, in a sentence; `None` when supported.
    """

    supported: bool
    reason: str | None = None

    @classmethod
    def unsupported(cls, reason: str) -> "Availability":
        """Not supported, for *reason*."""
        return cls(supported=False, reason=reason)


SUPPORTED = Availability(supported=True)
"""The data supports the figure."""


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def availability(card: Indicator, dataset: Dataset, period: ReportingPeriod) -> Availability:
    """Whether *dataset* covers what *card* needs for a figure for *period*.

    Args:
        card: The indicator.
        dataset: The data, with the returns it was read from (`Dataset.coverage`).
        period: The period the figure is for.

    Returns:
        `Availability`: supported, or the reason it is not.

    Notes:
        - Each return covers its dates (a collection year: 1 April to 31 March); the
          returns holding a collection cover it over the stretches they make together
          (`Coverage.intervals`), so a year missing between two returns is a gap.
          Collections with no recorded return (built in a script) are taken to be complete.
        - A figure needs every collection the indicator reads to be covered from the start
          of the period (or, for an indicator that looks back, from the start of its
          look-back, `Indicator.history`) to the period's end, without a gap.
        - Not supported, with the reason: a period that lies beyond the data or before it;
          one that starts before the data starts or ends after it ends (a part year); one
          whose look-back reaches before the data starts; one with a gap in the returns;
          one for which a source holds a field the indicator needs whole
          (`Indicator.needs`) only in part (`ReturnCoverage.partial`).
    """
    coverage = dataset.coverage
    recorded = [table for table in card.inputs if coverage.of(table)]
    if not recorded:
        return SUPPORTED
    first = min(coverage.intervals(t)[0][0] for t in recorded)
    last = max(coverage.intervals(t)[-1][1] for t in recorded)
    if period.start > last:
        return Availability.unsupported(
            f"{period.label} lies beyond the data, which ends on {_day(last)}"
        )
    if period.end < first:
        return Availability.unsupported(
            f"{period.label} lies before the data, which starts on {_day(first)}"
        )
    needed = card.history.needed_from(period) if card.history is not None else period.start
    for table in recorded:
        if coverage.covers(table, needed, period.end):
            continue
        stretches = coverage.intervals(table)
        begins, ends = stretches[0][0], stretches[-1][1]
        if period.start < begins:
            return Availability.unsupported(
                f"the data starts on {_day(begins)}, after {period.label} begins"
            )
        if period.end > ends:
            return Availability.unsupported(
                f"the data ends on {_day(ends)}, before {period.label} ends"
            )
        if card.history is not None and needed < begins:
            return Availability.unsupported(
                f"it looks back over {card.history.describe()} (from {_day(needed)}), and "
                f"the data starts on {_day(begins)}"
            )
        gap_start, gap_end = _gap(stretches, needed, period.end)
        return Availability.unsupported(
            f"no return given covers {table} from {_day(gap_start)} to {_day(gap_end)}"
        )
    for field in card.needs:
        for source in coverage.of(field.partition(".")[0]):
            lacks = source.lacks(field)
            if lacks and source.start <= period.end and source.end >= needed:
                return Availability.unsupported(
                    f"the {source.kind} data holds {lacks} ({field}), and the figure needs it whole"
                )
    return SUPPORTED


def _gap(
    stretches: tuple[tuple[dt.date, dt.date], ...], start: dt.date, end: dt.date
) -> tuple[dt.date, dt.date]:
    """The first stretch of days from *start* to *end* that no return covers."""
    day = start
    for s, e in stretches:
        if e < day:
            continue
        if s > day:
            return day, min(s - dt.timedelta(days=1), end)
        day = e + dt.timedelta(days=1)
        if day > end:
            break
    return day, end
