"""Array kernels shared by the referral, child protection and count indicator families.

One home for the small vectorised pieces several families need, so that a rule such as
"two referrals of one child on the same date are one referral, and the one that led to
action is kept" (SPEC §4.2) has a single implementation:

- `SameDayGroups` groups rows by (child, day) and picks the kept row of each group by
  keys, then by content (SPEC §3), noting the ties content broke; `referral_day_groups`
  does it once per dataset for the referrals, with SPEC §4.2's keys.
- `stable_order`, `child_day_keys` and `add_months_days` are the sorting and date helpers
  the groupings and look-ups are built from.
- `cached`, `frozen` and `check_choice` are the housekeeping every family repeats: work kept
  with a dataset, read-only arrays, and option validation.

Nothing here is public API; the functions are imported by the indicator modules only.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import (
    child_day_order,
    child_day_sort,
    position_among,
    stable_order,
)
from safeguarding_metrics._arrays import freeze as frozen
from safeguarding_metrics._dates import NAT_DAY, day_numbers
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.ties import content_rank, record_diagnostic, tie_diagnostics_per_pair

__all__ = [
    "ICPC_NOT_REQUIRED_PROBLEM",
    "NAT_DAY",
    "REFERRAL_TIE_RULE",
    "ReferralDayGroups",
    "SameDayGroups",
    "add_months_days",
    "at_or_after_months_shifted",
    "cached",
    "check_choice",
    "child_day_keys",
    "child_day_order",
    "frozen",
    "icpc_not_required_diagnostics",
    "in_period",
    "referral_day_groups",
    "representatives",
    "shift_months",
    "stable_order",
]

IntArray = npt.NDArray[np.int64]
IntpArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T")

"""The day number `day_numbers` gives a missing date (NaT)."""
_DAY_SHIFT = 1 << 31


# -- housekeeping ----------------------------------------------------------------------------


def cached(dataset: Dataset, key: str, build: Callable[[], T]) -> T:
    """*build()*, computed once per dataset and kept in its cache under a private key.

    Indicators of one family share their derived arrays this way (the arrays are read-only,
    as the dataset's columns are), so a report computing several cards does the work once.
    What is kept holds no reference back to the dataset: the two would form a cycle, and a
    national extract would stay in memory until the cycle collector ran.
    """
    return dataset.derived(("safeguarding_metrics.indicators", key), build)


def check_choice(indicator_id: str, name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise `InvalidOptionError` unless *value* is one of *choices*."""
    options = tuple(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise InvalidOptionError(f"{indicator_id}: option {name}={value!r} is not one of {listed}")


# -- sorting and dates -----------------------------------------------------------------------

_DATE_BLOCK = 1 << 16
"""Rows per block where a date column is read a block at a time (512 KiB of int64)."""
_MONTHS_BLOCK = 1 << 18
"""Rows per block where months are added a block at a time (each block builds its table)."""


def child_day_keys(codes: npt.NDArray[np.integer[Any]], days: IntArray) -> IntArray:
    """One int64 per (child code, day) pair, ordered by child then day.

    The keys of any two arrays compare as their pairs do, so keys of one collection can be
    looked up among another's (`np.searchsorted`).
    """
    return (codes.astype(np.int64) << 32) + (days + _DAY_SHIFT)


def in_period(period: ReportingPeriod, dates: npt.NDArray[np.datetime64]) -> BoolArray:
    """`period.contains_many(dates)`: one unsigned comparison per date.

    A date before the period's start, after its end, or missing (`NaT`, the smallest
    day number) is more than the period's length past its start once read as unsigned.
    """
    start = int(np.datetime64(period.start, "D").astype(np.int64))
    length = (period.end - period.start).days
    days = day_numbers(dates)
    result: BoolArray = np.empty(len(days), dtype=np.bool_)
    # Block by block, so the offsets never take a column's worth of fresh memory.
    offsets = np.empty(min(len(days), _DATE_BLOCK), dtype=np.int64)
    for first in range(0, len(days), _DATE_BLOCK):
        block = days[first : first + _DATE_BLOCK]
        offset = offsets[: len(block)]
        np.subtract(block, start, out=offset)  # NaT wraps round to a huge positive number
        np.less_equal(offset.view(np.uint64), length, out=result[first : first + len(block)])
    return result


def add_months_days(dates: npt.NDArray[np.datetime64], months: int) -> IntArray:
    """Day numbers of `add_months(dates, months)`; `NaT` stays `NAT_DAY`.

    Equal to `day_numbers(add_months(dates, months))`, but computed once per day of the
    range the dates span (a small table, looked up by day) when that range is shorter than
    the array, as it is for a national extract.
    """
    days = day_numbers(dates)
    if not len(days):
        return days.astype(np.int64)
    low, high = int(days.min()), int(days.max())
    missing = low == NAT_DAY
    present: BoolArray | None = None
    if missing:
        present = days != NAT_DAY
        if not present.any():
            return days.copy()
        low = int(days[present].min())
    if high - low + 1 >= len(days):
        return day_numbers(add_months(dates, months)).copy()
    span = np.arange(low, high + 1, dtype=np.int64).view("datetime64[D]")
    table = day_numbers(add_months(span, months))
    if present is not None:
        result = np.full(len(days), NAT_DAY, dtype=np.int64)
        result[present] = table[days[present] - low]
        return result
    result = np.empty(len(days), dtype=np.int64)
    offsets = np.empty(min(len(days), _DATE_BLOCK), dtype=np.int64)
    for first in range(0, len(days), _DATE_BLOCK):
        block = days[first : first + _DATE_BLOCK]
        offset = offsets[: len(block)]
        np.subtract(block, low, out=offset)
        np.take(table, offset, out=result[first : first + len(block)])
    return result


def at_or_after_months_shifted(
    days: IntArray, dates: npt.NDArray[np.datetime64], months: int
) -> BoolArray:
    """Whether each of *days* is on or after `add_months(dates, months)`, element-wise.

    Day numbers (`NAT_DAY` is below every day); a `NaT` date shifts to `NAT_DAY`. Equal to
    ``days >= add_months_days(dates, months)``, a block of rows at a time.
    """
    result: BoolArray = np.empty(len(days), dtype=np.bool_)
    for first in range(0, len(days), _MONTHS_BLOCK):
        stop = first + _MONTHS_BLOCK
        shifted = add_months_days(dates[first:stop], months)
        np.greater_equal(days[first:stop], shifted, out=result[first:stop])
    return result


def shift_months(
    dates: npt.NDArray[np.datetime64], months: int | npt.NDArray[np.integer[Any]]
) -> npt.NDArray[np.datetime64]:
    """`add_months(dates, months)`, element-wise, `NaT` kept: through `add_months_days`.

    *months* is one number or one per date; each distinct number is a table of its own.
    """
    if isinstance(months, int | np.integer):
        shifted = add_months_days(dates, int(months))
    else:
        steps = np.asarray(months)
        shifted = np.full(len(dates), NAT_DAY, dtype=np.int64)
        if not len(steps):
            return shifted.view("datetime64[D]")
        low, high = int(steps.min()), int(steps.max())
        # Few distinct numbers of months (3 or 6, say): one table each.
        distinct = range(low, high + 1) if high - low < 64 else np.unique(steps).tolist()
        for step in distinct:
            rows = np.flatnonzero(steps == step)
            if len(rows):
                shifted[rows] = add_months_days(dates[rows], int(step))
    result: npt.NDArray[np.datetime64] = shifted.view("datetime64[D]")
    return result


# -- same-day groups -------------------------------------------------------------------------


def _key_ranks(key: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """*key* as values `np.lexsort` orders as the key should be: text by code point."""
    if key.dtype.kind in "US":
        _, inverse = np.unique(key, return_inverse=True)
        ranks: npt.NDArray[Any] = inverse.reshape(-1)
        return ranks
    if key.dtype.kind == "b":
        return key.astype(np.int8)
    return key


class SameDayGroups:
    """Rows grouped by (child, day), the kept row of each group first.

    Within a group the kept row is the first by *keys* (each smaller first, in turn), then,
    among rows equal on every key, the first by content (*content*, e.g.
    `ties.content_rank`), so the choice never depends on the order of the rows. Only rows
    of groups with two or more members are ranked by key, and only rows that tie on every
    key by content: few, even in a national extract.

    Attributes:
        previous_day: Per row, the latest day before its own of a row of the same child
            (`NAT_DAY` for none).
        kept: Per row, whether it is the kept row of its group.
        duplicate_rows: The rows that are not their group's kept row, in increasing order ...
        their_kept: ... and, row by row, the kept row of that row's group.
        duplicate: Per row, the negation of *kept*.
        tied_kept: Rows kept over another row of their group that ties with them on every
            key but differs in content (the tie was broken by content) ...
        tied_other: ... and, pair by pair, that other row.
    """

    def __init__(
        self,
        codes: npt.NDArray[np.integer[Any]],
        days: IntArray,
        keys: Sequence[npt.NDArray[Any]],
        content: Callable[[npt.NDArray[np.intp]], npt.NDArray[np.intp]],
    ) -> None:
        ordered, new_group, previous_day = child_day_sort(codes, days)
        n = len(ordered)
        kept = np.ones(n, dtype=np.bool_)  # each row is its group's kept row ...
        tied_kept = tied_other = np.zeros(0, dtype=np.intp)
        duplicate_rows = their_kept = np.zeros(0, dtype=np.intp)
        inner = np.flatnonzero(~new_group)  # ... but for the groups of two or more rows
        if len(inner):
            # The positions of the groups of two or more rows: contiguous runs, one per group.
            positions = np.union1d(inner - 1, inner)
            rows = ordered.rows_at(positions)
            starts = new_group[positions]
            groups = np.cumsum(starts, dtype=np.intp)
            ranks = [_key_ranks(key[rows]) for key in keys]
            by_keys = np.lexsort((rows, *reversed(ranks), groups))
            # Rows equal to their neighbour on group and every key tie: rank them by content.
            same = np.zeros(len(rows), dtype=np.bool_)
            same[1:] = groups[by_keys][1:] == groups[by_keys][:-1]
            for rank in ranks:
                same[1:] &= rank[by_keys][1:] == rank[by_keys][:-1]
            by_content = np.zeros(len(rows), dtype=np.intp)
            if same.any():
                tied = by_keys[same | np.append(same[1:], False)]
                by_content[tied] = content(rows[tied].astype(np.intp))
                by_keys = np.lexsort((rows, by_content, *reversed(ranks), groups))
                tied_kept, tied_other = _content_ties(groups, ranks, by_content, by_keys)
                tied_kept, tied_other = rows[tied_kept], rows[tied_other]
            ranked = rows[by_keys]  # each group's rows, its kept row first
            firsts = ranked[np.flatnonzero(starts)[groups - 1]]
            others = ~starts
            by_row = np.argsort(ranked[others])
            duplicate_rows, their_kept = ranked[others][by_row], firsts[others][by_row]
            kept[duplicate_rows] = False
        del ordered, new_group
        self.duplicate_rows: IntpArray = frozen(duplicate_rows)
        self.their_kept: IntpArray = frozen(their_kept)
        self.previous_day: IntArray = frozen(previous_day)
        self.kept: BoolArray = frozen(kept)
        self.duplicate: BoolArray = frozen(~kept)
        self.tied_kept: IntpArray = frozen(tied_kept)
        self.tied_other: IntpArray = frozen(tied_other)
        self._diagnostics: dict[int, Diagnostic | None] = {}

    @property
    def representative(self) -> IntpArray:
        """Per row, the kept row of its group (made on each read: prefer `kept_rows_of`)."""
        representative = np.arange(len(self.kept), dtype=np.intp)
        representative[self.duplicate_rows] = self.their_kept
        return representative

    def kept_rows_of(self, rows: npt.NDArray[np.integer[Any]]) -> IntpArray:
        """The kept row of the group of each of *rows* (row numbers, any order)."""
        kept_rows = np.asarray(rows, dtype=np.intp).copy()
        if len(self.duplicate_rows) and len(kept_rows):
            found = position_among(self.duplicate_rows, kept_rows)
            hit = found >= 0
            kept_rows[hit] = self.their_kept[found[hit]]
        return kept_rows

    def as_kept(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """Per row, *values* (one per row) of its group's kept row: a duplicate takes its kept row's."""
        return self.spread_kept(values.copy())

    def spread_kept(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """`as_kept(values)` written into *values* itself, which is returned."""
        values[self.duplicate_rows] = values[self.their_kept]
        return values

    def ties_in(self, rows: BoolArray) -> tuple[IntpArray, IntpArray]:
        """The (kept, other) pairs of ties broken by content whose kept row is in *rows*."""
        wanted = rows[self.tied_kept]
        return self.tied_kept[wanted], self.tied_other[wanted]

    def diagnostics_in(
        self,
        rows: BoolArray,
        build: Callable[[IntpArray, IntpArray], list[Diagnostic | None]],
    ) -> list[Diagnostic]:
        """The diagnostics of the ties whose kept row is in *rows*, each built once.

        *build* makes one diagnostic (or None) per (kept, other) pair; several indicators
        over one dataset report the same ties, so each pair's diagnostic is kept.
        """
        wanted = np.flatnonzero(rows[self.tied_kept])
        missing = [int(i) for i in wanted if int(i) not in self._diagnostics]
        if missing:
            built = build(self.tied_kept[missing], self.tied_other[missing])
            self._diagnostics.update(zip(missing, built, strict=True))
        return [d for i in wanted if (d := self._diagnostics[int(i)]) is not None]


def _content_ties(
    groups: IntpArray,
    ranks: Sequence[npt.NDArray[Any]],
    by_content: npt.NDArray[np.intp],
    by_keys: npt.NDArray[np.intp],
) -> tuple[IntpArray, IntpArray]:
    """Positions (into the shared rows) of each kept row and each row it beat on content."""
    ordered_groups = groups[by_keys]
    starts = np.ones(len(by_keys), dtype=np.bool_)
    starts[1:] = ordered_groups[1:] != ordered_groups[:-1]
    first = by_keys[np.maximum.accumulate(np.where(starts, np.arange(len(by_keys)), 0))]
    beaten = by_content[by_keys] != by_content[first]
    for rank in ranks:
        beaten &= rank[by_keys] == rank[first]
    return first[beaten].astype(np.intp), by_keys[beaten].astype(np.intp)


def representatives(order: IntpArray, new_group: BoolArray) -> IntpArray:
    """For each row, the first row of its group, from a grouping's order and group starts."""
    group = np.cumsum(new_group, dtype=np.intp)
    group -= 1
    representative = np.empty(len(order), dtype=np.intp)
    representative[order] = order[new_group][group]
    return representative


REFERRAL_TIE_RULE = (
    "the same child and referral date, the same no-further-action flag and the same referral_id"
)
"""What two same-day referrals tie on when their content decides which is kept (SPEC §4.2)."""


class ReferralDayGroups(SameDayGroups):
    """The referrals of a dataset grouped by (child, referral date), one of each kept.

    SPEC §4.2: two referrals of one child on the same date are one referral, and the kept
    record is the one that led to action: a record with `nfa` false before one with `nfa`
    true; among those, the smallest `referral_id` (readers number a return's same-day
    referrals "A/2024-03-01", "A/2024-03-01/2", so it is the first in the return); then
    the first by its other fields (SPEC §3, `ties.content_rank`). The others are
    `duplicate`. The kept record's own fields stand for the referral.
    """

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(
            dataset.child_codes("referrals"),
            day_numbers(dataset.dates("referrals", "referral_date")),
            keys=(
                dataset.column("referrals", "nfa"),
                dataset.stored_text("referrals", "referral_id"),
            ),
            content=lambda rows: content_rank(dataset, "referrals", rows),
        )

    def tie_diagnostics(self, dataset: Dataset, rows: BoolArray) -> list[Diagnostic]:
        """Diagnostics for the ties broken by content whose kept referral is in *rows*.

        *dataset* is the one the groups were built from (not kept here: the groups are
        kept with it, and a reference back would keep both alive until a cycle collection).
        """
        return self.diagnostics_in(
            rows,
            lambda kept, others: tie_diagnostics_per_pair(
                dataset, "referrals", kept, others, rule=REFERRAL_TIE_RULE
            ),
        )


def referral_day_groups(dataset: Dataset) -> ReferralDayGroups:
    """The `ReferralDayGroups` of *dataset*, built on first use and kept with it."""
    return cached(dataset, "referral-day-groups", lambda: ReferralDayGroups(dataset))


# -- initial conferences ---------------------------------------------------------------------

ICPC_NOT_REQUIRED_PROBLEM = (
    "ICPCnotRequired is set but a conference date is recorded (CIN census rule 8868); a "
    "recorded conference is a conference, so the enquiry was counted as having one"
)
"""The problem text of every diagnostic about an enquiry with both a conference and the flag."""


def icpc_not_required_diagnostics(dataset: Dataset, rows: BoolArray) -> list[Diagnostic]:
    """A diagnostic for each enquiry of *rows* with an `icpc_date` and `icpc_not_required`.

    SPEC §4.1: a recorded conference is a conference, so such an enquiry stays in the
    conference cohorts; the contradiction is reported (CIN census rule 8868).
    """
    icpc = dataset.dates("section47s", "icpc_date")
    flagged = rows & dataset.column("section47s", "icpc_not_required") & ~np.isnat(icpc)
    return [
        record_diagnostic(
            dataset,
            "section47s",
            int(row),
            field="icpc_not_required",
            value=f"true, with icpc_date {np.datetime_as_string(icpc[row])}",
            problem=ICPC_NOT_REQUIRED_PROBLEM,
        )
        for row in np.flatnonzero(flagged)
    ]
