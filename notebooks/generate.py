"""Write the papermill templates ``notebooks/NN_name.ipynb`` (without outputs) from the specifications below.

The ``.ipynb`` files are what ships and what ``make book`` executes; this script is how they are kept consistent
(same first cells, same typed parameters cell, same closing cell). Run ``python notebooks/generate.py`` after editing
it. Each parameter defaults to ``None`` = "take the value of the profile" (``notebooks/params/<profile>.yaml``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

#: Meaning of every parameter (shown by ``papermill --help-notebook``), with its type annotation.
PARAMETERS: dict[str, tuple[str, str]] = {
    "train_methods": ("Optional[list[str]]", "models to meta-train: grnular, grnular-base, glad, glad-tf"),
    "model_setting": ("Optional[str]", "shipped checkpoints <method>-<model_setting> to use or compare (e.g. clean, dropout25)"),
    "reproduce_shipped": ("Optional[bool]", "repeat the exact training of the shipped checkpoints (their stored settings)"),
    "genes": ("Optional[int]", "genes D per simulated graph"),
    "cells_per_type": ("Optional[int]", "cells per cell type"),
    "cell_types": ("Optional[list[int]]", "numbers of cell types C (a list)"),
    "dropout_percentile": ("Optional[float]", "dropout percentile of the training data (0: clean, no dropout)"),
    "train_graphs": ("Optional[int]", "training graphs"),
    "valid_graphs": ("Optional[int]", "validation graphs (model selection)"),
    "epochs": ("Optional[int]", "meta-training epochs"),
    "batch_size": ("Optional[int]", "graphs per optimisation step"),
    "seed": ("Optional[int]", "random seed of the test graphs and of the methods"),
    "methods_no_tf": ("Optional[list[str]]", "methods run without TF information (e.g. glad, glasso, grnboost2)"),
    "methods_tf": ("Optional[list[str]]", "methods run with the TF list (e.g. grnular, glad-tf, grnboost2, genie3, pearson, precision, ridge)"),
    "methods": ("Optional[list[str]]", "methods to run (all with the TF list)"),
    "cells": ("Optional[list[int]]", "total numbers of cells M (a list)"),
    "n_test_graphs": ("Optional[int]", "simulated test graphs per setting"),
    "dropout_percentiles": ("Optional[list[float]]", "dropout percentiles q of the test data (shape 20)"),
    "ds_names": ("Optional[list[str]]", "SERGIO datasets: DS1, DS2, DS3"),
    "replicates": ("Optional[int]", "regenerated replicates per dataset (the paper: 15)"),
    "beeline_datasets": ("Optional[list[str]]", "BEELINE datasets: hESC, hHEP, mDC, mESC, mHSC-E, mHSC-GM"),
    "beeline_networks": ("Optional[list[str]]", "ground truths: STRING, NonSpecific-ChIP-seq, Specific-ChIP-seq"),
    "geneset": ("Optional[str]", "BEELINE gene set: TFs+500 or TFs+1000"),
    "preprocessing": ("Optional[str]", "beeline (BEELINE's gene set as is) or paper (top 500 varying genes)"),
    "method": ("Optional[str]", "method whose network is analysed"),
    "go_terms": ("Optional[list[str]]", "GO ids or exact names of mouse GO-BP terms defining the gene set"),
    "score_threshold": ("Optional[float]", "threshold on scores scaled to [0, 1] for the drawn subnetwork (paper: 0.22)"),
    "target": ("Optional[str]", "gene whose predicted regulators are ranked (paper: CFC1)"),
    "regulators": ("Optional[list[str]]", "regulators whose LOWESS trends are drawn along pseudotime"),
    "lowess_frac": ("Optional[float]", "LOWESS span, a fraction of the cells in (0, 1]"),
    "hidden_sizes": ("Optional[list[int]]", "GRNUlar hidden sizes Hd to time (Table 1)"),
    "runtime_methods": ("Optional[list[str]]", "methods to time (Table 2)"),
    "repeats": ("Optional[int]", "timed repeats per method (the median is reported)"),
}


def parameters_cell(names: list[str], types: dict[str, str]) -> nbformat.NotebookNode:
    lines = ['profile: str = "quick"  # settings profile: smoke (seconds), quick (the default book) or paper '
             '(full settings); notebooks/params/<profile>.yaml',
             "# Every parameter below left at None takes the profile's value."]
    for n in names:
        typ, meaning = PARAMETERS[n]
        typ = types.get(n, typ)
        assert "=" not in meaning, f"papermill skips a parameter whose help contains '=': {n}"
        if typ != PARAMETERS[n][0]:
            meaning = meaning.replace(" (a list)", "")
        lines.append(f'{n}: "{typ}" = None  # {meaning}')
    cell = new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["parameters"]
    return cell


def setup_cell(stem: str, names: list[str]) -> nbformat.NotebookNode:
    args = ", ".join(f"{n}={n}" for n in names)
    return new_code_cell(
        "import warnings\n\n"
        "warnings.filterwarnings(\"ignore\", message=\"IProgress not found\")  # tqdm's hint about Jupyter widgets\n"
        "from grnular_lib import experiments as ex, plots\n\n"
        "# Check every parameter first: a bad one stops here with a message naming it and the valid choices.\n"
        f'params = ex.notebook_params("{stem}", profile, {args})\n'
        "client = ex.dask_client()  # a Dask client when DASK_SCHEDULER is set, else None (serial, same results)\n"
        "ex.describe_params(params)")


def closing_cells(stem: str, change: str) -> list[nbformat.NotebookNode]:
    return [new_markdown_cell("## Rerun this\n\nThe command below reruns this chapter with other settings "
                              "(lists go through papermill's `-y`; `make notebook` writes into `book/notebooks/`)."),
            new_code_cell(f'print(ex.rerun_command("{stem}", params, change={change}))')]


def verdict_cells(table_expr: str) -> list[nbformat.NotebookNode]:
    return [new_markdown_cell("## Paper vs this run"),
            new_code_cell(f"comparison = {table_expr}\ncomparison"),
            new_code_cell("print(ex.verdict_sentence(comparison, params))")]


NOTEBOOKS: dict[str, dict] = {}

NOTEBOOKS["01_training"] = dict(
    title="# Meta-training GRNUlar, GLAD and GLAD-TF\n\n"
          "The unrolled models learn their thresholding networks (ρ_nn, λ_nn; GLAD also its "
          "initial shift) from simulated data (paper §2.3, §3.2): random GRNs with 10% TFs and sparsity 0.1 are fed "
          "to the SERGIO simulator, and the models are meta-trained on the loss of Eq. 16 (a differentiable "
          "F_β plus a balanced squared error), keeping the epoch with the best mean validation AUPRC. This "
          "chapter trains each model and compares it with the checkpoint shipped in `grnular_lib/pretrained/`; in "
          "the `paper` profile it repeats the exact training recorded in those checkpoints.",
    params=["train_methods", "model_setting", "reproduce_shipped", "genes", "cells_per_type", "cell_types",
            "dropout_percentile", "train_graphs", "valid_graphs", "epochs", "batch_size", "seed"],
    body=[new_markdown_cell("## Train"),
          new_code_cell("history, trained = ex.train_models(params, client=client)\ntrained"),
          new_markdown_cell("## Learning curves\n\nValidation AUPRC (undirected protocol) after every epoch; "
                            "epoch 0 is the untrained model, the circled point the kept epoch."),
          new_code_cell('fig = plots.learning_curves(history, metric="valid_auprc", hue="model")'),
          *verdict_cells("ex.training_paper_vs_run(trained)"),
          new_markdown_cell("Validation scores are measured on graphs simulated like the training graphs, so they "
                            "are optimistic for other settings; the chapters that follow test the shipped "
                            "checkpoints on fresh test graphs. Runs with fewer or smaller graphs than the shipped "
                            "checkpoints are not expected to reach their validation score.")],
    change='{"epochs": 5, "train_graphs": 10}',
    types={"cell_types": "Optional[int]"},
)

NOTEBOOKS["02_clean"] = dict(
    title="# Clean simulated data (Fig. 4)\n\n"
          "Paper §3.2.1: AUPRC on simulated data without technical noise, D = 100 genes, as the total number of "
          "cells M and the number of cell types C vary (cells are split evenly over the types). Top: methods "
          "without TF information (GLASSO, GRNBoost2, GLAD); bottom: with TFs (GRNBoost2, GENIE3, GLAD-TF, GRNUlar) "
          "and three simple floors this project adds (Pearson-TF, Precision-TF, Ridge-TF). Mean ± standard "
          "deviation over test graphs; undirected scoring as in the paper; the dashed line is the chance level.",
    params=["methods_no_tf", "methods_tf", "model_setting", "genes", "cells", "cell_types", "n_test_graphs", "seed"],
    body=[new_markdown_cell("## Run every method on fresh test graphs"),
          new_code_cell("results = ex.simulated_sweep(params, client=client)\n"
                        'summary = ex.summarise(results, ["tfs", "method", "cell_types", "cells"])'),
          new_markdown_cell("## Without TFs"),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'without TFs\'"), x="cells", col="cell_types")'),
          new_markdown_cell("## With TFs"),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'with TFs\'"), x="cells", col="cell_types")'),
          new_markdown_cell("AUPRC, mean ± standard deviation over the test graphs:"),
          new_code_cell('ex.mean_pm_std(summary, "auprc", index=["tfs", "method", "cell_types"], columns="cells")'),
          *verdict_cells('ex.paper_vs_run(results, ex.simulated_claims("02_clean"))'),
          new_markdown_cell("The paper tuned every baseline on validation graphs and chose GRNUlar's hyperparameters "
                            "per setting; this run uses library defaults and one shipped checkpoint for every "
                            "setting. See *Where this differs from the paper* for the rest.")],
    change='{"n_test_graphs": 10, "cells": [500, 1000]}',
)

NOTEBOOKS["03_noisy"] = dict(
    title="# Noisy simulated data (Figs. 5–6)\n\n"
          "Paper §3.2.2: the same methods on simulated data with dropout (shape 20) at percentiles q ∈ {25, 50, 75}, "
          "D = 100 genes, C = 5 cell types. The unrolled models were trained on low dropout only (q ∈ {0, 25}) and "
          "applied unchanged to higher dropout, as in the paper. AUPRC and AUROC, without and with TFs.",
    params=["methods_no_tf", "methods_tf", "model_setting", "genes", "cells", "cell_types", "dropout_percentiles",
            "n_test_graphs", "seed"],
    body=[new_markdown_cell("## Run every method on fresh noisy test graphs"),
          new_code_cell("results = ex.simulated_sweep(params, client=client)\n"
                        'summary = ex.summarise(results, ["tfs", "method", "dropout_percentile"])'),
          new_markdown_cell("## Fig. 5: without TFs"),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'without TFs\'"), x="dropout_percentile", '
                        'metric="auprc")'),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'without TFs\'"), x="dropout_percentile", '
                        'metric="auroc", chance=False)'),
          new_markdown_cell("## Fig. 6: with TFs"),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'with TFs\'"), x="dropout_percentile", '
                        'metric="auprc")'),
          new_code_cell('fig = plots.score_lines(results.query("tfs == \'with TFs\'"), x="dropout_percentile", '
                        'metric="auroc", chance=False)'),
          new_code_cell('ex.mean_pm_std(summary, "auprc", index=["tfs", "method"], columns="dropout_percentile")'),
          *verdict_cells('ex.paper_vs_run(results, ex.simulated_claims("03_noisy"))'),
          new_markdown_cell("Dropout here is the only technical noise, as in the paper; the simulator is this "
                            "project's re-implementation of SERGIO, so the same percentile need not remove exactly "
                            "the same share of counts as the authors' runs did.")],
    change='{"n_test_graphs": 10, "dropout_percentiles": [25, 50, 75, 90]}',
    types={"cell_types": "Optional[int]", "cells": "Optional[int]"},
)

NOTEBOOKS["04_sergio_ds"] = dict(
    title="# SERGIO DS1–DS3 (Fig. 7)\n\n"
          "Paper §3.3: the three SERGIO datasets DS1, DS2, DS3 (100, 400 and 1200 genes; networks sampled from E. coli "
          "and yeast; 9 cell types) with SERGIO's technical noise (82nd-percentile dropout, outliers, library size, "
          "counts). The paper trained the unrolled models on DS1-like settings without dropout; this chapter uses the "
          "checkpoints named by `model_setting` (see the settings below). **The replicates "
          "are regenerated** from the published networks with this project's simulator and the DS settings, because "
          "the published expression files are not mirrored here; scores are comparable in distribution, not value by "
          "value. Chance levels are printed next to every score.",
    params=["ds_names", "replicates", "cells_per_type", "methods_no_tf", "methods_tf", "model_setting", "seed"],
    body=[new_markdown_cell("## Run every method on the regenerated replicates"),
          new_code_cell("results = ex.sergio_ds_results(params, client=client)\n"
                        'summary = ex.summarise(results, ["ds", "tfs", "method"])\n'
                        'summary.round(3)'),
          new_markdown_cell("## Fig. 7"),
          new_code_cell('fig = plots.score_lines(results, x="ds", metric="auprc", col="tfs")'),
          new_code_cell('fig = plots.score_lines(results, x="ds", metric="auroc", col="tfs", chance=False)'),
          *verdict_cells('ex.paper_vs_run(results, ex.simulated_claims("04_sergio_ds"))'),
          new_markdown_cell("The paper's Fig. 7 averages the 15 published replicates with 300 cells per type; the "
                            "quick profile uses fewer, smaller regenerated replicates (see the settings above).")],
    change='{"replicates": 5, "ds_names": ["DS1", "DS2"]}',
)

NOTEBOOKS["05_beeline"] = dict(
    title="# BEELINE real data (Fig. 8)\n\n"
          "Paper §3.4: seven scRNA-seq datasets (hESC, hHEP, mDC, mESC and three mHSC lineages) against three ground "
          "truths each ([S] STRING, [N] non-specific ChIP-seq, [C] cell-type-specific ChIP-seq), all methods with "
          "the TF list; the paper trained its models on DS2-like simulated data, this chapter uses the checkpoints "
          "named by `model_setting`. Heat maps of AUPRC and AUROC under the paper's "
          "undirected protocol; then BEELINE's own directed protocol with the AUPRC ratio and the early precision "
          "ratio (EPR), the scores the field reports today. Datasets whose expression is not available offline are "
          "shown as *n/a*, never filled in.",
    params=["beeline_datasets", "beeline_networks", "geneset", "preprocessing", "methods", "model_setting", "seed"],
    body=[new_markdown_cell("## What is available here"),
          new_code_cell("results, availability = ex.beeline_results(params, client=client)\n"
                        'availability[["data", "dataset", "geneset", "network", "available", "reason"]]'),
          new_markdown_cell("## Fig. 8: the paper's protocol (undirected)"),
          new_code_cell('unavailable = list(availability.loc[~availability["available"], "data"])\n'
                        'fig = plots.score_heatmaps(results.query("protocol == \'undirected\'"), '
                        'metrics=["auprc", "auroc"], columns="data", unavailable=unavailable)'),
          new_markdown_cell("## BEELINE's protocol (directed): AUPRC ratio and EPR\n\n"
                            "Both are 1 for a random predictor."),
          new_code_cell('fig = plots.score_heatmaps(results.query("protocol == \'beeline\'"), '
                        'metrics=["auprc_ratio", "epr"], columns="data", unavailable=unavailable)'),
          new_code_cell('ex.summarise(results, ["protocol", "data", "method"], metrics=["auprc", "auroc", '
                        '"auprc_ratio", "epr"]).round(4)'),
          *verdict_cells("ex.paper_vs_run(results, ex.beeline_claims())"),
          new_markdown_cell("Real-data AUPRC values are close to the chance level for every method, in the paper "
                            "and here; compare them with the chance column above rather than across datasets.")],
    change='{"beeline_datasets": ["mESC"], "methods": ["grnular", "ridge"]}',
)

NOTEBOOKS["06_mesc_case_study"] = dict(
    title="# The mESC case study (Figs. 9–11)\n\n"
          "Paper §3.4: GRNUlar's network on mouse embryonic stem cells differentiating towards primitive endoderm "
          "(the BEELINE mESC TFs+500 matrix plus CFC1). Genes of GO terms on ESC differentiation and endodermal cell "
          "fate are intersected with the network's genes; their interaction scores are compared with those among "
          "all genes (one-sided Wilcoxon rank-sum test, Fig. 9); the subnetwork above a score threshold is drawn "
          "with TFs highlighted (Fig. 11); the predicted regulators of CFC1 are ranked (the paper found SOX7 and "
          "SOX17 above SOX2), and CFC1 and the SOX TFs are followed along pseudotime with LOWESS fits (Fig. 10).",
    params=["method", "model_setting", "go_terms", "score_threshold", "target", "regulators", "lowess_frac", "seed"],
    body=[new_markdown_cell("## The network"),
          new_code_cell("data, pseudotime = ex.case_study_data()\n"
                        "scores = ex.case_study_scores(data, params)\n"
                        "go_sets, go_genes = ex.case_study_go_genes(data, params)\n"
                        "print(f\"{data.n_genes} genes, {len(data.tfs)} TFs, {data.n_cells} cells; \"\n"
                        "      f\"{len(go_genes)} genes of the chosen GO terms are in the network\")\n"
                        "ex.go_term_table(go_sets, data)"),
          new_markdown_cell("## Fig. 9: scores among GO genes vs all genes"),
          new_code_cell("from grnular_lib import case_study as cs\n\n"
                        "pair_scores = cs.gene_set_scores(scores, data.genes, go_genes, data.tf_index)\n"
                        "p_value = cs.rank_sum_greater(pair_scores)\n"
                        'fig = plots.score_distributions(pair_scores, p_value=p_value, title="interaction scores")'),
          new_markdown_cell("## Fig. 11: the subnetwork above the threshold\n\n"
                            "Scores are divided by their maximum before thresholding (the paper does not say on "
                            "which scale its 0.22 was set). TFs have a yellow background; darker edges score higher."),
          new_code_cell('sub = cs.thresholded_subnetwork(scores, data.genes, go_genes, data.tf_index, '
                        'threshold=params["score_threshold"])\n'
                        'print(f"{len(sub)} edges above {params[\'score_threshold\']}")\n'
                        'fig = plots.subnetwork(sub, tfs=data.tfs, highlight=[params["target"], *params["regulators"]]) '
                        'if len(sub) else None'),
          new_markdown_cell("## The predicted regulators of the target"),
          new_code_cell('ranked = cs.ranked_regulators(scores, data.genes, data.tf_index, params["target"])\n'
                        'ranked[ranked["TF"].isin(params["regulators"]) | (ranked["rank"] <= 10)]'),
          new_markdown_cell("## Fig. 10: expression along pseudotime"),
          new_code_cell('fits = cs.lowess_trends(data.expression, data.genes, pseudotime.to_numpy(), '
                        'params["regulators"], frac=params["lowess_frac"])\n'
                        'fig = plots.pseudotime_trends(ex.gene_along_pseudotime(data, pseudotime, params["target"]), '
                        'fits, target=params["target"])'),
          *verdict_cells('ex.case_study_paper_vs_run(p_value=p_value, regulators=ranked, fits=fits, subnetwork=sub, '
                         'target=params["target"], n_go_genes=len(go_genes))'),
          new_markdown_cell("The paper's gene set came from BioMart (286 genes, 32 in its 500-gene network); the "
                            "offline GO sets used here are listed above with their overlap, so the group sizes and "
                            "the p-value are not expected to match the paper's.")],
    change='{"score_threshold": 0.3, "go_terms": ["GO:0007492"]}',
)

NOTEBOOKS["07_runtimes"] = dict(
    title="# Runtimes (Tables 1–2)\n\n"
          "Paper §3.5: GRNUlar's inference time as its hidden size Hd varies (Table 1), and every method's time at "
          "D = 1200 genes with the TF list (Table 2). The paper ran the unrolled models on an NVIDIA P100 GPU and "
          "the classical methods on a 28-core node; this chapter runs everything on the machine below, so the "
          "numbers are comparable within this run, not with the paper's one to one.",
    params=["genes", "cells", "hidden_sizes", "runtime_methods", "model_setting", "repeats", "seed"],
    body=[new_markdown_cell("## This machine"),
          new_code_cell("ex.describe_params(ex.hardware_description())"),
          new_markdown_cell("## Table 1: GRNUlar vs hidden size"),
          new_code_cell("data = ex.runtime_data(params)\n"
                        "hidden = ex.grnular_hidden_runtimes(data, params)\n"
                        "methods = ex.method_runtimes(data, params, client=client)\n"
                        "table1, table2 = ex.runtime_comparison(hidden, methods)\n"
                        "table1"),
          new_markdown_cell("## Table 2: every method"),
          new_code_cell("table2"),
          new_code_cell("fig = plots.runtime_bars(ex.runtime_long(table2))"),
          *verdict_cells("ex.runtime_paper_vs_run(hidden, methods)"),
          new_markdown_cell("Time on two CPU cores against a GPU and a 28-core node: ratios between methods within "
                            "this run are the meaningful comparison.")],
    change='{"cells": 2700, "runtime_methods": ["grnular", "glad", "grnboost2"]}',
    types={"cells": "Optional[int]"},
)


def build(stem: str, spec: dict) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [new_markdown_cell(spec["title"]), parameters_cell(spec["params"], spec.get("types", {})),
                setup_cell(stem, spec["params"]), *spec["body"], *closing_cells(stem, spec["change"])]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{stem[:2]}-{i:02d}"
    return nb


def main() -> int:
    for stem, spec in NOTEBOOKS.items():
        path = HERE / f"{stem}.ipynb"
        tmp = path.with_suffix(".ipynb.tmp")
        nbformat.write(build(stem, spec), tmp)
        tmp.replace(path)
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
