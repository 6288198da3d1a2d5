"""Pure result -> HTML functions for the Provider Setup dashboard (unit-tested without widgets).

Every element carries a stable ``smskit-provider-*`` class for the browser test.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from smskit_widgets.common.formats import money
from smskit_widgets.common.i18n import Translator, render_text
from smskit_widgets.provider_setup import vonage_texts as V

from smskit.providers import AvailableNumber, MessageRecord, NumberPrice, OwnedNumber
from smskit.providers.credentials import ConnectionVerdict

t = Translator("provider_setup")

_STATUS_COLOURS = {
    "delivered": "#1e7b34",
    "read": "#1e7b34",
    "undelivered": "#a4262c",
    "failed": "#a4262c",
    "canceled": "#a4262c",
}


def verdict_html(verdict: ConnectionVerdict) -> str:
    """The connection test's verdict in plain words, green when requests can be made."""
    kind = "ok" if verdict.ok else "error"
    colour = "#1e7b34" if verdict.ok else "#a4262c"
    account = ""
    if verdict.account is not None:
        account = (
            f'<div class="smskit-provider-account">{html.escape(t("Account"))}: '
            f"{html.escape(verdict.account.friendly_name)} "
            f"({html.escape(_account_kind(verdict.account.kind))})"
            "</div>"
        )
        if verdict.account.balance is not None:  # Vonage's connection test reads the balance
            left = money(verdict.account.balance, verdict.account.currency or "EUR")
            account += (
                f'<div class="smskit-provider-balance">{html.escape(V.balance_label())}: '
                f"{html.escape(left)}</div>"
            )
    return (
        f'<div class="smskit-provider-verdict smskit-provider-verdict-{verdict.kind} '
        f'smskit-provider-verdict-{kind}" style="color:{colour}">'
        f"{html.escape(render_text(verdict.message))}{account}</div>"
    )


def saved_note(where: str) -> str:
    """Where working credentials were saved, and what that changes (one saved account)."""
    place = t("in the system keyring") if where == "keyring" else t("in a private file (0600)")
    return t(
        "Saved {place}. Campaigns now go through this account; any other saved account was "
        "forgotten.",
        place=place,
    )


def numbers_html(numbers: Sequence[OwnedNumber]) -> str:
    """The account's numbers as a table (or a short note when there are none)."""
    if not numbers:
        note = t("No numbers yet: search for one below and buy it.")
        return (
            f'<div class="smskit-provider-numbers smskit-provider-empty">{html.escape(note)}</div>'
        )
    head = "".join(
        f"<th style='padding:2px 12px 2px 0;text-align:left'>{html.escape(h)}</th>"
        for h in (t("Number"), t("Name"), t("SMS"), t("MMS"))
    )
    rows = "".join(
        "<tr class='smskit-provider-number' style='line-height:1.8'>"
        f"<td style='padding-right:12px'>{html.escape(n.phone_number)}</td>"
        f"<td style='padding-right:12px'>{html.escape(n.friendly_name)}</td>"
        f"<td>{_yes(n.sms)}</td><td>{_yes(n.mms)}</td></tr>"
        for n in numbers
    )
    return (
        '<table class="smskit-provider-numbers" style="border-collapse:collapse">'
        f"<tr>{head}</tr>{rows}</table>"
    )


def _yes(flag: bool) -> str:
    return html.escape(t("yes") if flag else t("no"))


def _account_kind(kind: str) -> str:
    # Twilio's account types ("Trial", "Full"), in words.
    names = {"trial": t("trial account"), "full": t("paid account")}
    return names.get(kind.strip().lower(), kind)


def number_type_name(kind: str) -> str:
    """A number type in words (never ``toll_free``)."""
    names = {"local": t("Local"), "mobile": t("Mobile"), "toll_free": t("Toll-free")}
    return names.get(kind, kind.replace("_", " "))


def number_label(number: AvailableNumber) -> str:
    """One line for the search results list: number, place and capabilities."""
    place = ", ".join(p for p in (number.locality, number.region, number.iso_country) if p)
    caps = "/".join(c for c, on in (("SMS", number.sms), ("MMS", number.mms)) if on)
    return f"{number.phone_number} · {place} · {caps}"


def search_summary_html(found: Sequence[AvailableNumber]) -> str:
    """How many numbers the search found."""
    if not found:
        text = t("No numbers match: try another area code or type.")
    else:
        text = t.ngettext("{n} number available.", "{n} numbers available.", len(found))
    return f'<div class="smskit-provider-search-summary">{html.escape(text)}</div>'


def confirmation_html(phone_number: str, price: NumberPrice | None, vendor: str = "Twilio") -> str:
    """The explicit purchase confirmation for a real account, with the monthly price."""
    if vendor == "Vonage":
        cost = V.monthly_cost(money(price.monthly_price, price.currency) if price else None)
        question = V.buy_question(phone_number)
    elif price is not None:
        cost = t(
            "It costs {amount} per month ({kind}), billed by Twilio.",
            amount=money(price.monthly_price, price.currency),
            kind=number_type_name(price.number_type),
        )
    else:
        cost = t("Twilio did not report the monthly price: check twilio.com/pricing first.")
    if vendor != "Vonage":
        question = t("Buy {number} on your Twilio account?", number=phone_number)
    return (
        '<div class="smskit-provider-confirm" style="border:1px solid #c19c00;padding:6px">'
        f"<b>{html.escape(question)}</b><div class='smskit-provider-monthly-price'>"
        f"{html.escape(cost)}</div></div>"
    )


def bought_html(number: OwnedNumber) -> str:
    """Confirmation that a number now belongs to the account."""
    text = t("Bought {number}. It is now one of your numbers.", number=number.phone_number)
    return f'<div class="smskit-provider-bought" style="color:#1e7b34">{html.escape(text)}</div>'


def timeline_html(history: Sequence[str], record: MessageRecord | None) -> str:
    """The statuses a test message went through, newest last, with its final error if any."""
    if record is None:
        return '<div class="smskit-provider-timeline"></div>'
    steps = "".join(
        f'<span class="smskit-provider-step smskit-provider-step-{html.escape(s)}" '
        f'style="padding:2px 6px;margin-right:4px;border-radius:3px;background:#eef;'
        f'color:{_STATUS_COLOURS.get(s, "#1f4e79")}">{html.escape(_status_word(s))}</span>'
        for s in history
    )
    segments = int(record.num_segments or 0)
    details = t(
        "{sid}: {segments} to {to}",
        sid=record.sid,
        segments=t.ngettext("{n} segment", "{n} segments", segments),
        to=record.to,
    )
    error = ""
    if record.error_code is not None:
        from smskit.providers import ProviderError

        meaning = render_text(ProviderError(status=400, code=record.error_code).text)
        error = f'<div class="smskit-provider-message-error">{html.escape(meaning)}</div>'
    return (
        f'<div class="smskit-provider-timeline" data-status="{html.escape(record.status)}">'
        f"<div>{steps}</div><div class='smskit-provider-message'>{html.escape(details)}</div>"
        f"{error}{_parts_html(record)}</div>"
    )


def _status_word(status: str) -> str:
    # Vonage's parts give "partially_delivered" (some parts delivered): in words, not the token.
    return V.partially_delivered() if status == "partially_delivered" else t(status)


def _parts_html(record: MessageRecord) -> str:
    """A long Vonage message's parts, each with the status of its own delivery receipt."""
    if len(record.parts) < 2:
        return ""
    items = "".join(
        f'<li class="smskit-provider-part smskit-provider-part-{html.escape(status)}" '
        f'data-part="{number}" style="color:{_STATUS_COLOURS.get(status, "#1f4e79")}">'
        f"{html.escape(V.part_label(number))} ({html.escape(part_id)}): "
        f"{html.escape(_status_word(status))}"
        "</li>"
        for number, (part_id, status) in enumerate(record.parts, start=1)
    )
    return (
        f'<div class="smskit-provider-parts">{html.escape(V.parts_label())}'
        f'<ul style="margin:2px 0">{items}</ul></div>'
    )


def trial_note_html() -> str:
    """The reminder a trial account needs before its first send."""
    text = t(
        "Trial account: you can only send to numbers verified in the Twilio Console, and every "
        'message starts with "Sent from your Twilio trial account".'
    )
    return (
        '<div class="smskit-provider-trial-note" style="background:#fff4ce;padding:6px">'
        f"{html.escape(text)}</div>"
    )
