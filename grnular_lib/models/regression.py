"""The regression network f_W of the paper's §2.1.1: TFs in, every gene out, as a functional MLP.

The weights are a plain list ``[W1, b1, W2, b2, …]`` (``W`` as in :class:`torch.nn.Linear`: out × in) so that the
unrolled cells can update them functionally and differentiate through the updates.

Two readouts of the TF × gene dependency matrix Θ:

- :func:`product_readout` — the paper's Θ = Π|W_i| (here ``|W1|ᵀ|W2|ᵀ…``: TFs × genes, ≥ 0, biases ignored);
- :func:`jacobian_readout` — the input–output Jacobian ∂f/∂x_T averaged over cells, taken in absolute value at the end
  (used by the ``grnular-jac`` variant). It keeps the sign information that the product of absolute weights throws
  away, so that contributions of opposite sign through different hidden units cancel as they do in the fit itself.
  Exact for one or two hidden layers (ReLU derivatives are 0/1 masks: the mean Jacobian is
  ``W2 diag(m̄) W1`` and ``W3 (W2 ⊙ mean(m2 m1ᵀ)) W1``).
"""
from __future__ import annotations

import math

import torch

from ..errors import InputError


def init_params(n_in: int, n_out: int, hidden: tuple[int, ...], *, generator: torch.Generator,
                device: torch.device | str = "cpu") -> list[torch.Tensor]:
    """Weights of an MLP ``n_in → hidden… → n_out`` with torch.nn.Linear's default uniform initialisation."""
    sizes = [n_in, *hidden, n_out]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        w = (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * bound
        b = (torch.rand(fan_out, generator=generator) * 2 - 1) * bound
        params += [w.to(device), b.to(device)]
    return params


def forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """f_W(x): Linear layers with ReLU between them (none after the last)."""
    n = len(params) // 2
    for i in range(n):
        x = x @ params[2 * i].T + params[2 * i + 1]
        if i < n - 1:
            x = torch.relu(x)
    return x


def product_readout(params: list[torch.Tensor]) -> torch.Tensor:
    """The paper's Θ = Π|W_i| as an inputs × outputs matrix (TFs × genes)."""
    theta = params[0].abs().T
    for w in params[2::2]:
        theta = theta @ w.abs().T
    return theta


def jacobian_readout(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """|mean over cells of ∂f/∂x| as an inputs × outputs matrix (see the module docstring)."""
    n_layers = len(params) // 2
    if n_layers == 1:
        return params[0].abs().T
    W1, b1 = params[0], params[1]
    h1 = x @ W1.T + b1
    m1 = (h1 > 0).to(x.dtype)
    if n_layers == 2:
        J = params[2] @ (m1.mean(0)[:, None] * W1)
    elif n_layers == 3:
        W2, b2, W3 = params[2], params[3], params[4]
        m2 = ((torch.relu(h1) @ W2.T + b2) > 0).to(x.dtype)
        J = W3 @ ((W2 * (m2.T @ m1) / x.shape[0]) @ W1)
    else:
        raise InputError("the Jacobian readout supports regression nets with 1 or 2 hidden layers; "
                         f"got {n_layers - 1}; use fewer hidden layers")
    return J.abs().T


def fit(params: list[torch.Tensor], x_in: torch.Tensor, y: torch.Tensor, *, epochs: int, lr: float) -> list[torch.Tensor]:
    """Full-batch Adam on MSE(f(x_in), y) for ``epochs`` steps (goodINIT); returns detached fitted weights."""
    ws = [p.detach().clone().requires_grad_(True) for p in params]
    opt = torch.optim.Adam(ws, lr=lr)
    with torch.enable_grad():
        for _ in range(epochs):
            opt.zero_grad(set_to_none=True)
            loss = torch.mean((forward(ws, x_in) - y) ** 2)
            loss.backward()
            opt.step()
    return [w.detach() for w in ws]
