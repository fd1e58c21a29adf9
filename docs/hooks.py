"""MkDocs hooks: put the generated reference pages in the navigation.

`docs/gen_ref_pages.py` writes one page per registered indicator and an API page per optional
module that is installed; this hook adds the same pages to the sidebar, so that the strict
build's `omitted_files` check keeps every page reachable.
"""

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

_GENERATOR = Path(__file__).resolve().parent / "gen_ref_pages.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_ref_pages", _GENERATOR)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is next to this one
        raise ImportError(f"cannot load {_GENERATOR}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section(items: list[Any], title: str) -> list[Any]:
    """The child list of the nav section *title* within *items*."""
    for item in items:
        if isinstance(item, dict) and title in item:
            children: list[Any] = item[title]
            return children
    raise KeyError(f"mkdocs.yml's nav has no section {title!r}")


def on_config(config: Any) -> Any:
    """Append the generated indicator and API pages to the Reference section of the nav."""
    additions = _generator().nav_additions()
    reference = _section(config["nav"], "Reference")
    _section(reference, "Indicators").extend(additions["indicators"])
    _section(reference, "API").extend(additions["api"])
    return config
