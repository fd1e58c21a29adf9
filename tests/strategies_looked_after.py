"""Hypothesis strategies for SSDA903 episodes, reviews, children and care leavers."""

import datetime as dt

from hypothesis import strategies as st

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.records import CareLeaver, Child, Episode, LACReview

CHILD_POOL = ("A", "B", "C", "D", "E", "F")
PLACEMENTS = ("U1", "U3", "U1", "A4", "A5", "K2", "T0", "T3", "u1 ")
URNS = (None, "SC1001", "SC1002")
POSTCODES = (None, "AB1 2CD", "EF3 4GH")
LEGAL_STATUSES = ("C2", "C2", "V2", "E1", "V3", "V4", " v4")
REASONS_CEASED = (None, "E11", "E12", "E41", "E45", "E4A", "E13", "E2", "X1", "x1")
RETURN_YEARS = tuple(range(2019, 2027))
PERIODS = (
    ReportingPeriod.year_ending(2024),
    ReportingPeriod.year_ending(2025),
    ReportingPeriod.year_ending(2025).quarter(3),
)

periods = st.sampled_from(PERIODS)


def _days(low: int, high: int) -> st.SearchStrategy[dt.timedelta]:
    return st.integers(low, high).map(lambda n: dt.timedelta(days=n))


def coverage_of(years: list[int], tables: tuple[str, ...]) -> Coverage:
    """The coverage of SSDA903 returns for *years*, holding *tables*."""
    return Coverage(
        tuple(
            ReturnCoverage.for_year(kind="ssda903", path=f"903/{year}", year=year, tables=tables)
            for year in years
        )
    )


@st.composite
def child_episodes(draw: st.DrawFn, child_id: str, years: tuple[int, ...] = ()) -> list[Episode]:
    """A chain of 1 to 5 episodes of one child: mostly joined by X1, sometimes not.

    Gaps, overlaps, episodes ending before they start, same-day episodes after a real
    ending, X1 endings with nothing after, reasons on open episodes, and (when *years* are
    given) the return each episode was last held in, or none.
    """
    start = draw(
        st.dates(dt.date(2019, 1, 1), dt.date(2022, 9, 30))
        | st.dates(dt.date(2019, 1, 1), dt.date(2025, 3, 31))
    )
    count = draw(st.integers(1, 5))
    episodes = []
    for index in range(count):
        is_last = index == count - 1
        reason = draw(st.sampled_from("SSSSP" if index == 0 else "SPPBBLTU"))
        length = draw(st.sampled_from((0, 1, 14, 30, 60, 90, 180, 400, 900)) | st.integers(0, 900))
        end: dt.date | None = start + dt.timedelta(days=length)
        if is_last and draw(st.booleans()):
            end = None
        elif draw(st.integers(0, 19)) == 0:
            # Ends before it starts: a DEC typed days or a year or two too early.
            end = start - dt.timedelta(days=draw(st.integers(1, 30) | st.integers(300, 800)))
        # The next episode: on the day this one ended (mostly), after a gap, overlapping it,
        # or on the same day this one started.
        step = draw(st.sampled_from(("join",) * 12 + ("gap", "gap", "overlap", "same-start")))
        if end is None:
            ceased = draw(st.sampled_from((None, None, None, "X1", "E4A")))
        elif step == "join" and not is_last:
            ceased = draw(st.sampled_from(("X1",) * 6 + REASONS_CEASED))
        else:
            ceased = draw(st.sampled_from(REASONS_CEASED))
        year = draw(st.sampled_from((None, *years))) if years else None
        episodes.append(
            Episode(
                child_id=child_id,
                start=start,
                end=end,
                reason_new=draw(st.sampled_from((reason, reason, reason, f" {reason.lower()}"))),
                legal_status=draw(st.sampled_from(LEGAL_STATUSES)),
                placement=draw(st.sampled_from(PLACEMENTS)),
                reason_ceased=ceased,
                urn=draw(st.sampled_from(URNS)),
                postcode=draw(st.sampled_from(POSTCODES)),
                year=year,
            )
        )
        if end is None:
            break
        if end < start:
            # After a set-aside episode: the next one on the same day, or after what now
            # looks like a gap (care seems to restart).
            start = start + draw(st.sampled_from((0, 0, 30, 400, 800))) * dt.timedelta(days=1)
        elif step == "join":
            start = end
        elif step == "gap":
            start = end + draw(_days(1, 200))
        elif step == "overlap":
            start = max(start, end - draw(_days(1, 30)))
    return episodes


@st.composite
def reviews_for(draw: st.DrawFn, child_id: str, care_start: dt.date | None) -> list[LACReview]:
    """Review dates for a child: random ones, or a chain kept near each due date."""
    if care_start is None or draw(st.integers(0, 2)) == 0:
        days = draw(st.lists(st.dates(dt.date(2018, 12, 1), dt.date(2025, 6, 30)), max_size=6))
        return [LACReview(child_id=child_id, review_date=day) for day in days]
    # Diligent reviews: each within a few days either side of when it falls due.
    day = care_start + dt.timedelta(days=draw(st.sampled_from((0, 14, 27, 28, 29, 40))))
    days = [day]
    while day < dt.date(2025, 4, 30):
        months = 3 if len(days) == 1 else 6
        day = add_months(day, months) + dt.timedelta(days=draw(st.sampled_from((-9, 0, 0, 1))))
        days.append(day)
        if draw(st.integers(0, 9)) == 0:
            days.append(day)  # a repeated date
    return [LACReview(child_id=child_id, review_date=day) for day in days]


@st.composite
def return_years(draw: st.DrawFn) -> list[int]:
    """The collection years of the returns given (none, for records built in a script)."""
    return sorted(draw(st.lists(st.sampled_from(RETURN_YEARS), unique=True, max_size=4)))


@st.composite
def looked_after_datasets(draw: st.DrawFn) -> Dataset:
    """Episodes, reviews and Child records for children drawn from a small pool.

    The dataset's coverage records the returns given (sometimes none), with or without the
    reviews; episodes carry the year of a return given, or none.
    """
    years = draw(return_years())
    ids = draw(st.lists(st.sampled_from(CHILD_POOL), unique=True, max_size=len(CHILD_POOL)))
    episodes: list[Episode] = []
    reviews: list[LACReview] = []
    children: list[Child] = []
    for child_id in ids:
        mine = draw(child_episodes(child_id, tuple(years))) if draw(st.integers(0, 5)) else []
        episodes += mine
        starts = [e.start for e in mine if e.reason_new.strip().upper() == "S"]
        reviews += draw(reviews_for(child_id, draw(st.sampled_from(starts)) if starts else None))
        if draw(st.integers(0, 5)):
            birth = None
            if draw(st.integers(0, 5)):
                birth = draw(st.dates(dt.date(2007, 1, 1), dt.date(2020, 12, 31)))
            children.append(Child(child_id=child_id, birth_date=birth))
    tables = ("episodes", "lac_reviews") if draw(st.booleans()) else ("episodes",)
    return Dataset(
        episodes=episodes,
        lac_reviews=reviews,
        children=children,
        coverage=coverage_of(years, tables),
    )


@st.composite
def care_leaver_records(draw: st.DrawFn) -> list[CareLeaver]:
    """OC3 records, birthdays spread around the 17th to 21st birthdays of the test periods."""
    ids = draw(st.lists(st.sampled_from(CHILD_POOL), unique=True, max_size=len(CHILD_POOL)))
    return [
        CareLeaver(
            child_id=child_id,
            birth_date=draw(st.dates(dt.date(2001, 1, 1), dt.date(2009, 12, 31))),
            in_touch=draw(
                st.sampled_from((None, "YES", "NO", "DIED", "RHOM", "NREQ", "REFU", " yes"))
            ),
            activity=draw(
                st.sampled_from((None, "F1", "P2", "F3", "p3", "F5", "G4", "G6", "f4", "0", "X9"))
            ),
            accommodation=draw(
                st.sampled_from((None, "B1", "B2", "G1", "H2", "R1", "Z1", "k2", "S1", "X1", "0"))
            ),
            year=draw(st.sampled_from((None, 2024, 2025, 2026))),
        )
        for child_id in ids
    ]


@st.composite
def care_leaver_datasets(draw: st.DrawFn) -> Dataset:
    """Care-leaver records, and sometimes the young people's episodes around their birthdays."""
    leavers = draw(care_leaver_records())
    episodes: list[Episode] = []
    if draw(st.booleans()):
        for leaver in leavers:
            if draw(st.booleans()):
                continue
            start = add_months(leaver.birth_date, 12 * draw(st.integers(14, 17)))
            start += dt.timedelta(days=draw(st.integers(0, 400)))
            episodes.append(
                Episode(
                    child_id=leaver.child_id,
                    start=start,
                    end=draw(st.none() | st.dates(start, start + dt.timedelta(days=1500))),
                    reason_new="S",
                    legal_status=draw(st.sampled_from(("C2", "V3"))),
                    placement="U1",
                )
            )
    return Dataset(care_leavers=leavers, episodes=episodes)
