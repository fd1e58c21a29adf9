"""Tests for results: rates, counts, distributions, audits and direction of travel."""

import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics.errors import SafeguardingMetricsError
from safeguarding_metrics.results import (
    Audit,
    Band,
    Count,
    DeferredArray,
    Direction,
    Distribution,
    Measures,
    Outcome,
    Polarity,
    Rate,
    direction_of_travel,
)

# The DfE assessment duration bands (SPEC §4.1), in working days.
BANDS = (
    Band("same day", 0, 1),
    Band("1–10", 1, 11),
    Band("11–20", 11, 21),
    Band("21–30", 21, 31),
    Band("31–40", 31, 41),
    Band("41–45", 41, 46),
    Band("46–50", 46, 51),
    Band("51–60", 51, 61),
    Band("61+", 61, None),
)


def flags(*values: int) -> np.ndarray:
    """A boolean array from 0/1 values."""
    return np.array(values, dtype=np.bool_)


def ids(n: int) -> np.ndarray:
    """Child ids C0, C1, ... for n rows."""
    return np.array([f"C{i}" for i in range(n)])


# -- Rate --------------------------------------------------------------------------------------


def test_rate_from_flags_hand_worked() -> None:
    """Six rows: one out of scope, two excluded, two hits, one miss: 2 / 3."""
    rate = Rate.from_flags(
        indicator_id="test-rate",
        table="assessments",
        in_scope=flags(0, 1, 1, 1, 1, 1),
        hit=flags(1, 1, 0, 1, 1, 0),
        excluded={
            "missing-start": flags(0, 0, 0, 0, 1, 0),
            "end-before-start": flags(1, 0, 0, 0, 0, 1),
        },
        child_ids=ids(6),
    )
    assert (rate.numerator, rate.denominator) == (2, 3)
    assert rate.value == pytest.approx(200 / 3)
    assert rate.excluded == {"missing-start": 1, "end-before-start": 1}
    assert rate.audit is not None
    assert list(rate.audit.outcomes()) == [
        "out-of-scope",  # out of scope even though flagged end-before-start
        "numerator",
        "denominator-only",
        "numerator",
        "missing-start",  # excluded although it was a hit
        "end-before-start",
    ]


def test_first_exclusion_reason_wins() -> None:
    """A row matching two reasons is excluded for the first one listed."""
    rate = Rate.from_flags(
        indicator_id="test-rate",
        table="assessments",
        in_scope=flags(1, 1),
        hit=flags(0, 0),
        excluded={"missing-start": flags(1, 0), "end-before-start": flags(1, 1)},
        child_ids=ids(2),
    )
    assert rate.audit is not None
    assert list(rate.audit.outcomes()) == ["missing-start", "end-before-start"]
    assert rate.excluded_counts == (("missing-start", 1), ("end-before-start", 1))


def test_zero_denominator_gives_no_value() -> None:
    """Nothing in the cohort: value None, not 0 or nan."""
    rate = Rate.from_flags(
        indicator_id="test-rate",
        table="assessments",
        in_scope=flags(0, 1),
        hit=flags(1, 1),
        excluded={"end-before-start": flags(0, 1)},
        child_ids=ids(2),
    )
    assert rate.denominator == 0
    assert rate.value is None


def test_excluded_leaves_out_reasons_with_none() -> None:
    """excluded_counts lists every reason, excluded only those that happened."""
    rate = Rate.from_flags(
        indicator_id="test-rate",
        table="assessments",
        in_scope=flags(1),
        hit=flags(1),
        excluded={"end-before-start": flags(0)},
        child_ids=ids(1),
    )
    assert rate.excluded_counts == (("end-before-start", 0),)
    assert rate.excluded == {}
    assert rate.value == 100.0


def test_empty_input_gives_an_empty_rate() -> None:
    """No records at all: 0 / 0, value None, an empty audit."""
    empty = np.zeros(0, dtype=np.bool_)
    rate = Rate.from_flags(
        indicator_id="test-rate", table="assessments", in_scope=empty, hit=empty, child_ids=ids(0)
    )
    assert (rate.numerator, rate.denominator, rate.value) == (0, 0, None)
    assert rate.audit is not None
    assert len(rate.audit) == 0
    assert rate.audit.tally() == {"out-of-scope": 0, "numerator": 0, "denominator-only": 0}


@pytest.mark.parametrize(("numerator", "denominator"), [(3, 2), (-1, 2), (0, -1)])
def test_rate_requires_numerator_within_denominator(numerator: int, denominator: int) -> None:
    """0 <= numerator <= denominator is enforced."""
    with pytest.raises(SafeguardingMetricsError):
        Rate(indicator_id="x", numerator=numerator, denominator=denominator)


def test_rates_compare_by_value_not_by_audit() -> None:
    """Two rates with the same figures are equal whatever their audits."""
    a = Rate.from_flags(
        indicator_id="x", table="t", in_scope=flags(1, 0), hit=flags(1, 0), child_ids=ids(2)
    )
    b = Rate(indicator_id="x", numerator=1, denominator=1)
    assert a == b


def outcome_oracle(in_scope: bool, hit: bool, reasons: list[tuple[str, bool]]) -> str:
    """Oracle: the outcome of one row, by the rules of SPEC §0."""
    if not in_scope:
        return "out-of-scope"
    for reason, flagged in reasons:
        if flagged:
            return reason
    return "numerator" if hit else "denominator-only"


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()), max_size=40))
def test_every_row_has_exactly_one_outcome(rows: list[tuple[bool, bool, bool, bool]]) -> None:
    """Per-row outcomes match the oracle; tallies sum to the rows; figures follow."""
    n = len(rows)
    in_scope = np.array([r[0] for r in rows], dtype=np.bool_)
    hit = np.array([r[1] for r in rows], dtype=np.bool_)
    first = np.array([r[2] for r in rows], dtype=np.bool_)
    second = np.array([r[3] for r in rows], dtype=np.bool_)
    rate = Rate.from_flags(
        indicator_id="x",
        table="t",
        in_scope=in_scope,
        hit=hit,
        excluded={"first": first, "second": second},
        child_ids=ids(n),
    )
    expected = [outcome_oracle(a, b, [("first", c), ("second", d)]) for a, b, c, d in rows]
    assert rate.audit is not None
    assert list(rate.audit.outcomes()) == expected
    assert [rate.audit[i] for i in range(n)] == expected
    tally = rate.audit.tally()
    assert sum(tally.values()) == n == len(rate.audit)
    assert rate.numerator == expected.count("numerator") == tally["numerator"]
    assert rate.denominator == rate.numerator + expected.count("denominator-only")
    assert rate.excluded == {k: v for k in ("first", "second") if (v := expected.count(k))}
    assert 0 <= rate.numerator <= rate.denominator


# -- Audit -------------------------------------------------------------------------------------


def make_audit() -> Audit:
    """Four rows: out of scope, numerator, denominator only, excluded."""
    return Audit(
        table="section47s",
        codes=[0, 1, 2, 3],
        reasons=("end-before-start",),
        child_ids=["A", "B", "C", "D"],
        rows=[0, 1, 2, 3],
        measures={"working_days": np.array([np.nan, 10.0, 20.0, -3.0])},
    )


def test_audit_where_lists_rows_with_an_outcome() -> None:
    """where() finds the rows of a fixed outcome or a reason."""
    audit = make_audit()
    assert audit.where("numerator").tolist() == [1]
    assert audit.where(Outcome.DENOMINATOR).tolist() == [2]
    assert audit.where("end-before-start").tolist() == [3]
    assert audit.where("out-of-scope").tolist() == [0]


def test_audit_where_unknown_outcome_raises() -> None:
    """Asking for an outcome the audit does not know is an error listing those it does."""
    with pytest.raises(SafeguardingMetricsError, match=r"missing-start.*end-before-start"):
        make_audit().where("missing-start")


def test_audit_tally_and_labels() -> None:
    """tally() counts each label; labels are the fixed outcomes then the reasons."""
    audit = make_audit()
    assert audit.labels == ("out-of-scope", "numerator", "denominator-only", "end-before-start")
    assert audit.tally() == {
        "out-of-scope": 1,
        "numerator": 1,
        "denominator-only": 1,
        "end-before-start": 1,
    }
    assert audit[3] == "end-before-start"


def test_audit_columns_are_read_only() -> None:
    """An audit cannot be edited after the fact."""
    audit = make_audit()
    with pytest.raises(ValueError, match="read-only"):
        audit.codes[0] = 1


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"child_ids": ["A"]}, id="short-child-ids"),
        pytest.param({"rows": [0, 1]}, id="short-rows"),
        pytest.param({"measures": {"days": np.zeros(3)}}, id="short-measure"),
    ],
)
def test_audit_columns_must_have_one_entry_per_row(changes: dict[str, Any]) -> None:
    """Mismatched audit column lengths are refused."""
    base: dict[str, Any] = {
        "table": "t",
        "codes": [0, 1, 2, 1],
        "child_ids": ["A", "B", "C", "D"],
        "rows": [0, 1, 2, 3],
    }
    with pytest.raises(SafeguardingMetricsError):
        Audit(**(base | changes))


def test_audit_keeps_explicit_rows_and_measures() -> None:
    """from_flags keeps the rows and measures it was given."""
    days = np.array([3.0, np.nan])
    rate = Rate.from_flags(
        indicator_id="x",
        table="children",
        in_scope=flags(1, 1),
        hit=flags(1, 0),
        child_ids=np.array(["A", "B"]),
        rows=np.array([-1, -1]),
        measures={"working_days": days},
    )
    assert rate.audit is not None
    assert rate.audit.rows.tolist() == [-1, -1]
    assert rate.audit.child_ids.tolist() == ["A", "B"]
    np.testing.assert_array_equal(rate.audit.measures["working_days"], days)


# -- Count -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "population", "expected"),
    [
        pytest.param(50, 20_000, 25.0, id="50-in-20000-is-25-per-10k"),
        pytest.param(312, 65_000, 48.0, id="312-in-65000"),
        pytest.param(0, 10_000, 0.0, id="zero-count"),
        pytest.param(5, None, None, id="no-population"),
        pytest.param(5, 0, None, id="zero-population"),
    ],
)
def test_count_per_10k(count: int, population: int | None, expected: float | None) -> None:
    """Rate per 10,000 children = 10,000 * count / population; None without a population."""
    result = Count(indicator_id="x", count=count, population=population)
    assert result.per_10k == (None if expected is None else pytest.approx(expected))
    assert result.value == float(count)


def test_count_from_flags() -> None:
    """Counted rows are the numerator; the rest are out of scope."""
    result = Count.from_flags(
        indicator_id="x", table="episodes", counted=flags(1, 0, 1), child_ids=ids(3), population=100
    )
    assert result.count == 2
    assert result.population == 100
    assert result.audit is not None
    assert list(result.audit.outcomes()) == ["numerator", "out-of-scope", "numerator"]
    assert result.excluded_counts == ()
    assert result.excluded == {}


def test_count_from_flags_excludes_with_the_first_reason() -> None:
    """Counted rows flagged by a reason are excluded, the first matching reason winning."""
    # Rows: 0 counted; 1 both reasons -> "nfa" (listed first); 2 "duplicate"; 3 counted;
    # 4 flagged but not in scope -> out of scope, not an exclusion.
    result = Count.from_flags(
        indicator_id="x",
        table="referrals",
        counted=flags(1, 1, 1, 1, 0),
        child_ids=ids(5),
        excluded={"nfa": flags(0, 1, 0, 0, 1), "duplicate": flags(0, 1, 1, 0, 1)},
    )
    assert result.count == 2
    assert result.excluded_counts == (("nfa", 1), ("duplicate", 1))
    assert result.audit is not None
    assert list(result.audit.outcomes()) == [
        "numerator",
        "nfa",
        "duplicate",
        "numerator",
        "out-of-scope",
    ]


def test_count_excluded_leaves_out_reasons_with_none() -> None:
    """Count.excluded maps reason -> n for reasons with some; excluded_counts keeps zeros."""
    result = Count.from_flags(
        indicator_id="x",
        table="referrals",
        counted=flags(1, 1, 1),
        child_ids=ids(3),
        excluded={"nfa": flags(0, 0, 0), "duplicate": flags(0, 1, 1)},
    )
    assert result.excluded == {"duplicate": 2}
    assert result.excluded_counts == (("nfa", 0), ("duplicate", 2))


def test_counts_compare_their_exclusions() -> None:
    """Two counts with the same count but different exclusions are not equal."""
    plain = Count(indicator_id="x", count=3)
    with_duplicates = Count(indicator_id="x", count=3, excluded_counts=(("duplicate", 2),))
    assert plain != with_duplicates
    assert with_duplicates == Count(indicator_id="x", count=3, excluded_counts=(("duplicate", 2),))


@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=40))
def test_count_accounts_for_every_row(rows: list[tuple[bool, bool, bool]]) -> None:
    """Counted, excluded and out-of-scope rows add up to all rows; each is worked out by hand."""
    in_scope = np.array([r[0] for r in rows], dtype=np.bool_)
    first = np.array([r[1] for r in rows], dtype=np.bool_)
    second = np.array([r[2] for r in rows], dtype=np.bool_)
    result = Count.from_flags(
        indicator_id="x",
        table="t",
        counted=in_scope,
        child_ids=ids(len(rows)),
        excluded={"a": first, "b": second},
    )
    # Plain-Python expectations, row by row.
    expected_a = sum(1 for s, a, _ in rows if s and a)
    expected_b = sum(1 for s, a, b in rows if s and not a and b)
    expected_count = sum(1 for s, a, b in rows if s and not a and not b)
    assert result.count == expected_count
    assert result.excluded_counts == (("a", expected_a), ("b", expected_b))
    assert result.audit is not None
    assert len(result.audit) == len(rows)
    assert sum(result.audit.tally().values()) == len(rows)


# -- Distribution ------------------------------------------------------------------------------


def test_distribution_bands_values_by_lower_inclusive_upper_exclusive() -> None:
    """Each band holds lower <= v < upper: 0, 10, 11, 45, 46, 61, 200 land as DfE bands them."""
    values = np.array([0, 10, 11, 45, 46, 61, 200, 5], dtype=np.float64)
    result = Distribution.from_values(
        indicator_id="x",
        table="assessments",
        values=values,
        in_scope=flags(1, 1, 1, 1, 1, 1, 1, 0),
        bands=BANDS,
        child_ids=ids(8),
        unit="working days",
    )
    assert result.bands == {
        "same day": 1,
        "1–10": 1,
        "11–20": 1,
        "21–30": 0,
        "31–40": 0,
        "41–45": 1,
        "46–50": 1,
        "51–60": 0,
        "61+": 2,
    }
    assert result.total == 7
    assert list(result.bands) == [band.label for band in BANDS]
    assert result.unit == "working days"


@pytest.mark.parametrize(
    ("values", "quartiles"),
    [
        # Linear interpolation: positions 1, 2, 3 of five sorted values.
        pytest.param([61, 0, 30, 12, 5], (5.0, 12.0, 30.0), id="five-values"),
        # Positions 0.75, 1.5, 2.25 of 1, 2, 3, 4.
        pytest.param([4, 3, 2, 1], (1.75, 2.5, 3.25), id="four-values"),
        pytest.param([7], (7.0, 7.0, 7.0), id="one-value"),
    ],
)
def test_distribution_quartiles(values: list[float], quartiles: tuple[float, float, float]) -> None:
    """Median and quartiles use linear interpolation between sorted values."""
    result = Distribution.from_values(
        indicator_id="x",
        table="t",
        values=np.array(values, dtype=np.float64),
        in_scope=np.ones(len(values), dtype=np.bool_),
        bands=BANDS,
        child_ids=ids(len(values)),
    )
    assert (result.lower_quartile, result.median, result.upper_quartile) == quartiles
    assert result.value == quartiles[1]


def test_distribution_without_values_has_no_quartiles() -> None:
    """Nothing banded: every band 0 and no median."""
    result = Distribution.from_values(
        indicator_id="x",
        table="t",
        values=np.array([3.0]),
        in_scope=flags(0),
        bands=BANDS,
        child_ids=ids(1),
    )
    assert result.total == 0
    assert result.median is None
    assert result.value is None


def test_distribution_exclusions_are_not_banded() -> None:
    """Excluded rows are counted by reason and kept out of the bands and quartiles."""
    result = Distribution.from_values(
        indicator_id="x",
        table="t",
        values=np.array([-2.0, 4.0, 100.0]),
        in_scope=flags(1, 1, 1),
        bands=BANDS,
        child_ids=ids(3),
        excluded={"end-before-start": flags(1, 0, 0)},
    )
    assert result.excluded == {"end-before-start": 1}
    assert result.total == 2
    assert result.median == 52.0
    assert result.audit is not None
    assert list(result.audit.outcomes()) == ["end-before-start", "numerator", "numerator"]


def test_distribution_value_in_no_band_raises() -> None:
    """A counted value no band holds is an error, never silently dropped."""
    with pytest.raises(SafeguardingMetricsError, match="fall in no band"):
        Distribution.from_values(
            indicator_id="x",
            table="t",
            values=np.array([-1.0]),
            in_scope=flags(1),
            bands=BANDS,
            child_ids=ids(1),
        )


def test_distribution_with_band_index_given() -> None:
    """A caller may place values in bands itself (-1 for none, which must be out of scope)."""
    bands = (Band("under 3 months"), Band("3 months and over"))
    result = Distribution.from_values(
        indicator_id="x",
        table="t",
        values=np.array([40.0, 200.0, 10.0]),
        in_scope=flags(1, 1, 0),
        bands=bands,
        child_ids=ids(3),
        band_index=np.array([0, 1, -1]),
    )
    assert result.bands == {"under 3 months": 1, "3 months and over": 1}
    assert result.median == 120.0


@given(st.lists(st.integers(min_value=0, max_value=200), max_size=40))
def test_distribution_matches_a_band_by_band_count(values: list[int]) -> None:
    """Band counts equal counting each value into the first band that holds it."""
    result = Distribution.from_values(
        indicator_id="x",
        table="t",
        values=np.array(values, dtype=np.float64),
        in_scope=np.ones(len(values), dtype=np.bool_),
        bands=BANDS,
        child_ids=ids(len(values)),
    )
    expected = {
        b.label: sum(1 for v in values if b.lower <= v and (b.upper is None or v < b.upper))
        for b in BANDS
        if b.lower is not None
    }
    assert result.bands == expected
    assert result.total == len(values)


# -- direction of travel -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        pytest.param(85.7, 82.0, Polarity.HIGHER, Direction.IMPROVED, id="higher-up"),
        pytest.param(80.0, 82.0, Polarity.HIGHER, Direction.DECLINED, id="higher-down"),
        pytest.param(22.6, 21.0, Polarity.LOWER, Direction.DECLINED, id="lower-up"),
        pytest.param(20.0, 21.0, Polarity.LOWER, Direction.IMPROVED, id="lower-down"),
        pytest.param(5.0, 4.0, Polarity.NEUTRAL, Direction.UP, id="neutral-up"),
        pytest.param(3.0, 4.0, Polarity.NEUTRAL, Direction.DOWN, id="neutral-down"),
        pytest.param(4.0, 4.0, Polarity.NEUTRAL, Direction.UNCHANGED, id="neutral-same"),
        pytest.param(50.0, 50.0, Polarity.HIGHER, Direction.UNCHANGED, id="higher-same"),
        pytest.param(50.0, 50.0, Polarity.LOWER, Direction.UNCHANGED, id="lower-same"),
        pytest.param(None, 50.0, Polarity.HIGHER, Direction.NOT_COMPARABLE, id="no-current"),
        pytest.param(50.0, None, Polarity.LOWER, Direction.NOT_COMPARABLE, id="no-previous"),
        pytest.param(None, None, Polarity.NEUTRAL, Direction.NOT_COMPARABLE, id="neither"),
        pytest.param(math.nan, 50.0, Polarity.HIGHER, Direction.NOT_COMPARABLE, id="nan"),
    ],
)
def test_direction_of_travel(
    current: float | None, previous: float | None, polarity: Polarity, expected: Direction
) -> None:
    """Direction follows polarity; a missing value is not comparable (SPEC §4.6)."""
    assert direction_of_travel(current, previous, polarity=polarity) is expected


def test_direction_of_travel_reads_results() -> None:
    """Rates, counts and distributions compare by their values; a 0/0 rate is not comparable."""
    good = Rate(indicator_id="x", numerator=9, denominator=10)
    poor = Rate(indicator_id="x", numerator=5, denominator=10)
    empty = Rate(indicator_id="x", numerator=0, denominator=0)
    assert direction_of_travel(good, poor, polarity=Polarity.HIGHER) is Direction.IMPROVED
    assert direction_of_travel(good, empty, polarity=Polarity.HIGHER) is Direction.NOT_COMPARABLE
    more = Count(indicator_id="y", count=12)
    fewer = Count(indicator_id="y", count=10)
    assert direction_of_travel(more, fewer, polarity=Polarity.NEUTRAL) is Direction.UP


@pytest.mark.parametrize(
    ("direction", "arrow"),
    [
        pytest.param(Direction.IMPROVED, "↑", id="improved"),
        pytest.param(Direction.UP, "↑", id="up"),
        pytest.param(Direction.DECLINED, "↓", id="declined"),
        pytest.param(Direction.DOWN, "↓", id="down"),
        pytest.param(Direction.UNCHANGED, "↔", id="unchanged"),
        pytest.param(Direction.NOT_COMPARABLE, "–", id="not-comparable"),
    ],
)
def test_arrows(direction: Direction, arrow: str) -> None:
    """↑ better (or up), ↓ worse (or down), ↔ the same, as the councils' reports show."""
    assert direction.arrow == arrow


def test_direction_values_are_the_spec_words() -> None:
    """The JSON words are improved, declined, unchanged, not-comparable, up, down."""
    assert {d.value for d in Direction} == {
        "improved",
        "declined",
        "unchanged",
        "not-comparable",
        "up",
        "down",
    }


# -- measures made when first read -------------------------------------------------------------


def test_a_deferred_measure_is_made_once_when_first_read_and_kept() -> None:
    """A `DeferredArray` measure is made on the first read only, read-only, and kept."""
    made: list[int] = []

    def make() -> np.ndarray[Any, np.dtype[np.float64]]:
        made.append(1)
        return np.array([1.0, 2.0, 3.0])

    result = Rate.from_flags(
        indicator_id="x",
        table="referrals",
        in_scope=np.array([True, True, False]),
        hit=np.array([True, False, False]),
        child_ids=np.array(["A", "B", "C"]),
        measures={"counted": DeferredArray(3, make), "given": np.array([4.0, 5.0, 6.0])},
    )
    measures = result.audit.measures
    assert isinstance(measures, Measures)
    assert list(measures) == ["counted", "given"]
    assert (measures.made("counted"), measures.made("given")) == (False, True)
    assert measures.length("counted") == 3
    assert made == []  # a figure and the audit's codes never make it
    assert "made when first read" in repr(measures)
    assert measures["counted"].tolist() == [1.0, 2.0, 3.0]
    assert measures["counted"] is measures["counted"]
    assert made == [1]
    assert not measures["counted"].flags.writeable


def test_a_deferred_measure_of_the_wrong_length_is_refused() -> None:
    """The length is checked when the audit is made, and again when the measure is made."""
    with pytest.raises(SafeguardingMetricsError, match="wrong length"):
        Audit(
            table="referrals",
            codes=np.zeros(2, dtype=np.int8),
            child_ids=np.array(["A", "B"]),
            rows=np.arange(2),
            measures={"m": DeferredArray(3, lambda: np.zeros(3))},
        )
    audit = Audit(
        table="referrals",
        codes=np.zeros(2, dtype=np.int8),
        child_ids=np.array(["A", "B"]),
        rows=np.arange(2),
        measures={"m": DeferredArray(2, lambda: np.zeros(5))},
    )
    with pytest.raises(ValueError, match="made 5 values for 2"):
        audit.measures["m"]


def test_an_audit_with_a_deferred_measure_pickles_with_it_made() -> None:
    """Pickling makes the measure (its maker may be a closure) and keeps the values."""
    scale = 2.0
    audit = Audit(
        table="referrals",
        codes=np.zeros(2, dtype=np.int8),
        child_ids=np.array(["A", "B"]),
        rows=np.arange(2),
        measures={"m": DeferredArray(2, lambda: np.array([1.0, 2.0]) * scale)},
    )
    again = pickle.loads(pickle.dumps(audit))
    assert again.measures.made("m")
    assert again.measures["m"].tolist() == [2.0, 4.0]
