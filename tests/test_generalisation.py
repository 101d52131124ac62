"""The generalisation harness: cells from the test split, runs, per-cell summary, margins, heat map, benchmark CLI."""
import subprocess
import sys
from pathlib import Path

import distributed
import numpy as np
import pandas as pd
import pytest

from grnular_lib import generalisation as gen
from grnular_lib.errors import CheckpointError, InputError
from grnular_lib.simulate.general import general_seed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))


def test_simulated_cells_use_the_test_split_and_fix_the_grid_parameters():
    cells = gen.simulated_cells(sizes=[60], noises=["clean", "ds"], families=["hierarchical"], graphs=2,
                                fixed={"tf_ratio": 0.1, "n_cell_types": 2, "n_cells": 100})
    assert [c.name for c in cells] == ["hierarchical/60/clean", "hierarchical/60/ds"]
    data = cells[1].make()
    assert len(data) == 2 and all(d.n_genes == 60 and d.n_cells == 100 and len(d.tfs) == 6 for d in data)
    assert data[0].name.startswith("general/test/0/hierarchical/ds") and data[0].expression.max() < 15  # log1p
    assert cells[0].make()[0].truth.equals(data[0].truth)  # the same graphs under each noise
    from grnular_lib.simulate.general import SERGIO_DS_CHAIN, draw_general

    again = draw_general(general_seed(gen.GRID_SEED, "test", 1), family="hierarchical", n_genes=60, noise="ds",
                         tf_ratio=0.1, n_cell_types=2, n_cells=100, max_genes=max(gen.GRID_SIZES), **SERGIO_DS_CHAIN)
    np.testing.assert_array_equal(again.data.expression, data[1].expression)  # the DS chain at SERGIO's own depth


def test_draw_cells_fix_only_their_condition_and_use_the_test_split():
    cells = gen.draw_cells(draws=2, conditions=["30 genes"])
    assert [(c.group, c.name, c.n_genes) for c in cells] == [("held-out draws", "30 genes", 30)]
    data = cells[0].make()
    assert len(data) == 2 and all(d.n_genes == 30 for d in data)
    assert data[0].name.startswith("general/test/0/")  # problem 0 of the test split, not of training
    from grnular_lib.simulate.general import draw_general

    again = draw_general(general_seed(gen.DRAW_SEED, "test", 1), n_genes=30, max_genes=1200)
    np.testing.assert_array_equal(again.data.expression, data[1].expression)  # everything else drawn
    with pytest.raises(InputError, match="unknown draw condition"):
        gen.draw_cells(conditions=["loud"])
    with pytest.raises(InputError, match="at least 1"):
        gen.draw_cells(draws=0)


def _results(rows):
    cols = ["group", "cell", "graph", "run", "ours", "auprc", "chance"]
    return pd.DataFrame(rows, columns=cols)


def test_summary_picks_best_peer_and_pairs_the_margins():
    default = gen.Run("grnular")
    rows = []
    for g, (ours, pearson, boost) in enumerate([(0.50, 0.40, 0.45), (0.30, 0.20, np.nan), (0.70, 0.60, np.nan)]):
        rows += [("simulated", "a", g, "GRNUlar", True, ours, 0.05), ("simulated", "a", g, "Pearson-TF", False,
                                                                      pearson, 0.05),
                 ("simulated", "a", g, "GRNBoost2", False, boost, 0.05)]
    rows += [("BEELINE", "b", 0, "GRNUlar", True, 0.03, 0.02), ("BEELINE", "b", 0, "Ridge-TF", False, 0.04, 0.02)]
    s = gen.summarise_cells(_results(rows), default=default).set_index("cell")
    # GRNBoost2 ran on graph 0 only: the cell is compared there (GRNBoost2 0.45 > Pearson 0.40), margin 0.50 - 0.45
    assert s.loc["a", "best_peer"] == "GRNBoost2" and s.loc["a", "margin"] == pytest.approx(0.05)
    assert s.loc["a", "best_ours_auprc"] == pytest.approx(0.5) and bool(s.loc["a", "meets_target"])
    assert s.loc["b", "default_margin"] == pytest.approx(-0.01) and not s.loc["b", "meets_target"]
    assert s.loc["b", "chance"] == pytest.approx(0.02) and s.loc["a", "n_graphs"] == 3 and s.loc["a", "n_compared"] == 1
    md = gen.markdown_summary(s.reset_index())
    assert "| BEELINE | b |" in md and "**no**" in md and "+0.050" in md
    fig = gen.margin_heatmap(s.reset_index().assign(cell=["random/100/clean", "mDC/TFs+500/STRING"]))
    assert len(fig.axes) == 4  # two panels, two colour bars


def test_run_cell_scores_every_run_and_records_failures():
    cell = gen.simulated_cells(sizes=[50], noises=["clean"], families=["random"], graphs=1,
                               fixed={"tf_ratio": 0.2, "n_cell_types": 2, "n_cells": 120})[0]
    runs = [gen.Run("ridge"), gen.Run("rank-average"), gen.Run("grnular-jac", "no-such-checkpoint")]
    table = gen.run_cell(cell, runs)
    assert list(table["run"]) == ["Ridge-TF", "Rank-average-TF", "GRNUlar-jac [no-such-checkpoint]"]
    ok = table.dropna(subset=["auprc"])
    assert len(ok) == 2 and (ok["auprc"] > 2 * ok["chance"]).all()
    assert table["note"].iloc[2].startswith("failed: CheckpointError")
    summary = gen.summarise_cells(table)
    assert summary["best_peer"].iloc[0] in ("Ridge-TF", "Rank-average-TF") and summary["best_ours"].iloc[0] is None
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        on_workers = gen.run_cell(cell, runs + [gen.Run("grnboost2")], client=client)  # one task per run × dataset
    serial = gen.run_cell(cell, runs + [gen.Run("grnboost2")])
    pd.testing.assert_frame_equal(on_workers.drop(columns="seconds"), serial.drop(columns="seconds"))


def test_run_grid_on_workers_equals_the_serial_run():
    """With a client the next cell's datasets are made while the workers score the current one: same table."""
    cells = gen.simulated_cells(sizes=[30], noises=["clean", "dropout-50"], families=["random", "hierarchical"],
                                graphs=1, fixed={"tf_ratio": 0.2, "n_cell_types": 2, "n_cells": 80})
    runs = [gen.Run("pearson"), gen.Run("ridge")]
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        on_workers = gen.run_grid(cells, runs, client=client, progress=False)
    serial = gen.run_grid(cells, runs, progress=False)
    assert len(serial) == 8 and serial["cell"].nunique() == 4
    pd.testing.assert_frame_equal(on_workers.drop(columns="seconds"), serial.drop(columns="seconds"))


def test_shipped_runs_belong_to_their_model():
    runs = gen.shipped_runs(["grnular", "ridge"])
    assert runs and all(r.method == "grnular" for r in runs)
    assert "grnular-clean" in {r.checkpoint for r in runs} and not any("jac" in r.checkpoint for r in runs)
    assert {r.method for r in gen.shipped_runs(["grnular-jac", "glad-tf"])} == {"grnular-jac", "glad-tf"}


def test_bad_inputs():
    with pytest.raises(InputError, match="METHOD=CHECKPOINT"):
        gen.parse_checkpoints(["grnular"])
    with pytest.raises(InputError, match="takes no checkpoint"):
        gen.parse_checkpoints(["ridge=x"])
    with pytest.raises(CheckpointError, match="checkpoint 'nosuch' not found"):
        gen.parse_checkpoints(["grnular-rank=nosuch"])  # before any run, not a failed run per dataset
    with pytest.raises(InputError, match="unknown noise"):
        gen.simulated_cells(noises=["loud"])
    with pytest.raises(InputError, match="unknown BEELINE dataset"):
        gen.beeline_cells(datasets=["none"])
    assert [c.name for c in gen.beeline_cells(datasets=["mDC/TFs+500"], networks=["STRING"])] == ["mDC/TFs+500/STRING"]
    with pytest.raises(InputError, match=r"\['hESC', 'mESC/TFs\+1000'\] have no expression"):
        gen.beeline_cells(datasets=["mDC", "hESC", "mESC/TFs+1000"])  # networks only in the mirror
    assert "hESC" not in {c.name.split("/")[0] for c in gen.beeline_cells()}
    with pytest.raises(InputError, match="nothing to run"):
        gen.run_grid([], [gen.Run("ridge")])


def test_benchmark_script_runs_a_tiny_slice(tmp_path):
    out = tmp_path / "gen"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "generalisation.py"), "--sizes", "50", "--noises", "clean",
           "--families", "hierarchical", "--graphs", "1", "--no-real", "--methods", "pearson", "ridge",
           "rank-average", "--checkpoint", "grnular-jac=grnular-jac-clean", "--cells", "300", "--out", str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"runs.csv", "cells.csv", "cells.md", "methods.csv", "margins.png"} <= {p.name for p in out.iterdir()}
    cells = pd.read_csv(out / "cells.csv")
    assert cells["best_ours"].iloc[0] == "GRNUlar-jac [grnular-jac-clean]" and np.isfinite(cells["margin"].iloc[0])
    assert (pd.read_csv(out / "runs.csv")["n_cells"] == 300).all()
    bad = subprocess.run(cmd[:2] + ["--checkpoint", "ridge"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("grnular: error:") and "METHOD=CHECKPOINT" in bad.stderr
