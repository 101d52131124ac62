"""The ``grnular`` command: ``simulate``, ``train``, ``infer``, ``evaluate``, ``data``.

Each command is a thin layer over the library. Bad input ends with one line ``grnular: error: …`` on stderr and exit
status 2, and never leaves a partial output file. A command's module (and with it numpy, pandas or torch) is imported
only when that command runs, so ``grnular --help`` answers at once.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import GRNularError, InputError
from .methods import method_names

if TYPE_CHECKING:
    import pandas as pd

#: The sub-commands defined outside this module: name -> (module whose ``register(subparsers)`` adds it, the line
#: ``grnular --help`` shows for it, which must equal the ``help=`` that ``register`` gives; a test checks this).
COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("grnular_lib.simulate.command",
                 "simulate scRNA-seq data from a GRN with the SERGIO model (random GRN or SERGIO's files)"),
    "train": ("grnular_lib.models.command", "meta-train an unrolled model on simulated data and write a checkpoint"),
    "data": ("grnular_lib.data.command", "list, verify or fetch the public datasets (data_manifests/)"),
}


def _write_atomically(frame: pd.DataFrame, out: Path, **to_csv) -> None:
    """Write ``frame`` next to ``out`` under a temporary name, then rename: no half-written file on failure."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        frame.to_csv(tmp, **to_csv)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _cmd_infer(args: argparse.Namespace) -> int:
    from .infer import infer

    out = Path(args.output)
    if out.is_dir():
        raise InputError(f"-o {out} is a directory; give the path of the edge list to write, e.g. {out}/edges.tsv")
    edges = infer(args.expression, tfs=args.tfs, method=args.method, checkpoint=args.checkpoint, seed=args.seed,
                  cells_in_rows=args.cells_in_rows, allow_negative=args.allow_negative)
    _write_atomically(edges, out, sep="\t", index=False)
    print(f"wrote {len(edges)} edges ({args.method}) to {out}", file=sys.stderr)
    return 0


def read_truth(path: str | Path) -> pd.DataFrame:
    """Ground-truth edges ``Gene1, Gene2`` from BEELINE's ``refNetwork.csv`` layout or a header-less pair list."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(f"truth network {path} does not exist; give a CSV with columns Gene1,Gene2")
    df = pd.read_csv(path, sep=None, engine="python", dtype=str)
    if not {"Gene1", "Gene2"} <= set(df.columns):
        df = pd.read_csv(path, sep=None, engine="python", header=None, dtype=str)
        if df.shape[1] < 2:
            raise InputError(f"{path}: a truth network needs two columns, regulator and target (Gene1,Gene2)")
        df = df.rename(columns={0: "Gene1", 1: "Gene2"})
    df = df.dropna(subset=["Gene1", "Gene2"])
    return df[["Gene1", "Gene2"]].astype(str).drop_duplicates()


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from .metrics import score
    from .network import matrix_from_edges

    path = Path(args.edges)
    if not path.exists():
        raise InputError(f"edge list {path} does not exist; write one with `grnular infer … -o {path}`")
    edges = pd.read_csv(path, sep="\t", dtype={"TF": str, "target": str})
    if not {"TF", "target", "importance"} <= set(edges.columns):
        raise InputError(f"{path}: expected a tab-separated edge list with columns TF, target, importance "
                         f"(got {list(edges.columns)})")
    truth = read_truth(args.truth)
    truth = truth[truth["Gene1"] != truth["Gene2"]]
    genes = list(dict.fromkeys([*edges["TF"], *edges["target"], *truth["Gene1"], *truth["Gene2"]]))
    S = matrix_from_edges(edges, genes)
    pos = {g: i for i, g in enumerate(genes)}
    T = np.zeros_like(S)
    T[truth["Gene1"].map(pos).to_numpy(int), truth["Gene2"].map(pos).to_numpy(int)] = 1
    tf_index = np.array(sorted({pos[t] for t in edges["TF"]}), dtype=np.int64)
    result = score(S, T, args.protocol, tf_index=tf_index)
    result.update(protocol=args.protocol, n_genes=len(genes))
    print(json.dumps({k: (None if isinstance(v, float) and v != v else v) for k, v in result.items()}, indent=2))
    return 0


def _register(sub: argparse._SubParsersAction, name: str, load: Iterable[str] | None) -> None:
    """Add the sub-command ``name`` of :data:`COMMANDS`: in full when ``load`` is ``None`` or names it, otherwise
    as a placeholder carrying only its help line (its module is not imported)."""
    module, help_line = COMMANDS[name]
    if load is None or name in load:
        import_module(module).register(sub)
    else:
        sub.add_parser(name, help=help_line, add_help=False)


def build_parser(load: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of the ``grnular`` command.

    Parameters
    ----------
    load
        The sub-commands of :data:`COMMANDS` to register in full (importing their modules); ``None``: all of them.
        The others appear in ``grnular --help`` with their help line only.
    """
    load = None if load is None else set(load)
    parser = argparse.ArgumentParser(prog="grnular", description="GRNUlar: simulate single-cell data from a GRN, train the unrolled models, infer and evaluate networks.")
    parser.add_argument("--version", action="version", version=f"grnular {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _register(sub, "simulate", load)
    _register(sub, "train", load)

    p = sub.add_parser("infer", help="infer a GRN from expression data; writes TF, target, importance")
    p.add_argument("expression", help="BEELINE-style .csv/.csv.gz/.tsv (genes × cells) or .h5ad (cells × genes)")
    p.add_argument("--tfs", help="TF file: one symbol per line, or a CSV with symbols in the first column")
    p.add_argument("--method", default="grnular", help="one of " + ", ".join(method_names()) + " (default: grnular)")
    p.add_argument("--checkpoint", help="checkpoint of a trained model (default: the shipped one)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cells-in-rows", action="store_true", help="the table file has cells in rows")
    p.add_argument("--allow-negative", action="store_true", help="accept negative values (centred data)")
    p.add_argument("-o", "--output", required=True, help="edge list to write (.tsv)")
    p.set_defaults(func=_cmd_infer)

    p = sub.add_parser("evaluate", help="score an edge list against a ground-truth network; prints JSON")
    p.add_argument("edges", help="edge list written by `grnular infer` (TF, target, importance)")
    p.add_argument("--truth", required=True, help="ground truth: CSV with Gene1,Gene2 (BEELINE refNetwork layout)")
    p.add_argument("--protocol", default="beeline", choices=["beeline", "undirected", "tf"],
                   help="beeline: directed, all ordered gene pairs; undirected: the paper's; tf: TF rows only")
    p.set_defaults(func=_cmd_evaluate)

    _register(sub, "data", load)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grnular`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), None)  # the top level has only --help and --version
    parser = build_parser(load=[command] if command in COMMANDS else [])
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, *a, **k: print(f"grnular: warning: {message}", file=sys.stderr)
        try:
            return int(args.func(args) or 0)
        except GRNularError as exc:
            print(f"grnular: error: {exc}", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main())
