"""Fuzzing the readers: a damaged return reads to a Dataset or raises ReadError, losing nothing.

Each return starts as the project's writers make it and is damaged by
`tests/strategies_fuzz.py` (elements deleted, duplicated, moved, renamed or prefixed; other
encodings, byte order marks and line ends; junk dates, codes and huge values; other cell
separators, columns added or lost, rows shuffled, NUL bytes, flipped bytes, truncation).
Every reading is done twice, whole and in small chunks or blocks, which must agree.

The properties:

- A damaged CIN census file or SSDA903 return reads to a `Dataset` or raises `ReadError`
  naming the file or folder; nothing else gets out (no other exception, and no warning:
  the suite turns warnings into errors).
- Every record visible in the input is in the Dataset or named in a diagnostic, and every
  record of the Dataset comes from a visible record of its kind (nothing is made up).
- A DTD, an entity declaration or an external reference is always refused.

What "visible", "in the Dataset" and "named" mean:

- CIN census: when the bytes parse with the standard library's `xml.sax` (which, like the
  census, reads ``cin:Child`` as a plain name), each element whose local name (after any
  prefix) is Child, CINdetails, Assessments, CINPlanDates, Section47 or
  ChildProtectionPlans, wherever it is in the document, is a visible record of the
  collection of that name (children, referrals, assessments, cin_plans, section47s,
  cp_plans). It is in the Dataset when that collection holds a record whose origin is the
  file and the line the element starts on (each record answering for one element). It is
  named when a diagnostic of the file gives that line in its ``where`` and says the record
  was dropped, ignored, not read, or (a child twice in one file) not the one whose
  identifiers were kept; or gives the line of an element around it and says it was dropped
  or ignored "with everything in it".
- SSDA903: in each ``.csv`` file of the folder, decoded as the reader documents (UTF-16
  after its byte order mark, else UTF-8, else Windows-1252) and cut into rows by the
  standard library's `csv` reader with the separator the reader reports using (a comma
  when it reports none), each row after the header row with a non-blank cell, and each line
  the `csv` reader cannot read as a row, is a visible record, known by the line it starts
  on. It is in the Dataset when a collection holds a record whose origin is that file and
  line; named when a diagnostic of the file gives that line (``where`` is ``line N``) and
  says the row was dropped, left out or read once, or says the whole file was ignored.
"""

import ast
import csv
import io
import re
import tempfile
import xml.sax
import xml.sax.handler
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from safeguarding_metrics.dataset import Dataset
from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io import _ssda903_tables as tables
from safeguarding_metrics.io import cin_census, read_cin_census, read_ssda903
from safeguarding_metrics.records import TABLES
from tests.strategies_fuzz import (
    ENTITY_MARK,
    Damaged,
    DamagedReturn,
    damaged_census_files,
    damaged_returns,
    entity_files,
    examples,
)

CHUNKS = st.sampled_from((cin_census.CHUNK_SIZE, 5, 64, 4096))
"""Bytes fed to the XML parser at a time: the default, and sizes that split every token."""
BLOCKS = st.sampled_from((tables.BLOCK_CHARS, 1, 30, 200))
"""Characters the SSDA903 reader cuts into rows at a time: the default, and small blocks."""


@contextmanager
def folder_called(name: str) -> Iterator[Path]:
    """A fresh temporary folder called *name* (hypothesis runs many examples per test)."""
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / name
        path.mkdir()
        yield path


def read_or_error(read: Callable[[], Dataset]) -> Dataset | ReadError:
    """What *read* returns, or the `ReadError` it raises; any other exception gets out."""
    try:
        return read()
    except ReadError as error:
        return error


def same_outcome(first: Dataset | ReadError, second: Dataset | ReadError) -> bool:
    """Whether two readings agree: equal datasets and origins, or both a `ReadError`."""
    if isinstance(first, ReadError) or isinstance(second, ReadError):
        return isinstance(first, ReadError) and isinstance(second, ReadError)
    return first == second and origins_of(first) == origins_of(second)


def origins_of(data: Dataset) -> dict[str, list[tuple[str, int]]]:
    """Per collection, the (file, line) each record was read from, in record order."""
    return {
        table: [data.origin_of(table).where(row) for row in range(len(data.records(table)))]
        for table in TABLES
    }


def lines_in(where: str) -> set[int]:
    """The line numbers a diagnostic's ``where`` gives (``line 12: ... (and line 9)``)."""
    return {int(number) for number in re.findall(r"\bline (\d+)", where)}


# -- the CIN census oracle -----------------------------------------------------------------------

CENSUS_RECORDS = {
    "Child": "children",
    "CINdetails": "referrals",
    "Assessments": "assessments",
    "CINPlanDates": "cin_plans",
    "Section47": "section47s",
    "ChildProtectionPlans": "cp_plans",
}
# What a diagnostic says when the record at its line was not kept (CIN census).
CENSUS_DROPPED = (
    "was dropped",
    "ignored, with everything in it",
    "nothing read",
    "the most complete identifiers kept",
)


@attrs.frozen
class Element:
    """A record element seen by the oracle: its collection, its line, and its ancestors' lines."""

    table: str
    line: int
    around: tuple[int, ...]


class _RecordElements(xml.sax.handler.ContentHandler):
    """Collects every record element of a document, with the lines of the elements around it."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[int] = []
        self.found: list[Element] = []
        self.locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def startElement(self, name: str, attrs: Any) -> None:
        line = self.locator.getLineNumber()
        table = CENSUS_RECORDS.get(name.rpartition(":")[2])
        if table is not None:
            self.found.append(Element(table, line, tuple(self.open)))
        self.open.append(line)

    def endElement(self, name: str) -> None:
        self.open.pop()


def census_records(content: bytes) -> list[Element] | None:
    """The record elements `xml.sax` sees in *content*, or `None` when it cannot parse it."""
    handler = _RecordElements()
    parser = xml.sax.make_parser()
    parser.setContentHandler(handler)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    try:
        parser.parse(io.BytesIO(content))
    except (xml.sax.SAXException, LookupError, ValueError):
        return None
    return handler.found


def census_unaccounted(data: Dataset, file: str, visible: list[Element]) -> list[str]:
    """Each visible record neither in *data* nor named in a diagnostic, and each made-up record."""
    kept: Counter[tuple[str, int]] = Counter()
    for table in TABLES:
        origins = data.origin_of(table)
        for row in range(len(origins)):
            where, line = origins.where(row)
            assert where == file, (table, row, where)
            kept[(table, line)] += 1
    named: set[int] = set()
    emptied: set[int] = set()
    for diagnostic in data.diagnostics:
        if diagnostic.file != file:
            continue
        if any(words in diagnostic.problem for words in CENSUS_DROPPED):
            named |= lines_in(diagnostic.where)
        if "with everything" in diagnostic.problem:
            emptied |= lines_in(diagnostic.where)
    seen = Counter((element.table, element.line) for element in visible)
    problems = [
        f"a record of {table} at line {line} that no visible element gave"
        for (table, line), count in kept.items()
        if count > seen[(table, line)]
    ]
    left = Counter(kept)
    for element in visible:
        key = (element.table, element.line)
        if left[key] > 0:
            left[key] -= 1
        elif element.line not in named and emptied.isdisjoint(element.around):
            problems.append(f"the {element.table} element at line {element.line} vanished")
    return problems


# -- the SSDA903 oracle ----------------------------------------------------------------------------

# What a diagnostic says when the row at its line was not kept (SSDA903).
RETURN_DROPPED = ("was dropped", "was left out", "read once")
_SEPARATOR_NOTE = "the cells are not separated by commas"


def decoded(content: bytes) -> str:
    """*content* as the reader documents: UTF-16 after its mark, else UTF-8, else Windows-1252."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16", "replace")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", "replace")


def visible_rows(text: str, separator: str) -> list[int]:
    """The lines that start a row with a non-blank cell, or that `csv` cannot read, after the header."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    lines: list[int] = []
    header = True
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return lines
        except csv.Error:
            if not header:
                lines.append(start)
            header = False
            continue
        if not header and any(cell.strip() for cell in row):
            lines.append(start)
        header = False


def return_unaccounted(data: Dataset, folder: Path) -> list[str]:
    """Each visible row neither in *data* nor named in a diagnostic, and each made-up record."""
    kept: Counter[tuple[str, int]] = Counter()
    for table in TABLES:
        origins = data.origin_of(table)
        for row in range(len(origins)):
            kept[origins.where(row)] += 1
    separators: dict[str, str] = {}
    named: set[tuple[str, int]] = set()
    ignored: set[str] = set()
    for diagnostic in data.diagnostics:
        if diagnostic.problem.startswith(_SEPARATOR_NOTE):
            separators[diagnostic.file] = ast.literal_eval(diagnostic.value)
        if diagnostic.problem.endswith("; ignored"):
            ignored.add(diagnostic.file)
        if any(words in diagnostic.problem for words in RETURN_DROPPED):
            named |= {(diagnostic.file, line) for line in lines_in(diagnostic.where)}
    visible: Counter[tuple[str, int]] = Counter()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() == ".csv":
            text = decoded(path.read_bytes())
            for line in visible_rows(text, separators.get(str(path), ",")):
                visible[(str(path), line)] += 1
    problems = [
        f"a record from {file} line {line} that is no visible row"
        for (file, line), count in kept.items()
        if count > visible[(file, line)]
    ]
    for (file, line), count in visible.items():
        missing = count - kept[(file, line)]
        if missing > 0 and file not in ignored and (file, line) not in named:
            problems.append(f"the row at {Path(file).name} line {line} vanished")
    return problems


# -- CIN census ------------------------------------------------------------------------------------


def read_census(path: Path, chunk: int) -> Dataset | ReadError:
    """*path* read whole and in chunks of *chunk* bytes, which must agree."""
    whole = read_or_error(lambda: read_cin_census(path))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cin_census, "CHUNK_SIZE", chunk)
        in_chunks = read_or_error(lambda: read_cin_census(path))
    assert same_outcome(whole, in_chunks), (whole, in_chunks)
    return whole


@settings(max_examples=examples(1.0))
@example(  # an impossible date in the ISO form: generated in about half of the ci runs
    damaged=Damaged(
        b'<?xml version="1.0"?>\n<Message><Header><CollectionDetails>'
        b"<ReferenceDate>2024-02-30</ReferenceDate></CollectionDetails></Header>\n"
        b"<Children><Child><ChildIdentifiers><LAchildID>A</LAchildID></ChildIdentifiers>"
        b"<CINdetails><CINreferralDate>2023-02-29</CINreferralDate></CINdetails></Child>"
        b"</Children></Message>\n",
        ("hand-made",),
    ),
    chunk=5,
)
@given(damaged=damaged_census_files(), chunk=CHUNKS)
def test_a_damaged_cin_census_file_reads_to_a_dataset_or_a_read_error_naming_it(
    damaged: Damaged, chunk: int
) -> None:
    """Whatever the damage, reading gives a Dataset or a ReadError naming the file."""
    with folder_called("returns") as folder:
        path = folder / "cin.xml"
        path.write_bytes(damaged.content)
        outcome = read_census(path, chunk)
    event("read" if isinstance(outcome, Dataset) else "ReadError")
    if isinstance(outcome, ReadError):
        assert str(path) in str(outcome)


@settings(max_examples=examples(1.0))
@example(
    damaged=Damaged(
        b'<?xml version="1.0"?>\n<Message>\n<Children>\n<Child>\n<ChildIdentifiers>'
        b"<LAchildID>A</LAchildID></ChildIdentifiers>\n<Child/>\n<CINdetails/>\n</Child>\n"
        b"<c:Child><Section47/></c:Child>\n</Children>\n</Message>\n",
        ("hand-made",),
    ),
    chunk=5,
)
@example(  # a Child with records but no LAchildID: generated in few ci runs
    damaged=Damaged(
        b'<?xml version="1.0"?>\n<Message>\n<Children>\n<Child>\n<ChildIdentifiers>'
        b"<PersonBirthDate>2015-06-01</PersonBirthDate></ChildIdentifiers>\n<CINdetails>"
        b"<CINreferralDate>2024-05-01</CINreferralDate><ReferralNFA>false</ReferralNFA>"
        b"</CINdetails>\n</Child>\n</Children>\n</Message>\n",
        ("hand-made",),
    ),
    chunk=1 << 20,
)
@given(damaged=damaged_census_files(), chunk=CHUNKS)
def test_every_record_visible_in_a_damaged_cin_census_file_is_read_or_named(
    damaged: Damaged, chunk: int
) -> None:
    """Each record element the standard library sees is in the Dataset or named in a diagnostic."""
    with folder_called("returns") as folder:
        path = folder / "cin.xml"
        path.write_bytes(damaged.content)
        outcome = read_census(path, chunk)
    if isinstance(outcome, ReadError):
        event("ReadError")
        return
    visible = census_records(damaged.content)
    assert visible is not None, "the reader read a file the standard library cannot parse"
    event(f"{len(visible) // 10 * 10}+ record elements")
    problems = census_unaccounted(outcome, str(path), visible)
    assert not problems, "\n".join([*problems, *map(str, outcome.diagnostics)])


@settings(max_examples=examples(0.5))
@given(data=st.data(), chunk=CHUNKS)
def test_a_dtd_an_entity_or_an_external_reference_is_always_refused(
    data: st.DataObject, chunk: int
) -> None:
    """A document type declaration or entity anywhere in a census file is a ReadError."""
    with folder_called("returns") as folder:
        external = folder / "external.xml"
        external.write_text(
            f"<Child><ChildIdentifiers><LAchildID>{ENTITY_MARK}</LAchildID>"
            "</ChildIdentifiers></Child>",
            encoding="utf-8",
        )
        damaged = data.draw(entity_files(external.as_uri()))
        path = folder / "cin.xml"
        path.write_bytes(damaged.content)
        outcome = read_census(path, chunk)
    assert isinstance(outcome, ReadError), damaged
    assert str(path) in str(outcome)
    assert ENTITY_MARK not in str(outcome)


# -- SSDA903 ---------------------------------------------------------------------------------------


def read_return(folder: Path, block: int) -> Dataset | ReadError:
    """*folder* read with the reader's blocks and with blocks of *block* characters."""
    whole = read_or_error(lambda: read_ssda903(folder))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "BLOCK_CHARS", block)
        in_blocks = read_or_error(lambda: read_ssda903(folder))
    assert same_outcome(whole, in_blocks), (whole, in_blocks)
    return whole


YEARS = st.sampled_from(("2024", "2023-24", "903_2025"))


@settings(max_examples=examples(0.5, least=100))
@given(damaged=damaged_returns(), name=YEARS, block=BLOCKS)
def test_a_damaged_ssda903_return_reads_to_a_dataset_or_a_read_error_naming_it(
    damaged: DamagedReturn, name: str, block: int
) -> None:
    """Whatever the damage, reading gives a Dataset or a ReadError naming the folder or file."""
    with folder_called(name) as folder:
        damaged.write(folder)
        outcome = read_return(folder, block)
    event("read" if isinstance(outcome, Dataset) else "ReadError")
    if isinstance(outcome, ReadError):
        assert str(folder) in str(outcome)


@settings(max_examples=examples(0.5, least=100))
@given(damaged=damaged_returns(), name=YEARS, block=BLOCKS)
def test_every_row_visible_in_a_damaged_ssda903_return_is_read_or_named(
    damaged: DamagedReturn, name: str, block: int
) -> None:
    """Each row the standard library's csv reader sees is in the Dataset or named in a diagnostic."""
    with folder_called(name) as folder:
        damaged.write(folder)
        outcome = read_return(folder, block)
        if isinstance(outcome, ReadError):
            event("ReadError")
            return
        problems = return_unaccounted(outcome, folder)
    event(f"{sum(outcome.counts().values()) // 10 * 10}+ records")
    assert not problems, "\n".join([*problems, *map(str, outcome.diagnostics)])


# -- inputs the fuzzing found ----------------------------------------------------------------------


@pytest.mark.parametrize("reference", ["0001-01-01", "1899-03-31", "9999-12-31", "2200-04-01"])
def test_a_reference_date_outside_the_collection_years_is_reported_not_a_crash(
    tmp_path: Path, reference: str
) -> None:
    """A ReferenceDate whose collection year is not 1900 to 2200 leaves the year unknown."""
    path = tmp_path / "cin.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
        f"<ReferenceDate>{reference}</ReferenceDate></CollectionDetails></Header>"
        "<Children/></Message>\n",
        encoding="utf-8",
    )
    data = read_cin_census(path)
    assert data.coverage.returns == ()
    assert [(d.field, d.value) for d in data.diagnostics] == [("ReferenceDate", reference)]
    assert "collection year is unknown" in data.diagnostics[0].problem
    other = tmp_path / "other.xml"
    other.write_bytes(path.read_bytes())
    with pytest.raises(ReadError, match="no valid ReferenceDate"):
        read_cin_census([path, other])


@pytest.mark.parametrize("block", [tables.BLOCK_CHARS, 1, 30])
def test_a_key_cell_too_long_to_read_is_reported_the_same_whatever_the_blocks(
    tmp_path: Path, block: int
) -> None:
    """A 300-character REVIEW beside a row of another width: the same diagnostics, any blocks."""
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "reviews.csv").write_text(
        "CHILD,REVIEW\nA,01/01/2024,\nB," + "A" * 300 + "\n", encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "BLOCK_CHARS", block)
        data = read_ssda903(folder)
    assert [r.child_id for r in data.lac_reviews] == ["A"]
    assert [(d.where, d.field, d.value[:3], d.problem[:20]) for d in data.diagnostics] == [
        ("line 2", "", "3 c", "the row has a differ"),
        ("line 3", "REVIEW", "AAA", "longer than 200 char"),
        ("line 3", "REVIEW", "", "missing; the review "),
    ]


@pytest.mark.parametrize(
    "content",
    [
        b'CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n"A",01/01/2001,NO,,',
        b'"CHILD","DOB","IN_TOUCH","ACTIV","ACCOM"\n"A","01/01/2001","NO","",',
    ],
)
def test_a_quoted_file_cut_after_a_separator_is_read(tmp_path: Path, content: bytes) -> None:
    """A file with quotes whose last row ends in an empty cell and no line break is read."""
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "oc3.csv").write_bytes(content)
    data = read_ssda903(folder)
    assert [(c.child_id, c.in_touch, c.activity, c.accommodation) for c in data.care_leavers] == [
        ("A", "NO", None, None)
    ]
