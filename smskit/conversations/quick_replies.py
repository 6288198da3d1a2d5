"""Quick replies: saved answers with placeholders, in English and Bahasa Indonesia.

Placeholders use the campaign template syntax (:mod:`smskit.campaign.templates`): ``{name|there}``
takes the contact's saved field, with a fallback; ``{brand}``, ``{hours}`` and ``{phone}`` come
from the team's settings. A few answers come built in (opening hours, how to opt out, thanks,
wrong number); a team saves its own, which replace a built-in one of the same name.

>>> text = render_quick_reply(builtin("opt_out_howto", "id"), {"brand": "Toko Ana"})
>>> text.startswith("Toko Ana:")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from smskit.campaign.templates import parse_template
from smskit.i18n.catalog import LocalizedError
from smskit.store.database import Store
from smskit.store.schema import quick_replies

__all__ = [
    "BUILTIN",
    "QuickReply",
    "builtin",
    "list_quick_replies",
    "render_quick_reply",
    "save_quick_reply",
]


@dataclass(frozen=True, slots=True)
class QuickReply:
    """A saved answer: its name, language and template."""

    name: str
    language: str
    body: str
    builtin: bool = False


# Written, not translated on the fly: each is a whole answer a person would send in that language.
BUILTIN: tuple[QuickReply, ...] = (
    QuickReply(
        "opening_hours",
        "en",
        "Hi {name|there}, we are open {hours|Mon-Sat 09:00-18:00}. See you soon! {brand|}",
        True,
    ),
    QuickReply(
        "opening_hours",
        "id",
        "Halo {name|Kak}, kami buka {hours|Senin-Sabtu 09.00-18.00}. Sampai jumpa! {brand|}",
        True,
    ),
    QuickReply(
        "opt_out_howto",
        "en",
        "{brand|We}: to stop receiving these messages, reply STOP at any time.",
        True,
    ),
    QuickReply(
        "opt_out_howto",
        "id",
        "{brand|Kami}: untuk berhenti menerima pesan ini, balas BERHENTI kapan saja.",
        True,
    ),
    QuickReply("thanks", "en", "Thank you, {name|there}! Glad we could help.", True),
    QuickReply("thanks", "id", "Terima kasih, {name|Kak}! Senang bisa membantu.", True),
    QuickReply(
        "wrong_number",
        "en",
        "Sorry for the trouble: we have removed this number from our list.",
        True,
    ),
    QuickReply(
        "wrong_number",
        "id",
        "Mohon maaf atas gangguannya: nomor ini sudah kami hapus dari daftar kami.",
        True,
    ),
)


def builtin(name: str, language: str = "en") -> QuickReply:
    """A built-in quick reply by name and language; a clear error if there is none.

    >>> builtin("thanks", "id").body[:13]
    'Terima kasih,'
    """
    for reply in BUILTIN:
        if reply.name == name and reply.language == language:
            return reply
    raise LocalizedError("No quick reply {name!r} in {language}", name=name, language=language)


def list_quick_replies(store: Store, language: str | None = None) -> tuple[QuickReply, ...]:
    """The team's quick replies plus the built-in ones they do not replace, by name.

    >>> from smskit.store.database import Store
    >>> [q.name for q in list_quick_replies(Store.open("sqlite://"), "en")]
    ['opening_hours', 'opt_out_howto', 'thanks', 'wrong_number']
    """
    query = sa.select(quick_replies.c.name, quick_replies.c.language, quick_replies.c.body)
    if language is not None:
        query = query.where(quick_replies.c.language == language)
    with store.engine.connect() as connection:
        saved = [QuickReply(r.name, r.language, r.body) for r in connection.execute(query)]
    mine = {(q.name, q.language) for q in saved}
    merged = saved + [
        q
        for q in BUILTIN
        if (q.name, q.language) not in mine and (language is None or q.language == language)
    ]
    return tuple(sorted(merged, key=lambda q: (q.name, q.language)))


def save_quick_reply(store: Store, name: str, language: str, body: str, actor: str) -> QuickReply:
    """Save (or replace) a quick reply; its template is checked first.

    >>> from smskit.store.database import Store
    >>> save_quick_reply(Store.open("sqlite://"), "parking", "en", "Park at {place|the back}",
    ...                  "ana").name
    'parking'
    """
    if not name.strip() or len(name) > 80:
        raise LocalizedError("A quick reply needs a name of 1 to 80 characters")
    parse_template(body)  # a syntax error names its position
    now = datetime.now(UTC)
    statement = (
        store._insert(quick_replies)
        .values(name=name.strip(), language=language, body=body, created_by=actor, created_at=now)
        .on_conflict_do_update(
            index_elements=[quick_replies.c.name, quick_replies.c.language],
            set_={"body": body, "created_by": actor, "created_at": now},
        )
    )
    with store.engine.begin() as connection:
        connection.execute(statement)
    return QuickReply(name.strip(), language, body)


def render_quick_reply(reply: QuickReply, values: Mapping[str, str]) -> str:
    """The quick reply's text for one contact; a placeholder without value or fallback is named.

    >>> render_quick_reply(builtin("thanks"), {"name": "Budi"})
    'Thank you, Budi! Glad we could help.'
    """
    rendering = parse_template(reply.body).render({k: v for k, v in values.items() if v})
    if rendering.text is None:
        reason = rendering.reason()
        assert reason is not None  # no text means a finding
        raise LocalizedError(reason.template, **reason.params)
    return rendering.text.strip()
