"""Several trained models of one method whose outputs are averaged (a deep ensemble).

Models trained with the same recipe from different seeds (different training graphs, different initial weights)
differ most where the data are least like the training distribution; the mean of their outputs varies less from one
training run to the next than any single model, and is the default of ``grnular-rank``
(:data:`grnular_lib.checkpoints.SHIPPED_ENSEMBLES`).
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..errors import CheckpointError
from .problem import Problem


class Ensemble(nn.Module):
    """The mean of each unrolled output over ``members`` (models of one class with the same number of outputs).

    Parameters
    ----------
    members
        Trained models; their per-problem caches (e.g. ``grnular-rank``'s evidence features) are shared, since they
        live on the problem.
    """

    def __init__(self, members: Sequence[nn.Module]) -> None:
        super().__init__()
        if not members:
            raise CheckpointError("an ensemble needs at least one member")
        kinds = {(type(m).__name__, m.config.get("n_unrolled")) for m in members}
        if len(kinds) > 1:
            raise CheckpointError(f"ensemble members differ in model or number of unrolled cells: {sorted(kinds)}")
        self.members = nn.ModuleList(members)
        self.config = dict(members[0].config)

    def forward(self, problem: Problem, seed: int = 0) -> list[torch.Tensor]:
        """Outputs of the unrolled cells, each the mean over the members; a progress bar over the members in a
        terminal (none in notebooks, logs or tests), as large networks take minutes."""
        from tqdm import tqdm

        members = tqdm(self.members, desc=f"{len(self.members)} models", unit="model", disable=None, leave=False)
        outputs = [member(problem, seed=seed) for member in members]
        return [torch.stack(step).mean(dim=0) for step in zip(*outputs)]

    def to_scores(self, problem: Problem, out: torch.Tensor) -> torch.Tensor:
        """Genes × genes scores, as the members make them."""
        return self.members[0].to_scores(problem, out)
