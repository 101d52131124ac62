"""The papermill notebooks: templates, profiles, parameter help, smoke execution and bad parameters."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from notebook_runs import NOTEBOOK_DIR, NOTEBOOKS, ROOT, execute, smoke_runs

from grnular_lib import experiments as ex

PAPERMILL = Path(sys.executable).with_name("papermill")


def _template(stem: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)


def _parameter_names(nb: nbformat.NotebookNode) -> list[str]:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return [m.group(1) for m in re.finditer(r"^(\w+)\s*:", cell.source, flags=re.M)]


def _profile(name: str) -> dict:
    return yaml.safe_load((NOTEBOOK_DIR / "params" / f"{name}.yaml").read_text())


def test_the_seven_chapters_are_there():
    assert NOTEBOOKS == list(ex.NOTEBOOKS)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_template_shape(stem):
    nb = _template(stem)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell must be a '# Title'"
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "templates ship without outputs"
    sources = "\n".join(c.source for c in nb.cells)
    assert f'ex.notebook_params("{stem}", profile' in nb.cells[2].source, "validation must be the first code cell"
    assert "Paper vs this run" in sources and "Rerun this" in sources and "matplotlib.use" not in sources


@pytest.mark.parametrize("profile", ex.PROFILES)
def test_profiles_cover_every_parameter(profile):
    doc = _profile(profile)
    assert sorted(doc) == sorted(NOTEBOOKS)
    for stem in NOTEBOOKS:
        assert sorted(doc[stem]) == sorted(n for n in _parameter_names(_template(stem)) if n != "profile"), stem
        assert sorted(doc[stem]) == sorted(_profile("quick")[stem]), f"{profile}/{stem} keys differ from quick"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_help_notebook_lists_type_and_meaning(stem):
    out = subprocess.run([str(PAPERMILL), "--help-notebook", str(NOTEBOOK_DIR / f"{stem}.ipynb")],
                         capture_output=True, text=True, check=True).stdout
    entries = re.findall(r"^  (\w+): (.+?) \(default .*\)\n\s+(\S.*)$", out, flags=re.M)
    assert sorted(e[0] for e in entries) == sorted(_parameter_names(_template(stem))), out
    for name, typ, meaning in entries:
        assert typ not in ("", "None"), f"{name} has no type"
        assert len(meaning) > 10, f"{name} has no meaning"


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


def test_generated_templates_are_up_to_date(tmp_path):
    """notebooks/generate.py is the source of the templates: regenerating must not change them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nbgen", NOTEBOOK_DIR / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for stem, s in gen.NOTEBOOKS.items():
        assert gen.build(stem, s) == _template(stem), f"run `python notebooks/generate.py`: {stem} is stale"


def test_makefile_targets_exist():
    text = (ROOT / "Makefile").read_text()
    for target in ("book:", "notebook:", ".DELETE_ON_ERROR:", "-p profile $(PROFILE)", "-W"):
        assert target in text
