"""What indicators return: rates, counts and distributions, each with every record's outcome.

Every record handed to an indicator ends in exactly one outcome (SPEC §0): out of scope,
numerator (and so denominator), denominator only, or excluded with a reason. Results keep
those outcomes as compact arrays in an `Audit`, so a national-scale result stays small while
an analyst can still list the late assessments or the excluded plans.
"""

import enum
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from safeguarding_metrics._arrays import DeferredText, freeze, row_numbers
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import SafeguardingMetricsError

__all__ = [
    "Audit",
    "Band",
    "Count",
    "DeferredArray",
    "Direction",
    "Distribution",
    "Measures",
    "Outcome",
    "Polarity",
    "Rate",
    "Result",
    "direction_of_travel",
]

BoolArray: TypeAlias = npt.NDArray[np.bool_]


class Outcome(enum.StrEnum):
    """Where a record ended up in an indicator (exclusions carry their own reason code)."""

    OUT_OF_SCOPE = "out-of-scope"
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator-only"


_FIXED = (Outcome.OUT_OF_SCOPE.value, Outcome.NUMERATOR.value, Outcome.DENOMINATOR.value)


def _frozen(array: npt.ArrayLike, dtype: Any = None) -> npt.NDArray[Any]:
    """*array* as a read-only array; a read-only array of the right dtype is shared, not copied."""
    result = np.asarray(array, dtype=dtype)
    if result.flags.writeable:
        if result is array:  # the caller's own array: it may change it later
            result = result.copy()
        result.flags.writeable = False
    return result


def _diagnostic_tuple(values: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    # A typed converter: `converter=tuple` leaves mypy unable to type the field.
    return tuple(values)


def _row_numbers(n: int) -> npt.NDArray[np.intp]:
    """0, 1, ..., n - 1, read-only and shared by every audit (`_arrays.row_numbers`)."""
    return row_numbers(n)


def _codes(array: npt.ArrayLike) -> npt.NDArray[np.int8]:
    return _frozen(array, np.int8)


def _ids(array: npt.ArrayLike) -> npt.NDArray[np.str_]:
    return _frozen(array, np.str_)


def _id_source(values: Any) -> npt.NDArray[np.str_] | DeferredText:
    """Child ids as given: unicode (made read-only), or text made when first read."""
    return values if isinstance(values, DeferredText) else _ids(values)


def _positions(array: npt.ArrayLike) -> npt.NDArray[np.intp]:
    return _frozen(array, np.intp)


class DeferredArray:
    """An array of a known length, made only when first read (an audit's measure).

    A report that shows a figure and never its records does not pay for the measures
    that explain each record's outcome. *make* must not hold a dataset (results outlive
    them), only the arrays it needs. `Measures` makes it and keeps what it made.
    """

    __slots__ = ("_length", "_make")

    def __init__(self, length: int, make: Callable[[], npt.NDArray[Any]]) -> None:
        """An array of *length* values, made by *make()* when first read."""
        self._length = length
        self._make = make

    def __len__(self) -> int:
        return self._length

    def __repr__(self) -> str:
        return f"DeferredArray({self._length} values, made when first read)"

    def make(self) -> npt.NDArray[Any]:
        """The array, made now (each call makes it again: keep it)."""
        made = self._make()
        if len(made) != self._length:
            raise ValueError(f"deferred array made {len(made)} values for {self._length}")
        return made


MeasureValues: TypeAlias = npt.NDArray[Any] | DeferredArray
"""A measure as an indicator gives it: an array, or an array made when first read."""


class Measures(Mapping[str, npt.NDArray[Any]]):
    """An audit's measures by name, in the order given: one array per measure, a value per row.

    A measure given as a `DeferredArray` is made when first read (read-only), then kept,
    so a report that never lists an indicator's records never makes its measures.
    """

    __slots__ = ("_values",)

    def __init__(self, measures: Mapping[str, MeasureValues] | None = None) -> None:
        """The measures *measures* names (arrays, or `DeferredArray`s made when first read)."""
        self._values: dict[str, MeasureValues] = dict(measures or {})

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        values = self._values[name]
        if isinstance(values, DeferredArray):
            values = self._values[name] = freeze(values.make())
        return values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def length(self, name: str) -> int:
        """How many values measure *name* has, without making it."""
        return len(self._values[name])

    def made(self, name: str) -> bool:
        """Whether measure *name* is made (a measure given as an array always is)."""
        return not isinstance(self._values[name], DeferredArray)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name!r}: {'made' if self.made(name) else 'made when first read'}"
            for name in self._values
        )
        return f"Measures({{{shown}}})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled made: a deferred measure's maker may be a closure, which pickle cannot take.
        return (Measures, ({name: self[name] for name in self._values},))


def _measures(values: Mapping[str, MeasureValues] | None) -> Measures:
    return values if isinstance(values, Measures) else Measures(values)


@attrs.frozen(kw_only=True, eq=False)
class Audit:
    """The outcome of every record (or child) an indicator was given, in input order.

    Attributes:
        table: The collection the rows come from (``"assessments"``), or ``"children"``
            for child-level indicators.
        codes: One small integer per row: 0 out of scope, 1 numerator, 2 denominator
            only, 3 and up the exclusion reasons in *reasons* order.
        reasons: The exclusion reason codes.
        child_ids: The child each row is about.
        rows: The row's position in *table* of the dataset, or -1 for a child-level row.
        measures: Extra per-row values that explain the outcome, such as
            ``{"working_days": ...}``; `nan` or `NaT` where not applicable. Given as a
            mapping of arrays (or `DeferredArray`s, made when first read), kept as
            `Measures`.
    """

    table: str
    codes: npt.NDArray[np.int8] = attrs.field(converter=_codes)
    reasons: tuple[str, ...] = ()
    _child_ids: npt.NDArray[np.str_] | DeferredText = attrs.field(
        alias="child_ids", converter=_id_source
    )
    rows: npt.NDArray[np.intp] = attrs.field(converter=_positions)
    measures: Measures = attrs.field(factory=Measures, converter=_measures)

    def __attrs_post_init__(self) -> None:
        n = len(self.codes)
        if len(self._child_ids) != n or len(self.rows) != n:
            raise SafeguardingMetricsError("an audit's columns must all have one entry per row")
        for name in self.measures:
            if self.measures.length(name) != n:
                raise SafeguardingMetricsError(f"audit measure {name!r} has the wrong length")

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: int) -> str:
        return self.labels[int(self.codes[index])]

    @property
    def child_ids(self) -> npt.NDArray[np.str_]:
        """The child each row is about (read-only; made when first read, then kept)."""
        found = self._child_ids
        if isinstance(found, DeferredText):
            found = _ids(found.text())
            object.__setattr__(self, "_child_ids", found)
        return found

    @property
    def labels(self) -> tuple[str, ...]:
        """The outcome label of each code: the three fixed outcomes, then the reasons."""
        return (*_FIXED, *self.reasons)

    def outcomes(self) -> npt.NDArray[np.str_]:
        """Every row's outcome label: ``"numerator"``, ``"denominator-only"``, a reason..."""
        return np.array(self.labels, dtype=np.str_)[self.codes]

    def where(self, outcome: str) -> npt.NDArray[np.intp]:
        """The positions of the rows with *outcome* (a fixed outcome or a reason code)."""
        try:
            code = self.labels.index(outcome)
        except ValueError:
            raise SafeguardingMetricsError(
                f"unknown outcome {outcome!r}; this audit has {', '.join(self.labels)}"
            ) from None
        return np.flatnonzero(self.codes == code).astype(np.intp)

    def to_frame(self, dataset: Any = None, *, indicator_id: str = "") -> Any:
        """The audit as a pandas DataFrame: one row per record (see `frames.audit_columns`).

        Pass the *dataset* the result was computed from to get each record's file and line.
        Needs the ``pandas`` extra.
        """
        from safeguarding_metrics.frames import audit_columns, to_frame

        return to_frame(audit_columns(self, dataset=dataset, indicator_id=indicator_id))

    def to_arrow(self, dataset: Any = None, *, indicator_id: str = "") -> Any:
        """The audit as a pyarrow Table (see `to_frame`); needs the ``arrow`` extra."""
        from safeguarding_metrics.frames import audit_columns, to_arrow

        return to_arrow(audit_columns(self, dataset=dataset, indicator_id=indicator_id))

    def tally(self) -> dict[str, int]:
        """How many rows have each outcome."""
        counts = np.bincount(self.codes, minlength=len(self.labels))
        return {label: int(n) for label, n in zip(self.labels, counts, strict=True)}


def _outcome_codes(
    in_scope: BoolArray, hit: BoolArray | None, excluded: Mapping[str, BoolArray]
) -> tuple[npt.NDArray[np.int8], tuple[str, ...]]:
    """Codes per row; the first matching exclusion reason wins."""
    in_scope = np.asarray(in_scope, dtype=np.bool_)
    if hit is None:
        codes = in_scope.astype(np.int8)  # 1: in scope
    else:
        # 1 for a hit, 2 for a miss, then 0 out of scope.
        codes = np.subtract(2, np.asarray(hit, dtype=np.bool_), dtype=np.int8)
        codes *= in_scope
    reasons = tuple(excluded)
    # Last reason first, so that the first matching reason is the one left.
    for offset in range(len(reasons) - 1, -1, -1):
        flag = in_scope & np.asarray(excluded[reasons[offset]], dtype=np.bool_)
        np.putmask(codes, flag, 3 + offset)
    return codes, reasons


def _code_counts(codes: npt.NDArray[np.int8], size: int) -> list[int]:
    """How many rows have each code from 0 to *size* - 1 (no copy of the codes is made)."""
    return [int(np.count_nonzero(codes == code)) for code in range(size)]


def _excluded_tuple(
    codes: npt.NDArray[np.int8], reasons: tuple[str, ...], counts: Sequence[int] | None = None
) -> tuple[tuple[str, int], ...]:
    if counts is None:
        counts = _code_counts(codes, 3 + len(reasons))
    return tuple((reason, int(counts[3 + i])) for i, reason in enumerate(reasons))


@attrs.frozen(kw_only=True)
class Rate:
    """A percentage: numerator over denominator, with exclusions and every record's outcome.

    Attributes:
        indicator_id: The card the rate was computed for.
        numerator: How many records met the indicator's condition.
        denominator: How many records were in the cohort, less exclusions.
        excluded_counts: (reason, count) pairs for every reason on the card, zero included.
        audit: The outcome of every input record.
        diagnostics: What the indicator had to decide about the records it was given (an
            episode repaired, a tie between two records broken by their content).
    """

    indicator_id: str
    numerator: int
    denominator: int
    excluded_counts: tuple[tuple[str, int], ...] = ()
    audit: Audit | None = attrs.field(default=None, eq=False, repr=False)
    diagnostics: tuple[Diagnostic, ...] = attrs.field(
        default=(), converter=_diagnostic_tuple, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise SafeguardingMetricsError(
                f"a rate needs 0 <= numerator <= denominator, got {self.numerator}/{self.denominator}"
            )

    @property
    def value(self) -> float | None:
        """`100 * numerator / denominator`, or `None` when the denominator is 0."""
        if self.denominator == 0:
            return None
        return 100 * self.numerator / self.denominator

    @property
    def excluded(self) -> dict[str, int]:
        """How many records were excluded, by reason code (reasons with none left out)."""
        return {reason: n for reason, n in self.excluded_counts if n}

    def to_frame(self) -> Any:
        """The result as a one-row pandas DataFrame of its figures; needs the ``pandas`` extra.

        `audit.to_frame()` gives the record-by-record outcomes behind it.
        """
        from safeguarding_metrics.frames import result_columns, to_frame

        return to_frame(result_columns(self))

    def to_arrow(self) -> Any:
        """The result as a one-row pyarrow Table (see `to_frame`); needs the ``arrow`` extra."""
        from safeguarding_metrics.frames import result_columns, to_arrow

        return to_arrow(result_columns(self))

    @classmethod
    def from_flags(
        cls,
        *,
        indicator_id: str,
        table: str,
        in_scope: BoolArray,
        hit: BoolArray,
        child_ids: npt.NDArray[np.str_] | DeferredText,
        rows: npt.NDArray[np.intp] | None = None,
        excluded: Mapping[str, BoolArray] | None = None,
        measures: Mapping[str, MeasureValues] | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> "Rate":
        """Build a rate from per-row flags.

        Args:
            indicator_id: The card's id.
            table: The collection the rows come from.
            in_scope: The rows in the cohort.
            hit: The rows meeting the numerator condition (read only where in scope and
                not excluded).
            child_ids: The child of each row.
            rows: Each row's position in *table*; defaults to 0, 1, 2...
            excluded: Reason code -> rows excluded for it; the first matching reason wins.
            measures: Extra per-row values for the audit.
            diagnostics: What the indicator decided about the records (see `Rate`).
        """
        codes, reasons = _outcome_codes(in_scope, hit, excluded or {})
        counts = _code_counts(codes, 3 + len(reasons))
        return cls(
            indicator_id=indicator_id,
            numerator=counts[1],
            denominator=counts[1] + counts[2],
            excluded_counts=_excluded_tuple(codes, reasons, counts),
            audit=Audit(
                table=table,
                codes=codes,
                reasons=reasons,
                child_ids=child_ids,
                rows=_row_numbers(len(codes)) if rows is None else rows,
                measures=Measures(measures),
            ),
            diagnostics=tuple(diagnostics),
        )


@attrs.frozen(kw_only=True)
class Count:
    """A number of records or children, with exclusions and an optional rate per 10,000 children.

    Attributes:
        indicator_id: The card the count was computed for.
        count: How many.
        population: The child population (aged under 18) for a rate per 10,000, if given.
        excluded_counts: (reason, count) pairs for every reason on the card, zero included:
            records in the cohort's reach that were not counted, and why.
        audit: Which records were counted (numerator), excluded (by reason) or not in the
            cohort (out of scope).
        diagnostics: What the indicator had to decide about the records it was given.
    """

    indicator_id: str
    count: int
    population: int | None = None
    excluded_counts: tuple[tuple[str, int], ...] = ()
    audit: Audit | None = attrs.field(default=None, eq=False, repr=False)
    diagnostics: tuple[Diagnostic, ...] = attrs.field(
        default=(), converter=_diagnostic_tuple, eq=False, repr=False
    )

    @property
    def per_10k(self) -> float | None:
        """`10,000 * count / population`, or `None` without a (positive) population."""
        if not self.population:
            return None
        return 10_000 * self.count / self.population

    @property
    def value(self) -> float:
        """The count as a number, for direction of travel."""
        return float(self.count)

    @property
    def excluded(self) -> dict[str, int]:
        """How many records were excluded, by reason code (reasons with none left out)."""
        return {reason: n for reason, n in self.excluded_counts if n}

    def to_frame(self) -> Any:
        """The result as a one-row pandas DataFrame of its figures; needs the ``pandas`` extra.

        `audit.to_frame()` gives the record-by-record outcomes behind it.
        """
        from safeguarding_metrics.frames import result_columns, to_frame

        return to_frame(result_columns(self))

    def to_arrow(self) -> Any:
        """The result as a one-row pyarrow Table (see `to_frame`); needs the ``arrow`` extra."""
        from safeguarding_metrics.frames import result_columns, to_arrow

        return to_arrow(result_columns(self))

    @classmethod
    def from_flags(
        cls,
        *,
        indicator_id: str,
        table: str,
        counted: BoolArray,
        child_ids: npt.NDArray[np.str_] | DeferredText,
        rows: npt.NDArray[np.intp] | None = None,
        population: int | None = None,
        excluded: Mapping[str, BoolArray] | None = None,
        measures: Mapping[str, MeasureValues] | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> "Count":
        """Build a count from per-row flags.

        Args:
            indicator_id: The card's id.
            table: The collection the rows come from.
            counted: The rows in the cohort: each is counted unless it is excluded.
            child_ids: The child of each row.
            rows: Each row's position in *table*; defaults to 0, 1, 2...
            population: The child population, for `per_10k`.
            excluded: Reason code -> rows excluded for it (read only where *counted*); the
                first matching reason wins.
            measures: Extra per-row values for the audit.
            diagnostics: What the indicator decided about the records (see `Count`).
        """
        codes, reasons = _outcome_codes(counted, None, excluded or {})
        return cls(
            indicator_id=indicator_id,
            count=int(np.count_nonzero(codes == 1)),
            population=population,
            excluded_counts=_excluded_tuple(codes, reasons),
            audit=Audit(
                table=table,
                codes=codes,
                reasons=reasons,
                child_ids=child_ids,
                rows=_row_numbers(len(codes)) if rows is None else rows,
                measures=Measures(measures),
            ),
            diagnostics=tuple(diagnostics),
        )


@attrs.frozen
class Band:
    """A band of a distribution: values `v` with `lower <= v < upper`.

    Attributes:
        label: How tables name the band, e.g. ``"11–20"``.
        lower: The smallest value in the band (inclusive); `None` for no lower bound.
        upper: The first value above the band (exclusive); `None` for no upper bound.
    """

    label: str
    lower: float | None = None
    upper: float | None = None


@attrs.frozen(kw_only=True)
class Distribution:
    """How many records fall in each band, with the median and quartiles of their values.

    Attributes:
        indicator_id: The card the distribution was computed for.
        band_counts: (label, count) pairs in band order.
        unit: What the values measure, e.g. ``"working days"``.
        lower_quartile: The 25th percentile of the values (linear interpolation), if any.
        median: The median of the values, if any.
        upper_quartile: The 75th percentile, if any.
        excluded_counts: (reason, count) pairs.
        audit: Each record's outcome: numerator when banded, or its exclusion.
        diagnostics: What the indicator had to decide about the records it was given.
    """

    indicator_id: str
    band_counts: tuple[tuple[str, int], ...]
    unit: str = ""
    lower_quartile: float | None = None
    median: float | None = None
    upper_quartile: float | None = None
    excluded_counts: tuple[tuple[str, int], ...] = ()
    audit: Audit | None = attrs.field(default=None, eq=False, repr=False)
    diagnostics: tuple[Diagnostic, ...] = attrs.field(
        default=(), converter=_diagnostic_tuple, eq=False, repr=False
    )

    @property
    def bands(self) -> dict[str, int]:
        """Band label -> count, in band order."""
        return dict(self.band_counts)

    @property
    def total(self) -> int:
        """How many records were banded."""
        return sum(n for _, n in self.band_counts)

    @property
    def excluded(self) -> dict[str, int]:
        """How many records were excluded, by reason code (reasons with none left out)."""
        return {reason: n for reason, n in self.excluded_counts if n}

    def to_frame(self) -> Any:
        """The result as a one-row pandas DataFrame of its figures; needs the ``pandas`` extra.

        `audit.to_frame()` gives the record-by-record outcomes behind it.
        """
        from safeguarding_metrics.frames import result_columns, to_frame

        return to_frame(result_columns(self))

    def to_arrow(self) -> Any:
        """The result as a one-row pyarrow Table (see `to_frame`); needs the ``arrow`` extra."""
        from safeguarding_metrics.frames import result_columns, to_arrow

        return to_arrow(result_columns(self))

    @property
    def value(self) -> float | None:
        """The median, for direction of travel."""
        return self.median

    @classmethod
    def from_values(
        cls,
        *,
        indicator_id: str,
        table: str,
        values: npt.NDArray[Any],
        in_scope: BoolArray,
        bands: Sequence[Band],
        child_ids: npt.NDArray[np.str_] | DeferredText,
        unit: str = "",
        rows: npt.NDArray[np.intp] | None = None,
        excluded: Mapping[str, BoolArray] | None = None,
        band_index: npt.NDArray[np.integer[Any]] | None = None,
        diagnostics: Sequence[Diagnostic] = (),
    ) -> "Distribution":
        """Band the in-scope, non-excluded *values*.

        By default a value goes in the first band whose `[lower, upper)` holds it; pass
        *band_index* to place values yourself (month bands, say), with -1 for none.
        """
        values = np.asarray(values, dtype=np.float64)
        codes, reasons = _outcome_codes(in_scope, None, excluded or {})
        counted = codes == 1
        chosen = values[counted]  # only the counted values are banded
        if band_index is None:
            band_of = np.full(len(chosen), -1, dtype=np.intp)
            for position, band in reversed(list(enumerate(bands))):
                inside = np.ones(len(chosen), dtype=np.bool_)
                if band.lower is not None:
                    inside &= chosen >= band.lower
                if band.upper is not None:
                    inside &= chosen < band.upper
                band_of[inside] = position
        else:
            band_of = np.asarray(band_index)[counted].astype(np.intp, copy=False)
        unbanded = band_of < 0
        if unbanded.any():
            raise SafeguardingMetricsError(
                f"{int(unbanded.sum())} value(s) of {indicator_id} fall in no band"
            )
        tallies = np.bincount(band_of, minlength=len(bands))
        chosen = chosen[~np.isnan(chosen)]
        quartiles: list[float | None] = [None, None, None]
        if chosen.size:
            quartiles = [float(q) for q in np.percentile(chosen, [25, 50, 75])]
        return cls(
            indicator_id=indicator_id,
            band_counts=tuple((band.label, int(n)) for band, n in zip(bands, tallies, strict=True)),
            unit=unit,
            lower_quartile=quartiles[0],
            median=quartiles[1],
            upper_quartile=quartiles[2],
            excluded_counts=_excluded_tuple(codes, reasons),
            audit=Audit(
                table=table,
                codes=codes,
                reasons=reasons,
                child_ids=child_ids,
                rows=_row_numbers(len(codes)) if rows is None else rows,
                measures={"value": values},
            ),
            diagnostics=tuple(diagnostics),
        )


Result: TypeAlias = Rate | Count | Distribution
"""Anything an indicator returns."""


class Polarity(enum.StrEnum):
    """Whether a higher value of an indicator is better, worse, or neither."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Direction(enum.StrEnum):
    """How an indicator moved between two periods (SPEC §4.6)."""

    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"
    NOT_COMPARABLE = "not-comparable"
    UP = "up"
    DOWN = "down"

    @property
    def arrow(self) -> str:
        """↑ better (or up), ↓ worse (or down), ↔ the same, – not comparable."""
        return {
            Direction.IMPROVED: "↑",
            Direction.UP: "↑",
            Direction.DECLINED: "↓",
            Direction.DOWN: "↓",
            Direction.UNCHANGED: "↔",
            Direction.NOT_COMPARABLE: "–",
        }[self]


def direction_of_travel(
    current: float | Result | None,
    previous: float | Result | None,
    *,
    polarity: Polarity,
) -> Direction:
    """Compare *current* with *previous* using the indicator's *polarity*.

    Values are compared exactly, so a report should compare the values it shows. A missing
    value on either side gives `not-comparable`; a neutral indicator reports `up` or `down`.

    Examples:
        >>> direction_of_travel(85.7, 82.0, polarity=Polarity.HIGHER)
        <Direction.IMPROVED: 'improved'>
        >>> direction_of_travel(22.6, 21.0, polarity=Polarity.LOWER)
        <Direction.DECLINED: 'declined'>
    """
    now = _value(current)
    before = _value(previous)
    if now is None or before is None:
        return Direction.NOT_COMPARABLE
    if math.isclose(now, before, rel_tol=0.0, abs_tol=1e-9):
        return Direction.UNCHANGED
    went_up = now > before
    if polarity is Polarity.NEUTRAL:
        return Direction.UP if went_up else Direction.DOWN
    better = went_up if polarity is Polarity.HIGHER else not went_up
    return Direction.IMPROVED if better else Direction.DECLINED


def _value(item: float | Result | None) -> float | None:
    if item is None:
        return None
    if isinstance(item, Rate | Count | Distribution):
        return item.value
    value = float(item)
    return None if math.isnan(value) else value
