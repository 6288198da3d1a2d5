"""What surrounds a word in its clause: what it is about, what negates it, whether it is a request.

These scans serve the rules in :mod:`smskit.consent.intent`. Each looks left or right of one unit
of a tagged clause (:func:`smskit.consent.tagging.tag`), over the words that do not change the
reading (fillers, articles, "me", "you"), and stops at the first word that does.

>>> object_of(tag("please stop sending me stuff")[0].units, 1).kind
'send'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smskit.consent.tagging import Unit, tag  # noqa: F401 (the doctests tag their examples)

# Words that may stand between a verb and what it is about.
BETWEEN = frozenset(
    {"skip", "determiner", "filler", "interjection", "you", "more", "negator", "negdet", "to"}
)
# Words that start a cue of their own.
TRIGGERS = frozenset({"cease", "cancel", "optout", "remove", "idiom", "misdirected", "prohibit"})


@dataclass(frozen=True, slots=True)
class Object:
    """What a verb is about: the ``kind`` of the first content word after it and its ``index``.

    Kinds: message, list, send, contact, receive, other, particle, pronoun (only a pronoun
    followed) and end (nothing did). ``after_me`` when "me" or my number came first.
    """

    kind: str
    index: int
    after_me: bool = False


def governed(units: Sequence[Unit], i: int, languages: frozenset[str]) -> str | None:
    """'negated' or 'past' when a negator or past auxiliary of ``languages`` governs ``units[i]``.

    >>> governed(tag("don't stop")[0].units, 1, frozenset({"en"}))
    'negated'
    >>> governed(tag("why did you stop sending coupons")[0].units, 3, frozenset({"en"}))
    'past'
    """
    passed_to = False
    for j in range(i - 1, max(-1, i - 5), -1):
        unit = units[j]
        if unit.has_in("negator", languages) or unit.has_in("prohibit", languages):
            return "negated"
        if unit.has_in("past", languages) and not passed_to:
            return "past"
        if unit.has("to"):
            passed_to = True  # "I have asked you to stop": the infinitive is the request
        elif not unit.has(
            "filler", "interjection", "you", "subject", "they", "modal", "desire", "self",
            "skip", "more", "determiner", "pronoun", "negdet",
        ):  # fmt: skip
            return None
    return None


def names_messages(units: Sequence[Unit], j: int) -> bool:
    """True when ``units[j]`` names the messages: a message word, or a subscription that is not
    one to something else.

    >>> names_messages(tag("cancel my subscription")[0].units, 2)
    True
    >>> names_messages(tag("annuler mon abonnement à la salle")[0].units, 2)
    False
    """
    if units[j].has("message"):
        return True
    if not units[j].has("subscription"):
        return False
    linked = False
    for unit in units[j + 1 :]:
        if unit.has("message", "subscription"):
            return True
        if unit.has("skip", "particle", "determiner"):
            linked = True
        elif not unit.has(*BETWEEN):
            return not linked
    return True


def object_of(units: Sequence[Unit], i: int) -> Object:
    """What ``units[i]`` is about: the first content word after it in its clause.

    >>> [object_of(tag(t)[0].units, 0).kind
    ...  for t in ("stop the texts", "cancel for Friday", "quit it")]
    ['message', 'particle', 'pronoun']
    """
    after_me = saw_pronoun = saw_polite = False
    for j in range(i + 1, len(units)):
        unit = units[j]
        if unit.has("subscription") and not unit.has("message"):
            return Object("message" if names_messages(units, j) else "other", j, after_me)
        for kind in ("message", "list", "contact", "send", "receive"):
            if unit.has(kind):
                return Object(kind, j, after_me)
        if unit.has("persist", "report", "subject"):
            break  # a new predicate: "Já mandei SAIR e continuam mandando", "stop or I'll ..."
        if unit.has("other"):
            return Object("other", j, after_me)
        if saw_polite and not unit.has(*BETWEEN):
            break  # "arretez svp c'est la 3eme fois": the request ended at "svp"
        if unit.has("determiner", "skip"):
            saw_polite = False  # "Löschen Sie bitte die alte Adresse": the object goes on
        if unit.has("particle") and not unit.has("skip", "determiner"):
            return Object("particle", j, after_me)
        if unit.has("self"):
            after_me = True
        elif unit.has("pronoun") and not unit.has("skip", "determiner"):
            saw_pronoun = True
        elif not unit.has(*BETWEEN, "modal", "anything", *TRIGGERS):
            return Object("other", j, after_me)
        saw_polite = saw_polite or unit.has("polite")
    return Object("pronoun" if saw_pronoun else "end", len(units), after_me)


def sends_messages(units: Sequence[Unit], i: int, pronoun_ok: bool) -> bool:
    """True when the send or contact verb ``units[i]`` is about messages or the customer.

    A contact verb with "me" as object is about the customer whatever follows ("stop texting me
    about the sale"), unless a time or place restricts it ("don't text me before 9am").

    >>> [sends_messages(tag(t)[0].units, 1, False) for t in
    ...  ("stop texting me", "don't send the package", "don't text me before 9am")]
    [True, False, False]
    """
    saw_self = saw_pronoun = False
    for j in range(i + 1, len(units)):
        unit = units[j]
        if unit.has("message", "anything", "list"):
            return True
        if unit.has("self"):
            saw_self = True
        elif unit.has("pronoun") and not unit.has("skip", "determiner"):
            saw_pronoun = True
        elif unit.has("send", "contact", "cease", "optout"):
            continue  # "don't text or call me"
        elif unit.has("particle") and not unit.has("skip"):
            return False  # a time or place: "don't text me before 9am", "... at work"
        elif not unit.has(*BETWEEN, "modal"):
            return saw_self and units[i].has("contact")
    return pronoun_ok or not saw_pronoun or saw_self


def receives_messages(units: Sequence[Unit], i: int) -> bool:
    """True when the receive verb ``units[i]`` is about messages (or about nothing named).

    >>> [receives_messages(tag(t)[0].units, 0) for t in ("receive these texts", "get my order")]
    [True, False]
    """
    for j in range(i + 1, len(units)):
        unit = units[j]
        if unit.has("message", "anything"):
            return True
        if not unit.has(*BETWEEN, "self", "pronoun", "modal", "particle"):
            return False
    return True


def messages_before(units: Sequence[Unit], i: int) -> bool:
    """True when the nearest content word before ``units[i]`` names the messages.

    >>> messages_before(tag("sms nya stop aja")[0].units, 2)
    True
    """
    for j in range(i - 1, -1, -1):
        unit = units[j]
        if unit.has("message", "list", "subscription"):
            return True
        if not unit.has(*BETWEEN, "modal", "desire", "pronoun", "self"):
            return False
    return False


def me_before(units: Sequence[Unit], i: int) -> bool:
    """True when "me", my number or the list stands just before ``units[i]`` ("me retirer").

    >>> me_before(tag("meine Nummer bitte löschen")[0].units, 2)
    True
    """
    for j in range(i - 1, -1, -1):
        unit = units[j]
        if unit.has("self", "list"):
            return True
        if not unit.has(*BETWEEN, "modal", "desire"):
            return False
    return False


def is_request(units: Sequence[Unit], i: int, strict: bool) -> bool:
    """True when ``units[i]`` is said as a request.

    An imperative has only fillers before it ("please stop"). Unless ``strict``, so do words
    after "you", a wish, "how", a reported keyword or a "please" that starts a new sentence ("can
    you stop", "I want to stop", "I said stop", "I am no longer a customer please stop").

    >>> [is_request(tag(t)[0].units, len(tag(t)[0].units) - 1, False)
    ...  for t in ("ok just stop", "can you stop", "I'll stop")]
    [True, True, False]
    """
    polite = False
    for j in range(i - 1, -1, -1):
        unit = units[j]
        if unit.has("filler"):
            polite = polite or unit.has("polite")
            continue
        if strict:
            return False
        if unit.has("you", "desire", "report", "how") or polite:
            return True
        if not unit.has("interjection", "modal", "to", "skip", "more", "cease", "cancel", "optout"):
            return False
    return True


def asks(units: Sequence[Unit], i: int, role: str = "question") -> bool:
    """True when a word of ``role`` (a question word; or "how") comes before ``units[i]``.

    >>> asks(tag("when does the promo end")[0].units, 4)
    True
    >>> asks(tag("how do I stop")[0].units, 3, "how")
    True
    """
    return any(unit.has(role) for unit in units[:i])
