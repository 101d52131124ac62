"""Reading and writing SERGIO's GRN files (interaction file and master-regulator file).

Interaction file, one row per target gene, no header: ``target, n_regs, reg_1..reg_n, K_1..K_n, coop_1..coop_n``.
Regulator file, one row per master regulator: ``id, rate_type_0 .. rate_type_{B-1}``. Ids are 0-based and often
written as floats (``53.0``); gene ``i`` is named ``G{i}``. Either file may be gzip-compressed, start with a UTF-8
byte-order mark or end its lines in a comma.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..outputs import atomic_write
from ..textfiles import read_text_file
from .graph import GRN


def _lines(path: Path) -> list[str]:
    """The text lines of a SERGIO file (gzip-compressed or not; a UTF-8 byte-order mark is dropped)."""
    return read_text_file(path, "SERGIO file", "the path of SERGIO's interaction or regulator file "
                          "(Interaction_cID_*.txt, Regs_cID_*.txt)").splitlines()


def _rows(path: Path):
    """(line number, numeric fields) for every non-empty line; a non-numeric field names the file and line; an
    empty trailing field (a line ending in a comma) is dropped."""
    lines = _lines(path)
    if not any(line.strip() for line in lines):
        raise InputError(f"SERGIO file {path} is empty; give SERGIO's interaction or regulator file")
    for number, line in enumerate(lines, start=1):
        text = line.strip().rstrip(",").rstrip()
        if not text:
            continue
        fields = [f.strip() for f in text.split(",")]
        try:
            values = [float(f) for f in fields]
        except ValueError:
            bad = next(f for f in fields if not _is_float(f))
            raise InputError(f"{path}, line {number}: field {bad!r} is not a number; SERGIO files hold only "
                             "comma-separated numbers") from None
        if not all(np.isfinite(values)):
            raise InputError(f"{path}, line {number}: non-finite number; give finite values")
        yield number, values


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _gene_id(value: float, path: Path, number: int, what: str = "gene id", hint: str = "") -> int:
    if value != int(value) or value < 0:
        raise InputError(f"{path}, line {number}: {what} {value:g} is not a non-negative whole number{hint}")
    return int(value)


def read_sergio(interactions: str | os.PathLike, regulators: str | os.PathLike) -> GRN:
    """Read a GRN from SERGIO's interaction and master-regulator files.

    Parameters
    ----------
    interactions
        ``Interaction_cID_*.txt``: ``target, n_regs, regs…, K…, coop…`` per line.
    regulators
        ``Regs_cID_*.txt``: ``id, basal rate per cell type…`` per line; the number of cell types is the number of
        rate columns, the same on every line.

    Returns
    -------
    GRN
        Genes ``G0 … G{max id}``.

    Raises
    ------
    InputError
        Naming the file and line: a non-numeric field, a row whose length does not match its ``n_regs``, a missing
        or extra rate column, a target listed twice, a master regulator listed as a target, K = 0, a negative rate;
        or naming the gene: a cycle, a gene that is neither regulated nor a master regulator.
    """
    interactions, regulators = Path(interactions), Path(regulators)
    reg, tgt, K, coop = [], [], [], []
    target_line: dict[int, int] = {}
    for number, f in _rows(interactions):
        if len(f) < 2:
            raise InputError(f"{interactions}, line {number}: expected target, n_regs, regulators, K's and Hill "
                             "coefficients")
        target = _gene_id(f[0], interactions, number)
        n = _gene_id(f[1], interactions, number, "n_regs",
                     " (is it the regulator file? --sergio-interactions takes Interaction_cID_*.txt, "
                     "--sergio-regulators Regs_cID_*.txt)")
        if n == 0 or len(f) != 2 + 3 * n:
            raise InputError(f"{interactions}, line {number}: n_regs = {f[1]:g} needs {2 + 3 * n} fields "
                             f"(target, n_regs, {n} regulators, {n} K's, {n} Hill coefficients) but the line has "
                             f"{len(f)}; fix n_regs or the row")
        if target in target_line:
            raise InputError(f"{interactions}, line {number}: target G{target} was already listed on line "
                             f"{target_line[target]}; give all regulators of a target on one line")
        target_line[target] = number
        ks = f[2 + n:2 + 2 * n]
        if 0.0 in ks:
            raise InputError(f"{interactions}, line {number}: K = 0 for regulator "
                             f"G{int(f[2 + ks.index(0.0)])} of G{target}; use K > 0 (activation) or K < 0 "
                             "(repression), or drop the edge")
        reg += [_gene_id(v, interactions, number) for v in f[2:2 + n]]
        tgt += [target] * n
        K += ks
        coop += f[2 + 2 * n:]
    masters, rates, n_types = [], [], None
    master_line: dict[int, int] = {}
    for number, f in _rows(regulators):
        gene = _gene_id(f[0], regulators, number)
        if n_types is None:
            n_types = len(f) - 1
            if n_types == 0:
                raise InputError(f"{regulators}, line {number}: no basal rates; give one rate per cell type after "
                                 "the gene id")
        elif len(f) - 1 != n_types:
            kind = "missing" if len(f) - 1 < n_types else "extra"
            raise InputError(f"{regulators}, line {number}: {len(f) - 1} rates where line 1 has {n_types} "
                             f"({kind} rate columns); give one rate per cell type on every line")
        if any(r < 0 for r in f[1:]):
            raise InputError(f"{regulators}, line {number}: negative basal rate for G{gene}; rates must be >= 0")
        if gene in target_line:
            raise InputError(f"{regulators}, line {number}: G{gene} is a master regulator but also a target on "
                             f"line {target_line[gene]} of {interactions}; a master regulator has no regulators")
        if gene in master_line:
            raise InputError(f"{regulators}, line {number}: G{gene} was already listed on line {master_line[gene]}; "
                             "list each master regulator once, with one rate per cell type")
        master_line[gene] = number
        masters.append(gene)
        rates.append(f[1:])
    if not masters:
        raise InputError(f"{regulators} lists no master regulator; a GRN needs at least one gene with basal rates")
    n_genes = 1 + max([*reg, *tgt, *masters])
    listed = {*reg, *tgt, *masters}
    if len(listed) < n_genes:  # before GRN allocates n_genes of everything
        missing = next(i for i in range(n_genes) if i not in listed)
        raise InputError(f"{interactions} + {regulators}: gene ids run to {n_genes - 1} but {n_genes - len(listed):,} "
                         f"of 0 … {n_genes - 1} appear in neither file (e.g. G{missing}); SERGIO numbers the genes "
                         "0 … n−1, each a target or a master regulator")
    try:
        return GRN(genes=[f"G{i}" for i in range(n_genes)], regulator=reg, target=tgt, K=K, hill=coop,
                   master_regulators=masters, basal_rates=np.array(rates))
    except InputError as exc:
        raise InputError(f"{interactions} + {regulators}: {exc}") from None


def write_sergio(grn: GRN, interactions: str | os.PathLike, regulators: str | os.PathLike) -> None:
    """Write ``grn`` in SERGIO's two-file format; gene ids are the genes' positions in ``grn.genes``."""
    lines = []
    for t in np.unique(grn.target):
        e = np.flatnonzero(grn.target == t)
        fields = [str(int(t)), str(e.size), *map(str, grn.regulator[e]), *map(repr, grn.K[e].tolist()),
                  *map(repr, grn.hill[e].tolist())]
        lines.append(",".join(fields))
    text = "\n".join(lines) + "\n"
    atomic_write(Path(interactions), lambda tmp: tmp.write_text(text))
    rows = [",".join([str(int(m)), *map(repr, r.tolist())]) for m, r in zip(grn.master_regulators, grn.basal_rates)]
    text = "\n".join(rows) + "\n"
    atomic_write(Path(regulators), lambda tmp: tmp.write_text(text))
