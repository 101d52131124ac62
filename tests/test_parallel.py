"""``--workers`` and ``--scheduler``: the parallel parts run on Dask with the same results as serially."""
from __future__ import annotations

import argparse
import io
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grnular_lib.cli import main
from grnular_lib.errors import InputError
from grnular_lib.methods import method_names
from grnular_lib.parallel import dask_client


def _expression(d: Path) -> Path:
    rng = np.random.default_rng(3)
    tf = rng.gamma(2.0, 1.0, (3, 60))
    rest = rng.random((9, 3)) @ tf + rng.gamma(1.0, 0.3, (9, 60))
    frame = pd.DataFrame(np.vstack([tf, rest]).round(4), index=[f"G{i}" for i in range(12)],
                         columns=[f"c{i}" for i in range(60)])
    frame.to_csv(d / "expr.csv")
    (d / "tfs.txt").write_text("G0\nG1\nG2\n")
    return d / "expr.csv"


def test_grnboost2_on_local_workers_equals_serial(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    expr = _expression(tmp_path)
    common = [str(expr), "--tfs", str(tmp_path / "tfs.txt"), "--method", "grnboost2", "--seed", "4"]
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["infer", *common, "-o", str(tmp_path / "serial.tsv")]) == 0
        (tmp_path / "cache").rename(tmp_path / "cache-serial")  # the second run must fit, not read the cache
        assert main(["infer", *common, "--workers", "2", "-o", str(tmp_path / "workers.tsv")]) == 0
    assert "warning" not in err.getvalue(), err.getvalue()
    serial = (tmp_path / "serial.tsv").read_text()
    assert serial == (tmp_path / "workers.tsv").read_text()
    assert len(serial.splitlines()) == 1 + 3 * 11


def test_only_the_per_target_baselines_are_parallel():
    assert method_names(parallel=True) == ("grnboost2", "genie3")


def test_one_worker_and_no_scheduler_run_in_this_process():
    with dask_client(None, 1) as client:
        assert client is None


@pytest.mark.parametrize("scheduler, workers, match", [
    (None, 0, r"at least 1"),
    (None, 2.5, r"whole number"),
    (None, True, r"whole number"),
    ("tcp://127.0.0.1:1", 2, r"not both"),
    ("tcp://127.0.0.1", 1, r"not a Dask scheduler address"),
    ("http://127.0.0.1:8786", 1, r"unknown scheme 'http'"),
    ("tcp://127.0.0.1:1", 1, r"no Dask scheduler answered"),
])
def test_bad_parallel_settings_are_refused_before_any_work(scheduler, workers, match):
    with pytest.raises(InputError, match=match):
        with dask_client(scheduler, workers):
            pytest.fail("entered the block")


def test_train_card_command_leaves_out_where_it_ran():
    from grnular_lib.train_command import command_line, register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["train", "--train-graphs", "3", "--workers", "2", "-o", "m.pt"])
    assert args.workers == 2
    command = command_line(args)
    assert "--train-graphs 3" in command and "--workers" not in command and "--scheduler" not in command
