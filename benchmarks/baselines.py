"""GRNUlar against the baselines on regenerated SERGIO DS1–DS3 (with TFs): AUPRC, AUROC, seconds.

Prints one table per dataset and the speed ratio seconds(GRNBoost2) / seconds(GRNUlar) measured in the same run.
The paper's Table 2 (D = 1200, 28 cores for the baselines): GRNBoost2 612 s, GENIE3 1020 s, GLASSO 180 s,
GRNUlar 1.33 s on a P100 GPU. Baseline results are never read from a cache here (a fresh temporary cache folder).

    python benchmarks/baselines.py --datasets DS1 DS2 --skip genie3

GENIE3 with arboreto's defaults (1000 trees per target) takes ~4 min on DS1 and far longer on DS2/DS3 with 2 cores:
``--skip genie3`` leaves it out (say so when quoting the table).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings

import pandas as pd

METHODS = ("grnular", "grnular-jac", "glad-tf", "grnboost2", "genie3", "glasso", "pearson", "precision", "ridge")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["DS1"], choices=["DS1", "DS2", "DS3"])
    parser.add_argument("--noise", default="clean", choices=["clean", "ds", "dropout"])
    parser.add_argument("--replicate", type=int, default=0)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    parser.add_argument("--skip", nargs="*", default=[], help="methods to leave out, e.g. genie3")
    parser.add_argument("--protocol", default="undirected", choices=["undirected", "beeline", "tf"])
    parser.add_argument("--checkpoint", help="checkpoint of the unrolled model (default: the shipped one)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for the model")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    os.environ["GRNULAR_CACHE_DIR"] = tempfile.mkdtemp(prefix="grnular-bench-")  # no cached baseline results
    from grnular_lib.data import load_sergio_ds
    from grnular_lib.errors import GRNularError
    from grnular_lib.evaluate import dataset_labels, evaluate
    from grnular_lib.infer import check_method

    try:  # methods and datasets are checked before any method runs: a bad one is one line, not a traceback
        methods = list(dict.fromkeys(check_method(m) for m in args.methods if m not in args.skip))
        datasets = [load_sergio_ds(name, args.replicate, noise=args.noise) for name in args.datasets]
    except GRNularError as exc:
        print(f"grnular: error: {exc}", file=sys.stderr)
        return 2
    rows = []
    for data in datasets:
        for method in methods:
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    row = evaluate([method], [data], protocol=args.protocol,
                                   checkpoint=args.checkpoint).iloc[0].to_dict()
                row["note"] = "; ".join(sorted({str(w.message)[:80] for w in caught}))
            except Exception as exc:  # a method that cannot run here is reported, the others carry on
                row = {"method": method, "dataset": dataset_labels(data.name)["dataset"], "note": f"failed: {exc}"[:120]}
            rows.append(row)
            print(f"{data.name:18s} {method:10s} auprc={row.get('auprc', float('nan')):.3f} "
                  f"auroc={row.get('auroc', float('nan')):.3f} s={row.get('seconds', float('nan')):.2f}",
                  file=sys.stderr, flush=True)
    table = pd.DataFrame(rows)
    cols = [c for c in ("dataset", "method", "auprc", "auroc", "chance", "seconds", "n_genes", "n_tfs", "note")
            if c in table]
    print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if {"grnular", "grnboost2"} <= set(table["method"]) and "seconds" in table:
        t = table.pivot_table(index="dataset", columns="method", values="seconds")
        if {"grnular", "grnboost2"} <= set(t.columns):
            print("\nspeed ratio seconds(GRNBoost2) / seconds(GRNUlar):")
            print((t["grnboost2"] / t["grnular"]).round(2).to_string())
    if args.skip:
        print(f"\nskipped: {', '.join(args.skip)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
