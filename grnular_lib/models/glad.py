"""GLAD (paper Algorithm 3, Shrivastava et al. 2020) and GLAD-TF (Algorithm 4).

GLAD unrolls alternating minimisation of the graphical lasso objective. With Σ̂ the covariance of the z-scored data:

- Θ₀ = (Σ̂ + t I)⁻¹ (t learned, initialised to 1), Z₀ = Θ₀, λ₀ = Λ_nn(1, 0);
- cell: Y = Σ̂/λ − Z; Θ = ½(−Y + (YᵀY + (4/λ) I)^{1/2}); Z = η_ρ(Θ) with ρ = ρ_nn(Θ, Σ̂, Z); λ = Λ_nn(‖Z − Θ‖², λ).

Y is symmetric, so the matrix square root is taken through one symmetric eigendecomposition (``torch.linalg.eigh``):
with Y = U diag(μ) Uᵀ, Θ = U diag(f(μ)) Uᵀ, f(μ) = ½(−μ + √(μ² + 4/λ)). This is exact and avoids the custom sqrtm
autograd function of the original code that modern torch rejects. Its gradient (:class:`ThetaStep`) is the
Daleckii–Krein formula of a spectral matrix function, whose divided differences of f have a closed form that stays
finite when eigenvalues coincide — as they do whenever genes are constant (all zero after dropout): torch's own
``eigh`` gradient divides by the gaps between eigenvalues and turned training on such data into NaN.

GLAD-TF multiplies Θ₀ and every Z by the mask ``I + TF rows + TF columns`` (edges between two non-TFs are removed in
every cell), in training as at inference — Algorithm 4 read literally (the authors applied it only at test time).

The prediction is |Θ_L| (symmetric, diagonal removed; for GLAD-TF masked). The training target is the symmetrised
adjacency plus (1 − λ_min) I, a positive-definite matrix; the MSE counts the diagonal, Fβ does not.
"""
from __future__ import annotations

import torch
from torch import nn

from ..errors import InputError
from .layers import LambdaNet, ThresholdNet, soft_threshold
from .problem import Problem


class ThetaStep(torch.autograd.Function):
    """Θ = U diag(f(μ)) Uᵀ with Y = U diag(μ) Uᵀ and f(μ) = ½(−μ + √(μ² + c)), c = 4/λ; differentiable in Y and c.

    The gradient with respect to Y is U (F ∘ (Uᵀ G U)) Uᵀ, G the gradient with respect to Θ, where F holds the divided
    differences (f(μᵢ) − f(μⱼ)) / (μᵢ − μⱼ) = ½(−1 + (μᵢ + μⱼ) / (√(μᵢ² + c) + √(μⱼ² + c))): the right-hand side
    has no difference in its denominator, equals f′(μ) when μᵢ = μⱼ, and so is exact and finite for repeated
    eigenvalues. With respect to c it is Σᵢ (Uᵀ G U)ᵢᵢ / (4 √(μᵢ² + c)).
    """

    @staticmethod
    def forward(ctx, Y: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """Θ from symmetric Y and c; keeps the eigendecomposition for the gradient."""
        mu, U = torch.linalg.eigh(Y)
        root = torch.sqrt(mu * mu + c)
        ctx.save_for_backward(mu, U, root)
        return (U * (0.5 * (-mu + root))) @ U.T

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Gradients with respect to Y and c (see the class docstring)."""
        mu, U, root = ctx.saved_tensors
        Gu = U.T @ grad @ U
        F = 0.5 * (-1.0 + (mu[:, None] + mu[None, :]) / (root[:, None] + root[None, :]))
        grad_c = (torch.diagonal(Gu) / (4.0 * root)).sum()
        return U @ (F * Gu) @ U.T, grad_c


class GLAD(nn.Module):
    """GLAD, or GLAD-TF with ``tf_mask=True``.

    Parameters
    ----------
    n_unrolled
        L, the number of unrolled cells.
    tf_mask
        Apply the TF mask in every cell (GLAD-TF).
    init_shift
        Initial value of the learned diagonal shift t of Θ₀.
    rho_hidden
        Width of ρ_nn's hidden layers.
    """

    def __init__(self, *, n_unrolled: int = 10, tf_mask: bool = False, init_shift: float = 1.0,
                 rho_hidden: int = 3) -> None:
        super().__init__()
        if n_unrolled < 1:
            raise InputError("n_unrolled must be at least 1")
        self.config = dict(n_unrolled=n_unrolled, tf_mask=tf_mask, init_shift=init_shift, rho_hidden=rho_hidden)
        self.shift = nn.Parameter(torch.tensor(float(init_shift)))
        self.rho_nn = ThresholdNet(3, rho_hidden)
        self.lambda_nn = LambdaNet()

    def mask(self, problem: Problem) -> torch.Tensor | None:
        """The GLAD-TF mask (genes × genes), or ``None`` for GLAD."""
        if not self.config["tf_mask"]:
            return None
        tf = problem.require_tfs("glad-tf")
        D = problem.n_genes
        m = torch.eye(D, device=problem.x.device)
        m[tf] = 1.0
        m[:, tf] = 1.0
        return m

    def forward(self, problem: Problem, seed: int = 0) -> list[torch.Tensor]:
        """Θ of every cell (genes × genes); ``seed`` is unused (GLAD is deterministic), kept for a common interface."""
        S = problem.cov
        D = S.shape[0]
        eye = torch.eye(D, device=S.device, dtype=S.dtype)
        mask = self.mask(problem)
        theta = torch.linalg.inv(S + self.shift.abs() * eye)
        if mask is not None:
            theta = theta * mask
        z = theta
        lam = self.lambda_nn(torch.ones((), device=S.device), torch.zeros((), device=S.device))
        outputs = []
        for _ in range(self.config["n_unrolled"]):
            Y = S / lam - z
            Y = (Y + Y.T) / 2
            theta = ThetaStep.apply(Y, 4.0 / lam)
            rho = self.rho_nn(theta, S, z)
            z = soft_threshold(theta, rho)
            if mask is not None:
                z = z * mask
            lam = self.lambda_nn(torch.mean((z - theta) ** 2), lam)
            outputs.append(theta * mask if mask is not None else theta)
        return outputs

    def target(self, problem: Problem) -> tuple[torch.Tensor, torch.Tensor]:
        """Symmetric 0/1 adjacency (the Fβ target) and the off-diagonal mask."""
        if problem.truth is None:
            raise InputError("training needs problems with a ground-truth network")
        A = torch.maximum(problem.truth, problem.truth.T)
        A = A * (1 - torch.eye(A.shape[0], device=A.device))
        return A, 1 - torch.eye(A.shape[0], device=A.device)

    @staticmethod
    def mse_target(adjacency: torch.Tensor) -> torch.Tensor:
        """adjacency + (1 − λ_min(adjacency)) I: positive definite, the truth off the diagonal."""
        lam_min = torch.linalg.eigvalsh(adjacency)[0]
        return adjacency + (1 - lam_min) * torch.eye(adjacency.shape[0], device=adjacency.device)

    def to_scores(self, problem: Problem, out: torch.Tensor) -> torch.Tensor:
        """|Θ| made exactly symmetric, with the diagonal removed (and, for GLAD-TF, only pairs with a TF)."""
        S = (out.abs() + out.abs().T) / 2
        S.fill_diagonal_(0)
        return S
