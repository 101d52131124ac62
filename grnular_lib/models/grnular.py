"""GRNUlar (paper Algorithm 2), GRNUlar-base (Algorithm 1) and the evidence-combining variant ``grnular-jac``.

A regression network f_W maps the TFs to every gene (§2.1.1). Θ, the TF × gene dependency matrix, is read off its
weights. The unrolled cells alternate (Eq. 9–10):

1. λ ← Λ_nn(‖Z − Θ‖², λ)  (mean squared entry, so the input does not grow with the problem size);
2. W ← P optimiser steps on J(W) = MSE(f_W(X_T), X) + λ · MSE(Θ(W), Z)  (fitDNN-fast, Eq. 13);
3. Z ← η_ρ(Θ) with entrywise thresholds ρ = ρ_nn(Θ, Σ̂_T, Z)  (Eq. 10, the proximal operator with ρ learned).

How λ_nn gets its gradient (the authors' code never trained it): the P inner steps are a *functional* Adam whose
update is differentiated (``create_graph=True`` during training), so Θ after the steps depends on λ through ∇J and the
loss back-propagates into Λ_nn; Z, ρ_nn and earlier cells are reached the same way. Θ is not detached between
cells. At inference the inner steps are plain (first-order) Adam steps with the same arithmetic.

The loss (Eq. 16) is averaged over the outputs of the L cells; the prediction is the last one.

GRNUlar-base restarts the regression fit from the same fresh initialisation in every cell and runs ``fit_epochs``
steps there (a "full fit", Algorithm 1); to keep training affordable only its last ``inner_steps`` steps are
differentiated (truncated back-propagation; the paper detaches λ and Z inside fitDNN entirely, which would leave
neither ρ_nn nor Λ_nn with a gradient).

``grnular-jac`` (a documented variant, not the paper's model) changes two things that the measurements in the
project's REFERENCE_NOTES motivate: Θ is the mean input–output Jacobian of f_W (see
:func:`~grnular_lib.models.regression.jacobian_readout`), scaled to a maximum of 1 per problem, and ρ_nn also sees
per-pair evidence (|ridge coefficient| of the gene on the other TFs, |partial correlation|, |correlation|, each scaled
to a maximum of 1). The proximal step is the smooth soft threshold, and the output is Z_L, so the ranking is
``|Θ| − ρ_nn(evidence)``: the learned thresholds combine the fit with the linear evidence.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import InputError
from . import regression
from .layers import FunctionalAdam, LambdaNet, ThresholdNet, smooth_soft_threshold, soft_threshold
from .problem import Problem, tf_rows_to_scores, tf_target

#: per-entry inputs ρ_nn may use; ``*_col`` is the feature divided by its maximum over the TFs of the same target
#: gene (how strong this TF is compared with the target's best TF), ``*_row`` by its maximum over the targets of
#: the same TF
RHO_FEATURES = ("theta", "cov", "z", "ridge", "pcorr", "corr",
                *(f"{f}_{d}" for f in ("theta", "ridge", "pcorr", "corr") for d in ("col", "row")))


class GRNUlar(nn.Module):
    """GRNUlar and its variants (see the module docstring).

    Parameters
    ----------
    n_unrolled
        L, the number of unrolled cells.
    inner_steps
        P, optimiser steps per cell (fitDNN-fast).
    hidden_factor, hidden_min, hidden_max
        Width of every hidden layer: ``clip(ceil(hidden_factor · #TF), hidden_min, hidden_max)`` (paper: H1 ≥ #TF,
        about 4 × #TF).
    hidden_layers
        Number of hidden layers of f_W (paper: networks of 2 or 3 layers, i.e. 1 or 2 hidden layers).
    init_epochs
        E1, full-batch Adam epochs of goodINIT (cached per problem: it does not depend on learned parameters).
    inner_lr
        Learning rate of goodINIT and of the inner steps.
    readout
        ``"product"`` (paper: Π|W_i|) or ``"jacobian"``.
    rho_features
        Inputs of ρ_nn, a subset of :data:`RHO_FEATURES`; the paper uses ``("theta", "cov", "z")``.
    smooth
        Use the smooth soft threshold and output Z_L (variant) instead of the hard one and Θ_L (paper).
    sharpness
        Sharpness k of the smooth soft threshold (lower: gradients reach entries further below the threshold).
    restart
        GRNUlar-base: a fresh full fit of ``fit_epochs`` steps in every cell.
    fit_epochs
        Steps of the full fit in every cell when ``restart``.
    rho_hidden
        Width of ρ_nn's hidden layers (paper: 3).
    """

    def __init__(self, *, n_unrolled: int = 10, inner_steps: int = 5, hidden_factor: float = 4.0, hidden_min: int = 8,
                 hidden_max: int = 256, hidden_layers: int = 1, init_epochs: int = 200, inner_lr: float = 0.05,
                 readout: str = "product", rho_features: tuple[str, ...] = ("theta", "cov", "z"),
                 smooth: bool = False, sharpness: float = 20.0, restart: bool = False, fit_epochs: int = 100,
                 rho_hidden: int = 3) -> None:
        super().__init__()
        if readout not in ("product", "jacobian"):
            raise InputError(f"readout must be 'product' or 'jacobian', got {readout!r}")
        unknown = set(rho_features) - set(RHO_FEATURES)
        if unknown or "theta" not in rho_features:
            raise InputError(f"rho_features must include 'theta' and be among {RHO_FEATURES}; got {rho_features}")
        if n_unrolled < 1 or inner_steps < 1 or hidden_layers < 1:
            raise InputError("n_unrolled, inner_steps and hidden_layers must be at least 1")
        self.config = dict(n_unrolled=n_unrolled, inner_steps=inner_steps, hidden_factor=hidden_factor,
                           hidden_min=hidden_min, hidden_max=hidden_max, hidden_layers=hidden_layers,
                           init_epochs=init_epochs, inner_lr=inner_lr, readout=readout,
                           rho_features=list(rho_features), smooth=smooth, sharpness=sharpness, restart=restart,
                           fit_epochs=fit_epochs, rho_hidden=rho_hidden)
        self.rho_nn = ThresholdNet(len(rho_features), rho_hidden)
        self.lambda_nn = LambdaNet()
        self.adam = FunctionalAdam(lr=inner_lr)

    # -- pieces -------------------------------------------------------------------------------------------------
    def hidden_sizes(self, n_tfs: int) -> tuple[int, ...]:
        """Hidden layer widths for ``n_tfs`` TFs."""
        c = self.config
        h = int(min(max(math.ceil(c["hidden_factor"] * n_tfs), c["hidden_min"]), c["hidden_max"]))
        return (h,) * c["hidden_layers"]

    def _fresh_params(self, problem: Problem, seed: int) -> list[torch.Tensor]:
        tf = problem.tf_index
        gen = torch.Generator().manual_seed(int(seed))
        return regression.init_params(len(tf), problem.n_genes, self.hidden_sizes(len(tf)), generator=gen,
                                      device=problem.x.device)

    def _readout(self, params: list[torch.Tensor], x_in: torch.Tensor) -> torch.Tensor:
        if self.config["readout"] == "product":
            return regression.product_readout(params)
        theta = regression.jacobian_readout(params, x_in)
        return theta / theta.detach().amax().clamp_min(1e-12)

    def _inner_fit(self, params, state, x_in, y, lam, z, steps: int, n_differentiable: int):
        """``steps`` functional Adam steps on J; only the last ``n_differentiable`` keep a graph when training."""
        for s in range(steps):
            graph = self.training and s >= steps - n_differentiable
            if not graph:
                params = [p.detach().requires_grad_(True) for p in params]
                state = {"m": [m.detach() for m in state["m"]], "v": [v.detach() for v in state["v"]],
                         "t": state["t"]}
                lam_s, z_s = lam.detach(), z.detach()
            else:
                lam_s, z_s = lam, z
            with torch.enable_grad():
                theta = self._readout(params, x_in)
                J = torch.mean((regression.forward(params, x_in) - y) ** 2) + lam_s * torch.mean((theta - z_s) ** 2)
                grads = torch.autograd.grad(J, params, create_graph=graph)
            params, state = self.adam.step(params, list(grads), state)
        if not self.training:
            params = [p.detach() for p in params]
        return params, state

    def good_init(self, problem: Problem, seed: int = 0) -> list[torch.Tensor]:
        """goodINIT (Alg. 2) or the initial fitDNN with Z = 0, λ = 1 (Alg. 1); cached on the problem."""
        c = self.config
        key = ("grnular-init", self.hidden_sizes(len(problem.require_tfs("grnular"))), c["init_epochs"],
               c["inner_lr"], c["restart"], c["fit_epochs"], c["readout"], int(seed))
        if key not in problem.cache:
            x_in = problem.x[:, problem.tf_index]
            params = self._fresh_params(problem, seed)
            if c["restart"]:
                zero = torch.zeros(len(problem.tf_index), problem.n_genes, device=problem.x.device)
                one = torch.ones((), device=problem.x.device)
                was = self.training
                self.eval()
                params, _ = self._inner_fit(params, self.adam.init_state(params), x_in, problem.x, one, zero,
                                            c["fit_epochs"], 0)
                self.train(was)
            else:
                params = regression.fit(params, x_in, problem.x, epochs=c["init_epochs"], lr=c["inner_lr"])
            problem.cache[key] = params
        return problem.cache[key]

    def _features(self, problem: Problem, theta: torch.Tensor, z: torch.Tensor) -> list[torch.Tensor]:
        tf = problem.tf_index
        out = []
        for name in self.config["rho_features"]:
            base = name.removesuffix("_col").removesuffix("_row")
            if base == "theta":
                f = theta
            elif base == "z":
                f = z
            elif base == "cov":
                f = problem.cov[tf]
            else:
                f = problem.pair_features()[base]
                f = f if f.shape[0] == len(tf) else f[tf]
                f = f / f.amax().clamp_min(1e-12)
            if name.endswith("_col"):
                f = f / f.detach().amax(0, keepdim=True).clamp_min(1e-12)
            elif name.endswith("_row"):
                f = f / f.detach().amax(1, keepdim=True).clamp_min(1e-12)
            out.append(f)
        return out

    # -- the model ----------------------------------------------------------------------------------------------
    def forward(self, problem: Problem, seed: int = 0) -> list[torch.Tensor]:
        """Outputs of the L cells, each TFs × genes (row k = TF ``problem.tf_index[k]``); the last is the prediction."""
        c = self.config
        tf = problem.require_tfs("grnular")
        x_in, y = problem.x[:, tf], problem.x
        params = self.good_init(problem, seed)
        if self.training:
            params = [p.clone().requires_grad_(True) for p in params]
        theta = self._readout(params, x_in).detach() if not self.training else self._readout(params, x_in)
        z = torch.zeros_like(theta)
        lam = torch.ones((), device=problem.x.device)
        state = self.adam.init_state(params)
        outputs = []
        for _ in range(c["n_unrolled"]):
            lam = self.lambda_nn(torch.mean((z - theta) ** 2), lam)
            if c["restart"]:
                fresh = self._fresh_params(problem, seed)
                params, _ = self._inner_fit(fresh, self.adam.init_state(fresh), x_in, y, lam, z, c["fit_epochs"],
                                            c["inner_steps"])
            else:
                params, state = self._inner_fit(params, state, x_in, y, lam, z, c["inner_steps"], c["inner_steps"])
            with torch.set_grad_enabled(self.training):
                theta = self._readout(params, x_in)
                rho = self.rho_nn(*self._features(problem, theta, z))
                z = smooth_soft_threshold(theta, rho, c["sharpness"]) if c["smooth"] else soft_threshold(theta, rho)
            outputs.append(z if c["smooth"] else theta)
        return outputs

    def target(self, problem: Problem) -> tuple[torch.Tensor, torch.Tensor]:
        """Training target (TFs × genes, an edge either way between a TF and a gene) and the off-diagonal mask."""
        return tf_target(problem, "grnular")

    def to_scores(self, problem: Problem, out: torch.Tensor) -> torch.Tensor:
        """Genes × genes scores ≥ 0 from a TFs × genes output: TF rows only, TF–TF pairs symmetric (CPDAG)."""
        return tf_rows_to_scores(problem, out)
