"""Check a chapter's parameters before papermill runs it: ``make notebook NB=… PARAMS="…"`` calls this first.

``python check_params.py NOTEBOOK PROFILE [-p NAME VALUE | -y YAML | -r NAME VALUE] ...`` reads the parameters as
papermill does (``-p``: True/False/None, whole and decimal numbers, else text; ``-r``: text; ``-y``: a YAML mapping)
and checks them with :func:`bookkit.settings.notebook_params`. A bad one ends with one line naming it and exit
status 2, instead of a traceback from inside the executed notebook.
"""
from __future__ import annotations

import sys

import yaml


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


def parse(tokens: list[str]) -> dict[str, object]:
    """The parameters named by papermill's ``-p``, ``-r`` and ``-y`` options."""
    params: dict[str, object] = {}
    i = 0
    while i < len(tokens):
        flag = tokens[i]
        if flag in ("-p", "--parameters", "-r", "--parameters_raw") and i + 2 < len(tokens):
            name, raw = tokens[i + 1], tokens[i + 2]
            params[name] = raw if flag in ("-r", "--parameters_raw") else _value(raw)
            i += 3
        elif flag in ("-y", "--parameters_yaml") and i + 1 < len(tokens):
            try:
                loaded = yaml.safe_load(tokens[i + 1])
            except yaml.YAMLError as exc:
                where = getattr(exc, "problem", None) or "not valid YAML"
                raise ValueError(f"PARAMS: -y {tokens[i + 1]!r} is not valid YAML ({where}); quote the whole "
                                 "mapping and close every bracket, e.g. -y 'cells: [60, 120]'") from None
            if not isinstance(loaded, dict):
                raise ValueError(f"-y {tokens[i + 1]!r}: give a YAML mapping, e.g. -y 'methods_tf: [pearson]'")
            params.update(loaded)
            i += 2
        else:
            raise ValueError(f"PARAMS: cannot read {' '.join(tokens[i:])!r}; write -p NAME VALUE (or -y 'NAME: VALUE')")
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
