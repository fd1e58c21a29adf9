"""Safe XML parsing with expat: no document type declarations, no entities, readable encodings.

The pieces an XML reader of a return needs before it looks at any element: a parser that
refuses what could expand or fetch text (a DTD, an entity, an external reference), a check
that the encoding the XML declaration names is one expat can decode, and errors that name
the file and the place.
"""

import re
from typing import Any
from xml.parsers import expat

from safeguarding_metrics.errors import ReadError
from safeguarding_metrics.io._common import shown

__all__ = [
    "DECLARATION_BYTES",
    "check_encoding",
    "declared_encoding",
    "encoding_error",
    "safe_parser",
    "syntax_error",
]

DECLARATION_BYTES = 1024
"""Bytes at the start of a file searched for the XML declaration's encoding."""

# The encodings expat decodes itself (it compares names without regard to case); any other
# name goes to Python's codec machinery, which pyexpat accepts only for one-byte encodings.
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf-16", "utf-16be", "utf-16le", "iso-8859-1", "us-ascii"})
_DECLARATION = re.compile(r"\A<\?xml\s[^>]*?\bencoding\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_MARK = b"\xef\xbb\xbf"
_ALL_BYTES = bytes(range(256))


def declared_encoding(head: bytes) -> str | None:
    """The encoding named by the XML declaration at the start of *head*, if there is one.

    The declaration is found in an ASCII-compatible encoding, or in UTF-16 after a byte
    order mark.

    Examples:
        >>> declared_encoding(b'<?xml version="1.0" encoding="UTF-8"?><Message/>')
        'UTF-8'
        >>> declared_encoding('<?xml version="1.0" encoding="klingon"?>'.encode("utf-16"))
        'klingon'
        >>> declared_encoding(b"<Message/>") is None
        True
    """
    if head.startswith(_UTF16_MARKS):
        text = head.decode("utf-16", "replace")  # the mark tells the byte order, and goes
    else:
        text = head.removeprefix(_UTF8_MARK).decode("latin-1")  # one character a byte
    found = _DECLARATION.match(text)
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def check_encoding(file: str, head: bytes) -> None:
    """Raise `ReadError` when the encoding *head*'s XML declaration names cannot be decoded.

    An encoding expat does not know itself is decodable when Python's codec of that name
    turns each of the 256 byte values into one character (pyexpat's rule): so ``cp1252``
    is, and ``utf-32``, ``shift_jis``, ``utf-7``, ``rot13``, ``idna`` and unknown names are
    not.
    """
    name = declared_encoding(head)
    if name is None or name.lower() in _EXPAT_ENCODINGS:
        return
    try:
        decoded: Any = _ALL_BYTES.decode(name, "replace")
    except Exception:  # any failure of the codec means pyexpat's own lookup fails too
        decoded = None
    if not isinstance(decoded, str) or len(decoded) != len(_ALL_BYTES):
        raise ReadError(encoding_error(file, name))


def encoding_error(file: str, name: str | None) -> str:
    """The message of the `ReadError` for a file whose declared encoding cannot be decoded."""
    named = repr(shown(name)) if name is not None else "its XML declaration names"
    return (
        f"{file}: cannot be read: the encoding {named} is not one an XML parser can decode "
        "here (UTF-8, UTF-16, ISO-8859-1, US-ASCII or a one-byte code page such as cp1252)"
    )


def syntax_error(file: str, error: expat.ExpatError) -> ReadError:
    """A `ReadError` naming *file* and the line and column where expat found *error*."""
    return ReadError(
        f"{file}: not well-formed XML at line {error.lineno}, column "
        f"{error.offset + 1}: {expat.ErrorString(error.code)}"
    )


def safe_parser(file: str) -> "expat.XMLParserType":
    """An expat parser that refuses document type declarations, entities and notations.

    An XML document can only declare entities inside a document type declaration; refusing
    any DOCTYPE (and, to be sure, any entity or notation declaration and any external
    reference) means no entity is ever expanded or fetched. The caller sets the element
    and character data handlers.
    """

    def refuse_doctype(*args: Any) -> None:
        raise ReadError(
            f"{file}: refused: the file has a document type declaration (DOCTYPE); "
            "returns have none, and a DTD can declare entities that expand without limit "
            "or read other files"
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
    return parser
