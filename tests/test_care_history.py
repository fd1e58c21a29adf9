import datetime as dt
import importlib
import itertools
import random
from unittest import mock

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics._dates import to_date
from safeguarding_metrics.care_history import (
    REPAIRS,
    CareHistory,
    EpisodeProblem,
    care_history,
    episode_problems,
    latest_set_aside_rows,
    periods_of_care,
    repair_diagnostics,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import TABLES, Child, Episode
from tests import oracles_looked_after as oracle
from tests.strategies_looked_after import child_episodes, coverage_of, looked_after_datasets

D = dt.date
# The module, not the function the package exports under its name.
care_history_module = importlib.import_module("safeguarding_metrics.care_history")


def ep(
    start: dt.date,
    end: dt.date | None,
    reason: str = "P",
    placement: str = "U1",
    *,
    rec: str | None = None,
    child: str = "A",
    urn: str | None = None,
    postcode: str | None = None,
    legal_status: str = "C2",
    year: int | None = None,
) -> Episode:
    return Episode(
        child_id=child,
        start=start,
        end=end,
        reason_new=reason,
        legal_status=legal_status,
        placement=placement,
        reason_ceased=rec,
        urn=urn,
        postcode=postcode,
        year=year,
    )


def returns(*episodes: Episode, years: tuple[int, ...]) -> Dataset:
    """Episodes read from the returns of *years*."""
    return Dataset(episodes=episodes, coverage=coverage_of(list(years), ("episodes",)))


def placement_starts(*episodes: Episode, short_breaks: str = "exclude") -> list[list[dt.date]]:
    """The placement starts of each period of care."""
    return [
        [p.start for p in period.placements]
        for period in periods_of_care(episodes, short_breaks=short_breaks)  # type: ignore[arg-type]
    ]


def spans(data: Dataset | list[Episode]) -> list[tuple[dt.date, dt.date | None]]:
    """Each period of care's start and end."""
    return [(p.start, p.end) for p in periods_of_care(data)]


def problems(data: Dataset | list[Episode]) -> list[tuple[dt.date, str]]:
    """(episode start, problem code) for every problem found."""
    return [(issue.episode.start, issue.problem) for issue in episode_problems(data)]


def _day(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else to_date(value)


# -- periods of care -------------------------------------------------------------------------


def test_episodes_joined_by_x1_are_one_period_of_care() -> None:
    """An episode starting on the day the one before ended with X1 continues the period."""
    periods = periods_of_care(
        [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="X1"), ep(D(2024, 3, 1), None, "L", "U3")]
    )
    assert [(p.start, p.end, len(p.episodes)) for p in periods] == [(D(2024, 1, 1), None, 2)]


@pytest.mark.parametrize("rec", ["E4A", "E11", None])
def test_an_ending_other_than_x1_ends_the_period_even_when_the_next_starts_that_day(
    rec: str | None,
) -> None:
    """Any other REC (or none) ends the period of care; the next one is flagged missing-s."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec=rec), ep(D(2024, 3, 1), None, "P", "U3")]
    assert spans(data) == [(D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 3, 1), None)]
    assert problems(data) == [(D(2024, 3, 1), "missing-s")]


def test_an_s_episode_after_a_real_ending_the_same_day_is_not_flagged() -> None:
    """Care ended and started again the same day with RNE S: two periods, nothing to report."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="E4A"), ep(D(2024, 3, 1), None, "S")]
    assert spans(data) == [(D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 3, 1), None)]
    assert problems(data) == []


def test_an_s_episode_starts_a_new_period_of_care_even_after_x1() -> None:
    """RNE S always starts a period of care; the X1 one before has a next episode."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="X1"), ep(D(2024, 3, 1), D(2024, 5, 1), "S")]
    assert spans(data) == [(D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 3, 1), D(2024, 5, 1))]
    assert problems(data) == []


def test_a_gap_without_s_starts_a_new_period_and_is_flagged() -> None:
    """An episode after a gap starts a period of care whatever its RNE (missing-s)."""
    later = ep(D(2024, 3, 2), None, "P")
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="E4A"), later]
    assert [p.start for p in periods_of_care(data)] == [D(2024, 1, 1), D(2024, 3, 2)]
    assert problems(data) == [(D(2024, 3, 2), "missing-s")]


def test_a_first_episode_without_s_starts_a_period_and_is_flagged() -> None:
    """A child's first episode starts a period of care even with RNE P (missing-s)."""
    first = ep(D(2024, 1, 1), None, "P")
    (period,) = periods_of_care([first])
    assert period.start == D(2024, 1, 1)
    assert [(i.episode, i.problem) for i in period.problems] == [(first, "missing-s")]


def test_codes_are_compared_trimmed_and_upper_cased() -> None:
    """' s', 'x1 ' and ' l' read as S, X1 and L."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), " s", rec="x1 "), ep(D(2024, 3, 1), None, " l")]
    assert spans(data) == [(D(2024, 1, 1), None)]
    assert problems(data) == []


def test_an_episode_ending_before_it_starts_is_set_aside() -> None:
    """An end before the start: in no period of care, reported as end-before-start."""
    bad = ep(D(2024, 5, 1), D(2024, 4, 1), "P")
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="E4A"), bad]
    assert [len(p.episodes) for p in periods_of_care(data)] == [1]
    assert [(i.episode, i.used, i.problem) for i in episode_problems(data)] == [
        (bad, None, "end-before-start")
    ]
    assert care_history(data).period.tolist() == [0, -1]


def test_a_same_day_episode_is_valid() -> None:
    """An episode ending on the day it started is not an error."""
    data = [ep(D(2024, 1, 1), D(2024, 1, 1), "S", rec="X1"), ep(D(2024, 1, 1), None, "P", "U3")]
    assert episode_problems(data) == ()
    assert placement_starts(*data) == [[D(2024, 1, 1), D(2024, 1, 1)]]


def test_open_period_of_care_has_no_end() -> None:
    """A period with an open episode has end None; otherwise its last episode's end."""
    (period,) = periods_of_care([ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="E4A")])
    assert period.end == D(2024, 3, 1)


# -- repairs: overlaps -----------------------------------------------------------------------


def test_overlapping_episode_is_trimmed_to_the_next_start() -> None:
    """An episode ending 16/12/2017 (E9) overlapped by an S on 12/11/2017 ends on 12/11/2017."""
    first = ep(D(2017, 9, 1), D(2017, 12, 16), "S", rec="E9")
    second = ep(D(2017, 11, 12), None, "S", "U3")
    periods = periods_of_care([first, second])
    assert [(p.start, p.end) for p in periods] == [
        (D(2017, 9, 1), D(2017, 11, 12)),
        (D(2017, 11, 12), None),
    ]
    (trimmed,) = periods[0].episodes
    assert (trimmed.end, trimmed.reason_ceased) == (D(2017, 11, 12), "E9")
    (issue,) = episode_problems([first, second])
    assert (issue.episode, issue.problem) == (first, "overlap")
    assert issue.used == trimmed


def test_an_episode_overlapped_by_a_non_s_episode_ends_with_x1_and_continues_the_period() -> None:
    """The later one not being S, the trimmed one takes REC X1: one period of care."""
    first = ep(D(2024, 1, 1), D(2024, 6, 1), "S", rec="E4A")
    second = ep(D(2024, 3, 1), None, "P", "U3")
    (period,) = periods_of_care([first, second])
    assert [(e.start, e.end, e.reason_ceased) for e in period.episodes] == [
        (D(2024, 1, 1), D(2024, 3, 1), "X1"),
        (D(2024, 3, 1), None, None),
    ]
    assert [p.start for p in period.placements] == [D(2024, 1, 1), D(2024, 3, 1)]


def test_an_open_episode_overlapped_by_a_later_one_is_closed() -> None:
    """Two open episodes: the earlier ends on the later one's start, so one is open."""
    data = [ep(D(2024, 1, 1), None, "S"), ep(D(2024, 5, 1), None, "P", "U3")]
    history = care_history(data)
    assert [_day(d) for d in history.end] == [D(2024, 5, 1), None]
    assert history.open_at(D(2025, 3, 31)).tolist() == [False, True]


def test_nested_overlaps_are_trimmed_pairwise() -> None:
    """Each episode is trimmed to the start of the next; a gap may follow the inner one."""
    outer = ep(D(2024, 1, 1), D(2024, 12, 1), "S", rec="E4A")
    inner = ep(D(2024, 3, 1), D(2024, 5, 1), "P", "U3", rec="X1")
    after = ep(D(2024, 6, 1), None, "P", "U4")
    assert spans([outer, inner, after]) == [(D(2024, 1, 1), D(2024, 5, 1)), (D(2024, 6, 1), None)]
    assert problems([outer, inner, after]) == [
        (D(2024, 1, 1), "overlap"),
        (D(2024, 3, 1), "x1-without-next-episode"),
        (D(2024, 6, 1), "missing-s"),
    ]


@pytest.mark.parametrize("flip", [False, True])
def test_two_episodes_starting_on_one_day_the_one_ending_first_is_trimmed(flip: bool) -> None:
    """Same child and start: the one ending first (open last) ends on that day, whatever the order."""
    pair = [ep(D(2024, 1, 1), D(2024, 2, 1), "S", rec="X1"), ep(D(2024, 1, 1), None, "S", "U3")]
    data = pair[::-1] if flip else pair
    history = care_history(data)
    ends = {data[row].placement: _day(history.end[row]) for row in range(2)}
    assert ends == {"U1": D(2024, 1, 1), "U3": None}


@pytest.mark.parametrize("flip", [False, True])
def test_two_open_episodes_starting_on_one_day_are_ordered_by_content(flip: bool) -> None:
    """Same start and both open: their other fields decide (U1 before U3), whatever the order."""
    pair = [ep(D(2024, 1, 1), None, "S", "U1"), ep(D(2024, 1, 1), None, "S", "U3")]
    data = pair[::-1] if flip else pair
    history = care_history(data)
    ends = {data[row].placement: _day(history.end[row]) for row in range(2)}
    assert ends == {"U1": D(2024, 1, 1), "U3": None}


# -- repairs: children missing from a later return ------------------------------------------


def test_an_open_episode_of_a_child_missing_from_the_next_return_ends_on_1_april() -> None:
    """Open in the 2018 return, the child absent from 2019's: ended on 1 April 2018."""
    data = returns(ep(D(2017, 6, 1), None, "S", year=2018), years=(2018, 2019, 2020))
    (period,) = periods_of_care(data)
    assert period.end == D(2018, 4, 1)
    assert problems(data) == [(D(2017, 6, 1), "missing-from-next-return")]
    assert care_history(data).open_at(D(2018, 3, 31)).tolist() == [True]
    assert care_history(data).open_at(D(2018, 4, 1)).tolist() == [False]


def test_the_reason_of_an_episode_closed_on_1_april_is_blank() -> None:
    """A REC recorded on an open episode says nothing about how it ended: taken as blank."""
    data = returns(ep(D(2017, 6, 1), None, "S", rec="X1", year=2018), years=(2018, 2019))
    (issue,) = episode_problems(data)
    assert issue.used is not None
    assert (issue.used.end, issue.used.reason_ceased) == (D(2018, 4, 1), None)
    assert care_history(data).reason_ceased.tolist() == [""]


def test_a_child_in_the_next_return_keeps_its_open_episode() -> None:
    """Another episode of the child from the 2019 return, open in 2018-19: not missing."""
    data = returns(
        ep(D(2017, 6, 1), None, "S", year=2018),
        ep(D(2015, 1, 1), D(2018, 5, 1), "S", rec="E4A", child="A", year=2019),
        years=(2018, 2019),
    )
    assert not care_history(data).has(EpisodeProblem.MISSING_FROM_NEXT_RETURN).any()


@pytest.mark.parametrize(
    ("other", "missing"),
    [
        # From a later return, but ended before 2018-19 began: not open in that year.
        pytest.param(
            ep(D(2015, 1, 1), D(2018, 3, 31), "S", rec="E4A", year=2020), True, id="ended"
        ),
        # Ended on 1 April 2018, the first day of 2018-19: held by the 2019 return.
        pytest.param(
            ep(D(2015, 1, 1), D(2018, 4, 1), "S", rec="E4A", year=2020), False, id="1-april"
        ),
        # From the 2018 return only: says nothing of the 2019 return.
        pytest.param(ep(D(2018, 2, 1), D(2018, 9, 1), "S", rec="E4A", year=2018), True, id="older"),
        # Starting after 2018-19: the child came back later, after missing the 2019 return.
        pytest.param(ep(D(2019, 6, 1), None, "S", year=2020), True, id="came-back-later"),
    ],
)
def test_presence_in_a_return_is_read_from_episodes_open_in_its_year(
    other: Episode, missing: bool
) -> None:
    """A child is in return Y when an episode with year >= Y was open in collection year Y."""
    data = returns(ep(D(2017, 6, 1), None, "S", year=2018), other, years=(2018, 2019, 2020))
    stale = care_history(data).has(EpisodeProblem.MISSING_FROM_NEXT_RETURN)
    assert stale.tolist()[0] == missing


def test_an_open_episode_in_the_last_return_given_stays_open() -> None:
    """No later return given, nothing says the child left: the episode stays open."""
    data = returns(ep(D(2017, 6, 1), None, "S", year=2020), years=(2018, 2019, 2020))
    assert spans(data) == [(D(2017, 6, 1), None)]


def test_an_episode_without_a_year_is_never_closed_for_a_missing_return() -> None:
    """Records built in a script (year None) are not judged against the returns given."""
    data = returns(ep(D(2017, 6, 1), None, "S"), years=(2018, 2019))
    assert problems(data) == []


def test_a_return_not_given_is_skipped() -> None:
    """Returns 2018 and 2020 given: open in 2018, missing from 2020, ended 1 April 2018."""
    data = returns(ep(D(2017, 6, 1), None, "S", year=2018), years=(2018, 2020))
    assert spans(data) == [(D(2017, 6, 1), D(2018, 4, 1))]


def test_an_episode_starting_after_that_1_april_ends_on_its_own_start() -> None:
    """A DECOM after its return's year (2018-05-01 in the 2018 return) never gives end < start."""
    data = returns(ep(D(2018, 5, 1), None, "S", year=2018), years=(2018, 2019))
    history = care_history(data)
    assert [_day(d) for d in history.end] == [D(2018, 5, 1)]
    assert history.valid.tolist() == [True]


def test_a_closed_episode_then_overlapped_is_trimmed_further() -> None:
    """Closed on 1 April 2018 first, then trimmed to the start of an overlapping episode."""
    data = returns(
        ep(D(2017, 6, 1), None, "S", year=2018),
        ep(D(2018, 1, 1), None, "P", "U3", year=2018),
        years=(2018, 2019),
    )
    (period,) = periods_of_care(data)
    assert [(e.end, e.reason_ceased) for e in period.episodes] == [
        (D(2018, 1, 1), "X1"),
        (D(2018, 4, 1), None),
    ]


# -- repairs: X1 without a next episode ------------------------------------------------------


def test_x1_without_next_episode_ends_the_period_of_care() -> None:
    """REC X1 and nothing starting that day: the period of care ends at that episode's end."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="X1"), ep(D(2024, 5, 1), None, "P")]
    assert spans(data) == [(D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 5, 1), None)]
    assert problems(data) == [
        (D(2024, 1, 1), "x1-without-next-episode"),
        (D(2024, 5, 1), "missing-s"),
    ]


def test_an_open_episode_with_x1_is_not_x1_without_next_episode() -> None:
    """A reason on an open episode does not end anything."""
    assert problems([ep(D(2024, 1, 1), None, "S", rec="X1")]) == []


# -- placements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "new_placement"),
    [
        pytest.param("P", True, id="P-begins"),
        pytest.param("B", True, id="B-begins"),
        pytest.param("L", False, id="L-continues"),
        pytest.param("T", False, id="T-continues"),
        pytest.param("U", False, id="U-continues"),
        pytest.param("X", True, id="unknown-code-begins"),
    ],
)
def test_reason_new_decides_whether_a_placement_begins(reason: str, new_placement: bool) -> None:
    """P and B begin a placement; L, T and U continue the current one."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", rec="X1"), ep(D(2024, 3, 1), None, reason, "U3")]
    expected = [D(2024, 1, 1), D(2024, 3, 1)] if new_placement else [D(2024, 1, 1)]
    assert placement_starts(*data) == [expected]


@pytest.mark.parametrize(
    ("back", "new_placement"),
    [
        pytest.param(ep(D(2024, 3, 10), None, "P", "U1", urn="X", postcode="P1"), False, id="same"),
        pytest.param(ep(D(2024, 3, 10), None, "P", "U1"), False, id="urn-not-recorded"),
        pytest.param(ep(D(2024, 3, 10), None, "P", "U1", urn="X"), False, id="postcode-missing"),
        pytest.param(ep(D(2024, 3, 10), None, "P", "U1", urn="Y", postcode="P1"), True, id="urn"),
        pytest.param(ep(D(2024, 3, 10), None, "P", "U1", urn="X", postcode="P2"), True, id="post"),
        pytest.param(ep(D(2024, 3, 10), None, "P", "U3", urn="X", postcode="P1"), True, id="code"),
    ],
)
def test_returning_from_a_temporary_placement(back: Episode, new_placement: bool) -> None:
    """Going back to the placement before a temporary one is not a new placement."""
    data = [
        ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", rec="X1", urn="X", postcode="P1"),
        ep(D(2024, 3, 1), D(2024, 3, 10), "P", "T1", rec="X1"),
        back,
    ]
    expected = [D(2024, 1, 1), D(2024, 3, 10)] if new_placement else [D(2024, 1, 1)]
    assert placement_starts(*data) == [expected]


def test_a_run_of_temporary_placements_returns_to_the_placement_before_it() -> None:
    """T0 then T3 then back to the same carer is still one placement."""
    data = [
        ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", rec="X1", urn="X"),
        ep(D(2024, 3, 1), D(2024, 3, 5), "P", "T0", rec="X1"),
        ep(D(2024, 3, 5), D(2024, 3, 9), "P", "T3", rec="X1"),
        ep(D(2024, 3, 9), None, "P", "U1", urn="X"),
    ]
    (period,) = periods_of_care(data)
    (placement,) = period.placements
    assert (placement.start, placement.end) == (D(2024, 1, 1), None)
    assert [e.placement for e in placement.temporary_episodes] == ["T0", "T3"]


def test_temporary_placements_are_not_placements() -> None:
    """A T0–T4 episode never begins a placement; it belongs to the one it interrupts."""
    data = [
        ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", rec="X1"),
        ep(D(2024, 3, 1), None, "P", "T2"),
    ]
    history = care_history(data)
    assert history.begins_placement.tolist() == [True, False]
    assert history.placement.tolist() == [0, 0]
    assert history.placement_code.tolist() == ["U1", "U1"]


def test_the_first_episode_of_a_period_that_is_a_placement_begins_one() -> None:
    """After a temporary first episode, even an L episode begins the first placement."""
    data = [
        ep(D(2024, 1, 1), D(2024, 1, 5), "S", "T0", rec="X1"),
        ep(D(2024, 1, 5), None, "L", "U1"),
    ]
    history = care_history(data)
    assert history.begins_placement.tolist() == [False, True]
    assert history.placement.tolist() == [-1, 0]
    assert placement_starts(*data) == [[D(2024, 1, 5)]]


# A child placed with U1 carers, on a short break (V3) for a fortnight, then back with the
# same carers: short breaks are not placements by default, so this is one placement.
SHORT_BREAK_RUN = (
    ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", rec="X1", urn="X"),
    ep(D(2024, 3, 1), D(2024, 3, 15), "B", "K1", rec="X1", legal_status="V3"),
    ep(D(2024, 3, 15), None, "B", "U1", urn="X"),
)


def test_short_break_episodes_are_not_placements_by_default() -> None:
    """A V3/V4 episode is skipped as a temporary one is, and the return continues the placement."""
    assert placement_starts(*SHORT_BREAK_RUN) == [[D(2024, 1, 1)]]
    history = care_history(SHORT_BREAK_RUN)
    assert history.not_placement.tolist() == [False, True, False]
    assert history.short_break.tolist() == [False, True, False]


def test_short_break_episodes_are_placements_when_counted() -> None:
    """short_breaks='count': the short break and the return are placements of their own."""
    assert placement_starts(*SHORT_BREAK_RUN, short_breaks="count") == [
        [D(2024, 1, 1), D(2024, 3, 1), D(2024, 3, 15)]
    ]


def test_a_short_break_before_care_is_no_placement() -> None:
    """A period of care made of one short-break episode has no placement by default."""
    data = [ep(D(2024, 1, 1), D(2024, 1, 4), "S", "K1", rec="E13", legal_status=" v4")]
    assert placement_starts(*data) == [[]]
    assert placement_starts(*data, short_breaks="count") == [[D(2024, 1, 1)]]


def test_history_is_cached_per_option() -> None:
    """The columnar history is kept with the dataset, once for each short_breaks value."""
    data = Dataset.of(*SHORT_BREAK_RUN)
    assert care_history(data) is care_history(data, short_breaks="exclude")
    assert care_history(data, short_breaks="count") is care_history(data, short_breaks="count")
    assert care_history(data, short_breaks="count") is not care_history(data)


def test_an_unknown_short_breaks_value_is_refused() -> None:
    """Only 'exclude' and 'count' are accepted."""
    with pytest.raises(InvalidOptionError, match="short_breaks"):
        care_history(Dataset(), short_breaks="ignore")  # type: ignore[arg-type]


def test_previous_placement_start_stays_within_the_period_of_care() -> None:
    """The placement before is looked for in the same period of care only."""
    data = [
        ep(D(2020, 1, 1), D(2021, 1, 1), "S", "U1", rec="E4A"),
        ep(D(2021, 6, 1), D(2022, 1, 1), "S", "U1", rec="X1"),
        ep(D(2022, 1, 1), None, "P", "A4"),
    ]
    history = care_history(data)
    assert [_day(d) for d in history.previous_placement_start] == [None, None, D(2021, 6, 1)]


def test_placement_end_is_its_last_episodes_end() -> None:
    """A placement spanning L episodes ends when its last episode ends."""
    data = [
        ep(D(2024, 1, 1), D(2024, 2, 1), "S", rec="X1"),
        ep(D(2024, 2, 1), D(2024, 4, 1), "L", rec="X1"),
        ep(D(2024, 4, 1), D(2024, 6, 1), "P", "U3", rec="E4A"),
    ]
    (period,) = periods_of_care(data)
    assert [(p.start, p.end, len(p.episodes)) for p in period.placements] == [
        (D(2024, 1, 1), D(2024, 4, 1), 2),
        (D(2024, 4, 1), D(2024, 6, 1), 1),
    ]


def test_history_is_computed_once_per_dataset() -> None:
    """The columnar history is cached on the dataset."""
    data = Dataset.of(ep(D(2024, 1, 1), None, "S"))
    assert care_history(data) is care_history(data)


def test_empty_dataset_has_an_empty_history() -> None:
    """No episodes: empty arrays and no periods."""
    assert len(care_history(Dataset())) == 0
    assert periods_of_care(Dataset()) == ()


def test_all_temporary_episodes_have_no_placement() -> None:
    """A period made only of temporary episodes has no placement."""
    (period,) = periods_of_care([ep(D(2024, 1, 1), None, "S", "T0")])
    assert period.placements == ()


# -- diagnostics -----------------------------------------------------------------------------

YEAR = ReportingPeriod.year_ending(2018)


def test_repair_diagnostics_name_the_child_the_episodes_and_the_repair() -> None:
    """One diagnostic per repair, its problem text the same for every occurrence of the kind."""
    data = Dataset(
        episodes=[
            ep(D(2017, 9, 1), D(2017, 12, 16), "S", rec="E9", child="C1"),
            ep(D(2017, 11, 12), None, "S", child="C1"),
            ep(D(2017, 9, 1), D(2017, 12, 16), "S", rec="E9", child="C2"),
            ep(D(2017, 10, 2), None, "S", child="C2"),
        ]
    )
    history = care_history(data)
    found, counts = repair_diagnostics(
        data, history, period=YEAR, children=np.ones(2, dtype=np.bool_)
    )
    assert [d.field for d in found] == ["DEC", "DEC"]
    assert len({d.problem for d in found}) == 1
    assert "overlap" in found[0].problem
    assert found[0].value == (
        "child C1, DECOM 2017-09-01: DEC 2017-12-16 -> 2017-11-12, REC E9 -> E9; overlapped by "
        "the episode with DECOM 2017-11-12"
    )
    assert found[0].where == "episodes: child C1, start 2017-09-01"
    assert counts.tolist() == [1, 1]


def test_repair_diagnostics_leave_out_episodes_far_from_the_period() -> None:
    """An overlap repaired in a period of care closed years before is not reported."""
    data = Dataset(
        episodes=[
            ep(D(2010, 1, 1), D(2011, 1, 1), "S", rec="E4A"),
            ep(D(2010, 6, 1), D(2011, 1, 1), "S", rec="E4A"),
        ]
    )
    found, counts = repair_diagnostics(
        data, care_history(data), period=YEAR, children=np.ones(1, dtype=np.bool_)
    )
    assert (found, counts.tolist()) == ([], [0])


def test_repairs_list_every_repair_kind() -> None:
    """The repairs are the three kinds that change an episode or its period of care."""
    assert [p.value for p in REPAIRS] == [
        "missing-from-next-return",
        "overlap",
        "x1-without-next-episode",
    ]


# -- the latest episode set aside ------------------------------------------------------------

PERIOD_END = D(2025, 3, 31)


def latest_set_aside(*episodes: Episode, day: dt.date = PERIOD_END) -> dict[str, int]:
    """Child id -> row given by `latest_set_aside_rows` (short breaks read from V3/V4)."""
    data = Dataset(episodes=episodes)
    short = np.isin(data.column("episodes", "legal_status"), ("V3", "V4"))
    rows = latest_set_aside_rows(data, day, short)
    return {str(data.child_ids[code]): int(row) for code, row in enumerate(rows)}


@pytest.mark.parametrize(
    ("episodes", "expected"),
    [
        pytest.param(
            (ep(D(2020, 1, 1), D(2024, 9, 1), "S"), ep(D(2024, 9, 1), D(2024, 8, 1))),
            1,
            id="latest-is-set-aside",
        ),
        pytest.param(
            (ep(D(2024, 9, 1), D(2024, 8, 1), "S"), ep(D(2024, 10, 1), D(2024, 12, 1), "S")),
            -1,
            id="a-valid-episode-starts-later",
        ),
        pytest.param(
            (ep(D(2024, 9, 1), D(2024, 12, 1), "S"), ep(D(2024, 9, 1), D(2024, 8, 1), "S")),
            1,
            id="a-valid-episode-starts-the-same-day",
        ),
        pytest.param(
            (ep(D(2024, 9, 1), D(2024, 12, 1), "S"), ep(D(2025, 4, 1), D(2025, 3, 1), "S")),
            -1,
            id="set-aside-starts-after-the-day",
        ),
        pytest.param(
            (ep(D(2024, 9, 1), D(2024, 8, 1), "S", legal_status="V3"),),
            -1,
            id="set-aside-short-break",
        ),
        pytest.param((ep(D(2024, 9, 1), None, "S"),), -1, id="no-set-aside-episode"),
    ],
)
def test_latest_set_aside_rows(episodes: tuple[Episode, ...], expected: int) -> None:
    """The row of a child's latest episode by start (to the day) when it ends before it starts."""
    assert latest_set_aside(*episodes) == {"A": expected}


def test_latest_set_aside_rows_per_child() -> None:
    """Each child is judged on its own episodes; a child with no episode gets -1."""
    episodes = (
        ep(D(2024, 9, 1), D(2024, 8, 1), "S", child="B"),
        ep(D(2024, 5, 1), D(2024, 4, 1), "S", child="A"),
        ep(D(2024, 6, 1), None, "S", child="A"),
    )
    assert latest_set_aside(*episodes) == {"A": -1, "B": 0}
    with_reviews = Dataset(episodes=episodes, children=[Child(child_id="C")])
    rows = latest_set_aside_rows(with_reviews, PERIOD_END, np.zeros(3, dtype=np.bool_))
    by_id = dict(zip(with_reviews.child_ids.tolist(), rows.tolist(), strict=True))
    assert by_id == {"A": -1, "B": 0, "C": -1}


@pytest.mark.parametrize("flip", [False, True])
def test_latest_set_aside_ties_are_broken_by_content(flip: bool) -> None:
    """Two set-aside episodes starting on one day: the first by content, whatever the order."""
    pair = [
        ep(D(2024, 9, 1), D(2024, 8, 1), "P", "U3"),
        ep(D(2024, 9, 1), D(2024, 7, 1), "P", "U4"),
    ]
    episodes = pair[::-1] if flip else pair
    row = latest_set_aside(*episodes)["A"]
    assert episodes[row].placement == "U4"  # its DEC, 2024-07-01, sorts first


# -- properties ------------------------------------------------------------------------------


def _columnar(history: CareHistory, data: Dataset) -> list[dict[str, object]]:
    """The columnar history in the oracle's shape."""
    keys: dict[int, tuple[str, int]] = {}
    for row in history.order:
        number = int(history.period[row])
        if number >= 0 and number not in keys:
            child = data.episodes[row].child_id
            keys[number] = (child, sum(1 for k in keys.values() if k[0] == child))
    placement_keys: dict[int, tuple[str, int, int]] = {}
    for row in history.order:
        number = int(history.placement[row])
        if number >= 0 and number not in placement_keys:
            period = keys[int(history.period[row])]
            index = sum(1 for k in placement_keys.values() if k[:2] == period)
            placement_keys[number] = (*period, index)
    out: list[dict[str, object]] = []
    for row in range(len(data.episodes)):
        codes = sorted(history.problem_codes(row))
        if not history.valid[row]:
            out.append({"period": None, "problems": codes})
            continue
        number = int(history.placement[row])
        out.append(
            {
                "problems": codes,
                "end": _day(history.end[row]),
                "rec": str(history.reason_ceased[row]),
                "period": keys[int(history.period[row])],
                "care_start": _day(history.care_start[row]),
                "care_end": _day(history.care_end[row]),
                "first": bool(history.first_in_period[row]),
                "last": bool(history.last_in_period[row]),
                "temporary": bool(history.temporary[row]),
                "skipped": bool(history.not_placement[row]),
                "begins": bool(history.begins_placement[row]),
                "placement": placement_keys[number] if number >= 0 else None,
                "placement_start": _day(history.placement_start[row]),
                "placement_first_row": int(history.placement_first_row[row]),
                "previous_placement_start": _day(history.previous_placement_start[row]),
                "placement_code": str(history.placement_code[row]),
            }
        )
    return out


def _oracle(data: Dataset, short_breaks: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for facts in oracle.history(data, short_breaks):
        if not facts["valid"]:
            out.append({"period": None, "problems": sorted(facts["problems"])})
            continue
        shown = {k: v for k, v in facts.items() if k not in ("valid", "overlapped_by")}
        shown["problems"] = sorted(facts["problems"])
        out.append(shown)
    return out


@given(looked_after_datasets(), st.sampled_from(("exclude", "count")))
def test_columnar_history_matches_the_oracle(data: Dataset, short_breaks: str) -> None:
    """Every episode's repairs, period, placement and problems equal the plain-loop oracle's."""
    history = care_history(data, short_breaks=short_breaks)  # type: ignore[arg-type]
    assert _columnar(history, data) == _oracle(data, short_breaks)


@given(looked_after_datasets(), st.sampled_from(("exclude", "count")), st.integers(1, 5))
def test_history_is_the_same_whatever_the_number_of_episodes_joined_at_a_time(
    data: Dataset, short_breaks: str, block: int
) -> None:
    """Episodes joined a few children at a time give every array of the history unchanged.

    Blocks of 1 to 5 episodes end inside most children's runs of episodes, so each block
    is carried on to the end of its child's run; periods and placements are numbered on
    from the block before.
    """
    expected = care_history(data, short_breaks=short_breaks)  # type: ignore[arg-type]
    again = Dataset(**{table: data.records(table) for table in TABLES}, coverage=data.coverage)
    with mock.patch.object(care_history_module, "_HISTORY_BLOCK", block):
        found = care_history(again, short_breaks=short_breaks)  # type: ignore[arg-type]
    for field in attrs.fields(CareHistory):
        want, got = getattr(expected, field.name), getattr(found, field.name)
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype, field.name
            assert got.tobytes() == want.tobytes(), field.name
        else:
            assert got == want, field.name


@pytest.mark.parametrize(
    ("children", "size", "blocks"),
    [
        ([0, 0, 0, 1, 1, 2], 2, [(0, 3), (3, 5), (5, 6)]),
        ([0, 0, 0, 0, 0], 2, [(0, 5)]),
        ([0, 1, 2, 3], 2, [(0, 2), (2, 4)]),
        ([0, 1, 1, 1], 10, [(0, 4)]),
        ([], 2, []),
    ],
)
def test_a_block_of_episodes_ends_only_where_a_childs_episodes_end(
    children: list[int], size: int, blocks: list[tuple[int, int]]
) -> None:
    """A block that would end inside a child's run of episodes is carried on to its end."""
    child = np.array(children, dtype=np.intp)
    rows = np.arange(len(child), dtype=np.intp)[::-1].copy()
    assert care_history_module._child_blocks(child[::-1].copy(), rows, size) == blocks


@given(looked_after_datasets(), st.randoms(use_true_random=False))
def test_history_does_not_depend_on_input_order(data: Dataset, rnd: random.Random) -> None:
    """Shuffling the episodes gives the same periods of care, placements and problems."""
    shuffled = list(data.episodes)
    rnd.shuffle(shuffled)
    again = Dataset(episodes=shuffled, coverage=data.coverage)

    def summary(d: Dataset) -> list[tuple[object, ...]]:
        return sorted(
            (
                p.child_id,
                p.start,
                p.end or dt.date.max,
                tuple((q.start, q.end or dt.date.max) for q in p.placements),
                tuple(sorted(repr(e) for e in p.episodes)),
                tuple(sorted((repr(i.episode), i.problem) for i in p.problems)),
            )
            for p in periods_of_care(d)
        )

    assert summary(again) == summary(data)


@given(looked_after_datasets())
def test_repaired_episodes_of_a_child_never_overlap_nor_end_before_they_start(
    data: Dataset,
) -> None:
    """After the repairs each valid episode ends by the next one's start, and never before its own."""
    for period in periods_of_care(data):
        for episode in period.episodes:
            assert episode.end is None or episode.end >= episode.start
    by_child: dict[str, list[Episode]] = {}
    for period in periods_of_care(data):
        by_child.setdefault(period.child_id, []).extend(period.episodes)
    for episodes in by_child.values():
        for before, after in itertools.pairwise(episodes):
            assert before.end is not None
            assert before.end <= after.start


@given(child_episodes("A"))
def test_every_valid_episode_is_in_exactly_one_period(episodes: list[Episode]) -> None:
    """The readable periods hold each valid episode once; set-aside ones are reported."""
    periods = periods_of_care(episodes)
    held = [e for p in periods for e in p.episodes]
    bad = [i for i in episode_problems(episodes) if i.problem == "end-before-start"]
    assert len(held) + len(bad) == len(episodes)
    assert all(p.start <= q.start for p in periods for q in p.placements)
