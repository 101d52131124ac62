"""Shared by the notebook and book tests: execute every chapter once per test session in the smoke profile.

Importing this module also puts ``notebooks/`` on ``sys.path``, so that the tests can import the book's own package
``bookkit`` the way the chapters do (they run with ``notebooks/`` as their working directory).
"""
from __future__ import annotations

import atexit
import functools
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))
if str(NOTEBOOK_DIR) not in sys.path:
    sys.path.insert(0, str(NOTEBOOK_DIR))


@dataclass
class SmokeRuns:
    """Executed notebooks (``folder/<stem>.ipynb``), the error of each failed one, and seconds per notebook."""

    folder: Path
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def read_chapter(stem: str):
    """The chapter source ``notebooks/<stem>.py`` as a notebook (jupytext), as ``make book`` converts it."""
    import jupytext

    return jupytext.read(NOTEBOOK_DIR / f"{stem}.py")


def execute(stem: str, output: Path, **parameters) -> None:
    """Run ``notebooks/<stem>.py`` with papermill (kernel python3, working directory ``notebooks/``)."""
    import papermill as pm

    pm.execute_notebook(read_chapter(stem), str(output), parameters=parameters,
                        kernel_name="python3", cwd=str(NOTEBOOK_DIR), progress_bar=False)


@functools.lru_cache(maxsize=1)
def smoke_runs() -> SmokeRuns:
    """Every notebook executed once in the smoke profile (cached for the session, removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="grnular-smoke-"))
    atexit.register(shutil.rmtree, folder, True)
    runs = SmokeRuns(folder)
    for stem in NOTEBOOKS:
        t0 = time.perf_counter()
        try:
            execute(stem, folder / f"{stem}.ipynb", profile="smoke")
        except Exception as exc:  # the test reports it with the notebook's name
            runs.errors[stem] = f"{type(exc).__name__}: {exc}"
        runs.seconds[stem] = time.perf_counter() - t0
    return runs
