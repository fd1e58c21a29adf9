"""The HTML report in a real browser: headless Chromium renders the demo's Cabinet table.

Chromium dumps the DOM it built from the page (the figures, arrows and charts must be there)
and takes a screenshot, which must show the page: not blank, with green and red arrows.
CI installs Debian's ``chromium`` when it is missing; without a browser the tests are skipped.
"""

import datetime as dt
import functools
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from safeguarding_metrics.cli import main
from safeguarding_metrics.layouts import layout
from safeguarding_metrics.report import Report, run_report
from safeguarding_metrics.report.text import percent, thousands
from safeguarding_metrics.results import Count, Rate
from safeguarding_metrics.synthetic import synthetic_dataset
from tests.test_report_html import Element, parse_html

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
WIDTH, HEIGHT = 1600, 1100


def browser() -> str:
    """The Chromium to run, or skip: none is installed (.ci/run installs Debian's)."""
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no Chromium to render the page in: install Debian's chromium "
        "(apt-get install chromium; .ci/run does so where apt is available)"
    )


def run_browser(page: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium on *page* with a fresh profile, as root can."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [browser(), *_FLAGS, f"--user-data-dir={profile}", *arguments, page.as_uri()],
            capture_output=True,
            timeout=180,
            check=True,
            env={**os.environ, "HOME": profile},
        )


@functools.cache
def demo_report() -> Report:
    """The report the demo command makes: the Cabinet layout to 30 September 2024."""
    data = synthetic_dataset(year_ending=2025)
    return run_report(data, columns=layout("quarters-ytd", as_at=dt.date(2024, 9, 30)))


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's page, written by the report command."""
    browser()
    path = tmp_path_factory.mktemp("browser") / "cabinet.html"
    assert main(["report", "--demo", "--format", "html", "-o", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def dom(demo_page: Path) -> Element:
    """The DOM Chromium built from the page."""
    dumped = run_browser(demo_page, "--dump-dom").stdout.decode("utf-8")
    assert "<html" in dumped
    return parse_html(dumped)


# A small PNG reader: enough for Chromium's 8-bit RGB or RGBA screenshots.


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(data: bytes) -> npt.NDArray[np.uint8]:
    """The pixels of an 8-bit, non-interlaced RGB or RGBA PNG, as (height, width, channels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    position, chunks = 8, []
    header = b""
    while position < len(data):
        (length, kind) = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0), "only 8-bit, non-interlaced images"
    channels = {2: 3, 6: 4}[colour]
    stride = width * channels
    raw = zlib.decompress(b"".join(chunks))
    pixels = np.zeros((height, stride), dtype=np.uint8)
    above = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int64)
        if kind == 0:
            row = line
        elif kind == 1:  # Sub: a running sum per channel
            row = np.cumsum(line.reshape(width, channels), axis=0).reshape(-1) & 255
        elif kind == 2:  # Up
            row = (line + above) & 255
        else:  # Average or Paeth: each byte needs the one before it
            out = line.tolist()
            up = above.tolist()
            for i in range(stride):
                left = out[i - channels] if i >= channels else 0
                if kind == 3:
                    out[i] = (out[i] + (left + up[i]) // 2) & 255
                else:
                    corner = up[i - channels] if i >= channels else 0
                    out[i] = (out[i] + _paeth(left, up[i], corner)) & 255
            row = np.array(out, dtype=np.int64)
        pixels[y] = row
        above = row
    return pixels.reshape(height, width, channels)


def test_png_reader_reads_every_filter() -> None:
    """A 3×2 image written with each of the five row filters reads back as its pixels."""
    image = np.array(
        [[[255, 0, 0], [0, 128, 0], [10, 20, 30]], [[1, 2, 3], [200, 100, 50], [0, 0, 0]]],
        dtype=np.uint8,
    )

    def filtered(kind: int, row: npt.NDArray[np.int64], above: npt.NDArray[np.int64]) -> bytes:
        left = np.concatenate([np.zeros(3, dtype=np.int64), row[:-3]])
        corner = np.concatenate([np.zeros(3, dtype=np.int64), above[:-3]])
        if kind == 0:
            predicted = np.zeros_like(row)
        elif kind == 1:
            predicted = left
        elif kind == 2:
            predicted = above
        elif kind == 3:
            predicted = (left + above) // 2
        else:
            predicted = np.array(
                [
                    _paeth(int(a), int(b), int(c))
                    for a, b, c in zip(left, above, corner, strict=True)
                ]
            )
        return bytes([kind]) + bytes(((row - predicted) & 255).astype(np.uint8).tolist())

    def png(kind: int) -> bytes:
        rows = image.reshape(2, -1).astype(np.int64)
        raw = filtered(kind, rows[0], np.zeros(9, dtype=np.int64)) + filtered(
            kind, rows[1], rows[0]
        )

        def chunk(name: bytes, body: bytes) -> bytes:
            return (
                struct.pack(">I", len(body))
                + name
                + body
                + struct.pack(">I", zlib.crc32(name + body))
            )

        header = struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b"")
        )

    for kind in range(5):
        assert np.array_equal(read_png(png(kind)), image), f"filter {kind}"


# The demo in Chromium.


def test_browser_shows_every_figure_of_the_report(dom: Element) -> None:
    """Each rate's numerator, denominator and %, each count, in its row, as the report has them."""
    report = demo_report()
    shown = [row for row in report.rows if not row.is_empty]
    assert shown
    for row in shown:
        if any(cell.unsupported is not None for cell in row.cells):
            continue  # shown as n/a with the reason, checked in test_report_html
        tr = dom.by_id(row.id)
        numbers = [td.text() for td in tr.iter("td", "num")]
        values = [td.text() for td in tr.iter("td", "value")]
        results = [cell.result for cell in row.cells]
        if row.card.kind == "rate":
            rates = [r for r in results if isinstance(r, Rate)]
            assert len(rates) == len(results)
            assert numbers == [thousands(n) for r in rates for n in (r.numerator, r.denominator)]
            assert values == [percent(r.value) for r in rates]
        elif row.card.kind == "count":
            counts = [r for r in results if isinstance(r, Count)]
            assert len(counts) == len(results)
            assert values == [thousands(r.count) for r in counts]


def test_browser_shows_the_arrows_in_their_colours(dom: Element) -> None:
    """Each cell's arrow, classed better, worse or grey, and the key above the tables."""
    report = demo_report()
    for row in report.rows:
        if row.is_empty:
            continue
        arrows = list(dom.by_id(row.id).iter("td", "arrow"))
        assert [td.text() for td in arrows] == [
            c.direction.arrow if c.direction is not None else "" for c in row.cells
        ]
    assert dom.find("section", "key").find("span", "better").text() == "↑"
    assert list(dom.iter("td", "better"))
    assert list(dom.iter("td", "worse"))


def test_browser_builds_an_svg_per_indicator(dom: Element) -> None:
    """A trend chart in every row, and bars for every distribution."""
    report = demo_report()
    shown = [row for row in report.rows if not row.is_empty]
    for row in shown:
        assert dom.by_id(row.id).find("td", "trend").find("svg").attrs["role"] == "img"
    distributions = [row for row in shown if row.card.kind == "distribution"]
    assert len(list(dom.iter("figure", "bars"))) == len(distributions)


def test_screenshot_shows_the_page(demo_page: Path, tmp_path: Path) -> None:
    """Not blank: text and tables cover the page, with green and red arrows among them."""
    shot = tmp_path / "cabinet.png"
    run_browser(demo_page, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}")
    pixels = read_png(shot.read_bytes())[:, :, :3].astype(np.int64)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    white = (pixels >= 250).all(axis=2)
    assert white.mean() < 0.97  # a blank page is all white
    assert (~white).mean() > 0.03
    colours = {tuple(c) for c in pixels.reshape(-1, 3)[::7].tolist()}
    assert len(colours) > 50  # text, rules, bands, charts: not a flat fill

    def near(rgb: tuple[int, int, int]) -> int:
        return int((np.abs(pixels - np.array(rgb)).sum(axis=2) < 40).sum())

    assert near((0x1A, 0x7F, 0x37)) > 20  # green: better
    assert near((0xC6, 0x28, 0x28)) > 20  # red: worse
    assert near((0x1F, 0x3B, 0x57)) > 1000  # the area's heading band


def test_printed_page_is_a4_landscape(demo_page: Path, tmp_path: Path) -> None:
    """Printed to PDF, every page is A4 turned sideways: about 842 by 595 points."""
    pdf = tmp_path / "cabinet.pdf"
    run_browser(demo_page, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    boxes = re.findall(
        rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes()
    )
    assert len(boxes) > 1  # the demo's tables run over several pages
    for box in boxes:
        x0, y0, x1, y1 = (float(v) for v in box)
        assert x1 - x0 == pytest.approx(841.9, abs=2)
        assert y1 - y0 == pytest.approx(595.3, abs=2)
