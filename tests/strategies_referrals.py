"""Hypothesis strategies for referrals, section 47 enquiries and child protection plans."""

import datetime as dt

import attrs
from hypothesis import strategies as st

from safeguarding_metrics import (
    CPPlan,
    Dataset,
    Referral,
    ReportingPeriod,
    Section47,
    add_months,
)

CHILD_POOL = ("A", "B", "C", "D", "E")
"""A small pool of child ids, so that one child's records meet."""

# Dates where the rules turn: leap days, anniversaries, year ends, two years apart.
SPECIAL_DATES = (
    dt.date(2023, 2, 28),
    dt.date(2023, 3, 1),
    dt.date(2023, 3, 31),
    dt.date(2023, 4, 1),
    dt.date(2024, 2, 28),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
    dt.date(2024, 3, 31),
    dt.date(2024, 4, 1),
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 1),
    dt.date(2025, 3, 31),
    dt.date(2025, 4, 1),
    dt.date(2026, 2, 28),
)

PERIODS = (
    ReportingPeriod.year_ending(2025),
    ReportingPeriod.year_ending(2024),
    ReportingPeriod.year_ending(2025).quarter(4),
    ReportingPeriod.month(2024, 2),
)

periods = st.sampled_from(PERIODS)


@st.composite
def days(draw: st.DrawFn) -> dt.date:
    """A date from 2021 to 2026, often one where a rule turns."""
    return draw(
        st.one_of(
            st.sampled_from(SPECIAL_DATES),
            st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2026, 6, 30)),
        )
    )


@st.composite
def near(draw: st.DrawFn, day: dt.date) -> dt.date:
    """A date a little after *day*, or exactly 12 or 24 months and a day or so after it."""
    kind = draw(st.sampled_from(("days", "months")))
    if kind == "days":
        return day + dt.timedelta(days=draw(st.integers(0, 800)))
    months = draw(st.sampled_from((3, 6, 12, 24)))
    return add_months(day, months) + dt.timedelta(days=draw(st.integers(-2, 2)))


SHARED_IDS = ("X1", "X2", "X3")
"""Referral ids of the `shared` scheme: several referrals, on any child and day, share one."""


@st.composite
def referral_lists(draw: st.DrawFn, max_size: int = 12) -> list[Referral]:
    """Referrals of children from a small pool, with repeats, same-day duplicates and NFAs.

    Ids follow one of three schemes: as readers make them ("A/2024-03-01", then
    "A/2024-03-01/2" for a second that day), or "R" and a shuffled number, so that the
    same-day referral kept (the smallest id) is sometimes not the first given, or drawn
    from `SHARED_IDS`, so that different referrals share an id. About one referral in four
    is a real tie: an earlier referral's child, day and id, with its other fields (NFA
    flag, source, closure) drawn again, so that only its content tells it apart.
    """
    count = draw(st.integers(0, max_size))
    scheme = draw(st.sampled_from(("reader", "shuffled", "shared")))
    numbers = draw(st.permutations(range(count)))
    made: list[Referral] = []
    for number in range(count):
        if made and draw(st.integers(0, 3)) == 0:
            base = draw(st.sampled_from(made))
            made.append(
                attrs.evolve(
                    base,
                    nfa=draw(st.booleans()),
                    source=draw(st.none() | st.sampled_from(("1A", "3E"))),
                    closure_date=draw(
                        st.none() | st.just(base.referral_date + dt.timedelta(days=30))
                    ),
                )
            )
            continue
        build_on_earlier: bool = draw(st.booleans())
        if made and build_on_earlier:
            # Build on an earlier referral: the same child, the same day or nearby.
            base = draw(st.sampled_from(made))
            child = base.child_id
            when = base.referral_date if draw(st.booleans()) else draw(near(base.referral_date))
        else:
            child = draw(st.sampled_from(CHILD_POOL))
            when = draw(days())
        if scheme == "reader":
            same_day = sum((r.child_id, r.referral_date) == (child, when) for r in made)
            referral_id = f"{child}/{when}" + (f"/{same_day + 1}" if same_day else "")
        elif scheme == "shuffled":
            referral_id = f"R{numbers[number]}"
        else:
            referral_id = draw(st.sampled_from(SHARED_IDS))
        made.append(
            Referral(
                referral_id=referral_id,
                child_id=child,
                referral_date=when,
                nfa=draw(st.booleans()),
                closure_date=draw(st.none() | st.just(when + dt.timedelta(days=30))),
                source=draw(st.none() | st.sampled_from(("1A", "3E"))),
            )
        )
    return made


@st.composite
def section47_lists(
    draw: st.DrawFn, referrals: list[Referral], max_size: int = 8
) -> list[Section47]:
    """Enquiries, some linked to *referrals*, with missing starts and early conferences."""
    made: list[Section47] = []
    for _ in range(draw(st.integers(0, max_size))):
        linked = draw(st.none() | st.sampled_from(referrals)) if referrals else None
        if linked is not None:
            child = linked.child_id
            start: dt.date | None = linked.referral_date + dt.timedelta(
                days=draw(st.integers(0, 20))
            )
        else:
            child = draw(st.sampled_from(CHILD_POOL))
            start = draw(days())
        if draw(st.integers(0, 9)) == 0:
            start = None
        anchor = start or draw(days())
        icpc = draw(
            st.none()
            | st.just(anchor + dt.timedelta(days=draw(st.integers(-3, 40))))
            | st.sampled_from(SPECIAL_DATES)
        )
        made.append(
            Section47(
                child_id=child,
                referral_id=(
                    linked.referral_id
                    if linked is not None
                    else draw(st.none() | st.just("NO-SUCH-REFERRAL"))
                ),
                start_date=start,
                icpc_date=icpc,
                icpc_not_required=draw(st.integers(0, 5)) == 0,
            )
        )
    return made


CATEGORIES = ("NEG", "PHY", "EMO", "SAB", "MUL")


@st.composite
def plan_lists(
    draw: st.DrawFn, enquiries: list[Section47] | None = None, max_size: int = 10
) -> list[CPPlan]:
    """Plans of pooled children: repeats, overlaps, same-day duplicates, ends before starts.

    About one plan in four is a real tie: an earlier plan's child, start, referral id and
    end, with its previous_plans, categories and review dates drawn again, so that only
    its content tells it apart.
    """
    made: list[CPPlan] = []
    conferences = [s for s in enquiries or [] if s.icpc_date is not None]
    for _ in range(draw(st.integers(0, max_size))):
        if made and draw(st.integers(0, 3)) == 0:
            base = draw(st.sampled_from(made))
            made.append(
                attrs.evolve(
                    base,
                    previous_plans=draw(st.none() | st.integers(0, 3)),
                    initial_category=draw(st.none() | st.sampled_from(CATEGORIES)),
                    latest_category=draw(st.none() | st.sampled_from(CATEGORIES)),
                    review_dates=draw(
                        st.lists(st.just(base.start_date + dt.timedelta(days=90)), max_size=1)
                    ),
                )
            )
            continue
        choice = draw(st.integers(0, 3))
        if choice == 0 and conferences:
            enquiry = draw(st.sampled_from(conferences))
            assert enquiry.icpc_date is not None
            child = enquiry.child_id
            start = enquiry.icpc_date + dt.timedelta(days=draw(st.sampled_from((0, 0, 1))))
        elif choice == 1 and made:
            base = draw(st.sampled_from(made))
            child = base.child_id
            anchor = base.end_date or base.start_date
            start = anchor if draw(st.booleans()) else draw(near(anchor))
        else:
            child = draw(st.sampled_from(CHILD_POOL))
            start = draw(days())
        end_kind = draw(st.sampled_from(("open", "after", "near", "before")))
        end: dt.date | None
        if end_kind == "open":
            end = None
        elif end_kind == "after":
            end = start + dt.timedelta(days=draw(st.integers(0, 900)))
        elif end_kind == "near":
            end = draw(near(start))
        else:
            end = start - dt.timedelta(days=draw(st.integers(1, 30)))
        made.append(
            CPPlan(
                child_id=child,
                referral_id=draw(st.none() | st.sampled_from(("P1", "P2"))),
                start_date=start,
                end_date=end,
                previous_plans=draw(st.none() | st.integers(0, 3)),
                initial_category=draw(st.none() | st.sampled_from(CATEGORIES)),
            )
        )
    return made


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """A dataset of referrals, enquiries linked to them, and plans following conferences."""
    referrals = draw(referral_lists())
    enquiries = draw(section47_lists(referrals))
    plans = draw(plan_lists(enquiries))
    return Dataset(referrals=referrals, section47s=enquiries, cp_plans=plans)
