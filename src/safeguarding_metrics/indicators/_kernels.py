"""Array kernels shared by the referral, child protection and count indicator families.

One home for the small vectorised pieces several families need, so that a rule such as
"two referrals of one child on the same date are one referral, and the first is kept"
(SPEC §4.2) has a single implementation:

- `same_day_groups` / `child_day_order` group rows by (child, day) and pick the kept row
  of each group; `referral_day_groups` does it once per dataset for the referrals.
- `stable_order`, `child_day_keys` and `add_months_days` are the sorting and date helpers
  the groupings and look-ups are built from.
- `cached`, `frozen` and `check_choice` are the housekeeping every family repeats: work kept
  with a dataset, read-only arrays, and option validation.

Nothing here is public API; the functions are imported by the indicator modules only.
"""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import freeze as frozen
from safeguarding_metrics._dates import NAT_DAY, day_numbers
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import add_months

__all__ = [
    "NAT_DAY",
    "ReferralDayGroups",
    "add_months_days",
    "cached",
    "check_choice",
    "child_day_keys",
    "child_day_order",
    "frozen",
    "referral_day_groups",
    "representatives",
    "same_day_groups",
    "stable_order",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
T = TypeVar("T")

"""The day number `day_numbers` gives a missing date (NaT)."""
_DAY_SHIFT = 1 << 31


# -- housekeeping ----------------------------------------------------------------------------


def cached(dataset: Dataset, key: str, build: Callable[[], T]) -> T:
    """*build()*, computed once per dataset and kept in its cache under a private key.

    Indicators of one family share their derived arrays this way (the arrays are read-only,
    as the dataset's columns are), so a report computing several cards does the work once.
    """
    return dataset.derived(("safeguarding_metrics.indicators", key), build)


def check_choice(indicator_id: str, name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise `InvalidOptionError` unless *value* is one of *choices*."""
    options = tuple(choices)
    if value not in options:
        listed = ", ".join(repr(c) for c in options)
        raise InvalidOptionError(f"{indicator_id}: option {name}={value!r} is not one of {listed}")


# -- sorting and dates -----------------------------------------------------------------------


def stable_order(keys: IntArray) -> tuple[IntArray, IntArray]:
    """The rows in order of *keys*, ties in input order, and the keys in that order.

    Equal to a stable `argsort`, but several times faster when the keys span a range small
    enough to pack each key and its row number into one int64: then one (unstable, fast)
    `np.sort` of the packed values orders by key and, among equal keys, by row.
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64), keys.astype(np.int64)
    low, high = int(keys.min()), int(keys.max())
    row_bits = max(int(n - 1).bit_length(), 1)
    if (high - low).bit_length() + row_bits <= 62:
        packed = (keys.astype(np.int64) - low) << row_bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        order = packed & ((1 << row_bits) - 1)
        packed >>= row_bits
        packed += low
        return order, packed
    order = np.argsort(keys, kind="stable").astype(np.int64)
    return order, keys[order]


def child_day_keys(codes: IntArray, days: IntArray) -> IntArray:
    """One int64 per (child code, day) pair, ordered by child then day."""
    return (codes.astype(np.int64) << 32) + (days + _DAY_SHIFT)


def add_months_days(dates: npt.NDArray[np.datetime64], months: int) -> IntArray:
    """Day numbers of `add_months(dates, months)`; `NaT` stays `NAT_DAY`.

    Equal to `day_numbers(add_months(dates, months))`, but computed once per day of the
    range the dates span (a small table, looked up by day) when that range is shorter than
    the array, as it is for a national extract.
    """
    days = day_numbers(dates)
    present = days != NAT_DAY
    if not present.any():
        return days.copy()
    low = int(days[present].min())
    high = int(days[present].max())
    if high - low + 1 >= len(days):
        return day_numbers(add_months(dates, months))
    span = np.arange(low, high + 1, dtype=np.int64).view("datetime64[D]")
    table = day_numbers(add_months(span, months))
    result = np.full(len(days), NAT_DAY, dtype=np.int64)
    result[present] = table[days[present] - low]
    return result


# -- same-day groups -------------------------------------------------------------------------


def child_day_order(
    codes: IntArray, days: IntArray, ids: npt.NDArray[np.str_] | None = None
) -> tuple[IntArray, BoolArray]:
    """Rows sorted by child and day, the kept row first in each group; and where groups start.

    Within a (child, day) group rows come in order of *ids* (string order), ties in input
    order; without *ids*, in input order.

    Args:
        codes: Child codes, one per row.
        days: Day numbers (`day_numbers`), one per row.
        ids: Record identifiers that decide which row of a group comes first, or None.

    Returns:
        The row order, and a flag per position of that order: True where a group starts.
    """
    order, sorted_keys = stable_order(child_day_keys(codes, days))
    new_group = np.ones(len(order), dtype=np.bool_)
    new_group[1:] = sorted_keys[1:] != sorted_keys[:-1]
    if ids is not None and len(order) and not new_group.all():
        # Only rows of groups with two or more members need their ids ranked: few, so the
        # string sort is cheap even for a national extract.
        group = np.cumsum(new_group) - 1
        shared = np.bincount(group)[group] > 1
        positions = np.flatnonzero(shared)  # contiguous runs, one per shared group
        rows = order[positions]
        _, id_rank = np.unique(ids[rows], return_inverse=True)
        order[positions] = rows[np.lexsort((rows, id_rank.reshape(-1), group[positions]))]
    return order, new_group


def representatives(order: IntArray, new_group: BoolArray) -> IntArray:
    """For each row, the first row of its group, from `child_day_order`'s result."""
    positions = np.arange(len(order), dtype=np.int64)
    first = np.maximum.accumulate(np.where(new_group, positions, 0))
    representative = np.empty(len(order), dtype=np.int64)
    representative[order] = order[first]
    return representative


def same_day_groups(
    codes: IntArray, days: IntArray, ids: npt.NDArray[np.str_] | None = None
) -> IntArray:
    """For each row, the row kept for its (child, day) group.

    A row is the kept one of its group when the result at its position is its own position;
    every other row of the group is a same-day duplicate of it. The kept row is the one
    whose id sorts first (string order), ties in input order; without *ids*, the first in
    input order.

    Args:
        codes: Child codes, one per row.
        days: Day numbers (`day_numbers`), one per row.
        ids: Record identifiers that choose the kept row, or None for input order.

    Returns:
        The kept row of each row's group.
    """
    return representatives(*child_day_order(codes, days, ids))


class ReferralDayGroups:
    """The referrals of a dataset grouped by (child, referral date), the first of each kept.

    SPEC §4.2: two referrals of one child on the same date are one referral, the first is
    kept and the others are `duplicate`. "The first" is the referral whose `referral_id`
    sorts first (readers number a return's same-day referrals "A/2024-03-01",
    "A/2024-03-01/2", so it is the first in the return), ties in input order; so results do
    not depend on the order records are given in. The kept record's own fields stand for
    the referral.

    Attributes:
        order: Referral rows by child, day and then kept-first.
        new_group: Per position of *order*, whether a (child, day) group starts there.
        representative: Per row, the kept row of its group.
        kept: Per row, whether it is the kept row of its group.
        duplicate: Per row, the negation of *kept*.
    """

    def __init__(self, dataset: Dataset) -> None:
        codes = dataset.child_codes("referrals")
        days = day_numbers(dataset.dates("referrals", "referral_date"))
        order, new_group = child_day_order(codes, days, dataset.column("referrals", "referral_id"))
        self.order: IntArray = frozen(order)
        self.new_group: BoolArray = frozen(new_group)
        self.representative: IntArray = frozen(representatives(order, new_group))
        self.kept: BoolArray = frozen(self.representative == np.arange(len(codes)))
        self.duplicate: BoolArray = frozen(~self.kept)


def referral_day_groups(dataset: Dataset) -> ReferralDayGroups:
    """The `ReferralDayGroups` of *dataset*, built on first use and kept with it."""
    return cached(dataset, "referral-day-groups", lambda: ReferralDayGroups(dataset))
