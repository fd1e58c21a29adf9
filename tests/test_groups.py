"""Indicators for many councils at once: pandas, and Dask over a hive-partitioned Parquet extract."""

from pathlib import Path
from typing import Any

import pytest

import safeguarding_metrics as sm
from safeguarding_metrics.groups import indicators_by_group, indicators_for_group, long_frame
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.schema import schema
from safeguarding_metrics.synthetic import synthetic_dataset

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

YEAR = sm.ReportingPeriod.year_ending(2025)
CARDS = ["assessment-45wd", "re-referrals-12m", "cpp-second-or-subsequent", "cla-3-plus-placements"]
COUNCILS = {"E06000001": 1, "E06000002": 2, "E06000003": 3}


def council_frames(data: sm.Dataset, la: str) -> dict[str, Any]:
    """One council's collections as pandas frames with an ``la`` column (lists left out)."""
    frames = {}
    for table in TABLES:
        if not len(data.records(table)):
            continue
        columns = {}
        for field in schema()[table].fields:
            if field.type.startswith("list of"):
                continue
            values = data.column(table, field.name)
            columns[field.name] = values
        frame = pd.DataFrame(columns)
        for field in schema()[table].fields:
            if field.type == "text":
                frame[field.name] = frame[field.name].replace("", None)
        frame["la"] = la
        frames[table] = frame
    return frames


@pytest.fixture(scope="module")
def councils() -> dict[str, sm.Dataset]:
    return {la: synthetic_dataset(seed=seed, scale=0.03) for la, seed in COUNCILS.items()}


@pytest.fixture(scope="module")
def extract(councils: dict[str, sm.Dataset]) -> dict[str, Any]:
    """Every council's collections stacked, as a research extract holds them."""
    parts = [council_frames(data, la) for la, data in councils.items()]
    return {
        table: pd.concat([p[table] for p in parts if table in p], ignore_index=True)
        for table in {t for p in parts for t in p}
    }


def loop(councils: dict[str, sm.Dataset]) -> list[tuple[str, str, Any, Any]]:
    """Oracle: each council computed alone, from its frames."""
    rows = []
    for la, data in sorted(councils.items()):
        alone = sm.Dataset.from_frames(
            {t: f.drop(columns=["la"]) for t, f in council_frames(data, la).items()}
        )
        for card_id in sorted(CARDS):
            result = sm.INDICATORS[card_id].compute(alone, period=YEAR)
            rows.append((la, card_id, result.numerator, result.denominator))  # type: ignore[union-attr]
    return rows


def figures(frame: Any) -> list[tuple[str, str, Any, Any]]:
    return [
        (row.la, row.indicator, int(row.numerator), int(row.denominator))
        for row in frame.itertuples()
    ]


def test_pandas_extract_gives_each_councils_own_figures(
    councils: dict[str, sm.Dataset], extract: dict[str, Any]
) -> None:
    """Grouping a stacked extract by la gives what each council computes alone."""
    result = indicators_by_group(extract, key="la", period=YEAR, indicators=CARDS)
    assert figures(result) == loop(councils)


# Dask's own groupby-apply calls pandas' reset_index(inplace=True), deprecated in pandas 3.1.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
def test_dask_over_a_hive_partitioned_parquet_extract_agrees_with_a_plain_loop(
    councils: dict[str, sm.Dataset], extract: dict[str, Any], tmp_path: Path
) -> None:
    """Dask reads la=... folders (fusing them into mixed partitions) and gives the same figures."""
    dd = pytest.importorskip("dask.dataframe")
    frames = {}
    for table, frame in extract.items():
        folder = tmp_path / table
        frame.to_parquet(folder, partition_cols=["la"], index=False)
        loaded = dd.read_parquet(folder)
        loaded["la"] = loaded["la"].astype(str)
        frames[table] = loaded.repartition(npartitions=2)  # partitions mixing councils
    result = indicators_by_group(frames, key="la", period=YEAR, indicators=CARDS)
    assert figures(result) == loop(councils)


def test_the_function_an_engine_applies_to_each_group(
    councils: dict[str, sm.Dataset], extract: dict[str, Any]
) -> None:
    """indicators_for_group on one council's rows of the long frame, as applyInPandas calls it."""
    stacked = long_frame(extract, key="la")
    group = stacked[stacked["la"] == "E06000002"]
    result = indicators_for_group(group, key="la", period=YEAR, indicators=CARDS)
    assert sorted(figures(result)) == [row for row in loop(councils) if row[0] == "E06000002"]


def test_a_group_of_two_councils_is_refused(extract: dict[str, Any]) -> None:
    """A group holding two keys is a mistake in the engine's grouping: a clear error."""
    stacked = long_frame(extract, key="la")
    with pytest.raises(ValueError, match="must hold one 'la'"):
        indicators_for_group(stacked, key="la", period=YEAR, indicators=CARDS)


def test_long_frame_keeps_every_row(extract: dict[str, Any]) -> None:
    """Stacking loses no row: the long frame holds every collection's rows."""
    stacked = long_frame(extract, key="la")
    assert len(stacked) == sum(len(f) for f in extract.values())
