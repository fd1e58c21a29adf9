"""DataFrames in and out: pandas, polars and Arrow tables as datasets, results as frames.

Analysts and data consortia hold their extracts in pandas, polars, Arrow or Parquet. This
module turns such tables into a `Dataset` through Arrow or numpy, column by column (never a
Python object per row), and turns results, audits and reports back into tidy frames. pandas
and pyarrow are optional extras (``pandas``, ``arrow``); polars is read through Arrow.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import StoredText, as_unicode
from safeguarding_metrics._dates import NAT_DAY
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidRecordError, SafeguardingMetricsError
from safeguarding_metrics.provenance import Coverage
from safeguarding_metrics.record_table import ListColumn
from safeguarding_metrics.records import TABLES
from safeguarding_metrics.schema import schema

__all__ = [
    "LONG_TABLES",
    "MissingExtraError",
    "audit_columns",
    "from_frames",
    "report_columns",
    "result_columns",
    "to_arrow",
    "to_frame",
]

LONG_TABLES: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "cp_plan_reviews": ("cp_plans", "review_dates", ("child_id", "start_date")),
    "assessment_factors": ("assessments", "factors", ("child_id", "start_date")),
}
"""A list field may come as a long table of its own: name -> (table, field, join columns).

``cp_plan_reviews`` has one row per review: ``child_id``, ``start_date`` (the plan's start)
and ``review_date``; ``assessment_factors`` one row per factor: ``child_id``, ``start_date``
(the assessment's start) and ``factor``. Each row joins the records of its table with the same
child and start date."""

_LONG_VALUE = {"cp_plan_reviews": "review_date", "assessment_factors": "factor"}


class MissingExtraError(SafeguardingMetricsError, ImportError):
    """An optional dependency (an extra such as ``pandas`` or ``arrow``) is not installed."""


def _require(module: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError:
        raise MissingExtraError(
            f"{module} is needed for this; install it with "
            f"pip install 'safeguarding-metrics[{extra}]'"
        ) from None


# -- frames to columns -------------------------------------------------------------------------


def _kind_of_frame(frame: Any) -> str:
    module = type(frame).__module__.split(".")[0]
    if module == "pandas":
        return "pandas"
    if module == "polars":
        return "polars"
    if module == "pyarrow":
        return "arrow"
    raise InvalidRecordError(
        f"from_frames takes pandas or polars DataFrames or pyarrow Tables, got {type(frame)!r}"
    )


def _as_arrow(frame: Any) -> Any:
    """*frame* as a pyarrow Table (pandas and polars frames are converted)."""
    pa = _require("pyarrow", "arrow")
    kind = _kind_of_frame(frame)
    if kind == "arrow":
        return frame
    if kind == "polars":
        return frame.to_arrow()
    return pa.Table.from_pandas(frame, preserve_index=False)


def _chunks(column: Any) -> list[Any]:
    """The Arrow arrays of *column* (a chunked column's chunks, read without joining them)."""
    pa = _require("pyarrow", "arrow")
    return list(column.chunks) if isinstance(column, pa.ChunkedArray) else [column]


_TIMESTAMP_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400 * 10**9}


def _arrow_dates(column: Any, where: str) -> npt.NDArray[np.datetime64]:
    """An Arrow date or timestamp column as days; a timestamp's date in its own time zone."""
    chunks = _chunks(column)
    days = np.empty(sum(len(chunk) for chunk in chunks), dtype=np.int64)
    start = 0
    for chunk in chunks:
        _chunk_days(chunk, where, days[start : start + len(chunk)])
        start += len(chunk)
    result: npt.NDArray[np.datetime64] = days.view("datetime64[D]")
    return result


def _chunk_days(chunk: Any, where: str, out: npt.NDArray[np.int64]) -> None:
    """Write one Arrow array's day numbers into *out* (`NaT` for a missing date)."""
    pa = _require("pyarrow", "arrow")
    import pyarrow.compute as pc

    kind = chunk.type
    if pa.types.is_dictionary(kind):
        chunk = chunk.dictionary_decode()
        kind = chunk.type
    n = len(chunk)
    if n == 0:
        return
    if pa.types.is_timestamp(kind) and kind.tz is None:
        values = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[chunk.offset : chunk.offset + n]
        np.floor_divide(values, _TIMESTAMP_PER_DAY[kind.unit], out=out)
    elif pa.types.is_date32(kind):
        out[:] = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + n]
    elif pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_null(kind):
        if pa.types.is_timestamp(kind):  # in its own time zone
            chunk = pc.floor_temporal(pc.local_timestamp(chunk), unit="day")
        dates = pc.cast(chunk, pa.date32()).to_numpy(zero_copy_only=False)
        out[:] = np.asarray(dates).astype("datetime64[D]").view(np.int64)
        return
    else:
        raise InvalidRecordError(
            f"{where} must hold dates (a date or timestamp column), got {kind}; parse text "
            "into dates first"
        )
    if chunk.null_count:
        valid = np.unpackbits(np.frombuffer(chunk.buffers()[0], dtype=np.uint8), bitorder="little")[
            chunk.offset : chunk.offset + n
        ]
        out[valid == 0] = NAT_DAY


def _arrow_text(column: Any) -> StoredText:
    """An Arrow text column as numpy text: ASCII as bytes (`S`), anything else as unicode.

    ASCII text, as identifiers and codes are, is kept as the bytes Arrow holds (a view when
    every value has one length, else a copy padded with NULs): `Dataset` codes identifiers
    from the bytes and widens a column to unicode only when it is read as text.
    """
    chunks = [_plain_strings(chunk) for chunk in _chunks(column)]
    if not sum(len(chunk) for chunk in chunks):
        return np.zeros(0, dtype="S1")
    buffers = [_string_buffers(chunk) for chunk in chunks]
    if any(len(data) and int(data.max()) >= 0x80 for _, data in buffers):
        # Not ASCII: let Python decode the UTF-8.
        decoded: npt.NDArray[np.str_] = np.concatenate(
            [np.asarray(chunk.to_numpy(zero_copy_only=False)).astype(np.str_) for chunk in chunks]
        )
        return decoded
    ranges = [_length_range(offsets) for offsets, _ in buffers]
    width = max(max(longest for _, longest in ranges), 1)
    parts = [
        _fixed_width(chunk, data, width, shortest)
        for chunk, (_, data), (shortest, _) in zip(chunks, buffers, ranges, strict=True)
        if len(chunk)
    ]
    result: npt.NDArray[np.bytes_] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return result


def _plain_strings(chunk: Any) -> Any:
    """An Arrow array of text as a string array without missing values (missing: empty)."""
    pa = _require("pyarrow", "arrow")
    import pyarrow.compute as pc

    if pa.types.is_dictionary(chunk.type):
        chunk = chunk.dictionary_decode()
    if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
        chunk = pc.cast(chunk, pa.large_string())
    if chunk.null_count:
        chunk = pc.fill_null(chunk, "")
    return chunk


def _fixed_width(
    chunk: Any, data: npt.NDArray[np.uint8], width: int, shortest: int
) -> npt.NDArray[np.bytes_]:
    """One ASCII string array's values as `S{width}`: its bytes, padded with NULs if need be."""
    pa = _require("pyarrow", "arrow")
    import pyarrow.compute as pc

    if shortest != width:
        if len(chunk) * width >= _LARGEST_STRING_OFFSET:  # the padded bytes need 64-bit offsets
            chunk = pc.cast(chunk, pa.large_string())
        _, data = _string_buffers(pc.utf8_rpad(chunk, width=width, padding="\x00"))
    fixed: npt.NDArray[np.bytes_] = data.view(f"S{width}")
    return fixed


_LARGEST_STRING_OFFSET = 2**31 - 1
"""The most bytes an Arrow `string` (32-bit offsets) array can hold."""

_BLOCK = 1 << 16
"""Offsets read per block when the shortest and longest value are found (kept in cache)."""


def _length_range(offsets: npt.NDArray[np.integer[Any]]) -> tuple[int, int]:
    """The fewest and most bytes of a value, from offsets (one per value and one after)."""
    shortest, longest = None, 0
    for start in range(0, len(offsets) - 1, _BLOCK):
        lengths = np.diff(offsets[start : start + _BLOCK + 1])
        low, high = int(lengths.min()), int(lengths.max())
        shortest = low if shortest is None else min(shortest, low)
        longest = max(longest, high)
    return (0 if shortest is None else shortest), longest


def _string_buffers(column: Any) -> tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.uint8]]:
    """An Arrow string array's offsets (one per value and one after) and its UTF-8 bytes."""
    pa = _require("pyarrow", "arrow")
    n = len(column)
    _, offsets_buffer, data_buffer = column.buffers()
    offset_type = np.int64 if pa.types.is_large_string(column.type) else np.int32
    offsets: npt.NDArray[np.integer[Any]] = np.frombuffer(offsets_buffer, dtype=offset_type)
    offsets = offsets[column.offset : column.offset + n + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


def _arrow_column(
    column: Any, kind: str, element: str, where: str, problems: list[Diagnostic]
) -> Any:
    """One Arrow column as the numpy column (or `ListColumn`) `from_columns` takes."""
    pa = _require("pyarrow", "arrow")
    import pyarrow.compute as pc

    if kind == "date":
        return _arrow_dates(column, where)
    if kind == "text":
        return _arrow_text(column)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if kind == "bool":
        if not (pa.types.is_boolean(column.type) or pa.types.is_null(column.type)):
            raise InvalidRecordError(f"{where} must hold true/false, got {column.type}")
        missing = column.null_count
        if missing:
            problems.append(
                Diagnostic(
                    file="",
                    where=where,
                    field=where.rpartition(".")[2],
                    value=f"{missing} missing",
                    problem="missing true/false values read as false",
                )
            )
        false = pa.scalar(value=False, type=pa.bool_())
        return pc.fill_null(pc.cast(column, pa.bool_()), false).to_numpy(zero_copy_only=False)
    if kind == "int":
        floats = pc.cast(column, pa.float64())
        return pc.fill_null(floats, float("nan")).to_numpy(zero_copy_only=False)
    # A list field: lengths (a missing list holds no value) and the values one after another.
    if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)):
        raise InvalidRecordError(f"{where} must hold lists, got {column.type}")
    lengths = pc.fill_null(pc.list_value_length(column), 0).to_numpy(zero_copy_only=False)
    flat = pc.list_flatten(column)
    values = _arrow_dates(flat, where) if element == "date" else as_unicode(_arrow_text(flat))
    if element == "date" and np.isnat(values).any():
        raise InvalidRecordError(f"{where} holds a missing date inside a list")
    return ListColumn.from_lengths(lengths, values, dates=element == "date")


def _pandas_through_arrow(
    series: Any, kind: str, element: str, where: str, problems: list[Diagnostic]
) -> Any:
    """One pandas column: numpy dates and flags as they are, anything else through Arrow."""
    pa = _require("pyarrow", "arrow")
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and (
        (kind == "date" and dtype.kind == "M") or (kind == "bool" and dtype.kind == "b")
    ):
        # A numpy datetime64 of any unit floors to its day, as Arrow's reading does.
        values: Any = series.to_numpy()
        return values.astype("datetime64[D]") if kind == "date" else values
    return _arrow_column(pa.array(series, from_pandas=True), kind, element, where, problems)


def _pandas_column(
    series: Any, kind: str, element: str, where: str, problems: list[Diagnostic]
) -> Any:
    """One pandas column as a numpy column, without Arrow (numpy-backed pandas)."""
    pd = _require("pandas", "pandas")
    if kind == "date":
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
        if not pd.api.types.is_datetime64_any_dtype(series.dtype):
            if series.dtype != object and not series.isna().all():
                raise InvalidRecordError(f"{where} must hold dates, got {series.dtype}")
            series = pd.to_datetime(series, errors="raise")
        result: Any = series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        return result
    if kind == "text":
        return (
            series.astype(object).where(series.notna(), "").astype(str).to_numpy().astype(np.str_)
        )
    if kind == "bool":
        missing = int(series.isna().sum())
        if missing:
            problems.append(
                Diagnostic(
                    file="",
                    where=where,
                    field=where.rpartition(".")[2],
                    value=f"{missing} missing",
                    problem="missing true/false values read as false",
                )
            )
        return series.astype(object).where(series.notna(), other=False).astype(bool).to_numpy()
    if kind == "int":
        return pd.to_numeric(series).astype("float64").to_numpy()
    return ListColumn.from_sequences(
        [() if value is None or value is np.nan else list(value) for value in series.tolist()],
        kind=element,
    )


def _rename(table: str, names: Sequence[str], rename: Mapping[str, Any] | None) -> dict[str, str]:
    """Original column name -> field name, for *table*."""
    if not rename:
        return {name: name for name in names}
    mapping: Mapping[str, str] = (
        rename.get(table, {})
        if table in rename
        else {k: v for k, v in rename.items() if isinstance(v, str)}
    )
    return {name: mapping.get(name, name) for name in names}


def _columns_of(
    table: str,
    frame: Any,
    rename: Mapping[str, Any] | None,
    problems: list[Diagnostic],
    *,
    use_arrow: bool,
) -> dict[str, Any]:
    specs = {f.name: f for f in schema()[table].fields}  # type: ignore[index]
    from safeguarding_metrics.records import field_specs

    kinds = {s.name: (s.kind, s.element) for s in field_specs(table)}
    convert: Callable[..., Any] = _arrow_column if use_arrow else _pandas_column
    get: Callable[[str], Any]
    if use_arrow and _kind_of_frame(frame) == "pandas":
        # Column by column: numpy dates and flags are read as they are, the rest via Arrow.
        by_name = {str(c): c for c in frame.columns}
        names = list(by_name)

        def get(name: str) -> Any:
            return frame[by_name[name]]

        convert = _pandas_through_arrow
    elif use_arrow:
        arrow = _as_arrow(frame)
        names = list(arrow.column_names)
        get = arrow.column
    else:
        names = [str(c) for c in frame.columns]
        get = frame.__getitem__
    fields = _rename(table, names, rename)
    columns: dict[str, Any] = {}
    for original, field in fields.items():
        if field not in specs:
            raise InvalidRecordError(
                f"from_frames: {table} has no field {field!r} (column {original!r}); its "
                f"fields are {', '.join(specs)} (rename columns with rename=)"
            )
        kind, element = kinds[field]
        where = f"{table}.{field}"
        columns[field] = _converted(convert, get(original), kind, element, where, problems)
    return columns


def _converted(
    convert: Any, column: Any, kind: str, element: str, where: str, problems: list[Diagnostic]
) -> Any:
    """*convert* applied to one column, any error of the frame library said as ours."""
    try:
        return convert(column, kind, element, where, problems)
    except (InvalidRecordError, MissingExtraError):
        raise
    except (ValueError, TypeError, ArithmeticError, LookupError, NotImplementedError) as error:
        # pyarrow's ArrowInvalid and ArrowTypeError are ValueError and TypeError; pandas'
        # parsing errors are ValueError.
        raise InvalidRecordError(
            f"from_frames: {where} cannot be read as {kind if kind != 'many' else 'lists'}: "
            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}"
        ) from None


def _join_long(
    name: str,
    frame: Any,
    columns: dict[str, dict[str, Any]],
    rename: Mapping[str, Any] | None,
    problems: list[Diagnostic],
    *,
    use_arrow: bool,
) -> None:
    """Attach a long table's values (review dates, factors) to the records they belong to."""
    table, field, keys = LONG_TABLES[name]
    value_name = _LONG_VALUE[name]
    if table not in columns:
        raise InvalidRecordError(f"from_frames: {name} given without {table}")
    if use_arrow:
        arrow = _as_arrow(frame)
        names = _rename(name, list(arrow.column_names), rename)
        by_field = {names[o]: arrow.column(o) for o in arrow.column_names}
    else:
        names = _rename(name, [str(c) for c in frame.columns], rename)
        by_field = {names[o]: frame[o] for o in frame.columns}
    missing = [c for c in (*keys, value_name) if c not in by_field]
    if missing:
        raise InvalidRecordError(f"from_frames: {name} has no column {', '.join(missing)}")
    convert = _arrow_column if use_arrow else _pandas_column
    child = as_unicode(convert(by_field["child_id"], "text", "", f"{name}.child_id", problems))
    start = convert(by_field["start_date"], "date", "", f"{name}.start_date", problems)
    element = "date" if field == "review_dates" else "text"
    values = convert(by_field[value_name], element, "", f"{name}.{value_name}", problems)
    if element == "text":
        values = as_unicode(values)
    if element == "date" and np.isnat(values).any():
        raise InvalidRecordError(f"from_frames: {name}.{value_name} holds a missing date")
    target = columns[table]
    if field in target:
        raise InvalidRecordError(
            f"from_frames: {table}.{field} given both as a column and in {name}"
        )
    record_keys = np.char.add(
        np.char.add(as_unicode(target["child_id"]), "\x1f"),
        np.asarray(target["start_date"]).astype("datetime64[D]").astype(np.str_),
    )
    long_keys = np.char.add(np.char.add(child, "\x1f"), start.astype(np.str_))
    uniques, record_code = np.unique(record_keys, return_inverse=True)
    position = np.searchsorted(uniques, long_keys)
    position = np.minimum(position, max(len(uniques) - 1, 0))
    matched = (
        (len(uniques) > 0) & (uniques[position] == long_keys)
        if len(uniques)
        else np.zeros(len(long_keys), dtype=np.bool_)
    )
    if (~matched).any():
        problems.append(
            Diagnostic(
                file="",
                where=name,
                field=value_name,
                value=f"{int((~matched).sum())} row(s)",
                problem=f"rows that match no record of {table} by child and start date; left out",
            )
        )
    # Each record takes every value of its (child, start) key: group the values by key.
    order = np.argsort(position[matched], kind="stable")
    key_of_value = position[matched][order]
    kept_values = values[matched][order]
    per_key = np.bincount(key_of_value, minlength=len(uniques))
    key_offsets = np.zeros(len(uniques) + 1, dtype=np.intp)
    np.cumsum(per_key, out=key_offsets[1:])
    lengths = per_key[record_code.reshape(-1)]
    starts = key_offsets[:-1][record_code.reshape(-1)]
    offsets = np.zeros(len(lengths) + 1, dtype=np.intp)
    np.cumsum(lengths, out=offsets[1:])
    index = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.intp)
    target[field] = ListColumn.from_lengths(lengths, kept_values[index], dates=element == "date")


def from_frames(
    frames: Mapping[str, Any],
    *,
    rename: Mapping[str, Any] | None = None,
    coverage: Coverage | None = None,
    diagnostics: Iterable[Diagnostic] = (),
) -> Dataset:
    """A dataset from DataFrames: pandas (numpy- or Arrow-backed), polars, or pyarrow Tables.

    Args:
        frames: Collection name (``"referrals"``, as `TABLES` names them) -> its frame, whose
            columns are the fields `schema()` lists; also, for a list field given as a long
            table, ``"cp_plan_reviews"`` or ``"assessment_factors"`` (see `LONG_TABLES`).
        rename: Column name -> field name, for every table; or collection name -> such a
            mapping, for one table at a time.
        coverage: The returns the frames were read from, if known.
        diagnostics: Problems already known about the data.

    Returns:
        A column-backed `Dataset` (`Dataset.from_columns`), with a diagnostic for each thing
        it had to decide (missing true/false values read as false, long-table rows that
        match no record).

    Raises:
        InvalidRecordError: For an unknown collection or column, a required column left out,
            a date column holding text, or values of the wrong type.
        MissingExtraError: When polars or pyarrow input needs pyarrow and it is missing.

    Notes:
        - Dates may be dates, or timestamps of any unit (``datetime64[ns]``, pandas
          `Timestamp`s): the date part is taken (a time-zone-aware timestamp in its own
          time zone). Missing values (``NaT``, ``None``, ``NaN``) are missing dates.
        - Text may be strings of any kind (object, pandas ``str``/``string``, Arrow strings,
          categoricals); missing text is missing. A numeric identifier becomes its text.
        - Conversion goes through Arrow when pyarrow is installed (whatever the frame), else
          through numpy (pandas only); both give the same dataset.
    """
    use_arrow = True
    try:
        __import__("pyarrow")
    except ImportError:
        use_arrow = False
    problems: list[Diagnostic] = list(diagnostics)
    columns: dict[str, dict[str, Any]] = {}
    longs = {name: frame for name, frame in frames.items() if name in LONG_TABLES}
    for name, frame in frames.items():
        if name in LONG_TABLES:
            continue
        if name not in TABLES:
            raise InvalidRecordError(
                f"from_frames: unknown collection {name!r}; expected one of "
                f"{', '.join((*TABLES, *LONG_TABLES))}"
            )
        if not use_arrow and _kind_of_frame(frame) != "pandas":
            _require("pyarrow", "arrow")
        columns[name] = _columns_of(name, frame, rename, problems, use_arrow=use_arrow)
    for name, frame in longs.items():
        _join_long(name, frame, columns, rename, problems, use_arrow=use_arrow)
    return Dataset.from_columns(**columns, diagnostics=problems, coverage=coverage)


# -- results, audits and reports to frames ------------------------------------------------------


def _frame(columns: Mapping[str, Any], backend: str) -> Any:
    """*columns* as a pandas DataFrame (*backend* ``pandas``) or a pyarrow Table (``arrow``)."""
    if backend == "arrow":
        pa = _require("pyarrow", "arrow")
        return pa.table(
            {
                name: list(values) if isinstance(values, list) else values
                for name, values in columns.items()
            }
        )
    pd = _require("pandas", "pandas")
    return pd.DataFrame(dict(columns))


def audit_columns(
    audit: Any, *, dataset: Dataset | None = None, indicator_id: str = ""
) -> dict[str, Any]:
    """An audit's rows as columns: one per record (or child) the indicator was given.

    Columns: ``indicator``, ``child_id``, ``table``, ``row`` (the record's position in its
    collection, -1 for a row about a child), ``file`` and ``line`` (where the record was read
    from; ``""`` and 0 when not known or without *dataset*), ``outcome`` (``numerator``,
    ``denominator-only``, ``out-of-scope`` or ``excluded``), ``reason`` (the exclusion reason,
    ``""`` otherwise), then the indicator's measures.
    """
    codes = np.asarray(audit.codes)
    labels = np.array(audit.labels, dtype=np.str_)[codes]
    excluded = codes >= 3
    rows = np.asarray(audit.rows).astype(np.int64)
    n = len(codes)
    files = np.full(n, "", dtype=np.str_)
    lines = np.zeros(n, dtype=np.int64)
    if dataset is not None and audit.table in TABLES and len(dataset.records(audit.table)):
        origins = dataset.origin_of(audit.table)
        known = rows >= 0
        safe = np.where(known, rows, 0)
        files = np.where(known, origins.paths()[safe], "")
        lines = np.where(known, origins.line[safe], 0)
    columns: dict[str, Any] = {
        "indicator": np.full(n, indicator_id),
        "child_id": np.asarray(audit.child_ids).astype(np.str_),
        "table": np.full(n, audit.table),
        "row": rows,
        "file": files,
        "line": lines,
        "outcome": np.where(excluded, "excluded", labels),
        "reason": np.where(excluded, labels, ""),
    }
    for name, values in audit.measures.items():
        columns[name if name not in columns else f"measure_{name}"] = np.asarray(values)
    return columns


def result_columns(result: Any) -> dict[str, list[Any]]:
    """A result as one row of columns: its figures, and what was excluded."""
    from safeguarding_metrics.results import Count, Rate

    row: dict[str, Any] = {
        "indicator": result.indicator_id,
        "kind": "rate"
        if isinstance(result, Rate)
        else "count"
        if isinstance(result, Count)
        else "distribution",
        "value": result.value,
        "numerator": result.numerator if isinstance(result, Rate) else None,
        "denominator": result.denominator if isinstance(result, Rate) else None,
        "count": result.count if isinstance(result, Count) else None,
        "median": None if isinstance(result, Rate | Count) else result.median,
        "total": None if isinstance(result, Rate | Count) else result.total,
        "excluded": sum(result.excluded.values()),
        "excluded_reasons": ";".join(f"{k}={v}" for k, v in result.excluded.items()),
    }
    return {name: [value] for name, value in row.items()}


def report_columns(report: Any) -> dict[str, list[Any]]:
    """A report as tidy rows: one per indicator and column, then one per comparator figure.

    Columns: ``column`` (its heading), ``period``, ``period_start``, ``period_end``,
    ``indicator``, ``kind``, ``numerator``, ``denominator``, ``value``, ``count``,
    ``excluded`` (how many), ``direction``, ``compared_with``, ``unsupported``, ``error`` and
    ``comparator`` (the comparator's label on a comparator row, else ``""``).
    """
    from safeguarding_metrics.results import Count, Rate

    names = (
        "column", "period", "period_start", "period_end", "indicator", "kind", "numerator",
        "denominator", "value", "count", "excluded", "direction", "compared_with",
        "unsupported", "error", "comparator",
    )  # fmt: skip
    rows: dict[str, list[Any]] = {name: [] for name in names}

    def add(**values: Any) -> None:
        for name in names:
            rows[name].append(values.get(name))

    for row in report.rows:
        for column, cell in zip(report.columns, row.cells, strict=True):
            result = cell.result
            add(
                column=column.heading,
                period=column.period.label,
                period_start=column.period.start,
                period_end=column.period.end,
                indicator=row.id,
                kind=row.card.kind,
                numerator=result.numerator if isinstance(result, Rate) else None,
                denominator=result.denominator if isinstance(result, Rate) else None,
                value=None if result is None else result.value,
                count=result.count if isinstance(result, Count) else None,
                excluded=None if result is None else sum(result.excluded.values()),
                direction=None if cell.direction is None else cell.direction.value,
                compared_with=None if cell.compared_with is None else cell.compared_with.label,
                unsupported=cell.unsupported,
                error=cell.error,
                comparator="",
            )
        for comparator in row.comparators:
            add(
                column=comparator.label,
                period=comparator.year,
                indicator=row.id,
                kind=row.card.kind,
                value=comparator.value,
                comparator=comparator.label,
            )
    return rows


def to_frame(columns: Mapping[str, Any]) -> Any:
    """*columns* as a pandas DataFrame."""
    return _frame(columns, "pandas")


def to_arrow(columns: Mapping[str, Any]) -> Any:
    """*columns* as a pyarrow Table."""
    return _frame(columns, "arrow")
