"""Every file the library writes goes through one atomic writer: complete or absent, with the mode the umask gives."""
import os

import pytest
import torch

from grnular_lib.checkpoints import save_checkpoint
from grnular_lib.models import build_model
from grnular_lib.outputs import atomic_write
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


def test_checkpoints_and_sergio_files_follow_the_umask(tmp_path, umask_027):
    model = build_model("grnular-rank", n_unrolled=1, hidden=4)
    ckpt = save_checkpoint(tmp_path / "m.pt", method="grnular-rank", state=model.state_dict(), config=model.config)
    grn = random_grn(20, seed=0)
    write_sergio(grn, tmp_path / "interactions.txt", tmp_path / "regulators.txt")
    for path in (ckpt, tmp_path / "interactions.txt", tmp_path / "regulators.txt"):
        assert path.stat().st_mode & 0o777 == umask_027, path
    assert torch.load(ckpt, weights_only=True)["method"] == "grnular-rank"
