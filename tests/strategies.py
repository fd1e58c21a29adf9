"""Hand-written Hypothesis strategies for dates, periods and every record class.

Every record strategy is an `@st.composite` function that draws its optional fields (STYLE
pitfall 4: `st.builds` leaves them at their defaults) and takes its child id from a small
pool, so that two records of one child actually happen. Dates are drawn from a window around
the statutory years most tests use; pass `min_value` / `max_value` to widen it.

Other helpers build their family strategies (`tests/strategies_<family>.py`) on these:

    from tests.strategies import child_ids, datasets, episodes, reporting_periods
"""

import datetime as dt
import functools
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.records import (
    Assessment,
    AssessmentKind,
    CareLeaver,
    Child,
    CINPlan,
    Contact,
    CPPlan,
    Episode,
    LACReview,
    Record,
    Referral,
    Section47,
)
from safeguarding_metrics.working_days import ENGLAND_FIRST_DAY, ENGLAND_LAST_DAY

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[Any]], Any]

# -- dates -------------------------------------------------------------------------------------

FIRST_DAY = dt.date(2010, 1, 1)
"""The default earliest date of a drawn record: late enough for every indicator's history."""
LAST_DAY = dt.date(2030, 12, 31)
"""The default latest date of a drawn record."""

CHILD_POOL: tuple[str, ...] = ("A1", "B2", "C3", "D4", "E5", "F6")
"""Child ids drawn by default: few enough that one child often has several records."""

covered_days = st.dates(min_value=ENGLAND_FIRST_DAY, max_value=ENGLAND_LAST_DAY)
"""Any day the England working-day calendar covers (1970-01-01 to 2050-12-31)."""


# Strategies are cached and reused: Hypothesis validates every new strategy object, and
# building them afresh inside each record's draw made a dataset several times slower.


@functools.lru_cache(maxsize=256)
def days(
    min_value: dt.date = FIRST_DAY, max_value: dt.date = LAST_DAY
) -> st.SearchStrategy[dt.date]:
    """Plain dates (never `datetime`) between *min_value* and *max_value*."""
    return st.dates(min_value=min_value, max_value=max_value)


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """*strategy* or `None`, so that missing optional fields are drawn too."""
    return st.none() | strategy


@functools.lru_cache(maxsize=64)
def _pool(pool: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(pool)


def child_ids(pool: Sequence[str] = CHILD_POOL) -> st.SearchStrategy[str]:
    """A child id from a small *pool*."""
    return _pool(tuple(pool))


@functools.lru_cache(maxsize=256)
def codes(*values: str) -> st.SearchStrategy[str | None]:
    """One of the given code values, or `None`."""
    return optional(st.sampled_from(values))


@functools.lru_cache(maxsize=64)
def one_of_codes(*values: str) -> st.SearchStrategy[str]:
    """One of the given code values (never `None`)."""
    return st.sampled_from(values)


@functools.lru_cache(maxsize=256)
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=low, max_value=high)


_BOOLEANS = st.booleans()


def _maybe(draw: Draw) -> bool:
    """Draw a flag: whether to fill an optional field, or a boolean field's value."""
    flag: bool = draw(_BOOLEANS)
    return flag


def _after(
    draw: Draw,
    start: dt.date,
    max_gap: int,
    *,
    allow_before: bool = True,
    max_value: dt.date = ENGLAND_LAST_DAY,
) -> dt.date:
    """A day usually on or after *start*, drawn inline (no strategy built per record)."""
    gap: int = draw(_integers(-7 if allow_before else 0, max_gap))
    return min(max(start + dt.timedelta(days=gap), ENGLAND_FIRST_DAY), max_value)


def _optional_after(
    draw: Draw, start: dt.date, max_gap: int, *, allow_before: bool = True
) -> dt.date | None:
    return _after(draw, start, max_gap, allow_before=allow_before) if _maybe(draw) else None


def _optional_day(draw: Draw, min_value: dt.date, max_value: dt.date) -> dt.date | None:
    return draw(days(min_value, max_value)) if _maybe(draw) else None


@st.composite
def later_day(
    draw: Draw,
    start: dt.date,
    *,
    max_gap: int = 800,
    allow_before: bool = True,
    max_value: dt.date = ENGLAND_LAST_DAY,
) -> dt.date:
    """A day usually on or after *start* (at most *max_gap* days on); sometimes a few before.

    With *allow_before*, a day up to a week earlier can be drawn, so the indicators meet the
    end-before-start records real returns contain.
    """
    return _after(draw, start, max_gap, allow_before=allow_before, max_value=max_value)


@st.composite
def date_pairs(
    draw: Draw,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
    *,
    max_gap: int = 400,
) -> tuple[dt.date, dt.date]:
    """Two dates at most *max_gap* days apart, in either order."""
    start: dt.date = draw(days(min_value, max_value))
    gap: int = draw(_integers(-max_gap, max_gap))
    end = min(max(start + dt.timedelta(days=gap), min_value), max_value)
    return start, end


# -- periods -----------------------------------------------------------------------------------


@st.composite
def reporting_periods(draw: Draw, min_year: int = 2012, max_year: int = 2029) -> ReportingPeriod:
    """A period of any kind: year, quarter, year to date, rolling 12 months, month or custom."""
    kind: str = draw(
        st.sampled_from(("year", "quarter", "year-to-date", "rolling", "month", "custom"))
    )
    year: int = draw(st.integers(min_value=min_year, max_value=max_year))
    if kind == "year":
        return ReportingPeriod.year_ending(year)
    if kind == "quarter":
        return ReportingPeriod.financial_quarter(year, draw(st.integers(1, 4)))
    if kind == "month":
        return ReportingPeriod.month(year, draw(st.integers(1, 12)))
    as_at: dt.date = draw(days(dt.date(year - 1, 1, 1), dt.date(year, 12, 31)))
    if kind == "year-to-date":
        return ReportingPeriod.year_to_date(as_at=as_at)
    if kind == "rolling":
        return ReportingPeriod.rolling_12_months(as_at=as_at)
    end: dt.date = draw(later_day(as_at, max_gap=500, allow_before=False))
    return ReportingPeriod.between(as_at, end)


def statutory_years(
    min_year: int = 2012, max_year: int = 2029
) -> st.SearchStrategy[ReportingPeriod]:
    """A statutory year (1 April to 31 March)."""
    return st.integers(min_value=min_year, max_value=max_year).map(ReportingPeriod.year_ending)


# -- records -----------------------------------------------------------------------------------

SEX_CODES = ("1", "2", "0", "9")
ETHNICITY_CODES = ("WBRI", "WIRI", "MWBC", "ABAN", "BAFR", "CHNE", "OOTH", "REFU", "NOBT")
REFERRAL_SOURCES = ("1A", "1B", "2A", "3A", "3E", "5A", "5D", "6", "8", "9", "10")
PRIMARY_NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0")
CLOSURE_REASONS = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
ABUSE_CATEGORIES = ("NEG", "PHY", "EMO", "SAB", "MUL")
ASSESSMENT_FACTORS = ("1A", "1B", "2A", "3A", "4A", "6A", "8B", "21")
REASONS_NEW = ("S", "P", "B", "L", "T", "U")
LEGAL_STATUSES = ("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
PLACEMENTS = (
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
    "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
)  # fmt: skip
REASONS_CEASED = (
    "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E43", "E44",
    "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9",
)  # fmt: skip
IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
ACTIVITIES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6")
ACCOMMODATION = (
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
    "R1", "R2", "S1", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X1", "X2",
    "Z1", "Z2",
)  # fmt: skip
POSTCODES = ("TS18 1AA", "TS19 2BB", "LS1 4AP", "SO23 8UJ")
PARTICIPATION = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")


def referral_id_for(child_id: str, referral_date: dt.date, suffix: str = "") -> str:
    """A referral id built as readers build it: child id, date, and a suffix for duplicates."""
    return f"{child_id}/{referral_date.isoformat()}{suffix}"


_BIRTH_DATES = optional(days(dt.date(1995, 1, 1), dt.date(2030, 12, 31)))
_SOME_REFERRAL_IDS = optional(st.sampled_from(("A1/2024-04-01", "B2/2024-06-03", "unknown")))
_KINDS = st.sampled_from(AssessmentKind)
_FACTORS = st.lists(st.sampled_from(ASSESSMENT_FACTORS), max_size=3)
_CHAIN_GAPS = st.sampled_from((0, 0, 0, 1, 30))


def _ids(child_id: st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    return child_ids() if child_id is None else child_id


def _referral_ids(
    referral_id: st.SearchStrategy[str | None] | None,
) -> st.SearchStrategy[str | None]:
    return _SOME_REFERRAL_IDS if referral_id is None else referral_id


@st.composite
def children(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    birth_date: st.SearchStrategy[dt.date | None] | None = None,
) -> Child:
    """A `Child` with optional birth date, sex and ethnicity drawn."""
    born = _BIRTH_DATES
    return Child(
        child_id=draw(_ids(child_id)),
        birth_date=draw(born if birth_date is None else birth_date),
        sex=draw(codes(*SEX_CODES)),
        ethnicity=draw(codes(*ETHNICITY_CODES)),
    )


@st.composite
def contacts(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> Contact:
    """A `Contact`, with or without a decision (sometimes dated before the contact)."""
    received: dt.date = draw(days(min_value, max_value))
    return Contact(
        child_id=draw(_ids(child_id)),
        contact_date=received,
        decision_date=_optional_after(draw, received, 10),
        outcome=draw(codes("NFA", "REF", "EH", "IAG")),
        source=draw(codes(*REFERRAL_SOURCES)),
    )


@st.composite
def referrals(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> Referral:
    """A `Referral` whose id is built from its child and date, open or closed, NFA or not."""
    child: str = draw(_ids(child_id))
    referred: dt.date = draw(days(min_value, max_value))
    suffix: str = draw(one_of_codes("", "", "", "-2"))
    closed = _optional_after(draw, referred, 900)
    return Referral(
        referral_id=referral_id_for(child, referred, suffix),
        child_id=child,
        referral_date=referred,
        source=draw(codes(*REFERRAL_SOURCES)),
        nfa=_maybe(draw),
        closure_date=closed,
        closure_reason=draw(codes(*CLOSURE_REASONS)) if closed is not None else None,
        primary_need=draw(codes(*PRIMARY_NEEDS)),
    )


@st.composite
def assessments(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    referral_id: st.SearchStrategy[str | None] | None = None,
    kind: st.SearchStrategy[AssessmentKind] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> Assessment:
    """An `Assessment`, sometimes without a start, open or authorised (sometimes too early)."""
    start = _optional_day(draw, min_value, max_value)
    base = start if start is not None else draw(days(min_value, max_value))
    return Assessment(
        child_id=draw(_ids(child_id)),
        referral_id=draw(_referral_ids(referral_id)),
        start_date=start,
        authorisation_date=_optional_after(draw, base, 120),
        kind=draw(_KINDS if kind is None else kind),
        factors=tuple(draw(_FACTORS)),
    )


@st.composite
def section47s(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    referral_id: st.SearchStrategy[str | None] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> Section47:
    """A `Section47` enquiry, with or without a conference, target and not-required flag."""
    start = _optional_day(draw, min_value, max_value)
    base = start if start is not None else draw(days(min_value, max_value))
    return Section47(
        child_id=draw(_ids(child_id)),
        referral_id=draw(_referral_ids(referral_id)),
        start_date=start,
        icpc_target=_optional_after(draw, base, 30, allow_before=False),
        icpc_date=_optional_after(draw, base, 40),
        icpc_not_required=_maybe(draw),
    )


@st.composite
def cp_plans(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    referral_id: st.SearchStrategy[str | None] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> CPPlan:
    """A `CPPlan`, open or ended, with previous-plan count, categories and review dates."""
    start: dt.date = draw(days(min_value, max_value))
    count: int = draw(_integers(0, 5))
    return CPPlan(
        child_id=draw(_ids(child_id)),
        referral_id=draw(_referral_ids(referral_id)),
        start_date=start,
        end_date=_optional_after(draw, start, 1200),
        previous_plans=draw(_integers(0, 4)) if _maybe(draw) else None,
        initial_category=draw(codes(*ABUSE_CATEGORIES)),
        latest_category=draw(codes(*ABUSE_CATEGORIES)),
        review_dates=tuple(_after(draw, start, 1000) for _ in range(count)),
    )


@st.composite
def cin_plans(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    referral_id: st.SearchStrategy[str | None] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> CINPlan:
    """A `CINPlan`, open or ended."""
    start: dt.date = draw(days(min_value, max_value))
    return CINPlan(
        child_id=draw(_ids(child_id)),
        referral_id=draw(_referral_ids(referral_id)),
        start_date=start,
        end_date=_optional_after(draw, start, 900),
    )


@st.composite
def episodes(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> Episode:
    """One SSDA903 `Episode`, open or ceased; see `episode_chains` for a child's sequence."""
    start: dt.date = draw(days(min_value, max_value))
    end = _optional_after(draw, start, 900)
    return Episode(
        child_id=draw(_ids(child_id)),
        start=start,
        end=end,
        reason_new=draw(one_of_codes(*REASONS_NEW)),
        legal_status=draw(one_of_codes(*LEGAL_STATUSES)),
        placement=draw(one_of_codes(*PLACEMENTS)),
        reason_ceased=draw(codes(*REASONS_CEASED)) if end is not None else None,
        provider=draw(codes("PR1", "PR2", "PR3", "PR4", "PR5")),
        postcode=draw(codes(*POSTCODES)),
        urn=draw(codes("SC012345", "SC067890", "2233445")),
        category_of_need=draw(codes("N1", "N2", "N3", "N4", "N8")),
        year=draw(st.none() | _integers(2015, 2030)),
    )


@st.composite
def episode_chains(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = dt.date(2028, 12, 31),
    max_size: int = 6,
) -> list[Episode]:
    """A child's episodes in date order: each starts the day the last ended, or after a gap.

    The first episode of a chain, and one after a gap, has `reason_new` "S" (a new period of
    care); later ones draw any reason. Only the last may be open.
    """
    child: str = draw(_ids(child_id))
    size: int = draw(_integers(1, max_size))
    start: dt.date = draw(days(min_value, max_value))
    chain: list[Episode] = []
    reason_new = "S"
    for position in range(size):
        last = position == size - 1
        # At least a day long, so no two episodes of the chain start on one day.
        length: int = draw(_integers(1, 400))
        end = None if last and _maybe(draw) else start + dt.timedelta(days=length)
        chain.append(
            Episode(
                child_id=child,
                start=start,
                end=end,
                reason_new=reason_new,
                legal_status=draw(one_of_codes(*LEGAL_STATUSES)),
                placement=draw(one_of_codes(*PLACEMENTS)),
                reason_ceased=None if end is None else draw(one_of_codes(*REASONS_CEASED)),
                postcode=draw(codes(*POSTCODES)),
                urn=draw(codes("SC012345", "SC067890")),
            )
        )
        if end is None:
            break
        gap: int = draw(_CHAIN_GAPS)
        start = end + dt.timedelta(days=gap)
        reason_new = "S" if gap else draw(one_of_codes(*REASONS_NEW))
    return chain


@st.composite
def lac_reviews(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = FIRST_DAY,
    max_value: dt.date = LAST_DAY,
) -> LACReview:
    """A `LACReview` with or without a participation code."""
    return LACReview(
        child_id=draw(_ids(child_id)),
        review_date=draw(days(min_value, max_value)),
        participation=draw(codes(*PARTICIPATION)),
    )


@st.composite
def care_leavers(
    draw: Draw,
    child_id: st.SearchStrategy[str] | None = None,
    min_value: dt.date = dt.date(1990, 1, 1),
    max_value: dt.date = dt.date(2012, 12, 31),
) -> CareLeaver:
    """A `CareLeaver` (OC3) with its in-touch, activity and accommodation codes drawn."""
    return CareLeaver(
        child_id=draw(_ids(child_id)),
        birth_date=draw(days(min_value, max_value)),
        in_touch=draw(codes(*IN_TOUCH)),
        activity=draw(codes(*ACTIVITIES)),
        accommodation=draw(codes(*ACCOMMODATION)),
        year=draw(st.none() | _integers(2015, 2030)),
    )


RECORD_STRATEGIES: dict[str, Callable[..., st.SearchStrategy[Any]]] = {
    "children": children,
    "contacts": contacts,
    "referrals": referrals,
    "assessments": assessments,
    "section47s": section47s,
    "cp_plans": cp_plans,
    "cin_plans": cin_plans,
    "episodes": episodes,
    "lac_reviews": lac_reviews,
    "care_leavers": care_leavers,
}
"""The record strategy for each `Dataset` collection, by collection name."""


def records() -> st.SearchStrategy[Record]:
    """A record of any class."""
    return st.one_of(*(strategy() for strategy in RECORD_STRATEGIES.values()))


@st.composite
def datasets(
    draw: Draw, max_size: int = 4, tables: Collection[str] = tuple(RECORD_STRATEGIES)
) -> Dataset:
    """A `Dataset` with up to *max_size* records in each of *tables* (the others empty).

    Referrals are drawn first; records with a `referral_id` then take one of theirs, none,
    or an id no referral has, so `referral_rows` meets all three cases. Drawing every
    collection is slow-ish (tens of milliseconds): name only the *tables* a test reads.
    """
    drawn: dict[str, list[Any]] = {}
    known: list[str] = []
    if "referrals" in tables:
        drawn["referrals"] = draw(st.lists(referrals(), max_size=max_size))
        known = [r.referral_id for r in drawn["referrals"]]
    link = optional(st.sampled_from([*known, "unknown"]))
    for name in tables:
        if name == "referrals":
            continue
        strategy = RECORD_STRATEGIES[name]
        element = strategy(referral_id=link) if name in _LINKED else strategy()
        drawn[name] = draw(st.lists(element, max_size=max_size))
    return Dataset(**drawn)


_LINKED = frozenset({"assessments", "section47s", "cp_plans", "cin_plans"})
