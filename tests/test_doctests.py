"""Every `>>>` example runs: in the package's docstrings and in the documentation pages."""

import doctest
import importlib
import io
import pkgutil
import re
from pathlib import Path

import pytest

import safeguarding_metrics

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# `__main__` runs the command line when imported, so it holds no examples to run.
MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(safeguarding_metrics.__path__, prefix="safeguarding_metrics.")
    if not info.name.endswith(".__main__")
)
PAGES = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
_FENCE = re.compile(r"^\s*```.*$", re.MULTILINE)


def _run(test: doctest.DocTest) -> tuple[doctest.TestResults, str]:
    """Run one parsed doctest, returning its results and the failure report."""
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=report.write)
    return runner.summarize(verbose=False), report.getvalue()


def test_every_module_is_found() -> None:
    """The walk finds the package's modules, so the parametrised tests below are not empty."""
    assert {"safeguarding_metrics.working_days", "safeguarding_metrics.periods"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_docstring_examples_run(name: str) -> None:
    """Every example in the module's docstrings gives the output it shows."""
    module = importlib.import_module(name)
    failures = io.StringIO()
    for test in doctest.DocTestFinder().find(module, name):
        result, report = _run(test)
        if result.failed:
            failures.write(report)
    assert not failures.getvalue(), failures.getvalue()


def test_core_modules_have_examples() -> None:
    """The core modules document their conventions with examples (so the walk runs some)."""
    for name in ("safeguarding_metrics.working_days", "safeguarding_metrics.periods"):
        module = importlib.import_module(name)
        examples = sum(len(t.examples) for t in doctest.DocTestFinder().find(module, name))
        assert examples >= 3, name


def page_doctest(page: str) -> doctest.DocTest:
    """The `>>>` examples of a documentation page, with its code fences taken out."""
    text = (DOCS / page).read_text(encoding="utf-8")
    # A fence line would otherwise be read as part of the expected output above it.
    text = _FENCE.sub("", text)
    return doctest.DocTestParser().get_doctest(text, {}, page, str(DOCS / page), 0)


@pytest.mark.parametrize("page", PAGES)
def test_documentation_examples_run(page: str) -> None:
    """Every `>>>` example on a documentation page gives the output the page shows."""
    result, report = _run(page_doctest(page))
    assert result.failed == 0, report


def test_documentation_has_examples() -> None:
    """The tutorial, how-to and explanation pages carry runnable examples."""
    with_examples = {page for page in PAGES if page_doctest(page).examples}
    for part in ("tutorial/", "how-to/", "explanation/"):
        assert any(page.startswith(part) for page in with_examples), part
