"""Chapter 2, clean simulated data (Fig. 4): the paper's statements and the authors' one published number."""
from __future__ import annotations

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim, trend_claim, value_claim

from .simulated import common_claims

#: The authors' one published notebook result (their code; clean, D=100, 5 types × 200 cells, 50 test graphs).
AUTHORS_CLEAN_AUPRC = (0.798, 0.050)


def claims() -> list[Claim]:
    """The statements of §3.2.1 (Fig. 4), checked per number of cells and cell types."""
    return [
        *common_claims("Fig. 4", ["cells", "cell_types"], glad_paper="GLAD better than GRNBoost2 and GLASSO",
                       grnular_paper="the unrolled algorithms consistently outperform others without noise, with "
                                     "and without TFs (§3.2.1)"),
        trend_claim("GRNUlar's AUPRC rises with the number of cells M", "rises with M (Fig. 4)", method="GRNUlar",
                    x="cells", direction="up"),
        value_claim("GRNUlar AUPRC at M = 1000, C = 5 (authors' published notebook, 50 graphs)",
                    f"{AUTHORS_CLEAN_AUPRC[0]:.3f} ± {AUTHORS_CLEAN_AUPRC[1]:.3f} (authors' code, on activating-only "
                    "graphs; this run uses the paper's stated signed edges)",
                    method="GRNUlar", where={"cells": 1000, "cell_types": 5}, reference=AUTHORS_CLEAN_AUPRC[0],
                    tolerance=AUTHORS_CLEAN_AUPRC[1]),
    ]


def paper_vs_run(results: pd.DataFrame) -> pd.DataFrame:
    """The "paper vs this run" table of the chapter: one row per statement of :func:`claims`."""
    return cl.paper_vs_run(results, claims())
