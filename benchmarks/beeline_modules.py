"""How much of a method's BEELINE score comes from the candidate regulators of one biological process?

BEELINE's TF lists hold some proteins that are not sequence-specific transcription factors (the MCM2–7 helicase,
RAD51, …), and STRING links the members of a protein complex with one another. Where such members are strongly
co-expressed (a proliferation module), plain correlation finds those links and scores high, while a method that looks
for each gene's direct regulators does not. This script scores each method on each BEELINE dataset × network twice
(TF → gene protocol): with every TF of the list as a candidate regulator, and with the TFs annotated to a GO
biological process (default GO:0006260 DNA replication; mouse GO-BP sets of the mirror, matched by upper-case
symbol) left out of the evaluation. Every method runs once per dataset with every TF as a candidate, so only the
pairs scored change, not the methods' inputs.

    python benchmarks/beeline_modules.py [--go GO:0006260] [--beeline mHSC-GM/TFs+500 ...] [--methods ...]

Prints one table: AUPRC of each method with all TFs and without the process's TFs, and the best floor's.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from grnular_lib.dataset import GRNDataset

FLOORS = ("pearson", "precision", "ridge", "rank-average")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--go", default="GO:0006260", help="GO id or exact term name (default: DNA replication)")
    parser.add_argument("--beeline", nargs="*", default=["mHSC-GM/TFs+500", "mESC/TFs+500", "mDC/TFs+500",
                                                          "hHEP/TFs+500"],
                        help="BEELINE dataset/gene set")
    parser.add_argument("--networks", nargs="*", default=["STRING", "NonSpecific-ChIP-seq"])
    parser.add_argument("--methods", nargs="*", default=["grnular-rank", *FLOORS],
                        help="methods (the four floors are always added)")
    args = parser.parse_args(argv)

    from grnular_lib.data.beeline import load_beeline
    from grnular_lib.data.case_study import read_go_sets
    from grnular_lib.errors import GRNularError
    from grnular_lib.infer import check_method

    try:
        methods = list(dict.fromkeys([check_method(m) for m in args.methods] + list(FLOORS)))
        (term, members), = read_go_sets([args.go]).items()
        datasets = [load_beeline(*_split(spec), network) for spec in args.beeline for network in args.networks]
    except GRNularError as err:
        print(f"grnular: error: {err}", file=sys.stderr)
        return 2
    frame = pd.DataFrame([_row(data, methods, set(members)) for data in datasets])
    with pd.option_context("display.width", 250, "display.max_columns", 50, "display.precision", 3):
        print(f"Left out: the TFs annotated to {term}.")
        print(frame.to_string(index=False))
    return 0


def _split(spec: str) -> tuple[str, str]:
    dataset, _, geneset = spec.partition("/")
    return dataset, geneset or "TFs+500"


def _row(data: GRNDataset, methods: list[str], members: set[str]) -> dict[str, Any]:
    """One dataset × network: AUPRC of each method with every TF and without the TFs in ``members``."""
    from grnular_lib.infer import score_matrix
    from grnular_lib.metrics import score

    X, tf, truth = data.expression, np.asarray(data.tf_index), data.truth_matrix()
    genes = np.asarray([str(g).upper() for g in data.genes])
    in_term = np.isin(genes[tf], list(members))
    dataset, _, network = data.name.rpartition("/")
    row = {"dataset": dataset, "network": network, "TFs": len(tf), "TFs in term": int(in_term.sum()),
           "their edges": int((truth[tf[in_term]] != 0).sum()), "edges": int((truth[tf] != 0).sum())}
    for method in methods:
        S = score_matrix(X, tf, method, gene_names=list(genes))
        row[f"{method} all"] = score(S, truth, protocol="tf", tf_index=tf)["auprc"]
        row[f"{method} without"] = score(S, truth, protocol="tf", tf_index=tf[~in_term])["auprc"]
    for part in ("all", "without"):
        row[f"best floor {part}"] = max(row[f"{f} {part}"] for f in FLOORS)
    print(f"{data.name}: done", file=sys.stderr, flush=True)
    return row


if __name__ == "__main__":
    sys.exit(main())
