"""Automatic replies to opt-out, opt-in and HELP keywords, and the double opt-in request.

The defaults carry the disclosures CTIA expects (brand, message frequency, "Msg&Data Rates May
Apply", HELP and STOP instructions). Texts live in ``data/auto_replies.csv``, one row per kind and
language; a bracketed part such as ``[{brand}: ]`` is left out when its field is empty, so with no
programme details the replies are exactly Twilio's defaults (support article 223134027).

>>> auto_reply(ReplyKind.HELP)
'Reply STOP to unsubscribe. Msg&Data Rates May Apply.'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from smskit._data import read_table


class ReplyKind(StrEnum):
    """Which automatic reply to send."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    CONFIRM = "confirm"  # the double opt-in request
    SUBSCRIBED = "subscribed"  # first opt-in confirmed (CTIA opt-in confirmation message)


@dataclass(frozen=True, slots=True)
class Program:
    """The messaging programme the disclosures name (CTIA): brand, frequency, support contact."""

    brand: str = ""
    frequency: str = ""
    contact: str = ""


DEFAULT_PROGRAM = Program()  # no brand, frequency or contact: Twilio's default texts

_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


@functools.cache
def _templates() -> dict[tuple[str, str], str]:
    return {(row["kind"], row["language"]): row["template"] for row in read_table("auto_replies")}


def reply_languages() -> tuple[str, ...]:
    """Languages with auto-reply texts in ``data/auto_replies.csv``.

    >>> reply_languages()
    ('en', 'es', 'fr', 'de', 'pt', 'id')
    """
    return tuple(dict.fromkeys(language for _, language in _templates()))


def auto_reply(kind: ReplyKind, language: str = "en", program: Program = DEFAULT_PROGRAM) -> str:
    """The automatic reply text; bracketed parts are left out when their field is empty.

    >>> auto_reply(ReplyKind.OPT_OUT, "en", Program("Acme"))[:40]
    'Acme: You have successfully been unsubsc'
    >>> auto_reply(ReplyKind.HELP, "id", Program("Acme", "4 pesan/bulan", "acme.id"))
    'Acme: 4 pesan/bulan. Bantuan: acme.id. Balas BERHENTI untuk berhenti berlangganan. Tarif pesan & data mungkin berlaku.'
    """  # noqa: E501
    templates = _templates()
    template = templates.get((kind.value, language)) or templates[(kind.value, "en")]
    values = {"brand": program.brand, "frequency": program.frequency, "contact": program.contact}

    def optional(match: re.Match[str]) -> str:
        fields = _FIELD.findall(match.group(1))
        return match.group(1) if all(values.get(f, "").strip() for f in fields) else ""

    text = _OPTIONAL.sub(optional, template)
    return _FIELD.sub(lambda m: values.get(m.group(1), "").strip(), text)
