"""Small synthetic problems for the model tests, and tests of the problem preparation itself."""
import numpy as np
import pytest
import torch

from grnular_lib.errors import InputError
from grnular_lib.models.problem import make_problem, zscore


def linear_sem(n_genes: int = 24, n_tfs: int = 4, n_cells: int = 300, *, seed: int = 0, density: float = 0.25,
               noise: float = 0.4):
    """A nonlinear structural equation model: TFs (at random positions) drive the other genes through tanh.

    Returns ``X`` (cells × genes, float32), the TF columns and the directed 0/1 truth (TF row → target column).
    """
    rng = np.random.default_rng(seed)
    tf = np.sort(rng.choice(n_genes, n_tfs, replace=False))
    A = np.zeros((n_genes, n_genes), np.float32)
    for t in tf:
        for g in range(n_genes):
            if g != t and g not in tf and rng.random() < density:
                A[t, g] = 1
    for g in range(n_genes):  # every non-TF gene has a regulator
        if g not in tf and A[:, g].sum() == 0:
            A[rng.choice(tf), g] = 1
    W = A * rng.choice([-1.0, 1.0], size=A.shape) * rng.uniform(0.7, 1.5, size=A.shape)
    X = rng.standard_normal((n_cells, n_genes)) * noise
    X[:, tf] = rng.standard_normal((n_cells, n_tfs))
    X = X + np.tanh(X[:, tf] @ W[tf])
    return (X + 3.0).astype(np.float32), tf, A


def test_zscore_makes_unit_variance_and_zeroes_constant_genes():
    X = np.c_[np.arange(10.0), np.full(10, 3.0)]
    z = zscore(X).numpy()
    assert np.allclose(z[:, 0].mean(), 0, atol=1e-6) and np.allclose(z[:, 0].std(), 1, atol=1e-5)
    assert np.all(z[:, 1] == 0)


def test_ridge_feature_leaves_a_tf_out_of_its_own_regression():
    X, tf, _ = linear_sem(seed=1)
    p = make_problem(X, tf, device="cpu")
    f = p.pair_features()
    assert f["ridge"].shape == (len(tf), X.shape[1]) and f["corr"].shape == (X.shape[1],) * 2
    assert torch.all(f["ridge"][torch.arange(len(tf)), torch.as_tensor(tf)] == 0)
    # a TF's coefficient on another TF equals the ridge fit of that TF on the remaining TFs
    from sklearn.linear_model import Ridge
    z = p.x.numpy()
    others = [t for t in tf if t != tf[1]]
    coef = Ridge(alpha=1e-2 * len(z), fit_intercept=False).fit(z[:, others], z[:, tf[1]]).coef_
    got = f["ridge"][[list(tf).index(o) for o in others], tf[1]].numpy()
    assert np.allclose(got, np.abs(coef), atol=1e-3)


def test_bad_problems_are_refused_with_a_clear_message():
    X, tf, _ = linear_sem()
    with pytest.raises(InputError, match="NaN"):
        make_problem(np.where(np.eye(*X.shape) > 0, np.nan, X), tf, device="cpu")
    with pytest.raises(InputError, match="distinct"):
        make_problem(X, np.array([1, 1]), device="cpu")
    with pytest.raises(InputError, match="at least 2"):
        make_problem(X[:1], tf, device="cpu")
