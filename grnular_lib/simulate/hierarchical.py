"""DS-like hierarchical GRNs: TF cascades over several levels, as in SERGIO's DS1–DS3 networks.

SERGIO's published networks (DS1: 100 genes, DS2: 400, DS3: 1,200) are not the paper's §3.2 random graphs. Their TFs
form a cascade — master regulators at the top, TFs regulated by TFs below them, non-TF genes at the bottom — over 3
(DS1), 6 (DS2) and 7 (DS3) of SERGIO's levels; about half the TFs are master regulators (0.70, 0.54, 0.53); a TF's
number of targets is heavy-tailed (DS3: median 8, largest 277; the top tenth of the TFs carry 60 % of the edges); a
non-TF gene has few regulators (mean 2.4–3.1); K is positive on 69 %, 54 % and 51 % of the edges.
:func:`hierarchical_grn` draws graphs of that shape and returns the same :class:`~grnular_lib.simulate.graph.GRN`
as :func:`~grnular_lib.simulate.graph.random_grn`, so the engine simulates it unchanged.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .graph import GRN, check_edge_parameters

LEVEL_RANGE = (3, 7)
"""The numbers of SERGIO levels (:meth:`GRN.levels`) a hierarchical graph may have (DS1: 3, DS3: 7)."""


def _tf_layers(n_tf: int, n_master: int, n_layers: int, rng: np.random.Generator) -> np.ndarray:
    """Top-down layer of each TF: ``0`` for the master regulators, then every layer ``1 … n_layers-1`` non-empty."""
    layer = np.zeros(n_tf, dtype=np.int64)
    rest = n_tf - n_master
    if n_layers > 1:
        extra = rng.integers(1, n_layers, size=rest - (n_layers - 1))  # beyond one TF per layer, layers uniform
        layer[n_master:] = np.sort(np.concatenate([np.arange(1, n_layers), extra]))
    return layer


def _weighted_choice(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct candidates drawn with probability proportional to ``weights`` (Gumbel top-k)."""
    keys = np.log(weights) - np.log(-np.log(rng.random(candidates.size)))
    return candidates[np.argsort(-keys)[:k]]


def hierarchical_grn(n_genes: int = 100, *, tf_ratio: float = 0.1, n_levels: int = 5, master_fraction: float = 0.5,
                     mean_regulators: float = 2.5, outdegree_sigma: float = 1.25, module_sharing: float = 0.0,
                     orphan_fraction: float = 0.0, idle_tf_fraction: float = 0.0, n_cell_types: int = 5,
                     k_range: tuple[float, float] = (1.0, 5.0), p_repression: float = 0.4, hill: float = 2.0,
                     low_rate: tuple[float, float] = (0.2, 0.5), high_rate: tuple[float, float] = (0.7, 1.0),
                     seed: int | np.random.SeedSequence = 0) -> GRN:
    """A random DS-like hierarchical GRN: a TF cascade over ``n_levels`` SERGIO levels.

    ``T = round(tf_ratio · n_genes)`` genes (at random positions) are TFs; ``round(master_fraction · T)`` of them are
    master regulators (layer 0). The other TFs fill layers ``1 … n_levels − 2`` (each at least one TF); a TF of layer
    ``d`` has one regulator in layer ``d − 1`` and, with a geometric number of extras, more in layers above it, so the
    longest regulatory chain has exactly ``n_levels − 1`` edges (:meth:`GRN.levels` then runs ``0 … n_levels − 1``).
    Each TF gets a popularity weight ``LogNormal(0, outdegree_sigma)``; each non-TF gene draws ``1 + Poisson
    (mean_regulators − 1)`` distinct regulators among all TFs with probability proportional to those weights, which
    makes the TFs' out-degrees heavy-tailed — or, with probability ``module_sharing``, takes the regulator set of an
    earlier non-TF gene with as many regulators, drawn uniformly, so popular sets grow into co-regulated modules (as
    in SERGIO's DS networks: 90 non-TF genes of DS1 share 8 regulator sets, 363 of DS2 184 and 1,073 of DS3 277).
    A TF left without a non-TF target gets one. Signs, strengths, Hill coefficients and the master regulators' rates
    are drawn as in :func:`~grnular_lib.simulate.graph.random_grn`.

    Real networks, as a reference lists them, are less complete: many measured genes have no listed regulator among
    the TFs (13–68 % in BEELINE's STRING and ChIP-seq networks) and many listed TFs no listed target (8–38 %).
    ``orphan_fraction`` of the non-TF genes have no regulator, and ``idle_tf_fraction`` of the TFs (listed in
    ``tfs``, counted in ``tf_ratio``) regulate nothing; both kinds are expressed from per-cell-type production rates
    like the master regulators.

    When there are too few TFs for the levels asked for, the cascade is as deep as the TFs allow (at least 2 levels
    with 1 TF); :meth:`GRN.levels` tells what was drawn.

    Parameters
    ----------
    n_genes
        Number of genes, named ``G0 … G{n_genes-1}``.
    tf_ratio
        Fraction of genes that are TFs.
    n_levels
        SERGIO levels of the cascade (DS1: 3, DS2: 6, DS3: 7), non-TF genes included; at least 2.
    master_fraction
        Fraction of the TFs that are master regulators (DS: 0.5–0.7).
    mean_regulators
        Mean number of regulators of a non-TF gene, at least 1 (DS: 2.4–3.1).
    outdegree_sigma
        Spread of the TFs' log popularity; 0 gives every TF the same expected out-degree.
    module_sharing
        Probability in [0, 1) that a non-TF gene copies an earlier gene's regulator set (0: every set drawn afresh).
    orphan_fraction, idle_tf_fraction
        Fractions in [0, 1) of the non-TF genes without regulators and of the TFs without targets (0: none).
    n_cell_types
        Number of cell types (columns of the master regulators' rate table).
    k_range, p_repression, hill
        Interaction strength range, probability that an edge represses, Hill coefficient of every edge.
    low_rate, high_rate
        Ranges of the master regulators' low and high production rates (each with probability 1/2 per cell type).
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    GRN
        TFs = the ``T`` TF genes, every one of them with at least one target.
    """
    if n_genes < 3:
        raise InputError(f"n_genes={n_genes}: a hierarchical GRN needs at least 3 genes")
    if not 0 < tf_ratio < 1:
        raise InputError(f"tf_ratio={tf_ratio} must lie in (0, 1), e.g. 0.1 for 10% TFs")
    if int(n_levels) != n_levels or n_levels < 2:
        raise InputError(f"n_levels={n_levels}: give a whole number >= 2 (SERGIO's DS networks have 3 to 7)")
    if not 0 < master_fraction <= 1:
        raise InputError(f"master_fraction={master_fraction} must lie in (0, 1], e.g. 0.5")
    if not mean_regulators >= 1:
        raise InputError(f"mean_regulators={mean_regulators}: a non-TF gene has at least 1 regulator; give >= 1")
    if not outdegree_sigma >= 0:
        raise InputError(f"outdegree_sigma={outdegree_sigma} must be >= 0 (0: no preferred TFs)")
    for name, value in (("module_sharing", module_sharing), ("orphan_fraction", orphan_fraction),
                        ("idle_tf_fraction", idle_tf_fraction)):
        if not 0 <= value < 1:
            raise InputError(f"{name}={value} must lie in [0, 1)")
    if not 0 <= p_repression <= 1:
        raise InputError(f"p_repression={p_repression} is a probability: use a value in [0, 1]")
    check_edge_parameters(n_cell_types, k_range, low_rate, high_rate)
    rng = np.random.default_rng(seed)
    n_listed = min(n_genes - 1, max(1, int(round(tf_ratio * n_genes))))
    n_idle = min(n_listed - 1, int(round(idle_tf_fraction * n_listed)))
    n_tf = n_listed - n_idle  # the TFs of the cascade
    n_master = min(n_tf, max(1, int(round(master_fraction * n_tf))))
    n_layers = min(int(n_levels) - 1, n_tf - n_master + 1)  # TF layers; each below the top needs a TF
    layer = _tf_layers(n_tf, n_master, n_layers, rng)
    tf_genes = rng.choice(n_genes, n_tf, replace=False)  # TF j (in layer order) is gene tf_genes[j]
    is_tf = np.zeros(n_genes, dtype=bool)
    is_tf[tf_genes] = True
    non_tf = np.flatnonzero(~is_tf)
    weight = rng.lognormal(0.0, outdegree_sigma, size=n_tf)
    unregulated = np.zeros(0, dtype=np.int64)  # idle TFs and orphan genes: production rates, no regulators
    if n_idle or orphan_fraction > 0:
        n_orphan = min(non_tf.size - n_idle - 1, int(round(orphan_fraction * (non_tf.size - n_idle))))
        unregulated = rng.choice(non_tf, n_idle + max(n_orphan, 0), replace=False)
        non_tf = np.setdiff1d(non_tf, unregulated)
    idle = unregulated[:n_idle]

    edges: list[tuple[np.ndarray, np.ndarray]] = []
    for j in np.flatnonzero(layer > 0):  # the cascade: one regulator in the layer above, extras anywhere above
        above = np.flatnonzero(layer < layer[j])
        parent = _weighted_choice(rng, np.flatnonzero(layer == layer[j] - 1), weight[layer == layer[j] - 1], 1)
        others = np.setdiff1d(above, parent)
        n_extra = min(others.size, int(rng.geometric(0.6)) - 1)
        extra = _weighted_choice(rng, others, weight[others], n_extra) if n_extra else others[:0]
        regs = np.concatenate([parent, extra])
        edges.append((regs, np.full(regs.size, j)))
    n_regs = np.minimum(n_tf, 1 + rng.poisson(mean_regulators - 1.0, size=non_tf.size))
    tf_ids = np.arange(n_tf)
    sets: dict[int, list[np.ndarray]] = {}  # regulator sets drawn so far, by size
    for g, k in zip(non_tf, n_regs):
        earlier = sets.setdefault(int(k), [])
        if module_sharing > 0 and earlier and rng.random() < module_sharing:
            regs = earlier[int(rng.integers(len(earlier)))]
        else:
            regs = _weighted_choice(rng, tf_ids, weight, int(k))
        earlier.append(regs)
        edges.append((regs, np.full(regs.size, -1 - g)))  # negative: a non-TF gene, not a TF index
    reg_tf = np.concatenate([r for r, _ in edges])
    tgt = np.concatenate([t for _, t in edges])
    has_gene_target = np.zeros(n_tf, dtype=bool)
    has_gene_target[reg_tf[tgt < 0]] = True
    lonely = np.flatnonzero(~has_gene_target)
    if lonely.size:  # a TF without a non-TF target gets one (the last layer's TFs have no other targets)
        reg_tf = np.concatenate([reg_tf, lonely])
        tgt = np.concatenate([tgt, -1 - rng.choice(non_tf, lonely.size)])
        pairs = np.unique(np.stack([reg_tf, tgt]), axis=1)
        reg_tf, tgt = pairs[0], pairs[1]
    regulator = tf_genes[reg_tf]
    target = np.where(tgt < 0, -1 - tgt, tf_genes[np.maximum(tgt, 0)])
    order = np.lexsort((target, regulator))
    regulator, target = regulator[order], target[order]
    magnitude = rng.uniform(k_range[0], k_range[1], size=regulator.size)
    sign = np.where(rng.random(regulator.size) < p_repression, -1.0, 1.0)
    master = np.sort(np.concatenate([tf_genes[layer == 0], unregulated]))
    high = rng.random((master.size, n_cell_types)) < 0.5
    rates = np.where(high, rng.uniform(*high_rate, size=high.shape), rng.uniform(*low_rate, size=high.shape))
    return GRN(genes=[f"G{i}" for i in range(n_genes)], regulator=regulator, target=target, K=sign * magnitude,
               hill=np.full(regulator.size, float(hill)), master_regulators=master, basal_rates=rates,
               tfs=[f"G{i}" for i in np.sort(np.concatenate([tf_genes, idle]))])


def graph_shape(grn: GRN) -> dict[str, float]:
    """The quantities that tell a DS-like cascade from a §3.2 random graph.

    Returns
    -------
    dict
        ``genes``, ``tfs`` (genes with targets), ``levels`` (SERGIO levels), ``master_fraction`` (TFs without
        regulators / TFs), ``outdegree_median``, ``outdegree_max``, ``outdegree_cv`` (std / mean of the TFs'
        out-degrees), ``top_decile_share`` (share of the edges from the tenth of TFs with most targets),
        ``regulators_per_gene`` (mean in-degree of non-TF genes), ``regulator_sets_per_gene`` (distinct regulator
        sets / regulated non-TF genes: low when genes form co-regulated modules), ``tf_tf_fraction`` (edges into TFs
        / edges) and ``activating_fraction`` (edges with K > 0).
    """
    regs = np.unique(grn.regulator)
    out = np.bincount(grn.regulator, minlength=grn.n_genes)[regs].astype(float)
    is_tf = np.zeros(grn.n_genes, dtype=bool)
    is_tf[regs] = True
    indeg = np.bincount(grn.target, minlength=grn.n_genes)
    top = np.sort(out)[::-1][:max(1, regs.size // 10)].sum() / out.sum()
    into_genes = ~is_tf[grn.target]
    sets = pd.Series(grn.regulator[into_genes]).groupby(grn.target[into_genes]).agg(lambda r: tuple(sorted(r)))
    return {"genes": grn.n_genes, "tfs": int(regs.size), "levels": int(grn.levels().max()) + 1,
            "master_fraction": float(np.isin(grn.master_regulators, regs).sum() / regs.size),
            "outdegree_median": float(np.median(out)), "outdegree_max": int(out.max()),
            "outdegree_cv": float(out.std() / out.mean()), "top_decile_share": float(top),
            "regulators_per_gene": float(indeg[~is_tf].mean()) if (~is_tf).any() else 0.0,
            "regulator_sets_per_gene": float(sets.nunique() / len(sets)) if len(sets) else 0.0,
            "tf_tf_fraction": float(is_tf[grn.target].mean()), "activating_fraction": float((grn.K > 0).mean())}
