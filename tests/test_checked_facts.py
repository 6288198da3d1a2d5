"""Checked facts: nbval runs and checks them; Voilà never shows them to staff (issue 13).

Each notebook ends with cells whose output is a documented fact (``# NBVAL_CHECK_OUTPUT``). They
are developer material, so each carries the cell tag ``checked-fact`` and ``smskit serve`` removes
tagged cells before Voilà runs the notebook (nbconvert's ``TagRemovePreprocessor``);
``tests/browser/test_layout.py`` checks that no page shows them. Here: every such cell is tagged,
Voilà's exporter drops exactly those, and nbval still executes and compares them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TAG = "checked-fact"


def _is_checked(cell: nbformat.NotebookNode) -> bool:
    if cell.cell_type == "code":
        return cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT")
    return cell.cell_type == "markdown" and "Checked facts" in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_checked_facts_are_tagged_and_nothing_else_is(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        tagged = TAG in cell.metadata.get("tags", [])
        assert tagged == _is_checked(cell), f"{path.name} cell {index}: tag {TAG!r} is {tagged}"
    assert any(_is_checked(cell) for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_dashboard_waits_for_its_page_request(path: Path) -> None:
    """A preheated kernel must learn ``?lang=`` before it builds the dashboard it displays."""
    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "page_request(" in first.source
    assert first.source.index("page_request(") < first.source.index("display(")


def test_voila_as_smskit_serve_runs_it_drops_exactly_the_tagged_cells() -> None:
    from nbconvert.preprocessors import TagRemovePreprocessor
    from smskit_widgets.serve import SmskitVoila, voila_argv

    app = SmskitVoila()
    app.initialize(voila_argv(8999, preheat=False))
    remover = TagRemovePreprocessor(config=app.config)
    assert remover.enabled
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        kept, _ = remover.preprocess(notebook, {})
        assert [c.id for c in kept.cells] == [c.id for c in notebook.cells if not _is_checked(c)]


def test_nbval_still_executes_and_compares_the_tagged_cells(tmp_path: Path) -> None:
    """A tagged cell whose committed output is wrong fails nbval: so nbval ran and compared it."""
    notebook = json.loads((ROOT / "notebooks" / "encoding.ipynb").read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    tagged = [i for i, c in enumerate(code) if TAG in c["metadata"].get("tags", [])]
    assert tagged
    broken = code[tagged[0]]
    text = "".join(broken["outputs"][0]["text"])
    broken["outputs"][0]["text"] = text.replace("1 segment", "7 segments", 1)
    assert broken["outputs"][0]["text"] != text
    copy = tmp_path / "encoding.ipynb"
    copy.write_text(json.dumps(notebook), encoding="utf-8")
    env = {**os.environ, "SMSKIT_HOME": str(tmp_path / "home"), "SMSKIT_LANG": "en"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            f"--nbval-sanitize-with={ROOT / 'tests' / 'nbval_sanitize.cfg'}",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--rootdir",
            str(tmp_path),
            "-v",
            "--color=no",
            str(copy),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    verdicts = {
        int(cell): verdict
        for cell, verdict in re.findall(r"::Cell (\d+) (PASSED|FAILED)", result.stdout)
    }
    assert verdicts[tagged[0]] == "FAILED", result.stdout[-3000:]
    for index in tagged[1:]:
        assert verdicts[index] == "PASSED", result.stdout[-3000:]
