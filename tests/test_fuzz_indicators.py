"""Properties over every card: order never matters, merges agree, every record ends somewhere.

Each property computes every card of `INDICATORS` (with options drawn from the card's
choices) over records of every collection at once (`every_collection_datasets`: the
family strategies put together; `tied_datasets` adds near copies of records, ties that
only their content can break), and compares:

- a result's figures (`Rate`, `Count` and `Distribution` compare their figures and
  exclusions with ``==``);
- its diagnostics, as a multiset;
- its audit, as the multiset of (record, outcome, measures) for a record-level card and
  (child, outcome, measures) for a child-level one, so that the same record must end in
  the same outcome, wherever it sits.
"""

import contextlib
import importlib
import tempfile
from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguarding_metrics import _arrays, ties
from safeguarding_metrics.catalogue import Indicator
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.indicators import _kernels, looked_after
from safeguarding_metrics.io import read_cin_census, read_ssda903, write_cin_census, write_ssda903
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import TABLES, AssessmentKind
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.results import Count, Distribution, Rate, Result
from safeguarding_metrics.synthetic import cin_census_year, ssda903_year
from tests.strategies_fuzz import (
    PERIODS,
    coverage_for,
    every_collection_datasets,
    examples,
    later_versions,
    tied_datasets,
)

CARDS: tuple[Indicator, ...] = tuple(INDICATORS.values())
FIXED_OUTCOMES = ("out-of-scope", "numerator", "denominator-only")
periods = st.sampled_from(PERIODS)


@st.composite
def card_options(draw: st.DrawFn, card: Indicator) -> dict[str, Any]:
    """Options for *card*: each option with choices takes one of them; a population, sometimes."""
    chosen: dict[str, Any] = {}
    for option in card.options:
        if option.choices:
            chosen[option.name] = draw(st.sampled_from(option.choices))
        elif option.name == "population":
            chosen[option.name] = draw(st.sampled_from((None, 1, 45_000)))
    return chosen


def outcomes(result: Result, data: Dataset) -> Counter[Hashable]:
    """Each audit row as (record or child, outcome, measures), counted."""
    audit = result.audit
    assert audit is not None, result.indicator_id
    labels = audit.outcomes().tolist()
    measures = [[str(value) for value in values.tolist()] for values in audit.measures.values()]
    per_row = list(zip(*measures, strict=True)) if measures else [()] * len(labels)
    rows = np.asarray(audit.rows).tolist()
    if all(row < 0 for row in rows):  # child-level: the child is the record
        who: list[Hashable] = audit.child_ids.tolist()
    else:
        records = data.records(audit.table)  # type: ignore[arg-type]
        who = [records[row] for row in rows]
    return Counter(zip(who, labels, per_row, strict=True))


def assert_same_results(
    cards_before: dict[str, tuple[Result, Dataset]], after: dict[str, tuple[Result, Dataset]]
) -> None:
    """Every card's figures, diagnostics (as a multiset) and record outcomes agree."""
    for card_id, (first, first_data) in cards_before.items():
        second, second_data = after[card_id]
        assert second == first, card_id
        assert Counter(second.diagnostics) == Counter(first.diagnostics), card_id
        assert outcomes(second, second_data) == outcomes(first, first_data), card_id


def every_result(
    data: Dataset, period: ReportingPeriod, options: dict[str, dict[str, Any]]
) -> dict[str, tuple[Result, Dataset]]:
    """Every card computed over *data*, with the dataset it was computed from."""
    return {
        card.id: (card.compute(data, period=period, **options[card.id]), data) for card in CARDS
    }


def draw_options(choices: st.DataObject) -> dict[str, dict[str, Any]]:
    """Options for every card, drawn once per example."""
    return {card.id: choices.draw(card_options(card), label=card.id) for card in CARDS}


def as_multisets(data: Dataset) -> dict[str, Counter[Any]]:
    """Each collection's records, counted: a dataset without its order."""
    return {table: Counter(data.records(table)) for table in TABLES}


# -- the order of records ----------------------------------------------------------------------


@settings(max_examples=examples(0.25, least=50))
@given(data=tied_datasets(), period=periods, choices=st.data())
def test_shuffling_the_records_never_changes_any_cards_result(
    data: Dataset, period: ReportingPeriod, choices: st.DataObject
) -> None:
    """Every collection in another order: the same figures, diagnostics and record outcomes."""
    shuffled = Dataset(
        **{
            table: [
                data.records(table)[i]
                for i in choices.draw(st.permutations(range(len(data.records(table)))), label=table)
            ]
            for table in TABLES
        },
        coverage=data.coverage,
    )
    options = draw_options(choices)
    assert_same_results(
        every_result(data, period, options), every_result(shuffled, period, options)
    )


# -- the size of the blocks kernels read -----------------------------------------------------

BLOCK_SIZES = (
    (_arrays, "_BLOCK"),
    (_arrays, "_PAIR_BLOCK"),
    (_kernels, "_DATE_BLOCK"),
    (_kernels, "_MONTHS_BLOCK"),
    (ties, "_LINK_BLOCK"),
    # The module, not the function the package exports under its name.
    (importlib.import_module("safeguarding_metrics.care_history"), "_HISTORY_BLOCK"),
    (looked_after, "_REVIEW_BLOCK"),
)
"""Every module constant that sets how many rows a kernel reads at a time."""


@settings(max_examples=examples(0.25, least=50))
@given(data=tied_datasets(), period=periods, choices=st.data())
def test_every_cards_result_is_the_same_whatever_the_block_sizes(
    data: Dataset, period: ReportingPeriod, choices: st.DataObject
) -> None:
    """Kernels reading rows a block at a time give the same results with blocks of 1 to 5.

    Small blocks put block boundaries inside groups of same-day records and runs of
    shared ids, which the national-sized defaults never do in a small dataset.
    """
    options = draw_options(choices)
    expected = every_result(data, period, options)
    again = Dataset(**{table: data.records(table) for table in TABLES}, coverage=data.coverage)
    with contextlib.ExitStack() as stack:
        for module, name in BLOCK_SIZES:
            size = choices.draw(st.integers(1, 5), label=name)
            stack.enter_context(mock.patch.object(module, name, size))
        found = every_result(again, period, options)
    assert_same_results(expected, found)


# -- the order of files and folders ------------------------------------------------------------

RETURN_YEARS = (2023, 2024, 2025)


def write_returns(versions: list[Dataset], root: Path) -> tuple[list[Path], list[Path]]:
    """The CIN census file and SSDA903 folder of each year, each from that year's version."""
    files, folders = [], []
    for year, data in zip(RETURN_YEARS, versions, strict=True):
        period = ReportingPeriod.year_ending(year)
        # The census holds single assessments only: the writer refuses the others.
        single = [a for a in data.assessments if a.kind is AssessmentKind.SINGLE]
        census = cin_census_year(attrs.evolve(data, assessments=single), period)
        file = root / f"cin-{year}.xml"
        write_cin_census(census, file, reference_date=period.end)
        folder = root / "903" / str(year)
        write_ssda903(ssda903_year(data, period), folder)
        files.append(file)
        folders.append(folder)
    return files, folders


@settings(max_examples=examples(0.05, least=20))
@given(
    data=every_collection_datasets(),
    period=periods,
    files=st.permutations(range(len(RETURN_YEARS))),
    folders=st.permutations(range(len(RETURN_YEARS))),
    choices=st.data(),
)
def test_the_order_of_files_and_folders_never_changes_any_cards_result(
    data: Dataset,
    period: ReportingPeriod,
    files: list[int],
    folders: list[int],
    choices: st.DataObject,
) -> None:
    """Returns read in any order: the same records, diagnostics, figures and record outcomes.

    Each year's returns hold their own version of the records (some left out, some changed,
    some added), so which return wins a record shows in the results.
    """
    versions = [
        choices.draw(later_versions(data, [year]), label=str(year)) for year in RETURN_YEARS
    ]
    with tempfile.TemporaryDirectory() as root:
        cin, ssda903 = write_returns(versions, Path(root))
        first = read_cin_census(cin) | read_ssda903(ssda903)
        second = read_cin_census([cin[i] for i in files]) | read_ssda903(
            [ssda903[i] for i in folders]
        )
    assert as_multisets(second) == as_multisets(first)
    assert Counter(second.diagnostics) == Counter(first.diagnostics)
    options = draw_options(choices)
    assert_same_results(every_result(first, period, options), every_result(second, period, options))


# -- merging -----------------------------------------------------------------------------------


@st.composite
def two_year_sets(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """The collection years of two returns' coverage: their latest years differ."""
    latest = draw(st.lists(st.integers(2021, 2026), min_size=2, max_size=2, unique=True))
    sets = []
    for last in latest:
        earlier = draw(st.lists(st.integers(2019, last - 1), max_size=2, unique=True))
        sets.append(sorted({*earlier, last}))
    return sets[0], sets[1]


@settings(max_examples=examples(0.15, least=30))
@given(data=tied_datasets(), years=two_year_sets(), period=periods, choices=st.data())
def test_merging_two_returns_either_way_gives_the_same_figures_on_every_card(
    data: Dataset,
    years: tuple[list[int], list[int]],
    period: ReportingPeriod,
    choices: st.DataObject,
) -> None:
    """`a | b` and `b | a` of returns of different years: the same records and results."""
    first = attrs.evolve(data, coverage=coverage_for(years[0]))
    second = choices.draw(later_versions(data, years[1]), label="second")
    one_way, other_way = first | second, second | first
    assert as_multisets(other_way) == as_multisets(one_way)
    assert Counter(other_way.diagnostics) == Counter(one_way.diagnostics)
    options = draw_options(choices)
    assert_same_results(
        every_result(one_way, period, options), every_result(other_way, period, options)
    )


# -- every record ends in exactly one outcome ---------------------------------------------------


@settings(max_examples=examples(0.2, least=30))
@given(data=tied_datasets(), period=periods, choices=st.data())
def test_every_record_given_to_a_card_ends_in_exactly_one_outcome(
    data: Dataset, period: ReportingPeriod, choices: st.DataObject
) -> None:
    """An audit row per record (or child), an outcome the card lists, and figures that add up.

    A record-level card has one audit row per record of its cohort's collection (its first
    input); a child-level card one per child with a record in any collection it reads.
    """
    options = draw_options(choices)
    for card in CARDS:
        result = card.compute(data, period=period, **options[card.id])
        audit = result.audit
        assert audit is not None, card.id
        rows = np.asarray(audit.rows)
        cohort = card.inputs[0]
        if audit.table == "children":  # one row per child with a record the card reads
            assert (rows < 0).all(), card.id
            children = audit.child_ids.tolist()
            assert len(set(children)) == len(children), card.id
            # `children` (Child records) gives facts about a child, such as a birth date: it
            # puts no child in a cohort.
            given = {
                child_id
                for table in card.inputs
                if table != "children"
                for child_id in data.column(table, "child_id").tolist()
            }
            assert set(children) == given, card.id
        else:  # one row per record of the cohort's collection, each once
            assert audit.table == cohort, card.id
            assert sorted(rows.tolist()) == list(range(len(data.records(cohort)))), card.id
        tally = audit.tally()
        assert set(tally) <= {*FIXED_OUTCOMES, *card.exclusions}, card.id
        assert result.excluded == {r: n for r, n in tally.items() if r in audit.reasons and n}
        if isinstance(result, Rate):
            assert result.numerator == tally["numerator"], card.id
            assert result.denominator == tally["numerator"] + tally["denominator-only"], card.id
        elif isinstance(result, Count):
            assert result.count == tally["numerator"], card.id
        else:
            assert isinstance(result, Distribution), card.id
            assert result.total == tally["numerator"], card.id
