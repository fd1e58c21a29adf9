"""The children in need (CIN) census XML return: a streaming, safe reader and a writer.

A CIN census file is a `Message` holding a `Header` (with `CollectionDetails/ReferenceDate`)
and `Children`, one `Child` per child, each with `ChildIdentifiers`,
`ChildCharacteristics` and one `CINdetails` per episode of need (a referral, with its
assessments, CIN plans, section 47 enquiries and child protection plans nested inside).
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
    DiagnosticLog,
    as_paths,
    looked_after_ids,
    parse_date,
    shown,
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

__all__ = ["CHUNK_SIZE", "read_cin_census", "write_cin_census"]

CHUNK_SIZE = 1 << 20
"""Bytes fed to the XML parser at a time; memory use does not grow with the file."""

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

# Dates are kept as days since 1970-01-01 (the int64 behind `datetime64[D]`), missing ones as
# the int64 minimum (`NaT`). Texts already met map to their day: a dict lookup per date.
_EPOCH = dt.date(1970, 1, 1).toordinal()
_NAT = int(NAT_DAY)
_DAYS: dict[str, int] = {}
_REFERRAL_DAYS: dict[str, tuple[int, str]] = {}  # also the ISO spelling, for referral ids
_CACHE_LIMIT = 50_000  # about 70 years of days, in two spellings


# -- the parse tree ------------------------------------------------------------------------------

# A parsed element is a small list, [name, text, *children]: cheaper than ElementTree's
# elements. Only the elements of one Child exist at a time.
_Node = list[Any]


# -- reading -----------------------------------------------------------------------------------


# The fields of each table as read, in the order a row lists them, with their kind: `day`
# (days since 1970-01-01, `_NAT` when missing), `text` (`""` when missing), `flag`, `number`
# (a float, nan when missing), `tuple` (of dates or codes), or `episode` (the row of the
# referral a nested record belongs to, which gives its child and referral ids).
_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "children": (
        ("child_id", "text"),
        ("birth_date", "day"),
        ("sex", "text"),
        ("ethnicity", "text"),
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
    ),
    "assessments": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("authorisation_date", "day"),
        ("factors", "tuple"),
    ),
    "section47s": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("icpc_target", "day"),
        ("icpc_date", "day"),
        ("icpc_not_required", "flag"),
    ),
    "cp_plans": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("end_date", "day"),
        ("previous_plans", "number"),
        ("initial_category", "text"),
        ("latest_category", "text"),
        ("review_dates", "tuple"),
    ),
    "cin_plans": (
        ("episode", "episode"),
        ("start_date", "day"),
        ("end_date", "day"),
    ),
}
_CHILD_WIDTH = len(_FIELDS["children"])
_REFERRAL_WIDTH = len(_FIELDS["referrals"])


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
        paths: A file, or several files oldest first (one per census year).
        strict: Raise `StrictReadError` (a `ReadError`) listing every problem, instead of
            returning them in `Dataset.diagnostics`.
        progress: Called as `progress(bytes_read, total_bytes)` after each chunk, counting
            over all *paths*, so a caller can draw a progress bar.

    Returns:
        The children, referrals (one per `CINdetails`), assessments, section 47 enquiries,
        child protection plans and CIN plans, with `diagnostics` listing every problem.
        The collections are column-backed (see `Dataset.from_columns`): a record is built
        when it is read, and indicators read the columns directly.

    Raises:
        ReadError: A file is missing, empty, not well-formed XML, not a CIN census
            `Message`, or has a document type declaration (refused, so no entity is ever
            expanded or fetched); or *strict* and there were problems.

    Notes:
        - Each file is parsed in chunks of `CHUNK_SIZE` bytes and each `Child` is turned
          into rows of plain values and discarded as soon as it closes, so memory does not
          grow with the file (only with the records returned).
        - `referral_id` is the child id and referral date, `"<LAchildID>/<YYYY-MM-DD>"`; a
          second referral of the child on the same date gets `"/2"` (then `"/3"`...), so
          both survive for the indicators to exclude one as `duplicate`; it is reported.
          Records nested in a `CINdetails` carry its `referral_id`.
        - Several files merge: children by `LAchildID`, episodes by (child, referral date),
          the later file winning. A later file's `CINdetails` replaces the earlier file's
          whole episode, with its assessments, plans and enquiries, so one a later year
          removed is gone. Episodes the later file does not hold are kept.
        - Dates are `YYYY-MM-DD` (also accepted: `DD/MM/YYYY`). An unparseable optional
          date is read as missing and the record kept; a missing or unparseable
          `AssessmentActualStartDate` or `S47ActualStartDate` is reported and kept as
          missing, for the indicators to exclude as `missing-start`.
        - Dropped and reported: a `Child` without `LAchildID` (with everything in it), a
          `CINdetails` without a valid `CINreferralDate` (with everything nested in it),
          a plan without a valid start date.
        - `ReferralNFA` and `ICPCnotRequired` are `true`/`false`/`1`/`0`; anything else
          is reported and read as false. A missing `ReferralNFA` is reported and read as
          false; a missing `ICPCnotRequired` is read as false.
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
    log = DiagnosticLog()
    rows = _Rows()
    children: dict[str, int] = {}
    episodes: dict[str, int | tuple[int, ...]] = {}
    done = 0
    previous: tuple[str, dt.date] | None = None
    for path, size in zip(files, sizes, strict=True):
        reader = _FileReader(path, log, rows)
        file_children, file_episodes = reader.read(progress, done, total)
        done += size
        if not children and not episodes:  # the first file: its indexes are the merge's
            children, episodes = file_children, file_episodes
        else:
            children.update(file_children)
            episodes.update(file_episodes)
        reference = reader.reference_date
        if reference is not None:
            if previous is not None and reference < previous[1]:
                log.add(
                    str(path),
                    "Message/Header/CollectionDetails",
                    "ReferenceDate",
                    reference.isoformat(),
                    f"earlier than that of {previous[0]}, given before it; files merge in "
                    "the order given, the later one winning",
                )
            previous = (str(path), reference)
    diagnostics = log.finish(strict=strict, what="CIN census")
    return _build(rows, children, episodes, diagnostics)


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
        elif kind == "episode":
            columns[name] = np.array(values, dtype=np.int64)
        else:  # tuple: an object array of tuples, not a 2-d array
            columns[name] = np.fromiter(values, dtype=object, count=len(values))
    flat.clear()
    return columns


def _build(
    rows: _Rows,
    children: dict[str, int],
    episodes: dict[str, int | tuple[int, ...]],
    diagnostics: tuple[Diagnostic, ...],
) -> Dataset:
    """The dataset of the rows the merge kept: children and episodes in merge order.

    The indexes and the rows are emptied as their columns are built, to keep the peak low.
    """
    tables: dict[str, Any] = {}
    kept = np.fromiter(children.values(), dtype=np.int64, count=len(children))
    children.clear()
    columns = _columns("children", rows.children)
    if len(kept):
        tables["children"] = _take(columns, kept)
    order: list[int] = []
    for group in episodes.values():
        if isinstance(group, int):
            order.append(group)
        else:
            order.extend(group)
    episodes.clear()
    kept = np.array(order, dtype=np.int64)
    del order
    referrals = _columns("referrals", rows.referrals)
    if not len(kept):
        return Dataset.from_columns(**tables, diagnostics=diagnostics)
    tables["referrals"] = _take(referrals, kept)
    # A nested record is kept when its episode is, and follows the merge order of the
    # episodes (stable: records of one episode keep the order they were read in).
    position = np.full(len(referrals["referral_id"]), -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    for table in ("assessments", "section47s", "cp_plans", "cin_plans"):
        flat = getattr(rows, table)
        if not flat:
            continue
        columns = _columns(table, flat)
        episode = columns.pop("episode")
        key = position[episode]
        rows_kept = np.flatnonzero(key >= 0)
        rows_kept = rows_kept[np.argsort(key[rows_kept], kind="stable")]
        linked = episode[rows_kept]
        tables[table] = {
            "child_id": referrals["child_id"][linked],
            "referral_id": referrals["referral_id"][linked],
            **_take(columns, rows_kept),
        }
        if table == "assessments":
            tables[table]["kind"] = np.full(len(rows_kept), AssessmentKind.SINGLE.value)
    return Dataset.from_columns(**tables, diagnostics=diagnostics)


def _take(
    columns: dict[str, npt.NDArray[Any]], rows: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[Any]]:
    """*columns* at *rows*; the columns themselves when *rows* are all of them, in order."""
    length = len(next(iter(columns.values())))
    if len(rows) == length and np.array_equal(rows, np.arange(length)):
        return columns
    return {name: values[rows] for name, values in columns.items()}


class _FileReader:
    """Reads one CIN census file, collecting its children and episodes."""

    def __init__(self, path: Path, log: DiagnosticLog, rows: _Rows) -> None:
        self.path = path
        self.file = str(path)
        self.log = log
        self.rows = rows
        self.reference_date: dt.date | None = None
        self.children: dict[str, int] = {}  # child id -> its row in `rows.children`
        # "<child id>/<referral date>" -> the row of its episode in `rows.referrals`, or the
        # rows of its episodes when the child has several that day
        self.episodes: dict[str, int | tuple[int, ...]] = {}
        self.count = 0
        # Each distinct set of assessment factors, kept once however many assessments share it.
        self.factor_sets: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}

    def read(
        self, progress: Callable[[int, int], None] | None, done: int, total: int
    ) -> tuple[dict[str, int], dict[str, int | tuple[int, ...]]]:
        parser = self._parser()
        read = 0
        try:
            with self.path.open("rb") as handle:
                for chunk in _chunks(handle):
                    parser.Parse(chunk, False)  # noqa: FBT003 - expat's isfinal
                    read += len(chunk)
                    if progress is not None:
                        progress(done + read, total)
                parser.Parse(b"", True)  # noqa: FBT003
        except expat.ExpatError as error:
            raise ReadError(
                f"{self.file}: not well-formed XML at line {error.lineno}, column "
                f"{error.offset + 1}: {expat.ErrorString(error.code)}"
            ) from None
        except OSError as error:
            raise ReadError(f"{self.file}: cannot be read: {error.strerror}") from None
        return self.children, self.episodes

    def _parser(self) -> "expat.XMLParserType":
        """An expat parser that builds each Child's tree and refuses DTDs and entities.

        An XML document can only declare entities inside a document type declaration;
        refusing any DOCTYPE (and, to be sure, any entity or notation declaration and any
        external reference) means no entity is ever expanded or fetched.
        """
        file = self.file
        # Character data goes straight into a list (a C method as the handler costs far
        # less than a Python function); an element records where its text starts.
        texts: list[str] = []
        current: _Node = ["", 0]  # the element being read; its ancestors on the stack
        stack: list[_Node] = []
        push = stack.append
        pop = stack.pop

        def start(name: str, attributes: Any) -> None:
            nonlocal current
            node = [name, len(texts)]
            current.append(node)
            push(current)
            current = node

        local_names: dict[str, str] = {}  # "prefix:Name" -> "Name", each worked out once

        def start_prefixed(name: str, attributes: Any) -> None:
            nonlocal current
            local = local_names.get(name)
            if local is None:
                local = local_names[name] = name.rpartition(":")[2]
            node = [local, len(texts)]
            current.append(node)
            push(current)
            current = node

        def start_root(name: str, attributes: Any) -> None:
            prefixed = ":" in name
            if name.rpartition(":")[2] != "Message":
                raise ReadError(
                    f"{file}: not a CIN census file: the root element is <{shown(name)}>, "
                    "not <Message>"
                )
            parser.StartElementHandler = start_prefixed if prefixed else start
            parser.StartElementHandler(name, attributes)

        def end(name: str) -> None:
            nonlocal current
            node = current
            current = pop()
            if len(node) == 2:  # a leaf: its text is all character data since it began
                begun = node[1]
                node[1] = texts[begun] if len(texts) == begun + 1 else "".join(texts[begun:])
                if node[0] == "ReferenceDate":
                    self._reference(node[1].strip())
            else:
                # Elements still open are ancestors, whose text is not read: start afresh.
                texts.clear()
                node[1] = ""
                if node[0] == "Child":
                    current.pop()  # the Child is done with: forget it
                    self.count += 1
                    self._child(node)

        def refuse_doctype(*args: Any) -> None:
            raise ReadError(
                f"{file}: refused: the file has a document type declaration (DOCTYPE); "
                "CIN census files have none, and a DTD can declare entities that expand "
                "without limit or read other files"
            )

        def refuse_entity(*args: Any) -> None:
            raise ReadError(f"{file}: refused: the file declares an entity or notation")

        def refuse_reference(*args: Any) -> int:
            raise ReadError(f"{file}: refused: the file references an external entity")

        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = refuse_doctype
        parser.EntityDeclHandler = refuse_entity
        parser.UnparsedEntityDeclHandler = refuse_entity
        parser.NotationDeclHandler = refuse_entity
        parser.ExternalEntityRefHandler = refuse_reference
        parser.StartElementHandler = start_root
        parser.EndElementHandler = end
        parser.CharacterDataHandler = texts.append
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.ordered_attributes = True
        return parser

    def _reference(self, text: str) -> None:
        value = parse_date(text)
        if value is None:
            self.log.add(
                self.file,
                "Message/Header/CollectionDetails",
                "ReferenceDate",
                shown(text),
                _NOT_A_DATE,
            )
        self.reference_date = value

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

    def _code(self, where: str, field: str, text: str, codes: frozenset[str]) -> str:
        """*text*, reported when it is not one of *codes*; `""` when missing."""
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
            number = int(text)
            if number <= _LARGEST_COUNT:
                return float(number)
            problem = f"larger than {_LARGEST_COUNT}; read as missing, record kept"
        else:
            problem = "not a whole number >= 0; read as missing, record kept"
        self.log.add(self.file, where, field, shown(text), problem)
        return np.nan

    # -- one child ---------------------------------------------------------------------------

    def _child(self, node: _Node) -> None:
        where = f"Child {self.count}"
        child_id = ""
        birth_text = ""
        sex = ""
        ethnicity = ""
        details: list[_Node] = []
        for part in node[2:]:
            name = part[0]
            if name == "CINdetails":
                details.append(part)
            elif name == "ChildIdentifiers":
                for item in part[2:]:
                    item_name = item[0]
                    if item_name == "LAchildID":
                        child_id = item[1].strip()
                    elif item_name == "PersonBirthDate":
                        birth_text = item[1].strip()
                    elif item_name in ("Sex", "GenderCurrent"):
                        sex = item[1].strip()
            elif name == "ChildCharacteristics":
                for item in part[2:]:
                    if item[0] == "Ethnicity":
                        ethnicity = item[1].strip()
        if not child_id:
            self.log.add(
                self.file,
                where,
                "LAchildID",
                "",
                f"missing; the child and its {len(details)} CINdetails were dropped",
            )
            return
        where = f"Child {self.count} ({shown(child_id)})"
        birth = _DAYS.get(birth_text)
        if birth is None:
            birth = self._day(where, "PersonBirthDate", birth_text) if birth_text else _NAT
        rows = self.rows.children
        if child_id in self.children:
            self.log.add(
                self.file,
                where,
                "LAchildID",
                shown(child_id),
                "the child appears more than once in this file; identifiers of the last "
                "kept, episodes of all kept",
            )
        self.children[child_id] = len(rows) // _CHILD_WIDTH
        rows.extend((child_id, birth, sex, ethnicity))
        for number, detail in enumerate(details, start=1):
            self._episode(child_id, where, number, detail)

    def _episode(self, child_id: str, where: str, number: int, node: _Node) -> None:
        parts = node[2:]
        # The text of each element by name, the last one winning (the names of nested
        # records are in it too, but never looked up), and the nested records in order.
        leaves: dict[str, str] = {part[0]: part[1] for part in parts}
        nested = [] if _NESTED.isdisjoint(leaves) else [p for p in parts if p[0] in _NESTED]
        where = f"{where}/CINdetails {number}"
        get = leaves.get
        text = get("CINreferralDate", "").strip()
        found = _REFERRAL_DAYS.get(text)
        if found is None:
            value = self._date(
                where,
                "CINreferralDate",
                text,
                missing=f"the CINdetails and the {len(nested)} record(s) in it were dropped",
            )
            if value is None:
                return
            found = (value.toordinal() - _EPOCH, value.isoformat())
            if len(_REFERRAL_DAYS) < _CACHE_LIMIT:
                _REFERRAL_DAYS[text] = found
        day, iso = found
        referral_id = key = f"{child_id}/{iso}"
        group = self.episodes.get(key)
        referrals = self.rows.referrals
        episode = len(referrals) // _REFERRAL_WIDTH
        if group is None:
            self.episodes[key] = episode
        else:
            earlier = (group,) if isinstance(group, int) else group
            referral_id = f"{key}/{len(earlier) + 1}"
            self.log.add(
                self.file,
                where,
                "CINreferralDate",
                iso,
                f"a second referral of the child on the same date; kept as {shown(referral_id)}",
            )
            self.episodes[key] = (*earlier, episode)
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
        referrals.extend(
            (
                referral_id,
                child_id,
                day,
                get("ReferralSource", "").strip(),
                nfa,
                closure,
                reason,
                need,
            )
        )
        for index, part in enumerate(nested):
            name = part[0]
            if name == "Assessments":
                self._assessment(episode, where, nested, index)
            elif name == "Section47":
                self._section47(episode, where, nested, index)
            elif name == "ChildProtectionPlans":
                self._cp_plan(episode, where, nested, index)
            else:  # CINPlanDates
                self._cin_plan(episode, where, nested, index)

    # A nested record's place, "<episode>/<name> <n>" (the n-th of that name in the
    # episode), is written out only when there is something to report.

    def _assessment(self, episode: int, where: str, nested: list[_Node], index: int) -> None:
        start = end = ""
        factors: list[str] = []
        for part in nested[index][2:]:
            name = part[0]
            if name == "AssessmentActualStartDate":
                start = part[1].strip()
            elif name == "AssessmentAuthorisationDate":
                end = part[1].strip()
            elif name == "FactorsIdentifiedAtAssessment":
                for factor in part[2:]:
                    text = factor[1].strip()
                    if text:
                        factors.append(text)
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(where, nested, index),
                "AssessmentActualStartDate",
                start,
                missing="the assessment was kept without a start date",
            )
        end_day = _DAYS.get(end)
        if end_day is None:
            end_day = (
                self._day(_nested_where(where, nested, index), "AssessmentAuthorisationDate", end)
                if end
                else _NAT
            )
        found = tuple(factors)
        self.rows.assessments.extend(
            (episode, start_day, end_day, self.factor_sets.setdefault(found, found))
        )

    def _section47(self, episode: int, where: str, nested: list[_Node], index: int) -> None:
        get = {part[0]: part[1] for part in nested[index][2:]}.get
        start = get("S47ActualStartDate", "").strip()
        target = get("InitialCPCtarget", "").strip()
        icpc = get("DateOfInitialCPC", "").strip()
        flag = get("ICPCnotRequired", "").strip()
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(where, nested, index),
                "S47ActualStartDate",
                start,
                missing="the enquiry was kept without a start date",
            )
        target_day = _DAYS.get(target)
        if target_day is None:
            target_day = (
                self._day(_nested_where(where, nested, index), "InitialCPCtarget", target)
                if target
                else _NAT
            )
        icpc_day = _DAYS.get(icpc)
        if icpc_day is None:
            icpc_day = (
                self._day(_nested_where(where, nested, index), "DateOfInitialCPC", icpc)
                if icpc
                else _NAT
            )
        not_required = _FLAGS.get(flag)
        if not_required is None:
            not_required = self._flag(
                _nested_where(where, nested, index), "ICPCnotRequired", flag, required=False
            )
        self.rows.section47s.extend((episode, start_day, target_day, icpc_day, not_required))

    def _cp_plan(self, episode: int, where: str, nested: list[_Node], index: int) -> None:
        leaves: dict[str, str] = {}
        reviews: list[dt.date] = []
        for part in nested[index][2:]:
            if part[0] == "Reviews":
                for number, review in enumerate(part[2:], start=1):
                    text = review[1].strip()
                    value = _DATES(text) or self._date(
                        f"{_nested_where(where, nested, index)}/Reviews/CPPreviewDate {number}",
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
                _nested_where(where, nested, index),
                "CPPstartDate",
                text,
                missing="the plan was dropped",
            )
            if start == _NAT:
                return
        text = get("CPPendDate", "").strip()
        end = _DAYS.get(text)
        if end is None:
            end = (
                self._day(_nested_where(where, nested, index), "CPPendDate", text) if text else _NAT
            )
        text = get("NumberOfPreviousCPP", "").strip()
        previous = (
            float(text)
            if text.isdigit() and len(text) < 10 and text.isascii()
            else self._count(_nested_where(where, nested, index), "NumberOfPreviousCPP", text)
        )
        text = get("InitialCategoryOfAbuse", "").strip()
        initial = _ABUSE_CATEGORIES.get(text) or self._code(
            _nested_where(where, nested, index),
            "InitialCategoryOfAbuse",
            text,
            ABUSE_CATEGORY_CODES,
        )
        text = get("LatestCategoryOfAbuse", "").strip()
        latest = _ABUSE_CATEGORIES.get(text) or self._code(
            _nested_where(where, nested, index),
            "LatestCategoryOfAbuse",
            text,
            ABUSE_CATEGORY_CODES,
        )
        self.rows.cp_plans.extend(
            (episode, start, end, previous, initial, latest, tuple(sorted(reviews)))
        )

    def _cin_plan(self, episode: int, where: str, nested: list[_Node], index: int) -> None:
        start = end = ""
        for part in nested[index][2:]:
            if part[0] == "CINPlanStartDate":
                start = part[1].strip()
            elif part[0] == "CINPlanEndDate":
                end = part[1].strip()
        start_day = _DAYS.get(start)
        if start_day is None:
            start_day = self._day(
                _nested_where(where, nested, index),
                "CINPlanStartDate",
                start,
                missing="the plan was dropped",
            )
            if start_day == _NAT:
                return
        end_day = _DAYS.get(end)
        if end_day is None:
            end_day = (
                self._day(_nested_where(where, nested, index), "CINPlanEndDate", end)
                if end
                else _NAT
            )
        self.rows.cin_plans.extend((episode, start_day, end_day))


def _nested_where(where: str, nested: list[_Node], index: int) -> str:
    """Where the *index*-th record nested in an episode is: its name and its number."""
    name = nested[index][0]
    number = sum(1 for part in nested[: index + 1] if part[0] == name)
    return f"{where}/{name} {number}"


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
