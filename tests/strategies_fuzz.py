"""Hypothesis strategies for the fuzz suite: damaged returns, whole datasets, command lines.

A damaged return starts as a file the project's own writers make (`write_cin_census`,
`write_ssda903`) from a small drawn dataset or from the synthetic cohort, and is then
damaged the ways real files are: elements deleted, duplicated, moved or renamed, namespace
prefixes, other encodings and byte order marks, junk dates and codes, huge values, CRLF line
ends, other cell separators, columns added or lost, rows shuffled, NUL bytes, flipped bytes
and truncation. Each strategy returns the bytes with the list of steps that made them, so a
failing example says what was done.

`every_collection_datasets` draws records for every collection at once, from the family
strategies, for the properties that hold over every card.
"""

import argparse
import csv
import datetime as dt
import functools
import io
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st

from safeguarding_metrics.dataset import _IDENTITY_FIELDS, Dataset
from safeguarding_metrics.io.cin_census import write_cin_census
from safeguarding_metrics.io.ssda903 import write_ssda903
from safeguarding_metrics.periods import ReportingPeriod
from safeguarding_metrics.provenance import Coverage, ReturnCoverage
from safeguarding_metrics.records import (
    TABLES,
    Assessment,
    Child,
    CINPlan,
    CPPlan,
    Referral,
    Section47,
)
from safeguarding_metrics.synthetic import cin_census_year, ssda903_year, synthetic_dataset
from tests import strategies_looked_after, strategies_referrals, strategies_timescales
from tests.strategies import cin_plans

Draw = Callable[[st.SearchStrategy[Any]], Any]


def examples(share: float, *, least: int = 10) -> int:
    """*share* of the loaded profile's `max_examples`, and at least *least*, for one test.

    The fuzz tests differ in cost by a factor of twenty: each takes a share of the profile
    by its cost, so that a `deep` run (20,000) takes some 45 minutes on two processes, and
    *least* keeps the costly ones from running too few examples under `ci` (100).
    """
    return max(least, round(settings.default.max_examples * share))


# -- the starting files ------------------------------------------------------------------------

SYNTHETIC_SEEDS = (2025, 7)
"""Seeds of the synthetic cohorts a damaged file may start from (made once, then kept)."""
SYNTHETIC_YEARS = (2024, 2025)
"""The collection years of the synthetic cohort's returns."""


@functools.cache
def synthetic(seed: int) -> Dataset:
    """The synthetic cohort at a hundredth of its size: some 100 referrals a year."""
    return synthetic_dataset(seed=seed, scale=0.01, year_ending=2025, years=2)


def census_text(data: Dataset, reference_date: dt.date) -> str:
    """The CIN census file `write_cin_census` makes of *data*, as text."""
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "cin.xml"
        write_cin_census(data, path, reference_date=reference_date)
        return path.read_text(encoding="utf-8")


def return_texts(data: Dataset) -> dict[str, str]:
    """The SSDA903 tables `write_ssda903` makes of *data*: file name -> text."""
    with tempfile.TemporaryDirectory() as root:
        write_ssda903(data, root)
        return {
            path.name: path.read_text(encoding="utf-8") for path in sorted(Path(root).iterdir())
        }


@functools.cache
def synthetic_census(seed: int, year: int) -> str:
    """The synthetic cohort's CIN census file for *year*, as text."""
    period = ReportingPeriod.year_ending(year)
    return census_text(cin_census_year(synthetic(seed), period), period.end)


@functools.cache
def synthetic_return(seed: int, year: int) -> tuple[tuple[str, str], ...]:
    """The synthetic cohort's SSDA903 return for *year*: (file name, text) pairs."""
    period = ReportingPeriod.year_ending(year)
    return tuple(return_texts(ssda903_year(synthetic(seed), period)).items())


# Ids with markup, accents, other scripts and spaces the reader strips.
AWKWARD_IDS = ("A1", "B2", "C3", "E&5", "Zoë", "<b>", "日本", " D4 ", "x" * 12)
census_days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 3, 31))
optional_census_days = st.none() | census_days


@st.composite
def census_datasets(draw: Draw) -> Dataset:
    """A small CIN census dataset: a few children, their referrals and the records in them."""
    ids = draw(st.lists(st.sampled_from(AWKWARD_IDS), min_size=1, max_size=4, unique=True))
    records: list[Any] = []
    for child_id in ids:
        records.append(
            Child(
                child_id=child_id,
                birth_date=draw(optional_census_days),
                sex=draw(st.none() | st.sampled_from(("1", "2", "9"))),
                ethnicity=draw(st.none() | st.sampled_from(("WBRI", "AOTH", "ÉTH"))),
            )
        )
        seen: dict[dt.date, int] = {}
        for day in sorted(draw(st.lists(census_days, max_size=3))):
            seen[day] = seen.get(day, 0) + 1
            suffix = f"/{seen[day]}" if seen[day] > 1 else ""
            referral_id = f"{child_id}/{day.isoformat()}{suffix}"
            records.append(
                Referral(
                    referral_id=referral_id,
                    child_id=child_id,
                    referral_date=day,
                    source=draw(st.none() | st.sampled_from(("1A", "10", "X9"))),
                    nfa=draw(st.booleans()),
                    closure_date=draw(optional_census_days),
                    closure_reason=draw(st.none() | st.sampled_from(("RC1", "RC8", "RC99"))),
                    primary_need=draw(st.none() | st.sampled_from(("N1", "N9", "N0"))),
                )
            )
            link = {"child_id": child_id, "referral_id": referral_id}
            for _ in range(draw(st.integers(0, 2))):
                records.append(
                    Assessment(
                        **link,
                        start_date=draw(optional_census_days),
                        authorisation_date=draw(optional_census_days),
                        factors=draw(st.lists(st.sampled_from(("2A", "3B", "21")), max_size=2)),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    Section47(
                        **link,
                        start_date=draw(optional_census_days),
                        icpc_target=draw(optional_census_days),
                        icpc_date=draw(optional_census_days),
                        icpc_not_required=draw(st.booleans()),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    CPPlan(
                        **link,
                        start_date=draw(census_days),
                        end_date=draw(optional_census_days),
                        previous_plans=draw(st.none() | st.integers(0, 3)),
                        initial_category=draw(st.none() | st.sampled_from(("NEG", "PHY"))),
                        latest_category=draw(st.none() | st.sampled_from(("EMO", "XXX"))),
                        review_dates=draw(st.lists(census_days, max_size=2)),
                    )
                )
            for _ in range(draw(st.integers(0, 1))):
                records.append(
                    CINPlan(
                        **link,
                        start_date=draw(census_days),
                        end_date=draw(optional_census_days),
                    )
                )
    return Dataset.of(*records)


@st.composite
def census_bases(draw: Draw) -> str:
    """A CIN census file as the writer makes it: of a small drawn dataset, or synthetic."""
    if draw(st.integers(0, 3)):
        reference = draw(st.sampled_from((dt.date(2025, 3, 31), dt.date(2024, 3, 31))))
        return census_text(draw(census_datasets()), reference)
    seed = draw(st.sampled_from(SYNTHETIC_SEEDS))
    return synthetic_census(seed, draw(st.sampled_from(SYNTHETIC_YEARS)))


@st.composite
def return_bases(draw: Draw) -> dict[str, str]:
    """An SSDA903 return as the writer makes it: of a small drawn dataset, or synthetic."""
    if draw(st.integers(0, 3)):
        looked_after = draw(strategies_looked_after.looked_after_datasets())
        leavers = draw(strategies_looked_after.care_leaver_records())
        data = attrs.evolve(looked_after, care_leavers=leavers, coverage=Coverage())
        return return_texts(data)
    seed = draw(st.sampled_from(SYNTHETIC_SEEDS))
    return dict(synthetic_return(seed, draw(st.sampled_from(SYNTHETIC_YEARS))))


# -- damaging bytes --------------------------------------------------------------------------------

BYTE_TOKENS = (
    b"\x00",
    b"<",
    b">",
    b"&",
    b'"',
    b",",
    b"\r",
    b"\n",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"]]>",
    b"<!--",
    b"<!DOCTYPE x>",
)


@st.composite
def damaged_bytes(draw: Draw, content: bytes) -> tuple[bytes, str]:
    """*content* with one byte-level accident: a flip, a cut, an insertion or a deletion."""
    kind = draw(st.sampled_from(("flip", "truncate", "insert", "delete")))
    at = draw(st.integers(0, len(content)))
    if kind == "flip" and at < len(content):
        mask = draw(st.integers(1, 255))
        return content[:at] + bytes([content[at] ^ mask]) + content[at + 1 :], f"flip@{at}^{mask}"
    if kind == "truncate":
        return content[:at], f"truncate@{at}"
    if kind == "insert":
        token = draw(st.sampled_from(BYTE_TOKENS) | st.binary(min_size=1, max_size=4))
        return content[:at] + token + content[at:], f"insert@{at}:{token!r}"
    length = draw(st.integers(1, 16))
    return content[:at] + content[at + length :], f"delete@{at}+{length}"


@attrs.frozen
class Damaged:
    """A damaged file: its bytes and the steps that damaged it."""

    content: bytes
    steps: tuple[str, ...]

    def __repr__(self) -> str:
        shown = self.content if len(self.content) <= 1500 else self.content[:1500] + b"..."
        return f"Damaged(steps={list(self.steps)!r}, {len(self.content)} bytes: {shown!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # Hypothesis would otherwise print every field in full


# -- damaging a CIN census file ---------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([A-Za-z_:][\w.:-]*)[^<>]*?(/?)>")
_DATE_VALUE = re.compile(r">(\d{4}-\d{2}-\d{2})<")
_VALUE = re.compile(r">([^<>\n]*)</")
_DECLARATION = re.compile(r"\A(\ufeff?)<\?xml[^>]*\?>")

RECORD_ELEMENTS = ("Child", "CINdetails", "Assessments", "CINPlanDates", "Section47")
"""The census elements that hold one record each (with ChildProtectionPlans)."""

JUNK_DATES = (
    "",
    " ",
    "2024-02-30",
    "2023-02-29",
    "31/12/2023",
    "1/2/2024",
    "29/02/2023",
    "31/2/2024",
    "29/2/2023",
    "30/02/2024 00:00",
    "2024-02-30T00:00:00",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2201-01-01",
    "2024-1-1",
    "20240101",
    "2024/01/01",
    "yesterday",
    "2024-01-01T10:30:00",
    "2024-01-01 00:00",
    "01/01/2024 00:00:00",
    "٢٠٢٤-٠١-٠١",  # Arabic-Indic digits: str.isdigit() is true for them
    "２０２４-０１-０１",  # fullwidth digits
    "2024-01-01Z",
    "+2024-01-01",
    "-2024-01-01",
    "NaT",
    "99999-01-01",
)
JUNK_VALUES = (
    "",
    " ",
    "\t",
    "N99",
    "rc1",
    "TRUE",
    "yes",
    "2",
    "-1",
    "1.5",
    "1e9",
    "9" * 30,
    "9" * 5000,
    "A" * 300,
    "A" * 70_000,
    "&amp;",
    "&#x1F600;",
    "&#0;",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "&lt;Child&gt;",
    "<Child/>",
    "é",
    "\u2028",
    "\ufeff",
    "NEG PHY",
)
PIECES = (
    "<Child/>",
    "<Child>\n</Child>",
    "<Child><ChildIdentifiers><LAchildID>Z9</LAchildID></ChildIdentifiers></Child>",
    "<Child><ChildIdentifiers><UPN>A1</UPN></ChildIdentifiers></Child>",
    "<CINdetails/>",
    "<CINdetails><CINreferralDate>2024-01-01</CINreferralDate></CINdetails>",
    "<Assessments><AssessmentActualStartDate>2024-01-02</AssessmentActualStartDate></Assessments>",
    "<Section47/>",
    "<ChildProtectionPlans><CPPstartDate>2024-01-01</CPPstartDate></ChildProtectionPlans>",
    "<CINPlanDates><CINPlanStartDate>2024-01-01</CINPlanStartDate></CINPlanDates>",
    "<Unknown><Child/></Unknown>",
    "<x:Child xmlns:x='urn:x'><x:ChildIdentifiers><x:LAchildID>X1</x:LAchildID>"
    "</x:ChildIdentifiers></x:Child>",
    "<!-- a comment -->",
    "<?pi data?>",
    "<![CDATA[<Child>]]>",
    "text",
    "&amp;",
    "<ReferenceDate>2024-03-31</ReferenceDate>",
    "<Header/>",
    "<Children/>",
)
NAMES = (
    "Child",
    "CINdetails",
    "Assessments",
    "Section47",
    "ChildProtectionPlans",
    "CINPlanDates",
    "Children",
    "ChildIdentifiers",
    "Reviews",
    "Note",
    "child",
    "CINDetails",
)
PREFIXES = ("c:", "cin:", "ns0:", "a.b:", ":", "c:d:")
DECLARATIONS = (
    "",
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    "<?xml version='1.0' encoding='utf-8'?>",
    '<?xml version="1.1" encoding="utf-8"?>',
    ' <?xml version="1.0"?>',
    '<?xml version="1.0" encoding="klingon"?>',
    '<?xml version="1.0" encoding="utf-32"?>',
    '<?xml version="1.0" encoding="rot13"?>',
    '<?xml version="1.0" encoding="shift_jis"?>',
    '<?xml version="1.0" encoding="utf-7"?>',
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<?xml version="1.0" encoding="cp1252"?>',
    '<?xml version="1.0" encoding=""?>',
    '<?xml version="1.0" encoding="latin-1"?>',
)
# Codecs to write the file in, with the name its declaration then gives.
CODECS = (
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8"),
    ("utf-16", "UTF-16"),
    ("latin-1", "ISO-8859-1"),
    ("cp1252", "windows-1252"),
    ("ascii", "US-ASCII"),
    ("cp1252", "utf-8"),  # declared UTF-8, written in Windows-1252
    ("utf-8", "UTF-16"),  # declared UTF-16, written in UTF-8
    ("utf-16", "utf-8"),  # a UTF-16 byte order mark, declared UTF-8
)


def elements(text: str) -> list[tuple[str, int, int]]:
    """The (name, start, end) of each element in *text* whose start and end tags match."""
    found: list[tuple[str, int, int]] = []
    stack: list[tuple[str, int]] = []
    for tag in _TAG.finditer(text):
        closing, name, empty = tag.groups()
        if empty:
            found.append((name, tag.start(), tag.end()))
        elif not closing:
            stack.append((name, tag.start()))
        else:
            while stack:
                opened, start = stack.pop()
                if opened == name:
                    found.append((name, start, tag.end()))
                    break
    return found


def _boundaries(text: str) -> list[int]:
    """The places just after a tag closes, where a piece can go between elements."""
    return [match.end() for match in re.finditer(">", text)]


def _pick_element(draw: Draw, text: str) -> tuple[str, int, int] | None:
    found = elements(text)
    if not found:
        return None
    # Record elements most of the time: they are what can vanish.
    records = [
        e for e in found if e[0].rpartition(":")[2] in (*RECORD_ELEMENTS, "ChildProtectionPlans")
    ]
    pool = records if records and draw(st.integers(0, 3)) else found
    picked: tuple[str, int, int] = pool[draw(st.integers(0, len(pool) - 1))]
    return picked


def _retag(text: str, element: tuple[str, int, int], new: str) -> str:
    """*text* with the start and end tag of *element* renamed to *new*."""
    name, start, end = element
    inner = text[start:end]
    inner = re.sub(rf"\A<{re.escape(name)}\b", f"<{new}", inner)
    if inner.endswith(f"</{name}>"):
        inner = inner[: -len(name) - 3] + f"</{new}>"
    return text[:start] + inner + text[end:]


def _mutate_census(draw: Draw, text: str) -> tuple[str, str]:
    """One structural change to the text of a census file, and what it was."""
    kind = draw(
        st.sampled_from(
            (
                "delete",
                "duplicate",
                "move",
                "prefix",
                "rename",
                "date",
                "date",
                "value",
                "insert",
                "line-ends",
                "declaration",
                "root-namespace",
            )
        )
    )
    if kind in ("delete", "duplicate", "move", "prefix", "rename"):
        element = _pick_element(draw, text)
        if element is None:
            return text, f"{kind}: no element"
        name, start, end = element
        if kind == "delete":
            return text[:start] + text[end:], f"delete {name}@{start}"
        if kind == "duplicate":
            return text[:end] + text[start:end] + text[end:], f"duplicate {name}@{start}"
        if kind == "move":
            piece = text[start:end]
            rest = text[:start] + text[end:]
            places = _boundaries(rest)
            at = places[draw(st.integers(0, len(places) - 1))] if places else 0
            return rest[:at] + piece + rest[at:], f"move {name}@{start} to {at}"
        if kind == "prefix":
            prefix = draw(st.sampled_from(PREFIXES))
            return _retag(text, element, prefix + name), f"prefix {name}@{start} with {prefix}"
        new = draw(st.sampled_from(NAMES))
        return _retag(text, element, new), f"rename {name}@{start} to {new}"
    if kind == "date":
        dates = list(_DATE_VALUE.finditer(text))
        if not dates:
            return text, "date: none"
        found = dates[draw(st.integers(0, len(dates) - 1))]
        junk = draw(st.sampled_from(JUNK_DATES))
        return text[: found.start(1)] + junk + text[
            found.end(1) :
        ], f"date@{found.start(1)}={junk!r}"
    if kind == "value":
        values = list(_VALUE.finditer(text))
        if not values:
            return text, "value: none"
        found = values[draw(st.integers(0, len(values) - 1))]
        junk = draw(st.sampled_from(JUNK_VALUES))
        shown = junk if len(junk) < 40 else f"{junk[:5]}...({len(junk)})"
        return text[: found.start(1)] + junk + text[
            found.end(1) :
        ], f"value@{found.start(1)}={shown!r}"
    if kind == "insert":
        places = _boundaries(text)
        at = places[draw(st.integers(0, len(places) - 1))] if places else 0
        piece = draw(st.sampled_from(PIECES))
        return text[:at] + piece + text[at:], f"insert@{at}:{piece[:30]!r}"
    if kind == "line-ends":
        ending = draw(st.sampled_from(("\r\n", "\r")))
        return text.replace("\n", ending), f"line ends {ending!r}"
    if kind == "declaration":
        declaration = draw(st.sampled_from(DECLARATIONS))
        changed, count = _DECLARATION.subn(lambda m: m.group(1) + declaration, text, count=1)
        return changed if count else declaration + text, f"declaration {declaration!r}"
    root = draw(st.sampled_from(("default", "prefixed", "declared")))
    if root == "default":
        return text.replace("<Message>", '<Message xmlns="urn:dfe:cin">', 1), "root xmlns"
    if root == "prefixed":
        changed = text.replace("<Message>", '<c:Message xmlns:c="urn:dfe:cin">', 1)
        return changed.replace("</Message>", "</c:Message>", 1), "root c:Message"
    return text.replace("<Message>", '<Message xmlns:c="urn:c" xmlns:x="urn:x">', 1), "root xmlns:c"


def _encode_census(draw: Draw, text: str) -> tuple[bytes, str]:
    """The file's bytes: mostly UTF-8 as written, else in another codec its declaration names."""
    if draw(st.integers(0, 2)):
        return text.encode("utf-8", "surrogatepass"), "utf-8"
    codec, declared = draw(st.sampled_from(CODECS))
    declaration = f'<?xml version="1.0" encoding="{declared}"?>'
    changed, count = _DECLARATION.subn(lambda m: m.group(1) + declaration, text, count=1)
    if not count:
        changed = declaration + "\n" + text
    return changed.encode(codec, "xmlcharrefreplace"), f"{codec} declared {declared}"


@st.composite
def damaged_census_files(draw: Draw, *, max_steps: int = 4) -> Damaged:
    """A CIN census file made by the writer, then damaged (see the module docstring)."""
    text = draw(census_bases())
    steps: list[str] = []
    for _ in range(draw(st.integers(1, max_steps))):
        text, step = _mutate_census(draw, text)
        steps.append(step)
    content, step = _encode_census(draw, text)
    steps.append(step)
    if not draw(st.integers(0, 4)):  # a byte-level accident one time in five
        content, step = draw(damaged_bytes(content))
        steps.append(step)
    return Damaged(content, tuple(steps))


# -- DTDs and entities --------------------------------------------------------------------------------

ENTITY_MARK = "ENTITYWASEXPANDED"
"""Text an entity would put in the file if it were ever expanded."""


def doctypes(external: str) -> tuple[str, ...]:
    """Document type declarations and entity uses: internal, external, parameter, recursive."""
    lol = "".join(f'<!ENTITY l{n} "&l{n - 1};&l{n - 1};&l{n - 1};&l{n - 1};">' for n in range(1, 9))
    return (
        "<!DOCTYPE Message>",
        f'<!DOCTYPE Message [<!ENTITY e "{ENTITY_MARK}">]>',
        f'<!DOCTYPE Message SYSTEM "{external}">',
        f'<!DOCTYPE Message PUBLIC "-//x//y" "{external}">',
        f'<!DOCTYPE Message [<!ENTITY e SYSTEM "{external}">]>',
        f'<!DOCTYPE Message [<!ENTITY % p SYSTEM "{external}"> %p;]>',
        f'<!DOCTYPE Message [<!ENTITY l0 "{ENTITY_MARK}">{lol}]>',
        '<!DOCTYPE Message [<!ENTITY a "&b;"><!ENTITY b "&a;">]>',
        '<!DOCTYPE Message [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "x" NDATA n>]>',
        '<!DOCTYPE Message [<!ELEMENT Message ANY><!ATTLIST Message a CDATA "d">]>',
        "<!doctype Message>",
    )


ENTITY_USES = ("&e;", "&l8;", "&a;", "&p;", "&undeclared;", "&u;")


@st.composite
def entity_files(draw: Draw, external: str) -> Damaged:
    """A census file with a DTD, an entity declaration or an external reference put in."""
    text = draw(census_bases())
    steps: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        text, step = _mutate_census(draw, text)
        steps.append(step)
    doctype = draw(st.sampled_from(doctypes(external)))
    match = _DECLARATION.match(text)
    prolog = match.end() if match else 0
    root = text.find("<Message")
    places = [prolog, max(root, prolog)]
    at = draw(st.sampled_from(places) | st.sampled_from(_boundaries(text) or [0]))
    text = text[:at] + doctype + text[at:]
    steps.append(f"doctype@{at}: {doctype[:60]!r}")
    if draw(st.booleans()):
        values = list(_VALUE.finditer(text))
        if values:
            found = values[draw(st.integers(0, len(values) - 1))]
            use = draw(st.sampled_from(ENTITY_USES))
            text = text[: found.start(1)] + use + text[found.end(1) :]
            steps.append(f"entity use {use}@{found.start(1)}")
    content, step = _encode_census(draw, text)
    steps.append(step)
    return Damaged(content, tuple(steps))


# -- damaging an SSDA903 return -------------------------------------------------------------------------

DATE_COLUMNS = ("DOB", "DECOM", "DEC", "REVIEW", "MC_DOB")
CODE_COLUMNS = ("SEX", "RNE", "LS", "PLACE", "REC", "REVIEW_CODE", "IN_TOUCH", "ACTIV", "ACCOM")
JUNK_CELLS = (
    "",
    " ",
    "café",
    "日本",
    "a,b",
    "a;b",
    "a\tb",
    'say "hi"',
    '"',
    "two\nlines",
    "cr\ronly",
    "\u2028",
    "\ufeff",
    "=1+2",
    "x\x00y",
    "\x00",
    "A" * 300,
    # Huge, yet within the standard library CSV reader's field limit (131,072 characters):
    # a cell beyond it is read differently by the reader's block and row readings (emptied,
    # or its row left out, by where the block ends), so it is not drawn until they agree.
    "9" * 131_000,
)
JUNK_CODES = ("", "ZZ", "s", " S ", "E4", "PN8", "yes", "0", "00", "X1 ", "ü")
COLUMN_NAMES = (
    "EXTRA",
    "NOTES",
    "DUC",
    "SDQ_SCORE",
    "MIS_START",
    "CHILD",
    "DOB",
    "DECOM",
    "REVIEW",
    "child",
    " Child ",
    "\ufeffCHILD",
    "",
)
EXTRA_FILES: tuple[tuple[str, bytes], ...] = (
    ("notes.txt", b"not a table"),
    (".hidden.csv", b"CHILD,DECOM\n1,01/01/2024\n"),
    ("empty.csv", b""),
    ("blank.csv", b"\n\n"),
    ("uasc.csv", b"CHILD,SEX,DOB,DUC\n1,1,01/01/2010,01/01/2028\n"),
    ("missing.csv", b"CHILD,DOB,MISSING,MIS_START,MIS_END\n1,01/01/2010,M,01/01/2024,\n"),
    ("weird.csv", b"a,b,c\n1,2,3\n"),
    ("episodes_2.CSV", b"CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n9,01/05/2024,S,C2,U1,,\n"),
    ("sub/", b""),
)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _column(draw: Draw, header: list[str], wanted: Sequence[str] = ()) -> int | None:
    names = [c.strip().upper() for c in header]
    positions = [i for i, name in enumerate(names) if not wanted or name in wanted]
    if not positions:
        return None
    position: int = positions[draw(st.integers(0, len(positions) - 1))]
    return position


def _row(draw: Draw, rows: list[list[str]]) -> int | None:
    if len(rows) < 2:
        return None
    row: int = draw(st.integers(1, len(rows) - 1))
    return row


def _mutate_table(draw: Draw, rows: list[list[str]]) -> str:
    """One change to a table's rows (the header row is rows[0]), in place; what it was."""
    kind = draw(
        st.sampled_from(
            (
                "shuffle",
                "duplicate-row",
                "delete-row",
                "blank-row",
                "date",
                "date",
                "code",
                "no-child",
                "cell",
                "cell",
                "add-column",
                "drop-column",
                "copy-column",
                "short-row",
                "long-row",
                "rename-column",
                "blank-first-line",
            )
        )
    )
    if not rows:
        rows.append([])
    header = rows[0]
    row = _row(draw, rows)
    if kind == "shuffle":
        body = rows[1:]
        order = draw(st.permutations(range(len(body))))
        rows[1:] = [body[i] for i in order]
        return "shuffle rows"
    if kind == "blank-first-line":
        rows.insert(0, [])
        return "blank first line"
    if kind == "add-column":
        name = draw(st.sampled_from(COLUMN_NAMES))
        at = draw(st.integers(0, len(header)))
        for number, cells in enumerate(rows):
            cells.insert(
                min(at, len(cells)), name if number == 0 else draw(st.sampled_from(("", "1", "x")))
            )
        return f"add column {name!r}@{at}"
    column = _column(draw, header)
    if kind in ("drop-column", "copy-column", "rename-column"):
        if column is None:
            return f"{kind}: no column"
        name = header[column]
        for cells in rows:
            if column < len(cells):
                if kind == "drop-column":
                    del cells[column]
                elif kind == "copy-column":
                    cells.append(cells[column])
        if kind == "rename-column":
            header[column] = draw(st.sampled_from(COLUMN_NAMES))
            return f"rename column {name!r} to {header[column]!r}"
        return f"{kind} {name!r}"
    if row is None:
        return f"{kind}: no rows"
    cells = rows[row]
    if kind == "duplicate-row":
        rows.insert(draw(st.integers(1, len(rows))), list(cells))
        return f"duplicate row {row}"
    if kind == "delete-row":
        del rows[row]
        return f"delete row {row}"
    if kind == "blank-row":
        rows.insert(row, draw(st.sampled_from(([], [""] * len(header), [" "]))))
        return f"blank row at {row}"
    if kind == "short-row":
        if cells:
            cells.pop()
        return f"short row {row}"
    if kind == "long-row":
        cells.append(draw(st.sampled_from(("", "x", "01/01/2024"))))
        return f"long row {row}"
    wanted = {"date": DATE_COLUMNS, "code": CODE_COLUMNS, "no-child": ("CHILD",)}.get(kind, ())
    column = _column(draw, header, wanted)
    if column is None or column >= len(cells):
        return f"{kind}: no such cell"
    if kind == "date":
        value = draw(st.sampled_from(JUNK_DATES))
    elif kind == "code":
        value = draw(st.sampled_from(JUNK_CODES))
    elif kind == "no-child":
        value = draw(st.sampled_from(("", " ", '""')))
    else:
        value = draw(st.sampled_from(JUNK_CELLS))
    cells[column] = value
    shown = value if len(value) < 40 else f"{value[:5]}...({len(value)})"
    return f"{kind} row {row} column {header[column]!r} = {shown!r}"


ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
DELIMITERS = (",", ",", ",", ";", "\t", "|")
LINE_ENDS = ("\n", "\n", "\r\n", "\r")


@st.composite
def _table_bytes(draw: Draw, rows: list[list[str]]) -> tuple[bytes, str]:
    """The rows written with a drawn separator, quoting, line end and encoding."""
    delimiter = draw(st.sampled_from(DELIMITERS))
    ending = draw(st.sampled_from(LINE_ENDS))
    quoting = draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL)))
    encoding = draw(st.sampled_from(ENCODINGS))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=quoting)
    writer.writerows(rows)
    content = out.getvalue().encode(encoding, "replace")
    quoted = "all" if quoting == csv.QUOTE_ALL else "minimal"
    return content, f"{delimiter!r} {ending!r} quote {quoted} {encoding}"


@attrs.frozen
class DamagedReturn:
    """A damaged SSDA903 return: file name -> bytes (a name ending "/" is a folder)."""

    files: tuple[tuple[str, bytes], ...]
    steps: tuple[str, ...]

    def write(self, folder: Path) -> None:
        """Write the files into *folder* (made if missing)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in self.files:
            if name.endswith("/"):
                (folder / name).mkdir(exist_ok=True)
            else:
                (folder / name).write_bytes(content)

    def __repr__(self) -> str:
        shown = {
            name: content if len(content) <= 600 else content[:600] + b"..."
            for name, content in self.files
        }
        return f"DamagedReturn(steps={list(self.steps)!r}, files={shown!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # Hypothesis would otherwise print every field in full


@st.composite
def damaged_returns(draw: Draw, *, max_steps: int = 4) -> DamagedReturn:
    """An SSDA903 return made by the writer, then damaged (see the module docstring)."""
    texts = draw(return_bases())
    tables = {name: _rows(text) for name, text in texts.items()}
    extra: dict[str, bytes] = {}
    steps: list[str] = []
    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(("table", "table", "table", "table", "add-file", "drop-file")))
        if kind == "add-file":
            name, content = draw(st.sampled_from(EXTRA_FILES))
            extra[name] = content
            steps.append(f"add file {name}")
        elif kind == "drop-file" and len(tables) > 1:
            name = draw(st.sampled_from(sorted(tables)))
            del tables[name]
            steps.append(f"drop file {name}")
        elif tables:
            name = draw(st.sampled_from(sorted(tables)))
            steps.append(f"{name}: {_mutate_table(draw, tables[name])}")
    files: dict[str, bytes] = {}
    for name, rows in tables.items():
        content, how = draw(_table_bytes(rows))
        steps.append(f"{name} written {how}")
        files[name] = content
    if files and not draw(st.integers(0, 3)):  # a byte-level accident one return in four
        name = draw(st.sampled_from(sorted(files)))
        files[name], step = draw(damaged_bytes(files[name]))
        steps.append(f"{name}: {step}")
    files.update(extra)
    return DamagedReturn(tuple(sorted(files.items())), tuple(steps))


# -- whole datasets, for the properties over every card ---------------------------------------------------

PERIODS = tuple(
    dict.fromkeys(
        (
            *strategies_referrals.PERIODS,
            *strategies_looked_after.PERIODS,
            ReportingPeriod.year_ending(2025).quarter(1),
        )
    )
)
"""The periods the properties over every card are checked for."""


@st.composite
def every_collection_datasets(draw: Draw) -> Dataset:
    """Records of every collection, drawn by each family's strategy and put together.

    Children from the timescale and referral strategies share ids with the looked-after
    ones ("A" to "E"), so one child's records meet across families, and referrals from two
    strategies may share an id (a data error the indicators must resolve by content).
    """
    timescales = draw(strategies_timescales.timescale_datasets(max_size=8))
    referrals = draw(strategies_referrals.datasets())
    looked_after = draw(strategies_looked_after.looked_after_datasets())
    leavers = draw(strategies_looked_after.care_leaver_records())
    plans = draw(st.lists(cin_plans(), max_size=3))
    return Dataset(
        children=looked_after.children,
        contacts=timescales.contacts,
        referrals=[*timescales.referrals, *referrals.referrals],
        assessments=timescales.assessments,
        section47s=[*timescales.section47s, *referrals.section47s],
        cp_plans=[*timescales.cp_plans, *referrals.cp_plans],
        cin_plans=plans,
        episodes=looked_after.episodes,
        lac_reviews=looked_after.lac_reviews,
        care_leavers=leavers,
        coverage=looked_after.coverage,
    )


# The fields that make a record "the same record" when datasets merge (SPEC §3a).
IDENTITY = _IDENTITY_FIELDS


def _edited(draw: Draw, record: Any, donors: Sequence[Any], table: str) -> Any:
    """*record* with one field that is not part of its identity taken from one of *donors*."""
    names = [f.name for f in attrs.fields(type(record)) if f.name not in IDENTITY[table]]
    if not names or not donors:
        return record
    donor = donors[draw(st.integers(0, len(donors) - 1))]
    name = draw(st.sampled_from(names))
    return attrs.evolve(record, **{name: getattr(donor, name)})


@st.composite
def tied_datasets(draw: Draw) -> Dataset:
    """`every_collection_datasets` with near copies added: ties only content can break.

    A near copy keeps a record's identity (the same child and dates) and takes one other
    field from another record of its collection, or none (an exact copy).
    """
    data = draw(every_collection_datasets())
    collections: dict[str, list[Any]] = {}
    for table in TABLES:
        records = list(data.records(table))
        copies = []
        for record in records:
            if not draw(st.integers(0, 3)):
                copies.append(_edited(draw, record, records, table))
        collections[table] = records + copies
    return Dataset(**collections, coverage=data.coverage)


def coverage_for(years: Sequence[int]) -> Coverage:
    """The coverage of a CIN census and an SSDA903 return for each of *years*."""
    cin = ("children", "referrals", "assessments", "section47s", "cp_plans", "cin_plans")
    returns = []
    for year in sorted(years):
        returns.append(
            ReturnCoverage.for_year(kind="cin-census", path=f"cin{year}.xml", year=year, tables=cin)
        )
        looked_after = ("children", "episodes", "lac_reviews", "care_leavers")
        returns.append(
            ReturnCoverage.for_year(
                kind="ssda903", path=f"903/{year}", year=year, tables=looked_after
            )
        )
    return Coverage(tuple(returns))


@st.composite
def later_versions(draw: Draw, data: Dataset, years: Sequence[int]) -> Dataset:
    """Another return's view of *data*: some records left out, some changed, others added.

    A changed record keeps its identity and takes another field from a record drawn afresh,
    so merging the two datasets has records to replace.
    """
    fresh = draw(every_collection_datasets())
    collections: dict[str, list[Any]] = {}
    for table in TABLES:
        kept: list[Any] = []
        others = list(fresh.records(table))
        for record in data.records(table):
            choice = draw(st.integers(0, 3))
            if choice == 0:
                continue  # not in the other return
            if choice == 1:
                record = _edited(draw, record, others, table)
            kept.append(record)
        kept += others[: draw(st.integers(0, len(others)))]
        collections[table] = kept
    return Dataset(**collections, coverage=coverage_for(years))


# -- command lines ------------------------------------------------------------------------------------

PLACES = (
    "@cin",
    "@cin2",
    "@return",
    "@return2",
    "@config",
    "@closures",
    "@comparators",
    "@folder",
    "@missing",
)
"""Placeholders a command line names files by; the test puts the files in a temporary folder.

``@cin`` and ``@cin2`` are damaged CIN census files, ``@return`` (a folder named 2024) and
``@return2`` (2024-25) damaged SSDA903 returns, ``@config`` a report.toml, ``@closures`` a
closures file, ``@comparators`` a comparators CSV, ``@folder`` the temporary folder itself
and ``@missing`` a file that is not there.
"""

JUNK_ARGUMENTS = (
    "",
    " ",
    "-",
    "--",
    "x",
    "0",
    "-1",
    "1",
    "é",
    "日本",
    "\udcff",  # an argument that was not valid UTF-8 (how Python passes such bytes on)
    "a" * 300,
    "=",
    "2024=",
    "2024=x",
    "--nope",
    "-x",
    "report",
    "out.json",
    "audit",
    ".",
)
DATES = (
    "2024-03-31",
    "2024-02-29",
    "2025-02-29",
    "2024-09-30",
    "0001-01-01",
    "9999-12-31",
    "1969-12-31",
    "2051-01-01",
    "2024-3-1",
    "31/03/2025",
)
YEARS = ("2025", "2024", "2020", "0000", "0001", "1900", "1970", "2050", "9999", "20255")
MONTHS = ("2024-02", "2025-03", "9999-12", "0001-01", "2024-13", "2024-00", "24-01")
COLUMN_TEXTS = (
    "2023-24",
    "2024-25",
    "Q1",
    "Q4",
    "Q2-ytd",
    "2024-25-Q3",
    "ytd",
    "2024-01",
    "Jan-24",
    "rolling",
    "2024-01-01..2024-03-31",
    "2024-03-31..2024-01-01",
    "0001-01-01..0001-01-02",
    "9999-12-01..9999-12-31",
    "Q9",
    "9999-25",
    "1969-70",
)
OPTION_TEXTS = (
    "assessment-45wd:anchor=referral",
    "assessment-45wd:anchor=",
    "cin-at-period-end:population=-5",
    "cin-at-period-end:population=99999999999999999999999",
    "cin-at-period-end:population=2024-01-01",
    "lac-reviews-in-timescale:reviews_from=2024-01-01",
    "lac-reviews-in-timescale:reviews_from=0001-01-01",
    "lac-reviews-in-timescale:reviews_from=soon",
    "lac-reviews-in-timescale:reviews_from=12",
    "cin-closure-durations:include_nfa=true",
    "cin-closure-durations:include_nfa=maybe",
    "re-referrals-12m:window=365-days",
    "x:y=z",
    "assessment-45wd",
)
NUMBERS = (
    "0",
    "1",
    "-1",
    "10",
    "1e3",
    "0.01",
    "nan",
    "inf",
    "-inf",
    "1e-9",
    "21",
    "99999999999999999999",
)
# Values that make sense for an option, by its destination; others get junk or a place.
PLAUSIBLE: dict[str, tuple[str, ...]] = {
    "start": DATES,
    "end": DATES,
    "rolling_12_months_to": DATES,
    "year_to_date": DATES,
    "as_at": DATES,
    "between": DATES,
    "year_ending": YEARS,
    "month": MONTHS,
    "columns": COLUMN_TEXTS,
    "option": OPTION_TEXTS,
    "population": NUMBERS,
    "seed": NUMBERS,
    "scale": ("0.001", "0.01", "0", "-1", "nan", "inf", "1e-9", "21", "abc"),
    "years": ("1", "2", "0", "-1", "46", "100"),
    "cin": ("@cin", "@cin2", "@missing", "@folder", "@return"),
    "ssda903": (
        "@return",
        "@return2",
        "2024=@return",
        "2030=@return2",
        "@cin",
        "@missing",
        "x=@folder",
    ),
    "config": ("@config", "@missing", "@cin", "@folder"),
    "closures": ("@closures", "@missing", "@cin", "@folder"),
    "comparators": ("@comparators", "@missing", "@config", "@folder"),
    "output": (
        "@folder/report.out",
        "report.html",
        "out.xlsx",
        "@folder",
        "@missing/deeper/x.json",
    ),
    "diagnostics": ("problems.csv", "@folder", "@missing/deeper/x.csv"),
    "audit": ("audit", "@folder", "@cin", "@missing/deeper"),
    "outdir": ("out", "@folder/synth-é", "@cin", "."),
    "title": ("Cabinet — café", "", "\u2028", "<script>", "日本"),
}


@functools.cache
def command_options() -> dict[str, tuple[tuple[tuple[str, ...], int, str, tuple[str, ...]], ...]]:
    """Per sub-command: each option's names, how many values it takes, its destination and choices.

    Read from the command's own parser (argparse keeps them in `_actions`), so the fuzzing
    follows the options as they are.
    """
    from safeguarding_metrics.cli import build_parser

    parser = build_parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    found = {}
    for name, command in commands.choices.items():
        options = []
        for action in command._actions:
            nargs = action.nargs
            count = 1 if nargs is None else nargs if isinstance(nargs, int) else 2
            choices = tuple(str(c) for c in action.choices or ())
            options.append((tuple(action.option_strings), count, action.dest, choices))
        found[name] = tuple(options)
    return found


@st.composite
def _value(draw: Draw, dest: str, choices: tuple[str, ...]) -> str:
    """A value for an option: one of its choices, a plausible value, a placeholder or junk."""
    pools = [JUNK_ARGUMENTS, PLACES]
    if choices:
        pools += [choices] * 6
    if dest in PLAUSIBLE:
        pools += [PLAUSIBLE[dest]] * 6
    if dest in ("indicator", "skip", "id"):
        from safeguarding_metrics.registry import INDICATORS

        pools += [tuple(INDICATORS)] * 6
    value: str = draw(st.sampled_from(draw(st.sampled_from(pools))))
    return value


REPORT_DATA = (
    ("--cin", "@cin"),
    ("--cin", "@cin", "@cin2"),
    ("--ssda903", "@return"),
    ("--ssda903", "@return", "@return2"),
    ("--ssda903", "2024=@return", "2025=@return2"),
    ("--cin", "@cin", "--ssda903", "@return", "@return2"),
    ("--config", "@config"),
    ("--demo",),
)
LAYOUT_NAMES = ("year", "years", "quarters", "quarters-ytd", "months")
FORMAT_NAMES = ("table", "markdown", "csv", "json", "html", "xlsx")


GOOD_DATES = ("2024-03-31", "2024-09-30", "2024-12-31", "2025-02-28", "2025-03-31")
GOOD_YEARS = ("2024", "2025")
GOOD_MONTHS = ("2024-06", "2025-03")
GOOD_COLUMNS = ("2023-24", "2024-25", "Q1", "Q2-ytd", "ytd", "2024-01", "rolling")


@st.composite
def _pick(draw: Draw, good: tuple[str, ...], any_value: tuple[str, ...]) -> str:
    """A value that makes sense three times in four, else any value (odd ones included)."""
    value: str = draw(st.sampled_from(good if draw(st.integers(0, 3)) else any_value))
    return value


@st.composite
def _report_skeleton(draw: Draw) -> list[str]:
    """A report command line that mostly makes sense: data, a period, a format, an output."""
    argv = ["report", *draw(st.sampled_from(REPORT_DATA))]
    period = draw(st.integers(0, 11))
    if period == 1:
        argv += ["--year-ending", draw(_pick(GOOD_YEARS, YEARS))]
        if draw(st.booleans()):
            argv += ["--quarter", draw(st.sampled_from(("1", "2", "3", "4")))]
    elif period == 2:
        argv += ["--rolling-12-months-to", draw(_pick(GOOD_DATES, DATES))]
    elif period == 3:
        argv += ["--year-to-date", draw(_pick(GOOD_DATES, DATES))]
    elif period == 4:
        argv += ["--month", draw(_pick(GOOD_MONTHS, MONTHS))]
    elif period == 5:
        argv += ["--between", draw(_pick(GOOD_DATES, DATES)), draw(_pick(GOOD_DATES, DATES))]
    elif period == 6:
        argv += [
            "--columns",
            *draw(st.lists(_pick(GOOD_COLUMNS, COLUMN_TEXTS), min_size=1, max_size=3)),
        ]
    elif period == 7:
        argv += ["--layout", draw(st.sampled_from(LAYOUT_NAMES))]
        if draw(st.booleans()):
            argv += ["--as-at", draw(_pick(GOOD_DATES, DATES))]
    if draw(st.booleans()):
        form = draw(st.sampled_from(FORMAT_NAMES))
        argv += ["--format", form]
        if form in ("xlsx", "html") or draw(st.booleans()):
            argv += ["-o", draw(st.sampled_from(("report.out", "@folder/r.out", "@missing/x/r")))]
    return argv


@st.composite
def command_lines(draw: Draw) -> list[str]:
    """A command line: mostly a sensible one with a few real options added, sometimes anything.

    The options added are the sub-command's own (and help), with their choices, plausible
    values, placeholders for files (`PLACES`) and junk; an option sometimes gets one value
    too few or too many. One command line in ten starts anywhere at all.
    """
    commands = command_options()
    if not draw(st.integers(0, 9)):
        command = draw(st.sampled_from((*sorted(commands), "reprot", "--help", *JUNK_ARGUMENTS)))
        argv = [command]
        extra = draw(st.integers(0, 6))
    else:
        command = draw(st.sampled_from(("report",) * 6 + tuple(sorted(commands))))
        argv = draw(_report_skeleton()) if command == "report" else [command]
        extra = draw(st.sampled_from((0, 0, 1, 1, 2, 3)))
    options = commands.get(command, commands["report"])
    if command != "report" and draw(st.integers(0, 9)):  # mostly, the positionals it takes
        for names, _, dest, choices in options:
            if not names:
                argv.append(draw(_value(dest, choices)))
    for _ in range(extra):
        names, count, dest, choices = draw(st.sampled_from(options))
        if not names:  # a positional too many
            argv.append(draw(_value(dest, choices)))
            continue
        if names == ("-h", "--help") and draw(st.integers(0, 5)):
            continue  # help is one answer: keep it rare
        argv.append(draw(st.sampled_from(names)))
        if not draw(st.integers(0, 9)):  # one value too few or too many
            count += draw(st.sampled_from((-1, 1)))
        argv += [draw(_value(dest, choices)) for _ in range(max(count, 0))]
    return argv


TOML_VALUES = (
    '"cin.xml"',
    '["cin.xml", "cin2.xml"]',
    '["missing.xml"]',
    '"2024"',
    '{ 2024 = "2024", "2024-25" = "2024-25" }',
    '{ x = "2024" }',
    '"closures.txt"',
    '"comparators.csv"',
    "45000",
    "-5",
    "0",
    "true",
    "2024-09-30",
    "2024-09-30T10:00:00",
    '"2024-02-30"',
    '"quarters-ytd"',
    '"nonsense"',
    '"html"',
    '"pdf"',
    '"previous"',
    '"sideways"',
    '["2023-24", "Q1"]',
    '["Q9"]',
    '["assessment-45wd"]',
    '["nope"]',
    "2025",
    "1",
    "9999",
    "[]",
    "{}",
    '"out.html"',
    "1.5",
    "nan",
)
TOML_KEYS = {
    "": ("title",),
    "inputs": ("cin", "ssda903", "closures", "population", "comparators"),
    "report": (
        "layout",
        "as_at",
        "year_ending",
        "compare",
        "skip",
        "indicators",
        "columns",
        "format",
        "output",
        "england",
    ),
}
TOML_OPTIONS = (
    '"assessment-45wd" = { anchor = "referral" }',
    '"assessment-45wd" = { anchor = 3 }',
    '"assessment-45wd" = { colour = "red" }',
    '"nope" = { x = 1 }',
    '"cin-at-period-end" = { population = -1 }',
    '"lac-reviews-in-timescale" = { reviews_from = 2024-01-01 }',
    '"lac-reviews-in-timescale" = { reviews_from = "soon" }',
    '"assessment-45wd" = "referral"',
)


@st.composite
def config_texts(draw: Draw) -> str:
    """A report.toml: real settings with good and bad values, unknown ones, broken lines."""
    lines: list[str] = []
    for section, keys in TOML_KEYS.items():
        if section:
            if not draw(st.integers(0, 3)):
                continue
            lines.append(f"[{section}]")
        for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
            lines.append(f"{key} = {draw(st.sampled_from(TOML_VALUES))}")
    if draw(st.booleans()):
        lines.append("[options]")
        lines += draw(st.lists(st.sampled_from(TOML_OPTIONS), max_size=2, unique=True))
    if not draw(st.integers(0, 5)):
        lines.insert(
            draw(st.integers(0, len(lines))),
            draw(st.sampled_from(("[[", "x =", "= 1", "\x00", "[inputs]", "other = 1"))),
        )
    return "\n".join(lines) + "\n"


CLOSURE_LINES = (
    "2024-12-27",
    "# closure",
    "",
    "2024-02-30",
    "27/12/2024",
    "0001-01-01",
    "9999-12-31",
    "x",
    "2024-12-27 # Friday",
    "\ufeff2024-12-27",
)
COMPARATOR_LINES = (
    "indicator_id,label,value,year",
    "assessment-45wd,Neighbours,83.1,2023-24",
    "assessment-45wd,Neighbours,83.1%,2024-25",
    "nope,Neighbours,1,2024-25",
    "assessment-45wd,,1,2024-25",
    "assessment-45wd,England,nan,2024-25",
    "assessment-45wd,England,inf,2024-25",
    "assessment-45wd,England,x,2024-25",
    "cin-at-period-end,Région,10,1999",
    "",
    "a,b",
)


@attrs.frozen
class CommandFiles:
    """The files a fuzzed command line names, by placeholder."""

    census: tuple[Damaged, Damaged]
    returns: tuple[DamagedReturn, DamagedReturn]
    config: str
    closures: str
    comparators: str

    def write(self, root: Path) -> dict[str, str]:
        """Write the files into *root*; returns each placeholder's path."""
        (root / "cin.xml").write_bytes(self.census[0].content)
        (root / "cin2.xml").write_bytes(self.census[1].content)
        self.returns[0].write(root / "2024")
        self.returns[1].write(root / "2024-25")
        (root / "report.toml").write_text(self.config, encoding="utf-8", errors="surrogateescape")
        (root / "closures.txt").write_text(self.closures, encoding="utf-8")
        (root / "comparators.csv").write_text(self.comparators, encoding="utf-8")
        return {
            "@cin2": str(root / "cin2.xml"),
            "@cin": str(root / "cin.xml"),
            "@return2": str(root / "2024-25"),
            "@return": str(root / "2024"),
            "@config": str(root / "report.toml"),
            "@closures": str(root / "closures.txt"),
            "@comparators": str(root / "comparators.csv"),
            "@folder": str(root),
            "@missing": str(root / "missing"),
        }

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(
            f"CommandFiles(census={self.census!r}, returns={self.returns!r}, "
            f"config={self.config!r}, closures={self.closures!r}, "
            f"comparators={self.comparators!r})"
        )


random_files = st.binary(min_size=1, max_size=200).map(
    lambda content: Damaged(content, ("random bytes",))
)
random_returns = st.binary(min_size=1, max_size=200).map(
    lambda content: DamagedReturn((("episodes.csv", content),), ("random bytes",))
)


@st.composite
def command_files(draw: Draw) -> CommandFiles:
    """Damaged returns or random bytes, and settings, closures and comparators files."""

    # One file in six random bytes, one in three as the writer made it, the rest damaged.
    def census() -> Damaged:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            made: Damaged = draw(random_files)
        elif kind <= 2:
            made = Damaged(draw(census_bases()).encode("utf-8"), ("as written",))
        else:
            made = draw(damaged_census_files(max_steps=2))
        return made

    def folder() -> DamagedReturn:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            made: DamagedReturn = draw(random_returns)
        elif kind <= 2:
            texts = draw(return_bases())
            made = DamagedReturn(
                tuple((name, text.encode("utf-8")) for name, text in sorted(texts.items())),
                ("as written",),
            )
        else:
            made = draw(damaged_returns(max_steps=2))
        return made

    return CommandFiles(
        census=(census(), census()),
        returns=(folder(), folder()),
        config=draw(st.text(max_size=80)) if not draw(st.integers(0, 5)) else draw(config_texts()),
        closures="\n".join(draw(st.lists(st.sampled_from(CLOSURE_LINES), max_size=4))),
        comparators="\n".join(draw(st.lists(st.sampled_from(COMPARATOR_LINES), max_size=4))),
    )


def placed(argument: str, places: dict[str, str]) -> str:
    """*argument* with each placeholder in it replaced by its path."""
    for name in sorted(places, key=len, reverse=True):
        argument = argument.replace(name, places[name])
    return argument
