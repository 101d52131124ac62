"""grnular-rank: size-invariant evidence, runs at any size, and the shipped general checkpoint beats the floors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from grnular_lib.baselines import baseline_scores
from grnular_lib.errors import InputError
from grnular_lib.metrics import score
from grnular_lib.models import load_model, make_problem, model_scores
from grnular_lib.models.evidence import FEATURE_NAMES, evidence_features, knn_smooth
from grnular_lib.models.grnular_rank import RankGRNUlar, average_rank_quantiles
from grnular_lib.simulate.general import draw_general, general_corpus, general_seed
from grnular_lib.train import meta_train, problems_from_datasets

FLOORS = ("pearson", "precision", "ridge", "rank-average")


def _problem(n_genes: int, *, seed: int = 0, noise: str = "clean", family: str = "random", n_cells: int = 1000):
    return draw_general(general_seed(seed, "test", 0), n_genes=n_genes, noise=noise, family=family,
                        n_cells=n_cells, n_cell_types=5).data


def test_average_rank_quantiles_handle_ties_and_order():
    z = torch.tensor([[0.0, 0.5, 0.5, 1.0], [0.2, 0.2, 0.2, 0.2]])
    q = average_rank_quantiles(z, 1)
    assert torch.allclose(q[0], torch.tensor([0.0, 0.5, 0.5, 1.0]))
    assert torch.allclose(q[1], torch.full((4,), 0.5))
    perm = torch.tensor([3, 1, 0, 2])
    assert torch.allclose(average_rank_quantiles(z[:, perm], 1), q[:, perm])


def _by_class(X: np.ndarray, tf: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features of the true TF–gene pairs and of the other pairs (self pairs left out)."""
    F = evidence_features(X, tf)
    y = np.maximum(T[tf], T[:, tf].T) > 0
    keep = np.ones_like(y)
    keep[np.arange(len(tf)), tf] = False
    return F[y & keep], F[~y & keep]


def test_features_keep_their_meaning_with_twice_the_genes():
    """The problem beside an independent copy of itself (twice the genes and TFs): quantile features keep their
    distribution over all pairs; relative and raw features of the original pairs do not move (an unrelated gene is
    never a pair's best partner), while the old whole-matrix scaling would have been free to."""
    data = _problem(80, seed=1)
    X, tf = data.expression, data.tf_index
    D, n_tf = X.shape[1], len(tf)
    rng = np.random.default_rng(0)
    X2 = np.concatenate([X, X[rng.permutation(X.shape[0])]], axis=1)  # the copy's cells are shuffled: independent
    F = evidence_features(X, tf)
    F2 = evidence_features(X2, np.concatenate([tf, tf + D]))
    for k, name in enumerate(FEATURE_NAMES):
        if "_knn" in name:  # neighbours come from all genes: a structured unrelated half moves them
            continue  # (see test_knn_smoothing_sees_cells_not_genes for what the smoother does keep)
        if name.endswith("q"):
            qs, q2 = (np.quantile(f[..., k], [0.25, 0.5, 0.75]) for f in (F, F2))
            assert np.abs(qs - q2).max() < 0.05, (name, qs, q2)
        else:  # only chance correlations with the copy move them, a little
            diff = np.abs(F2[:n_tf, :D, k] - F[..., k])
            assert np.quantile(diff, 0.9) < 0.05 and diff.max() < 0.15, (name, np.quantile(diff, 0.9), diff.max())


def test_knn_smoothing_sees_cells_not_genes():
    """The smoother's neighbours depend on the cells' positions only: every gene duplicated, the same cells in
    another order, or the genes rescaled give the same smoothed values; and it does denoise."""
    data = _problem(80, seed=1)
    X = data.expression.astype(np.float64)
    D = X.shape[1]
    base = knn_smooth(X)
    np.testing.assert_allclose(knn_smooth(np.hstack([X, X]))[:, :D], base, atol=1e-10)
    order = np.random.default_rng(0).permutation(X.shape[0])
    np.testing.assert_allclose(knn_smooth(X[order]), base[order], atol=1e-10)
    np.testing.assert_allclose(knn_smooth(X * np.linspace(0.5, 3.0, D)), base * np.linspace(0.5, 3.0, D), atol=1e-9)
    noisy = X + np.random.default_rng(1).normal(0, X.std(0), X.shape)
    err = np.abs(np.corrcoef(knn_smooth(noisy).T) - np.corrcoef(X.T)).mean()
    assert err < 0.8 * np.abs(np.corrcoef(noisy.T) - np.corrcoef(X.T)).mean()


def test_smoothed_ridge_explains_away_the_indirect_regulator():
    """On noisy cells from a chain a → b → c with a and b TFs, the ridge fit on the smoothed cells credits c to b,
    its direct regulator, while the smoothed correlation credits a almost as much."""
    from grnular_lib.models.evidence import pair_evidence

    rng = np.random.default_rng(0)
    a = rng.normal(size=600)
    b = a + rng.normal(0, 0.6, 600)
    c = b + rng.normal(0, 0.6, 600)
    X = np.column_stack([a, b, c]) + rng.normal(0, 0.5, (600, 3))  # measurement noise on every gene
    ev = pair_evidence(X, np.array([0, 1]))
    assert ev["ridge_knn"][1, 2] > 2 * ev["ridge_knn"][0, 2]
    assert ev["corr_knn"][1, 2] < 1.5 * ev["corr_knn"][0, 2]


def test_a_hub_tf_has_the_top_breadth():
    """Five TFs, one of which drives 40 of the 45 other genes: its pairs carry the top TF-breadth quantile (1), and
    so do the smoothed ones; every pair of a TF carries the same value."""
    rng = np.random.default_rng(0)
    tfs = rng.normal(size=(500, 5))
    targets = np.empty((500, 45))
    for g in range(45):
        driver = 0 if g < 40 else 1 + g % 4
        targets[:, g] = tfs[:, driver] + rng.normal(0, 0.7, 500)
    X = np.exp(np.column_stack([tfs, targets]) / 3)
    F = evidence_features(X, np.arange(5))
    for name in ("tf_breadth_tfq", "tf_breadth_knn_tfq"):
        k = FEATURE_NAMES.index(name)
        assert F[0, 5:, k].min() == 1.0 and F[1:, 5:, k].max() < 1.0, name
        assert np.all(F[:, 5:, k] == F[:, 5:6, k]), name


def test_feature_distributions_survive_fewer_cells():
    """Half of the cells: the features of true pairs and of the other pairs keep their distributions."""
    data = _problem(80, seed=1)
    X, tf, T = data.expression, data.tf_index, data.truth_matrix()
    cells = np.random.default_rng(0).permutation(X.shape[0])[: X.shape[0] // 2]
    base, half = _by_class(X, tf, T), _by_class(X[cells], tf, T)
    for cls in (0, 1):
        for k, name in enumerate(FEATURE_NAMES):
            qs, q2 = (np.quantile(f[cls][:, k], [0.25, 0.5, 0.75]) for f in (base, half))
            assert np.abs(qs - q2).max() < 0.1, (name, cls, qs, q2)


def test_a_model_runs_at_any_size():
    torch.manual_seed(0)
    model = RankGRNUlar(n_unrolled=2, hidden=8).eval()
    for n_genes in (30, 250):
        data = _problem(n_genes, n_cells=300)
        p = make_problem(data.expression, data.tf_index, device="cpu")
        S = model_scores(model, p)
        assert S.shape == (n_genes, n_genes) and np.isfinite(S).all()
        non_tf = np.setdiff1d(np.arange(n_genes), data.tf_index)
        assert (S[non_tf] == 0).all() and (np.diagonal(S) == 0).all()


def test_loss_is_finite_when_a_tf_regulates_every_gene():
    """A 1-TF problem whose TF regulates all other genes has no negative pair: the class weights stay finite."""
    X = np.random.default_rng(0).normal(size=(50, 8))
    truth = np.zeros((8, 8))
    truth[2, [0, 1, 3, 4, 5, 6, 7]] = 1
    model = RankGRNUlar(n_unrolled=1, hidden=4)
    p = make_problem(X, [2], truth, device="cpu")
    loss = model.loss(p, model(p))
    assert torch.isfinite(loss) and loss > 0


def test_indirect_target_marks_pairs_linked_through_one_gene():
    """A cascade 0 → 1 → 2 and a sibling 3 of 1 (both regulated by 0), gene 4 unlinked; TFs 0 and 1."""
    X = np.random.default_rng(0).normal(size=(40, 5))
    truth = np.zeros((5, 5))
    truth[0, 1] = truth[1, 2] = truth[0, 3] = 1
    p = make_problem(X, [0, 1], truth, device="cpu")
    direct, mask = RankGRNUlar(n_unrolled=1, hidden=4).target(p)
    soft_model = RankGRNUlar(n_unrolled=1, hidden=4, indirect_target=0.3)
    soft, soft_mask = soft_model.target(p)
    assert torch.equal(mask, soft_mask)
    assert direct.tolist() == [[0, 1, 0, 1, 0], [1, 0, 1, 0, 0]]
    # TF 0 reaches gene 2 through 1; TF 1 reaches gene 3 through their common regulator 0; gene 4 stays 0
    assert torch.allclose(soft, torch.tensor([[0, 1, 0.3, 1, 0], [1, 0, 1, 0.3, 0]]))
    assert soft_model.config["indirect_target"] == 0.3 and "indirect_target" not in RankGRNUlar().config
    assert torch.isfinite(soft_model.loss(p, soft_model(p)))
    with pytest.raises(InputError, match="indirect_target"):
        RankGRNUlar(indirect_target=1.0)


def test_meta_training_stops_on_a_non_finite_loss():
    """A non-finite loss stops training with one clear error naming the problem, instead of NaN weights."""
    from grnular_lib.errors import TrainingError

    class Broken(RankGRNUlar):
        def loss(self, problem, outputs):
            return outputs[-1].sum() * float("nan")

    train = problems_from_datasets([_problem(40, seed=s, n_cells=200) for s in range(2)], device="cpu")
    with pytest.raises(TrainingError, match="training problem [01] gave a non-finite loss"):
        meta_train(Broken(n_unrolled=1, hidden=4), train, train[:1], epochs=1, batch_size=1, progress=False)


def test_inference_in_blocks_of_tfs_gives_the_whole_problem_scores(monkeypatch):
    """Without gradients the learned parts run on blocks of TFs (bounded memory on large data): same outputs."""
    from grnular_lib.models import grnular_rank

    model = load_model("grnular-rank")
    data = _problem(120, n_cells=300)
    p = make_problem(data.expression, data.tf_index, device="cpu")
    with torch.no_grad():
        whole = model(p)
        monkeypatch.setattr(grnular_rank, "PAIRS_PER_BLOCK", 2 * 120)  # 2 TFs per block, the last one shorter
        blocked = model(p)
    assert len(data.tf_index) % 2 == 1
    for a, b in zip(whole, blocked):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_training_improves_on_a_tiny_corpus():
    torch.manual_seed(0)
    train = problems_from_datasets([_problem(40, seed=s, n_cells=300) for s in range(4)], device="cpu")
    valid = problems_from_datasets([_problem(40, seed=9, n_cells=300)], device="cpu")
    result = meta_train(RankGRNUlar(n_unrolled=1, hidden=8), train, valid, epochs=3, batch_size=2, lr=0.01,
                        progress=False)
    losses = [h["train_loss"] for h in result.history[1:]]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0]


@pytest.mark.parametrize("n_genes", [80, 300])
def test_general_checkpoint_beats_every_floor(n_genes):
    """Three held-out test-split problems per size (never seen in training; family, TF ratio and the rest drawn),
    clean data: the shipped general checkpoint's mean AUPRC is above every floor's."""
    problems = general_corpus(3, 7, split="test", progress=False, n_genes=n_genes, noise="clean", n_cells=1000,
                              n_cell_types=5)
    model = load_model("grnular-rank", device="cpu")
    ours, floors = [], {m: [] for m in FLOORS}
    for p in problems:
        X, tf, T = p.data.expression, p.data.tf_index, p.data.truth_matrix()
        ours.append(score(model_scores(model, make_problem(X, tf, device="cpu")), T)["auprc"])
        for m in FLOORS:
            floors[m].append(score(baseline_scores(X, tf, method=m), T)["auprc"])
    best = max(np.mean(v) for v in floors.values())
    assert np.mean(ours) > best, (np.mean(ours), {m: np.mean(v) for m, v in floors.items()})


def test_ranking_loss_is_lowest_when_the_edges_stand_above_every_other_pair():
    edge = torch.zeros(3, 8)
    edge[0, 1] = edge[1, 4] = edge[2, 6] = 1.0
    mask = torch.ones(3, 8)
    mask[0, 0] = 0.0  # a self pair, never scored
    on_top = torch.where(edge > 0, torch.full_like(edge, 0.9), torch.full_like(edge, 0.2))
    outranked = on_top.clone()
    outranked[1, 7] = 0.99  # one non-edge above every edge
    ranked = RankGRNUlar.ranking_loss(on_top, edge, mask)
    assert ranked < RankGRNUlar.ranking_loss(outranked, edge, mask)
    assert RankGRNUlar.ranking_loss(on_top, torch.zeros_like(edge), mask) == 0.0  # no edge: no ranking
    model = RankGRNUlar(n_unrolled=1, hidden=4, ranking_weight=0.5)
    assert model.config["ranking_weight"] == 0.5 and "ranking_weight" not in RankGRNUlar().config
    p = make_problem(np.random.default_rng(0).normal(size=(40, 5)), [0, 1], np.eye(5, k=1), device="cpu")
    plain = RankGRNUlar(n_unrolled=1, hidden=4)
    plain.load_state_dict(model.state_dict())
    assert model.loss(p, model(p)) > plain.loss(p, plain(p))  # the ranking term adds to the cross-entropy
    with pytest.raises(InputError, match="ranking_weight"):
        RankGRNUlar(ranking_weight=-1.0)
