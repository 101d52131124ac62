"""The unrolled models: GRNUlar, GRNUlar-base, GLAD, GLAD-TF and the documented variants ``grnular-jac`` and
``grnular-rank`` (the default of :func:`grnular_lib.infer`).

Every model is a plain :class:`torch.nn.Module` taking a :class:`~grnular_lib.models.problem.Problem` and returning the
outputs of its unrolled cells; :func:`predict` is the one entry point from a raw cells × genes matrix to a
genes × genes score matrix.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import CheckpointError, InputError
from ..methods import DEFAULT_METHOD, METHODS, method_names
from .ensemble import Ensemble
from .glad import GLAD
from .grnular import RHO_FEATURES, GRNUlar
from .grnular_rank import RankGRNUlar
from .problem import Problem, make_problem, pick_device

#: method name → (model class, constructor arguments that define the method)
METHOD_SPECS: dict[str, tuple[type[nn.Module], dict[str, Any]]] = {
    "grnular": (GRNUlar, {}),
    "grnular-base": (GRNUlar, {"restart": True, "n_unrolled": 5, "fit_epochs": 100, "inner_steps": 5}),
    "grnular-jac": (GRNUlar, {"readout": "jacobian", "rho_features": RHO_FEATURES, "smooth": True,
                              "rho_hidden": 16, "n_unrolled": 3, "inner_steps": 1, "sharpness": 2.0}),
    "grnular-rank": (RankGRNUlar, {}),
    "glad": (GLAD, {}),
    "glad-tf": (GLAD, {"tf_mask": True}),
}

#: method names accepted by :func:`predict`: the ``"unrolled"`` methods of :data:`grnular_lib.methods.METHODS`
#: (each needs a :data:`METHOD_SPECS` entry)
MODEL_METHODS: tuple[str, ...] = method_names(engine="unrolled")

__all__ = ["MODEL_METHODS", "Ensemble", "GLAD", "GRNUlar", "Problem", "RankGRNUlar", "build_model", "load_model",
           "make_problem", "predict", "model_scores"]


def _check_method(method: str) -> str:
    name = str(method).lower()
    if name not in MODEL_METHODS:
        raise InputError(f"unknown model method {method!r}; choose one of {', '.join(MODEL_METHODS)}")
    if name not in METHOD_SPECS:
        raise InputError(f"model method {name!r} is registered but has no METHOD_SPECS entry in grnular_lib.models")
    return name


def build_model(method: str, **overrides: Any) -> nn.Module:
    """A fresh (untrained) model of ``method``; ``overrides`` change constructor arguments (e.g. ``n_unrolled``)."""
    cls, kwargs = METHOD_SPECS[_check_method(method)]
    return cls(**{**kwargs, **overrides})


def load_model(method: str, checkpoint: str | Path | None = None, *, device: str | torch.device | None = None
               ) -> nn.Module:
    """A trained model of ``method`` from a checkpoint (``None``: the method's default, e.g. the shipped ensemble of
    ``grnular-rank``; the name of a shipped ensemble gives an :class:`Ensemble`), in eval mode on ``device``."""
    from ..checkpoints import load_checkpoint, resolve_checkpoints

    name = _check_method(method)
    members = []
    for path in resolve_checkpoints(checkpoint, name):
        ckpt = load_checkpoint(path, method=name)
        cfg = dict(ckpt["config"])
        if "rho_features" in cfg:
            cfg["rho_features"] = tuple(cfg["rho_features"])
        model = METHOD_SPECS[name][0](**cfg)
        try:
            model.load_state_dict(ckpt["state"])
        except RuntimeError as exc:
            raise CheckpointError(f"checkpoint {path.name}: weights do not fit a {name} model with its stored config "
                                  f"({exc}); retrain it with `grnular train`") from None
        members.append(model)
    model = members[0] if len(members) == 1 else Ensemble(members)
    return model.to(pick_device(device)).eval()


def model_scores(model: nn.Module, problem: Problem, *, seed: int = 0) -> np.ndarray:
    """Genes × genes float32 scores (row = regulator, column = target, ≥ 0) of a model on a prepared problem."""
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(problem, seed=seed)[-1]
            S = model.to_scores(problem, out)
    finally:
        model.train(was)
    return S.detach().cpu().numpy().astype(np.float32)


def predict(X: np.ndarray, tf_index: np.ndarray | None, *, method: str = DEFAULT_METHOD,
            checkpoint: str | Path | None = None, seed: int = 0, device: str | None = None) -> np.ndarray:
    """Score every gene pair with a trained unrolled model.

    Parameters
    ----------
    X
        Cells × genes expression (raw scale; genes are z-scored inside).
    tf_index
        TF columns of ``X`` (any subset, any order), or ``None``: GLAD ignores TFs, and ``grnular-rank`` then takes
        every gene as a candidate regulator (its TF use is ``"optional"`` in :data:`~grnular_lib.methods.METHODS`).
    method
        One of :data:`MODEL_METHODS`.
    checkpoint
        A checkpoint file, the name of a shipped one (e.g. ``"grnular-dropout25"``) or of a shipped ensemble, or
        ``None`` for the method's default (:func:`~grnular_lib.checkpoints.default_checkpoint`). A checkpoint of
        another model raises :class:`~grnular_lib.errors.CheckpointError`.
    seed
        Seed of the regression network's initialisation (GRNUlar family); the same seed gives the same scores.
    device
        Torch device; ``None`` picks CUDA when available.

    Returns
    -------
    numpy.ndarray
        Genes × genes float32, row = regulator, column = target, ≥ 0. TF-aware models fill TF rows only, with TF–TF
        pairs symmetric; GLAD is symmetric.
    """
    name = _check_method(method)
    uses_tfs = METHODS[name].uses_tfs
    if METHODS[name].needs_tfs and (tf_index is None or len(tf_index) == 0):
        raise InputError(f"method {name!r} needs TFs; pass a TF list, or use method 'glad'")
    dev = pick_device(device)
    model = load_model(name, checkpoint, device=dev)
    torch.manual_seed(seed)
    if uses_tfs and (tf_index is None or len(tf_index) == 0):  # an optional TF list not given: every gene
        tf_index = np.arange(np.shape(X)[1])
    problem = make_problem(X, tf_index if uses_tfs else None, device=dev)
    return model_scores(model, problem, seed=seed)
