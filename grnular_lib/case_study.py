"""The mESC case study of the paper (§3.4, Figs. 9–11): GO-term genes in a predicted network, the subnetwork above a
score threshold, the ranked regulators of a target gene and expression trends along pseudotime.

Scores are the genes × genes matrices of :func:`grnular_lib.infer.score_matrix` (row = regulator, column = target);
:func:`scaled_scores` divides them by their maximum so that a threshold such as the paper's 0.22 has a fixed meaning
(the paper does not say on which scale its threshold was set).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import ranksums
from statsmodels.nonparametric.smoothers_lowess import lowess

from .errors import InputError
from .network import edges_from_matrix


def scaled_scores(scores: np.ndarray) -> np.ndarray:
    """``|scores|`` divided by their maximum (so in [0, 1]); an all-zero matrix is returned unchanged."""
    S = np.abs(np.asarray(scores, dtype=np.float64))
    top = S.max() if S.size else 0.0
    return S / top if top > 0 else S


def gene_set_scores(scores: np.ndarray, genes: Sequence[str], selected: Sequence[str],
                    tf_index: np.ndarray) -> pd.DataFrame:
    """Interaction scores among all genes and among the ``selected`` genes (Fig. 9).

    A pair ``{i, j}`` scores ``max(S[i, j], S[j, i])``; only pairs with at least one TF are candidates (a TF-aware
    model scores nothing else). Returns columns ``group`` ("all genes" / "GO genes") and ``score``; the GO pairs
    are a subset of all pairs, as in the paper.
    """
    S = np.maximum(np.abs(scores), np.abs(scores).T)
    n = len(genes)
    is_tf = np.zeros(n, dtype=bool)
    is_tf[np.asarray(tf_index, dtype=np.int64)] = True
    pos = {g: i for i, g in enumerate(genes)}
    chosen = np.zeros(n, dtype=bool)
    chosen[[pos[g] for g in selected if g in pos]] = True
    if chosen.sum() < 2:
        raise InputError(f"only {int(chosen.sum())} of the GO genes are in the network; choose other GO terms")
    r, c = np.triu_indices(n, 1)
    cand = is_tf[r] | is_tf[c]
    r, c = r[cand], c[cand]
    inside = chosen[r] & chosen[c]
    return pd.concat([pd.DataFrame({"group": "all genes", "score": S[r, c]}),
                      pd.DataFrame({"group": "GO genes", "score": S[r[inside], c[inside]]})], ignore_index=True)


def rank_sum_greater(scores: pd.DataFrame) -> float:
    """One-sided Wilcoxon rank-sum p-value that "GO genes" scores exceed "all genes" scores (scipy)."""
    go = scores.loc[scores["group"] == "GO genes", "score"]
    every = scores.loc[scores["group"] == "all genes", "score"]
    if len(go) == 0:
        raise InputError("no scored pair among the GO genes; choose GO terms with more genes in the network")
    return float(ranksums(go, every, alternative="greater").pvalue)


def thresholded_subnetwork(scores: np.ndarray, genes: Sequence[str], selected: Sequence[str], tf_index: np.ndarray,
                           *, threshold: float) -> pd.DataFrame:
    """Edges ``TF → target`` among the ``selected`` genes whose scaled score (:func:`scaled_scores`) exceeds
    ``threshold`` (Fig. 11), as an arboreto edge list ``TF, target, importance``."""
    S = scaled_scores(scores)
    keep = np.isin(np.asarray(genes), list(selected))
    S[~keep, :] = 0.0
    S[:, ~keep] = 0.0
    edges = edges_from_matrix(S, list(genes), tf_index)
    return edges[edges["importance"] > threshold].reset_index(drop=True)


def ranked_regulators(scores: np.ndarray, genes: Sequence[str], tf_index: np.ndarray, target: str) -> pd.DataFrame:
    """Every TF ranked by its scaled score as a regulator of ``target`` (columns ``rank, TF, score``)."""
    if target not in genes:
        raise InputError(f"target gene {target!r} is not in the data; choose one of its genes (e.g. CFC1)")
    S = scaled_scores(scores)
    j = list(genes).index(target)
    tf_index = np.asarray(tf_index, dtype=np.int64)
    tf_index = tf_index[tf_index != j]
    table = pd.DataFrame({"TF": np.asarray(genes)[tf_index], "score": S[tf_index, j]})
    table = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def lowess_trends(expression: np.ndarray, genes: Sequence[str], pseudotime: np.ndarray, regulators: Sequence[str],
                  *, frac: float = 0.4) -> pd.DataFrame:
    """LOWESS fits (statsmodels) of each regulator's expression along pseudotime, with a ± one standard deviation
    band from a LOWESS fit of the squared residuals (Fig. 10). Cells with missing pseudotime are left out.

    Returns columns ``gene, pseudotime, fit, sd`` (one row per cell and gene, sorted by pseudotime).
    """
    if not 0 < frac <= 1:
        raise InputError(f"lowess_frac={frac!r}: the LOWESS span is a fraction of the cells in (0, 1]")
    t = np.asarray(pseudotime, dtype=np.float64)
    ok = np.isfinite(t)
    missing = [g for g in regulators if g not in genes]
    if missing:
        raise InputError(f"gene(s) {missing} are not in the data; choose genes of the expression matrix")
    rows = []
    for g in regulators:
        y = np.asarray(expression[:, list(genes).index(g)], dtype=np.float64)[ok]
        fit = lowess(y, t[ok], frac=frac, return_sorted=False)
        var = lowess((y - fit) ** 2, t[ok], frac=frac, return_sorted=False)
        rows.append(pd.DataFrame({"gene": g, "pseudotime": t[ok], "fit": fit, "sd": np.sqrt(np.clip(var, 0, None))}))
    return pd.concat(rows, ignore_index=True).sort_values(["gene", "pseudotime"], kind="stable")
