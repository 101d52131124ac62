"""Write the book's data-provenance page from ``data_manifests/*.yaml``.

Usage: ``python book/make_provenance.py [OUTPUT]`` (default ``book/data_provenance.md``). The page is generated, never
edited by hand: one section per manifest (origin, licence, citation, description) and a table of its files with size
and sha256. The file is written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import sys
from pathlib import Path

from grnular_lib.data.manifests import Manifest, load_manifests, manifest_dir
from grnular_lib.outputs import atomic_write


def _link(url: str | None) -> str:
    return f"<{url}>" if url and str(url).startswith(("http://", "https://")) else (url or "—")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _human_size(n: int) -> str:
    """Decimal units (1 MB = 10⁶ bytes), as ``grnular data list`` and the package registries write them."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def manifest_section(m: Manifest) -> str:
    """Markdown of one manifest: a definition list of its metadata and a table of its files."""
    lines = [f"## {m.title}", "", f"Origin\n: {_link(m.origin)}", "", f"Licence\n: {m.licence}", "",
             f"Citation\n: {m.citation}", ""]
    if m.description:
        lines += [f"Contents\n: {' '.join(m.description.split())}", ""]
    lines += [f"Manifest\n: `data_manifests/{m.name}.yaml` — {len(m.files)} files, {_human_size(m.size)}", "",
              "| file | size | sha256 | download |", "|---|---:|---|---|"]
    for f in m.files:
        where = _link(f.url) if f.url else _cell(f.note or (f"in `{f.archive}`" if f.archive else "see origin"))
        lines.append(f"| `{_cell(f.path)}` | {_human_size(f.size)} | `{f.sha256[:16]}…` | {where} |")
    return "\n".join(lines) + "\n"


def provenance_page() -> str:
    """The whole page as Markdown."""
    manifests = load_manifests()
    head = ["# Data provenance", "",
            "Where every dataset used in this book comes from, under which licence, and how to cite it. This page is "
            f"generated from the {len(manifests)} manifests in `data_manifests/` by `book/make_provenance.py`; the "
            "full sha256 of each file is in its manifest, and `grnular data verify` checks the files on disk "
            "against them. Files are read from a local mirror (`../shared/data`, or the folder named by "
            "`GRNULAR_DATA_DIR`) before any download is tried.", ""]
    return "\n".join(head) + "\n" + "\n".join(manifest_section(m) for m in manifests.values())


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("data_provenance.md")
    text = provenance_page()
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"wrote {out} from {manifest_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
