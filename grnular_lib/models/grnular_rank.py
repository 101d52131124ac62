"""``grnular-rank``: GRNUlar's learned-threshold cells on size-invariant evidence (a documented variant).

The paper's GRNUlar reads Θ off a regression network fitted to the data and learns thresholds ρ = ρ_nn(Θ, Σ̂, Z)
for the proximal step Z = η_ρ(Θ) (Eq. 10). Trained on 100-gene graphs it does not transfer to other sizes, noise
levels or real data: its inputs (weights of a network whose width grows with the number of TFs, a covariance on the
raw scale) change meaning with the problem. ``grnular-rank`` keeps the unrolled thresholding and changes what it
thresholds and what the learned parts see:

1. Θ is a learned combination of per-pair evidence (:mod:`grnular_lib.models.evidence`): a small network applied to
   every (TF, gene) pair separately, whose inputs are quantiles within the pair's target and TF and size-free values
   of correlations, partial correlations and ridge coefficients (correlations and ridge coefficients also after
   smoothing each cell with its nearest neighbours), and where the pair's TF stands among the TFs in how broadly it
   co-varies with the genes (a hub's mark). θ = evidence_nn(features) is a logit.
2. L unrolled cells refine it: Z_k = σ(θ − ρ_k), with ρ_k = ρ_nn(features, Z_{k−1} and its quantiles within the
   target and within the TF). ρ_nn is shared by the cells, like GRNUlar's; it sees where a pair stands relative to
   the current estimate of its neighbours, so a TF that already explains a target raises the others' threshold.

Every learned part acts on one pair at a time with inputs whose distribution does not depend on the number of genes,
TFs or cells, so a model trained on small graphs runs unchanged on large ones. Training minimises a class-balanced
binary cross-entropy per problem, averaged over the L + 1 outputs (not the paper's Eq. 16: Fβ on tanh|Θ| is made for
unbounded Θ, and the cross-entropy directly ranks pairs, which is what AUPRC measures); with ``ranking_weight`` w > 0
plus w × a listwise ranking loss (:meth:`RankGRNUlar.ranking_loss`), which weighs most the pairs that outrank edges,
the top of the ranking that AUPRC rewards. With ``indirect_target`` s > 0
a pair without an edge but linked through one gene (a cascade TF → X → gene, or a TF and a gene that share a
regulator or a target) is trained towards s instead of 0: reference networks of real data (STRING, ChIP-seq) list
such associations too, while SERGIO's truth has direct edges only.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..errors import InputError
from .evidence import FEATURE_NAMES, evidence_features
from .problem import Problem, tf_rows_to_scores, tf_target


#: pairs per block when the learned parts run without gradients: bounds inference memory (about 1 GiB at hidden 64)
#: however many TFs × genes a user's data has; training runs whole problems
PAIRS_PER_BLOCK = 1 << 20


def _per_pair(mlp: nn.Module, F: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
    """``mlp`` on every pair of TFs × genes × features ``F`` (and ``context``, concatenated); TFs × genes.

    Without gradients the TFs are taken in blocks of about :data:`PAIRS_PER_BLOCK` pairs, so no TFs × genes × hidden
    array is ever whole.
    """
    rows = max(1, PAIRS_PER_BLOCK // max(F.shape[1], 1))
    if torch.is_grad_enabled() or F.shape[0] <= rows:
        return mlp(F if context is None else torch.cat([F, context], dim=-1)).squeeze(-1)
    return torch.cat([_per_pair(mlp, F[i:i + rows], None if context is None else context[i:i + rows])
                      for i in range(0, F.shape[0], rows)], dim=0)


def _mlp(n_in: int, hidden: int, layers: int) -> nn.Sequential:
    mods: list[nn.Module] = []
    width = n_in
    for _ in range(layers):
        mods += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    mods.append(nn.Linear(width, 1))
    return nn.Sequential(*mods)


def average_rank_quantiles(z: torch.Tensor, dim: int) -> torch.Tensor:
    """Quantiles in [0, 1] of ``z`` along ``dim`` with average ranks for ties (independent of the order of entries)."""
    zt = z.transpose(dim, -1).contiguous()
    s, _ = torch.sort(zt, dim=-1)
    lo = torch.searchsorted(s, zt, right=False)
    hi = torch.searchsorted(s, zt, right=True)
    q = (lo + hi - 1).to(z.dtype) / 2 / max(zt.shape[-1] - 1, 1)
    return q.transpose(dim, -1)


def check_ranking_weight(value: float, name: str = "ranking_weight") -> None:
    """Raise :class:`~grnular_lib.errors.InputError`, naming the option ``name``, unless ``value`` is finite, ≥ 0."""
    if not 0.0 <= value < math.inf:
        raise InputError(f"{name} {value}: give a finite number ≥ 0 (0: cross-entropy alone)")


def check_indirect_target(value: float, name: str = "indirect_target") -> None:
    """Raise :class:`~grnular_lib.errors.InputError`, naming the option ``name``, unless ``value`` lies in [0, 1)."""
    if not 0.0 <= value < 1.0:
        raise InputError(f"{name} {value}: give a number in [0, 1), e.g. 0.3 (0: direct edges only)")


class RankGRNUlar(nn.Module):
    """GRNUlar's unrolled learned thresholds over size-invariant pair evidence (see the module docstring).

    Parameters
    ----------
    n_unrolled
        L, the number of refinement cells (0: the evidence network alone).
    hidden
        Width of the hidden layers of evidence_nn and ρ_nn.
    layers
        Hidden layers of evidence_nn (ρ_nn has one fewer, at least one).
    indirect_target
        Training target in [0, 1) of pairs without an edge that are linked through one gene (0: the truth's direct
        edges only; see the module docstring). Training only: the model's outputs do not depend on it.
    ranking_weight
        Weight ≥ 0 of a listwise ranking term added to the cross-entropy of each output (:meth:`ranking_loss`; 0:
        none). Training only.
    """

    def __init__(self, *, n_unrolled: int = 3, hidden: int = 32, layers: int = 2, indirect_target: float = 0.0,
                 ranking_weight: float = 0.0) -> None:
        super().__init__()
        if n_unrolled < 0 or hidden < 1 or layers < 1:
            raise InputError("n_unrolled must be ≥ 0, hidden and layers ≥ 1")
        check_indirect_target(indirect_target)
        self.config = dict(n_unrolled=n_unrolled, hidden=hidden, layers=layers)
        if indirect_target:  # spelled out only when used: checkpoints trained without it keep their config
            self.config["indirect_target"] = float(indirect_target)
        check_ranking_weight(ranking_weight)
        if ranking_weight:
            self.config["ranking_weight"] = float(ranking_weight)
        n_feat = len(FEATURE_NAMES)
        self.evidence_nn = _mlp(n_feat, hidden, layers)
        self.rho_nn = _mlp(n_feat + 3, hidden, max(1, layers - 1))

    def features(self, problem: Problem) -> torch.Tensor:
        """TFs × genes × features of :data:`~grnular_lib.models.evidence.FEATURE_NAMES`; cached on the problem."""
        tf = problem.require_tfs("grnular-rank")
        if "evidence_features" not in problem.cache:
            if problem.raw is None:
                raise InputError("grnular-rank needs the expression as given (make_problem keeps it)")
            F = evidence_features(problem.raw, tf.cpu().numpy())
            problem.cache["evidence_features"] = torch.as_tensor(F, device=problem.x.device)
        return problem.cache["evidence_features"]

    def _self_mask(self, problem: Problem) -> torch.Tensor:
        tf = problem.tf_index
        return (tf[:, None] != torch.arange(problem.n_genes, device=tf.device)[None, :]).to(problem.x.dtype)

    def forward(self, problem: Problem, seed: int = 0) -> list[torch.Tensor]:
        """Outputs Z_0 … Z_L (TFs × genes probabilities in [0, 1], self pairs 0); the last is the prediction.

        ``seed`` is accepted for the common model interface; the model is deterministic.
        """
        F = self.features(problem)
        keep = self._self_mask(problem)
        theta = _per_pair(self.evidence_nn, F)
        z = torch.sigmoid(theta) * keep
        outputs = [z]
        for _ in range(self.config["n_unrolled"]):
            zd = z.detach()
            context = torch.stack([zd, average_rank_quantiles(zd, 0), average_rank_quantiles(zd, 1)], dim=-1)
            rho = _per_pair(self.rho_nn, F, context)
            z = torch.sigmoid(theta - rho) * keep
            outputs.append(z)
        return outputs

    def target(self, problem: Problem) -> tuple[torch.Tensor, torch.Tensor]:
        """Training target (TFs × genes: 1 for an edge either way between a TF and a gene, ``indirect_target`` for a
        pair without one that is linked through one gene, else 0) and the self-pair mask."""
        truth, mask = tf_target(problem, "grnular-rank")
        soft = self.config.get("indirect_target", 0.0)
        if not soft:
            return truth, mask
        A = (problem.truth != 0).to(truth.dtype)
        A = torch.maximum(A, A.T).fill_diagonal_(0.0)
        linked = (A[problem.tf_index] @ A) > 0
        return torch.where(linked & (truth == 0), torch.full_like(truth, soft), truth) * mask, mask

    @staticmethod
    def ranking_loss(z: torch.Tensor, edge: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Listwise ranking loss of one output: the cross-entropy between the uniform distribution over the edges
        and the softmax of the logits of ``z`` over all scored pairs, divided by log(scored pairs) so that its scale
        does not grow with the problem. It is low only when the edges' logits stand above every other pair's, which
        is what AUPRC rewards; the pairs that outrank edges carry most of its gradient."""
        p = z.clamp(1e-6, 1 - 1e-6)
        logit = (torch.log(p) - torch.log1p(-p))[mask > 0]
        pos = edge[mask > 0] > 0
        n = logit.numel()
        if not pos.any() or bool(pos.all()) or n < 2:
            return logit.sum() * 0.0
        return (torch.logsumexp(logit, 0) - logit[pos].mean()) / math.log(n)

    def loss(self, problem: Problem, outputs: list[torch.Tensor]) -> torch.Tensor:
        """Class-balanced binary cross-entropy of every output against :meth:`target` (the edges weighted by
        sqrt(other pairs / edges), each count at least 1), plus ``ranking_weight`` × :meth:`ranking_loss`."""
        truth, mask = self.target(problem)
        edge = (truth >= 1).to(truth.dtype) * mask
        n_pos = edge.sum()
        n_neg = mask.sum() - n_pos
        w_pos = torch.sqrt(n_neg.clamp_min(1.0) / n_pos.clamp_min(1.0))  # a TF regulating every gene: no negatives
        weight = mask * torch.where(edge > 0, w_pos, torch.ones_like(truth))
        losses = []
        for z in outputs:
            p = z.clamp(1e-6, 1 - 1e-6)
            bce = -(truth * torch.log(p) + (1 - truth) * torch.log1p(-p))
            term = (weight * bce).sum() / weight.sum()
            if self.config.get("ranking_weight", 0.0):
                term = term + self.config["ranking_weight"] * self.ranking_loss(z, edge, mask)
            losses.append(term)
        return torch.stack(losses).mean()

    def to_scores(self, problem: Problem, out: torch.Tensor) -> torch.Tensor:
        """Genes × genes scores ≥ 0 from a TFs × genes output: TF rows only, TF–TF pairs symmetric."""
        return tf_rows_to_scores(problem, out)
