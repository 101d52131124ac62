"""RegDiffusion beside GRNUlar and GRNBoost2 on regenerated SERGIO DS replicates: seconds, ratios and AUPRC.

DS2 has 400 genes and DS3 1,200 genes (9 cell types × 300 cells each). For every method the script prints the
seconds of its call with the TF list and the undirected AUPRC (the paper's protocol) of two score matrices:
restricted to TF rows (with the TF list) and over all pairs (no TF list), beside the chance level. It then prints the time ratios
seconds(RegDiffusion) / seconds(GRNUlar) and seconds(RegDiffusion) / seconds(GRNBoost2) measured in the same run.
RegDiffusion trains once per dataset (its TF-row scores are the TF rows of the all-pairs network; the second call
reads the first one's cache). Nothing is read from a cache (a fresh temporary cache folder).

    OMP_NUM_THREADS=2 python benchmarks/peers.py --datasets DS2 DS3 --threads 2

RegDiffusion's 1,000 training steps take ~9 min on 2 CPU cores at 1,200 genes; ``--steps`` shortens them (say so
when quoting the table: fewer steps is a different, weaker fit).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import pandas as pd

METHODS = ("regdiffusion", "grnular", "grnboost2", "pearson")
#: Methods also scored over all pairs (GRNBoost2 with every gene as a regulator costs many times its TF-row run).
ALL_PAIRS = ("regdiffusion", "pearson")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["DS2", "DS3"], choices=["DS1", "DS2", "DS3"])
    parser.add_argument("--noise", default="clean", choices=["clean", "ds", "dropout"])
    parser.add_argument("--replicate", type=int, default=0)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--all-pairs", nargs="*", default=list(ALL_PAIRS), help="methods also run without TFs")
    parser.add_argument("--steps", type=int, default=None, help="RegDiffusion training steps (default: 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", help="checkpoint of GRNUlar (default: the shipped one)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    os.environ["GRNULAR_CACHE_DIR"] = tempfile.mkdtemp(prefix="grnular-bench-")  # nothing cached
    from grnular_lib import regdiffusion
    from grnular_lib.data import load_sergio_ds
    from grnular_lib.errors import GRNularError
    from grnular_lib.infer import check_method, score_matrix
    from grnular_lib.methods import METHODS as REGISTRY
    from grnular_lib.metrics import score

    if args.steps is not None:
        regdiffusion.DEFAULT_STEPS = args.steps
    try:  # methods and datasets are checked before any method runs: a bad one is one line, not a traceback
        methods = list(dict.fromkeys(check_method(m) for m in args.methods))
        datasets = {name: load_sergio_ds(name, args.replicate, noise=args.noise) for name in args.datasets}
    except GRNularError as exc:
        print(f"grnular: error: {exc}", file=sys.stderr)
        return 2
    rows = []
    for name, data in datasets.items():
        truth = data.truth_matrix()
        for method in methods:
            spec = REGISTRY[method]
            row = {"dataset": name, "genes": data.n_genes, "cells": data.expression.shape[0], "method": spec.label}
            for key, tf_index in (("TF rows", data.tf_index), ("all pairs", None)):
                if tf_index is None and (spec.needs_tfs or method not in args.all_pairs):
                    continue
                t0 = time.perf_counter()
                S = score_matrix(data.expression, tf_index, method, seed=args.seed,
                                 checkpoint=args.checkpoint if spec.checkpointed else None)
                seconds = time.perf_counter() - t0
                row.setdefault("seconds", seconds)
                result = score(S, truth, protocol="undirected")
                row[f"AUPRC {key}"] = result["auprc"]
                row["chance"] = result["chance"]
            rows.append(row)
            print(f"{name} {method:12s} {row}", file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    print(f"noise={args.noise} replicate={args.replicate} seed={args.seed} torch threads={args.threads} "
          f"RegDiffusion steps={regdiffusion.DEFAULT_STEPS}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    t = table.pivot_table(index="dataset", columns="method", values="seconds")
    for other in ("GRNUlar", "GRNBoost2"):
        if {"RegDiffusion", other} <= set(t.columns):
            print(f"\ntime ratio seconds(RegDiffusion) / seconds({other}):")
            print((t["RegDiffusion"] / t[other]).round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
