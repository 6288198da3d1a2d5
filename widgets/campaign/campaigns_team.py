"""The team's part of the Campaigns view: who did each step, and what an approver approves.

Pure result -> HTML functions (no widgets), and :func:`apply_team_action`, which turns a click into
one smskit call: send (confirm) a draft or a held campaign, or approve one. The decisions are
smskit's (:mod:`smskit.team`), and in a team the database's (each person's own login): this page
only shows what they said.
"""

from __future__ import annotations

from smskit_widgets.campaign.render import _money, e
from smskit_widgets.common.i18n import Translator

from smskit.campaign.overview import CampaignLine
from smskit.i18n.catalog import N_
from smskit.sending import control
from smskit.store.database import Store
from smskit.team import ApprovalSummary, PermissionDenied, current_actor
from smskit.team.approvals import approve
from smskit.team.roles import refusal_reason

t = Translator("campaign_team")

#: Statuses in which the Campaigns view offers Send (confirm; a held one has Send the rest) and
#: Approve.
SENDABLE = ("draft",)
APPROVABLE_SHOWN = ("draft", "held", "paused", "failed")


def button_labels() -> tuple[str, str]:
    """The Send and Approve buttons' labels, in the current language."""
    return t("Send"), t("Approve")


def who_header() -> str:
    """The header of the table's who-did-what column."""
    return t("Who")


def held_label() -> str:
    """The ``held`` status in plain words: the worker refused to send it."""
    return t("held: not sent (approval or role missing)")


def who_text(line: CampaignLine | ApprovalSummary) -> str:
    """ "planned by ana · approved by ida · sent by olu": each recorded step, in order."""
    parts = []
    if line.created_by:
        parts.append(t("planned by {who}", who=line.created_by))
    if line.approved_by:
        parts.append(t("approved by {who}", who=line.approved_by))
    if line.sent_by:
        parts.append(t("sent by {who}", who=line.sent_by))
    if line.canceled_by:
        parts.append(t("canceled by {who}", who=line.canceled_by))
    return " · ".join(parts)


def who_html(line: CampaignLine) -> str:
    """The who-did-what line under a campaign's head (empty when nothing was recorded)."""
    text = who_text(line)
    return f"<div class='smskit-campaigns-who'>{e(text)}</div>" if text else ""


def approval_html(summary: ApprovalSummary) -> str:
    """What an approver sees before approving: counts, cost, sample messages, and who planned it;
    or who approved it."""
    if not summary.needed and summary.approved_by is None:
        return ""
    cost = _money(summary.cost, summary.currency or "USD")
    if summary.approved_by:
        head = t("Approved by {who}.", who=summary.approved_by)
    else:
        head = t(
            "Needs an approver's approval before it is sent (four eyes): the size or cost is at or "
            "above the team's threshold."
        )
    facts = t(
        "{n} messages ({segments} segments), cost {cost}; {blocked} recipients left out by the "
        "preflight.",
        n=f"{summary.messages:,}",
        segments=f"{summary.segments:,}",
        cost=cost,
        blocked=f"{summary.blocked:,}",
    )
    samples = "".join(
        f"<tr><td style='padding:2px 8px'>{e(to)}</td>"
        f"<td style='padding:2px 8px;white-space:pre-wrap'>{e(text)}</td></tr>"
        for to, text in summary.samples
    )
    table = (
        f"<div>{e(t('Sample messages, exactly as they will go out:'))}</div>"
        f"<table class='smskit-approval-samples' style='font-size:13px'>{samples}</table>"
        if samples
        else ""
    )
    state = "approved" if summary.approved_by else "needed"
    return (
        f"<div class='smskit-approval' data-approval='{state}' style='border-left:4px solid "
        f"#8a5a00;padding:4px 8px;margin:6px 0'><b>{e(head)}</b>"
        f"<div class='smskit-approval-facts'>{e(facts)}</div>{table}</div>"
    )


def apply_team_action(store: Store, action: str, campaign_id: str) -> str:
    """Send (confirm) or approve one campaign as the current person; what to tell them.

    A refusal (their role, a missing approval, or the database's own rule) is raised as
    :class:`~smskit.team.PermissionDenied` in plain words.
    """
    actor = current_actor()
    if action == "approve":
        approve(store, campaign_id, actor)
        return t("Approved. An operator may now send it.")
    if action == "confirm":
        if not control.confirm(store, campaign_id, actor):
            raise ValueError(t("That does not apply to this campaign now."))
        return t("Queued: the sending worker sends it.")
    raise ValueError(action)


def refused(error: BaseException) -> PermissionDenied | None:
    """The database's refusal of a change (a grant or a guard), as a plain message; else None."""
    reason = refusal_reason(error)
    if reason is None:
        return None
    return PermissionDenied(N_("The server refused: {reason}"), reason=reason)
