"""Data manifests: one YAML file per public source in ``data_manifests/``.

Schema of a manifest (top level): ``name``, ``title``, ``origin`` (URL of the public source), ``licence``,
``citation``, ``description``, optional extra keys (``doi``, ``datasets``, ``species`` …), and ``files``: a list of
``path`` (relative to a data root such as the mirror ``../shared/data``), ``size`` (bytes), ``sha256``, ``url`` (a
direct public download, or ``null`` when none is known) and optionally ``archive`` / ``archive_member`` (the public
archive a file comes from) and ``note``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataUnavailableError, InputError

#: The manifests folder of a source checkout (project root / data_manifests).
DEFAULT_MANIFEST_DIR = Path(__file__).resolve().parents[2] / "data_manifests"


@dataclass(frozen=True)
class ManifestFile:
    """One file of a manifest."""

    path: str
    size: int
    sha256: str
    url: str | None = None
    archive: str | None = None
    archive_member: str | None = None
    note: str | None = None


@dataclass
class Manifest:
    """A public data source and every file of it that the project uses."""

    name: str
    title: str
    origin: str
    licence: str
    citation: str
    files: list[ManifestFile]
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def file(self, path: str) -> ManifestFile:
        """The entry of a file by its relative path; :class:`InputError` when the manifest does not list it."""
        for f in self.files:
            if f.path == path:
                return f
        raise InputError(f"manifest {self.name!r} does not list {path!r}; see data_manifests/{self.name}.yaml")

    @property
    def size(self) -> int:
        """Total size of the files in bytes."""
        return sum(f.size for f in self.files)


_REQUIRED = ("name", "title", "origin", "licence", "citation", "files")
_FILE_KEYS = {"path", "size", "sha256", "url", "archive", "archive_member", "note"}


def manifest_dir() -> Path:
    """Folder holding the manifests: ``$GRNULAR_MANIFEST_DIR`` when set, else the project's ``data_manifests``."""
    return Path(os.environ.get("GRNULAR_MANIFEST_DIR") or DEFAULT_MANIFEST_DIR)


def parse_manifest(doc: dict[str, Any], source: str = "<manifest>") -> Manifest:
    """Build a :class:`Manifest` from a parsed YAML document, checking the schema."""
    if not isinstance(doc, dict):
        raise InputError(f"{source}: a manifest must be a YAML mapping")
    missing = [k for k in _REQUIRED if k not in doc]
    if missing:
        raise InputError(f"{source}: manifest lacks {missing}; every manifest needs {', '.join(_REQUIRED)}")
    files = []
    for i, f in enumerate(doc["files"]):
        if not isinstance(f, dict) or not {"path", "size", "sha256"} <= set(f) or set(f) - _FILE_KEYS:
            raise InputError(f"{source}: file entry {i} must have path, size, sha256 (and optionally "
                             f"{', '.join(sorted(_FILE_KEYS - {'path', 'size', 'sha256'}))}); got {f!r}")
        files.append(ManifestFile(path=str(f["path"]), size=int(f["size"]), sha256=str(f["sha256"]).lower(),
                                  url=f.get("url"), archive=f.get("archive"),
                                  archive_member=f.get("archive_member"), note=f.get("note")))
    extra = {k: v for k, v in doc.items() if k not in (*_REQUIRED, "description")}
    return Manifest(name=str(doc["name"]), title=str(doc["title"]), origin=str(doc["origin"]),
                    licence=str(doc["licence"]), citation=str(doc["citation"]), files=files,
                    description=str(doc.get("description", "")), extra=extra)


@lru_cache(maxsize=8)
def _load_all(folder: str) -> dict[str, Manifest]:
    root = Path(folder)
    paths = sorted(root.glob("*.yaml"))
    if not paths:
        raise DataUnavailableError(f"no data manifests (*.yaml) in {root}; run from a source checkout of grnular or "
                                   "set GRNULAR_MANIFEST_DIR to the folder holding data_manifests/*.yaml")
    out = {}
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            try:
                loaded = yaml.safe_load(fh)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (line {mark.line + 1})" if mark is not None else ""
                raise InputError(f"data manifest {p} is not valid YAML{where}: "
                                 f"{getattr(exc, 'problem', None) or exc}; fix it or restore it from the "
                                 "repository") from None
            m = parse_manifest(loaded, source=str(p))
        out[m.name] = m
    return out


def load_manifests() -> dict[str, Manifest]:
    """Every manifest, by name (``sergio``, ``beeline-subsets``, ``beeline-tfs`` …)."""
    return dict(_load_all(str(manifest_dir())))


def get_manifest(name: str) -> Manifest:
    """One manifest by name; :class:`InputError` listing the names when unknown."""
    all_ = load_manifests()
    if name not in all_:
        raise InputError(f"unknown data manifest {name!r}; choose one of {', '.join(sorted(all_))}")
    return all_[name]


def find_file(path: str) -> tuple[Manifest, ManifestFile]:
    """The manifest listing a relative path, and its entry; :class:`InputError` when no manifest lists it."""
    for m in load_manifests().values():
        for f in m.files:
            if f.path == path:
                return m, f
    raise InputError(f"no data manifest lists {path!r}; add it to one of data_manifests/*.yaml")
