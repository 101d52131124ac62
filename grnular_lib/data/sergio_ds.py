"""SERGIO's DS1–DS3 datasets, regenerated from their published GRN files with the DS settings.

The 15 published expression replicates per dataset are not redistributable here, so each replicate is simulated
with this package's SERGIO-equivalent engine (:mod:`grnular_lib.simulate`) from ``Interaction_cID_*.txt`` and
``Regs_cID_*.txt`` with SERGIO's DS settings (9 cell types × 300 cells, q = 1, decay 0.8, sampling state 15,
``dpd`` noise). Replicate ``r`` of dataset ``DSk`` uses ``SeedSequence(REPLICATE_ENTROPY, spawn_key=(k, r))``: its
first child seeds the engine, the second the technical noise. Clean simulations are cached on disk.

Three versions (``noise=``):

- ``"clean"``: steady-state expression without technical noise (what the paper trains and mostly tests on).
- ``"ds"``: SERGIO's DS technical noise chain — outlier genes (p = 0.01, LogNormal(0.8, 1)), library size
  (LogNormal(4.6, 0.4)), dropout (shape 6.5, 82nd percentile), Poisson counts — returned as ``log1p(counts)`` by
  default (the log transform BEELINE's real data carry; REFERENCE_NOTES measured the baselines on it).
- ``"dropout"``: the paper's §3.3 reading — the clean data with only the DS dropout step (shape 6.5, 82nd
  percentile; "82% dropout percentile in the case of the DS datasets"), on the clean scale, no log.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..cache import digest, load_arrays, resolve_cache, save_arrays
from ..dataset import GRNDataset
from ..errors import InputError
from .manifests import get_manifest
from .resolve import resolve_file

if TYPE_CHECKING:
    from ..simulate import GRN

SERGIO_DATASETS = ("DS1", "DS2", "DS3")
#: one DS1 replicate made by the original SERGIO v1 code with the DS settings (numpy seed 0): clean and noisy counts
SERGIO_REFERENCE = "sergio/DS1/reference/sergio_v1_seed0.npz"
NOISE_VARIANTS = ("clean", "ds", "dropout")
N_REPLICATES = 15
#: Fixed entropy of the replicate seeds (the paper's bioRxiv date).
REPLICATE_ENTROPY = 20200423


def sergio_grn(name: str = "DS1", *, data_dir: str | os.PathLike | None = None):
    """The GRN of a DS dataset, read from its SERGIO files (genes ``G0 …``; TFs = genes with outgoing edges)."""
    from ..simulate import read_sergio

    paths = _ds_files(name)
    return read_sergio(resolve_file(paths["interactions"], data_dir=data_dir, dataset=f"SERGIO {name}"),
                       resolve_file(paths["regulators"], data_dir=data_dir, dataset=f"SERGIO {name}"))


def _ds_files(name: str) -> dict[str, str]:
    if name not in SERGIO_DATASETS:
        raise InputError(f"unknown SERGIO dataset {name!r}; choose one of {', '.join(SERGIO_DATASETS)}")
    return get_manifest("sergio").extra["datasets"][name]


def replicate_seeds(name: str, replicate: int) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """(engine seed, noise seed) of a replicate; fixed, so a replicate is the same on every machine."""
    ss = np.random.SeedSequence(REPLICATE_ENTROPY, spawn_key=(SERGIO_DATASETS.index(name) + 1, int(replicate)))
    engine, noise = ss.spawn(2)
    return engine, noise


def load_sergio_ds(name: str = "DS1", replicate: int = 0, *, noise: str = "clean", cells_per_type: int = 300,
                   log1p: bool | None = None, data_dir: str | os.PathLike | None = None,
                   cache: bool | str = True) -> GRNDataset:
    """One regenerated replicate of SERGIO's DS1, DS2 or DS3.

    Parameters
    ----------
    name
        ``"DS1"`` (100 genes, 10 TFs), ``"DS2"`` (400, 37) or ``"DS3"`` (1200, 127).
    replicate
        0 … 14 (the published sets have 15 replicates).
    noise
        ``"clean"``, ``"ds"`` (the DS technical noise chain) or ``"dropout"`` (dropout only); see the module
        docstring.
    cells_per_type
        Cells per cell type (300 in the DS data; fewer for quick tests — a different, equally valid simulation).
    log1p
        Return ``log(1 + x)``; default ``True`` for ``"ds"`` (counts) and ``False`` otherwise.
    data_dir
        A data folder searched first for the GRN files.
    cache
        Cache the clean simulation on disk (``True``: user cache; a path; ``False``: no cache).

    Returns
    -------
    GRNDataset
        Named ``"DS1/rep0/clean"`` (``…/ds``, ``…/dropout``); cells × genes grouped by cell type,
        ``obs['cell_type']``; TFs = the genes with outgoing edges; truth = the GRN's signed edges.
    """
    from ..simulate import SimulationSettings, apply_dropout, apply_noise_chain, simulate_clean

    if noise not in NOISE_VARIANTS:
        raise InputError(f"noise={noise!r}: choose 'clean', 'ds' (DS noise chain) or 'dropout' (dropout only)")
    if int(replicate) != replicate or not 0 <= replicate < N_REPLICATES:
        raise InputError(f"replicate={replicate}: choose 0 … {N_REPLICATES - 1}")
    if int(cells_per_type) != cells_per_type or cells_per_type < 1:
        raise InputError(f"cells_per_type={cells_per_type}: give a positive whole number (DS data: 300)")
    grn = sergio_grn(name, data_dir=data_dir)
    settings = SimulationSettings.ds(cells_per_type=int(cells_per_type))
    engine_seed, noise_seed = replicate_seeds(name, int(replicate))
    files = _ds_files(name)
    manifest = get_manifest("sergio")
    key = digest(name=name, replicate=int(replicate), settings=settings.to_dict(),
                 grn=[manifest.file(files[k]).sha256 for k in ("interactions", "regulators")])
    folder = resolve_cache(cache)
    hit = load_arrays(folder, "sergio", key)
    if hit is not None and "clean" in hit:
        clean = hit["clean"]
    else:
        clean = simulate_clean(grn, seed=engine_seed, cells_per_type=settings.cells_per_type, noise_q=settings.noise_q,
                               decay=settings.decay, sampling_state=settings.sampling_state,
                               noise_type=settings.noise_type)
        save_arrays(folder, "sergio", key, {"clean": clean})
    rng = np.random.default_rng(noise_seed)
    if noise == "ds":
        x = apply_noise_chain(clean, settings, rng)
    elif noise == "dropout":
        x = apply_dropout(clean, settings.dropout_shape, settings.dropout_percentile, rng=rng)
    else:
        x = clean
    if log1p if log1p is not None else noise == "ds":
        x = np.log1p(x.astype(np.float64))
    return _dataset(f"{name}/rep{int(replicate)}/{noise}", x, grn)


def _dataset(name: str, x: np.ndarray, grn: GRN) -> GRNDataset:
    """A cell types × genes × cells array as a dataset: cells × genes grouped by cell type, ``obs['cell_type']``, and
    the GRN's genes, TFs and signed edges."""
    from ..simulate import cell_names

    B, _, C = x.shape
    obs = pd.DataFrame({"cell_type": np.repeat(np.arange(B), C)}, index=cell_names(B, C))
    return GRNDataset(name=name, expression=x.transpose(0, 2, 1).reshape(B * C, -1), genes=grn.genes, tfs=grn.tfs,
                      truth=grn.to_network_frame(), obs=obs)


def load_sergio_reference(noise: str = "clean", *, log1p: bool | None = None,
                          data_dir: str | os.PathLike | None = None) -> GRNDataset:
    """The DS1 replicate that the original SERGIO code made (:data:`SERGIO_REFERENCE`), with DS1's network.

    Unlike :func:`load_sergio_ds` nothing here is simulated by this package, so the replicate checks a method on data
    from another implementation of the model (9 cell types × 300 cells, 100 genes).

    Parameters
    ----------
    noise
        ``"clean"`` (steady-state expression) or ``"ds"`` (after SERGIO's own DS noise chain: counts).
    log1p
        Return ``log(1 + x)``; default ``True`` for ``"ds"`` and ``False`` for ``"clean"``, as in
        :func:`load_sergio_ds`.
    data_dir
        A data folder searched first.

    Returns
    -------
    GRNDataset
        Named ``"DS1/sergio-v1/clean"`` (or ``…/ds``); cells × genes grouped by cell type, ``obs['cell_type']``;
        genes, TFs and truth as in :func:`load_sergio_ds` for DS1.
    """
    if noise not in ("clean", "ds"):
        raise InputError(f"noise={noise!r}: the reference replicate has 'clean' and 'ds' (SERGIO's noise chain)")
    grn = sergio_grn("DS1", data_dir=data_dir)
    with np.load(resolve_file(SERGIO_REFERENCE, data_dir=data_dir, dataset="SERGIO DS1 reference")) as arrays:
        x = arrays["clean" if noise == "clean" else "noisy_counts"].astype(np.float64)  # types × genes × cells
    if x.ndim != 3 or x.shape[1] != len(grn.genes):
        raise InputError(f"{SERGIO_REFERENCE}: shape {x.shape}, expected cell types × {len(grn.genes)} genes × cells")
    if log1p if log1p is not None else noise == "ds":
        x = np.log1p(x)
    return _dataset(f"DS1/sergio-v1/{noise}", x, grn)
