"""The ``grnular`` command: ``simulate``, ``train``, ``infer``, ``evaluate``, ``data``.

Each command is a thin layer over the library. Bad input ends with one line ``grnular: error: …`` on stderr and exit
status 2, and never leaves a partial output file; outputs are checked (writable, not an input) before any work.
Ctrl-C ends with one line and exit status 130, SIGTERM with one line and 143, temporary files removed; a read or
write the system refuses (disk full, permissions) with one line and 1. A command's module (and with it numpy, pandas or
torch) is imported
only when that command runs, so ``grnular --help`` answers at once.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, parallel
from .errors import GRNularError, InputError
from .methods import DEFAULT_METHOD, method_names
from .outputs import atomic_write

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import pandas as pd

#: The sub-commands defined outside this module: name -> (module whose ``register(subparsers)`` adds it, the line
#: ``grnular --help`` shows for it, which must equal the ``help=`` that ``register`` gives; a test checks this).
COMMANDS: dict[str, tuple[str, str]] = {
    "simulate": ("grnular_lib.simulate.command",
                 "simulate scRNA-seq data from a GRN with the SERGIO model (random GRN or SERGIO's files)"),
    "train": ("grnular_lib.train_command", "meta-train an unrolled model on simulated data and write a checkpoint"),
    "data": ("grnular_lib.data.command", "list, verify or fetch the public datasets (data_manifests/)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error answered in one line like every other error."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.exit(2, f"grnular: error: {message} (see `{self.prog} --help`)\n")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` (temporary files) runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _cmd_infer(args: argparse.Namespace) -> int:
    from .infer import check_method, infer
    from .network import EDGE_COLUMNS
    from .outputs import check_output, refuse_foreign_file
    from .seeds import check_seed

    out = check_output(args.output, inputs=(args.expression, args.tfs, args.checkpoint))
    sep = "," if out.name.lower().endswith((".csv", ".csv.gz")) else "\t"  # what the name says; tab otherwise
    if not args.overwrite:
        refuse_foreign_file(out, sep.join(EDGE_COLUMNS), what="an edge list")
    method = check_method(args.method)
    check_seed(args.seed, option="--seed")
    with _parallel_client(args, method) as client:
        edges = infer(args.expression, tfs=args.tfs, method=method, checkpoint=args.checkpoint, seed=args.seed,
                      cells_in_rows=args.cells_in_rows, allow_negative=args.allow_negative, layer=args.layer,
                      use_raw=args.use_raw, gene_symbols=args.gene_symbols, client=client, top=args.top)
    # the temporary file's name ends in .part, so pandas cannot infer the compression from it
    compression = {"method": "gzip", "mtime": 0} if out.name.lower().endswith(".gz") else None
    atomic_write(out, lambda tmp: edges.to_csv(tmp, sep=sep, index=False, compression=compression))
    ran = args.method + (f", checkpoint {edges.attrs['checkpoint']}" if "checkpoint" in edges.attrs else "")
    print(f"wrote {len(edges)} edges ({ran}) to {out}", file=sys.stderr)
    return 0


def _parallel_client(args: argparse.Namespace, method: str) -> AbstractContextManager:
    """The Dask client of ``--workers``/``--scheduler`` for ``method`` (a context manager), or no client with one
    warning line when the method has no parallel part."""
    from contextlib import nullcontext

    from .methods import get_method
    from .parallel import check_workers, dask_client

    check_workers(args.workers, "--workers")
    if args.workers == 1 and args.scheduler is None:
        return nullcontext(None)
    if not get_method(method).parallel:
        warnings.warn(f"--workers and --scheduler speed up only {' and '.join(method_names(parallel=True))}; "
                      f"{method} runs in this process", stacklevel=2)
        return nullcontext(None)
    return dask_client(args.scheduler, args.workers)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import score_edge_list
    from .network import read_edge_list, read_truth

    if sys.stdout is None:
        raise InputError("standard output is closed, so the scores would be lost; run with stdout open or redirect "
                         "it to a file (`grnular evaluate … > scores.json`)")
    if Path(args.edges).exists() and Path(args.truth).exists() and os.path.samefile(args.edges, args.truth):
        raise InputError(f"--truth {args.truth} is the edge list itself; give the known network (e.g. BEELINE's "
                         "refNetwork.csv, or the network.csv that grnular simulate wrote)")
    result = score_edge_list(read_edge_list(args.edges), read_truth(args.truth), args.protocol)
    print(json.dumps(result, indent=2))
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
    parser = _Parser(prog="grnular", description="GRNUlar: simulate single-cell data from a GRN, train the unrolled models, infer and evaluate networks.")
    parser.add_argument("--version", action="version", version=f"grnular {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parser.commands = sub.choices  # name -> the sub-command's parser
    _register(sub, "simulate", load)
    _register(sub, "train", load)

    p = sub.add_parser("infer", help="infer a GRN from expression data; writes TF, target, importance")
    p.add_argument("expression", help="BEELINE-style .csv/.csv.gz/.tsv (genes × cells) or .h5ad (cells × genes)")
    p.add_argument("--tfs", help="TF file: symbols separated by newlines, commas or spaces, or a table whose column "
                   "headed TF, Gene, Symbol or Name holds them (BEELINE's *-tfs.csv); without it every gene is a "
                   "candidate "
                   "regulator (grnular-rank then runs grnular-rank-general-v6-ensemble, trained that way, up to 3,000 cells)")
    p.add_argument("--method", default=DEFAULT_METHOD,
                   help="one of " + ", ".join(method_names()) + f" (default: {DEFAULT_METHOD})")
    p.add_argument("--checkpoint", help="checkpoint of a trained model: a file or a shipped name (default: the "
                   "method's shipped default; for grnular-rank the ensemble grnular-rank-general-ensemble, or the one "
                   "trained on the narrowest range of cells that holds the data's: "
                   "grnular-rank-general-rank3v14-ensemble for 100-999, grnular-rank-general-rank3v9-ensemble for "
                   "1,000-2,999, grnular-rank-general-v7-ensemble from 3,000; on counts not scaled to a library size"
                   ", raw or through log1p, up to 3,000 cells, grnular-rank-general-v10v11-ensemble)")
    p.add_argument("--seed", type=int, default=0, help="random seed, 0 to 2**32 - 1 (default 0)")
    rows = p.add_mutually_exclusive_group()
    rows.add_argument("--cells-in-rows", action="store_true", default=None,
                      help="the table file has cells in rows (default: genes in rows, as in BEELINE); a first "
                           "column of numbers under a gene's name is read as a gene (arboreto's layout, no cell names)")
    rows.add_argument("--genes-in-rows", action="store_false", dest="cells_in_rows", default=None,
                      help="the table file has genes in rows (BEELINE's layout); silences the warning given when "
                           "the orientation cannot be confirmed")
    p.add_argument("--layer", help=".h5ad: use adata.layers[LAYER] instead of X")
    p.add_argument("--use-raw", action="store_true", help=".h5ad: use adata.raw instead of X")
    p.add_argument("--gene-symbols", metavar="COL", help=".h5ad: name genes by this var column instead of var_names")
    p.add_argument("--top", type=int, metavar="K",
                   help="keep only the K highest-scoring edges (default: every candidate pair, as BEELINE and "
                        "arboreto write them; a genome-wide network without --tfs has hundreds of millions)")
    p.add_argument("--allow-negative", action="store_true", help="accept negative values (centred data)")
    p.add_argument("-o", "--output", required=True,
                   help="edge list to write (tab-separated; comma-separated when the name ends in .csv or .csv.gz; "
                        "gzip-compressed when it ends in .gz); an existing edge list "
                        "written by grnular infer is replaced, any other file only with --overwrite")
    parallel.add_parallel_options(p, f"{', '.join(method_names(parallel=True))}: fit the targets")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an existing file at -o even when it is not an edge list written by grnular infer")
    p.set_defaults(func=_cmd_infer)

    p = sub.add_parser("evaluate", help="score an edge list against a ground-truth network; prints JSON")
    p.add_argument("edges", help="edge list: TF, target, importance as `grnular infer` writes, arboreto's (with or "
                   "without a header), BEELINE's rankedEdges.csv or GENIE3's regulatoryGene, targetGene, weight; "
                   "ranked by the absolute importance, as BEELINE does")
    p.add_argument("--truth", required=True,
                   help="ground truth: CSV with Gene1,Gene2 (BEELINE refNetwork layout), columns taken by name in any "
                        "order (also TF/regulator/source and target/gene, any case, e.g. DoRothEA's tf,target), or "
                        "one regulator-target pair per line without a header")
    p.add_argument("--protocol", default="beeline", choices=["beeline", "undirected", "tf"],
                   help="beeline (BEELINE's): directed, the ordered pairs of the truth network's genes, so "
                        "predictions about other genes are ignored; undirected: the paper's, every gene pair either "
                        "way; tf: directed, the edge list's regulators × every gene. The JSON's n_pairs counts the "
                        "pairs scored")
    p.set_defaults(func=_cmd_evaluate)

    _register(sub, "data", load)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grnular`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), None)  # the top level has only --help and --version
    parser = build_parser(load=[command] if command in COMMANDS else [])
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # answered by the sub-command's parser, so that the message points to its --help
        parser.commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.simplefilter("ignore", ResourceWarning)  # for developers (Python hides them too): Dask's sockets
        warnings.showwarning = lambda message, *a, **k: print(f"grnular: warning: {message}", file=sys.stderr)
        try:
            return int(args.func(args) or 0)
        except GRNularError as exc:
            print(f"grnular: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("grnular: error: interrupted (Ctrl-C); nothing was written", file=sys.stderr)
            return 130
        except _Terminated:
            print("grnular: error: terminated (SIGTERM); nothing was written", file=sys.stderr)
            return 143
        except BrokenPipeError:  # stdout closed early (`grnular evaluate … | head`): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
        except MemoryError:  # a size no up-front check caught: one line, no traceback
            print("grnular: error: ran out of memory; give a smaller problem (fewer genes, cells or graphs) or run on "
                  "a machine with more memory (no output was written)", file=sys.stderr)
            return 1
        except OSError as exc:  # the system refused a read or write (disk full, permissions): one line, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"grnular: error: {where}{exc.strerror or exc}; check the path, its permissions and the free space "
                  "(no output was written)", file=sys.stderr)
            return 1
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
