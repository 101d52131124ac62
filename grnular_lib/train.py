"""Meta-training of the unrolled models over a corpus of simulated problems (paper §2.3).

Every optimisation step averages the loss (Eq. 16, averaged over the L cells) over a mini-batch of problems; the
parts that do not depend on learned parameters (goodINIT, covariances, pair features) are computed once per problem
and reused across epochs; the learning rate follows a cosine schedule; after every epoch the mean validation AUPRC
(undirected protocol, :func:`grnular_lib.metrics.score`) is measured and the best epoch's weights are kept (epoch 0 =
the untrained model).
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .dataset import GRNDataset
from .errors import InputError, TrainingError
from .loss import unrolled_loss
from .metrics import score
from .models import model_scores
from .models.glad import GLAD
from .models.problem import Problem, make_problem


@dataclass
class TrainResult:
    """What :func:`meta_train` returns.

    Attributes
    ----------
    model
        The model with the weights of the best validation epoch, in eval mode.
    best_epoch
        Epoch of the kept weights (0 = untrained).
    history
        One dict per epoch: ``epoch, train_loss, valid_auprc, valid_auroc, lr``.
    """

    model: nn.Module
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)

    @property
    def best(self) -> dict[str, float]:
        """The history row of the kept epoch."""
        return self.history[self.best_epoch]


def problems_from_datasets(datasets: Sequence[GRNDataset], *, device: str | torch.device | None = None,
                           use_tfs: bool = True) -> list[Problem]:
    """Prepare simulated datasets (with truth) as problems; ``use_tfs=False`` drops the TF list (GLAD)."""
    out = []
    for ds in datasets:
        if ds.truth is None:
            raise InputError(f"dataset {ds.name!r} has no ground truth; training needs simulated data with its GRN")
        tf = ds.tf_index if (use_tfs and len(ds.tfs)) else None
        out.append(make_problem(ds.expression, tf, ds.truth_matrix(), device=device))
    return out


def problem_loss(model: nn.Module, problem: Problem, *, beta: float, seed: int) -> torch.Tensor:
    """Eq. 16 averaged over the outputs of the unrolled cells (a model with its own ``loss`` method uses that)."""
    outputs = model(problem, seed=seed)
    if hasattr(model, "loss"):
        return model.loss(problem, outputs)
    truth, mask = model.target(problem)
    mse_target = GLAD.mse_target(truth) if isinstance(model, GLAD) else None
    mse_mask = None if isinstance(model, GLAD) else mask
    losses = [unrolled_loss(o, truth, beta=beta, fbeta_mask=mask, mse_mask=mse_mask, mse_target=mse_target)
              for o in outputs]
    return torch.stack(losses).mean()


def evaluate(model: nn.Module, problems: Sequence[Problem], *, seed: int = 0) -> dict[str, float]:
    """Mean undirected AUPRC and AUROC of ``model`` over problems with truth."""
    rows = []
    for p in problems:
        S = model_scores(model, p, seed=seed)
        rows.append(score(S, p.truth.cpu().numpy(), protocol="undirected"))
    return {"auprc": float(np.nanmean([r["auprc"] for r in rows])),
            "auroc": float(np.nanmean([r["auroc"] for r in rows]))}


def meta_train(model: nn.Module, train: Sequence[Problem], valid: Sequence[Problem], *, epochs: int = 10,
               batch_size: int = 4, lr: float = 0.02, beta: float = 2.0, seed: int = 0, progress: bool = True
               ) -> TrainResult:
    """Meta-train ``model``'s learned parts (ρ_nn, Λ_nn, GLAD's shift) over a corpus.

    Parameters
    ----------
    model
        A model from :func:`grnular_lib.models.build_model`.
    train, valid
        Prepared problems with truth (:func:`problems_from_datasets`); validation problems are only scored.
    epochs
        Passes over ``train``.
    batch_size
        Problems per optimisation step (their losses are averaged).
    lr
        Initial Adam learning rate, annealed to 0 by a cosine schedule over all steps.
    beta
        β of the Fβ loss.
    seed
        Seed of the batch order and of the regression networks' initialisation.
    progress
        Show a tqdm progress bar.

    Returns
    -------
    TrainResult
        The model with the best-validation weights, the epoch chosen and the per-epoch history.
    """
    if not train or not valid:
        raise InputError("meta-training needs at least one training and one validation problem")
    if epochs < 0 or batch_size < 1:
        raise InputError("epochs must be ≥ 0 and batch_size ≥ 1")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr)
    steps_per_epoch = int(np.ceil(len(train) / batch_size))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, epochs * steps_per_epoch))
    history = [{"epoch": 0, "train_loss": float("nan"), **_prefix(evaluate(model, valid, seed=seed)), "lr": lr}]
    best_epoch, best_state = 0, copy.deepcopy(model.state_dict())
    desc = f"meta-training {type(model).__name__}"
    with tqdm(total=epochs * len(train), desc=desc, disable=not progress) as bar:  # closed on an error too, so
        # that the error is the last line and not one inside the bar
        for epoch in range(1, epochs + 1):
            model.train()
            order = rng.permutation(len(train))
            losses = []
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                opt.zero_grad(set_to_none=True)
                total = 0.0
                for i in batch:
                    loss = problem_loss(model, train[i], beta=beta, seed=seed) / len(batch)
                    if not torch.isfinite(loss):
                        raise TrainingError(f"training problem {i} gave a non-finite loss ({float(loss.detach())}) in "
                                            f"epoch {epoch}; check that problem's data and truth, or lower --lr (and "
                                            "--beta or --ranking-weight, if set large)")
                    loss.backward()
                    total += float(loss.detach())
                    bar.update(1)
                opt.step()
                sched.step()
                losses.append(total)
            model.eval()
            try:
                scores = evaluate(model, valid, seed=seed)
            except torch.linalg.LinAlgError as exc:  # weights blown up by a too large step: the unrolled solver fails
                raise TrainingError(f"training diverged in epoch {epoch}: {str(exc).split(':')[0]} did not converge on "
                                    f"the validation problems; lower --lr (it is {lr})") from None
            row = {"epoch": epoch, "train_loss": float(np.mean(losses)), **_prefix(scores),
                   "lr": float(opt.param_groups[0]["lr"])}
            history.append(row)
            bar.set_postfix(valid_auprc=f"{row['valid_auprc']:.3f}")
            if row["valid_auprc"] > history[best_epoch]["valid_auprc"]:
                best_epoch, best_state = epoch, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    model.eval()
    return TrainResult(model=model, best_epoch=best_epoch, history=history)


def _prefix(scores: dict[str, Any]) -> dict[str, float]:
    return {f"valid_{k}": float(v) for k, v in scores.items()}


__all__ = ["TrainResult", "evaluate", "meta_train", "problem_loss", "problems_from_datasets"]
