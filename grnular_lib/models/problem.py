"""One inference problem as the unrolled models see it: z-scored expression, covariance, TFs, truth, caches.

The authors' normalisation is kept: every gene is z-scored over cells (constant genes become 0) with no log transform;
the covariance of the z-scored data, Σ̂ = XᵀX / M, is then the gene correlation matrix.

Pair features used by the evidence-combining variants (``grnular-jac``) are computed here once per problem:
``corr`` = |Σ̂|, ``pcorr`` = |partial correlation| from ``inv(Σ̂ + 0.1 I)`` and ``ridge`` = |coefficients| of a ridge
regression of each gene on the TFs, the gene itself excluded. They are the simple floors the models are compared to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ..errors import InputError

#: ridge penalty of the ``ridge`` pair feature, on z-scored data (relative to the number of cells)
RIDGE_ALPHA = 1e-2
#: diagonal loading of the ``pcorr`` pair feature
PRECISION_SHRINK = 0.1


def pick_device(device: str | torch.device | None) -> torch.device:
    """``device`` as given, else CUDA when available, else CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def zscore(X: np.ndarray | torch.Tensor, device: torch.device | None = None) -> torch.Tensor:
    """Each column centred and scaled to unit variance (population std); constant columns become 0."""
    x = torch.as_tensor(np.asarray(X, dtype=np.float32) if not isinstance(X, torch.Tensor) else X,
                        dtype=torch.float32, device=device)
    mu = x.mean(0, keepdim=True)
    sd = x.std(0, unbiased=False, keepdim=True)
    z = (x - mu) / torch.where(sd > 0, sd, torch.ones_like(sd))
    return torch.nan_to_num(z)


@dataclass
class Problem:
    """A prepared problem; build it with :func:`make_problem`.

    Attributes
    ----------
    x
        Cells × genes, z-scored, float32.
    tf_index
        Long tensor of TF columns (any subset, any order), or ``None``.
    truth
        Directed 0/1 genes × genes truth (regulator row, target column), or ``None``.
    raw
        The cells × genes matrix as given (float32, NumPy), for models that compute their own evidence.
    cache
        Per-model results that do not depend on learned parameters (goodINIT weights, pair features).
    """

    x: torch.Tensor
    tf_index: torch.Tensor | None
    truth: torch.Tensor | None = None
    raw: np.ndarray | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def n_genes(self) -> int:
        """Number of genes D."""
        return int(self.x.shape[1])

    @property
    def cov(self) -> torch.Tensor:
        """Σ̂ = XᵀX / M of the z-scored data (genes × genes)."""
        if "cov" not in self.cache:
            self.cache["cov"] = self.x.T @ self.x / self.x.shape[0]
        return self.cache["cov"]

    def require_tfs(self, method: str) -> torch.Tensor:
        """The TF index, or a clear error for a TF-aware method given none."""
        if self.tf_index is None or len(self.tf_index) == 0:
            raise InputError(f"method {method!r} needs TFs (it scores TF → gene edges); pass a TF list, or use 'glad'")
        return self.tf_index

    def pair_features(self) -> dict[str, torch.Tensor]:
        """``corr``, ``pcorr`` (genes × genes) and ``ridge`` (TFs × genes), all ≥ 0; see the module docstring."""
        if "pair_features" not in self.cache:
            self.cache["pair_features"] = _pair_features(self.x, self.cov, self.require_tfs("pair features"))
        return self.cache["pair_features"]


def tf_target(problem: Problem, method: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Training target of a TF-aware model (TFs × genes: an edge either way between the TF and the gene) and the mask
    of its entries that are not self pairs."""
    tf = problem.require_tfs(method)
    if problem.truth is None:
        raise InputError("training needs problems with a ground-truth network")
    mask = (tf[:, None] != torch.arange(problem.n_genes, device=tf.device)[None, :]).float()
    t = torch.maximum(problem.truth[tf], problem.truth[:, tf].T)
    return t * mask, mask


def tf_rows_to_scores(problem: Problem, out: torch.Tensor) -> torch.Tensor:
    """Genes × genes scores ≥ 0 from a TFs × genes output: TF rows only, TF–TF pairs symmetric (CPDAG)."""
    tf = problem.tf_index
    D = problem.n_genes
    S = torch.zeros(D, D, device=out.device, dtype=out.dtype)
    S[tf] = out.abs()
    S.fill_diagonal_(0)
    sub = S[tf][:, tf]
    S[tf[:, None], tf[None, :]] = torch.maximum(sub, sub.T)
    return S


def _pair_features(x: torch.Tensor, cov: torch.Tensor, tf: torch.Tensor) -> dict[str, torch.Tensor]:
    D = cov.shape[0]
    eye = torch.eye(D, device=cov.device, dtype=cov.dtype)
    prec = torch.linalg.inv(cov + PRECISION_SHRINK * eye)
    d = torch.sqrt(torch.diagonal(prec).clamp_min(1e-12))
    pcorr = (prec / d[:, None] / d[None, :]).abs() * (1 - eye)
    # ridge of every gene on the TFs; a TF's own column is left out of its regression
    cTT = cov[tf][:, tf]
    cTD = cov[tf]
    alpha = RIDGE_ALPHA * torch.eye(len(tf), device=cov.device, dtype=cov.dtype)
    ridge = torch.linalg.solve(cTT + alpha, cTD)  # T × D
    for k, g in enumerate(tf.tolist()):
        keep = torch.arange(len(tf), device=cov.device) != k
        sub = tf[keep]
        coef = torch.linalg.solve(cov[sub][:, sub] + alpha[keep][:, keep], cov[sub][:, g])
        ridge[keep, g] = coef
        ridge[k, g] = 0.0
    return {"corr": cov.abs() * (1 - eye), "pcorr": pcorr, "ridge": ridge.abs()}


def make_problem(X: np.ndarray, tf_index: np.ndarray | None, truth: np.ndarray | None = None, *,
                 device: str | torch.device | None = None) -> Problem:
    """Prepare a cells × genes matrix (raw scale) for the unrolled models.

    Parameters
    ----------
    X
        Cells × genes expression, any non-degenerate scale (it is z-scored here).
    tf_index
        TF columns or ``None``; duplicates are an error.
    truth
        Optional directed 0/1 genes × genes truth.
    device
        Torch device; ``None`` picks CUDA when available.
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[0] < 2 or X.shape[1] < 2:
        raise InputError(f"expression must be a cells × genes matrix with at least 2 cells and 2 genes, got {X.shape}")
    if not np.isfinite(X).all():
        raise InputError("expression contains NaN or infinite values; remove or impute them first")
    dev = pick_device(device)
    tf = None
    if tf_index is not None and len(tf_index) > 0:
        tf_np = np.ascontiguousarray(tf_index, dtype=np.int64)  # a reversed or strided view is fine
        if len(np.unique(tf_np)) != len(tf_np) or tf_np.min() < 0 or tf_np.max() >= X.shape[1]:
            raise InputError(f"TF index must hold distinct columns in [0, {X.shape[1]}); got {tf_np[:10].tolist()}…")
        tf = torch.as_tensor(tf_np, device=dev)
    t = None if truth is None else torch.as_tensor(np.ascontiguousarray(np.asarray(truth) != 0),
                                                   dtype=torch.float32, device=dev)
    return Problem(x=zscore(X, device=dev), tf_index=tf, truth=t, raw=X)
