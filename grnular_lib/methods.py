"""The one registry of network-inference methods: name, display label, TF use, kind, engine, caching.

Every other module (``infer``, ``baselines``, ``models``, ``sweep``, the plots) and every comparison reads the
method lists and labels from here. Adding a method is one :class:`Method` record in :data:`METHODS` plus the code of its
engine. The module is plain data: importing it loads neither torch nor any engine.

Terms
-----
kind
    ``"learned"``: a neural model (the unrolled models, pretrained on simulated graphs; RegDiffusion, trained on each
    dataset). ``"baseline"``: the established methods the paper compares with (GRNBoost2, GENIE3, GLASSO).
    ``"floor"``: one-line statistics a method should beat (Pearson-, Precision-, Ridge-TF, and the average of the
    per-target ranks of Pearson-TF and Ridge-TF).
tfs
    ``"required"``: scores TF → gene edges only and needs a TF list. ``"optional"``: with a TF list only TF rows are
    scored; without one every gene is a candidate regulator (arboreto's ``tf_names='all'``). ``"none"``: a method of
    the paper's "without TFs" comparison (GLAD, GLASSO); it is run without a TF list in comparisons.
engine
    Which code computes the scores: ``"unrolled"`` (:func:`grnular_lib.models.predict`, a shipped or user
    checkpoint), ``"baselines"`` (:func:`grnular_lib.baselines.baseline_scores`) or ``"regdiffusion"``
    (:func:`grnular_lib.regdiffusion.regdiffusion_scores`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import InputError

Kind = Literal["learned", "baseline", "floor"]
TFUse = Literal["required", "optional", "none"]
Engine = Literal["unrolled", "baselines", "regdiffusion"]

#: Valid values of the record fields, checked when the registry is built.
KINDS: tuple[str, ...] = ("learned", "baseline", "floor")
TF_USES: tuple[str, ...] = ("required", "optional", "none")
ENGINES: tuple[str, ...] = ("unrolled", "baselines", "regdiffusion")


@dataclass(frozen=True)
class Method:
    """One inference method.

    Attributes
    ----------
    name
        The name ``infer``/``grnular infer --method`` accepts (lower case).
    label
        Display name in figures and tables, as the paper writes it.
    kind
        ``"learned"``, ``"baseline"`` or ``"floor"`` (see the module notes).
    tfs
        ``"required"``, ``"optional"`` or ``"none"`` (see the module notes).
    engine
        ``"unrolled"``, ``"baselines"`` or ``"regdiffusion"``.
    cached
        Whether results are cached on disk (the expensive methods; see :mod:`grnular_lib.cache`).
    in_paper
        Whether the GRNUlar paper ran the method.
    summary
        One line for help texts.
    parallel
        Whether the method runs its parts on a Dask client when given one (GRNBoost2 and GENIE3: one regression per
        target; :mod:`grnular_lib.parallel`), with the same result as serially.
    bytes_per_pair
        Peak memory of inference per candidate regulator–target pair, in bytes, beyond the genes × genes matrices
        every method holds (measured; 0 where the genes × genes term dominates). ``grnular infer`` checks it
        against the machine's memory before the work starts.
    """

    name: str
    label: str
    kind: Kind
    tfs: TFUse
    engine: Engine
    cached: bool
    in_paper: bool
    summary: str
    parallel: bool = False
    bytes_per_pair: int = 0

    @property
    def needs_tfs(self) -> bool:
        """The method cannot run without a TF list."""
        return self.tfs == "required"

    @property
    def uses_tfs(self) -> bool:
        """The method takes a TF list in comparisons ("with TFs")."""
        return self.tfs != "none"

    @property
    def checkpointed(self) -> bool:
        """The method runs from a trained checkpoint (the unrolled models)."""
        return self.engine == "unrolled"

    def run_label(self, with_tfs: bool) -> str:
        """Display name of one run, e.g. ``GRNBoost2`` or ``GRNBoost2 (no TFs)``."""
        return self.label if with_tfs or not self.uses_tfs else f"{self.label} (no TFs)"


def _registry(*records: Method) -> dict[str, Method]:
    out: dict[str, Method] = {}
    for m in records:
        if m.name in out or m.name != m.name.lower():
            raise ValueError(f"method name {m.name!r} is repeated or not lower case")
        if m.kind not in KINDS or m.tfs not in TF_USES or m.engine not in ENGINES:
            raise ValueError(f"method {m.name!r}: kind/tfs/engine must be one of {KINDS}/{TF_USES}/{ENGINES}")
        out[m.name] = m
    if len({m.label for m in records}) != len(records):
        raise ValueError("method labels must be unique")
    return out


#: Every method, in the order of comparison tables: learned models, baselines, floors.
METHODS: dict[str, Method] = _registry(
    Method("grnular", "GRNUlar", "learned", "required", "unrolled", False, True,
           "unrolled GRNUlar, the paper's model"),
    Method("grnular-base", "GRNUlar-base", "learned", "required", "unrolled", False, True,
           "GRNUlar's simpler variant of the paper (restarts, 5 cells)"),
    Method("grnular-jac", "GRNUlar-jac", "learned", "required", "unrolled", False, False,
           "documented GRNUlar variant with a Jacobian read-out"),
    # bytes_per_pair: the evidence features (TFs × genes × features, float32) and the evidence they come from,
    # measured without a TF list at 1,500 and 3,000 genes (2.2 and 9.0 million pairs): 1.76 and 3.5 GB peak, 265
    # bytes per added pair.
    Method("grnular-rank", "GRNUlar-rank", "learned", "optional", "unrolled", False, False,
           "documented GRNUlar variant: learned thresholds on size-invariant pair evidence (default)",
           bytes_per_pair=300),
    Method("glad", "GLAD", "learned", "none", "unrolled", False, True,
           "unrolled graphical lasso (no TFs)"),
    Method("glad-tf", "GLAD-TF", "learned", "required", "unrolled", False, True,
           "GLAD restricted to TF rows"),
    Method("regdiffusion", "RegDiffusion", "learned", "optional", "regdiffusion", True, False,
           "diffusion model trained on each dataset (Zhu & Slonim 2024)"),
    Method("grnboost2", "GRNBoost2", "baseline", "optional", "baselines", True, True,
           "arboreto's gradient-boosting per target", parallel=True),
    Method("genie3", "GENIE3", "baseline", "optional", "baselines", True, True,
           "arboreto's random forests per target", parallel=True),
    Method("glasso", "GLASSO", "baseline", "none", "baselines", True, True,
           "graphical lasso, penalty by cross-validation"),
    Method("pearson", "Pearson-TF", "floor", "optional", "baselines", False, False, "|Pearson r|"),
    Method("precision", "Precision-TF", "floor", "optional", "baselines", False, False,
           "|shrunk inverse correlation|"),
    Method("ridge", "Ridge-TF", "floor", "optional", "baselines", False, False,
           "|ridge coefficients| of each gene on the TFs"),
    Method("rank-average", "Rank-average-TF", "floor", "optional", "baselines", False, False,
           "mean per-target rank under Pearson-TF and Ridge-TF"),
)


#: The method ``infer`` and ``grnular infer`` run when none is named: the project's best model trained on the broad
#: ``general`` distribution (see the README's comparison).
DEFAULT_METHOD = "grnular-rank"


def method_names(*, kind: str | None = None, engine: str | None = None, cached: bool | None = None,
                 tfs: str | None = None, parallel: bool | None = None) -> tuple[str, ...]:
    """Names of the registered methods, in registry order, optionally filtered by a record field."""
    return tuple(m.name for m in METHODS.values()
                 if (kind is None or m.kind == kind) and (engine is None or m.engine == engine)
                 and (cached is None or m.cached == cached) and (tfs is None or m.tfs == tfs)
                 and (parallel is None or m.parallel == parallel))


def get_method(name: str) -> Method:
    """The record of ``name`` (case-insensitive); :class:`~grnular_lib.errors.InputError` lists the valid names."""
    key = str(name).lower()
    if key not in METHODS:
        raise InputError(f"unknown method {name!r}; choose one of {', '.join(METHODS)}")
    return METHODS[key]


def method_label(name: str) -> str:
    """Display label of a method, or ``name`` unchanged when it is not registered (e.g. an ad-hoc variant)."""
    m = METHODS.get(str(name).lower())
    return m.label if m is not None else str(name)


#: Display names, method name → label (read-only view of :data:`METHODS`).
METHOD_LABELS: dict[str, str] = {m.name: m.label for m in METHODS.values()}
