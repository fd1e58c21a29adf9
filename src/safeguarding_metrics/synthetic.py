"""A deterministic synthetic cohort: a council-sized history of children's social care records.

The cohort is made up, not sampled from real children: every identifier, date and code is
drawn from `numpy.random.default_rng(seed)`, so the same seed always gives the same records.
It is shaped like a mid-sized English council's returns (about 3,000 referrals a year, some
300 children looked after at a time), with the untidy parts real returns have: no-further-
action referrals, re-referrals, same-day duplicate referrals, late assessments, assessments
with no start date or authorised before they started, late conferences, second child
protection plans, long plans, short breaks, temporary placements and adoptions.
"""

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import attrs
import numpy as np

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.provenance import Coverage, ReturnCoverage, collection_year
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
    Referral,
    Section47,
)
from safeguarding_metrics.working_days import WorkingDayCalendar

__all__ = ["synthetic_dataset", "write_synthetic"]

T = TypeVar("T")

REFERRALS_PER_YEAR = 3_000
"""Referrals a year at ``scale=1``: a mid-sized council (England had about 600,000 in 2024-25)."""

# Before the first reported year the cohort runs for a while unreported, so the first year
# already has re-referrals, open plans and children in care, as a real first return does.
_WARM_UP_YEARS = 1
# The year the single assessment replaced initial and core assessments (Working Together 2013).
_SINGLE_ASSESSMENT_FROM = dt.date(2013, 4, 1)
_LAST_ALLOWED = dt.date(2049, 3, 31)

_REFERRAL_SOURCES = (
    ("1A", 0.05), ("1B", 0.03), ("1C", 0.01), ("1D", 0.01), ("2A", 0.10), ("2B", 0.03),
    ("3A", 0.12), ("3B", 0.02), ("3E", 0.05), ("4", 0.01), ("5A", 0.20), ("5B", 0.04),
    ("5C", 0.06), ("5D", 0.01), ("6", 0.06), ("7", 0.02), ("8", 0.07), ("9", 0.06),
    ("10", 0.05),
)  # fmt: skip
_PRIMARY_NEEDS = (
    ("N1", 0.55), ("N2", 0.03), ("N3", 0.03), ("N4", 0.10), ("N5", 0.17), ("N6", 0.03),
    ("N7", 0.01), ("N8", 0.03), ("N9", 0.05),
)  # fmt: skip
_FACTORS = ("1B", "1C", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "6A", "6B", "7A", "8B",
            "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "19B",
            "20", "21", "22A", "23A", "24A")  # fmt: skip
_CATEGORIES = (("NEG", 0.50), ("EMO", 0.36), ("PHY", 0.07), ("SAB", 0.04), ("MUL", 0.03))
_ETHNICITIES = (
    ("WBRI", 0.70), ("WOTH", 0.05), ("MWBC", 0.03), ("MOTH", 0.03), ("AIND", 0.03),
    ("APKN", 0.04), ("BAFR", 0.04), ("BCRB", 0.02), ("CHNE", 0.01), ("OOTH", 0.02),
    ("REFU", 0.01), ("NOBT", 0.02),
)  # fmt: skip
_CONTACT_SOURCES = tuple(code for code, _ in _REFERRAL_SOURCES)
_CONTACT_OUTCOMES = (("nfa", 0.35), ("information-advice", 0.30), ("early-help", 0.35))
_FIRST_LEGAL_STATUS = (("V2", 0.40), ("C1", 0.30), ("L1", 0.10), ("L2", 0.10), ("C2", 0.10))
_FOSTER = (("U4", 0.45), ("U6", 0.15), ("U3", 0.15), ("U1", 0.05), ("U2", 0.05), ("U5", 0.15))
_OTHER_PLACEMENTS = (("K2", 0.45), ("H5", 0.25), ("R1", 0.15), ("P1", 0.10), ("S1", 0.05))
_TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
_PROVIDERS = (("PR1", 0.55), ("PR4", 0.35), ("PR5", 0.10))
_CATEGORY_OF_NEED = (("N1", 0.60), ("N2", 0.05), ("N4", 0.10), ("N5", 0.15), ("N8", 0.10))
_IN_TOUCH = (
    ("YES", 0.86), ("NO", 0.05), ("REFU", 0.03), ("NREQ", 0.02), ("RHOM", 0.03),
    ("DIED", 0.01),
)  # fmt: skip
# SSDA903 guide, OC3 ACTIV: F3/P3 (training or employment) until the 2021-22 return split it
# into F4/P4 (apprenticeship) and F5/P5 (other training or employment).
_EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
_SPLIT_CODES = ("F4", "P4", "F5", "P5")  # written F3/P3 in returns before 2021-22
_SPLIT_RETURN = 2022
_NEET = ("G4", "G5", "G6")
# SSDA903 guide, OC3 ACCOM letters; S (no fixed abode) and X (custody) are rare and never
# suitable (validation rule 133).
_ACCOMMODATION_LETTERS = (
    ("B", 0.10), ("C", 0.08), ("D", 0.12), ("E", 0.10), ("G", 0.02), ("H", 0.01),
    ("K", 0.05), ("R", 0.06), ("S", 0.02), ("T", 0.10), ("U", 0.12), ("V", 0.05),
    ("W", 0.05), ("X", 0.02), ("Y", 0.03), ("Z", 0.07),
)  # fmt: skip
_PARTICIPATION = (("PN1", 0.65), ("PN2", 0.08), ("PN3", 0.10), ("PN4", 0.07), ("PN5", 0.04),
                  ("PN6", 0.03), ("PN7", 0.03))  # fmt: skip
_AT_18 = (("E17", 0.30), ("E5", 0.40), ("E6", 0.10), ("E8", 0.20))
_SGO = ("E43", "E44", "E45", "E46", "E47", "E48")
# The OC3 rows of years other than the last, and the records exhibiting the repairs, come
# from a generator of their own, so that the rest of the cohort is the same as without them.
_OC3_SEED = 0x0C3
_CIN_TABLES = ("children", "referrals", "assessments", "section47s", "cp_plans", "cin_plans")
_SSDA903_TABLES = ("children", "episodes", "lac_reviews", "care_leavers")
# Working days a single assessment takes, and days a child protection plan lasts.
_ASSESSMENT_WORKING_DAYS = (
    (0, 0, 0.01), (1, 10, 0.06), (11, 30, 0.30), (31, 45, 0.49), (46, 60, 0.10), (61, 120, 0.04),
)  # fmt: skip
_PLAN_DAYS = ((40, 180, 0.25), (181, 365, 0.38), (366, 700, 0.27), (701, 800, 0.06),
              (801, 1300, 0.04))  # fmt: skip


class _Draws:
    """Uniform draws from one `numpy` generator, handed out one at a time, in order."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self._buffer: list[float] = []
        self._next = 0

    def u(self) -> float:
        if self._next >= len(self._buffer):
            self._buffer = self._rng.random(8192).tolist()
            self._next = 0
        value = self._buffer[self._next]
        self._next += 1
        return value

    def chance(self, p: float) -> bool:
        return self.u() < p

    def integer(self, low: int, high: int) -> int:
        """A whole number from *low* to *high*, both included."""
        return low + min(int(self.u() * (high - low + 1)), high - low)

    def exponential(self, mean: float) -> float:
        return -mean * float(np.log1p(-self.u()))

    def pick(self, options: Sequence[T]) -> T:
        return options[self.integer(0, len(options) - 1)]

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        """One of *options* (value, weight), the weights summing to 1."""
        target = self.u()
        for value, weight in options:
            target -= weight
            if target < 0:
                return value
        return options[-1][0]

    def band(self, bands: Sequence[tuple[int, int, float]]) -> int:
        """A band (low, high, weight) by weight (summing to 1), then a number in it."""
        target = self.u()
        for low, high, weight in bands:
            target -= weight
            if target < 0:
                return self.integer(low, high)
        return self.integer(bands[-1][0], bands[-1][1])


class _WorkingDays:
    """`add_working_days` over the cohort's span, with plain Python lists for speed."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        calendar = WorkingDayCalendar.england()
        days = np.arange(
            np.datetime64(first, "D"), np.datetime64(last, "D") + 1, dtype="datetime64[D]"
        )
        working = calendar.is_working_day(days)
        self._first = first.toordinal()
        self._cumulative = np.cumsum(working).tolist()
        self._positions = np.flatnonzero(working).tolist()

    def add(self, day: dt.date, n: int) -> dt.date:
        """The *n*-th working day after *day* (n >= 0; 0 gives *day*)."""
        if n == 0:
            return day
        offset = day.toordinal() - self._first
        position = self._positions[self._cumulative[offset] + n - 1]
        return dt.date.fromordinal(self._first + position)


def _days(n: float) -> dt.timedelta:
    return dt.timedelta(days=int(n))


def _birthday(birth: dt.date, age: int) -> dt.date:
    """The day *birth* turns *age*: 29 February's birthday is 28 February in other years."""
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return birth.replace(year=birth.year + age, day=28)


class _Cohort:
    """Builds the records, one child's history at a time."""

    def __init__(self, *, seed: int, scale: float, year_ending: int, years: int) -> None:
        self.draw = _Draws(seed)
        self.scale = scale
        self.first = dt.date(year_ending - years, 4, 1)
        self.last = dt.date(year_ending, 3, 31)
        self.warm_first = dt.date(year_ending - years - _WARM_UP_YEARS, 4, 1)
        self.years = years
        self.wd = _WorkingDays(dt.date(self.warm_first.year - 12, 1, 1), _LAST_ALLOWED)
        self.children: list[Child] = []
        self.contacts: list[Contact] = []
        self.referrals: list[Referral] = []
        self.assessments: list[Assessment] = []
        self.section47s: list[Section47] = []
        self.cp_plans: list[CPPlan] = []
        self.cin_plans: list[CINPlan] = []
        self.episodes: list[Episode] = []
        self.lac_reviews: list[LACReview] = []
        self.care_leavers: list[CareLeaver] = []
        self.oc3_draw = _Draws(seed ^ _OC3_SEED)
        # OC3 as drawn for the last year (child id -> in touch, activity, accommodation).
        self.last_oc3: dict[str, tuple[str, str | None, str | None]] = {}
        self.young_people: list[_YoungPerson] = []
        # Episodes whose return year is fixed (the child missing from a later return).
        self.fixed_years: set[str] = set()
        self._serial = 0
        self._exhibits = 0
        self._placement_serial = 0

    # -- helpers ---------------------------------------------------------------------------

    def known(self, day: dt.date | None) -> dt.date | None:
        """*day* if it has happened by the end of the data, else `None`."""
        return day if day is not None and day <= self.last else None

    def new_child_id(self) -> str:
        self._serial += 1
        return f"C{self._serial:06d}"

    def add_child(self, child_id: str, birth: dt.date) -> None:
        self.children.append(
            Child(
                child_id=child_id,
                birth_date=birth,
                sex=self.draw.weighted((("1", 0.52), ("2", 0.47), ("0", 0.01))),
                ethnicity=self.draw.weighted(_ETHNICITIES),
            )
        )

    def random_day(self, first: dt.date, last: dt.date) -> dt.date:
        return first + _days(self.draw.integer(0, (last - first).days))

    # -- children in need ------------------------------------------------------------------

    def referred_child(self) -> int:
        """One child's referrals from a random first referral on; how many fell in the years."""
        draw = self.draw
        child_id = self.new_child_id()
        referral_date = self.random_day(self.warm_first, self.last)
        age = draw.weighted(((0, 0.14), (2, 0.12), (5, 0.14), (8, 0.15), (11, 0.2), (14, 0.25)))
        birth = referral_date - _days(365.25 * age + draw.integer(0, 3 * 365))
        adult = _birthday(birth, 18)
        history_plans = draw.weighted(((0, 0.9), (1, 0.08), (2, 0.02)))
        state = _ChildState(child_id=child_id, birth=birth, previous_plans=history_plans)
        counted = 0
        while referral_date <= self.last and referral_date < adult:
            closure, kept = self.cin_episode(state, referral_date)
            counted += kept
            if closure is None or not draw.chance(0.42):
                break
            referral_date = closure + _days(1 + draw.exponential(170))
        if state.kept:
            self.add_child(child_id, birth)
        self.care_leaver_if_due(state)
        return counted

    def cin_episode(
        self, state: "_ChildState", referral_date: dt.date
    ) -> tuple[dt.date | None, int]:
        """One referral and what followed; returns (closure date or None, referrals kept)."""
        draw, wd, child_id = self.draw, self.wd, state.child_id
        looked_after = (len(self.episodes), len(self.lac_reviews))
        # The CIN census reader's ids: "<child id>/<date>", a same-day copy adding "/2".
        referral_id = f"{child_id}/{referral_date.isoformat()}"
        contacts: list[Contact] = []
        contact_date = referral_date - _days(0 if draw.chance(0.7) else draw.integer(1, 3))
        contacts.append(self.contact(child_id, contact_date, outcome="referral"))
        nfa = draw.chance(0.065)
        ends: list[dt.date | None] = []
        assessments: list[Assessment] = []
        section47s: list[Section47] = []
        cp_plans: list[CPPlan] = []
        cin_plans: list[CINPlan] = []
        assessed = False
        care: tuple[dt.date, dt.date | None] | None = None
        if not nfa and draw.chance(0.95):
            start = wd.add(referral_date, 0 if draw.chance(0.6) else draw.integer(1, 5))
            if start <= self.last:
                assessed = True
                assessment, authorised = self.assessment(child_id, referral_id, start)
                assessments += assessment
                ends.append(authorised)
                plan: CPPlan | None = None
                if draw.chance(0.17):
                    s47, plan, concluded = self.section47(state, referral_id, start, authorised)
                    section47s.append(s47)
                    ends.append(concluded)
                if plan is None and authorised is not None and draw.chance(0.45):
                    cin_plans.append(self.cin_plan(child_id, referral_id, authorised))
                    ends.append(cin_plans[-1].end_date)
                age_days = (referral_date - state.birth).days
                if draw.chance(0.055) and age_days < 365 * 17:
                    care_start = referral_date + _days(draw.integer(3, 240))
                    if care_start <= self.last and care_start < _birthday(state.birth, 18):
                        care = (care_start, self.care_history(state, care_start, adopt=True))
                        ends.append(care[1])
                if plan is not None:
                    plan = self.finish_plan(plan, care[0] if care else None)
                    cp_plans.append(plan)
                    plan_end = plan.end_date
                    ends.append(plan_end)
                    if plan_end is not None and care is None and draw.chance(0.5):
                        cin_plans.append(self.cin_plan(child_id, referral_id, plan_end))
                        ends.append(cin_plans[-1].end_date)
        if any(end is None for end in ends):
            closure = None
        else:
            latest = max([referral_date, *(end for end in ends if end is not None)])
            closure = self.known(latest + _days(draw.integer(0, 3 if nfa else 40)))
        reason = None
        if closure is not None:
            if nfa or not assessed:
                reason = "RC8"
            elif care is not None:
                reason = draw.weighted((("RC1", 0.3), ("RC4", 0.3), ("RC7", 0.4)))
            else:
                reason = draw.weighted((("RC8", 0.5), ("RC9", 0.3), ("RC7", 0.2)))
        referral = Referral(
            referral_id=referral_id,
            child_id=child_id,
            referral_date=referral_date,
            source=draw.weighted(_REFERRAL_SOURCES),
            nfa=nfa,
            closure_date=closure,
            closure_reason=reason,
            primary_need=draw.weighted(_PRIMARY_NEEDS),
        )
        # A CIN census covers episodes open at some time in its year: drop the warm-up's.
        if closure is not None and closure < self.first:
            del self.episodes[looked_after[0] :], self.lac_reviews[looked_after[1] :]
            return closure, 0
        state.kept = True
        self.referrals.append(referral)
        kept = 1
        if draw.chance(0.006):  # the same referral recorded twice on one day
            self.referrals.append(
                Referral(
                    referral_id=f"{referral_id}/2",
                    child_id=child_id,
                    referral_date=referral_date,
                    source=referral.source,
                    nfa=nfa,
                    closure_date=closure,
                    closure_reason=reason,
                    primary_need=referral.primary_need,
                )
            )
            kept = 2
        self.contacts += [c for c in contacts if c.contact_date >= self.first]
        self.assessments += assessments
        self.section47s += section47s
        self.cp_plans += cp_plans
        self.cin_plans += cin_plans
        return closure, kept if referral_date >= self.first else 0

    def contact(self, child_id: str, contact_date: dt.date, *, outcome: str) -> Contact:
        draw = self.draw
        delay = draw.weighted(((0, 0.55), (1, 0.33), (2, 0.05), (3, 0.03), (5, 0.02), (-1, 0.02)))
        decided = None if delay < 0 else self.known(self.wd.add(contact_date, delay))
        return Contact(
            child_id=child_id,
            contact_date=contact_date,
            decision_date=decided,
            outcome=outcome if decided is not None else None,
            source=draw.pick(_CONTACT_SOURCES),
        )

    def assessment(
        self, child_id: str, referral_id: str, start: dt.date
    ) -> tuple[list[Assessment], dt.date | None]:
        """Assess a referral: the assessments made, and when the last was authorised."""
        draw = self.draw
        factors = tuple(sorted({draw.pick(_FACTORS) for _ in range(draw.integer(1, 3))}))
        if start < _SINGLE_ASSESSMENT_FROM:
            # Before 2013: an initial assessment (10 working days), then sometimes a core
            # assessment (35 working days) starting when the initial one was authorised.
            initial_days = draw.band(((0, 10, 0.75), (11, 25, 0.25)))
            initial_end = self.wd.add(start, initial_days)
            made = [
                Assessment(
                    child_id=child_id,
                    referral_id=referral_id,
                    start_date=start,
                    authorisation_date=self.known(initial_end),
                    kind=AssessmentKind.INITIAL,
                    factors=factors,
                )
            ]
            if initial_end > self.last or not draw.chance(0.4):
                return made, self.known(initial_end)
            core_days = draw.band(((10, 35, 0.75), (36, 70, 0.25)))
            core_end = self.known(self.wd.add(initial_end, core_days))
            made.append(
                Assessment(
                    child_id=child_id,
                    referral_id=referral_id,
                    start_date=initial_end,
                    authorisation_date=core_end,
                    kind=AssessmentKind.CORE,
                    factors=factors,
                )
            )
            return made, core_end
        # Most single assessments finish within 45 working days; some run late.
        duration = draw.band(_ASSESSMENT_WORKING_DAYS)
        authorised: dt.date | None = self.wd.add(start, duration)
        recorded_start: dt.date | None = start
        if draw.chance(0.004):
            recorded_start = None  # the return has no start date
        elif draw.chance(0.003):
            authorised = start - _days(draw.integer(1, 20))  # keyed before it started
        authorised = self.known(authorised)
        assessment = Assessment(
            child_id=child_id,
            referral_id=referral_id,
            start_date=recorded_start,
            authorisation_date=authorised,
            factors=factors,
        )
        return [assessment], authorised

    def section47(
        self,
        state: "_ChildState",
        referral_id: str,
        assessment_start: dt.date,
        authorised: dt.date | None,
    ) -> tuple[Section47, CPPlan | None, dt.date | None]:
        """An enquiry, its conference and perhaps a child protection plan (not yet ended).

        Returns the enquiry, the plan, and when the enquiry concluded (`None` while a
        conference is still to come).
        """
        draw, wd = self.draw, self.wd
        start = assessment_start + _days(draw.integer(0, 10))
        if authorised is not None and authorised >= assessment_start:
            start = min(start, authorised)
        start = min(start, self.last)
        outcome = draw.weighted((("icpc", 0.50), ("not-required", 0.04), ("none", 0.46)))
        icpc: dt.date | None = None
        concluded: dt.date | None = start
        if outcome == "icpc":
            timing = draw.weighted((("on-time", 0.80), ("late", 0.19), ("before", 0.01)))
            if timing == "on-time":
                icpc = wd.add(start, draw.integer(3, 15))
            elif timing == "late":
                icpc = wd.add(start, draw.integer(16, 35))
            else:
                icpc = start - _days(draw.integer(1, 5))
            icpc = concluded = self.known(icpc)
        s47 = Section47(
            child_id=state.child_id,
            referral_id=referral_id,
            start_date=start,
            icpc_target=wd.add(start, 15),
            icpc_date=icpc,
            icpc_not_required=outcome == "not-required",
        )
        if icpc is None or not draw.chance(0.88):
            return s47, None, concluded
        length = draw.band(_PLAN_DAYS)
        category = draw.weighted(_CATEGORIES)
        recorded_previous: int | None = state.previous_plans
        if draw.chance(0.08):
            recorded_previous = None
        state.previous_plans += 1
        plan = CPPlan(
            child_id=state.child_id,
            referral_id=referral_id,
            start_date=icpc,
            end_date=icpc + _days(length),
            previous_plans=recorded_previous,
            initial_category=category,
            latest_category=category if draw.chance(0.85) else draw.weighted(_CATEGORIES),
        )
        return s47, plan, concluded

    def finish_plan(self, plan: CPPlan, care_start: dt.date | None) -> CPPlan:
        """End the plan (early if the child came into care) and add its reviews."""
        start = plan.start_date
        end = plan.end_date or self.last
        if care_start is not None and start < care_start < end:
            end = care_start
        reviews = []
        review = start + _days(
            self.draw.integer(50, 88) if self.draw.chance(0.95) else self.draw.integer(93, 130)
        )
        while review < end and review <= self.last:
            reviews.append(review)
            gap = (
                self.draw.integer(140, 182)
                if self.draw.chance(0.92)
                else self.draw.integer(185, 240)
            )
            review += _days(gap)
        return attrs.evolve(plan, end_date=self.known(end), review_dates=reviews)

    def cin_plan(self, child_id: str, referral_id: str, start: dt.date) -> CINPlan:
        end = start + _days(self.draw.integer(60, 450))
        return CINPlan(
            child_id=child_id, referral_id=referral_id, start_date=start, end_date=self.known(end)
        )

    # -- looked-after children -------------------------------------------------------------

    def new_placement(self, code: str) -> tuple[str, str, str, str]:
        """(placement, provider, postcode, urn) for a new placement with code *code*."""
        self._placement_serial += 1
        n = self._placement_serial
        postcode = f"ZZ{n % 97 + 1} {n % 9 + 1}{'ABDEFGHJLNPQRSTUWXYZ'[n % 20]}Z"
        urn = f"SC{400000 + n % 600000:06d}" if code[0] in "KS" else "XXXXXXX"
        return code, self.draw.weighted(_PROVIDERS), postcode, urn

    def care_history(self, state: "_ChildState", start: dt.date, *, adopt: bool) -> dt.date | None:
        """A period of care from *start*, as episodes and reviews; returns its end or None."""
        draw = self.draw
        age = (start - state.birth).days / 365.25
        adult = _birthday(state.birth, 18)
        paths = [("home", 0.45), ("sgo", 0.15), ("cao", 0.04), ("other", 0.06), ("long", 0.3)]
        if adopt and age < 5:
            paths.append(("adoption", 0.45))
        total = sum(weight for _, weight in paths)
        path = draw.weighted([(name, weight / total) for name, weight in paths])
        length = {
            "home": 20 + draw.exponential(260),
            "sgo": draw.integer(300, 1000),
            "cao": draw.integer(200, 700),
            "other": draw.integer(60, 800),
            "long": draw.integer(900, 5000),
            "adoption": draw.integer(450, 1100),
        }[path]
        end = start + _days(length)
        reason = {
            "home": draw.weighted((("E4A", 0.75), ("E4B", 0.15), ("E13", 0.10))),
            "sgo": draw.pick(_SGO),
            "cao": "E41",
            "other": draw.weighted((("E8", 0.5), ("E3", 0.3), ("E9", 0.2))),
            "long": "E8",
            "adoption": draw.weighted((("E11", 0.6), ("E12", 0.4))),
        }[path]
        if end >= adult:
            end, reason = adult, draw.weighted(_AT_18)
            state.left_care_at_18 = True
            state.care_from = start
        # Episodes: a first one, then changes of placement or legal status.
        legal = draw.weighted(_FIRST_LEGAL_STATUS)
        code = draw.weighted(_FOSTER) if draw.chance(0.75) else draw.weighted(_OTHER_PLACEMENTS)
        placement = self.new_placement(code)
        need = draw.weighted(_CATEGORY_OF_NEED)
        rows: list[tuple[dt.date, str, str, tuple[str, str, str, str]]] = [
            (start, "S", legal, placement)
        ]
        changes = sorted(
            {start + _days(draw.integer(1, max((end - start).days - 1, 1)))
             for _ in range(int(draw.exponential(0.8 * (end - start).days / 365.25)))}
        )  # fmt: skip
        adoption_from = end - _days(draw.integer(180, 400)) if path == "adoption" else None
        for day in changes:
            if day >= end or (adoption_from is not None and day >= adoption_from):
                break
            if day <= rows[-1][0]:
                continue
            kind = draw.weighted((("P", 0.5), ("L", 0.22), ("B", 0.1), ("temp", 0.1), ("T", 0.08)))
            if kind == "P":
                rows.append((day, "P", legal, self.new_placement(draw.weighted(_FOSTER))))
            elif kind == "L":
                legal = "C2" if legal != "C2" else draw.pick(("E1", "V2"))
                rows.append((day, "L", legal, rows[-1][3]))
            elif kind == "B":
                legal = "C2" if legal != "C2" else "V2"
                rows.append((day, "B", legal, self.new_placement(draw.weighted(_FOSTER))))
            elif kind == "T":  # a change of placement type with the same carers
                _, provider, postcode, urn = rows[-1][3]
                rows.append((day, "T", legal, (draw.weighted(_FOSTER), provider, postcode, urn)))
            else:  # a temporary placement, then back to the same placement
                back = day + _days(draw.integer(1, 10))
                if back >= end:
                    continue
                rows.append((day, "P", legal, self.new_placement(draw.pick(_TEMPORARY))))
                rows.append((back, "P", legal, rows[-2][3]))
        if adoption_from is not None and adoption_from > rows[-1][0]:
            if draw.chance(0.4):  # the foster carers adopt: a same-carer change
                _, provider, postcode, urn = rows[-1][3]
                adoptive = (draw.pick(("A3", "A4")), provider, postcode, urn)
                rows.append((adoption_from, "U", "E1", adoptive))
            else:
                rows.append((adoption_from, "B", "E1", self.new_placement(draw.pick(("A5", "A6")))))
        for position, (day, rne, status, (place, provider, postcode, urn)) in enumerate(rows):
            if day > self.last:
                break
            episode_end = rows[position + 1][0] if position + 1 < len(rows) else end
            finished = episode_end <= self.last
            self.episodes.append(
                Episode(
                    child_id=state.child_id,
                    start=day,
                    end=episode_end if finished else None,
                    reason_new=rne,
                    legal_status=status,
                    placement=place,
                    reason_ceased=(reason if position + 1 == len(rows) else "X1")
                    if finished
                    else None,
                    provider=provider,
                    postcode=postcode,
                    urn=urn,
                    category_of_need=need,
                )
            )
        self.reviews(state, start, end)
        return self.known(end)

    def reviews(self, state: "_ChildState", start: dt.date, end: dt.date) -> None:
        """Looked-after reviews: 20 working days, then three months, then every six."""
        draw = self.draw
        first = self.wd.add(
            start, draw.integer(3, 20) if draw.chance(0.96) else draw.integer(21, 40)
        )
        review = first
        gaps = 0
        while review < end and review <= self.last:
            young = (review - state.birth).days < 4 * 365
            self.lac_reviews.append(
                LACReview(
                    child_id=state.child_id,
                    review_date=review,
                    participation="PN0" if young else draw.weighted(_PARTICIPATION),
                )
            )
            on_time = draw.chance(0.97)
            if gaps == 0:
                step = draw.integer(60, 90) if on_time else draw.integer(95, 130)
            else:
                step = draw.integer(150, 182) if on_time else draw.integer(185, 240)
            review += _days(step)
            gaps += 1

    def looked_after_before(self) -> None:
        """Children already in care when the data starts (their referrals predate it)."""
        draw = self.draw
        for _ in range(round(300 * self.scale)):
            start = self.random_day(self.warm_first - _days(9 * 365), self.first - _days(1))
            birth = start - _days(draw.integer(0, 15 * 365))
            state = _ChildState(child_id=self.new_child_id(), birth=birth, previous_plans=0)
            keep = (len(self.episodes), len(self.lac_reviews))
            end = self.care_history(state, start, adopt=False)
            if end is not None and end < self.first:
                del self.episodes[keep[0] :], self.lac_reviews[keep[1] :]
                continue
            state.kept = True
            self.add_child(state.child_id, birth)
            self.care_leaver_if_due(state)

    def short_breaks(self) -> None:
        """Disabled children on series of short breaks (legal status V3 or V4)."""
        draw = self.draw
        for _ in range(round(20 * self.scale)):
            child_id = self.new_child_id()
            birth = self.random_day(self.first - _days(16 * 365), self.first - _days(5 * 365))
            self.add_child(child_id, birth)
            place = self.new_placement("K1")
            if draw.chance(0.3):  # V3: one episode covering the agreement
                start = self.random_day(self.warm_first, self.last)
                end = self.known(start + _days(draw.integer(200, 900)))
                self.episodes.append(
                    Episode(
                        child_id=child_id, start=start, end=end, reason_new="S",
                        legal_status="V3", placement=place[0],
                        reason_ceased="E8" if end is not None else None, provider=place[1],
                        postcode=place[2], urn=place[3], category_of_need="N2",
                    )
                )  # fmt: skip
                continue
            day = self.random_day(self.first, self.last)
            while day <= self.last:  # V4: each break is an episode of its own
                end = day + _days(draw.integer(1, 4))
                self.episodes.append(
                    Episode(
                        child_id=child_id, start=day, end=self.known(end), reason_new="S",
                        legal_status="V4", placement=place[0],
                        reason_ceased="E13" if end <= self.last else None, provider=place[1],
                        postcode=place[2], urn=place[3], category_of_need="N2",
                    )
                )  # fmt: skip
                day = end + _days(draw.integer(14, 60))

    # -- care leavers ----------------------------------------------------------------------

    def care_leaver(self, child_id: str, birth: dt.date) -> None:
        """Draw the young person's OC3 row of the last year (in the cohort's own stream)."""
        draw = self.draw
        in_touch = draw.weighted(_IN_TOUCH)
        activity = accommodation = None
        if in_touch == "YES":
            activity = draw.pick(_EET) if draw.chance(0.62) else draw.pick(_NEET)
            letter = draw.weighted(_ACCOMMODATION_LETTERS)
            accommodation = _accommodation(letter, suitable=draw.chance(0.9))
        self.last_oc3[child_id] = (in_touch, activity, accommodation)

    def care_leaver_if_due(self, state: "_ChildState") -> None:
        """A young person who left care at 18: OC3 rows for the years they are 17 to 21 in."""
        eighteenth = _birthday(state.birth, 18)
        if state.left_care_at_18 and add_months(self.last, -36) < eighteenth <= self.last:
            self.care_leaver(state.child_id, state.birth)
        if state.left_care_at_18:
            self.young_people.append(
                _YoungPerson(state.child_id, state.birth, state.care_from, eighteenth)
            )

    def former_care_leavers(self) -> None:
        """Care leavers aged 17 to 21 this year who left care before the data starts."""
        year = ReportingPeriod(start=add_months(self.last, -12) + _days(1), end=self.last)
        for _ in range(round(200 * self.scale)):
            age = self.draw.integer(17, 21)
            birthday = self.random_day(year.start, year.end)
            birth = add_months(birthday, -12 * age)
            child_id = self.new_child_id()
            self.care_leaver(child_id, birth)
            self.young_people.append(_YoungPerson(child_id, birth, None, None))

    def oc3_rows(self) -> list[CareLeaver]:
        """One OC3 row per return year for each young person aged 17 to 21 at its birthday.

        A young person still looked after on that birthday is recorded as NREQ (information
        not required); activities use F3/P3 in returns before 2022, F4/P4 and F5/P5 after.
        """
        rows = []
        for person in self.young_people:
            for year in range(self.last.year - self.years + 1, self.last.year + 1):
                period = ReportingPeriod.year_ending(year)
                birthday = next(
                    (
                        day
                        for age in range(17, 22)
                        if period.contains(day := _birthday(person.birth, age))
                    ),
                    None,
                )
                if birthday is None:
                    continue
                in_care = (
                    person.care_from is not None
                    and person.left_care is not None
                    and person.care_from <= birthday < person.left_care
                )
                if year == self.last.year and person.child_id in self.last_oc3:
                    in_touch, activity, accommodation = self.last_oc3[person.child_id]
                elif in_care:
                    in_touch, activity, accommodation = "NREQ", None, None
                else:
                    in_touch, activity, accommodation = self.oc3_draws()
                if year < _SPLIT_RETURN and activity in _SPLIT_CODES:
                    # Before the 2021-22 return, apprenticeships and other training or
                    # employment were both F3/P3 (SSDA903 guide, OC3 ACTIV).
                    activity = activity[0] + "3"
                rows.append(
                    CareLeaver(
                        child_id=person.child_id,
                        birth_date=person.birth,
                        in_touch=in_touch,
                        activity=activity,
                        accommodation=accommodation,
                        year=year,
                    )
                )
        return rows

    def oc3_draws(self) -> tuple[str, str | None, str | None]:
        draw = self.oc3_draw
        in_touch = draw.weighted(_IN_TOUCH)
        if in_touch != "YES":
            return in_touch, None, None
        activity = draw.pick(_EET) if draw.chance(0.62) else draw.pick(_NEET)
        letter = draw.weighted(_ACCOMMODATION_LETTERS)
        return in_touch, activity, _accommodation(letter, suitable=draw.chance(0.9))

    # -- records that exercise the repairs -------------------------------------------------

    def exhibits(self) -> None:
        """A few children whose records the looked-after indicators must repair (SPEC §4.4).

        In the last year: overlapping episodes (one ended 16 December with E9, overlapped by
        a new period of care from 12 November); an X1 episode that no episode follows; and
        a child on short breaks (V4) before coming into care. A child whose episode is still
        open in the first year's return and who is missing from the later returns.
        """
        year_start = dt.date(self.last.year - 1, 4, 1)

        def episode(
            child: str,
            start: dt.date,
            end: dt.date | None,
            *,
            legal_status: str = "C2",
            placement: str = "U4",
            reason_ceased: str | None = None,
        ) -> Episode:
            return Episode(
                child_id=child,
                start=start,
                end=end,
                reason_new="S",
                legal_status=legal_status,
                placement=placement,
                reason_ceased=reason_ceased,
            )

        def child(birth_years: int) -> str:
            child_id = self.new_exhibit_id()
            birth = year_start - _days(365.25 * birth_years)
            self.children.append(
                Child(child_id=child_id, birth_date=birth, sex="1", ethnicity="WBRI")
            )
            return child_id

        overlap = child(9)
        self.episodes += [
            episode(
                overlap,
                year_start + _days(153),
                year_start + _days(259),
                reason_ceased="E9",
            ),
            episode(overlap, year_start + _days(225), None, placement="U6"),
        ]
        alone = child(12)
        self.episodes.append(
            episode(alone, year_start - _days(200), year_start + _days(100), reason_ceased="X1")
        )
        breaks = child(11)
        for offset in (20, 50, 80):
            self.episodes.append(
                episode(
                    breaks,
                    year_start + _days(offset),
                    year_start + _days(offset + 2),
                    legal_status="V4",
                    placement="K1",
                    reason_ceased="E13",
                )
            )
        self.episodes.append(episode(breaks, year_start + _days(120), None))
        if self.years > 1:
            first_year = self.last.year - self.years + 1
            missing = child(10)
            self.episodes.append(
                attrs.evolve(
                    episode(missing, self.first - _days(300), None, placement="U3"),
                    year=first_year,
                )
            )
            self.fixed_years.add(missing)

    def new_exhibit_id(self) -> str:
        self._exhibits += 1
        return f"X{self._exhibits:06d}"

    def return_years(self) -> None:
        """Set each episode's year: the latest return holding it (SPEC §3).

        A return for year Y holds every episode, up to its 31 March, of the children looked
        after at some time in Y (an episode open on 1 April Y-1 or starting by 31 March Y).
        """
        years = range(self.last.year - self.years + 1, self.last.year + 1)
        spans = [(year, *_span(year)) for year in years]
        by_child: dict[str, list[int]] = {}
        for row, episode in enumerate(self.episodes):
            by_child.setdefault(episode.child_id, []).append(row)
        for child_id, rows in by_child.items():
            if child_id in self.fixed_years:
                continue
            held = [
                (year, last)
                for year, first, last in spans
                if any(_open_during(self.episodes[r], first, last) for r in rows)
            ]
            for row in rows:
                episode = self.episodes[row]
                holding = [year for year, last in held if episode.start <= last]
                self.episodes[row] = attrs.evolve(episode, year=max(holding) if holding else None)

    # -- the extra contacts ----------------------------------------------------------------

    def other_contacts(self, pool: Sequence[Child]) -> None:
        """Contacts that did not lead to a referral, about children already known."""
        if not pool:
            return
        for _ in range(round(1.2 * REFERRALS_PER_YEAR * self.years * self.scale)):
            child = self.draw.pick(pool)
            day = self.random_day(self.first, self.last)
            if child.birth_date is not None and day < child.birth_date:
                continue
            self.contacts.append(
                self.contact(child.child_id, day, outcome=self.draw.weighted(_CONTACT_OUTCOMES))
            )

    def dataset(self) -> Dataset:
        # Children are added until the reported years hold the referrals a council of this
        # size receives; warm-up referrals closed before the first year are not kept.
        target = round(REFERRALS_PER_YEAR * self.scale * self.years)
        made = 0
        while made < target:
            made += self.referred_child()
        self.looked_after_before()
        self.short_breaks()
        self.former_care_leavers()
        self.other_contacts(tuple(self.children))
        self.exhibits()
        self.care_leavers = self.oc3_rows()
        # Looked-after histories are those of children looked after in the years covered,
        # as the years' SSDA903 returns hold them.
        looked_after = {e.child_id for e in self.episodes if e.end is None or e.end >= self.first}
        self.episodes = [e for e in self.episodes if e.child_id in looked_after]
        self.lac_reviews = [r for r in self.lac_reviews if r.child_id in looked_after]
        self.return_years()
        return Dataset(
            children=sorted(self.children, key=lambda c: c.child_id),
            contacts=self.contacts,
            referrals=self.referrals,
            assessments=self.assessments,
            section47s=self.section47s,
            cp_plans=self.cp_plans,
            cin_plans=self.cin_plans,
            episodes=self.episodes,
            lac_reviews=self.lac_reviews,
            care_leavers=self.care_leavers,
            coverage=self.coverage(),
        )

    def coverage(self) -> Coverage:
        """The returns the cohort stands for: a CIN census and an SSDA903 return a year."""
        held = {name for name in (*_CIN_TABLES, *_SSDA903_TABLES) if getattr(self, name)}
        returns = []
        for year in range(self.last.year - self.years + 1, self.last.year + 1):
            for kind, tables in (("cin-census", _CIN_TABLES), ("ssda903", _SSDA903_TABLES)):
                returns.append(
                    ReturnCoverage.for_year(
                        kind="synthetic",
                        path=f"synthetic/{kind}/{year}",
                        year=year,
                        tables=[t for t in tables if t in held],
                    )
                )
        return Coverage(tuple(returns))


def _accommodation(letter: str, *, suitable: bool) -> str:
    """An OC3 accommodation code; S (no fixed abode) and X (custody) are never suitable."""
    return letter + ("1" if suitable and letter not in "SX" else "2")


def _open_during(episode: Episode, first: dt.date, last: dt.date) -> bool:
    """Whether *episode* was open at some time from *first* to *last* (a return holds it)."""
    return episode.start <= last and (episode.end is None or episode.end >= first)


def _span(year: int) -> tuple[dt.date, dt.date]:
    period = ReportingPeriod.year_ending(year)
    return period.start, period.end


class _YoungPerson:
    """A young person in the care-leaver window: when they were looked after, if known."""

    def __init__(
        self,
        child_id: str,
        birth: dt.date,
        care_from: dt.date | None,
        left_care: dt.date | None,
    ) -> None:
        self.child_id = child_id
        self.birth = birth
        self.care_from = care_from
        self.left_care = left_care


class _ChildState:
    """What a child's later history needs to know about its earlier history."""

    def __init__(self, *, child_id: str, birth: dt.date, previous_plans: int) -> None:
        self.child_id = child_id
        self.birth = birth
        self.previous_plans = previous_plans
        self.kept = False
        self.left_care_at_18 = False
        self.care_from: dt.date | None = None


def _check_options(*, seed: int, scale: float, year_ending: int, years: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidOptionError(f"seed must be a whole number >= 0, got {seed!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 20:
        raise InvalidOptionError(f"scale must be a number above 0 and at most 20, got {scale!r}")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 10:
        raise InvalidOptionError(f"years must be a whole number from 1 to 10, got {years!r}")
    if (
        isinstance(year_ending, bool)
        or not isinstance(year_ending, int)
        or year_ending - years < 2000
        or year_ending > 2045
    ):
        raise InvalidOptionError(
            f"year_ending must be a year such that the cohort runs from 2000 to 2045 at most, "
            f"got year_ending={year_ending!r} with years={years!r}"
        )


def synthetic_dataset(
    *, seed: int = 2025, scale: float = 1.0, year_ending: int = 2025, years: int = 3
) -> Dataset:
    """A made-up, council-sized cohort of children's social care records.

    The cohort covers the *years* statutory years ending 31 March *year_ending*, as a
    council's returns for those years would, read together: referrals open at some time in
    them (with their assessments, enquiries and plans), and the looked-after histories of the
    children looked after in them. Dates after 31 March *year_ending* are not yet known, so
    anything still open then has no end date.

    Args:
        seed: Seeds `numpy.random.default_rng`; the same seed gives equal datasets.
        scale: Multiplies the cohort's size: 1 gives about 3,000 referrals a year.
        year_ending: The last statutory year covered ends on 31 March of this year.
        years: How many statutory years the data covers.

    Returns:
        A `Dataset` with every collection filled.

    Raises:
        InvalidOptionError: For a negative seed, a scale outside (0, 20], or years that do
            not fit between 2000 and 2045.

    Notes:
        - About 3,000 referrals a year at `scale=1`; about 6.5% are no further action and
          about a fifth follow an earlier referral of the child within 12 months.
        - Some referrals are recorded twice on one day (the copy's id ends in ``/2``).
        - Most single assessments take up to 45 working days; some run late, a few have no
          start date and a few are authorised before they started.
        - Before April 2013 assessments are initial (10 working days) and core (35).
        - Most conferences are within 15 working days; a few are dated before the enquiry.
        - Looked-after histories use SSDA903 codes: episodes that start with S, P, B, L, T
          or U; short breaks (V3, V4); temporary placements (T0 to T4) that return to the
          placement before; adoptions (A3 to A6, then E11 or E12).
        - Care leavers (OC3) have a row in each year's return in which their birthday is
          their 17th to 21st (`CareLeaver.year`); NREQ while still looked after on it.
          Activities use F3/P3 in returns before 2022, F4/P4 and F5/P5 after.
        - Each episode carries the year of the latest return holding it (`Episode.year`),
          and the dataset's `coverage` records a CIN census and an SSDA903 return a year.
        - A few records exercise the looked-after repairs (SPEC §4.4): overlapping
          episodes, an X1 episode that no episode follows, a child missing from the later
          returns with an episode left open, and short breaks before a period of care.

    Examples:
        >>> data = synthetic_dataset(scale=0.05)
        >>> data == synthetic_dataset(scale=0.05)
        True
    """
    _check_options(seed=seed, scale=scale, year_ending=year_ending, years=years)
    return _Cohort(seed=seed, scale=float(scale), year_ending=year_ending, years=years).dataset()


def cin_census_year(dataset: Dataset, period: ReportingPeriod) -> Dataset:
    """What a CIN census for *period* holds of *dataset*, as known on the period's last day.

    Referrals that started by the period's end and were not closed before it began, with
    their children, assessments, enquiries and plans; dates after the period are blanked,
    as they had not happened when the census was made.
    """
    end = period.end

    def known(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= end else None

    referrals = [
        attrs.evolve(
            r,
            closure_date=known(r.closure_date),
            closure_reason=r.closure_reason if known(r.closure_date) else None,
        )
        for r in dataset.referrals
        if r.referral_date <= end and (r.closure_date is None or r.closure_date >= period.start)
    ]
    ids = {r.referral_id for r in referrals}
    children = {r.child_id for r in referrals}
    return Dataset(
        children=[c for c in dataset.children if c.child_id in children],
        referrals=referrals,
        assessments=[
            attrs.evolve(a, authorisation_date=known(a.authorisation_date))
            for a in dataset.assessments
            if a.referral_id in ids and (a.start_date is None or a.start_date <= end)
        ],
        section47s=[
            attrs.evolve(s, icpc_date=known(s.icpc_date))
            for s in dataset.section47s
            if s.referral_id in ids and (s.start_date is None or s.start_date <= end)
        ],
        cp_plans=[
            attrs.evolve(
                p,
                end_date=known(p.end_date),
                review_dates=[d for d in p.review_dates if d <= end],
            )
            for p in dataset.cp_plans
            if p.referral_id in ids and p.start_date <= end
        ],
        cin_plans=[
            attrs.evolve(p, end_date=known(p.end_date))
            for p in dataset.cin_plans
            if p.referral_id in ids and p.start_date <= end
        ],
    )


def ssda903_year(dataset: Dataset, period: ReportingPeriod) -> Dataset:
    """What an SSDA903 return for *period* holds of *dataset*, as known on its last day.

    The children looked after at some time in the period, with all their episodes and
    reviews up to its end (an episode still open then has no end and no reason ceased), and
    the care leavers' OC3 rows of that year. An episode whose `Episode.year` is earlier than
    the period's collection year is not in the return (its child is missing from it, as
    happens in real returns), nor is an OC3 row of another year.
    """
    end = period.end
    year = collection_year(end)
    held = [e for e in dataset.episodes if e.year is None or e.year >= year]
    looked_after = {e.child_id for e in held if _open_during(e, period.start, end)}
    episodes = [
        e if e.end is not None and e.end <= end else attrs.evolve(e, end=None, reason_ceased=None)
        for e in held
        if e.child_id in looked_after and e.start <= end
    ]
    leavers = []
    for leaver in dataset.care_leavers:
        if leaver.year is not None:
            if leaver.year == year:
                leavers.append(leaver)
            continue
        age = end.year - leaver.birth_date.year
        if _birthday(leaver.birth_date, age) > end:
            age -= 1
        if 17 <= age <= 21:
            leavers.append(leaver)
    return Dataset(
        children=[c for c in dataset.children if c.child_id in looked_after],
        episodes=episodes,
        lac_reviews=[
            r for r in dataset.lac_reviews if r.child_id in looked_after and r.review_date <= end
        ],
        care_leavers=leavers,
    )


def write_synthetic(
    outdir: str | os.PathLike[str],
    *,
    seed: int = 2025,
    scale: float = 1.0,
    year_ending: int = 2025,
    years: int = 3,
) -> list[Path]:
    """Write the synthetic cohort as the returns a council would have made.

    One CIN census XML file a year (``cin-census-YYYY.xml``) and one SSDA903 folder a year
    (``ssda903/YYYY/`` with header, episodes, reviews and oc3 tables), YYYY being the year
    the statutory year ends. Read back together, they give the records of
    `synthetic_dataset` that the returns carry (contacts are local data and are not
    written).

    Args:
        outdir: The folder to write into (made if missing).
        seed: As for `synthetic_dataset`.
        scale: As for `synthetic_dataset`.
        year_ending: As for `synthetic_dataset`.
        years: As for `synthetic_dataset`.

    Returns:
        The files and folders written, oldest year first.
    """
    from safeguarding_metrics.io.cin_census import write_cin_census
    from safeguarding_metrics.io.ssda903 import write_ssda903

    data = synthetic_dataset(seed=seed, scale=scale, year_ending=year_ending, years=years)
    root = Path(outdir)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for year in range(year_ending - years + 1, year_ending + 1):
        period = ReportingPeriod.year_ending(year)
        cin_path = root / f"cin-census-{year}.xml"
        write_cin_census(cin_census_year(data, period), cin_path, reference_date=period.end)
        folder = root / "ssda903" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        write_ssda903(ssda903_year(data, period), folder)
        written += [cin_path, folder]
    return written
