"""Inference time and peak memory of the unrolled models at D = 100, 400, 1200 genes × 2700 cells (issues 3 and 8).

Targets on a 2-core CPU: GRNUlar at D = 1200 in ≤ 30 s, GLAD ≤ 10 s (paper, P100 GPU: 1.33 s and 0.79 s); the default
model (``grnular-rank``, with the checkpoint ``grnular infer`` runs on that many cells) ≤ 10 s and at least 10×
faster than GRNBoost2 on the same cores (``--grnboost2`` adds GRNBoost2, one run per size: minutes at 1,200 genes).
Every measurement runs in a fresh Python process (so that peak memory is that of one model alone): seconds of one
:func:`grnular_lib.models.predict` call (checkpoint loading included) and the peak resident memory above what the
process held before the call. Ridge-TF, the cheapest useful baseline, is measured the same way and every time is
also printed as a ratio to it. The data are random log-normal counts with 10 % of the genes as TFs: run time does not
depend on the values.

Run::

    python benchmarks/infer.py [--genes 100 400 1200] [--models grnular glad ...]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

MODELS = ("grnular-rank", "grnular", "grnular-jac", "grnular-base", "glad", "glad-tf")
TARGETS = {("grnular", 1200): 30.0, ("glad", 1200): 10.0, ("grnular-rank", 1200): 10.0}
#: the default model, and how much faster than GRNBoost2 it must be
DEFAULT, GRNBOOST2_RATIO = "grnular-rank", 10.0


def measure(method: str, n_genes: int, n_cells: int, threads: int) -> dict:
    """Time and peak memory of one call, in this process."""
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    X = rng.lognormal(0.0, 1.0, size=(n_cells, n_genes)).astype(np.float32)
    tf = np.sort(rng.choice(n_genes, max(1, n_genes // 10), replace=False))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    if method in ("ridge", "grnboost2"):
        from grnular_lib.baselines import baseline_scores

        baseline_scores(X, tf, method=method, cache=False)
    else:
        from grnular_lib.checkpoints import checkpoint_for_cells
        from grnular_lib.models import predict

        predict(X, None if method == "glad" else tf, method=method, device="cpu",
                checkpoint=checkpoint_for_cells(method, n_cells))  # what grnular infer runs on that many cells
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"method": method, "genes": n_genes, "cells": n_cells, "seconds": seconds,
            "peak_mib": max(peak - before, 0) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--genes", type=int, nargs="+", default=[100, 400, 1200])
    parser.add_argument("--cells", type=int, default=2700)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--grnboost2", action="store_true", help="also time GRNBoost2 (one run per size) and report "
                        f"its ratio to {DEFAULT}")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed per measurement")
    parser.add_argument("--one", nargs=2, metavar=("METHOD", "GENES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]), args.cells, args.threads)))
        return
    print(f"{'method':<14}{'genes':>6}{'cells':>7}{'seconds':>10}{'× ridge':>9}{'peak MiB':>10}  target")
    for D in args.genes:
        ref = None
        seconds = {}
        for method in ("ridge", *args.models, *(["grnboost2"] if args.grnboost2 else [])):
            try:
                out = subprocess.run([sys.executable, __file__, "--one", method, str(D), "--cells", str(args.cells),
                                      "--threads", str(args.threads)], capture_output=True, text=True,
                                     timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"{method:<14}{D:>6} stopped after {args.timeout:g} s")
                continue
            if out.returncode != 0:
                print(f"{method:<14}{D:>6} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ref = r["seconds"] if method == "ridge" else ref
            seconds[method] = r["seconds"]
            target = TARGETS.get((method, D))
            verdict = "" if target is None else f"≤ {target:g} s: {'met' if r['seconds'] <= target else 'MISSED'}"
            print(f"{method:<14}{D:>6}{args.cells:>7}{r['seconds']:>10.2f}{r['seconds'] / ref:>9.1f}"
                  f"{r['peak_mib']:>10.0f}  {verdict}", flush=True)
        if "grnboost2" in seconds and DEFAULT in seconds:
            ratio = seconds["grnboost2"] / seconds[DEFAULT]
            print(f"GRNBoost2 / {DEFAULT} at {D} genes: {ratio:.1f}× (target ≥ {GRNBOOST2_RATIO:g}×: "
                  f"{'met' if ratio >= GRNBOOST2_RATIO else 'MISSED'})", flush=True)


if __name__ == "__main__":
    main()
