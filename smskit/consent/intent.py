"""Revocation intent: does a reply ask, in whatever words, to stop the messages?

47 CFR 64.1200(a)(10) (FCC 24-24, in force 11 April 2025) lets a consumer revoke consent "by any
reasonable means": a reply that uses stop, quit, end, revoke, opt out, cancel or unsubscribe about
the messages must be honoured, and so must other wording a reasonable person reads as a request to
stop. A fixed phrase list both misses ("I want to unsubscribe") and over-flags ("Stop by the store
tomorrow?", "Cancel my order"), so this module reads the reply instead:

1. :func:`smskit.consent.tagging.tag` splits it into clauses and finds the lexicon's words in it
   (trigger verbs, message nouns, negators, objects that are not messages; six languages, typos,
   accents, emoji and punctuation tolerated).
2. Each trigger word is judged in its clause: what it is about (its object), whether it is negated,
   whether it is a request or a statement. The rules are listed in :class:`IntentRule`.
3. The first clause with a revocation decides, explained by its most specific rule (an opt-out
   word before "stop" alone); otherwise the first cue that was ruled out is kept, so a reviewer
   sees why a reply did not count ("stop by": another object; "don't stop": negated).

>>> r = detect_revocation("Please stop texting me")
>>> r.revokes, r.rule.value, r.words, r.language
(True, 'stop_messages', ('stop', 'texting'), 'en')
>>> detect_revocation("Stop by the store tomorrow?").rule.value
'other_object'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from smskit.consent.lexicon import Lexicon, default_lexicon, words_of
from smskit.consent.scope import (
    BETWEEN,
    TRIGGERS,
    asks,
    governed,
    is_request,
    me_before,
    messages_before,
    names_messages,
    object_of,
    receives_messages,
    sends_messages,
)
from smskit.consent.tagging import Clause, Unit, tag, word_roles


class IntentRule(StrEnum):
    """The rule that decided, for a revocation or for a cue that did not count."""

    OPT_OUT_WORD = "opt_out_word"  # "unsubscribe", "opt me out", "darme de baja", "abmelden"
    STOP_MESSAGES = "stop_messages"  # a stop/cancel verb about the messages: "stop texting me"
    MESSAGES_STOP = "messages_stop"  # the messages, then the verb: "the texts need to stop"
    STOP_ALONE = "stop_alone"  # the verb alone, as a request: "please stop", "wrong number, stop"
    DONT_SEND = "dont_send"  # "don't text me", "no me envíen más", "jangan kirim lagi"
    NO_MORE = "no_more"  # "no more texts", "keine SMS mehr", "plus de SMS"
    DONT_WANT = "dont_want"  # "I don't want these messages", "não quero receber"
    REMOVE_ME = "remove_me"  # "remove me", "take me off your list", "hapus nomor saya"
    IDIOM = "idiom"  # "leave me alone", "not interested"
    WRONG_NUMBER = "wrong_number"  # "wrong number": the consenting subscriber is someone else
    COMPLAINT = "complaint"  # "why do you keep texting me", "kenapa masih kirim sms"
    SPLIT_KEYWORD = "split_keyword"  # a keyword written in pieces: "S T O P", "stop all"
    # Cues that did not count:
    NO_CUE = "no_cue"  # nothing in the reply is about stopping
    NEGATED = "negated"  # "don't stop", "no pares", "bitte nicht abmelden"
    OTHER_OBJECT = "other_object"  # "cancel my order", "stop by", "end of the month"
    NOT_A_REQUEST = "not_a_request"  # "I'll stop", "why did you stop sending", "when does it end"
    UNDONE = "undone"  # "I unsubscribed by mistake"
    OTHER_CHANNEL = "other_channel"  # "don't call, just text": the calls, not the messages
    NOUN = "noun"  # "the end", "l'arrêt de bus"


@dataclass(frozen=True, slots=True)
class RevocationIntent:
    """Whether a reply revokes consent, the rule that decided and the reply's words it matched."""

    revokes: bool
    rule: IntentRule
    words: tuple[str, ...]  # the reply's own words that decided, in order
    terms: tuple[str, ...]  # the lexicon terms those words matched (typos resolved)
    language: str | None

    @property
    def phrase(self) -> str:
        """The matched words as one string, e.g. for an audit record.

        >>> detect_revocation("pls unsubcribe me").phrase
        'unsubcribe'
        """
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class _Finding:
    revokes: bool
    rule: IntentRule
    units: tuple[Unit, ...]


_SEPARABLE = frozenset({"ab", "aus", "auf", "ein"})  # German separable-verb particles


def _revoke(rule: IntentRule, *units: Unit) -> _Finding:
    return _Finding(True, rule, units)


def _not(rule: IntentRule, *units: Unit) -> _Finding:
    return _Finding(False, rule, units)


def _stop(clause: Clause, i: int, role: str) -> _Finding:
    """A stop verb (``cease``) or ``cancel``: about the messages, or alone as a request."""
    units, unit = clause.units, clause.units[i]
    languages = unit.languages(role)
    strict = role == "cancel"  # "cancel it" and "ok cancel" are about an appointment
    if i > 0 and units[i - 1].has_in("determiner", languages):
        return _not(IntentRule.NOUN, units[i - 1], unit)
    state = governed(units, i, languages)
    if state == "negated":
        return _not(IntentRule.NEGATED, unit)
    if state == "past":
        return _not(IntentRule.NOT_A_REQUEST, unit)
    found = object_of(units, i)
    kind, j = found.kind, found.index
    if kind in ("message", "list"):
        return _revoke(IntentRule.STOP_MESSAGES, unit, units[j])
    if kind in ("send", "contact"):
        if sends_messages(units, j, pronoun_ok=True):
            return _revoke(IntentRule.STOP_MESSAGES, unit, units[j])
        return _not(IntentRule.OTHER_OBJECT, unit, units[j])
    if kind == "receive" and receives_messages(units, j):
        return _revoke(IntentRule.STOP_MESSAGES, unit, units[j])
    if kind in ("receive", "other", "particle") or (kind == "pronoun" and strict):
        return _not(IntentRule.OTHER_OBJECT, unit, *units[j : j + 1])
    if asks(units, i):
        return _not(IntentRule.NOT_A_REQUEST, unit)
    # "The texts need to stop", "wie kann ich die SMS abstellen?", not "will the promo end soon?"
    if messages_before(units, i) and (not clause.question or asks(units, i, "how")):
        return _revoke(IntentRule.MESSAGES_STOP, unit)
    if is_request(units, i, strict):
        return _revoke(IntentRule.STOP_ALONE, unit)
    return _not(IntentRule.NOT_A_REQUEST, unit)


def _remove(clause: Clause, i: int) -> _Finding:
    """A remove verb: revokes with "me", my number or the list as its object."""
    units, unit = clause.units, clause.units[i]
    if governed(units, i, unit.languages("remove")) == "negated":
        return _not(IntentRule.NEGATED, unit)
    found = object_of(units, i)
    kind, j = found.kind, found.index
    if found.after_me or kind in ("list", "message"):
        return _revoke(IntentRule.REMOVE_ME, unit, *units[i + 1 : j + 1][:2])
    if kind != "end":
        return _not(IntentRule.OTHER_OBJECT, unit, *units[j : j + 1])
    if me_before(units, i) or (not asks(units, i) and is_request(units, i, strict=False)):
        return _revoke(IntentRule.REMOVE_ME, unit)
    return _not(IntentRule.NOT_A_REQUEST, unit)


def _opt_out(clause: Clause, i: int) -> _Finding:
    """An opt-out word ("unsubscribe"): revokes unless negated or undone ("by mistake")."""
    units, unit = clause.units, clause.units[i]
    if governed(units, i, unit.languages("optout")) == "negated":
        return _not(IntentRule.NEGATED, unit)
    if any(u.has("undo") for u in units[max(0, i - 1) : i + 2]):
        return _not(IntentRule.UNDONE, unit)
    following = units[i + 1] if i + 1 < len(units) else None
    if unit.words[-1].casefold() in _SEPARABLE and following is not None and not following.roles():
        # German separable verbs end their clause: "melden Sie mich ab", not "ich melde mich
        # ab Montag wieder" (from Monday on).
        return _not(IntentRule.NOT_A_REQUEST, unit)
    return _revoke(IntentRule.OPT_OUT_WORD, unit)


def _idiom(clause: Clause, i: int) -> _Finding:
    """An idiom ("leave me alone", "not interested") revokes unless it is about something else."""
    units, unit = clause.units, clause.units[i]
    for j in range(i + 1, len(units)):
        if units[j].has("message", "send", "contact", "receive", "list", "self", "cease", "optout"):
            break
        if not units[j].has(*BETWEEN, "particle", "pronoun"):
            return _not(IntentRule.OTHER_OBJECT, unit, units[j])  # "not interested in the red one"
    return _revoke(IntentRule.IDIOM, unit)


def _wrong_number(clause: Clause, i: int) -> _Finding:
    """A wrong number revokes, unless the customer gave it ("I typed the wrong number")."""
    units, unit = clause.units, clause.units[i]
    for j in range(i - 1, -1, -1):
        if units[j].has("you"):
            break
        if units[j].has("subject"):
            return _not(IntentRule.NOT_A_REQUEST, units[j], unit)
    after = next((u for u in units[i + 1 :] if not u.has(*BETWEEN, "particle")), None)
    if after is not None and after.has("other"):
        return _not(IntentRule.OTHER_OBJECT, unit, after)  # "wrong number on my order"
    return _revoke(IntentRule.WRONG_NUMBER, unit)


def _dont_send(clause: Clause, i: int) -> _Finding | None:
    """A send or contact verb under a prohibition: "don't text me", "schreiben Sie mir nicht"."""
    units, unit = clause.units, clause.units[i]
    negation: Unit | None = None
    for j in range(i - 1, max(-1, i - 5), -1):
        if units[j].has("prohibit"):
            negation = units[j]
            break
        if not units[j].has(
            "self", "you", "filler", "interjection", "more", "skip", "modal", "persist"
        ):
            break
    if negation is None:  # German puts it after: "schreiben Sie mir nicht mehr", "keine SMS mehr"
        languages = unit.languages("send", "contact")
        for j in range(i + 1, len(units)):
            if units[j].has_in("negator", languages) and (
                any(u.has("more") for u in units[j : j + 3])
                or all(u.has(*BETWEEN) for u in units[j + 1 :])  # "Nerven Sie mich nicht"
            ):
                negation = units[j]
                break
            if not units[j].has("self", "you", "filler", "skip", "determiner", "message"):
                break
    if negation is None:
        return None
    pair = (negation, unit) if units.index(negation) < i else (unit, negation)
    if asks(units, i):
        return _not(IntentRule.NOT_A_REQUEST, *pair)
    if not sends_messages(units, i, pronoun_ok=False):
        return _not(IntentRule.OTHER_OBJECT, *pair)
    return _revoke(IntentRule.DONT_SEND, *pair)


def _receiving_statement(clause: Clause) -> bool:
    """About receiving with no wish ("I'm not getting texts anymore"): a report, not a request."""
    return any(u.has("receive") for u in clause.units) and not any(
        u.has("desire") for u in clause.units
    )


def _no_more(clause: Clause, i: int) -> _Finding | None:
    """A negator before messages with "more": "no more texts", "keine SMS mehr", "plus de SMS";
    or a short "no texts please", "no more!"."""
    units, unit = clause.units, clause.units[i]
    rest = units[i:]
    has_more = any(u.has("more") for u in rest)
    j = next((k for k in range(i + 1, len(units)) if not units[k].has(*BETWEEN, "self")), None)
    found = units[j] if j is not None else None
    about = found is not None and found.has("message", "send", "contact")
    bare = all(u.has(*BETWEEN, "message") for u in units)
    if not ((has_more and (about or (found is None and bare))) or (about and bare)):
        return None
    if clause.question or asks(units, i) or _receiving_statement(clause):
        return _not(IntentRule.NOT_A_REQUEST, unit)
    return _revoke(IntentRule.NO_MORE, unit, *([found] if found is not None else []))


def _dont_want(clause: Clause, i: int) -> _Finding | None:
    """A negated wish about messages: "I don't want these texts", "ich möchte keine SMS"."""
    units, unit = clause.units, clause.units[i]
    negated = unit.has("negator") or any(
        u.has("negator", "negdet", "prohibit") for u in units[max(0, i - 4) : i]
    )
    negated = negated or any(u.has("negator") for u in units[i + 1 :])
    if not negated:
        return None
    if asks(units, i):
        return _not(IntentRule.NOT_A_REQUEST, unit)
    skip = (*BETWEEN, "self", "modal", "particle", "desire", "anything", "persist")
    j = next((k for k in range(i + 1, len(units)) if not units[k].has(*skip)), None)
    if j is None:
        if any(u.has("more") for u in units[i:]):
            return _revoke(IntentRule.DONT_WANT, unit)  # "não quero mais", "ich will nicht mehr"
        return _not(IntentRule.NOT_A_REQUEST, unit)
    found = units[j]
    if (
        found.has("list")
        or names_messages(units, j)
        or (found.has("send", "contact") and sends_messages(units, j, pronoun_ok=True))
        or (found.has("receive") and receives_messages(units, j))
    ):
        return _revoke(IntentRule.DONT_WANT, unit, found)
    if found.has("cease", "cancel", "optout", "remove"):
        return _not(IntentRule.NEGATED, unit, found)  # "I don't want to unsubscribe"
    return _not(IntentRule.OTHER_OBJECT, unit, found)


def _complaint(clause: Clause, i: int) -> _Finding | None:
    """Objecting to more messages: "why do you keep texting me?", "kenapa masih kirim sms"."""
    units, unit = clause.units, clause.units[i]
    j = next((k for k in range(i + 1, len(units)) if not units[k].has("you", "filler")), None)
    if j is None or not units[j].has("send", "contact"):
        return None
    objecting = any(u.has("you", "they", "question") for u in units[: i + 1]) and not any(
        u.has("modal", "polite") for u in units[:i]
    )  # "can you keep texting me updates?" asks for more
    if objecting and sends_messages(units, j, pronoun_ok=True):
        return _revoke(IntentRule.COMPLAINT, unit, units[j])
    return None


# Within a clause, the most specific revoking rule explains the reply best.
_PRIORITY = (
    IntentRule.OPT_OUT_WORD,
    IntentRule.REMOVE_ME,
    IntentRule.STOP_MESSAGES,
    IntentRule.DONT_SEND,
    IntentRule.DONT_WANT,
    IntentRule.NO_MORE,
    IntentRule.IDIOM,
    IntentRule.WRONG_NUMBER,
    IntentRule.COMPLAINT,
    IntentRule.MESSAGES_STOP,
    IntentRule.STOP_ALONE,
)


def _read(clause: Clause, lexicon: Lexicon) -> list[_Finding]:
    """Every cue in a clause, judged, in order."""
    findings: list[_Finding | None] = []
    for i, unit in enumerate(clause.units):
        if unit.has("other") and any(word_roles(lexicon, w) & TRIGGERS for w in unit.words):
            findings.append(_not(IntentRule.OTHER_OBJECT, unit))  # "stop by", "end of"
        if unit.has("optout"):
            findings.append(_opt_out(clause, i))
        if unit.has("idiom"):
            findings.append(_idiom(clause, i))
        if unit.has("misdirected"):
            findings.append(_wrong_number(clause, i))
        for role in ("cease", "cancel"):
            if unit.has(role):
                findings.append(_stop(clause, i, role))
        if unit.has("remove"):
            findings.append(_remove(clause, i))
        if unit.has("send", "contact"):
            findings.append(_dont_send(clause, i))
        if unit.has("negator", "negdet", "prohibit"):
            findings.append(_no_more(clause, i))
        if unit.has("desire"):
            findings.append(_dont_want(clause, i))
        if unit.has("persist"):
            findings.append(_complaint(clause, i))
    return [f for f in findings if f is not None]


def _language(
    clauses: Sequence[Clause], decisive: Sequence[Unit], order: Sequence[str]
) -> str | None:
    """The reply's language: the one most of its known words belong to; ties go to the language of
    the deciding words, then to data order."""
    votes: dict[str, float] = {}
    for clause in clauses:
        for unit in clause.units:
            languages = unit.languages() - {"*"}
            for language in languages:
                votes[language] = votes.get(language, 0.0) + 1 / len(languages)
    deciding = frozenset().union(*(u.languages() for u in decisive)) - {"*"}
    candidates = set(votes) | deciding
    if not candidates:
        return None
    rank = {language: n for n, language in enumerate(order)}
    return min(
        candidates,
        key=lambda lang: (-votes.get(lang, 0.0), lang not in deciding, rank.get(lang, len(rank))),
    )


def detect_revocation(
    text: str,
    lexicon: Lexicon | None = None,
    stop_words: Mapping[str, tuple[str, ...]] | None = None,
) -> RevocationIntent:
    """Read ``text`` for a request to stop the messages (47 CFR 64.1200(a)(10)).

    ``stop_words`` adds opt-out keywords (folded word -> languages), e.g. a keyword set's custom
    ones, so "BASTA please" counts once BASTA is a keyword.

    >>> detect_revocation("no me envíen más mensajes").language
    'es'
    >>> [detect_revocation(t).revokes for t in ("Cancel my order", "cancel these texts")]
    [False, True]
    >>> detect_revocation("basta please", stop_words={"basta": ("it",)}).rule.value
    'stop_alone'
    """
    chosen = lexicon if lexicon is not None else default_lexicon()
    clauses = tag(text, chosen, stop_words)
    order = chosen.languages()
    judged = [(clause, _read(clause, chosen)) for clause in clauses]
    # "Don't call, just text": a clause that asks for texts keeps them when another refuses calls.
    texts_wanted = any(
        any(u.has("contact", "send", "message") and not u.has("call") for u in clause.units)
        and not any(f.revokes for f in findings)
        for clause, findings in judged
    )
    ruled_out: _Finding | None = None
    for _, findings in judged:
        revoking = [f for f in findings if f.revokes]
        if texts_wanted and revoking and all(_about_calls(f) for f in revoking):
            ruled_out = ruled_out or _not(IntentRule.OTHER_CHANNEL, *revoking[0].units)
            continue
        if revoking:
            best = min(revoking, key=lambda f: _PRIORITY.index(f.rule))
            return _result(best, clauses, order)
        ruled_out = ruled_out or next(iter(findings), None)
    pieces = words_of(text)
    joined = "".join(pieces)
    keyword_languages = (stop_words or {}).get(joined)
    if len(pieces) > 1 and keyword_languages is not None:  # "S.T.O.P", "stop all"
        language = keyword_languages[0] if keyword_languages else None
        return RevocationIntent(True, IntentRule.SPLIT_KEYWORD, pieces, (joined,), language)
    if ruled_out is not None:
        return _result(ruled_out, clauses, order)
    return RevocationIntent(False, IntentRule.NO_CUE, (), (), _language(clauses, (), order))


def _about_calls(finding: _Finding) -> bool:
    """True when what a finding is about is voice calls only ("stop calling me")."""
    about = [u for u in finding.units if u.has("contact", "send", "message")]
    return bool(about) and all(u.has("call") for u in about)


def _result(finding: _Finding, clauses: Sequence[Clause], order: Sequence[str]) -> RevocationIntent:
    return RevocationIntent(
        finding.revokes,
        finding.rule,
        tuple(w for u in finding.units for w in u.words),
        tuple(u.term for u in finding.units if u.term),
        _language(clauses, finding.units, order),
    )
