"""Who did what: the people who created, approved, sent and canceled each campaign.

A team deployment (issue 14) records each step's actor on the campaign row itself, so the
Campaigns view reads them with the campaign and the worker checks four-eyes approval in the same
read: ``created_by`` (who planned it), ``approved_by``/``approved_at`` (the second person, when the
campaign is above the approval threshold), ``sent_by``/``sent_at`` (who confirmed "send") and
``canceled_by``/``canceled_at``. All are nullable: campaigns planned before this revision have no
recorded actor, and ``approved_by`` stays empty where no approval was needed. An actor is a
JupyterHub user name in a team, the OS user in single-user ``make run``.

Consent changes already carry ``consent_events.actor`` (revision 0001); staff changes by hand put
their reason in ``evidence`` (:mod:`smskit.team.consent`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ACTOR_COLUMNS = ("created_by", "approved_by", "sent_by", "canceled_by")
_TIME_COLUMNS = ("approved_at", "sent_at", "canceled_at")


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        for name in _ACTOR_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(128), nullable=True))
        for name in _TIME_COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        for name in (*_TIME_COLUMNS, *_ACTOR_COLUMNS):
            batch.drop_column(name)
