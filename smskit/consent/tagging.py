"""Find the revocation lexicon's terms in a reply: clauses of units, each with its roles.

A word of a reply matches a term when it is the term (folded), or

- it repeats letters the term has once (``stooop``, ``pleeease``),
- it is a term plus a clitic or particle listed as a ``suffix`` (``enviarme``, ``smsnya``), when
  the whole word is no term itself,
- it starts with a term written ``stem*`` (``désabonnez`` for ``desabonn*``),
- it is within the row's ``typos`` edits of the term (``unsubcribe``), never on its first letter
  and only for words of five letters or more,

and several words match a phrase, longest first; fillers ("bitte", "please") and "Sie"/"you" may
stand between its words (``hören Sie bitte auf``). Indonesian reduplication written with a ``2``
(``kirim2``) counts as the word itself; ``#`` is a word ("wrong #").

>>> [(u.text, sorted(u.roles())) for u in tag("Pls stop txting me!!")[0].units]
[('Pls', ['filler', 'polite']), ('stop', ['cease']), ('txting', ['contact']), ('me', ['self'])]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from smskit.consent.lexicon import GAP, MAX_GAP, Lexicon, Term, default_lexicon, fold, split_clauses

_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class Unit:
    """One word of a reply, or several that form one lexicon term, with the roles they play."""

    words: tuple[str, ...]  # as written (folded when split off a longer word)
    term: str  # the lexicon term matched; "" for a word the lexicon does not know
    pairs: frozenset[tuple[str, str]]  # (role, language)

    @property
    def text(self) -> str:
        """The words as written.

        >>> tag("Opt-out")[0].units[0].text
        'Opt out'
        """
        return " ".join(self.words)

    def roles(self) -> frozenset[str]:
        """The roles this unit plays in any language.

        >>> sorted(tag("sms")[0].units[0].roles())
        ['contact', 'message']
        """
        return frozenset(role for role, _ in self.pairs)

    def has(self, *roles: str) -> bool:
        """True when the unit plays one of ``roles``.

        >>> tag("jangan")[0].units[0].has("prohibit", "negator")
        True
        """
        return any(role in roles for role, _ in self.pairs)

    def languages(self, *roles: str) -> frozenset[str]:
        """The languages in which the unit plays one of ``roles`` (any role when none are given).

        >>> sorted(tag("arrêtez")[0].units[0].languages("cease"))
        ['fr']
        """
        return frozenset(lang for role, lang in self.pairs if not roles or role in roles)

    def has_in(self, role: str, languages: frozenset[str]) -> bool:
        """True when the unit plays ``role`` in one of ``languages`` ("*" is every language).

        >>> tag("no")[0].units[0].has_in("negator", frozenset({"en"}))
        False
        """
        return any(
            r == role and (lang in languages or lang == "*" or "*" in languages)
            for r, lang in self.pairs
        )


@dataclass(frozen=True, slots=True)
class Clause:
    """A run of units up to sentence punctuation; ``question`` when it ends with a question mark."""

    units: tuple[Unit, ...]
    question: bool = False


def _squeeze(word: str) -> str:
    """Runs of one letter as one letter: "stooop" and "stop" are both "stop"."""
    return _REPEATS.sub(r"\1", word)


@dataclass(frozen=True, slots=True)
class _Index:
    exact: Mapping[str, tuple[Term, ...]]  # one-word terms by word
    squeezed: Mapping[str, tuple[Term, ...]]  # one-word terms by squeezed word
    stems: tuple[Term, ...]  # stem* terms
    fuzzy: Mapping[str, tuple[Term, ...]]  # one-word terms that allow typos, by first letter
    phrases: Mapping[str, tuple[Term, ...]]  # terms of several words, by first word, longest first
    suffixes: tuple[str, ...]  # longest first


# Roles a stem must have for a suffix to be split off ("enviarme" -> "enviar" + "me").
_STEM_ROLES = frozenset(
    {"send", "contact", "receive", "cease", "cancel", "remove", "optout", "message", "desire"}
)
# A keyword set's opt-out word that already has one of these roles keeps its own reading.
_TRIGGER_ROLES = frozenset({"cease", "cancel", "optout", "remove"})
# Words that may stand between the words of a phrase: "hören Sie bitte auf".
_GAP_ROLES = frozenset({"filler", "you"})


@functools.cache
def _index(lexicon: Lexicon) -> _Index:
    exact: dict[str, list[Term]] = {}
    squeezed: dict[str, list[Term]] = {}
    phrases: dict[str, list[Term]] = {}
    fuzzy: dict[str, list[Term]] = {}
    stems, suffixes = [], []
    for term in lexicon.terms:
        if "suffix" in term.roles:
            suffixes.append(term.words[0])
            if term.roles == {"suffix"}:
                continue  # only split off words; its own roles come from its other rows
        if term.prefix:
            stems.append(term)
        elif len(term.words) > 1:
            phrases.setdefault(term.words[0], []).append(term)
        else:
            exact.setdefault(term.words[0], []).append(term)
            squeezed.setdefault(_squeeze(term.words[0]), []).append(term)
            if term.typos:
                fuzzy.setdefault(term.words[0][0], []).append(term)
    return _Index(
        {k: tuple(v) for k, v in exact.items()},
        {k: tuple(v) for k, v in squeezed.items()},
        tuple(stems),
        {k: tuple(v) for k, v in fuzzy.items()},
        {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in phrases.items()},
        tuple(sorted(set(suffixes), key=len, reverse=True)),
    )


def _edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), capped."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def _fuzzy_equal(word: str, target: str, typos: int) -> bool:
    # Typos are allowed only on longer words, and never on the first letter: short words have too
    # many neighbours ("stop"/"step"), and people rarely mistype a word's first letter.
    return (
        typos > 0
        and len(word) >= 5
        and word[0] == target[0]
        and _edits(word, target, typos) <= typos
    )


@functools.lru_cache(maxsize=8192)
def _word_terms(lexicon: Lexicon, word: str) -> tuple[Term, ...]:
    """The one-word terms ``word`` matches: exact, then stem, then squeezed, then with typos."""
    index = _index(lexicon)
    if word in index.exact:
        return index.exact[word]
    stems = tuple(t for t in index.stems if word.startswith(t.words[0][:-1]))
    if stems:
        return stems
    squeezed = index.squeezed.get(_squeeze(word))
    if squeezed:
        return squeezed
    nearby = index.fuzzy.get(word[:1], ())
    return tuple(t for t in nearby if _fuzzy_equal(word, t.words[0], t.typos))


def _split_suffix(lexicon: Lexicon, word: str) -> tuple[str, str] | None:
    """``(stem, suffix)`` when ``word`` is a known content word plus a listed suffix."""
    if _word_terms(lexicon, word):
        return None
    for suffix in _index(lexicon).suffixes:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2:
            found = _word_terms(lexicon, stem)
            if any(t.roles & _STEM_ROLES for t in found):
                return stem, suffix
    return None


def _same(word: str, target: str, typos: int) -> bool:
    return word == target or _squeeze(word) == _squeeze(target) or _fuzzy_equal(word, target, typos)


def _pairs(terms: Iterable[Term]) -> frozenset[tuple[str, str]]:
    return frozenset((role, t.language) for t in terms for role in t.roles)


def _phrase_at(
    lexicon: Lexicon, words: list[tuple[str, str]], start: int
) -> tuple[tuple[Term, ...], int] | None:
    """The longest phrase starting at ``start`` and the index after it (fillers may interrupt)."""
    index = _index(lexicon)
    first = words[start][1]
    candidates = index.phrases.get(first, ()) or index.phrases.get(_squeeze(first), ())
    best: tuple[tuple[Term, ...], int] | None = None
    for term in candidates:
        end = _match_rest(lexicon, words, start + 1, term, 1)
        if end is None:
            continue
        if best is None or len(best[0][0].words) < len(term.words):
            best = ((term,), end)
        elif len(best[0][0].words) == len(term.words) and best[1] == end:
            best = ((*best[0], term), end)
    return best


def _match_rest(
    lexicon: Lexicon, words: list[tuple[str, str]], position: int, term: Term, matched: int
) -> int | None:
    """The index after ``term.words[matched:]`` matched from ``position``, or None."""
    while matched < len(term.words):
        if term.words[matched] == GAP:
            for skip in range(MAX_GAP + 1):
                end = _match_rest(lexicon, words, position + skip, term, matched + 1)
                if end is not None:
                    return end
            return None
        if position >= len(words):
            return None
        if _same(words[position][1], term.words[matched], term.typos):
            matched, position = matched + 1, position + 1
        elif word_roles(lexicon, words[position][1]) & _GAP_ROLES:
            position += 1  # "hören Sie bitte auf"
        else:
            return None
    return position


def word_roles(lexicon: Lexicon, word: str) -> frozenset[str]:
    """The roles one word plays on its own (folded first).

    >>> sorted(word_roles(default_lexicon(), "Stop"))
    ['cease']
    """
    return frozenset(role for t in _word_terms(lexicon, fold(word)) for role in t.roles)


def _units(
    lexicon: Lexicon, words: list[tuple[str, str]], extra: Mapping[str, tuple[str, ...]]
) -> tuple[Unit, ...]:
    split = list(words)
    units: list[Unit] = []
    i = 0
    while i < len(split):
        phrase = _phrase_at(lexicon, split, i)
        parts = None if phrase else _split_suffix(lexicon, split[i][1])
        if parts is not None:
            # A clitic comes off only when the whole word starts no phrase ("déjenme en paz"
            # is one; "enviarme" is "enviar" + "me").
            split[i : i + 1] = [(parts[0], parts[0]), (parts[1], parts[1])]
            phrase = _phrase_at(lexicon, split, i)
        if phrase is not None:
            terms, end = phrase
            units.append(Unit(tuple(s for s, _ in split[i:end]), terms[0].text, _pairs(terms)))
            i = end
            continue
        surface, folded = split[i]
        terms = _word_terms(lexicon, folded)
        pairs = _pairs(terms)
        if folded in extra and not any(r in _TRIGGER_ROLES for r, _ in pairs):
            # The keyword set's own opt-out words (a custom "BASTA") count as stop words.
            pairs |= {("cease", lang) for lang in extra[folded]}
        term = terms[0].text if terms else (folded if folded in extra else "")
        units.append(Unit((surface,), term, pairs))
        i += 1
    return tuple(units)


def tag(
    text: str,
    lexicon: Lexicon | None = None,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Clause, ...]:
    """Split ``text`` into clauses of units tagged with their lexicon roles.

    ``extra`` maps further stop words (a keyword set's opt-out words, folded) to their languages.
    A clause also ends before "but" and its equivalents.

    >>> [[u.text for u in c.units] for c in tag("Stop by tomorrow? ok, thanks")]
    [['Stop by', 'tomorrow'], ['ok'], ['thanks']]
    """
    chosen = lexicon if lexicon is not None else default_lexicon()
    clauses = []
    for words, question in split_clauses(text):
        units = _units(chosen, words, extra or {})
        start = 0
        for i, unit in enumerate(units):
            if unit.has("clause") and i > start:
                clauses.append(Clause(units[start:i], False))
                start = i + 1
        if units[start:]:
            clauses.append(Clause(units[start:], question))
    return tuple(clauses)
