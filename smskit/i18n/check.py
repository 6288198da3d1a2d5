"""Is every visible string translated? Extract messages with Babel, compare with the ``.po`` files.

Run ``python -m smskit.i18n.check`` to list what is missing per domain (exit status 1 if anything
is). The rules, which tests/test_i18n.py enforces:

- every literal passed to ``t``, ``N_``, ``Text``, ``LocalizedError`` or ``DashboardHeader`` (its
  title) has a non-empty, non-fuzzy Indonesian ``msgstr``;
- in ``smskit/`` the domain is ``smskit``: any ``smskit/i18n/locale/id/LC_MESSAGES/*.po`` (merged);
- in ``widgets/`` the domain is the module's ``Translator("<domain>")``, in
  ``widgets/locale/id/LC_MESSAGES/<domain>.po``; ``Text``/``LocalizedError`` there are smskit's;
- a translation keeps the ``{placeholders}`` of its English message id.

This is a developer tool: it reads source files as text and never imports the widgets.

>>> sorted(placeholders("Row {row}: {field} is empty"))
['field', 'row']
"""

from __future__ import annotations

import ast
import re
import string
import sys
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]  # a developer tool: it reads the checkout's sources
SMSKIT_DIR = ROOT / "smskit"
WIDGETS_DIR = ROOT / "widgets"
SMSKIT_PO_DIR = SMSKIT_DIR / "i18n" / "locale" / "id" / "LC_MESSAGES"
WIDGETS_PO_DIR = WIDGETS_DIR / "locale" / "id" / "LC_MESSAGES"
LANG = "id"
SMSKIT_DOMAIN = "smskit"
GLOSSARY = "glossary"  # widgets' shared terms: one translation for every dashboard

# Babel keyword spec: name -> argument positions (None = the first argument is the message).
_SMSKIT_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "Text": None,
    "LocalizedError": None,
    "Plural": (1, 2),
}
_WIDGET_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "t": None,
    "_t": None,
    "N_": None,
    "DashboardHeader": (1,),
    "ngettext": (1, 2),
}
_BARE_ONLY = frozenset({"Text"})

#: Columns of ``data/`` whose text staff read on a dashboard: every value goes through the message
#: catalogues (``smskit/i18n/locale/id/LC_MESSAGES/data_<table>.po``). Columns that only identify
#: (codes) or cite (``source``) stay as they are; tables with their own ``*_id`` columns
#: (number_types.csv) or a ``language`` column (auto_replies.csv) carry Indonesian themselves.
DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "countries": ("notable_rules",),
    "vonage_codes": ("meaning",),  # Vonage's codes in plain words (smskit.providers.vonage_codes)
}
_TRANSLATOR = re.compile(r"""\bTranslator\(\s*["']([\w-]+)["']\s*\)""")


@dataclass(frozen=True, slots=True)
class Message:
    """One extracted English message id, the domain it belongs to and where it was found."""

    msgid: str
    domain: str
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A message that is untranslated, fuzzy, has mismatched placeholders, or clashes."""

    domain: str
    msgid: str
    reason: str
    where: str


def placeholders(message: str) -> frozenset[str]:
    """The ``{named}`` fields of a ``str.format`` template.

    >>> sorted(placeholders("{n} segments at {price:.4f}"))
    ['n', 'price']
    """
    try:
        return frozenset(
            # ``{first_name|there}`` (a template field with its fallback): the field counts, the
            # fallback word is translated ("Hai {first_name|Kak}").
            name.split(".")[0].split("[")[0].split("|")[0]
            for _, name, _, _ in string.Formatter().parse(message)
            if name
        )
    except ValueError:  # an unbalanced brace: report it as a placeholder of its own
        return frozenset({"<unbalanced braces>"})


def extract_python_ast(
    fileobj: IO[bytes],
    keywords: Mapping[str, object],
    comment_tags: Collection[str],
    options: Mapping[str, object],
) -> Iterator[tuple[int, str, tuple[str | None, ...], list[str]]]:
    r"""A Babel extraction method that walks the syntax tree, so it also sees ``t("…")`` calls
    inside f-strings, which Babel's token-based ``python`` extractor skips on Python 3.11.

    >>> import io
    >>> src = b'x = f"<b>{t(\'Save\')}</b>"; y = obj._t("A" "B", n=1)'
    >>> [m[2] for m in extract_python_ast(io.BytesIO(src), {"t": None, "_t": None}, [], {})]
    [('Save',), ('AB',)]
    >>> list(extract_python_ast(io.BytesIO(b'box = W.Text("x")'), {"Text": None}, [], {}))
    []
    """
    tree = ast.parse(fileobj.read())
    calls = sorted(
        (node for node in ast.walk(tree) if isinstance(node, ast.Call)),
        key=lambda node: (node.lineno, node.col_offset),
    )
    for node in calls:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in _BARE_ONLY and not isinstance(func, ast.Name):
            continue  # ``W.Text(...)`` is ipywidgets' text box, not smskit.i18n.catalog.Text
        if isinstance(name, str) and name in keywords:
            args = tuple(
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args
            )
            if args:
                yield node.lineno, name, args, []


def _extract(path: Path, keywords: dict[str, tuple[int, ...] | None]) -> Iterator[tuple[int, str]]:
    from babel.messages.extract import extract_from_file

    results = extract_from_file(extract_python_ast, str(path), keywords)  # type: ignore[arg-type]
    for line, message, _comments, _context in results:
        if isinstance(message, tuple) and message and isinstance(message[0], str):
            message = message[0]  # ngettext: the singular is the msgid
        if isinstance(message, str) and message:
            yield line, message


def widget_domain(path: Path) -> str | None:
    """The ``Translator("<domain>")`` a widget module uses, or None.

    A module without one (say ``encoding/render.py``, whose pure functions take the translator as
    an argument) gets the domain of the widget modules that import it, if they agree on one.
    """
    found = _TRANSLATOR.search(path.read_text(encoding="utf-8"))
    if found:
        return found.group(1)
    importer_domains = set()
    for other in path.parent.glob("*.py"):
        source = other.read_text(encoding="utf-8")
        if other != path and re.search(rf"\b{re.escape(path.stem)}\b", source):
            match = _TRANSLATOR.search(source)
            if match:
                importer_domains.add(match.group(1))
    return importer_domains.pop() if len(importer_domains) == 1 else None


def extract_messages(root: Path = ROOT) -> list[Message]:
    """Every translatable literal in ``smskit/**/*.py`` and ``widgets/**/*.py``."""
    messages = []
    for path in sorted((root / "smskit").rglob("*.py")):
        for line, msgid in _extract(path, _SMSKIT_KEYWORDS):
            messages.append(Message(msgid, SMSKIT_DOMAIN, path, line))
    for path in sorted((root / "widgets").rglob("*.py")):
        domain = widget_domain(path) or "<no Translator in module>"
        for line, msgid in _extract(path, _WIDGET_KEYWORDS):
            messages.append(Message(msgid, domain, path, line))
        for line, msgid in _extract(path, {"Text": None, "LocalizedError": None}):
            messages.append(Message(msgid, SMSKIT_DOMAIN, path, line))
    return messages


def read_catalogue(path: Path) -> dict[str, tuple[str, bool]]:
    """``msgid -> (msgstr, fuzzy)`` for one ``.po`` file; raises on a file Babel cannot parse."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=LANG, abort_invalid=True)
    entries = {
        str(m.id): (str(m.string or ""), bool(m.fuzzy))
        for m in catalogue
        if m.id and isinstance(m.id, str)
    }
    for m in catalogue:  # plural entries: keyed by the singular; every form must be filled
        if isinstance(m.id, tuple) and m.id[0]:
            strings = m.string if isinstance(m.string, tuple | list) else (m.string or "",)
            forms = [str(s or "") for s in strings]
            entries[str(m.id[0])] = (forms[0] if all(f.strip() for f in forms) else "", m.fuzzy)
    return entries


def catalogues(root: Path = ROOT) -> tuple[dict[str, dict[str, tuple[str, bool]]], list[Problem]]:
    """Each domain's Indonesian entries (smskit's files merged), plus clashes between them."""
    result: dict[str, dict[str, tuple[str, bool]]] = {}
    problems: list[Problem] = []
    merged: dict[str, tuple[str, bool]] = {}
    owner: dict[str, str] = {}
    for path in sorted((root / "smskit" / "i18n" / "locale" / LANG / "LC_MESSAGES").glob("*.po")):
        for msgid, entry in read_catalogue(path).items():
            if msgid in merged and merged[msgid][0] != entry[0] and merged[msgid][0] and entry[0]:
                problems.append(
                    Problem(
                        SMSKIT_DOMAIN, msgid, f"translated differently in {owner[msgid]}", path.name
                    )
                )
            if msgid not in merged or not merged[msgid][0]:
                merged[msgid], owner[msgid] = entry, path.name
    result[SMSKIT_DOMAIN] = merged
    folder = root / "widgets" / "locale" / LANG / "LC_MESSAGES"
    glossary = (
        read_catalogue(folder / f"{GLOSSARY}.po") if (folder / f"{GLOSSARY}.po").exists() else {}
    )
    for path in sorted(folder.glob("*.po")):
        if path.stem == GLOSSARY:
            continue
        entries = read_catalogue(path)
        for msgid in set(entries) & set(glossary):
            problems.append(
                Problem(path.stem, msgid, f"repeats a glossary term: keep it in {GLOSSARY}.po", "")
            )
        # Translator looks in the glossary first, so its terms count for every dashboard.
        result[path.stem] = {**entries, **glossary}
    result[GLOSSARY] = glossary
    return result, problems


def check(root: Path = ROOT) -> list[Problem]:
    """Every missing, empty, fuzzy or placeholder-mismatched Indonesian translation."""
    known, problems = catalogues(root)
    seen: set[tuple[str, str]] = set()
    for message in extract_messages(root):
        key = (message.domain, message.msgid)
        if key in seen:
            continue
        seen.add(key)
        where = f"{message.path.relative_to(root)}:{message.line}"
        entry = known.get(message.domain, {}).get(message.msgid)
        if entry is None or not entry[0].strip():
            problems.append(Problem(message.domain, message.msgid, "no Indonesian msgstr", where))
        elif entry[1]:
            problems.append(Problem(message.domain, message.msgid, "fuzzy", where))
    for domain, entries in known.items():
        for msgid, (msgstr, _fuzzy) in entries.items():
            if msgstr and placeholders(msgid) != placeholders(msgstr):
                problems.append(
                    Problem(domain, msgid, f"placeholders differ in msgstr {msgstr!r}", domain)
                )
    return problems


def _data_values(root: Path) -> list[Problem]:
    import csv

    values = []
    for table, columns in DISPLAY_COLUMNS.items():
        if not (root / "data" / f"{table}.csv").exists():
            continue
        with (root / "data" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
            values += [
                Problem(SMSKIT_DOMAIN, row[c].strip(), "", table)
                for row in csv.DictReader(handle)
                for c in columns
            ]
    return values


def data_problems(root: Path = ROOT) -> list[Problem]:
    """Every value of a display column of ``data/`` (:data:`DISPLAY_COLUMNS`) that has
    no Indonesian msgstr in smskit's catalogues."""
    import csv

    known, _problems = catalogues(root)
    problems = []
    for table, columns in DISPLAY_COLUMNS.items():
        if not (root / "data" / f"{table}.csv").exists():
            continue
        with (root / "data" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for column in columns:
                    value = row[column].strip()
                    entry = known[SMSKIT_DOMAIN].get(value)
                    if value and (entry is None or not entry[0].strip() or entry[1]):
                        where = f"data/{table}.csv:{number} ({column})"
                        problems.append(
                            Problem(SMSKIT_DOMAIN, value, "no Indonesian msgstr", where)
                        )
    return problems


def inconsistent_terms(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """English messages that two catalogues translate differently (say "Visualisasi Pengodean"
    on Start and "Visualisasi Encoding" on its own page): ``msgid -> {catalogue: msgstr}``."""
    seen: dict[str, dict[str, str]] = {}
    folders = (
        root / "widgets" / "locale" / LANG / "LC_MESSAGES",
        root / "smskit" / "i18n" / "locale" / LANG / "LC_MESSAGES",
    )
    for folder in folders:
        for path in sorted(folder.glob("*.po")):
            for msgid, (msgstr, _fuzzy) in read_catalogue(path).items():
                if msgstr:
                    seen.setdefault(msgid, {})[
                        f"{path.parent.parent.parent.parent.name}/{path.name}"
                    ] = msgstr
    return {m: where for m, where in seen.items() if len(set(where.values())) > 1}


def unused(root: Path = ROOT) -> dict[str, list[str]]:
    """Catalogue entries that no literal call uses, per domain: stale, or passed as a variable."""
    used: dict[str, set[str]] = {SMSKIT_DOMAIN: {p.msgid for p in _data_values(root)}}
    for message in extract_messages(root):
        used.setdefault(message.domain, set()).add(message.msgid)
    known, _problems = catalogues(root)
    shared = known.pop(GLOSSARY, {})
    everywhere = set().union(*used.values()) if used else set()
    stale = {
        domain: sorted(set(entries) - set(shared) - used.get(domain, set()))
        for domain, entries in known.items()
    }
    stale[GLOSSARY] = sorted(set(shared) - everywhere)
    return {domain: ids for domain, ids in stale.items() if ids}


def main() -> int:
    """Print the problems grouped by domain, then unused entries; exit status 1 on problems."""
    problems = check() + data_problems()
    for domain in sorted({p.domain for p in problems}):
        print(f"== {domain}")
        for p in (p for p in problems if p.domain == domain):
            print(f"  {p.where}: {p.msgid!r}: {p.reason}")
    for domain, ids in unused().items():
        print(f"-- {domain}: {len(ids)} entries in no literal call (unused, or used indirectly)")
        for msgid in ids:
            print(f"  {msgid!r}")
    print(f"{len(problems)} problem(s)" if problems else "Every message has an Indonesian msgstr.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
