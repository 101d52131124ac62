"""``grnular train``: simulate a training corpus, meta-train an unrolled model, write a checkpoint.

The command line only; the recipe itself is :func:`grnular_lib.training.train_model`.

Examples (every shipped checkpoint's exact command is in its model card)::

    grnular train --setting general --method grnular-rank --train-graphs 300 --valid-graphs 30 --epochs 15 -o grnular-rank-general.pt
    grnular train --method grnular --train-graphs 20 --valid-graphs 10 --epochs 8 --seed 0 -o grnular-clean.pt

``--setting paper`` (default) simulates one fixed setting of the paper (``--genes``, ``--cell-types``, …);
``--setting general`` draws every graph from the broad ``general`` distribution (two graph families, 50 to
``--max-genes`` genes, 1–10 cell types, 100 to a few thousand cells, clean to SERGIO's full noise chain; each
``--general-version`` has its ranges in ``grnular_lib.simulate.general.GENERAL_SETTINGS``, and a checkpoint's card
names its version).
"""
from __future__ import annotations

import argparse
import shlex
import sys
import warnings
from pathlib import Path

from .errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``train`` to the ``grnular`` command."""
    from .methods import method_names
    from .parallel import add_parallel_options

    models = method_names(engine="unrolled")
    p = subparsers.add_parser("train", help="meta-train an unrolled model on simulated data and write a checkpoint",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--method", default="grnular", choices=models, help="model to train (default: grnular)")
    p.add_argument("--setting", default="paper", choices=("paper", "general"),
                   help="paper: one fixed setting of the paper (default); general: the broad distribution")
    p.add_argument("--max-genes", type=int, default=None,
                   help="general setting: largest simulated graph (default 400)")
    p.add_argument("--general-version", type=int, default=None, metavar="N",
                   help="general setting: version of the distribution's ranges (default: the current one; 4 draws "
                        "up to 8,000 cells, 5 only 1,000-3,000; see a card's command)")
    p.add_argument("--genes", type=int, default=None, help="paper setting: genes per simulated graph (default 100)")
    p.add_argument("--cells-per-type", type=int, default=None, help="paper setting: cells per cell type (default 200)")
    p.add_argument("--cell-types", type=int, default=None, help="paper setting: cell types per graph (default 5)")
    p.add_argument("--dropout-percentile", type=float, default=None,
                   help="simulate the noisy setting with this dropout percentile (e.g. 25); default: clean data")
    p.add_argument("--noise-params", type=float, default=None, metavar="q",
                   help="paper setting: SERGIO noise amplitude q (default 0.1, the paper's §3.2; 1 for DS1-like data)")
    p.add_argument("--decay", type=float, default=None, metavar="λ",
                   help="paper setting: SERGIO decay rate (default 1; 0.8 for DS1-like data)")
    p.add_argument("--sampling-state", type=int, default=None, metavar="S",
                   help="paper setting: SERGIO sampling state (default 15)")
    p.add_argument("--activating-only", action="store_true",
                   help="the authors' code setting (K ~ U[0,5], no repression) instead of the paper's stated one")
    p.add_argument("--train-graphs", type=int, default=20, help="training graphs (default 20)")
    p.add_argument("--valid-graphs", type=int, default=10, help="validation graphs for model selection (default 10)")
    p.add_argument("--epochs", type=int, default=8, help="meta-training epochs (default 8)")
    p.add_argument("--batch-size", type=int, default=4, help="graphs per optimisation step (default 4)")
    p.add_argument("--lr", type=float, default=0.02, help="initial meta learning rate, cosine-annealed (default 0.02)")
    p.add_argument("--beta", type=float, default=2.0, help="β of the Fβ loss (default 2)")
    p.add_argument("--n-unrolled", type=int, default=None, help="unrolled cells L (default: the method's)")
    p.add_argument("--inner-steps", type=int, default=None, help="GRNUlar inner optimiser steps P (default: 5)")
    p.add_argument("--hidden", type=int, default=None,
                   help="grnular-rank: width of the hidden layers of evidence_nn and ρ_nn (default 32)")
    p.add_argument("--indirect-target", type=float, default=None, metavar="S",
                   help="grnular-rank: train pairs without an edge but linked through one gene towards S in [0, 1) "
                        "instead of 0, as real reference networks list such associations (default 0)")
    p.add_argument("--ranking-weight", type=float, default=None, metavar="W",
                   help="grnular-rank: add W × a listwise ranking loss (edges above every other pair) to the "
                        "cross-entropy (default 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of the corpora and of training (default 0)")
    p.add_argument("--device", default=None, help="torch device (default: cuda if available, else cpu)")
    add_parallel_options(p, "simulate the training and validation graphs")
    p.add_argument("-o", "--output", required=True,
                   help="checkpoint file to write (.pt); its model card is written next to it as <stem>.card.md")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing checkpoint of that name, with its card and validation curve")
    p.set_defaults(func=run_train)


def command_line(args: argparse.Namespace) -> str:
    """The ``grnular train`` command that reproduces a run: every option that changes the result spelled out (not
    ``--device``, ``--workers`` or ``--scheduler``, which change only where it runs)."""
    parts = ["grnular", "train", "--setting", args.setting, "--method", args.method]
    for name in ("max_genes", "general_version", "genes", "cells_per_type", "cell_types", "dropout_percentile",
                 "noise_params", "decay", "sampling_state", "train_graphs", "valid_graphs", "epochs", "batch_size", "lr",
                 "beta", "n_unrolled", "inner_steps", "hidden", "indirect_target", "ranking_weight", "seed"):
        value = getattr(args, name)
        if value is not None:
            parts += [f"--{name.replace('_', '-')}", str(value)]
    if args.activating_only:
        parts.append("--activating-only")
    parts += ["-o", Path(args.output).name]
    return " ".join(shlex.quote(p) for p in parts)


def model_card_path(checkpoint: Path) -> Path:
    """Where ``grnular train`` writes the model card of ``checkpoint``: ``<stem>.card.md`` beside it (never the
    checkpoint itself, whatever its name)."""
    return checkpoint.with_name(f"{checkpoint.stem}.card.md")


def validation_curve_path(checkpoint: Path) -> Path:
    """Where ``grnular train`` writes the per-epoch validation curve of ``checkpoint``: ``<stem>.validation.csv``."""
    return checkpoint.with_name(f"{checkpoint.stem}.validation.csv")


def _write_curve(history: list[dict], path: Path) -> None:
    """One row per epoch (0 = untrained): epoch, train_loss, valid_auprc, valid_auroc, lr."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)


def _check_device(device: str) -> None:
    """Refuse a torch device that does not exist here, before any simulation."""
    import torch

    try:
        if torch.device(device).type not in ("cpu", "cuda", "mps"):  # e.g. meta: tensors without data
            raise ValueError(f"device type {torch.device(device).type!r} cannot train; use cpu, cuda[:N] or mps")
        torch.empty(1, device=torch.device(device))
    except Exception as exc:  # torch raises RuntimeError, AssertionError or ValueError, depending on the build
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        n = torch.cuda.device_count() if torch.cuda.is_available() else 0
        have = f"cuda:0 … cuda:{n - 1}" if n else "no CUDA device"
        raise InputError(f"--device {device}: not usable on this machine ({reason}); it has cpu and {have}") from None


def _check_arguments(args: argparse.Namespace) -> Path:
    """Check the options that can be wrong before minutes of simulation and training; returns the output path."""
    import math

    from .outputs import check_output
    from .seeds import check_seed

    out = check_output(args.output, example="model.pt")
    for path, what in ((out, "the checkpoint"), (model_card_path(out), "its model card"),
                       (validation_curve_path(out), "its validation curve")):
        check_output(path, option=f"-o {out}: {what}" if path != out else "-o", example="model.pt")
        if path.exists() and not args.overwrite:
            raise InputError(f"-o {out}: {what} {path} already exists; pass --overwrite to replace the checkpoint, "
                             "its card and its validation curve, or choose a new name")
    check_seed(args.seed, option="--seed")
    for name in ("epochs", "n_unrolled", "inner_steps", "hidden"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(f"--{name.replace('_', '-')} {value}: must be at least 1")
    for name, example in (("lr", "0.02"), ("beta", "2")):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"--{name} {value}: must be a positive number (e.g. {example})")
    if args.dropout_percentile is not None and not 0 <= args.dropout_percentile <= 100:
        raise InputError(f"--dropout-percentile {args.dropout_percentile}: a percentile lies in 0 … 100 (e.g. 25)")
    if any(v is not None and not math.isfinite(v) for v in (args.noise_params, args.decay)):
        raise InputError("--noise-params and --decay must be finite numbers")
    if args.max_genes is not None and args.max_genes < 50:
        raise InputError(f"--max-genes {args.max_genes}: the general setting's graphs have at least 50 genes")
    if args.device is not None:
        _check_device(args.device)
    return out


#: fewest genes per graph in the paper setting (fewer leave the validation AUPRC undefined)
MIN_TRAIN_GENES = 5
#: options of the paper setting, with their defaults
PAPER_DEFAULTS = {"genes": 100, "cells_per_type": 200, "cell_types": 5, "noise_params": 0.1, "decay": 1.0,
                  "sampling_state": 15}


def _setting(args: argparse.Namespace) -> dict:
    """The training setting of the command line; refuses options that belong to the other setting."""
    from .training import GENERAL_MAX_GENES, general_setting

    paper_given = [n for n in (*PAPER_DEFAULTS, "dropout_percentile") if getattr(args, n) is not None]
    if args.activating_only:
        paper_given.append("activating_only")
    if args.setting == "general":
        if paper_given:
            names = ", ".join(f"--{n.replace('_', '-')}" for n in paper_given)
            raise InputError(f"{names}: only for --setting paper; the general setting draws graph sizes, cells and "
                             "noise itself (bound the graph size with --max-genes)")
        max_genes = GENERAL_MAX_GENES if args.max_genes is None else args.max_genes
        setting = general_setting(max_genes, args.general_version)
        args.general_version = setting["version"]  # spelled out in the card's command, whatever the default becomes
        return setting
    given = [flag for flag, value in (("--max-genes", args.max_genes), ("--general-version", args.general_version))
             if value is not None]
    if given:
        raise InputError(f"{' and '.join(given)}: only for --setting general; the paper setting uses --genes (and "
                         "the simulation options)")
    for name, default in PAPER_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    for name in ("genes", "cells_per_type", "cell_types", "sampling_state"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1")
    from .expression import MIN_CELLS

    if args.genes < MIN_TRAIN_GENES:
        raise InputError(f"--genes {args.genes}: give at least {MIN_TRAIN_GENES}, so that every graph has pairs with "
                         "and without an edge to learn and validate on")
    if args.cells_per_type * args.cell_types < MIN_CELLS:
        raise InputError(f"--cells-per-type {args.cells_per_type} × --cell-types {args.cell_types}: give at least "
                         f"{MIN_CELLS} cells per graph (networks are inferred from variation across cells)")
    if not args.noise_params >= 0:
        raise InputError(f"--noise-params {args.noise_params}: the noise amplitude q must be >= 0 (e.g. 0.1 or 1)")
    if not args.decay > 0:
        raise InputError(f"--decay {args.decay}: the decay rate must be > 0 (e.g. 1 or 0.8)")
    return dict(genes=args.genes, cells_per_type=args.cells_per_type, cell_types=args.cell_types,
                dropout_percentile=args.dropout_percentile, activating_only=args.activating_only,
                noise_q=args.noise_params, decay=args.decay, sampling_state=args.sampling_state)


def run_train(args: argparse.Namespace) -> int:
    """Carry out ``grnular train``; returns the exit status."""
    import torch

    from .checkpoints import checkpoint_payload, model_card
    from .outputs import atomic_write_together
    from .parallel import check_workers, dask_client
    from .training import train_model

    out = _check_arguments(args)
    setting = _setting(args)
    for name in ("train_graphs", "valid_graphs", "batch_size"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1")
    overrides = {}
    if args.n_unrolled is not None:
        overrides["n_unrolled"] = args.n_unrolled
    if args.inner_steps is not None:
        if args.method not in ("grnular", "grnular-base", "grnular-jac"):
            raise InputError("--inner-steps applies to grnular, grnular-base and grnular-jac only; drop it")
        overrides["inner_steps"] = args.inner_steps
    if args.hidden is not None:
        if args.method != "grnular-rank":
            raise InputError("--hidden applies to grnular-rank only; drop it")
        overrides["hidden"] = args.hidden
    if args.indirect_target is not None:
        if args.method != "grnular-rank":
            raise InputError("--indirect-target applies to grnular-rank only; drop it")
        from .models.grnular_rank import check_indirect_target

        check_indirect_target(args.indirect_target, "--indirect-target")
        overrides["indirect_target"] = args.indirect_target
    if args.ranking_weight is not None:
        if args.method != "grnular-rank":
            raise InputError("--ranking-weight applies to grnular-rank only; drop it")
        from .models.grnular_rank import check_ranking_weight

        check_ranking_weight(args.ranking_weight, "--ranking-weight")
        overrides["ranking_weight"] = args.ranking_weight
    with dask_client(args.scheduler, check_workers(args.workers, "--workers")) as client:
        run = train_model(args.method, setting=setting, train_graphs=args.train_graphs,
                          valid_graphs=args.valid_graphs, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                          beta=args.beta, seed=args.seed, overrides=overrides, device=args.device, client=client)
    result, model = run.result, run.result.model
    command = command_line(args)
    training = {**run.record, "command": command}
    validation = {"best_epoch": result.best_epoch, "best": result.best, "history": result.history}
    payload = checkpoint_payload(method=args.method, state=result.model.state_dict(), config=model.config,
                                 validation=validation, training=training)
    card, curve = model_card_path(out), validation_curve_path(out)

    def write_all(tmp: dict[Path, Path]) -> None:
        torch.save(payload, tmp[out])
        tmp[card].write_text(model_card(tmp[out], name=out.name), encoding="utf-8")
        _write_curve(result.history, tmp[curve])

    atomic_write_together([out, card, curve], write_all)  # the three, or none of them, are replaced
    b = result.best
    print(f"wrote {out}, its model card {card.name} and validation curve {curve.name}: {args.method}, best epoch "
          f"{result.best_epoch}, validation AUPRC {b['valid_auprc']:.3f} (untrained "
          f"{result.history[0]['valid_auprc']:.3f}), AUROC {b['valid_auroc']:.3f}", file=sys.stderr)
    if args.epochs and result.best_epoch == 0:
        warnings.warn("no epoch beat the untrained model on the validation problems, so the checkpoint holds the "
                      "untrained weights; train longer or on more and larger graphs (with very few genes every "
                      "method is already perfect)", stacklevel=2)
    return 0
