"""Gene regulatory networks for the SERGIO steady-state model, and random GRNs as in the paper (§3.2).

A :class:`GRN` is a directed acyclic graph over genes with signed interaction strengths ``K`` and Hill coefficients
per edge, a set of master regulators (genes without regulators) and their basal production rate in each cell type.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from ..environment import check_fits_in_memory
from ..errors import InputError


@dataclass(eq=False)
class GRN:
    """A SERGIO gene regulatory network.

    Attributes
    ----------
    genes
        Gene names; position ``i`` is gene ``i`` in every index array below.
    regulator, target
        One entry per edge ``regulator[e] → target[e]`` (gene indices).
    K
        Signed interaction strength per edge: ``K > 0`` activation, ``K < 0`` repression; never 0.
    hill
        Hill coefficient per edge (2 in the paper).
    master_regulators
        Indices of the genes without regulators; each has a basal production rate per cell type.
    basal_rates
        ``(n_master_regulators, n_cell_types)`` non-negative production rates, rows in the order of
        ``master_regulators``.
    tfs
        Transcription factor names. Empty on construction means "the regulators", i.e. every gene with an outgoing
        edge.

    Raises
    ------
    InputError
        On a cyclic graph, a master regulator that is also a target, a gene that is neither regulated nor a master
        regulator, ``K == 0``, a negative rate or Hill coefficient, or a rate table of the wrong shape.
    """

    genes: list[str]
    regulator: np.ndarray
    target: np.ndarray
    K: np.ndarray
    hill: np.ndarray
    master_regulators: np.ndarray
    basal_rates: np.ndarray
    tfs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.genes = [str(g) for g in self.genes]
        self.regulator = np.asarray(self.regulator, dtype=np.int64).ravel()
        self.target = np.asarray(self.target, dtype=np.int64).ravel()
        n_edges = self.regulator.size
        self.K = np.asarray(self.K, dtype=np.float64).ravel()
        self.hill = np.broadcast_to(np.asarray(self.hill, dtype=np.float64), (n_edges,)).copy()
        self.master_regulators = np.asarray(self.master_regulators, dtype=np.int64).ravel()
        self.basal_rates = np.atleast_2d(np.asarray(self.basal_rates, dtype=np.float64))
        if self.master_regulators.size == 0:
            self.basal_rates = self.basal_rates.reshape(0, self.basal_rates.shape[-1] if self.basal_rates.size else 0)
        self._validate()
        if not self.tfs:
            self.tfs = [self.genes[i] for i in np.unique(self.regulator)]
        else:
            self.tfs = [str(t) for t in self.tfs]
            unknown = sorted(set(self.tfs) - set(self.genes))
            if unknown:
                raise InputError(f"TFs {unknown[:5]} are not genes of the network; list only genes of the GRN as TFs")

    def _validate(self) -> None:
        G = len(self.genes)
        if len(set(self.genes)) != G:
            raise InputError("duplicate gene names in the GRN; give every gene a unique name")
        if not (self.target.size == self.K.size == self.regulator.size):
            raise InputError(f"edge arrays differ in length (regulator {self.regulator.size}, target "
                             f"{self.target.size}, K {self.K.size}); give one regulator, target and K per edge")
        for name, idx in (("regulator", self.regulator), ("target", self.target),
                          ("master regulator", self.master_regulators)):
            bad = idx[(idx < 0) | (idx >= G)]
            if bad.size:
                raise InputError(f"{name} index {int(bad[0])} is outside 0..{G - 1}; every index must name a gene")
        if not np.all(np.isfinite(self.K)):
            e = int(np.flatnonzero(~np.isfinite(self.K))[0])
            raise InputError(f"edge {self.genes[self.regulator[e]]} -> {self.genes[self.target[e]]} has a non-finite "
                             "K; give a finite, non-zero interaction strength")
        zero = np.flatnonzero(self.K == 0)
        if zero.size:
            e = int(zero[0])
            raise InputError(f"edge {self.genes[self.regulator[e]]} -> {self.genes[self.target[e]]} has K = 0; "
                             "use K > 0 for activation, K < 0 for repression, or drop the edge")
        bad_hill = np.flatnonzero(~(self.hill > 0))
        if bad_hill.size:
            e = int(bad_hill[0])
            raise InputError(f"edge {self.genes[self.regulator[e]]} -> {self.genes[self.target[e]]} has Hill "
                             f"coefficient {self.hill[e]}; it must be positive (the paper uses 2)")
        pairs = pd.Series(list(zip(self.regulator.tolist(), self.target.tolist())))
        dup = pairs[pairs.duplicated()]
        if len(dup):
            a, b = dup.iloc[0]
            raise InputError(f"edge {self.genes[a]} -> {self.genes[b]} is listed twice; list each edge once")
        mr_dup = pd.Index(self.master_regulators)[pd.Index(self.master_regulators).duplicated()]
        if len(mr_dup):
            raise InputError(f"master regulator {self.genes[int(mr_dup[0])]} is listed twice; list each once")
        if self.basal_rates.ndim != 2 or self.basal_rates.shape[0] != self.master_regulators.size:
            raise InputError(f"basal_rates has shape {self.basal_rates.shape} but there are "
                             f"{self.master_regulators.size} master regulators; give one row of rates (one column "
                             "per cell type) per master regulator")
        if self.master_regulators.size and self.basal_rates.shape[1] == 0:
            raise InputError("basal_rates has no columns; give one rate per cell type for every master regulator")
        bad = np.argwhere(~(self.basal_rates >= 0))
        if bad.size:
            r, b = bad[0]
            raise InputError(f"master regulator {self.genes[self.master_regulators[r]]} has rate "
                             f"{self.basal_rates[r, b]} in cell type {b}; production rates must be >= 0")
        targets = set(self.target.tolist())
        mr_targets = [m for m in self.master_regulators.tolist() if m in targets]
        if mr_targets:
            raise InputError(f"gene {self.genes[mr_targets[0]]} is a master regulator but also the target of an edge; "
                             "a master regulator has no regulators: remove its incoming edges or its basal rates")
        neither = sorted(set(range(len(self.genes))) - targets - set(self.master_regulators.tolist()))
        if neither:
            raise InputError(f"gene {self.genes[neither[0]]} is neither regulated nor a master regulator "
                             f"({len(neither)} such genes); give it a regulator or basal production rates")
        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(self.genes)))
        graph.add_edges_from(zip(self.regulator.tolist(), self.target.tolist()))
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return
        path = " -> ".join(self.genes[a] for a, _ in cycle) + f" -> {self.genes[cycle[0][0]]}"
        raise InputError(f"the GRN is cyclic (gene {self.genes[cycle[0][0]]} is on the cycle {path}); SERGIO's "
                         "steady-state model needs a DAG: remove an edge of the cycle")

    @property
    def n_genes(self) -> int:
        """Number of genes."""
        return len(self.genes)

    @property
    def n_cell_types(self) -> int:
        """Number of cell types (columns of ``basal_rates``)."""
        return int(self.basal_rates.shape[1])

    def to_network_frame(self) -> pd.DataFrame:
        """Edges as a BEELINE-style frame ``Gene1`` (regulator), ``Gene2`` (target), ``Type`` (``+`` or ``-``)."""
        names = np.asarray(self.genes, dtype=object)
        return pd.DataFrame({"Gene1": names[self.regulator], "Gene2": names[self.target],
                             "Type": np.where(self.K > 0, "+", "-")})

    def adjacency(self) -> np.ndarray:
        """Directed 0/1 adjacency matrix, ``A[regulator, target] = 1``."""
        A = np.zeros((self.n_genes, self.n_genes), dtype=np.float32)
        A[self.regulator, self.target] = 1.0
        return A

    def levels(self) -> np.ndarray:
        """SERGIO's longest-path layering: 0 for genes without targets, otherwise 1 + the largest target level.

        Every regulator has a higher level than each of its targets, so simulating from the highest level down
        simulates every regulator before its targets.
        """
        graph = nx.DiGraph()
        graph.add_nodes_from(range(self.n_genes))
        graph.add_edges_from(zip(self.regulator.tolist(), self.target.tolist()))
        level = np.zeros(self.n_genes, dtype=np.int64)
        for g in reversed(list(nx.topological_sort(graph))):
            succ = list(graph.successors(g))
            if succ:
                level[g] = 1 + level[succ].max()
        return level


def check_edge_parameters(n_cell_types: int, k_range: tuple[float, float], low_rate: tuple[float, float],
                          high_rate: tuple[float, float]) -> None:
    """Refuse cell-type counts, interaction strengths and master-regulator rates no GRN generator can use."""
    if n_cell_types < 1:
        raise InputError(f"n_cell_types={n_cell_types}: give at least 1 cell type")
    if not 0 <= k_range[0] <= k_range[1] or k_range[1] == 0:
        raise InputError(f"k_range={k_range} must satisfy 0 <= low <= high, high > 0 (the sign is drawn separately)")
    for name, (lo, hi) in (("low_rate", low_rate), ("high_rate", high_rate)):
        if not 0 <= lo <= hi:
            raise InputError(f"{name}={(lo, hi)} must satisfy 0 <= low <= high")


def random_grn(n_genes: int = 100, *, tf_ratio: float = 0.1, sparsity: float = 0.1, n_cell_types: int = 5,
               tf_tf_edges: bool = True, k_range: tuple[float, float] = (1.0, 5.0), p_repression: float = 0.5,
               hill: float = 2.0, low_rate: tuple[float, float] = (0.2, 0.5),
               high_rate: tuple[float, float] = (0.7, 1.0),
               tfs_anywhere: bool = True, seed: int | np.random.SeedSequence = 0) -> GRN:
    """A random SERGIO GRN as in the paper (§3.2).

    ``round(tf_ratio · n_genes)`` genes (at least 1) are TFs. Each (TF, gene) pair is an edge with probability
    ``sparsity``; TF→TF edges (no self loops) only go from earlier to later TFs of a random TF order, so the graph is
    always a DAG. Connectivity repair then gives every TF without a target a random non-TF target and every non-TF
    gene without a regulator a random TF. ``K ~ U[k_range]`` times −1 with probability ``p_repression``. Master
    regulators (the TFs left without regulators) get, per cell type, a rate from ``low_rate`` or ``high_rate``
    (each with probability 1/2).

    The authors' code only drew activating edges with ``K ~ U[0, 5]`` (REFERENCE_NOTES); ``p_repression=0,
    k_range=(0, 5)`` reproduces that setting. The default follows the paper.

    Parameters
    ----------
    n_genes
        Number of genes, named ``G0 … G{n_genes-1}``.
    tf_ratio, sparsity
        Fraction of genes that are TFs; probability of each TF×gene edge.
    n_cell_types
        Number of cell types (columns of the master regulators' rate table).
    tf_tf_edges
        Allow edges between TFs (kept acyclic). Without them every TF is a master regulator.
    k_range, p_repression, hill
        Interaction strength range, probability that an edge represses, Hill coefficient of every edge.
    low_rate, high_rate
        Ranges of the master regulators' low and high production rates.
    tfs_anywhere
        Place TFs at random positions of the gene order (default); otherwise TFs are genes ``0 … T-1``.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    GRN
    """
    if n_genes < 2:
        raise InputError(f"n_genes={n_genes}: a GRN needs at least 2 genes")
    if not 0 < tf_ratio < 1:
        raise InputError(f"tf_ratio={tf_ratio} must lie in (0, 1), e.g. 0.1 for 10% TFs")
    for name, value in (("sparsity", sparsity), ("p_repression", p_repression)):
        if not 0 <= value <= 1:
            raise InputError(f"{name}={value} is a probability: use a value in [0, 1]")
    check_edge_parameters(n_cell_types, k_range, low_rate, high_rate)
    n_tf = min(n_genes - 1, max(1, int(round(tf_ratio * n_genes))))
    # the TFs × genes draws of the edges and the master regulators' rates per cell type
    check_fits_in_memory(10.0 * n_tf * n_genes + 24.0 * n_genes * n_cell_types,
                         f"a random GRN of {n_genes:,} genes ({n_tf:,} TFs) and {n_cell_types:,} cell types",
                         "use fewer genes, a smaller TF ratio or fewer cell types")
    rng = np.random.default_rng(seed)
    tf_idx = np.sort(rng.choice(n_genes, n_tf, replace=False)) if tfs_anywhere else np.arange(n_tf)
    is_tf = np.zeros(n_genes, dtype=bool)
    is_tf[tf_idx] = True
    rank = np.full(n_genes, -1)
    rank[rng.permutation(tf_idx)] = np.arange(n_tf)  # a random topological order of the TFs

    A = rng.random((n_tf, n_genes)) < sparsity
    allowed = ~is_tf[None, :] | ((rank[tf_idx][:, None] < rank[None, :]) if tf_tf_edges else False)
    A &= allowed
    non_tf = np.flatnonzero(~is_tf)
    for r in np.flatnonzero(~A.any(axis=1)):
        A[r, rng.choice(non_tf)] = True
    for g in non_tf[~A[:, non_tf].any(axis=0)]:
        A[rng.integers(n_tf), g] = True

    reg_row, target = np.nonzero(A)
    regulator = tf_idx[reg_row]
    magnitude = rng.uniform(k_range[0], k_range[1], size=regulator.size)
    sign = np.where(rng.random(regulator.size) < p_repression, -1.0, 1.0)
    master = np.setdiff1d(np.arange(n_genes), target)
    high = rng.random((master.size, n_cell_types)) < 0.5
    rates = np.where(high, rng.uniform(*high_rate, size=high.shape), rng.uniform(*low_rate, size=high.shape))
    return GRN(genes=[f"G{i}" for i in range(n_genes)], regulator=regulator, target=target, K=sign * magnitude,
               hill=np.full(regulator.size, float(hill)), master_regulators=master, basal_rates=rates,
               tfs=[f"G{i}" for i in tf_idx])
