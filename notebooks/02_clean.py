# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Clean simulated data (Fig. 4)
#
# Paper §3.2.1: AUPRC on simulated data without technical noise, D = 100 genes, as the total number of cells M and the
# number of cell types C vary (cells are split evenly over the types). Top: methods without TF information (GLASSO,
# GRNBoost2, GLAD); bottom: with TFs (GRNBoost2, GENIE3, GLAD-TF, GRNUlar) and three simple floors this project adds
# (Pearson-TF, Precision-TF, Ridge-TF). Mean ± standard deviation over test graphs; undirected scoring as in the
# paper; the dashed line is the chance level. The quick profile leaves GRNBoost2 and GENIE3 out of this chapter (the
# line printed where the methods run says what they cost); chapters 4, 5 and 7 run GRNBoost2.

# %% tags=["parameters"]
# Settings profile: smoke (seconds), quick (the default book) or paper (the full settings); its values are in
# notebooks/params/<profile>.yaml. Every parameter below left at None takes the profile's value.
profile: str = "quick"  # settings profile: smoke, quick or paper
methods_no_tf: "Optional[list[str]]" = None  # methods run without TF information (e.g. glad, glasso, grnboost2)
methods_tf: "Optional[list[str]]" = None  # methods run with the TF list (e.g. grnular, glad-tf, grnboost2, genie3, pearson, precision, ridge)
model_setting: "Optional[str]" = None  # shipped checkpoints <method>-<model_setting> to use or compare (e.g. clean, dropout25)
genes: "Optional[int]" = None  # genes D per simulated graph
cells: "Optional[list[int]]" = None  # total numbers of cells M (a list)
cell_types: "Optional[list[int]]" = None  # numbers of cell types C (a list)
n_test_graphs: "Optional[int]" = None  # simulated test graphs per setting
seed: "Optional[int]" = None  # random seed of the test graphs and of the methods

# %%
from bookkit import ch02_clean as chapter, peers, report, settings, simulated
from grnular_lib import plots, sweep

# Check every parameter first: a bad one stops here with a message naming it and the valid choices.
params = settings.notebook_params("02_clean", profile, methods_no_tf=methods_no_tf, methods_tf=methods_tf,
    model_setting=model_setting, genes=genes, cells=cells, cell_types=cell_types, n_test_graphs=n_test_graphs,
    seed=seed)
client = settings.dask_client(local=True)  # Dask workers (make book: one per core) or None; same results
peers.print_not_run(params)  # today's peers this profile leaves out, and why
settings.describe_params(params)

# %% [markdown]
# ## Run every method on fresh test graphs

# %%
results = simulated.results(params, client=client)
summary = sweep.summarise(results, ["tfs", "method", "cell_types", "cells"])
print(report.sample_note(results, ["tfs", "method", "cell_types", "cells"]))
print(report.warning_summary(results))
print(simulated.left_out_line(params))

# %% [markdown]
# ## Without TFs

# %%
fig = plots.score_lines(results.query("tfs == 'without TFs'"), x="cells", col="cell_types")

# %% [markdown]
# ## With TFs

# %%
fig = plots.score_lines(results.query("tfs == 'with TFs'"), x="cells", col="cell_types")

# %% [markdown]
# AUPRC, mean ± standard deviation over the test graphs, per number of cell types C and of cells M:

# %%
report.mean_pm_std(summary, "auprc", index=["tfs", "method"], columns=["cell_types", "cells"], chance=True)

# %% [markdown]
# ## Paper vs this run

# %%
comparison = chapter.paper_vs_run(results)
comparison

# %%
print(report.verdict_sentence(comparison, params))

# %% [markdown]
# The paper tuned every baseline on validation graphs and chose GRNUlar's hyperparameters per setting; this run uses
# library defaults and one shipped checkpoint for every setting. See *Where this differs from the paper* for the rest.

# %% [markdown]
# ## Rerun this
#
# The command below reruns this chapter with other settings (lists go through papermill's `-y`; `make notebook` writes
# into `book/notebooks/`).

# %%
print(settings.rerun_command("02_clean", params, change={"n_test_graphs": 20, "cells": [500, 1000]}))
