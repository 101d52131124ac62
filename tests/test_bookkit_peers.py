"""The book's peers module: the "not run" line and the published-vs-rerun table."""
import pandas as pd

import notebook_runs  # noqa: F401  (puts notebooks/ on sys.path)
from bookkit import peers


def test_not_run_line_names_the_missing_peer_and_its_cost():
    params = {"profile": "quick", "methods_tf": ["grnular", "pearson"], "methods_no_tf": ["glad"]}
    assert peers.not_run(params) == ["regdiffusion"]
    line = peers.not_run_line(params)
    assert line.startswith("Not run in the quick profile: RegDiffusion (") and "GPU" in line
    assert peers.not_run_line({**params, "methods_tf": ["regdiffusion"]}) == ""


def test_published_numbers_sit_beside_the_rerun():
    results = pd.DataFrame([
        {"protocol": "beeline", "method": "RegDiffusion", "dataset": "mESC", "geneset": "TFs+1000",
         "network": "STRING", "auroc": 0.6, "auprc_ratio": 1.5, "epr": 2.0},
        {"protocol": "beeline", "method": "Pearson-TF", "dataset": "hHEP", "geneset": "TFs+1000",
         "network": "STRING", "auroc": 0.5, "auprc_ratio": 1.0, "epr": 1.0},
        {"protocol": "undirected", "method": "RegDiffusion", "dataset": "mESC", "geneset": "TFs+1000",
         "network": "STRING", "auroc": 0.9, "auprc_ratio": 9.0, "epr": 9.0}])
    table = peers.published_vs_rerun(results)
    assert len(table) == len(peers.PUBLISHED) and table["source"].str.len().gt(10).all()
    got = dict(zip(zip(table["method"], table["dataset"], table["metric"]), table["this run"]))
    assert got[("RegDiffusion", "mESC", "auroc")] == "STRING: 0.6"  # the directed protocol's value, not 0.9
    assert got[("GENIE3", "hHEP", "epr")] == "not run"
    assert got[("GENIE3", "mDC", "epr")] == "not in this run's data"
