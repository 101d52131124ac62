"""The chapters: text sources (jupytext percent format), profiles, parameter help, smoke execution and bad parameters."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from notebook_runs import NOTEBOOK_DIR, NOTEBOOKS, ROOT, execute, read_chapter, smoke_runs

from bookkit import settings


def _parameter_names(nb: nbformat.NotebookNode) -> list[str]:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return [m.group(1) for m in re.finditer(r"^(\w+)\s*:", cell.source, flags=re.M)]


def _profile(name: str) -> dict:
    return yaml.safe_load((NOTEBOOK_DIR / "params" / f"{name}.yaml").read_text())


def test_the_chapters_are_text_sources():
    assert NOTEBOOKS == settings.chapters() and len(NOTEBOOKS) >= 7
    assert not list(NOTEBOOK_DIR.glob("*.ipynb")), "chapter sources are notebooks/NN_name.py; no .ipynb is kept"
    assert not (NOTEBOOK_DIR / "generate.py").exists()


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_source_shape(stem):
    text = (NOTEBOOK_DIR / f"{stem}.py").read_text()
    assert "# %%" in text and "format_name: percent" in text, "the source must be in jupytext's percent format"
    nb = read_chapter(stem)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell must be a '# Title'"
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert "parameters" in nb.cells[1].metadata.get("tags", []), "the parameters cell follows the title"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert f'settings.notebook_params("{stem}", profile' in code[1].source, "validation must be the first code cell"
    assert f"from bookkit import ch{stem} as chapter" in code[1].source, f"the chapter's book module is ch{stem}.py"
    assert (NOTEBOOK_DIR / "bookkit" / f"ch{stem}.py").is_file()
    sources = "\n".join(c.source for c in nb.cells)
    assert "Paper vs this run" in sources and "Rerun this" in sources and "matplotlib.use" not in sources


@pytest.mark.parametrize("profile", settings.PROFILES)
def test_profiles_cover_every_parameter(profile):
    doc = _profile(profile)
    assert sorted(doc) == sorted(NOTEBOOKS)
    for stem in NOTEBOOKS:
        assert sorted(doc[stem]) == sorted(n for n in _parameter_names(read_chapter(stem)) if n != "profile"), stem
        assert sorted(doc[stem]) == sorted(_profile("quick")[stem]), f"{profile}/{stem} keys differ from quick"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_parameter_has_a_type_and_a_meaning(stem):
    from papermill.translators import PythonTranslator

    cell = next(c for c in read_chapter(stem).cells if "parameters" in c.metadata.get("tags", []))
    found = PythonTranslator.inspect(cell)  # what `papermill --help-notebook` shows
    assert sorted(p.name for p in found) == sorted(_parameter_names(read_chapter(stem)))
    for p in found:
        assert p.inferred_type_name not in ("", "None"), f"{p.name} has no type"
        assert len(p.help) > 10, f"{p.name} has no meaning"
        assert "=" not in p.help, f"papermill cuts a parameter's help at '=': {p.name}"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_notebook_executes_in_smoke_profile(stem):
    runs = smoke_runs()
    assert stem not in runs.errors, f"{stem} failed in the smoke profile: {runs.errors.get(stem)}"
    nb = nbformat.read(runs.folder / f"{stem}.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{stem} drew no figure"
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs)
    assert "holds here" in text, "the paper-vs-this-run table is missing"
    assert "make notebook NB=" in text and "-p profile smoke" in text


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_executed_chapter_shows_no_warning_traceback_or_machine_path(stem):
    runs = smoke_runs()
    assert stem not in runs.errors, f"{stem} failed in the smoke profile: {runs.errors.get(stem)}"
    nb = nbformat.read(runs.folder / f"{stem}.ipynb", as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for o in cell.outputs:
            assert not (o.output_type == "stream" and o.name == "stderr"), f"code cell {i} writes to stderr: {o.text}"
            text = o.get("text", "") + "".join(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
            for bad in ("Warning:", "Traceback", str(ROOT), str(Path.home()), "site-packages"):
                assert bad not in text, f"code cell {i} shows {bad!r}: {text[:300]}"


def _failing_cell(path: Path) -> tuple[int, str]:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, c in enumerate(code):
        for o in c.outputs:
            if o.output_type == "error":
                return i, f"{o.ename}: {o.evalue}"
    raise AssertionError("no cell failed")


@pytest.mark.parametrize("stem, parameters, message", [
    ("02_clean", {"profile": "fast"}, "unknown profile 'fast'; choose one of smoke, quick, paper"),
    ("02_clean", {"profile": "smoke", "methods_tf": ["grnular", "magic"]}, "unknown method(s) ['magic']"),
    ("04_sergio_ds", {"profile": "smoke", "ds_names": ["DS9"]}, "unknown SERGIO dataset(s) ['DS9']"),
    ("05_beeline", {"profile": "smoke", "beeline_datasets": ["mars"]}, "unknown BEELINE dataset(s) ['mars']"),
])
def test_bad_parameter_stops_in_the_first_cell(tmp_path, stem, parameters, message):
    import papermill as pm

    out = tmp_path / f"{stem}.ipynb"
    with pytest.raises(pm.PapermillExecutionError):
        execute(stem, out, **parameters)
    index, error = _failing_cell(out)
    # code cells: 0 parameters, 1 injected parameters, 2 the validation call
    assert index == 2, f"the error came from code cell {index}, not the first cell after the parameters"
    assert "InputError" in error and message in error, error


def test_makefile_targets_exist():
    text = (ROOT / "Makefile").read_text()
    for target in ("book:", "notebook:", ".DELETE_ON_ERROR:", "-p profile $(PROFILE)", "-W", "jupytext",
                   "notebooks/%.py", "bookkit/ch$$*.py"):
        assert target in text
