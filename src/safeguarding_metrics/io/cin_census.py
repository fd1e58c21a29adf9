"""The children in need (CIN) census XML return: a streaming, safe reader and a writer.

A CIN census file is a `Message` holding a `Header` (with `CollectionDetails/ReferenceDate`,
which dates the return and so gives its collection year) and `Children`, one `Child` per
child, each with `ChildIdentifiers`, `ChildCharacteristics` and one `CINdetails` per episode
of need (a referral, with its assessments, CIN plans, section 47 enquiries and child
protection plans nested inside). The reader checks every element against that layout, so
nothing in a file is skipped without a diagnostic, and caps what one file can make it hold.
"""

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt

from safeguarding_metrics._dates import NAT_DAY
from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.diagnostics import Diagnostic
from safeguarding_metrics.errors import InvalidRecordError, ReadError
from safeguarding_metrics.io._common import (
    DATE_CACHE,
    FIRST_YEAR,
    LAST_YEAR,
    DiagnosticLog,
    as_paths,
    looked_after_ids,
    parse_date,
    shown,
)
from safeguarding_metrics.io._xml import (
    DECLARATION_BYTES,
    check_encoding,
    declared_encoding,
    encoding_error,
    safe_parser,
    syntax_error,
)
from safeguarding_metrics.provenance import (
    Coverage,
    Origins,
    ReturnCoverage,
    collection_year,
    collection_year_span,
)
from safeguarding_metrics.records import (
    Assessment,
    AssessmentKind,
    Child,
    CINPlan,
    CPPlan,
    Referral,
    Section47,
)

__all__ = [
    "CHUNK_SIZE",
    "MAX_CHILD_BYTES",
    "MAX_DEPTH",
    "MAX_TEXT_LENGTH",
    "MAX_TOKEN_BYTES",
    "MAX_VALUE_LENGTH",
    "read_cin_census",
    "write_cin_census",
]

CHUNK_SIZE = 1 << 20
"""Bytes fed to the XML parser at a time; memory use does not grow with the file."""

# Caps on what one file can make the reader hold, so that memory stays bounded whatever the
# bytes: a file beyond a cap is refused with a `ReadError` naming the file and line. Each is
# far above anything a CIN census holds.
MAX_DEPTH = 64
"""Elements open at once (a CIN census nests 7 deep: Message/Children/Child/CINdetails/...)."""
MAX_TOKEN_BYTES = 1 << 20
"""Bytes of one tag (with its attributes), comment or processing instruction: one still
open this many bytes after it began, when a chunk has been parsed, is refused (the parser
holds an open token whole)."""
MAX_VALUE_LENGTH = 1 << 16
"""Characters of one element's text (census values are dates, codes and identifiers)."""
MAX_CHILD_BYTES = 1 << 22
"""Bytes one `Child` element may span. The reader keeps a Child's elements until it closes,
so this caps what it holds for one child: at most one element per 6 bytes, some 70 MB at
worst. A child with decades of episodes spans some tens of kilobytes."""
MAX_TEXT_LENGTH = 256
"""Characters of an identifier or code the reader keeps (`LAchildID`, `ReferralSource`,
`Ethnicity`...). A longer one is reported and not kept (text columns are as wide as their
longest value, so one such text would widen a column for every record)."""

# Code lists of the CIN census guide (DfE, children in need census 2024 to 2025).
PRIMARY_NEED_CODES = frozenset({"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})
CLOSURE_REASON_CODES = frozenset(f"RC{n}" for n in range(1, 10))
ABUSE_CATEGORY_CODES = frozenset({"NEG", "PHY", "SAB", "EMO", "MUL"})
# Each code of a list mapped to itself: a valid code is found, and stored, as one shared string.
_PRIMARY_NEEDS = {code: code for code in PRIMARY_NEED_CODES}
_CLOSURE_REASONS = {code: code for code in CLOSURE_REASON_CODES}
_ABUSE_CATEGORIES = {code: code for code in ABUSE_CATEGORY_CODES}
_FLAGS = {"true": True, "1": True, "false": False, "0": False}
_DATES = DATE_CACHE.get  # the fast path; _FileReader._date parses, caches and reports
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})

_NESTED = frozenset({"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"})
_NOT_A_DATE = "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"
_LARGEST_COUNT = 2**53  # whole numbers above this do not survive a float64 column
_LARGEST_COUNT_DIGITS = len(str(_LARGEST_COUNT))

# Dates are kept as days since 1970-01-01 (the int64 behind `datetime64[D]`), missing ones as
# the int64 minimum (`NaT`). Texts already met map to their day: a dict lookup per date.
_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = int(NAT_DAY)
_DAYS: dict[str, int] = {}
_REFERRAL_DAYS: dict[str, tuple[int, str]] = {}  # also the ISO spelling, for referral ids
_CACHE_LIMIT = 50_000  # about 70 years of days, in two spellings


# -- the layout of a CIN census file -----------------------------------------------------------

# What the reader does with an element, by its place in the layout:
_LEAF = 0  # a value inside a Child, kept until the Child closes
_GROUP = 1  # a group of values inside a Child (ChildIdentifiers, Reviews...), kept
_RECORD = 2  # a record nested in a Child (CINdetails, Assessments...), kept with its line
_CHILD = 3  # a Child: its records are read when it closes
_PASS = 4  # an element around or beside the records (Message, Header, Disabilities): not kept
_SKIP = 5  # a value the reader does not use (UPN, Year...): not kept
_REFERENCE = 6  # Message/Header/CollectionDetails/ReferenceDate (a value, read at once)
_AUTHORITY = 7  # Message/Header/Source/LEA (a value, read at once)

# Each element's children: name -> (that child's children, what the reader does with it).
_Layout = dict[str, tuple[Any, int]]


_NO_CHILDREN: _Layout = {}
# One shared entry per kind of value, so the parser tells a kept value by identity.
_LEAF_ENTRY = (_NO_CHILDREN, _LEAF)
_SKIP_ENTRY = (_NO_CHILDREN, _SKIP)


def _values(names: str, action: int) -> _Layout:
    entry = _LEAF_ENTRY if action == _LEAF else _SKIP_ENTRY
    return dict.fromkeys(names.split(), entry)


_COLLECTION: _Layout = {
    **_values("Collection Year", _SKIP),
    "ReferenceDate": (_NO_CHILDREN, _REFERENCE),
}
_SOURCE: _Layout = {
    **_values("SourceLevel SoftwareCode Release SerialNo DateTime", _SKIP),
    "LEA": (_NO_CHILDREN, _AUTHORITY),
}
_HEADER: _Layout = {"CollectionDetails": (_COLLECTION, _PASS), "Source": (_SOURCE, _PASS)}
_IDENTIFIERS: _Layout = {
    **_values("LAchildID PersonBirthDate GenderCurrent Sex", _LEAF),
    **_values("UPN FormerUPN UPNunknown ExpectedPersonBirthDate PersonDeathDate", _SKIP),
}
_CHARACTERISTICS: _Layout = {
    "Ethnicity": _LEAF_ENTRY,
    "Disabilities": (_values("Disability", _SKIP), _PASS),
}
_ASSESSMENT: _Layout = {
    **_values("AssessmentActualStartDate AssessmentAuthorisationDate", _LEAF),
    "AssessmentInternalReviewDate": _SKIP_ENTRY,
    "FactorsIdentifiedAtAssessment": (_values("AssessmentFactors", _LEAF), _GROUP),
}
_CIN_PLAN = _values("CINPlanStartDate CINPlanEndDate", _LEAF)
_SECTION47 = _values("S47ActualStartDate InitialCPCtarget DateOfInitialCPC ICPCnotRequired", _LEAF)
_CP_PLAN: _Layout = {
    **_values(
        "CPPstartDate CPPendDate InitialCategoryOfAbuse LatestCategoryOfAbuse NumberOfPreviousCPP",
        _LEAF,
    ),
    "SeenSocialWorker": _SKIP_ENTRY,
    "Reviews": (_values("CPPreviewDate", _LEAF), _GROUP),
}
_PRE_PROCEEDINGS = _values(
    "PPStartDate LBPSentDate FGDMMeetingOffer FGDMMeetingFac InitialPPMeetingDate "
    "ReviewMeetingsCount StepDecisionDate PPOutcome CourtAppDate LetterInitCPDate",
    _SKIP,
)
_DETAILS: _Layout = {
    **_values(
        "CINreferralDate ReferralSource PrimaryNeedCode CINclosureDate ReasonForClosure "
        "ReferralNFA",
        _LEAF,
    ),
    "DateOfInitialCPC": _SKIP_ENTRY,  # in some years here too; the Section47's is read
    "Assessments": (_ASSESSMENT, _RECORD),
    "CINPlanDates": (_CIN_PLAN, _RECORD),
    "Section47": (_SECTION47, _RECORD),
    "ChildProtectionPlans": (_CP_PLAN, _RECORD),
    "PreProceedingsandFGDM": (_PRE_PROCEEDINGS, _PASS),
}
_CHILD_PARTS: _Layout = {
    "ChildIdentifiers": (_IDENTIFIERS, _GROUP),
    "ChildCharacteristics": (_CHARACTERISTICS, _GROUP),
    "CINdetails": (_DETAILS, _RECORD),
}
_MESSAGE: _Layout = {
    "Header": (_HEADER, _PASS),
    "Children": ({"Child": (_CHILD_PARTS, _CHILD)}, _PASS),
}


def _names(layout: _Layout) -> set[str]:
    found = set(layout)
    for children, _ in layout.values():
        found |= _names(children)
    return found


_KNOWN = frozenset(_names(_MESSAGE) | {"Message"})
_RECORD_NAMES = frozenset({"Child", "CINdetails", *_NESTED})
_UNKNOWN = "not an element of the CIN census; ignored, with everything in it"
_MISPLACED_RECORD = "a record element outside its parent element; ignored, with everything in it"
_MISPLACED = "an element of the CIN census out of its place; ignored, with everything in it"

# A kept element is a small list, [name, text, *children]: cheaper than ElementTree's
# elements. For a record (a Child, a CINdetails or a record nested in one) the second item
# is the line it starts on instead of its text. Only the elements of one Child exist at a time.
_Node = list[Any]


# -- reading -----------------------------------------------------------------------------------


# The fields of each table as read, in the order a row lists them, with their kind: `day`
# (days since 1970-01-01, `_NAT` when missing), `text` (`""` when missing), `flag`, `number`
# (a float, nan when missing), `tuple` (of dates or codes), `episode` (the row of the
# referral a nested record belongs to, which gives its child and referral ids), and `line`
# (the line of the record's element, for `Dataset.origins`).
_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "children": (
        ("child_id", "text"),
        ("birth_date", "day"),
        ("sex", "text"),
        ("ethnicity", "text"),
        ("line", "line"),
    ),
    "referrals": (
        ("referral_id", "text"),
        ("child_id", "text"),
        ("referral_date", "day"),
        ("source", "text"),
        ("nfa", "flag"),
        ("closure_date", "day"),
        ("closure_reason", "text"),
        ("primary_need", "text"),
        ("line", "line"),
    ),
    "assessments": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("authorisation_date", "day"),
        ("factors", "tuple"),
        ("line", "line"),
    ),
    "section47s": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("icpc_target", "day"),
        ("icpc_date", "day"),
        ("icpc_not_required", "flag"),
        ("line", "line"),
    ),
    "cp_plans": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("end_date", "day"),
        ("previous_plans", "number"),
        ("initial_category", "text"),
        ("latest_category", "text"),
        ("review_dates", "tuple"),
        ("line", "line"),
    ),
    "cin_plans": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("end_date", "day"),
        ("line", "line"),
    ),
}
_TABLES = tuple(_FIELDS)
_WIDTHS = {table: len(fields) for table, fields in _FIELDS.items()}
_CHILD_WIDTH = _WIDTHS["children"]
_REFERRAL_WIDTH = _WIDTHS["referrals"]


class _Rows:
    """The records read so far from every file, in reading order, one flat list per table.

    A row is its fields' values one after the other (see `_FIELDS`), added with one
    `extend`: no object per record, so the garbage collector has nothing to rescan however
    many records are read, and a column is a slice, `table[field::width]`.
    """

    __slots__ = ("assessments", "children", "cin_plans", "cp_plans", "referrals", "section47s")

    def __init__(self) -> None:
        self.children: list[Any] = []
        self.referrals: list[Any] = []
        self.assessments: list[Any] = []
        self.section47s: list[Any] = []
        self.cp_plans: list[Any] = []
        self.cin_plans: list[Any] = []

    def counts(self) -> dict[str, int]:
        """The number of rows of each table read so far."""
        return {table: len(getattr(self, table)) // _WIDTHS[table] for table in _TABLES}


def _file_size(path: Path) -> int:
    try:
        if path.is_dir():
            raise ReadError(f"{path}: is a folder, not a CIN census XML file")
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot be read: {error.strerror}") from None
    if size == 0:
        raise ReadError(f"{path}: the file is empty")
    return size


def read_cin_census(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Dataset:
    """Read one or more CIN census XML files into a `Dataset`.

    Args:
        paths: A file, or several files (one per collection year, in any order).
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.
        progress: Called as `progress(bytes_read, total_bytes)` after each chunk, counting
            over all *paths*, so a caller can draw a progress bar.

    Returns:
        The children, referrals (one per `CINdetails`), assessments, section 47 enquiries,
        child protection plans and CIN plans, with `diagnostics` listing every problem,
        `coverage` naming each file's collection year and the collections it held, and
        `origins` giving the file and line of each record. The collections are
        column-backed (see `Dataset.from_columns`): a record is built when it is read, and
        indicators read the columns directly.

    Raises:
        ReadError: A file is missing, empty, not well-formed XML, in an encoding that cannot
            be decoded, not a CIN census `Message`, has a document type declaration
            (refused, so no entity is ever expanded or fetched), or goes beyond one of the
            caps (`MAX_DEPTH`, `MAX_TOKEN_BYTES`, `MAX_VALUE_LENGTH`, `MAX_CHILD_BYTES`);
            several files are given and one has no valid `ReferenceDate`, two are for
            the same collection year, or two name different local authorities
            (`Header/Source/LEA`); or *strict* and there were problems. The message
            names the file, and the line where there is one.

    Notes:
        - Each file is parsed in chunks of `CHUNK_SIZE` bytes and each `Child` is turned
          into rows of plain values and discarded as soon as it closes, so memory does not
          grow with the file (only with the records returned), and the caps bound what one
          `Child`, one value, one tag or the nesting of elements can make the reader hold.
          The time taken grows in proportion to the file, however its records are laid out.
        - A file's collection year is that of its own `ReferenceDate`
          (`Message/Header/CollectionDetails/ReferenceDate`): the year of the 31 March on
          or after it. Its coverage runs from 1 April of that collection year to the
          `ReferenceDate`. A single file without a valid `ReferenceDate` (a date whose
          collection year is from 1900 to 2200) is read, reported, and has no coverage.
        - Several files must be one council's returns: files whose `Header/Source/LEA`
          codes differ are refused (a file without one is taken to be the others'), since
          child ids are each council's own and its coverage would stand for the other's.
        - Several files merge in order of their `ReferenceDate`, never in the order given,
          so the order of *paths* changes nothing (diagnostics come file by file, earliest
          year first). Children merge by `LAchildID`, episodes by (child, referral date),
          the later file winning. A later file's `CINdetails` replaces the earlier file's
          whole episode, with its assessments, plans and enquiries, so one a later year
          removed is gone; a plan keeps the review dates earlier files listed for it (the
          same child and plan start), since each return lists its own year's reviews.
          Episodes the later file does not hold are kept; one of them still open in its
          file, which a later file would have had to hold, is taken to have closed on 1
          April after its file's collection year, with its open plans, and is reported.
        - `referral_id` is the child id and referral date, `"<LAchildID>/<YYYY-MM-DD>"`; a
          child's same-day referrals are numbered by their content (their fields, then
          the records nested in them), the first keeping the plain id and the others
          getting `"/2"`, `"/3"`..., so both survive for the indicators to exclude one as
          `duplicate`, and which is kept never depends on their order in the file; it is
          reported.
          Records nested in a `CINdetails` carry its `referral_id`.
        - Element names are read without their namespace prefix, on any element
          (`<cin:Child>` is a `Child`, whatever the root is written as).
        - Every record element in a file is either read or named in a diagnostic, with
          its line; a diagnostic that says an element was ignored or dropped "with
          everything in it" covers the records nested in it too. So: an element the census
          does not define is reported and ignored with its contents; a record element
          outside its parent (a `Section47` directly under `Child`, a `CINdetails` inside
          a `CINdetails`, anything inside a misspelt `<Childs>`) is reported and ignored
          with its contents, never read as if it were in its place; an empty `Child` is
          reported.
        - Dates are `YYYY-MM-DD` (also accepted: `DD/MM/YYYY`). An unparseable optional
          date is read as missing and the record kept; a missing or unparseable
          `AssessmentActualStartDate` or `S47ActualStartDate` is reported and kept as
          missing, for the indicators to exclude as `missing-start`.
        - Dropped and reported: a `Child` without `LAchildID` (with everything in it), a
          `CINdetails` without a valid `CINreferralDate` (with everything nested in it),
          a plan without a valid start date. A child whose `LAchildID` appears twice in a
          file is reported at both lines: the most complete identifiers are kept (then the
          first by content, never by place in the file), the episodes of both.
        - An identifier or code longer than `MAX_TEXT_LENGTH` characters is reported and
          not kept: a `Child` with such an `LAchildID` is dropped, any other such value is
          read as missing.
        - `ReferralNFA` and `ICPCnotRequired` are `true`/`false`/`1`/`0`; anything else
          is reported and read as false. A missing `ReferralNFA` is reported and read as
          false; a missing `ICPCnotRequired` is read as false.
        - A `Section47` that sets `ICPCnotRequired` and also has a `DateOfInitialCPC` is
          kept as read and reported: the census records either a conference or that none
          was needed (CIN rule 8868).
        - Codes outside the census lists (`PrimaryNeedCode` N0–N9, `ReasonForClosure`
          RC1–RC9, categories of abuse NEG, PHY, SAB, EMO, MUL) are reported and kept as
          given. Sex is read from `Sex` (2024 on) or `GenderCurrent` (before).
        - A `NumberOfPreviousCPP` that is not a whole number >= 0, or is above 2**53 (too
          large for the numeric column), is reported and read as missing.

    References:
        - DfE, Children in need census: guide and data items (N-codes).
    """
    files = as_paths(paths, "CIN census files")
    sizes = [_file_size(path) for path in files]
    total = sum(sizes)
    rows = _Rows()
    readers: list[_FileReader] = []
    done = 0
    for path, size in zip(files, sizes, strict=True):
        reader = _FileReader(path, rows)
        reader.read(progress, done, total)
        readers.append(reader)
        done += size
    _check_one_authority(readers)
    ordered = _in_collection_order(readers)
    log = DiagnosticLog()
    for reader in ordered:
        log.items.extend(reader.log.items)
    diagnostics = log.finish(strict=strict, what="CIN census")
    children: dict[str, int] = {}
    episodes: dict[str, int | list[int]] = {}
    for reader in ordered:
        if not children and not episodes:  # the earliest file: its indexes are the merge's
            children, episodes = reader.children, reader.episodes
        else:
            children.update(reader.children)
            episodes.update(reader.episodes)
        reader.children = {}
        reader.episodes = {}
    coverage = Coverage(
        tuple(
            _coverage(reader, reader.reference)
            for reader in ordered
            if reader.reference is not None
        )
    )
    return _build(rows, ordered, children, episodes, diagnostics, coverage)


def _check_one_authority(readers: list["_FileReader"]) -> None:
    """`ReadError` when the files name different local authorities (Header/Source/LEA)."""
    named: dict[str, list[str]] = {}
    for reader in readers:
        if reader.authority is not None:
            named.setdefault(reader.authority, []).append(reader.file)
    if len(named) > 1:
        listed = "; ".join(
            f"LEA {code}: {', '.join(sorted(files))}" for code, files in sorted(named.items())
        )
        raise ReadError(
            f"CIN census files of different local authorities read together ({listed}): "
            "child ids are each council's own, so one council's returns must be read alone "
            "(for several councils, compute each apart: groups.indicators_by_group)"
        )


def _in_collection_order(readers: list["_FileReader"]) -> list["_FileReader"]:
    """The files earliest collection year first, or `ReadError` when that order is unclear."""
    if len(readers) == 1:
        reader = readers[0]
        if reader.reference is None:
            reader.report_no_reference()
        return readers
    by_year: dict[int, _FileReader] = {}
    for reader in readers:
        if reader.reference is None:
            raise ReadError(
                f"{reader.file}: has no valid ReferenceDate "
                "(Message/Header/CollectionDetails/ReferenceDate); when several CIN census "
                "files are read, each file's ReferenceDate decides which is the later"
            )
        year = collection_year(reader.reference)
        other = by_year.get(year)
        if other is not None:
            first, second = sorted((other.file, reader.file))
            raise ReadError(
                f"{first} and {second}: both are CIN census returns for the collection year "
                f"ending 31 March {year} (ReferenceDate {other.reference} and "
                f"{reader.reference}); give one file per collection year"
            )
        by_year[year] = reader
    return [by_year[year] for year in sorted(by_year)]


def _coverage(reader: "_FileReader", reference: dt.date) -> ReturnCoverage:
    """What one file covers: 1 April of its collection year to its `ReferenceDate`."""
    year = collection_year(reference)
    held = [table for table in _TABLES if reader.end[table] > reader.begin[table]]
    return ReturnCoverage(
        kind="cin-census",
        path=reader.file,
        year=year,
        start=collection_year_span(year)[0],
        end=reference,
        tables=held,
    )


def _columns(table: str, flat: list[Any]) -> dict[str, npt.NDArray[Any]]:
    """The columns of the rows in *flat*, a flat list of rows of *table* (see `_FIELDS`)."""
    fields = _FIELDS[table]
    width = len(fields)
    columns: dict[str, npt.NDArray[Any]] = {}
    for index, (name, kind) in enumerate(fields):
        values = flat[index::width]
        if kind == "day":
            columns[name] = np.array(values, dtype=np.int64).view("datetime64[D]")
        elif kind == "text":
            columns[name] = np.array(values, dtype=np.str_)
        elif kind == "flag":
            columns[name] = np.array(values, dtype=np.bool_)
        elif kind == "number":
            columns[name] = np.array(values, dtype=np.float64)
        elif kind in ("episode", "line"):
            columns[name] = np.array(values, dtype=np.int64)
        else:  # tuple: an object array of tuples, not a 2-d array
            columns[name] = np.fromiter(values, dtype=object, count=len(values))
    flat.clear()
    return columns


def _file_numbers(table: str, ordered: list["_FileReader"], count: int) -> npt.NDArray[np.int32]:
    """Per row of *table*, the position in *ordered* of the file it was read from."""
    numbers = np.full(count, -1, dtype=np.int32)
    for number, reader in enumerate(ordered):
        numbers[reader.begin[table] : reader.end[table]] = number
    return numbers


def _build(
    rows: _Rows,
    ordered: list["_FileReader"],
    children: dict[str, int],
    episodes: dict[str, int | list[int]],
    diagnostics: tuple[Diagnostic, ...],
    coverage: Coverage,
) -> Dataset:
    """The dataset of the rows the merge kept: children and episodes in merge order.

    The indexes and the rows are emptied as their columns are built, to keep the peak low.
    """
    files = tuple(reader.file for reader in ordered)
    tables: dict[str, Any] = {}
    origins: dict[str, Origins] = {}

    def keep(table: str, columns: dict[str, npt.NDArray[Any]], kept: Any) -> Any:
        line = columns.pop("line")
        numbers = _file_numbers(table, ordered, len(line))
        origins[table] = Origins(files, numbers[kept], line[kept])
        return _take(columns, kept)

    kept = np.fromiter(children.values(), dtype=np.intp, count=len(children))
    children.clear()
    columns = _columns("children", rows.children)
    if len(kept):
        tables["children"] = keep("children", columns, kept)
    order: list[int] = []
    same_day: list[list[int]] = []
    for group in episodes.values():
        if isinstance(group, int):
            order.append(group)
        else:
            order.extend(group)
            same_day.append(group)
    episodes.clear()
    kept = np.array(order, dtype=np.intp)
    del order
    referrals = _columns("referrals", rows.referrals)
    if not len(kept):
        return Dataset.from_columns(
            **tables, diagnostics=diagnostics, coverage=coverage, origins=origins
        )
    nested = {
        table: _columns(table, getattr(rows, table))
        for table in ("assessments", "section47s", "cp_plans", "cin_plans")
        if getattr(rows, table)
    }
    _number_same_day_by_content(referrals, nested, same_day)
    file_of = _file_numbers("referrals", ordered, len(referrals["referral_id"]))
    stale = _close_stale_episodes(referrals, nested, kept, file_of, ordered)
    if "cp_plans" in nested:
        _keep_earlier_reviews(referrals, nested["cp_plans"], kept)
    diagnostics = (*diagnostics, *stale)
    tables["referrals"] = keep("referrals", referrals, kept)
    # A nested record is kept when its episode is, and follows the merge order of the
    # episodes (stable: records of one episode keep the order they were read in).
    position = np.full(len(referrals["referral_id"]), -1, dtype=np.intp)
    position[kept] = np.arange(len(kept))
    for table, columns in nested.items():
        episode = columns.pop("episode")
        key = position[episode]
        rows_kept = np.flatnonzero(key >= 0)
        rows_kept = rows_kept[np.argsort(key[rows_kept], kind="stable")]
        linked = episode[rows_kept]
        tables[table] = {
            "child_id": referrals["child_id"][linked],
            "referral_id": referrals["referral_id"][linked],
            **keep(table, columns, rows_kept),
        }
        if table == "assessments":
            tables[table]["kind"] = np.full(len(rows_kept), AssessmentKind.SINGLE.value)
    return Dataset.from_columns(
        **tables, diagnostics=diagnostics, coverage=coverage, origins=origins
    )


def _nested_content(
    nested: dict[str, dict[str, npt.NDArray[Any]]], episodes: set[int]
) -> dict[int, list[str]]:
    """The records nested in *episodes* as text, each episode's sorted, for comparing content."""
    found: dict[int, list[str]] = {episode: [] for episode in episodes}
    wanted = np.fromiter(episodes, dtype=np.int64, count=len(episodes))
    for table, columns in nested.items():
        rows = np.flatnonzero(np.isin(columns["episode"], wanted))
        for row in rows.tolist():
            values = tuple(
                repr(
                    columns[name][row].tolist()
                    if hasattr(columns[name][row], "tolist")
                    else columns[name][row]
                )
                for name, _ in _FIELDS[table]
                if name not in ("episode", "line")
            )
            found[int(columns["episode"][row])].append(repr((table, values)))
    for texts in found.values():
        texts.sort()
    return found


def _number_same_day_by_content(
    referrals: dict[str, npt.NDArray[Any]],
    nested: dict[str, dict[str, npt.NDArray[Any]]],
    groups: list[list[int]],
) -> None:
    """Number a child's same-day episodes by their content, not by where they are in the file.

    The first by content keeps ``"<child>/<date>"``, the others get ``/2``, ``/3``..., so the
    referral kept for a same-day group (the smallest `referral_id`, SPEC §4.2) does not
    depend on the order of the elements.
    """
    if not groups:
        return
    content = _nested_content(nested, {episode for group in groups for episode in group})
    ids = referrals["referral_id"].astype(object)
    fields = [name for name, _ in _FIELDS["referrals"] if name not in ("referral_id", "line")]
    for group in groups:
        base = (
            str(referrals["child_id"][group[0]]) + "/" + str(referrals["referral_date"][group[0]])
        )
        ranked = sorted(
            group,
            key=lambda row: (
                tuple(repr(referrals[name][row].tolist()) for name in fields),
                content[row],
            ),
        )
        for number, row in enumerate(ranked, start=1):
            ids[row] = base if number == 1 else f"{base}/{number}"
    referrals["referral_id"] = ids.astype(np.str_)


def _close_stale_episodes(
    referrals: dict[str, npt.NDArray[Any]],
    nested: dict[str, dict[str, npt.NDArray[Any]]],
    kept: npt.NDArray[np.intp],
    file_of: npt.NDArray[np.int32],
    ordered: list["_FileReader"],
) -> list[Diagnostic]:
    """Close the episodes left open in a return that a later return given does not hold.

    A CIN census holds every episode open at any time in its year; so an episode open at the
    end of one return and absent from a later one had ended by the start of the next year.
    It is taken to have closed on 1 April after its return's collection year, with its open
    plans, as SSDA903 episodes are (SPEC §4.4).
    """
    found: list[Diagnostic] = []
    last = len(ordered) - 1
    closure = referrals["closure_date"]
    stale = kept[(file_of[kept] < last) & np.isnat(closure[kept])]
    if not len(stale):
        return found
    for row in stale.tolist():
        reader = ordered[int(file_of[row])]
        if reader.reference is None:
            continue
        year = collection_year(reader.reference)
        closed = np.datetime64(collection_year_span(year)[1], "D") + 1
        closure[row] = closed
        found.append(
            Diagnostic(
                file=reader.file,
                where=f"line {int(referrals['line'][row])}: {referrals['referral_id'][row]}",
                field="CINclosureDate",
                value=str(closed),
                problem=(
                    "episode open in this return but not held by a later return given: "
                    "taken to have closed on 1 April after this return's year, with its "
                    "open plans"
                ),
            )
        )
        for table in ("cp_plans", "cin_plans"):
            if table in nested:
                columns = nested[table]
                mine = (columns["episode"] == row) & np.isnat(columns["end_date"])
                columns["end_date"][mine] = closed
    return found


def _keep_earlier_reviews(
    referrals: dict[str, npt.NDArray[Any]],
    plans: dict[str, npt.NDArray[Any]],
    kept: npt.NDArray[np.intp],
) -> None:
    """Give a plan the review dates its earlier returns held too.

    A later return's episode replaces the earlier one whole, but a return lists the reviews
    of its own year: a plan reviewed in an earlier year keeps those reviews (plans matched by
    child and start date), as a child's looked-after reviews are the union of the returns'.
    """
    is_kept = np.zeros(len(referrals["referral_id"]), dtype=np.bool_)
    is_kept[kept] = True
    episode = plans["episode"]
    dropped = ~is_kept[episode]
    if not dropped.any():
        return
    child = referrals["child_id"][episode]
    start = plans["start_date"]
    earlier: dict[tuple[str, Any], set[Any]] = {}
    for row in np.flatnonzero(dropped).tolist():
        dates = plans["review_dates"][row]
        if dates:
            earlier.setdefault((str(child[row]), start[row]), set()).update(dates)
    if not earlier:
        return
    for row in np.flatnonzero(~dropped).tolist():
        more = earlier.get((str(child[row]), start[row]))
        if more:
            plans["review_dates"][row] = tuple(sorted(set(plans["review_dates"][row]) | more))


def _take(
    columns: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.intp]
) -> dict[str, npt.NDArray[Any]]:
    """*columns* at *rows*; the columns themselves when *rows* are all of them, in order."""
    length = len(next(iter(columns.values())))
    if len(rows) == length and np.array_equal(rows, np.arange(length)):
        return columns
    return {name: values[rows] for name, values in columns.items()}


class _FileReader:
    """Reads one CIN census file, collecting its children and episodes and its diagnostics."""

    def __init__(self, path: Path, rows: _Rows) -> None:
        self.path = path
        self.file = str(path)
        self.log = DiagnosticLog()
        self.rows = rows
        self.reference: dt.date | None = None
        self.reference_text: str | None = None  # as written, when there is one
        self.authority: str | None = None  # Header/Source/LEA, trimmed, when there is one
        self.children: dict[str, int] = {}  # child id -> its row in `rows.children`
        # "<child id>/<referral date>" -> the row of its episode in `rows.referrals`, or the
        # rows of its episodes when the child has several that day
        self.episodes: dict[str, int | list[int]] = {}
        self.count = 0  # Child elements met
        self.started = False  # whether the root element has been met
        # Each distinct set of assessment factors, kept once however many assessments share it.
        self.factor_sets: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self.begin = rows.counts()  # this file's rows of each table start here...
        self.end = self.begin  # ...and end here

    def read(self, progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
        """Parse the file, chunk by chunk, into rows; raise `ReadError` when it cannot be read."""
        try:
            with self.path.open("rb") as handle:
                head = handle.read(DECLARATION_BYTES)
                check_encoding(self.file, head)
                handle.seek(0)
                self._parse(handle, progress, done, total)
        except OSError as error:
            raise ReadError(f"{self.file}: cannot be read: {error.strerror}") from None
        self.end = self.rows.counts()

    def _parse(
        self,
        handle: IO[bytes],
        progress: Callable[[int, int], None] | None,
        done: int,
        total: int,
    ) -> None:
        parser, after_chunk, release = self._parser()
        fed = 0
        try:
            for chunk in _chunks(handle):
                parser.Parse(chunk, False)  # noqa: FBT003 - expat's isfinal
                fed += len(chunk)
                after_chunk(fed)
                if progress is not None:
                    progress(done + fed, total)
            parser.Parse(b"", True)  # noqa: FBT003
        except expat.ExpatError as error:
            raise syntax_error(self.file, error) from None
        except (LookupError, ValueError, UnicodeError) as error:
            # pyexpat asks Python's codecs for an encoding expat does not know when it meets
            # the XML declaration, before any element; after that, an error is a fault here.
            if self.started:
                raise
            handle.seek(0)
            head = handle.read(DECLARATION_BYTES)
            raise ReadError(encoding_error(self.file, declared_encoding(head))) from error
        finally:
            release()

    def _refuse(self, line: int, what: str) -> ReadError:
        return ReadError(f"{self.file}: line {line}: {what}; refused")

    def _parser(
        self,
    ) -> tuple["expat.XMLParserType", Callable[[int], None], Callable[[], None]]:
        """A safe expat parser (see `safe_parser`) that keeps each Child's elements.

        Returns the parser; the check to run after each chunk fed to it, which refuses a
        token or a value beyond its cap before the parser holds much more of it; and a
        function that lets go of the handlers when parsing is over (they refer to the parser
        and to one another: without it, the parser and its buffers would wait for the next
        garbage collection).
        """
        file = self.file
        parser = safe_parser(file)
        # Character data goes straight into a list (a C method as the handler costs far
        # less than a Python function); a value records where its text starts in it.
        texts: list[str] = []
        clear = texts.clear
        # The element being read and its layout (what its children may be, and what the
        # reader does with it); its ancestors' on the stack. A value (an element without
        # children in the layout) is never on the stack: it is `value` while open.
        current: _Node = ["", ""]
        allowed: _Layout = {}
        action = _PASS
        stack: list[tuple[_Node, _Layout, int]] = []
        push = stack.append
        pop = stack.pop
        value: _Node | None = None
        reference_date: _Node | None = None  # the ReferenceDate element, while open
        authority: _Node | None = None  # the LEA element, while open
        child_start = -1  # the byte the open Child starts at (-1: none is open)
        skipping = 0  # elements open in an ignored element, itself included
        local_names: dict[str, str] = {}  # "prefix:Name" -> "Name", each worked out once
        # The layout's actions as locals of the handlers (faster than globals).
        leaf_entry, skip, record, child = _LEAF_ENTRY, _SKIP, _RECORD, _CHILD
        longest = MAX_VALUE_LENGTH

        def start(name: str, attributes: Any) -> None:
            nonlocal current, allowed, action, value, reference_date, authority, child_start
            if value is not None:  # nothing of the census is inside a value
                ignore(name)
                return
            entry = allowed.get(name)
            if entry is None:
                if ":" in name:  # a prefixed name: its local name is what counts
                    name = local_names.get(name) or local_names.setdefault(
                        name, name.rpartition(":")[2]
                    )
                    entry = allowed.get(name)
                if entry is None:
                    ignore(name)
                    return
            if entry is leaf_entry:  # a value kept in its parent until the Child closes
                value = [name, len(texts)]
                current.append(value)
                return
            kind = entry[1]
            if kind >= skip:  # a value not kept, or the ReferenceDate or LEA
                value = [name, len(texts)]
                if kind == _REFERENCE:
                    reference_date = value
                elif kind == _AUTHORITY:
                    authority = value
                return
            if texts:
                clear()
            push((current, allowed, action))
            allowed, action = entry
            if kind <= record:  # a group or a record, kept in its parent
                node = [name, parser.CurrentLineNumber if kind == record else ""]
                current.append(node)
            elif kind == child:
                node = [name, parser.CurrentLineNumber]
                child_start = parser.CurrentByteIndex
            else:
                node = [name, ""]
            current = node

        def end(name: str) -> None:
            nonlocal current, allowed, action, value, child_start
            node = value
            if node is not None:
                value = None
                begun = node[1]
                text = texts[begun] if len(texts) == begun + 1 else "".join(texts[begun:])
                if len(text) > longest:
                    raise too_long()
                node[1] = text
                if node is reference_date:
                    self._reference(text.strip(), parser.CurrentLineNumber)
                elif node is authority:
                    self._authority(text.strip(), parser.CurrentLineNumber)
                return
            node = current
            done = action
            current, allowed, action = pop()
            if texts:
                clear()
            if done == child:
                if parser.CurrentByteIndex - child_start > MAX_CHILD_BYTES:
                    raise too_big()
                child_start = -1
                self._child(node)

        def start_root(name: str, attributes: Any) -> None:
            nonlocal current, allowed, action
            local = name.rpartition(":")[2]
            if local != "Message":
                raise ReadError(
                    f"{file}: not a CIN census file: the root element is <{shown(name)}>, "
                    "not <Message>"
                )
            self.started = True
            clear()
            push((current, allowed, action))
            current, allowed, action = [local, ""], _MESSAGE, _PASS
            parser.StartElementHandler, parser.EndElementHandler = modes["read"]

        def ignore(name: str) -> None:
            """Report an element out of the layout and skip it, with everything in it."""
            nonlocal skipping
            name = name.rpartition(":")[2]
            parents = [*(frame[0][0] for frame in stack[1:]), current[0]]
            if value is not None:
                parents.append(value[0])
                check_value()
                del texts[value[1] :]  # a value's text is what follows its last element
            if name in _RECORD_NAMES:
                problem = _MISPLACED_RECORD
            elif name in _KNOWN:
                problem = _MISPLACED
            else:
                problem = _UNKNOWN
            path = "/".join([*parents, name])
            self.log.add(file, f"line {parser.CurrentLineNumber}: {path}", shown(name), "", problem)
            skipping = 1
            check_depth()
            parser.StartElementHandler, parser.EndElementHandler = modes["skip"]

        def skip_start(name: str, attributes: Any) -> None:
            nonlocal skipping
            skipping += 1
            check_depth()

        def skip_end(name: str) -> None:
            nonlocal skipping
            skipping -= 1
            if not skipping:
                # Text met while skipping is no one's (a value's text is what follows it).
                del texts[value[1] if value is not None else 0 :]
                parser.StartElementHandler, parser.EndElementHandler = modes["read"]

        def check_depth() -> None:
            if len(stack) + (value is not None) + skipping > MAX_DEPTH:
                raise self._refuse(
                    parser.CurrentLineNumber,
                    f"elements nested more than {MAX_DEPTH} deep (a CIN census nests 7 deep)",
                )

        def check_value() -> None:
            if value is not None and sum(map(len, texts[value[1] :])) > longest:
                raise too_long()

        def too_long() -> ReadError:
            return self._refuse(
                parser.CurrentLineNumber,
                f"an element's text is longer than {MAX_VALUE_LENGTH:,} characters (census "
                "values are dates, codes and identifiers)",
            )

        def too_big() -> ReadError:
            return self._refuse(
                parser.CurrentLineNumber,
                f"a Child spans more than {MAX_CHILD_BYTES:,} bytes",
            )

        def after_chunk(fed: int) -> None:
            # The parser has handled every complete token of what it was fed; the bytes after
            # the start of the last one are a token still open.
            if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                raise self._refuse(
                    parser.CurrentLineNumber,
                    f"a tag, comment or processing instruction longer than {MAX_TOKEN_BYTES:,} "
                    "bytes",
                )
            if child_start >= 0 and parser.CurrentByteIndex - child_start > MAX_CHILD_BYTES:
                raise too_big()
            # Only an open value's text is kept; the rest (whitespace between elements,
            # text inside ignored ones) is let go.
            if value is None:
                texts.clear()
                return
            if skipping:  # inside an element inside a value: no text so far is the value's
                texts.clear()
            else:
                check_value()
                del texts[: value[1]]
            value[1] = 0

        def release() -> None:
            modes.clear()
            parser.StartElementHandler = None
            parser.EndElementHandler = None
            parser.CharacterDataHandler = None

        modes = {"read": (start, end), "skip": (skip_start, skip_end)}
        parser.StartElementHandler = start_root
        parser.CharacterDataHandler = texts.append
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.ordered_attributes = True
        return parser, after_chunk, release

    def _reference(self, text: str, line: int) -> None:
        where = f"line {line}: Message/Header/CollectionDetails"
        if self.reference_text is not None:
            self.log.add(
                self.file,
                where,
                "ReferenceDate",
                shown(text),
                "more than one ReferenceDate; the first was used",
            )
            return
        self.reference_text = text
        self.reference = parse_date(text)
        if self.reference is None:
            self.log.add(
                self.file,
                where,
                "ReferenceDate",
                shown(text),
                f"{_NOT_A_DATE}; the return's collection year is unknown",
            )
        elif not FIRST_YEAR <= collection_year(self.reference) <= LAST_YEAR:
            self.reference = None
            self.log.add(
                self.file,
                where,
                "ReferenceDate",
                shown(text),
                f"not in a collection year from {FIRST_YEAR} to {LAST_YEAR}; the return's "
                "collection year is unknown",
            )

    def _authority(self, text: str, line: int) -> None:
        if not text:
            return
        if self.authority is not None:
            if text != self.authority:
                self.log.add(
                    self.file,
                    f"line {line}: Message/Header/Source",
                    "LEA",
                    shown(text),
                    "more than one local authority code (LEA); the first was used",
                )
            return
        self.authority = text

    def report_no_reference(self) -> None:
        """Report a file read without a ReferenceDate (an invalid one is reported already)."""
        if self.reference_text is None:
            self.log.add(
                self.file,
                "Message/Header/CollectionDetails",
                "ReferenceDate",
                "",
                "missing; the return's collection year is unknown",
            )

    # -- slow paths: parsing what the caches do not hold, and reporting ---------------------

    def _date(self, where: str, field: str, text: str, *, missing: str | None = None) -> Any:
        """The date in *text*; `None` (reported) when it is not a date, or when missing."""
        if not text:
            if missing is not None:
                self.log.add(self.file, where, field, "", f"missing; {missing}")
            return None
        value = parse_date(text)
        if value is None:
            self.log.add(
                self.file,
                where,
                field,
                shown(text),
                f"{_NOT_A_DATE}; {missing or 'read as missing, record kept'}",
            )
        return value

    def _day(self, where: str, field: str, text: str, *, missing: str | None = None) -> int:
        """`_date` as a day number (`_NAT` when there is none), caching the text's day."""
        value = self._date(where, field, text, missing=missing)
        if value is None:
            return _NAT
        day: int = value.toordinal() - _EPOCH
        if len(_DAYS) < _CACHE_LIMIT:
            _DAYS[text] = day
        return day

    def _long(self, where: str, field: str, text: str) -> str:
        """`""` for an identifier or code too long to keep, reported."""
        self.log.add(
            self.file,
            where,
            field,
            shown(text),
            f"longer than {MAX_TEXT_LENGTH} characters; read as missing, record kept",
        )
        return ""

    def _code(self, where: str, field: str, text: str, codes: frozenset[str]) -> str:
        """*text*, reported when it is not one of *codes*; `""` when missing."""
        if len(text) > MAX_TEXT_LENGTH:
            return self._long(where, field, text)
        if text and text not in codes:
            self.log.add(
                self.file,
                where,
                field,
                shown(text),
                f"not a code of the CIN census list ({', '.join(sorted(codes))}); kept as given",
            )
        return text

    def _flag(self, where: str, field: str, text: str, *, required: bool) -> bool:
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        if text or required:
            self.log.add(
                self.file,
                where,
                field,
                shown(text),
                ("missing" if not text else "not true/false/1/0") + "; read as false, record kept",
            )
        return False

    def _count(self, where: str, field: str, text: str) -> float:
        """The whole number in *text* (a float, for the column); nan when missing or bad."""
        if not text:
            return np.nan
        if text.isascii() and text.isdigit():
            digits = text.lstrip("0") or "0"
            # Length first: int() refuses texts of thousands of digits outright.
            if len(digits) <= _LARGEST_COUNT_DIGITS and int(digits) <= _LARGEST_COUNT:
                return float(int(digits))
            problem = f"larger than {_LARGEST_COUNT}; read as missing, record kept"
        else:
            problem = "not a whole number >= 0; read as missing, record kept"
        self.log.add(self.file, where, field, shown(text), problem)
        return np.nan

    # -- one child ---------------------------------------------------------------------------

    def _child(self, node: _Node) -> None:
        self.count += 1
        line = node[1]
        path = f"Child {self.count}"
        if len(node) == 2:
            self.log.add(
                self.file,
                f"line {line}: {path}",
                "Child",
                "",
                "empty: no ChildIdentifiers and no CINdetails; nothing read",
            )
            return
        child_id = ""
        birth_text = ""
        sex = ""
        sex_field = "Sex"
        ethnicity = ""
        details: list[_Node] = []
        for part in node[2:]:
            name = part[0]
            if name == "CINdetails":
                details.append(part)
            elif name == "ChildIdentifiers":
                if len({item[0] for item in part[2:]}) != len(part) - 2:
                    self._repeated(f"line {line}: {path}", part[2:])
                for item in part[2:]:
                    item_name = item[0]
                    if item_name == "LAchildID":
                        child_id = item[1].strip()
                    elif item_name == "PersonBirthDate":
                        birth_text = item[1].strip()
                    else:  # Sex or GenderCurrent
                        sex = item[1].strip()
                        sex_field = item_name
            else:  # ChildCharacteristics
                for item in part[2:]:
                    ethnicity = item[1].strip()  # Ethnicity, its only kept element
        if not child_id or len(child_id) > MAX_TEXT_LENGTH:
            self.log.add(
                self.file,
                f"line {line}: {path}",
                "LAchildID",
                shown(child_id),
                f"longer than {MAX_TEXT_LENGTH} characters; the Child was dropped, with "
                "everything in it"
                if child_id
                else "missing; the Child was dropped, with everything in it",
            )
            return
        path = f"Child {self.count} ({shown(child_id)})"
        if len(sex) > MAX_TEXT_LENGTH:
            sex = self._long(f"line {line}: {path}", sex_field, sex)
        if len(ethnicity) > MAX_TEXT_LENGTH:
            ethnicity = self._long(f"line {line}: {path}", "Ethnicity", ethnicity)
        birth = _DAYS.get(birth_text)
        if birth is None:
            birth = (
                self._day(f"line {line}: {path}", "PersonBirthDate", birth_text)
                if birth_text
                else _NAT
            )
        rows = self.rows.children
        earlier = self.children.get(child_id)
        mine = len(rows) // _CHILD_WIDTH
        rows.extend((child_id, birth, sex, ethnicity, line))
        if earlier is None:
            self.children[child_id] = mine
        else:
            earlier_line = rows[earlier * _CHILD_WIDTH + _CHILD_WIDTH - 1]
            self.log.add(
                self.file,
                f"line {line}: {path} (and line {earlier_line})",
                "LAchildID",
                shown(child_id),
                "the child appears more than once in this file; the most complete "
                "identifiers kept (then the first by content), episodes of all kept",
            )
            self.children[child_id] = min(earlier, mine, key=self._identifiers_rank)
        for number, detail in enumerate(details, start=1):
            self._episode(child_id, f"{path}/CINdetails {number}", detail)

    def _repeated(self, where: str, parts: list[_Node]) -> None:
        """Report each element given more than once in one parent with different values."""
        seen: dict[str, list[str]] = {}
        for part in parts:
            if len(part) == 2:  # a leaf: its text
                seen.setdefault(part[0], []).append(str(part[1]).strip())
        for name, values in seen.items():
            if len(set(values)) > 1:
                self.log.add(
                    self.file,
                    where,
                    name,
                    shown(" | ".join(values)),
                    "given more than once in one element, with different values; the last is read",
                )

    def _identifiers_rank(self, row: int) -> tuple[int, tuple[str, ...]]:
        """How a Child's identifiers rank among repeats: the most complete, then by content."""
        birth, sex, ethnicity = self.rows.children[row * _CHILD_WIDTH + 1 : row * _CHILD_WIDTH + 4]
        filled = (birth != _NAT) + bool(sex) + bool(ethnicity)
        return -filled, (f"{birth:020d}" if birth != _NAT else "", sex, ethnicity)

    def _episode(self, child_id: str, path: str, node: _Node) -> None:
        line = node[1]
        where = f"line {line}: {path}"
        parts = node[2:]
        # The text of each element by name, the last one winning (the names of nested
        # records are in it too, with their lines, but never looked up), and the nested
        # records in order.
        leaves: dict[str, Any] = {part[0]: part[1] for part in parts}
        if len(leaves) != len(parts):  # a name met twice: records, or a repeated value
            self._repeated(where, [p for p in parts if p[0] not in _NESTED])
        get = leaves.get
        text = get("CINreferralDate", "").strip()
        found = _REFERRAL_DAYS.get(text)
        if found is None:
            value = self._date(
                where,
                "CINreferralDate",
                text,
                missing="the CINdetails was dropped, with everything nested in it",
            )
            if value is None:
                return
            found = (value.toordinal() - _EPOCH, value.isoformat())
            if len(_REFERRAL_DAYS) < _CACHE_LIMIT:
                _REFERRAL_DAYS[text] = found
        day, iso = found
        referral_id = key = f"{child_id}/{iso}"
        referrals = self.rows.referrals
        episode = len(referrals) // _REFERRAL_WIDTH
        group = self.episodes.get(key)
        if group is None:
            self.episodes[key] = episode
        else:
            if isinstance(group, int):
                group = self.episodes[key] = [group]
            group.append(episode)
            referral_id = f"{key}/{len(group)}"
            self.log.add(
                self.file,
                where,
                "CINreferralDate",
                iso,
                "another CINdetails of the child has the same CINreferralDate; both kept, "
                "their referral_ids numbered by their content (/2, /3...)",
            )
        text = get("ReferralNFA", "").strip()
        nfa = _FLAGS.get(text)
        if nfa is None:
            nfa = self._flag(where, "ReferralNFA", text, required=True)
        text = get("CINclosureDate", "").strip()
        closure = _DAYS.get(text)
        if closure is None:
            closure = self._day(where, "CINclosureDate", text) if text else _NAT
        text = get("ReasonForClosure", "").strip()
        reason = _CLOSURE_REASONS.get(text) or self._code(
            where, "ReasonForClosure", text, CLOSURE_REASON_CODES
        )
        text = get("PrimaryNeedCode", "").strip()
        need = _PRIMARY_NEEDS.get(text) or self._code(
            where, "PrimaryNeedCode", text, PRIMARY_NEED_CODES
        )
        source = get("ReferralSource", "").strip()
        if len(source) > MAX_TEXT_LENGTH:
            source = self._long(where, "ReferralSource", source)
        referrals.extend(
            (
                referral_id,
                child_id,
                day,
                source,
                nfa,
                closure,
                reason,
                need,
                line,
            )
        )
        if _NESTED.isdisjoint(leaves):
            return
        numbers: dict[str, int] = {}  # records of each name met so far in this episode
        for part in parts:
            name = part[0]
            if name in _NESTED:
                number = numbers[name] = numbers.get(name, 0) + 1
                if name == "Assessments":
                    self._assessment(episode, path, part, number)
                elif name == "Section47":
                    self._section47(episode, path, part, number)
                elif name == "ChildProtectionPlans":
                    self._cp_plan(episode, path, part, number)
                else:  # CINPlanDates
                    self._cin_plan(episode, path, part, number)

    # A nested record's place, "line <n>: <episode>/<name> <number>" (the number-th of that
    # name in the episode), is written out only when there is something to report.

    def _assessment(self, episode: int, path: str, node: _Node, number: int) -> None:
        start = end = ""
        factors: list[str] = []
        for part in node[2:]:
            name = part[0]
            if name == "AssessmentActualStartDate":
                start = part[1].strip()
            elif name == "AssessmentAuthorisationDate":
                end = part[1].strip()
            else:  # FactorsIdentifiedAtAssessment
                for factor in part[2:]:
                    text = factor[1].strip()
                    if text:
                        factors.append(text)
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(path, node, number),
                "AssessmentActualStartDate",
                start,
                missing="the assessment was kept without a start date",
            )
        end_day = _DAYS.get(end)
        if end_day is None:
            end_day = (
                self._day(_nested_where(path, node, number), "AssessmentAuthorisationDate", end)
                if end
                else _NAT
            )
        found = tuple(factors)
        kept = self.factor_sets.get(found)
        if kept is None:  # a set of factors not met before in this file
            cleaned = []
            for factor in found:
                if len(factor) <= MAX_TEXT_LENGTH:
                    cleaned.append(factor)
                else:
                    self._long(_nested_where(path, node, number), "AssessmentFactors", factor)
            kept = tuple(cleaned)
            if len(kept) == len(found):  # cached only when nothing needs reporting
                self.factor_sets[found] = kept
        self.rows.assessments.extend((episode, start_day, end_day, kept, node[1]))

    def _section47(self, episode: int, path: str, node: _Node, number: int) -> None:
        get = {part[0]: part[1] for part in node[2:]}.get
        start = get("S47ActualStartDate", "").strip()
        target = get("InitialCPCtarget", "").strip()
        icpc = get("DateOfInitialCPC", "").strip()
        flag = get("ICPCnotRequired", "").strip()
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(path, node, number),
                "S47ActualStartDate",
                start,
                missing="the enquiry was kept without a start date",
            )
        target_day = _DAYS.get(target)
        if target_day is None:
            target_day = (
                self._day(_nested_where(path, node, number), "InitialCPCtarget", target)
                if target
                else _NAT
            )
        icpc_day = _DAYS.get(icpc)
        if icpc_day is None:
            icpc_day = (
                self._day(_nested_where(path, node, number), "DateOfInitialCPC", icpc)
                if icpc
                else _NAT
            )
        not_required = _FLAGS.get(flag)
        if not_required is None:
            not_required = self._flag(
                _nested_where(path, node, number), "ICPCnotRequired", flag, required=False
            )
        if not_required and icpc_day != _NAT:
            # CIN rule 8868: an enquiry ends in a conference or in "no conference needed".
            self.log.add(
                self.file,
                _nested_where(path, node, number),
                "ICPCnotRequired",
                shown(flag),
                "true, yet the enquiry has a DateOfInitialCPC (CIN rule 8868); kept as read",
            )
        self.rows.section47s.extend(
            (episode, start_day, target_day, icpc_day, not_required, node[1])
        )

    def _cp_plan(self, episode: int, path: str, node: _Node, number: int) -> None:
        leaves: dict[str, str] = {}
        reviews: list[dt.date] = []
        for part in node[2:]:
            if part[0] == "Reviews":
                for index, review in enumerate(part[2:], start=1):
                    text = review[1].strip()
                    value = _DATES(text) or self._date(
                        f"{_nested_where(path, node, number)}/Reviews/CPPreviewDate {index}",
                        "CPPreviewDate",
                        text,
                        missing="the review date was left out",
                    )
                    if value is not None:
                        reviews.append(value)
            else:
                leaves[part[0]] = part[1]
        get = leaves.get
        text = get("CPPstartDate", "").strip()
        start = _DAYS.get(text)
        if start is None:
            start = self._day(
                _nested_where(path, node, number),
                "CPPstartDate",
                text,
                missing="the plan was dropped",
            )
            if start == _NAT:
                return
        text = get("CPPendDate", "").strip()
        end = _DAYS.get(text)
        if end is None:
            end = self._day(_nested_where(path, node, number), "CPPendDate", text) if text else _NAT
        text = get("NumberOfPreviousCPP", "").strip()
        previous = (
            float(text)
            if text.isdigit() and len(text) < 10 and text.isascii()
            else self._count(_nested_where(path, node, number), "NumberOfPreviousCPP", text)
        )
        text = get("InitialCategoryOfAbuse", "").strip()
        initial = _ABUSE_CATEGORIES.get(text) or self._code(
            _nested_where(path, node, number),
            "InitialCategoryOfAbuse",
            text,
            ABUSE_CATEGORY_CODES,
        )
        text = get("LatestCategoryOfAbuse", "").strip()
        latest = _ABUSE_CATEGORIES.get(text) or self._code(
            _nested_where(path, node, number),
            "LatestCategoryOfAbuse",
            text,
            ABUSE_CATEGORY_CODES,
        )
        self.rows.cp_plans.extend(
            (episode, start, end, previous, initial, latest, tuple(sorted(reviews)), node[1])
        )

    def _cin_plan(self, episode: int, path: str, node: _Node, number: int) -> None:
        start = end = ""
        for part in node[2:]:
            if part[0] == "CINPlanStartDate":
                start = part[1].strip()
            else:  # CINPlanEndDate
                end = part[1].strip()
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(path, node, number),
                "CINPlanStartDate",
                start,
                missing="the plan was dropped",
            )
            if start_day == _NAT:
                return
        end_day = _DAYS.get(end)
        if end_day is None:
            end_day = (
                self._day(_nested_where(path, node, number), "CINPlanEndDate", end) if end else _NAT
            )
        self.rows.cin_plans.extend((episode, start_day, end_day, node[1]))


def _nested_where(path: str, node: _Node, number: int) -> str:
    """Where a record nested in an episode is: its line, and its name and number there."""
    return f"line {node[1]}: {path}/{node[0]} {number}"


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK_SIZE):
        yield chunk


# -- writing -----------------------------------------------------------------------------------


def write_cin_census(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    reference_date: dt.date,
) -> None:
    """Write *dataset*'s children in need records as a CIN census XML file.

    Args:
        dataset: The records to write.
        path: The file to create (overwritten if it exists).
        reference_date: The census reference date (`ReferenceDate`), e.g. 31 March 2025.

    Raises:
        InvalidRecordError: An assessment, enquiry or plan is not linked to one of the
            dataset's referrals (the census nests them in their `CINdetails`), or an
            assessment is not of kind `single` (the census holds no other kind).

    Notes:
        - `read_cin_census` reads the file back to the same records, provided referral ids
          follow the reader's `"<child>/<date>"` form (other ids are replaced by it).
        - Written: every child with a referral, and every `Child` with no SSDA903 record
          (a child known only from the SSDA903 return is left to `write_ssda903`).
          Contacts and SSDA903 records are not part of the CIN census and are not written.
        - Sex is written as `Sex` for reference dates from 2024 (the 2023-24 census on),
          `GenderCurrent` before.
    """
    writer = _CensusWriter(dataset, reference_date)
    with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
        writer.write(handle)


class _CensusWriter:
    def __init__(self, dataset: Dataset, reference_date: dt.date) -> None:
        self.reference_date = reference_date
        self.sex_tag = "Sex" if reference_date >= dt.date(2024, 1, 1) else "GenderCurrent"
        referral_ids = {r.referral_id for r in dataset.referrals}
        self.nested: dict[str, list[Any]] = {}
        for table in ("assessments", "cin_plans", "section47s", "cp_plans"):
            for record in dataset.records(table):
                referral_id = record.referral_id  # type: ignore[union-attr]
                if referral_id not in referral_ids:
                    raise InvalidRecordError(
                        f"cannot write {type(record).__name__} of child {record.child_id!r} "
                        f"to a CIN census file: its referral_id {referral_id!r} is not among "
                        "the dataset's referrals (the census nests it in its CINdetails)"
                    )
                if isinstance(record, Assessment) and record.kind is not AssessmentKind.SINGLE:
                    raise InvalidRecordError(
                        f"cannot write an assessment of kind {record.kind.value!r} of child "
                        f"{record.child_id!r}: the CIN census holds single assessments only"
                    )
                self.nested.setdefault(referral_id, []).append(record)
        self.referrals: dict[str, list[Referral]] = {}
        for referral in dataset.referrals:
            self.referrals.setdefault(referral.child_id, []).append(referral)
        for group in self.referrals.values():
            group.sort(key=lambda r: (r.referral_date, r.referral_id))
        looked_after = looked_after_ids(dataset)
        self.children: dict[str, Child] = {}
        for child in dataset.children:
            if child.child_id in self.referrals or child.child_id not in looked_after:
                self.children[child.child_id] = child
        for child_id in self.referrals:
            self.children.setdefault(child_id, Child(child_id=child_id))

    def write(self, handle: IO[str]) -> None:
        ref = self.reference_date
        year = ref.year if ref.month <= 3 else ref.year + 1
        handle.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n'
            "    <CollectionDetails>\n      <Collection>CIN</Collection>\n"
            f"      <Year>{year}</Year>\n"
            f"      <ReferenceDate>{ref.isoformat()}</ReferenceDate>\n"
            "    </CollectionDetails>\n    <Source>\n"
            "      <SourceLevel>L</SourceLevel>\n"
            "      <SoftwareCode>safeguarding_metrics</SoftwareCode>\n"
            "    </Source>\n  </Header>\n  <Children>\n"
        )
        for child in self.children.values():
            handle.write("".join(self._child(child)))
        handle.write("  </Children>\n</Message>\n")

    def _child(self, child: Child) -> Iterator[str]:
        yield "    <Child>\n      <ChildIdentifiers>\n"
        yield _leaf(8, "LAchildID", child.child_id)
        yield _leaf(8, "PersonBirthDate", child.birth_date)
        yield _leaf(8, self.sex_tag, child.sex)
        yield "      </ChildIdentifiers>\n"
        if child.ethnicity is not None:
            yield "      <ChildCharacteristics>\n"
            yield _leaf(8, "Ethnicity", child.ethnicity)
            yield "      </ChildCharacteristics>\n"
        for referral in self.referrals.get(child.child_id, ()):
            yield from self._episode(referral)
        yield "    </Child>\n"

    def _episode(self, referral: Referral) -> Iterator[str]:
        nested = self.nested.get(referral.referral_id, [])
        yield "      <CINdetails>\n"
        yield _leaf(8, "CINreferralDate", referral.referral_date)
        yield _leaf(8, "ReferralSource", referral.source)
        yield _leaf(8, "PrimaryNeedCode", referral.primary_need)
        yield _leaf(8, "CINclosureDate", referral.closure_date)
        yield _leaf(8, "ReasonForClosure", referral.closure_reason)
        for record in nested:
            if isinstance(record, Assessment):
                yield "        <Assessments>\n"
                yield _leaf(10, "AssessmentActualStartDate", record.start_date)
                yield _leaf(10, "AssessmentAuthorisationDate", record.authorisation_date)
                if record.factors:
                    yield "          <FactorsIdentifiedAtAssessment>\n"
                    for factor in record.factors:
                        yield _leaf(12, "AssessmentFactors", factor)
                    yield "          </FactorsIdentifiedAtAssessment>\n"
                yield "        </Assessments>\n"
        for record in nested:
            if isinstance(record, CINPlan):
                yield "        <CINPlanDates>\n"
                yield _leaf(10, "CINPlanStartDate", record.start_date)
                yield _leaf(10, "CINPlanEndDate", record.end_date)
                yield "        </CINPlanDates>\n"
        for record in nested:
            if isinstance(record, Section47):
                yield "        <Section47>\n"
                yield _leaf(10, "S47ActualStartDate", record.start_date)
                yield _leaf(10, "InitialCPCtarget", record.icpc_target)
                yield _leaf(10, "DateOfInitialCPC", record.icpc_date)
                yield _leaf(10, "ICPCnotRequired", "true" if record.icpc_not_required else "false")
                yield "        </Section47>\n"
        yield _leaf(8, "ReferralNFA", "true" if referral.nfa else "false")
        for record in nested:
            if isinstance(record, CPPlan):
                yield "        <ChildProtectionPlans>\n"
                yield _leaf(10, "CPPstartDate", record.start_date)
                yield _leaf(10, "CPPendDate", record.end_date)
                yield _leaf(10, "InitialCategoryOfAbuse", record.initial_category)
                yield _leaf(10, "LatestCategoryOfAbuse", record.latest_category)
                yield _leaf(10, "NumberOfPreviousCPP", record.previous_plans)
                if record.review_dates:
                    yield "          <Reviews>\n"
                    for review in record.review_dates:
                        yield _leaf(12, "CPPreviewDate", review)
                    yield "          </Reviews>\n"
                yield "        </ChildProtectionPlans>\n"
        yield "      </CINdetails>\n"


def _leaf(indent: int, tag: str, value: str | dt.date | int | None) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else escape(str(value))
    return f"{' ' * indent}<{tag}>{text}</{tag}>\n"
