"""SERGIO's technical noise, each step a separate function on ``(cell types, genes, cells)`` arrays.

Apply them in SERGIO_MODEL's order — outlier genes, library size, dropout, UMI counts — or let
:func:`apply_noise_chain` apply whichever a :class:`SimulationSettings` asks for. Every function returns a new array
and leaves its input untouched.
"""
from __future__ import annotations

import numpy as np

from ..errors import InputError
from .settings import SimulationSettings, check_dropout, check_library_size, check_outlier_prob


def _check(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 3:
        raise InputError(f"expression of shape {x.shape}: technical noise works on (cell types, genes, cells) arrays")
    if x.size and np.nanmin(x) < 0:
        raise InputError("negative expression values; technical noise applies to non-negative simulated expression")
    return x


def add_outlier_genes(x: np.ndarray, prob: float, *, mean: float = 0.8, scale: float = 1.0,
                      rng: np.random.Generator) -> np.ndarray:
    """Multiply each gene's whole row, with probability ``prob``, by one LogNormal(``mean``, ``scale``) factor.

    ``mean`` and ``scale`` are the mean and standard deviation of the underlying normal (numpy's parameterisation).
    """
    x = _check(x)
    check_outlier_prob(prob)
    outlier = rng.random(x.shape[1]) < prob
    factor = np.ones(x.shape[1])
    factor[outlier] = rng.lognormal(mean, scale, size=int(outlier.sum()))
    return (x * factor[None, :, None]).astype(x.dtype, copy=False)


def scale_library_size(x: np.ndarray, mean: float, scale: float, *, rng: np.random.Generator) -> np.ndarray:
    """Rescale each cell to a total L ~ LogNormal(``mean``, ``scale``): ``x_gc · L_c / Σ_g x_gc``.

    Cells with no expression stay 0.
    """
    x = _check(x)
    check_library_size(mean, scale)
    size = rng.lognormal(mean, scale, size=(x.shape[0], 1, x.shape[2]))
    total = x.sum(axis=1, keepdims=True, dtype=np.float64)
    factor = np.divide(size, total, out=np.zeros_like(size), where=total > 0)
    return (x * factor).astype(x.dtype, copy=False)


def apply_dropout(x: np.ndarray, shape: float, percentile: float, *, rng: np.random.Generator) -> np.ndarray:
    """Keep each entry with probability ``1 / (1 + exp(−shape · (log(x+1) − m)))``, ``m`` the ``percentile``-th
    percentile of ``log(x+1)`` over the whole array; dropped entries become 0."""
    x = _check(x)
    check_dropout(shape, percentile)
    y = np.log1p(x.astype(np.float64))
    m = np.percentile(y, percentile)
    keep_prob = 0.5 * (1.0 + np.tanh(0.5 * shape * (y - m)))  # the logistic function, without overflow
    keep = rng.random(x.shape) < keep_prob
    return np.where(keep, x, 0).astype(x.dtype, copy=False)


def to_counts(x: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    """UMI counts: Poisson(x) per entry, as int32."""
    x = _check(x)
    return rng.poisson(x).astype(np.int32)


def apply_noise_chain(clean: np.ndarray, settings: SimulationSettings, rng: np.random.Generator) -> np.ndarray:
    """Apply the technical noise ``settings`` asks for, in SERGIO's order: outliers, library size, dropout, counts.

    Returns ``clean`` itself when no technical noise is set.
    """
    x = _check(clean)
    if settings.outlier_prob is not None:
        x = add_outlier_genes(x, settings.outlier_prob, rng=rng)
    if settings.library_size is not None:
        x = scale_library_size(x, *settings.library_size, rng=rng)
    if settings.dropout_shape is not None:
        x = apply_dropout(x, settings.dropout_shape, settings.dropout_percentile, rng=rng)
    if settings.counts:
        x = to_counts(x, rng=rng)
    return x
