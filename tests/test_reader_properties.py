"""Property-based tests of the readers (hypothesis): generated malformed tables and TF files given to `grnular infer`.

Malformed input must end in exit status 2 with exactly one line ``grnular: error: …`` on stderr, no traceback and
no output file (temporary files included). Arbitrary bytes must end either that way or in a complete edge list.
The examples are derandomized (the same on every run), so the tests are deterministic.
"""
from __future__ import annotations

import io
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grnular_lib.cli import main

SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
GENES = ["G0", "G1", "G2", "G3", "G4", "G5"]


def _table(values: np.ndarray, genes: list[str], cells: list[str], sep: str = ",") -> list[list[str]]:
    """Rows of a genes × cells table (BEELINE's layout), header first, as strings."""
    rows = [[""] + cells]
    rows += [[g] + [repr(float(v)) for v in row] for g, row in zip(genes, values)]
    return rows


def _render(rows: list[list[str]], sep: str = ",") -> bytes:
    return ("\n".join(sep.join(r) for r in rows) + "\n").encode()


@st.composite
def valid_rows(draw) -> list[list[str]]:
    n_cells = draw(st.integers(3, 8))
    values = draw(st.lists(st.floats(0.0, 100.0, allow_nan=False, width=32), min_size=len(GENES) * n_cells,
                            max_size=len(GENES) * n_cells))
    values = np.asarray(values).reshape(len(GENES), n_cells)
    values[:, 0] += np.arange(len(GENES))  # no constant gene: every gene differs between cells 0 and 1
    values[:, 1] += 2 * np.arange(len(GENES)) + 1
    return _table(values, GENES, [f"cell{i}" for i in range(n_cells)])


# A malformation: a function (rows, draw) -> file bytes; every one makes the table unusable.
def _non_numeric(rows, draw):
    i, j = draw(st.integers(1, len(rows) - 1)), draw(st.integers(1, len(rows[1]) - 1))
    rows[i][j] = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz?!/-", min_size=1, max_size=6))
    return _render(rows)


def _missing_value(rows, draw):
    i, j = draw(st.integers(1, len(rows) - 1)), draw(st.integers(1, len(rows[1]) - 1))
    rows[i][j] = draw(st.sampled_from(["", "NA", "nan", "inf", "-inf", "1e400"]))
    return _render(rows)


def _negative(rows, draw):
    i, j = draw(st.integers(1, len(rows) - 1)), draw(st.integers(1, len(rows[1]) - 1))
    rows[i][j] = repr(-draw(st.floats(0.001, 1e6)))
    return _render(rows)


def _extra_field(rows, draw):
    rows[draw(st.integers(1, len(rows) - 1))].append("1.0")
    return _render(rows)


def _duplicate_gene(rows, draw):
    i, k = draw(st.lists(st.integers(1, len(rows) - 1), min_size=2, max_size=2, unique=True))
    rows[k][0] = rows[i][0]
    return _render(rows)


def _unnamed_gene(rows, draw):
    rows[draw(st.integers(1, len(rows) - 1))][0] = ""
    return _render(rows)


def _semicolons(rows, draw):
    return _render(rows, sep=";")


def _truncated(rows, draw):
    keep = draw(st.integers(0, 1))  # nothing, or the header only
    return _render(rows[:keep]) if keep else b""


def _binary(rows, draw):
    return draw(st.sampled_from([b"\x89HDF\r\n\x1a\n" + b"\x00" * 40, b"PK\x03\x04" + b"\x00" * 40,
                                 b"\x1f\x8b\x08\x00" + bytes(30), "é,ü\n".encode("latin-1") * 5]))


MALFORMATIONS = [_non_numeric, _missing_value, _negative, _extra_field, _duplicate_gene, _unnamed_gene, _semicolons,
                 _truncated, _binary]


def _run(expression: bytes, tfs: bytes, name: str = "expr.csv") -> tuple[int, str, str, list[str]]:
    """Run ``grnular infer`` on the given file contents; (exit status, stderr, the edge list written or "", the files
    left besides the inputs)."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / name).write_bytes(expression)
        (d / "tfs.txt").write_bytes(tfs)
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            rc = main(["infer", str(d / name), "--tfs", str(d / "tfs.txt"), "--method", "pearson",
                       "-o", str(d / "out.tsv")])
        left = sorted(p.name for p in d.iterdir() if p.name not in (name, "tfs.txt"))
        edges = (d / "out.tsv").read_text() if (d / "out.tsv").exists() else ""
    return rc, err.getvalue(), edges, left


def _assert_one_line_error(rc: int, err: str, left: list[str]) -> None:
    lines = err.strip().splitlines()
    assert rc == 2, err
    assert len(lines) == 1 and lines[0].startswith("grnular: error: "), err
    assert "Traceback" not in err and left == [], (err, left)


@SETTINGS
@given(rows=valid_rows(), malformation=st.sampled_from(MALFORMATIONS), data=st.data())
def test_malformed_tables_are_one_line_errors(rows, malformation, data):
    content = malformation([list(r) for r in rows], data.draw)
    rc, err, _, left = _run(content, b"G0\nG1\n")
    _assert_one_line_error(rc, err, left)


@st.composite
def malformed_tf_file(draw) -> bytes:
    kind = draw(st.sampled_from(["empty", "comments", "header", "absent", "binary", "latin1"]))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n\n", b"  \t \n"]))
    if kind == "comments":
        return b"".join(b"# " + draw(st.text("abc XYZ", max_size=10)).encode() + b"\n" for _ in range(3))
    if kind == "header":
        return draw(st.sampled_from([b"TF\n", b"TF,Sources\n", b"\xef\xbb\xbfGene\n"]))
    if kind == "absent":  # symbols none of which is a gene of the data
        names = draw(st.lists(st.from_regex(r"[A-Z][a-z0-9]{1,6}", fullmatch=True).filter(lambda s: s.upper()
                              not in GENES and s.lower() not in {"tf", "tfs", "gene", "genes", "symbol", "symbols",
                                                                  "name", "regulator"}), min_size=1, max_size=5))
        sep = draw(st.sampled_from(["\n", ",", " ", "\t"]))
        return sep.join(names).encode()
    if kind == "binary":
        return b"\x00\x01\x02G0\n"
    return "Ébauche\nG\xe9ne\n".encode("latin-1")


@SETTINGS
@given(rows=valid_rows(), tfs=malformed_tf_file())
def test_malformed_tf_files_are_one_line_errors(rows, tfs):
    rc, err, _, left = _run(_render(rows), tfs)
    _assert_one_line_error(rc, err, left)


@SETTINGS
@given(content=st.binary(max_size=300), tfs=st.binary(max_size=60), name=st.sampled_from(
    ["expr.csv", "expr.tsv", "expr.csv.gz", "expr.txt"]))
def test_any_bytes_give_a_result_or_one_line(content, tfs, name):
    rc, err, edges, left = _run(content, tfs, name)
    assert "Traceback" not in err
    if rc == 0:
        assert left == ["out.tsv"] and edges.startswith("TF\ttarget\timportance")
    else:
        _assert_one_line_error(rc, err, left)


@SETTINGS
@given(rows=valid_rows(), sep=st.sampled_from([",", "\t"]), name=st.sampled_from(["expr.csv", "expr.tsv"]),
       tf_sep=st.sampled_from(["\n", ",", " ", ", ", "\r\n"]), bom=st.booleans(), quote=st.sampled_from(["", '"']))
def test_valid_files_in_any_accepted_layout_give_the_same_network(rows, sep, name, tf_sep, bom, quote):
    tfs = (b"\xef\xbb\xbf" if bom else b"") + tf_sep.join(f"{quote}{t}{quote}" for t in ("G0", "G1")).encode()
    rc, err, edges, left = _run(_render(rows, sep), tfs, name)
    reference = _run(_render(rows), b"G0\nG1\n")[2]
    assert rc == 0 and left == ["out.tsv"], err
    assert edges == reference
