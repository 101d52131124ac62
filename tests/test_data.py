"""Data manifests, file resolution, checksum verification and the ``grnular data`` command."""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from grnular_lib.data import resolve
from grnular_lib.data.command import register
from grnular_lib.data.manifests import ManifestFile, find_file, load_manifests, parse_manifest
from grnular_lib.errors import ChecksumError, DataUnavailableError, InputError

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="the local data mirror ../shared/data is absent")
SMALL = "sergio/DS1/gt_GRN.csv"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GRNULAR_DATA_DIR", raising=False)


def test_manifests_describe_every_source():
    manifests = load_manifests()
    assert {"sergio", "beeline-subsets", "beeline-tfs", "beeline-networks-full", "mesc-case-study", "go-mouse"} <= set(manifests)
    for m in manifests.values():
        assert m.origin.startswith("http") and m.licence and m.citation and m.files
        for f in m.files:
            assert len(f.sha256) == 64 and f.size > 0 and not f.path.startswith("/")
    assert find_file(SMALL)[0].name == "sergio"
    assert find_file(SMALL)[1].url.startswith("https://raw.githubusercontent.com/PayamDiba/SERGIO/")


def test_manifest_schema_errors_name_the_problem():
    with pytest.raises(InputError, match="lacks"):
        parse_manifest({"name": "x", "files": []})
    with pytest.raises(InputError, match="file entry 0"):
        parse_manifest({"name": "x", "title": "t", "origin": "o", "licence": "l", "citation": "c",
                        "files": [{"path": "a"}]})


@needs_mirror
def test_manifest_checksums_match_the_mirror_sums_files():
    listed = {}
    for folder in ("sergio", "beeline", "go"):
        for line in (MIRROR / folder / "SHA256SUMS").read_text().splitlines():
            sha, path = line.split(None, 1)
            listed[f"{folder}/{path.strip()}"] = sha
    entries = {f.path: f.sha256 for m in load_manifests().values() for f in m.files}
    assert set(entries) == set(listed)
    assert all(entries[p] == listed[p] for p in listed)


@needs_mirror
def test_resolves_from_the_mirror_and_verifies():
    path = resolve.resolve_file(SMALL)
    assert path == MIRROR / SMALL


@needs_mirror
def test_corrupted_file_is_refused_and_left_untouched(tmp_path):
    root = tmp_path / "data"
    (root / "sergio/DS1").mkdir(parents=True)
    target = root / SMALL
    good = (MIRROR / SMALL).read_bytes()
    bad = bytearray(good)
    bad[10] = (bad[10] + 1) % 256  # same size, different content
    target.write_bytes(bytes(bad))
    with pytest.raises(ChecksumError, match="sha256"):
        resolve.resolve_file(SMALL, data_dir=root)
    assert target.read_bytes() == bytes(bad)  # never repaired or half-replaced behind the user's back
    target.write_bytes(good[:-5])
    with pytest.raises(ChecksumError, match="size"):
        resolve.resolve_file(SMALL, data_dir=root)
    target.write_bytes(good)
    assert resolve.resolve_file(SMALL, data_dir=root) == target


@needs_mirror
def test_remembered_checksum_is_invalidated_by_a_change(tmp_path):
    root = tmp_path / "data"
    (root / "sergio/DS1").mkdir(parents=True)
    target = root / SMALL
    shutil.copy(MIRROR / SMALL, target)
    entry = find_file(SMALL)[1]
    resolve.verify_file(target, entry)  # hashed and remembered
    data = bytearray(target.read_bytes())
    data[0] = (data[0] + 1) % 256
    target.write_bytes(bytes(data))
    os.utime(target, ns=(1, 1))  # a different mtime: the stamp must not apply
    with pytest.raises(ChecksumError):
        resolve.verify_file(target, entry)


def _entry_for(tmp_path: Path, content: bytes, claimed: bytes) -> ManifestFile:
    src = tmp_path / "remote.bin"
    src.write_bytes(content)
    return ManifestFile(path="x/remote.bin", size=len(claimed), sha256=hashlib.sha256(claimed).hexdigest(),
                        url=src.as_uri())


def test_download_is_verified_before_it_appears(tmp_path):
    dest = tmp_path / "dl" / "remote.bin"
    good = _entry_for(tmp_path, b"payload" * 100, b"payload" * 100)
    assert resolve.download_file(good, dest, progress=False).read_bytes() == b"payload" * 100
    dest.unlink()
    bad = _entry_for(tmp_path, b"Payload" * 100, b"payload" * 100)
    with pytest.raises(ChecksumError):
        resolve.download_file(bad, dest, progress=False)
    assert not dest.exists() and list(dest.parent.iterdir()) == []  # no partial file left behind


def test_missing_file_offline_names_dataset_files_and_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(resolve, "PROJECT_ROOT", tmp_path / "nowhere" / "project")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataUnavailableError) as err:
        resolve.resolve_file("beeline/tfs/mouse-tfs.csv", data_dir=tmp_path / "empty", dataset="mouse TFs")
    msg = str(err.value)
    assert "mouse TFs" in msg and "beeline/tfs/mouse-tfs.csv" in msg and "GRNULAR_DATA_DIR" in msg
    assert "grnular data fetch" in msg


def _run(argv):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


@needs_mirror
def test_data_command_list_verify(capsys, tmp_path):
    assert _run(["data", "list"]) == 0
    assert "sergio" in capsys.readouterr().out
    assert _run(["data", "verify", "sergio", "go-mouse"]) == 0
    root = tmp_path / "data"
    (root / "sergio/DS1").mkdir(parents=True)
    (root / SMALL).write_bytes(b"x" * find_file(SMALL)[1].size)
    assert _run(["data", "verify", "sergio", "--data-dir", str(root)]) == 1
    assert "BAD" in capsys.readouterr().out
    with pytest.raises(InputError, match="unknown data set"):
        _run(["data", "verify", "nope"])


@needs_mirror
def test_verify_hashes_by_default_so_bit_rot_with_the_same_mtime_is_caught(tmp_path, capsys, monkeypatch):
    from grnular_lib.cli import main

    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "data"
    (root / "sergio/DS1").mkdir(parents=True)
    target = root / SMALL
    shutil.copy(MIRROR / SMALL, target)
    entry = find_file(SMALL)[1]
    resolve.verify_file(target, entry)  # hashed and remembered
    stat = target.stat()
    data = bytearray(target.read_bytes())
    data[0] = (data[0] + 1) % 256
    target.write_bytes(bytes(data))
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # bit rot: same size, same mtime
    resolve.verify_file(target, entry, trust_stamp=True)  # the fast mode trusts the remembered checksum
    with pytest.raises(ChecksumError):
        resolve.verify_file(target, entry)
    with pytest.raises(ChecksumError):
        resolve.resolve_file(SMALL, data_dir=root)  # a loader never reads the damaged file
    assert main(["data", "verify", "sergio", "--data-dir", str(root)]) == 1
    assert f"BAD      {target}" in capsys.readouterr().out


def test_data_command_without_any_file_or_network_says_so(tmp_path, monkeypatch, capsys):
    """No mirror, nothing cached, no network: verify fails instead of passing on nothing, and fetch gives one
    `grnular: error:` line with the download's reason, without suggesting the command that just failed."""
    from grnular_lib.cli import main

    monkeypatch.setattr(resolve, "PROJECT_ROOT", tmp_path / "nowhere" / "project")
    monkeypatch.chdir(tmp_path)

    def offline(entry, dest, progress=True):
        raise DataUnavailableError("no route to host")

    monkeypatch.setattr(resolve, "download_file", offline)
    assert main(["data", "verify", "sergio"]) == 1
    assert "none of these files is here" in capsys.readouterr().err
    assert main(["data", "fetch", "sergio"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("grnular: error: data set 'sergio' is not available")
    assert "no route to host" in err[0] and "grnular data fetch" not in err[0]
    assert main(["data", "list", "--data-dir", str(tmp_path / "absent")]) == 2
    assert "--data-dir" in capsys.readouterr().err
    tries = []
    monkeypatch.setattr(resolve, "download_file", lambda entry, dest, progress=True: tries.append(entry) or offline(
        entry, dest))
    assert main(["data", "fetch", "sergio", "go-mouse"]) == 2  # every set is reported; one download is tried
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(tries) == 1 and len(err) == 1 and "2 data sets are not ready (sergio, go-mouse)" in err[0]
    assert "sergio: NOT READY" in captured.out and "go-mouse: NOT READY" in captured.out


@needs_mirror
def test_verify_fails_on_a_missing_file_and_names_a_folder_one_level_too_deep(tmp_path, monkeypatch, capsys):
    """`verify` is for scripts (`grnular data verify && …`): a missing file is a failure, not a count."""
    from grnular_lib.cli import main

    monkeypatch.setattr(resolve, "PROJECT_ROOT", tmp_path / "nowhere" / "project")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "data"
    (root / "sergio/DS1").mkdir(parents=True)
    shutil.copy(MIRROR / SMALL, root / SMALL)
    assert main(["data", "verify", "sergio", "--data-dir", str(root)]) == 1
    captured = capsys.readouterr()
    assert "MISSING" in captured.out and "files are missing" in captured.err
    (root / SMALL).unlink()
    (root / "sergio/DS2").mkdir()
    shutil.copy(MIRROR / "sergio/DS2/gt_GRN.csv", root / "sergio/DS2/gt_GRN.csv")
    assert main(["data", "verify", "sergio", "--data-dir", str(root / "sergio")]) == 1
    assert f"give the folder above: {root}" in capsys.readouterr().err


def test_verify_names_a_file_behind_an_unreadable_folder_instead_of_calling_it_missing(tmp_path, monkeypatch,
                                                                                        capsys):
    """A data folder this user may not read (the tests run as root, so the refusal is simulated): its files are
    reported as unreadable, with the fix, not as missing."""
    from grnular_lib.cli import main

    monkeypatch.setattr(resolve, "PROJECT_ROOT", tmp_path / "nowhere" / "project")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    locked = tmp_path / "data" / "sergio"
    locked.mkdir(parents=True)
    is_file = Path.is_file

    def refuse(self):
        if locked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return is_file(self)

    monkeypatch.setattr(Path, "is_file", refuse)
    assert main(["data", "verify", "sergio", "--data-dir", str(tmp_path / "data")]) == 1
    out = capsys.readouterr().out
    assert f"BAD      {tmp_path / 'data' / SMALL}: a folder on the way cannot be read; check its permissions" in out
    assert "MISSING" not in out


def test_a_manifest_that_is_not_yaml_is_one_line(tmp_path, monkeypatch, capsys):
    """`grnular data list` with a broken manifest in $GRNULAR_MANIFEST_DIR: exit 2, one line naming file and line."""
    from grnular_lib.cli import main

    (tmp_path / "broken.yaml").write_text("name: [unclosed\n")
    monkeypatch.setenv("GRNULAR_MANIFEST_DIR", str(tmp_path))
    assert main(["data", "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.yaml is not valid YAML (line 2)" in err[0]


@needs_mirror
def test_fetch_names_every_damaged_copy(tmp_path):
    """Two damaged files in a data folder: fetch tries every file and names both, not only the first."""
    root = tmp_path / "data"
    shutil.copytree(MIRROR / "sergio", root / "sergio")
    for p in [root / "sergio", *(root / "sergio").rglob("*")]:  # the mirror is read-only; the copy need not be
        p.chmod(0o755 if p.is_dir() else 0o644)
    for name, cut in (("sergio/DS1/gt_GRN.csv", 3), ("sergio/DS2/gt_GRN.csv", 10)):
        target = root / name
        target.write_bytes(target.read_bytes()[:-cut])
    with pytest.raises(ChecksumError, match=r"2 of \d+ local files of 'sergio' are damaged .*DS1/gt_GRN.csv, "
                       r".*DS2/gt_GRN.csv"):
        resolve.fetch("sergio", data_dir=root)
