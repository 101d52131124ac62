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
# # Does it generalise?
#
# The paper's promise is that a model meta-trained on simulated networks transfers to data it has never seen. This
# chapter tests that outside the setting of the paper: fresh test graphs of two families (the paper's §3.2 random
# graphs and DS-like TF cascades) at several sizes, clean, with dropout and through SERGIO's full technical-noise
# chain; the regenerated SERGIO DS datasets; and BEELINE's real data. In each cell it finds the best *peer* (every
# method of the run that is not one of this project's unrolled models: the floors, and GRNBoost2 and RegDiffusion
# when the settings name them) and asks by how much the project's models beat it. The same code drives
# `benchmarks/generalisation.py`.

# %% tags=["parameters"]
# Settings profile: smoke (seconds), quick (the default book) or paper (the full settings); its values are in
# notebooks/params/<profile>.yaml. Every parameter below left at None takes the profile's value.
profile: str = "quick"  # settings profile: smoke, quick or paper
sizes: "Optional[list[int]]" = None  # genes of the simulated test graphs (a list)
noises: "Optional[list[str]]" = None  # noise of the simulated graphs: clean, dropout-50, ds
families: "Optional[list[str]]" = None  # graph families: random (paper 3.2) and hierarchical (DS-like)
graphs_per_cell: "Optional[int]" = None  # simulated test graphs per size, noise and family
grid_cells: "Optional[int]" = None  # cells of every simulated graph
grid_cell_types: "Optional[int]" = None  # cell types of every simulated graph
draws: "Optional[int]" = None  # held-out draws per condition (random, 30 genes, 150 or 5,000 cells, 1 cell type, every gene a candidate)
ds_names: "Optional[list[str]]" = None  # regenerated SERGIO datasets: DS1, DS2, DS3 (clean and DS noise chain)
ds_replicates: "Optional[int]" = None  # replicates of each SERGIO dataset (the published sets have 15)
ds_cells_per_type: "Optional[int]" = None  # cells per cell type of the SERGIO replicates (the DS data: 300)
sergio_reference: "Optional[bool]" = None  # also the DS1 replicate made by the original SERGIO code (clean and noisy)
beeline_datasets: "Optional[list[str]]" = None  # BEELINE datasets (TFs+500) against STRING and non-specific ChIP-seq
methods: "Optional[list[str]]" = None  # methods, each with its default checkpoint
checkpoints: "Optional[list[str]]" = None  # extra runs of unrolled models, each a method name and a checkpoint joined by an equals sign
expensive_graphs: "Optional[int]" = None  # graphs per cell for GRNBoost2, GLASSO and RegDiffusion above 400 genes
seed: "Optional[int]" = None  # random seed of the methods

# %%
from bookkit import ch08_generalisation as chapter, peers, report, settings
from grnular_lib import generalisation as gen

# Check every parameter first: a bad one stops here with a message naming it and the valid choices.
params = settings.notebook_params("08_generalisation", profile, sizes=sizes, noises=noises, families=families,
    graphs_per_cell=graphs_per_cell, grid_cells=grid_cells, grid_cell_types=grid_cell_types, draws=draws,
    ds_names=ds_names, ds_replicates=ds_replicates, ds_cells_per_type=ds_cells_per_type, sergio_reference=sergio_reference,
    beeline_datasets=beeline_datasets, methods=methods,
    checkpoints=checkpoints, expensive_graphs=expensive_graphs, seed=seed)
cells, runs = chapter.cells(params), chapter.runs(params)
client = settings.dask_client()  # a Dask client when DASK_SCHEDULER is set, else None (serial, same results)
settings.describe_params(params)

# %% [markdown]
# ## The training distribution and the test graphs
#
# The default model's members were trained on the version of the `general` distribution below (other general
# checkpoints on other versions, named in their model cards); the test graphs here are drawn from the same ranges
# (version 3, which differs only in never library-size normalising the noise chain's counts) but from a separate seed
# stream (the *test* split), with the TF ratio, cell types and cells fixed per cell.
# The *held-out draws* fix less: each of their cells fixes one condition (30 genes, fewer genes than any training
# graph; 150 or 5,000 cells; one cell type; every gene given as a candidate regulator, as when a user has no TF list;
# or nothing) and draws everything else, noise included, as in training, so their margins are what a user should
# expect on that kind of data.

# %%
chapter.setting_table()

# %% [markdown]
# The hierarchical family imitates SERGIO's DS networks: a few levels of TFs regulating TFs, about half the TFs
# master regulators, a heavy-tailed number of targets per TF, about 2.5 regulators per gene and genes grouped into
# co-regulated modules. Like a real reference network it also leaves some genes without a regulator and some TFs
# without a target. The paper's random graphs are deeper, flatter in out-degree and, at 1,200 genes, give every gene
# about 12 regulators.

# %%
chapter.shape_table()

# %% [markdown]
# ## Every method in every cell
#
# AUPRC with the paper's undirected protocol on simulated and DS data, BEELINE's directed TF → gene protocol on real
# data. Each cell is compared on the datasets every method scored; a margin is the mean difference in AUPRC there.
# GRNUlar-rank without a checkpoint is what `grnular infer` runs: the checkpoint follows the number of cells (from
# 100 to 999 cells the three default models averaged with three trained on 100–1,000 only, from 1,000 to 2,999 with
# three trained on 1,000–3,000 only; from 3,000 three trained on 3,000–8,000 only), where every gene is a candidate regulator, runs three models trained that way, and on log1p
# of counts not scaled to a library size (the noise chain's cells) six trained mostly on SERGIO's noise chain. Runs named with a
# checkpoint in brackets (the paper profile's `checkpoints`) are other training runs of a model: `grnular-rank-general-v3-ensemble` is an earlier
# default, trained on version 3 of the simulated distribution, which never library-size normalises (the default's
# version 8 normalises half its noisy problems, as BEELINE's expression files are), and
# `grnular-rank-general-indirect-ensemble` is version 3's recipe with pairs linked through one gene trained towards
# 0.1 instead of 0, as real reference networks list such associations. The *SERGIO reference* cells hold the one DS1
# replicate that the original SERGIO code made (clean, and log1p of its own noisy counts): the regenerated DS data
# and every training graph come from this project's implementation of SERGIO's model, this replicate from another.

# %%
results = gen.run_grid(cells, runs, expensive_graphs=params["expensive_graphs"], seed=params["seed"], client=client,
                       progress=False)
summary = gen.summarise_cells(results)
print(chapter.run_notes(results))
peers.print_not_run(params)
chapter.compact_summary(summary)

# %%
fig = gen.margin_heatmap(summary)

# %% [markdown]
# ## Where the models still lose

# %%
print(chapter.where_they_lose(summary))

# %% [markdown]
# Mean AUPRC of every method in every cell:

# %%
gen.method_table(results).round(3)

# %% [markdown]
# ## Paper vs this run
#
# The paper claims transfer but measured it only near its training setting; the project asks more of a general
# model: at least 0.02 AUPRC above the best peer wherever that peer reaches 0.1, and nowhere below it elsewhere (the
# "meets bar" column above). Each ask, checked on this run:

# %%
comparison = chapter.paper_vs_run(results)
comparison

# %%
print(report.verdict_sentence(comparison, params, items="asks of a general model", verb="are met"))

# %% [markdown]
# Real-data AUPRC is low in absolute terms for every method; compare margins there with the chance level in the
# summary table, not with the simulated cells. Every BEELINE dataset with expression in the data mirror has fewer than
# 1,000 cells, so they run the models trained on 100–1,000 cells, and the many-cell models are checked on simulated
# data only. Among the simulated data, DS1, where two of the 10 TFs each regulate 76 of the 100 genes, is where the
# learned combination does worst; the project's README gives the full benchmark's numbers there (five replicates),
# where the default is less than 0.02 ahead of the best floor or behind it. Among the real data it is mHSC-GM, where
# plain correlation (Pearson-TF) stays ahead.

# %% [markdown]
# ## Rerun this
#
# The command below reruns this chapter with other settings (lists go through papermill's `-y`; `make notebook` writes
# into `book/notebooks/`). `benchmarks/generalisation.py` runs the full grid with GRNBoost2 and writes CSV files.

# %%
print(settings.rerun_command("08_generalisation", params, change={"sizes": [100, 400, 1200], "graphs_per_cell": 5}))
