"""Scoring a predicted network against the truth, with the two protocols of the field.

- ``"undirected"`` — the paper's protocol: scores and truth symmetrised (an edge either way counts), the strict upper
  triangle of the genes × genes matrix is the candidate set.
- ``"beeline"`` — BEELINE's protocol: directed regulator → target; the candidates are the ordered pairs of distinct
  genes that appear in the ground-truth network (predictions about other genes are ignored), unpredicted pairs
  score 0. Its EPR, as BEELINE computes it, looks only at pairs from a true regulator to a gene of the network.
- ``"tf"`` — directed, candidates are the TF rows × every other gene (the edges a TF-aware method can predict).

AUPRC and AUROC are scikit-learn's ``average_precision_score`` and ``roc_auc_score`` (the same step and trapezoid
sums, computed from the scored pairs with every unscored pair one tie at the bottom, so that memory grows with the
edges scored and not with the square of the genes); the AUPRC ratio divides AUPRC by the edge density (the AUPRC of a
random predictor) and EPR is the precision among the top-k pairs (k = number of true edges, ties at the cut included)
divided by that density.
"""
from __future__ import annotations

import numpy as np

from .errors import InputError

PROTOCOLS = ("undirected", "beeline", "tf")


def early_precision_ratio(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """BEELINE's EPR: precision among the k best-scored pairs (ties at the k-th score included) over the density;
    pairs scored 0 count as never predicted."""
    y, s = np.asarray(y_true), np.asarray(y_score)
    return _early_precision(y[s > 0], s[s > 0], int(y.sum()), len(y))


def score(scores: np.ndarray, truth: np.ndarray, protocol: str = "undirected",
          tf_index: np.ndarray | None = None) -> dict[str, float]:
    """Compare a genes × genes score matrix with a 0/1 truth matrix.

    Parameters
    ----------
    scores
        ``scores[i, j]``: confidence that gene ``i`` regulates gene ``j``; the absolute value is used.
    truth
        ``truth[i, j] = 1`` for a true edge ``i → j``.
    protocol
        ``"undirected"``, ``"beeline"`` or ``"tf"`` (see the module docstring).
    tf_index
        TF rows, for ``protocol="tf"`` (``None``: every gene).

    Returns
    -------
    dict
        ``auprc, auroc, auprc_ratio, epr, chance, n_true_edges, n_pairs, density`` (``n_pairs``: the candidate pairs
        scored; ``chance`` = ``density`` = fraction of them that are true edges). AUROC and AUPRC are NaN when the
        truth has no edge among the candidates.
    """
    S = np.abs(np.nan_to_num(np.asarray(scores, dtype=np.float64)))
    T = np.asarray(truth) != 0
    if S.shape != T.shape or S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise InputError(f"score matrix {S.shape} and truth matrix {T.shape} must be the same square shape")
    r, c = np.nonzero(S)
    tr, tc = np.nonzero(T)
    return score_edges(r, c, S[r, c], tr, tc, S.shape[0], protocol, tf_index=tf_index)


def _last_of_each(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One value per code, the last given (as assigning them into a matrix in order would leave)."""
    reverse_first = np.unique(codes[::-1], return_index=True)[1]
    keep = len(codes) - 1 - reverse_first
    return codes[keep], values[keep]


def _ranking_scores(y: np.ndarray, s: np.ndarray, n_pos: int, n_pairs: int) -> tuple[float, float]:
    """AUPRC and AUROC, as scikit-learn computes them, of ``n_pairs`` candidate pairs of which only those in ``y``,
    ``s`` (labels, scores > 0) are scored; every other pair scores 0, one tie at the bottom of the ranking."""
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1] if len(s) else np.array([], dtype=np.int64)
    tps = np.cumsum(y)[last].astype(np.float64)
    fps = (last + 1 - tps).astype(np.float64)
    if len(s) < n_pairs:  # the tie of unscored pairs
        tps, fps = np.r_[tps, n_pos], np.r_[fps, n_pairs - n_pos]
    n_neg = n_pairs - n_pos
    precision = tps / (tps + fps)
    auprc = float(np.sum(np.diff(np.r_[0.0, tps]) / n_pos * precision))
    tpr, fpr = np.r_[0.0, tps] / n_pos, np.r_[0.0, fps] / n_neg
    auroc = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))  # the trapezoids under the ROC curve
    return min(1.0, auprc), auroc


def _early_precision(y: np.ndarray, s: np.ndarray, k: int, n_pairs: int) -> float:
    """:func:`early_precision_ratio` of ``n_pairs`` pairs with ``k`` true ones, of which only ``y``, ``s`` (scores
    > 0) are scored."""
    if k == 0 or n_pairs == 0:
        return float("nan")
    ranked = np.sort(s)[::-1]
    top = s >= ranked[k - 1] if len(ranked) >= k else s > 0
    if not top.any():
        return 0.0
    return float(y[top].mean() / (k / n_pairs))


def score_edges(sources: np.ndarray, targets: np.ndarray, values: np.ndarray, truth_sources: np.ndarray,
                truth_targets: np.ndarray, n_genes: int, protocol: str = "undirected",
                tf_index: np.ndarray | None = None) -> dict[str, float]:
    """:func:`score` for a network given as edges (what :func:`score` itself runs on a matrix's nonzero entries), in
    memory that grows with the number of edges rather than with the square of the number of genes (a genome-wide edge
    list on a laptop).

    Parameters
    ----------
    sources, targets, values
        The scored edges ``sources[e] → targets[e]`` (gene numbers below ``n_genes``) and their scores (the absolute
        value is used; a pair given twice keeps its last score); every other pair scores 0.
    truth_sources, truth_targets
        The true edges.
    n_genes
        The number of genes.
    protocol, tf_index
        As for :func:`score`.

    Returns
    -------
    dict
        As :func:`score`.
    """
    if protocol not in PROTOCOLS:
        raise InputError(f"unknown scoring protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    n = int(n_genes)
    src, dst = np.asarray(sources, dtype=np.int64), np.asarray(targets, dtype=np.int64)
    val = np.abs(np.nan_to_num(np.asarray(values, dtype=np.float64)))
    ts, tt = np.asarray(truth_sources, dtype=np.int64), np.asarray(truth_targets, dtype=np.int64)
    codes, val = _last_of_each(src * n + dst, val)
    src, dst = codes // n, codes % n
    epr_pairs = None
    if protocol == "undirected":
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        keep = lo != hi
        pair = lo[keep] * n + hi[keep]
        order = np.argsort(pair, kind="stable")
        pair, v = pair[order], val[keep][order]
        codes, start = np.unique(pair, return_index=True)
        val = np.maximum.reduceat(v, start) if len(v) else v
        t_lo, t_hi = np.minimum(ts, tt), np.maximum(ts, tt)
        truth = np.unique(t_lo[t_lo != t_hi] * n + t_hi[t_lo != t_hi])
        n_pairs = n * (n - 1) // 2
    else:
        if protocol == "beeline":
            nodes = np.unique(np.r_[ts, tt])
            keep = np.isin(src, nodes) & np.isin(dst, nodes) & (src != dst)
            n_pairs = len(nodes) * (len(nodes) - 1)
            regulators = np.unique(ts)
            epr_keep = np.isin(src, regulators) & np.isin(dst, nodes) & (src != dst)
            epr_pairs = len(regulators) * (len(nodes) - 1)
        else:
            rows = np.arange(n) if tf_index is None else np.unique(np.asarray(tf_index, dtype=np.int64))
            keep = np.isin(src, rows) & (src != dst)
            n_pairs = len(rows) * (n - 1)
            ts, tt = ts[np.isin(ts, rows)], tt[np.isin(ts, rows)]
        truth = np.unique(ts[ts != tt] * n + tt[ts != tt])
        if epr_pairs is not None:
            scored = epr_keep & (val > 0)
            epr = _early_precision(np.isin(codes[scored], truth).astype(np.int8), val[scored], len(truth), epr_pairs)
        codes, val = codes[keep], val[keep]
    scored = val > 0
    y, s = np.isin(codes[scored], truth).astype(np.int8), val[scored]
    n_true = len(truth)
    if epr_pairs is None:
        epr = _early_precision(y, s, n_true, n_pairs)
    density = n_true / max(n_pairs, 1)
    if n_true == 0 or n_true == n_pairs:
        auprc = auroc = float("nan")
    else:
        auprc, auroc = _ranking_scores(y, s, n_true, n_pairs)
    return {"auprc": auprc, "auroc": auroc, "auprc_ratio": auprc / density if density > 0 else float("nan"),
            "epr": epr, "chance": density, "n_true_edges": n_true, "n_pairs": n_pairs, "density": density}
