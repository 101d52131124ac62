"""A vectorised SERGIO-equivalent simulator: random GRNs, the steady-state engine, technical noise, corpora.

The model is SERGIO's steady-state model (Dibaeinia & Sinha 2020) as stated in SERGIO_MODEL.md, implemented from
the equations. :func:`simulate_dataset` turns one GRN into a clean and a noisy :class:`~grnular_lib.dataset.GRNDataset`;
:func:`make_corpus` makes many random problems at once, serially or on a Dask cluster, identically for one seed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset import GRNDataset
from ..errors import InputError
from .batches import run_batches
from .engine import simulate_clean, steady_state_means
from .general import GENERAL_SETTING, draw_general, general_corpus
from .graph import GRN, random_grn
from .hierarchical import hierarchical_grn
from .noise import add_outlier_genes, apply_dropout, apply_noise_chain, scale_library_size, to_counts
from .sergio_io import read_sergio, write_sergio
from .settings import SimulationSettings

__all__ = ["GRN", "random_grn", "hierarchical_grn", "GENERAL_SETTING", "draw_general", "general_corpus", "read_sergio", "write_sergio", "simulate_clean", "steady_state_means",
           "add_outlier_genes", "scale_library_size", "apply_dropout", "to_counts", "apply_noise_chain",
           "SimulationSettings", "simulate_dataset", "make_corpus", "cell_names"]

CORPUS_BATCH = 16
"""Graphs simulated together in one engine call (and one Dask task) by :func:`make_corpus`."""


def cell_names(n_cell_types: int, cells_per_type: int) -> list[str]:
    """Cell names ``type{b}_cell{c}``, grouped by cell type."""
    return [f"type{b}_cell{c}" for b in range(n_cell_types) for c in range(cells_per_type)]


def _as_dataset(x: np.ndarray, grn: GRN, name: str) -> GRNDataset:
    B, _, C = x.shape
    obs = pd.DataFrame({"cell_type": np.repeat(np.arange(B), C)}, index=cell_names(B, C))
    return GRNDataset(name=name, expression=x.transpose(0, 2, 1).reshape(B * C, -1), genes=grn.genes, tfs=grn.tfs,
                      truth=grn.to_network_frame(), obs=obs)


def _datasets(clean: np.ndarray, grn: GRN, settings: SimulationSettings, noise_seed, name: str,
              noisy: bool = True) -> tuple[GRNDataset, GRNDataset]:
    clean_ds = _as_dataset(clean, grn, f"{name}/clean")
    if not (noisy and settings.has_technical_noise):
        return clean_ds, clean_ds
    noisy_x = apply_noise_chain(clean, settings, np.random.default_rng(noise_seed))
    return clean_ds, _as_dataset(noisy_x, grn, f"{name}/noisy")


def _engine_args(settings: SimulationSettings) -> dict:
    return dict(cells_per_type=settings.cells_per_type, noise_q=settings.noise_q, decay=settings.decay,
                sampling_state=settings.sampling_state, noise_type=settings.noise_type)


def simulate_dataset(grn: GRN, settings: SimulationSettings, *, seed: int | np.random.SeedSequence = 0,
                     name: str = "sim") -> tuple[GRNDataset, GRNDataset]:
    """Simulate one GRN: clean expression and, after the technical noise in ``settings``, noisy expression.

    Parameters
    ----------
    grn
        The network.
    settings
        Engine parameters and technical noise.
    seed
        Seed; the engine and the noise use two children of ``SeedSequence(seed)``.
    name
        Prefix of the datasets' names (``{name}/clean``, ``{name}/noisy``).

    Returns
    -------
    (GRNDataset, GRNDataset)
        Clean and noisy data (the same object twice when ``settings`` has no technical noise): cells × genes grouped
        by cell type, ``obs['cell_type']``, cells named ``type{b}_cell{c}``, ``tfs = grn.tfs``, truth = the GRN's
        edges with their signs.
    """
    if not isinstance(settings, SimulationSettings):
        raise InputError("settings must be a SimulationSettings, e.g. SimulationSettings.paper_clean(200)")
    engine_seed, noise_seed = np.random.SeedSequence(seed).spawn(2) if not isinstance(
        seed, np.random.SeedSequence) else seed.spawn(2)
    clean = simulate_clean(grn, seed=engine_seed, **_engine_args(settings))
    return _datasets(clean, grn, settings, noise_seed, name)


def _corpus_batch(indices: list[int], seeds: list[np.random.SeedSequence], graph_params: dict,
                  settings: SimulationSettings, noisy: bool) -> list[GRNDataset]:
    """Build, simulate and (optionally) noise the graphs ``indices`` of a corpus; one Dask task."""
    children = [s.spawn(3) for s in seeds]
    grns = [random_grn(**graph_params, seed=c[0]) for c in children]
    clean = simulate_clean(grns, seed=[c[1] for c in children], **_engine_args(settings))
    out = []
    for i, x, grn, c in zip(indices, clean, grns, children):
        clean_ds, noisy_ds = _datasets(x, grn, settings, c[2], f"corpus/{i}", noisy)
        out.append(noisy_ds if noisy else clean_ds)
    return out


def make_corpus(n_graphs: int, *, graph_params: dict | None = None, settings: SimulationSettings, seed: int = 0,
                client=None, progress: bool = True, noisy: bool = True) -> list[GRNDataset]:
    """Many (expression, GRN) problems: random GRNs (:func:`random_grn`) simulated with ``settings``.

    Graph ``i`` draws its GRN, its cells and its noise from children of ``SeedSequence(seed).spawn(n_graphs)[i]``,
    so the corpus is identical whether it runs serially or on Dask, and whatever the batching.

    Parameters
    ----------
    n_graphs
        Number of problems.
    graph_params
        Keyword arguments of :func:`random_grn` other than ``seed`` (default: the paper's §3.2 settings).
    settings
        Engine parameters and technical noise.
    seed
        Corpus seed.
    client
        A ``distributed.Client`` or a scheduler address; ``None`` runs serially in this process.
    progress
        Show a tqdm progress bar (graphs done).
    noisy
        Return the data after the technical noise in ``settings`` (the clean data otherwise).

    Returns
    -------
    list of GRNDataset
        In graph order, named ``corpus/{i}/clean`` or ``corpus/{i}/noisy``.
    """
    from tqdm.auto import tqdm

    if int(n_graphs) != n_graphs or n_graphs < 1:
        raise InputError(f"n_graphs={n_graphs}: give a positive whole number of graphs")
    graph_params = dict(graph_params or {})
    if "seed" in graph_params:
        raise InputError("graph_params must not contain 'seed'; each graph's seed derives from make_corpus's seed")
    try:
        random_grn(**{**graph_params, "n_genes": graph_params.get("n_genes", 100)}, seed=0)
    except TypeError as exc:
        raise InputError(f"graph_params: {exc}; use keyword arguments of random_grn") from None
    seeds = np.random.SeedSequence(seed).spawn(int(n_graphs))
    batches = [list(range(i, min(i + CORPUS_BATCH, n_graphs))) for i in range(0, n_graphs, CORPUS_BATCH)]
    args = [(idx, [seeds[i] for i in idx], graph_params, settings, noisy) for idx in batches]
    with tqdm(total=int(n_graphs), disable=not progress, desc="simulating", unit="graph") as bar:
        return run_batches(_corpus_batch, args, [len(idx) for idx in batches], client=client, bar=bar)
