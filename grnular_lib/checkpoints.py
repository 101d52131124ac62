"""Checkpoints of the unrolled models: weights + the full config that made them + validation scores + library version.

A checkpoint is a ``torch.save`` of a dict holding only tensors, strings and numbers (the config and the scores as
JSON strings), and it is read back with ``torch.load(..., weights_only=True)``: a file that holds anything else — a
pickled object, code — is refused with :class:`~grnular_lib.errors.CheckpointError` before anything in it runs.

Files are written under a temporary name and renamed when complete, so an interrupted save leaves no partial file.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch

from . import __version__
from .errors import CheckpointError
from .methods import METHODS
from .outputs import atomic_write

FORMAT = "grnular-checkpoint/1"
PRETRAINED_DIR = Path(__file__).parent / "pretrained"
#: Setting of the checkpoint a method uses when none is given: ``<method>-general.pt``.
DEFAULT_SETTING = "general"
#: Shipped ensembles: a name that stands for several shipped checkpoints of one method, trained with the same command
#: but different ``--seed`` (different training graphs and initial weights; for :data:`CELL_RANGE_ENSEMBLES` also
#: different ``--general-version``); their outputs are averaged. An ensemble named ``<method>-general-ensemble`` is
#: the method's default.
SHIPPED_ENSEMBLES: dict[str, tuple[str, ...]] = {}


def _seeds(first: str) -> tuple[str, ...]:
    """The shipped checkpoint ``first`` (seed 0) and its two siblings trained with seeds 1 and 2."""
    return (first, f"{first}-seed1", f"{first}-seed2")


def _both(first: str, second: str) -> tuple[str, ...]:
    """The members of two shipped ensembles, averaged as one."""
    return (*SHIPPED_ENSEMBLES[first], *SHIPPED_ENSEMBLES[second])


# version 8 of the general distribution (half of the DS-chain problems normalised to the median library size before
# log1p, as real data are given), trained with the cross-entropy plus 3 x the listwise ranking loss
# (--ranking-weight 3): the default; README, "Which method to use"
SHIPPED_ENSEMBLES["grnular-rank-general-ensemble"] = _seeds("grnular-rank-general-rank3")
# the same command without the ranking loss: the default until the ranked models, kept to compare with them
SHIPPED_ENSEMBLES["grnular-rank-general-v8-ensemble"] = _seeds("grnular-rank-general-v8")
# the same command on version 3 (the DS chain's counts always taken as they are): the default until version 8's
# models, kept to compare with them
SHIPPED_ENSEMBLES["grnular-rank-general-v3-ensemble"] = _seeds("grnular-rank-general")
# the same three seeds on version 4 of the general distribution (100-8,000 cells): what grnular-rank ran on more
# than 3,000 cells before version 7's models, kept to compare with them
SHIPPED_ENSEMBLES["grnular-rank-general-v4-ensemble"] = _seeds("grnular-rank-general-v4")
# the same three seeds on version 5 (1,000-3,000 cells only): models that saw only data with many cells
SHIPPED_ENSEMBLES["grnular-rank-general-v5-ensemble"] = _seeds("grnular-rank-general-v5")
# the same three seeds with --indirect-target 0.1 (pairs linked through one gene trained towards 0.1): closer to
# what real reference networks (STRING, ChIP-seq) list; benchmarks/GENERALISATION.md, "Real reference networks"
SHIPPED_ENSEMBLES["grnular-rank-general-indirect-ensemble"] = _seeds("grnular-rank-general-indirect")
# the same three seeds on version 6 (every gene a candidate regulator; graphs of at most 200 genes, as every gene's
# row is scored): what grnular-rank runs without a TF list; benchmarks/GENERALISATION.md, "Without a TF list"
SHIPPED_ENSEMBLES["grnular-rank-general-v6-ensemble"] = _seeds("grnular-rank-general-v6")
# the same three seeds on version 7 (3,000-8,000 cells only): what grnular-rank runs on 3,000 cells or more;
# benchmarks/GENERALISATION.md, "Many cells"
SHIPPED_ENSEMBLES["grnular-rank-general-v7-ensemble"] = _seeds("grnular-rank-general-v7")
# version 8's three models and the three of version 5, averaged: what grnular-rank ran on 1,000-3,000 cells
# before the v8v9 ensemble below, kept to compare with it
SHIPPED_ENSEMBLES["grnular-rank-general-v8v5-ensemble"] = _both("grnular-rank-general-v8-ensemble",
                                                                "grnular-rank-general-v5-ensemble")
# version 8's command on version 9 (version 5's 1,000-3,000 cells with version 8's normalised problems), alone and
# averaged with version 8's three: what grnular-rank ran on 1,000-3,000 cells before the ranked models, kept to compare
SHIPPED_ENSEMBLES["grnular-rank-general-v9-ensemble"] = _seeds("grnular-rank-general-v9")
SHIPPED_ENSEMBLES["grnular-rank-general-v8v9-ensemble"] = _both("grnular-rank-general-v8-ensemble",
                                                                "grnular-rank-general-v9-ensemble")
# the default's command (ranking loss included) on version 9, alone and averaged with the default's three: what
# grnular-rank runs on 1,000-3,000 cells; benchmarks/GENERALISATION.md, "Many cells"
SHIPPED_ENSEMBLES["grnular-rank-general-rank3-v9-ensemble"] = _seeds("grnular-rank-general-rank3-v9")
SHIPPED_ENSEMBLES["grnular-rank-general-rank3v9-ensemble"] = _both("grnular-rank-general-ensemble",
                                                                   "grnular-rank-general-rank3-v9-ensemble")
# the default's command on version 14 (version 8 with 100-1,000 cells only), alone and averaged with the default's
# three: what grnular-rank runs on 100-999 cells; benchmarks/GENERALISATION.md, "Many cells"
SHIPPED_ENSEMBLES["grnular-rank-general-rank3-v14-ensemble"] = _seeds("grnular-rank-general-rank3-v14")
SHIPPED_ENSEMBLES["grnular-rank-general-rank3v14-ensemble"] = _both("grnular-rank-general-ensemble",
                                                                    "grnular-rank-general-rank3-v14-ensemble")
# the same three seeds on version 10 (version 8 with half of the problems through SERGIO's noise chain), alone and
# averaged with version 8's three, kept to compare with it; benchmarks/GENERALISATION.md, "Three training changes"
SHIPPED_ENSEMBLES["grnular-rank-general-v10-ensemble"] = _seeds("grnular-rank-general-v10")
SHIPPED_ENSEMBLES["grnular-rank-general-v8v10-ensemble"] = _both("grnular-rank-general-v8-ensemble",
                                                                 "grnular-rank-general-v10-ensemble")
# the same three seeds on version 11 (every problem through SERGIO's noise chain, its counts taken as they are),
# alone and averaged with version 10's three: what grnular-rank runs on counts not scaled to a library size, raw or
# through log1p; benchmarks/GENERALISATION.md, "Counts through log1p"
SHIPPED_ENSEMBLES["grnular-rank-general-v11-ensemble"] = _seeds("grnular-rank-general-v11")
SHIPPED_ENSEMBLES["grnular-rank-general-v10v11-ensemble"] = _both("grnular-rank-general-v10-ensemble",
                                                                  "grnular-rank-general-v11-ensemble")


def default_checkpoint(method: str) -> str:
    """Name of the shipped checkpoint (or ensemble) a method uses when none is given."""
    name = f"{method}-{DEFAULT_SETTING}"
    return f"{name}-ensemble" if f"{name}-ensemble" in SHIPPED_ENSEMBLES else name


@lru_cache(maxsize=None)
def _shipped_general_ranges(name: str) -> tuple[tuple[str, Any], ...] | None:
    """Method and ``general`` ranges (:class:`~grnular_lib.simulate.general.GeneralSetting`) of a shipped checkpoint,
    or of every member of a shipped ensemble, from the version their training records name; ``None`` when any of
    them was trained on other data."""
    from .simulate.general import GENERAL_SETTINGS

    out = []
    for member in SHIPPED_ENSEMBLES.get(name, (name,)):
        ck = load_checkpoint(resolve_checkpoint(member))
        setting = ck["training"].get("setting") or {}
        if setting.get("distribution") != "general" or setting.get("version") not in GENERAL_SETTINGS:
            return None
        out.append((ck["method"], GENERAL_SETTINGS[setting["version"]]))
    return tuple(out)


def shipped_training_range(name: str) -> tuple[str, int, int] | None:
    """Method and fewest and most cells per problem a shipped checkpoint, or every member of a shipped ensemble, was
    trained on (from the ``general`` version its training record names; for an ensemble the range all its members
    saw); ``None`` for other training data."""
    members = _shipped_general_ranges(name)
    if members is None or len({method for method, _ in members}) != 1:
        return None
    return (members[0][0], max(r.cells[0] for _, r in members), min(r.cells[1] for _, r in members))


def shipped_general_setting(name: str) -> Any | None:
    """The ranges of the ``general`` distribution (:class:`~grnular_lib.simulate.general.GeneralSetting`) that a
    shipped checkpoint, or every member of a shipped ensemble, was trained on; ``None`` for other training data or
    members trained on different versions."""
    members = _shipped_general_ranges(name)
    if members is None or len({r.version for _, r in members}) != 1:
        return None
    return members[0][1]


#: Shipped ensembles that :func:`checkpoint_for_cells` may choose instead of a method's default: their members were
#: trained with the default's command, on the default's or another range of cells (``--general-version``), with or
#: without its ranking loss (``--ranking-weight``)
CELL_RANGE_ENSEMBLES: tuple[str, ...] = ("grnular-rank-general-rank3v14-ensemble",
                                         "grnular-rank-general-rank3v9-ensemble", "grnular-rank-general-v7-ensemble")
#: Shipped ensembles that :func:`checkpoint_for_cells` chooses when every gene is a candidate regulator (no TF list):
#: their members were trained on problems that give every gene as a candidate (:func:`shipped_every_gene`)
EVERY_GENE_ENSEMBLES: tuple[str, ...] = ("grnular-rank-general-v6-ensemble",)
#: Shipped ensembles that :func:`checkpoint_for_cells` chooses when the expression is counts not scaled to a library
#: size, raw or through ``log1p`` (:func:`grnular_lib.expression.looks_like_counts`,
#: :func:`grnular_lib.expression.looks_like_log_counts`): their members saw at least half of their problems through
#: SERGIO's noise chain, which ends in counts (:func:`shipped_noise_chain`)
COUNT_ENSEMBLES: tuple[str, ...] = ("grnular-rank-general-v10v11-ensemble",)


def shipped_every_gene(name: str) -> bool:
    """Whether a shipped checkpoint, or every member of a shipped ensemble, was trained only on problems that give
    every gene as a candidate regulator (a ``general`` version whose candidates are always every gene)."""
    members = _shipped_general_ranges(name)
    return members is not None and all(r.every_gene_probability >= 1 for _, r in members)


def shipped_noise_chain(name: str) -> bool:
    """Whether a shipped checkpoint, or every member of a shipped ensemble, saw at least half of its training problems
    through SERGIO's noise chain, which ends in counts (a ``general`` version that draws the chain with probability
    0.5 or more; the default's versions 3 and 8: 0.3)."""
    members = _shipped_general_ranges(name)
    return members is not None and all(r.noise_weights[2] >= 0.5 for _, r in members)


def checkpoint_for_cells(method: str, n_cells: int, *, every_gene: bool = False, counts: bool = False) -> str:
    """The shipped checkpoint a method uses by default on data with ``n_cells`` cells (and a TF list or not).

    Among the method's :func:`default_checkpoint` and the :data:`CELL_RANGE_ENSEMBLES` of the method, those trained on a
    range of cells that holds ``n_cells`` compete (an ensemble's range: the cells every member was trained on), and the
    narrowest range (in ratio of most to fewest cells) wins; the default wins a tie. A model that saw only problems like
    the user's knows better how far each kind of evidence can be trusted there (benchmarks/GENERALISATION.md, "Many
    cells": from 100 to 999 cells the default's models averaged with three trained on 100–1,000 only; from 1,000 to
    2,999 cells the default's models averaged with three trained on 1,000–3,000 only; from 3,000, models trained on
    3,000–8,000 only). Beyond every range, the one trained on the most cells; below every range, the default.

    With ``every_gene`` (no TF list: every gene is a candidate regulator) an ensemble of :data:`EVERY_GENE_ENSEMBLES`
    for the method whose range of cells holds ``n_cells`` comes first: models trained with a TF list learned that every
    candidate is a TF, and lose much of their lead when most candidates regulate nothing (benchmarks/GENERALISATION.md,
    "Without a TF list").

    Otherwise, with ``counts`` (the expression is counts not scaled to a library size, raw or through ``log1p``, as
    SERGIO's noisy DS data are), an ensemble of :data:`COUNT_ENSEMBLES` for the method whose range of cells holds
    ``n_cells`` comes first: the default's models saw such data in under a third of their problems, and fall below
    Pearson-TF on SERGIO's noisy DS1 (benchmarks/GENERALISATION.md, "Counts through log1p").
    """
    if every_gene:
        for name in EVERY_GENE_ENSEMBLES:
            r = shipped_training_range(name)
            if r is not None and r[0] == method and r[1] <= n_cells <= r[2] and shipped_every_gene(name):
                return name
    if counts:
        for name in COUNT_ENSEMBLES:
            r = shipped_training_range(name)
            if r is not None and r[0] == method and r[1] <= n_cells <= r[2] and shipped_noise_chain(name):
                return name
    default = default_checkpoint(method)
    trained = shipped_training_range(default)
    if trained is None:
        return default
    candidates = [(default, trained)] + [(name, r) for name in CELL_RANGE_ENSEMBLES
                                         if (r := shipped_training_range(name)) is not None and r[0] == method]
    holding = [(r[2] / r[1], i, name) for i, (name, r) in enumerate(candidates) if r[1] <= n_cells <= r[2]]
    if holding:
        return min(holding)[2]
    most = max(candidates, key=lambda c: c[1][2])
    return most[0] if n_cells > most[1][2] else default


def save_checkpoint(path: str | Path, *, method: str, state: dict[str, torch.Tensor], config: dict[str, Any],
                    validation: dict[str, Any] | None = None, training: dict[str, Any] | None = None) -> Path:
    """Write a checkpoint atomically.

    Parameters
    ----------
    path
        Output file (``.pt``).
    method
        Model method name (e.g. ``"grnular"``), checked when the file is loaded.
    state
        The model's ``state_dict()``.
    config
        Model constructor arguments (JSON-able).
    validation
        Validation scores (e.g. mean AUPRC per epoch and of the selected epoch).
    training
        Training settings: data, seed, epochs, the command line that reproduces the file.
    """
    path = Path(path)
    payload = checkpoint_payload(method=method, state=state, config=config, validation=validation,
                                 training=training)
    atomic_write(path, lambda tmp: torch.save(payload, tmp))
    return path


def checkpoint_payload(*, method: str, state: dict[str, torch.Tensor], config: dict[str, Any],
                       validation: dict[str, Any] | None = None, training: dict[str, Any] | None = None) -> dict:
    """What :func:`save_checkpoint` writes (with ``torch.save``); its arguments are those of
    :func:`save_checkpoint`."""
    return {
        "format": FORMAT,
        "library_version": __version__,
        "method": method,
        "config": json.dumps(config, sort_keys=True),
        "validation": json.dumps(validation or {}, sort_keys=True),
        "training": json.dumps(training or {}, sort_keys=True),
        "state": {k: v.detach().cpu().contiguous() for k, v in state.items()},
    }


def resolve_checkpoints(checkpoint: str | Path | None, method: str) -> list[Path]:
    """The checkpoint files a name stands for: ``None`` → the method's :func:`default_checkpoint`; the name of a
    shipped ensemble → its members; anything else → the one file of :func:`resolve_checkpoint`."""
    name = default_checkpoint(method) if checkpoint is None else checkpoint
    if isinstance(name, str) and name in SHIPPED_ENSEMBLES:
        _refuse_shadowing(name)
        return [resolve_checkpoint(member) for member in SHIPPED_ENSEMBLES[name]]
    return [resolve_checkpoint(name)]


def _refuse_shadowing(name: str | Path) -> None:
    """Refuse a bare shipped name that is also a file in the working folder: which one was meant cannot be told."""
    if isinstance(name, str) and "/" not in name and Path(name).exists():
        raise CheckpointError(f"checkpoint {name!r} names both a shipped checkpoint and the file ./{name} here; pass "
                              f"./{name} for the file, or rename it")


def resolve_checkpoint(checkpoint: str | Path) -> Path:
    """One checkpoint file: a shipped name (``"grnular-clean"``, ``"grnular-rank-general"``) → its file; anything
    else is taken as a path. (A method's default and the shipped ensembles: :func:`resolve_checkpoints`.)"""
    p = Path(checkpoint)
    if (PRETRAINED_DIR / f"{checkpoint}.pt").exists():
        _refuse_shadowing(checkpoint)
        if not p.exists():
            p = PRETRAINED_DIR / f"{checkpoint}.pt"
    if not p.exists():
        import difflib

        shipped = sorted([q.stem for q in PRETRAINED_DIR.glob("*.pt")] + list(SHIPPED_ENSEMBLES))
        close = difflib.get_close_matches(str(checkpoint), shipped, n=3, cutoff=0.6)
        defaults = sorted({default_checkpoint(m) for m in METHODS if METHODS[m].engine == "unrolled"})
        hint = (f"did you mean {' or '.join(close)}?" if close else
                f"the methods' defaults are {', '.join(defaults)}.")
        raise CheckpointError(f"checkpoint {str(checkpoint)!r} not found; {hint} Give a file written by `grnular "
                              f"train` or one of the {len(shipped)} shipped names (the model cards, *.card.md in the "
                              "package's pretrained folder, describe them)")
    return p


def load_checkpoint(path: str | Path, *, method: str | None = None) -> dict[str, Any]:
    """Read and check a checkpoint without executing anything stored in it.

    Parameters
    ----------
    path
        A file written by :func:`save_checkpoint`.
    method
        If given, the checkpoint must be of this method.

    Returns
    -------
    dict
        ``method``, ``config``, ``validation``, ``training`` (dicts), ``state`` (tensors), ``library_version``.

    Raises
    ------
    CheckpointError
        Unreadable or unsafe file, not a GRNUlar checkpoint, another model's checkpoint, or a different major
        library version.
    """
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(f"{path} is a directory; give a checkpoint file written by `grnular train`")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch's restricted unpickler raises many types (KeyError, UnpicklingError, …) on junk
        raise CheckpointError(f"{path}: not a safe GRNUlar checkpoint (torch.load: {type(exc).__name__}); "
                              "it holds objects other than tensors and plain values, or is damaged. Use a file "
                              "written by `grnular train`") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a GRNUlar checkpoint (format {FORMAT} expected); use a file written by "
                              "`grnular train`")
    version = str(raw.get("library_version", "?"))
    if version.split(".")[0] != __version__.split(".")[0]:
        raise CheckpointError(f"{path}: written by grnular_lib {version}, incompatible with this version "
                              f"{__version__} (different major version); retrain it with `grnular train`, or install "
                              f"grnular_lib {version.split('.')[0]}.x")
    if method is not None and raw.get("method") != method:
        raise CheckpointError(f"{path}: a checkpoint of model {raw.get('method')!r}, not of {method!r}; pass "
                              f"--method {raw.get('method')} or a checkpoint trained for {method}")
    try:
        checkpoint = {"method": raw["method"], "config": json.loads(raw["config"]),
                      "validation": json.loads(raw["validation"]), "training": json.loads(raw["training"]),
                      "state": dict(raw["state"]), "library_version": version}
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: incomplete checkpoint ({exc}); retrain it with `grnular train`") from None
    if method is not None:
        _check_config(path, method, checkpoint["config"])
    return checkpoint


def _check_config(path: Path, method: str, config: Any) -> None:
    """Refuse a stored model config that the model of ``method`` cannot be built from (unknown or mistyped keys)."""
    import inspect

    from .models import METHOD_SPECS

    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: the stored model config is not a mapping; retrain it with `grnular train`")
    cls = METHOD_SPECS[method][0] if method in METHOD_SPECS else None
    if cls is None:
        return
    parameters = inspect.signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    unknown = sorted(set(config) - set(parameters))
    if unknown:
        raise CheckpointError(f"{path}: the stored config has settings {unknown} that a {method} model of this "
                              f"library version does not know; use a checkpoint written by this version's "
                              "`grnular train`, or retrain it")


def _setting_text(training: dict[str, Any]) -> str:
    """How a model card names the training data's setting and seeds."""
    setting = training.get("setting") or {}
    if setting.get("distribution") == "general":
        from .simulate.general import GENERAL_SETTINGS

        version = setting.get("version")
        ranges = json.dumps(GENERAL_SETTINGS[version].to_dict(), sort_keys=True) if version in GENERAL_SETTINGS \
            else "(a version of the ranges this library no longer has)"
        return (f"setting `general` version {setting.get('version')}, graphs of at most {setting.get('max_genes')} "
                f"genes; problem i of a split is `general_seed({training.get('seed')}, split, i)`, so training, "
                f"validation and test problems never share a random stream; ranges: `{ranges}`")
    return f"setting `{json.dumps(setting, sort_keys=True)}`, corpus seeds {training.get('corpus_seeds')}"


def model_card(path: str | Path, *, results: str | None = None, name: str | None = None) -> str:
    """A Markdown model card for a checkpoint: model, config, training data, seed, validation scores, the command
    that reproduces it, and optionally test results (e.g. from ``benchmarks/quality.py``).

    Parameters
    ----------
    path
        The checkpoint file.
    results
        Markdown for a "Test results" section.
    name
        The checkpoint's file name for the title (default: ``path``'s; for a file not yet at its final name).
    """
    ck = load_checkpoint(path)
    tr, val = ck["training"], ck["validation"]
    best = val.get("best", {})
    hist = val.get("history", [])
    lines = [f"# {name or Path(path).name}: {ck['method']}", "",
             f"- library version: {ck['library_version']}",
             f"- model config: `{json.dumps(ck['config'], sort_keys=True)}`",
             f"- training data: {tr.get('train_graphs')} simulated graphs, {tr.get('valid_graphs')} validation graphs "
             f"({_setting_text(tr)})",
             f"- seed {tr.get('seed')}, {tr.get('epochs')} epochs, batch {tr.get('batch_size')}, lr {tr.get('lr')} "
             f"(cosine), β {tr.get('beta')}, {tr.get('seconds')} s on the training machine",
             f"- selected epoch {val.get('best_epoch')}: validation AUPRC {best.get('valid_auprc', float('nan')):.3f}, "
             f"AUROC {best.get('valid_auroc', float('nan')):.3f} (undirected protocol); untrained model: AUPRC "
             f"{hist[0]['valid_auprc'] if hist else float('nan'):.3f}",
             "", "Reproduce:", "", "```", tr.get("command") or "(command not recorded)", "```", ""]
    if results:
        lines += ["## Test results", "", results.strip(), ""]
    return "\n".join(lines)
