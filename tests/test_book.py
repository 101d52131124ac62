"""The Jupyter Book: built offline with warnings as errors from the smoke-executed notebooks, then opened in headless
Chromium, where every chapter's figures must load and show something (decoded and checked for content).

Set ``GRNULAR_BOOK_SCREENSHOTS=<folder>`` to keep the screenshots of the pages for a look by eye.
"""
from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from browser import Browser, find_chromium
from notebook_runs import NOTEBOOKS, ROOT, smoke_runs

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def build_book(notebooks: Path, dest: Path) -> Path:
    """Build the book from executed notebooks in ``notebooks`` into ``dest``; returns the HTML folder."""
    src = dest / "book"
    shutil.copytree(ROOT / "book", src, ignore=shutil.ignore_patterns("_build", "notebooks", "data_provenance.md"))
    (src / "notebooks").mkdir()
    for stem in NOTEBOOKS:
        shutil.copy(notebooks / f"{stem}.ipynb", src / "notebooks" / f"{stem}.ipynb")
    subprocess.run([sys.executable, str(ROOT / "book" / "make_provenance.py"), str(src / "data_provenance.md")],
                   check=True, capture_output=True)
    r = subprocess.run([str(JUPYTER_BOOK), "build", str(src), "--config", str(ROOT / "_config.yml"), "--toc",
                        str(src / "_toc.yml"), "--path-output", str(dest), "-W", "--quiet"],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"jupyter-book build -W failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return dest / "_build" / "html"


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file server that does not log every request."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    runs = smoke_runs()
    assert not runs.errors, f"notebooks failed in the smoke profile, so the book cannot be built: {runs.errors}"
    html = build_book(runs.folder, tmp_path_factory.mktemp("book"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield html, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = find_chromium()
    if binary is None:
        pytest.fail("headless Chromium is needed to open the built book: install it with "
                    "`apt-get install -y chromium` (.ci/run does this)")
    with Browser(binary, tmp_path_factory.mktemp("chromium-profile")) as b:
        yield b


def looks_like_a_picture(png: bytes) -> tuple[bool, str]:
    """Decoded PNG with real content: not one flat colour, and more than 1% of pixels away from the background."""
    img = mpimg.imread(io.BytesIO(png), format="png")
    rgb = img[..., :3] if img.ndim == 3 else np.repeat(img[..., None], 3, axis=2)
    background = np.median(rgb.reshape(-1, 3), axis=0)
    inked = float((np.abs(rgb - background).max(axis=2) > 0.1).mean())
    spread = float(rgb.std())
    return spread > 0.02 and inked > 0.01, f"{img.shape[1]}×{img.shape[0]} px, std {spread:.3f}, inked {inked:.1%}"


def _keep(name: str, png: bytes) -> None:
    folder = os.environ.get("GRNULAR_BOOK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, name).write_bytes(png)


def test_book_has_every_page(site):
    html, _ = site
    for page in ["index", "differences", "data_provenance", "references", *(f"notebooks/{s}" for s in NOTEBOOKS)]:
        assert (html / f"{page}.html").is_file(), page


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_chapter_figures_load_and_show_something(site, browser, stem):
    _, base = site
    url = f"{base}/notebooks/{stem}.html"
    browser.open(url)
    title = browser.evaluate("document.querySelector('main h1, article h1').innerText")
    assert title.strip(), "chapter without a title"
    text = browser.evaluate("document.querySelector('main').innerText")
    assert "Paper vs this run" in text and "Rerun this" in text
    assert "Traceback" not in text, "an executed cell shows a traceback"
    images = browser.evaluate("Array.from(document.querySelectorAll('main img')).map("
                              "i => ({src: i.currentSrc || i.src, w: i.naturalWidth, h: i.naturalHeight}))")
    assert images, f"{stem}: no figure on the page"
    for im in images:
        assert im["w"] > 0 and im["h"] > 0, f"{stem}: figure {im['src']} did not load in the browser"
        with urllib.request.urlopen(im["src"]) as resp:  # the same bytes the browser decoded
            ok, info = looks_like_a_picture(resp.read())
        assert ok, f"{stem}: figure {im['src']} looks blank ({info})"
    browser.evaluate("document.querySelector('main img').scrollIntoView({block: 'center'}) || true")
    shot = browser.screenshot()  # the first figure as the reader sees it on the page
    _keep(f"{stem}.png", shot)
    ok, info = looks_like_a_picture(shot)
    assert ok, f"{stem}: the page renders blank ({info})"


def test_intro_renders(site, browser):
    _, base = site
    browser.open(f"{base}/intro.html")  # index.html only redirects to the root page
    text = browser.evaluate("document.querySelector('main').innerText")
    assert "make book" in text and "make test" in text
    links = browser.evaluate("Array.from(document.querySelectorAll('nav a')).map(a => a.innerText.trim())")
    assert any("Clean simulated data" in t for t in links), links
    shot = browser.screenshot()
    _keep("index.png", shot)
    assert looks_like_a_picture(shot)[0]
