"""Hypothesis strategies for the timescale indicators.

Child ids come from a small pool so that a child has several records; optional fields are
drawn explicitly (never left to `st.builds`); durations are drawn as offsets from a start so
that they straddle the 1, 10, 15, 35 and 45 working-day limits, and review dates are drawn
exactly at, a day before or a day after their due dates as often as at random. About one
date in twenty that a duration is counted from or to is a typo outside the England calendar's
coverage (year 1904 or 2204), so `outside-calendar` is exercised too.
"""

import datetime as dt

from hypothesis import strategies as st

from safeguarding_metrics import (
    Assessment,
    Contact,
    CPPlan,
    Dataset,
    Referral,
    ReportingPeriod,
    Section47,
    add_months,
)

CHILD_IDS = st.sampled_from(["A", "B", "C", "D", "E"])
FIRST_DAY = dt.date(2022, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)
days = st.dates(min_value=dt.date(2023, 10, 1), max_value=dt.date(2025, 6, 30))
short_or_long = st.one_of(st.integers(-3, 14), st.integers(-6, 110))


def _maybe(draw: st.DrawFn, value: dt.date) -> dt.date | None:
    """*value*, or `None` about one time in six."""
    return None if draw(st.integers(0, 5)) == 0 else value


def _typo(draw: st.DrawFn, value: dt.date) -> dt.date:
    """*value*, or about one time in twenty the same day in 1904 or 2204 (both leap years)."""
    if draw(st.integers(0, 19)) != 0:
        return value
    return value.replace(year=draw(st.sampled_from([1904, 2204])))


def _shift(day: dt.date, offset: int) -> dt.date:
    return min(max(day + dt.timedelta(days=offset), FIRST_DAY), LAST_DAY)


@st.composite
def periods(draw: st.DrawFn) -> ReportingPeriod:
    """A statutory year, one of its quarters, a month, or an arbitrary range."""
    year = draw(st.sampled_from([2025, 2025, 2024]))
    kind = draw(st.sampled_from(["year", "year", "year", "quarter", "month", "between"]))
    if kind == "year":
        return ReportingPeriod.year_ending(year)
    if kind == "quarter":
        return ReportingPeriod.year_ending(year).quarter(draw(st.integers(1, 4)))
    if kind == "month":
        return ReportingPeriod.month(year, draw(st.integers(1, 12)))
    start = draw(days)
    return ReportingPeriod.between(start, _shift(start, draw(st.integers(0, 400))))


@st.composite
def referrals(draw: st.DrawFn, referral_id: str) -> Referral:
    """A referral with the given id."""
    return Referral(
        referral_id=referral_id,
        child_id=draw(CHILD_IDS),
        referral_date=_typo(draw, draw(days)),
        nfa=draw(st.booleans()),
    )


@st.composite
def assessments(draw: st.DrawFn, referral_list: tuple[Referral, ...] = ()) -> Assessment:
    """An assessment, often linked to one of *referral_list*, timed from it or its start."""
    choices = [None, "R-unknown", *(r.referral_id for r in referral_list)]
    referral_id = draw(st.sampled_from(choices))
    linked = next((r for r in referral_list if r.referral_id == referral_id), None)
    base = linked.referral_date if linked is not None else draw(days)
    start = _maybe(draw, _shift(base, draw(st.integers(-3, 20))))
    clock = start if start is not None and draw(st.booleans()) else base
    authorised = _maybe(draw, _shift(clock, draw(short_or_long)))
    start = None if start is None else _typo(draw, start)
    return Assessment(
        child_id=draw(CHILD_IDS),
        referral_id=referral_id,
        start_date=start,
        authorisation_date=authorised,
        kind=draw(st.sampled_from(["single", "single", "single", "initial", "core"])),
    )


@st.composite
def section47s(draw: st.DrawFn) -> Section47:
    """A section 47 enquiry, its conference usually a few weeks after its start."""
    start = _maybe(draw, draw(days))
    offset = draw(st.one_of(st.integers(-3, 20), st.integers(-6, 40)))
    icpc = _maybe(draw, _shift(start or draw(days), offset))
    start = None if start is None else _typo(draw, start)
    return Section47(
        child_id=draw(CHILD_IDS),
        start_date=start,
        icpc_date=icpc,
        icpc_not_required=draw(st.sampled_from([False, False, False, True])),
    )


@st.composite
def contacts(draw: st.DrawFn) -> Contact:
    """A contact, decided within a few days of it (or before it, or not yet)."""
    contact_date = draw(days)
    decision = _maybe(draw, _typo(draw, _shift(contact_date, draw(st.integers(-3, 6)))))
    return Contact(child_id=draw(CHILD_IDS), contact_date=contact_date, decision_date=decision)


@st.composite
def cp_plans(draw: st.DrawFn) -> CPPlan:
    """A plan with reviews drawn on, around or away from their due dates.

    Some review dates fall before the start or on it, some repeat, some fall after the end.
    """
    start = draw(st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 6, 30)))
    end = draw(st.none() | st.just(_shift(start, draw(st.integers(-30, 1000)))))
    reviews: list[dt.date] = []
    if draw(st.booleans()):
        reviews.append(_shift(start, draw(st.integers(-400, 0))))
    previous, months = start, 3
    for _ in range(draw(st.integers(0, 6))):
        how = draw(st.sampled_from(["exact", "day-early", "day-late", "random", "repeat"]))
        due = add_months(previous, months)
        if how == "exact":
            review = due
        elif how == "day-early":
            review = due - dt.timedelta(days=1)
        elif how == "day-late":
            review = due + dt.timedelta(days=1)
        elif how == "repeat":
            review = previous
        else:
            review = _shift(previous, draw(st.integers(1, 250)))
        reviews.append(review)
        previous, months = review, 6
    return CPPlan(
        child_id=draw(CHILD_IDS),
        start_date=start,
        end_date=end,
        review_dates=tuple(reviews),
    )


@st.composite
def timescale_datasets(draw: st.DrawFn, max_size: int = 10) -> Dataset:
    """A dataset with referrals, assessments, section 47s, contacts and CP plans.

    Referral ids are mostly distinct, but a referral sometimes takes the id of the one
    before it, so that different referrals share an id (on different days or children, or
    the same), and an assessment carrying it meets SPEC §3's rule.
    """
    count = draw(st.integers(0, max_size // 2))
    ids = [f"R{max(i - draw(st.sampled_from([0, 0, 0, 1])), 0)}" for i in range(count)]
    referral_list = tuple(draw(referrals(referral_id)) for referral_id in ids)
    return Dataset(
        referrals=referral_list,
        assessments=draw(st.lists(assessments(referral_list), max_size=max_size)),
        section47s=draw(st.lists(section47s(), max_size=max_size)),
        contacts=draw(st.lists(contacts(), max_size=max_size)),
        cp_plans=draw(st.lists(cp_plans(), max_size=max_size)),
    )


closure_days = st.lists(
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 3, 31)), max_size=40
)
"""Local closure days for `WorkingDayCalendar.with_closures`."""
