"""The Standard Safeguarding Dataset (SSD): one CSV file per table, read into records.

The SSD (Data to Insight) is a set of about 47 ``ssd_*`` tables a council builds in its own
database from its case management system (SystemC, Mosaic, Eclipse) with the sector's SQL
scripts. It has no file format of its own: a council exports each table as a CSV file with
a header row (SQL Server Management Studio's "Save results as", ``bcp``, ``psql``'s copy).
This module reads a folder of such files into the library's records, and writes one.
"""

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import InvalidOptionError, ReadError
from safeguarding_metrics.io._codes import (
    ABUSE_CATEGORY,
    ACCOMMODATION_LETTER,
    ACTIVITY,
    CLOSURE_REASON,
    CODE_TABLES,
    IN_TOUCH,
    LEGAL_STATUS,
    PARTICIPATION,
    PLACEMENT,
    PRIMARY_NEED,
    REASON_CEASED,
    REASON_NEW,
    REFERRAL_SOURCE,
    SUITABILITY,
)
from safeguarding_metrics.io._common import DiagnosticLog, shown
from safeguarding_metrics.io._extract import (
    CodeTable,
    Collected,
    CsvTable,
    by_content,
    check_date,
    content_key,
    parse_when,
    read_csv_table,
    referral_ids,
    text_of,
    yes_no,
)
from safeguarding_metrics.periods import add_months
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.records import (
    Assessment,
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

__all__ = ["SSD_TABLES", "read_ssd", "write_ssd"]

SSD_TABLES: dict[str, str] = {
    "pers": "ssd_person",
    "cont": "ssd_contacts",
    "cine": "ssd_cin_episodes",
    "cina": "ssd_cin_assessments",
    "cinf": "ssd_assessment_factors",
    "cinp": "ssd_cin_plans",
    "s47e": "ssd_s47_enquiry",
    "icpc": "ssd_initial_cp_conference",
    "cppl": "ssd_cp_plans",
    "cppr": "ssd_cp_reviews",
    "clae": "ssd_cla_episodes",
    "clap": "ssd_cla_placement",
    "lega": "ssd_legal_status",
    "clar": "ssd_cla_reviews",
    "clea": "ssd_care_leavers",
}
"""The SSD tables read, by the prefix every one of their columns starts with."""

# The columns a table cannot be read without (alternatives in a tuple): an error if absent.
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "pers": (("pers_person_id",),),
    "cont": (("cont_person_id",), ("cont_contact_date",)),
    "cine": (("cine_referral_id",), ("cine_person_id",), ("cine_referral_date",)),
    "cina": (("cina_person_id", "cina_referral_id"), ("cina_assessment_start_date",)),
    "cinf": (("cinf_assessment_id",), ("cinf_assessment_factors_json",)),
    "cinp": (("cinp_person_id", "cinp_referral_id"), ("cinp_cin_plan_start_date",)),
    "s47e": (("s47e_s47_enquiry_id",), ("s47e_person_id",), ("s47e_s47_start_date",)),
    "icpc": (("icpc_s47_enquiry_id",), ("icpc_icpc_date",)),
    "cppl": (("cppl_cp_plan_id",), ("cppl_person_id",), ("cppl_cp_plan_start_date",)),
    "cppr": (("cppr_cp_plan_id",), ("cppr_cp_review_date",)),
    "clae": (("clae_person_id",), ("clae_cla_episode_start_date",)),
    "clap": (("clap_cla_placement_id",), ("clap_cla_placement_type",)),
    "lega": (("lega_person_id",), ("lega_legal_status",), ("lega_legal_status_start_date",)),
    "clar": (("clar_cla_person_id", "clar_cla_id"), ("clar_cla_review_date",)),
    "clea": (("clea_person_id",),),
}

# Columns read when present; a missing one is reported (its field is read as missing).
_OPTIONAL: dict[str, tuple[tuple[str, ...], ...]] = {
    "pers": (("pers_dob",), ("pers_sex",), ("pers_ethnicity",)),
    "cont": (("cont_contact_source_code", "cont_contact_source_desc"),),
    "cine": (
        ("cine_referral_source_code", "cine_referral_source_desc"),
        ("cine_referral_nfa",),
        ("cine_close_date",),
        ("cine_close_reason",),
        ("cine_cin_primary_need_code",),
    ),
    "cina": (("cina_assessment_auth_date",),),
    "cinp": (("cinp_cin_plan_end_date",),),
    "s47e": (("s47e_s47_end_date",), ("s47e_s47_outcome_json",)),
    "icpc": (("icpc_icpc_target_date",),),
    "cppl": (
        ("cppl_cp_plan_end_date",),
        ("cppl_cp_plan_initial_category",),
        ("cppl_cp_plan_latest_category",),
    ),
    "clae": (
        ("clae_cla_episode_ceased_date",),
        ("clae_cla_episode_start_reason",),
        ("clae_cla_episode_ceased_reason",),
        ("clae_cla_placement_id",),
    ),
    "clap": (),
    "lega": (("lega_legal_status_end_date",),),
    "clar": (("clar_cla_review_cancelled",),),
    "clea": (
        ("clea_care_leaver_in_touch",),
        ("clea_care_leaver_activity",),
        ("clea_care_leaver_accommodation",),
        ("clea_care_leaver_accom_suitable",),
    ),
}

# The first true flag of a contact's outcome JSON, in this order, is its outcome.
_CONTACT_OUTCOMES = (
    ("NEW_REFERRAL_FLAG", "referral"),
    ("EXISTING_REFERRAL_FLAG", "existing-referral"),
    ("CP_ENQUIRY_FLAG", "cp-enquiry"),
    ("NFA_FLAG", "nfa"),
    ("ADVICE_FLAG", "information-advice"),
    ("PRIVATE_FOSTERING_FLAG", "private-fostering"),
    ("NON_AGENCY_ADOPTION_FLAG", "non-agency-adoption"),
    ("MISSING_FLAG", "missing"),
    ("OLA_CP_FLAG", "other-la-cp"),
    ("OTHER_OUTCOMES_EXIST_FLAG", "other"),
)

DEFAULT_WINDOW_YEARS = 6
"""How many years back the SSD holds records from (its scripts' ``@ssd_timeframe_years``)."""

_KEY_DATES: dict[str, tuple[str, ...]] = {
    "contacts": ("contact_date",),
    "referrals": ("referral_date", "closure_date"),
    "assessments": ("start_date", "authorisation_date"),
    "section47s": ("start_date", "icpc_date"),
    "cp_plans": ("start_date", "end_date"),
    "cin_plans": ("start_date", "end_date"),
    "episodes": ("start", "end"),
    "lac_reviews": ("review_date",),
}

_NOT_LINKED = "links to a record not in the extract (the value is its id); kept without the link"
_SECOND_ROW = (
    "a second row with this id; the row kept is the one with the most cells filled in, "
    "then the first by content (the value is the line kept)"
)


def _prefix(column: str) -> str:
    head, _, _ = column.partition("_")
    return head


def _known(column: str) -> bool:
    return _prefix(column) in SSD_TABLES


PARTIAL_FIELDS: dict[str, str] = {
    "contacts.decision_date": "no decision date of a contact",
    "cp_plans.previous_plans": "no count of a child's previous plans",
}
"""What an SSD extract lacks (`ReturnCoverage.partial`): field -> what is missing."""


@attrs.define
class _Row:
    """One row of an SSD table: its cells by column name."""

    file: str
    line: int
    cells: dict[str, str]

    def get(self, *names: str) -> str:
        """The first non-missing cell of *names* (``""`` when none)."""
        for name in names:
            value = text_of(self.cells.get(name))
            if value:
                return value
        return ""

    @property
    def where(self) -> str:
        return f"line {self.line}"

    def values(self) -> tuple[str, ...]:
        return tuple(self.cells[name] for name in sorted(self.cells))


def read_ssd(
    folder: str | os.PathLike[str],
    *,
    extract_date: dt.date | None = None,
    window_years: int | None = DEFAULT_WINDOW_YEARS,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    strict: bool = False,
) -> Dataset:
    """Read a Standard Safeguarding Dataset extract: a folder of one CSV file per SSD table.

    Args:
        folder: The folder (a single CSV file stands for a folder holding only it).
        extract_date: The day the SSD was built; by default the latest event date in it
            (a contact, referral, assessment, enquiry, conference, plan, episode, legal
            status or review date; due and target dates aside).
        window_years: How many years before *extract_date* the SSD holds every record
            from (its scripts keep 6); `None` when it holds all history.
        codes: A council's own descriptions, per code table: ``{"legal_status":
            {"Care Order Sec. 31(a)": "C2"}}``. Tables: reason_new, legal_status, placement,
            reason_ceased, category, primary_need, closure_reason, source, in_touch,
            activity, accommodation, suitability, participation.
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.

    Returns:
        Children (``ssd_person``), contacts, referrals (``ssd_cin_episodes``), single
        assessments with their factors, CIN plans, section 47 enquiries with their initial
        conference, child protection plans with their review dates, episodes of care (the
        episode, placement and legal-status tables joined), looked-after reviews and care
        leavers; each collection in content order. `diagnostics` lists every problem;
        `coverage` holds the extract (kind ``"ssd"``, no collection year) from the start of
        its window, or its earliest date if later, to *extract_date*; `origins` gives the
        file and line of each record.

    Raises:
        ReadError: The folder is missing or holds no SSD table; a table lacks a column it
            cannot be read without (naming the file and the column); *codes* names an
            unknown table; or *strict* and there were problems.
        InvalidOptionError: *extract_date* is not a date, or *window_years* not a whole
            number of at least 1.

    Notes:
        - A table is recognised by the prefix its columns share (``cine_``, ``clae_``...),
          whatever the file is called. Files of SSD tables not read here, other files and
          CSV files of no SSD table are reported and passed over.
        - Column sets differ between systems (SystemC, Mosaic, Eclipse): a column read when
          present and missing from the file is reported once per file, its field read as
          missing; where another column gives the same (a review's child through its
          period of care), it is used without a report.
        - Dates are date-times as the database exports them (``2024-12-10 00:00:00.000``,
          real times, ``T`` forms) or plain dates; the date written is the date read.
          ``NULL`` and empty cells are missing; ``1900-01-01`` is a placeholder for a
          missing date, reported and read as missing.
        - Codes stored as descriptions (RNE, REC, legal status, placement type, categories
          of abuse, care-leaver codes, review participation) are read through explicit
          tables: the code itself, a code followed by its description (``"S - Started to
          be looked after"``), a description of the DfE guide, or a council's own mapping
          (*codes*). Anything else is reported and read as missing (an episode's reasons,
          legal status and placement as the empty code).
        - Episodes: each ``ssd_cla_episodes`` row is joined to its placement
          (``clae_cla_placement_id``) and to the legal status open at its start
          (``ssd_legal_status``, the person's dated history); a legal status starting
          inside an episode splits it there (the first part ceasing X1, the next starting
          L). Between two episodes that follow each other (the first ceasing X1 on the day
          the next starts), the reason for the new episode is recomputed from what the join
          shows changed: placement and legal status B (or U), placement only P (or T),
          legal status only, or nothing, L. The recorded reason is kept only when it is one
          of those (T and U say the carer stayed, which the tables cannot show); otherwise
          it is replaced and reported. The first episode after a gap keeps its recorded
          reason. A legal status that is not a looked-after one (SGO, child arrangements)
          is not joined.
        - Section 47 enquiries take their conference from ``ssd_initial_cp_conference``
          (the earliest dated one, several reported). ``icpc_not_required`` is derived:
          true when the enquiry has ended, its outcome's ``CP_CONFERENCE_FLAG`` is not
          ``Y`` and no conference is recorded; never from the conference's "resulted in a
          plan" flag. The conference target is read as recorded.
        - Child protection plans carry the dates of their held reviews (a review row with
          no date is one not yet held, and is not a review); ``previous_plans`` is not in
          the SSD and stays missing. Looked-after reviews marked cancelled are not reviews
          and are left out; a review's child is ``clar_cla_person_id``, else the child of
          its period of care (``clar_cla_id``).
        - Care leavers are ``ssd_care_leavers`` rows: a snapshot of each young person's
          latest status (not the SSDA903's record around the birthday), with no collection
          year; the accommodation code joins the letter and the suitability (``D`` and
          ``1`` is ``D1``); the birth date comes from ``ssd_person``. One row per person is
          kept (the latest contact, then content), others reported.
        - Referral ids are ``"<child>/<YYYY-MM-DD>"`` (a same-day second referral
          ``"/2"``, reported); assessments, plans and enquiries link to them through the
          SSD's referral id. A link to a record not in the extract is reported and the
          record kept without it.
        - Dropped and reported: a row without its child, or without the date that places
          it (referral date, plan start, episode start, contact date, review date); a row
          repeating another's id (the one with most cells filled, then the first by content,
          is kept). Assessment and enquiry start dates are kept missing (reported), for the
          indicators to exclude as ``missing-start``.
        - Nothing depends on the order of rows or files: each collection is in content
          order, and every choice between rows is made by content.

    References:
        - Data to Insight, Standard Safeguarding Dataset (data-to-insight/ssd-data-model):
          object definitions and per-system SQL scripts.
        - DfE, SSDA903 guide and CIN census guide (the code lists).
    """
    if extract_date is not None:
        check_date(extract_date, "extract_date")
    if window_years is not None and (
        isinstance(window_years, bool) or not isinstance(window_years, int) or window_years < 1
    ):
        raise InvalidOptionError(
            f"window_years must be a whole number >= 1 or None, got {window_years!r}"
        )
    reader = _Reader(Path(folder), codes or {})
    return reader.read(extract_date=extract_date, window_years=window_years, strict=strict)


class _Reader:
    def __init__(self, folder: Path, codes: Mapping[str, Mapping[str, str]]) -> None:
        unknown = sorted(set(codes) - set(CODE_TABLES))
        if unknown:
            raise ReadError(
                f"codes= names no code table: {', '.join(unknown)} "
                f"(the tables are {', '.join(CODE_TABLES)})"
            )
        self.folder = folder
        self.codes = codes
        self.log = DiagnosticLog()
        self.tables: dict[str, list[_Row]] = {prefix: [] for prefix in SSD_TABLES}
        self.collected = Collected()

    # -- files ---------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        try:
            if not self.folder.exists():
                raise ReadError(f"{self.folder}: no such SSD folder")
            if self.folder.is_file():
                return [self.folder]
            return sorted(self.folder.iterdir())
        except OSError as error:
            raise ReadError(f"{self.folder}: cannot be read: {error.strerror}") from None

    def _load(self) -> None:
        first: dict[str, str] = {}
        for path in self._files():
            file = str(path)
            if path.name.startswith("."):
                self.log.add(
                    file, "file", "", "", "a hidden file (its name starts with a dot); ignored"
                )
                continue
            if path.is_dir():
                self.log.add(file, "folder", "", "", "a folder inside the SSD folder; ignored")
                continue
            if path.suffix.lower() != ".csv":
                self.log.add(file, "file", "", "", "not a .csv file; ignored")
                continue
            table = read_csv_table(path, self.log, known=_known)
            if table is None:
                continue
            prefix = self._recognise(table)
            if prefix is None:
                continue
            if prefix in first:
                self.log.add(
                    file,
                    "file",
                    "",
                    Path(first[prefix]).name,
                    "a second file holding this SSD table (the value names the first); "
                    "its rows are read too",
                )
            else:
                first[prefix] = file
            self._check_columns(prefix, table)
            self.tables[prefix].extend(
                _Row(table.file, line, dict(zip(table.columns, cells, strict=True)))
                for line, cells in table.rows
            )
        if not first:
            raise ReadError(
                f"{self.folder}: no SSD table found (expected CSV files whose header row names "
                f"columns of the SSD tables: {', '.join(p + '_' for p in SSD_TABLES)})"
            )

    def _recognise(self, table: CsvTable) -> str | None:
        counts: dict[str, int] = {}
        for column in table.columns:
            prefix = _prefix(column)
            if len(prefix) >= 3 and column.count("_") >= 1:
                counts[prefix] = counts.get(prefix, 0) + 1
        read_here = {p: n for p, n in counts.items() if p in SSD_TABLES}
        if read_here:
            best = max(read_here.values())
            chosen = sorted(p for p, n in read_here.items() if n == best)
            if len(chosen) == 1:
                return chosen[0]
            self.log.add(
                table.file,
                "line 1",
                "",
                ", ".join(f"{p}_" for p in chosen),
                "the header row names columns of several SSD tables equally; ignored",
            )
            return None
        if counts:
            prefix = max(sorted(counts), key=lambda p: counts[p])
            self.log.add(
                table.file,
                "file",
                "",
                f"{prefix}_",
                "an SSD table not read here (or no SSD table); ignored",
            )
        else:
            self.log.add(table.file, "file", "", "", "the header row names no SSD table; ignored")
        return None

    def _check_columns(self, prefix: str, table: CsvTable) -> None:
        columns = set(table.columns)
        for names in _REQUIRED[prefix]:
            if columns.isdisjoint(names):
                raise ReadError(
                    f"{table.file}: the {SSD_TABLES[prefix]} table has no "
                    f"{' or '.join(names)} column, which it cannot be read without "
                    f"(its columns: {', '.join(table.columns)})"
                )
        for names in _OPTIONAL.get(prefix, ()):
            if columns.isdisjoint(names):
                self.log.add(
                    table.file,
                    "line 1",
                    names[0],
                    "",
                    "a column read when present is not in this file; its field is read as missing",
                )

    # -- cells ---------------------------------------------------------------------------

    def _date(self, row: _Row, column: str, *, missing: str = "") -> dt.date | None:
        text = row.get(column)
        when = parse_when(text)
        if when.problem:
            self.log.add(row.file, row.where, column, shown(text), when.problem)
        elif when.day is None and missing:
            self.log.add(row.file, row.where, column, "", f"missing; {missing}")
        return when.day

    def _code(self, row: _Row, column: str, table: CodeTable, name: str) -> str | None:
        text = row.get(column)
        if not text:
            return None
        code = table.code(text, self.codes.get(name))
        if code is None:
            self.log.add(row.file, row.where, column, shown(text), table.problem())
        return code

    def _dropped(self, row: _Row, column: str, what: str) -> None:
        text = row.get(column)
        when = parse_when(text)
        if not text:
            self.log.add(row.file, row.where, column, "", f"missing; the {what} was dropped")
        else:
            self.log.add(
                row.file, row.where, column, shown(text), f"{when.problem}; the {what} was dropped"
            )

    def _unique(self, prefix: str, id_column: str, what: str) -> list[_Row]:
        """The table's rows, one per id (chosen by content, the others reported)."""
        groups: dict[str, list[_Row]] = {}
        rows: list[_Row] = []
        for row in self.tables[prefix]:
            key = row.get(id_column)
            if key:
                groups.setdefault(key, []).append(row)
            else:
                rows.append(row)
        for key, members in groups.items():
            if len(members) == 1:
                rows.append(members[0])
                continue
            members.sort(key=lambda r: (by_content(r.values()), r.file, r.line))
            rows.append(members[0])
            for other in members[1:]:
                self.log.add(
                    other.file,
                    other.where,
                    id_column,
                    f"{key}: {Path(members[0].file).name} {members[0].where}",
                    _SECOND_ROW
                    if other.values() != members[0].values()
                    else (
                        f"the same row appears again; read once (the {what} kept is at the line named)"
                    ),
                )
        return rows

    # -- reading -------------------------------------------------------------------------

    def read(
        self, *, extract_date: dt.date | None, window_years: int | None, strict: bool
    ) -> Dataset:
        self._load()
        births = self._people()
        self._contacts()
        referral_of = self._referrals()
        self._assessments(referral_of)
        self._cin_plans(referral_of)
        self._section47s(referral_of)
        self._cp_plans(referral_of)
        care_child = self._episodes()
        self._lac_reviews(care_child)
        self._care_leavers(births)
        coverage = self._coverage(extract_date, window_years)
        diagnostics = self.log.finish(strict=strict, what="SSD extract")
        return self.collected.dataset(diagnostics=diagnostics, coverage=coverage)

    def _people(self) -> dict[str, dt.date | None]:
        births: dict[str, dt.date | None] = {}
        for row in self._unique("pers", "pers_person_id", "person"):
            child = row.get("pers_person_id")
            if not child:
                self.log.add(
                    row.file, row.where, "pers_person_id", "", "missing; the person was dropped"
                )
                continue
            birth = self._date(row, "pers_dob")
            ethnicity = row.get("pers_ethnicity")
            if len(ethnicity) > 4 and ethnicity[:4].isalpha() and not ethnicity[4].isalnum():
                ethnicity = ethnicity[:4]  # "WBRI - White British": the code
            births[child] = birth
            self.collected.add(
                "children",
                Child(
                    child_id=child,
                    birth_date=birth,
                    sex=row.get("pers_sex") or None,
                    ethnicity=ethnicity.upper() or None,
                ),
                row.file,
                row.line,
            )
        return births

    def _contacts(self) -> None:
        for row in self._unique("cont", "cont_contact_id", "contact"):
            child = row.get("cont_person_id")
            if not child:
                self.log.add(
                    row.file, row.where, "cont_person_id", "", "missing; the contact was dropped"
                )
                continue
            day = parse_when(row.get("cont_contact_date")).day
            if day is None:
                self._dropped(row, "cont_contact_date", "contact")
                continue
            source = row.get("cont_contact_source_code")
            code = REFERRAL_SOURCE.code(source, self.codes.get("source")) if source else None
            if code is None:
                description = row.get("cont_contact_source_desc")
                code = REFERRAL_SOURCE.code(description) if description else None
                if code is None and (source or description):
                    self.log.add(
                        row.file,
                        row.where,
                        "cont_contact_source_code",
                        shown(source or description),
                        REFERRAL_SOURCE.problem(),
                    )
            self.collected.add(
                "contacts",
                Contact(
                    child_id=child,
                    contact_date=day,
                    outcome=self._outcome(row),
                    source=code,
                ),
                row.file,
                row.line,
            )

    def _json(self, row: _Row, column: str) -> Any:
        text = row.get(column)
        if not text:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            self.log.add(row.file, row.where, column, shown(text), "not JSON; read as missing")
            return None

    def _outcome(self, row: _Row) -> str | None:
        flags = self._json(row, "cont_contact_outcome_json")
        if not isinstance(flags, dict):
            return None
        for key, outcome in _CONTACT_OUTCOMES:
            if yes_no(str(flags.get(key, ""))):
                return outcome
        return None

    def _referrals(self) -> dict[str, tuple[str, str]]:
        """Read referrals; the SSD referral id -> (child, library referral id)."""
        found: list[tuple[_Row, Referral]] = []
        for row in self._unique("cine", "cine_referral_id", "referral"):
            child = row.get("cine_person_id")
            if not child:
                self.log.add(
                    row.file, row.where, "cine_person_id", "", "missing; the referral was dropped"
                )
                continue
            day = parse_when(row.get("cine_referral_date")).day
            if day is None:
                self._dropped(row, "cine_referral_date", "referral")
                continue
            nfa_text = row.get("cine_referral_nfa")
            nfa = yes_no(nfa_text) if nfa_text else False
            if nfa is None:
                self.log.add(
                    row.file, row.where, "cine_referral_nfa", shown(nfa_text), "not Y/N; read as N"
                )
                nfa = False
            source = self._code(row, "cine_referral_source_code", REFERRAL_SOURCE, "source")
            if source is None and not row.get("cine_referral_source_code"):
                description = row.get("cine_referral_source_desc")
                source = REFERRAL_SOURCE.code(description) if description else None
            found.append(
                (
                    row,
                    Referral(
                        referral_id="-",
                        child_id=child,
                        referral_date=day,
                        source=source,
                        nfa=nfa,
                        closure_date=self._date(row, "cine_close_date"),
                        closure_reason=self._code(
                            row, "cine_close_reason", CLOSURE_REASON, "closure_reason"
                        ),
                        primary_need=self._code(
                            row, "cine_cin_primary_need_code", PRIMARY_NEED, "primary_need"
                        ),
                    ),
                )
            )
        ids, seconds = referral_ids(
            [
                (
                    r.child_id,
                    r.referral_date,
                    # The SSD's own id, then the whole row, after the record: identical
                    # referrals are still told apart by content, never by row order.
                    (
                        content_key(attrs.astuple(r, recurse=False)),
                        row.get("cine_referral_id"),
                        by_content(row.values()),
                    ),
                )
                for row, r in found
            ]
        )
        for index in seconds:
            row, referral = found[index]
            self.log.add(
                row.file,
                row.where,
                "cine_referral_date",
                referral.referral_date.isoformat(),
                "a second referral of the child on the same date; kept under its own id",
            )
        referral_of: dict[str, tuple[str, str]] = {}
        for (row, referral), referral_id in zip(found, ids, strict=True):
            self.collected.add(
                "referrals", attrs.evolve(referral, referral_id=referral_id), row.file, row.line
            )
            referral_of[row.get("cine_referral_id")] = (referral.child_id, referral_id)
        return referral_of

    def _link(
        self, row: _Row, column: str, referral_of: Mapping[str, tuple[str, str]]
    ) -> tuple[str, str] | None:
        ssd_id = row.get(column)
        if not ssd_id or ssd_id == "-1":
            return None
        found = referral_of.get(ssd_id)
        if found is None:
            self.log.add(row.file, row.where, column, shown(ssd_id), _NOT_LINKED)
        return found

    def _child(self, row: _Row, column: str, link: tuple[str, str] | None, what: str) -> str:
        child = row.get(column) or (link[0] if link else "")
        if not child:
            self.log.add(row.file, row.where, column, "", f"missing; the {what} was dropped")
        return child

    def _assessments(self, referral_of: Mapping[str, tuple[str, str]]) -> None:
        factors = self._factors()
        for row in self._unique("cina", "cina_assessment_id", "assessment"):
            link = self._link(row, "cina_referral_id", referral_of)
            child = self._child(row, "cina_person_id", link, "assessment")
            if not child:
                continue
            self.collected.add(
                "assessments",
                Assessment(
                    child_id=child,
                    referral_id=link[1] if link else None,
                    start_date=self._date(
                        row,
                        "cina_assessment_start_date",
                        missing="the assessment was kept without a start date",
                    ),
                    authorisation_date=self._date(row, "cina_assessment_auth_date"),
                    factors=factors.get(row.get("cina_assessment_id"), ()),
                ),
                row.file,
                row.line,
            )

    def _factors(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[tuple[str, ...]]] = {}
        for row in self.tables["cinf"]:
            assessment = row.get("cinf_assessment_id")
            value = self._json(row, "cinf_assessment_factors_json")
            codes: list[str] = []
            if isinstance(value, list):
                codes = [str(v).strip() for v in value if str(v).strip()]
            elif isinstance(value, dict):
                codes = [str(k).strip() for k, v in value.items() if yes_no(str(v))]
            elif value is not None:
                self.log.add(
                    row.file,
                    row.where,
                    "cinf_assessment_factors_json",
                    shown(row.get("cinf_assessment_factors_json")),
                    "neither a list of factors nor an object of factors; read as none",
                )
            if assessment:
                found.setdefault(assessment, []).append(tuple(codes))
        result: dict[str, tuple[str, ...]] = {}
        for assessment, lists in found.items():
            merged: list[str] = []
            for listed in sorted(lists, key=lambda c: (-len(c), c)):
                merged += [c for c in listed if c not in merged]
            result[assessment] = tuple(merged)
        return result

    def _cin_plans(self, referral_of: Mapping[str, tuple[str, str]]) -> None:
        for row in self._unique("cinp", "cinp_cin_plan_id", "plan"):
            link = self._link(row, "cinp_referral_id", referral_of)
            child = self._child(row, "cinp_person_id", link, "CIN plan")
            if not child:
                continue
            start = parse_when(row.get("cinp_cin_plan_start_date")).day
            if start is None:
                self._dropped(row, "cinp_cin_plan_start_date", "CIN plan")
                continue
            self.collected.add(
                "cin_plans",
                CINPlan(
                    child_id=child,
                    referral_id=link[1] if link else None,
                    start_date=start,
                    end_date=self._date(row, "cinp_cin_plan_end_date"),
                ),
                row.file,
                row.line,
            )

    def _conferences(self, enquiries: set[str]) -> dict[str, _Row]:
        groups: dict[str, list[tuple[dt.date | None, _Row]]] = {}
        for row in self.tables["icpc"]:
            enquiry = row.get("icpc_s47_enquiry_id")
            if not enquiry or enquiry == "-1":
                self.log.add(
                    row.file,
                    row.where,
                    "icpc_s47_enquiry_id",
                    row.get("icpc_icpc_id"),
                    "a conference with no section 47 enquiry; left out",
                )
                continue
            if enquiry not in enquiries:
                self.log.add(
                    row.file,
                    row.where,
                    "icpc_s47_enquiry_id",
                    shown(enquiry),
                    "a conference of an enquiry not in the extract; left out",
                )
                continue
            groups.setdefault(enquiry, []).append((self._date(row, "icpc_icpc_date"), row))
        chosen: dict[str, _Row] = {}
        for enquiry, members in groups.items():
            members.sort(
                key=lambda m: (m[0] is None, m[0] or dt.date.min, by_content(m[1].values()))
            )
            chosen[enquiry] = members[0][1]
            for _, other in members[1:]:
                self.log.add(
                    other.file,
                    other.where,
                    "icpc_s47_enquiry_id",
                    f"{enquiry}: {members[0][1].where}",
                    "another conference of the same enquiry; the earliest dated is read "
                    "(at the line named)",
                )
        return chosen

    def _section47s(self, referral_of: Mapping[str, tuple[str, str]]) -> None:
        rows = self._unique("s47e", "s47e_s47_enquiry_id", "enquiry")
        conferences = self._conferences({row.get("s47e_s47_enquiry_id") for row in rows})
        for row in rows:
            link = self._link(row, "s47e_referral_id", referral_of)
            child = self._child(row, "s47e_person_id", link, "enquiry")
            if not child:
                continue
            conference = conferences.get(row.get("s47e_s47_enquiry_id"))
            icpc = target = None
            if conference is not None:
                icpc = parse_when(conference.get("icpc_icpc_date")).day
                target = self._date(conference, "icpc_icpc_target_date")
            ended = parse_when(row.get("s47e_s47_end_date")).day is not None
            outcome = self._json(row, "s47e_s47_outcome_json")
            flag = outcome.get("CP_CONFERENCE_FLAG") if isinstance(outcome, dict) else None
            conference_wanted = yes_no(str(flag)) if flag is not None else None
            self._date(row, "s47e_s47_end_date")
            self.collected.add(
                "section47s",
                Section47(
                    child_id=child,
                    referral_id=link[1] if link else None,
                    start_date=self._date(
                        row,
                        "s47e_s47_start_date",
                        missing="the enquiry was kept without a start date",
                    ),
                    icpc_target=target,
                    icpc_date=icpc,
                    icpc_not_required=ended
                    and conference is None
                    and conference_wanted is not True,
                ),
                row.file,
                row.line,
            )

    def _cp_plans(self, referral_of: Mapping[str, tuple[str, str]]) -> None:
        plans = self._unique("cppl", "cppl_cp_plan_id", "plan")
        reviews: dict[str, list[dt.date]] = {}
        known = {row.get("cppl_cp_plan_id") for row in plans}
        for row in self.tables["cppr"]:
            plan = row.get("cppr_cp_plan_id")
            text = row.get("cppr_cp_review_date")
            if not text:
                continue  # a review not yet held
            day = self._date(row, "cppr_cp_review_date")
            if day is None:
                continue
            if plan not in known:
                self.log.add(
                    row.file,
                    row.where,
                    "cppr_cp_plan_id",
                    shown(plan),
                    "a review of a plan not in the extract; left out",
                )
                continue
            if day not in reviews.setdefault(plan, []):
                reviews[plan].append(day)
        for row in plans:
            link = self._link(row, "cppl_referral_id", referral_of)
            child = self._child(row, "cppl_person_id", link, "plan")
            if not child:
                continue
            start = parse_when(row.get("cppl_cp_plan_start_date")).day
            if start is None:
                self._dropped(row, "cppl_cp_plan_start_date", "plan")
                continue
            self.collected.add(
                "cp_plans",
                CPPlan(
                    child_id=child,
                    referral_id=link[1] if link else None,
                    start_date=start,
                    end_date=self._date(row, "cppl_cp_plan_end_date"),
                    initial_category=self._code(
                        row, "cppl_cp_plan_initial_category", ABUSE_CATEGORY, "category"
                    ),
                    latest_category=self._code(
                        row, "cppl_cp_plan_latest_category", ABUSE_CATEGORY, "category"
                    ),
                    review_dates=sorted(reviews.get(row.get("cppl_cp_plan_id"), ())),
                ),
                row.file,
                row.line,
            )

    # -- episodes --------------------------------------------------------------------------

    def _placements(self) -> dict[str, tuple[str, str | None, str | None, str | None]]:
        found: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        for row in self._unique("clap", "clap_cla_placement_id", "placement"):
            placement = row.get("clap_cla_placement_id")
            if not placement:
                self.log.add(
                    row.file,
                    row.where,
                    "clap_cla_placement_id",
                    "",
                    "missing; the placement was dropped",
                )
                continue
            found[placement] = (
                self._code(row, "clap_cla_placement_type", PLACEMENT, "placement") or "",
                row.get("clap_cla_placement_urn") or None,
                row.get("clap_cla_placement_provider") or None,
                row.get("clap_cla_placement_postcode") or None,
            )
        return found

    def _legal_statuses(self) -> dict[str, list[tuple[dt.date, dt.date | None, str, _Row]]]:
        found: dict[str, list[tuple[dt.date, dt.date | None, str, _Row]]] = {}
        for row in self.tables["lega"]:
            child = row.get("lega_person_id")
            start = parse_when(row.get("lega_legal_status_start_date")).day
            if not child:
                self.log.add(
                    row.file,
                    row.where,
                    "lega_person_id",
                    "",
                    "missing; the legal status was dropped",
                )
                continue
            if start is None:
                self._dropped(row, "lega_legal_status_start_date", "legal status")
                continue
            text = row.get("lega_legal_status")
            code = LEGAL_STATUS.code(text, self.codes.get("legal_status")) if text else None
            found.setdefault(child, []).append(
                (start, self._date(row, "lega_legal_status_end_date"), code or "", row)
            )
        return found

    def _episodes(self) -> dict[str, str]:
        """Read the episodes; the period-of-care id -> child, for the reviews."""
        placements = self._placements()
        statuses = self._legal_statuses()
        care_child: dict[str, str] = {}
        by_child: dict[str, list[tuple[dt.date, _Row]]] = {}
        for row in self._unique("clae", "clae_cla_episode_id", "episode"):
            child = row.get("clae_person_id")
            if not child:
                self.log.add(
                    row.file, row.where, "clae_person_id", "", "missing; the episode was dropped"
                )
                continue
            start = parse_when(row.get("clae_cla_episode_start_date")).day
            if start is None:
                self._dropped(row, "clae_cla_episode_start_date", "episode")
                continue
            if row.get("clae_cla_id"):
                care_child.setdefault(row.get("clae_cla_id"), child)
            by_child.setdefault(child, []).append((start, row))
        for child, rows in by_child.items():
            rows.sort(key=lambda item: (item[0], by_content(item[1].values())))
            previous: tuple[Episode, str, bool] | None = None
            for start, row in rows:
                previous = self._episode(
                    child, start, row, previous, placements, statuses.get(child, [])
                )
        return care_child

    def _legal_status(
        self,
        day: dt.date,
        statuses: list[tuple[dt.date, dt.date | None, str, _Row]],
    ) -> tuple[str, list[tuple[dt.date, dt.date | None, str, _Row]]]:
        """The looked-after legal status open at *day*, and every status open then."""
        open_then = [s for s in statuses if s[0] <= day and (s[1] is None or s[1] > day)]
        coded = [s for s in open_then if s[2]]
        if not coded:
            return "", open_then
        coded.sort(key=lambda s: (-s[0].toordinal(), s[2]))
        return coded[0][2], open_then

    def _episode(
        self,
        child: str,
        start: dt.date,
        row: _Row,
        previous: tuple[Episode, str, bool] | None,
        placements: Mapping[str, tuple[str, str | None, str | None, str | None]],
        statuses: list[tuple[dt.date, dt.date | None, str, _Row]],
    ) -> tuple[Episode, str, bool]:
        """Build one row's episodes; returns the last, its placement key and if it is known."""
        end = self._date(row, "clae_cla_episode_ceased_date")
        recorded_new = self._code(row, "clae_cla_episode_start_reason", REASON_NEW, "reason_new")
        reason_ceased = self._code(
            row, "clae_cla_episode_ceased_reason", REASON_CEASED, "reason_ceased"
        )
        placement_id = row.get("clae_cla_placement_id")
        placement: tuple[str, str | None, str | None, str | None] = ("", None, None, None)
        known_placement = False
        if not placement_id:
            self.log.add(
                row.file,
                row.where,
                "clae_cla_placement_id",
                "",
                "missing; read as the empty placement code",
            )
        elif placement_id not in placements:
            self.log.add(
                row.file,
                row.where,
                "clae_cla_placement_id",
                shown(placement_id),
                "a placement not in the extract; read as the empty placement code",
            )
        else:
            placement = placements[placement_id]
            known_placement = True
        key = placement_id if known_placement else ""
        # The legal statuses that start inside the episode split it.
        cuts = sorted(
            {s[0] for s in statuses if s[2] and s[0] > start and (end is None or s[0] < end)}
        )
        status, open_then = self._legal_status(start, statuses)
        if not status:
            unmapped = sorted({s[3].get("lega_legal_status") for s in open_then})
            self.log.add(
                row.file,
                row.where,
                "lega_legal_status",
                shown(", ".join(unmapped)),
                "no looked-after legal status open on the episode's start day"
                + (" is recognised (map it with codes=)" if unmapped else "")
                + "; read as the empty code",
            )
        both = sorted({s[2] for s in open_then if s[2]})
        if len(both) > 1:
            self.log.add(
                row.file,
                row.where,
                "lega_legal_status",
                ", ".join(both),
                "more than one looked-after legal status is open on the episode's start day; "
                "the one that started latest (then the first code) is read",
            )
        reason_new = recorded_new or ""
        if previous is not None:
            before, before_key, before_known = previous
            follows = before.end == start and before.reason_ceased == "X1"
            if follows:
                reason_new = self._recomputed(
                    row,
                    recorded_new,
                    before,
                    before_key,
                    before_known=before_known,
                    status=status,
                    key=key,
                    known=known_placement,
                )
        if not reason_new and recorded_new is None and not row.get("clae_cla_episode_start_reason"):
            self.log.add(
                row.file,
                row.where,
                "clae_cla_episode_start_reason",
                "",
                "missing; read as the empty code",
            )
        code, urn, provider, postcode = placement
        need = self._code(row, "clae_cla_primary_need_code", PRIMARY_NEED, "primary_need")
        pieces = [start, *cuts]
        last: Episode | None = None
        for index, piece_start in enumerate(pieces):
            piece_end = pieces[index + 1] if index + 1 < len(pieces) else end
            piece_status = status if index == 0 else self._legal_status(piece_start, statuses)[0]
            if index > 0 and last is not None and piece_status == last.legal_status:
                # The status starting here is the one already held: no new episode.
                last = attrs.evolve(last, end=piece_end)
                continue
            if last is not None:
                self.collected.add(
                    "episodes",
                    attrs.evolve(last, end=piece_start, reason_ceased="X1"),
                    row.file,
                    row.line,
                )
                self.log.add(
                    row.file,
                    row.where,
                    "lega_legal_status_start_date",
                    piece_start.isoformat(),
                    "a legal status starts inside the episode: split there (X1, then L)",
                )
            last = Episode(
                child_id=child,
                start=piece_start,
                end=piece_end,
                reason_new=reason_new if index == 0 else "L",
                legal_status=piece_status,
                placement=code,
                reason_ceased=reason_ceased,
                provider=provider,
                postcode=postcode,
                urn=urn,
                category_of_need=need,
            )
        assert last is not None
        last = attrs.evolve(last, end=end, reason_ceased=reason_ceased)
        self.collected.add("episodes", last, row.file, row.line)
        return last, key, known_placement

    def _recomputed(
        self,
        row: _Row,
        recorded: str | None,
        before: Episode,
        before_key: str,
        *,
        before_known: bool,
        status: str,
        key: str,
        known: bool,
    ) -> str:
        """The reason for a new episode that follows another, from what changed."""
        legal = status != before.legal_status
        moved: bool | None = key != before_key if before_known and known else None
        same_carer = recorded in ("T", "U")
        allowed: tuple[str, ...]
        if moved is None:  # the placement of one of the two is not known
            allowed = ("L", "B", "U") if legal else ("P", "T", "L")
        elif moved and legal:
            allowed = ("U",) if same_carer else ("B",)
        elif moved:
            allowed = ("T",) if same_carer else ("P",)
        else:
            allowed = ("L",)
        if recorded is not None and recorded in allowed:
            return recorded
        chosen = allowed[0]
        if recorded is not None or row.get("clae_cla_episode_start_reason"):
            self.log.add(
                row.file,
                row.where,
                "clae_cla_episode_start_reason",
                f"{recorded or row.get('clae_cla_episode_start_reason')} -> {chosen}",
                "the recorded reason for the new episode does not match what the placement "
                "and legal-status tables show changed; replaced by the one that does",
            )
        return chosen

    def _lac_reviews(self, care_child: Mapping[str, str]) -> None:
        groups: dict[tuple[str, dt.date], list[tuple[_Row, str | None]]] = {}
        for row in self._unique("clar", "clar_cla_review_id", "review"):
            if yes_no(row.get("clar_cla_review_cancelled")) is True:
                continue  # a cancelled review is not a review
            child = row.get("clar_cla_person_id") or care_child.get(row.get("clar_cla_id"), "")
            if not child:
                self.log.add(
                    row.file,
                    row.where,
                    "clar_cla_person_id",
                    row.get("clar_cla_id"),
                    "no child, and no period of care in the extract to take it from; "
                    "the review was dropped",
                )
                continue
            text = row.get("clar_cla_review_date")
            if not text:
                continue  # a review not yet held
            day = self._date(row, "clar_cla_review_date")
            if day is None:
                continue
            participation = self._code(
                row, "clar_cla_review_participation", PARTICIPATION, "participation"
            )
            groups.setdefault((child, day), []).append((row, participation))
        for (child, day), members in groups.items():
            members.sort(key=lambda m: (by_content((m[1],)), by_content(m[0].values())))
            row, participation = members[0]
            for other, _ in members[1:]:
                self.log.add(
                    other.file,
                    other.where,
                    "clar_cla_review_date",
                    day.isoformat(),
                    "a second review of the child on this day; one kept, by content",
                )
            self.collected.add(
                "lac_reviews",
                LACReview(child_id=child, review_date=day, participation=participation),
                row.file,
                row.line,
            )

    def _care_leavers(self, births: Mapping[str, dt.date | None]) -> None:
        groups: dict[str, list[_Row]] = {}
        for row in self.tables["clea"]:
            child = row.get("clea_person_id")
            if not child:
                self.log.add(
                    row.file,
                    row.where,
                    "clea_person_id",
                    "",
                    "missing; the care leaver was dropped",
                )
                continue
            groups.setdefault(child, []).append(row)
        for child, rows in groups.items():
            dated = [(parse_when(r.get("clea_care_leaver_latest_contact")).day, r) for r in rows]
            dated.sort(
                key=lambda d: (
                    d[0] is None,
                    -(d[0] or dt.date.min).toordinal(),
                    by_content(d[1].values()),
                )
            )
            row = dated[0][1]
            for _, other in dated[1:]:
                self.log.add(
                    other.file,
                    other.where,
                    "clea_person_id",
                    f"{child}: {row.where}",
                    "another care-leaver row of the person; the one with the latest contact "
                    "is read (at the line named)",
                )
            self._date(row, "clea_care_leaver_latest_contact")
            birth = births.get(child)
            if birth is None:
                self.log.add(
                    row.file,
                    row.where,
                    "clea_person_id",
                    child,
                    "no date of birth for the care leaver in ssd_person; the care leaver was dropped",
                )
                continue
            self.collected.add(
                "care_leavers",
                CareLeaver(
                    child_id=child,
                    birth_date=birth,
                    in_touch=self._code(row, "clea_care_leaver_in_touch", IN_TOUCH, "in_touch"),
                    activity=self._code(row, "clea_care_leaver_activity", ACTIVITY, "activity"),
                    accommodation=self._accommodation(row),
                ),
                row.file,
                row.line,
            )

    def _accommodation(self, row: _Row) -> str | None:
        text = row.get("clea_care_leaver_accommodation")
        if not text:
            return None
        whole = text.strip().upper()
        if len(whole) == 2 and whole[0] in ACCOMMODATION_LETTER.codes and whole[1] in "12":
            return whole  # the SSDA903 code, letter and suitability together
        letter = self._code(
            row, "clea_care_leaver_accommodation", ACCOMMODATION_LETTER, "accommodation"
        )
        if letter is None or letter == "0":
            return letter
        suitable = self._code(row, "clea_care_leaver_accom_suitable", SUITABILITY, "suitability")
        if suitable is None:
            if not row.get("clea_care_leaver_accom_suitable"):
                self.log.add(
                    row.file,
                    row.where,
                    "clea_care_leaver_accom_suitable",
                    "",
                    "missing; the accommodation is read as its letter alone (neither suitable "
                    "nor unsuitable)",
                )
            return letter
        return letter + suitable

    # -- coverage ---------------------------------------------------------------------------

    def _coverage(self, extract_date: dt.date | None, window_years: int | None) -> Coverage:
        earliest: dict[str, dt.date] = {}
        latest: dt.date | None = None
        for table, items in self.collected.tables.items():
            for record, _, _ in items:
                for field in _KEY_DATES.get(table, ()):
                    day = getattr(record, field)
                    if day is None:
                        continue
                    if table not in earliest or day < earliest[table]:
                        earliest[table] = day
                    if latest is None or day > latest:
                        latest = day
        end = extract_date or latest
        if end is None:
            return Coverage()
        overall = min(earliest.values(), default=end)
        for table in self.collected.tables:
            earliest.setdefault(table, overall)  # children, care leavers: the whole extract
        window = add_months(end, -12 * window_years) if window_years is not None else None
        starts: dict[dt.date, list[str]] = {}
        for table in self.collected.tables:
            first = earliest.get(table, end)
            start = max(first, window) if window is not None else first
            starts.setdefault(min(start, end), []).append(table)
        return Coverage(
            tuple(
                ReturnCoverage(
                    kind="ssd",
                    path=str(self.folder),
                    year=None,
                    start=start,
                    end=end,
                    tables=tables,
                    partial={k: v for k, v in PARTIAL_FIELDS.items() if k.split(".")[0] in tables},
                )
                for start, tables in sorted(starts.items())
            )
        )


# -- writing ---------------------------------------------------------------------------------


def _stamp(day: dt.date | None) -> str:
    return "NULL" if day is None else f"{day.isoformat()} 00:00:00.000"


def _text(value: str | None) -> str:
    return "NULL" if value is None or value == "" else value


def _write(path: Path, columns: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def write_ssd(dataset: Dataset, folder: str | os.PathLike[str]) -> None:
    """Write *dataset* as a Standard Safeguarding Dataset extract that `read_ssd` reads back.

    Args:
        dataset: The records to write.
        folder: The folder to write ``ssd_<table>.csv`` files into (created if needed).

    Notes:
        - Dates are written as SQL Server exports them (``2024-12-10 00:00:00.000``),
          missing values as ``NULL``.
        - What the SSD cannot hold is not written: contact decision dates, the number of
          previous plans, assessments other than single ones, and care leavers' records
          of earlier years (the SSD keeps each young person's latest row: the one of the
          latest collection year).
        - Episodes become the three tables the reader joins: an episode row each, a
          placement row for each run of episodes in one placement (a new one where the
          episode begins a placement, RNE S, P or B, or the placement's details change),
          and a legal-status row for each run of one legal status.
        - An enquiry marked ``icpc_not_required`` is written as ended on its start day
          with no conference wanted, so that the reader derives the flag back.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    people: dict[str, Child] = {c.child_id: c for c in dataset.children}
    for leaver in dataset.care_leavers:
        people.setdefault(
            leaver.child_id, Child(child_id=leaver.child_id, birth_date=leaver.birth_date)
        )
    _write(
        out / "ssd_person.csv",
        ["pers_legacy_id", "pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob"],
        (
            ["NULL", c.child_id, _text(c.sex), _text(c.ethnicity), _stamp(c.birth_date)]
            for c in sorted(people.values(), key=lambda c: c.child_id)
        ),
    )
    flags = {outcome: flag for flag, outcome in _CONTACT_OUTCOMES}
    _write(
        out / "ssd_contacts.csv",
        [
            "cont_contact_id",
            "cont_person_id",
            "cont_contact_date",
            "cont_contact_source_code",
            "cont_contact_outcome_json",
        ],
        (
            [
                f"C-{n}",
                c.child_id,
                _stamp(c.contact_date),
                _text(c.source),
                json.dumps({flags.get(c.outcome or "", "OTHER_OUTCOMES_EXIST_FLAG"): "Y"})
                if c.outcome
                else "NULL",
            ]
            for n, c in enumerate(dataset.contacts, start=1)
        ),
    )
    _write(
        out / "ssd_cin_episodes.csv",
        [
            "cine_referral_id",
            "cine_person_id",
            "cine_referral_date",
            "cine_cin_primary_need_code",
            "cine_referral_source_code",
            "cine_referral_nfa",
            "cine_close_reason",
            "cine_close_date",
        ],
        (
            [
                r.referral_id,
                r.child_id,
                _stamp(r.referral_date),
                _text(r.primary_need),
                _text(r.source),
                "Y" if r.nfa else "N",
                _text(r.closure_reason),
                _stamp(r.closure_date),
            ]
            for r in dataset.referrals
        ),
    )
    singles = [a for a in dataset.assessments if a.kind.value == "single"]
    _write(
        out / "ssd_cin_assessments.csv",
        [
            "cina_assessment_id",
            "cina_person_id",
            "cina_referral_id",
            "cina_assessment_start_date",
            "cina_assessment_auth_date",
        ],
        (
            [
                f"A-{n}",
                a.child_id,
                _text(a.referral_id),
                _stamp(a.start_date),
                _stamp(a.authorisation_date),
            ]
            for n, a in enumerate(singles, start=1)
        ),
    )
    _write(
        out / "ssd_assessment_factors.csv",
        ["cinf_table_id", "cinf_assessment_id", "cinf_assessment_factors_json"],
        (
            [f"F-{n}", f"A-{n}", json.dumps(list(a.factors))]
            for n, a in enumerate(singles, start=1)
            if a.factors
        ),
    )
    _write(
        out / "ssd_cin_plans.csv",
        [
            "cinp_cin_plan_id",
            "cinp_referral_id",
            "cinp_person_id",
            "cinp_cin_plan_start_date",
            "cinp_cin_plan_end_date",
        ],
        (
            [f"P-{n}", _text(p.referral_id), p.child_id, _stamp(p.start_date), _stamp(p.end_date)]
            for n, p in enumerate(dataset.cin_plans, start=1)
        ),
    )
    enquiries = list(dataset.section47s)
    _write(
        out / "ssd_s47_enquiry.csv",
        [
            "s47e_s47_enquiry_id",
            "s47e_referral_id",
            "s47e_person_id",
            "s47e_s47_start_date",
            "s47e_s47_end_date",
            "s47e_s47_outcome_json",
        ],
        (
            [
                f"S-{n}",
                _text(s.referral_id),
                s.child_id,
                _stamp(s.start_date),
                _stamp(s.icpc_date or (s.start_date if s.icpc_not_required else None)),
                json.dumps({"CP_CONFERENCE_FLAG": "N" if s.icpc_not_required else "Y"})
                if s.icpc_not_required or s.icpc_date
                else "NULL",
            ]
            for n, s in enumerate(enquiries, start=1)
        ),
    )
    _write(
        out / "ssd_initial_cp_conference.csv",
        [
            "icpc_icpc_id",
            "icpc_s47_enquiry_id",
            "icpc_person_id",
            "icpc_referral_id",
            "icpc_icpc_target_date",
            "icpc_icpc_date",
        ],
        (
            [
                f"I-{n}",
                f"S-{n}",
                s.child_id,
                _text(s.referral_id),
                _stamp(s.icpc_target),
                _stamp(s.icpc_date),
            ]
            for n, s in enumerate(enquiries, start=1)
            if s.icpc_date is not None
        ),
    )
    plans = list(dataset.cp_plans)
    _write(
        out / "ssd_cp_plans.csv",
        [
            "cppl_cp_plan_id",
            "cppl_referral_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_latest_category",
        ],
        (
            [
                f"CP-{n}",
                _text(p.referral_id),
                p.child_id,
                _stamp(p.start_date),
                _stamp(p.end_date),
                _text(p.initial_category),
                _text(p.latest_category),
            ]
            for n, p in enumerate(plans, start=1)
        ),
    )
    _write(
        out / "ssd_cp_reviews.csv",
        ["cppr_cp_review_id", "cppr_person_id", "cppr_cp_plan_id", "cppr_cp_review_date"],
        (
            [f"RV-{n}-{k}", p.child_id, f"CP-{n}", _stamp(day)]
            for n, p in enumerate(plans, start=1)
            for k, day in enumerate(p.review_dates, start=1)
        ),
    )
    _write_looked_after(dataset, out)


def _write_looked_after(dataset: Dataset, out: Path) -> None:
    episodes: dict[str, list[Episode]] = {}
    for episode in dataset.episodes:
        episodes.setdefault(episode.child_id, []).append(episode)
    episode_rows: list[list[str]] = []
    placement_rows: list[list[str]] = []
    status_rows: list[list[str]] = []
    first_care: dict[str, str] = {}
    for child, items in sorted(episodes.items()):
        items.sort(key=lambda e: (e.start, content_key(attrs.astuple(e, recurse=False))))
        placement_id = ""
        care_id = ""
        status: list[Any] | None = None
        previous: Episode | None = None
        for number, e in enumerate(items, start=1):
            follows = (
                previous is not None and previous.end == e.start and previous.reason_ceased == "X1"
            )
            details = (e.placement, e.urn, e.provider, e.postcode)
            if (
                not follows
                or e.reason_new != "L"
                or previous is None
                or details
                != (previous.placement, previous.urn, previous.provider, previous.postcode)
            ):
                placement_id = f"PL-{child}-{number}"
                placement_rows.append(
                    [
                        placement_id,
                        child,
                        e.placement,
                        _text(e.urn),
                        _text(e.provider),
                        _text(e.postcode),
                        _stamp(e.start),
                    ]
                )
            if not follows:
                care_id = f"POC-{child}-{number}"
                first_care.setdefault(child, care_id)
            if follows and status is not None and status[2] == e.legal_status:
                status[4] = _stamp(e.end)
            else:
                status = [
                    f"LS-{child}-{number}",
                    child,
                    e.legal_status,
                    _stamp(e.start),
                    _stamp(e.end),
                ]
                status_rows.append(status)
            episode_rows.append(
                [
                    f"E-{child}-{number}",
                    child,
                    placement_id,
                    _stamp(e.start),
                    e.reason_new,
                    _text(e.category_of_need),
                    _stamp(e.end),
                    _text(e.reason_ceased),
                    care_id,
                ]
            )
            previous = e
    _write(
        out / "ssd_cla_episodes.csv",
        [
            "clae_cla_episode_id",
            "clae_person_id",
            "clae_cla_placement_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_primary_need_code",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
            "clae_cla_id",
        ],
        episode_rows,
    )
    _write(
        out / "ssd_cla_placement.csv",
        [
            "clap_cla_placement_id",
            "clap_person_id",
            "clap_cla_placement_type",
            "clap_cla_placement_urn",
            "clap_cla_placement_provider",
            "clap_cla_placement_postcode",
            "clap_cla_placement_start_date",
        ],
        placement_rows,
    )
    _write(
        out / "ssd_legal_status.csv",
        [
            "lega_legal_status_id",
            "lega_person_id",
            "lega_legal_status",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
        ],
        status_rows,
    )
    _write(
        out / "ssd_cla_reviews.csv",
        [
            "clar_cla_review_id",
            "clar_cla_id",
            "clar_cla_person_id",
            "clar_cla_review_date",
            "clar_cla_review_cancelled",
            "clar_cla_review_participation",
        ],
        (
            [
                f"CR-{n}",
                first_care.get(r.child_id, "NULL"),
                r.child_id,
                _stamp(r.review_date),
                "N",
                _text(r.participation),
            ]
            for n, r in enumerate(dataset.lac_reviews, start=1)
        ),
    )
    latest: dict[str, CareLeaver] = {}
    for leaver in dataset.care_leavers:
        kept = latest.get(leaver.child_id)
        if kept is None or (leaver.year or 0, content_key(attrs.astuple(leaver))) > (
            kept.year or 0,
            content_key(attrs.astuple(kept)),
        ):
            latest[leaver.child_id] = leaver
    _write(
        out / "ssd_care_leavers.csv",
        [
            "clea_table_id",
            "clea_person_id",
            "clea_care_leaver_in_touch",
            "clea_care_leaver_accommodation",
            "clea_care_leaver_accom_suitable",
            "clea_care_leaver_activity",
        ],
        (
            [
                f"CL-{n}",
                c.child_id,
                _text(c.in_touch),
                _text(c.accommodation[:1] if c.accommodation else None),
                _text(c.accommodation[1:] if c.accommodation else None),
                _text(c.activity),
            ]
            for n, c in enumerate(sorted(latest.values(), key=lambda c: c.child_id), start=1)
        ),
    )
