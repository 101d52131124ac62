"""The ``general`` training and test distribution: one simulated GRN problem per seed, drawn over a broad range.

A problem is a graph from one of two families — the paper's §3.2 random graphs
(:func:`~grnular_lib.simulate.graph.random_grn`) or DS-like TF cascades
(:func:`~grnular_lib.simulate.hierarchical.hierarchical_grn`) — of 50 to ``max_genes`` genes, simulated with the
project's SERGIO engine over 1–10 cell types and 100–3,000 cells (versions 4, 5 and 7: 100–8,000, 1,000–3,000,
3,000–8,000), and observed clean, after dropout, or through SERGIO's full DS noise chain followed by ``log1p`` (what a
user feeds a method; version 8: half of them scaled to the median library size first, as scanpy's ``normalize_total``
does) at a sequencing depth from SERGIO's DS value (about 100 counts per cell, 82–91 % zeros) to that
of a deeply sequenced experiment (about 10,000 counts per cell, the 10–40 % zeros of the BEELINE datasets); a method
is given the graph's TFs as candidate regulators, or (version 6) every gene. :data:`GENERAL_SETTING` lists every
range, for model cards; :func:`draw_general` draws one problem from a seed; :func:`general_corpus` draws many, with
seed streams that differ structurally between the ``train``, ``val`` and ``test`` splits.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ..dataset import GRNDataset
from ..errors import InputError
from .batches import run_batches
from .engine import simulate_clean
from .graph import random_grn
from .hierarchical import LEVEL_RANGE, hierarchical_grn
from .noise import apply_noise_chain
from .settings import SimulationSettings

SPLITS = ("train", "val", "test")
#: First entry of every ``general`` spawn key, so these streams differ from any other seed use in the project.
GENERAL_STREAM = 8
_SPLIT_CODE = {"train": 1, "val": 2, "test": 3}
FAMILIES = ("random", "hierarchical")
NOISE_LEVELS = ("clean", "dropout", "ds")
#: Problems drawn per Dask task by :func:`general_corpus`.
GENERAL_BATCH = 4


@dataclass(frozen=True)
class GeneralSetting:
    """The ranges of the ``general`` distribution (every range inclusive; "log" ranges are drawn log-uniformly).

    Attributes
    ----------
    name, version
        ``"general"`` and the version of these ranges (bumped on any change).
    family_weights
        Probability of the ``random`` (§3.2) and the ``hierarchical`` (DS-like) family.
    genes
        Number of genes, log-uniform; the upper end is :func:`draw_general`'s ``max_genes`` (default 1,200).
    tf_ratio
        Fraction of genes that are TFs, uniform.
    cell_types
        Number of cell types, uniform over the whole numbers.
    cells
        Total cells, log-uniform, split evenly over the cell types (at least 1 per type).
    noise_weights
        Probability of each of :data:`NOISE_LEVELS`: ``clean``; ``dropout`` (the paper's §3.2.2 dropout, shape
        :attr:`dropout_shape`, percentile uniform in :attr:`dropout_percentile`, no log); ``ds`` (SERGIO's DS chain
        — outlier genes, library size, dropout, Poisson counts — then ``log1p``; see :attr:`library_mean`).
    noise_q, decay
        SERGIO's noise amplitude (log-uniform; paper 0.1, DS 1) and decay (uniform; paper 1, DS 0.8).
    p_repression
        Probability that an edge represses, uniform (both families).
    sparsity
        Random family: probability of a TF × gene edge, log-uniform, capped so a gene expects at most
        :attr:`max_regulators` regulators.
    levels, master_fraction, mean_regulators, outdegree_sigma, module_sharing, orphan_fraction, idle_tf_fraction
        Hierarchical family: SERGIO levels (uniform whole numbers), fraction of TFs that are master regulators,
        mean regulators of a non-TF gene, spread of the TFs' log popularity, probability that a gene copies an
        earlier gene's regulator set (co-regulated modules), fraction of non-TF genes without a regulator and of
        TFs without a target (a reference network's incompleteness; all uniform).
    library_mean, ds_dropout_probability, ds_dropout_percentile
        The DS chain's sequencing depth and dropout: the log of the mean library size (uniform; SERGIO's DS data
        4.6, about 100 counts per cell); the probability that the chain has a dropout step at all (UMI data has
        none), and its percentile when it has (uniform; DS data 82).
    ds_noise
        The DS chain's fixed parameters (SERGIO's DS1–DS3 values; the library size's spread is ``library_scale``).
    every_gene_probability
        Probability that a method is given every gene as a candidate regulator rather than the graph's TFs (as when a
        user has no TF list, and in BEELINE's synthetic and curated benchmarks). The truth is unchanged: the genes
        that are not TFs regulate nothing.
    ds_normalise_probability
        Probability that the DS chain's counts are scaled to the median library size before ``log1p``
        (:func:`normalise_total`, scanpy's ``normalize_total`` followed by ``log1p``: how real data such as BEELINE's
        are usually given), rather than taken as counts.

    Version 2 added the depth and the optional dropout of the DS chain (version 1: always 4.6 and 82), the modules,
    orphan genes and idle TFs of the hierarchical family (version 1: none), and TF ratios up to 50 % (version 1: 30 %;
    BEELINE's gene sets have 20–55 %). Version 3 widened the spread of the TFs' popularity from 0.75–1.75 to 0.75–2.5,
    so that some graphs have a hub TF regulating most genes, as real and DS networks do (DS1: two of 10 TFs each
    regulate 76 of the 100 genes; mHSC-GM's STRING network: 5 of 132 TFs hold a quarter of the edges); the draw is
    otherwise unchanged (same streams, same order). Version 4 (:data:`GENERAL_SETTINGS`) widens the cells from 100–3,000
    to 100–8,000, as droplet experiments often have 5,000 cells or more; the draw is otherwise unchanged. Version 3
    stays the default: ``grnular-rank`` models trained on version 4 gain at 5,000 cells but lose on DS1 with the noise
    chain and on mHSC-GM (benchmarks/GENERALISATION.md, "The default, the grid and the datasets"). Version 5 narrows the
    cells to 1,000–3,000 (otherwise unchanged): a model that sees only that range learns how far conditional evidence
    (ridge, partial correlation) can be trusted when many cells estimate it precisely, which features that do not change
    with the number of cells cannot tell a model trained on 100–3,000 (benchmarks/GENERALISATION.md, "Many cells").
    Version 6 gives every gene as a candidate regulator in every problem (otherwise version 3; whether it does comes
    from a fifth stream of the seed, so the draw is otherwise unchanged): models trained with the TFs as candidates lose
    half their lead over the floors when every gene is one, and ``grnular-rank`` runs models trained on version 6
    without a TF list (benchmarks/GENERALISATION.md, "Without a TF list"). Version 7 narrows the cells to 3,000–8,000
    (otherwise unchanged): on more than 3,000 cells models trained on version 4 were still below the floors on average,
    and models that saw only that range lead there (benchmarks/GENERALISATION.md, "Many cells"). Version 8 scales half
    of the DS-chain problems to the median library size before ``log1p`` (otherwise version 3; whether it does comes
    from a sixth stream of the seed): on 12 test-split problems through the chain the default model's lead over the
    floors halves when the same counts are normalised that way, as real data usually are (benchmarks/GENERALISATION.md,
    "The default, the grid and the datasets").
    """

    name: str = "general"
    version: int = 3
    family_weights: tuple[float, float] = (0.5, 0.5)
    genes: tuple[int, int] = (50, 1200)
    tf_ratio: tuple[float, float] = (0.05, 0.50)
    cell_types: tuple[int, int] = (1, 10)
    cells: tuple[int, int] = (100, 3000)
    noise_weights: tuple[float, float, float] = (0.3, 0.4, 0.3)
    dropout_shape: float = 20.0
    dropout_percentile: tuple[float, float] = (20.0, 80.0)
    noise_q: tuple[float, float] = (0.1, 1.0)
    decay: tuple[float, float] = (0.8, 1.0)
    p_repression: tuple[float, float] = (0.3, 0.5)
    sparsity: tuple[float, float] = (0.03, 0.2)
    max_regulators: float = 15.0
    levels: tuple[int, int] = LEVEL_RANGE
    master_fraction: tuple[float, float] = (0.4, 0.7)
    mean_regulators: tuple[float, float] = (1.5, 3.5)
    outdegree_sigma: tuple[float, float] = (0.75, 2.5)
    module_sharing: tuple[float, float] = (0.0, 0.9)
    orphan_fraction: tuple[float, float] = (0.0, 0.6)
    idle_tf_fraction: tuple[float, float] = (0.0, 0.4)
    library_mean: tuple[float, float] = (4.6, 9.2)
    ds_dropout_probability: float = 0.5
    ds_dropout_percentile: tuple[float, float] = (20.0, 82.0)
    ds_noise: tuple[tuple[str, Any], ...] = (("outlier_prob", 0.01), ("library_scale", 0.4), ("dropout_shape", 6.5),
                                             ("counts", True))
    every_gene_probability: float = 0.0
    ds_normalise_probability: float = 0.0

    def to_dict(self, max_genes: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict of every range (for model cards); ``max_genes``: the upper end of the genes a corpus
        was drawn with, when not the default."""
        d = asdict(self)
        if max_genes is not None:
            d["genes"] = (self.genes[0], int(max_genes))
        d["ds_noise"] = {k: list(v) if isinstance(v, tuple) else v for k, v in self.ds_noise}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


#: The ``general`` distribution's ranges, as recorded in model cards: the default version.
GENERAL_SETTING = GeneralSetting()
#: Every version of the ranges this library can draw, by number (a checkpoint's card names its own; versions 4,
#: 5 and 7 differ from 3 only in their cells, version 6 only in its candidate regulators, version 8 only in how
#: the DS chain's counts are given, version 9 in both the cells of 5 and the counts of 8 and version 10 from 8 only in
#: drawing SERGIO's noise chain for half of its problems, version 11 from 3 only in drawing it for every problem and
#: version 14 from 8 only in its cells, 100–1,000 (versions 12 and 13 were tried and not kept), so each draws its
#: problems exactly as the version's checkpoints saw them).
GENERAL_SETTINGS: dict[int, GeneralSetting] = {3: GENERAL_SETTING,
                                               4: replace(GENERAL_SETTING, version=4, cells=(100, 8000)),
                                               5: replace(GENERAL_SETTING, version=5, cells=(1000, 3000)),
                                               6: replace(GENERAL_SETTING, version=6, every_gene_probability=1.0),
                                               7: replace(GENERAL_SETTING, version=7, cells=(3000, 8000)),
                                               8: replace(GENERAL_SETTING, version=8, ds_normalise_probability=0.5),
                                               9: replace(GENERAL_SETTING, version=9, cells=(1000, 3000),
                                                          ds_normalise_probability=0.5),
                                               10: replace(GENERAL_SETTING, version=10, ds_normalise_probability=0.5,
                                                           noise_weights=(0.2, 0.3, 0.5)),
                                               11: replace(GENERAL_SETTING, version=11, noise_weights=(0.0, 0.0, 1.0)),
                                               14: replace(GENERAL_SETTING, version=14, cells=(100, 1000),
                                                           ds_normalise_probability=0.5)}


def general_setting_version(version: int) -> GeneralSetting:
    """The ranges of ``version`` of the ``general`` distribution (see :data:`GENERAL_SETTINGS`)."""
    if version not in GENERAL_SETTINGS:
        raise InputError(f"general setting version {version} is not in this library; choose one of "
                         f"{', '.join(map(str, GENERAL_SETTINGS))}")
    return GENERAL_SETTINGS[version]

#: Keys of a draw that :func:`draw_general` accepts as overrides (a benchmark fixes some and draws the rest).
OVERRIDABLE = ("family", "n_genes", "tf_ratio", "n_cell_types", "n_cells", "noise", "dropout_percentile", "noise_q",
               "decay", "p_repression", "sparsity", "n_levels", "master_fraction", "mean_regulators",
               "outdegree_sigma", "module_sharing", "orphan_fraction", "idle_tf_fraction", "library_mean",
               "ds_dropout_percentile", "every_gene", "normalise")
#: The DS chain exactly as in SERGIO's DS1–DS3, as overrides of a ``noise="ds"`` draw.
SERGIO_DS_CHAIN: dict[str, Any] = {"library_mean": 4.6, "ds_dropout_percentile": 82.0}


class GeneralProblem(NamedTuple):
    """One drawn problem: the data and the description of its draw (see :func:`draw_general`)."""

    data: GRNDataset
    info: dict[str, Any]


def general_seed(seed: int, split: str, index: int) -> np.random.SeedSequence:
    """The seed of problem ``index`` of ``split``: ``SeedSequence(seed, spawn_key=(8, split code, index))``.

    The split code (train 1, val 2, test 3) is part of the spawn key, so no training problem can share its random
    stream with a validation or test problem, whatever the base seeds and indices.
    """
    if split not in SPLITS:
        raise InputError(f"split={split!r}: choose one of {', '.join(SPLITS)}")
    if int(seed) != seed or seed < 0 or int(index) != index or index < 0:
        raise InputError(f"seed={seed}, index={index}: give non-negative whole numbers")
    return np.random.SeedSequence(int(seed), spawn_key=(GENERAL_STREAM, _SPLIT_CODE[split], int(index)))


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _draw_parameters(rng: np.random.Generator, noise_rng: np.random.Generator, module_rng: np.random.Generator,
                     candidate_rng: np.random.Generator, normalise_rng: np.random.Generator, setting: GeneralSetting,
                     max_genes: int) -> dict[str, Any]:
    """Every parameter of a problem, always drawn in the same order (an override never shifts the others).

    The parameters added in version 2 come from their own streams (the DS chain's depth and dropout first from the
    technical-noise stream, the graph's modules, orphan genes and idle TFs from a fourth child of the seed), so a
    version-1 draw's other parameters and its random graphs are unchanged; whether every gene is a candidate
    regulator (``every_gene``; version 6) comes from a fifth child, and whether DS-chain counts are normalised
    (``normalise``; version 8) from a sixth; both are drawn in every version.
    """
    s = setting
    return {
        "family": FAMILIES[int(rng.random() >= s.family_weights[0] / sum(s.family_weights))],
        "n_genes": int(round(_log_uniform(rng, s.genes[0], max_genes))),
        "tf_ratio": float(rng.uniform(*s.tf_ratio)),
        "n_cell_types": int(rng.integers(s.cell_types[0], s.cell_types[1] + 1)),
        "n_cells": int(round(_log_uniform(rng, *s.cells))),
        "noise": NOISE_LEVELS[int(rng.choice(len(NOISE_LEVELS), p=np.asarray(s.noise_weights) / sum(s.noise_weights)))],
        "dropout_percentile": float(rng.uniform(*s.dropout_percentile)),
        "noise_q": _log_uniform(rng, *s.noise_q),
        "decay": float(rng.uniform(*s.decay)),
        "p_repression": float(rng.uniform(*s.p_repression)),
        "sparsity": _log_uniform(rng, *s.sparsity),
        "n_levels": int(rng.integers(s.levels[0], s.levels[1] + 1)),
        "master_fraction": float(rng.uniform(*s.master_fraction)),
        "mean_regulators": float(rng.uniform(*s.mean_regulators)),
        "outdegree_sigma": float(rng.uniform(*s.outdegree_sigma)),
        "module_sharing": float(module_rng.uniform(*s.module_sharing)),
        "orphan_fraction": float(module_rng.uniform(*s.orphan_fraction)),
        "idle_tf_fraction": float(module_rng.uniform(*s.idle_tf_fraction)),
        "library_mean": float(noise_rng.uniform(*s.library_mean)),
        "ds_dropout_percentile": (float(noise_rng.uniform(*s.ds_dropout_percentile))
                                  if noise_rng.random() < s.ds_dropout_probability else None),
        "every_gene": bool(candidate_rng.random() < s.every_gene_probability),
        "normalise": bool(normalise_rng.random() < s.ds_normalise_probability),
    }


def _check_overrides(overrides: dict[str, Any]) -> None:
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise InputError(f"cannot fix {unknown} of a general draw; fixable keys are {', '.join(OVERRIDABLE)}")
    if "family" in overrides and overrides["family"] not in FAMILIES:
        raise InputError(f"family={overrides['family']!r}: choose one of {', '.join(FAMILIES)}")
    if "noise" in overrides and overrides["noise"] not in NOISE_LEVELS:
        raise InputError(f"noise={overrides['noise']!r}: choose one of {', '.join(NOISE_LEVELS)}")
    for key in ("n_genes", "n_cell_types", "n_cells", "n_levels"):
        if key in overrides and (int(overrides[key]) != overrides[key] or overrides[key] < 1):
            raise InputError(f"{key}={overrides[key]}: give a positive whole number")
    if "every_gene" in overrides and not isinstance(overrides["every_gene"], bool):
        raise InputError(f"every_gene={overrides['every_gene']!r}: give True (every gene a candidate regulator) or "
                         "False (the graph's TFs)")
    if "normalise" in overrides and not isinstance(overrides["normalise"], bool):
        raise InputError(f"normalise={overrides['normalise']!r}: give True (DS-chain counts scaled to the median "
                         "library size before log1p) or False (log1p of the counts)")


def normalise_total(counts: np.ndarray) -> np.ndarray:
    """Each cell's counts (cells × genes) scaled to the median library size of the cells with any counts (a cell
    without counts stays 0), as scanpy's ``normalize_total`` with its default target."""
    x = np.asarray(counts, dtype=np.float64)
    library = x.sum(axis=1, keepdims=True)
    target = np.median(library[library > 0]) if (library > 0).any() else 1.0
    return np.divide(x * target, library, out=np.zeros_like(x), where=library > 0)


def draw_general(seed: int | np.random.SeedSequence, *, max_genes: int = GENERAL_SETTING.genes[1],
                 setting: GeneralSetting = GENERAL_SETTING, name: str = "general", **overrides: Any) -> GeneralProblem:
    """Draw and simulate one problem of the ``general`` distribution.

    Parameters
    ----------
    seed
        An int or a ``SeedSequence`` (e.g. :func:`general_seed`); its six children seed the parameters and graph,
        the engine, the technical noise, the version-2 graph parameters, the candidate regulators (version 6) and the
        normalisation of DS-chain counts (version 8).
    max_genes
        Upper end of the log-uniform number of genes (at least the setting's lower end).
    setting
        The ranges (default :data:`GENERAL_SETTING`).
    name
        Prefix of the dataset's name (``{name}/{family}/{noise}``).
    **overrides
        Fixed values for any of :data:`OVERRIDABLE` (e.g. ``n_genes=400, noise="ds", family="hierarchical"``); the
        other parameters are drawn exactly as without the override.

    Returns
    -------
    GeneralProblem
        ``data``: cells × genes expression (grouped by cell type, ``obs['cell_type']``), genes, TFs, signed truth;
        ``info``: every parameter of the draw (``None`` for the other family's graph parameters), plus ``n_tfs``,
        ``n_edges``, ``levels`` (SERGIO levels of the graph), ``cells_per_type`` and ``chance`` (edge density over
        TF × gene pairs).
    """
    if int(max_genes) != max_genes or max_genes < setting.genes[0]:
        raise InputError(f"max_genes={max_genes}: give a whole number >= {setting.genes[0]}")
    _check_overrides(overrides)
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    graph_seed, engine_seed, noise_seed, module_seed, candidate_seed, normalise_seed = ss.spawn(6)
    rng, noise_rng = np.random.default_rng(graph_seed), np.random.default_rng(noise_seed)
    candidate_rng = np.random.default_rng(candidate_seed)
    p = {**_draw_parameters(rng, noise_rng, np.random.default_rng(module_seed), candidate_rng,
                            np.random.default_rng(normalise_seed), setting, int(max_genes)), **overrides}
    if p["family"] == "random":
        n_tf = max(1, round(p["tf_ratio"] * p["n_genes"]))
        p["sparsity"] = float(min(p["sparsity"], setting.max_regulators / n_tf))
        grn = random_grn(p["n_genes"], tf_ratio=p["tf_ratio"], sparsity=p["sparsity"], n_cell_types=p["n_cell_types"],
                         p_repression=p["p_repression"], seed=rng)
    else:
        grn = hierarchical_grn(p["n_genes"], tf_ratio=p["tf_ratio"], n_levels=p["n_levels"],
                               master_fraction=p["master_fraction"], mean_regulators=p["mean_regulators"],
                               outdegree_sigma=p["outdegree_sigma"], module_sharing=p["module_sharing"],
                               orphan_fraction=p["orphan_fraction"], idle_tf_fraction=p["idle_tf_fraction"],
                               n_cell_types=p["n_cell_types"],
                               p_repression=p["p_repression"], seed=rng)
    cells_per_type = max(1, int(round(p["n_cells"] / p["n_cell_types"])))
    if p["noise"] == "ds":
        ds = dict(setting.ds_noise)
        with_dropout = p["ds_dropout_percentile"] is not None
        settings = SimulationSettings(cells_per_type=cells_per_type, noise_q=p["noise_q"], decay=p["decay"],
                                      outlier_prob=ds["outlier_prob"],
                                      library_size=(p["library_mean"], ds["library_scale"]),
                                      dropout_shape=ds["dropout_shape"] if with_dropout else None,
                                      dropout_percentile=p["ds_dropout_percentile"], counts=ds["counts"])
    elif p["noise"] == "dropout":
        settings = SimulationSettings(cells_per_type=cells_per_type, noise_q=p["noise_q"], decay=p["decay"],
                                      dropout_shape=setting.dropout_shape,
                                      dropout_percentile=p["dropout_percentile"])
    else:
        settings = SimulationSettings(cells_per_type=cells_per_type, noise_q=p["noise_q"], decay=p["decay"])
    x = simulate_clean(grn, seed=engine_seed, cells_per_type=cells_per_type, noise_q=p["noise_q"],
                       decay=p["decay"], sampling_state=settings.sampling_state, noise_type=settings.noise_type)
    x = apply_noise_chain(x, settings, noise_rng)
    B, _, C = x.shape
    expression = x.transpose(0, 2, 1).reshape(B * C, -1)
    if p["noise"] == "ds":
        expression = np.log1p(normalise_total(expression) if p["normalise"] else expression.astype(np.float64))
    obs = pd.DataFrame({"cell_type": np.repeat(np.arange(B), C)},
                       index=[f"type{b}_cell{c}" for b in range(B) for c in range(C)])
    data = GRNDataset(name=f"{name}/{p['family']}/{p['noise']}", expression=expression,
                      genes=grn.genes, tfs=grn.genes if p["every_gene"] else grn.tfs, truth=grn.to_network_frame(),
                      obs=obs)
    if p["noise"] != "dropout":
        p["dropout_percentile"] = settings.dropout_percentile
    if p["noise"] != "ds":
        p["library_mean"] = p["ds_dropout_percentile"] = p["normalise"] = None
    if p["family"] == "random":
        unused: tuple[str, ...] = ("n_levels", "master_fraction", "mean_regulators", "outdegree_sigma",
                                   "module_sharing", "orphan_fraction", "idle_tf_fraction")
    else:
        unused = ("sparsity",)
    p.update(dict.fromkeys(unused))  # drawn (so that every draw consumes the same numbers) but not used
    info = {**p, "n_cells": B * C, "cells_per_type": C, "n_tfs": len(grn.tfs), "n_edges": int(grn.regulator.size),
            "levels": int(grn.levels().max()) + 1,
            "chance": float(grn.regulator.size / (len(grn.tfs) * grn.n_genes - len(grn.tfs))),
            "setting": f"{setting.name}-v{setting.version}", "seed_entropy": int(ss.entropy),
            "spawn_key": list(ss.spawn_key)}
    return GeneralProblem(data, info)


def _draw_batch(seed: int, split: str, indices: list[int], max_genes: int, setting: GeneralSetting,
                overrides: dict[str, Any]) -> list[GeneralProblem]:
    """Problems ``indices`` of a split; one Dask task."""
    return [draw_general(general_seed(seed, split, i), max_genes=max_genes, setting=setting,
                         name=f"general/{split}/{i}", **overrides) for i in indices]


def general_corpus(n: int, seed: int = 0, *, max_genes: int = GENERAL_SETTING.genes[1], split: str = "train",
                   start: int = 0, setting: GeneralSetting = GENERAL_SETTING, client: Any = None,
                   progress: bool = True, **overrides: Any) -> list[GeneralProblem]:
    """Problems ``start … start + n − 1`` of a split of the ``general`` distribution.

    Problem ``i`` of split ``s`` is ``draw_general(general_seed(seed, s, i), …)``: the same whether drawn alone,
    in a corpus, serially or on Dask; and never the random stream of a problem of another split.

    Parameters
    ----------
    n
        Number of problems.
    seed
        Base seed (non-negative whole number).
    max_genes
        Upper end of the number of genes.
    split
        ``"train"``, ``"val"`` or ``"test"``.
    start
        Index of the first problem (to extend a corpus without redrawing it).
    setting
        The ranges (default :data:`GENERAL_SETTING`).
    client
        A ``distributed.Client`` or a scheduler address; ``None`` runs serially in this process.
    progress
        Show a tqdm progress bar.
    **overrides
        Fixed values passed to :func:`draw_general`.

    Returns
    -------
    list of GeneralProblem
        In index order, datasets named ``general/{split}/{i}/{family}/{noise}``.
    """
    from tqdm.auto import tqdm

    if int(n) != n or n < 1:
        raise InputError(f"n={n}: give a positive whole number of problems")
    if int(start) != start or start < 0:
        raise InputError(f"start={start}: give a non-negative whole number")
    general_seed(seed, split, start)  # validates seed and split
    _check_overrides(overrides)
    indices = list(range(int(start), int(start) + int(n)))
    batches = [indices[i:i + GENERAL_BATCH] for i in range(0, len(indices), GENERAL_BATCH)]
    args = [(seed, split, idx, int(max_genes), setting, overrides) for idx in batches]
    with tqdm(total=int(n), disable=not progress, desc=f"general/{split}", unit="graph") as bar:
        return run_batches(_draw_batch, args, [len(idx) for idx in batches], client=client, bar=bar)
