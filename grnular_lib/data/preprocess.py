"""Gene selection for real data, as the paper describes it (§3.3, BEELINE data)."""
from __future__ import annotations

import numpy as np

from ..dataset import GRNDataset
from ..errors import InputError


def paper_gene_selection(data: GRNDataset, *, min_fraction: float = 0.1, n_top: int = 500) -> GRNDataset:
    """The paper's preprocessing of real data: expressed genes, top ``n_top`` by variance, TFs among them.

    Keeps genes detected (value > 0) in more than ``min_fraction`` of the cells, then the ``n_top`` of those with the
    highest variance across cells (ties broken by gene order); TFs are the dataset's TFs among the kept genes, and
    the ground truth is restricted to edges between kept genes. The paper also required a variance p-value < 0.01;
    that test needs BEELINE's pseudotime-based model, which is not part of the processed subsets, so it is not
    applied here (BEELINE's own gene sets are already filtered for significant variation).

    Parameters
    ----------
    data
        A dataset with cells × genes expression.
    min_fraction
        Minimum fraction of cells in which a gene must be detected (strictly more than this).
    n_top
        Number of genes kept (all expressed genes when fewer).

    Returns
    -------
    GRNDataset
        A new dataset; genes keep their original relative order.
    """
    if not 0 <= min_fraction < 1:
        raise InputError(f"min_fraction={min_fraction}: give a fraction in [0, 1), e.g. 0.1 for 10% of cells")
    if n_top < 2:
        raise InputError(f"n_top={n_top}: keep at least 2 genes (the paper keeps 500)")
    X = data.expression
    detected = (X > 0).mean(axis=0) > min_fraction
    candidates = np.flatnonzero(detected)
    if len(candidates) < 2:
        raise InputError(f"dataset {data.name!r}: only {len(candidates)} genes are detected in more than "
                         f"{min_fraction:.0%} of cells; lower min_fraction")
    var = X[:, candidates].astype(np.float64).var(axis=0)
    order = np.lexsort((candidates, -var))  # highest variance first, ties by gene order
    keep = np.sort(candidates[order[:n_top]])
    genes = [data.genes[i] for i in keep]
    kept = set(genes)
    truth = None
    if data.truth is not None:
        t = data.truth
        truth = t[t["Gene1"].isin(kept) & t["Gene2"].isin(kept)].reset_index(drop=True)
    return GRNDataset(name=data.name, expression=X[:, keep], genes=genes, tfs=[t for t in data.tfs if t in kept],
                      truth=truth, obs=data.obs)
