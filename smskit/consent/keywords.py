"""Inbound keyword engine: is a reply an opt-out, an opt-in, a HELP request, or none of these?

Matching follows Twilio: the *whole* message must be one keyword, ignoring case and the whitespace
and punctuation around it, so ``"STOP."`` and ``" stop "`` opt out but ``"STOP PLEASE"`` does not
(Twilio support article 223134027; Spoke#1016: "We have got to STOP this bill" must not count).
Accents are ignored too, so ``ARRÊT`` and ``ARRET`` are the same word.

Beyond keywords, the FCC's revocation rule (FCC 24-24, 47 CFR 64.1200(a)(10), in force 11 Apr 2025)
requires honouring a revocation made "by any reasonable means". Every reply that is not a keyword
is read by :func:`smskit.consent.intent.detect_revocation`; one that asks to stop in other words
("please stop texting me", "STOP PLEASE", "no me envíen más mensajes") is flagged as a *possible
revocation*, with the rule and words that matched; the consent ledger applies it or queues it for
review, as configured.

Keywords live in ``data/keywords.csv``; the detector's words in ``data/revocation_lexicon.csv``.

>>> classify_reply(" Stop. ").kind
<KeywordKind.OPT_OUT: 'opt_out'>
>>> classify_reply("STOP PLEASE").kind, classify_reply("STOP PLEASE").possible_revocation
(<KeywordKind.NONE: 'none'>, True)
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from smskit._data import DataFileError, read_table
from smskit.consent.intent import RevocationIntent, detect_revocation
from smskit.consent.lexicon import fold
from smskit.i18n.catalog import LocalizedError

ALL_MARKETS = "*"
# Twilio Advanced Opt-Out lets you remove default keywords "except STOP, HELP and START".
MANDATORY_KEYWORDS = frozenset({"STOP", "HELP", "START"})


class KeywordKind(StrEnum):
    """What an inbound reply asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Keyword:
    """One reserved word, its meaning, language and the markets (ISO countries, ``*`` = all)."""

    word: str
    kind: KeywordKind
    language: str
    markets: tuple[str, ...] = (ALL_MARKETS,)
    source: str = ""
    as_of: str = ""

    def applies_to(self, market: str | None) -> bool:
        """True when this keyword is active in ``market`` (``None`` means every market).

        >>> Keyword("TD", KeywordKind.OPT_OUT, "fr", ("CA",)).applies_to("US")
        False
        """
        return market is None or ALL_MARKETS in self.markets or market.upper() in self.markets


@dataclass(frozen=True, slots=True)
class KeywordSet:
    """The keywords in force, e.g. for one market."""

    keywords: tuple[Keyword, ...]

    def for_market(self, market: str) -> KeywordSet:
        """Only the keywords active in ``market`` (Twilio's per-country overrides).

        >>> "TD" in default_keywords().for_market("US").words(KeywordKind.OPT_OUT)
        False
        """
        return replace(self, keywords=tuple(k for k in self.keywords if k.applies_to(market)))

    def words(self, kind: KeywordKind) -> tuple[str, ...]:
        """The distinct words of one kind, in data order.

        >>> default_keywords().words(KeywordKind.HELP)[:2]
        ('HELP', 'INFO')
        """
        return tuple(dict.fromkeys(k.word for k in self.keywords if k.kind is kind))

    def languages(self) -> tuple[str, ...]:
        """The languages this set covers, in data order.

        >>> default_keywords().languages()[:3]
        ('en', 'fr', 'es')
        """
        return tuple(dict.fromkeys(k.language for k in self.keywords))

    def with_changes(self, add: Iterable[Keyword] = (), remove: Iterable[str] = ()) -> KeywordSet:
        """Add custom keywords and remove others; STOP, HELP and START cannot be removed (Twilio).

        >>> ks = default_keywords().with_changes(remove=["QUIT"])
        >>> classify_reply("quit", ks).kind
        <KeywordKind.NONE: 'none'>
        """
        dropped = {normalize_keyword(word) for word in remove}
        kept_back = sorted(dropped & MANDATORY_KEYWORDS)
        if kept_back:
            raise LocalizedError(
                "The keyword {word} cannot be removed: carriers and Twilio require it",
                word=kept_back[0],
            )
        keywords = tuple(k for k in self.keywords if normalize_keyword(k.word) not in dropped)
        result = replace(self, keywords=keywords + tuple(add))
        _index(result)  # raises on a word that now means two different things
        return result


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    """How one inbound reply was classified."""

    text: str
    normalized: str
    kind: KeywordKind
    keyword: str | None
    languages: tuple[str, ...]
    possible_revocation: bool
    revocation_phrase: str | None  # the words that made it a possible revocation
    intent: RevocationIntent | None = None  # how a non-keyword reply was read, and why

    @property
    def is_keyword(self) -> bool:
        """True when the whole reply is a reserved keyword.

        >>> classify_reply("help!").is_keyword
        True
        """
        return self.kind is not KeywordKind.NONE


def _is_edge(char: str) -> bool:
    # Whitespace, punctuation and invisible format characters (e.g. a copied zero-width space)
    # around the keyword do not count, as in Twilio's matching.
    return (
        char.isspace()
        or unicodedata.category(char)[0] in "PZ"
        or unicodedata.category(char) == "Cf"
    )


def normalize_reply(text: str) -> str:
    """The reply as matched: accents and case folded, surrounding whitespace/punctuation removed.

    >>> normalize_reply("  ¡Arrêt!! ")
    'arret'
    """
    folded = fold(text)
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def normalize_keyword(word: str) -> str:
    """A keyword's canonical upper-case form (accents removed).

    >>> normalize_keyword(" arrêt ")
    'ARRET'
    """
    return normalize_reply(word).upper()


def reply_words(text: str) -> list[str]:
    """Folded words; apostrophes join ("don't" -> "dont"), other non-alphanumerics separate.

    >>> reply_words("Don't text me, ARRÊT!")
    ['dont', 'text', 'me', 'arret']
    """
    folded = fold(text).replace("'", "").replace("’", "")
    return "".join(c if c.isalnum() else " " for c in folded).split()


@functools.cache
def _index(keyword_set: KeywordSet) -> Mapping[str, tuple[KeywordKind, tuple[str, ...]]]:
    """normalized word -> (kind, languages); a word with two meanings is a data error."""
    index: dict[str, tuple[KeywordKind, tuple[str, ...]]] = {}
    for keyword in keyword_set.keywords:
        key = normalize_reply(keyword.word)
        if not key:
            raise LocalizedError("Keyword {word!r} is empty after normalisation", word=keyword.word)
        if key in index:
            kind, languages = index[key]
            if kind is not keyword.kind:
                raise LocalizedError(
                    "Keyword {word} is both {first} and {second}",
                    word=keyword.word,
                    first=kind.value,
                    second=keyword.kind.value,
                )
            if keyword.language not in languages:
                index[key] = (kind, (*languages, keyword.language))
        else:
            index[key] = (keyword.kind, (keyword.language,))
    return index


def load_keywords(keyword_rows: Iterable[Mapping[str, str]]) -> KeywordSet:
    """Build a keyword set from CSV rows (the defaults, or a user's own file); errors name the row.

    >>> load_keywords([{"keyword": "BASTA", "kind": "opt_out", "language": "it", "markets": "IT",
    ...                 "source": "mine", "as_of": "2026-01-01"}]).keywords[0].markets
    ('IT',)
    """
    keywords = []
    for number, row in enumerate(keyword_rows, start=2):  # row 1 is the header
        try:
            kind = KeywordKind(row.get("kind", "").strip())
        except ValueError:
            raise DataFileError(
                f"keywords row {number}: kind {row.get('kind')!r} is not opt_out, opt_in or help"
            ) from None
        word = normalize_keyword(row.get("keyword", ""))
        if not word or kind is KeywordKind.NONE:
            raise DataFileError(f"keywords row {number}: empty keyword or kind 'none'")
        markets = tuple(m.strip().upper() for m in row.get("markets", "*").split(";") if m.strip())
        keywords.append(
            Keyword(
                word,
                kind,
                row.get("language", "").strip(),
                markets or (ALL_MARKETS,),
                row.get("source", ""),
                row.get("as_of", ""),
            )
        )
    result = KeywordSet(tuple(keywords))
    _index(result)
    return result


@functools.cache
def default_keywords() -> KeywordSet:
    """Every keyword in ``data/keywords.csv`` (all languages, all markets).

    >>> "BERHENTI" in default_keywords().words(KeywordKind.OPT_OUT)
    True
    """
    return load_keywords(read_table("keywords"))


@functools.cache
def _stop_words(keyword_set: KeywordSet) -> Mapping[str, tuple[str, ...]]:
    """The set's opt-out keywords, folded, with their languages: the detector's extra stop words."""
    index = _index(keyword_set)
    return {w: langs for w, (kind, langs) in index.items() if kind is KeywordKind.OPT_OUT}


def classify_reply(
    text: str, keywords: KeywordSet | None = None, market: str | None = None
) -> KeywordMatch:
    """Classify an inbound reply: a keyword when the whole message is one (Twilio's rule), else
    read for a revocation in other words (FCC 24-24).

    >>> m = classify_reply("YA")
    >>> m.kind.value, m.languages
    ('opt_in', ('id',))
    >>> classify_reply("We have got to STOP this bill").possible_revocation
    False
    >>> m = classify_reply("tolong jangan kirim sms lagi")
    >>> m.possible_revocation, m.languages, m.intent.rule.value if m.intent else None
    (True, ('id',), 'dont_send')
    """
    keyword_set = keywords if keywords is not None else default_keywords()
    if market is not None:
        keyword_set = keyword_set.for_market(market)
    index = _index(keyword_set)
    normalized = normalize_reply(text)
    hit = index.get(normalized)
    if hit is not None:
        kind, languages = hit
        return KeywordMatch(text, normalized, kind, normalized.upper(), languages, False, None)
    intent = detect_revocation(text, stop_words=_stop_words(keyword_set))
    if not intent.revokes:
        return KeywordMatch(text, normalized, KeywordKind.NONE, None, (), False, None, intent)
    # The reply's language lets an applied revocation be confirmed in that language.
    languages = (intent.language,) if intent.language else ()
    return KeywordMatch(
        text, normalized, KeywordKind.NONE, None, languages, True, intent.phrase, intent
    )
