"""A local contacts extract: one CSV row per contact, with the day it was decided on.

No DfE return holds contacts with their decision date (the CIN census has no contacts;
Annex A List 1 and the Standard Safeguarding Dataset have no decision date), so the
front-door timeliness measure `contact-decision-1wd` needs an extract from the council's
own case management system. This module reads one, and writes one.
"""

import csv
import datetime as dt
import os
from pathlib import Path

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError, ReadError
from safeguarding_metrics.io._common import DiagnosticLog, shown
from safeguarding_metrics.io._extract import (
    Collected,
    normal_text,
    parse_when,
    read_csv_table,
    text_of,
)
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.records import Child, Contact

__all__ = ["CONTACT_COLUMNS", "read_contacts", "write_contacts"]

CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "child_id": (
        "child_id",
        "child id",
        "child unique id",
        "la child id",
        "lachildid",
        "child",
        "person id",
        "person_id",
        "pers_person_id",
        "cont_person_id",
        "client id",
    ),
    "contact_date": (
        "contact_date",
        "contact date",
        "date of contact",
        "contact received",
        "contact received date",
        "date contact received",
        "received date",
        "cont_contact_date",
    ),
    "decision_date": (
        "decision_date",
        "decision date",
        "contact decision date",
        "date of decision",
        "decision made",
        "date decision made",
        "outcome date",
        "contact outcome date",
        "completed date",
    ),
    "outcome": ("outcome", "contact outcome", "decision", "next step", "next steps"),
    "source": ("source", "contact source", "source of contact", "referrer", "referral source"),
    "birth_date": ("birth_date", "date of birth", "dob", "birth date"),
}
"""Each field of the extract and the column names accepted for it, the written name first.

Names are matched without regard to case, spaces, underscores or punctuation.
"""

_BY_NAME = {normal_text(name): field for field, names in CONTACT_COLUMNS.items() for name in names}
_REQUIRED = ("child_id", "contact_date")


def _known(column: str) -> bool:
    return normal_text(column) in _BY_NAME


def read_contacts(
    path: str | os.PathLike[str],
    *,
    period: ReportingPeriod | None = None,
    strict: bool = False,
) -> Dataset:
    """Read a contacts extract: a CSV file with one row per contact about one child.

    Args:
        path: The CSV file.
        period: The dates the extract covers (all contacts received from its start to its
            end); by default, from its first contact date to its last.
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.

    Returns:
        The contacts (and a `Child` with the birth date, for each child whose row gives
        one), in content order; `diagnostics`; `coverage` (one `ReturnCoverage` of kind
        ``"contacts"``, no collection year); `origins` (file and line of each contact).

    Raises:
        ReadError: The file is missing or unreadable, has no child id or contact date
            column (naming the columns it has), or *strict* and there were problems.
        InvalidOptionError: *period* is not a `ReportingPeriod`.

    Notes:
        - Columns are found by name (`CONTACT_COLUMNS`): child id, contact date, decision
          date, outcome, source, and optionally date of birth. Case, spaces, underscores
          and punctuation do not matter (``Contact Date`` is ``contact_date``); other
          columns are ignored.
        - Dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``, with or without a time (the date
          written is read; ``2024-05-13 16:40`` is 13 May). Empty cells and ``NULL`` are
          missing; ``1900-01-01`` is a placeholder, read as missing and reported.
        - A row without a child id or a valid contact date is dropped and reported; an
          unreadable decision date is reported and read as missing (the contact then counts
          as undecided). A decision dated before its contact is kept: the indicator
          excludes it (``end-before-start``).
        - Every row is a contact: two rows of one child on one day are two contacts.
        - Outcome and source are kept as written (trimmed).
    """
    if period is not None and not isinstance(period, ReportingPeriod):
        raise InvalidOptionError(f"period must be a ReportingPeriod or None, got {period!r}")
    file_path = Path(path)
    if not file_path.is_file():
        raise ReadError(f"{file_path}: no such contacts file")
    log = DiagnosticLog()
    table = read_csv_table(file_path, log, known=_known)
    if table is None:
        raise ReadError(f"{file_path}: the contacts file is empty")
    position: dict[str, int] = {}
    for index, column in enumerate(table.columns):
        field = _BY_NAME.get(normal_text(column))
        if field is not None and field not in position:
            position[field] = index
    missing = [field for field in _REQUIRED if field not in position]
    if missing:
        raise ReadError(
            f"{file_path}: no {' or '.join(m.replace('_', ' ') for m in missing)} column "
            f"(accepted names: {'; '.join(', '.join(CONTACT_COLUMNS[m]) for m in missing)}); "
            f"its columns are: {', '.join(table.columns)}"
        )
    file = table.file
    collected = Collected()
    births: dict[str, set[dt.date]] = {}
    days: list[dt.date] = []
    for line, cells in table.rows:

        def cell(field: str, cells: list[str] = cells) -> str:
            index = position.get(field, -1)
            return text_of(cells[index]) if index >= 0 else ""

        where = f"line {line}"
        child = cell("child_id")
        contact = parse_when(cell("contact_date"))
        if not child:
            log.add(file, where, "child id", "", "missing; the contact was dropped")
            continue
        if contact.day is None:
            problem = contact.problem or "missing"
            log.add(
                file,
                where,
                "contact date",
                shown(cell("contact_date")),
                f"{problem}; the contact was dropped",
            )
            continue
        decision = parse_when(cell("decision_date"))
        if decision.problem:
            log.add(
                file,
                where,
                "decision date",
                shown(cell("decision_date")),
                f"{decision.problem}; the contact was kept as undecided",
            )
        birth = parse_when(cell("birth_date"))
        if birth.problem:
            log.add(file, where, "date of birth", shown(cell("birth_date")), birth.problem)
        elif birth.day is not None:
            births.setdefault(child, set()).add(birth.day)
        collected.add(
            "contacts",
            Contact(
                child_id=child,
                contact_date=contact.day,
                decision_date=decision.day,
                outcome=cell("outcome") or None,
                source=cell("source") or None,
            ),
            file,
            line,
        )
        days.append(contact.day)
    for child, found in sorted(births.items()):
        if len(found) > 1:
            log.add(
                file,
                f"child {child}",
                "date of birth",
                ", ".join(sorted(d.isoformat() for d in found)),
                "the child's rows give different dates of birth; the earliest is kept",
            )
        collected.add("children", Child(child_id=child, birth_date=min(found)), file, 0)
    coverage = Coverage()
    if period is not None or days:
        start, end = (period.start, period.end) if period is not None else (min(days), max(days))
        tables = ["contacts", "children"] if births else ["contacts"]
        coverage = Coverage(
            (
                ReturnCoverage(
                    kind="contacts",
                    path=str(file_path),
                    year=None,
                    start=start,
                    end=end,
                    tables=tables,
                ),
            )
        )
    diagnostics = log.finish(strict=strict, what="contacts extract")
    return collected.dataset(diagnostics=diagnostics, coverage=coverage)


def write_contacts(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write *dataset*'s contacts as a contacts extract that `read_contacts` reads back.

    Args:
        dataset: The records to write.
        path: The CSV file to create (overwritten if it exists).

    Notes:
        - Columns: ``child_id``, ``contact_date``, ``decision_date``, ``outcome``,
          ``source``; dates ``YYYY-MM-DD``; missing values empty.
    """
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["child_id", "contact_date", "decision_date", "outcome", "source"])
        for contact in dataset.contacts:
            writer.writerow(
                [
                    contact.child_id,
                    contact.contact_date.isoformat(),
                    contact.decision_date.isoformat() if contact.decision_date else "",
                    contact.outcome or "",
                    contact.source or "",
                ]
            )
