"""`factorize_compact` codes identifiers exactly as `factorize` and `numpy.unique` do."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics._arrays import factorize, factorize_compact

ids = st.text(alphabet=st.sampled_from("AB0é9z-\x01"), max_size=12)
shaped_ids = st.builds(
    lambda prefix, number: f"{prefix}{number:07d}",
    st.sampled_from(["R", "L", "O", "CH"]),
    st.integers(0, 9_999_999),
)


@given(st.lists(ids | shaped_ids, max_size=40))
def test_compact_equals_numpy_unique(values: list[str]) -> None:
    """Coding any ids gives numpy.unique's sorted distinct values and inverse."""
    array = np.array(values, dtype=np.str_)
    uniques, codes = factorize_compact(array)
    expected, inverse = np.unique(array, return_inverse=True)
    assert uniques.tolist() == expected.tolist()
    assert codes.tolist() == inverse.reshape(-1).tolist()


@given(st.lists(shaped_ids, max_size=40))
def test_compact_equals_factorize_for_shaped_ids(values: list[str]) -> None:
    """For ids of the returns' shape (the packed path) the result is factorize's."""
    array = np.array(values, dtype=np.str_)
    uniques, codes = factorize_compact(array)
    expected, expected_codes = factorize(array)
    assert uniques.tolist() == expected.tolist()
    assert codes.tolist() == expected_codes.tolist()


@pytest.mark.parametrize(
    "values",
    [
        pytest.param(["CH00000001", "CH00000002", "CH00000001"], id="longer-than-8"),
        pytest.param(["a", "ab", "", "b", "a"], id="prefixes-and-empty"),
        pytest.param(["Zoë", "Zoe", "Zoë"], id="non-latin-1-falls-back"),
        pytest.param(["x" * 30, "x" * 29 + "y", "x" * 30], id="constant-positions-skipped"),
        pytest.param(["~" * 12, "\x01" * 12, "~" * 12], id="too-wide-falls-back"),
        pytest.param(["R1", "R1", "R1"], id="all-equal"),
        pytest.param([], id="empty"),
    ],
)
def test_compact_named_cases(values: list[str]) -> None:
    """Prefixes, empty ids, wide ranges and characters beyond one byte all code exactly."""
    array = np.array(values, dtype=np.str_)
    uniques, codes = factorize_compact(array)
    assert uniques[codes].tolist() == values
    assert uniques.tolist() == sorted(set(values))
