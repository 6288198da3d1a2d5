"""Replies an inbound webhook asks for in TwiML: ``<Response><Message>...</Message></Response>``.

Twilio reads the webhook's answer as TwiML and sends each ``<Message>`` from the number that was
texted back to the texter, unless ``to``/``from`` attributes say otherwise
(https://www.twilio.com/docs/messaging/twiml/message). The body is the element's text, or its
``<Body>`` child. Anything that is not TwiML (an empty answer, JSON, HTML) asks for nothing.

>>> replies('<?xml version="1.0"?><Response><Message>Thanks &amp; bye</Message></Response>')
(TwimlReply(body='Thanks & bye', to=None, from_=None),)
>>> replies("")
()
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TwimlReply:
    """One ``<Message>`` verb: its body and optional ``to``/``from`` overrides."""

    body: str
    to: str | None = None
    from_: str | None = None


def replies(text: str) -> tuple[TwimlReply, ...]:
    """The ``<Message>`` replies in a TwiML document; () if it is empty or not TwiML.

    >>> replies("<Response><Message to='+14155550100'><Body>Hi</Body></Message></Response>")
    (TwimlReply(body='Hi', to='+14155550100', from_=None),)
    """
    if not text.strip().startswith("<"):
        return ()
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return ()
    if root.tag != "Response":
        return ()
    found = []
    for verb in root.findall("Message"):
        body_element = verb.find("Body")
        body = body_element.text if body_element is not None else verb.text
        found.append(TwimlReply((body or "").strip(), verb.get("to"), verb.get("from")))
    return tuple(reply for reply in found if reply.body)
