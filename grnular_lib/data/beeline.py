"""BEELINE's processed real scRNA-seq subsets (Pratapa et al. 2020) as :class:`GRNDataset` objects.

Files come from the ``beeline-subsets`` and ``beeline-tfs`` manifests, resolved by :mod:`grnular_lib.data.resolve`.
Dataset names follow ``"<dataset>/<gene set>/<network>"`` (``"mESC/TFs+500/STRING"``), with ``"/paper"`` appended
for the paper's preprocessing; :func:`grnular_lib.evaluate.dataset_labels` reads them back.
"""
from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from ..dataset import GRNDataset
from ..errors import DataUnavailableError, InputError
from .manifests import get_manifest
from .preprocess import paper_gene_selection
from .resolve import locate, resolve_file

NETWORKS = ("STRING", "NonSpecific-ChIP-seq", "Specific-ChIP-seq")
GENESETS = ("TFs+500", "TFs+1000")
PREPROCESSING = ("beeline", "paper")
_HUMAN = ("hESC", "hHEP")
_TIME = re.compile(r"^\d+h$")
_CELL_ID = re.compile(r"^([A-H]\d{1,2}|S\d+|\d+)$")


def _subset_files() -> set[str]:
    return {f.path for f in get_manifest("beeline-subsets").files}


def _expression_path(dataset: str, geneset: str) -> str:
    return f"beeline/{dataset}/{geneset}/ExpressionData.csv.gz"


def _network_path(dataset: str, geneset: str, network: str) -> str:
    return f"beeline/{dataset}/{geneset}/{network}-network.csv.gz"


def list_beeline(*, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every (dataset, gene set, network) of the manifest, whether it can be loaded here, and why not.

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset, geneset, network, species, available, reason`` (``reason`` is empty when available).
    """
    files = _subset_files()
    species = get_manifest("beeline-subsets").extra.get("species", {})
    rows = []
    for path in sorted(files):
        parts = path.split("/")
        if not parts[-1].endswith("-network.csv.gz"):
            continue
        dataset, geneset, network = parts[1], parts[2], parts[-1][: -len("-network.csv.gz")]
        expr = _expression_path(dataset, geneset)
        if expr not in files:
            ok, reason = False, "no expression in BEELINE's processed subsets mirrored here (networks only)"
        elif locate(expr, data_dir=data_dir) is None or locate(path, data_dir=data_dir) is None:
            ok, reason = False, "files not found locally (see `grnular data list`)"
        else:
            ok, reason = True, ""
        rows.append({"dataset": dataset, "geneset": geneset, "network": network,
                     "species": species.get(dataset, "human" if dataset in _HUMAN else "mouse"),
                     "available": ok, "reason": reason})
    return pd.DataFrame(rows, columns=["dataset", "geneset", "network", "species", "available", "reason"])


def read_tf_symbols(species: str, *, data_dir: str | os.PathLike | None = None) -> list[str]:
    """BEELINE's TF list for ``"human"`` or ``"mouse"``, upper-cased symbols."""
    if species not in ("human", "mouse"):
        raise InputError(f"species {species!r}: BEELINE ships TF lists for 'human' and 'mouse'")
    path = resolve_file(f"beeline/tfs/{species}-tfs.csv", data_dir=data_dir, dataset=f"BEELINE {species} TF list")
    return pd.read_csv(path, usecols=["TF"], dtype=str)["TF"].dropna().str.upper().drop_duplicates().tolist()


def parse_cell_names(cells: list[str]) -> pd.DataFrame:
    """Per-cell metadata from BEELINE cell names: ``time`` (capture time such as ``"00h"``, when present) and
    ``sample`` (the name without capture time and well/cell id, e.g. ``"RamDA_mESC"``, ``"LPS"``, ``"de"``,
    ``"HSPC"``)."""
    times, samples = [], []
    for name in cells:
        tokens = str(name).split("_")
        t = next((tok for tok in tokens if _TIME.match(tok)), None)
        rest = [tok for tok in tokens if tok != t and not _CELL_ID.match(tok)]
        times.append(t)
        samples.append("_".join(rest) if rest else None)
    return pd.DataFrame({"time": times, "sample": samples},
                        index=pd.Index([str(c) for c in cells], name="cell"))


def read_beeline_expression(path: str | os.PathLike) -> tuple[np.ndarray, list[str], list[str]]:
    """BEELINE ``ExpressionData.csv(.gz)`` (genes × cells) → (cells × genes float32, upper-case genes, cells)."""
    df = pd.read_csv(path, index_col=0)
    genes = [str(g).upper() for g in df.index]
    return df.to_numpy(dtype=np.float32).T.copy(), genes, [str(c) for c in df.columns]


def read_network(path: str | os.PathLike, genes: list[str] | None = None) -> pd.DataFrame:
    """Ground truth ``Gene1, Gene2`` (upper-cased, no self-loops, no duplicates), restricted to ``genes`` if given."""
    net = pd.read_csv(path, dtype=str)
    net = net.rename(columns={net.columns[0]: "Gene1", net.columns[1]: "Gene2"})[["Gene1", "Gene2"]].dropna()
    net = net.apply(lambda s: s.str.upper())
    net = net[net["Gene1"] != net["Gene2"]].drop_duplicates()
    if genes is not None:
        keep = set(genes)
        net = net[net["Gene1"].isin(keep) & net["Gene2"].isin(keep)]
    return net.reset_index(drop=True)


def load_beeline(dataset: str = "mESC", geneset: str = "TFs+500", network: str = "STRING", *,
                 preprocessing: str = "beeline", data_dir: str | os.PathLike | None = None) -> GRNDataset:
    """One BEELINE processed subset with one of its ground-truth networks.

    Parameters
    ----------
    dataset
        ``hESC``, ``hHEP``, ``mDC``, ``mESC``, ``mHSC-E``, ``mHSC-GM`` (see :func:`list_beeline`).
    geneset
        ``TFs+500`` or ``TFs+1000``.
    network
        ``STRING``, ``NonSpecific-ChIP-seq`` or ``Specific-ChIP-seq``.
    preprocessing
        ``"beeline"``: the gene set as BEELINE built it. ``"paper"``: then genes detected in > 10% of cells, top
        500 by variance, TFs among them, truth restricted to them (:func:`~grnular_lib.data.preprocess.paper_gene_selection`).
    data_dir
        A data folder searched first (see :mod:`grnular_lib.data.resolve`).

    Returns
    -------
    GRNDataset
        Expression as given (log-transformed by BEELINE), cells × genes; upper-case symbols; TFs = BEELINE's TF list
        of the species (human for hESC/hHEP, mouse otherwise) matched by symbol, in gene order; truth = the network
        restricted to the genes; ``obs`` with ``time`` and ``sample`` parsed from the cell names.

    Raises
    ------
    DataUnavailableError
        The subset has no expression here (hESC, mHSC-E, mESC TFs+1000, mHSC-GM TFs+1000), or files are missing.
    """
    if geneset not in GENESETS:
        raise InputError(f"geneset {geneset!r}: choose one of {', '.join(GENESETS)}")
    if network not in NETWORKS:
        raise InputError(f"network {network!r}: choose one of {', '.join(NETWORKS)}")
    if preprocessing not in PREPROCESSING:
        raise InputError(f"preprocessing {preprocessing!r}: choose 'beeline' (sets as given) or 'paper'")
    files = _subset_files()
    net_path, expr_path = _network_path(dataset, geneset, network), _expression_path(dataset, geneset)
    if net_path not in files:
        known = sorted({p.split("/")[1] for p in files})
        raise InputError(f"BEELINE has no {dataset!r} {geneset} {network} network; datasets: {', '.join(known)}")
    if expr_path not in files:
        raise DataUnavailableError(
            f"BEELINE {dataset} {geneset}: ground-truth networks are available but no expression data "
            f"({expr_path} is not in the data manifests). To use it, download BEELINE-data.zip from Zenodo "
            "(10.5281/zenodo.3378975), run BEELINE's generateExpInputs.py for this gene set, gzip the result to "
            f"<data dir>/{expr_path}, and add it to data_manifests/beeline-subsets.yaml. Other datasets: see "
            "list_beeline().")
    label = f"BEELINE {dataset} {geneset}"
    X, genes, cells = read_beeline_expression(resolve_file(expr_path, data_dir=data_dir, dataset=label))
    truth = read_network(resolve_file(net_path, data_dir=data_dir, dataset=label), genes)
    species = "human" if dataset in _HUMAN else "mouse"
    tf_set = set(read_tf_symbols(species, data_dir=data_dir))
    tfs = [g for g in genes if g in tf_set]
    data = GRNDataset(name=f"{dataset}/{geneset}/{network}", expression=X, genes=genes, tfs=tfs, truth=truth,
                      obs=parse_cell_names(cells))
    if preprocessing == "paper":
        data = paper_gene_selection(data)
        data.name = f"{data.name}/paper"
    return data
