"""Material of the paper's mESC case study (§3.4): expression with CFC1, pseudotime, and mouse GO gene sets."""
from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..dataset import GRNDataset
from ..errors import InputError
from .beeline import parse_cell_names, read_beeline_expression, read_network, read_tf_symbols
from .resolve import resolve_file

CASE_EXPRESSION = "beeline/mESC/case-study/ExpressionData-TFs500-plus-CFC1.csv.gz"
CASE_PSEUDOTIME = "beeline/mESC/case-study/PseudoTime.csv"
GO_TERMS_TSV = "go/mouse_GO_BP_2015_stem_endoderm_terms.tsv"
GO_GMT_ZIP = "go/Mus_musculus_GSEA_GO_sets_bp_symbols_highquality_April_2015.gmt.zip"
#: The cell whose pseudotime is 0.0 in the redistributed file: a missing value, not the start of the trajectory.
MISSING_PSEUDOTIME_CELLS = ("RamDA_mESC_48h_C06",)
_GO_ID = re.compile(r"GO:\d{7}")


def load_mesc_case_study(*, network: str = "STRING",
                         data_dir: str | os.PathLike | None = None) -> tuple[GRNDataset, pd.Series]:
    """The mESC TFs+500 matrix plus CFC1 (1121 genes × 421 cells) and its Slingshot pseudotime.

    Parameters
    ----------
    network
        BEELINE network of mESC TFs+500 used as ground truth (``STRING``, ``NonSpecific-ChIP-seq``,
        ``Specific-ChIP-seq``), restricted to the genes.
    data_dir
        A data folder searched first.

    Returns
    -------
    (GRNDataset, pandas.Series)
        The dataset (name ``"mESC/TFs+500+CFC1/<network>"``, TFs from BEELINE's mouse list, ``obs`` with ``time``,
        ``sample`` and ``pseudotime``) and the pseudotime per cell in the expression's cell order, with NaN for
        :data:`MISSING_PSEUDOTIME_CELLS` (0.0 in the file).
    """
    label = "mESC case study"
    X, genes, cells = read_beeline_expression(resolve_file(CASE_EXPRESSION, data_dir=data_dir, dataset=label))
    pt = pd.read_csv(resolve_file(CASE_PSEUDOTIME, data_dir=data_dir, dataset=label), index_col=0).iloc[:, 0]
    pt.index = pt.index.astype(str)
    if list(pt.index) != cells:
        raise InputError(f"{CASE_PSEUDOTIME}: cells differ from the expression's cells; the two files must come from "
                         "the same BEELINE mESC input (see data_manifests/mesc-case-study.yaml)")
    pt = pt.astype(float).rename("pseudotime")
    pt[pt.index.isin(MISSING_PSEUDOTIME_CELLS)] = np.nan
    truth = read_network(resolve_file(f"beeline/mESC/TFs+500/{network}-network.csv.gz", data_dir=data_dir,
                                      dataset=label), genes)
    tf_set = set(read_tf_symbols("mouse", data_dir=data_dir))
    obs = parse_cell_names(cells)
    obs["pseudotime"] = pt.to_numpy()
    data = GRNDataset(name=f"mESC/TFs+500+CFC1/{network}", expression=X, genes=genes,
                      tfs=[g for g in genes if g in tf_set], truth=truth, obs=obs)
    return data, pt


def _read_gmt(data_dir: str | os.PathLike | None) -> dict[str, tuple[str, list[str]]]:
    """GO id → (term name, genes) from go2msig's GMT (names like ``stem_cell_differentiation(6)``)."""
    with zipfile.ZipFile(resolve_file(GO_GMT_ZIP, data_dir=data_dir, dataset="mouse GO sets")) as z:
        text = io.TextIOWrapper(z.open(z.namelist()[0]), encoding="utf-8")
        out = {}
        for line in text:
            fields = line.rstrip("\n").split("\t")
            match = _GO_ID.search(fields[1]) if len(fields) > 2 else None
            if match:
                name = re.sub(r"\(\d+\)$", "", fields[0]).replace("_", " ")
                out[match.group()] = (name, [g.upper() for g in fields[2:] if g])
    return out


def read_go_sets(terms: Iterable[str] | None = None, *,
                 data_dir: str | os.PathLike | None = None) -> dict[str, list[str]]:
    """Mouse GO biological-process gene sets (go2msig, April 2015), upper-case symbols.

    Parameters
    ----------
    terms
        GO ids (``"GO:0007492"``) or term names (``"endoderm development"``). ``None``: the 17 shipped terms on
        stem-cell differentiation, endoderm and cell fate. Terms not among those are looked up in the full GMT.

    Returns
    -------
    dict
        ``"GO:0007492 endoderm development"`` → sorted gene symbols, in the order asked.
    """
    curated = pd.read_csv(resolve_file(GO_TERMS_TSV, data_dir=data_dir, dataset="mouse GO sets"), sep="\t")
    sets = {r.go_id: (r.term, sorted(str(r.genes).split(","))) for r in curated.itertuples(index=False)}
    if terms is None:
        return {f"{i} {name}": genes for i, (name, genes) in sets.items()}
    terms = [str(t).strip() for t in ([terms] if isinstance(terms, str) else terms)]
    wanted = []
    for t in terms:
        gid = _GO_ID.search(t)
        wanted.append((gid.group() if gid else None, t.lower()))
    if any((gid or "") not in sets and not any(n.lower() == name for n, _ in sets.values()) for gid, name in wanted):
        sets = {**_read_gmt(data_dir), **sets}
    by_name = {name.lower(): i for i, (name, _) in sets.items()}
    out, unknown = {}, []
    for (gid, name), raw in zip(wanted, terms):
        key = gid if gid in sets else by_name.get(name)
        if key is None:
            unknown.append(raw)
            continue
        out[f"{key} {sets[key][0]}"] = sorted(sets[key][1])
    if unknown:
        raise InputError(f"GO term(s) {unknown} not found among the mouse GO-BP sets of go2msig (April 2015); give GO "
                         "ids like 'GO:0007492' or exact term names such as 'endoderm development'")
    return out
