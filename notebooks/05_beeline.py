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
# # BEELINE real data (Fig. 8)
#
# Paper §3.4: seven scRNA-seq datasets (hESC, hHEP, mDC, mESC and three mHSC lineages) against three ground truths
# each ([S] STRING, [N] non-specific ChIP-seq, [C] cell-type-specific ChIP-seq), all methods with the TF list; the
# paper trained its models on DS2-like simulated data, this chapter uses the checkpoints named by `model_setting`.
# Heat maps of AUPRC and AUROC under the paper's undirected protocol; then BEELINE's own directed protocol with the
# AUPRC ratio and the early precision ratio (EPR), the scores the field reports today. Datasets whose expression is
# not available offline are shown as *n/a*, never filled in; mHSC-L, absent from the data mirror altogether, is left
# out.

# %% tags=["parameters"]
# Settings profile: smoke (seconds), quick (the default book) or paper (the full settings); its values are in
# notebooks/params/<profile>.yaml. Every parameter below left at None takes the profile's value.
profile: str = "quick"  # settings profile: smoke, quick or paper
beeline_datasets: "Optional[list[str]]" = None  # BEELINE datasets: hESC, hHEP, mDC, mESC, mHSC-E, mHSC-GM
beeline_networks: "Optional[list[str]]" = None  # ground truths: STRING, NonSpecific-ChIP-seq, Specific-ChIP-seq
geneset: "Optional[str]" = None  # BEELINE gene set: TFs+500 or TFs+1000
preprocessing: "Optional[str]" = None  # beeline (BEELINE's gene set as is) or paper (top 500 varying genes)
methods: "Optional[list[str]]" = None  # methods to run (all with the TF list)
model_setting: "Optional[str]" = None  # shipped checkpoints <method>-<model_setting> to use or compare (e.g. clean, dropout25)
seed: "Optional[int]" = None  # random seed of the methods
compare_genesets: "Optional[list[str]]" = None  # BEELINE gene sets compared as BEELINE built them: TFs+500, TFs+1000
compare_datasets: "Optional[list[str]]" = None  # datasets of that comparison (where the offline data have them)
compare_methods: "Optional[list[str]]" = None  # methods of that comparison and of the published-numbers table

# %%
from bookkit import ch05_beeline as chapter, peers, report, settings
from grnular_lib import plots

# Check every parameter first: a bad one stops here with a message naming it and the valid choices.
params = settings.notebook_params("05_beeline", profile, beeline_datasets=beeline_datasets,
    beeline_networks=beeline_networks, geneset=geneset, preprocessing=preprocessing, methods=methods,
    model_setting=model_setting, seed=seed, compare_genesets=compare_genesets, compare_datasets=compare_datasets,
    compare_methods=compare_methods)
client = settings.dask_client(local=True)  # Dask workers (make book: one per core) or None; same results
peers.print_not_run(params)  # today's peers this profile leaves out, and why
settings.describe_params(params)

# %% [markdown]
# ## What is available here

# %%
results, availability = chapter.results(params, client=client)
print(report.warning_summary(results, unit="datasets"))
chapter.availability_table(availability)

# %% [markdown]
# ## Fig. 8: the paper's protocol (undirected)

# %%
unavailable = chapter.unavailable(availability)
fig = plots.score_heatmaps(results.query("protocol == 'undirected'"), metrics=["auprc", "auroc"], columns="data",
                          unavailable=unavailable)

# %% [markdown]
# ## BEELINE's protocol (directed): AUPRC ratio and EPR
#
# Both are 1 for a random predictor.

# %%
fig = plots.score_heatmaps(results.query("protocol == 'beeline'"), metrics=["auprc_ratio", "epr"], columns="data",
                          unavailable=unavailable)

# %% [markdown]
# ## Every method at a glance
#
# Means over the data shown above (each dataset against each ground truth, one run each: there are no replicates, so
# the heat maps carry no spread); learned models first, then the baselines and the simple floors.

# %%
chapter.overview(results)

# %% [markdown]
# ## Paper vs this run

# %%
comparison = chapter.paper_vs_run(results)
comparison

# %%
print(report.verdict_sentence(comparison, params))

# %% [markdown]
# Real-data AUPRC values are low in absolute terms for every method, in the paper ("very low AUPRC") and here; each
# dataset and network has its own chance level (the overview table's chance column), so compare methods within a row
# rather than values across datasets. Where GRNUlar is not the best method, unlike in all 21 pairs of the paper's
# Fig. 8: the paper trained its models for the real data on DS2-like simulations (400 genes, 9 cell types), while this
# chapter applies the 100-gene §3.2 checkpoints unchanged, to BEELINE's own processed gene sets rather than the
# paper's selection (the book's page "Where this differs from the paper"; chapter 8 runs the general models on them).

# %% [markdown]
# ## Both gene sets, as BEELINE built them
#
# BEELINE's own gene sets (its significant TFs plus the 500 or the 1,000 most varying genes), without the paper's
# further selection, scored with BEELINE's directed protocol, where the offline copy of the public data has the
# expression of both sets.

# %%
by_set, set_availability = peers.beeline_genesets(chapter.results, params, client=client)
peers.print_not_run(params, ["compare_methods"])
fig = plots.score_heatmaps(by_set.query("protocol == 'beeline'"), metrics=["auprc_ratio", "epr"], columns="data",
                           unavailable=chapter.unavailable(set_availability))

# %% [markdown]
# ## Published numbers beside this rerun

# %%
print(peers.PROTOCOL_NOTE)
peers.published_vs_rerun(by_set)

# %% [markdown]
# ## Rerun this
#
# The command below reruns this chapter with other settings (lists go through papermill's `-y`; `make notebook` writes
# into `book/notebooks/`).

# %%
print(settings.rerun_command("05_beeline", params, change={"beeline_datasets": ["mESC"], "methods": ["grnular", "ridge"]}))
