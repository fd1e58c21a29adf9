"""Ofsted's Annex A (ILACS): the child-level lists a council gives inspectors, read from Excel.

At the start of an inspection of local authority children's services, a council hands
Ofsted one workbook with a sheet per list: ``List 1`` (contacts) to ``List 11`` (adopters),
each covering the six months before the inspection date (some lists: the point of
inspection). This module reads the lists that hold the library's records and writes a
workbook of them. Reading and writing need the optional extra ``excel`` (openpyxl).
"""

import datetime as dt
import importlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io._codes import (
    ABUSE_CATEGORY,
    ACCOMMODATION_LETTER,
    ACTIVITY,
    CLOSURE_REASON,
    CODE_TABLES,
    IN_TOUCH,
    LEGAL_STATUS,
    PLACEMENT,
    PRIMARY_NEED,
    REASON_CEASED,
    REFERRAL_SOURCE,
    SUITABILITY,
)
from safeguarding_metrics.io._common import DiagnosticLog, shown
from safeguarding_metrics.io._extract import (
    CodeTable,
    Collected,
    by_content,
    check_date,
    content_key,
    normal_text,
    parse_when,
    referral_ids,
    text_of,
    yes_no,
)
from safeguarding_metrics.periods import ReportingPeriod, add_months
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.records import (
    Assessment,
    CareLeaver,
    Child,
    Contact,
    CPPlan,
    Episode,
    LACReview,
    Referral,
    Section47,
)

__all__ = ["HEADINGS", "annex_a_period", "read_annex_a", "write_annex_a"]

_LETTER = re.compile(r"^\s*[a-z][0-9]?\)\s*", re.IGNORECASE)

# Each list's fields and the headings they are matched by (regular expressions searched in
# the heading after `normal_text`), in the order they are tried; the written heading first
# in `_WRITTEN`. A heading is taken by the first field whose pattern it matches.
_COMMON: tuple[tuple[str, str], ...] = (
    ("child_id", r"\bchild\b.*\b(id|identifier)\b|^(la )?child id|unique id|^id$"),
    ("sex", r"\bgender\b|\bsex\b"),
    ("ethnicity", r"ethnic"),
    ("birth_date", r"date of birth|birth date|\bdob\b"),
)
HEADINGS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (
        *_COMMON,
        ("contact_date", r"date of contact|contact date"),
        ("source", r"source"),
        ("decision_date", r"decision"),
        ("outcome", r"outcome"),
    ),
    3: (
        *_COMMON,
        ("referral_date", r"date.*referral|referral date"),
        ("source", r"source"),
        ("nfa", r"\bnfa\b|no further action"),
    ),
    4: (
        *_COMMON,
        ("start_date", r"start"),
        ("authorisation_date", r"authori[sz]ation|authori[sz]ed|completion|completed"),
    ),
    5: (
        *_COMMON,
        ("icpc_date", r"date.*(initial child protection conference|icpc)"),
        ("not_required", r"unnecessary|not required"),
        ("start_date", r"strategy|start"),
    ),
    6: (
        *_COMMON,
        ("start_date", r"cin start|start date"),
        ("primary_need", r"primary need|category of need"),
        ("closure_reason", r"reason.*closure|closure reason"),
        ("closure_date", r"closure date|date.*closed|closure"),
    ),
    7: (
        *_COMMON,
        ("start_date", r"plan start|start date"),
        ("initial_category", r"initial category"),
        ("latest_category", r"latest category"),
        ("review_date", r"review"),
        ("end_date", r"plan end|end date"),
        ("previous_plans", r"previous"),
    ),
    8: (
        *_COMMON,
        ("care_start", r"started to be looked after|date.*(entered|started).*care"),
        ("category_of_need", r"category of need"),
        ("legal_status_start", r"start.*legal status"),
        ("legal_status", r"legal status"),
        ("review_date", r"statutory review|latest.*review"),
        ("ceased_date", r"date.*ceased"),
        ("reason_ceased", r"reason.*ceased"),
        ("placement_start", r"start.*placement"),
        ("placement", r"placement type"),
        ("provider", r"placement provider|provider"),
        ("postcode", r"postcode"),
        ("urn", r"\burn\b"),
    ),
    9: (
        *_COMMON,
        ("in_touch", r"in touch"),
        ("accommodation", r"type of accommodation|accommodation type"),
        ("suitability", r"suitab"),
        ("activity", r"activity"),
    ),
}
"""Per list read: its fields and the heading patterns that find them (searched, any case)."""

_WRITTEN: dict[str, str] = {
    "child_id": "Child Unique ID",
    "sex": "Gender",
    "ethnicity": "Ethnicity",
    "birth_date": "Date of Birth",
    "contact_date": "Date of Contact",
    "source": "Contact Source",
    "referral_date": "Date of Referral",
    "nfa": "Referral NFA?",
    "authorisation_date": "Continuous Assessment Date of Authorisation",
    "icpc_date": "Date of Initial Child Protection Conference",
    "not_required": "Was an Initial Child Protection Conference deemed unnecessary?",
    "primary_need": "Primary Need Code",
    "closure_date": "CIN Closure Date",
    "closure_reason": "Reason for Closure",
    "initial_category": "Initial Category of Abuse",
    "latest_category": "Latest Category of Abuse",
    "end_date": "Child Protection Plan End Date",
    "previous_plans": "Number of Previous Child Protection Plans",
    "care_start": "Date Started to be Looked After",
    "category_of_need": "Child's Category of Need",
    "legal_status": "Child's Legal Status",
    "ceased_date": "Date Ceased to be Looked After",
    "reason_ceased": "Reason Ceased to be Looked After",
    "placement": "Placement Type",
    "provider": "Placement Provider",
    "postcode": "Placement postcode",
    "urn": "URN of Placement",
    "legal_status_start": "Start date of current legal status",
    "placement_start": "Start Date of Most Recent Placement",
    "in_touch": "LA in Touch",
    "accommodation": "Type of Accommodation",
    "suitability": "Suitability of Accommodation",
    "activity": "Activity Status",
}
_WRITTEN_IN: dict[tuple[int, str], str] = {
    (3, "source"): "Referral Source",
    (4, "start_date"): "Continuous Assessment Start Date",
    (5, "start_date"): "Strategy discussion initiating Section 47 Enquiry Start Date",
    (6, "start_date"): "CIN Start Date",
    (7, "start_date"): "Child Protection Plan Start Date",
    (7, "review_date"): "Date of latest review conference",
    (8, "review_date"): "Date of Latest Statutory Review",
}

_REQUIRED: dict[int, tuple[str, ...]] = {
    1: ("child_id", "contact_date"),
    3: ("child_id", "referral_date"),
    4: ("child_id", "start_date"),
    5: ("child_id", "start_date"),
    6: ("child_id", "start_date"),
    7: ("child_id", "start_date"),
    8: ("child_id", "care_start"),
    9: ("child_id", "birth_date"),
}
_WHAT = {
    1: "contact",
    3: "referral",
    4: "assessment",
    5: "enquiry",
    6: "CIN episode",
    7: "plan",
    8: "child in care",
    9: "care leaver",
}
# The collections each list holds records of (List 8's reviews are covered separately).
_TABLES: dict[int, tuple[str, ...]] = {
    1: ("contacts",),
    3: ("referrals",),
    4: ("assessments",),
    5: ("section47s",),
    6: ("referrals",),
    7: ("cp_plans",),
    8: ("episodes",),
    9: ("care_leavers",),
}
_NOT_READ = {
    2: "early help",
    10: "adoption (children)",
    11: "adopters",
}
_SEX = {"male": "1", "m": "1", "1": "1", "female": "2", "f": "2", "2": "2"}
_SEX |= {"not stated recorded": "0", "not stated": "0", "not recorded": "0", "unknown": "0"}
_SEX |= {"u": "0", "0": "0", "neither": "9", "9": "9"}
_SEX_WRITTEN = {"1": "a) Male", "2": "b) Female", "0": "c) Not stated/recorded", "9": "d) Neither"}

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
_LAST_SERIAL = 2_958_465  # 31 December 9999


def annex_a_period(inspection_date: dt.date) -> ReportingPeriod:
    """The six months an Annex A covers: from six months before the inspection date to it.

    Examples:
        >>> str(annex_a_period(dt.date(2025, 3, 10)))
        '2024-09-10 to 2025-03-10'
    """
    return ReportingPeriod.between(add_months(inspection_date, -6), inspection_date)


def _openpyxl() -> Any:
    try:
        return importlib.import_module("openpyxl")
    except ImportError:
        raise ReadError(
            "reading or writing Annex A workbooks needs openpyxl: "
            "pip install 'safeguarding-metrics[excel]'"
        ) from None


PARTIAL_LISTS: dict[int, dict[str, str]] = {
    1: {"contacts.decision_date": "no decision date of a contact"},
    7: {"cp_plans.review_dates": "each plan's latest review only"},
    8: {
        "episodes.history": "one row per child, no placement history",
        "lac_reviews.review_date": "each child's latest review only",
    },
}
"""What each list holds only in part (`ReturnCoverage.partial`): field -> what is missing."""


@attrs.define
class _Sheet:
    """One list as read: its sheet, its fields' columns and its rows."""

    number: int
    name: str
    columns: dict[str, int]
    headings: dict[str, str]
    rows: list[tuple[int, tuple[Any, ...]]]


def read_annex_a(
    path: str | os.PathLike[str],
    inspection_date: dt.date,
    *,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    strict: bool = False,
) -> Dataset:
    """Read an Annex A workbook: the lists that hold contacts, referrals, plans and care.

    Args:
        path: The ``.xlsx`` workbook.
        inspection_date: The inspection's date: the lists cover the six months before it
            (`annex_a_period`).
        codes: A council's own descriptions, per code table (as `read_ssd` takes them).
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.

    Returns:
        Children (from every list), contacts (List 1), referrals (List 3, with List 6's
        CIN episodes), assessments (List 4), section 47 enquiries (List 5), child protection
        plans (List 7), episodes and looked-after reviews (List 8) and care leavers
        (List 9), each collection in content order; `diagnostics`; `coverage`, one
        `ReturnCoverage` of kind ``"annex-a"`` per list read; `origins` (the sheet and
        row of each record, as ``"<workbook> [List n]"`` and the row number).

    Raises:
        ReadError: openpyxl is not installed; the file is missing or not a workbook; it
            holds none of the lists read here; a list lacks a heading it cannot be read
            without (its child id and the date that places its records, named); *codes*
            names an unknown table; or *strict* and there were problems.
        InvalidOptionError: *inspection_date* is not a date.

    Notes:
        - Sheets are found by name, leniently: ``List 1``, ``list1``, ``List 1 -
          Contacts``. Lists 2, 10 and 11 (early help, adoption, adopters) hold nothing the
          library reads and are reported as passed over.
        - Headings drift between councils, so each field is found by a pattern searched in
          the heading (`HEADINGS`), any case, punctuation ignored; the heading row is the
          first of the sheet's first ten rows that holds the child id heading. A field a
          list usually has and this one does not is reported once.
        - Dates are Excel date cells, Excel serial numbers (days since 30 December 1899,
          or 1 January 1904 in a workbook so set), or text ``DD/MM/YYYY`` or ``YYYY-MM-DD``
          (with or without a time). ``1900-01-01`` is a placeholder, read as missing.
        - Lettered codes are read without their letter: ``a) Male`` is sex ``1``,
          ``q) 6: Police`` source ``6``, ``a) Yes`` true. Codes then go through the same
          tables as the SSD reader's (code, code with description, DfE description, or
          *codes*); anything else is reported and read as missing.
        - List 1 gives contacts with no decision date (Annex A has none; a column headed
          "decision" is read when a council adds one). List 3 gives referrals; List 6's
          CIN episodes are matched to them by child and start date (closure date, reason
          and primary need added), and one with no referral that day becomes a referral
          of its own, reported when it starts inside the six months.
        - Lists 4 and 5 name no referral: an assessment or enquiry is linked to the
          child's latest referral on or before its start.
        - List 7 gives each plan's latest review only (held as its one review date) and
          its number of previous plans.
        - List 8 gives one row per child: one episode from the start of the period of care
          (reason ``S``) to the date care ceased, with the latest legal status, placement
          and reason ceased; and the latest statutory review as a looked-after review. It
          holds no episode history: placement moves and stability cannot be told from it.
        - List 9 gives care leavers as at the inspection (their current status, not the
          SSDA903's record around the birthday); the accommodation code joins the type
          and the suitability (``D`` and ``1`` is ``D1``).
        - Coverage: each list covers the six months to the inspection date for its
          collection; List 8's reviews (the latest only) cover the inspection day alone,
          so a review timeliness figure over the six months is not supported.
        - Dropped and reported: a row without a child id, or without the date that places
          its record. Nothing depends on the order of rows: each collection is in content
          order.

    References:
        - Ofsted, Inspecting local authority children's services (ILACS), Annex A.
        - SocialFinanceDigitalLabs/liia-tools-pipeline, Annex A schema (headings, codes).
    """
    check_date(inspection_date, "inspection_date")
    if codes:
        unknown = sorted(set(codes) - set(CODE_TABLES))
        if unknown:
            raise ReadError(
                f"codes= names no code table: {', '.join(unknown)} "
                f"(the tables are {', '.join(CODE_TABLES)})"
            )
    reader = _Reader(Path(path), inspection_date, codes or {})
    return reader.read(strict=strict)


def _sheet_number(title: str) -> int | None:
    match = re.match(r"\s*list\s*([0-9]{1,2})(?![0-9])", title, re.IGNORECASE)
    return int(match[1]) if match else None


class _Reader:
    def __init__(
        self, path: Path, inspection_date: dt.date, codes: Mapping[str, Mapping[str, str]]
    ) -> None:
        self.path = path
        self.file = str(path)
        self.inspection = inspection_date
        self.period = annex_a_period(inspection_date)
        self.codes = codes
        self.log = DiagnosticLog()
        self.collected = Collected()
        self.epoch = _EXCEL_EPOCH
        self.children: dict[str, list[tuple[Child, str, int]]] = {}
        self.referral_rows: list[tuple[Referral, str, int]] = []
        self.referral_days: dict[str, list[tuple[dt.date, str]]] = {}

    def _where(self, sheet: _Sheet) -> str:
        return f"{self.file} [{sheet.name}]"

    def read(self, *, strict: bool) -> Dataset:
        sheets = self._sheets()
        lists_read: list[int] = []
        for number in sorted(sheets):
            sheet = sheets[number]
            {
                1: self._contacts,
                3: self._referrals,
                4: self._assessments,
                5: self._section47s,
                6: self._cin,
                7: self._cp_plans,
                8: self._looked_after,
                9: self._care_leavers,
            }[number](sheet)
            lists_read.append(number)
        self._link_referrals()
        self._children()
        coverage = self._coverage(lists_read, sheets)
        diagnostics = self.log.finish(strict=strict, what="Annex A workbook")
        return self.collected.dataset(diagnostics=diagnostics, coverage=coverage)

    # -- the workbook ------------------------------------------------------------------------

    def _sheets(self) -> dict[int, _Sheet]:
        openpyxl = _openpyxl()
        if not self.path.is_file():
            raise ReadError(f"{self.path}: no such Annex A workbook")
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a file that is no workbook
            raise ReadError(
                f"{self.path}: not an Excel workbook that can be read ({type(error).__name__}: "
                f"{shown(str(error), 200)})"
            ) from None
        try:
            if getattr(book, "epoch", None) is not None and book.epoch.year == 1904:
                self.epoch = _EXCEL_EPOCH_1904
            sheets: dict[int, _Sheet] = {}
            for worksheet in book.worksheets:
                title = str(worksheet.title)
                number = _sheet_number(title)
                if number is None or number not in HEADINGS:
                    what = (
                        f"List {number} ({_NOT_READ[number]}): nothing in it is read"
                        if number in _NOT_READ
                        else "a sheet that is no list read here"
                    )
                    self.log.add(self.file, f"sheet {title}", "", "", f"{what}; passed over")
                    continue
                if number in sheets:
                    self.log.add(
                        self.file,
                        f"sheet {title}",
                        "",
                        sheets[number].name,
                        "a second sheet for this list (the value names the first); ignored",
                    )
                    continue
                sheets[number] = self._read_sheet(number, title, worksheet)
        except ReadError:
            raise
        except Exception as error:  # openpyxl raises many kinds on a damaged workbook
            raise ReadError(
                f"{self.path}: the workbook cannot be read ({type(error).__name__}: "
                f"{shown(str(error), 200)})"
            ) from None
        finally:
            book.close()
        if not sheets:
            raise ReadError(
                f"{self.path}: no Annex A list read here found (expected sheets named "
                "List 1, List 3 to List 9)"
            )
        return sheets

    def _read_sheet(self, number: int, title: str, worksheet: Any) -> _Sheet:
        rows = worksheet.iter_rows(values_only=True)
        heading_row = 0
        headings: tuple[Any, ...] = ()
        patterns = HEADINGS[number]
        buffered: list[tuple[Any, ...]] = []
        for index, values in enumerate(rows, start=1):
            buffered.append(tuple(values))
            texts = [normal_text(text_of(v)) for v in values]
            if any(re.search(patterns[0][1], t) for t in texts if t):
                heading_row, headings = index, tuple(values)
                break
            if index >= 10:
                break
        if not heading_row:
            raise ReadError(
                f"{self.path}: sheet {title!r} has no Child Unique ID heading in its first ten "
                "rows, which it cannot be read without"
            )
        columns: dict[str, int] = {}
        names: dict[str, str] = {}
        for position, heading in enumerate(headings):
            text = normal_text(text_of(heading))
            if not text:
                continue
            for field, pattern in patterns:
                if field not in columns and re.search(pattern, text):
                    columns[field] = position
                    names[field] = text_of(heading)
                    break
        where = f"sheet {title}"
        for field in _REQUIRED[number]:
            if field not in columns:
                raise ReadError(
                    f"{self.path}: sheet {title!r} has no heading for {field.replace('_', ' ')} "
                    f"(matched by /{dict(patterns)[field]}/), which it cannot be read "
                    f"without; its headings: {', '.join(text_of(h) for h in headings if text_of(h))}"
                )
        for field, _ in patterns:
            if field not in columns and field not in ("decision_date", "outcome"):
                self.log.add(
                    self.file,
                    where,
                    field,
                    "",
                    "no heading found for this field in the list; read as missing",
                )
        data: list[tuple[int, tuple[Any, ...]]] = []
        for index, values in enumerate(rows, start=heading_row + 1):
            if any(text_of(v) for v in values):
                data.append((index, tuple(values)))
        return _Sheet(number, title, columns, names, data)

    # -- cells ---------------------------------------------------------------------------------

    def _cell(self, sheet: _Sheet, values: tuple[Any, ...], field: str) -> Any:
        position = sheet.columns.get(field, -1)
        if position < 0 or position >= len(values):
            return None
        return values[position]

    def _text(self, sheet: _Sheet, values: tuple[Any, ...], field: str) -> str:
        value = self._cell(sheet, values, field)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return text_of(value)

    def _date(
        self, sheet: _Sheet, line: int, values: tuple[Any, ...], field: str
    ) -> tuple[dt.date | None, str]:
        """The date in a cell, and the problem reading it (``""`` when none)."""
        value = self._cell(sheet, values, field)
        if value is None:
            return None, ""
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        elif isinstance(value, bool):
            return None, "not a date; read as missing"
        elif isinstance(value, int | float):
            if not 1 <= value <= _LAST_SERIAL:
                return None, "not an Excel date serial number; read as missing"
            day = self.epoch + dt.timedelta(days=int(value))
        else:
            when = parse_when(str(value))
            if when.problem:
                return None, when.problem
            return when.day, ""
        if day == dt.date(1900, 1, 1):
            return None, "the placeholder day 1900-01-01 stands for a missing date; read as missing"
        return day, ""

    def _day(
        self, sheet: _Sheet, line: int, values: tuple[Any, ...], field: str, *, missing: str = ""
    ) -> dt.date | None:
        day, problem = self._date(sheet, line, values, field)
        if problem:
            self._note(
                sheet, line, field, shown(text_of(self._cell(sheet, values, field))), problem
            )
        elif day is None and missing:
            self._note(sheet, line, field, "", f"missing; {missing}")
        return day

    def _note(self, sheet: _Sheet, line: int, field: str, value: str, problem: str) -> None:
        self.log.add(
            self.file, f"{sheet.name} row {line}", sheet.headings.get(field, field), value, problem
        )

    def _code(
        self,
        sheet: _Sheet,
        line: int,
        values: tuple[Any, ...],
        field: str,
        table: CodeTable,
        name: str,
    ) -> str | None:
        text = self._text(sheet, values, field)
        if not text:
            return None
        bare = _LETTER.sub("", text)
        code = table.code(bare, self.codes.get(name))
        if code is None:
            self._note(sheet, line, field, shown(text), table.problem())
        return code

    def _flag(self, sheet: _Sheet, line: int, values: tuple[Any, ...], field: str) -> bool | None:
        text = self._text(sheet, values, field)
        if not text:
            return None
        flag = yes_no(_LETTER.sub("", text))
        if flag is None:
            self._note(sheet, line, field, shown(text), "not Yes/No; read as missing")
        return flag

    def _identity(
        self, sheet: _Sheet, line: int, values: tuple[Any, ...], key: str
    ) -> tuple[str, dt.date] | None:
        """The row's child and key date, or `None` (reported) when it has not both."""
        child = self._text(sheet, values, "child_id")
        what = _WHAT[sheet.number]
        if not child:
            self._note(sheet, line, "child_id", "", f"missing; the {what} was dropped")
            return None
        day, problem = self._date(sheet, line, values, key)
        if day is None:
            text = text_of(self._cell(sheet, values, key))
            self._note(
                sheet, line, key, shown(text), f"{problem or 'missing'}; the {what} was dropped"
            )
            return None
        self._child(sheet, line, values, child)
        return child, day

    def _child(self, sheet: _Sheet, line: int, values: tuple[Any, ...], child: str) -> None:
        sex_text = _LETTER.sub("", self._text(sheet, values, "sex"))
        sex = _SEX.get(normal_text(sex_text)) if sex_text else None
        if sex_text and sex is None:
            self._note(sheet, line, "sex", shown(sex_text), "not a known gender; read as missing")
        ethnicity = _LETTER.sub("", self._text(sheet, values, "ethnicity")).upper()
        ethnicity = re.split(r"[^A-Z]", ethnicity, maxsplit=1)[0] if ethnicity else ""
        birth = self._day(sheet, line, values, "birth_date")
        self.children.setdefault(child, []).append(
            (
                Child(child_id=child, birth_date=birth, sex=sex, ethnicity=ethnicity or None),
                f"{self._where(sheet)}",
                line,
            )
        )

    # -- the lists ----------------------------------------------------------------------------

    def _contacts(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "contact_date")
            if found is None:
                continue
            child, day = found
            self.collected.add(
                "contacts",
                Contact(
                    child_id=child,
                    contact_date=day,
                    decision_date=self._day(sheet, line, values, "decision_date"),
                    outcome=_LETTER.sub("", self._text(sheet, values, "outcome")) or None,
                    source=self._code(sheet, line, values, "source", REFERRAL_SOURCE, "source"),
                ),
                self._where(sheet),
                line,
            )

    def _referrals(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "referral_date")
            if found is None:
                continue
            child, day = found
            nfa = self._flag(sheet, line, values, "nfa")
            if nfa is None and "nfa" in sheet.columns and not self._text(sheet, values, "nfa"):
                self._note(sheet, line, "nfa", "", "missing; read as No")
            self.referral_rows.append(
                (
                    Referral(
                        referral_id="-",
                        child_id=child,
                        referral_date=day,
                        source=self._code(sheet, line, values, "source", REFERRAL_SOURCE, "source"),
                        nfa=bool(nfa),
                    ),
                    self._where(sheet),
                    line,
                )
            )

    def _cin(self, sheet: _Sheet) -> None:
        by_day: dict[tuple[str, dt.date], list[int]] = {}
        for index, (referral, _, _) in enumerate(self.referral_rows):
            by_day.setdefault((referral.child_id, referral.referral_date), []).append(index)
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "start_date")
            if found is None:
                continue
            child, day = found
            closure = self._day(sheet, line, values, "closure_date")
            reason = self._code(
                sheet, line, values, "closure_reason", CLOSURE_REASON, "closure_reason"
            )
            need = self._code(sheet, line, values, "primary_need", PRIMARY_NEED, "primary_need")
            matches = by_day.get((child, day), [])
            if matches:
                for index in matches:
                    referral, where, at = self.referral_rows[index]
                    self.referral_rows[index] = (
                        attrs.evolve(
                            referral, closure_date=closure, closure_reason=reason, primary_need=need
                        ),
                        where,
                        at,
                    )
                continue
            if day >= self.period.start:
                self._note(
                    sheet,
                    line,
                    "start_date",
                    day.isoformat(),
                    "a CIN episode starting in the six months with no List 3 referral of the "
                    "child that day; read as a referral of its own",
                )
            self.referral_rows.append(
                (
                    Referral(
                        referral_id="-",
                        child_id=child,
                        referral_date=day,
                        closure_date=closure,
                        closure_reason=reason,
                        primary_need=need,
                    ),
                    self._where(sheet),
                    line,
                )
            )

    def _link_referrals(self) -> None:
        rows = self.referral_rows
        ids, seconds = referral_ids(
            [
                (r.child_id, r.referral_date, content_key(attrs.astuple(r, recurse=False)))
                for r, _, _ in rows
            ]
        )
        for index in seconds:
            referral, where, line = rows[index]
            self.log.add(
                self.file,
                f"{where.rpartition('[')[2].rstrip(']')} row {line}",
                "referral date",
                referral.referral_date.isoformat(),
                "a second referral of the child on the same date; kept under its own id",
            )
        for (referral, where, line), referral_id in zip(rows, ids, strict=True):
            self.collected.add(
                "referrals", attrs.evolve(referral, referral_id=referral_id), where, line
            )
            self.referral_days.setdefault(referral.child_id, []).append(
                (referral.referral_date, referral_id)
            )
        for table in ("assessments", "section47s"):
            items = self.collected.tables.get(table, [])
            for index, (record, where, line) in enumerate(items):
                linked = self._referral_before(record.child_id, record.start_date)
                if linked is not None:
                    items[index] = (attrs.evolve(record, referral_id=linked), where, line)

    def _referral_before(self, child: str, day: dt.date | None) -> str | None:
        if day is None:
            return None
        earlier = [item for item in self.referral_days.get(child, []) if item[0] <= day]
        return max(earlier)[1] if earlier else None

    def _started(
        self, sheet: _Sheet, line: int, values: tuple[Any, ...]
    ) -> tuple[str, dt.date | None] | None:
        """The row's child and start date, kept missing (reported) when it has none."""
        child = self._text(sheet, values, "child_id")
        if not child:
            what = _WHAT[sheet.number]
            self._note(sheet, line, "child_id", "", f"missing; the {what} was dropped")
            return None
        self._child(sheet, line, values, child)
        start = self._day(
            sheet,
            line,
            values,
            "start_date",
            missing=f"the {_WHAT[sheet.number]} was kept without a start date",
        )
        return child, start

    def _assessments(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._started(sheet, line, values)
            if found is None:
                continue
            child, day = found
            self.collected.add(
                "assessments",
                Assessment(
                    child_id=child,
                    start_date=day,
                    authorisation_date=self._day(sheet, line, values, "authorisation_date"),
                ),
                self._where(sheet),
                line,
            )

    def _section47s(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._started(sheet, line, values)
            if found is None:
                continue
            child, day = found
            self.collected.add(
                "section47s",
                Section47(
                    child_id=child,
                    start_date=day,
                    icpc_date=self._day(sheet, line, values, "icpc_date"),
                    icpc_not_required=bool(self._flag(sheet, line, values, "not_required")),
                ),
                self._where(sheet),
                line,
            )

    def _cp_plans(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "start_date")
            if found is None:
                continue
            child, day = found
            review = self._day(sheet, line, values, "review_date")
            previous_text = self._text(sheet, values, "previous_plans")
            previous: int | None = None
            if previous_text:
                if previous_text.isascii() and previous_text.isdigit() and len(previous_text) < 10:
                    previous = int(previous_text)
                else:
                    self._note(
                        sheet,
                        line,
                        "previous_plans",
                        shown(previous_text),
                        "not a whole number >= 0; read as missing",
                    )
            self.collected.add(
                "cp_plans",
                CPPlan(
                    child_id=child,
                    start_date=day,
                    end_date=self._day(sheet, line, values, "end_date"),
                    previous_plans=previous,
                    initial_category=self._code(
                        sheet, line, values, "initial_category", ABUSE_CATEGORY, "category"
                    ),
                    latest_category=self._code(
                        sheet, line, values, "latest_category", ABUSE_CATEGORY, "category"
                    ),
                    review_dates=(review,) if review is not None else (),
                ),
                self._where(sheet),
                line,
            )

    def _looked_after(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "care_start")
            if found is None:
                continue
            child, day = found
            self._day(sheet, line, values, "legal_status_start")
            self._day(sheet, line, values, "placement_start")
            legal = self._code(sheet, line, values, "legal_status", LEGAL_STATUS, "legal_status")
            placement = self._code(sheet, line, values, "placement", PLACEMENT, "placement")
            self.collected.add(
                "episodes",
                Episode(
                    child_id=child,
                    start=day,
                    end=self._day(sheet, line, values, "ceased_date"),
                    reason_new="S",
                    legal_status=legal or "",
                    placement=placement or "",
                    reason_ceased=self._code(
                        sheet, line, values, "reason_ceased", REASON_CEASED, "reason_ceased"
                    ),
                    provider=_LETTER.sub("", self._text(sheet, values, "provider")).split(" ")[0]
                    or None,
                    postcode=self._text(sheet, values, "postcode") or None,
                    urn=self._text(sheet, values, "urn") or None,
                    category_of_need=self._code(
                        sheet, line, values, "category_of_need", PRIMARY_NEED, "primary_need"
                    ),
                ),
                self._where(sheet),
                line,
            )
            review = self._day(sheet, line, values, "review_date")
            if review is not None:
                self.collected.add(
                    "lac_reviews",
                    LACReview(child_id=child, review_date=review),
                    self._where(sheet),
                    line,
                )

    def _care_leavers(self, sheet: _Sheet) -> None:
        for line, values in sheet.rows:
            found = self._identity(sheet, line, values, "birth_date")
            if found is None:
                continue
            child, birth = found
            letter = self._code(
                sheet, line, values, "accommodation", ACCOMMODATION_LETTER, "accommodation"
            )
            accommodation = letter
            if letter is not None and letter != "0":
                suitable = self._code(
                    sheet, line, values, "suitability", SUITABILITY, "suitability"
                )
                accommodation = letter + (suitable or "")
            self.collected.add(
                "care_leavers",
                CareLeaver(
                    child_id=child,
                    birth_date=birth,
                    in_touch=self._code(sheet, line, values, "in_touch", IN_TOUCH, "in_touch"),
                    activity=self._code(sheet, line, values, "activity", ACTIVITY, "activity"),
                    accommodation=accommodation,
                ),
                self._where(sheet),
                line,
            )

    def _children(self) -> None:
        for child, rows in self.children.items():
            distinct = sorted(
                {row[0] for row in rows},
                key=lambda c: by_content(attrs.astuple(c, recurse=False)),
            )
            kept = distinct[0]
            origin = min((where, line) for record, where, line in rows if record == kept)
            if len(distinct) > 1:
                self.log.add(
                    self.file,
                    f"child {child}",
                    "Child Unique ID",
                    "; ".join(
                        f"{c.birth_date or ''} {c.sex or ''} {c.ethnicity or ''}".strip()
                        for c in distinct
                    ),
                    "the lists give the child different details; the most complete, then "
                    "the first by content, is kept",
                )
            self.collected.add("children", kept, origin[0], origin[1])

    def _coverage(self, lists: Sequence[int], sheets: Mapping[int, _Sheet]) -> Coverage:
        """One return per list read, for the six months to the inspection date.

        Each says what it holds only in part (`PARTIAL_LISTS`), so that the report refuses
        an indicator needing it whole (`Indicator.needs`); List 8's latest reviews cover the
        inspection day alone.
        """
        returns: list[ReturnCoverage] = []
        start, end = self.period.start, self.period.end
        for number in lists:
            tables = list(_TABLES[number])
            if number in (1, 3, 4, 5, 6, 7, 8, 9):
                tables.append("children")
            returns.append(
                ReturnCoverage(
                    kind="annex-a",
                    path=f"{self.file} [{sheets[number].name}]",
                    year=None,
                    start=start,
                    end=end,
                    tables=tables,
                    partial=PARTIAL_LISTS.get(number, {}),
                )
            )
            if number == 8:
                returns.append(
                    ReturnCoverage(
                        kind="annex-a",
                        path=f"{self.file} [{sheets[number].name}: latest reviews]",
                        year=None,
                        start=end,
                        end=end,
                        tables=["lac_reviews"],
                    )
                )
        return Coverage(tuple(returns))


# -- writing -----------------------------------------------------------------------------------


def _lettered(code: str | None) -> str | None:
    return None if code is None else f"a) {code}"


def write_annex_a(
    dataset: Dataset, path: str | os.PathLike[str], *, inspection_date: dt.date
) -> None:
    """Write *dataset* as an Annex A workbook that `read_annex_a` reads back.

    Args:
        dataset: The records to write.
        path: The ``.xlsx`` file to create (overwritten).
        inspection_date: The inspection date; each list holds what Annex A asks for in the
            six months before it (`annex_a_period`), as known on that day.

    Raises:
        ReadError: openpyxl is not installed.

    Notes:
        - List 1: contacts in the six months. List 3: referrals in the six months. List
          4: assessments started or authorised in them. List 5: enquiries started in
          them. List 6: referrals not NFA open at some time in them. List 7: plans open
          at some time in them, with their latest review by the inspection date. List 8:
          children looked after at some time in them, one row each (the period of care
          then, its latest episode's codes). List 9: care leavers (each young person's
          latest record). Dates after the inspection date are left out, as unknown then.
        - Codes are written lettered (``a) Male``, ``a) 6``) and dates as Excel dates.
    """
    openpyxl = _openpyxl()
    period = annex_a_period(inspection_date)
    book = openpyxl.Workbook()
    book.remove(book.active)
    start, end = period.start, period.end

    def known(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= end else None

    people = {c.child_id: c for c in dataset.children}

    def common(child: str) -> list[Any]:
        person = people.get(child)
        if person is None:
            return [child, None, None, None]
        return [
            child,
            _SEX_WRITTEN.get(person.sex or "", person.sex),
            _lettered(person.ethnicity),
            person.birth_date,
        ]

    def sheet(number: int, fields: list[str], rows: list[list[Any]]) -> None:
        worksheet = book.create_sheet(f"List {number}")
        worksheet.append(
            [
                _WRITTEN_IN.get((number, f), _WRITTEN.get(f, f))
                for f in ["child_id", "sex", "ethnicity", "birth_date", *fields]
            ]
        )
        for row in rows:
            worksheet.append(row)

    in_window: Callable[[dt.date | None], bool] = lambda d: d is not None and start <= d <= end  # noqa: E731 - a one-line test
    sheet(
        1,
        ["contact_date", "source"],
        [
            [*common(c.child_id), c.contact_date, _lettered(c.source)]
            for c in dataset.contacts
            if in_window(c.contact_date)
        ],
    )
    sheet(
        3,
        ["referral_date", "source", "nfa"],
        [
            [
                *common(r.child_id),
                r.referral_date,
                _lettered(r.source),
                "a) Yes" if r.nfa else "b) No",
            ]
            for r in dataset.referrals
            if in_window(r.referral_date)
        ],
    )
    sheet(
        4,
        ["start_date", "authorisation_date"],
        [
            [*common(a.child_id), a.start_date, known(a.authorisation_date)]
            for a in dataset.assessments
            if (a.start_date is None or a.start_date <= end)
            and (
                in_window(a.start_date)
                or in_window(a.authorisation_date)
                or a.authorisation_date is None
                or a.authorisation_date > end
            )
        ],
    )
    sheet(
        5,
        ["start_date", "not_required", "icpc_date"],
        [
            [
                *common(s.child_id),
                s.start_date,
                "a) Yes" if s.icpc_not_required else "b) No",
                known(s.icpc_date),
            ]
            for s in dataset.section47s
            if in_window(s.start_date) or in_window(s.icpc_date)
        ],
    )
    sheet(
        6,
        ["start_date", "primary_need", "closure_date", "closure_reason"],
        [
            [
                *common(r.child_id),
                r.referral_date,
                _lettered(r.primary_need),
                known(r.closure_date),
                _lettered(r.closure_reason) if known(r.closure_date) else None,
            ]
            for r in dataset.referrals
            if not r.nfa
            and r.referral_date <= end
            and (r.closure_date is None or r.closure_date >= start)
        ],
    )
    sheet(
        7,
        [
            "start_date",
            "initial_category",
            "latest_category",
            "review_date",
            "end_date",
            "previous_plans",
        ],
        [
            [
                *common(p.child_id),
                p.start_date,
                _lettered(p.initial_category),
                _lettered(p.latest_category),
                max((d for d in p.review_dates if d <= end), default=None),
                known(p.end_date),
                p.previous_plans,
            ]
            for p in dataset.cp_plans
            if p.start_date <= end and (p.end_date is None or p.end_date >= start)
        ],
    )
    sheet(
        8,
        [
            "care_start",
            "legal_status",
            "review_date",
            "ceased_date",
            "reason_ceased",
            "placement",
            "provider",
            "postcode",
            "urn",
            "category_of_need",
            "legal_status_start",
            "placement_start",
        ],
        _list_8(dataset, start, end, common),
    )
    latest: dict[str, CareLeaver] = {}
    for leaver in dataset.care_leavers:
        kept = latest.get(leaver.child_id)
        if kept is None or (leaver.year or 0) > (kept.year or 0):
            latest[leaver.child_id] = leaver
    sheet(
        9,
        ["in_touch", "accommodation", "suitability", "activity"],
        [
            [
                *common(c.child_id)[:3],
                c.birth_date,
                _lettered(c.in_touch),
                _lettered(c.accommodation[:1] if c.accommodation else None),
                _lettered(c.accommodation[1:] or None if c.accommodation else None),
                _lettered(c.activity),
            ]
            for c in sorted(latest.values(), key=lambda c: c.child_id)
        ],
    )
    book.save(Path(path))


def _list_8(
    dataset: Dataset, start: dt.date, end: dt.date, common: Callable[[str], list[Any]]
) -> list[list[Any]]:
    """One row per child looked after in the window: its period of care then."""
    by_child: dict[str, list[Episode]] = {}
    for episode in dataset.episodes:
        by_child.setdefault(episode.child_id, []).append(episode)
    reviews: dict[str, list[dt.date]] = {}
    for held in dataset.lac_reviews:
        reviews.setdefault(held.child_id, []).append(held.review_date)
    rows: list[list[Any]] = []
    for child, episodes in sorted(by_child.items()):
        episodes.sort(key=lambda e: e.start)
        # Periods of care: an episode starts one unless it follows the previous (X1, same day).
        periods: list[list[Episode]] = []
        for episode in episodes:
            if episode.start > end:
                continue
            if (
                periods
                and periods[-1][-1].end == episode.start
                and periods[-1][-1].reason_ceased == "X1"
            ):
                periods[-1].append(episode)
            else:
                periods.append([episode])
        for care in periods:
            first, last = care[0], care[-1]
            ceased = last.end if last.end is not None and last.end <= end else None
            if ceased is not None and ceased < start:
                continue
            review = max(
                (d for d in reviews.get(child, []) if first.start <= d <= end), default=None
            )
            rows.append(
                [
                    *common(child),
                    first.start,
                    _lettered(last.legal_status),
                    review,
                    ceased,
                    _lettered(last.reason_ceased) if ceased else None,
                    _lettered(last.placement),
                    last.provider,
                    last.postcode,
                    last.urn,
                    _lettered(last.category_of_need),
                    _status_start(care),
                    _run_start(care, lambda e: e.reason_new not in ("L", "T", "U")),
                ]
            )
    return rows


def _status_start(care: list[Episode]) -> dt.date:
    """The start of the latest run of one legal status in *care*."""
    for index in range(len(care) - 1, 0, -1):
        if care[index].legal_status != care[index - 1].legal_status:
            return care[index].start
    return care[0].start


def _run_start(care: list[Episode], begins: Callable[[Episode], bool]) -> dt.date:
    """The start of the last episode of *care* that *begins* says began a run (or the first)."""
    for index in range(len(care) - 1, 0, -1):
        if begins(care[index]):
            return care[index].start
    return care[0].start
