"""Plain-Python oracles for periods of care, placements and the looked-after indicators.

Each is written as loops over records, one child at a time, with the definitions of SPEC v2
§4.4 (the repairs, periods of care following X1, short breaks not placements) and §4.1
(review history before the data's coverage), to be compared with the columnar code.
"""

import datetime as dt
import itertools
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview
from safeguarding_metrics.working_days import WorkingDayCalendar

TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
SHORT_BREAKS = {"V3", "V4"}
FAR = dt.date(9999, 12, 31)
EET = {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5"}


def months(day: dt.date, n: int) -> dt.date:
    result: dt.date = day + relativedelta(months=n)
    return result


def code(value: str | None) -> str:
    """A code as compared: trimmed and upper-cased, missing as ``""``."""
    return (value or "").strip().upper()


def content_key(episode: Episode) -> tuple[Any, ...]:
    """Start, end (open last), then every other field, missing values first (`content_rank`)."""
    return (
        episode.start,
        (1, dt.date.min) if episode.end is None else (0, episode.end),
        episode.reason_new,
        episode.legal_status,
        episode.placement,
        episode.reason_ceased or "",
        episode.provider or "",
        episode.postcode or "",
        episode.urn or "",
        episode.category_of_need or "",
        -1 if episode.year is None else episode.year,
    )


def short_break(episode: Episode) -> bool:
    return code(episode.legal_status) in SHORT_BREAKS


def _same_place(a: Episode, b: Episode) -> bool:
    return (
        code(a.placement) == code(b.placement)
        and (not a.urn or not b.urn or a.urn == b.urn)
        and (not a.postcode or not b.postcode or a.postcode == b.postcode)
    )


def _in_return(data: Dataset, child_id: str, year: int) -> bool:
    """Whether an episode of the child from return *year* or later was open in that year."""
    first, last = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    return any(
        e.child_id == child_id
        and e.year is not None
        and e.year >= year
        and e.start <= last
        and (e.end is None or e.end >= first)
        for e in data.episodes
    )


def repaired(data: Dataset) -> list[dict[str, Any]]:
    """Per episode (dataset order): its end and reason as used, validity, problems."""
    given = data.coverage.years("episodes")
    out: list[dict[str, Any]] = []
    for e in data.episodes:
        valid = e.end is None or e.end >= e.start
        facts: dict[str, Any] = {
            "valid": valid,
            "end": e.end,
            "rec": code(e.reason_ceased),
            "problems": [] if valid else ["end-before-start"],
        }
        later = [y for y in given if e.year is not None and y > e.year]
        if valid and e.end is None and later and not _in_return(data, e.child_id, min(later)):
            assert e.year is not None
            facts["end"] = max(dt.date(e.year, 4, 1), e.start)
            facts["rec"] = ""
            facts["problems"].append("missing-from-next-return")
        out.append(facts)
    return out


def history(data: Dataset, short_breaks: str = "exclude") -> list[dict[str, Any]]:
    """Per episode (dataset order): period key, care start/end, placement facts, problems."""
    episodes = data.episodes
    out = repaired(data)
    by_child: dict[str, list[int]] = {}
    for row, episode in enumerate(episodes):
        if out[row]["valid"]:
            by_child.setdefault(episode.child_id, []).append(row)
    for child_id, rows in by_child.items():
        rows.sort(key=lambda r: content_key(episodes[r]))
        # Overlaps: the earlier ends on the later one's start (X1 unless the later is S).
        for before, after in itertools.pairwise(rows):
            if episodes[after].start < (out[before]["end"] or FAR):
                out[before]["end"] = episodes[after].start
                if code(episodes[after].reason_new) != "S":
                    out[before]["rec"] = "X1"
                out[before]["problems"].append("overlap")
                out[before]["overlapped_by"] = after
        periods: list[list[int]] = []
        for position, row in enumerate(rows):
            e = episodes[row]
            new = position == 0 or code(e.reason_new) == "S"
            if position > 0:
                before = rows[position - 1]
                joined = out[before]["end"] == e.start and out[before]["rec"] == "X1"
                new = new or not joined
            if new:
                periods.append([])
            periods[-1].append(row)
            follows = (
                position + 1 < len(rows) and episodes[rows[position + 1]].start == (out[row]["end"])
            )
            if out[row]["rec"] == "X1" and out[row]["end"] is not None and not follows:
                out[row]["problems"].append("x1-without-next-episode")
            if new and code(e.reason_new) != "S":
                out[row]["problems"].append("missing-s")
        for number, members in enumerate(periods):
            care_end = out[members[-1]]["end"]
            placements: list[tuple[dt.date, int]] = []  # (start, first row)
            current = -1
            last_real: Episode | None = None
            previous_skipped = False
            for position, row in enumerate(members):
                e = episodes[row]
                temporary = code(e.placement) in TEMPORARY
                skipped = temporary or (short_break(e) and short_breaks == "exclude")
                begins = False
                if not skipped:
                    continues = last_real is not None and (
                        code(e.reason_new) in ("L", "T", "U")
                        or (previous_skipped and _same_place(last_real, e))
                    )
                    begins = not continues
                    if begins:
                        placements.append((e.start, row))
                        current = len(placements) - 1
                    last_real = e
                out[row].update(
                    period=(child_id, number),
                    care_start=episodes[members[0]].start,
                    care_end=care_end,
                    first=position == 0,
                    last=position == len(members) - 1,
                    temporary=temporary,
                    skipped=skipped,
                    begins=begins,
                    placement=(child_id, number, current) if current >= 0 else None,
                    placement_start=placements[current][0] if current >= 0 else None,
                    placement_first_row=placements[current][1] if current >= 0 else -1,
                    previous_placement_start=placements[current - 1][0] if current >= 1 else None,
                    placement_code=(
                        code(e.placement)
                        if not skipped
                        else (code(last_real.placement) if last_real else "")
                    ),
                )
                previous_skipped = skipped
    for facts in out:
        facts.setdefault("period", None)
    return out


def used(data: Dataset, facts: list[dict[str, Any]], row: int) -> Episode:
    """Episode *row* with its end and reason as repaired."""
    e = data.episodes[row]
    f = facts[row]
    reason = e.reason_ceased if f["rec"] == code(e.reason_ceased) else (f["rec"] or None)
    return attrs.evolve(e, end=f["end"], reason_ceased=reason)


def _is_open(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or end > day)


def _sorted_rows(data: Dataset, child_id: str) -> list[int]:
    rows = [r for r, e in enumerate(data.episodes) if e.child_id == child_id]
    return sorted(rows, key=lambda r: content_key(data.episodes[r]))


def _current(data: Dataset, facts: list[dict[str, Any]], child_id: str, day: dt.date) -> int:
    rows = [
        r
        for r in _sorted_rows(data, child_id)
        if facts[r]["valid"] and _is_open(data.episodes[r].start, facts[r]["end"], day)
    ]
    assert len(rows) <= 1, "repaired episodes of a child never overlap"
    return rows[-1] if rows else -1


def _window_start(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod, key: Any
) -> dt.date:
    """Where set-aside episodes start to matter, for the reference period of care *key*."""
    if key is None:
        return period.start
    members = [r for r in _sorted_rows(data, child_id) if facts[r]["period"] == key]
    first = data.episodes[members[0]]
    if code(first.reason_new) == "S":
        return min(period.start, first.start)
    ends = [
        facts[r]["end"] or FAR
        for r in _sorted_rows(data, child_id)
        if facts[r]["period"] is not None and facts[r]["period"][1] < key[1]
    ]
    return min(period.start, max(ends)) if ends else dt.date.min


def error_rows(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod, ref: int
) -> list[int]:
    """The child's episodes ending before they start that matter, *ref* in the reference."""
    key = facts[ref]["period"] if ref >= 0 else None
    window = _window_start(data, facts, child_id, period, key)
    found = []
    for row, e in enumerate(data.episodes):
        if e.child_id == child_id and not facts[row]["valid"]:
            assert e.end is not None
            if e.start >= window and e.end <= period.end:
                found.append(row)
    return found


def _has_error(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod, ref: int
) -> bool:
    return bool(error_rows(data, facts, child_id, period, ref))


def _in_base_cohort(data: Dataset, row: int) -> bool:
    return row >= 0 and not short_break(data.episodes[row])


def latest_set_aside(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, day: dt.date
) -> int:
    """No episode open at *day*, and the latest starting by *day* ends before it starts.

    Returns that episode's row (the first by content of several on one day), else -1.
    """
    mine = [r for r, e in enumerate(data.episodes) if e.child_id == child_id and e.start <= day]
    if not mine or any(
        facts[r]["valid"] and _is_open(data.episodes[r].start, facts[r]["end"], day) for r in mine
    ):
        return -1
    latest = max(data.episodes[r].start for r in mine)
    candidates = [
        r
        for r in mine
        if data.episodes[r].start == latest
        and not facts[r]["valid"]
        and not short_break(data.episodes[r])
    ]
    return min(candidates, key=lambda r: content_key(data.episodes[r])) if candidates else -1


def repairs_reaching(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod
) -> int:
    """How many of the child's repaired episodes reach into *period*."""
    count = 0
    for row, e in enumerate(data.episodes):
        f = facts[row]
        if e.child_id != child_id or not f["valid"]:
            continue
        repaired_here = {"overlap", "missing-from-next-return", "x1-without-next-episode"}
        if not repaired_here & set(f["problems"]):
            continue
        recorded = e.start <= period.end and (e.end is None or e.end >= period.start)
        care = f["care_start"] <= period.end and (
            f["care_end"] is None or f["care_end"] >= period.start
        )
        count += recorded or care
    return count


def _ids(data: Dataset, *, reviews: bool = False) -> set[str]:
    found = {e.child_id for e in data.episodes}
    return found | {r.child_id for r in data.lac_reviews} if reviews else found


def reviews_since(
    data: Dataset, reviews_from: dt.date | None, period: ReportingPeriod
) -> dt.date | None:
    """The option, else the start of the unbroken run of review returns holding period end."""
    if reviews_from is not None:
        return reviews_from
    held = sorted((r.start, r.end) for r in data.coverage.of("lac_reviews"))
    if not held:
        return None
    run_start, run_end = held[0]
    starts = [run_start]
    for start, end in held[1:]:
        if start > run_end + dt.timedelta(days=1):  # a gap: a new run begins
            starts.append(start)
        run_end = max(run_end, end)
    begun = [start for start in starts if start <= period.end]
    return begun[-1] if begun else starts[0]


def lac_reviews(
    data: Dataset,
    period: ReportingPeriod,
    calendar: WorkingDayCalendar,
    reviews_from: dt.date | None = None,
) -> dict[str, str]:
    facts = history(data)
    since = reviews_since(data, reviews_from, period)
    outcome = {}
    for child_id in _ids(data, reviews=True):
        row = _current(data, facts, child_id, period.end)
        if latest_set_aside(data, facts, child_id, period.end) >= 0:
            outcome[child_id] = "episode-error"
            continue
        if not _in_base_cohort(data, row):
            outcome[child_id] = "out-of-scope"
            continue
        care_start = facts[row]["care_start"]
        # An error is judged before the first-review-due test (it may move care start).
        if _has_error(data, facts, child_id, period, row):
            outcome[child_id] = "episode-error"
            continue
        if calendar.add_working_days(care_start, 20) > period.end:
            outcome[child_id] = "out-of-scope"
            continue
        from_known = since is not None and care_start < since
        counted_from = since if from_known else care_start
        assert counted_from is not None
        reviews = sorted(
            {
                r.review_date
                for r in data.lac_reviews
                if r.child_id == child_id and counted_from <= r.review_date <= period.end
            }
        )
        if from_known and not reviews:
            outcome[child_id] = "review-history-missing"
            continue
        if from_known:
            assert since is not None
            due = months(since, 6)
        else:
            due = calendar.add_working_days(care_start, 20)
        on_time = True
        for index, day in enumerate(reviews):
            if day > due:
                on_time = False
            due = months(day, 3 if index == 0 and not from_known else 6)
        if period.end > due:
            on_time = False
        outcome[child_id] = "numerator" if on_time else "denominator-only"
    return outcome


def placements_in_period(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod
) -> int:
    count = 0
    for row in _sorted_rows(data, child_id):
        e = data.episodes[row]
        f = facts[row]
        if not f["valid"] or f["skipped"]:
            continue
        if e.start <= period.end and (f["end"] is None or f["end"] > period.start):
            count += 1 if count == 0 or f["begins"] else 0
    return count


def three_plus(
    data: Dataset, period: ReportingPeriod, short_breaks: str = "exclude"
) -> dict[str, str]:
    facts = history(data, short_breaks)
    outcome = {}
    for child_id in _ids(data):
        row = _current(data, facts, child_id, period.end)
        if latest_set_aside(data, facts, child_id, period.end) >= 0:
            outcome[child_id] = "episode-error"
        elif not _in_base_cohort(data, row):
            outcome[child_id] = "out-of-scope"
        elif _has_error(data, facts, child_id, period, row):
            outcome[child_id] = "episode-error"
        elif placements_in_period(data, facts, child_id, period) >= 3:
            outcome[child_id] = "numerator"
        else:
            outcome[child_id] = "denominator-only"
    return outcome


def _birth(children: tuple[Child, ...], child_id: str) -> dt.date | None:
    known = [c.birth_date for c in children if c.child_id == child_id and c.birth_date]
    return max(known) if known else None


def stability(
    data: Dataset, period: ReportingPeriod, short_breaks: str = "exclude"
) -> dict[str, str]:
    facts = history(data, short_breaks)
    outcome = {}
    for child_id in _ids(data):
        row = _current(data, facts, child_id, period.end)
        birth = _birth(tuple(data.children), child_id)
        if latest_set_aside(data, facts, child_id, period.end) >= 0:
            under_16 = birth is None or months(birth, 16 * 12) > period.end
            outcome[child_id] = "episode-error" if under_16 else "out-of-scope"
            continue
        if not _in_base_cohort(data, row):
            outcome[child_id] = "out-of-scope"
            continue
        error = _has_error(data, facts, child_id, period, row)
        long_term = facts[row]["care_start"] <= months(period.end, -30)
        if birth is not None and months(birth, 16 * 12) <= period.end:
            outcome[child_id] = "out-of-scope"
        elif error:  # judged before the 30-month test, which the error makes uncertain
            outcome[child_id] = "episode-error"
        elif not long_term:
            outcome[child_id] = "out-of-scope"
        elif birth is None:
            outcome[child_id] = "missing-birth-date"
        else:
            since = months(period.end, -24)
            start = facts[row]["placement_start"]
            first = facts[row]["placement_first_row"]
            adoptive = (
                facts[row]["placement_code"] in ("A3", "A4", "A5", "A6")
                and first >= 0
                and code(data.episodes[first].placement) in ("A3", "A4", "A5", "A6")
            )
            previous = facts[row]["previous_placement_start"]
            stable = (start is not None and start <= since) or (
                adoptive and previous is not None and previous <= since
            )
            outcome[child_id] = "numerator" if stable else "denominator-only"
    return outcome


def cla_at_period_end(data: Dataset, period: ReportingPeriod) -> dict[str, str]:
    """Child id -> outcome for `cla-at-period-end` (every child with an episode)."""
    facts = history(data)
    outcome = {}
    for child_id in _ids(data):
        row = _current(data, facts, child_id, period.end)
        if row >= 0:
            outcome[child_id] = "out-of-scope" if short_break(data.episodes[row]) else "numerator"
        elif latest_set_aside(data, facts, child_id, period.end) >= 0:
            outcome[child_id] = "episode-error"
        else:
            outcome[child_id] = "out-of-scope"
    return outcome


def care_leavers(
    data: Dataset, period: ReportingPeriod, ages: tuple[int, ...], what: str
) -> list[str]:
    """Per care-leaver record (dataset order): its outcome."""
    facts = history(data)
    this_year = period.end.year + (period.end.month > 3)
    outcome = []
    for leaver in data.care_leavers:
        birthdays = [months(leaver.birth_date, 12 * age) for age in ages]
        in_period = [day for day in birthdays if day in period]
        accommodation = code(leaver.accommodation)
        not_assessed = what == "accommodation" and accommodation[:1] in ("G", "H", "R")
        looked_after = bool(in_period) and any(
            e.child_id == leaver.child_id
            and facts[row]["valid"]
            and _is_open(e.start, facts[row]["end"], in_period[0])
            for row, e in enumerate(data.episodes)
        )
        if (
            not in_period
            or (leaver.year is not None and leaver.year != this_year)
            or code(leaver.in_touch) in ("DIED", "RHOM", "NREQ")
            or looked_after
            or not_assessed
        ):
            outcome.append("out-of-scope")
        elif what == "eet":
            outcome.append("numerator" if code(leaver.activity) in EET else "denominator-only")
        else:
            suitable = len(accommodation) > 1 and accommodation.endswith("1")
            outcome.append("numerator" if suitable else "denominator-only")
    return outcome


CEASED = {
    "E11": "Adoption",
    "E12": "Adoption",
    "E41": "Residence / child arrangements",
    "E4A": "Returned home",
    "E4B": "Returned home",
    "E13": "Returned home",
    **{f"E4{n}": "Special guardianship" for n in range(3, 9)},
}


def ceased(data: Dataset, period: ReportingPeriod) -> dict[str, str]:
    """Child -> outcome: its band, ``out-of-scope`` or an exclusion reason."""
    facts = history(data)
    outcome: dict[str, str] = {}
    for child_id in _ids(data):
        rows = _sorted_rows(data, child_id)
        chosen = last_occasion = claimed = -1
        for row in rows:
            e = data.episodes[row]
            f = facts[row]
            if f["valid"] and f["last"] and f["care_end"] is not None:
                alone = "x1-without-next-episode" in f["problems"]
                if f["care_end"] in period and not short_break(e) and (f["rec"] != "X1" or alone):
                    last_occasion = row
                    if f["rec"] != "X1":
                        chosen = row
            in_period = (f["valid"] and f["end"] is not None and f["end"] in period) or (
                not f["valid"] and e.start in period
            )
            if in_period and f["rec"] not in ("", "X1") and not short_break(e):
                claimed = row
        reference = next((r for r in (chosen, last_occasion, claimed) if r >= 0), -1)
        error = _has_error(data, facts, child_id, period, reference)
        if last_occasion < 0 and not (claimed >= 0 and error):
            outcome[child_id] = "out-of-scope"
        elif error:
            outcome[child_id] = "episode-error"
        elif chosen < 0:
            outcome[child_id] = "x1-without-next-episode"
        else:
            outcome[child_id] = CEASED.get(facts[chosen]["rec"], "Other")
    return outcome


def reviews_of(data: Dataset, child_id: str) -> list[LACReview]:
    return [r for r in data.lac_reviews if r.child_id == child_id]


def leavers_of(data: Dataset) -> tuple[CareLeaver, ...]:
    return tuple(data.care_leavers)
