"""The core's array kernels agree with the obvious numpy or Python computation."""

from unittest import mock

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safeguarding_metrics import Dataset, ListColumn, _arrays
from safeguarding_metrics._arrays import (
    CharacterKeys,
    RankDirectory,
    SortedRows,
    child_day_order,
    child_day_sort,
    code_many,
    factorize,
    factorize_many,
    group_firsts,
    row_numbers,
    stable_order,
)
from safeguarding_metrics._dates import NAT_DAY
from safeguarding_metrics.errors import InvalidRecordError
from safeguarding_metrics.indicators import _kernels
from safeguarding_metrics.indicators._kernels import add_months_days, in_period, shift_months
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.record_table import _blank
from safeguarding_metrics.results import Rate

# Identifiers of every kind the coding meets: the returns' shape (a prefix and digits),
# short mixed text, characters beyond one byte, and some too varied for a 62-bit key.
shaped = st.builds(
    lambda prefix, number: f"{prefix}{number:07d}",
    st.sampled_from(["R", "L", "O", "CH", ""]),
    st.integers(0, 9_999_999),
)
mixed = st.text(alphabet=st.sampled_from("AB0é9z-\x01 "), max_size=12)
wide = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=20)
identifiers = st.lists(shaped | mixed | wide, max_size=40)


def _array(values: list[str]) -> npt.NDArray[np.str_]:
    return np.array(values, dtype=np.str_) if values else np.zeros(0, dtype="<U1")


@given(st.lists(identifiers, min_size=1, max_size=4))
def test_coding_several_arrays_equals_numpy_unique_of_them_joined(parts: list[list[str]]) -> None:
    """factorize_many: numpy.unique's sorted values, and its inverse split per array."""
    arrays = [_array(part) for part in parts]
    uniques, codes = factorize_many(arrays)
    joined = [value for part in parts for value in part]
    assert uniques.tolist() == sorted(set(joined))
    assert [uniques[c].tolist() for c in codes] == parts
    assert all(c.dtype == np.intp for c in codes)


@given(identifiers, st.lists(st.integers(0, 39), max_size=10))
def test_identifiers_decoded_in_part_are_those_decoded_in_whole(
    values: list[str], wanted: list[int]
) -> None:
    """Identifiers.take(positions) equals all()[positions], and len() their number."""
    found, (codes,) = code_many([_array(values)])
    assert len(found) == len(set(values))
    positions = np.array([w for w in wanted if w < len(found)], dtype=np.intp)
    assert found.take(positions).tolist() == found.all()[positions].tolist()
    assert found.all()[codes].tolist() == values


@given(identifiers, identifiers)
def test_keys_order_as_the_identifiers_and_miss_what_was_not_fitted(
    fitted: list[str], others: list[str]
) -> None:
    """Keys compare as their identifiers; an identifier outside the fit gets -1 or its key."""
    array = _array(fitted)
    coder = CharacterKeys.fit([array])
    if coder is None:
        return  # too varied for a key: the callers fall back to hashing or sorting text
    keys = coder.keys(array)
    for i in range(len(fitted)):
        for j in range(len(fitted)):
            assert (keys[i] < keys[j]) == (fitted[i] < fitted[j])
            assert (keys[i] == keys[j]) == (fitted[i] == fitted[j])
    assert coder.decode(keys).tolist() == fitted
    other = _array(others)
    found = coder.keys_or_missing(other)
    for value, key in zip(others, found.tolist(), strict=True):
        if value in fitted:
            assert key == keys[fitted.index(value)]
        elif key >= 0:  # inside the fitted ranges: its own key, never another's
            assert coder.decode(np.array([key])).tolist() == [value]
            assert key not in keys.tolist()


def test_identifiers_too_varied_for_a_key_are_still_coded_exactly() -> None:
    """Long identifiers of many characters fall back to hashing, with the same answer."""
    values = ["~" * 12, "\x01" * 12, "~" * 12, "a" * 30 + "b", "a" * 31]
    assert CharacterKeys.fit([_array(values)]) is None
    uniques, codes = factorize(_array(values))
    assert uniques.tolist() == sorted(set(values))
    assert uniques[codes].tolist() == values


def test_identifiers_whose_keys_are_sparse_are_coded_by_sorting() -> None:
    """Few identifiers spread over a wide key range take the sorting path, not a table."""
    values = ["A00000000", "Z99999999", "M12345678", "A00000000"]
    coder = CharacterKeys.fit([_array(values)])
    assert coder is not None
    assert coder.size > 1 << 20
    uniques, codes = factorize(_array(values))
    assert uniques.tolist() == sorted(set(values))
    assert codes.tolist() == [0, 2, 1, 0]


@given(st.lists(st.integers(-(2**40), 2**40), max_size=60))
@example([2**40, -(2**40), 0, 0])
def test_stable_order_equals_a_stable_argsort(keys: list[int]) -> None:
    """Rows in key order, ties in input order, and the keys in that order."""
    array = np.array(keys, dtype=np.int64)
    order, ordered = stable_order(array)
    expected = np.argsort(array, kind="stable")
    assert order.tolist() == expected.tolist()
    assert ordered.tolist() == array[expected].tolist()
    assert order.dtype == np.intp


days_or_missing = st.one_of(st.integers(-30_000, 60_000), st.just(NAT_DAY))


@given(st.lists(st.tuples(st.integers(0, 20), days_or_missing), max_size=60))
@example([(3, 5), (3, NAT_DAY), (0, 5), (3, 5)])
def test_child_day_order_sorts_by_child_then_day_with_a_missing_day_first(
    pairs: list[tuple[int, int]],
) -> None:
    """Rows by (child, day), a missing day first, ties in input order; groups marked."""
    codes = np.array([c for c, _ in pairs], dtype=np.intp)
    days = np.array([d for _, d in pairs], dtype=np.int64)
    order, new_group = child_day_order(codes, days)
    expected = sorted(range(len(pairs)), key=lambda i: (pairs[i][0], pairs[i][1], i))
    assert order.tolist() == expected
    starts = [i == 0 or pairs[expected[i]] != pairs[expected[i - 1]] for i in range(len(pairs))]
    assert new_group.tolist() == starts


@given(
    st.lists(st.tuples(st.integers(0, 5), days_or_missing), max_size=60),
    st.sampled_from([1, 2, 3, 7, 1 << 16]),
)
@example([(1, 7), (1, NAT_DAY), (1, 3), (1, 7), (0, 9)], 1 << 16)
@example([(1, 7), (1, 7), (1, 7), (1, 9), (1, 9), (2, 9)], 2)
def test_previous_day_is_the_childs_latest_earlier_day(
    pairs: list[tuple[int, int]], block: int
) -> None:
    """Per row: the child's latest day before the row's own, or NaT; groups marked.

    The sorted keys are read in blocks: any block size (the boundaries falling inside
    groups of equal rows too) gives the same days.
    """
    codes = np.array([c for c, _ in pairs], dtype=np.intp)
    days = np.array([d for _, d in pairs], dtype=np.int64)
    with mock.patch.object(_arrays, "_PAIR_BLOCK", block):
        ordered, new_group, previous = child_day_sort(codes, days)
        order = ordered.rows()
        inside = [i for i in range(len(pairs)) if i % 2]
        assert ordered.rows_at(np.array(inside, dtype=np.intp)).tolist() == order[inside].tolist()
        keys = ordered.keys()
        assert all(a <= b for a, b in zip(keys.tolist(), keys[1:].tolist(), strict=False))
    expected_order, expected_groups = child_day_order(codes, days)
    assert order.tolist() == expected_order.tolist()
    assert new_group.tolist() == expected_groups.tolist()
    for row, (child, day) in enumerate(pairs):
        earlier = [
            d for c, d in pairs if c == child and d != NAT_DAY and (day == NAT_DAY or d < day)
        ]
        expected = max(earlier) if earlier and day != NAT_DAY else NAT_DAY
        assert previous[row] == expected


@given(st.lists(st.integers(0, 50), max_size=40, unique=True))
def test_group_firsts_is_the_position_that_began_each_run(inner_set: list[int]) -> None:
    """Each position that continues a group gets the first position of its run."""
    inner = np.array(sorted(p for p in inner_set if p > 0), dtype=np.intp)
    continues = set(inner.tolist())
    expected = []
    for position in inner.tolist():
        first = position
        while first in continues:
            first -= 1
        expected.append(first)
    assert group_firsts(inner).tolist() == expected


def test_child_day_order_of_no_rows_is_empty() -> None:
    """No rows: empty order, groups and previous days, not an index error."""
    empty = np.zeros(0, dtype=np.int64)
    order, new_group = child_day_order(empty, empty)
    assert (order.tolist(), new_group.tolist()) == ([], [])
    ordered, new_group, previous = child_day_sort(empty, empty)
    assert (ordered.rows().tolist(), new_group.tolist(), previous.tolist()) == ([], [], [])
    assert len(ordered) == 0


def test_row_numbers_are_shared_and_read_only() -> None:
    """0..n-1 as read-only intp views of one array, whatever n is asked first."""
    big = row_numbers(1000)
    small = row_numbers(10)
    assert small.tolist() == list(range(10))
    assert big.tolist() == list(range(1000))
    assert small.dtype == np.intp
    assert not small.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        small[0] = 5


dates = st.one_of(
    st.integers(-20_000, 40_000).map(lambda d: np.datetime64(d, "D")),
    st.just(np.datetime64("NaT", "D")),
)


@given(st.lists(dates, max_size=50), st.integers(-30, 30))
@example([np.datetime64("2024-02-29"), np.datetime64("2024-01-31")] * 30, -12)
def test_months_added_through_a_table_equal_add_months(
    values: list[np.datetime64], months: int
) -> None:
    """add_months_days and shift_months agree with periods.add_months, NaT kept."""
    array = np.array(values, dtype="datetime64[D]")
    expected = add_months(array, months)
    assert add_months_days(array, months).tolist() == expected.view(np.int64).tolist()
    assert shift_months(array, months).tolist() == expected.tolist()


@given(
    st.lists(dates, max_size=50),
    st.integers(1990, 2040),
    st.sampled_from(["year", "quarter"]),
    st.sampled_from([1, 3, 1 << 16]),
)
def test_in_period_equals_contains_many(
    values: list[np.datetime64], year: int, kind: str, block: int
) -> None:
    """One unsigned comparison gives period.contains_many's answer, NaT in no period.

    The dates are read in blocks: any block size gives the same answer.
    """
    period = ReportingPeriod.year_ending(year)
    if kind == "quarter":
        period = period.quarter(2)
    array = np.array(values, dtype="datetime64[D]")
    with mock.patch.object(_kernels, "_DATE_BLOCK", block):
        found = in_period(period, array)
    assert found.tolist() == period.contains_many(array).tolist()


@given(st.lists(st.tuples(dates, st.sampled_from([3, 6, -24, 0])), max_size=50))
def test_months_added_one_number_per_date_equal_add_months(
    pairs: list[tuple[np.datetime64, int]],
) -> None:
    """shift_months with a number of months per date agrees with add_months."""
    array = np.array([d for d, _ in pairs], dtype="datetime64[D]")
    months = np.array([m for _, m in pairs], dtype=np.intp)
    assert shift_months(array, months).tolist() == add_months(array, months).tolist()


@given(st.lists(st.text(alphabet=st.sampled_from(" \t\u3000\xa0\x00AB1"), max_size=4), max_size=30))
@example(["A", " ", ""])
@example(["\x00A", "\u2028"])
def test_blank_identifier_check_finds_the_first_empty_or_space_only_value(
    values: list[str],
) -> None:
    """The first identifier that is empty (when not allowed) or only spaces, else None."""
    column = _array(values)
    stored = column.tolist()  # as numpy holds them: trailing NULs dropped
    for allow_empty in (False, True):
        expected = next(
            (i for i, v in enumerate(stored) if (v == "" and not allow_empty) or v.isspace()),
            None,
        )
        assert _blank(column, allow_empty=allow_empty) == expected


def test_from_columns_keeps_arrays_of_the_right_type_without_copying() -> None:
    """A datetime64[D], bool or unicode column is kept as given and made read-only."""
    start = np.array(["2024-05-01", "2024-06-03"], dtype="datetime64[D]")
    nfa = np.array([True, False])
    ids = np.array(["C1", "C2"])
    data = Dataset.from_columns(
        referrals={
            "referral_id": np.array(["R1", "R2"]),
            "child_id": ids,
            "referral_date": start,
            "nfa": nfa,
        }
    )
    assert data.dates("referrals", "referral_date") is start
    assert data.column("referrals", "nfa") is nfa
    assert not start.flags.writeable
    assert not nfa.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        start[0] = np.datetime64("2020-01-01")


def test_from_columns_names_the_first_blank_identifier() -> None:
    """A child id of spaces only is refused, naming its row."""
    with pytest.raises(InvalidRecordError, match=r"referrals.child_id\[1\]"):
        Dataset.from_columns(
            referrals={
                "referral_id": np.array(["R1", "R2"]),
                "child_id": np.array(["C1", "  "]),
                "referral_date": np.array(["2024-05-01"] * 2, dtype="datetime64[D]"),
            }
        )


@given(identifiers)
def test_child_count_and_child_ids_of_agree_with_child_ids(values: list[str]) -> None:
    """child_count is len(child_ids); child_ids_of(codes) is child_ids[codes]."""
    data = Dataset.from_columns(
        lac_reviews={
            "child_id": _array(["x" + v for v in values]),
            "review_date": np.full(len(values), np.datetime64("2024-05-01", "D")),
        }
    )
    codes = data.child_codes("lac_reviews")
    assert data.child_count == len(data.child_ids)
    assert data.child_ids_of(codes).tolist() == data.child_ids[codes].tolist()


flags = st.lists(st.booleans(), min_size=12, max_size=12)


@given(flags, flags, flags, flags)
def test_outcome_codes_follow_the_first_matching_reason(
    in_scope: list[bool], hit: list[bool], first: list[bool], second: list[bool]
) -> None:
    """Each row: out of scope, else its first exclusion reason, else numerator or not."""
    rate = Rate.from_flags(
        indicator_id="x",
        table="referrals",
        in_scope=np.array(in_scope),
        hit=np.array(hit),
        child_ids=np.array(["c"] * 12),
        excluded={"a": np.array(first), "b": np.array(second)},
    )
    expected = [
        "out-of-scope"
        if not s
        else "a"
        if a
        else "b"
        if b
        else "numerator"
        if h
        else "denominator-only"
        for s, h, a, b in zip(in_scope, hit, first, second, strict=True)
    ]
    assert rate.audit is not None
    assert rate.audit.outcomes().tolist() == expected
    assert rate.numerator == expected.count("numerator")
    assert rate.denominator == rate.numerator + expected.count("denominator-only")
    assert rate.excluded_counts == (("a", expected.count("a")), ("b", expected.count("b")))


def test_list_column_rows_and_take_use_intp() -> None:
    """A list column's row numbers and offsets are intp, whatever offsets it was given."""
    lists = ListColumn(np.array([0, 2, 2, 3], dtype=np.int32), np.array(["a", "b", "c"]))
    assert lists.offsets.dtype == np.intp
    assert lists.rows().dtype == np.intp
    taken = lists.take(np.array([2, 0], dtype=np.int32))
    assert [taken.row(i) for i in range(2)] == [("c",), ("a", "b")]


@given(
    st.integers(1, 700),
    st.lists(st.lists(st.integers(0, 10**6), max_size=80), min_size=1, max_size=3),
    st.sampled_from([1, 3, 1 << 14]),
)
def test_coding_keys_through_the_bit_table_equals_numpy_unique(
    size: int, parts: list[list[int]], block: int
) -> None:
    """Every key in [0, size), across words and at either end, gets its rank among the keys.

    Keys and codes share memory (the codes are written over the keys, a block at a time):
    any block size gives the same codes.
    """
    from safeguarding_metrics._arrays import _code_by_table

    keys = [np.array([v % size for v in part], dtype=np.int64) for part in parts]
    if size > 1:
        keys[0] = np.concatenate([keys[0], np.array([0, size - 1], dtype=np.int64)])
    joined = np.concatenate(keys)  # before: the codes are written over the keys
    with mock.patch.object(_arrays, "_BLOCK", block):
        unique_keys, codes = _code_by_table(keys, size)
    expected, inverse = np.unique(joined, return_inverse=True)
    assert unique_keys.tolist() == expected.tolist()
    assert np.concatenate(codes).tolist() == inverse.reshape(-1).tolist()
    assert all(c.dtype == np.intp for c in codes)


@given(
    st.lists(st.booleans(), min_size=1, max_size=300), st.data(), st.sampled_from([1, 7, 1 << 14])
)
def test_rank_directory_ranks_each_member_among_the_members(
    flags: list[bool], data: st.DataObject, block: int
) -> None:
    """A member's rank is how many members lie below it, across 64-bit words, in any block."""
    present = np.array(flags, dtype=np.bool_)
    members = np.flatnonzero(present)
    asked = np.array(
        data.draw(st.lists(st.sampled_from(members.tolist()))) if len(members) else [],
        dtype=np.intp,
    )
    expected = [int(np.count_nonzero(present[:m])) for m in asked.tolist()]
    with mock.patch.object(_arrays, "_BLOCK", block):
        directory = RankDirectory(present)
        assert directory.ranks(asked).tolist() == expected
        in_place = asked.astype(np.int64)
        directory.rank_into(in_place, in_place.view(np.intp)[: len(in_place)])
    assert in_place.view(np.intp)[: len(in_place)].tolist() == expected


@given(
    st.one_of(
        st.lists(st.integers(-50, 50), max_size=40),  # packed with the row numbers
        st.lists(st.integers(-(2**62), 2**62), max_size=40),  # too wide: a stable argsort
    )
)
def test_sorted_rows_are_a_stable_argsort_read_whole_in_blocks_or_at_positions(
    values: list[int],
) -> None:
    """Rows by key, ties in row order, and the keys in that order, however they are read."""
    keys = np.array(values, dtype=np.int64)
    expected = np.argsort(keys, kind="stable")
    ordered = SortedRows(keys.copy())
    assert len(ordered) == len(values)
    assert ordered.rows().tolist() == expected.tolist()
    assert ordered.keys().tolist() == keys[expected].tolist()
    halves = [ordered.rows(0, len(values) // 2), ordered.rows(len(values) // 2, len(values))]
    assert np.concatenate(halves).tolist() == expected.tolist()
    positions = np.arange(len(values), dtype=np.intp)[::-2]
    assert ordered.rows_at(positions).tolist() == expected[positions].tolist()
