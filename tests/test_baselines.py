"""Baselines: shapes and masks, the floors' definitions, arboreto's core driven serially and on Dask, caching."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from grnular_lib import baselines
from grnular_lib.baselines import BASELINE_METHODS, baseline_scores, ridge_scores, standardise
from grnular_lib.errors import InputError


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))


def _chain(n_cells=150, seed=0):
    """12 genes: 0 → 3, 1 → 4, 2 → 5 linearly, the rest noise; TFs 0, 1, 2, 6."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_cells, 12))
    X[:, 3] = 2 * X[:, 0] + 0.3 * rng.normal(size=n_cells)
    X[:, 4] = -1.5 * X[:, 1] + 0.3 * rng.normal(size=n_cells)
    X[:, 5] = X[:, 2] + 0.3 * rng.normal(size=n_cells)
    return X.astype(np.float32), np.array([0, 1, 2, 6])


@pytest.mark.parametrize("method", [m for m in BASELINE_METHODS if m != "genie3"])
def test_every_baseline_finds_the_planted_edges(method):
    X, tfs = _chain()
    kw = {"n_estimators": 60} if method == "grnboost2" else {}
    S = baseline_scores(X, tfs, method=method, cache=False, **kw)
    assert S.shape == (12, 12) and np.all(S >= 0) and np.all(np.diag(S) == 0)
    assert np.all(S[np.setdiff1d(np.arange(12), tfs)] == 0)  # only TFs regulate
    for reg, tgt in ((0, 3), (1, 4), (2, 5)):
        assert S[reg, tgt] == S[:, tgt].max() > 0


def test_genie3_small():
    X, tfs = _chain(80)
    S = baseline_scores(X, tfs, method="genie3", cache=False, n_estimators=30)
    assert S[0, 3] == S[:, 3].max() and S[1, 4] == S[:, 4].max()


def test_without_tfs_every_gene_may_regulate():
    X, _ = _chain()
    S = baseline_scores(X, None, method="pearson")
    assert np.count_nonzero(S) == 12 * 11 and np.allclose(S, S.T)


def test_ridge_matches_separate_scikit_learn_fits():
    X, tfs = _chain()
    S = ridge_scores(X, tfs, alpha=3.0)
    Z = standardise(X)
    for j in range(12):
        rest = tfs[tfs != j]
        coef = Ridge(alpha=3.0, fit_intercept=False).fit(Z[:, rest], Z[:, j]).coef_
        assert np.allclose(S[rest, j], np.abs(coef), atol=1e-10)


def test_glasso_with_fewer_cells_than_genes_does_not_crash():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(15, 40)).astype(np.float32)
    X[:, 1] = X[:, 0]  # singular covariance
    S = baseline_scores(X, None, method="glasso", cache=False)
    assert S.shape == (40, 40) and np.all(np.isfinite(S))


@pytest.mark.parametrize("seed", [0, 1])
def test_glasso_ranks_simulated_edges_well_above_chance(seed):
    """On SERGIO data scikit-learn's solver fails at small penalties; GLASSO must still rank true edges high."""
    from grnular_lib.metrics import score
    from grnular_lib.simulate import SimulationSettings, random_grn, simulate_dataset

    data, _ = simulate_dataset(random_grn(40, seed=seed), SimulationSettings.paper_clean(40), seed=seed)
    with pytest.warns(UserWarning, match="GLASSO"):  # the failing penalties are reported
        S = baselines.glasso_scores(data.expression)
    result = score(S, data.truth_matrix(), "undirected")
    assert np.count_nonzero(S) > 0
    assert result["auprc"] > 2.0 * result["chance"]


def test_glasso_cache_key_depends_on_the_glasso_version(monkeypatch):
    X, _ = _chain(60)
    first = baseline_scores(X, None, method="glasso", alpha=0.3)
    monkeypatch.setattr(baselines, "glasso_scores", lambda *a, **k: np.ones((12, 12)))
    assert np.array_equal(baseline_scores(X, None, method="glasso", alpha=0.3), first)  # cache hit
    monkeypatch.setattr(baselines, "GLASSO_VERSION", baselines.GLASSO_VERSION + 1)
    assert np.array_equal(baseline_scores(X, None, method="glasso", alpha=0.3), np.ones((12, 12)))


def test_failed_arboreto_targets_are_counted_reported_and_never_cached(tmp_path):
    X, tfs = _chain(40)
    for _ in range(2):  # the second call fits again (and warns again): a partial result is not cached
        with pytest.warns(UserWarning, match=r"failed for 12 of 12 target genes"):
            S = baseline_scores(X, tfs, method="grnboost2", cache=tmp_path, n_estimators=10, max_features=7.5)
        assert not S.any()
    assert not list(tmp_path.rglob("*.npz"))
    baseline_scores(X, tfs, method="grnboost2", cache=tmp_path, n_estimators=10)
    assert len(list(tmp_path.rglob("*.npz"))) == 1  # a complete result is


def test_grnboost2_is_seeded_and_identical_on_dask():
    distributed = pytest.importorskip("distributed")
    X, tfs = _chain(60)
    serial = baseline_scores(X, tfs, method="grnboost2", seed=3, cache=False, n_estimators=40)
    assert np.array_equal(serial, baseline_scores(X, tfs, method="grnboost2", seed=3, cache=False, n_estimators=40))
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        parallel = baseline_scores(X, tfs, method="grnboost2", seed=3, cache=False, client=client, n_estimators=40)
    assert np.array_equal(serial, parallel)


def test_expensive_results_are_cached(monkeypatch, tmp_path):
    X, tfs = _chain(60)
    first = baseline_scores(X, tfs, method="grnboost2", cache=tmp_path / "c", n_estimators=20)
    monkeypatch.setattr(baselines, "arboreto_scores", lambda *a, **k: pytest.fail("cache not used"))
    assert np.array_equal(first, baseline_scores(X, tfs, method="grnboost2", cache=tmp_path / "c", n_estimators=20))
    with pytest.raises(BaseException):  # other parameters: not the cached entry
        baseline_scores(X, tfs, method="grnboost2", cache=tmp_path / "c", n_estimators=21)


def test_bad_input():
    X, tfs = _chain()
    with pytest.raises(InputError, match="unknown baseline"):
        baseline_scores(X, tfs, method="aracne")
    X[0, 0] = np.nan
    with pytest.raises(InputError, match="NaN"):
        baseline_scores(X, tfs, method="pearson")
    with pytest.raises(InputError, match="TF indices"):
        baseline_scores(np.ones((5, 3)), np.array([4]), method="pearson")


def test_rank_average_is_the_mean_of_the_per_target_ranks():
    from scipy.stats import rankdata

    X, tfs = _chain()
    S = baseline_scores(X, tfs, method="rank-average")
    P, R = baselines.pearson_scores(X, tfs), ridge_scores(X, tfs)
    for target in (3, 0):  # a non-TF target (4 candidates) and a TF target (3 candidates: not itself)
        cand = [t for t in tfs if t != target]
        expected = 0.5 * (rankdata(P[cand, target]) + rankdata(R[cand, target])) / len(cand)
        np.testing.assert_allclose(S[cand, target], expected)
    assert S[0, 3] == S[1, 4] == S[2, 5] == 1.0  # the planted regulator tops both floors
    assert np.all(S[np.setdiff1d(np.arange(12), tfs)] == 0) and np.all(np.diag(S) == 0)
    assert np.all((S[tfs] > 0) | np.eye(12, dtype=bool)[tfs])  # every candidate pair gets a score in (0, 1]


def test_pearson_of_identical_genes_is_exactly_one_not_more():
    """A gene measured twice (or a perfectly linear pair) correlates 1, not 1 + rounding, so importances stay ≤ 1."""
    rng = np.random.default_rng(1)
    x = rng.lognormal(size=(997, 1))
    X = np.hstack([x, 3 * x + 7, rng.normal(size=(997, 2))])  # unclipped: 1.0000000000000004
    S = baseline_scores(X, np.array([0, 2]), method="pearson")
    assert S.max() <= 1.0 and S[0, 1] == pytest.approx(1.0)
