"""The evaluation harness: methods × datasets → one tidy results table.

Dataset names carry the labels of a row (the loaders' convention): parts separated by ``/``; a part ``rep<k>`` is
the replicate, a part naming a ground-truth network (:data:`NETWORK_NAMES`) is the network, the remaining parts
joined by ``/`` are the dataset. ``"DS1/rep3/clean"`` → dataset ``DS1/clean``, network ``truth``, replicate 3;
``"mESC/TFs+500/STRING/paper"`` → dataset ``mESC/TFs+500/paper``, network ``STRING``, replicate 0.
"""
from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .dataset import GRNDataset
from .errors import InputError

NETWORK_NAMES = ("STRING", "NonSpecific-ChIP-seq", "Specific-ChIP-seq", "gt_GRN")
COLUMNS = ["method", "dataset", "network", "replicate", "protocol", "auprc", "auroc", "auprc_ratio", "epr", "chance",
           "n_true_edges", "seconds", "n_genes", "n_cells", "n_tfs"]
_REPLICATE = re.compile(r"^rep(\d+)$")


def dataset_labels(name: str) -> dict[str, Any]:
    """``dataset``, ``network`` and ``replicate`` of a dataset name (see the module docstring)."""
    parts = [p for p in str(name).split("/") if p]
    replicate, network, rest = 0, "truth", []
    for p in parts:
        m = _REPLICATE.match(p)
        if m:
            replicate = int(m.group(1))
        elif p in NETWORK_NAMES:
            network = p
        else:
            rest.append(p)
    return {"dataset": "/".join(rest) or str(name), "network": network, "replicate": replicate}


def _tf_index(data: GRNDataset, use_tfs: bool | None) -> np.ndarray | None:
    if use_tfs is False:
        return None
    if not data.tfs:
        if use_tfs:
            raise InputError(f"dataset {data.name!r} has no TFs but use_tfs=True; give the dataset TFs or pass "
                             "use_tfs=None/False")
        return None
    return data.tf_index


def run_one(method: str, data: GRNDataset, *, protocol: str, seed: int, checkpoint: str | Path | None,
            use_tfs: bool | None, client: Any = None) -> dict[str, Any]:
    """Score one method on one dataset: the row :func:`evaluate` adds to its table."""
    from .infer import score_matrix
    from .metrics import score

    if data.truth is None:
        raise InputError(f"dataset {data.name!r} has no ground-truth network; evaluate needs one")
    truth = data.truth_matrix()
    if not truth.any():
        raise InputError(f"dataset {data.name!r}: its truth network has no edge between two of its genes (truth: "
                         f"e.g. {data.truth['Gene1'].astype(str).tolist()[:3]}; genes: e.g. {data.genes[:3]}); check "
                         "that both use the same gene identifiers (symbols vs Ensembl ids, species)")
    tf_index = _tf_index(data, use_tfs)
    start = time.perf_counter()
    S = score_matrix(data.expression, tf_index, method, checkpoint=checkpoint, seed=seed, client=client,
                     gene_names=data.genes)
    seconds = time.perf_counter() - start
    result = score(S, truth, protocol, tf_index=tf_index)
    return {"method": method, **dataset_labels(data.name), "protocol": protocol,
            **{k: result[k] for k in ("auprc", "auroc", "auprc_ratio", "epr", "chance", "n_true_edges")},
            "seconds": seconds, "n_genes": data.n_genes, "n_cells": data.n_cells,
            "n_tfs": 0 if tf_index is None else len(tf_index)}


def evaluate(methods: Sequence[str] | str, datasets: Iterable[GRNDataset] | GRNDataset, *,
             protocol: str = "undirected", seed: int = 0, client: Any = None, checkpoint: str | Path | None = None,
             use_tfs: bool | None = None) -> pd.DataFrame:
    """Run every method on every dataset and score it against the dataset's ground truth.

    Parameters
    ----------
    methods
        Method names accepted by :func:`grnular_lib.infer.score_matrix` (models and baselines).
    datasets
        Datasets with a ground truth (e.g. from :func:`~grnular_lib.data.load_sergio_ds`,
        :func:`~grnular_lib.data.load_beeline`).
    protocol
        ``"undirected"`` (the paper's), ``"beeline"`` or ``"tf"`` (see :mod:`grnular_lib.metrics`).
    seed
        Seed passed to every method.
    client
        A ``distributed.Client``: each (method, dataset) pair runs as one task (methods run serially inside it).
        ``None``: pairs run one after the other, each baseline using its own serial path. Results are the same;
        ``seconds`` then measures the pair inside its task.
    checkpoint
        Checkpoint for the unrolled models (``None``: the shipped one).
    use_tfs
        ``None``: use a dataset's TFs when it has any; ``True``: require them; ``False``: ignore them.

    Returns
    -------
    pandas.DataFrame
        One row per (method, dataset, network, replicate) with columns :data:`COLUMNS`, in the order of
        ``methods`` × ``datasets`` (method outermost).
    """
    from .metrics import PROTOCOLS

    methods = [methods] if isinstance(methods, str) else list(methods)
    datasets = [datasets] if isinstance(datasets, GRNDataset) else list(datasets)
    if protocol not in PROTOCOLS:
        raise InputError(f"unknown scoring protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    if not methods or not datasets:
        raise InputError("evaluate needs at least one method and one dataset")
    bad = [type(d).__name__ for d in datasets if not isinstance(d, GRNDataset)]
    if bad:
        raise InputError(f"datasets must be GRNDataset objects (got {bad[:3]}); load them with grnular_lib.data")
    from .infer import check_method

    methods = [check_method(m) for m in methods]
    pairs = [(m, d) for m in methods for d in datasets]
    options = dict(protocol=protocol, seed=seed, checkpoint=checkpoint, use_tfs=use_tfs)
    if client is None:
        rows = [run_one(m, d, **options) for m, d in pairs]
    else:
        from distributed import Client

        client = client if isinstance(client, Client) else Client(client)
        scattered = {id(d): client.scatter(d) for d in datasets}
        futures = [client.submit(run_one, m, scattered[id(d)], pure=False, **options) for m, d in pairs]
        rows = client.gather(futures)
    return pd.DataFrame(rows, columns=COLUMNS)


def score_edge_list(edges: pd.DataFrame, truth: pd.DataFrame, protocol: str = "beeline") -> dict[str, Any]:
    """Score an edge list (``TF, target, importance``) against a ground truth (``Gene1, Gene2``).

    Columns are found by name: ``TF, target, importance`` and ``Gene1, Gene2``, or the usual alternatives (arboreto's
    ``source``, BEELINE's ``EdgeWeight``, ``regulator``, ``target``; see :func:`grnular_lib.network.named_columns`).
    The genes are the union of both. A truth with no gene in common with the edge list is an error; truth genes
    absent from the edge list (they can only be misses), truth self-loops (never scored) and truth edges whose
    regulator is not a regulator of the edge list (unreachable under ``protocol="tf"``) are each named in a warning;
    a truth with nothing but such edges, or one that connects every pair scored, is an error. Edges are ranked by
    their absolute importance (a warning when all are negative).

    Returns
    -------
    dict
        :func:`grnular_lib.metrics.score`'s result (computed from the edges, :func:`grnular_lib.metrics.score_edges`:
        memory grows with the number of edges, not genes²) plus ``protocol`` and ``n_genes``; NaN values become
        ``None``.
    """
    from .metrics import PROTOCOLS, score_edges
    from .network import EDGE_COLUMNS, EDGE_HEADER_WORDS, TRUTH_COLUMNS, TRUTH_HEADER_WORDS, named_columns

    if protocol not in PROTOCOLS:
        raise InputError(f"unknown scoring protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    edges = named_columns(edges, EDGE_COLUMNS, EDGE_HEADER_WORDS, "the edge list")
    truth = named_columns(truth, TRUTH_COLUMNS, TRUTH_HEADER_WORDS, "the truth network")
    importance = pd.to_numeric(edges["importance"], errors="coerce")
    if not np.isfinite(importance.to_numpy(dtype=float)).all():
        raise InputError(f"the edge list has {int((~np.isfinite(importance.to_numpy(dtype=float))).sum())} missing, "
                         "non-numeric, NaN or infinite importances; give every edge a finite number")
    edges = edges.assign(importance=importance.astype(float))
    if (edges["importance"] < 0).any() and (edges["importance"] <= 0).all():
        warnings.warn("every importance of the edge list is negative or zero; edges are ranked by absolute value (as "
                      "BEELINE does), so the most negative counts as the most confident: if larger means more "
                      "confident (log-probabilities), convert them first (e.g. exp)", stacklevel=2)
    listed = set(edges["TF"]) | set(edges["target"])
    truth_genes = set(truth["Gene1"]) | set(truth["Gene2"])
    if not listed & truth_genes:
        folded = sorted({g.upper() for g in listed} & {g.upper() for g in truth_genes})
        fix = "check that both use the same gene identifiers (symbols vs Ensembl ids, species)"
        if folded:
            fix = f"{len(folded)} match when case is ignored (e.g. {folded[0]}): write both in the same case"
        elif all(str(g).isdigit() for g in truth_genes) and {f"G{int(g)}" for g in truth_genes} & listed:
            fix = ("the truth names genes by SERGIO's numeric ids, the edge list as G<id> as grnular simulate does: "
                   "score against the network.csv that grnular simulate wrote")
        raise InputError(f"the edge list and the truth network have no gene in common (edge list: e.g. "
                         f"{sorted(listed)[:3]}; truth: e.g. {sorted(truth_genes)[:3]}); {fix}")
    loops = truth["Gene1"] == truth["Gene2"]
    unreachable = ~truth["Gene1"].isin(set(edges["TF"])) if protocol == "tf" else pd.Series(False, truth.index)
    if (loops | unreachable).all():
        why = "self-loops" + (" or have a regulator that is no regulator of the edge list" if protocol == "tf" else "")
        raise InputError(f"the truth network has no edge the {protocol!r} protocol can score (its {len(truth)} edges "
                         f"are {why}); give a truth network with edges between different genes of the edge list")
    absent = sorted(truth_genes - listed)
    if absent:
        by_case = {g.upper(): g for g in listed}
        cased = [g for g in absent if g.upper() in by_case]
        hint = (f"; {len(cased)} of them are in it in another case (e.g. {cased[0]} as {by_case[cased[0].upper()]}): "
                "write both in the same case" if cased else "")
        warnings.warn(f"{len(absent)} of {len(truth_genes)} genes of the truth network are not in the edge list "
                      f"(e.g. {absent[:5]}); their true edges count as misses{hint}", stacklevel=2)
    if loops.any():
        warnings.warn(f"{int(loops.sum())} self-loops in the truth network are not scored", stacklevel=2)
        unreachable = unreachable[~loops]
        truth = truth[~loops]
    if protocol == "tf":
        if unreachable.any():
            warnings.warn(f"{int(unreachable.sum())} true edges have a regulator that is no regulator of the edge list "
                          f"(e.g. {truth['Gene1'][unreachable].iloc[0]}); the tf protocol cannot score them",
                          stacklevel=2)
    genes = list(dict.fromkeys([*edges["TF"], *edges["target"], *truth["Gene1"], *truth["Gene2"]]))
    pos = {g: i for i, g in enumerate(genes)}
    tf_index = np.array(sorted({pos[t] for t in edges["TF"]}), dtype=np.int64)
    result = score_edges(edges["TF"].map(pos).to_numpy(np.int64), edges["target"].map(pos).to_numpy(np.int64),
                         edges["importance"].to_numpy(float), truth["Gene1"].map(pos).to_numpy(np.int64),
                         truth["Gene2"].map(pos).to_numpy(np.int64), len(genes), protocol, tf_index=tf_index)
    if result["n_pairs"] and result["n_true_edges"] == result["n_pairs"]:
        raise InputError(f"every one of the {result['n_pairs']} pairs the {protocol!r} protocol scores is a true edge, "
                         "so there is nothing to rank them against; give a truth network that leaves some pairs of "
                         "its genes unconnected")
    result.update(protocol=protocol, n_genes=len(genes))
    return {k: (None if isinstance(v, float) and v != v else v) for k, v in result.items()}
