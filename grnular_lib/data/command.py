"""``grnular data list | verify | fetch``: what data the project knows, whether it is here and intact, and getting it."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import ChecksumError, DataUnavailableError, InputError
from .manifests import load_manifests
from .resolve import behind_unreadable_folder, data_roots, fetch, locate, verify_file


def _names(args: argparse.Namespace) -> list[str]:
    """The manifests named on the command line (all by default), once the names and ``--data-dir`` are checked."""
    given = args.data_dir if args.data_dir is not None else os.environ.get("GRNULAR_DATA_DIR")
    option = "--data-dir" if args.data_dir is not None else "GRNULAR_DATA_DIR"
    if given is not None and not str(given).strip():
        raise InputError(f"{option} is empty; give the folder that holds the data files (or leave it out)")
    if given is not None and not Path(given).expanduser().is_dir():
        state = "is not a directory" if Path(given).expanduser().exists() else "does not exist"
        raise InputError(f"{option} {given} {state}; give the folder that holds the data files (or unset it)")
    manifests = load_manifests()
    if not args.names:
        return sorted(manifests)
    unknown = [n for n in args.names if n not in manifests]
    if unknown:
        raise InputError(f"unknown data set(s) {unknown}; choose among {', '.join(sorted(manifests))}")
    return list(args.names)


def _cmd_list(args: argparse.Namespace) -> int:
    manifests = load_manifests()
    names = _names(args)
    print(f"data roots searched, in order: {', '.join(str(r) for r in data_roots(args.data_dir))}")
    for name in names:
        m = manifests[name]
        present = sum(locate(f.path, data_dir=args.data_dir) is not None for f in m.files)
        print(f"{name:24s} {present:4d}/{len(m.files):<4d} files local  {m.size / 1e6:8.1f} MB  {m.title}")
        print(f"{'':24s} origin: {m.origin}; licence: {m.licence}")
    return 0


def _nested_hint(names: list[str], data_dir: str | None) -> str:
    """A hint when the data folder given is one level too deep (``--data-dir data/sergio`` for ``sergio/DS1/…``)."""
    given = data_dir if data_dir is not None else os.environ.get("GRNULAR_DATA_DIR")
    if not given:
        return ""
    folder = Path(given).expanduser()
    manifests = load_manifests()
    if any((folder.parent / f.path).is_file() for n in names for f in manifests[n].files):
        return (f"; the manifests' paths start with the data set's folder ({folder.name}/…), so give the folder "
                f"above: {folder.parent}")
    return ""


def _cmd_verify(args: argparse.Namespace) -> int:
    manifests = load_manifests()
    names = list(dict.fromkeys(_names(args)))
    bad = missing = ok = 0
    for name in names:
        for f in manifests[name].files:
            path = locate(f.path, data_dir=args.data_dir)
            if path is None and (hidden := behind_unreadable_folder(f.path, data_dir=args.data_dir)) is not None:
                bad += 1
                print(f"BAD      {hidden}: a folder on the way cannot be read; check its permissions")
                continue
            if path is None:
                missing += 1
                print(f"MISSING  {f.path}")
                continue
            try:
                verify_file(path, f, trust_stamp=args.fast)
                ok += 1
                if args.verbose:
                    print(f"OK       {path}")
            except ChecksumError as exc:
                bad += 1
                print(f"BAD      {exc}")
            except OSError as exc:  # unreadable (permissions), or a read error of the disk
                bad += 1
                print(f"BAD      {path}: cannot be read ({exc.strerror or exc}); check its permissions")
    print(f"{ok} verified, {bad} damaged or unreadable, {missing} missing", file=sys.stderr)
    if not ok and not bad:
        print(f"grnular: error: none of these files is here (searched {', '.join(map(str, data_roots(args.data_dir)))})"
              "; set GRNULAR_DATA_DIR or pass --data-dir to the folder holding them, or run `grnular data fetch` "
              f"for those with a public URL{_nested_hint(names, args.data_dir)}", file=sys.stderr)
        return 1
    if missing and not bad:
        print(f"grnular: error: {missing} files are missing; put them under a data folder (--data-dir, "
              "GRNULAR_DATA_DIR) at the paths listed, or run `grnular data fetch` for those with a public URL",
              file=sys.stderr)
    return 1 if bad or missing else 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    failed: dict[str, str] = {}
    download = True
    for name in dict.fromkeys(_names(args)):
        try:
            paths = fetch(name, data_dir=args.data_dir, download=download)
            print(f"{name}: {len(paths)} files ready")
        except (DataUnavailableError, ChecksumError) as exc:
            failed[name] = str(exc)
            download = download and not getattr(exc, "offline", False)  # offline: no other set's download is tried
    if len(failed) == 1:
        print(f"grnular: error: {next(iter(failed.values()))}", file=sys.stderr)
    elif failed:
        for name, why in failed.items():
            print(f"{name}: NOT READY  {why}")
        print(f"grnular: error: {len(failed)} data sets are not ready ({', '.join(failed)}): see above for the files "
              "and what to do", file=sys.stderr)
    return 2 if failed else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``data list | verify | fetch`` to the ``grnular`` command."""
    p = subparsers.add_parser("data", help="list, verify or fetch the public datasets (data_manifests/)")
    sub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    for action, func, text in (("list", _cmd_list, "datasets, where they are searched, how much is local"),
                               ("verify", _cmd_verify, "check local files against the manifests' sha256"),
                               ("fetch", _cmd_fetch, "download missing files with a public URL into the cache")):
        q = sub.add_parser(action, help=text)
        q.add_argument("names", nargs="*", help="manifest names (default: all)")
        q.add_argument("--data-dir", help="a data folder searched first (default: $GRNULAR_DATA_DIR)")
        if action == "verify":
            q.add_argument("--fast", action="store_true",
                           help="trust a sha256 verified before for the same path, size and modification time "
                                "(fast, but blind to damage that keeps both); default: hash every file")
            q.add_argument("-v", "--verbose", action="store_true", help="list verified files too")
        q.set_defaults(func=func)
