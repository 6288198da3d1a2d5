"""Initial store: contacts, append-only consent events, campaigns, message log, inbound messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)

# Consent events are legal evidence (TCPA 47 CFR 64.1200; FCC 24-24 revocation records), so the
# database itself refuses to change or remove one, whatever client writes to it.
SQLITE_GUARDS = [
    """CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
       BEGIN SELECT RAISE(ABORT, 'consent_events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
       BEGIN SELECT RAISE(ABORT, 'consent_events is append-only: DELETE refused'); END""",
]
POSTGRES_GUARDS = [
    """CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'consent_events is append-only: % refused', TG_OP
           USING ERRCODE = 'restrict_violation';
       END $$""",
    """CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON consent_events
       FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()""",
    """CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
       FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("phone_e164", sa.String(16), nullable=False),
        sa.Column("region", sa.String(3), nullable=True),
        sa.Column("line_type", sa.String(24), nullable=True),
        sa.Column("time_zones", JSON, nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("phone_e164", name="uq_contacts_phone_e164"),
        sa.CheckConstraint(
            "status IN ('ok', 'invalid', 'landline', 'unreachable')", name="ck_contacts_status"
        ),
    )
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("phone_e164", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
    )
    op.create_index(
        "ix_consent_events_phone_scope",
        "consent_events",
        ["phone_e164", "scope", "occurred_at", "id"],
    )
    op.create_index("ix_consent_events_scope", "consent_events", ["scope"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=True),
        sa.Column("to_number", sa.String(32), nullable=False),
        sa.Column("from_number", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("sid", sa.String(34), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("error_code", sa.Integer, nullable=True),
        sa.Column("segments", sa.Integer, nullable=True),
        sa.Column("price", sa.Numeric(12, 5), nullable=True),
        sa.Column("price_unit", sa.String(3), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name="fk_messages_campaign"),
        sa.UniqueConstraint("sid", name="uq_messages_sid"),
        sa.CheckConstraint(
            "state IN ('planned', 'submitting', 'submitted', 'final')", name="ck_messages_state"
        ),
    )
    op.create_index("ix_messages_campaign_state", "messages", ["campaign_id", "state"])
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sid", sa.String(34), nullable=False),
        sa.Column("from_number", sa.String(32), nullable=False),
        sa.Column("to_number", sa.String(32), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("opt_out_type", sa.String(16), nullable=True),
        sa.Column("received_at", WHEN, nullable=False),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.UniqueConstraint("sid", name="uq_inbound_messages_sid"),
    )
    op.create_index("ix_inbound_messages_from", "inbound_messages", ["from_number", "received_at"])
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_GUARDS, "postgresql": POSTGRES_GUARDS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consent_events_append_only() CASCADE")
    for table in ("inbound_messages", "messages", "campaigns", "consent_events", "contacts"):
        op.drop_table(table)
