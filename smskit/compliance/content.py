"""Content rules for a planned message: opt-out instructions, SHAFT categories, length.

This is the one place these rules live: the Consent dashboard's preflight
(:func:`smskit.compliance.preflight.preflight`) and the Campaign Sender's plan (through the same
preflight, :mod:`smskit.campaign.plan_compliance`) both ask :func:`check_content`.

- Every marketing message, and any first message, must say how to opt out ("Reply STOP to opt
  out", or the keyword in another listed language, e.g. "Balas BERHENTI untuk berhenti"): see
  :func:`opt_out_required`.
- Sex, hate, alcohol, firearms, tobacco and gambling (SHAFT, CTIA) are flagged from
  ``data/prohibited_content.csv`` (whole words, any listed language; hate speech blocks).
- A body over 1,600 characters is blocked: Twilio refuses it with error 21617.

>>> [f.code for f in check_content("Hi! Reply STOP to opt out.", first_message=True)]
[]
>>> [f.code for f in check_content("20% off today!", purpose=Purpose.MARKETING)]
['content.no_opt_out']
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from smskit._data import DataFileError, read_table
from smskit.compliance.findings import CTIA, GUIDE, Finding, Severity
from smskit.compliance.frequency import Purpose
from smskit.consent.keywords import KeywordKind, default_keywords, reply_words
from smskit.encoding.segments import analyze
from smskit.i18n.catalog import Text

MAX_BODY_CHARACTERS = 1600  # Twilio error 21617


@functools.cache
def _prohibited() -> tuple[tuple[tuple[str, ...], str, Severity, str], ...]:
    terms = []
    for number, row in enumerate(read_table("prohibited_content"), start=2):
        words = tuple(reply_words(row["term"]))
        if not words or row["severity"] not in ("block", "warn"):
            raise DataFileError(
                f"prohibited_content row {number}: empty term or severity not block/warn"
            )
        terms.append((words, row["category"], Severity(row["severity"]), row["source"]))
    return tuple(terms)


def has_opt_out_instructions(body: str) -> bool:
    """True when the body names an opt-out keyword in any language (e.g. "Reply STOP").

    >>> has_opt_out_instructions("Balas BERHENTI untuk berhenti"), has_opt_out_instructions("Hi!")
    (True, False)
    """
    words = {w.upper() for w in reply_words(body)}
    return bool(words & set(default_keywords().words(KeywordKind.OPT_OUT)))


def opt_out_required(purpose: Purpose, first_message: bool) -> bool:
    """True when the message must say how to opt out: every marketing message, any first message.

    The guide asks it of the first message to a contact; CTIA's principles make opt-out part of
    every programme, and carriers expect it in marketing (Twilio's country guidelines: France
    wants STOP in every marketing SMS, the Philippines repeated opt-out instructions). A campaign
    cannot tell which message is a contact's first, so a marketing message always needs it.

    >>> opt_out_required(Purpose.MARKETING, False), opt_out_required(Purpose.TRANSACTIONAL, False)
    (True, False)
    """
    return first_message or purpose is Purpose.MARKETING


def _contains(words: Sequence[str], term: tuple[str, ...]) -> bool:
    n = len(term)
    return any(tuple(words[i : i + n]) == term for i in range(len(words) - n + 1))


def check_content(
    body: str, first_message: bool = False, purpose: Purpose = Purpose.MARKETING
) -> list[Finding]:
    """Content rules: opt-out wording (:func:`opt_out_required`), SHAFT categories, length.

    ``purpose`` defaults to marketing, as :class:`smskit.compliance.preflight.PlannedMessage` does:
    a caller that does not say gets the stricter rule.

    >>> [f.code for f in check_content("Casino night!", first_message=True)]
    ['content.no_opt_out', 'content.shaft.gambling']
    >>> check_content("Your order shipped.", purpose=Purpose.TRANSACTIONAL)
    []
    """
    return list(_content_findings(body, opt_out_required(purpose, first_message)))


# The verdict depends only on the text: a campaign's preflights all check the same template, so
# the word scan over every listed term runs once per distinct body, not once per recipient.
@functools.lru_cache(maxsize=1024)
def _content_findings(body: str, needs_opt_out: bool) -> tuple[Finding, ...]:
    findings = []
    if needs_opt_out and not has_opt_out_instructions(body):
        findings.append(
            Finding(
                "content.no_opt_out",
                Severity.BLOCK,
                Text(
                    "A marketing or first message must say how to opt out "
                    "(e.g. 'Reply STOP to opt out')"
                ),
                GUIDE + "; " + CTIA,
            )
        )
    words = reply_words(body)
    seen: set[str] = set()
    for term, category, severity, source in _prohibited():
        if category not in seen and _contains(words, term):
            seen.add(category)
            findings.append(
                Finding(
                    f"content.shaft.{category}",
                    severity,
                    Text(
                        "Mentions {term}: {category} content is restricted by carriers (SHAFT)",
                        term=" ".join(term),
                        category=category,
                    ),
                    source,
                )
            )
    if len(body) > MAX_BODY_CHARACTERS:
        # Twilio counts characters for error 21617; the segment count shows what it would cost.
        segments = analyze(body).segment_count
        findings.append(
            Finding(
                "content.too_long",
                Severity.BLOCK,
                Text(
                    "The message has {count} characters ({segments} segments); the limit is "
                    "{limit}",
                    count=len(body),
                    segments=segments,
                    limit=MAX_BODY_CHARACTERS,
                ),
                "Twilio error 21617",
            )
        )
    return tuple(findings)
