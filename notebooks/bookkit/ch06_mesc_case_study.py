"""Chapter 6, the mESC case study (Figs. 9–11): the data, the network, the GO gene sets, and the paper's statements.

The statistics themselves are in :mod:`grnular_lib.case_study`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from grnular_lib.dataset import GRNDataset
from grnular_lib.errors import InputError

from .settings import model_checkpoints


def data() -> tuple[GRNDataset, pd.Series]:
    """The data: the mESC TFs+500 matrix plus CFC1 and its pseudotime
    (:func:`grnular_lib.data.load_mesc_case_study`)."""
    from grnular_lib.data import load_mesc_case_study

    return load_mesc_case_study()


def scores(data: GRNDataset, params: dict[str, Any]) -> np.ndarray:
    """The genes × genes network of ``params["method"]`` on the case-study data, with the TF list."""
    from grnular_lib.infer import score_matrix

    ck = model_checkpoints(params)
    return score_matrix(data.expression, data.tf_index, params["method"], checkpoint=ck.get(params["method"]),
                        seed=params["seed"])


def go_genes(data: GRNDataset, params: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """The chosen GO terms' gene sets and the union of their genes that are in the data (in gene order)."""
    from grnular_lib.data import read_go_sets

    sets = read_go_sets(params["go_terms"])
    wanted = set().union(*map(set, sets.values()))
    return sets, [g for g in data.genes if g in wanted]


def go_term_table(sets: dict[str, list[str]], data: GRNDataset) -> pd.DataFrame:
    """Per GO term: its size, how many of its genes are in the data, and how many of those are TFs."""
    genes, tfs = set(data.genes), set(data.tfs)
    return pd.DataFrame([{"GO term": term, "genes": len(g), "in the network": len(set(g) & genes),
                          "TFs among them": len(set(g) & tfs)} for term, g in sets.items()]).set_index("GO term")


def gene_along_pseudotime(data: GRNDataset, pseudotime: pd.Series, gene: str) -> pd.DataFrame:
    """One gene's expression per cell with its pseudotime (cells with missing pseudotime left out).

    Parameters
    ----------
    data
        The case-study data (:func:`data`).
    pseudotime
        Pseudotime per cell in the expression's cell order, NaN where missing, as :func:`data` returns it.
    gene
        One of ``data.genes`` (the chapter passes ``target``); any other raises an ``InputError``.

    Returns
    -------
    pandas.DataFrame
        Columns ``pseudotime`` and ``expression``, indexed by cell (``pseudotime``'s index).
    """
    if gene not in data.genes:
        raise InputError(f"gene {gene!r} is not in the data; choose one of its genes (e.g. CFC1)")
    frame = pd.DataFrame({"pseudotime": pseudotime.to_numpy(),
                          "expression": data.expression[:, data.genes.index(gene)]}, index=pseudotime.index)
    return frame.dropna(subset=["pseudotime"])


def _ranked_methods(params: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*params["rank_methods"], *params["rank_full_only"]]))


def robustness(data: GRNDataset, params: dict[str, Any], *, client: Any = None
               ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The regulators' ranks for every method of ``rank_methods`` (all cells with each of ``rank_seeds``, and
    ``rank_resamples`` bootstrap resamples of the cells) and of ``rank_full_only`` (all cells, ``seed`` only).

    Parameters
    ----------
    data
        The case-study data (:func:`data`).
    params
        The chapter's parameters: ``rank_methods``, ``rank_full_only``, ``rank_seeds``, ``rank_resamples``, ``seed``,
        ``target`` and ``regulators`` are read, and ``model_setting`` for the unrolled models' checkpoints.
    client
        Optional Dask client for the baselines that parallelise over targets (``None``: serial).

    Returns
    -------
    (runs, networks)
        :func:`grnular_lib.rank_robustness.rank_runs`'s table, and each method's network on all cells with ``seed``
        (label → genes × genes scores), for the GO test.
    """
    from grnular_lib import rank_robustness as rr
    from grnular_lib.infer import score_matrix
    from grnular_lib.methods import method_label

    ck = model_checkpoints(params)
    full: dict[str, np.ndarray] = {}

    def score(X: np.ndarray, tf_index: np.ndarray, method: str, seed: int) -> np.ndarray:
        S = score_matrix(X, tf_index, method, checkpoint=ck.get(method), seed=seed, client=client)
        if X is data.expression and seed == params["seed"]:
            full[method_label(method)] = S
        return S

    heavy = [m for m in params["rank_full_only"] if m not in params["rank_methods"]]
    runs = rr.rank_runs(data.expression, data.genes, data.tf_index, params["target"], params["regulators"],
                        _ranked_methods(params),
                        seeds={**{m: params["rank_seeds"] for m in params["rank_methods"]},
                               **{m: [params["seed"]] for m in heavy}},
                        n_resamples={**{m: params["rank_resamples"] for m in params["rank_methods"]},
                                     **{m: 0 for m in heavy}},
                        resample_seed=params["seed"], base_seed=params["seed"], score=score)
    return runs, full


#: The paper's claim on the regulators of CFC1: these rank above :data:`CLAIM_BELOW`.
CLAIM_ABOVE = ("SOX7", "SOX17")
CLAIM_BELOW = "SOX2"


def claim_by_method(runs: pd.DataFrame) -> pd.DataFrame | None:
    """Per method, how often SOX7 and SOX17 rank above SOX2 (``None`` when the three are not all followed)."""
    from grnular_lib.rank_robustness import claim_support

    if not {*CLAIM_ABOVE, CLAIM_BELOW} <= set(runs["regulator"]):
        return None
    return claim_support(runs, above=CLAIM_ABOVE, below=CLAIM_BELOW)


def robustness_note(runs: pd.DataFrame, params: dict[str, Any]) -> str:
    """One line under the rank figure: which methods ran on resamples and seeds, which on all cells only, and which
    registered methods that take the TF list this profile left out."""
    from grnular_lib.methods import METHODS

    ran = set(_ranked_methods(params))
    left_out = [m.label for m in METHODS.values() if m.uses_tfs and m.name not in ran]
    resampled = ", ".join(runs.loc[runs["source"] == "bootstrap", "method"].unique()) or "no method"
    return (f"{params['rank_resamples']} resamples and seeds {params['rank_seeds']} for {resampled}; all cells only "
            f"for the others. Not run in the {params['profile']} profile: {', '.join(left_out) or 'none'}.")


def support_table(runs: pd.DataFrame) -> pd.DataFrame | str:
    """:func:`claim_by_method` for the reader (rounded; without the registry names, without a kind of run that no
    method had, and "not run" where one method had none of a kind), or a sentence when the three regulators are not
    all followed."""
    support = claim_by_method(runs)
    if support is None:
        return f"{', '.join((CLAIM_BELOW, *CLAIM_ABOVE))} are not all among the regulators followed"
    shown = support.drop(columns="method_id").dropna(axis=1, how="all")  # e.g. no seed column when one seed ran
    return shown.round(2).astype(object).where(shown.notna(), "not run")


def go_test_table(networks: dict[str, np.ndarray], data: GRNDataset, go_genes: list[str]) -> pd.DataFrame:
    """The Wilcoxon test of Fig. 9 for each method's network (:func:`grnular_lib.case_study.go_tests`), the
    p-value in two significant digits and the rest rounded.

    Parameters
    ----------
    networks
        Label → genes × genes scores, one network per method (the second result of :func:`robustness`).
    data
        The case-study data the networks were inferred on (its genes and TF columns are read).
    go_genes
        The chosen GO terms' genes that are in the data (the second result of :func:`go_genes`); at least two.

    Returns
    -------
    pandas.DataFrame
        One row per method (index ``method``): ``p_value`` (as text), ``prob_superiority``, ``rank_biserial``,
        ``n_go``, ``n_all``, ``median_go`` and ``median_all`` (:func:`grnular_lib.case_study.rank_sum_test`).
    """
    from grnular_lib.case_study import go_tests

    table = go_tests(networks, data.genes, go_genes, data.tf_index).set_index("method")
    table = table.assign(p_value=table["p_value"].map("{:.2g}".format))
    return table[["p_value", "prob_superiority", "rank_biserial", "n_go", "n_all", "median_go", "median_all"]].round(3)


#: TFs of the paper's Fig. 11 subnetwork (known in stem-cell differentiation, embryo development or NOTCH signalling).
PAPER_SUBNETWORK_TFS = ("SOX7", "SOX17", "MTF2", "GATA6", "CITED2", "NOTCH1", "RBPJ")


def paper_vs_run(*, p_value: float, regulators: pd.DataFrame, fits: pd.DataFrame,
                 subnetwork: pd.DataFrame, target: str, n_go_genes: int,
                 support: pd.DataFrame | None = None) -> pd.DataFrame:
    """"Paper vs this run" of chapter 6 (Figs. 9–11), from the case study's executed results.

    Parameters
    ----------
    p_value
        The Fig. 9 test's p-value for the analysed network (:func:`grnular_lib.case_study.rank_sum_greater`); the
        statement holds below 0.05.
    regulators
        The target's TFs ranked, columns ``TF`` and ``rank`` (:func:`grnular_lib.case_study.ranked_regulators`).
    fits
        LOWESS fits, columns ``gene``, ``pseudotime`` and ``fit`` (:func:`grnular_lib.case_study.lowess_trends`);
        a gene's trend is its mean fit over the latest tenth of the cells minus that over the earliest tenth.
    subnetwork
        The thresholded subnetwork among the GO genes, columns ``TF`` and ``target``
        (:func:`grnular_lib.case_study.thresholded_subnetwork`), searched for :data:`PAPER_SUBNETWORK_TFS`.
    target
        The gene whose regulators were ranked (the paper's CFC1), for the statements' wording.
    n_go_genes
        How many GO genes are in the network, for the "this run" text of Fig. 9.
    support
        :func:`claim_by_method`'s table; when given, a row on the SOX statement across methods, seeds and resampled
        cells is added.

    Returns
    -------
    pandas.DataFrame
        Index ``claim``; columns ``paper``, ``this run`` and ``holds here`` (``yes``, ``partly``, ``no`` or
        ``not run``).
    """
    rank = dict(zip(regulators["TF"], regulators["rank"]))
    genes_in_net = set(subnetwork["TF"]) | set(subnetwork["target"])
    found_tfs = [t for t in PAPER_SUBNETWORK_TFS if t in genes_in_net]
    trend = {}
    for gene, f in fits.groupby("gene"):
        f = f.sort_values("pseudotime")
        k = max(1, len(f) // 10)
        trend[gene] = float(f["fit"].iloc[-k:].mean() - f["fit"].iloc[:k].mean())

    def verdict(ok: bool | None) -> str:
        return "not run" if ok is None else ("yes" if ok else "no")

    sox = [g for g in ("SOX2", "SOX7", "SOX17") if g in rank]
    above = (all(rank[g] < rank["SOX2"] for g in ("SOX7", "SOX17")) if len(sox) == 3 else None)
    rows = [
        ("Scores among GO genes exceed scores among all genes (Fig. 9)", "p = 1.3e-14 (32 of 286 genes)",
         f"p = {p_value:.2g} ({n_go_genes} GO genes in the network)", verdict(p_value < 0.05)),
        (f"SOX7 and SOX17 rank above SOX2 as regulators of {target}", "SOX7, SOX17 predicted; SOX2 not",
         ", ".join(f"{g} rank {rank[g]}" for g in sox) or "SOX genes absent", verdict(above)),
        ("SOX2 falls and SOX7, SOX17 rise along pseudotime (Fig. 10)", "yes",
         ", ".join(f"{g} {'+' if d > 0 else ''}{d:.2f}" for g, d in trend.items()) + " (late − early LOWESS fit)",
         verdict(trend.get("SOX2", 0) < 0 and trend.get("SOX7", 0) > 0 and trend.get("SOX17", 0) > 0
                 if {"SOX2", "SOX7", "SOX17"} <= set(trend) else None)),
        ("The thresholded subnetwork holds the paper's TFs (Fig. 11)", ", ".join(PAPER_SUBNETWORK_TFS),
         f"{len(found_tfs)} of {len(PAPER_SUBNETWORK_TFS)}: {', '.join(found_tfs) or 'none'}",
         "yes" if len(found_tfs) == len(PAPER_SUBNETWORK_TFS) else ("no" if not found_tfs else "partly")),
    ]
    if support is not None:
        from grnular_lib.rank_robustness import verdict_across

        across = verdict_across(support)
        runs_of = {r.method: f"{r.method} ({r.runs} run{'s' if r.runs > 1 else ''})" for r in support.itertuples()}
        ok = support["verdict"].str.startswith("holds")
        held = ", ".join(runs_of[m] for m in support.loc[ok, "method"]) or "no method"
        not_held = ", ".join(runs_of[m] for m in support.loc[~ok, "method"])
        rows.append((f"SOX7 and SOX17 above SOX2 for {target}, across methods, seeds and resampled cells",
                     "one network from one model",
                     f"{across}: holds for {held}" + (f"; not for {not_held}" if not_held else ""),
                     {"holds": "yes", "holds for some methods": "partly"}.get(across, "no")))
    return pd.DataFrame(rows, columns=["claim", "paper", "this run", "holds here"]).set_index("claim")
