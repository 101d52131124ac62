import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from grnular_lib.errors import InputError
from grnular_lib.metrics import early_precision_ratio, score


def _truth(D=6):
    T = np.zeros((D, D))
    T[0, 1] = T[0, 2] = T[1, 3] = 1
    return T


def test_perfect_scores_give_auprc_one_in_every_protocol():
    T = _truth()
    for protocol in ("undirected", "beeline", "tf"):
        r = score(T * 5 + 0.01, T, protocol, tf_index=np.array([0, 1]))
        assert r["auprc"] == pytest.approx(1.0) and r["auroc"] == pytest.approx(1.0)
        if protocol != "beeline":  # BEELINE's EPR has its own candidate set (tested below)
            assert r["epr"] == pytest.approx(1 / r["density"])


def test_undirected_protocol_accepts_an_edge_either_way_and_uses_the_upper_triangle():
    T = _truth()
    r = score(T.T, T, "undirected")  # every edge predicted in the wrong direction
    assert r["auprc"] == pytest.approx(1.0)
    assert r["n_true_edges"] == 3 and r["n_pairs"] == 15 and r["density"] == pytest.approx(3 / 15)
    assert score(T.T, T, "beeline")["auprc"] < 0.5


def test_chance_levels_differ_between_protocols():
    T = _truth()  # genes 4 and 5 are in no true edge: BEELINE leaves them out of the candidates
    assert score(T, T, "beeline")["chance"] == pytest.approx(3 / 12)
    assert score(T, T, "tf", tf_index=np.array([0, 1]))["chance"] == pytest.approx(3 / 10)


def test_beeline_protocol_ignores_genes_outside_the_truth_and_epr_uses_true_regulators():
    T = _truth()
    S = T.copy()
    S[4, 5] = S[5, 4] = 10.0  # confident predictions about genes the ground truth does not cover
    r = score(S, T, "beeline")
    assert r["auprc"] == pytest.approx(1.0)
    # EPR candidates: true regulators {0, 1} × network genes {0, 1, 2, 3} without self pairs = 6, 3 true
    assert r["epr"] == pytest.approx(1 / (3 / 6))


def test_auprc_matches_scikit_learn_on_random_scores():
    rng = np.random.default_rng(0)
    T = (rng.random((20, 20)) < 0.1).astype(float)
    np.fill_diagonal(T, 0)
    S = rng.random((20, 20))
    r = score(S, T, "tf")
    mask = ~np.eye(20, dtype=bool)
    assert r["auprc"] == pytest.approx(average_precision_score(T[mask], S[mask]))
    assert r["auprc_ratio"] == pytest.approx(r["auprc"] / r["density"])


def test_epr_counts_ties_at_the_cut_and_ignores_unpredicted_pairs():
    y = np.array([1, 0, 1, 0, 0, 0])
    assert early_precision_ratio(y, np.array([2.0, 1, 1, 0, 0, 0])) == pytest.approx((2 / 3) / (2 / 6))
    assert early_precision_ratio(y, np.zeros(6)) == 0.0


def test_bad_protocol_and_shapes_are_clear_errors():
    with pytest.raises(InputError, match="unknown scoring protocol 'directed'"):
        score(np.zeros((3, 3)), np.zeros((3, 3)), "directed")
    with pytest.raises(InputError, match="same square shape"):
        score(np.zeros((3, 3)), np.zeros((4, 4)))


def _dense_reference(S, T, protocol, tfs):
    """The scores computed the plain way, with scikit-learn on the whole candidate set (the implementation the
    edge-based scoring replaced): the reference it must agree with."""
    S, T = np.abs(S), (T != 0).astype(int)
    n = S.shape[0]
    if protocol == "undirected":
        S, T = np.maximum(S, S.T), np.maximum(T, T.T)
        r, c = np.triu_indices(n, 1)
    else:
        rows = np.flatnonzero(T.any(0) | T.any(1)) if protocol == "beeline" else tfs
        cols = rows if protocol == "beeline" else np.arange(n)
        r, c = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
        r, c = r[r != c], c[r != c]
    y, s = T[r, c], S[r, c]
    if protocol == "beeline":  # EPR: true regulators → genes of the network
        nodes = np.flatnonzero(T.any(0) | T.any(1))
        regs = np.flatnonzero(T.any(1))
        er, ec = np.repeat(regs, len(nodes)), np.tile(nodes, len(regs))
        ey, es = T[er[er != ec], ec[er != ec]], S[er[er != ec], ec[er != ec]]
    else:
        ey, es = y, s
    k = int(ey.sum())
    epr = float("nan")
    if k:
        cut = np.sort(es)[::-1][k - 1]
        top = (es >= cut) & (es > 0) if cut <= 0 else es >= cut
        epr = 0.0 if not top.any() else float(ey[top].mean() / (k / len(ey)))
    n_true = int(y.sum())
    density = n_true / max(len(y), 1)
    if n_true in (0, len(y)):
        auprc = auroc = float("nan")
    else:
        auprc, auroc = min(1.0, average_precision_score(y, s)), roc_auc_score(y, s)
    return {"auprc": auprc, "auroc": auroc, "auprc_ratio": auprc / density if density else float("nan"), "epr": epr,
            "chance": density, "n_true_edges": n_true, "n_pairs": len(y), "density": density}


def test_scoring_from_edges_equals_scoring_the_dense_matrix():
    """score_edges (memory ∝ edges; score runs it on a matrix's nonzero entries) gives the plain scikit-learn numbers
    on the whole candidate set in every protocol: ties, zeros, negative scores, pairs given twice (the last counts),
    self-loops and a truth edge either way included."""
    from grnular_lib.metrics import score_edges

    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(3, 14))
        m = int(rng.integers(0, n * n))
        src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
        vals = rng.choice([0.0, 0.5, 1.0, -1.0, 0.25], m) if trial % 2 else rng.normal(size=m)
        S = np.zeros((n, n))
        S[src, dst] = vals
        k = int(rng.integers(1, 2 * n))
        tsrc, tdst = rng.integers(0, n, k), rng.integers(0, n, k)
        T = np.zeros((n, n), dtype=int)
        T[tsrc, tdst] = 1
        tfs = np.unique(rng.integers(0, n, max(1, n // 3)))
        for protocol in ("undirected", "beeline", "tf"):
            want = _dense_reference(S, T, protocol, tfs)
            for got in (score_edges(src, dst, vals, tsrc, tdst, n, protocol, tf_index=tfs),
                        score(S, T, protocol, tf_index=tfs)):
                assert want.keys() == got.keys()
                for key, value in want.items():
                    assert (np.isnan(value) and np.isnan(got[key])) or got[key] == pytest.approx(value, abs=1e-12), \
                        (trial, protocol, key)
