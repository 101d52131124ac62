"""Chapter 1, meta-training: train each model with the library's one recipe (:func:`grnular_lib.training.train_model`)
and compare it with the checkpoint shipped in ``grnular_lib/pretrained/``."""
from __future__ import annotations

from typing import Any

import pandas as pd

from grnular_lib.methods import method_label


#: Parameters that ``reproduce_shipped`` replaces by each shipped checkpoint's training record.
FROM_RECORD = ("genes", "cells_per_type", "cell_types", "dropout_percentile", "train_graphs", "valid_graphs", "epochs",
               "batch_size", "seed")


def describe_params(params: dict[str, Any]) -> pd.DataFrame:
    """The run's settings (:func:`bookkit.settings.describe_params`), saying which ones ``reproduce_shipped``
    replaces."""
    from .settings import describe_params as table

    out = table(params)
    if params["reproduce_shipped"]:
        out.loc[list(FROM_RECORD), "value"] = "from each shipped checkpoint's training record"
    return out


def train(params: dict[str, Any], *, client: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Meta-train each model of ``train_methods`` on a simulated corpus and compare with the shipped
    checkpoint ``<method>-<model_setting>``.

    With ``reproduce_shipped`` the corpus and optimiser settings are read from each shipped checkpoint's training
    record, so the run repeats the training that made it; otherwise the profile's settings are used.

    Returns
    -------
    (history, summary)
        Per-epoch history (``model, epoch, train_loss, valid_auprc, valid_auroc, lr``) and one row per model with the
        settings used, the best epoch, validation scores, seconds, and the shipped checkpoint's validation AUPRC.
    """
    from grnular_lib.checkpoints import load_checkpoint, resolve_checkpoint
    from grnular_lib.training import train_model

    histories, rows = [], []
    for method in params["train_methods"]:
        shipped_name = f"{method}-{params['model_setting']}"
        shipped = load_checkpoint(resolve_checkpoint(shipped_name), method=method)
        record = shipped.get("training") or {}
        if params["reproduce_shipped"] and record:
            setting = dict(record["setting"])
            opts = {k: record[k] for k in ("train_graphs", "valid_graphs", "epochs", "batch_size", "lr", "beta",
                                           "seed")}
            overrides = dict(shipped["config"])
        else:
            q = float(params["dropout_percentile"])
            setting = dict(genes=params["genes"], cells_per_type=params["cells_per_type"],
                           cell_types=params["cell_types"], dropout_percentile=q if q > 0 else None,
                           activating_only=False)
            opts = dict(train_graphs=params["train_graphs"], valid_graphs=params["valid_graphs"],
                        epochs=params["epochs"], batch_size=params["batch_size"], lr=0.02, beta=2.0,
                        seed=params["seed"])
            overrides = {}
        run = train_model(method, setting=setting, overrides=overrides, client=client, progress=False, **opts)
        result, seconds = run.result, run.record["seconds"]
        label = method_label(method)
        histories.append(pd.DataFrame(result.history).assign(model=label))
        shipped_best = (shipped.get("validation") or {}).get("best", {})
        rows.append({"model": label, "genes": setting["genes"], "cells": setting["cells_per_type"] * setting[
            "cell_types"], "cell types": setting["cell_types"],
            "dropout": setting["dropout_percentile"] or "none (clean)",
            "train graphs": opts["train_graphs"], "valid graphs": opts["valid_graphs"], "epochs": opts["epochs"],
            "best epoch": result.best_epoch, "untrained valid AUPRC": result.history[0]["valid_auprc"],
            "valid AUPRC": result.best["valid_auprc"], "valid AUROC": result.best["valid_auroc"],
            "seconds": seconds, "shipped checkpoint": shipped_name,
            "shipped valid AUPRC": shipped_best.get("valid_auprc", float("nan")),
            "same settings as shipped": bool(params["reproduce_shipped"] and record)})
    return pd.concat(histories, ignore_index=True), pd.DataFrame(rows)


def paper_vs_run(trained: pd.DataFrame) -> pd.DataFrame:
    """"Paper vs this run" of chapter 1: meta-training helps, and (same settings) the shipped scores are reproduced."""
    rows = []
    for gain in trained.to_dict("records"):
        better = gain["valid AUPRC"] > gain["untrained valid AUPRC"]
        rows.append((f"Meta-training improves {gain['model']} over the untrained model",
                     "sparsity thresholds learned from supervision (§2.1.2, §2.3); no untrained baseline reported",
                     f"validation AUPRC {gain['untrained valid AUPRC']:.3f} → {gain['valid AUPRC']:.3f}",
                     "yes" if better else "no"))
        shipped = gain["shipped valid AUPRC"]
        if gain["same settings as shipped"]:
            close = abs(gain["valid AUPRC"] - shipped) <= 0.02
            rows.append((f"Retraining {gain['model']} reproduces the shipped checkpoint",
                         f"{gain['shipped checkpoint']}: validation AUPRC {shipped:.3f}",
                         f"{gain['valid AUPRC']:.3f}", "yes" if close else "no"))
        else:
            rows.append((f"Retraining {gain['model']} reproduces the shipped checkpoint",
                         f"{gain['shipped checkpoint']}: validation AUPRC {shipped:.3f}",
                         f"{gain['valid AUPRC']:.3f} with other settings (the paper profile repeats the shipped "
                         "training)", "not run"))
    return pd.DataFrame(rows, columns=["claim", "paper", "this run", "holds here"]).set_index("claim")


def sample_note(trained: pd.DataFrame) -> str:
    """How many graphs stand behind each model's scores (``trained``: the summary of :func:`train`)."""
    sizes = sorted(set(zip(trained["train graphs"], trained["valid graphs"])))
    text = "; ".join(f"{t} training and {v} validation graphs" for t, v in sizes)
    return (f"Each model was trained on {text}; a validation AUPRC is the mean over those validation graphs, and "
            "with so few graphs, small differences between models or epochs may be noise.")
