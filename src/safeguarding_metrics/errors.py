"""The errors raised by safeguarding_metrics."""


class SafeguardingMetricsError(Exception):
    """Base class of every error this library raises on purpose."""


class InvalidRecordError(SafeguardingMetricsError, ValueError):
    """A record was given a value of the wrong type or shape."""


class CalendarCoverageError(SafeguardingMetricsError, ValueError):
    """A date lies outside the dates a working-day calendar covers."""


class InvalidOptionError(SafeguardingMetricsError, ValueError):
    """An indicator was given an option it does not have, or a value it does not accept."""


class InvalidPeriodError(SafeguardingMetricsError, ValueError):
    """A reporting period was asked for with impossible bounds."""


class ReadError(SafeguardingMetricsError):
    """A return could not be read at all (see `Dataset.diagnostics` for problems that could)."""
