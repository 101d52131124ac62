"""Check a chapter's parameters before papermill runs it: ``make notebook NB=… PARAMS="…"`` calls this first.

``python check_params.py NOTEBOOK PROFILE [-p NAME VALUE | -r NAME VALUE | -y YAML | -f FILE] ...`` reads the
parameters as papermill does (``-p``: True/False/None, whole and decimal numbers, else text; ``-r``: text; ``-y``: a
YAML mapping; ``-f``: a YAML file)
and checks them with :func:`bookkit.settings.notebook_params`. A bad one ends with one line naming it and exit
status 2, instead of a traceback from inside the executed notebook.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

#: The project root: make runs papermill there, so a ``-f`` file's relative path starts there.
ROOT = Path(__file__).resolve().parent.parent


def _value(text: str) -> object:
    """A ``-p`` value as papermill reads it."""
    words = {"True": True, "False": False, "None": None}
    if text in words:
        return words[text]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _yaml_mapping(text: str, flag: str) -> dict[str, object]:
    """The mapping of a ``-y`` text or a ``-f`` file's text, or one line naming what is wrong."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem", None) or "not valid YAML"
        raise ValueError(f"PARAMS: {flag} is not valid YAML ({where}); quote the whole mapping and close every "
                         "bracket, e.g. -y 'cells: [60, 120]'") from None
    if not isinstance(loaded, dict):
        raise ValueError(f"PARAMS: {flag}: give a YAML mapping, e.g. -y 'methods_tf: [pearson]'")
    return loaded


def _file_text(name: str) -> str:
    """A ``-f`` file's text; a relative name is taken from the project root, where ``make`` runs papermill."""
    path = Path(name) if Path(name).is_absolute() else ROOT / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else type(exc).__name__
        raise ValueError(f"PARAMS: -f {name}: cannot read it ({reason}); give a YAML file's path from the project "
                         "root, e.g. -f my_params.yaml") from None


def parse(tokens: list[str]) -> dict[str, object]:
    """The parameters named by papermill's ``-f``, ``-y``, ``-r`` and ``-p`` options, merged in papermill's order
    (a file's values first, then ``-y``, ``-p`` and ``-r``, each overriding the ones before)."""
    files: list[dict[str, object]] = []
    yamls: list[dict[str, object]] = []
    raws: dict[str, object] = {}
    plain: dict[str, object] = {}
    i = 0
    while i < len(tokens):
        flag = tokens[i]
        if flag in ("-p", "--parameters", "-r", "--parameters_raw") and i + 2 < len(tokens):
            name, raw = tokens[i + 1], tokens[i + 2]
            if flag in ("-r", "--parameters_raw"):
                raws[name] = raw
            else:
                plain[name] = _value(raw)
            i += 3
        elif flag in ("-y", "--parameters_yaml") and i + 1 < len(tokens):
            yamls.append(_yaml_mapping(tokens[i + 1], f"-y {tokens[i + 1]!r}"))
            i += 2
        elif flag in ("-f", "--parameters_file") and i + 1 < len(tokens):
            files.append(_yaml_mapping(_file_text(tokens[i + 1]), f"-f {tokens[i + 1]}"))
            i += 2
        else:
            raise ValueError(f"PARAMS: cannot read {' '.join(tokens[i:])!r}; write -p NAME VALUE, -y 'NAME: VALUE' "
                             "or -f FILE.yaml")
    params: dict[str, object] = {}
    for part in (*files, *yamls, plain, raws):
        params.update(part)
    return params


def main(argv: list[str]) -> int:
    from bookkit.settings import notebook_params
    from grnular_lib.errors import GRNularError

    notebook, profile, rest = argv[0], argv[1], argv[2:]
    try:
        given = parse(rest)
        if "profile" in given and given.pop("profile") != profile:
            raise ValueError(f"PARAMS: give the profile as PROFILE=… (make notebook NB={notebook} PROFILE=…), not as "
                             "-p profile; the chapter runs with PROFILE's settings")
        notebook_params(notebook, profile, **given)
    except (GRNularError, ValueError, yaml.YAMLError) as exc:
        print(f"make notebook: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
