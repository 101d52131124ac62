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
from scipy.stats import mannwhitneyu
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


def rank_sum_test(scores: pd.DataFrame) -> dict[str, float]:
    """One-sided Wilcoxon rank-sum (Mann–Whitney) test that "GO genes" scores exceed "all genes" scores, with its
    effect size (scipy's :func:`~scipy.stats.mannwhitneyu`, normal approximation with tie correction).

    Returns
    -------
    dict
        ``p_value``; ``prob_superiority`` = U / (n_GO · n_all), the probability that a GO pair outscores a pair of
        all genes (ties count one half; 0.5 = no effect); ``rank_biserial`` = 2 · prob_superiority − 1 (in [−1, 1]);
        ``n_go``, ``n_all``, ``median_go``, ``median_all``.
    """
    go = scores.loc[scores["group"] == "GO genes", "score"].to_numpy(dtype=np.float64)
    every = scores.loc[scores["group"] == "all genes", "score"].to_numpy(dtype=np.float64)
    if len(go) == 0 or len(every) == 0:
        raise InputError("no scored pair among the GO genes; choose GO terms with more genes in the network")
    test = mannwhitneyu(go, every, alternative="greater", method="asymptotic")
    ps = float(test.statistic) / (len(go) * len(every))
    return {"p_value": float(test.pvalue), "prob_superiority": ps, "rank_biserial": 2 * ps - 1, "n_go": len(go),
            "n_all": len(every), "median_go": float(np.median(go)), "median_all": float(np.median(every))}


def rank_sum_greater(scores: pd.DataFrame) -> float:
    """The p-value of :func:`rank_sum_test`."""
    return rank_sum_test(scores)["p_value"]


def go_tests(networks: dict[str, np.ndarray], genes: Sequence[str], selected: Sequence[str],
             tf_index: np.ndarray) -> pd.DataFrame:
    """:func:`rank_sum_test` of GO-gene pairs vs all pairs for each network (label → genes × genes scores).

    Returns one row per network: ``method`` and the test's fields.
    """
    rows = [{"method": label, **rank_sum_test(gene_set_scores(S, genes, selected, tf_index))}
            for label, S in networks.items()]
    return pd.DataFrame(rows)


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


def target_neighbourhood(scores: np.ndarray, genes: Sequence[str], tf_index: np.ndarray, target: str, *,
                         n_regulators: int = 8, threshold: float = 0.0, max_among: int | None = None
                         ) -> pd.DataFrame:
    """The target's neighbourhood, small enough to read: its ``n_regulators`` best-scored TFs and the strongest
    ``max_among`` edges among them (default: ``n_regulators``; one direction per pair) whose scaled score
    (:func:`scaled_scores`) exceeds ``threshold``.

    Returns
    -------
    pandas.DataFrame
        ``TF, target, importance`` (scaled scores) and ``kind`` ("to target" / "among regulators"), strongest first;
        every regulator → target edge is listed whatever its score.
    """
    if n_regulators < 1:
        raise InputError(f"n_regulators={n_regulators!r}: give a positive number of regulators to draw")
    if not 0 <= threshold <= 1:
        raise InputError(f"threshold={threshold!r}: scores are scaled to [0, 1]; give a value between 0 and 1")
    top = ranked_regulators(scores, genes, tf_index, target).head(n_regulators)
    S = scaled_scores(scores)
    pos = {g: i for i, g in enumerate(genes)}
    rows = [{"TF": t, "target": target, "importance": float(v), "kind": "to target"}
            for t, v in zip(top["TF"], top["score"])]
    among = []
    for a in top["TF"]:
        for b in top["TF"]:
            v = S[pos[a], pos[b]]
            if a != b and v > threshold and (v > S[pos[b], pos[a]] or (v == S[pos[b], pos[a]] and a < b)):
                among.append({"TF": a, "target": b, "importance": float(v), "kind": "among regulators"})
    among = sorted(among, key=lambda r: -r["importance"])[:n_regulators if max_among is None else max_among]
    return pd.DataFrame(rows + among).sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


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
