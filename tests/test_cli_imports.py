"""The ``grnular`` command loads only what the chosen sub-command needs: ``grnular --help`` and ``import grnular_lib``
load none of the heavy libraries, ``grnular simulate`` does not load torch, and the short help lines of the commands
that are not loaded are the ones their modules register. (Speed itself is measured in benchmarks/cli_speed.py.)
"""
from __future__ import annotations

import gzip
import json
import subprocess
import sys

import numpy as np
import pandas as pd

from grnular_lib.cli import build_parser

HEAVY = ("torch", "pandas", "numpy", "scipy", "sklearn", "dask", "networkx", "anndata", "matplotlib")


def loaded_after(code: str) -> list[str]:
    """The HEAVY modules present in a fresh interpreter after running ``code``."""
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_importing_the_package_and_the_cli_loads_no_heavy_library():
    assert loaded_after("import grnular_lib, grnular_lib.cli") == []


def test_help_loads_no_heavy_library():
    code = ("from grnular_lib.cli import main\n"
            "import contextlib, io\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'])\n    except SystemExit as e:\n        assert e.code == 0\n")
    assert loaded_after(code) == []


def test_simulate_does_not_load_torch(tmp_path):
    code = (f"from grnular_lib.cli import main\n"
            f"assert main(['simulate', '--genes', '12', '--cells-per-type', '5', '--cell-types', '2', '--seed', '0', "
            f"'-o', {str(tmp_path / 'sim')!r}]) == 0\n")
    loaded = loaded_after(code)
    assert "numpy" in loaded  # the probe works: the simulation did run here
    assert "torch" not in loaded and "sklearn" not in loaded
    assert (tmp_path / "sim" / "ExpressionData.csv.gz").exists()


def test_help_lines_of_unloaded_commands_match_their_modules():
    assert build_parser(load=()).format_help() == build_parser().format_help()


def test_written_expression_reads_back_as_pandas_writes_it(tmp_path):
    """The fast writer of ``grnular simulate`` gives the text ``DataFrame.to_csv(float_format='%.6g')`` gives,
    quoting included."""
    from grnular_lib.simulate.command import _write_csv_gz

    rng = np.random.default_rng(0)
    floats = rng.gamma(1.0, 3.0, size=(4, 6)) * 10.0 ** rng.integers(-7, 7, size=(4, 6))
    floats[0, 0] = 0.0
    genes, cells = ["g0", "with,comma", 'with"quote', "g3"], [f"type0_cell{i}" for i in range(6)]
    for table, float_format in ((floats, "%.6g"), (rng.poisson(3.0, size=(4, 6)), None)):
        _write_csv_gz(table, genes, cells, tmp_path / "fast.csv.gz")
        pd.DataFrame(table, index=genes, columns=cells).to_csv(tmp_path / "pandas.csv", float_format=float_format)
        with gzip.open(tmp_path / "fast.csv.gz", "rt", newline="") as fh:
            assert fh.read() == (tmp_path / "pandas.csv").read_text()


def test_data_list_loads_neither_pandas_nor_torch():
    loaded = loaded_after("from grnular_lib.cli import main\nassert main(['data', 'list']) == 0\n")
    assert "pandas" not in loaded and "torch" not in loaded
