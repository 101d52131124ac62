"""Every bad or tricky input of issue 9, through the ``grnular`` command: a clear one-line error or a correct result.

Each :class:`Case` builds its inputs in a fresh folder and names what must happen:

- ``"error"``: exit status 2 (130/143 for Ctrl-C/SIGTERM), stderr exactly one line ``grnular: error: …`` matching
  ``match``, no traceback, and no new file left in the folder (temporary files included);
- ``"ok"``: exit status 0, stderr matching ``match`` (a warning that names a guess, when there is one), and
  ``check`` holding on the result.

``python tests/test_bad_inputs.py`` runs every case and rewrites ``tests/BAD_INPUTS.md``, the table of cases with
their outcomes; a test checks that the table lists exactly these cases.
"""
from __future__ import annotations

import gzip
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLE = Path(__file__).with_name("BAD_INPUTS.md")


# ---- inputs ---------------------------------------------------------------------------------------------------

def expression(n_genes: int = 8, n_cells: int = 40, *, genes: list[str] | None = None, seed: int = 0) -> pd.DataFrame:
    """Genes × cells (BEELINE's layout): genes 0–2 are TFs driving the rest, cells named ``type0_cell<i>``."""
    rng = np.random.default_rng(seed)
    tf = rng.gamma(2.0, 1.0, (3, n_cells))
    W = rng.random((3, n_genes - 3))
    rest = W.T @ tf + rng.gamma(1.0, 0.3, (n_genes - 3, n_cells))
    names = genes or [f"G{i}" for i in range(n_genes)]
    return pd.DataFrame(np.vstack([tf, rest]).round(4), index=names, columns=[f"type0_cell{i}" for i in range(n_cells)])


def beeline(d: Path, frame: pd.DataFrame | None = None, name: str = "expr.csv") -> Path:
    frame = expression() if frame is None else frame
    frame.to_csv(d / name)
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return d / name


def edge_list(d: Path, rows: list[tuple[str, str, object]], name: str = "edges.tsv") -> Path:
    (d / name).write_text("TF\ttarget\timportance\n" + "".join(f"{a}\t{b}\t{v}\n" for a, b, v in rows))
    return d / name


def truth(d: Path, text: str = "Gene1,Gene2\nG0,G3\nG1,G4\n", name: str = "truth.csv") -> Path:
    (d / name).write_text(text)
    return d / name


def infer_argv(d: Path, expr: Path, *extra: str, method: str = "pearson") -> list[str]:
    return ["infer", str(expr), "--tfs", str(d / "tfs.txt"), "--method", method, *extra, "-o", str(d / "out.tsv")]


def read_edges(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "out.tsv", sep="\t", dtype={"TF": str, "target": str})


TRAIN = ["train", "--method", "glad-tf", "--genes", "10", "--cells-per-type", "20", "--cell-types", "2",
         "--train-graphs", "1", "--valid-graphs", "1", "--epochs", "1", "--seed", "0"]
SIM = ["simulate", "--genes", "12", "--cell-types", "2", "--cells-per-type", "10"]


def _fifo_output(d):
    os.mkfifo(d / "pipe.tsv")
    return infer_argv(d, beeline(d))[:-1] + [str(d / "pipe.tsv")]


def _link_output(d):
    (d / "out.tsv").symlink_to(d / "target.tsv")
    return infer_argv(d, beeline(d))


def _check_written_through(d):
    assert (d / "out.tsv").is_symlink() and len(pd.read_csv(d / "target.tsv", sep="\t")) == 3 * 7


def _no_name_column(d):
    expression().to_csv(d / "expr.csv", index=False)  # the first column of numbers is taken for names
    return ["infer", str(d / "expr.csv"), "--method", "pearson", "-o", str(d / "out.tsv")]


def _gene_named_na(d):
    return infer_argv(d, beeline(d, expression(genes=["G0", "G1", "G2", "NA", "null", "G5", "G6", "G7"])))


def _short_row(d):
    path = beeline(d)
    lines = path.read_text().splitlines()
    lines[4] = lines[4].rsplit(",", 1)[0]  # one field fewer than the header
    path.write_text("\n".join(lines) + "\n")
    return infer_argv(d, path)


def _foreign_tfs_neutral_cells(d):
    argv = _neutral_names(d)
    (d / "tfs.txt").write_text("Sox2\nPou5f1\n")
    return argv[:2] + ["--tfs", str(d / "tfs.txt")] + argv[2:]


def _train_onto_existing(d):
    (d / "network.csv").write_text("Gene1,Gene2\nG0,G3\n")
    return [*TRAIN, "-o", str(d / "network.csv")]


def _train_side_file_folder(d):
    (d / "m.card.md").mkdir()
    return [*TRAIN, "-o", str(d / "m.pt")]


# ---- the cases --------------------------------------------------------------------------------------------------

@dataclass
class Case:
    """One input of the issue and what must come of it (see the module notes)."""

    id: str
    section: str
    text: str
    make: Callable[[Path], list[str]]
    expect: str = "error"
    match: str = ""
    check: Callable[[Path], None] | None = None
    keep: tuple[str, ...] = ()  #: files an error case may leave that the case itself made after setup
    signal: int | None = None  #: run in a subprocess and send this signal while it writes
    rc: int = 2
    result: str = ""  #: for ``"ok"``: what ``check`` verifies, in words (for the table)


def _infer_self(d):
    return infer_argv(d, beeline(d))[:-1] + [str(d / "expr.csv")]


def _infer_link(d):
    beeline(d)
    (d / "link.csv").symlink_to(d / "expr.csv")
    return infer_argv(d, d / "expr.csv")[:-1] + [str(d / "link.csv")]


def _infer_tfs_as_output(d):
    return infer_argv(d, beeline(d))[:-1] + [str(d / "tfs.txt")]


def _check_train_card(d):
    from grnular_lib.checkpoints import load_checkpoint

    assert load_checkpoint(d / "m.md", method="glad-tf")["method"] == "glad-tf"
    assert "validation AUPRC" in (d / "m.card.md").read_text()


def _users_data_named_like_output(d):
    (d / "mydata").mkdir()
    (d / "mydata" / "ExpressionData.csv.gz").write_bytes(gzip.compress(b",c0\nG0,1\n"))
    return [*SIM, "--seed", "1", "-o", str(d / "mydata"), "--overwrite"]


_INODES: dict[Path, int] = {}


def _simulate_into_current_folder(d):
    _INODES[d] = d.stat().st_ino
    os.chdir(d)  # run_case goes back
    return [*SIM, "--seed", "1", "-o", "."]


def _check_current_folder_kept(d):
    assert d.stat().st_ino == _INODES[d] and (d / "ExpressionData.csv.gz").is_file() and not list(d.glob(".*"))


def _simulate_into_empty_folder(d):
    (d / "sim").mkdir()
    (d / "sim").chmod(0o2770)
    return [*SIM, "--seed", "1", "-o", str(d / "sim")]


def _check_folder_kept(d):
    assert (d / "sim").stat().st_mode & 0o7777 == 0o2770
    assert sorted(p.name for p in (d / "sim").iterdir()) == ["ExpressionData.csv.gz", "network.csv", "params.json",
                                                                "tfs.txt"]


def _simulate_twice(d, *, overwrite: bool, foreign: bool = False):
    from grnular_lib.cli import main

    with redirect_stderr(io.StringIO()):
        assert main([*SIM, "--seed", "1", "--clean-too", "-o", str(d / "sim")]) == 0
    if foreign:
        (d / "sim" / "notes.txt").write_text("mine\n")
    return [*SIM, "--seed", "2", "-o", str(d / "sim")] + (["--overwrite"] if overwrite else [])


def _check_simulate_untouched(d):
    assert sorted(p.name for p in (d / "sim").iterdir()) == ["ExpressionData-clean.csv.gz", "ExpressionData.csv.gz",
                                                            "network.csv", "params.json", "tfs.txt"]
    assert '"seed": 1' in (d / "sim" / "params.json").read_text()


def _check_simulate_replaced(d):
    assert sorted(p.name for p in (d / "sim").iterdir()) == ["ExpressionData.csv.gz", "network.csv", "params.json",
                                                            "tfs.txt"]  # the stale clean file went with its set
    assert '"seed": 2' in (d / "sim" / "params.json").read_text()
    assert not [p for p in d.iterdir() if p.name.startswith(".")]


def _case_gene_names(d):
    frame = expression(genes=["G0", "g0", "G2", "G3", "G4", "G5", "G6", "G7"])
    frame.to_csv(d / "expr.csv")
    (d / "tfs.txt").write_text("G0\nG2\n")
    return infer_argv(d, d / "expr.csv")


def _tf_file(content: bytes):
    def make(d):
        beeline(d)
        (d / "tfs.txt").write_bytes(content)
        return infer_argv(d, d / "expr.csv")
    return make


def _check_tfs(expected: set[str]):
    def check(d):
        assert set(read_edges(d)["TF"]) == expected
    return check


def _neutral_names(d):
    frame = expression()
    frame.columns = [f"S{i}" for i in range(frame.shape[1])]
    frame.to_csv(d / "expr.csv")
    return ["infer", str(d / "expr.csv"), "--method", "pearson", "-o", str(d / "out.tsv")]


def _huge_k(d):
    (d / "regs.txt").write_text("0,1e38\n1,1e38\n")
    (d / "inter.txt").write_text("2,2,0,1,1e38,1e38,2,2\n")
    return ["simulate", "--sergio-interactions", str(d / "inter.txt"), "--sergio-regulators", str(d / "regs.txt"),
            "--cells-per-type", "10", "--seed", "0", "-o", str(d / "sim")]


def _sergio(d, inter: bytes = b"2,2,0,1,1.5,-2,2,2\n3,1,2,1,2\n", regs: bytes = b"0,1,0.5\n1,0.2,1\n",
            *extra: str):
    """``grnular simulate`` on SERGIO files with these bytes (a 4-gene GRN: G0, G1 → G2 → G3, 2 cell types)."""
    (d / "inter.txt").write_bytes(inter)
    (d / "regs.txt").write_bytes(regs)
    return ["simulate", "--sergio-interactions", str(d / "inter.txt"), "--sergio-regulators", str(d / "regs.txt"),
            "--cells-per-type", "10", "--seed", "0", *extra, "-o", str(d / "sim")]


def _check_sergio_sim(d):
    assert len(pd.read_csv(d / "sim" / "ExpressionData.csv.gz", index_col=0)) == 4


def _evaluate(rows, truth_text="Gene1,Gene2\nG0,G3\nG1,G4\n"):
    def make(d):
        return ["evaluate", str(edge_list(d, rows)), "--truth", str(truth(d, truth_text))]
    return make


GOOD_EDGES = [("G0", "G3", 0.9), ("G1", "G4", 0.8), ("G0", "G4", 0.1), ("G1", "G3", 0.2)]


def _check_json(key: str, predicate: Callable[[object], bool]):
    def check(d):
        import json

        assert predicate(json.loads((d / "stdout.txt").read_text())[key])
    return check


def _raw_file(name: str, content: bytes):
    def make(d):
        beeline(d)
        (d / name).write_bytes(content)
        return infer_argv(d, d / name)
    return make


def _corrupted_gzip(d):
    beeline(d, expression(n_cells=400))
    data = bytearray(gzip.compress((d / "expr.csv").read_bytes()))
    data[len(data) // 3: len(data) // 3 + 64] = bytes(64)
    (d / "expr.csv.gz").write_bytes(bytes(data))
    return infer_argv(d, d / "expr.csv.gz")


def _truncated_gzip(d):
    beeline(d, expression(n_cells=400))
    data = gzip.compress((d / "expr.csv").read_bytes())
    (d / "expr.csv.gz").write_bytes(data[: len(data) // 2])
    return infer_argv(d, d / "expr.csv.gz")


def _gzip_named_csv(d):
    beeline(d)
    (d / "expr2.csv").write_bytes(gzip.compress((d / "expr.csv").read_bytes()))
    return infer_argv(d, d / "expr2.csv")


def _h5ad(d, **kwargs):
    import anndata

    frame = expression()
    layers = kwargs.pop("layers", {})
    adata = anndata.AnnData(X=None if kwargs.pop("no_x", False) else frame.T.to_numpy(np.float32),
                            obs=pd.DataFrame(index=frame.columns),
                            var=pd.DataFrame({"symbol": [f"Sym{i}" for i in range(len(frame))]}, index=frame.index),
                            layers={k: frame.T.to_numpy(np.float32) * v for k, v in layers.items()})
    if kwargs.pop("raw", False):
        adata.raw = adata.copy()
        adata.X = np.tile(np.arange(frame.shape[1], dtype=np.float32)[:, None], (1, len(frame)))  # a useless X
    adata.write_h5ad(d / "x.h5ad")
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return d / "x.h5ad"


def _h5ad_argv(*extra, tfs="tfs.txt", **kwargs):
    def make(d):
        path = _h5ad(d, **kwargs)
        if tfs != "tfs.txt":
            (d / "tfs.txt").write_text(tfs)
        return ["infer", str(path), "--tfs", str(d / "tfs.txt"), "--method", "pearson", *extra,
                "-o", str(d / "out.tsv")]
    return make


def _same_as_plain_h5ad(d):
    from grnular_lib import infer

    edges = read_edges(d)
    expected = infer(expression().T, tfs=["G0", "G1", "G2"], method="pearson")
    got = edges.set_index(["TF", "target"])["importance"]
    want = expected.set_index(["TF", "target"])["importance"].reindex(got.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-5)


def _under_file(d):
    return infer_argv(d, beeline(d))[:-1] + [str(d / "tfs.txt" / "out.tsv")]


def _unwritable(d):
    return infer_argv(d, beeline(d), method="genie3")[:-1] + ["/proc/grnular-test/out.tsv"]


def _text_checkpoint(d):
    (d / "model.pt").write_text("not a checkpoint\n")
    return infer_argv(d, beeline(d), "--checkpoint", str(d / "model.pt"), method="glad-tf")


def _unknown_config_key(d):
    import json

    import torch

    from grnular_lib.checkpoints import PRETRAINED_DIR

    raw = torch.load(PRETRAINED_DIR / "glad-tf-clean.pt", weights_only=True)
    raw["config"] = json.dumps({**json.loads(raw["config"]), "mystery_option": 1})
    torch.save(raw, d / "model.pt")
    return infer_argv(d, beeline(d), "--checkpoint", str(d / "model.pt"), method="glad-tf")


def _non_numeric(d):
    frame = expression().astype(object)
    frame.loc["G5", "type0_cell7"] = "high"
    return infer_argv(d, beeline(d, frame))


def _semicolon(d):
    beeline(d)
    pd.read_csv(d / "expr.csv", index_col=0).to_csv(d / "semi.csv", sep=";")
    return infer_argv(d, d / "semi.csv")


def _csv_named_tsv(d):
    return infer_argv(d, beeline(d, name="expr.tsv"))


def _raw_counts(d):
    return infer_argv(d, beeline(d, (expression() * 20).round()), method="grnular-rank")


def _raw_counts_foreign_tfs(d):
    argv = _raw_counts(d)
    (d / "tfs.txt").write_text("Sox2\nPou5f1\n")
    return argv


def _cells_in_rows_given(d):
    return infer_argv(d, beeline(d), "--cells-in-rows")


def _overflow(d):
    frame = expression()
    frame.loc["G4", "type0_cell9"] = 1e39
    return infer_argv(d, beeline(d, frame))


def _umask_mode(d):
    return infer_argv(d, beeline(d))


def _check_mode(d):
    mask = os.umask(0o022)
    os.umask(mask)
    assert (d / "out.tsv").stat().st_mode & 0o777 == 0o666 & ~mask


def _output_exists(content: bytes, *extra: str):
    """infer -o onto an existing file holding ``content`` (kept in ``d/before.bin`` to compare)."""
    def make(d):
        (d / "out.tsv").write_bytes(content)
        (d / "before.bin").write_bytes(content)
        return infer_argv(d, beeline(d), *extra)
    return make


def _check_output_kept(d):
    assert (d / "out.tsv").read_bytes() == (d / "before.bin").read_bytes()


def _check_output_replaced(d):
    assert list(read_edges(d).columns) == ["TF", "target", "importance"] and len(read_edges(d)) == 3 * 7


def _empty_cells(d):
    frame = expression()
    frame.iloc[:, :5] = 0.0
    return infer_argv(d, beeline(d, frame))


def _numeric_gene_names(d):
    frame = expression(genes=[f"{i:04d}" for i in range(8)])
    frame.to_csv(d / "expr.csv")
    (d / "tfs.txt").write_text("0000\n0001\n0002\n")
    return infer_argv(d, d / "expr.csv")


def _evaluate_file(text: str, name: str):
    def make(d):
        (d / name).write_text(text)
        return ["evaluate", str(d / name), "--truth", str(truth(d))]
    return make


def _directory_input(d):
    (d / "sim").mkdir()
    beeline(d / "sim", name="ExpressionData.csv.gz")
    return ["infer", str(d / "sim"), "--method", "pearson", "-o", str(d / "out.tsv")]


def _scaled_h5ad(d):
    import anndata

    frame = expression()
    X = frame.T.to_numpy(np.float32)
    adata = anndata.AnnData(X=X, obs=pd.DataFrame(index=frame.columns), var=pd.DataFrame(index=frame.index))
    adata.raw = adata.copy()
    adata.X = (X - X.mean(axis=0)) / X.std(axis=0)  # scanpy's sc.pp.scale, the log-normalised values in .raw
    adata.write_h5ad(d / "x.h5ad")
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return ["infer", str(d / "x.h5ad"), "--tfs", str(d / "tfs.txt"), "--method", "pearson", "-o", str(d / "out.tsv")]


def _arboreto_layout(d):
    frame = expression().T.reset_index(drop=True)  # cells × genes, gene names in the header, no cell names
    frame.to_csv(d / "expr.tsv", sep="\t", index=False)
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return infer_argv(d, d / "expr.tsv", "--cells-in-rows")


def _symbols_with_gaps(d):
    import anndata

    frame = expression()
    symbols = [f"Sym{i}" for i in range(len(frame))]
    symbols[5] = None
    adata = anndata.AnnData(X=frame.T.to_numpy(np.float32), obs=pd.DataFrame(index=frame.columns),
                            var=pd.DataFrame({"symbol": symbols}, index=frame.index))
    adata.write_h5ad(d / "x.h5ad")
    (d / "tfs.txt").write_text("Sym0\nSym1\n")
    return ["infer", str(d / "x.h5ad"), "--tfs", str(d / "tfs.txt"), "--gene-symbols", "symbol", "--method",
            "pearson", "-o", str(d / "out.tsv")]


def _ensembl_versions(d):
    frame = expression(genes=[f"ENSMUSG0000000000{i}.{i % 3 + 1}" for i in range(8)])
    frame.to_csv(d / "expr.csv")
    (d / "tfs.txt").write_text("ENSMUSG00000000000\nENSMUSG00000000001\n")
    return infer_argv(d, d / "expr.csv")


def _csv_output(d):
    return infer_argv(d, beeline(d))[:-1] + [str(d / "edges.csv")]


def _check_csv_output(d):
    assert (d / "edges.csv").read_text().splitlines()[0] == "TF,target,importance"
    assert len(pd.read_csv(d / "edges.csv")) == 3 * 7


def _expression_as_tfs(d):
    beeline(d)
    return ["infer", str(d / "expr.csv"), "--tfs", str(d / "expr.csv"), "--method", "pearson", "-o",
            str(d / "out.tsv")]


def _tf_names_not_file(d):
    return infer_argv(d, beeline(d))[:2] + ["--tfs", "G0,G1", "--method", "pearson", "-o", str(d / "out.tsv")]


NETWORK_TABLE = b"Gene1,Gene2,Type\nG0,G3,+\nG0,G4,-\nG1,G5,+\n"
ARBORETO_EDGES = "G0\tG3\t0.9\nG1\tG4\t0.8\nG0\tG4\t0.1\nG1\tG3\t0.2\n"


def _row_numbers_csv(d: Path) -> list[str]:
    expression().T.reset_index(drop=True).to_csv(d / "cells.csv")
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return ["infer", str(d / "cells.csv"), "--method", "pearson", "-o", str(d / "out.tsv")]


CASES: list[Case] = [
    # data loss and clobbering
    Case("infer-output-is-input", "data loss", "`grnular infer X.csv … -o X.csv`", _infer_self,
         match=r"-o .*expr\.csv is the input file"),
    Case("infer-output-is-input-link", "data loss", "-o is a link to the expression file", _infer_link,
         match=r"is the input file", keep=("link.csv",)),
    Case("infer-output-is-tf-file", "data loss", "-o is the TF file", _infer_tfs_as_output, match=r"is the input file"),
    Case("train-card-vs-checkpoint", "data loss", "`grnular train … -o m.md`",
         lambda d: [*TRAIN, "-o", str(d / "m.md")],
         result="m.md is the checkpoint, the card is m.card.md", expect="ok", check=_check_train_card),
    Case("simulate-non-empty-dir", "data loss", "`simulate -o DIR` into a folder holding an earlier run",
         lambda d: _simulate_twice(d, overwrite=False), match=r"pass --overwrite", check=_check_simulate_untouched),
    Case("simulate-overwrite", "data loss", "… with --overwrite: the whole set is replaced",
         lambda d: _simulate_twice(d, overwrite=True),
         result="the new run's files only (the earlier run's ExpressionData-clean is gone), no temporary folder left",
         expect="ok", check=_check_simulate_replaced),
    Case("simulate-foreign-files", "data loss", "… with --overwrite into a folder holding other files",
         lambda d: _simulate_twice(d, overwrite=True, foreign=True), match=r"did not write .*notes\.txt"),
    Case("simulate-overwrite-users-data", "data loss", "`simulate -o mydata --overwrite` into a folder holding the "
         "user's ExpressionData.csv.gz (replaced it before)", _users_data_named_like_output,
         match=r"no params.json written by it, so they may be your data"),
    Case("simulate-empty-output-name", "data loss", "`simulate -o ''` (wrote into the current folder and replaced "
         "it before)", lambda d: [*SIM, "--seed", "1", "-o", ""], match=r"-o is empty"),
    Case("simulate-into-current-folder", "data loss", "`simulate -o .` in an empty folder (replaced the shell's "
         "current folder before)", _simulate_into_current_folder, expect="ok",
         result="the files written into the current folder itself", check=_check_current_folder_kept),
    Case("simulate-into-empty-folder", "data loss", "`simulate -o sim` into an existing empty folder with its own "
         "permissions (replaced by a new folder before)", _simulate_into_empty_folder, expect="ok",
         result="the files written into that folder, its permissions kept", check=_check_folder_kept),
    Case("infer-output-foreign-file", "data loss", "-o names an existing file that is not an edge list (a truth "
         "network, an .h5ad)", _output_exists(b"Gene1,Gene2\nG0,G3\n"), keep=("stdout.txt",),
         match=r"-o .*out.tsv already exists and is not an edge list written by this command; pass --overwrite",
         check=_check_output_kept),
    Case("infer-output-earlier-edges", "data loss", "-o names the edge list of an earlier run",
         _output_exists(b"TF\ttarget\timportance\nG0\tG1\t1.0\n"), expect="ok",
         result="replaced by the new edge list", check=_check_output_replaced),
    Case("infer-output-empty-file", "data loss", "-o names an empty file (made by mktemp)", _output_exists(b""),
         expect="ok", result="the edge list written into it", check=_check_output_replaced),
    Case("infer-output-foreign-overwrite", "data loss", "… another file, with --overwrite",
         _output_exists(b"Gene1,Gene2\nG0,G3\n", "--overwrite"), expect="ok",
         result="replaced by the new edge list", check=_check_output_replaced),
    Case("sigterm-while-writing", "data loss", "SIGTERM while the edge list is written",
         lambda d: infer_argv(d, beeline(d)), signal=signal.SIGTERM, rc=143, match=r"terminated \(SIGTERM\)"),
    # silent wrong answers
    Case("two-cells-default-method", "silent", "two cells, the default method (every correlation ±1)",
         lambda d: infer_argv(d, beeline(d, expression(n_cells=2)), method="grnular-rank"),
         match=r"2 cells × 8 genes; need at least 3 cells and 2 genes"),
    Case("grnboost2-negative-seed", "silent", "`--method grnboost2 --seed -1`",
         lambda d: infer_argv(d, beeline(d), "--seed", "-1", method="grnboost2"), match=r"--seed -1 is out of range"),
    Case("grnboost2-seed-2**32", "silent", "`--method grnboost2 --seed 4294967296`",
         lambda d: infer_argv(d, beeline(d), "--seed", str(2**32), method="grnboost2"), match=r"out of range"),
    Case("tf-case-collision", "silent", "genes G0 and g0, TF file lists G0", _case_gene_names,
         result="TFs G0 and G2 (g0 is not a TF)", expect="ok",
         check=_check_tfs({"G0", "G2"})),
    Case("tf-several-per-line", "silent", "TF file `G0, G1 G2` on one line", _tf_file(b"G0, G1 G2\n"),
         result="TFs G0, G1, G2", expect="ok",
         check=_check_tfs({"G0", "G1", "G2"})),
    Case("tf-file-network-table", "silent", "TF file is a network table (`Gene1,Gene2,Type`; every field was a TF "
         "before)", _tf_file(NETWORK_TABLE), expect="ok", result="TFs G0 and G1, the first column, with a warning",
         match=r"is a table of 3 columns .* took the TF symbols from its first column", check=_check_tfs({"G0", "G1"})),
    Case("tf-file-symbol-column", "silent", "TF table with the symbols in a column headed Symbol (AnimalTFDB)",
         _tf_file(b"Species\tSymbol\tFamily\nMus\tG0\tbHLH\nMus\tG2\tZF\n"), result="TFs G0 and G2",
         expect="ok", check=_check_tfs({"G0", "G2"})),
    Case("tf-semicolons", "silent", "TF file `G0;G1;G2`", _tf_file(b"G0;G1;G2\n"), result="TFs G0, G1, G2",
         expect="ok", check=_check_tfs({"G0", "G1", "G2"})),
    Case("empty-cells", "silent", "5 of 40 cells all zero (empty droplets)", _empty_cells, expect="ok",
         result="inferred, with a warning", match=r"5 of 40 cells express none of the genes .*sc.pp.filter_cells"),
    Case("fewer-cells-than-trained", "silent", "40 cells, the default method (trained on 100 or more)",
         lambda d: infer_argv(d, beeline(d), method="grnular-rank"), expect="ok", result="inferred, with a warning",
         match=r"40 cells: fewer than the 100 that grnular-rank-general-ensemble was trained on"),
    Case("arboreto-layout", "silent", "cells × genes without cell names (arboreto's layout), `--cells-in-rows` "
         "(the first gene was taken for cell names or refused before)", _arboreto_layout, expect="ok",
         result="the network of the same data in BEELINE's layout", check=_same_as_plain_h5ad),
    Case("tf-ensembl-versions", "silent", "genes ENSMUSG…0.1, TF list without versions (no TF found before)",
         _ensembl_versions, expect="ok", result="TFs matched to their versioned genes, with a warning",
         match=r"2 TFs in the TF list match a gene only in another Ensembl version",
         check=_check_tfs({"ENSMUSG00000000000.1", "ENSMUSG00000000001.2"})),
    Case("infer-output-csv", "silent", "`-o edges.csv` (tab-separated under a .csv name before)", _csv_output,
         expect="ok", result="a comma-separated edge list", check=_check_csv_output),
    Case("gene-names-leading-zeros", "silent", "genes named 0000 … 0007 (read as numbers 0 … 7 before)",
         _numeric_gene_names, expect="ok", result="TFs 0000, 0001, 0002",
         check=_check_tfs({"0000", "0001", "0002"})),
    Case("tf-utf8-bom", "silent", "TF file with a UTF-8 byte-order mark", _tf_file(b"\xef\xbb\xbfG0\nG1\n"),
         result="TFs G0 and G1 (the first is kept)", expect="ok", check=_check_tfs({"G0", "G1"})),
    Case("tf-quoted", "silent", "TF file with quoted names", _tf_file(b'"G0"\n"G1"\n\'G2\'\n'),
         result="TFs G0, G1, G2", expect="ok",
         check=_check_tfs({"G0", "G1", "G2"})),
    Case("orientation-undecided", "silent", "neutral cell names, no TF list", _neutral_names,
         result="8 genes, 56 edges, and a warning naming the assumption", expect="ok",
         match=r"assumed genes in rows .*--cells-in-rows", check=lambda d: len(read_edges(d)) == 8 * 7),
    Case("simulate-huge-k", "silent", "`simulate` with huge K", _huge_k, match=r"simulation overflowed"),
    Case("evaluate-no-common-gene", "silent", "edge list and truth share no gene",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\nX1,X2\n"), match=r"no gene in common"),
    Case("evaluate-truth-genes-missing", "silent", "truth genes absent from the edge list",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\nG0,G3\nG1,G9\n"),
         result="scored, n_true_edges 2, with a warning", expect="ok",
         match=r"1 of 4 genes of the truth network are not in the edge list",
         check=_check_json("n_true_edges", lambda v: v == 2)),
    Case("evaluate-nan-score", "silent", "an edge with importance NaN", _evaluate([*GOOD_EDGES, ("G1", "G5", "nan")]),
         match=r"NaN or infinite importance: 1 .*G1 → G5"),
    Case("evaluate-conflicting-duplicate", "silent", "a pair listed twice with different importances",
         _evaluate([*GOOD_EDGES, ("G0", "G3", 0.05)]),
         match=r"more than once with different importances: 1 .*G0 → G3"),
    Case("evaluate-one-column-truth", "silent", "a one-column truth file", _evaluate(GOOD_EDGES, "G0\nG3\nG1\n"),
         match=r"one column; a truth network needs two"),
    Case("evaluate-whitespace-truth", "silent", "a whitespace-separated truth file",
         _evaluate(GOOD_EDGES, "G0 G3\nG1 G4\n"),
         result="AUPRC 1.0", expect="ok", check=_check_json("auprc", lambda v: v == 1.0)),
    # tracebacks before
    Case("empty-expression-file", "traceback", "empty expression file", _raw_file("empty.csv", b""), match=r"is empty"),
    Case("corrupted-gzip", "traceback", "corrupted gzip (bytes overwritten)", _corrupted_gzip,
         match=r"gzip stream is damaged"),
    Case("truncated-gzip", "traceback", "truncated gzip (half a download)", _truncated_gzip,
         match=r"gzip stream is damaged or truncated"),
    Case("gzip-named-csv", "traceback", "gzip content named .csv", _gzip_named_csv,
         result="read by content: 21 edges", expect="ok",
         check=lambda d: len(read_edges(d)) == 3 * 7),
    Case("h5ad-without-x", "traceback", "h5ad without X", _h5ad_argv(no_x=True, layers={"counts": 1.0}),
         match=r"has no X matrix; choose the matrix to use: --layer counts"),
    Case("unwritable-output", "traceback", "unwritable output (checked before inference)", _unwritable,
         match=r"cannot write in /proc"),
    Case("output-under-a-file", "traceback", "-o under a file", _under_file, match=r"is a file, not a directory"),
    Case("text-file-checkpoint", "traceback", "a text file as --checkpoint", _text_checkpoint,
         match=r"not a safe GRNUlar checkpoint"),
    Case("checkpoint-unknown-config-key", "traceback", "a checkpoint with an unknown config key", _unknown_config_key,
         match=r"settings \['mystery_option'\]"),
    Case("checkpoint-for-a-baseline", "silent", "`--method pearson --checkpoint x.pt` (ignored before)",
         lambda d: infer_argv(d, beeline(d), "--checkpoint", str(d / "x.pt")),
         match=r"--checkpoint applies to the unrolled models"),
    Case("huge-seed", "traceback", "`--seed 10**30`", lambda d: infer_argv(d, beeline(d), "--seed", str(10**30)),
         match=r"out of range"),
    Case("evaluate-empty-edge-list", "traceback", "empty edge list",
         lambda d: ["evaluate", str(_touch(d / "edges.tsv")), "--truth", str(truth(d))],
         match=r"edge list .* is empty"),
    Case("evaluate-text-edge-list", "traceback", "text-only edge list",
         lambda d: ["evaluate", str(_write(d / "edges.tsv", "hello\nworld\n")), "--truth", str(truth(d))],
         match=r"columns \['hello'\], not TF, target, importance \(any case, or: .*\); give an edge"),
    Case("evaluate-empty-truth", "traceback", "empty truth", _evaluate(GOOD_EDGES, ""),
         match=r"truth network .* is empty"),
    Case("evaluate-text-truth", "traceback", "text-only truth", _evaluate(GOOD_EDGES, "hello\n"), match=r"one column"),
    Case("train-ranking-weight-inf", "misleading", "`train --method grnular-rank --ranking-weight inf` (blamed the "
         "data after the simulation before)",
         lambda d: ["train", "--method", "grnular-rank", *TRAIN[3:], "--ranking-weight", "inf", "-o", str(d / "m.pt")],
         match=r"--ranking-weight inf: give a finite number ≥ 0"),
    Case("train-device-meta", "traceback", "`train --device meta`",
         lambda d: [*TRAIN, "--device", "meta", "-o", str(d / "m.pt")], match=r"device type 'meta' cannot train"),
    Case("train-output-trailing-slash", "silent", "`train -o newdir/` (wrote a file named newdir before)",
         lambda d: [*TRAIN, "-o", str(d / "newdir") + "/"], match=r"ends in a slash, which names a folder; .*model.pt"),
    Case("train-nothing-learnt", "silent", "`train` on 10-gene graphs, where the untrained model is already perfect",
         lambda d: [*TRAIN, "-o", str(d / "m.pt")], expect="ok", result="the checkpoint, with a warning",
         match=r"no epoch beat the untrained model on the validation problems"),
    Case("train-general-version-paper", "misleading", "`train --general-version 4` in the paper setting (named "
         "--max-genes too before)", lambda d: [*TRAIN, "--general-version", "4", "-o", str(d / "m.pt")],
         match=r"error: --general-version: only for --setting general"),
    Case("train-negative-lr", "traceback", "`train --lr -1`", lambda d: [*TRAIN, "--lr", "-1", "-o", str(d / "m.pt")],
         match=r"--lr -1.0: must be a positive number"),
    Case("train-missing-device", "traceback", "`train --device cuda:7` (checked before simulating)",
         lambda d: [*TRAIN, "--device", "cuda:7", "-o", str(d / "m.pt")], match=r"--device cuda:7: not usable"),
    Case("train-hidden-other-method", "traceback", "`train --method glad-tf --hidden 64` (grnular-rank's width)",
         lambda d: [*TRAIN, "--hidden", "64", "-o", str(d / "m.pt")], match=r"--hidden applies to grnular-rank only"),
    Case("train-indirect-target-range", "traceback", "`train --method grnular-rank --indirect-target 1.5`",
         lambda d: [*TRAIN, "--method", "grnular-rank", "--indirect-target", "1.5", "-o", str(d / "m.pt")],
         match=r"--indirect-target 1.5: give a number in \[0, 1\)"),
    Case("train-ranking-weight-other-method", "traceback", "`train --method glad-tf --ranking-weight 1`",
         lambda d: [*TRAIN, "--ranking-weight", "1", "-o", str(d / "m.pt")],
         match=r"--ranking-weight applies to grnular-rank only"),
    Case("train-negative-ranking-weight", "traceback", "`train --method grnular-rank --ranking-weight -1`",
         lambda d: [*TRAIN, "--method", "grnular-rank", "--ranking-weight", "-1", "-o", str(d / "m.pt")],
         match=r"--ranking-weight -1.0: give a finite number ≥ 0"),
    Case("ctrl-c", "traceback", "Ctrl-C while the edge list is written", lambda d: infer_argv(d, beeline(d)),
         signal=signal.SIGINT, rc=130, match=r"interrupted \(Ctrl-C\)"),
    Case("bad-option-value", "traceback", "`--seed abc` (argparse)",
         lambda d: infer_argv(d, beeline(d), "--seed", "abc"),
         match=r"argument --seed: invalid int value"),
    # misleading messages
    Case("non-numeric-value", "misleading", "a non-numeric value", _non_numeric,
         match=r"non-numeric value 'high' at gene 'G5', cell 'type0_cell7'"),
    Case("semicolon-csv", "misleading", "a semicolon-separated CSV", _semicolon, match=r"semicolon-separated"),
    Case("csv-named-tsv", "misleading", "a CSV named .tsv", _csv_named_tsv,
         result="read as comma-separated (21 edges), with a warning", expect="ok",
         match=r"the name says tab-separated, but the file is comma-separated",
         check=lambda d: len(read_edges(d)) == 3 * 7),
    Case("raw-counts-learned-model", "silent", "raw counts (whole numbers) to the default learned model",
         _raw_counts, result="8 genes' network, with a warning naming the fix", expect="ok",
         match=r"looks like raw counts .* sc.pp.normalize_total then sc.pp.log1p",
         check=lambda d: len(read_edges(d)) == 3 * 7),
    Case("raw-counts-foreign-tfs", "misleading", "raw counts to the learned model with a TF list that names no gene",
         _raw_counts_foreign_tfs, match=r"none of the 2 TFs in the TF list"),
    Case("cells-in-rows-not-suggested-again", "misleading", "`--cells-in-rows` given on a genes × cells file",
         _cells_in_rows_given, match=r"drop that option"),
    Case("float32-overflow", "misleading", "a value beyond float32", _overflow,
         match=r"beyond float32's range .* at gene 'G4', cell 'type0_cell9'"),
    # also
    Case("h5ad-layer", "also", "`--layer counts`", _h5ad_argv("--layer", "counts", layers={"counts": 2.0}),
         result="the layer's network (equal to the plain matrix's)", expect="ok", check=_same_as_plain_h5ad),
    Case("h5ad-missing-layer", "also", "`--layer nope`", _h5ad_argv("--layer", "nope", layers={"counts": 2.0}),
         match=r"has no layer 'nope'; its layers: 'counts'"),
    Case("h5ad-use-raw", "also", "`--use-raw`", _h5ad_argv("--use-raw", raw=True),
         result="the .raw matrix's network, not X's", expect="ok",
         check=_same_as_plain_h5ad),
    Case("h5ad-gene-symbols", "also", "`--gene-symbols symbol`", _h5ad_argv("--gene-symbols", "symbol",
         tfs="Sym0\nSym1\nSym2\n"),
         result="genes named Sym0… from var['symbol']",
         expect="ok", check=lambda d: set(read_edges(d)["TF"]) == {"Sym0", "Sym1", "Sym2"}),
    Case("h5ad-missing-symbol-column", "also", "`--gene-symbols nope`", _h5ad_argv("--gene-symbols", "nope"),
         match=r"var has no column 'nope'"),
    Case("h5ad-cells-in-rows", "also", "`--cells-in-rows` on an .h5ad", _h5ad_argv("--cells-in-rows"),
         match=r"applies to table files; an .h5ad is always cells × genes"),
    Case("edge-list-mode", "also", "edge list file mode follows the umask", _umask_mode,
         result="mode 0666 & ~umask (0644 under umask 022), not 0600", expect="ok",
         check=_check_mode),
    # found by fuzzing the command line (session 26)
    Case("output-named-pipe", "data loss", "-o is a named pipe (or a device such as /dev/full)", _fifo_output,
         match=r"is not a regular file \(a device, pipe or socket\)"),
    Case("output-link-written-through", "data loss", "-o is a symbolic link to a file", _link_output,
         result="the link's target written, the link kept", expect="ok", check=_check_written_through),
    Case("output-dash", "misleading", "`-o -` (standard output)",
         lambda d: infer_argv(d, beeline(d))[:-1] + ["-"], match=r"-o - \(standard output\) is not supported"),
    Case("no-name-column", "silent", "a table without its gene-name column (numbers taken for names before)",
         _no_name_column, match=r"the first column holds numbers .* no name column"),
    Case("gene-named-NA", "misleading", "genes named NA and null (read as missing names before)", _gene_named_na,
         result="NA and null are genes", expect="ok",
         check=lambda d: {"NA", "null"} <= set(pd.read_csv(d / "out.tsv", sep="\t", keep_default_na=False)["target"])),
    Case("short-row", "misleading", "a row one field shorter than the header", _short_row,
         match=r"a row shorter than the header, reads as NaN"),
    Case("foreign-tfs-one-line", "misleading", "a TF list naming no gene, cell names that do not tell the layout",
         _foreign_tfs_neutral_cells, match=r"none of the 2 TFs"),
    Case("h5ad-genes-in-rows", "also", "`--genes-in-rows` on an .h5ad", _h5ad_argv("--genes-in-rows"),
         match=r"--genes-in-rows .* applies to table files"),
    Case("evaluate-row-too-long", "traceback", "a truth row with a third field (a name holding a comma)",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\nG0,G3\nG1,G4,x\n"), match=r"row 3 has 3 fields where row 1 has 2"),
    Case("evaluate-unclosed-quote", "traceback", "an edge list with an unclosed quote",
         _evaluate([('"G0', "G3", 0.9), *GOOD_EDGES[1:]]), match=r"unclosed quote"),
    Case("evaluate-only-self-loops", "silent", "a truth of self-loops only (null scores, exit 0 before)",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\nG0,G0\n"), match=r"no edge the 'beeline' protocol can score"),
    Case("evaluate-case-mismatch", "misleading", "a truth in lower case",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\ng0,g3\ng1,g4\n"), match=r"match when case is ignored"),
    Case("train-onto-existing-file", "data loss", "`grnular train -o` naming a file that exists, without --overwrite",
         _train_onto_existing, match=r"already exists; pass --overwrite"),
    Case("train-card-is-a-folder", "misleading", "the checkpoint's card path is a folder",
         _train_side_file_folder, match=r"-o .*m.pt: its model card .*m.card.md is a directory; .*model.pt"),
    Case("train-two-genes", "silent", "`train --genes 2` (a NaN validation AUPRC before)",
         lambda d: [*TRAIN, "--genes", "2", "-o", str(d / "m.pt")], match=r"--genes 2: give at least 5"),
    Case("train-one-cell", "misleading", "`train --cells-per-type 1 --cell-types 2` (2 cells)",
         lambda d: [*TRAIN, "--cells-per-type", "1", "--cell-types", "2", "-o", str(d / "m.pt")],
         match=r"give at least 3 cells per graph"),
    Case("simulate-library-size-overflow", "misleading", "`simulate --library-size 1000 1` (blamed K before)",
         lambda d: [*SIM, "--seed", "3", "--library-size", "1000", "1", "-o", str(d / "sim")],
         match=r"overflowed after technical noise: .* --library-size takes the mean and scale"),
    Case("evaluate-arboreto-headerless", "misleading", "`evaluate` on arboreto's edge list without a header (refused "
         "before)", _evaluate_file(ARBORETO_EDGES, "arb.tsv"), expect="ok", result="AUPRC 1.0",
         check=_check_json("auprc", lambda v: v == 1.0)),
    Case("evaluate-beeline-ranked-edges", "misleading", "`evaluate` on BEELINE's rankedEdges.csv (refused before)",
         _evaluate_file("Gene1\tGene2\tEdgeWeight\n" + ARBORETO_EDGES, "rankedEdges.csv"), expect="ok",
         result="AUPRC 1.0", check=_check_json("auprc", lambda v: v == 1.0)),
    Case("evaluate-comma-separated", "misleading", "`evaluate` on a comma-separated TF,target,importance file",
         _evaluate_file("TF,target,importance\n" + ARBORETO_EDGES.replace("\t", ","), "edges.csv"), expect="ok",
         result="AUPRC 1.0", check=_check_json("auprc", lambda v: v == 1.0)),
    Case("directory-input", "misleading", "a folder given as the expression file",
         _directory_input, match=r"sim is a directory; give the expression file inside it \(there: "
         r"ExpressionData.csv.gz\)"),
    Case("scaled-h5ad-with-raw", "misleading", "scaled .h5ad (negative values) with the data in .raw",
         _scaled_h5ad, match=r"negative values .*read the unscaled values instead: --use-raw"),
    Case("expression-as-tfs", "misleading", "`--tfs` given the expression file (said 'transposed' before)",
         _expression_as_tfs, match=r"the TF list names most of the genes and most of the cells \(is it the "
         r"expression file\?\)"),
    Case("h5ad-symbol-missing", "misleading", "`--gene-symbols symbol` with one gene's symbol missing",
         _symbols_with_gaps, match=r"1 of 8 genes have no symbol in the var column 'symbol' \(e.g. 'G5'\); fill "
         r"them"),
    Case("tfs-symbols-not-file", "misleading", "`--tfs G0,G1` (symbols instead of a file)", _tf_names_not_file,
         match=r"TF file G0,G1 does not exist; --tfs takes a file with one symbol per line"),
    Case("simulate-sparsity-above-one", "misleading", "`simulate --sparsity 1.5` (named p_repression too before)",
         lambda d: [*SIM, "--seed", "3", "--sparsity", "1.5", "-o", str(d / "sim")],
         match=r"--sparsity 1.5 is a probability: use a value in \[0, 1\]$"),
    # grnular simulate (an audit of 2026-12-03)
    Case("simulate-sergio-gzip", "traceback", "`simulate --sergio-interactions I.txt.gz` (UnicodeDecodeError before)",
         lambda d: _sergio(d, gzip.compress(b"2,2,0,1,1.5,-2,2,2\n3,1,2,1,2\n")), expect="ok",
         result="read as the file itself", check=_check_sergio_sim),
    Case("simulate-sergio-binary", "traceback", "a binary file as SERGIO's interaction file",
         lambda d: _sergio(d, bytes(range(256))), match=r"inter.txt is not a text file"),
    Case("simulate-sergio-bom-trailing-comma", "misleading", "a SERGIO file with a byte-order mark and lines "
         "ending in a comma (refused before)", lambda d: _sergio(d, b"\xef\xbb\xbf2,2,0,1,1.5,-2,2,2,\n3,1,2,1,2,\n"),
         expect="ok", result="read as without them", check=_check_sergio_sim),
    Case("simulate-sergio-folder", "misleading", "a folder as SERGIO's interaction file (said it does not exist)",
         lambda d: [*_sergio(d)[:2], str(d), *_sergio(d)[3:]], match=r"is a folder; give the path of SERGIO's"),
    Case("simulate-sergio-empty", "misleading", "an empty interaction file (blamed gene G0 before)",
         lambda d: _sergio(d, b""), match=r"inter.txt is empty"),
    Case("simulate-sergio-swapped", "misleading", "the two SERGIO files swapped",
         lambda d: _sergio(d, b"0,0.7,0.5\n1,0.2,1\n", b"2,2,0,1,1.5,-2,2,2\n3,1,2,1,2\n"),
         match=r"n_regs 0.7 is not a non-negative whole number \(is it the regulator file\?"),
    Case("simulate-sergio-huge-id", "traceback", "a gene id of 100,000,000 in the interaction file (MemoryError "
         "before)", lambda d: _sergio(d, b"2,2,0,1,1.5,-2,2,2\n100000000,1,2,1,2\n"),
         match=r"gene ids run to 100000000 but 99,999,997 of 0 … 100000000 appear in neither file"),
    Case("simulate-huge-genes", "traceback", "`simulate --genes 100000000` (MemoryError before)",
         lambda d: [*SIM[:1], "--genes", "100000000", *SIM[3:], "--seed", "0", "-o", str(d / "sim")],
         match=r"a random GRN of 100,000,000 genes .* needs about .* GiB of memory, more than this machine's"),
    Case("simulate-huge-sampling-state", "traceback", "`simulate --sampling-state 1000000000` (MemoryError before)",
         lambda d: [*SIM, "--sampling-state", "1000000000", "--seed", "0", "-o", str(d / "sim")],
         match=r"sampling state 1,000,000,000\) needs about .* GiB"),
    Case("simulate-noise-params-negative", "misleading", "`simulate --noise-params -1` (named noise_q before)",
         lambda d: [*SIM, "--noise-params", "-1", "--seed", "0", "-o", str(d / "sim")],
         match=r"--noise-params -1.0: the noise amplitude must be >= 0"),
    Case("simulate-outliers-above-one", "misleading", "`simulate --outliers 2` (named no option before, after the "
         "simulation)", lambda d: [*SIM, "--outliers", "2", "--seed", "0", "-o", str(d / "sim")],
         match=r"--outliers 2.0: the outlier-gene probability must lie in \[0, 1\]"),
    Case("simulate-decay-too-large", "silent", "`simulate --decay 100` (Euler steps overshot, wrong steady "
         "states)", lambda d: [*SIM, "--decay", "100", "--seed", "0", "-o", str(d / "sim")],
         match=r"--decay 100.0: .* decay must be at most 50"),
    Case("simulate-library-size-no-counts", "silent", "`simulate --library-size -100 0.4 --counts` (all zeros "
         "without a word)", lambda d: [*SIM, "--library-size", "-100", "0.4", "--counts", "--seed", "0", "-o",
                                      str(d / "sim")], expect="ok", result="the files, with a warning",
         match=r"every value is 0 after technical noise: --library-size takes the mean and scale of the log"),
    Case("simulate-unknown-option", "misleading", "`simulate --noise-amplitude 1` (pointed to grnular --help)",
         lambda d: [*SIM, "--noise-amplitude", "1", "--seed", "0", "-o", str(d / "sim")],
         match=r"unrecognized arguments: --noise-amplitude 1 \(see `grnular simulate --help`\)"),
    Case("evaluate-sergio-ids", "misleading", "SERGIO's gt_GRN.csv (numeric ids) against an edge list of "
         "grnular simulate's G<id> genes", _evaluate(GOOD_EDGES, "0,3\n1,4\n"),
         match=r"the truth names genes by SERGIO's numeric ids, .* score against the network.csv"),
    # where the parallel parts run (--workers, --scheduler)
    Case("workers-zero", "also", "`infer --method grnboost2 --workers 0`",
         lambda d: infer_argv(d, beeline(d), "--workers", "0", method="grnboost2"),
         match=r"--workers must be a whole number of at least 1"),
    Case("scheduler-not-an-address", "also", "`infer --method grnboost2 --scheduler localhost` (no port)",
         lambda d: infer_argv(d, beeline(d), "--scheduler", "localhost", method="grnboost2"),
         match=r"'localhost' is not a Dask scheduler address .*tcp://"),
    Case("scheduler-not-answering", "also", "`infer --method genie3 --scheduler tcp://127.0.0.1:1` (nothing there)",
         lambda d: infer_argv(d, beeline(d), "--scheduler", "tcp://127.0.0.1:1", method="genie3"),
         match=r"no Dask scheduler answered at tcp://127.0.0.1:1 .*dask scheduler"),
    Case("workers-and-scheduler", "also", "`--workers 2 --scheduler tcp://…` (both)",
         lambda d: infer_argv(d, beeline(d), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1",
                              method="grnboost2"), match=r"argument --scheduler: not allowed with argument --workers"),
    Case("workers-for-a-serial-method", "also", "`infer --method pearson --workers 4`",
         lambda d: infer_argv(d, beeline(d), "--workers", "4"), expect="ok",
         result="the network, with a warning that only grnboost2 and genie3 use workers",
         match=r"--workers and --scheduler speed up only grnboost2 and genie3; pearson runs in this process",
         check=lambda d: len(read_edges(d)) == 3 * 7),
    Case("train-scheduler-not-answering", "also", "`train --scheduler tcp://127.0.0.1:1` (checked before simulating)",
         lambda d: [*TRAIN, "--scheduler", "tcp://127.0.0.1:1", "-o", str(d / "m.pt")],
         match=r"no Dask scheduler answered at tcp://127.0.0.1:1"),
    # names one letter or one case away from a file (session 30)
    Case("tf-file-case", "misleading", "`--tfs TFs.txt` where the folder holds tfs.txt",
         lambda d: ["infer", str(beeline(d)), "--tfs", str(d / "TFs.txt"), "-o", str(d / "out.tsv")],
         match=r"TF file .*TFs.txt does not exist \(in that folder: tfs.txt\)"),
    Case("expression-file-typo", "misleading", "`infer exprs.csv` where the folder holds expr.csv",
         lambda d: ["infer", str(beeline(d) and d / "exprs.csv"), "--tfs", str(d / "tfs.txt"), "-o",
                    str(d / "out.tsv")],
         match=r"expression file .*exprs.csv does not exist \(in that folder: expr.csv\)"),
    # grnular evaluate, from an audit of 2026-12-03 (session 30)
    Case("evaluate-truth-target-first", "silent", "a truth headed `target,regulator` (target first: every edge read "
         "backwards before)", _evaluate(GOOD_EDGES, "target,regulator\nG3,G0\nG4,G1\n"),
         result="columns taken by name: AUPRC 1.0", expect="ok", check=_check_json("auprc", lambda v: v == 1.0)),
    Case("evaluate-truth-header-words", "silent", "a truth headed `source_gene,target_gene` (the header was "
         "scored as an edge before)", _evaluate(GOOD_EDGES, "source_gene,target_gene\nG0,G3\nG1,G4\n"),
         result="read as a header: 2 true edges, AUPRC 1.0", expect="ok",
         check=_check_json("n_true_edges", lambda v: v == 2)),
    Case("evaluate-dorothea-truth", "silent", "DoRothEA's `tf,confidence,target,mor` as the truth (tf → confidence "
         "before)", _evaluate(GOOD_EDGES, "tf,confidence,target,mor\nG0,A,G3,1\nG1,B,G4,-1\n"),
         result="tf → target: AUPRC 1.0", expect="ok", check=_check_json("auprc", lambda v: v == 1.0)),
    Case("evaluate-truth-unknown-header", "silent", "a truth headed `node_a,node_b`",
         _evaluate(GOOD_EDGES, "node_a,node_b\nG0,G3\nG1,G4\n"), match=r"reads as a header, but it names no "
         r"regulator and target column"),
    Case("evaluate-edges-as-truth", "silent", "the edge list given as its own truth (AUPRC 1 before)",
         lambda d: ["evaluate", str(edge_list(d, GOOD_EDGES)), "--truth", str(d / "edges.tsv")],
         match=r"--truth .* is the edge list itself"),
    Case("evaluate-truth-with-scores", "silent", "a ranked edge list (BEELINE's rankedEdges.csv) given as the truth",
         _evaluate(GOOD_EDGES, "Gene1\tGene2\tEdgeWeight\nG0\tG3\t0.9\nG1\tG4\t0.1\n"),
         result="scored, with a warning that every listed pair counts as true", expect="ok",
         match=r"the truth network has a score column \('EdgeWeight'\)", check=_check_json("n_true_edges", lambda v: v == 2)),
    Case("evaluate-every-pair-true", "misleading", "a truth that connects every pair it scores (null scores, exit 0 "
         "before)", _evaluate([("G0", "G3", 0.9), ("G3", "G0", 0.1)], "Gene1,Gene2\nG0,G3\nG3,G0\n"),
         match=r"every one of the 2 pairs the 'beeline' protocol scores is a true edge"),
    Case("evaluate-nan-on-line-1", "misleading", "a headerless edge list whose first importance is NaN (taken for a "
         "header before)", _evaluate_file("G0\tG3\tnan\nG1\tG4\t0.8\n", "edges.tsv"),
         match=r"importance: 1 \(first: line 1, G0 → G3: 'nan'\)"),
    Case("evaluate-decimal-comma", "misleading", "importances written with a decimal comma (`0,9`)",
         _evaluate_file("G0\tG3\t0,9\nG1\tG4\t0,8\n", "edges.tsv"), match=r"'0,9', a decimal comma"),
    Case("evaluate-some-genes-in-another-case", "misleading", "a truth naming some genes in another case",
         _evaluate(GOOD_EDGES, "Gene1,Gene2\nG0,G3\ng1,g4\n"), result="scored, the warning names the case",
         expect="ok", match=r"2 of them are in it in another case \(e.g. g1 as G1\)",
         check=_check_json("n_true_edges", lambda v: v == 2)),
    Case("evaluate-all-negative", "silent", "an edge list of log-probabilities (every importance negative)",
         _evaluate([("G0", "G3", -0.1), ("G1", "G4", -0.2), ("G0", "G4", -3.0), ("G1", "G3", -2.0)]),
         result="ranked by absolute value, with a warning", expect="ok",
         match=r"every importance of the edge list is negative or zero; .* convert them first",
         check=_check_json("auprc", lambda v: v < 1.0)),
    Case("infer-top-zero", "also", "`infer --top 0`", lambda d: infer_argv(d, beeline(d), "--top", "0"),
         match=r"top=0 \(--top\): give a whole number of edges to keep, at least 1"),
    Case("infer-top", "also", "`infer --top 5` (a genome-wide network keeps only its best edges)",
         lambda d: infer_argv(d, beeline(d), "--top", "5"), result="the 5 highest-scoring edges", expect="ok",
         check=lambda d: len(read_edges(d)) == 5 and read_edges(d)["importance"].is_monotonic_decreasing),
    Case("cells-by-genes-with-row-numbers", "silent", "a cells × genes CSV written by pandas' to_csv (a first "
         "column of row numbers), read as genes × cells (ran on the cells before)", _row_numbers_csv,
         match=r"genes are labelled by position .* pass --cells-in-rows .* or --genes-in-rows"),
]


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# ---- running a case -------------------------------------------------------------------------------------------

_SIGNAL_SCRIPT = textwrap.dedent("""
    import signal, sys
    import pandas as pd
    from grnular_lib.cli import main
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal: a background job ignores SIGINT
    write = pd.DataFrame.to_csv
    def interrupted(self, path, *a, **k):
        write(self.head(3), path, *a, **k)  # part of the file is on disk
        signal.raise_signal({sig})  # to this (the main) thread: the handler runs before to_csv returns
    pd.DataFrame.to_csv = interrupted
    sys.exit(main(sys.argv[1:]))
""")


def run_case(case: Case, d: Path) -> tuple[int, str]:
    """Build the case in ``d``, run it; (exit status, stderr). Files made by the setup are listed in ``d/.before``."""
    cwd = os.getcwd()
    try:
        return _run_case(case, d)
    finally:
        os.chdir(cwd)


def _run_case(case: Case, d: Path) -> tuple[int, str]:
    from grnular_lib.cli import main

    argv = case.make(d)
    before = {p.name for p in d.iterdir()}
    if case.signal is not None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run([sys.executable, "-c", _SIGNAL_SCRIPT.format(sig=int(case.signal)), *argv],
                              capture_output=True, text=True, env=env, cwd=d)
        rc, err = proc.returncode, proc.stderr
    else:
        out, err_io = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err_io):
            try:
                rc = main(argv)
            except SystemExit as exc:  # argparse
                rc = exc.code
        (d / "stdout.txt").write_text(out.getvalue())
        before.add("stdout.txt")
        err = err_io.getvalue()
    if case.expect == "error":
        new = sorted({p.name for p in d.iterdir()} - before - set(case.keep))
        assert not new, f"an error left files behind: {new}"
    return int(rc), err


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    if case.id == "unwritable-output" and not Path("/proc").is_dir():
        pytest.skip("needs /proc (a folder nobody can create files in)")
    rc, err = run_case(case, tmp_path)
    assert "Traceback" not in err
    if case.expect == "error":
        assert rc == case.rc, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("grnular: error: "), err
        assert re.search(case.match, lines[0]), lines[0]
    else:
        assert rc == 0, err
        assert "grnular: error" not in err, err
        if case.match:
            assert re.search(case.match, err), err
    if case.check is not None:
        assert case.check(tmp_path) is not False


def test_the_table_lists_every_case():
    rows = [ln.split("|")[1].strip(" `") for ln in TABLE.read_text().splitlines() if ln.startswith("| `")]
    assert rows == [c.id for c in CASES], "tests/BAD_INPUTS.md is out of date: run python tests/test_bad_inputs.py"


def write_table(path: Path = TABLE) -> None:
    """Run every case and write the Markdown table of outcomes."""
    import tempfile

    lines = ["# Bad and tricky inputs (issue 9) and what `grnular` does with them", "",
             "Written by `python tests/test_bad_inputs.py` from the cases of `tests/test_bad_inputs.py`, which assert "
             "each outcome (exit status, one line, no file left, the result). Sections: data loss, silent wrong "
             "answers, tracebacks before, misleading messages, also (h5ad options, file mode).", "",
             "| case | section | input | outcome |", "|---|---|---|---|"]
    for case in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            rc, err = run_case(case, Path(tmp))
        if case.expect == "error":
            outcome = f"exit {rc}: {err.strip().splitlines()[-1]}"
        else:
            warnings_ = [ln for ln in err.strip().splitlines() if ln.startswith("grnular: warning:")]
            outcome = f"exit {rc}: {case.result}" + (f"; {warnings_[0]}" if warnings_ else "")
        outcome = outcome.replace(tmp, "…").replace("|", "\\|")
        lines.append(f"| `{case.id}` | {case.section} | {case.text.replace('|', chr(92) + '|')} | {outcome} |")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_table()


def test_closed_stdout_ends_quietly(tmp_path):
    """`grnular evaluate … | head -1`: the reader went away; no traceback (exit 141, as a SIGPIPE'd tool)."""
    read, write = os.pipe()
    os.close(read)
    argv = ["evaluate", str(edge_list(tmp_path, GOOD_EDGES)), "--truth", str(truth(tmp_path))]
    proc = subprocess.run([sys.executable, "-c", "import sys; from grnular_lib.cli import main; sys.exit(main())",
                           *argv], stdout=write, stderr=subprocess.PIPE, text=True)
    os.close(write)
    assert proc.returncode == 141 and proc.stderr == ""
