"""The learned pieces shared by every unrolled model: ρ_nn (entrywise thresholds), Λ_nn (the λ update), the proximal
operators, and a differentiable (functional) Adam step for the inner regression fits.

ρ_nn and Λ_nn follow the minimalist architectures of the paper's Fig. 3 (taken from GLAD): ρ_nn maps the features of
one matrix entry to a threshold in (0, 1) through two Tanh hidden layers and a Sigmoid; Λ_nn maps
``(‖Z − Θ‖², λ)`` to the next λ in (0, 1).
"""
from __future__ import annotations

import torch
from torch import nn


class ThresholdNet(nn.Module):
    """ρ_nn: entrywise threshold from ``n_features`` stacked matrices (paper: Θ, Σ̂, Z, so 3 features).

    Parameters
    ----------
    n_features
        Number of per-entry inputs.
    hidden
        Width of the two hidden layers (paper: 3).
    """

    def __init__(self, n_features: int = 3, hidden: int = 3) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_features, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                                 nn.Linear(hidden, 1), nn.Sigmoid())

    def forward(self, *features: torch.Tensor) -> torch.Tensor:
        """Thresholds with the shape of the (equal-shaped) feature matrices."""
        stacked = torch.stack(features, dim=-1)
        return self.net(stacked).squeeze(-1)


class LambdaNet(nn.Module):
    """Λ_nn: ``λ_next = Λ_nn(‖Z − Θ‖², λ)`` (paper Fig. 3: Linear(2,3)-Tanh-Linear(3,1)-Sigmoid)."""

    def __init__(self, hidden: int = 3) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.Tanh(), nn.Linear(hidden, 1), nn.Sigmoid())

    def forward(self, gap: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
        """Next λ (a scalar tensor) from the squared gap between Z and Θ and the current λ."""
        return self.net(torch.stack([gap.reshape(()), lam.reshape(())]).unsqueeze(0)).reshape(())


def soft_threshold(theta: torch.Tensor, rho: torch.Tensor) -> torch.Tensor:
    """The proximal operator of the ℓ1 norm, η_ρ(θ) = sign(θ) · max(|θ| − ρ, 0), entrywise."""
    return torch.sign(theta) * torch.relu(theta.abs() - rho)


def smooth_soft_threshold(theta: torch.Tensor, rho: torch.Tensor, sharpness: float = 20.0) -> torch.Tensor:
    """A smooth, strictly positive version of ``|η_ρ(θ)|``: ``softplus(k(|θ| − ρ)) / k``.

    It keeps the order of ``|θ| − ρ`` among entries that the hard operator would all set to 0, so the output can be
    ranked (AUPRC) without ties; used by the evidence-combining variants.
    """
    return nn.functional.softplus(sharpness * (theta.abs() - rho)) / sharpness


class FunctionalAdam:
    """Adam written as a pure function of tensors, so that the updated weights stay differentiable w.r.t. everything
    the inner objective depends on (λ and Z): no in-place update of a leaf, which modern torch forbids when the
    weights are later differentiated.

    Parameters
    ----------
    lr, betas, eps
        As in :class:`torch.optim.Adam`.
    """

    def __init__(self, lr: float = 0.05, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.lr, self.betas, self.eps = lr, betas, eps

    def init_state(self, params: list[torch.Tensor]) -> dict:
        """Zero moments and step count for ``params``."""
        return {"m": [torch.zeros_like(p) for p in params], "v": [torch.zeros_like(p) for p in params], "t": 0}

    def step(self, params: list[torch.Tensor], grads: list[torch.Tensor], state: dict) -> tuple[list, dict]:
        """One Adam update; returns new parameters and new state (nothing is modified in place)."""
        b1, b2 = self.betas
        t = state["t"] + 1
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(state["m"], grads)]
        v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(state["v"], grads)]
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        # sqrt(v + eps²) instead of sqrt(v) + eps: same step, but a finite derivative where v = 0
        new = [p - self.lr * (mi / c1) / torch.sqrt(vi / c2 + self.eps ** 2) for p, mi, vi in zip(params, m, v)]
        return new, {"m": m, "v": v, "t": t}
