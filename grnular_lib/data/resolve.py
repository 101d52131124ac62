"""Finding a data file on disk, verifying it, and downloading it when it is nowhere local.

Resolution order for a file listed in a manifest (relative path ``p``):

1. an explicit ``data_dir`` argument, else ``$GRNULAR_DATA_DIR``;
2. ``../shared/data`` next to the project root, and ``../shared/data`` relative to the current directory;
3. the user cache, ``<cache>/data`` (see :func:`grnular_lib.cache.cache_dir`);
4. a download from the file's public ``url`` into the user cache, with a progress bar, written to a temporary name
   and renamed only after its sha256 matched.

A file found locally whose size or sha256 differs from the manifest raises :class:`ChecksumError` and is left as it
is. Every file is hashed each time it is resolved (the mirror is small: a few seconds in all), so a damaged file is
never read. A verified checksum is also remembered (keyed by absolute path, size and modification time) for
``grnular data verify --fast``, which trusts it — fast, but blind to bit rot that keeps size and mtime.
"""
from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from tqdm.auto import tqdm

from ..cache import cache_dir
from ..outputs import atomic_write
from ..errors import ChecksumError, DataUnavailableError
from .manifests import Manifest, ManifestFile, find_file, get_manifest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_CHUNK = 1 << 20


def data_roots(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """Folders searched for data files, in order (existing ones only, the user cache last, even if absent)."""
    roots: list[Path] = []
    explicit = data_dir if data_dir is not None else os.environ.get("GRNULAR_DATA_DIR")
    if explicit:
        roots.append(Path(explicit).expanduser())
    for candidate in (PROJECT_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"):
        if candidate.is_dir() and candidate.resolve() not in {r.resolve() for r in roots}:
            roots.append(candidate)
    roots.append(download_root())
    return roots


def download_root() -> Path:
    """Where downloads go: ``<cache>/data``."""
    return cache_dir() / "data"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _stamp_file() -> Path:
    return cache_dir() / "verified-checksums.json"


def _read_stamps() -> dict[str, str]:
    try:
        return json.loads(_stamp_file().read_text())
    except (OSError, ValueError):
        return {}


def _stamp_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def _remember(path: Path, sha: str) -> None:
    stamps = _read_stamps()
    stamps[_stamp_key(path)] = sha
    try:
        atomic_write(_stamp_file(), lambda tmp: tmp.write_text(json.dumps(stamps, indent=0)))
    except OSError:  # an unwritable cache only costs re-hashing next time
        pass


def verify_file(path: Path, entry: ManifestFile, *, trust_stamp: bool = False, remember: bool = True) -> None:
    """Check a file's size and sha256 against its manifest entry; raise :class:`ChecksumError` on mismatch.

    The file is never modified. The sha256 is computed (and remembered) unless ``trust_stamp`` is set and a checksum
    was verified before for the same path, size and modification time; ``remember=False`` (a temporary file)
    stores no checksum.
    """
    size = path.stat().st_size
    source = f"the public source ({entry.archive})" if entry.archive else "the public source (see data_manifests/)"
    fix = (f"the file is damaged or a different version: delete {path} and run `grnular data fetch`, or copy a good "
           f"copy from {source}" if entry.url else
           f"the file is damaged or a different version: replace {path} with a good copy from {source}")
    if size != entry.size:
        raise ChecksumError(f"{path}: size {size} bytes, but the manifest says {entry.size} bytes for {entry.path}; {fix}")
    stamps = _read_stamps()
    if trust_stamp and stamps.get(_stamp_key(path)) == entry.sha256:
        return
    sha = sha256_of(path)
    if sha != entry.sha256:
        raise ChecksumError(f"{path}: sha256 {sha[:16]}… does not match the manifest's {entry.sha256[:16]}… for "
                            f"{entry.path}; {fix}")
    if remember and stamps.get(_stamp_key(path)) != sha:
        _remember(path, sha)


def download_file(entry: ManifestFile, dest: Path, *, progress: bool = True) -> Path:
    """Download ``entry.url`` to ``dest``: written to a temporary name, renamed only once the sha256 matched.

    Raises
    ------
    DataUnavailableError
        No URL, or the download failed (offline, HTTP error).
    ChecksumError
        The downloaded bytes do not match the manifest (nothing is written at ``dest``).
    """
    if not entry.url:
        raise DataUnavailableError(f"{entry.path} has no direct public download URL")

    def write(tmp: Path) -> None:
        try:
            with urllib.request.urlopen(entry.url, timeout=60) as resp, open(tmp, "wb") as out, \
                    tqdm(total=entry.size, unit="B", unit_scale=True, desc=Path(entry.path).name,
                         disable=not progress) as bar:
                for block in iter(lambda: resp.read(_CHUNK), b""):
                    out.write(block)
                    bar.update(len(block))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise DataUnavailableError(f"download of {entry.url} failed ({exc}); check the connection, or put the "
                                       f"file at <data dir>/{entry.path} and set GRNULAR_DATA_DIR") from exc
        verify_file(tmp, entry, remember=False)

    return atomic_write(dest, write)


def _unavailable(what: str, entries: Iterable[ManifestFile], manifest: Manifest, reason: str, *,
                 data_dir: str | os.PathLike | None = None, fetching: bool = False) -> DataUnavailableError:
    """The error for files that are nowhere local and could not be downloaded; ``reason`` is kept as its
    ``reason`` attribute. ``fetching``: raised by ``fetch`` itself, so running it again is not suggested."""
    entries = list(entries)
    listed = ", ".join(e.path for e in entries[:6]) + (f" and {len(entries) - 6} more" if len(entries) > 6 else "")
    again = "" if fetching else f", or run `grnular data fetch {manifest.name}` where files have a public URL"
    error = DataUnavailableError(
        f"{what} is not available: {listed} not found under "
        f"{', '.join(str(r) for r in data_roots(data_dir))} ({reason}). Provide the files: set GRNULAR_DATA_DIR (or "
        f"pass --data-dir; data_dir= in Python) to a folder holding them at these relative paths{again}. Source: "
        f"{manifest.origin}")
    error.reason = reason
    return error


def resolve_file(path: str, *, data_dir: str | os.PathLike | None = None, download: bool = True,
                 dataset: str | None = None) -> Path:
    """Local path of a verified copy of a manifest file (see the module docstring for the order).

    Parameters
    ----------
    path
        The file's path relative to a data root, as listed in a manifest (e.g. ``"sergio/DS1/gt_GRN.csv"``).
    data_dir
        A folder searched first (overrides ``$GRNULAR_DATA_DIR``).
    download
        Download into the user cache when the file is nowhere local and has a public URL.
    dataset
        A name for error messages (default: the manifest's name).
    """
    manifest, entry = find_file(path)
    for root in data_roots(data_dir):
        candidate = root / entry.path
        if candidate.is_file():
            verify_file(candidate, entry)
            return candidate
    what = dataset or manifest.name
    if not download:
        raise _unavailable(what, [entry], manifest, "downloads disabled", data_dir=data_dir)
    if not entry.url:
        raise _unavailable(what, [entry], manifest, "no direct public URL; it comes from " +
                           (entry.archive or manifest.origin) +
                           (f", member {entry.archive_member}" if entry.archive_member else ""), data_dir=data_dir)
    try:
        return download_file(entry, download_root() / entry.path)
    except DataUnavailableError as exc:
        raise _unavailable(what, [entry], manifest, f"offline or download failed: {exc}", data_dir=data_dir) from exc


def locate(path: str, *, data_dir: str | os.PathLike | None = None) -> Path | None:
    """Local path of a manifest file without verifying or downloading it, or ``None`` (also where a folder on the way
    cannot be read)."""
    _, entry = find_file(path)
    for root in data_roots(data_dir):
        try:
            if (root / entry.path).is_file():
                return root / entry.path
        except PermissionError:
            continue
    return None


def behind_unreadable_folder(path: str, *, data_dir: str | os.PathLike | None = None) -> Path | None:
    """Where a manifest file would be under the first data root that has a folder on the way this process may not
    read (so :func:`locate` cannot tell whether it is there), or ``None``."""
    _, entry = find_file(path)
    for root in data_roots(data_dir):
        try:
            (root / entry.path).is_file()
        except PermissionError:
            return root / entry.path
    return None


def fetch(name: str, *, data_dir: str | os.PathLike | None = None, download: bool = True) -> list[Path]:
    """Make every file of a manifest available locally (verify local copies, download the rest).

    After the first failed download no other is tried (the machine is offline, or the server does not answer: each
    try would wait for its timeout); the error lists every file that is not here. ``download=False`` tries none.

    Raises :class:`ChecksumError` naming every damaged local copy, else :class:`DataUnavailableError` listing every
    file that could not be provided (after trying them all); its ``offline`` attribute says whether a download failed.
    """
    manifest = get_manifest(name)
    paths, missing, reasons, damaged = [], [], [], []
    offline = False
    for entry in manifest.files:
        try:
            paths.append(resolve_file(entry.path, data_dir=data_dir, download=download and not offline))
        except DataUnavailableError as exc:
            missing.append(entry)
            reasons.append(getattr(exc, "reason", ""))
            offline = offline or getattr(exc, "reason", "").startswith("offline")
        except ChecksumError as exc:
            damaged.append((locate(entry.path, data_dir=data_dir), exc))
    if len(damaged) == 1:
        raise damaged[0][1]
    if damaged:
        shown = ", ".join(str(p) for p, _ in damaged[:4]) + (" …" if len(damaged) > 4 else "")
        raise ChecksumError(f"{len(damaged)} of {len(manifest.files)} local files of {name!r} are damaged or another "
                            f"version ({shown}; `grnular data verify {name}{_data_dir_option(data_dir)}` names the "
                            "problem of each): replace them with good copies from the public source (see "
                            "data_manifests/)")
    if missing:
        first = next((r for r in reasons if r.startswith("offline")), reasons[0])
        error = _unavailable(f"data set {name!r}", missing, manifest,
                             f"{len(missing)} of {len(manifest.files)} files could not be found or downloaded; "
                             f"{'a download failed' if offline else 'first'}: {first}", data_dir=data_dir,
                             fetching=True)
        error.offline = offline
        raise error
    return paths


def _data_dir_option(data_dir: str | os.PathLike | None) -> str:
    """`` --data-dir DIR`` for a command suggested to the user, when a folder was given."""
    return f" --data-dir {data_dir}" if data_dir is not None else ""
