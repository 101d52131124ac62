"""RegDiffusion (Zhu & Slonim 2024), a diffusion model trained on each dataset, as a method of :func:`infer`.

The `regdiffusion <https://pypi.org/project/regdiffusion/>`_ package trains a denoising network whose gene mixing
goes through a learned adjacency matrix; that matrix, after training, is the network (row = regulator, column =
target, as here). This module runs the package's own trainer with its defaults (1,000 steps, batch 128, T = 5,000)
and only adapts the edges:

- Expression is used as given: the package expects log-transformed data, which the BEELINE and SERGIO DS loaders
  return. Cells without any expressed gene and genes without variance are left out of training (the package would
  divide by zero or refuse) and get zero scores.
- Scores are ``|A| / (1 / (genes - 1))`` in float32 (the package's ``get_adj`` rounds the same values to float16,
  which ties many pairs), zero diagonal. With TFs only TF rows are kept; training never uses the TF list, so both
  share one trained model.
- The seed fixes every random draw of training (the package's ``set_seed``); the global NumPy, Python and torch
  random states are restored afterwards. Results are cached on disk like the expensive baselines, per device kind
  (CPU and GPU arithmetic differ slightly).
- The package's progress bar is off unless asked for, and its logger writes into a temporary folder.

Its cost on CPU and GPU beside GRNUlar and GRNBoost2: ``benchmarks/peers.py``.
"""
from __future__ import annotations

import random
import tempfile
from contextlib import contextmanager
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterator

import numpy as np

from .cache import digest, load_arrays, resolve_cache, save_arrays
from .errors import InputError
from .seeds import check_seed

#: The package's default number of training steps (one batch each).
DEFAULT_STEPS = 1000
#: The package's default batch size (fewer cells: all cells).
DEFAULT_BATCH = 128


@contextmanager
def _restored_global_rngs() -> Iterator[None]:
    """Put back Python's and NumPy's global random states (the package reseeds them)."""
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def _trainable(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (cells) with a non-zero range and columns (genes) with variance after the package's cell scaling."""
    lo, hi = X.min(axis=1, keepdims=True), X.max(axis=1, keepdims=True)
    cells = (hi - lo)[:, 0] > 0
    scaled = (X[cells] - lo[cells]) / (hi - lo)[cells]
    genes = scaled.std(axis=0) > 0 if cells.any() else np.zeros(X.shape[1], dtype=bool)
    return cells, genes


def _train(X: np.ndarray, *, seed: int, n_steps: int, device: str, progress: bool) -> np.ndarray:
    """Train the package's model on cells × genes ``X``; the signed adjacency, scaled by the regulatory norm."""
    import regdiffusion
    import regdiffusion.trainer as rd_trainer
    import torch

    dev = torch.device(device)
    cuda = [torch.cuda.current_device() if dev.index is None else dev.index] if dev.type == "cuda" else []
    with tempfile.TemporaryDirectory() as tmp, _restored_global_rngs(), torch.random.fork_rng(devices=cuda):
        logger = regdiffusion.LightLogger(result_dir=str(Path(tmp) / "logs"))  # the default writes into the cwd
        trainer = rd_trainer.RegDiffusionTrainer(X, batch_size=min(DEFAULT_BATCH, X.shape[0]), n_steps=n_steps,
                                                 device=device, logger=logger, seed=seed)
        quiet = rd_trainer.tqdm
        if not progress:
            rd_trainer.tqdm = partial(quiet, disable=True)
        try:
            trainer.train()
        finally:
            rd_trainer.tqdm = quiet
        model = trainer.model
        with torch.no_grad():
            adj = model.get_adj_().detach().float().cpu().numpy() / model.gene_reg_norm
    return adj.astype(np.float32)


def regdiffusion_scores(X: np.ndarray, tf_index: np.ndarray | None = None, *, seed: int = 0,
                        n_steps: int | None = None, device: str | None = None, cache: bool | str = True,
                        progress: bool = False) -> np.ndarray:
    """Genes × genes RegDiffusion scores (row = regulator, column = target, ≥ 0, zero diagonal).

    Parameters
    ----------
    X
        Cells × genes expression, log-transformed (finite).
    tf_index
        TF columns: only their rows are kept. ``None`` or empty: every gene is a candidate regulator.
    seed
        Seed of training, ``0 … 2**32 - 1``; the same seed on the same device gives the same scores.
    n_steps
        Training steps; ``None``: :data:`DEFAULT_STEPS` (the package's default, 1,000).
    device
        Torch device; ``None`` picks CUDA when available.
    cache
        ``True`` caches the trained scores in the user cache, a path caches there, ``False`` disables caching.
    progress
        Show the package's progress bar.
    """
    from .baselines import check_expression
    from .models.problem import pick_device

    seed = check_seed(seed)
    n_steps = DEFAULT_STEPS if n_steps is None else n_steps
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 1:
        raise InputError(f"n_steps={n_steps!r}: give a positive whole number of training steps (default 1000)")
    X, tf_index = check_expression(X, tf_index)
    d = X.shape[1]
    dev = str(pick_device(device))
    cells, genes = _trainable(X)
    if cells.sum() < 3 or genes.sum() < 2:
        raise InputError(f"RegDiffusion needs ≥ 3 cells with expressed genes and ≥ 2 varying genes; got "
                         f"{int(cells.sum())} and {int(genes.sum())}: filter empty cells and constant genes")
    try:
        package = version("regdiffusion")
    except PackageNotFoundError:
        raise InputError("method 'regdiffusion' needs the regdiffusion package: pip install regdiffusion==0.2.3") \
            from None
    folder = resolve_cache(cache)
    key = digest(X, method="regdiffusion", seed=seed, n_steps=n_steps, device=dev.split(":")[0], package=package)
    hit = load_arrays(folder, "regdiffusion", key)
    if hit is not None and hit.get("scores") is not None and hit["scores"].shape == (d, d):
        S = hit["scores"]
    else:
        S = np.zeros((d, d), dtype=np.float32)
        S[np.ix_(genes, genes)] = np.abs(_train(X[np.ix_(cells, genes)], seed=seed, n_steps=int(n_steps),
                                                 device=dev, progress=progress))
        np.fill_diagonal(S, 0.0)
        save_arrays(folder, "regdiffusion", key, {"scores": S})
    S = S.copy()
    if tf_index is not None and len(tf_index):
        keep = np.zeros(d, dtype=bool)
        keep[tf_index] = True
        S[~keep] = 0.0
    return S
