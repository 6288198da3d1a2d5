"""The Campaigns view in a team: who did each step, and Approve/Send as three different people.

Headless: the view's buttons are clicked in-process, each time as another JupyterHub user (the
environment a Hub gives their server). On SQLite the view and smskit decide; on PostgreSQL the
database would too (tests/test_team.py, tests/browser/test_team_hub.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from smskit_widgets.campaign.campaigns import CampaignsView
from smskit_widgets.common.status import StatusLine

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.store.database import Store


def _as(monkeypatch: pytest.MonkeyPatch, user: str, roles: str) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    monkeypatch.setenv("SMSKIT_TEAM_ROLES", roles)


def test_approve_then_send_as_three_people(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSKIT_TEAM", "1")
    monkeypatch.setenv("SMSKIT_APPROVAL_MIN_RECIPIENTS", "3")
    store = Store.open("sqlite://")
    camp = Campaign(
        "Promo", "Hi {name}!", Sender("long_code", "+15005550006"), purpose="transactional"
    )
    people = [Recipient.of(f"r{i}", f"+1415204{i:04d}", i, name=f"N{i}") for i in range(4)]
    _as(monkeypatch, "ana", "analyst")
    cid = save_plan(store, plan(camp, people, now=datetime.now(UTC)))

    view = CampaignsView(store, StatusLine())
    view.reload()
    assert view.selected == cid
    assert "planned by ana" in view.table.value
    assert 'data-approval="needed"' in view.approval.value.replace("'", '"')
    assert "4 messages" in view.approval.value and "Hi N0!" in view.approval.value
    assert view.approve_button.layout.display == "none"  # not offered to the analyst ...
    assert view.send_button.layout.display == "none"
    _as(monkeypatch, "ida", "approver")
    view.reload()
    assert view.approve_button.layout.display is None  # ... but to the approver
    assert view.send_button.layout.display == "none"

    _as(monkeypatch, "olu", "operator")
    view.send_button.click()
    assert "needs an approver" in view.status.value
    assert store.get_campaign(cid).status == "planned"

    _as(monkeypatch, "vic", "viewer")
    view.approve_button.click()
    assert "vic may not approve" in view.status.value

    _as(monkeypatch, "ida", "approver")
    view.approve_button.click()
    assert store.get_campaign(cid).approved_by == "ida"
    assert view.approve_button.layout.display == "none"

    _as(monkeypatch, "olu", "operator")
    view.send_button.click()
    record = store.get_campaign(cid)
    assert (record.status, record.created_by, record.approved_by, record.sent_by) == (
        "queued",
        "ana",
        "ida",
        "olu",
    )
    assert "planned by ana · approved by ida · sent by olu" in view.table.value
    assert "planned by ana · approved by ida · sent by olu" in view.head.value
