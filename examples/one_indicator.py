"""Five assessments in, a rate out: single assessments completed within 45 working days."""

import datetime as dt

import safeguarding_metrics as sm

d = dt.date
assessments = [
    sm.Assessment(child_id="A", start_date=d(2024, 4, 8), authorisation_date=d(2024, 6, 12)),
    sm.Assessment(child_id="B", start_date=d(2024, 4, 8), authorisation_date=d(2024, 6, 13)),
    sm.Assessment(child_id="C", start_date=d(2024, 12, 20), authorisation_date=d(2025, 1, 2)),
    sm.Assessment(child_id="D", start_date=d(2025, 2, 3), authorisation_date=d(2025, 2, 3)),
    sm.Assessment(child_id="E", start_date=d(2024, 3, 1), authorisation_date=d(2024, 3, 28)),
]

rate = sm.INDICATORS["assessment-45wd"].compute(
    assessments, period=sm.ReportingPeriod.year_ending(2025)
)
print(
    f"{rate.numerator} of {rate.denominator} assessments within 45 working days: {rate.value:.1f}%"
)
