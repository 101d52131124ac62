"""``grnular simulate``: simulate a random or SERGIO-file GRN and write BEELINE-style files into a directory."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

RANDOM_OPTIONS = {"genes": "--genes", "tf_ratio": "--tf-ratio", "sparsity": "--sparsity", "cell_types": "--cell-types"}
RANDOM_DEFAULTS = {"genes": 100, "tf_ratio": 0.1, "sparsity": 0.1, "cell_types": 5}


def register(subparsers) -> None:
    """Add the ``simulate`` sub-command to ``subparsers``."""
    p = subparsers.add_parser(
        "simulate", help="simulate scRNA-seq data from a GRN with the SERGIO model (random GRN or SERGIO's files)",
        description="Simulate steady-state single-cell expression with the SERGIO model. Writes ExpressionData.csv.gz "
                    "(genes x cells), network.csv, tfs.txt and params.json into DIR.")
    g = p.add_argument_group("random GRN (paper §3.2; the default)")
    g.add_argument("--genes", type=int, help=f"number of genes (default {RANDOM_DEFAULTS['genes']})")
    g.add_argument("--tf-ratio", type=float, help=f"fraction of TFs (default {RANDOM_DEFAULTS['tf_ratio']})")
    g.add_argument("--sparsity", type=float, help=f"TF x gene edge probability (default {RANDOM_DEFAULTS['sparsity']})")
    g.add_argument("--cell-types", type=int, help=f"number of cell types (default {RANDOM_DEFAULTS['cell_types']})")
    g = p.add_argument_group("SERGIO's GRN files (instead of a random GRN)")
    g.add_argument("--sergio-interactions", metavar="FILE", help="Interaction_cID_*.txt")
    g.add_argument("--sergio-regulators", metavar="FILE", help="Regs_cID_*.txt (cell types = its rate columns)")
    g = p.add_argument_group("SERGIO engine")
    g.add_argument("--cells-per-type", type=int, required=True, metavar="C")
    g.add_argument("--noise-params", type=float, default=0.1, metavar="q", help="intrinsic noise q (default 0.1)")
    g.add_argument("--decay", type=float, default=1.0, help="decay rate (default 1)")
    g.add_argument("--sampling-state", type=int, default=15, metavar="S", help="default 15")
    g.add_argument("--noise-type", choices=["sp", "spd", "dpd"], default="dpd")
    g = p.add_argument_group("technical noise (applied in this order: outliers, library size, dropout, counts)")
    g.add_argument("--outliers", type=float, metavar="PROB", help="outlier-gene probability (DS data: 0.01)")
    g.add_argument("--library-size", type=float, nargs=2, metavar=("MEAN", "SCALE"), help="DS data: 4.6 0.4")
    g.add_argument("--dropout-shape", type=float, metavar="k", help="DS data 6.5, paper 20")
    g.add_argument("--dropout-percentile", type=float, metavar="p", help="DS data 82, paper 25/50/75")
    g.add_argument("--counts", action="store_true", help="Poisson UMI counts at the end")
    g = p.add_argument_group("output")
    g.add_argument("--clean-too", action="store_true", help="also write the data before technical noise")
    g.add_argument("--format", choices=["csv", "h5ad"], default="csv",
                   help="csv: ExpressionData.csv.gz, genes x cells (default); h5ad: ExpressionData.h5ad, cells x genes")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.set_defaults(func=run_simulate)


def _build_grn(args: argparse.Namespace, rng_seed):
    from .graph import random_grn
    from .sergio_io import read_sergio

    given_random = [RANDOM_OPTIONS[k] for k in RANDOM_OPTIONS if getattr(args, k) is not None]
    files = (args.sergio_interactions, args.sergio_regulators)
    if any(files):
        if not all(files):
            raise InputError("give both --sergio-interactions and --sergio-regulators (SERGIO's two GRN files)")
        if given_random:
            raise InputError(f"{', '.join(given_random)} describe a random GRN and cannot be combined with SERGIO's "
                             "files; drop them (the files fix genes and cell types)")
        return read_sergio(*files), {"source": "sergio", "interactions": str(Path(files[0]).resolve()),
                                     "regulators": str(Path(files[1]).resolve())}
    params = {k: (getattr(args, k) if getattr(args, k) is not None else v) for k, v in RANDOM_DEFAULTS.items()}
    grn = random_grn(params["genes"], tf_ratio=params["tf_ratio"], sparsity=params["sparsity"],
                     n_cell_types=params["cell_types"], seed=rng_seed)
    return grn, {"source": "random_grn", **params}


def _write_expression(x: np.ndarray, genes: list[str], cells: list[str], cell_types: np.ndarray, path: Path,
                      fmt: str) -> None:
    """Write cells × genes ``x``: BEELINE csv.gz (genes × cells) or h5ad (cells × genes)."""
    if fmt == "h5ad":
        import anndata

        obs = pd.DataFrame({"cell_type": pd.Categorical([f"type{b}" for b in cell_types])}, index=cells)
        anndata.AnnData(X=np.asarray(x, dtype=np.float32), obs=obs, var=pd.DataFrame(index=genes)).write_h5ad(path)
    else:
        counts = np.issubdtype(x.dtype, np.integer)
        pd.DataFrame(x.T, index=genes, columns=cells).to_csv(
            path, compression="gzip", float_format=None if counts else "%.6g")


def run_simulate(args: argparse.Namespace) -> int:
    """Run ``grnular simulate``; everything is written to a temporary directory first and moved into place."""
    from .. import __version__
    from . import cell_names
    from .engine import simulate_clean
    from .noise import apply_noise_chain
    from .settings import SimulationSettings

    graph_seed, engine_seed, noise_seed = np.random.SeedSequence(args.seed).spawn(3)
    grn, graph_info = _build_grn(args, graph_seed)
    if (args.dropout_shape is None) != (args.dropout_percentile is None):
        raise InputError("dropout needs both --dropout-shape and --dropout-percentile (e.g. 20 and 50)")
    settings = SimulationSettings(
        cells_per_type=args.cells_per_type, noise_q=args.noise_params, decay=args.decay,
        sampling_state=args.sampling_state, noise_type=args.noise_type, outlier_prob=args.outliers,
        library_size=tuple(args.library_size) if args.library_size else None, dropout_shape=args.dropout_shape,
        dropout_percentile=args.dropout_percentile, counts=args.counts)
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {out} exists and is not a directory; give a directory to write into")
    clean = simulate_clean(grn, cells_per_type=settings.cells_per_type, noise_q=settings.noise_q,
                           decay=settings.decay, sampling_state=settings.sampling_state,
                           noise_type=settings.noise_type, seed=engine_seed)
    noisy = apply_noise_chain(clean, settings, np.random.default_rng(noise_seed))
    B, G, C = clean.shape
    cells, types = cell_names(B, C), np.repeat(np.arange(B), C)
    ext = "h5ad" if args.format == "h5ad" else "csv.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the output directory gets the usual permissions
    try:
        _write_expression(noisy.transpose(0, 2, 1).reshape(B * C, G), grn.genes, cells, types,
                          tmp / f"ExpressionData.{ext}", args.format)
        if args.clean_too:
            _write_expression(clean.transpose(0, 2, 1).reshape(B * C, G), grn.genes, cells, types,
                              tmp / f"ExpressionData-clean.{ext}", args.format)
        grn.to_network_frame().to_csv(tmp / "network.csv", index=False)
        (tmp / "tfs.txt").write_text("".join(f"{t}\n" for t in grn.tfs))
        params = {"seed": args.seed, "grn": graph_info, "n_genes": G, "n_cell_types": B, "n_edges": len(grn.K),
                  "settings": settings.to_dict(), "dt": 0.01, "format": args.format,
                  "grnular_lib_version": __version__, "seeding": "SeedSequence(seed).spawn(3): graph, engine, noise"}
        (tmp / "params.json").write_text(json.dumps(params, indent=2) + "\n")
        if not out.exists():
            os.replace(tmp, out)
        else:
            for f in sorted(tmp.iterdir()):
                os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {B * C} cells x {G} genes ({len(grn.K)} edges) to {out}", file=sys.stderr)
    return 0
