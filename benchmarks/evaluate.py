"""Memory and time of scoring an edge list (``grnular evaluate``) as the number of genes grows.

Target: scoring from the edges (:func:`grnular_lib.metrics.score_edges`, what ``grnular evaluate`` and
:func:`grnular_lib.evaluate.score_edge_list` run) needs at least 10× less peak memory than scoring the dense genes ×
genes matrices (:func:`grnular_lib.metrics.score`, the baseline, run in the same script on the same edges) from
5,000 genes on, and gives the same numbers. Each measurement runs in a fresh Python process, so that its peak
resident memory is its own: the peak above what the process held once the edges were made.

The edge list is random: ``--edges`` pairs from 10 % of the genes (the TFs) to any gene, and a truth network of 5,000
edges among a tenth of the genes; memory and time do not depend on the values.

Run::

    python benchmarks/evaluate.py [--genes 2000 5000 10000] [--edges 400000] [--protocol beeline]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

#: Memory ratio the edge-based scoring must reach (dense ÷ edges) from this many genes on.
TARGET_RATIO, TARGET_FROM_GENES = 10.0, 5000

_CHILD = r"""
import json, resource, sys, time
import numpy as np
from grnular_lib.metrics import score, score_edges

genes, n_edges, protocol, way = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = np.random.default_rng(0)
src, dst = rng.integers(0, genes // 10, n_edges), rng.integers(0, genes, n_edges)
values = rng.random(n_edges)
tsrc, tdst = rng.integers(0, genes // 10, 5000), rng.integers(0, genes // 10, 5000)
tfs = np.arange(genes // 10)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if way == "edges":
    result = score_edges(src, dst, values, tsrc, tdst, genes, protocol, tf_index=tfs)
else:
    S = np.zeros((genes, genes))
    S[src, dst] = values
    T = np.zeros((genes, genes), dtype=np.int8)
    T[tsrc, tdst] = 1
    result = score(S, T, protocol, tf_index=tfs)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "auprc": result["auprc"]}))
"""


def measure(genes: int, edges: int, protocol: str, way: str) -> dict:
    """One scoring in a fresh process: seconds, peak MiB above the start, AUPRC."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(genes), str(edges), protocol, way], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, nargs="+", default=[2000, 5000, 10000])
    parser.add_argument("--edges", type=int, default=400_000)
    parser.add_argument("--protocol", default="beeline", choices=["beeline", "tf", "undirected"])
    args = parser.parse_args(argv)
    failed = False
    print(f"{'genes':>7} {'edges s':>8} {'edges MiB':>10} {'dense s':>8} {'dense MiB':>10} {'memory ratio':>13}  same AUPRC")
    for genes in args.genes:
        e = measure(genes, args.edges, args.protocol, "edges")
        d = measure(genes, args.edges, args.protocol, "dense")
        ratio = d["peak_mib"] / max(e["peak_mib"], 1.0)
        same = abs(e["auprc"] - d["auprc"]) < 1e-12
        print(f"{genes:>7} {e['seconds']:>8.2f} {e['peak_mib']:>10.0f} {d['seconds']:>8.2f} {d['peak_mib']:>10.0f} "
              f"{ratio:>12.1f}×  {'yes' if same else 'NO'}")
        failed |= not same or (genes >= TARGET_FROM_GENES and ratio < TARGET_RATIO)
    print(f"target: ≥ {TARGET_RATIO:.0f}× less memory from {TARGET_FROM_GENES:,} genes, same AUPRC: "
          f"{'met' if not failed else 'NOT met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
