"""Plain-Python oracles for periods of care, placements and the looked-after indicators.

Each is written as loops over records, one child at a time, to be compared with the
columnar implementation.
"""

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview
from safeguarding_metrics.working_days import WorkingDayCalendar

TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
FAR = dt.date(9999, 12, 31)


def months(day: dt.date, n: int) -> dt.date:
    result: dt.date = day + relativedelta(months=n)
    return result


def sort_key(episode: Episode) -> tuple[Any, ...]:
    return (
        episode.start,
        episode.end or FAR,
        episode.reason_new,
        episode.legal_status,
        episode.placement,
        episode.urn or "",
        episode.postcode or "",
        episode.reason_ceased or "",
    )


def _same_place(a: Episode, b: Episode) -> bool:
    return (
        a.placement == b.placement
        and (not a.urn or not b.urn or a.urn == b.urn)
        and (not a.postcode or not b.postcode or a.postcode == b.postcode)
    )


def history(episodes: tuple[Episode, ...]) -> list[dict[str, Any]]:
    """Per episode (dataset order): period key, care start/end, placement facts, problem."""
    out: list[dict[str, Any]] = [{} for _ in episodes]
    by_child: dict[str, list[int]] = {}
    for row, episode in enumerate(episodes):
        by_child.setdefault(episode.child_id, []).append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: sort_key(episodes[r]))
        latest_end: dt.date | None = None  # FAR for open
        periods: list[list[int]] = []
        for row in rows:
            e = episodes[row]
            if e.end is not None and e.end < e.start:
                out[row] = {"period": None, "problem": "end-before-start"}
                continue
            problem = ""
            if latest_end is None:
                new = True
            else:
                gap = e.start > latest_end
                if e.start < latest_end:
                    problem = "overlap"
                new = e.reason_new == "S" or gap
            if new and e.reason_new != "S":
                problem = "missing-s"
            if new:
                periods.append([])
            periods[-1].append(row)
            end = e.end or FAR
            latest_end = end if latest_end is None else max(latest_end, end)
            out[row] = {"problem": problem}
        for number, members in enumerate(periods):
            ends = [episodes[r].end for r in members]
            care_end = None if any(d is None for d in ends) else max(d for d in ends if d)
            placements: list[tuple[dt.date, int]] = []  # (start, first row)
            current = -1
            last_real: Episode | None = None
            previous_temporary = False
            for position, row in enumerate(members):
                e = episodes[row]
                temporary = e.placement in TEMPORARY
                begins = False
                if not temporary:
                    continues = last_real is not None and (
                        e.reason_new in ("L", "T", "U")
                        or (previous_temporary and _same_place(last_real, e))
                    )
                    begins = not continues
                    if begins:
                        placements.append((e.start, row))
                        current = len(placements) - 1
                    last_real = e
                out[row].update(
                    period=(e.child_id, number),
                    care_start=episodes[members[0]].start,
                    care_end=care_end,
                    first=position == 0,
                    last=position == len(members) - 1,
                    temporary=temporary,
                    begins=begins,
                    placement=(e.child_id, number, current) if current >= 0 else None,
                    placement_start=placements[current][0] if current >= 0 else None,
                    placement_first_row=placements[current][1] if current >= 0 else -1,
                    previous_placement_start=placements[current - 1][0] if current >= 1 else None,
                    placement_code=(
                        e.placement if not temporary else (last_real.placement if last_real else "")
                    ),
                )
                previous_temporary = temporary
    return out


def _is_open(episode: Episode, day: dt.date) -> bool:
    return episode.start <= day and (episode.end is None or episode.end > day)


def _sorted_rows(episodes: tuple[Episode, ...], child_id: str) -> list[int]:
    rows = [r for r, e in enumerate(episodes) if e.child_id == child_id]
    return sorted(rows, key=lambda r: sort_key(episodes[r]))


def _current(data: Dataset, facts: list[dict[str, Any]], child_id: str, day: dt.date) -> int:
    rows = [
        r
        for r in _sorted_rows(data.episodes, child_id)
        if facts[r]["period"] is not None and _is_open(data.episodes[r], day)
    ]
    return rows[-1] if rows else -1


def _window_start(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod, key: Any
) -> dt.date:
    """Where set-aside episodes start to matter, for the reference period of care *key*."""
    if key is None:
        return period.start
    members = [r for r in _sorted_rows(data.episodes, child_id) if facts[r].get("period") == key]
    first = data.episodes[members[0]]
    if first.reason_new == "S":
        return min(period.start, first.start)
    ends = [
        data.episodes[r].end or FAR
        for r in _sorted_rows(data.episodes, child_id)
        if facts[r]["period"] is not None and facts[r]["period"][1] < key[1]
    ]
    return min(period.start, max(ends)) if ends else dt.date.min


def _has_error(
    data: Dataset, facts: list[dict[str, Any]], child_id: str, period: ReportingPeriod, ref: int
) -> bool:
    """Whether the child has an episode error that matters, *ref* in the reference period."""
    key = facts[ref]["period"] if ref >= 0 else None
    window = _window_start(data, facts, child_id, period, key)
    for row, e in enumerate(data.episodes):
        if e.child_id != child_id:
            continue
        problem = facts[row]["problem"]
        if problem == "overlap":
            overlaps = e.start <= period.end and (e.end is None or e.end > period.start)
            if (key is not None and facts[row]["period"] == key) or overlaps:
                return True
        elif problem == "end-before-start":
            assert e.end is not None
            if e.start >= window and e.end <= period.end:
                return True
    return False


def _in_base_cohort(data: Dataset, row: int) -> bool:
    return row >= 0 and data.episodes[row].legal_status not in ("V3", "V4")


def latest_is_set_aside(episodes: tuple[Episode, ...], child_id: str, day: dt.date) -> bool:
    """No episode open at *day*, and the latest starting by *day* ends before it starts.

    Ties on the start: any set-aside, non-short-break episode starting that day will do.
    """
    mine = [e for e in episodes if e.child_id == child_id and e.start <= day]
    if not mine or any(_is_open(e, day) for e in mine):
        return False
    latest = max(e.start for e in mine)
    return any(
        e.start == latest and e.end is not None and e.end < e.start and not short_break(e)
        for e in mine
    )


def short_break(episode: Episode) -> bool:
    return episode.legal_status in ("V3", "V4")


def lac_reviews(
    data: Dataset, period: ReportingPeriod, calendar: WorkingDayCalendar
) -> dict[str, str]:
    facts = history(data.episodes)
    ids = {e.child_id for e in data.episodes} | {r.child_id for r in data.lac_reviews}
    outcome = {}
    for child_id in ids:
        row = _current(data, facts, child_id, period.end)
        if latest_is_set_aside(data.episodes, child_id, period.end):
            outcome[child_id] = "episode-error"
            continue
        if not _in_base_cohort(data, row):
            outcome[child_id] = "out-of-scope"
            continue
        care_start = facts[row]["care_start"]
        due = calendar.add_working_days(care_start, 20)
        # An error is judged before the first-review-due test (it may move care start).
        if _has_error(data, facts, child_id, period, row):
            outcome[child_id] = "episode-error"
            continue
        if due > period.end:
            outcome[child_id] = "out-of-scope"
            continue
        reviews = sorted(
            {
                r.review_date
                for r in data.lac_reviews
                if r.child_id == child_id and care_start <= r.review_date <= period.end
            }
        )
        on_time = True
        for index, day in enumerate(reviews):
            if day > due:
                on_time = False
            due = months(day, 3 if index == 0 else 6)
        if period.end > due:
            on_time = False
        outcome[child_id] = "numerator" if on_time else "denominator-only"
    return outcome


def placements_in_period(data: Dataset, child_id: str, period: ReportingPeriod) -> int:
    facts = history(data.episodes)
    count = 0
    for row in _sorted_rows(data.episodes, child_id):
        e = data.episodes[row]
        if facts[row]["period"] is None or facts[row]["temporary"]:
            continue
        if e.start <= period.end and (e.end is None or e.end > period.start):
            count += 1 if count == 0 or facts[row]["begins"] else 0
    return count


def three_plus(data: Dataset, period: ReportingPeriod) -> dict[str, str]:
    facts = history(data.episodes)
    outcome = {}
    for child_id in {e.child_id for e in data.episodes}:
        row = _current(data, facts, child_id, period.end)
        if latest_is_set_aside(data.episodes, child_id, period.end):
            outcome[child_id] = "episode-error"
        elif not _in_base_cohort(data, row):
            outcome[child_id] = "out-of-scope"
        elif _has_error(data, facts, child_id, period, row):
            outcome[child_id] = "episode-error"
        elif placements_in_period(data, child_id, period) >= 3:
            outcome[child_id] = "numerator"
        else:
            outcome[child_id] = "denominator-only"
    return outcome


def _birth(children: tuple[Child, ...], child_id: str) -> dt.date | None:
    known = [c.birth_date for c in children if c.child_id == child_id and c.birth_date]
    return max(known) if known else None


def stability(data: Dataset, period: ReportingPeriod) -> dict[str, str]:
    facts = history(data.episodes)
    outcome = {}
    for child_id in {e.child_id for e in data.episodes}:
        row = _current(data, facts, child_id, period.end)
        birth = _birth(data.children, child_id)
        if latest_is_set_aside(data.episodes, child_id, period.end):
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
                and data.episodes[first].placement in ("A3", "A4", "A5", "A6")
            )
            previous = facts[row]["previous_placement_start"]
            stable = (start is not None and start <= since) or (
                adoptive and previous is not None and previous <= since
            )
            outcome[child_id] = "numerator" if stable else "denominator-only"
    return outcome


def care_leavers(
    leavers: tuple[CareLeaver, ...], period: ReportingPeriod, ages: tuple[int, ...], what: str
) -> list[str]:
    outcome = []
    for leaver in leavers:
        in_range = any(months(leaver.birth_date, 12 * age) in period for age in ages)
        in_touch = (leaver.in_touch or "").strip().upper()
        accommodation = (leaver.accommodation or "").strip().upper()
        activity = (leaver.activity or "").strip().upper()
        not_assessed = what == "accommodation" and accommodation[:1] in ("G", "H", "R")
        if not in_range or in_touch in ("DIED", "RHOM") or not_assessed:
            outcome.append("out-of-scope")
        elif what == "eet":
            eet = activity in ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
            outcome.append("numerator" if eet else "denominator-only")
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
    facts = history(data.episodes)
    outcome: dict[str, str] = {}
    for child_id in {e.child_id for e in data.episodes}:
        rows = _sorted_rows(data.episodes, child_id)
        # The final episode of each ended period of care: the last (in order) of those
        # ending on the period of care's end.
        final: dict[Any, int] = {}
        for row in rows:
            f = facts[row]
            ended = f["period"] is not None and f["care_end"] is not None
            if ended and data.episodes[row].end == f["care_end"]:
                final[f["period"]] = row
        chosen = last_occasion = claimed = -1
        for row in rows:
            e = data.episodes[row]
            short_break = e.legal_status in ("V3", "V4")
            if row in final.values() and facts[row]["care_end"] in period and not short_break:
                last_occasion = row
                if e.reason_ceased != "X1":
                    chosen = row
            set_aside = facts[row]["period"] is None
            in_period = (e.end is not None and e.end in period) or (set_aside and e.start in period)
            if in_period and e.reason_ceased not in (None, "", "X1") and not short_break:
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
            outcome[child_id] = CEASED.get(data.episodes[chosen].reason_ceased or "", "Other")
    return outcome


def reviews_of(data: Dataset, child_id: str) -> list[LACReview]:
    return [r for r in data.lac_reviews if r.child_id == child_id]
