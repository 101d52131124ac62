"""Today's peers beside the paper's methods: which of them a run left out, and published BEELINE numbers beside a
rerun."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from grnular_lib.methods import method_label

#: Methods newer than the paper that every comparison chapter shows, or marks "not run".
PEERS = ("regdiffusion",)
#: What a peer costs, measured on this project's machines (benchmarks/peers.py), for the "not run" line.
COST = {"regdiffusion": "it trains on each dataset: 1,000 steps take minutes per dataset on 2 CPU cores "
                        "(~9 min at 1,200 genes), seconds on a GPU"}
#: Parameters that list a chapter's methods.
METHOD_KEYS = ("methods", "methods_tf", "methods_no_tf", "runtime_methods", "rank_methods", "rank_full_only")


def not_run(params: dict[str, Any], keys: Sequence[str] = METHOD_KEYS) -> list[str]:
    """The peers of :data:`PEERS` that none of the run's method lists contains."""
    ran = {m for k in keys for m in ([params[k]] if isinstance(params.get(k), str) else params.get(k) or [])}
    return [m for m in PEERS if m not in ran]


def not_run_line(params: dict[str, Any], keys: Sequence[str] = METHOD_KEYS) -> str:
    """One sentence for the reader: which peers this profile left out and why (empty when every peer ran)."""
    left = not_run(params, keys)
    if not left:
        return ""
    return (f"Not run in the {params['profile']} profile: "
            + "; ".join(f"{method_label(m)} ({COST.get(m, 'too slow for this profile')})" for m in left)
            + ". The paper profile runs it; add it to the chapter's method list to run it here.")


_METASEM = "Int. J. Mol. Sci. 24:2595 (2023), Table 1 (partly collected from earlier papers)"
#: Published BEELINE numbers (directed protocol: TF → gene pairs among the network's genes; AUPRC ratio and EPR are
#: relative to a random predictor). ``source`` says where each number comes from.
PUBLISHED = pd.DataFrame([
    {"method": "RegDiffusion", "dataset": "mESC", "geneset": "TFs+1000", "network": "STRING", "metric": "auroc",
     "published": 0.611, "source": "Zhu & Slonim, J. Comput. Biol. 31(11):1087 (2024), BEELINE benchmark"},
    {"method": "RegDiffusion", "dataset": "mESC", "geneset": "TFs+1000", "network": "STRING", "metric": "auprc_ratio",
     "published": 2.44, "source": "Zhu & Slonim, J. Comput. Biol. 31(11):1087 (2024), BEELINE benchmark"},
    {"method": "RegDiffusion", "dataset": "mESC", "geneset": "TFs+1000", "network": "STRING", "metric": "epr",
     "published": 4.19, "source": "Zhu & Slonim, J. Comput. Biol. 31(11):1087 (2024), BEELINE benchmark"},
    {"method": "GENIE3", "dataset": "hHEP", "geneset": "TFs+1000", "network": "(not named)", "metric": "epr",
     "published": 1.12, "source": _METASEM},
    {"method": "GENIE3", "dataset": "mDC", "geneset": "TFs+1000", "network": "(not named)", "metric": "epr",
     "published": 1.01, "source": _METASEM},
    {"method": "GENIE3", "dataset": "mESC", "geneset": "TFs+1000", "network": "(not named)", "metric": "epr",
     "published": 1.06, "source": _METASEM},
    {"method": "GENIE3, GRNBoost2", "dataset": "most", "geneset": "TFs+500/1000",
     "network": "cell-type-specific ChIP-seq", "metric": "epr", "published": "≈ 1.0–1.2",
     "source": "BEELINE (Pratapa et al., Nat. Methods 17:147, 2020), range as summarised in the project's reference notes"},
])

#: Why a published number and this book's rerun need not agree.
PROTOCOL_NOTE = ("Published BEELINE numbers score directed TF → gene pairs among the ground truth's genes, on "
                 "BEELINE's gene sets, each method with its own settings and often averaged over runs; the paper's "
                 "protocol scores undirected pairs over all genes, and other papers sample negative pairs. The "
                 "rerun column uses this book's directed protocol on the mirrored files, one run with the chosen "
                 "seed: the protocols, not only the methods, differ.")


def published_vs_rerun(results: pd.DataFrame) -> pd.DataFrame:
    """:data:`PUBLISHED` with this run's value beside each number (``results``: chapter 5's table, directed protocol,
    with ``geneset``): "not run" when the method did not run, "not in this run's data" when the data set is absent."""
    run = results[results["protocol"] == "beeline"] if "protocol" in results else results
    rows = []
    for r in PUBLISHED.itertuples(index=False):
        hit = run[(run["method"] == r.method) & (run["dataset"] == r.dataset)
                  & (run["geneset"] == r.geneset if "geneset" in run else True)]
        if r.network not in ("(not named)", "cell-type-specific ChIP-seq"):
            hit = hit[hit["network"] == r.network]
        if r.dataset == "most":
            value = "see the EPR heat maps above"
        elif hit.empty:
            have_data = not run[(run["dataset"] == r.dataset)
                                & (run["geneset"] == r.geneset if "geneset" in run else True)].empty
            value = "not run" if have_data else "not in this run's data"
        else:
            value = "; ".join(f"{n}: {v:.3g}" for n, v in zip(hit["network"], hit[r.metric]))
        rows.append({**r._asdict(), "this run": value})
    return pd.DataFrame(rows)[["method", "dataset", "geneset", "network", "metric", "published", "this run",
                               "source"]]


def print_not_run(params: dict[str, Any], keys: Sequence[str] = METHOD_KEYS) -> None:
    """Print :func:`not_run_line` when a peer was left out (nothing otherwise)."""
    line = not_run_line(params, keys)
    if line:
        print(line)


def beeline_genesets(results: Callable[..., tuple[pd.DataFrame, pd.DataFrame]], params: dict[str, Any], *,
                     client: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chapter 5's run (``results``, :func:`bookkit.ch05_beeline.results`) on each BEELINE gene set of
    ``compare_genesets`` as BEELINE built it (no further gene selection), for ``compare_datasets`` and
    ``compare_methods``.

    Parameters
    ----------
    results
        Called as ``results(params, client=client)`` once per gene set, with ``geneset`` set to it, ``preprocessing``
        to ``"beeline"``, and ``beeline_datasets`` and ``methods`` to ``compare_datasets`` and ``compare_methods``.
    params
        The chapter's parameters: ``compare_genesets``, ``compare_datasets`` and ``compare_methods`` are read here;
        the others reach ``results`` as they are.
    client
        Optional Dask client, passed on to ``results``.

    Returns
    -------
    (results, availability)
        Both tables with a ``geneset`` column; ``data`` labels carry the gene set, e.g. ``"[S] mDC, TFs+1000"``.
    """
    parts, avail = [], []
    for geneset in params["compare_genesets"]:
        run, table = results({**params, "geneset": geneset, "preprocessing": "beeline",
                              "beeline_datasets": params["compare_datasets"], "methods": params["compare_methods"]},
                             client=client)
        for frame, out in ((run, parts), (table, avail)):
            frame = frame.copy()
            frame["geneset"] = geneset
            frame["data"] = [f"{d}, {geneset}" for d in frame["data"]]
            out.append(frame)
    return pd.concat(parts, ignore_index=True), pd.concat(avail, ignore_index=True)
