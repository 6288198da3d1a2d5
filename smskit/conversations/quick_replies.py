"""Quick replies: saved answers with placeholders, in English and Bahasa Indonesia.

Placeholders use the campaign template syntax (:mod:`smskit.campaign.templates`): ``{name|there}``
takes the contact's saved field, with a fallback; ``{brand}``, ``{hours}`` and ``{phone}`` come
from the team's settings. A few answers come built in (opening hours, how to opt out, thanks,
wrong number); a team saves its own, which replace a built-in one of the same name. Staff save
answers from the Inbox and delete the ones they saved; a teammate's answer is theirs to change.
A placeholder outside :data:`PLACEHOLDERS` is refused when saving, by name: it would never be
filled in, and with no fallback the answer could not be sent at all.

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
    "LANGUAGES",
    "PLACEHOLDERS",
    "QuickReply",
    "builtin",
    "delete_quick_reply",
    "list_quick_replies",
    "render_quick_reply",
    "save_quick_reply",
]


@dataclass(frozen=True, slots=True)
class QuickReply:
    """A saved answer: its name, language and template, and who saved it (None: built in)."""

    name: str
    language: str
    body: str
    builtin: bool = False
    created_by: str | None = None


#: The languages quick replies are written in (the dashboards' languages).
LANGUAGES = ("en", "id")
#: What a quick reply's ``{placeholders}`` may name: the contact's name and number, and the
#: team's brand and opening hours (:meth:`smskit.conversations.Inbox.quick_reply_text`).
PLACEHOLDERS = ("name", "phone", "brand", "hours")
# A reply's own limit (Twilio error 21617; smskit.conversations.checks.MAX_REPLY_CHARS).
_MAX_CHARS = 1600


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
    q = quick_replies.c
    query = sa.select(q.name, q.language, q.body, q.created_by)
    if language is not None:
        query = query.where(q.language == language)
    with store.engine.connect() as connection:
        saved = [
            QuickReply(r.name, r.language, r.body, False, r.created_by)
            for r in connection.execute(query)
        ]
    mine = {(q.name, q.language) for q in saved}
    merged = saved + [
        q
        for q in BUILTIN
        if (q.name, q.language) not in mine and (language is None or q.language == language)
    ]
    return tuple(sorted(merged, key=lambda q: (q.name, q.language)))


def _checked(name: str, language: str, body: str) -> str:
    """The name, stripped, once the name, language and template are fine; else a plain error."""
    name = name.strip()
    if not name or len(name) > 80:
        raise LocalizedError("A quick reply needs a name of 1 to 80 characters.")
    if language not in LANGUAGES:
        raise LocalizedError(
            "A quick reply is in English (en) or Indonesian (id), not {language!r}.",
            language=language,
        )
    if not body.strip():
        raise LocalizedError("Type the answer first, then save it as a quick reply.")
    if len(body) > _MAX_CHARS:
        raise LocalizedError(
            "A quick reply holds at most {max} characters; this one has {n}.",
            max=_MAX_CHARS,
            n=len(body),
        )
    template = parse_template(body)  # a syntax error names its position
    unknown = [f for f in template.fields if f not in PLACEHOLDERS]
    if unknown:
        raise LocalizedError(
            "{{{field}}} is not a placeholder a quick reply can fill in; use {known}.",
            field=unknown[0],
            known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
        )
    return name


def save_quick_reply(store: Store, name: str, language: str, body: str, actor: str) -> QuickReply:
    """Save (or replace your own) quick reply; its name, language and template are checked first.

    A name a teammate saved in that language stays theirs: choose another name.

    >>> from smskit.store.database import Store
    >>> store = Store.open("sqlite://")
    >>> save_quick_reply(store, "parking", "en", "Park at the back, {name|friend}", "ana").name
    'parking'
    >>> save_quick_reply(store, "parking", "en", "Park in front", "budi")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: ana saved the quick reply 'parking' (en); choose another name.
    >>> save_quick_reply(store, "gift", "en", "Your {voucher}", "ana")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: {voucher} is not a placeholder a quick reply can fill in; use \
{name}, {phone}, {brand}, {hours}.
    """
    name = _checked(name, language, body)
    q = quick_replies.c
    now = datetime.now(UTC)
    statement = (
        store._insert(quick_replies)
        .values(name=name, language=language, body=body, created_by=actor, created_at=now)
        .on_conflict_do_update(
            index_elements=[q.name, q.language],
            set_={"body": body, "created_by": actor, "created_at": now},
        )
    )
    with store.engine.begin() as connection:
        owner = connection.execute(
            sa.select(q.created_by).where(q.name == name, q.language == language)
        ).scalar()
        if owner is not None and owner != actor:
            raise LocalizedError(
                "{owner} saved the quick reply {name!r} ({language}); choose another name.",
                owner=owner,
                name=name,
                language=language,
            )
        connection.execute(statement)
    return QuickReply(name, language, body, False, actor)


def delete_quick_reply(store: Store, name: str, language: str, actor: str) -> bool:
    """Delete a quick reply you saved; True if it was deleted. Built-in ones stay; a teammate's
    is theirs to delete.

    >>> from smskit.store.database import Store
    >>> store = Store.open("sqlite://")
    >>> _ = save_quick_reply(store, "parking", "en", "Park at the back", "ana")
    >>> delete_quick_reply(store, "parking", "en", "budi")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: ana saved the quick reply 'parking'; only they can delete it.
    >>> [delete_quick_reply(store, "parking", "en", "ana") for _ in range(2)]
    [True, False]
    """
    q = quick_replies.c
    with store.engine.begin() as connection:
        owner = connection.execute(
            sa.select(q.created_by).where(q.name == name, q.language == language)
        ).scalar()
        if owner is None:
            if any(b.name == name and b.language == language for b in BUILTIN):
                raise LocalizedError("A built-in quick reply cannot be deleted.")
            return False
        if owner != actor:
            raise LocalizedError(
                "{owner} saved the quick reply {name!r}; only they can delete it.",
                owner=owner,
                name=name,
            )
        result = connection.execute(
            quick_replies.delete().where(
                q.name == name, q.language == language, q.created_by == actor
            )
        )
    return bool(result.rowcount)


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
