"""Bad inputs to the Python API (``grnular_lib.infer``): one clear :class:`InputError` each, before any work."""
import os

import numpy as np
import pandas as pd
import pytest

from grnular_lib import infer
from grnular_lib.errors import CheckpointError, InputError


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.gamma(2.0, 1.0, (40, 6)), columns=[f"G{i}" for i in range(6)])


def _multiindex(df):
    out = df.copy()
    out.columns = pd.MultiIndex.from_arrays([df.columns, ["a"] * df.shape[1]])
    return out


def _with_dates(df):
    out = df.copy()
    out["G1"] = pd.Timestamp("2020") + pd.to_timedelta(np.arange(len(df)), "h")
    return out


BAD = [
    ("multiindex", lambda df: dict(data=_multiindex(df)), r"several levels of labels"),
    ("dates", lambda df: dict(data=_with_dates(df)), r"gene 'G1' holds datetime64\[ns\] values"),
    ("complex", lambda df: dict(data=df.astype(complex)), r"holds complex128 values"),
    ("tfs-int", lambda df: dict(data=df, tfs=5), r"tfs of type int"),
    ("tfs-bytes", lambda df: dict(data=df, tfs=b"G0"), r"tfs of type bytes"),
    ("tfs-none-entry", lambda df: dict(data=df, tfs=["G0", None]), r"1 entries that are not names \(e.g. None\)"),
    ("tfs-one-symbol", lambda df: dict(data=df, tfs="G0"), r"\(in Python, tfs=\['G0'\] also works\)"),
    ("tfs-empty-string", lambda df: dict(data=df, tfs=""), r"tfs is an empty string"),
    ("checkpoint-int", lambda df: dict(data=df, checkpoint=3), r"checkpoint=3: give the name"),
    ("checkpoint-baseline", lambda df: dict(data=df, method="pearson", checkpoint="grnular-clean"),
     r"pearson has none, so drop it"),
    ("flag-string", lambda df: dict(data=-df, method="pearson", allow_negative="no"),
     r"allow_negative='no': give True or False"),
    ("cells-in-rows-frame", lambda df: dict(data=df, method="pearson", cells_in_rows=True),
     r"applies to table files; a DataFrame"),
]


@pytest.mark.parametrize("make,match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_api_input(frame, make, match):
    kwargs = {"method": "pearson", **make(frame)}
    with pytest.raises(InputError, match=match):
        infer(**kwargs)


def test_tf_collections_and_a_generator_give_the_same_network(frame):
    want = infer(frame, tfs=["G0", "G1"], method="pearson")
    for tfs in (("G1", "G0"), {"G0", "G1"}, pd.Series(["G0", "G1"]), iter(["G0", "G1"])):
        got = infer(frame, tfs=tfs, method="pearson")
        pd.testing.assert_frame_equal(got, want)


def test_a_file_named_like_a_shipped_checkpoint_is_refused(frame, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grnular-clean").write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"names both a shipped checkpoint and the file ./grnular-clean"):
        infer(frame, tfs=["G0", "G1"], method="grnular", checkpoint="grnular-clean")
    assert os.path.exists("grnular-clean")
