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
# # Runtimes (Tables 1–2)
#
# Paper §3.5: GRNUlar's inference time as its hidden size Hd varies (Table 1), and every method's time at D = 1200
# genes with the TF list (Table 2). The paper ran the unrolled models on an NVIDIA P100 GPU and the classical methods
# on a 28-core node; this chapter runs everything on the machine below, so the numbers are comparable within this run,
# not with the paper's one to one.

# %% tags=["parameters"]
# Settings profile: smoke (seconds), quick (the default book) or paper (the full settings); its values are in
# notebooks/params/<profile>.yaml. Every parameter below left at None takes the profile's value.
profile: str = "quick"  # settings profile: smoke, quick or paper
genes: "Optional[int]" = None  # genes D per simulated graph
cells: "Optional[int]" = None  # total number of cells M
hidden_sizes: "Optional[list[int]]" = None  # GRNUlar hidden sizes Hd to time (Table 1)
runtime_methods: "Optional[list[str]]" = None  # methods to time (Table 2)
model_setting: "Optional[str]" = None  # shipped checkpoints <method>-<model_setting> to use or compare (e.g. clean, dropout25)
repeats: "Optional[int]" = None  # timed repeats per method (the median is reported)
seed: "Optional[int]" = None  # random seed of the test graphs and of the methods

# %%
from bookkit import ch07_runtimes as chapter, peers, report, settings
from grnular_lib import plots
from grnular_lib.environment import hardware_description

# Check every parameter first: a bad one stops here with a message naming it and the valid choices.
params = settings.notebook_params("07_runtimes", profile, genes=genes, cells=cells, hidden_sizes=hidden_sizes,
    runtime_methods=runtime_methods, model_setting=model_setting, repeats=repeats, seed=seed)
client = settings.dask_client()  # a Dask client when DASK_SCHEDULER is set, else None (serial, same results)
peers.print_not_run(params)  # today's peers this profile leaves out, and why
settings.describe_params(params)

# %% [markdown]
# ## This machine

# %%
settings.describe_params(hardware_description())

# %% [markdown]
# ## Table 1: GRNUlar vs hidden size

# %%
data = chapter.data(params)
hidden = chapter.hidden_runtimes(data, params)
methods = chapter.method_runtimes(data, params, client=client)
table1, table2 = chapter.comparison(hidden, methods)
chapter.shown(table1)

# %% [markdown]
# Each size Hd is set on the shipped checkpoint, which unrolls fewer cells L and trains its initial estimate for
# fewer epochs E1 than the paper's Table 1 (the columns P / L / E1): that, and a CPU instead of a P100, is why the
# times differ from the paper's.

# %% [markdown]
# ## Table 2: every method

# %%
print(chapter.table2_note(data, params))
chapter.shown(table2)

# %%
fig = plots.runtime_bars(chapter.long_table(table2))

# %% [markdown]
# ## This book's own runtime
#
# How long each chapter took when `make` last executed it in this profile (read from `book/notebooks/timings.tsv`,
# which `make book` and `make notebook` write).

# %%
book_minutes, book_sentence = chapter.book_time(params["profile"])
print(book_sentence)
book_minutes

# %% [markdown]
# ## Paper vs this run

# %%
comparison = chapter.paper_vs_run(hidden, methods)
comparison

# %%
print(report.verdict_sentence(comparison, params))

# %% [markdown]
# Time on this machine's CPU cores (and its GPU, where it has one: then the unrolled models get a second row) against
# the paper's P100 GPU and 28-core node: ratios between methods within this run are the meaningful comparison.

# %% [markdown]
# ## Rerun this
#
# The command below reruns this chapter with other settings (lists go through papermill's `-y`; `make notebook` writes
# into `book/notebooks/`).

# %%
print(settings.rerun_command("07_runtimes", params, change={"cells": 2700, "runtime_methods": ["grnular", "glad", "grnboost2"]}))
