"""Index arrays are `np.intp`, so the library runs where `intp` is 32 bits (WebAssembly).

This machine's `intp` is 64 bits, so a 32-bit platform is simulated two ways. The kernels,
and every card, are given index arrays of `np.int32` (as every index there would be) and
must give the same answers without a casting error or an overflow. And the source is read
for the calls a 32-bit numpy refuses int64 indexes to (`np.repeat`'s counts, `np.bincount`'s
values): within each function, none may be fed an array built as `np.int64` (or made of
day numbers). That reading follows names within a function only, not values passed
between functions; the int32 runs cover those.
"""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from safeguarding_metrics import INDICATORS, Dataset, ListColumn, ReportingPeriod
from safeguarding_metrics._arrays import (
    child_day_order,
    code_many,
    factorize,
    stable_order,
)
from safeguarding_metrics.care_history import care_history
from safeguarding_metrics.indicators._kernels import SameDayGroups
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.synthetic import synthetic_dataset

SOURCE = Path(__file__).resolve().parent.parent / "src" / "safeguarding_metrics"
YEAR = ReportingPeriod.year_ending(2025)


# -- the kernels with 32-bit index arrays ----------------------------------------------------


def _codes(n: int, seed: int) -> npt.NDArray[np.int64]:
    return np.random.default_rng(seed).integers(0, max(n // 3, 1), n).astype(np.int64)


def test_stable_order_of_int32_keys_is_that_of_int64_keys() -> None:
    """stable_order gives intp rows and the same order for int32 keys."""
    keys = _codes(500, 1)
    order, ordered = stable_order(keys.astype(np.int32))
    expected, _ = stable_order(keys)
    assert order.dtype == np.intp
    assert order.tolist() == expected.tolist()
    assert ordered.tolist() == keys[expected].tolist()


def test_child_day_order_of_int32_codes_is_that_of_int64_codes() -> None:
    """Child codes of int32 order as int64 ones do: no overflow packing them with days."""
    codes = _codes(500, 2)
    codes[:5] = 2**31 - 1  # the largest code a 32-bit intp can hold
    days = np.random.default_rng(3).integers(-20_000, 40_000, 500)
    order, new_group = child_day_order(codes.astype(np.int32), days)
    expected, expected_groups = child_day_order(codes, days)
    assert order.tolist() == expected.tolist()
    assert new_group.tolist() == expected_groups.tolist()


def test_same_day_groups_of_int32_codes_are_those_of_int64_codes() -> None:
    """The kept row of every (child, day) group does not depend on the codes' width."""
    codes = _codes(300, 4)
    days = np.random.default_rng(5).integers(0, 20, 300)
    ids = np.array([f"R{i % 7}" for i in range(300)])

    def by_row(rows: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return rows.astype(np.intp)

    narrow = SameDayGroups(codes.astype(np.int32), days, keys=(ids,), content=by_row)
    wide = SameDayGroups(codes, days, keys=(ids,), content=by_row)
    assert narrow.representative.tolist() == wide.representative.tolist()
    assert narrow.representative.dtype == np.intp


def test_factorize_gives_intp_codes() -> None:
    """Codes index the distinct values, whichever path coded them."""
    for values in (["R0000001", "R0000002"], ["~" * 12, "\x01" * 12], ["Zoë", "Zoe"]):
        _, codes = factorize(np.array(values))
        assert codes.dtype == np.intp
        _, (many,) = code_many([np.array(values)])
        assert many.dtype == np.intp


def test_list_column_take_with_int32_rows_is_take_with_int64_rows() -> None:
    """Offsets and rows given as int32 take the same values; the result's offsets are intp."""
    offsets = np.array([0, 2, 2, 5, 6], dtype=np.int32)
    values = np.array(
        ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-02", "2024-04-01", "2024-05-01"],
        dtype="datetime64[D]",
    )
    lists = ListColumn(offsets, values)
    narrow = lists.take(np.array([3, 0, 2], dtype=np.int32))
    wide = lists.take(np.array([3, 0, 2], dtype=np.int64))
    assert narrow.offsets.dtype == np.intp
    assert narrow.offsets.tolist() == wide.offsets.tolist()
    assert narrow.values.tolist() == wide.values.tolist()


def test_exploded_review_dates_from_int32_offsets() -> None:
    """Dataset.exploded gives intp rows for a list column given with int32 offsets."""
    reviews = ListColumn(
        np.array([0, 1, 3], dtype=np.int32),
        np.array(["2024-06-01", "2024-05-01", "2024-08-01"], dtype="datetime64[D]"),
    )
    data = Dataset.from_columns(
        cp_plans={
            "child_id": np.array(["A", "B"]),
            "start_date": np.array(["2024-04-01", "2024-04-02"], dtype="datetime64[D]"),
            "review_dates": reviews,
        }
    )
    rows, dates = data.exploded("cp_plans", "review_dates")
    assert rows.dtype == np.intp
    assert rows.tolist() == [0, 1, 1]
    assert dates.tolist() == reviews.values.tolist()


def _narrow(function: Any) -> Any:
    """*function*, its index array result (or results) given as int32."""

    def narrowed(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        if isinstance(result, np.ndarray) and result.dtype.kind == "i":
            return result.astype(np.int32)
        if isinstance(result, tuple):
            return tuple(
                r.astype(np.int32) if isinstance(r, np.ndarray) and r.dtype.kind == "i" else r
                for r in result
            )
        return result

    return narrowed


@pytest.fixture(scope="module")
def data() -> Dataset:
    return synthetic_dataset(seed=11, scale=0.1)


def _figures(result: Any) -> tuple[Any, ...]:
    audit = result.audit
    return (
        getattr(result, "numerator", None),
        getattr(result, "denominator", None),
        getattr(result, "count", None),
        getattr(result, "band_counts", None),
        result.excluded_counts,
        None if audit is None else audit.codes.tolist(),
        None if audit is None else audit.rows.tolist(),
    )


def test_every_card_gives_the_same_figures_with_int32_index_arrays(
    data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Child codes, referral links and exploded rows given as int32 change no card's result."""
    expected = {
        card_id: _figures(card.compute(data, period=YEAR)) for card_id, card in INDICATORS.items()
    }
    monkeypatch.setattr(Dataset, "child_codes", _narrow(Dataset.child_codes))
    monkeypatch.setattr(Dataset, "referral_rows", _narrow(Dataset.referral_rows))
    monkeypatch.setattr(Dataset, "exploded", _narrow(Dataset.exploded))
    # A fresh dataset over the same records: its caches are built with the patches.
    fresh = Dataset(
        **{name: data.records(name) for name in TABLES},
        coverage=data.coverage,
        origins=data.origins,
    )
    assert fresh.child_codes("referrals").dtype == np.int32
    for card_id, card in INDICATORS.items():
        assert _figures(card.compute(fresh, period=YEAR)) == expected[card_id], card_id


def test_care_history_with_int32_child_codes_is_unchanged(
    data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Periods of care and placements do not depend on the width of the child codes."""
    expected = care_history(Dataset(episodes=data.episodes, coverage=data.coverage))
    monkeypatch.setattr(Dataset, "child_codes", _narrow(Dataset.child_codes))
    narrow = care_history(Dataset(episodes=data.episodes, coverage=data.coverage))
    assert narrow.child.dtype == np.int32
    for field in ("order", "period", "placement", "begins_placement", "care_start", "end"):
        assert getattr(narrow, field).tolist() == getattr(expected, field).tolist(), field


# -- the source: no int64 array where a 32-bit numpy wants intp ------------------------------

# numpy casts these arguments to intp by the "safe" rule, so a 32-bit numpy refuses int64.
_SAFE_CAST_ARGUMENTS = {"repeat": 1, "bincount": 0}


def _mentions_int64(node: ast.AST) -> bool:
    """Whether *node* names `np.int64` or makes day numbers (int64 values, not indexes)."""
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and child.attr in ("int64", "uint64"):
            return True
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Name)
            and child.func.id == "day_numbers"
        ):
            return True
    return False


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            yield node


def _int64_names(function: ast.FunctionDef) -> set[str]:
    """Names a function assigns an int64 array to (`dtype=np.int64`, `.astype(np.int64)`)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and _mentions_int64(node.value):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        found.add(name.id)
    return found


def _violations(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in _functions(tree):
            int64_names = _int64_names(function)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                name = node.func.attr
                where = f"{path.relative_to(root)}:{node.lineno}"
                is_numpy = isinstance(node.func.value, ast.Name) and node.func.value.id == "np"
                if name == "repeat" and not is_numpy:
                    found.append(f"{where}: ndarray.repeat (use np.repeat with intp counts)")
                    continue
                if not is_numpy or name not in _SAFE_CAST_ARGUMENTS:
                    continue
                position = _SAFE_CAST_ARGUMENTS[name]
                if len(node.args) <= position:
                    continue
                argument = node.args[position]
                names = {n.id for n in ast.walk(argument) if isinstance(n, ast.Name)}
                if _mentions_int64(argument) or names & int64_names:
                    found.append(f"{where}: np.{name} fed an int64 array")
    return found


def test_the_static_check_finds_an_int64_array_fed_to_np_repeat(tmp_path: Path) -> None:
    """The check below does see each mistake it looks for."""
    (tmp_path / "bad.py").write_text(
        "import numpy as np\n"
        "def f(n, m):\n"
        "    counts = np.zeros(n, dtype=np.int64)\n"
        "    a = np.repeat(np.arange(n), counts[m])\n"
        "    b = np.bincount(m.astype(np.int64))\n"
        "    return a, b, m.repeat(2)\n"
    )
    assert [v.split(": ", 1)[1] for v in _violations(tmp_path)] == [
        "np.repeat fed an int64 array",
        "np.bincount fed an int64 array",
        "ndarray.repeat (use np.repeat with intp counts)",
    ]


def test_no_int64_array_is_fed_where_numpy_casts_to_intp_safely() -> None:
    """np.repeat's counts and np.bincount's values are never built as int64 in the source."""
    assert _violations(SOURCE) == []
