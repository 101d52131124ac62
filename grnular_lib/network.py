"""Turning a score matrix into arboreto's edge list, and back."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

EDGE_COLUMNS = ["TF", "target", "importance"]


def edges_from_matrix(scores: np.ndarray, genes: Sequence[str], tf_index: Sequence[int] | None = None) -> pd.DataFrame:
    """Edge list ``TF, target, importance`` from a genes × genes score matrix.

    Parameters
    ----------
    scores
        ``scores[i, j]`` is the confidence that gene ``i`` regulates gene ``j``. The absolute value is used.
    genes
        Gene names, one per row/column.
    tf_index
        Rows allowed as regulators. ``None`` means every gene (no TF information). Self-pairs are never listed.

    Returns
    -------
    pandas.DataFrame
        Every candidate pair (regulator in ``tf_index``, any other gene as target), sorted by importance, descending,
        ties broken by the order of genes, so the list is deterministic.
    """
    S = np.abs(np.asarray(scores, dtype=np.float64))
    D = S.shape[0]
    if S.shape != (D, D) or D != len(genes):
        raise ValueError(f"score matrix of shape {S.shape} does not match {len(genes)} genes")
    rows = np.arange(D) if tf_index is None else np.asarray(tf_index, dtype=np.int64)
    r = np.repeat(rows, D)
    c = np.tile(np.arange(D), len(rows))
    keep = r != c
    r, c = r[keep], c[keep]
    imp = S[r, c]
    order = np.lexsort((c, r, -imp))
    names = np.asarray(list(genes), dtype=object)
    return pd.DataFrame({"TF": names[r[order]], "target": names[c[order]], "importance": imp[order]}).reset_index(drop=True)


def matrix_from_edges(edges: pd.DataFrame, genes: Sequence[str]) -> np.ndarray:
    """Dense genes × genes matrix of ``|importance|`` (regulator row, target column); unlisted pairs are 0."""
    pos = {g: i for i, g in enumerate(genes)}
    S = np.zeros((len(pos), len(pos)), dtype=np.float64)
    e = edges[edges["TF"].isin(pos) & edges["target"].isin(pos)]
    S[e["TF"].map(pos).to_numpy(int), e["target"].map(pos).to_numpy(int)] = np.abs(e["importance"].to_numpy(float))
    return S
