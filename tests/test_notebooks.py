"""The notebooks are thin shells (CONVENTIONS §2) and safe to publish, as committed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
SECRET = re.compile(r"\b(?:AC|SK)[0-9a-f]{32}\b")
EXAMPLE_SID = "AC0123456789abcdef0123456789abcdef"  # the documented format example


def _code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_every_dashboard_notebook_is_present() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert names >= {
        "start.ipynb",
        "lessons.ipynb",
        "encoding.ipynb",
        "senders.ipynb",
        "provider_setup.ipynb",
        "consent.ipynb",
        "campaign.ipynb",
        "inbox.ipynb",
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_thin_shell(path: Path) -> None:
    cells = _code_cells(path)
    assert len(cells) <= 5, f"{path.name}: {len(cells)} code cells; widgets hold the logic"
    for source in cells:
        tree = ast.parse(source.replace("%", "#"))
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert not defs, f"{path.name}: define functions and classes in widgets/, not notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_hold_no_errors_or_secrets(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    text = path.read_text(encoding="utf-8")
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            assert kind != "error", f"{path.name}: an error output is committed"
            assert "Traceback" not in str(output.get("text", "")), f"{path.name}: a traceback"
    leaks = {m for m in SECRET.findall(text) if m != EXAMPLE_SID}
    assert not leaks, f"{path.name}: looks like a real Account SID or API key: {leaks}"
    assert "widgets" not in notebook.metadata, (
        f"{path.name}: saved widget state; clear it (it bloats diffs and may hold live values)"
    )
