"""A team's rules, enforced where a person's kernel cannot reach: PostgreSQL and the worker.

Each person connects as their own login (what the Hub's spawn hook gives their server,
:func:`smskit.store.team_guard.provision_staff_login`). The tests call smskit's own API with
*forged* roles (a kernel can set any environment variable it likes) and check that the database
refuses, that the actor recorded is the login's (never the one the caller claims), and that the
worker holds a campaign that lacks an approval or an operator, then sends it once approved.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import progress, save_plan
from smskit.providers.twilio import TwilioProvider
from smskit.sending import control
from smskit.sending.worker import Worker
from smskit.simulator import start
from smskit.store.database import Store
from smskit.store.team_guard import drop_team_roles, install_team_roles, provision_staff_login
from smskit.team import Actor, PermissionDenied, Role, current_actor, current_actor_name
from smskit.team.approvals import ApprovalPolicy, approval_summary, approve, send_refusal

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SENDER = "+15005550006"
POLICY = ApprovalPolicy(min_recipients=5, min_cost=Decimal("100"), enabled=True)
EVERYTHING = frozenset(Role)  # what a hostile kernel claims to be
ROLES = {"ana": {Role.ANALYST}, "olu": {Role.OPERATOR}, "ida": {Role.APPROVER}, "vic": set()}


def _plan(n: int, name: str = "Big sale") -> object:
    camp = Campaign(
        name, "Hi {name}, 20% off today", Sender("long_code", SENDER), purpose="transactional"
    )
    people = [Recipient.of(f"c{i}", f"+1415201{i:04d}", i, name=f"F{i}") for i in range(n)]
    return plan(camp, people, now=datetime.now(UTC))


def _as(name: str) -> Actor:
    """A caller claiming every role: only the server side can stop them."""
    return Actor(name, EVERYTHING, True)


def _roles_of(name: str) -> frozenset[Role] | None:
    from smskit.team.roles import expand

    return expand(ROLES[name]) if name in ROLES else None


# --- without PostgreSQL: the actor, the threshold and the worker's own check -----------------


def test_current_actor_is_the_hub_user_else_the_os_user() -> None:
    assert current_actor_name({"JUPYTERHUB_USER": "ana"}) == "ana"
    single = current_actor({})
    assert not single.team and single.roles == EVERYTHING  # make run: one person, everything
    viewer = current_actor({"JUPYTERHUB_USER": "vic", "SMSKIT_TEAM_ROLES": "viewer"})
    assert viewer.team and viewer.roles == {Role.VIEWER}
    with pytest.raises(PermissionDenied, match="vic may not send: that needs the operator"):
        control.confirm(Store.open("sqlite://"), "cmp_x", actor=viewer)


def test_worker_holds_an_unapproved_campaign_then_sends_it_once_approved(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    cid = save_plan(store, _plan(6), actor="ana")
    # A kernel writes "queued" straight into SQLite, claiming to be an operator who never
    # confirmed: the worker asks the directory (the Hub), not the row, and holds it.
    store.transition_campaign(cid, "queued", only_from=("planned",), by=("sent", "vic"))
    with start(step_delay=0, rate_limits=False) as sim:
        provider = TwilioProvider.for_url(sim.url, sim.account_sid, sim.auth_token)
        worker = Worker(store, provider, rate=None, policy=POLICY, roles_of=_roles_of)
        assert worker.run_once().started == ()
        assert store.get_campaign(cid).status == "held"
        # An operator's confirm is refused by smskit too until an approver approves ...
        with pytest.raises(PermissionDenied, match="needs an approver's approval"):
            control.confirm(store, cid, actor=_as("olu"), policy=POLICY)
        with pytest.raises(PermissionDenied, match="another person must approve"):
            approve(store, cid, _as("ana"), POLICY)  # four eyes: not the planner
        summary = approve(store, cid, Actor("ida", frozenset({Role.APPROVER}), True), POLICY)
        assert (summary.messages, summary.approved_by, summary.created_by) == (6, "ida", "ana")
        assert summary.samples[0] == ("+14152010000", "Hi F0, 20% off today")
        with pytest.raises(PermissionDenied, match="ida approved campaign 'Big sale'"):
            control.confirm(store, cid, actor=_as("ida"), policy=POLICY)
        assert control.confirm(store, cid, actor=_as("olu"), policy=POLICY)
        assert send_refusal(store, cid, _roles_of, POLICY) is None
        assert worker.run_once().started == (cid,)
        deadline = time.monotonic() + 60
        while progress(store, cid).handled < 6:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        worker.stop()
    record = store.get_campaign(cid)
    assert (record.created_by, record.approved_by, record.sent_by) == ("ana", "ida", "olu")


# --- PostgreSQL: each person's own login ---------------------------------------------------


@pytest.fixture
def team_db() -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh schema with smskit's tables, the team's roles, and a login per person."""
    pg = os.environ.get("SMSKIT_TEST_POSTGRES_URL")
    if not pg:
        message = "SMSKIT_TEST_POSTGRES_URL is not set: the team's database rules need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from .conftest import fresh_schema_url

    prefix = f"t{uuid.uuid4().hex[:8]}"  # roles are cluster-wide: one set per test
    with fresh_schema_url(pg) as url:
        owner = Store.open(url)
        install_team_roles(owner.engine, prefix)
        logins = {
            name: provision_staff_login(owner.engine, prefix, name, [r.value for r in roles])
            for name, roles in ROLES.items()
        }
        try:
            yield url, logins
        finally:
            owner.close()
            drop_team_roles(sa.create_engine(url), prefix)


@pytest.mark.postgres
def test_the_database_refuses_what_a_role_may_not_do_whatever_the_kernel_claims(
    team_db: tuple[str, dict[str, str]],
) -> None:
    url, logins = team_db
    stores = {name: Store.open(login) for name, login in logins.items()}
    owner = Store.open(url)
    refused = (sa.exc.ProgrammingError, sa.exc.InternalError, sa.exc.DBAPIError)

    # The analyst plans, claiming to be someone else: the database records the login.
    cid = save_plan(stores["ana"], _plan(6), actor="olu")
    assert owner.get_campaign(cid).created_by == "ana"

    # A viewer calls smskit's API from their kernel with every role claimed: refused.
    with pytest.raises(refused, match="permission denied for table campaigns"):
        control.confirm(stores["vic"], cid, actor=_as("vic"))
    with pytest.raises(refused, match="permission denied"), stores["vic"].engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO consent_events (phone_e164, scope, kind, action, "
                "source, evidence, actor, occurred_at, recorded_at) VALUES "
                "('+14155550100', 'm', 'x', 'opt_out', 'manual', 'e', 'x', now(), "
                "now())"
            )
        )
    # An analyst records consent read from an imported file (a preflight does), nothing else.
    insert = (
        "INSERT INTO consent_events (phone_e164, scope, kind, action, source, evidence, actor, "
        "occurred_at, recorded_at) VALUES ('+14155550100', 'm', 'x', :action, :source, 'e', "
        "'someone else', now(), now())"
    )
    analyst = stores["ana"].engine
    with analyst.begin() as c:
        c.execute(sa.text(insert), {"action": "opt_in", "source": "import"})
    with pytest.raises(refused, match="ana may not change consent"), analyst.begin() as c:
        c.execute(sa.text(insert), {"action": "opt_out", "source": "manual"})
    with stores["olu"].engine.begin() as c:
        c.execute(sa.text(insert), {"action": "opt_out", "source": "manual"})
    with owner.engine.connect() as c:
        actors = c.execute(sa.text("SELECT actor FROM consent_events ORDER BY id")).scalars().all()
    assert actors == ["ana", "olu"]  # stamped from the login, not what the caller wrote

    # The analyst cannot send either, nor approve, nor write an approver's name.
    with pytest.raises(refused, match="ana may not send"):
        control.confirm(stores["ana"], cid, actor=_as("ana"))
    with pytest.raises(refused, match="ana may not approve"):
        approve(stores["ana"], cid, _as("ida"))
    with pytest.raises(refused, match="olu may not approve"), stores["olu"].engine.begin() as c:
        c.execute(sa.text("UPDATE campaigns SET approved_by = 'ida' WHERE id = :id"), {"id": cid})
    assert owner.get_campaign(cid).status == "planned"

    # The approver approves (recorded as the login); then messages can no longer be added.
    approve(stores["ida"], cid, _as("ida"), POLICY)
    assert owner.get_campaign(cid).approved_by == "ida"
    with pytest.raises(refused, match="once approved or sent"), analyst.begin() as c:
        c.execute(sa.text("DELETE FROM messages WHERE campaign_id = :id"), {"id": cid})
    with pytest.raises(refused, match="ida may not send"), stores["ida"].engine.begin() as c:
        c.execute(sa.text("UPDATE campaigns SET status = 'queued' WHERE id = :id"), {"id": cid})

    # The operator sends, writing someone else's name: the database records the login.
    with stores["olu"].engine.begin() as c:
        c.execute(
            sa.text("UPDATE campaigns SET status = 'queued', sent_by = 'olu' WHERE id = :id"),
            {"id": cid},
        )
    record = owner.get_campaign(cid)
    assert (record.status, record.created_by, record.approved_by, record.sent_by) == (
        "queued",
        "ana",
        "ida",
        "olu",
    )
    assert send_refusal(owner, cid, _roles_of, POLICY) is None
    assert approval_summary(owner, cid, POLICY).messages == 6
    for store in stores.values():
        store.close()


@pytest.mark.postgres
def test_a_viewer_kernel_process_is_refused_by_the_server(
    team_db: tuple[str, dict[str, str]],
) -> None:
    """What a viewer types in their own kernel, run as a separate process with their login."""
    url, logins = team_db
    cid = save_plan(Store.open(logins["ana"]), _plan(6))
    code = (
        "import sys\n"
        "from smskit.store.database import Store\n"
        "from smskit.sending import control\n"
        "store = Store.open(sys.argv[1])\n"
        "try:\n"
        "    control.confirm(store, sys.argv[2])\n"
        "except Exception as error:\n"
        "    print('REFUSED', type(error).__name__, str(error).splitlines()[0])\n"
        "else:\n"
        "    print('SENT')\n"
    )
    env = {**os.environ, "JUPYTERHUB_USER": "vic", "SMSKIT_TEAM_ROLES": "operator approver"}
    out = subprocess.run(
        [sys.executable, "-c", code, logins["vic"], cid],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.startswith("REFUSED") and "permission denied for table campaigns" in out, out
    assert logins["vic"].split("@")[0].split(":")[-1] not in out  # no password in the error
    assert Store.open(url).get_campaign(cid).status == "planned"


def test_a_hub_that_does_not_answer_makes_the_worker_wait_not_hold(tmp_path: Path) -> None:
    from smskit.team.directory import HubDirectory, roles_lookup_from_env

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    hub = HubDirectory(f"http://127.0.0.1:{closed}/hub/api", "secret-token", timeout=1)
    assert "secret-token" not in repr(hub)
    env = {"SMSKIT_TEAM": "1", "JUPYTERHUB_API_URL": hub.api_url, "JUPYTERHUB_API_TOKEN": "t"}
    assert isinstance(roles_lookup_from_env(env), HubDirectory)
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    cid = save_plan(store, _plan(2, "Small"), actor="ana")
    store.transition_campaign(cid, "queued", only_from=("planned",), by=("sent", "olu"))
    worker = Worker(store, None, policy=POLICY, roles_of=hub)
    assert worker.run_once().started == ()
    assert store.get_campaign(cid).status == "queued"  # waits for the Hub, not held
