"""Checkpoints: round trip, refusal of unsafe files, of other models' checkpoints and of other major versions."""
import pickle

import numpy as np
import pytest
import torch

import grnular_lib.checkpoints as ck
from grnular_lib.errors import CheckpointError
from grnular_lib.models import build_model, load_model

RAN = []


class Exploit:
    """Unpickling this would call RAN.append — i.e. run code from the file."""

    def __reduce__(self):
        return (RAN.append, ("code ran",))


def test_round_trip_keeps_weights_config_scores_and_version(tmp_path):
    model = build_model("grnular", n_unrolled=2)
    path = ck.save_checkpoint(tmp_path / "a.pt", method="grnular", state=model.state_dict(), config=model.config,
                              validation={"auprc": 0.5}, training={"seed": 3})
    got = ck.load_checkpoint(path, method="grnular")
    assert got["config"] == model.config and got["validation"] == {"auprc": 0.5} and got["training"] == {"seed": 3}
    assert got["library_version"] == "0.1.0"
    for k, v in model.state_dict().items():
        assert torch.equal(got["state"][k], v)
    loaded = load_model("grnular", path, device="cpu")
    assert loaded.config["n_unrolled"] == 2 and not loaded.training
    assert not list(tmp_path.glob(".a.pt.*"))  # no temporary file left behind


def test_malicious_pickle_is_refused_without_running_code(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": ck.FORMAT, "state": Exploit()}, f, protocol=2)
    torch.save({"format": ck.FORMAT, "payload": Exploit()}, tmp_path / "evil2.pt")
    RAN.clear()
    for p in (path, tmp_path / "evil2.pt"):
        with pytest.raises(CheckpointError, match="not a safe GRNUlar checkpoint"):
            ck.load_checkpoint(p)
    assert RAN == []


def test_wrong_model_wrong_version_and_foreign_files_are_refused(tmp_path):
    model = build_model("glad")
    path = ck.save_checkpoint(tmp_path / "g.pt", method="glad", state=model.state_dict(), config=model.config)
    with pytest.raises(CheckpointError, match="model 'glad', not of 'glad-tf'"):
        ck.load_checkpoint(path, method="glad-tf")
    raw = torch.load(path, weights_only=True)
    raw["library_version"] = "9.0.0"
    torch.save(raw, tmp_path / "old.pt")
    with pytest.raises(CheckpointError, match="incompatible"):
        ck.load_checkpoint(tmp_path / "old.pt")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a GRNUlar checkpoint"):
        ck.load_checkpoint(tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not found"):
        ck.resolve_checkpoint(tmp_path / "missing.pt")


def test_the_default_grnular_rank_is_the_mean_of_its_three_shipped_seeds():
    """``grnular-rank`` without a checkpoint loads the shipped ensemble; its outputs are the mean of its members'
    (three models trained with one command and different seeds), and a member can still be named alone."""
    from grnular_lib.models import Ensemble, make_problem

    assert ck.default_checkpoint("grnular-rank") == "grnular-rank-general-ensemble"
    assert ck.default_checkpoint("grnular") == "grnular-general"
    ensemble = load_model("grnular-rank", device="cpu")
    assert isinstance(ensemble, Ensemble) and len(ensemble.members) == 3
    names = ck.SHIPPED_ENSEMBLES["grnular-rank-general-ensemble"]
    # trained on version 8 of the general distribution (DS-chain counts normalised in half of those problems)
    assert {ck.load_checkpoint(ck.resolve_checkpoint(n))["training"]["setting"]["version"] for n in names} == {8}
    members = [load_model("grnular-rank", name, device="cpu") for name in names]
    assert not isinstance(members[0], Ensemble)
    rng = np.random.default_rng(0)
    X = rng.lognormal(size=(200, 30)).astype(np.float32)
    problem = make_problem(X, np.arange(5), device="cpu")
    with torch.no_grad():
        outs = [m(problem)[-1] for m in members]
        torch.testing.assert_close(ensemble(problem)[-1], torch.stack(outs).mean(dim=0))
    assert not torch.equal(outs[0], outs[1])


def test_an_ensemble_refuses_members_that_do_not_match():
    from grnular_lib.models import Ensemble, RankGRNUlar

    with pytest.raises(CheckpointError, match="differ"):
        Ensemble([RankGRNUlar(n_unrolled=1), RankGRNUlar(n_unrolled=2)])


def test_every_shipped_ensemble_loads_its_members_with_cards_of_one_setting():
    """Each shipped ensemble's members exist with a model card and a validation curve, were trained with one command
    that differs only in ``--seed`` (and the output) — for an ensemble :func:`checkpoint_for_cells` may choose or one
    made of other shipped ensembles, also in ``--general-version`` (the range of cells, the candidate regulators or the
    noise) and ``--ranking-weight``,
    and, for one trained with every gene a candidate, ``--max-genes`` — and load as one ensemble."""
    import re

    from grnular_lib.models import Ensemble

    for name, members in ck.SHIPPED_ENSEMBLES.items():
        varying = r"--seed \d+ -o \S+$"
        routed = name in (*ck.CELL_RANGE_ENSEMBLES, *ck.EVERY_GENE_ENSEMBLES, *ck.COUNT_ENSEMBLES)
        parts = [set(m) for n, m in ck.SHIPPED_ENSEMBLES.items() if n != name and set(m) < set(members)]
        composed = bool(parts) and set().union(*parts) == set(members)  # each part is checked on its own
        if routed or composed:  # other ranges of cells, candidates or noise; with or without the ranking loss
            varying = r"--general-version \d+ |--ranking-weight \S+ |" + varying
        if name in ck.EVERY_GENE_ENSEMBLES:  # every gene's row is scored: smaller graphs keep the training time
            varying = r"--max-genes \d+ |" + varying
        commands = set()
        for member in members:
            path = ck.resolve_checkpoint(member)
            assert path.with_name(f"{member}.card.md").exists() and path.with_name(f"{member}.validation.csv").exists()
            command = ck.load_checkpoint(path)["training"]["command"]
            assert command.endswith(f"-o {member}.pt")
            commands.add(re.sub(varying, "", command))
        if routed:  # and like the method's default
            default = ck.SHIPPED_ENSEMBLES[ck.default_checkpoint(ck.shipped_training_range(name)[0])][0]
            commands.add(re.sub(varying, "", ck.load_checkpoint(ck.resolve_checkpoint(default))["training"]["command"]))
        assert len(commands) == 1, (name, commands)
        model = load_model("grnular-rank", name, device="cpu")
        assert isinstance(model, Ensemble) and len(model.members) == len(members)
    assert ck.shipped_training_range("grnular-rank-general-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v3-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v4-ensemble") == ("grnular-rank", 100, 8000)
    assert ck.shipped_training_range("grnular-rank-general-v5-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v8v5-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v9-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v8v9-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-rank3v9-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-rank3-v9-ensemble") == ("grnular-rank", 1000, 3000)
    assert ck.shipped_training_range("grnular-rank-general-rank3v14-ensemble") == ("grnular-rank", 100, 1000)
    assert ck.shipped_training_range("grnular-rank-general-rank3-v14-ensemble") == ("grnular-rank", 100, 1000)
    assert ck.shipped_training_range("grnular-rank-general-v8-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v10-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v8v10-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v11-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v6-ensemble") == ("grnular-rank", 100, 3000)
    assert ck.shipped_training_range("grnular-rank-general-v7-ensemble") == ("grnular-rank", 3000, 8000)
    assert ck.shipped_training_range("grnular-clean") is None  # the paper's fixed setting


def test_every_shipped_validation_curve_records_finite_training():
    """Every epoch of every shipped training run has a finite training loss and a validation score.

    GLAD's general checkpoints were once shipped from runs whose loss was NaN in every epoch (torch's eigh gradient
    on constant genes): model selection then silently kept the untrained weights.
    """
    import pandas as pd

    curves = sorted(ck.PRETRAINED_DIR.glob("*.validation.csv"))
    assert len(curves) >= 10
    for path in curves:
        h = pd.read_csv(path)
        trained = h[h.epoch >= 1]
        assert len(trained) and np.isfinite(trained.train_loss).all(), path.name
        assert np.isfinite(h.valid_auprc).all(), path.name
