"""How robust is a case study's ranking? Ranks of named regulators of a target over seeds and resampled cells.

A claim such as the paper's "SOX7 and SOX17 rank above SOX2 as regulators of CFC1" rests on one network from one
model. This module reruns every method on the same data with other seeds and on bootstrap resamples of the cells
(drawn with replacement, the same resamples for every method), ranks the named regulators of the target among the
TFs each time, summarises each rank with its median and a percentile interval, and judges the claim per method and
across methods. Ranks: 1 = the TF with the highest score for the target; tied scores share their average rank
(:func:`scipy.stats.rankdata`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .errors import InputError
from .methods import method_label

#: Fraction of the runs in which a claim must hold (or fail) for a method's verdict to be "holds" ("does not hold").
SUPPORT = 0.8
#: Verdicts across methods.
VERDICTS = ("holds", "holds for some methods", "does not hold")

ScoreFn = Callable[[np.ndarray, np.ndarray, str, int], np.ndarray]


def check_target_and_regulators(genes: Sequence[str], tf_index: Sequence[int], target: str,
                                 regulators: Sequence[str]) -> np.ndarray:
    """Refuse a target that is not a gene, or regulators that are not TFs other than the target, in one
    :class:`~grnular_lib.errors.InputError` each; returns the TF columns without the target.

    Parameters
    ----------
    genes
        The genes' names.
    tf_index
        The TFs' columns.
    target, regulators
        The gene whose regulators are ranked, and the TFs to rank.
    """
    genes = list(genes)
    if target not in genes:
        raise InputError(f"target gene {target!r} is not in the data; choose one of its genes (e.g. CFC1)")
    j = genes.index(target)
    tf_index = np.asarray(tf_index, dtype=np.int64)
    tf_index = tf_index[tf_index != j]
    tf_names = {genes[i] for i in tf_index}
    missing = [r for r in regulators if r not in tf_names]
    if missing:
        raise InputError(f"regulator(s) {missing} are not TFs of the data; choose TFs (e.g. SOX2, SOX7, SOX17)")
    return tf_index


def regulator_ranks(scores: np.ndarray, genes: Sequence[str], tf_index: np.ndarray, target: str,
                    regulators: Sequence[str]) -> dict[str, float]:
    """Rank of each of ``regulators`` among the TFs (the target itself excluded) as a regulator of ``target``.

    Parameters
    ----------
    scores
        Genes × genes scores, row = regulator, column = target (the absolute value is used).
    genes
        Gene names in the order of ``scores``.
    tf_index
        Rows that are TFs.
    target
        The regulated gene.
    regulators
        TFs to rank; each must be among the TFs.

    Returns
    -------
    dict
        Regulator → rank (1 = best; ties get their average rank).
    """
    genes = list(genes)
    tf_index = check_target_and_regulators(genes, tf_index, target, regulators)
    tf_names = [genes[i] for i in tf_index]
    j = genes.index(target)
    col = np.abs(np.asarray(scores, dtype=np.float64)[tf_index, j])
    ranks = rankdata(-col, method="average")
    where = {g: k for k, g in enumerate(tf_names)}
    return {r: float(ranks[where[r]]) for r in regulators}


def bootstrap_cells(n_cells: int, n_resamples: int, *, seed: int = 0) -> list[np.ndarray]:
    """``n_resamples`` bootstrap resamples of ``n_cells`` cells (indices drawn with replacement, sorted)."""
    if n_cells < 2 or n_resamples < 0:
        raise InputError(f"need ≥ 2 cells and ≥ 0 resamples; got {n_cells} cells and {n_resamples} resamples")
    rng = np.random.default_rng(seed)
    return [np.sort(rng.integers(0, n_cells, n_cells)) for _ in range(n_resamples)]


def _default_score(checkpoints: dict[str, str] | None, client: Any) -> ScoreFn:
    from .infer import score_matrix

    def run(X: np.ndarray, tf_index: np.ndarray, method: str, seed: int) -> np.ndarray:
        return score_matrix(X, tf_index, method, checkpoint=(checkpoints or {}).get(method), seed=seed, client=client)

    return run


def rank_runs(X: np.ndarray, genes: Sequence[str], tf_index: np.ndarray, target: str, regulators: Sequence[str],
              methods: Sequence[str], *, seeds: Sequence[int] | dict[str, Sequence[int]] = (0,),
              n_resamples: int | dict[str, int] = 20, resample_seed: int = 0, base_seed: int = 0,
              checkpoints: dict[str, str] | None = None, client: Any = None,
              score: ScoreFn | None = None) -> pd.DataFrame:
    """Rank of every regulator for every method: on all cells, per seed, and per bootstrap resample of the cells.

    Parameters
    ----------
    X, genes, tf_index
        Cells × genes expression, gene names, TF columns (every method gets the TF list).
    target, regulators
        The regulated gene and the TFs whose ranks are followed.
    methods
        Method names of :data:`grnular_lib.methods.METHODS`.
    seeds
        Seeds of the methods' own randomness, all cells (one list, or one per method: an expensive method may get
        fewer). Deterministic methods give the same rank for every seed.
    n_resamples
        Bootstrap resamples of the cells (one number, or one per method); resample ``k`` is the same for every
        method. Each resample is run with ``base_seed``.
    resample_seed
        Seed of the resampling.
    base_seed
        The seed of the "full data" run and of the resample runs.
    checkpoints
        Checkpoint per unrolled model (default: the shipped one).
    client
        Optional Dask client for the baselines.
    score
        ``score(X, tf_index, method, seed)`` → genes × genes scores; default :func:`grnular_lib.infer.score_matrix`.

    Returns
    -------
    pandas.DataFrame
        One row per method, run and regulator: ``method`` (label), ``method_id``, ``source`` ("full data", "seed" or
        "bootstrap"), ``run`` (the seed or resample number), ``regulator``, ``rank``, ``n_tfs``.
    """
    score = score or _default_score(checkpoints, client)
    X = np.asarray(X)
    per_seeds = seeds if isinstance(seeds, dict) else {m: seeds for m in methods}
    per_boot = n_resamples if isinstance(n_resamples, dict) else {m: n_resamples for m in methods}
    resamples = bootstrap_cells(X.shape[0], max([per_boot.get(m, 0) for m in methods] + [0]), seed=resample_seed)
    n_tfs = len(np.setdiff1d(np.asarray(tf_index), [list(genes).index(target)])) if target in genes else 0
    rows = []

    def add(method: str, source: str, run: int, S: np.ndarray) -> None:
        for reg, rank in regulator_ranks(S, genes, tf_index, target, regulators).items():
            rows.append({"method": method_label(method), "method_id": method, "source": source, "run": run,
                         "regulator": reg, "rank": rank, "n_tfs": n_tfs})

    for m in methods:
        add(m, "full data", base_seed, score(X, tf_index, m, base_seed))
        for s in per_seeds.get(m, ()):
            if s != base_seed:
                add(m, "seed", int(s), score(X, tf_index, m, int(s)))
        for k, idx in enumerate(resamples[:per_boot.get(m, 0)]):
            add(m, "bootstrap", k, score(X[idx], tf_index, m, base_seed))
    return pd.DataFrame(rows)


def rank_intervals(runs: pd.DataFrame, *, level: float = 0.9) -> pd.DataFrame:
    """Median rank and percentile interval per method, regulator and source of variation.

    ``source`` "seeds" pools the full-data run with the other seeds; "bootstrap" pools the resamples. Columns:
    ``method, method_id, regulator, source, rank`` (full-data rank), ``median, low, high, n_runs``.
    """
    if not 0 < level < 1:
        raise InputError(f"level={level!r}: the interval's coverage is a fraction in (0, 1), e.g. 0.9")
    full = runs[runs["source"] == "full data"].set_index(["method_id", "regulator"])["rank"]
    q = [(1 - level) / 2, (1 + level) / 2]
    out = []
    for source, part in (("seeds", runs[runs["source"].isin(["full data", "seed"])]),
                         ("bootstrap", runs[runs["source"] == "bootstrap"])):
        for (mid, method, reg), g in part.groupby(["method_id", "method", "regulator"], sort=False):
            lo, hi = np.quantile(g["rank"], q)
            out.append({"method": method, "method_id": mid, "regulator": reg, "source": source,
                        "rank": full.get((mid, reg), np.nan), "median": float(g["rank"].median()), "low": float(lo),
                        "high": float(hi), "n_runs": len(g)})
    return pd.DataFrame(out)


def claim_support(runs: pd.DataFrame, *, above: Sequence[str], below: str, support: float = SUPPORT
                  ) -> pd.DataFrame:
    """Per method: does "every regulator of ``above`` ranks better than ``below``" hold, and how often?

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method, method_id``, ``full data`` (holds on all cells, base seed), ``seeds`` and
        ``bootstrap`` (fraction of those runs in which it holds; NaN without such runs), ``runs`` (all runs) and
        ``verdict``: "holds" when it holds on the full data and in ≥ ``support`` of all runs, "does not hold" when
        it holds in ≤ 1 − ``support`` of all runs, else "unstable"; " (1 run)" is appended when the method ran only
        once (no robustness information).
    """
    wide = runs.pivot_table(index=["method_id", "method", "source", "run"], columns="regulator", values="rank")
    missing = [g for g in [*above, below] if g not in wide.columns]
    if missing:
        raise InputError(f"regulator(s) {missing} were not followed; pass them to rank_runs(regulators=…)")
    holds = np.logical_and.reduce([wide[a] < wide[below] for a in above]).astype(float)
    frame = pd.Series(holds, index=wide.index, name="holds").reset_index()
    out = []
    for (mid, method), g in frame.groupby(["method_id", "method"], sort=False):
        full = bool(g.loc[g["source"] == "full data", "holds"].iloc[0])
        seeds = g.loc[g["source"].isin(["full data", "seed"]), "holds"]
        boot = g.loc[g["source"] == "bootstrap", "holds"]
        share = float(g["holds"].mean())
        verdict = ("holds" if full and share >= support else "does not hold" if share <= 1 - support
                   else "unstable") + (" (1 run)" if len(g) == 1 else "")
        out.append({"method": method, "method_id": mid, "full data": full,
                    "seeds": float(seeds.mean()) if len(seeds) > 1 else np.nan,
                    "bootstrap": float(boot.mean()) if len(boot) else np.nan, "runs": len(g), "verdict": verdict})
    order = {m: k for k, m in enumerate(dict.fromkeys(runs["method_id"]))}
    return pd.DataFrame(out).sort_values("method_id", key=lambda s: s.map(order)).reset_index(drop=True)


def verdict_across(per_method: pd.DataFrame) -> str:
    """"holds" when it holds for every method, "holds for some methods" when for at least one, else "does not hold"
    (a method run once counts with its one run)."""
    if per_method.empty:
        raise InputError("no method was run; give at least one method")
    ok = per_method["verdict"].str.startswith("holds")
    return VERDICTS[0] if ok.all() else VERDICTS[1] if ok.any() else VERDICTS[2]
