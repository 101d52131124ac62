"""Meta-training raises validation AUPRC over the untrained model; batches, selection and history are consistent."""
import numpy as np
import pytest
import torch

from grnular_lib.dataset import GRNDataset
from grnular_lib.errors import InputError
from grnular_lib.models import build_model
from grnular_lib.train import meta_train, problems_from_datasets
from test_models_problems import linear_sem

torch.set_num_threads(1)  # a shared 2-core machine: one thread avoids OpenMP oversubscription


def corpus(n, seed, **kw):
    out = []
    for i in range(n):
        X, tf, A = linear_sem(seed=seed + i, **kw)
        genes = [f"g{j}" for j in range(X.shape[1])]
        r, c = np.nonzero(A)
        truth = {"Gene1": [genes[j] for j in r], "Gene2": [genes[j] for j in c]}
        import pandas as pd
        out.append(GRNDataset(f"sem{seed + i}", X, genes, [genes[j] for j in tf], pd.DataFrame(truth)))
    return out


@pytest.mark.parametrize("method,kw", [
                                       ("grnular-jac", dict(n_unrolled=3, inner_steps=2, init_epochs=80))])
def test_meta_training_raises_validation_auprc(method, kw):
    train = problems_from_datasets(corpus(6, 0, n_genes=20, n_tfs=4, n_cells=60, noise=1.5), device="cpu")
    valid = problems_from_datasets(corpus(4, 100, n_genes=20, n_tfs=4, n_cells=60, noise=1.5), device="cpu")
    torch.manual_seed(0)
    model = build_model(method, **kw)
    result = meta_train(model, train, valid, epochs=4, batch_size=3, lr=0.05, seed=0, progress=False)
    untrained = result.history[0]["valid_auprc"]
    assert len(result.history) == 5 and result.best_epoch > 0
    assert result.best["valid_auprc"] > untrained + 0.01
    assert result.history[-1]["lr"] < 0.05  # the schedule anneals


def test_meta_training_needs_data_with_truth():
    ds = corpus(1, 0)[0]
    ds.truth = None
    with pytest.raises(InputError, match="no ground truth"):
        problems_from_datasets([ds])
    with pytest.raises(InputError, match="at least one"):
        meta_train(build_model("glad"), [], [], progress=False)


def test_train_command_writes_a_loadable_checkpoint_and_model_card(tmp_path):
    from grnular_lib.checkpoints import load_checkpoint
    from grnular_lib.cli import main

    out = tmp_path / "m.pt"
    argv = ["train", "--method", "glad-tf", "--genes", "20", "--cells-per-type", "30", "--cell-types", "2",
            "--train-graphs", "2", "--valid-graphs", "1", "--epochs", "1", "--seed", "3", "-o", str(out)]
    assert main(argv) == 0
    ck = load_checkpoint(out, method="glad-tf")
    assert ck["training"]["seed"] == 3 and ck["training"]["setting"]["genes"] == 20
    assert len(ck["validation"]["history"]) == 2
    card = out.with_name(f"{out.stem}.card.md").read_text()
    assert "glad-tf" in card and "validation AUPRC" in card


def test_train_command_records_the_simulation_parameters_and_checks_them(tmp_path, capsys):
    from grnular_lib.checkpoints import load_checkpoint
    from grnular_lib.cli import main
    from grnular_lib.training import simulation_setup

    out = tmp_path / "ds.pt"
    base = ["train", "--method", "glad-tf", "--genes", "20", "--cells-per-type", "20", "--cell-types", "2",
            "--train-graphs", "1", "--valid-graphs", "1", "--epochs", "1", "-o", str(out)]
    assert main(base + ["--noise-params", "1", "--decay", "0.8", "--sampling-state", "5"]) == 0
    setting = load_checkpoint(out)["training"]["setting"]
    assert (setting["noise_q"], setting["decay"], setting["sampling_state"]) == (1.0, 0.8, 5)
    card = out.with_name(f"{out.stem}.card.md").read_text()
    assert "--noise-params 1.0 --decay 0.8 --sampling-state 5" in card
    _, settings, _ = simulation_setup(**setting)
    assert (settings.noise_q, settings.decay, settings.sampling_state) == (1.0, 0.8, 5)
    # a setting recorded before these options existed still means the paper's §3.2 engine parameters
    old = {k: v for k, v in setting.items() if k not in ("noise_q", "decay", "sampling_state")}
    _, settings, _ = simulation_setup(**old)
    assert (settings.noise_q, settings.decay, settings.sampling_state) == (0.1, 1.0, 15)
    capsys.readouterr()
    assert main(base + ["--decay", "0", "--overwrite"]) == 2
    assert "--decay 0.0: the decay rate must be > 0" in capsys.readouterr().err
    assert main(base + ["--noise-params", "-1", "--overwrite"]) == 2
    assert "--noise-params -1.0: the noise amplitude q must be >= 0" in capsys.readouterr().err


def test_train_command_general_setting(tmp_path, capsys):
    """--setting general: problems from the broad distribution, split in the seed, card and validation curve."""
    import csv

    from grnular_lib.checkpoints import load_checkpoint
    from grnular_lib.cli import main

    out = tmp_path / "g.pt"
    argv = ["train", "--setting", "general", "--max-genes", "60", "--method", "grnular-rank", "--train-graphs", "2",
            "--valid-graphs", "1", "--epochs", "1", "--batch-size", "2", "--lr", "0.003", "-o", str(out)]
    assert main(argv) == 0
    ck = load_checkpoint(out, method="grnular-rank")
    assert ck["training"]["setting"]["distribution"] == "general" and ck["training"]["setting"]["max_genes"] == 60
    card = out.with_name("g.card.md").read_text()
    assert "setting `general`" in card and "--setting general" in card and "--max-genes 60" in card
    assert f"--general-version {ck['training']['setting']['version']}" in card  # reproducible after a later version
    rows = list(csv.DictReader(out.with_name("g.validation.csv").open()))
    assert [int(r["epoch"]) for r in rows] == [0, 1] and 0 <= float(rows[1]["valid_auprc"]) <= 1
    capsys.readouterr()
    assert main(argv[:3] + ["--genes", "50", "-o", str(tmp_path / "h.pt")]) == 2
    assert "--genes: only for --setting paper" in capsys.readouterr().err
    assert not (tmp_path / "h.pt").exists()
    assert main(argv[:-2] + ["--general-version", "1", "-o", str(tmp_path / "h.pt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "general setting version 1 is not in this library" in err[0]
    assert not (tmp_path / "h.pt").exists()


def test_a_diverging_training_ends_in_one_last_line_naming_lr(tmp_path, capsys):
    """`grnular train --method glad --lr 100`: the unrolled solver's eigendecomposition fails on blown-up weights; exit
    2, the error the last line of stderr (after the closed progress bars), no file left."""
    from grnular_lib.cli import main

    argv = ["train", "--method", "glad", "--genes", "10", "--cells-per-type", "20", "--cell-types", "2",
            "--train-graphs", "1", "--valid-graphs", "1", "--epochs", "1", "--seed", "0", "--lr", "100",
            "-o", str(tmp_path / "m.pt")]
    assert main(argv) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("grnular: error: training diverged in epoch 1: ") and "lower --lr" in last
    assert list(tmp_path.iterdir()) == []
