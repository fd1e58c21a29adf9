"""A report's settings kept in a file (``report.toml``), for the report a council re-runs each month.

Everything the ``report`` command takes can be written once in a TOML file: the inputs, the
columns, options, closures, population, comparators, titles and the output. Paths are read
relative to the file's folder. Options given on the command line win over the file.
"""

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from safeguarding_metrics.errors import SafeguardingMetricsError

__all__ = ["ReportConfig", "load_config"]


class ConfigError(SafeguardingMetricsError, ValueError):
    """A report settings file is not readable TOML, or holds a setting it should not."""


@attrs.frozen(kw_only=True)
class ReportConfig:
    """The settings of a ``report.toml`` file (each `None` or empty when not set).

    Attributes:
        cin: CIN census files.
        ssda903: SSDA903 folders, as ``DIR`` or ``YEAR=DIR`` texts.
        ssd: A Standard Safeguarding Dataset extract's folder.
        ssd_extract_date: The date the SSD extract was made.
        annex_a: An Ofsted Annex A workbook.
        inspection_date: The inspection date the Annex A lists run to.
        contacts: A local contacts extract.
        closures: A file of local closure days.
        population: The child population, for counts per 10,000.
        comparators: A comparators CSV file.
        columns: Column texts (``"2023-24"``, ``"Q1"``, ``"Q2-ytd"``).
        layout: A named layout (``"quarters-ytd"``).
        as_at: The date the columns are laid out for.
        year_ending: A statutory year to report on.
        compare: ``previous``, ``year-earlier`` or ``none``.
        indicators: Ids to report on.
        skip: Ids to leave out.
        options: Indicator id -> option name -> value.
        title: The report's title.
        format: The output format.
        output: The output file.
        england: Whether to show England's figures.
    """

    cin: tuple[Path, ...] = ()
    ssda903: tuple[str, ...] = ()
    ssd: Path | None = None
    ssd_extract_date: dt.date | None = None
    annex_a: Path | None = None
    inspection_date: dt.date | None = None
    contacts: Path | None = None
    closures: Path | None = None
    population: int | None = None
    comparators: Path | None = None
    columns: tuple[str, ...] = ()
    layout: str | None = None
    as_at: dt.date | None = None
    year_ending: int | None = None
    compare: str | None = None
    indicators: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    options: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    title: str | None = None
    format: str | None = None
    output: Path | None = None
    england: bool | None = None


_SECTIONS = {
    "title": "",
    "inputs": (
        "cin",
        "ssda903",
        "ssd",
        "ssd_extract_date",
        "annex_a",
        "inspection_date",
        "contacts",
        "closures",
        "population",
        "comparators",
    ),
    "report": (
        "columns",
        "layout",
        "as_at",
        "year_ending",
        "compare",
        "indicators",
        "skip",
        "format",
        "output",
        "england",
    ),
    "options": "",
}


def _kind(path: Path, name: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise ConfigError(f"{path}: {name} must be a {expected}, got {value!r}")
    return value


def _strings(path: Path, name: str, value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else _kind(path, name, value, list)
    for item in items:
        _kind(path, f"each of {name}", item, str)
    return tuple(items)


def _day(path: Path, name: str, value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"{path}: {name} {value!r} is not a date") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ConfigError(f"{path}: {name} must be a date such as 2024-09-30, got {value!r}")
    return value


def load_config(path: str | os.PathLike[str]) -> ReportConfig:
    """Read a ``report.toml`` file.

    Example::

        title = "Children's services: Cabinet report"

        [inputs]
        cin = ["returns/cin-2024.xml", "returns/cin-2025.xml"]
        ssda903 = { 2024 = "returns/903/2024", 2025 = "returns/903/2025" }
        closures = "closures.txt"
        population = 45000
        comparators = "neighbours.csv"
        # In-year sources: ssd = "extract/", ssd_extract_date = 2024-09-30,
        # annex_a = "annex-a.xlsx", inspection_date = 2024-10-14, contacts = "contacts.csv"

        [report]
        layout = "quarters-ytd"
        as_at = 2024-09-30
        compare = "previous"
        skip = ["initial-assessment-10wd", "core-assessment-35wd"]
        format = "html"
        output = "cabinet.html"

        [options]
        "assessment-45wd" = { anchor = "referral" }

    Raises:
        ConfigError: The file is not TOML, or a setting is unknown or of the wrong type.
    """
    file = Path(path)
    try:
        document = tomllib.loads(file.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise ConfigError(f"{file}: cannot be read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: not a readable TOML file: {error}") from None
    folder = file.parent
    unknown = sorted(set(document) - set(_SECTIONS))
    if unknown:
        raise ConfigError(
            f"{file}: unknown setting {', '.join(unknown)}; the file takes title and the "
            "tables [inputs], [report] and [options]"
        )
    values: dict[str, Any] = {}
    if "title" in document:
        values["title"] = _kind(file, "title", document["title"], str)
    for section in ("inputs", "report"):
        table = _kind(file, f"[{section}]", document.get(section, {}), dict)
        allowed = _SECTIONS[section]
        extra = sorted(set(table) - set(allowed))
        if extra:
            raise ConfigError(
                f"{file}: [{section}] has no setting {', '.join(extra)}; it takes "
                f"{', '.join(allowed)}"
            )
        values.update(table)
    settings: dict[str, Any] = {}
    if "title" in values:
        settings["title"] = values["title"]
    if "cin" in values:
        settings["cin"] = tuple(folder / p for p in _strings(file, "cin", values["cin"]))
    if "ssda903" in values:
        given = values["ssda903"]
        if isinstance(given, dict):
            settings["ssda903"] = tuple(
                f"{year}={folder / _kind(file, f'ssda903.{year}', where, str)}"
                for year, where in given.items()
            )
        else:
            settings["ssda903"] = tuple(str(folder / p) for p in _strings(file, "ssda903", given))
    for name in ("closures", "comparators", "output", "ssd", "annex_a", "contacts"):
        if name in values:
            settings[name] = folder / _kind(file, name, values[name], str)
    for name in ("ssd_extract_date", "inspection_date"):
        if name in values:
            settings[name] = _day(file, name, values[name])
    if "population" in values:
        settings["population"] = _kind(file, "population", values["population"], int)
    for name in ("columns", "indicators", "skip"):
        if name in values:
            settings[name] = _strings(file, name, values[name])
    for name in ("layout", "compare", "format"):
        if name in values:
            settings[name] = _kind(file, name, values[name], str)
    if "as_at" in values:
        settings["as_at"] = _day(file, "as_at", values["as_at"])
    if "year_ending" in values:
        settings["year_ending"] = _kind(file, "year_ending", values["year_ending"], int)
    if "england" in values:
        settings["england"] = _kind(file, "england", values["england"], bool)
    options = _kind(file, "[options]", document.get("options", {}), dict)
    for indicator_id, table in options.items():
        _kind(file, f"[options] {indicator_id}", table, dict)
    settings["options"] = options
    return ReportConfig(**settings)
