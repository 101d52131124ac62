"""Per-pair evidence whose meaning does not change with the size of the problem.

The learned parts of ``grnular-rank`` see, for every (TF, gene) pair, seven kinds of evidence computed from the
expression matrix, each turned into features that have the same distribution at 100 and at 2,000 genes, at 200 and at
5,000 cells:

- ``corr``: |Pearson correlation| of the z-scored genes;
- ``spearman``: |Spearman correlation| (Pearson on average ranks; robust to dropout zeros and count noise);
- ``pcorr``: |partial correlation| from ``inv(C + (0.1 + (genes / cells)²) I)``, C the gene correlation matrix;
- ``ridge``: |coefficient| of a ridge regression of each z-scored gene on the z-scored TFs other than itself
  (penalty 0.01 + (TFs / cells)² on the correlation scale), the linear model of the paper's Eq. 2;
- ``ridge_rank``: the same regression on average ranks (a monotone, non-linear version);
- ``corr_knn``: |Pearson correlation| after each cell is replaced by the mean of its nearest neighbours
  (:func:`knn_smooth`: ``k ≈ √cells / 2`` neighbours in the top principal components of the z-scored genes), the
  co-expression that survives count noise and dropout (the idea of MAGIC/kNN imputation, in its simplest form);
- ``ridge_knn``: the ridge coefficients of ``ridge`` on those smoothed cells (penalty 0.1 + (TFs / cells)²: smoothing
  makes neighbouring cells alike, so the fit needs more shrinkage), the conditional evidence that survives the noise.

For each of them the features are: the quantile of the pair among the TFs of its target (``*_colq``, 0 = weakest
TF of that target, 1 = strongest), the quantile among the targets of its TF (``*_rowq``), the value divided by the
target's best TF (``*_colrel``) and by the TF's best target (``*_rowrel``), the quantile among all scored pairs
(``*_allq``); plus the values themselves (all seven kinds have a size-free meaning; capped at 1) and, per target,
the fraction of its variance the TFs explain in the two ridge fits (``target_r2``, ``target_r2_rank``: how much of
the gene is regulated by the TFs at all); per TF, the quantile among the TFs of its mean |correlation| with all
genes, before and after smoothing (``tf_breadth_tfq``, ``tf_breadth_knn_tfq``: a hub TF that regulates most genes
co-varies with most of them, as in DS1, where two of 10 TFs each regulate 76 of the 100 genes); and three descriptors of
the whole problem (:func:`problem_context`: zeros, how well TFs explain genes, how strongly genes follow their best
TF) that tell the learned parts which kind of data they see without naming its size.
Quantiles use average ranks, so ties (e.g. constant genes) give the same feature whatever the order of genes or TFs.
Nothing is scaled by a whole-matrix maximum. Self pairs (a TF and its own column) are 0 and never scored.

Everything is computed in float64 with NumPy/SciPy, once per problem; the features are then float32.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.stats import rankdata

from ..baselines import standardise

#: kinds of per-pair evidence, in feature order
EVIDENCE_KINDS: tuple[str, ...] = ("corr", "spearman", "pcorr", "ridge", "ridge_rank", "corr_knn", "ridge_knn")
#: normalisations of each kind (see the module docstring)
NORMALISATIONS: tuple[str, ...] = ("colq", "rowq", "colrel", "rowrel", "allq")
#: kinds whose value itself enters as a feature (capped at 1)
RAW_KINDS: tuple[str, ...] = EVIDENCE_KINDS
#: descriptors of a TF, the same for all its pairs: quantiles among the TFs (see the module docstring)
TF_DESCRIPTORS: tuple[str, ...] = ("tf_breadth_tfq", "tf_breadth_knn_tfq")
#: descriptors of the whole problem, the same for every pair (see :func:`problem_context`)
CONTEXT: tuple[str, ...] = ("zero_fraction", "median_target_r2", "median_best_corr")
#: every feature name, in the order of the last axis of :func:`evidence_features`
FEATURE_NAMES: tuple[str, ...] = (*(f"{k}_{n}" for k in EVIDENCE_KINDS for n in NORMALISATIONS), *RAW_KINDS,
                                   "target_r2", "target_r2_rank", *TF_DESCRIPTORS, *CONTEXT)
#: ridge penalty on the correlation scale (alpha / n_cells for data z-scored per gene), plus (TFs / cells)²: with as
#: many TFs as cells (BEELINE's gene sets) a barely penalised fit explains every gene and its coefficients are noise;
#: squared, the extra penalty is negligible while the TFs are few per cell (simulated data, DS1–3)
RIDGE_PENALTY = 0.01
#: ridge penalty of ``ridge_knn`` (plus (TFs / cells)², as for ``ridge``)
KNN_RIDGE_PENALTY = 0.1
#: diagonal loading of the partial correlations, plus (genes / cells)² for the same reason
PCORR_SHRINK = 0.1
#: principal components that define the cells' neighbours in :func:`knn_smooth`
KNN_COMPONENTS = 30


def knn_smooth(X: np.ndarray) -> np.ndarray:
    """Each cell replaced by the mean of its ``k = max(5, round(√cells / 2))`` nearest cells (itself included).

    Neighbours are found by exact Euclidean distance in the top :data:`KNN_COMPONENTS` principal components of the
    z-scored genes (from the eigendecomposition of the smaller of the two Gram matrices); the mean is taken on the
    scale ``X`` is given in. ``k`` grows with the square root of the number of cells, so the neighbourhood is a
    similar share of a cell's local density at 200 and at 5,000 cells.
    """
    from sklearn.neighbors import NearestNeighbors

    X = np.asarray(X, dtype=np.float64)
    M = X.shape[0]
    k = min(M, max(5, int(round(np.sqrt(M) / 2))))
    Z = standardise(X)
    by_cells = M <= Z.shape[1]  # eigendecompose cells × cells when cells are fewer than genes, else genes × genes
    w, V = np.linalg.eigh(Z @ Z.T if by_cells else Z.T @ Z)
    top = np.argsort(w)[::-1][:KNN_COMPONENTS]
    P = V[:, top] * np.sqrt(np.clip(w[top], 0.0, None)) if by_cells else Z @ V[:, top]
    idx = NearestNeighbors(n_neighbors=k).fit(P).kneighbors(P, return_distance=False)
    W = sparse.csr_matrix((np.full(idx.size, 1.0 / k), idx.ravel(), np.arange(0, idx.size + 1, k)), shape=(M, M))
    return np.asarray(W @ X)


def _ridge_without_self(C_tf: np.ndarray, tf_index: np.ndarray, penalty: float) -> np.ndarray:
    """TFs × genes ridge coefficients of every gene on the TFs, a TF's own column left out of its regression.

    ``C_tf`` holds the TFs' rows of the genes' correlation matrix (TFs × genes): all the fit needs. All TF targets
    are solved at once from the inverse H of the TFs' penalised Gram matrix with the block-inverse identity
    ``inv(G₋ⱼ₋ⱼ) = H₋ⱼ₋ⱼ − H₋ⱼⱼ Hⱼ₋ⱼ / Hⱼⱼ``: the same coefficients as T separate fits.
    """
    T = len(tf_index)
    H = np.linalg.inv(C_tf[:, tf_index] + penalty * np.eye(T))
    B = H @ C_tf
    Bt = B[:, tf_index]
    Bt = Bt - H * (np.diagonal(Bt) / np.diagonal(H))[None, :]
    np.fill_diagonal(Bt, 0.0)
    B[:, tf_index] = Bt
    return B


def _quantiles(F: np.ndarray, axis: int) -> np.ndarray:
    n = F.shape[axis]
    return (rankdata(F, axis=axis, method="average") - 1.0) / max(n - 1, 1)


def _relative(F: np.ndarray, axis: int) -> np.ndarray:
    top = F.max(axis=axis, keepdims=True)
    return np.divide(F, top, out=np.zeros_like(F), where=top > 0)


def _all_quantiles(F: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = np.zeros_like(F)
    out[keep] = (rankdata(F[keep], method="average") - 1.0) / max(int(keep.sum()) - 1, 1)
    return out


def pair_evidence(X: np.ndarray, tf_index: np.ndarray) -> dict[str, np.ndarray]:
    """The seven kinds of evidence (TFs × genes, ≥ 0, self pairs 0) of a cells × genes matrix, and the fraction of
    each gene's variance that the TFs explain in the two ridge fits (``target_r2``, ``target_r2_rank``, per gene).

    Parameters
    ----------
    X
        Cells × genes expression on any scale (genes are z-scored or ranked here); finite.
    tf_index
        TF columns of ``X``, distinct.
    """
    tf = np.asarray(tf_index, dtype=np.int64)
    M, D = X.shape
    Z = standardise(X)
    R = standardise(rankdata(np.asarray(X, dtype=np.float64), axis=0, method="average"))
    C = Z.T @ Z / M
    Cr_tf = R[:, tf].T @ R / M  # the TFs' rows: all the rank-based evidence needs
    P = np.linalg.inv(C + (PCORR_SHRINK + (D / M) ** 2) * np.eye(D))
    d = np.sqrt(np.clip(np.diagonal(P), 1e-12, None))
    pcorr = P[tf] / d[tf, None] / d[None, :]
    crowding = (len(tf) / M) ** 2  # matters only as the TFs approach the cells in number
    ridge = _ridge_without_self(C[tf], tf, RIDGE_PENALTY + crowding)
    ridge_rank = _ridge_without_self(Cr_tf, tf, RIDGE_PENALTY + crowding)
    S = standardise(knn_smooth(X))
    Cs_tf = S[:, tf].T @ S / M
    out = {"corr": np.abs(C[tf]), "spearman": np.abs(Cr_tf), "pcorr": np.abs(pcorr), "ridge": np.abs(ridge),
           "ridge_rank": np.abs(ridge_rank), "corr_knn": np.abs(Cs_tf),
           "ridge_knn": np.abs(_ridge_without_self(Cs_tf, tf, KNN_RIDGE_PENALTY + crowding))}
    rows = np.arange(len(tf))
    for F in out.values():
        F[rows, tf] = 0.0
    # R² of each gene's ridge fit: b·c for standardised data (the fitted part's covariance with the gene)
    out["target_r2"] = np.clip(np.einsum("tg,tg->g", ridge, C[tf]), 0.0, 1.0)
    out["target_r2_rank"] = np.clip(np.einsum("tg,tg->g", ridge_rank, Cr_tf), 0.0, 1.0)
    return out


def problem_context(X: np.ndarray, evidence: dict[str, np.ndarray]) -> dict[str, float]:
    """What kind of data a problem is, in numbers that do not grow or shrink with its size.

    ``zero_fraction``: the fraction of exact zeros in the matrix (dropout, counts); ``median_target_r2``: the median
    over genes of the fraction of variance the TFs explain; ``median_best_corr``: the median over genes of the
    |correlation| with the gene's best TF. An unrelated block of extra genes leaves all three unchanged.
    """
    return {"zero_fraction": float(np.mean(np.asarray(X) == 0)),
            "median_target_r2": float(np.median(evidence["target_r2"])),
            "median_best_corr": float(np.median(evidence["corr"].max(axis=0)))}


def evidence_features(X: np.ndarray, tf_index: np.ndarray) -> np.ndarray:
    """TFs × genes × features float32 array of :data:`FEATURE_NAMES` (self pairs all 0).

    Parameters
    ----------
    X
        Cells × genes expression (finite).
    tf_index
        TF columns of ``X``, distinct; at least one.
    """
    tf = np.asarray(tf_index, dtype=np.int64)
    evidence = pair_evidence(X, tf)
    keep = np.ones(evidence["corr"].shape, dtype=bool)
    keep[np.arange(len(tf)), tf] = False
    out = np.empty((*keep.shape, len(FEATURE_NAMES)), dtype=np.float32)
    k = 0
    for kind in EVIDENCE_KINDS:
        F = evidence[kind]
        for f in (_quantiles(F, 0), _quantiles(F, 1), _relative(F, 0), _relative(F, 1), _all_quantiles(F, keep)):
            out[..., k] = f
            k += 1
    for kind in RAW_KINDS:
        out[..., k] = np.minimum(evidence[kind], 1.0)
        k += 1
    for kind in ("target_r2", "target_r2_rank"):
        out[..., k] = evidence[kind][None, :]
        k += 1
    for kind in ("corr", "corr_knn"):  # tf_breadth_tfq, tf_breadth_knn_tfq
        out[..., k] = _quantiles(evidence[kind].mean(axis=1), 0)[:, None]
        k += 1
    for value in problem_context(X, evidence).values():
        out[..., k] = value
        k += 1
    out[np.arange(len(tf)), tf] = 0.0
    return out


__all__ = ["EVIDENCE_KINDS", "FEATURE_NAMES", "evidence_features", "knn_smooth", "pair_evidence"]
