"""How well does each input of ``grnular-rank`` rank the true edges on its own? AUPRC of every evidence feature.

Each of :data:`grnular_lib.models.evidence.FEATURE_NAMES` (except the per-problem descriptors, which are constant
over pairs) is used as a score on its own and scored like the methods: the paper's undirected protocol on the
regenerated SERGIO DS data, BEELINE's TF → gene protocol on the BEELINE datasets of the mirror. A feature that is
strong on simulated data but weak on a real dataset (or the reverse) shows where the learned combination can be
misled: for instance the quantile of a pair among its TF's targets (``*_rowq``) assumes every TF has targets.

    python benchmarks/evidence_features.py [--ds DS1 DS2] [--beeline mHSC-GM/TFs+500 hHEP/TFs+500]

Prints one table, features × datasets, best feature of each dataset marked.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd


def feature_auprc(data, protocol: str) -> dict[str, float]:
    """AUPRC of every pair-level evidence feature of one dataset used alone as the score."""
    from grnular_lib.metrics import score
    from grnular_lib.models.evidence import CONTEXT, FEATURE_NAMES, evidence_features

    X, tf, T = data.expression, data.tf_index, data.truth_matrix()
    F = evidence_features(X, tf)
    key = "auprc" if protocol == "undirected" else "auprc_ratio"
    out = {}
    for k, name in enumerate(FEATURE_NAMES):
        if name in CONTEXT:
            continue
        S = np.zeros((X.shape[1], X.shape[1]))
        S[tf] = F[..., k]
        np.fill_diagonal(S, 0.0)
        out[name] = score(S, T, protocol=protocol, tf_index=tf)[key]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", nargs="*", default=["DS1", "DS2"], help="regenerated SERGIO datasets (clean and ds)")
    parser.add_argument("--beeline", nargs="*", default=["mHSC-GM/TFs+500", "hHEP/TFs+500"],
                        help="BEELINE dataset/gene set, scored against STRING (AUPRC ratio)")
    args = parser.parse_args(argv)

    from grnular_lib.data.beeline import load_beeline
    from grnular_lib.data.sergio_ds import load_sergio_ds

    table = {}
    for name in args.ds:
        for noise in ("clean", "ds"):
            table[f"{name}/{noise}"] = feature_auprc(load_sergio_ds(name, 0, noise=noise), "undirected")
    for spec in args.beeline:
        dataset, _, geneset = spec.partition("/")
        data = load_beeline(dataset, geneset or "TFs+500", "STRING")
        table[f"{spec} STRING (ratio)"] = feature_auprc(data, "tf")
    frame = pd.DataFrame(table)
    marked = frame.round(3).astype(str)
    for col in frame:
        marked.loc[frame[col].idxmax(), col] += " *"
    with pd.option_context("display.width", 250, "display.max_rows", 200):
        print(marked.to_string())
    print("\n* best feature of the dataset. AUPRC (undirected) for SERGIO DS, AUPRC ratio (TF → gene) for BEELINE.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
