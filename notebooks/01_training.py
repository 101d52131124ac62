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
# # Meta-training GRNUlar, GLAD and GLAD-TF
#
# The unrolled models learn their thresholding networks (ρ_nn, λ_nn; GLAD also its initial shift) from simulated data
# (paper §2.3, §3.2): random GRNs with 10% TFs and sparsity 0.1 are fed to the SERGIO simulator, and the models are
# meta-trained on the loss of Eq. 16 (a differentiable F_β plus a balanced squared error), keeping the epoch with the
# best mean validation AUPRC. This chapter trains each model and compares it with the checkpoint shipped in
# `grnular_lib/pretrained/`; in the `paper` profile it repeats the exact training recorded in those checkpoints.

# %% tags=["parameters"]
# Settings profile: smoke (seconds), quick (the default book) or paper (the full settings); its values are in
# notebooks/params/<profile>.yaml. Every parameter below left at None takes the profile's value.
profile: str = "quick"  # settings profile: smoke, quick or paper
train_methods: "Optional[list[str]]" = None  # models to meta-train: grnular, grnular-base, grnular-jac, glad, glad-tf
model_setting: "Optional[str]" = None  # shipped checkpoints <method>-<model_setting> to use or compare (e.g. clean, dropout25)
reproduce_shipped: "Optional[bool]" = None  # repeat the shipped checkpoints' training (their stored settings replace the sizes below)
genes: "Optional[int]" = None  # genes D per simulated graph
cells_per_type: "Optional[int]" = None  # cells per cell type
cell_types: "Optional[int]" = None  # number of cell types C
dropout_percentile: "Optional[float]" = None  # dropout percentile of the training data (0: clean, no dropout)
train_graphs: "Optional[int]" = None  # training graphs
valid_graphs: "Optional[int]" = None  # validation graphs (model selection)
epochs: "Optional[int]" = None  # meta-training epochs
batch_size: "Optional[int]" = None  # graphs per optimisation step
seed: "Optional[int]" = None  # random seed of the training and validation graphs and of training

# %%
from bookkit import ch01_training as chapter, report, settings
from grnular_lib import plots

# Check every parameter first: a bad one stops here with a message naming it and the valid choices.
params = settings.notebook_params("01_training", profile, train_methods=train_methods, model_setting=model_setting,
    reproduce_shipped=reproduce_shipped, genes=genes, cells_per_type=cells_per_type, cell_types=cell_types,
    dropout_percentile=dropout_percentile, train_graphs=train_graphs, valid_graphs=valid_graphs, epochs=epochs,
    batch_size=batch_size, seed=seed)
client = settings.dask_client()  # a Dask client when DASK_SCHEDULER is set, else None (serial, same results)
chapter.describe_params(params)

# %% [markdown]
# ## Train

# %%
history, trained = chapter.train(params, client=client)
print(chapter.sample_note(trained))
trained

# %% [markdown]
# ## Learning curves
#
# Validation AUPRC (undirected protocol) after every epoch; epoch 0 is the untrained model, the circled point the kept
# epoch.

# %%
fig = plots.learning_curves(history, metric="valid_auprc", hue="model")

# %% [markdown]
# ## Paper vs this run

# %%
comparison = chapter.paper_vs_run(trained)
comparison

# %%
print(report.verdict_sentence(comparison, params))

# %% [markdown]
# Validation scores are measured on graphs simulated like the training graphs, so they are optimistic for other
# settings; the chapters that follow test the shipped checkpoints on fresh test graphs. A run with other graphs
# (fewer, smaller or larger) is validated on other problems, so its score is not comparable with the shipped
# checkpoints'.

# %% [markdown]
# ## Rerun this
#
# The command below reruns this chapter with other settings (lists go through papermill's `-y`; `make notebook` writes
# into `book/notebooks/`).

# %%
print(settings.rerun_command("01_training", params, change={"epochs": 5, "train_graphs": 10}))
