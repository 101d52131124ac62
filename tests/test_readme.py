"""The README's promises: its "Run it on your own data" lines run as written (and stay five), and its table of
chapters names every chapter source, each of which exists."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pandas as pd

from grnular_lib.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    """The README text under ``## title`` up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def test_run_it_on_your_own_data_runs_as_written(tmp_path, monkeypatch, capsys):
    text = section("Run it on your own data")
    [shell], [python] = fenced(text, "bash"), fenced(text, "python")
    commands = [line for line in shell.splitlines() if line.strip()]
    python_lines = [line for line in python.splitlines() if line.strip()]
    assert len(commands) + len(python_lines) <= 5
    monkeypatch.chdir(tmp_path)
    for line in commands:
        argv = shlex.split(line, comments=True)
        assert argv[0] == "grnular", line
        assert main(argv[1:]) == 0, line
    scores = json.loads(capsys.readouterr().out)  # only `grnular evaluate` writes to stdout
    assert scores["auprc"] > 3 * scores["chance"]
    namespace: dict = {}
    exec(python, namespace)  # noqa: S102 (the README's own code)
    edges = namespace["edges"]
    assert list(edges.columns) == ["TF", "target", "importance"]
    assert len(edges) == len(pd.read_csv(tmp_path / "edges.tsv", sep="\t"))


def test_the_chapter_table_names_every_chapter():
    linked = re.findall(r"\]\((notebooks/\d\d_\w+\.py)\)", section("The chapters"))
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert sources, "no chapter sources found"
    assert sorted(linked) == sources
