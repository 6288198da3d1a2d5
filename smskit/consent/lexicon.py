"""The revocation lexicon: which reply words stop, send, negate or name messages, in six languages.

The words live in ``data/revocation_lexicon.csv``: one row per term, role and language, each with
its ``source`` and ``as_of``, and the number of ``typos`` a customer may make in it. A term is one
or more words; ``stem*`` matches any ending (``desabonn*``) and ``...`` in a phrase stands for up to
four words of anything (``leave me ... alone``). What each role does is listed in :data:`ROLES`;
:mod:`smskit.consent.tagging` finds the terms in a reply; :mod:`smskit.consent.intent` reads them.

Replies and terms are split the same way: into clauses at sentence punctuation and emoji, into
words at anything else that is not a letter or a digit (so ``don't`` is ``don t`` and
``m'envoyer`` is ``m envoyer``), compared folded (no case, no accents, ``ß`` as ``ss``).

>>> sorted(t.language for t in default_lexicon().terms if t.text == "berhenti")
['id']
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from smskit._data import DataFileError, read_table

# What a term does in a reply. The detector's rules (smskit.consent.intent) read these.
ROLES = frozenset(
    {
        "optout",  # revokes on its own: "unsubscribe", "opt out" (named in 47 CFR 64.1200(a)(10))
        "cease",  # stop/quit/end: revokes about the messages, or alone as a request
        "cancel",  # revokes about the messages ("cancel these texts"), not "cancel my order"
        "remove",  # revokes with me or the list as object: "remove me", "hapus nomor saya"
        "send",  # sending a thing: the object must be messages ("don't send the package" is not)
        "contact",  # contacting a person: "don't text me"
        "call",  # a voice call: "don't call, just text" keeps the texts
        "receive",  # "I don't want to receive ..."; also "I'm not getting texts" (not a request)
        "message",  # texts, SMS, promos, notifications
        "subscription",  # a subscription: the messages, unless "to the gym"
        "anything",  # "don't send me anything"
        "self",  # me, my number
        "list",  # your list, the database
        "negator",  # not, no (es/pt), ne, nicht, tidak
        "negdet",  # no (en), sem: negates a noun, never a verb
        "prohibit",  # don't, jangan: an order not to do something
        "more",  # anymore, again, mehr, lagi
        "desire",  # want, quiero, mau
        "you",  # the business addressed
        "subject",  # I, we: a statement, not a request
        "they",  # he, she, it, they
        "past",  # did, have: "why did you stop sending"
        "question",  # when, why: "when does the promo end"
        "how",  # how: asking how to stop is asking to stop
        "report",  # said, replied: "I said STOP"
        "persist",  # keep, still: "why do you keep texting me"
        "modal",  # can, could
        "to",  # the infinitive marker
        "filler",  # please, thanks: changes nothing
        "polite",  # please, merci, bitte: a request may end here ("stop pls its the 3rd time")
        "interjection",  # ok, hey, omg
        "pronoun",  # it, this
        "skip",  # function words that stand between a verb and its object
        "determiner",  # the, la: before a trigger word it makes it a noun ("the end")
        "particle",  # by, at: "stop by", "stop at the bank"
        "other",  # not about messages: order, appointment, "end of", "stop by"
        "idiom",  # revokes as a whole: "leave me alone", "not interested"
        "misdirected",  # "wrong number": the subscriber is someone else
        "undo",  # "by mistake": the opt-out word is not a request
        "suffix",  # a clitic or particle written on the end of a word: -me (es), -nya (id)
        "clause",  # "but": starts a new clause
    }
)
GAP = "..."  # in a phrase, up to MAX_GAP words of anything: "leave me ... alone"
MAX_GAP = 4
_BOUNDARIES = frozenset(".,!?;:…\n\r¿¡–—|")


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon row: folded words, their roles, their language, the typos they tolerate."""

    words: tuple[str, ...]
    roles: frozenset[str]
    language: str
    typos: int = 0
    source: str = ""
    as_of: str = ""

    @property
    def text(self) -> str:
        """The term as one string.

        >>> Term(("opt", "out"), frozenset({"optout"}), "en").text
        'opt out'
        """
        return " ".join(self.words)

    @property
    def prefix(self) -> bool:
        """True for a ``stem*`` term, which matches any word starting with the stem.

        >>> Term(("desabonn*",), frozenset({"optout"}), "fr").prefix
        True
        """
        return self.words[-1].endswith("*")


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """Every term, in data order. Compared and hashed by identity: it keys the matching caches,
    and hashing thousands of terms on every lookup would cost more than the matching."""

    terms: tuple[Term, ...]

    def languages(self) -> tuple[str, ...]:
        """The languages the lexicon covers, in data order.

        >>> default_lexicon().languages()
        ('en', 'es', 'fr', 'de', 'pt', 'id')
        """
        return tuple(dict.fromkeys(t.language for t in self.terms))


def fold(text: str) -> str:
    """Case- and accent-insensitive form: NFKD, combining marks dropped, casefolded.

    >>> fold("ARRÊTEZ Straße")
    'arretez strasse'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _is_boundary(char: str) -> bool:
    # Sentence punctuation and pictographs (emoji) end a clause; apostrophes, hyphens, quotes and
    # brackets only separate words. Format characters (a zero-width space) are ignored.
    return char in _BOUNDARIES or unicodedata.category(char) in ("So", "Sk", "Cs")


def split_clauses(text: str) -> Iterator[tuple[list[tuple[str, str]], bool]]:
    """Per clause: its (word as written, folded word) pairs, and whether it ends with '?'.

    >>> [([f for _, f in words], q) for words, q in split_clauses("Stop!! ok? Kirim2 lagi ¿sí")]
    [(['stop'], False), (['ok'], True), (['kirim', 'lagi'], False), (['si'], True)]
    """
    words: list[tuple[str, str]] = []
    current: list[str] = []
    asking = False  # a Spanish question opens with "¿"

    def flush() -> None:
        if current:
            surface = "".join(current)
            folded = fold(surface)
            # Indonesian reduplication written with a 2: "kirim2" is "kirim-kirim".
            if len(folded) > 2 and folded.endswith("2") and folded[:-1].isalpha():
                folded = folded[:-1]
            words.append((surface, folded))
            current.clear()

    for char in unicodedata.normalize("NFC", text):
        if char.isalnum() or unicodedata.category(char)[0] == "M":
            current.append(char)
        elif char == "#":  # "wrong #", "remove my #": the sign is a word (number)
            flush()
            current.append(char)
            flush()
        elif unicodedata.category(char) == "Cf":
            continue
        else:
            flush()
            if _is_boundary(char) and words:
                yield words, asking or char == "?"
                words, asking = [], False
            asking = asking or char == "¿"
    flush()
    if words:
        yield words, asking


def words_of(text: str) -> tuple[str, ...]:
    """The folded words of ``text``, as the lexicon and the detector see them.

    >>> words_of("Désinscrivez-moi, s'il vous plaît kirim2")
    ('desinscrivez', 'moi', 's', 'il', 'vous', 'plait', 'kirim')
    """
    return tuple(folded for clause, _ in split_clauses(text) for _, folded in clause)


def load_lexicon(rows: Iterable[Mapping[str, str]]) -> Lexicon:
    """Build a lexicon from CSV rows (the default table or a user's own); errors name the row.

    >>> load_lexicon([{"term": "basta", "role": "cease", "language": "it", "typos": "0",
    ...                "source": "mine", "as_of": "2026-01-01"}]).terms[0].roles
    frozenset({'cease'})
    """
    terms = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        text = row.get("term", "").strip()
        words = tuple(
            word for part in text.split() for word in ((GAP,) if part == GAP else words_of(part))
        )
        star = text.endswith("*")
        if star and words:
            words = (*words[:-1], words[-1] + "*")
        roles = frozenset(r.strip() for r in row.get("role", "").split(";") if r.strip())
        language = row.get("language", "").strip()
        if not words or not roles or not language:
            raise DataFileError(f"revocation_lexicon row {number}: empty term, role or language")
        unknown = sorted(roles - ROLES)
        if unknown:
            raise DataFileError(f"revocation_lexicon row {number}: unknown role {unknown[0]!r}")
        typos = row.get("typos", "0").strip() or "0"
        if typos not in ("0", "1", "2"):
            raise DataFileError(f"revocation_lexicon row {number}: typos must be 0, 1 or 2")
        if (star or "suffix" in roles) and len(words) > 1:
            raise DataFileError(f"revocation_lexicon row {number}: a stem or suffix is one word")
        if GAP in (words[0], words[-1]):
            raise DataFileError(f"revocation_lexicon row {number}: '...' must stand between words")
        terms.append(
            Term(words, roles, language, int(typos), row.get("source", ""), row.get("as_of", ""))
        )
    return Lexicon(tuple(terms))


@functools.cache
def default_lexicon() -> Lexicon:
    """The lexicon in ``data/revocation_lexicon.csv``.

    >>> len(default_lexicon().terms) > 1000
    True
    """
    return load_lexicon(read_table("revocation_lexicon"))
