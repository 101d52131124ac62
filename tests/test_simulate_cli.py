"""``grnular simulate``: files written, their layout, atomic output, argument errors."""
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grnular_lib.errors import InputError
from grnular_lib.simulate.command import register

DS1 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sergio" / "DS1"


def run(argv):
    parser = argparse.ArgumentParser(prog="grnular")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["simulate", *map(str, argv)])
    return args.func(args)


def test_random_grn_csv(tmp_path):
    out = tmp_path / "sim"
    assert run(["--genes", 30, "--cell-types", 2, "--cells-per-type", 10, "--dropout-shape", 20,
                "--dropout-percentile", 50, "--clean-too", "--seed", 4, "-o", out]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["ExpressionData-clean.csv.gz", "ExpressionData.csv.gz",
                                                    "network.csv", "params.json", "tfs.txt"]
    noisy = pd.read_csv(out / "ExpressionData.csv.gz", index_col=0)
    clean = pd.read_csv(out / "ExpressionData-clean.csv.gz", index_col=0)
    assert noisy.shape == clean.shape == (30, 20) and list(noisy.index[:2]) == ["G0", "G1"]
    assert noisy.columns[10] == "type1_cell0"
    assert (noisy.to_numpy() == 0).mean() > (clean.to_numpy() == 0).mean()
    net = pd.read_csv(out / "network.csv")
    assert list(net.columns) == ["Gene1", "Gene2", "Type"] and set(net["Type"]) <= {"+", "-"}
    tfs = (out / "tfs.txt").read_text().split()
    assert len(tfs) == 3 and set(net["Gene1"]) <= set(tfs)
    params = json.loads((out / "params.json").read_text())
    assert params["seed"] == 4 and params["settings"]["dropout_percentile"] == 50 and params["grn"]["genes"] == 30
    again = tmp_path / "again"
    run(["--genes", 30, "--cell-types", 2, "--cells-per-type", 10, "--dropout-shape", 20,
         "--dropout-percentile", 50, "--seed", 4, "-o", again])
    assert (again / "ExpressionData.csv.gz").read_bytes() == (out / "ExpressionData.csv.gz").read_bytes()


@pytest.mark.skipif(not DS1.exists(), reason="SERGIO mirror not available")
def test_sergio_files_h5ad(tmp_path):
    anndata = pytest.importorskip("anndata")
    out = tmp_path / "ds1"
    run(["--sergio-interactions", DS1 / "Interaction_cID_4.txt", "--sergio-regulators", DS1 / "Regs_cID_4.txt",
         "--cells-per-type", 20, "--noise-params", 1, "--decay", 0.8, "--outliers", 0.01, "--library-size", 4.6, 0.4,
         "--dropout-shape", 6.5, "--dropout-percentile", 82, "--counts", "--format", "h5ad", "--seed", 3, "-o", out])
    adata = anndata.read_h5ad(out / "ExpressionData.h5ad")
    assert adata.shape == (180, 100) and adata.var_names[5] == "G5" and adata.obs_names[20] == "type1_cell0"
    assert np.all(adata.X == np.round(adata.X)) and (adata.X == 0).mean() > 0.5
    assert len(pd.read_csv(out / "network.csv")) == 258


@pytest.mark.parametrize("argv, words", [
    (["--sergio-interactions", "x.txt", "--cells-per-type", 5], ["both"]),
    (["--genes", 10, "--sergio-interactions", "a", "--sergio-regulators", "b", "--cells-per-type", 5],
     ["--genes", "cannot be combined"]),
    (["--dropout-shape", 20, "--cells-per-type", 5], ["--dropout-percentile"]),
    (["--cells-per-type", 0], ["--cells-per-type 0"]),
    (["--decay", -1, "--cells-per-type", 5], ["--decay -1"]),
])
def test_bad_arguments_write_nothing(tmp_path, argv, words):
    out = tmp_path / "out"
    with pytest.raises(InputError) as err:
        run([*argv, "--seed", 0, "-o", out])
    for w in words:
        assert w in str(err.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    import grnular_lib.simulate.command as command

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(command, "_write_expression", broken)
    with pytest.raises(OSError):
        run(["--genes", 20, "--cells-per-type", 5, "--seed", 0, "-o", tmp_path / "out"])
    assert list(tmp_path.iterdir()) == []


def test_a_signal_during_the_final_moves_neither_splits_nor_fails_the_run(tmp_path, monkeypatch):
    import os
    import signal

    from grnular_lib.simulate import command

    new, out = tmp_path / "new", tmp_path / "out"
    new.mkdir()
    out.mkdir()
    for name in ("ExpressionData.csv.gz", "network.csv", "params.json", "tfs.txt"):
        (new / name).write_text(name)
    replace = os.replace

    def interrupted(src, dst):
        replace(src, dst)
        os.kill(os.getpid(), signal.SIGTERM)  # ignored: the run is complete

    def terminated(signum, frame):
        raise AssertionError("SIGTERM reached the run")

    previous = signal.signal(signal.SIGTERM, terminated)
    monkeypatch.setattr(command.os, "replace", interrupted)
    try:
        command._move_into(new, out)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert sorted(p.name for p in out.iterdir()) == ["ExpressionData.csv.gz", "network.csv", "params.json",
                                                     "tfs.txt"]
