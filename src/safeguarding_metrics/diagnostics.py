"""Diagnostics: the problems met in the data, each naming where it was and what was wrong."""

import attrs

__all__ = ["Diagnostic"]


@attrs.frozen(kw_only=True)
class Diagnostic:
    """A problem met in the data: where it was, and what was wrong.

    Readers report what they met while reading a return; indicators report what they had to
    decide about the records they were given (an overlapping episode trimmed, a tie between
    two records broken by their content). The *problem* text is the same for every
    occurrence of one kind of problem, so a report can group them; what differs goes in
    *where* and *value*.

    Attributes:
        file: The file the problem is in (``""`` when the records were not read from one).
        where: The line number or element path, or the record (child and date) concerned.
        field: The field (column or element name).
        value: The offending value as read (never personal data beyond the return's own).
        problem: What was wrong, and what was done about it.
    """

    file: str
    where: str
    field: str
    value: str
    problem: str

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.file else self.where
        return f"{place}: {self.field}={self.value!r}: {self.problem}"
