"""The one training recipe of the unrolled models: simulate a training and a validation corpus of a setting, then
meta-train (:func:`grnular_lib.train.meta_train`) and keep the best validation epoch.

``grnular train``, the benchmarks and any other caller go through :func:`train_model`, so a checkpoint made by
any of them can be remade by the others from its training record (:attr:`TrainingRun.record`).

Seeds: the corpora of a run with seed ``s`` are simulated from :func:`corpus_seeds` (``1000 + 2·s`` and
``1000 + 2·s + 1``); test graphs come from other seeds (:data:`grnular_lib.sweep.TEST_SEED_BASE`), so a test graph
never coincides with a training graph. The ``general`` setting (:func:`general_setting`) instead draws every problem
from :mod:`grnular_lib.simulate.general` with the split (train / val / test) in its seed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from .errors import InputError

#: Seed offset of the training and validation corpora (see :func:`corpus_seeds`).
CORPUS_SEED_BASE = 1000
#: Largest graph of the ``general`` training corpora by default (the models are checked at 1,200 genes and more).
GENERAL_MAX_GENES = 400


def corpus_seeds(seed: int) -> tuple[int, int]:
    """Seeds of the training and validation corpora of a run with ``seed``."""
    return CORPUS_SEED_BASE + 2 * seed, CORPUS_SEED_BASE + 2 * seed + 1


def simulation_setup(*, genes: int, cells_per_type: int, cell_types: int, dropout_percentile: float | None,
                     activating_only: bool, noise_q: float = 0.1, decay: float = 1.0,
                     sampling_state: int = 15) -> tuple[dict[str, Any], Any, bool]:
    """Graph parameters, simulation settings and whether technical noise is applied, for a named setting.

    ``activating_only`` reproduces the authors' code setting (K ~ U[0, 5], no repression); otherwise the paper's stated
    setting (K ~ U[1, 5] with random signs, TFs anywhere). ``noise_q``, ``decay`` and ``sampling_state`` are SERGIO's
    noise amplitude q, decay rate λ and sampling state S: the defaults are the paper's §3.2 setting; q=1, λ=0.8, S=15
    with 9 cell types is the DS1-like setting of §3.3.
    """
    from .simulate import SimulationSettings

    graph = dict(n_genes=genes, n_cell_types=cell_types)
    if activating_only:
        graph.update(k_range=(0.0, 5.0), p_repression=0.0)
    if dropout_percentile is None:
        settings = SimulationSettings.paper_clean(cells_per_type)
    else:
        settings = SimulationSettings.paper_dropout(dropout_percentile, cells_per_type)
    settings = replace(settings, noise_q=float(noise_q), decay=float(decay), sampling_state=int(sampling_state))
    return graph, settings, dropout_percentile is not None


def simulate_split(n_graphs: int, seed: int, *, split: str = "train", client: Any = None, progress: bool = True,
                   **setting: Any) -> list:
    """``n_graphs`` simulated datasets of a setting.

    ``setting`` is either the keywords of :func:`simulation_setup` (the paper's fixed settings; ``split`` is then
    ignored: the seed alone separates the corpora) or ``{"distribution": "general", "max_genes": N}`` — the broad
    ``general`` distribution (:mod:`grnular_lib.simulate.general`), whose ``split`` (``"train"``/``"val"``) is part of
    every problem's seed, so training, validation and test problems never share a random stream.
    """
    if setting.get("distribution") == "general":
        from .simulate.general import GENERAL_SETTING, general_corpus, general_setting_version

        unknown = sorted(set(setting) - {"distribution", "max_genes", "version"})
        if unknown:
            raise InputError(f"the general setting takes only max_genes and version; got {unknown}")
        ranges = general_setting_version(int(setting.get("version", GENERAL_SETTING.version)))
        problems = general_corpus(n_graphs, seed, max_genes=int(setting.get("max_genes", GENERAL_MAX_GENES)),
                                  split=split, client=client, progress=progress, setting=ranges)
        return [p.data for p in problems]
    from .simulate import make_corpus

    graph, settings, noisy = simulation_setup(**setting)
    return make_corpus(n_graphs, graph_params=graph, settings=settings, seed=seed, client=client,
                       progress=progress, noisy=noisy)


def general_setting(max_genes: int = GENERAL_MAX_GENES, version: int | None = None) -> dict[str, Any]:
    """The training setting of the ``general`` checkpoints: the broad distribution, graphs of at most ``max_genes``.

    ``version`` of the ranges (:data:`grnular_lib.simulate.general.GENERAL_SETTINGS`; ``None``: the default). The
    record names it, so a model card says exactly which ranges a checkpoint saw and its command draws them again.
    """
    from .simulate.general import GENERAL_SETTING, general_setting_version

    ranges = general_setting_version(GENERAL_SETTING.version if version is None else int(version))
    if int(max_genes) != max_genes or max_genes < ranges.genes[0]:
        raise InputError(f"max_genes={max_genes}: give a whole number >= {ranges.genes[0]}")
    return {"distribution": "general", "max_genes": int(max_genes), "version": ranges.version}


@dataclass
class TrainingRun:
    """What :func:`train_model` returns.

    Attributes
    ----------
    method
        The model trained (e.g. ``grnular``).
    result
        :class:`grnular_lib.train.TrainResult`: the best-validation model, its epoch and the per-epoch history.
    record
        The training record stored in a checkpoint: setting, corpus sizes and seeds, optimiser settings, seconds.
    """

    method: str
    result: Any
    record: dict[str, Any]


def train_model(method: str, *, setting: dict[str, Any], train_graphs: int, valid_graphs: int, epochs: int,
                batch_size: int, lr: float = 0.02, beta: float = 2.0, seed: int = 0,
                overrides: dict[str, Any] | None = None, device: str | None = None, client: Any = None,
                progress: bool = True) -> TrainingRun:
    """Simulate the corpora of ``setting`` and meta-train a fresh ``method`` model on them.

    Parameters
    ----------
    method
        One of :data:`grnular_lib.models.MODEL_METHODS`.
    setting
        Keywords of :func:`simulation_setup` (``genes``, ``cells_per_type``, ``cell_types``,
        ``dropout_percentile``, ``activating_only`` and optionally ``noise_q``, ``decay``, ``sampling_state``).
    train_graphs, valid_graphs
        Sizes of the training and validation corpora (simulated from :func:`corpus_seeds` of ``seed``).
    epochs, batch_size, lr, beta
        Meta-training settings (:func:`grnular_lib.train.meta_train`).
    seed
        Seed of the corpora, of the model's initialisation and of training.
    overrides
        Constructor arguments of the model that differ from the method's (e.g. ``n_unrolled``).
    device
        Torch device; ``None`` picks CUDA when available.
    client
        Optional Dask client for the simulation.
    progress
        Show progress bars.

    Returns
    -------
    TrainingRun
    """
    import torch

    from .methods import METHODS
    from .models import build_model
    from .train import meta_train, problems_from_datasets

    for name, value in (("train_graphs", train_graphs), ("valid_graphs", valid_graphs), ("batch_size", batch_size)):
        if value < 1:
            raise InputError(f"{name}={value}: give at least 1")
    torch.manual_seed(seed)
    seed_train, seed_valid = corpus_seeds(seed)
    t0 = time.time()
    if setting.get("distribution") == "general":  # one base seed; the split is part of each problem's seed
        seed_train = seed_valid = seed
    train_ds = simulate_split(train_graphs, seed_train, split="train", client=client, progress=progress, **setting)
    valid_ds = simulate_split(valid_graphs, seed_valid, split="val", client=client, progress=progress, **setting)
    use_tfs = METHODS[method].uses_tfs
    train = problems_from_datasets(train_ds, device=device, use_tfs=use_tfs)
    valid = problems_from_datasets(valid_ds, device=device, use_tfs=use_tfs)
    cfg = {k: tuple(v) if isinstance(v, list) else v for k, v in (overrides or {}).items()}
    model = build_model(method, **cfg).to(train[0].x.device)
    result = meta_train(model, train, valid, epochs=epochs, batch_size=batch_size, lr=lr, beta=beta, seed=seed,
                        progress=progress)
    record = {"setting": dict(setting), "train_graphs": train_graphs, "valid_graphs": valid_graphs,
              "corpus_seeds": [seed_train, seed_valid], "epochs": epochs, "batch_size": batch_size, "lr": lr,
              "beta": beta, "seed": seed, "seconds": round(time.time() - t0, 1)}
    return TrainingRun(method=method, result=result, record=record)
