"""Every file the library writes goes through one atomic writer: complete or absent, with the mode the umask gives."""
import errno
import os

import numpy as np
import pandas as pd
import pytest
import torch

from grnular_lib.checkpoints import save_checkpoint
from grnular_lib.models import build_model
from grnular_lib.outputs import atomic_write, atomic_write_together
from grnular_lib.simulate.graph import random_grn
from grnular_lib.simulate.sergio_io import write_sergio


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o640
    os.umask(old)


def test_failed_write_leaves_neither_file_nor_temporary(tmp_path):
    (tmp_path / "keep.txt").write_text("old")

    def fail(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "keep.txt", fail)
    assert (tmp_path / "keep.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_full_disk_names_the_output_and_removes_the_folders_it_made(tmp_path):
    def full(tmp):
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left") as caught:
        atomic_write(tmp_path / "a" / "b" / "out.tsv", full)
    assert caught.value.filename == str(tmp_path / "a" / "b" / "out.tsv")
    assert list(tmp_path.iterdir()) == []


def test_files_written_together_are_replaced_all_or_none(tmp_path):
    paths = [tmp_path / "m.pt", tmp_path / "m.card.md", tmp_path / "m.validation.csv"]
    for p in paths:
        p.write_text("old")

    def fail_on_the_last(tmp):
        for p in paths[:-1]:
            tmp[p].write_text("new")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write_together(paths, fail_on_the_last)
    assert [p.read_text() for p in paths] == ["old"] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)

    def full(tmp):
        tmp[paths[1]].write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp[paths[1]]))

    with pytest.raises(OSError) as caught:
        atomic_write_together(paths, full)
    assert caught.value.filename == str(paths[1])  # the final name, not the temporary one
    assert [p.read_text() for p in paths] == ["old"] * 3

    atomic_write_together(paths, lambda tmp: [tmp[p].write_text("new") for p in paths])
    assert [p.read_text() for p in paths] == ["new"] * 3
    assert len(list(tmp_path.iterdir())) == 3


def test_the_command_reports_a_refused_write_in_one_line(tmp_path, monkeypatch, capsys):
    import grnular_lib.outputs as outputs
    from grnular_lib.cli import main

    pd.DataFrame(np.random.default_rng(0).random((4, 20)), index=[f"G{i}" for i in range(4)],
                 columns=[f"type0_cell{i}" for i in range(20)]).to_csv(tmp_path / "expr.csv")

    def refuse(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", src)

    monkeypatch.setattr(outputs.os, "replace", refuse)
    rc = main(["infer", str(tmp_path / "expr.csv"), "--method", "pearson", "-o", str(tmp_path / "out" / "x.tsv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 1 and len(err) == 1 and f"{tmp_path / 'out' / 'x.tsv'}: No space left on device" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expr.csv"]


def test_checkpoints_and_sergio_files_follow_the_umask(tmp_path, umask_027):
    model = build_model("grnular-rank", n_unrolled=1, hidden=4)
    ckpt = save_checkpoint(tmp_path / "m.pt", method="grnular-rank", state=model.state_dict(), config=model.config)
    grn = random_grn(20, seed=0)
    write_sergio(grn, tmp_path / "interactions.txt", tmp_path / "regulators.txt")
    for path in (ckpt, tmp_path / "interactions.txt", tmp_path / "regulators.txt"):
        assert path.stat().st_mode & 0o777 == umask_027, path
    assert torch.load(ckpt, weights_only=True)["method"] == "grnular-rank"
