"""The book's settings: profiles (``notebooks/params/<profile>.yaml``), the check of every chapter parameter, and the
"rerun this" commands.

Each chapter calls :func:`notebook_params` in its first cell after the parameters: a bad parameter stops the chapter
there with one message naming the problem and the valid choices.
"""
from __future__ import annotations

import atexit
import json
import os
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from grnular_lib.errors import InputError
from grnular_lib.methods import method_names

#: The folder of the chapter sources (``NN_name.py``) and of ``params/``.
NOTEBOOK_DIR = Path(__file__).resolve().parents[1]
#: Settings profiles: ``smoke`` (seconds, for the tests), ``quick`` (the default book), ``paper`` (the paper's).
PROFILES = ("smoke", "quick", "paper")
#: Environment variable naming a Dask scheduler for the heavy loops (``paper`` profile).
DASK_ENV = "DASK_SCHEDULER"
#: Environment variable with the number of local worker processes for the heavy loops (set by ``make book``).
WORKERS_ENV = "GRNULAR_BOOK_WORKERS"
#: Names of the SERGIO DS datasets.
DS_NAMES = ("DS1", "DS2", "DS3")


def chapters() -> list[str]:
    """The chapters of the book, in order: the stems of ``notebooks/NN_name.py``."""
    return sorted(p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))


def load_profile(notebook: str, profile: str) -> dict[str, Any]:
    """The settings of ``notebook`` in ``profile`` (a section of ``notebooks/params/<profile>.yaml``).

    Raises
    ------
    InputError
        Unknown profile or notebook, or a profile file without a section for the notebook.
    """
    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)} "
                         "(smoke: seconds, quick: the default book, paper: the paper's full settings)")
    if notebook not in chapters():
        raise InputError(f"unknown notebook {notebook!r}; the chapters are {', '.join(chapters())}")
    path = NOTEBOOK_DIR / "params" / f"{profile}.yaml"
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    if notebook not in doc or not isinstance(doc[notebook], dict):
        raise InputError(f"notebooks/params/{profile}.yaml has no section {notebook!r}; add one with every "
                         "parameter of the notebook")
    return dict(doc[notebook])


def _type_ok(value: Any, template: Any) -> bool:
    if isinstance(template, bool):
        return isinstance(value, bool)
    if isinstance(template, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(template, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(template, list):
        return isinstance(value, (list, tuple))
    if isinstance(template, str):
        return isinstance(value, str)
    return True  # a profile value of null accepts anything


def notebook_params(notebook: str, profile: str, **given: Any) -> dict[str, Any]:
    """Settings of one run of a notebook: the profile's values, replaced by every parameter given (not ``None``).

    Every value is checked: its type against the profile's, and the names of methods, datasets, networks, GO terms and
    checkpoints against what the library knows, so that a bad parameter stops the notebook in its first cell with a
    message naming the problem and the valid choices.

    Parameters
    ----------
    notebook
        One of :func:`chapters`.
    profile
        One of :data:`PROFILES`.
    **given
        The notebook's parameters; ``None`` means "take the profile's value".

    Returns
    -------
    dict
        Every setting, plus ``notebook`` and ``profile``.
    """
    settings = load_profile(notebook, profile)
    unknown = sorted(set(given) - set(settings))
    if unknown:
        raise InputError(f"unknown parameter(s) {unknown} for notebook {notebook}; its parameters are "
                         f"{', '.join(sorted(settings))}")
    for name, value in given.items():
        if value is None:
            continue
        if not _type_ok(value, settings[name]):
            shown = value if isinstance(value, str) and value.strip().startswith("[") else f"[{value}]"
            hint = (f"; a list is given with -y, e.g. -y '{name}: {shown}'" if isinstance(settings[name], list)
                    else "")
            raise InputError(f"parameter {name}={value!r} of notebook {notebook} must be of type "
                             f"{type(settings[name]).__name__} (the {profile} profile has {settings[name]!r}){hint}")
        if isinstance(settings[name], list) and not list(value) and not _may_be_empty(notebook, name):
            raise InputError(f"parameter {name} of notebook {notebook} is empty; give at least one value (the "
                             f"{profile} profile has {settings[name]!r})")
        settings[name] = list(value) if isinstance(value, tuple) else value
    for name, value in settings.items():
        check = _CHECKS.get(name)
        if check is not None:
            check(name, value)
    for cells_name, types_name in (("cells", "cell_types"), ("grid_cells", "grid_cell_types")):
        if cells_name in settings and types_name in settings:
            cells, types = (settings[n] if isinstance(settings[n], list) else [settings[n]]
                            for n in (cells_name, types_name))
            if min(cells) < max(types):
                raise InputError(f"{cells_name}={settings[cells_name]!r} is fewer than {types_name}="
                                 f"{settings[types_name]!r}: every cell type needs at least one cell")
    if "target" in settings and "regulators" in settings:  # the case study's genes: read the data (a second)
        from grnular_lib.data.case_study import load_mesc_case_study
        from grnular_lib.rank_robustness import check_target_and_regulators

        data, _ = load_mesc_case_study()
        check_target_and_regulators(data.genes, data.tf_index, settings["target"], settings["regulators"])
    params = {"notebook": notebook, "profile": profile, **settings}
    if "model_setting" in params:
        _check_model_setting(params)
        model_checkpoints(params)  # raises CheckpointError naming the shipped checkpoints
    return params


def _may_be_empty(notebook: str, name: str) -> bool:
    """Whether a list parameter may be empty: only where a profile of the notebook has it empty (the chapter is
    written for that case, e.g. chapter 8 without BEELINE data)."""
    return any(load_profile(notebook, profile).get(name) == [] for profile in PROFILES)


#: The parameters that name the methods a chapter runs (a method name or a list of them).
_METHOD_KEYS = ("methods", "methods_tf", "methods_no_tf", "runtime_methods", "method", "rank_methods",
                "rank_full_only", "compare_methods", "train_methods")


def _run_methods(params: dict[str, Any]) -> set[str]:
    """The unrolled models among the methods a run names."""
    methods = {m for key in _METHOD_KEYS
               for m in ([params[key]] if isinstance(params.get(key), str) else params.get(key) or [])}
    return methods & set(method_names(engine="unrolled"))


def _shipped_settings(method: str) -> set[str]:
    """The settings ``s`` with a shipped checkpoint ``<method>-<s>`` (``general`` always: the method's default)."""
    from grnular_lib.checkpoints import DEFAULT_SETTING, PRETRAINED_DIR

    others = [m for m in method_names(engine="unrolled") if m != method and m.startswith(f"{method}-")]
    stems = [p.stem for p in PRETRAINED_DIR.glob(f"{method}-*.pt")]
    return {DEFAULT_SETTING} | {stem[len(method) + 1:] for stem in stems
                                if not any(stem.startswith(f"{o}-") for o in others)}


def _check_model_setting(params: dict[str, Any]) -> None:
    """Refuse a ``model_setting`` that some unrolled model of the run has no shipped checkpoint for, naming the
    settings they all have."""
    setting = params["model_setting"]
    models = sorted(_run_methods(params))
    if models:
        valid = set.intersection(*(_shipped_settings(m) for m in models))
        what = f"no shipped checkpoint of {', '.join(models)} for it"
    else:  # no unrolled model runs: any setting some model has
        valid = set.union(*(_shipped_settings(m) for m in method_names(engine="unrolled")))
        what = "no shipped checkpoint has it"
    if setting not in valid:
        shown = sorted(v for v in valid if "-" not in v)  # the settings, not single checkpoints' names
        raise InputError(f"model_setting={setting!r}: {what}; choose one of {', '.join(shown)}")


def model_checkpoints(params: dict[str, Any]) -> dict[str, str]:
    """Shipped checkpoint of every unrolled model among a run's methods: ``<method>-<model_setting>``, or for the
    ``general`` setting the method's default (``grnular-rank``'s shipped ensemble).

    Raises
    ------
    grnular_lib.errors.CheckpointError
        A model has no shipped checkpoint for the setting; the message lists the shipped ones.
    """
    from grnular_lib.checkpoints import DEFAULT_SETTING, default_checkpoint, resolve_checkpoints
    out = {}
    for m in sorted(_run_methods(params)):
        setting = params["model_setting"]
        name = default_checkpoint(m) if setting == DEFAULT_SETTING else f"{m}-{setting}"
        resolve_checkpoints(name, m)
        out[m] = name
    return out


def _choices(name: str, values: Any, valid: Sequence[str], what: str) -> None:
    values = [values] if isinstance(values, str) else list(values)
    bad = [v for v in values if v not in valid]
    if bad:
        raise InputError(f"{name}: unknown {what} {bad}; choose from {', '.join(valid)}")


def _methods(name: str, values: Any) -> None:
    from grnular_lib.infer import available_methods

    _choices(name, values, available_methods(), "method(s)")
    if not list([values] if isinstance(values, str) else values):
        raise InputError(f"{name} is empty; give at least one method")


def _some_methods(name: str, values: Any) -> None:
    from grnular_lib.infer import available_methods

    _choices(name, values, available_methods(), "method(s)")  # an empty list is allowed


def _beeline_genesets(name: str, values: Any) -> None:
    from grnular_lib.data.beeline import GENESETS

    _choices(name, values, GENESETS, "BEELINE gene set(s)")


def _model_methods(name: str, values: Any) -> None:
    _choices(name, values, method_names(engine="unrolled"), "unrolled model(s)")


def _ds_names(name: str, values: Any) -> None:
    _choices(name, values, DS_NAMES, "SERGIO dataset(s)")


def _beeline_datasets(name: str, values: Any) -> None:
    from grnular_lib.data import list_beeline

    _choices(name, values, sorted(set(list_beeline()["dataset"])), "BEELINE dataset(s)")


def _beeline_networks(name: str, values: Any) -> None:
    from grnular_lib.data import list_beeline

    _choices(name, values, sorted(set(list_beeline()["network"])), "BEELINE ground-truth network(s)")


def _whole_numbers_from(minimum: int, want: str, *, allow_empty: bool = False) -> Callable[[str, Any], None]:
    """A check that a parameter is a whole number, or a list of them (non-empty unless ``allow_empty``), each ≥
    ``minimum``; ``want`` says what to give in the message."""
    def check(name: str, given: Any) -> None:
        values = given if isinstance(given, list) else [given]
        if (not values and not allow_empty) or any(not isinstance(v, int) or isinstance(v, bool) or v < minimum for v in values):
            raise InputError(f"{name}={given!r}: give {want}")
    return check


_positive_ints = _whole_numbers_from(1, "positive whole numbers")
_whole_numbers = _whole_numbers_from(0, "whole numbers ≥ 0", allow_empty=True)
#: genes of a simulated graph and sizes of chapter 8's grid
_gene_counts = _whole_numbers_from(10, "whole numbers of genes ≥ 10 (with 10 % TFs, fewer leave no TF)")
#: cells of a simulated dataset (the library's minimum: correlations need three)
_cell_counts = _whole_numbers_from(3, "whole numbers of cells ≥ 3")


def _replicate_count(name: str, value: Any) -> None:
    from grnular_lib.data.sergio_ds import N_REPLICATES

    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= N_REPLICATES:
        raise InputError(f"{name}={value!r}: give a whole number of replicates from 1 to {N_REPLICATES} (the "
                         f"published SERGIO sets have {N_REPLICATES})")


def _seed(name: str, value: Any) -> None:
    from grnular_lib.seeds import check_seed

    check_seed(value, option=name)


def _grid_noises(name: str, values: Any) -> None:
    from grnular_lib.generalisation import GRID_NOISES

    _choices(name, values, list(GRID_NOISES), "noise(s)")


def _families(name: str, values: Any) -> None:
    from grnular_lib.simulate.general import FAMILIES

    _choices(name, values, list(FAMILIES), "graph family(ies)")


def _preprocessing(name: str, value: Any) -> None:
    from grnular_lib.data.beeline import PREPROCESSING

    _choices(name, value, sorted(PREPROCESSING), "preprocessing")


def _fraction(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise InputError(f"{name}={value!r}: give a fraction in (0, 1]")


def _checkpoint_runs(name: str, values: Any) -> None:
    from grnular_lib.generalisation import parse_checkpoints

    parse_checkpoints(values)  # raises naming the spec that is wrong


def _percentiles(name: str, values: Any) -> None:
    values = values if isinstance(values, list) else [values]
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 100 for v in values):
        raise InputError(f"{name}={values!r}: give dropout percentiles, numbers in [0, 100) (e.g. 25, 50, 75)")


def _go_terms(name: str, values: Any) -> None:
    from grnular_lib.data import read_go_sets

    read_go_sets(values)  # raises InputError naming the unknown terms


def _threshold(name: str, value: Any) -> None:
    if not 0 <= float(value) <= 1:
        raise InputError(f"{name}={value!r}: the score threshold applies to scores scaled to [0, 1]; give a value "
                         "between 0 and 1 (the paper used 0.22)")


#: Parameter name → check, applied by :func:`notebook_params`.
_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "methods": _methods, "methods_tf": _methods, "methods_no_tf": _methods, "runtime_methods": _methods,
    "train_methods": _model_methods, "ds_names": _ds_names, "beeline_datasets": _beeline_datasets,
    "beeline_networks": _beeline_networks, "cells": _cell_counts, "cell_types": _positive_ints,
    "n_test_graphs": _positive_ints, "replicates": _replicate_count,
    "ds_replicates": _replicate_count, "hidden_sizes": _positive_ints,
    "genes": _gene_counts, "dropout_percentiles": _percentiles, "go_terms": _go_terms,
    "score_threshold": _threshold, "method": _methods, "rank_methods": _some_methods,
    "rank_full_only": _some_methods, "rank_seeds": _whole_numbers, "rank_resamples": _whole_numbers,
    "neighbourhood_size": _positive_ints, "compare_methods": _methods, "compare_datasets": _beeline_datasets,
    "compare_genesets": _beeline_genesets, "draws": _whole_numbers,
    "seed": _seed, "epochs": _positive_ints, "batch_size": _positive_ints, "train_graphs": _positive_ints,
    "valid_graphs": _positive_ints, "cells_per_type": _positive_ints, "ds_cells_per_type": _positive_ints,
    "repeats": _positive_ints, "graphs_per_cell": _positive_ints, "grid_cells": _cell_counts,
    "grid_cell_types": _positive_ints, "expensive_graphs": _positive_ints, "dropout_percentile": _percentiles,
    "geneset": _beeline_genesets, "preprocessing": _preprocessing, "lowess_frac": _fraction,
    "sizes": _gene_counts, "noises": _grid_noises, "families": _families, "checkpoints": _checkpoint_runs,
}


def describe_params(params: dict[str, Any]) -> pd.DataFrame:
    """The settings of a run as a two-column table, for the top of a chapter."""
    return pd.DataFrame({"setting": list(params), "value": [str(v) for v in params.values()]}).set_index("setting")


def dask_client(*, local: bool = False) -> Any:
    """The Dask client of a chapter's heavy loops: one on ``$DASK_SCHEDULER`` when set; else, with ``local``, a local
    cluster of ``$GRNULAR_BOOK_WORKERS`` single-threaded worker processes when that is 2 or more (``make book`` sets
    it to the machine's cores, at most 4); else ``None``, serial. The results are the same in every case.

    ``local`` is for chapters whose heavy loop is many independent method runs (a sweep over test graphs): there the
    workers pay for their start (a few seconds); elsewhere they would not.
    """
    from distributed import Client

    address = os.environ.get(DASK_ENV)
    if address:
        return Client(address)
    workers = int(os.environ.get(WORKERS_ENV, "1") or 1)
    if not local or workers < 2:
        return None
    from grnular_lib.parallel import local_client

    client = local_client(workers)
    atexit.register(client.close)  # workers stop before the kernel does, quietly
    return client


def rerun_command(notebook: str, params: dict[str, Any], *, change: dict[str, Any]) -> str:
    """The commands that rerun ``notebook`` with ``change`` on top of this run's profile.

    Scalars go through ``-p``; lists through papermill's ``-y`` (YAML), since ``-p`` passes scalars only.

    Parameters
    ----------
    notebook
        The chapter, one of :func:`chapters` (e.g. ``"06_mesc_case_study"``).
    params
        This run's parameters (``profile`` is read).
    change
        Parameter name → new value; lists and tuples go through ``-y``, every other value through ``-p``.

    Returns
    -------
    str
        Several lines: the ``make notebook`` command, then, after a comment line, the ``jupytext`` and ``papermill``
        commands that do the same directly.
    """
    scalars = {k: v for k, v in change.items() if not isinstance(v, (list, tuple))}
    lists = {k: list(v) for k, v in change.items() if isinstance(v, (list, tuple))}
    opts = " ".join(f"-p {k} {shlex.quote(str(v))}" for k, v in scalars.items())
    if lists:
        flow = ", ".join(f"{k}: {json.dumps(v)}" for k, v in lists.items())
        opts += (" " if opts else "") + f"-y '{{{flow}}}'"
    escaped = opts.replace('"', '\\"')
    return (f"make notebook NB={notebook} PROFILE={params['profile']} PARAMS=\"{escaped}\"\n"
            f"# or, directly (the result in build/chapters/, the book's copy untouched):\n"
            f"mkdir -p build/chapters\n"
            f".venv/bin/jupytext --to ipynb -o build/chapters/{notebook}.ipynb notebooks/{notebook}.py\n"
            f".venv/bin/papermill -k python3 --cwd notebooks build/chapters/{notebook}.ipynb "
            f"build/chapters/executed-{notebook}.ipynb -p profile {params['profile']} {opts}")
