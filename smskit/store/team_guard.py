"""PostgreSQL roles for a team: each person's kernel connects as their own login role, and the
database itself refuses what their role may not do.

Why the database: on JupyterHub each person's dashboards run in their own single-user server, a
Python process that also runs any code they type. A check in smskit's Python code there can be
skipped by calling the store directly, so the refusal must come from something the kernel cannot
change. PostgreSQL's ``session_user`` is fixed by the login (``SET ROLE`` cannot change it), so:

- ``{prefix}_viewer``, ``_analyst``, ``_operator``, ``_approver``: group roles with table grants
  (viewer and approver read; analyst writes contacts and plans, and the consent read from an
  imported file; operator also any consent change by hand), plus ``{prefix}_staff``, which
  every person's login belongs to;
- ``{prefix}_u_<name>``: one login per JupyterHub user, created (or its password replaced) by the
  Hub's spawn hook and handed only to that user's server (:func:`provision_staff_login`);
- triggers on ``campaigns``, ``messages`` and ``consent_events`` (:data:`_GUARD`) that, for a staff
  login only, stamp the true actor (``created_by``, ``sent_by``, ``canceled_by``, consent
  ``actor``) and refuse: a status change the role may not make (``queued`` needs operator), an
  approval by a non-approver or by the one who planned or sent it, and messages added or removed
  once a campaign was approved or handed to the workers.

The worker, the webhook app and the Hub connect as the owner role, to which no trigger applies.
Refusals raise SQLSTATE 42501 (insufficient_privilege) with a sentence naming the rule.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

import sqlalchemy as sa

__all__ = ["drop_team_roles", "install_team_roles", "login_role", "provision_staff_login"]

GROUPS = ("viewer", "analyst", "operator", "approver")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_READ = (
    "contacts",
    "consent_events",
    "campaigns",
    "messages",
    "inbound_messages",
    "campaign_recipients",
    "message_events",
    "workers",
    "alembic_version",
)
_ANALYST_WRITE = ("contacts", "campaigns", "messages", "campaign_recipients", "message_events")

# The guard functions. {p} is the role prefix; plpgsql, SECURITY INVOKER (session_user is the
# login either way). Only the logins named {p}_u_* are staff (a superuser "is a member" of
# every role to pg_has_role, so membership alone cannot tell the owner apart); services pass.
_GUARD = """
CREATE OR REPLACE FUNCTION {p}_actor() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN left(session_user::text, length('{p}_u_')) = '{p}_u_'
              THEN substr(session_user::text, length('{p}_u_') + 1) END
$$;
CREATE OR REPLACE FUNCTION {p}_may(r text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, '{p}_' || r, 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION {p}_guard_campaigns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE actor text := {p}_actor();
BEGIN
  IF actor IS NULL THEN RETURN COALESCE(NEW, OLD); END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'planned' OR OLD.approved_by IS NOT NULL OR NOT {p}_may('analyst') THEN
      RAISE EXCEPTION 'smskit: % may not delete campaign % (%)', actor, OLD.id, OLD.status
        USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status NOT IN ('draft', 'planning', 'planned') THEN
      RAISE EXCEPTION 'smskit: % may only create a draft campaign', actor USING ERRCODE = '42501';
    END IF;
    NEW.created_by := actor; NEW.approved_by := NULL; NEW.approved_at := NULL;
    NEW.sent_by := NULL; NEW.sent_at := NULL; NEW.canceled_by := NULL; NEW.canceled_at := NULL;
    RETURN NEW;
  END IF;
  IF NEW.created_by IS DISTINCT FROM OLD.created_by THEN
    RAISE EXCEPTION 'smskit: who planned a campaign never changes' USING ERRCODE = '42501';
  END IF;
  IF NEW.approved_by IS DISTINCT FROM OLD.approved_by THEN
    IF NOT {p}_may('approver') THEN
      RAISE EXCEPTION 'smskit: % may not approve: that needs the approver role', actor
        USING ERRCODE = '42501';
    END IF;
    IF OLD.approved_by IS NOT NULL OR NEW.approved_by IS DISTINCT FROM actor
       OR actor = OLD.created_by OR actor = OLD.sent_by THEN
      RAISE EXCEPTION 'smskit: % may not approve campaign % (four eyes: not one''s own)',
        actor, OLD.id USING ERRCODE = '42501';
    END IF;
  END IF;
  IF NEW.spec IS DISTINCT FROM OLD.spec OR NEW.name IS DISTINCT FROM OLD.name THEN
    IF OLD.status NOT IN ('draft', 'planning', 'planned') OR OLD.approved_by IS NOT NULL
       OR NOT {p}_may('analyst') THEN
      RAISE EXCEPTION 'smskit: % may not change campaign %', actor, OLD.id USING ERRCODE = '42501';
    END IF;
  END IF;
  IF NEW.sent_by IS DISTINCT FROM OLD.sent_by AND NEW.sent_by IS DISTINCT FROM actor THEN
    RAISE EXCEPTION 'smskit: % may only record themselves as the sender', actor
      USING ERRCODE = '42501';
  END IF;
  IF NEW.canceled_by IS DISTINCT FROM OLD.canceled_by
     AND NEW.canceled_by IS DISTINCT FROM actor THEN
    RAISE EXCEPTION 'smskit: % may only record themselves as canceling', actor
      USING ERRCODE = '42501';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NEW.status = 'queued' THEN
      IF NOT {p}_may('operator') THEN
        RAISE EXCEPTION 'smskit: % may not send: that needs the operator role', actor
          USING ERRCODE = '42501';
      END IF;
      IF NEW.approved_by = actor THEN
        RAISE EXCEPTION 'smskit: % approved campaign % and may not also send it', actor, OLD.id
          USING ERRCODE = '42501';
      END IF;
      NEW.sent_by := actor; NEW.sent_at := now();
    ELSIF NEW.status IN ('paused', 'canceled') THEN
      IF NOT {p}_may('operator') THEN
        RAISE EXCEPTION 'smskit: % may not % a campaign: that needs the operator role',
          actor, NEW.status USING ERRCODE = '42501';
      END IF;
      IF NEW.status = 'canceled' THEN NEW.canceled_by := actor; NEW.canceled_at := now(); END IF;
    ELSIF NEW.status IN ('planning', 'planned')
          AND OLD.status IN ('draft', 'planning', 'planned') THEN
      IF NOT {p}_may('analyst') THEN
        RAISE EXCEPTION 'smskit: % may not plan: that needs the analyst role', actor
          USING ERRCODE = '42501';
      END IF;
    ELSE
      RAISE EXCEPTION 'smskit: % may not set a campaign to %', actor, NEW.status
        USING ERRCODE = '42501';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION {p}_guard_messages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE actor text := {p}_actor(); cid text; st text; ok boolean;
BEGIN
  IF actor IS NULL THEN RETURN COALESCE(NEW, OLD); END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW.body IS DISTINCT FROM OLD.body OR NEW.to_number IS DISTINCT FROM OLD.to_number
       OR NEW.from_number IS DISTINCT FROM OLD.from_number
       OR NEW.campaign_id IS DISTINCT FROM OLD.campaign_id THEN
      RAISE EXCEPTION 'smskit: % may not change what a message says or whom it goes to', actor
        USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
  END IF;
  cid := CASE WHEN TG_OP = 'INSERT' THEN NEW.campaign_id ELSE OLD.campaign_id END;
  SELECT status IN ('draft', 'planning', 'planned') AND approved_by IS NULL INTO ok
    FROM campaigns WHERE id = cid;
  IF NOT COALESCE(ok, false) THEN
    RAISE EXCEPTION 'smskit: % may not add or remove messages of campaign % once approved or sent',
      actor, cid USING ERRCODE = '42501';
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE OR REPLACE FUNCTION {p}_guard_consent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE actor text := {p}_actor();
BEGIN
  IF actor IS NULL THEN RETURN NEW; END IF;
  -- Consent read from an imported contact file is the analyst's (a preflight records it);
  -- any other change by a person is an operator's.
  IF NOT ({p}_may('operator') OR (NEW.source = 'import' AND {p}_may('analyst'))) THEN
    RAISE EXCEPTION 'smskit: % may not change consent: that needs the operator role', actor
      USING ERRCODE = '42501';
  END IF;
  NEW.actor := actor;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS {p}_guard ON campaigns;
CREATE TRIGGER {p}_guard BEFORE INSERT OR UPDATE OR DELETE ON campaigns
  FOR EACH ROW EXECUTE FUNCTION {p}_guard_campaigns();
DROP TRIGGER IF EXISTS {p}_guard ON messages;
CREATE TRIGGER {p}_guard BEFORE INSERT OR UPDATE OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION {p}_guard_messages();
DROP TRIGGER IF EXISTS {p}_guard ON consent_events;
CREATE TRIGGER {p}_guard BEFORE INSERT ON consent_events
  FOR EACH ROW EXECUTE FUNCTION {p}_guard_consent();
"""


def _check_prefix(prefix: str) -> str:
    if not _NAME.match(prefix):
        raise ValueError(f"role prefix {prefix!r}: lowercase letters, digits and _ only")
    return prefix


def login_role(prefix: str, username: str) -> str:
    """The PostgreSQL login of a JupyterHub user: ``{prefix}_u_<name>``.

    JupyterHub user names are lowercase; a name that PostgreSQL cannot hold (longer than the
    identifier limit of 63 bytes, or with a quote or NUL) is refused rather than mangled, since
    two people must never share a login.

    >>> login_role("smskit", "ana")
    'smskit_u_ana'
    >>> login_role("smskit", 'x"y')
    Traceback (most recent call last):
    ...
    ValueError: user name 'x"y' cannot be a database login (quote, NUL or longer than 63 bytes)
    """
    name = f"{_check_prefix(prefix)}_u_{username}"
    if not username or '"' in username or "\0" in username or len(name.encode()) > 63:
        raise ValueError(
            f"user name {username!r} cannot be a database login "
            "(quote, NUL or longer than 63 bytes)"
        )
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def install_team_roles(engine: sa.Engine, prefix: str = "smskit") -> None:
    """Create the group roles, grants and guard triggers (idempotent; PostgreSQL only).

    Run by the Hub at start, as the owner, after the schema is migrated.
    """
    p = _check_prefix(prefix)
    with engine.begin() as connection:
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        for group in (*GROUPS, "staff"):
            role = f"{p}_{group}"
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).first()
            if exists is None:
                connection.execute(sa.text(f"CREATE ROLE {_q(role)} NOLOGIN"))
        staff = _q(f"{p}_staff")
        connection.execute(sa.text(f"GRANT USAGE ON SCHEMA {_q(schema)} TO {staff}"))
        for table in _READ:
            connection.execute(sa.text(f"GRANT SELECT ON {_q(table)} TO {staff}"))
        analyst, operator = _q(f"{p}_analyst"), _q(f"{p}_operator")
        for table in _ANALYST_WRITE:
            for role in (analyst, operator):
                connection.execute(
                    sa.text(f"GRANT INSERT, UPDATE, DELETE ON {_q(table)} TO {role}")
                )
        for role in (analyst, operator):  # the guard decides which events each may add
            connection.execute(sa.text(f"GRANT INSERT ON consent_events TO {role}"))
        connection.execute(sa.text(f"GRANT UPDATE ON campaigns TO {_q(f'{p}_approver')}"))
        for role in (analyst, operator):
            connection.execute(
                sa.text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_q(schema)} TO {role}")
            )
        connection.execute(sa.text(_GUARD.replace("{p}", p)))


def provision_staff_login(
    engine: sa.Engine, prefix: str, username: str, roles: Iterable[str]
) -> str:
    """Create (or refresh) ``username``'s login with a new password and exactly ``roles``;
    return a database URL for that login (the owner's host, database and options).

    The Hub calls it before starting the person's server, so a removed group takes effect at the
    next start, and an old password stops working.
    """
    p = _check_prefix(prefix)
    login = login_role(p, username)
    password = secrets.token_urlsafe(24)
    wanted = {f"{p}_{r}" for r in roles if r in GROUPS} | {f"{p}_staff"}
    with engine.begin() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}
        ).first()
        verb = "ALTER" if exists else "CREATE"
        # Passwords cannot be bound parameters in DDL; token_urlsafe holds no quote.
        connection.execute(sa.text(f"{verb} ROLE {_q(login)} LOGIN PASSWORD '{password}'"))
        for group in (*GROUPS, "staff"):
            role = f"{p}_{group}"
            verb = "GRANT" if role in wanted else "REVOKE"
            prep = "TO" if verb == "GRANT" else "FROM"
            connection.execute(sa.text(f"{verb} {_q(role)} {prep} {_q(login)}"))
    url = engine.url.set(username=login, password=password)
    return url.render_as_string(hide_password=False)


def drop_team_roles(engine: sa.Engine, prefix: str) -> None:
    """Drop every role with ``prefix`` and the guard functions (tests, and undoing a setup)."""
    p = _check_prefix(prefix)
    with engine.begin() as connection:
        for table in ("campaigns", "messages", "consent_events"):
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {p}_guard ON {table}"))
        for fn in (
            "guard_campaigns()",
            "guard_messages()",
            "guard_consent()",
            "may(text)",
            "actor()",
        ):
            connection.execute(sa.text(f"DROP FUNCTION IF EXISTS {p}_{fn}"))
        names = connection.execute(
            sa.text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
            {"p": p.replace("_", r"\_") + r"\_%"},
        ).scalars()
        for name in list(names):
            connection.execute(sa.text(f"DROP OWNED BY {_q(name)}"))
            connection.execute(sa.text(f"DROP ROLE {_q(name)}"))
