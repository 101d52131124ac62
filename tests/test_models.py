"""The unrolled models on small synthetic problems: shapes, semantics, TF positions, determinism, gradients."""
import numpy as np
import pytest
import torch

from grnular_lib.checkpoints import save_checkpoint
from grnular_lib.errors import CheckpointError, InputError
from grnular_lib.metrics import score
from grnular_lib.models import MODEL_METHODS, build_model, make_problem, model_scores, predict
from grnular_lib.train import problem_loss
from test_models_problems import linear_sem

SMALL = {"grnular": dict(n_unrolled=3, inner_steps=2, init_epochs=60),
         "grnular-jac": dict(n_unrolled=3, inner_steps=2, init_epochs=60),
         "grnular-base": dict(n_unrolled=2, inner_steps=2, fit_epochs=20),
         "grnular-rank": dict(n_unrolled=2, hidden=8),
         "glad": dict(n_unrolled=3), "glad-tf": dict(n_unrolled=3)}

torch.set_num_threads(1)  # a shared 2-core machine: one thread avoids OpenMP oversubscription


def small_model(method):
    torch.manual_seed(0)
    return build_model(method, **SMALL[method])


def test_every_method_has_a_small_config():
    assert set(SMALL) == set(MODEL_METHODS)
    assert {"grnular", "grnular-base", "glad", "glad-tf"} <= set(MODEL_METHODS)


@pytest.mark.parametrize("method", MODEL_METHODS)
def test_scores_shape_sign_and_output_semantics(method):
    X, tf, A = linear_sem()
    p = make_problem(X, None if method == "glad" else tf, device="cpu")
    S = model_scores(small_model(method), p)
    D = X.shape[1]
    assert S.shape == (D, D) and S.dtype == np.float32 and np.all(S >= 0) and np.all(np.diag(S) == 0)
    if method == "glad":
        assert np.allclose(S, S.T)
    else:
        non_tf = np.setdiff1d(np.arange(D), tf)
        assert np.all(S[non_tf][:, non_tf] == 0)
        if method != "glad-tf":
            assert np.all(S[non_tf] == 0)  # TF rows only: TF → gene directed
        assert np.allclose(S[np.ix_(tf, tf)], S[np.ix_(tf, tf)].T)  # TF–TF undirected (CPDAG)
        assert np.any(S[tf] > 0)


@pytest.mark.parametrize("method", ["grnular", "grnular-jac", "glad-tf"])
def test_tfs_may_sit_anywhere_among_the_genes(method):
    X, tf, A = linear_sem(seed=3)
    D = X.shape[1]
    for order in (np.r_[tf, np.setdiff1d(np.arange(D), tf)], np.r_[np.setdiff1d(np.arange(D), tf), tf],
                  np.random.default_rng(0).permutation(D)):
        inv = np.argsort(order)
        S = model_scores(small_model(method), make_problem(X[:, order], inv[tf], device="cpu"))
        assert score(S, A[np.ix_(order, order)])["auprc"] > 0.6


def test_glad_is_equivariant_to_gene_order():
    X, tf, A = linear_sem(seed=2)
    order = np.random.default_rng(1).permutation(X.shape[1])
    model = small_model("glad")
    S = model_scores(model, make_problem(X, None, device="cpu"))
    S_perm = model_scores(model, make_problem(X[:, order], None, device="cpu"))
    assert np.allclose(S_perm, S[np.ix_(order, order)], atol=1e-4)


@pytest.mark.parametrize("method", ["grnular", "grnular-jac"])
def test_same_seed_same_scores_other_seed_other_scores(method):
    X, tf, _ = linear_sem(seed=4)
    model = small_model(method)
    a = model_scores(model, make_problem(X, tf, device="cpu"), seed=5)
    b = model_scores(model, make_problem(X, tf, device="cpu"), seed=5)
    c = model_scores(model, make_problem(X, tf, device="cpu"), seed=6)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("method", MODEL_METHODS)
def test_rho_nn_and_lambda_nn_both_receive_gradients(method):
    X, tf, A = linear_sem(seed=5)
    model = small_model(method)
    model.train()
    problem_loss(model, make_problem(X, None if method == "glad" else tf, A, device="cpu"), beta=2.0,
                 seed=0).backward()
    parts = ("evidence_nn", "rho_nn") if method == "grnular-rank" else ("rho_nn", "lambda_nn")
    for part in parts:
        grads = [p.grad for n, p in model.named_parameters() if n.startswith(part)]
        assert grads, part
        assert all(g is not None for g in grads), part
        assert sum(float(g.abs().sum()) for g in grads) > 0, part


def test_glad_tf_mask_removes_non_tf_pairs_in_every_cell():
    X, tf, A = linear_sem(seed=6)
    model = small_model("glad-tf")
    p = make_problem(X, tf, device="cpu")
    non_tf = np.setdiff1d(np.arange(X.shape[1]), tf)
    for theta in model(p):
        off = theta.detach().numpy()[np.ix_(non_tf, non_tf)]
        assert np.all(off[~np.eye(len(non_tf), dtype=bool)] == 0)


def test_predict_uses_a_given_checkpoint_and_refuses_another_models(tmp_path):
    X, tf, A = linear_sem(seed=7)
    model = small_model("glad-tf")
    path = save_checkpoint(tmp_path / "m.pt", method="glad-tf", state=model.state_dict(), config=model.config)
    S = predict(X, tf, method="glad-tf", checkpoint=path, device="cpu")
    assert np.allclose(S, model_scores(model, make_problem(X, tf, device="cpu")))
    with pytest.raises(CheckpointError, match="glad-tf.*not of 'grnular'"):
        predict(X, tf, method="grnular", checkpoint=path, device="cpu")


def test_predict_refuses_unknown_methods_and_missing_tfs():
    X, tf, _ = linear_sem()
    with pytest.raises(InputError, match="unknown model method"):
        predict(X, tf, method="genie9")
    with pytest.raises(InputError, match="needs TFs"):
        predict(X, None, method="grnular")


def test_make_problem_takes_a_reversed_view_of_the_tf_index():
    """NumPy views with negative strides (``tf[::-1]``) and non-contiguous truth work like copies."""
    X = np.random.default_rng(0).normal(size=(30, 8))
    tf = np.array([1, 4, 6])
    truth = np.eye(8, k=1)[:, ::-1]
    p = make_problem(X, tf[::-1], truth, device="cpu")
    assert p.tf_index.tolist() == [6, 4, 1] and p.truth.sum().item() == 7


def test_glad_step_gradient_is_exact_and_finite_with_repeated_eigenvalues():
    from grnular_lib.models.glad import ThetaStep

    rng = np.random.default_rng(0)
    A = rng.normal(size=(6, 6))
    Y = torch.tensor((A + A.T) / 2, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    # eigh reads one triangle of Y, so Y is made symmetric inside, as the model's Y is
    assert torch.autograd.gradcheck(lambda Y, c: ThetaStep.apply((Y + Y.T) / 2, c), (Y, c))
    # constant genes give a block of equal eigenvalues: torch's eigh gradient is NaN there, the step's is exact
    Yd = torch.zeros(6, 6, dtype=torch.float64)
    Yd[:3, :3] = Y.detach()[:3, :3]
    Yd[3:, 3:] = -torch.eye(3, dtype=torch.float64)
    Yd.requires_grad_(True)
    G = torch.tensor(rng.normal(size=(6, 6)), dtype=torch.float64)
    (ThetaStep.apply(Yd, c) * G).sum().backward()
    assert torch.isfinite(Yd.grad).all() and torch.isfinite(c.grad)
    h = 1e-6
    E = torch.tensor(rng.normal(size=(6, 6)), dtype=torch.float64)
    E = (E + E.T) / 2
    with torch.no_grad():
        numeric = ((ThetaStep.apply(Yd + h * E, c) - ThetaStep.apply(Yd - h * E, c)) * G).sum() / (2 * h)
    assert float((Yd.grad * E).sum()) == pytest.approx(float(numeric), rel=1e-5)


def test_glad_trains_on_data_with_constant_genes():
    X, tf, A = linear_sem(seed=7)
    X = np.concatenate([X, np.zeros((X.shape[0], 4))], axis=1)  # four genes all zero, as after heavy dropout
    A = np.pad(A, ((0, 4), (0, 4)))
    model = small_model("glad-tf")
    problem_loss(model, make_problem(X, tf, A, device="cpu"), beta=2.0, seed=0).backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)
