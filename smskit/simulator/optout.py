"""Twilio's default opt-out handling: keywords, scope and auto-replies (facts B1).

Only a message that is exactly one keyword counts ("STOP PLEASE" does not), case-insensitively. The
keywords are Twilio's default English list, read from ``data/keywords.csv`` (rows marked "Twilio
default"); the replies are Twilio's default texts from ``data/auto_replies.csv``, with smskit's
optional ``[{brand}: ]`` parts left out, as Twilio sends them.

>>> classify("  stop "), classify("STOP PLEASE"), classify("unstop"), classify("Info")
('opt_out', None, 'opt_in', 'help')
>>> reply("help")
'Reply STOP to unsubscribe. Msg&Data Rates May Apply.'
"""

from __future__ import annotations

import functools
import re

from smskit._data import read_table

# Webhook field OptOutType values Twilio sends for each keyword kind (Advanced Opt-Out docs).
OPT_OUT_TYPE = {"opt_out": "STOP", "opt_in": "START", "help": "HELP"}


@functools.cache
def default_keywords() -> dict[str, str]:
    """Twilio's default English keywords, keyword -> kind (opt_out, opt_in or help).

    >>> sorted(k for k, kind in default_keywords().items() if kind == "opt_in")
    ['START', 'UNSTOP', 'YES']
    """
    return {
        row["keyword"].upper(): row["kind"]
        for row in read_table("keywords")
        if row["language"] == "en" and row["note"].startswith("Twilio default")
    }


def classify(body: str, toll_free: bool = False) -> str | None:
    """The keyword kind of an inbound message, or None if it is not exactly one default keyword.

    On a US toll-free number the carrier handles STOP, and only START or UNSTOP lift its block: YES
    is then an ordinary message (facts B1, Twilio support article 360058144374).

    >>> classify("STOPALL"), classify("stop now"), classify("yes"), classify("yes", toll_free=True)
    ('opt_out', None, 'opt_in', None)
    """
    word = body.strip().upper()
    if toll_free and word == "YES":
        return None
    return default_keywords().get(word)


def carrier_reply(body: str, sender_type: str) -> str | None:
    """The carrier's own reply that replaces Twilio's for this keyword and sender type, if any.

    >>> carrier_reply("stop", "toll_free")[:12], carrier_reply("stop", "long_code")
    ('NETWORK MSG:', None)
    """
    word = body.strip().upper()
    for row in read_table("simulator_carrier_replies"):
        if row["keyword"] == word and row["sender_type"] == sender_type:
            return row["reply"]
    return None


@functools.cache
def reply(kind: str) -> str:
    """Twilio's default auto-reply for a keyword kind (English, no brand).

    >>> reply("opt_out").startswith("You have successfully been unsubscribed.")
    True
    """
    for row in read_table("auto_replies"):
        if row["kind"] == kind and row["language"] == "en":
            # "[...]" marks optional parts with placeholders; Twilio's default text has none.
            return re.sub(r"\[[^\]]*\]", "", row["template"]).strip()
    raise KeyError(f"auto_replies.csv has no English '{kind}' reply")
