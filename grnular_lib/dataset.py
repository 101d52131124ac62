"""The one in-memory form of a GRN inference problem: expression, genes, TFs and (optionally) the true network."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError
from .network import TRUTH_COLUMNS, TRUTH_HEADER_WORDS, named_columns


@dataclass
class GRNDataset:
    """Expression data with gene names, TF names and, where known, the ground-truth network.

    Attributes
    ----------
    name
        A short identifier, e.g. ``"DS1/rep3/noisy"`` or ``"mESC/TFs+500/STRING"``.
    expression
        Cells × genes matrix, float32.
    genes
        Gene symbols, one per column of ``expression``; unique.
    tfs
        Transcription factors among ``genes`` (possibly empty: then no TF information is used).
    truth
        Directed ground-truth edges with columns ``Gene1`` (regulator) and ``Gene2`` (target), and optionally
        ``Type`` (``+``/``-``); ``None`` for data without a known network.
    obs
        Per-cell metadata (one row per cell, e.g. ``cell_type``, ``time``), index = cell names.
    """

    name: str
    expression: np.ndarray
    genes: list[str]
    tfs: list[str] = field(default_factory=list)
    truth: pd.DataFrame | None = None
    obs: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        X = self.expression
        self.expression = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float32)  # scipy.sparse too
        self.genes = [str(g) for g in self.genes]
        self.tfs = [str(t) for t in self.tfs]
        if self.expression.ndim != 2 or self.expression.shape[1] != len(self.genes):
            raise InputError(
                f"dataset {self.name!r}: expression has shape {self.expression.shape} but {len(self.genes)} gene names "
                "were given; expression must be cells × genes with one name per column")
        if len(set(self.genes)) != len(self.genes):
            dup = pd.Index(self.genes)[pd.Index(self.genes).duplicated()].unique()[:5].tolist()
            raise InputError(f"dataset {self.name!r}: duplicate gene names {dup}; make gene names unique")
        if self.truth is not None:
            self.truth = named_columns(self.truth, TRUTH_COLUMNS, TRUTH_HEADER_WORDS,
                                       f"dataset {self.name!r}: the truth network")
        missing = [t for t in self.tfs if t not in set(self.genes)]
        if missing:
            raise InputError(f"dataset {self.name!r}: TFs not among the genes: {missing[:5]} "
                             f"({len(missing)} in all); pass only TFs present in the data")

    @property
    def n_cells(self) -> int:
        """Number of cells (rows of ``expression``)."""
        return int(self.expression.shape[0])

    @property
    def n_genes(self) -> int:
        """Number of genes (columns of ``expression``)."""
        return int(self.expression.shape[1])

    @property
    def tf_index(self) -> np.ndarray:
        """Column indices of the TFs in ``expression``, in the order of ``tfs``."""
        pos = {g: i for i, g in enumerate(self.genes)}
        return np.array([pos[t] for t in self.tfs], dtype=np.int64)

    def truth_matrix(self) -> np.ndarray:
        """Directed 0/1 adjacency (regulator row, target column) over ``genes``; edges to unknown genes are dropped."""
        if self.truth is None:
            raise InputError(f"dataset {self.name!r} has no ground-truth network")
        pos = {g: i for i, g in enumerate(self.genes)}
        A = np.zeros((self.n_genes, self.n_genes), dtype=np.float32)
        for a, b in self.truth[["Gene1", "Gene2"]].itertuples(index=False):
            if a in pos and b in pos and a != b:
                A[pos[a], pos[b]] = 1.0
        return A
