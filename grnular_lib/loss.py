"""The training loss of the unrolled models (paper §2.3, Eq. 14–16).

``loss = (1 − Fβ) + r · MSE`` where Fβ is a differentiable F-score computed on ``P = tanh(|Θ|)`` against the 0/1
truth, restricted to a mask (the diagonal, i.e. self loops, is always excluded from Fβ), and ``r = (1 − Fβ) / MSE`` is
recomputed at every call from *detached* values, so that both terms enter with the same scale while only their
gradients, not the ratio, are optimised.
"""
from __future__ import annotations

import torch

from .errors import InputError


def soft_fbeta(pred: torch.Tensor, truth: torch.Tensor, *, beta: float = 2.0,
               mask: torch.Tensor | None = None) -> torch.Tensor:
    """Differentiable Fβ of Eq. 14–15 between a prediction in [0, 1] and a 0/1 truth.

    Parameters
    ----------
    pred
        Entries in [0, 1] (e.g. ``tanh(|Θ|)``).
    truth
        Same shape, 1 for a true edge, 0 otherwise.
    beta
        β > 1 weighs recall (false negatives) more than precision, β < 1 less.
    mask
        Same shape, 1 where an entry counts (e.g. off-diagonal), 0 elsewhere; ``None`` counts every entry.

    Returns
    -------
    torch.Tensor
        A scalar in [0, 1]: ``(1+β²)TP / ((1+β²)TP + β²FN + FP)`` with TP = ⟨P, Θ*⟩, FP = ⟨P, 1−Θ*⟩, FN = ⟨1−P, Θ*⟩.
    """
    if beta <= 0:
        raise InputError(f"beta must be positive (got {beta}); the paper uses values in {{0.5, 1, 2, 5}}")
    if pred.shape != truth.shape:
        raise InputError(f"prediction {tuple(pred.shape)} and truth {tuple(truth.shape)} must have the same shape")
    w = torch.ones_like(pred) if mask is None else mask.to(pred.dtype)
    tp = (w * pred * truth).sum()
    fp = (w * pred * (1 - truth)).sum()
    fn = (w * (1 - pred) * truth).sum()
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp + 1e-12)


def offdiagonal_mask(shape: tuple[int, int], rows: torch.Tensor | None = None,
                     device: torch.device | str | None = None) -> torch.Tensor:
    """1 everywhere except on self-loops; ``rows[i]`` is the gene of row ``i`` (default: row ``i`` is gene ``i``)."""
    n_rows, n_cols = shape
    row_gene = torch.arange(n_rows, device=device) if rows is None else rows.to(device)
    return (row_gene[:, None] != torch.arange(n_cols, device=device)[None, :]).float()


def unrolled_loss(theta: torch.Tensor, truth: torch.Tensor, *, beta: float = 2.0, fbeta_mask: torch.Tensor | None = None,
                  mse_mask: torch.Tensor | None = None, mse_target: torch.Tensor | None = None) -> torch.Tensor:
    """Eq. 16: ``(1 − Fβ(tanh|Θ|, Θ*)) + r · ‖Θ − Θ*‖²`` with the balancing ratio ``r`` detached.

    Parameters
    ----------
    theta
        The model's prediction (any real values; the Fβ term sees ``tanh(|Θ|)``).
    truth
        0/1 ground truth of the same shape.
    beta
        Fβ's β.
    fbeta_mask
        Entries counted by Fβ (typically the off-diagonal mask); ``None``: all.
    mse_mask
        Entries counted by the squared error; ``None``: all.
    mse_target
        Target of the squared-error term when it differs from ``truth`` (GLAD: a positive-definite matrix with the
        truth off the diagonal); ``None``: ``truth``.

    Returns
    -------
    torch.Tensor
        The scalar loss. The squared error is a mean over the counted entries (the Frobenius norm up to a constant,
        which the ratio ``r`` absorbs anyway).
    """
    truth = truth.to(theta.dtype)
    f = soft_fbeta(torch.tanh(theta.abs()), truth, beta=beta, mask=fbeta_mask)
    l_f = 1.0 - f
    target = truth if mse_target is None else mse_target.to(theta.dtype)
    sq = (theta - target) ** 2
    mse = sq.mean() if mse_mask is None else (sq * mse_mask).sum() / mse_mask.sum().clamp_min(1)
    ratio = (l_f.detach() / mse.detach().clamp_min(1e-12))
    return l_f + ratio * mse
