"""Speed, memory and fidelity of the vectorised SERGIO engine (``grnular_lib.simulate``).

Run: ``.venv/bin/python benchmarks/simulate.py [--quick]``. Prints, for SERGIO's DS1–DS3 settings (9 cell types ×
300 cells, q=1, decay 0.8, S=15, 'dpd'): seconds, peak traced memory, the speed-up over the reference SERGIO v1
code's CPU time on this machine kind (46.5 s, ~220 s, ~860 s; target ≥ 50×), fidelity of DS1 against the reference
replicate and of DS2/DS3 against the steady-state means P_ss/λ; then a corpus of 90 random 100-gene graphs × 1000
cells (target < 30 s), batched against one graph at a time measured here.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
import numpy as np

from grnular_lib.data import resolve_file, sergio_grn
from grnular_lib.data.sergio_ds import SERGIO_REFERENCE
from grnular_lib.simulate import (SimulationSettings, make_corpus, random_grn, simulate_clean, simulate_dataset,
                                  steady_state_means)

REFERENCE_CPU_S = {"DS1": 46.5, "DS2": 220.0, "DS3": 860.0}
DS = dict(cells_per_type=300, noise_q=1.0, decay=0.8, sampling_state=15, noise_type="dpd")


def median_rel(a: np.ndarray, ref: np.ndarray) -> float:
    return float(np.median(np.abs(a - ref) / np.maximum(ref, 1e-3)))


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - t


def peak_mib(fn, *args, **kwargs) -> float:
    tracemalloc.start()
    fn(*args, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2 ** 20


def bench_ds(name: str) -> None:
    grn = sergio_grn(name)
    x, seconds = timed(simulate_clean, grn, seed=0, **DS)
    mem = peak_mib(simulate_clean, grn, seed=0, **DS)
    ratio = REFERENCE_CPU_S[name] / seconds
    print(f"{name}: {grn.n_genes} genes, {len(grn.K)} edges, {int(grn.levels().max()) + 1} levels: {seconds:.2f} s "
          f"(reference {REFERENCE_CPU_S[name]:.0f} s -> {ratio:.0f}x, target >= 50x: "
          f"{'met' if ratio >= 50 else 'MISSED'}), peak traced memory {mem:.0f} MiB")
    means = x.mean(axis=2)
    plug_in = median_rel(means, steady_state_means(grn, decay=0.8, regulator_means=means))
    recursive = median_rel(means, steady_state_means(grn, decay=0.8))
    print(f"  per-(gene, type) means vs P_ss/lambda at the simulated regulator means: median rel. diff {plug_in:.3f};"
          f" vs the fully analytic recursion: {recursive:.3f}")
    if name == "DS1":
        ref = np.load(resolve_file(SERGIO_REFERENCE, dataset="SERGIO DS1 reference"))
        rc, rn = ref["clean"], ref["noisy_counts"]
        rm = rc.mean(axis=2)
        print(f"  reference replicate, same comparisons (calibration): "
              f"{median_rel(rm, steady_state_means(grn, decay=0.8, regulator_means=rm)):.3f} / "
              f"{median_rel(rm, steady_state_means(grn, decay=0.8)):.3f}")
        other = simulate_clean(grn, seed=1, **DS).mean(axis=2)
        long = simulate_clean(grn, seed=2, **{**DS, "cells_per_type": 3000}).mean(axis=2)
        print(f"  vs reference: clean mean {x.mean():.3f} vs {rc.mean():.3f} ({x.mean() / rc.mean() - 1:+.1%}); "
              f"per-gene means median rel. diff {median_rel(means.mean(0), rm.mean(0)):.3f}; per-(gene, type) "
              f"{median_rel(means, rm):.3f} (two replicates of this engine differ by {median_rel(means, other):.3f}; "
              f"a 3000-cell run vs the reference: {median_rel(long, rm):.3f})")
        _, noisy = simulate_dataset(grn, SimulationSettings.ds(), seed=0)
        zf = float((noisy.expression == 0).mean())
        print(f"  DS noise chain: zero fraction {zf:.3f} vs reference {float((rn == 0).mean()):.3f}; median library "
              f"size {np.median(noisy.expression.sum(1)):.0f} vs {np.median(rn.sum(axis=1)):.0f}")
    else:
        _, noisy = simulate_dataset(grn, SimulationSettings.ds(), seed=0)
        print(f"  DS noise chain: zero fraction {float((noisy.expression == 0).mean()):.3f} "
              f"(reference code: {'0.897' if name == 'DS2' else '0.957'})")


def bench_corpus(n_graphs: int) -> None:
    settings = SimulationSettings.paper_clean(cells_per_type=200)
    params = dict(n_genes=100, n_cell_types=5)
    _, batched = timed(make_corpus, n_graphs, graph_params=params, settings=settings, seed=0, progress=False)
    n_single = max(1, n_graphs // 10)
    grns = [random_grn(**params, seed=s) for s in range(n_single)]
    _, single = timed(lambda: [simulate_clean(g, cells_per_type=200, seed=i) for i, g in enumerate(grns)])
    per_graph = single / n_single
    print(f"corpus: {n_graphs} graphs x 100 genes x 1000 cells (5 types x 200): {batched:.1f} s (target < 30 s: "
          f"{'met' if batched < 30 else 'MISSED'}); one graph at a time: {per_graph:.3f} s/graph -> batching "
          f"{per_graph * n_graphs / batched:.1f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="DS1 and a 20-graph corpus only")
    args = parser.parse_args()
    for name in (["DS1"] if args.quick else ["DS1", "DS2", "DS3"]):
        bench_ds(name)
    bench_corpus(20 if args.quick else 90)


if __name__ == "__main__":
    main()
