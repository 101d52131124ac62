"""The evaluation harness: labels from names, one tidy row per pair, serial and Dask give the same table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grnular_lib.dataset import GRNDataset
from grnular_lib.errors import InputError
from grnular_lib.evaluate import COLUMNS, dataset_labels, evaluate


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))


def _toy(name: str, seed: int) -> GRNDataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(120, 10))
    X[:, 5] = X[:, 0] + 0.2 * rng.normal(size=120)
    X[:, 6] = -X[:, 1] + 0.2 * rng.normal(size=120)
    genes = [f"g{i}" for i in range(10)]
    truth = pd.DataFrame({"Gene1": ["g0", "g1", "g2"], "Gene2": ["g5", "g6", "g7"]})
    return GRNDataset(name, X, genes, tfs=["g0", "g1", "g2", "g3"], truth=truth)


def test_dataset_labels():
    assert dataset_labels("DS1/rep3/clean") == {"dataset": "DS1/clean", "network": "truth", "replicate": 3}
    assert dataset_labels("mESC/TFs+500/STRING/paper") == {"dataset": "mESC/TFs+500/paper", "network": "STRING",
                                                           "replicate": 0}


def test_one_tidy_row_per_method_and_dataset():
    data = [_toy("toy/rep0", 0), _toy("toy/rep1", 1)]
    table = evaluate(["pearson", "ridge"], data)
    assert list(table.columns) == COLUMNS and len(table) == 4
    assert table["method"].tolist() == ["pearson", "pearson", "ridge", "ridge"]
    assert table["replicate"].tolist() == [0, 1, 0, 1]
    assert (table["auprc"] > table["chance"]).all() and (table["n_tfs"] == 4).all()
    assert (table["n_true_edges"] == 3).all() and (table["seconds"] >= 0).all()
    untied = evaluate(["pearson"], data[:1], use_tfs=False, protocol="beeline")
    assert untied.loc[0, "n_tfs"] == 0 and untied.loc[0, "protocol"] == "beeline"


def test_dask_gives_the_same_scores():
    distributed = pytest.importorskip("distributed")
    data = [_toy("toy/rep0", 0), _toy("toy/rep1", 1)]
    serial = evaluate(["pearson", "precision"], data)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        parallel = evaluate(["pearson", "precision"], data, client=client)
    cols = [c for c in COLUMNS if c != "seconds"]
    pd.testing.assert_frame_equal(serial[cols], parallel[cols])


def test_bad_requests():
    d = _toy("toy", 0)
    with pytest.raises(InputError, match="protocol"):
        evaluate(["pearson"], [d], protocol="directed")
    with pytest.raises(InputError, match="unknown method"):
        evaluate(["aracne"], [d])
    no_truth = GRNDataset("x", d.expression, d.genes)
    with pytest.raises(InputError, match="ground-truth"):
        evaluate(["pearson"], [no_truth])
    with pytest.raises(InputError, match="no TFs"):
        evaluate(["pearson"], [GRNDataset("x", d.expression, d.genes, truth=d.truth)], use_tfs=True)
