"""``grnular simulate``: simulate a random or SERGIO-file GRN and write BEELINE-style files into a directory."""
from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

RANDOM_OPTIONS = {"genes": "--genes", "tf_ratio": "--tf-ratio", "sparsity": "--sparsity", "cell_types": "--cell-types"}
RANDOM_DEFAULTS = {"genes": 100, "tf_ratio": 0.1, "sparsity": 0.1, "cell_types": 5}

#: gzip level of ExpressionData.csv.gz: on DS2 data 6% larger than level 9 (pandas' default), 5x faster to write.
GZIP_LEVEL = 4


def register(subparsers) -> None:
    """Add the ``simulate`` sub-command to ``subparsers``."""
    p = subparsers.add_parser(
        "simulate", help="simulate scRNA-seq data from a GRN with the SERGIO model (random GRN or SERGIO's files)",
        description="Simulate steady-state single-cell expression with the SERGIO model. Writes into DIR: "
                    "ExpressionData.csv.gz (genes x cells, BEELINE's layout; ExpressionData.h5ad, cells x genes, with "
                    "--format h5ad), network.csv (Gene1,Gene2,Type: the true edges, Type + or -), tfs.txt (every gene "
                    "with a target, one per line: the TF list for grnular infer --tfs) and params.json (every "
                    "setting, for a rerun). Cells are named type<k>_cell<i>. Genes are named G0, G1, ... (with "
                    "SERGIO's files, G<id> for SERGIO's gene id).")
    g = p.add_argument_group("random GRN (paper §3.2; the default)")
    g.add_argument("--genes", type=int, help=f"number of genes (default {RANDOM_DEFAULTS['genes']})")
    g.add_argument("--tf-ratio", type=float, help=f"fraction of TFs (default {RANDOM_DEFAULTS['tf_ratio']})")
    g.add_argument("--sparsity", type=float,
                   help=f"TF x gene edge probability (default {RANDOM_DEFAULTS['sparsity']}); then every TF without a "
                   "target and every other gene without a regulator gets one, so 0 still gives edges")
    g.add_argument("--cell-types", type=int, help=f"number of cell types (default {RANDOM_DEFAULTS['cell_types']})")
    g = p.add_argument_group("SERGIO's GRN files (instead of a random GRN)")
    g.add_argument("--sergio-interactions", metavar="FILE", help="Interaction_cID_*.txt")
    g.add_argument("--sergio-regulators", metavar="FILE", help="Regs_cID_*.txt (cell types = its rate columns)")
    g = p.add_argument_group("SERGIO engine")
    g.add_argument("--cells-per-type", type=int, required=True, metavar="C",
                   help="cells sampled per cell type (DS data: 300)")
    g.add_argument("--noise-params", type=float, default=0.1, metavar="q",
                   help="amplitude q of the intrinsic (biological) noise (default 0.1, the paper's; DS data: 1)")
    g.add_argument("--decay", type=float, default=1.0,
                   help="decay rate λ of every gene (default 1, the paper's; DS data: 0.8)")
    g.add_argument("--sampling-state", type=int, default=15, metavar="S",
                   help="cells are drawn from the last S × C steps of each steady-state run (default 15, as SERGIO)")
    g.add_argument("--noise-type", choices=["sp", "spd", "dpd"], default="dpd",
                   help="SERGIO's noise type: sp (production only), spd (production and decay, one term), dpd "
                        "(production and decay, two terms; default, as in DS data)")
    g = p.add_argument_group("technical noise (applied in this order: outliers, library size, dropout, counts)")
    g.add_argument("--outliers", type=float, metavar="PROB", help="outlier-gene probability (DS data: 0.01)")
    g.add_argument("--library-size", type=float, nargs=2, metavar=("MEAN", "SCALE"),
                   help="rescale each cell to a library size drawn log-normal: MEAN and SCALE of its logarithm "
                        "(DS data: 4.6 0.4, about 100 per cell)")
    g.add_argument("--dropout-shape", type=float, metavar="k", help="DS data 6.5, paper 20")
    g.add_argument("--dropout-percentile", type=float, metavar="p", help="DS data 82, paper 25/50/75")
    g.add_argument("--counts", action="store_true", help="Poisson UMI counts at the end")
    g = p.add_argument_group("output")
    g.add_argument("--clean-too", action="store_true", help="also write the data before technical noise")
    g.add_argument("--format", choices=["csv", "h5ad"], default="csv",
                   help="csv: ExpressionData.csv.gz, genes x cells (default); h5ad: ExpressionData.h5ad, cells x genes")
    g.add_argument("--seed", type=int, required=True,
                   help="random seed, 0 to 2**32 - 1: the same seed and options give the same files")
    g.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="output directory: new or empty, or one written by an earlier run with --overwrite")
    g.add_argument("--overwrite", action="store_true",
                   help="replace the files of an earlier run in DIR, all together (other files are never touched)")
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


def _write_expression(x: np.ndarray, genes: list[str], cells: list[str], cell_types: np.ndarray, tfs: list[str],
                      path: Path, fmt: str) -> None:
    """Write cells × genes ``x``: BEELINE csv.gz (genes × cells) or h5ad (cells × genes, ``obs['cell_type']`` and
    ``var['is_tf']``, the genes of tfs.txt)."""
    if fmt == "h5ad":
        import anndata

        obs = pd.DataFrame({"cell_type": pd.Categorical([f"type{b}" for b in cell_types])}, index=cells)
        var = pd.DataFrame({"is_tf": np.isin(genes, tfs)}, index=genes)
        anndata.AnnData(X=np.asarray(x, dtype=np.float32), obs=obs, var=var).write_h5ad(path)
    else:
        _write_csv_gz(x.T, genes, cells, path)


def _csv_field(text: str) -> str:
    """``text`` as one CSV field, quoted only when it must be (as the csv module and pandas do)."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv_gz(table: np.ndarray, rows: list[str], columns: list[str], path: Path) -> None:
    """Write ``table`` as a gzipped CSV with row names in the first column and an empty corner cell (pandas' layout).

    Integers are written as they are, floats with 6 significant digits (``%.6g``). Each row is formatted with one
    format string, about 3x faster than ``DataFrame.to_csv``, which formats value by value; ``mtime=0`` in the gzip
    header makes the same seed give the same bytes.
    """
    fmt = "%d" if np.issubdtype(table.dtype, np.integer) else "%.6g"
    row_format = ",".join([fmt] * table.shape[1]) + "\n"
    with gzip.GzipFile(path, "wb", compresslevel=GZIP_LEVEL, mtime=0) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
        fh.write("," + ",".join(_csv_field(str(c)) for c in columns) + "\n")
        for name, values in zip(rows, table):
            fh.write(_csv_field(str(name)) + "," + row_format % tuple(values.tolist()))


#: Names of the files a run writes (``{ext}`` is ``csv.gz`` or ``h5ad``); ``--overwrite`` replaces folders holding
#: only these.
OUTPUT_FILES = ("ExpressionData.{ext}", "ExpressionData-clean.{ext}", "network.csv", "tfs.txt", "params.json")


def _is_output_file(name: str) -> bool:
    return any(name == pattern.format(ext=ext) for pattern in OUTPUT_FILES for ext in ("csv.gz", "h5ad"))


def _earlier_run(out: Path) -> bool:
    """Whether ``out`` holds a ``params.json`` written by ``grnular simulate`` (the mark of an earlier run)."""
    try:
        params = json.loads((out / "params.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(params, dict) and "grnular_lib_version" in params and "seeding" in params


def _check_output_dir(out: Path, overwrite: bool) -> Path:
    """The output folder (a link resolved), refused when it holds files and ``--overwrite`` was not given, when it
    holds files that no run of ``grnular simulate`` writes, or when its files were not written by such a run (no
    ``params.json`` of it)."""
    out = out.resolve() if out.is_symlink() else Path(os.path.abspath(out))
    if not out.is_dir():
        return out
    present = sorted(p.name for p in out.iterdir())
    foreign = [name for name in present if not _is_output_file(name)]
    if foreign:
        raise InputError(f"-o {out} already holds files that grnular simulate did not write (e.g. {foreign[:3]}); "
                         "give a new or empty directory")
    if present and not _earlier_run(out):
        raise InputError(f"-o {out} holds files named like grnular simulate's ({', '.join(present)}) but no "
                         "params.json written by it, so they may be your data; give a new or empty directory")
    if present and not overwrite:
        raise InputError(f"-o {out} already holds the output of an earlier run ({', '.join(present)}); pass "
                         "--overwrite to replace it, or give a new or empty directory")
    return out


def _move_into(new: Path, out: Path) -> None:
    """Put the files of the folder ``new`` at ``out``: by renaming ``new`` when ``out`` does not exist; otherwise
    (an empty folder or an earlier run's) file by file, the earlier run's other output files removed, with Ctrl-C and
    SIGTERM ignored meanwhile (the run is complete by then) so that ``out`` never holds a mix of both runs. ``out``
    itself stays (its permissions, and the shell's current folder when it is ``out``)."""
    if not out.exists():
        os.replace(new, out)
        return
    from ..outputs import signals_held

    with signals_held():  # the run is complete: Ctrl-C and SIGTERM wait until the files have moved
        written = {p.name for p in new.iterdir()}
        for name in sorted(written):
            os.replace(new / name, out / name)
        for p in out.iterdir():
            if p.name not in written and _is_output_file(p.name):
                p.unlink()


def _check_finite_options(args: argparse.Namespace) -> None:
    """Refuse an infinite or NaN number among the options (the range checks are the engine's and the noise's)."""
    for name in ("tf_ratio", "sparsity", "noise_params", "decay", "outliers", "dropout_shape", "dropout_percentile",
                 "library_size"):
        values = getattr(args, name)
        for value in (values if isinstance(values, list) else [values]):
            if value is not None and not math.isfinite(value):
                raise InputError(f"--{name.replace('_', '-')} {value}: give a finite number")


def _check_finite(clean: np.ndarray, noisy: np.ndarray, genes: list[str], args: argparse.Namespace) -> None:
    """Refuse to write an overflowing simulation (NaN or infinite values, e.g. from huge production rates)."""
    engine_fix = ("the production rates are too large for float32 — lower the interaction strengths K, the Hill "
                  f"coefficients or the basal rates (SERGIO files) or --noise-params {args.noise_params:g}, or raise "
                  f"--decay {args.decay:g}")
    noise_fix = ("the technical noise scaled them beyond float32 — --library-size takes the mean and scale of the "
                 "log library size (DS data: 4.6 0.4); lower them")
    for name, x, fix in (("", clean, engine_fix), (" after technical noise", noisy, noise_fix)):
        if not np.all(np.isfinite(x)):
            bad = np.argwhere(~np.isfinite(x))[0]
            raise InputError(f"the simulation overflowed{name}: {int((~np.isfinite(x)).sum())} NaN or infinite values "
                             f"(first: cell type {bad[0]}, gene {genes[bad[1]]}); {fix}")


#: the library's parameter names, as its messages spell them, and the options of this command that set them
_OPTION_OF = {"n_genes": "--genes", "tf_ratio": "--tf-ratio", "sparsity": "--sparsity", "n_cell_types": "--cell-types",
              "cells_per_type": "--cells-per-type", "sampling_state": "--sampling-state", "decay": "--decay",
              "noise_q": "--noise-params", "outlier_prob": "--outliers", "library_size": "--library-size",
              "dropout_shape": "--dropout-shape", "dropout_percentile": "--dropout-percentile"}


def _in_option_terms(exc: InputError) -> InputError:
    """The library's message with its parameter names (``n_genes=1``) replaced by this command's options."""
    def option(match: re.Match) -> str:
        name = match.group(1)
        return f"{_OPTION_OF[name]} " if name in _OPTION_OF else match.group(0)

    return InputError(re.sub(r"\b([a-z_]+)=", option, str(exc)))


def run_simulate(args: argparse.Namespace) -> int:
    """Run ``grnular simulate``; everything is written to a temporary directory first and moved into place."""
    from .. import __version__
    from . import cell_names
    from .engine import simulate_clean
    from .noise import apply_noise_chain
    from .settings import SimulationSettings

    from ..outputs import check_output
    from ..seeds import check_seed

    # first, as an empty -o would name the current folder below
    check_output(args.output, option="-o", directory=True, inputs=(args.sergio_interactions, args.sergio_regulators))
    out = _check_output_dir(Path(args.output), args.overwrite)
    _check_finite_options(args)
    graph_seed, engine_seed, noise_seed = np.random.SeedSequence(check_seed(args.seed, option="--seed")).spawn(3)
    try:
        grn, graph_info = _build_grn(args, graph_seed)
    except InputError as exc:
        raise _in_option_terms(exc) from None
    if (args.dropout_shape is None) != (args.dropout_percentile is None):
        raise InputError("dropout needs both --dropout-shape and --dropout-percentile (e.g. 20 and 50)")
    try:
        settings = SimulationSettings(
            cells_per_type=args.cells_per_type, noise_q=args.noise_params, decay=args.decay,
            sampling_state=args.sampling_state, noise_type=args.noise_type, outlier_prob=args.outliers,
            library_size=tuple(args.library_size) if args.library_size else None, dropout_shape=args.dropout_shape,
            dropout_percentile=args.dropout_percentile, counts=args.counts)
    except InputError as exc:
        raise _in_option_terms(exc) from None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an overflow is reported below, once
        try:
            clean = simulate_clean(grn, cells_per_type=settings.cells_per_type, noise_q=settings.noise_q,
                                   decay=settings.decay, sampling_state=settings.sampling_state,
                                   noise_type=settings.noise_type, seed=engine_seed)
        except InputError as exc:
            raise _in_option_terms(exc) from None
        noisy = apply_noise_chain(clean, settings, np.random.default_rng(noise_seed))
    _check_finite(clean, noisy, grn.genes, args)
    if not clean.any():
        warnings.warn("every simulated value is 0: the master regulators' basal rates are all 0 in every cell type; "
                      "give them positive rates (Regs_cID file)", stacklevel=2)
    elif not noisy.any():
        warnings.warn("every value is 0 after technical noise: --library-size takes the mean and scale of the log "
                      "library size (DS data: 4.6 0.4, about 100 counts per cell), so a small mean leaves no counts",
                      stacklevel=2)
    B, G, C = clean.shape
    cells, types = cell_names(B, C), np.repeat(np.arange(B), C)
    ext = "h5ad" if args.format == "h5ad" else "csv.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    # a new folder is written beside it and renamed; an existing one is written into (see _move_into)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out if out.is_dir() else out.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the output directory gets the usual permissions
    try:
        _write_expression(noisy.transpose(0, 2, 1).reshape(B * C, G), grn.genes, cells, types, grn.tfs,
                          tmp / f"ExpressionData.{ext}", args.format)
        if args.clean_too:
            _write_expression(clean.transpose(0, 2, 1).reshape(B * C, G), grn.genes, cells, types, grn.tfs,
                              tmp / f"ExpressionData-clean.{ext}", args.format)
        grn.to_network_frame().to_csv(tmp / "network.csv", index=False)
        (tmp / "tfs.txt").write_text("".join(f"{t}\n" for t in grn.tfs))
        params = {"seed": args.seed, "grn": graph_info, "n_genes": G, "n_cell_types": B, "n_edges": len(grn.K),
                  "settings": settings.to_dict(), "dt": 0.01, "format": args.format,
                  "grnular_lib_version": __version__, "seeding": "SeedSequence(seed).spawn(3): graph, engine, noise"}
        (tmp / "params.json").write_text(json.dumps(params, indent=2) + "\n")
        _move_into(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"wrote {B * C} cells x {G} genes ({len(grn.K)} edges) to {out}", file=sys.stderr)
    return 0
