"""Chapter 5, BEELINE real data (Fig. 8): every method on each dataset × ground truth, under the paper's protocol
and BEELINE's, and the paper's statements."""
from __future__ import annotations

import time
import warnings
from typing import Any

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim, best_method_claim
from grnular_lib.errors import InputError
from grnular_lib.methods import METHODS, method_label

from .settings import model_checkpoints
from .simulated import FLOOR_METHODS, PAPER_TF_METHODS


def results(params: dict[str, Any], *, client: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chapter 5: every method on each available BEELINE dataset × ground truth, under the paper's undirected
    protocol and BEELINE's directed one.

    Each method runs once per dataset; its network is scored against every ground truth and both protocols.

    Returns
    -------
    (results, availability)
        ``results`` has columns ``data`` (``"[S] mESC"`` …), ``dataset``, ``network``, ``protocol``, ``method``,
        ``method_id``, ``kind``, the scores of :func:`grnular_lib.metrics.score`, ``seconds`` and ``warnings`` (what
        the method warned on the dataset, "" if nothing); ``availability`` is
        :func:`grnular_lib.data.list_beeline` restricted to the chosen datasets, networks and gene set.
    """
    from grnular_lib.data import list_beeline, load_beeline
    from grnular_lib.infer import score_matrix
    from grnular_lib.metrics import score

    table = list_beeline()
    table = table[table["dataset"].isin(params["beeline_datasets"]) & table["network"].isin(params["beeline_networks"])
                  & (table["geneset"] == params["geneset"])].reset_index(drop=True)
    if table.empty:
        raise InputError(f"no BEELINE data for datasets {params['beeline_datasets']}, networks "
                         f"{params['beeline_networks']} and gene set {params['geneset']!r}; see list_beeline()")
    table["data"] = [beeline_label(d, n) for d, n in zip(table["dataset"], table["network"])]
    ck = model_checkpoints(params)
    rows = []
    for dataset, avail in table[table["available"]].groupby("dataset", sort=False):
        truths = {r.network: load_beeline(dataset, r.geneset, r.network, preprocessing=params["preprocessing"])
                  for r in avail.itertuples(index=False)}
        data = next(iter(truths.values()))
        for m in params["methods"]:
            with warnings.catch_warnings(record=True) as caught:  # counted by report.warning_summary
                warnings.simplefilter("always")
                t0 = time.perf_counter()
                S = score_matrix(data.expression, data.tf_index, m, checkpoint=ck.get(m), seed=params["seed"],
                                 client=client)
                seconds = time.perf_counter() - t0
            for network, d in truths.items():
                if d.genes != data.genes:
                    raise InputError(f"{dataset}: the gene sets of the {network} and the first network differ; "
                                     "the preprocessing must not depend on the ground truth")
                for protocol in ("undirected", "beeline"):
                    rows.append({"data": beeline_label(dataset, network), "dataset": dataset, "network": network,
                                 "protocol": protocol, "method": method_label(m), "method_id": m,
                                 "kind": METHODS[m].kind,
                                 **score(S, d.truth_matrix(), protocol=protocol, tf_index=d.tf_index),
                                 "seconds": seconds, "n_genes": d.n_genes, "n_tfs": len(d.tfs),
                                 "warnings": " | ".join(dict.fromkeys(str(w.message) for w in caught))})
    return pd.DataFrame(rows), table


#: BEELINE network → the paper's bracket code in Fig. 8.
NETWORK_CODES = {"STRING": "S", "NonSpecific-ChIP-seq": "N", "Specific-ChIP-seq": "C"}


def beeline_label(dataset: str, network: str) -> str:
    """Column label of Fig. 8, e.g. ``"[S] mESC"``."""
    return f"[{NETWORK_CODES.get(network, network)}] {dataset}"


def claims() -> list[Claim]:
    """The statements of §3.4 on BEELINE (Fig. 8), checked per dataset × network on the paper's protocol."""
    undirected = lambda c: Claim(c.claim, c.paper, lambda r: c.check(r[r["protocol"] == "undirected"]))  # noqa: E731
    return [
        undirected(best_method_claim("GRNUlar has the best AUPRC on every dataset × ground truth (Fig. 8)",
                                     "GRNUlar best in all 21 pairs", method="GRNUlar", among=PAPER_TF_METHODS,
                                     per=["data"])),
        undirected(best_method_claim("GRNUlar has the best AUROC on every dataset × ground truth (Fig. 8)",
                                     "GRNUlar best in all 21 pairs", method="GRNUlar", among=PAPER_TF_METHODS,
                                     metric="auroc", per=["data"])),
        undirected(best_method_claim("GLAD-TF beats GRNBoost2 and GENIE3 in AUPRC", "slightly better (Fig. 8)",
                                     method="GLAD-TF", among=("GRNBoost2", "GENIE3"), per=["data"])),
        undirected(best_method_claim("GRNUlar beats the simple floors in AUPRC", "not reported",
                                     method="GRNUlar", among=FLOOR_METHODS, per=["data"])),
    ]


def paper_vs_run(results: pd.DataFrame) -> pd.DataFrame:
    """The "paper vs this run" table of the chapter: one row per statement of :func:`claims`."""
    return cl.paper_vs_run(results, claims())


def overview(results: pd.DataFrame) -> pd.DataFrame:
    """One row per method: its mean AUPRC and AUROC over the data under the paper's protocol, its median AUPRC
    ratio and EPR under BEELINE's, and on how many data it has the best AUPRC ratio; learned models first."""
    und = results[results["protocol"] == "undirected"].groupby("method", sort=False)
    bee = results[results["protocol"] == "beeline"]
    best = bee.loc[bee.groupby("data")["auprc_ratio"].idxmax(), "method"].value_counts()
    table = pd.DataFrame({
        "kind": und["kind"].first(),
        "AUPRC (paper's protocol)": und["auprc"].mean(),
        "chance": und["chance"].mean(),
        "AUROC": und["auroc"].mean(),
        "median AUPRC ratio (BEELINE)": bee.groupby("method", sort=False)["auprc_ratio"].median(),
        "median EPR": bee.groupby("method", sort=False)["epr"].median(),
    })
    table["best AUPRC ratio on"] = [f"{best.get(m, 0)} of {bee['data'].nunique()}" for m in table.index]
    order = {"learned": 0, "baseline": 1, "floor": 2}
    table = table.sort_values("kind", key=lambda k: k.map(order), kind="stable")
    return table.round(3)


def unavailable(availability: pd.DataFrame) -> list[str]:
    """The data columns (dataset / network) of ``availability`` that could not be run here, for the heat maps."""
    return list(availability.loc[~availability["available"], "data"])


def availability_table(availability: pd.DataFrame) -> pd.DataFrame:
    """Datasets × ground truths: "yes" where the expression and the network are here, "n/a" where not, and why."""
    here = availability.pivot_table(index="dataset", columns="network", values="available", aggfunc="first",
                                    sort=False)
    here = here.apply(lambda col: col.map({True: "yes", False: "n/a"}))
    reasons = availability[~availability["available"]].groupby("dataset", sort=False)["reason"].first()
    here["why n/a"] = reasons.reindex(here.index).fillna("")
    here.columns.name = None
    return here
