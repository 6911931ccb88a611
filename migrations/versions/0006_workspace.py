"""The organiser workspace (issue 12): accounts that can be deactivated or must change a
temporary password, facilitators assigned to sessions, the activity log, rehearsal
participants, a session's start time and archiving, speakers' bios, open questions' maximum
length.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("archived", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("speaker", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bio", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_length", sa.Integer(), nullable=True))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rehearsal", sa.Boolean(), nullable=False, server_default="0")
        )
    op.create_table(
        "session_facilitator",
        sa.Column(
            "session_id", sa.Integer(), sa.ForeignKey("session.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )  # fmt: skip
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column(
            "session_id", sa.Integer(), sa.ForeignKey("session.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )  # fmt: skip
    op.create_index("ix_activity_session_at", "activity", ["session_id", "at"])
    op.create_index("ix_activity_user_at", "activity", ["user_id", "at"])


def downgrade():
    op.drop_index("ix_activity_user_at", table_name="activity")
    op.drop_index("ix_activity_session_at", table_name="activity")
    op.drop_table("activity")
    op.drop_table("session_facilitator")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("rehearsal")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("max_length")
    with op.batch_alter_table("speaker", schema=None) as batch_op:
        batch_op.drop_column("bio")
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_column("archived")
        batch_op.drop_column("start_time")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("active")
