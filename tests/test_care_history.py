import datetime as dt
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguarding_metrics._dates import to_date
from safeguarding_metrics.care_history import (
    CareHistory,
    care_history,
    episode_problems,
    latest_set_aside_rows,
    periods_of_care,
)
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.records import Child, Episode
from tests import oracles_looked_after as oracle
from tests.strategies_looked_after import child_episodes, looked_after_datasets

D = dt.date


def ep(
    start: dt.date,
    end: dt.date | None,
    reason: str = "P",
    placement: str = "U1",
    *,
    child: str = "A",
    urn: str | None = None,
    postcode: str | None = None,
    legal_status: str = "C2",
) -> Episode:
    return Episode(
        child_id=child,
        start=start,
        end=end,
        reason_new=reason,
        legal_status=legal_status,
        placement=placement,
        urn=urn,
        postcode=postcode,
    )


def placement_starts(*episodes: Episode) -> list[list[dt.date]]:
    """The placement starts of each period of care."""
    return [[p.start for p in period.placements] for period in periods_of_care(episodes)]


def _day(value: np.datetime64) -> dt.date | None:
    return None if np.isnat(value) else to_date(value)


# -- periods of care -------------------------------------------------------------------------


def test_episodes_joined_end_to_start_are_one_period_of_care() -> None:
    """An episode starting on the day the one before ended continues the period of care."""
    periods = periods_of_care(
        [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), ep(D(2024, 3, 1), None, "L", "U3")]
    )
    assert [(p.start, p.end, len(p.episodes)) for p in periods] == [(D(2024, 1, 1), None, 2)]


def test_an_s_episode_starts_a_new_period_of_care_even_when_joined() -> None:
    """RNE S always starts a period of care."""
    periods = periods_of_care(
        [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), ep(D(2024, 3, 1), D(2024, 5, 1), "S")]
    )
    assert [(p.start, p.end) for p in periods] == [
        (D(2024, 1, 1), D(2024, 3, 1)),
        (D(2024, 3, 1), D(2024, 5, 1)),
    ]


def test_a_gap_without_s_starts_a_new_period_and_is_flagged() -> None:
    """An episode after a gap starts a period of care whatever its RNE (missing-s)."""
    later = ep(D(2024, 3, 2), None, "P")
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), later]
    assert [p.start for p in periods_of_care(data)] == [D(2024, 1, 1), D(2024, 3, 2)]
    assert episode_problems(data) == ((later, "missing-s"),)


def test_a_first_episode_without_s_starts_a_period_and_is_flagged() -> None:
    """A child's first episode starts a period of care even with RNE P (missing-s)."""
    first = ep(D(2024, 1, 1), None, "P")
    (period,) = periods_of_care([first])
    assert period.start == D(2024, 1, 1)
    assert period.problems == ((first, "missing-s"),)


def test_an_overlapping_episode_continues_the_period_and_is_flagged() -> None:
    """An episode starting before the previous one ended stays in its period (overlap)."""
    second = ep(D(2024, 2, 1), D(2024, 6, 1), "P", "U3")
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), second]
    (period,) = periods_of_care(data)
    assert (period.start, period.end) == (D(2024, 1, 1), D(2024, 6, 1))
    assert episode_problems(data) == ((second, "overlap"),)


def test_an_episode_ending_before_it_starts_is_set_aside() -> None:
    """An end before the start: in no period of care, reported as end-before-start."""
    bad = ep(D(2024, 5, 1), D(2024, 4, 1), "P")
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), bad]
    assert [len(p.episodes) for p in periods_of_care(data)] == [1]
    assert episode_problems(data) == ((bad, "end-before-start"),)
    assert care_history(data).period.tolist() == [0, -1]


def test_a_same_day_episode_is_valid() -> None:
    """An episode ending on the day it started is not an error."""
    data = [ep(D(2024, 1, 1), D(2024, 1, 1), "S"), ep(D(2024, 1, 1), None, "P", "U3")]
    assert episode_problems(data) == ()
    assert placement_starts(*data) == [[D(2024, 1, 1), D(2024, 1, 1)]]


def test_open_period_of_care_has_no_end() -> None:
    """A period with an open episode has end None; otherwise its latest end."""
    (period,) = periods_of_care([ep(D(2024, 1, 1), D(2024, 3, 1), "S")])
    assert period.end == D(2024, 3, 1)


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
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S"), ep(D(2024, 3, 1), None, reason, "U3")]
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
        ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", urn="X", postcode="P1"),
        ep(D(2024, 3, 1), D(2024, 3, 10), "P", "T1"),
        back,
    ]
    expected = [D(2024, 1, 1), D(2024, 3, 10)] if new_placement else [D(2024, 1, 1)]
    assert placement_starts(*data) == [expected]


def test_a_run_of_temporary_placements_returns_to_the_placement_before_it() -> None:
    """T0 then T3 then back to the same carer is still one placement."""
    data = [
        ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1", urn="X"),
        ep(D(2024, 3, 1), D(2024, 3, 5), "P", "T0"),
        ep(D(2024, 3, 5), D(2024, 3, 9), "P", "T3"),
        ep(D(2024, 3, 9), None, "P", "U1", urn="X"),
    ]
    (period,) = periods_of_care(data)
    (placement,) = period.placements
    assert (placement.start, placement.end) == (D(2024, 1, 1), None)
    assert [e.placement for e in placement.temporary_episodes] == ["T0", "T3"]


def test_temporary_placements_are_not_placements() -> None:
    """A T0–T4 episode never begins a placement; it belongs to the one it interrupts."""
    data = [ep(D(2024, 1, 1), D(2024, 3, 1), "S", "U1"), ep(D(2024, 3, 1), None, "P", "T2")]
    history = care_history(data)
    assert history.begins_placement.tolist() == [True, False]
    assert history.placement.tolist() == [0, 0]
    assert history.placement_code.tolist() == ["U1", "U1"]


def test_the_first_non_temporary_episode_of_a_period_begins_a_placement() -> None:
    """After a temporary first episode, even an L episode begins the first placement."""
    data = [ep(D(2024, 1, 1), D(2024, 1, 5), "S", "T0"), ep(D(2024, 1, 5), None, "L", "U1")]
    history = care_history(data)
    assert history.begins_placement.tolist() == [False, True]
    assert history.placement.tolist() == [-1, 0]
    assert placement_starts(*data) == [[D(2024, 1, 5)]]


def test_previous_placement_start_stays_within_the_period_of_care() -> None:
    """The placement before is looked for in the same period of care only."""
    data = [
        ep(D(2020, 1, 1), D(2021, 1, 1), "S", "U1"),
        ep(D(2021, 6, 1), D(2022, 1, 1), "S", "U1"),
        ep(D(2022, 1, 1), None, "P", "A4"),
    ]
    history = care_history(data)
    assert [_day(d) for d in history.previous_placement_start] == [None, None, D(2021, 6, 1)]


def test_placement_end_is_its_last_episodes_end() -> None:
    """A placement spanning L episodes ends when its last episode ends."""
    data = [
        ep(D(2024, 1, 1), D(2024, 2, 1), "S"),
        ep(D(2024, 2, 1), D(2024, 4, 1), "L"),
        ep(D(2024, 4, 1), D(2024, 6, 1), "P", "U3"),
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
        problem = str(history.problems()[row])
        if not history.valid[row]:
            out.append({"period": None, "problem": problem})
            continue
        number = int(history.placement[row])
        out.append(
            {
                "problem": problem,
                "period": keys[int(history.period[row])],
                "care_start": _day(history.care_start[row]),
                "care_end": _day(history.care_end[row]),
                "first": bool(history.first_in_period[row]),
                "last": bool(history.last_in_period[row]),
                "temporary": bool(history.temporary[row]),
                "begins": bool(history.begins_placement[row]),
                "placement": placement_keys[number] if number >= 0 else None,
                "placement_start": _day(history.placement_start[row]),
                "placement_first_row": int(history.placement_first_row[row]),
                "previous_placement_start": _day(history.previous_placement_start[row]),
                "placement_code": str(history.placement_code[row]),
            }
        )
    return out


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


@given(looked_after_datasets())
def test_columnar_history_matches_the_oracle(data: Dataset) -> None:
    """Every episode's period, placement and problem equal the plain-loop oracle's."""
    assert _columnar(care_history(data), data) == oracle.history(data.episodes)


@given(looked_after_datasets(), st.randoms(use_true_random=False))
def test_history_does_not_depend_on_input_order(data: Dataset, rnd: random.Random) -> None:
    """Shuffling the episodes gives the same periods of care and placements."""
    shuffled = list(data.episodes)
    rnd.shuffle(shuffled)
    again = Dataset(episodes=shuffled)

    def summary(d: Dataset) -> list[tuple[object, ...]]:
        return sorted(
            (
                p.child_id,
                p.start,
                p.end or dt.date.max,
                tuple((q.start, q.end or dt.date.max) for q in p.placements),
            )
            for p in periods_of_care(d)
        )

    assert summary(again) == summary(Dataset(episodes=data.episodes))


@given(child_episodes("A"))
def test_every_valid_episode_is_in_exactly_one_period(episodes: list[Episode]) -> None:
    """The readable periods hold each valid episode once; set-aside ones are reported."""
    periods = periods_of_care(episodes)
    held = [e for p in periods for e in p.episodes]
    bad = [e for e, problem in episode_problems(episodes) if problem == "end-before-start"]
    assert len(held) + len(bad) == len(episodes)
    assert all(p.start <= q.start for p in periods for q in p.placements)
