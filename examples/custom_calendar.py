"""A council's Christmas closure: fewer working days, and a late assessment now on time."""

import datetime as dt

import safeguarding_metrics as sm

d = dt.date
# The council closed on the three working days between Christmas and New Year 2024.
CLOSURE = [d(2024, 12, 27), d(2024, 12, 30), d(2024, 12, 31)]

england = sm.WorkingDayCalendar.england()
local = sm.WorkingDayCalendar.england(extra_closures=CLOSURE)

start, end = d(2024, 12, 20), d(2025, 1, 2)
print(
    f"Working days from {start} to {end}: "
    f"{england.working_days_between(start, end)} on the England calendar, "
    f"{local.working_days_between(start, end)} with the closure"
)

assessments = [
    sm.Assessment(child_id="A", start_date=d(2024, 11, 11), authorisation_date=d(2025, 1, 17))
]
card = sm.INDICATORS["assessment-45wd"]
year = sm.ReportingPeriod.year_ending(2025)
for name, calendar in (("England calendar", england), ("with the closure", local)):
    rate = card.compute(assessments, period=year, calendar=calendar)
    assert rate.audit is not None
    days = int(rate.audit.measures["working_days"][0])
    print(
        f"{name}: {rate.numerator} of {rate.denominator} assessments within 45 working days "
        f"(took {days})"
    )
