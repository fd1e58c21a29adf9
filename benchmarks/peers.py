"""The library against the tools an analyst would pick instead: pandas, polars and DuckDB.

Four cards, each computed from the same numpy columns of the synthetic national year
(`national.build_columns`: 3.8 million referrals, 650,000 assessments, 370,000 plans,
300,000 episodes) by the library and by each peer, as a competent analyst would write it in
that tool: pandas with vectorised methods (and `numpy.busday_count` for working days),
polars expressions, DuckDB SQL over Arrow tables (a calendar table for working days). Every
run is cold and includes its set-up: the library builds a `Dataset` with
`Dataset.from_columns`, pandas a `DataFrame`, polars a `DataFrame`, DuckDB a connection and
Arrow tables, each from the same numpy columns; nothing is cached between runs. The bank
holidays are prepared once for everyone (the library's England calendar is built before
timing, and the peers get the same dates as an array), as a report would hold them.

The cards, as SPEC §4 defines them, on data with no record needing repair:

- `assessment-45wd`: single assessments authorised in 2024-25, less those with no start, a
  date outside 1970-2050 or an authorisation before the start; on time within 45 working
  days, counting the working days after the start up to the authorisation.
- `re-referrals-12m`: referrals in 2024-25, one per child and date; re-referred when the
  child's previous referral date is on or after the date 12 calendar months before.
- `cpp-second-or-subsequent`: plans starting in 2024-25, one per child and start date (the
  first by referral id, then end date with open plans last, then previous plans with a
  missing count first); counted when the child has a plan that started earlier or the plan
  records at least one previous plan.
- `cla-3-plus-placements`: children with an episode open on 31 March 2025 not under short
  breaks; counted with three or more placements in the year (periods of care joined by
  X1, temporary placements and short breaks not placements, a return to the placement
  before a temporary one not a new placement).

Each tool's numerator and denominator must equal the library's (the run fails otherwise).
Tools run in turn, round after round, and the best wall time of each is kept; the table
prints it, the CPU time of that run, and the library's time over the fastest peer's
(target: at most 0.67, the library at least 1.5 times as fast). A peer that is not
installed (the optional extra `bench`: pandas, pyarrow, polars, duckdb) is skipped.

Run: `.venv/bin/python benchmarks/peers.py` (national size), `--quick` for 1/100 of it,
`--repeat N` rounds (default 3).
"""

import argparse
import datetime as dt
import gc
import importlib.util
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from national import YEAR, build_columns

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.registry import INDICATORS
from safeguarding_metrics.working_days import (
    ENGLAND_FIRST_DAY,
    ENGLAND_LAST_DAY,
    WorkingDayCalendar,
)

TARGET = 0.67  # library time / fastest peer's time
START = np.datetime64(YEAR.start, "D")
END = np.datetime64(YEAR.end, "D")
FIRST = np.datetime64(ENGLAND_FIRST_DAY, "D")
LAST = np.datetime64(ENGLAND_LAST_DAY, "D")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
SHORT_BREAKS = ("V3", "V4")
CONTINUING = ("L", "T", "U")

Columns = dict[str, npt.NDArray[Any]]
Figures = tuple[int, int]  # numerator, denominator
Implementation = Callable[[Columns, npt.NDArray[np.datetime64]], Figures]

INPUTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "assessment-45wd": (
        "assessments",
        ("child_id", "start_date", "authorisation_date", "kind"),
    ),
    "re-referrals-12m": ("referrals", ("referral_id", "child_id", "referral_date", "nfa")),
    "cpp-second-or-subsequent": (
        "cp_plans",
        ("child_id", "referral_id", "start_date", "end_date", "previous_plans"),
    ),
    "cla-3-plus-placements": (
        "episodes",
        (
            "child_id",
            "start",
            "end",
            "reason_new",
            "legal_status",
            "placement",
            "reason_ceased",
            "postcode",
        ),
    ),
}


# -- the library -----------------------------------------------------------------------------


def library(card_id: str) -> Implementation:
    """The card computed by the library from a `Dataset` made of the columns."""
    table = INPUTS[card_id][0]

    def run(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
        dataset = Dataset.from_columns(**{table: columns})
        result = INDICATORS[card_id].compute(dataset, period=YEAR)
        return int(result.numerator), int(result.denominator)

    return run


# -- pandas ----------------------------------------------------------------------------------


def pandas_assessments(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import pandas as pd

    frame = pd.DataFrame(columns)
    end = frame["authorisation_date"]
    cohort = frame[(frame["kind"] == "single") & end.between(START, END)]
    start, end = cohort["start_date"], cohort["authorisation_date"]
    usable = cohort[start.notna() & (start >= FIRST) & (end <= LAST) & (end >= start)]
    one = np.timedelta64(1, "D")
    days = np.busday_count(
        usable["start_date"].to_numpy("datetime64[D]") + one,
        usable["authorisation_date"].to_numpy("datetime64[D]") + one,
        holidays=holidays,
    )
    return int((days <= 45).sum()), len(usable)


def pandas_re_referrals(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import pandas as pd

    frame = pd.DataFrame(columns)
    kept = frame.drop_duplicates(["child_id", "referral_date"]).sort_values(
        ["child_id", "referral_date"]
    )
    date = kept["referral_date"]
    previous = date.shift().where(kept["child_id"].eq(kept["child_id"].shift()))
    in_year = date.between(START, END)
    again = previous >= date - pd.DateOffset(months=12)
    return int((in_year & again).sum()), int(in_year.sum())


def pandas_second_plans(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import pandas as pd

    frame = pd.DataFrame(columns)
    frame["open"] = frame["end_date"].isna()
    frame["previous_key"] = frame["previous_plans"].fillna(-1)
    kept = frame.sort_values(
        ["child_id", "start_date", "referral_id", "open", "end_date", "previous_key"]
    ).drop_duplicates(["child_id", "start_date"])
    earlier = kept["child_id"].eq(kept["child_id"].shift())
    in_year = kept["start_date"].between(START, END)
    second = earlier | (kept["previous_plans"] >= 1)
    return int((in_year & second).sum()), int(in_year.sum())


def pandas_placements(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import pandas as pd

    episodes = pd.DataFrame(columns).sort_values(["child_id", "start"], ignore_index=True)
    child, start, end = episodes["child_id"], episodes["start"], episodes["end"]
    reason = episodes["reason_new"]
    same_child = child.eq(child.shift())
    joined = same_child & start.eq(end.shift()) & episodes["reason_ceased"].shift().eq("X1")
    new_period = ~joined | reason.eq("S")
    skip = episodes["placement"].isin(TEMPORARY) | episodes["legal_status"].isin(SHORT_BREAKS)
    position = pd.Series(np.arange(len(episodes)), dtype="float64")
    current = position.where(~skip).ffill().shift()  # the last placement episode before
    period_first = position.where(new_period).ffill()
    has_current = current.ge(period_first)
    other = current.fillna(0).astype(np.int64).to_numpy()
    place, postcode = episodes["placement"].to_numpy(), episodes["postcode"].to_numpy()
    same_place = (place == place[other]) & (
        (postcode == "") | (postcode[other] == "") | (postcode == postcode[other])
    )
    goes_back = ~new_period & skip.shift(fill_value=False) & has_current & same_place
    begins = ~skip & ~(has_current & (reason.isin(CONTINUING) | goes_back))
    overlaps = ~skip & start.le(END) & (end.isna() | end.gt(START))
    counted = episodes[overlaps & (begins | ~child.where(overlaps).duplicated())]
    placements = counted.groupby("child_id").size()
    open_at_end = start.le(END) & (end.isna() | end.gt(END))
    cohort = child[open_at_end & ~episodes["legal_status"].isin(SHORT_BREAKS)].unique()
    many = placements.reindex(cohort, fill_value=0) >= 3
    return int(many.sum()), len(cohort)


# -- polars ----------------------------------------------------------------------------------


def polars_assessments(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import polars as pl

    start, end = pl.col("start_date"), pl.col("authorisation_date")
    usable = start.is_not_null() & (start >= FIRST) & (end <= LAST) & (end >= start)
    one = dt.timedelta(days=1)
    within = pl.business_day_count(start + one, end + one, holidays=holidays.tolist()) <= 45
    figures = (
        pl.DataFrame(columns)
        .filter((pl.col("kind") == "single") & end.is_between(START, END))
        .select(numerator=(usable & within).sum(), denominator=usable.sum())
    )
    return int(figures["numerator"][0]), int(figures["denominator"][0])


def polars_re_referrals(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import polars as pl

    child, date = pl.col("child_id"), pl.col("referral_date")
    figures = (
        pl.DataFrame(columns)
        .unique(["child_id", "referral_date"])
        .sort(["child_id", "referral_date"])
        .with_columns(previous=pl.when(child == child.shift()).then(date.shift()))
        .filter(date.is_between(START, END))
        .select(
            numerator=(pl.col("previous") >= date.dt.offset_by("-12mo")).sum(),
            denominator=pl.len(),
        )
    )
    return int(figures["numerator"][0]), int(figures["denominator"][0])


def polars_second_plans(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import polars as pl

    child, start = pl.col("child_id"), pl.col("start_date")
    figures = (
        pl.DataFrame(columns, nan_to_null=True)
        .sort(
            ["child_id", "start_date", "referral_id", "end_date", "previous_plans"],
            nulls_last=[False, False, False, True, False],
        )
        .unique(["child_id", "start_date"], keep="first", maintain_order=True)
        .with_columns(earlier=child == child.shift())
        .filter(start.is_between(START, END))
        .select(
            numerator=(pl.col("earlier").fill_null(False) | (pl.col("previous_plans") >= 1))
            .fill_null(False)
            .sum(),
            denominator=pl.len(),
        )
    )
    return int(figures["numerator"][0]), int(figures["denominator"][0])


def polars_placements(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    import polars as pl

    child, start, end = pl.col("child_id"), pl.col("start"), pl.col("end")
    position = pl.int_range(pl.len())
    episodes = (
        pl.DataFrame(columns)
        .sort(["child_id", "start"])
        .with_columns(
            new_period=~(
                (child == child.shift())
                & (start == end.shift())
                & (pl.col("reason_ceased").shift() == "X1")
            ).fill_null(False)
            | (pl.col("reason_new") == "S"),
            skip=pl.col("placement").is_in(TEMPORARY) | pl.col("legal_status").is_in(SHORT_BREAKS),
        )
        .with_columns(
            current=pl.when(~pl.col("skip")).then(position).forward_fill().shift(),
            period_first=pl.when(pl.col("new_period")).then(position).forward_fill(),
        )
        .with_columns(has_current=(pl.col("current") >= pl.col("period_first")).fill_null(False))
        .with_columns(
            other_place=pl.col("placement").gather(pl.col("current").fill_null(0)),
            other_postcode=pl.col("postcode").gather(pl.col("current").fill_null(0)),
        )
    )
    postcode, other_postcode = pl.col("postcode"), pl.col("other_postcode")
    goes_back = (
        ~pl.col("new_period")
        & pl.col("skip").shift().fill_null(False)
        & pl.col("has_current")
        & (pl.col("placement") == pl.col("other_place"))
        & ((postcode == "") | (other_postcode == "") | (postcode == other_postcode))
    )
    begins = ~pl.col("skip") & ~(
        pl.col("has_current") & (pl.col("reason_new").is_in(CONTINUING) | goes_back)
    )
    overlaps = ~pl.col("skip") & (start <= END) & (end.is_null() | (end > START))
    placements = (
        episodes.with_columns(begins=begins)
        .filter(overlaps)
        .filter(pl.col("begins") | child.is_first_distinct())
        .group_by("child_id")
        .len(name="placements")
    )
    cohort = (
        episodes.filter(
            (start <= END)
            & (end.is_null() | (end > END))
            & ~pl.col("legal_status").is_in(SHORT_BREAKS)
        )
        .select("child_id")
        .unique()
        .join(placements, on="child_id", how="left")
    )
    return int((cohort["placements"] >= 3).sum()), cohort.height


# -- DuckDB ----------------------------------------------------------------------------------


def _duckdb(tables: Mapping[str, Mapping[str, npt.NDArray[Any]]], query: str) -> Figures:
    import duckdb
    import pyarrow as pa

    connection = duckdb.connect()
    for name, columns in tables.items():
        # from_pandas: a missing count (nan) becomes null, as SQL expects.
        arrays = {k: pa.array(v, from_pandas=True) for k, v in columns.items()}
        connection.register(name, pa.table(arrays))
    found = connection.execute(query).fetchone()
    connection.close()
    assert found is not None
    return int(found[0]), int(found[1])


def duckdb_assessments(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    return _duckdb(
        {"assessments": columns, "holidays": {"day": holidays}},
        f"""
        WITH calendar AS (
            SELECT day::DATE AS day,
                   sum(CASE WHEN isodow(day) <= 5 AND day NOT IN (SELECT day FROM holidays)
                       THEN 1 ELSE 0 END) OVER (ORDER BY day) AS working
            FROM range(DATE '{FIRST}', DATE '{LAST}' + 1, INTERVAL 1 DAY) AS days(day)
        ),
        usable AS (
            SELECT start_date, authorisation_date FROM assessments
            WHERE kind = 'single' AND authorisation_date BETWEEN DATE '{START}' AND DATE '{END}'
              AND start_date IS NOT NULL AND start_date >= DATE '{FIRST}'
              AND authorisation_date <= DATE '{LAST}' AND authorisation_date >= start_date
        )
        SELECT count(*) FILTER (WHERE finish.working - began.working <= 45), count(*)
        FROM usable
        JOIN calendar AS began ON began.day = usable.start_date
        JOIN calendar AS finish ON finish.day = usable.authorisation_date
        """,
    )


def duckdb_re_referrals(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    return _duckdb(
        {"referrals": columns},
        f"""
        WITH kept AS (SELECT DISTINCT child_id, referral_date FROM referrals),
        previous AS (
            SELECT referral_date,
                   lag(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date) AS before
            FROM kept
        )
        SELECT count(*) FILTER (WHERE before >= referral_date - INTERVAL 12 MONTH), count(*)
        FROM previous WHERE referral_date BETWEEN DATE '{START}' AND DATE '{END}'
        """,
    )


def duckdb_second_plans(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    return _duckdb(
        {"plans": columns},
        f"""
        WITH kept AS (
            SELECT child_id, start_date, previous_plans FROM plans
            QUALIFY row_number() OVER (
                PARTITION BY child_id, start_date
                ORDER BY referral_id, end_date NULLS LAST, previous_plans NULLS FIRST
            ) = 1
        ),
        history AS (
            SELECT start_date, previous_plans,
                   lag(start_date) OVER (PARTITION BY child_id ORDER BY start_date) AS earlier
            FROM kept
        )
        SELECT count(*) FILTER (WHERE earlier IS NOT NULL OR previous_plans >= 1), count(*)
        FROM history WHERE start_date BETWEEN DATE '{START}' AND DATE '{END}'
        """,
    )


def duckdb_placements(columns: Columns, holidays: npt.NDArray[np.datetime64]) -> Figures:
    temporary = ", ".join(f"'{code}'" for code in TEMPORARY)
    short = ", ".join(f"'{code}'" for code in SHORT_BREAKS)
    continuing = ", ".join(f"'{code}'" for code in CONTINUING)
    return _duckdb(
        {"episodes": columns},
        f"""
        WITH ordered AS (
            SELECT *, row_number() OVER (ORDER BY child_id, start) AS position,
                   placement IN ({temporary}) OR legal_status IN ({short}) AS skip
            FROM episodes
        ),
        joined AS (
            SELECT *,
                   reason_new = 'S' OR NOT coalesce(
                       lag(child_id) OVER w = child_id AND lag("end") OVER w = start
                       AND lag(reason_ceased) OVER w = 'X1', false) AS new_period,
                   coalesce(lag(skip) OVER w, false) AS after_skip
            FROM ordered WINDOW w AS (ORDER BY position)
        ),
        periods AS (
            SELECT *, sum(new_period::INTEGER) OVER (ORDER BY position) AS period FROM joined
        ),
        placed AS (
            SELECT *, last_value(CASE WHEN NOT skip THEN position END IGNORE NULLS) OVER (
                PARTITION BY period ORDER BY position
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS current
            FROM periods
        ),
        flagged AS (
            SELECT placed.child_id, placed.position,
                   NOT placed.skip AND (placed.current IS NULL OR NOT (
                       placed.reason_new IN ({continuing})
                       OR (NOT placed.new_period AND placed.after_skip
                           AND placed.placement = other.placement
                           AND (placed.postcode = '' OR other.postcode = ''
                                OR placed.postcode = other.postcode)))) AS begins
            FROM placed LEFT JOIN placed AS other ON other.position = placed.current
            WHERE NOT placed.skip AND placed.start <= DATE '{END}'
              AND (placed."end" IS NULL OR placed."end" > DATE '{START}')
        ),
        counts AS (
            SELECT child_id, count(*) FILTER (WHERE begins OR first) AS placements
            FROM (SELECT *, row_number() OVER (PARTITION BY child_id ORDER BY position) = 1
                  AS first FROM flagged)
            GROUP BY child_id
        ),
        cohort AS (
            SELECT DISTINCT child_id FROM episodes
            WHERE start <= DATE '{END}' AND ("end" IS NULL OR "end" > DATE '{END}')
              AND legal_status NOT IN ({short})
        )
        SELECT count(*) FILTER (WHERE coalesce(placements, 0) >= 3), count(*)
        FROM cohort LEFT JOIN counts USING (child_id)
        """,
    )


PEERS: dict[str, dict[str, Implementation]] = {
    "pandas": {
        "assessment-45wd": pandas_assessments,
        "re-referrals-12m": pandas_re_referrals,
        "cpp-second-or-subsequent": pandas_second_plans,
        "cla-3-plus-placements": pandas_placements,
    },
    "polars": {
        "assessment-45wd": polars_assessments,
        "re-referrals-12m": polars_re_referrals,
        "cpp-second-or-subsequent": polars_second_plans,
        "cla-3-plus-placements": polars_placements,
    },
    "duckdb": {
        "assessment-45wd": duckdb_assessments,
        "re-referrals-12m": duckdb_re_referrals,
        "cpp-second-or-subsequent": duckdb_second_plans,
        "cla-3-plus-placements": duckdb_placements,
    },
}
NEEDS = {"pandas": ("pandas",), "polars": ("polars",), "duckdb": ("duckdb", "pyarrow")}


def _installed(tool: str) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in NEEDS[tool])


def _run(
    implementation: Implementation, columns: Columns, holidays: Any
) -> tuple[float, float, Figures]:
    """Wall and CPU seconds of one cold run, and its figures."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    figures = implementation(columns, holidays)
    return time.perf_counter() - wall, time.process_time() - cpu, figures


def main(argv: Sequence[str] | None = None) -> int:
    """Compute the four cards with every tool, check the figures agree, print the ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1/100 of the national size")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--only", nargs="*", default=None, help="card ids to run")
    args = parser.parse_args(argv)
    scale = 0.01 if args.quick else 1.0
    tables, _ = build_columns(np.random.default_rng(args.seed), scale)
    calendar = WorkingDayCalendar.england()  # built once, before any timing
    holidays = np.array(sorted(calendar.bank_holidays), dtype="datetime64[D]")
    tools = [tool for tool in PEERS if _installed(tool)]
    skipped = [tool for tool in PEERS if tool not in tools]
    print(f"the library against {', '.join(tools) or 'no peer'}, {YEAR.label}, scale {scale:g}")
    if skipped:
        print(f"not installed, skipped: {', '.join(skipped)} (pip install -e '.[bench]')")
    print(f"best of {args.repeat} cold runs each, tools taking turns; wall seconds (CPU seconds)")
    header = f"{'card':26} {'records':>10} {'library':>16}"
    header += "".join(f" {tool:>16}" for tool in tools) + f" {'ratio':>6}"
    print(header)
    failures = 0
    chosen = args.only or list(INPUTS)
    for card_id in chosen:
        table, fields = INPUTS[card_id]
        columns = {field: tables[table][field] for field in fields}
        runners = {"library": library(card_id)}
        runners.update({tool: PEERS[tool][card_id] for tool in tools})
        best: dict[str, tuple[float, float]] = {}
        figures: dict[str, Figures] = {}
        for _ in range(args.repeat):
            for name, runner in runners.items():
                wall, cpu, found = _run(runner, columns, holidays)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
                figures[name] = found
        expected = figures["library"]
        wrong = [name for name, found in figures.items() if found != expected]
        peers = [best[tool][0] for tool in tools]
        ratio = best["library"][0] / min(peers) if peers else float("nan")
        cells = "".join(f" {best[n][0]:7.3f} ({best[n][1]:6.3f})" for n in runners)
        print(f"{card_id:26} {len(next(iter(columns.values()))):10,} {cells} {ratio:6.2f}")
        for name in wrong:
            failures += 1
            print(f"  DIFFERENT: {name} gives {figures[name]}, the library {expected}")
        verdict = ("PASS" if ratio <= TARGET else "MISS") if peers else "----"
        print(
            f"  {verdict}: library / fastest peer {ratio:.2f} (target <= {TARGET:g}); "
            f"numerator {expected[0]:,}, denominator {expected[1]:,}"
        )
    if tools:
        print()
        print(f"ratio: the library's best wall time over the fastest peer's (target <= {TARGET:g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
