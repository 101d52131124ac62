"""Does it generalise? Every method on held-out conditions; per cell the best peer and our margin over it.

The grid (see :mod:`grnular_lib.generalisation`): test-split graphs of the ``general`` distribution at 100 / 400 /
1,200 genes × clean / dropout-50 / the full DS chain × random and hierarchical graphs (5, 5 and 2 graphs per cell;
TF ratio 0.1, 5 cell types, 1,000 cells, the other parameters drawn), the regenerated SERGIO DS1–DS3 (clean and
DS chain) and every BEELINE dataset with expression in the mirror against its STRING and non-specific ChIP-seq
networks (TF → gene protocol); with ``--draws N`` also N held-out draws per condition of
``grnular_lib.generalisation.DRAW_CONDITIONS`` (every parameter drawn as in training except the condition: 30
genes, 150 or 5,000 cells, one cell type, every gene a candidate regulator, or nothing fixed). Methods: every
method of the registry except GENIE3 (≈ 70× GRNBoost2's time; add it with ``--methods``), each unrolled model with
its default checkpoint, plus any ``--checkpoint METHOD=CKPT``. The expensive peers (GRNBoost2, GLASSO,
RegDiffusion) run on ``--expensive-graphs`` graphs per cell above 400 genes; their scores are cached
(``grnular_lib.cache``), so a rerun only computes what changed. On 2 busy CPU cores GRNBoost2 took 30 s–7 min per 100–400-gene graph and 5 min on a
BEELINE TFs+500 set, so the full grid takes hours; ``--workers`` runs every method × dataset as a task on local Dask
workers (same scores).

Writes to ``--out`` (default ``benchmarks/results/generalisation``): ``runs.csv`` (one row per run × dataset),
``cells.csv`` and ``cells.md`` (per cell: chance, best peer, best of ours, margins, the issue's bar),
``methods.csv`` (mean AUPRC of every run per cell), ``margins.png`` and ``margins_default.png`` (heat maps of the
margins of the best of our runs and of the default model).

    OMP_NUM_THREADS=1 nice python benchmarks/generalisation.py --quick
    python benchmarks/generalisation.py --sizes 100 --noises clean --families hierarchical --no-real
    python benchmarks/generalisation.py --checkpoint grnular-jac=path/to/general.pt --skip regdiffusion
    python benchmarks/generalisation.py --shipped --no-real --sizes 100 400   # every shipped checkpoint too
    python benchmarks/generalisation.py --no-sim --no-real --draws 10 --methods grnular-rank pearson precision ridge \
        rank-average   # the held-out draws against the floors
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

QUICK_SKIP = ("genie3", "glasso", "regdiffusion")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from grnular_lib.generalisation import GRID_NOISES, GRID_SIZES
    from grnular_lib.methods import method_names

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="2 graphs per cell up to 100 genes and 1 above, BEELINE TFs+500 only, no GLASSO, GENIE3 or "
                        "RegDiffusion")
    p.add_argument("--sizes", nargs="+", type=int, default=list(GRID_SIZES), help="genes of the simulated cells")
    p.add_argument("--noises", nargs="+", default=list(GRID_NOISES), choices=list(GRID_NOISES))
    p.add_argument("--families", nargs="+", default=["random", "hierarchical"], choices=["random", "hierarchical"])
    p.add_argument("--graphs", type=int, help="graphs per simulated cell at every size (default 5/5/2)")
    p.add_argument("--cells", type=int, default=None,
                   help="cells of every simulated graph (default 1,000; e.g. 5000 for a droplet experiment's size)")
    p.add_argument("--no-sim", action="store_true", help="leave out the simulated grid")
    p.add_argument("--draws", type=int, default=0,
                   help="also score N held-out draws per condition of the general distribution (fewer genes, fewer "
                        "or more cells, one cell type, and fully random draws; default 0: none)")
    p.add_argument("--ds", nargs="*", default=["DS1", "DS2", "DS3"], choices=["DS1", "DS2", "DS3"],
                   help="SERGIO datasets (none: leave them out)")
    p.add_argument("--ds-replicates", type=int, default=None,
                   help="replicates 0 … N-1 of each SERGIO dataset (default 5; the published sets have 15)")
    p.add_argument("--sergio-reference", action="store_true",
                   help="also score the DS1 replicate made by the original SERGIO code (clean and its noisy counts)")
    p.add_argument("--beeline", nargs="*", default=None,
                   help="BEELINE datasets, e.g. mDC or mDC/TFs+500 (default: every one in the mirror; none: leave "
                        "them out)")
    p.add_argument("--no-real", action="store_true", help="leave out SERGIO DS and BEELINE")
    p.add_argument("--methods", nargs="+", default=[m for m in method_names() if m != "genie3"],
                   choices=list(method_names()), help="methods (default: every registered method but GENIE3)")
    p.add_argument("--skip", nargs="*", default=[], help="methods to leave out")
    p.add_argument("--checkpoint", action="append", default=[], metavar="METHOD=CKPT",
                   help="also run an unrolled model with this checkpoint (repeatable)")
    p.add_argument("--shipped", action="store_true",
                   help="also run every checkpoint shipped with the package for each selected unrolled model")
    p.add_argument("--expensive-graphs", type=int, default=1,
                   help="graphs per cell for GRNBoost2, GLASSO, RegDiffusion above 400 genes")
    p.add_argument("--seed", type=int, default=0, help="seed of every method")
    p.add_argument("--workers", type=int, default=0,
                   help="local Dask workers (one thread each), every method × dataset a task; 0: serial (same scores)")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "generalisation")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")
    from grnular_lib import generalisation as gen
    from grnular_lib.errors import GRNularError, InputError
    from grnular_lib.seeds import check_seed

    try:
        runs = [gen.Run(m) for m in args.methods if m not in args.skip and not (args.quick and m in QUICK_SKIP)]
        runs += gen.parse_checkpoints(args.checkpoint)
        if args.shipped:
            runs += gen.shipped_runs(r.method for r in runs if r.checkpoint is None)
        cells = []
        if not args.no_sim:
            graphs = args.graphs if args.graphs is not None else (
                {size: 2 if size <= 100 else 1 for size in args.sizes} if args.quick else None)
            if args.cells is not None and args.cells < 3:
                raise InputError(f"--cells {args.cells}: give at least 3 cells")
            fixed = {**gen.GRID_FIXED, **({} if args.cells is None else {"n_cells": args.cells})}
            cells += gen.simulated_cells(sizes=args.sizes, noises=args.noises, families=args.families, graphs=graphs,
                                         fixed=fixed)
        if args.draws:
            cells += gen.draw_cells(draws=args.draws)
        if not args.no_real:
            if args.ds:
                from grnular_lib.data.sergio_ds import N_REPLICATES

                n_rep = gen.DS_REPLICATES if args.ds_replicates is None else args.ds_replicates
                if not 1 <= n_rep <= N_REPLICATES:
                    raise InputError(f"--ds-replicates {n_rep}: give 1 to {N_REPLICATES} (the published sets have "
                                     f"{N_REPLICATES})")
                cells += gen.sergio_cells(names=args.ds, replicates=range(n_rep))
            if args.sergio_reference:
                cells += gen.sergio_reference_cells()
            if args.beeline is None or args.beeline:
                wanted = args.beeline or None
                bee = gen.beeline_cells(datasets=wanted)
                cells += [c for c in bee if not args.quick or "TFs+500" in c.name]
        check_seed(args.seed, option="--seed")
        if args.out.exists() and not args.out.is_dir():
            raise InputError(f"--out {args.out} is a file; give a folder for the results")
        if args.workers < 0:
            raise InputError(f"--workers {args.workers}: give 0 (serial) or a positive number of workers")
        cluster = client = None
        if args.workers:
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
        try:
            results = gen.run_grid(cells, runs, expensive_graphs=args.expensive_graphs, seed=args.seed,
                                   client=client)
        finally:
            if cluster is not None:
                client.close()
                cluster.close()
    except GRNularError as exc:  # bad arguments, or data missing from the mirror
        print(f"grnular: error: {exc}", file=sys.stderr)
        return 2
    summary = gen.summarise_cells(results)
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "runs.csv", index=False)
    summary.to_csv(args.out / "cells.csv", index=False)
    gen.method_table(results).round(4).to_csv(args.out / "methods.csv")
    default = gen.Run(gen.default_method()).label
    (args.out / "cells.md").write_text(
        f"Default model: {default}. AUPRC (undirected for simulated and DS data, TF → gene for BEELINE); means "
        "and margins are over the datasets every run of the cell scored (compared/graphs).\n\n"
        + gen.markdown_summary(summary))
    for which, name in (("margin", "margins.png"), ("default_margin", "margins_default.png")):
        gen.margin_heatmap(summary, which=which).savefig(args.out / name, dpi=120, bbox_inches="tight")
    print(gen.markdown_summary(summary))
    print(f"wrote {', '.join(sorted(os.listdir(args.out)))} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
