"""The formats a report renders to."""

from typing import Literal, TypeAlias

__all__ = ["FORMATS", "TEXT_FORMATS", "Format"]

Format: TypeAlias = Literal["table", "markdown", "csv", "json", "html", "xlsx"]
FORMATS: tuple[Format, ...] = ("table", "markdown", "csv", "json", "html", "xlsx")
"""Every format a report renders to; ``html`` and ``xlsx`` are written to a file."""
TEXT_FORMATS: tuple[Format, ...] = ("table", "markdown", "csv", "json")
"""The formats `Report.render` returns as text."""
