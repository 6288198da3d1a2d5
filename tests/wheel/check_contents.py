"""Check the built wheel and sdist hold what a user runs, and nothing else.

Run by ``make wheel`` after ``python -m build``: ``python tests/wheel/check_contents.py dist``.
Prints the wheel's size and contents by folder; exits 1 with one line per problem.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = {"smskit", "smskit_widgets"}
FORBIDDEN = (
    "tests/",
    "__pycache__",
    ".pyc",
    ".venv",
    ".ipynb_checkpoints",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".egg-info",
)


def expected() -> dict[str, set[str]]:
    """What must be in the wheel, from the checkout: every table, notebook, catalogue, lesson."""

    def names(folder: str, pattern: str, into: str) -> set[str]:
        return {f"{into}/{p.relative_to(ROOT / folder)}" for p in (ROOT / folder).glob(pattern)}

    return {
        "data tables": names("data", "*.csv", "smskit/data"),
        "notebooks": names("notebooks", "*.ipynb", "smskit_widgets/notebooks"),
        "smskit catalogues": names(
            "smskit/i18n/locale", "*/LC_MESSAGES/*.po", "smskit/i18n/locale"
        ),
        "dashboard catalogues": names(
            "widgets/locale", "*/LC_MESSAGES/*.po", "smskit_widgets/locale"
        ),
        "lessons": names("widgets/lessons", "*/*.md", "smskit_widgets/lessons"),
        "page template": names("widgets/voila_template", "*.j2", "smskit_widgets/voila_template"),
        # Every subpackage, so a new one is not left out of pyproject's explicit package list.
        "smskit packages": names("smskit", "**/__init__.py", "smskit"),
        "dashboard packages": names("widgets", "**/__init__.py", "smskit_widgets"),
        "migrations": names("smskit/store/migrations", "**/*.py", "smskit/store/migrations")
        | {"smskit/store/migrations/script.py.mako"},
    }


def check_wheel(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as wheel:
        files = wheel.namelist()
    problems = [f"wheel holds {name}" for name in files if any(bad in name for bad in FORBIDDEN)]
    tops = {name.split("/")[0] for name in files if not name.split("/")[0].endswith(".dist-info")}
    problems += [f"wheel installs a top-level {top!r}" for top in sorted(tops - TOP_LEVEL)]
    present = set(files)
    for what, needed in expected().items():
        if not needed:
            problems.append(f"the checkout has no {what}: is this the repository root?")
        problems += [f"wheel lacks {what}: {name}" for name in sorted(needed - present)]
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in files):
        problems.append("wheel lacks the LICENSE file")
    by_folder = Counter("/".join(name.split("/")[:2]) for name in files)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, {len(files)} files")
    for folder, count in sorted(by_folder.items()):
        print(f"  {count:4d}  {folder}")
    return problems


def check_sdist(path: Path) -> list[str]:
    with tarfile.open(path) as sdist:
        files = [name.split("/", 1)[1] for name in sdist.getnames() if "/" in name]
    # An sdist may carry the tests and setuptools' own .egg-info metadata, but no caches.
    allowed = ("tests/", ".egg-info")
    problems = [
        f"sdist holds {name}"
        for name in files
        if any(bad in name for bad in FORBIDDEN if bad not in allowed)
    ]
    for needed in (
        "LICENSE",
        "pyproject.toml",
        "README.md",
        "data/countries.csv",
        "notebooks/start.ipynb",
        "widgets/serve.py",
    ):
        if needed not in files:
            problems.append(f"sdist lacks {needed}")
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB, {len(files)} files")
    return problems


def main(dist: Path) -> int:
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"expected one wheel and one sdist in {dist}, found {len(wheels)} and {len(sdists)}")
        return 1
    problems = check_wheel(wheels[0]) + check_sdist(sdists[0])
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist")))
