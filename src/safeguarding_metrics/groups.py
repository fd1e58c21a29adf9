"""Indicators for many councils at once, on pandas, Dask, Spark or Ray.

Child ids are local to each council, so every indicator partitions exactly by council: the
figures of a research extract holding every council over ten years are the figures of each
council computed alone. `indicators_by_group` does that for frames in memory or Dask
DataFrames, grouping by the key column itself (it never takes a partition to be one council:
Dask's ``read_parquet`` fuses small files into partitions holding several). For an engine
that applies a function to each group of one frame (Spark's ``applyInPandas``, Ray's
``map_groups``), `long_frame` stacks the tables into one frame and `indicators_for_group` is
the function to apply.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from safeguarding_metrics.frames import LONG_TABLES, _require, from_frames
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.schema import schema
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = [
    "RESULT_COLUMNS",
    "indicators_by_group",
    "indicators_for_group",
    "long_frame",
]

RESULT_COLUMNS = (
    "indicator",
    "kind",
    "numerator",
    "denominator",
    "value",
    "count",
    "excluded",
)
"""The columns `indicators_for_group` returns after the key and the period."""

TABLE_COLUMN = "table"
"""The column of `long_frame`'s result naming each row's collection."""


def _all_fields() -> list[str]:
    names: list[str] = []
    for table in TABLES:
        for field in schema()[table].fields:
            if field.type.startswith("list of"):
                continue
            if field.name not in names:
                names.append(field.name)
    return names


def long_frame(frames: Mapping[str, Any], *, key: str) -> Any:
    """The collections stacked into one pandas (or Dask) frame, for an engine's group-apply.

    Each row keeps its collection's name in the ``table`` column and its key (the council);
    the columns are the union of the collections' fields (a field missing from a collection
    is empty there). List fields must come as long tables (`frames.LONG_TABLES`), which are
    stacked too.

    Args:
        frames: Collection name -> a pandas or Dask DataFrame with the *key* column.
        key: The column that names the council (``"la"``).
    """
    pd = _require("pandas", "pandas")
    parts = []
    columns = list(dict.fromkeys([TABLE_COLUMN, key, *_all_fields(), "review_date", "factor"]))
    for name, frame in frames.items():
        if name not in TABLES and name not in LONG_TABLES:
            raise ValueError(f"long_frame: unknown collection {name!r}")
        if key not in frame.columns:
            raise ValueError(f"long_frame: {name} has no {key!r} column")
        part = frame.assign(**{TABLE_COLUMN: name})
        missing = {c: None for c in columns if c not in part.columns}
        part = part.assign(**missing)[columns]
        parts.append(part)
    if parts and type(parts[0]).__module__.startswith("dask"):
        import dask.dataframe as dd

        return dd.concat(parts)  # type: ignore[no-untyped-call]
    return pd.concat(parts, ignore_index=True)


def _split(group: Any, key: str) -> dict[str, Any]:
    """A group of `long_frame` rows back into one frame per collection, with its own columns."""
    frames = {}
    for name, part in group.groupby(TABLE_COLUMN, sort=True):
        if name in LONG_TABLES:
            _, _, joins = LONG_TABLES[name]
            value = "review_date" if name == "cp_plan_reviews" else "factor"
            frames[str(name)] = part[[*joins, value]]
            continue
        fields = [f.name for f in schema()[name].fields if not f.type.startswith("list of")]
        present = [f for f in fields if f in part.columns and part[f].notna().any()]
        required = schema()[name].required
        frames[str(name)] = part[sorted(set(present) | set(required), key=fields.index)]
    return frames


def indicators_for_group(
    group: Any,
    *,
    key: str,
    period: ReportingPeriod,
    indicators: Sequence[str] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Any:
    """The figures of one council, from its rows of `long_frame`: the function to group-apply.

    Args:
        group: One council's rows of `long_frame` (a pandas DataFrame), as Spark's
            ``applyInPandas`` or Ray's ``map_groups`` hand them over.
        key: The key column; its value in *group* is repeated in the result.
        period: The period.
        indicators: The ids to compute (every indicator whose inputs the group holds when
            omitted).
        calendar: The working-day calendar; the England calendar when omitted.

    Returns:
        A pandas DataFrame: the key, ``period``, then `RESULT_COLUMNS`, a row per indicator.
    """
    pd = _require("pandas", "pandas")
    from safeguarding_metrics.registry import INDICATORS
    from safeguarding_metrics.results import Count, Rate

    if key in group.columns:
        keys = list(group[key].dropna().unique())
        group = group.drop(columns=[key])
    else:  # pandas' groupby().apply hands the group over without its key column
        keys = [group.name]
    if len(keys) != 1:
        raise ValueError(f"indicators_for_group: a group must hold one {key!r}, got {keys}")
    data = from_frames(_split(group, key))
    chosen = indicators if indicators is not None else list(INDICATORS)
    rows = []
    for indicator_id in chosen:
        card = INDICATORS[indicator_id]
        if any(data.is_empty(table) for table in card.inputs):
            continue
        result = card.compute(data, period=period, calendar=calendar)
        rows.append(
            {
                key: keys[0],
                "period": period.label,
                "indicator": indicator_id,
                "kind": card.kind,
                "numerator": result.numerator if isinstance(result, Rate) else None,
                "denominator": result.denominator if isinstance(result, Rate) else None,
                "value": result.value,
                "count": result.count if isinstance(result, Count) else None,
                "excluded": sum(result.excluded.values()),
            }
        )
    return pd.DataFrame(rows, columns=[key, "period", *RESULT_COLUMNS])


def indicators_by_group(
    frames: Mapping[str, Any] | Any,
    *,
    key: str,
    period: ReportingPeriod,
    indicators: Iterable[str] | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Any:
    """The figures of every council in a multi-council extract, as one tidy pandas frame.

    Args:
        frames: Collection name -> a pandas or Dask DataFrame with a *key* column, or a
            `long_frame` already stacked.
        key: The column naming the council.
        period: The period.
        indicators: The ids to compute (every indicator a council's data allows when
            omitted).
        calendar: The working-day calendar.

    Returns:
        A pandas DataFrame, sorted by key then indicator: the key, ``period``, then
        `RESULT_COLUMNS`. The same figures as computing each council alone.

    Notes:
        - Rows are grouped by the *key* column's value, whatever partitions or files they
          came in: a Dask partition holding several councils is split, and a council spread
          over several partitions is brought together (Dask's ``groupby().apply`` shuffles by
          the key).
    """
    pd = _require("pandas", "pandas")
    chosen = None if indicators is None else list(indicators)
    stacked = long_frame(frames, key=key) if isinstance(frames, Mapping) else frames
    if type(stacked).__module__.startswith("dask"):
        meta = pd.DataFrame(
            {name: pd.Series(dtype=object) for name in (key, "period", *RESULT_COLUMNS)}
        )
        result = (
            stacked.groupby(key)
            .apply(
                functools.partial(
                    indicators_for_group,
                    key=key,
                    period=period,
                    indicators=chosen,
                    calendar=calendar,
                ),
                meta=meta,
            )
            .compute()
            .reset_index(drop=True)
        )
    else:
        result = pd.concat(
            [
                indicators_for_group(
                    group, key=key, period=period, indicators=chosen, calendar=calendar
                )
                for _, group in stacked.groupby(key, sort=True)
            ],
            ignore_index=True,
        )
    return result.sort_values([key, "indicator"], kind="stable").reset_index(drop=True)
