"""A canonical order of genes and cells, so that no method's network depends on the order of its input.

Methods draw random numbers per gene or per cell (tree ensembles, the unrolled models' initialisation, subsampling),
so permuting the columns or rows of the same data changes their output about as much as changing the seed. Scoring
in a canonical order and mapping the scores back to the caller's order removes that dependence: any order of the
same genes, TFs and cells gives the same network, bit for bit.

- Genes: by name when names are known; otherwise by a hash of the gene's sorted values (independent of the cell
  order), then TFs before other genes. Genes with the same name-less values in a different order of cells could
  only collide by hash; genes whose sorted values are identical keep their input order among themselves.
- TFs: the set matters, not the order of the list.
- Cells: by a hash of the cell's values in the canonical gene order; identical cells are interchangeable.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _hash64(rows: np.ndarray) -> np.ndarray:
    """An unsigned 64-bit hash of each row's bytes."""
    rows = np.ascontiguousarray(rows)
    return np.array([int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "little") for r in rows],
                    dtype=np.uint64)


@dataclass(frozen=True)
class CanonicalOrder:
    """Data in canonical order, and the way back.

    Attributes
    ----------
    X
        Cells × genes in canonical order (rows ``cells``, columns ``genes`` of the input).
    tf_index
        Sorted TF columns of ``X`` (canonical positions), or ``None``.
    genes
        Input column of each canonical column.
    cells
        Input row of each canonical row.
    """

    X: np.ndarray
    tf_index: np.ndarray | None
    genes: np.ndarray
    cells: np.ndarray

    def restore(self, scores: np.ndarray) -> np.ndarray:
        """A canonical genes × genes matrix in the input's gene order."""
        scores = np.asarray(scores)
        out = np.empty_like(scores)
        out[np.ix_(self.genes, self.genes)] = scores
        return out


def canonical_order(X: np.ndarray, tf_index: Sequence[int] | np.ndarray | None = None,
                    gene_names: Sequence[str] | None = None) -> CanonicalOrder:
    """Reorder a cells × genes matrix canonically (see the module notes).

    Parameters
    ----------
    X
        Cells × genes.
    tf_index
        TF columns of ``X`` in any order, or ``None``.
    gene_names
        Unique names of the columns; when given they define the gene order.
    """
    X = np.asarray(X)
    n_genes = X.shape[1]
    is_tf = np.zeros(n_genes, dtype=bool)
    if tf_index is not None:
        is_tf[np.asarray(tf_index, dtype=np.int64)] = True
    if gene_names is not None and len(set(map(str, gene_names))) == n_genes:
        genes = np.argsort(np.asarray([str(g) for g in gene_names], dtype=object), kind="stable")
    else:
        by_values = _hash64(np.sort(X, axis=0).T)
        genes = np.lexsort((~is_tf, by_values))
    chunk = max(1, (1 << 26) // max(1, X.shape[1] * X.itemsize))  # hash ~64 MB of cells at a time
    cell_keys = np.concatenate([_hash64(X[i:i + chunk][:, genes]) for i in range(0, X.shape[0], chunk)])
    cells = np.argsort(cell_keys, kind="stable")
    canonical_tfs = None if tf_index is None else np.flatnonzero(is_tf[genes])
    return CanonicalOrder(X=X[np.ix_(cells, genes)], tf_index=canonical_tfs, genes=genes, cells=cells)
