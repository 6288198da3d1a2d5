"""Practice mode: the simulator plays the customers who reply to a campaign.

With ``customer_replies`` above 0 (a share of delivered campaign messages), a recipient texts back
a moment later (``customer_reply_delay`` seconds), through the simulator's normal inbound path:
Twilio's keyword rules, the account's inbound webhook or the Messages list for polling. The mix is
what an inbox sees after a campaign: questions, thanks, opt-outs by keyword in several languages
(STOP, BERHENTI, ARRET, ALTO), opt-outs in other words, and wrong numbers. Each recipient replies
once: the simulator never answers a staff reply, so a demo does not loop.

>>> pick_reply(0.0).kind, pick_reply(0.999).kind
('question', 'wrong_number')
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smskit.simulator.lifecycle import Engine
    from smskit.simulator.state import SimMessage

__all__ = ["REPLIES", "CustomerReply", "pick_reply", "reply_later"]


@dataclass(frozen=True, slots=True)
class CustomerReply:
    """One thing a customer may text back: its kind, language and text."""

    kind: str  # question, thanks, opt_out, revocation, wrong_number
    language: str
    body: str
    weight: float


# Weights add up to 1: about a third questions, a fifth thanks, a quarter keyword opt-outs, the
# rest opt-outs in other words and wrong numbers (the cases staff must review, FCC 24-24).
REPLIES: tuple[CustomerReply, ...] = (
    CustomerReply("question", "en", "What time do you open on Saturday?", 0.09),
    CustomerReply("question", "en", "Can I change my delivery address?", 0.08),
    CustomerReply("question", "id", "Tokonya buka jam berapa hari Minggu?", 0.09),
    CustomerReply("question", "id", "Apakah promo ini berlaku untuk pembelian online?", 0.08),
    CustomerReply("thanks", "en", "Thanks, got it!", 0.07),
    CustomerReply("thanks", "id", "Terima kasih infonya 🙏", 0.07),
    CustomerReply("thanks", "es", "¡Gracias!", 0.06),
    CustomerReply("opt_out", "en", "STOP", 0.07),
    CustomerReply("opt_out", "id", "BERHENTI", 0.08),
    CustomerReply("opt_out", "fr", "ARRET", 0.05),
    CustomerReply("opt_out", "es", "ALTO", 0.05),
    CustomerReply("revocation", "en", "Please stop texting me", 0.04),
    CustomerReply("revocation", "id", "Tolong jangan kirim SMS lagi ke nomor ini", 0.04),
    CustomerReply("wrong_number", "en", "wrong number", 0.06),
    CustomerReply("wrong_number", "id", "Maaf, salah sambung", 0.07),
)


def pick_reply(draw: float) -> CustomerReply:
    """The reply for a uniform ``draw`` in [0, 1) (the simulator's seeded generator).

    >>> pick_reply(0.5).kind
    'thanks'
    """
    total = sum(r.weight for r in REPLIES)
    point = draw * total
    for reply in REPLIES:
        point -= reply.weight
        if point < 0:
            return reply
    return REPLIES[-1]


async def reply_later(engine: Engine, message: SimMessage, delay: float) -> None:
    """After ``delay`` s, the recipient of ``message`` texts back once (unless they already did)."""
    await asyncio.sleep(delay)
    store = engine.store
    if store.owned_number(message.account_sid, message.from_ or "") is None:
        return  # sent from a number the account no longer owns: nowhere to reply to
    earlier = store.messages(
        message.account_sid,
        lambda m: m.direction == "inbound" and m.from_ == message.to and m.to == message.from_,
    )
    if earlier:
        return
    reply = pick_reply(engine.draw())
    await engine.receive(message.account_sid, message.to, message.from_ or "", reply.body)
