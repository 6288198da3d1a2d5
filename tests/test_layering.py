"""The package map, enforced: smskit's subpackages import one way only, bottom to top.

A package may import from the layers below its own and from itself, never from its own layer or
above; TYPE_CHECKING-only imports are exempt (they never run). smskit never imports the dashboards
or the UI stack, and ``from smskit import analyze`` stays light (CONVENTIONS §1-2, issue 10).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SMSKIT = Path(__file__).resolve().parents[1] / "smskit"

# Bottom to top. ``_data`` reads the reference tables; ``deployment`` says where smskit runs.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_data", "i18n"}),
    frozenset({"encoding", "numbers"}),
    frozenset({"senders", "guide", "providers"}),
    frozenset({"store"}),
    frozenset({"team"}),
    frozenset({"consent"}),
    frozenset({"contacts", "compliance"}),
    frozenset({"campaign"}),
    frozenset({"sending"}),
    frozenset({"conversations"}),
    frozenset({"webhooks", "simulator"}),
    frozenset({"deployment"}),
    frozenset({"cli"}),
)
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}
NEVER_IN_SMSKIT = ("smskit_widgets", "widgets", "ipywidgets", "IPython", "traitlets", "voila")


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``path`` imports at run time (module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "smskit":  # from smskit import simulator
                yield from ((f"smskit.{alias.name}", node.lineno) for alias in node.names)
            else:
                yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)


def _package(path: Path) -> str:
    return path.relative_to(SMSKIT).with_suffix("").parts[0]


MODULES = sorted(p for p in SMSKIT.rglob("*.py") if p != SMSKIT / "__init__.py")


def test_every_package_has_a_layer() -> None:
    packages = {_package(p) for p in MODULES}
    assert packages == set(RANK), f"place these in LAYERS: {packages ^ set(RANK)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SMSKIT)))
def test_imports_point_down_only(path: Path) -> None:
    own = _package(path)
    wrong = []
    for module, line in _imports(path):
        top = module.split(".")[0]
        assert top not in NEVER_IN_SMSKIT, f"{path.name}:{line} imports {module}"
        if top != "smskit" or module == "smskit":
            continue
        target = module.split(".")[1]
        if target != own and RANK[target] >= RANK[own]:
            wrong.append(f"line {line}: {own} (layer {RANK[own]}) imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_layering_test_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from smskit.sending.runner import CampaignRunner\n")
    assert ("smskit.sending.runner", 2) in list(_imports(bad))
    assert RANK["sending"] > RANK["store"]


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(result.stdout.split())


def test_analyze_is_a_light_import() -> None:
    loaded = _modules_after("from smskit import analyze; analyze('héllo €')")
    heavy = {"sqlalchemy", "pandas", "twilio", "matplotlib", "numpy", "alembic", "starlette"}
    assert not heavy & loaded, f"from smskit import analyze loaded {heavy & loaded}"


def test_every_public_name_resolves_lazily() -> None:
    import smskit

    assert all(getattr(smskit, name) is not None for name in smskit.__all__)
    assert set(smskit.__all__) <= set(dir(smskit))
    with pytest.raises(AttributeError, match="no_such_name"):
        smskit.no_such_name  # noqa: B018


def test_importing_all_of_smskit_pulls_in_no_ui_or_twilio() -> None:
    code = (
        "import pkgutil, importlib, smskit\n"
        "for m in pkgutil.walk_packages(smskit.__path__, 'smskit.'):\n"
        "    if m.name.startswith(('smskit.providers.twilio', 'smskit.cli')):\n"
        "        continue\n"
        "    importlib.import_module(m.name)"
    )
    loaded = _modules_after(code)
    forbidden = {"ipywidgets", "IPython", "traitlets", "voila", "twilio", "smskit_widgets"}
    forbidden |= {"vonage", "vonage_sms", "vonage_http_client"}
    assert not forbidden & loaded, f"smskit imported: {forbidden & loaded}"
