"""Participants' data: a contact and a retention period per programme and session; a session's
purge time and the summary archived when its raw contributions were deleted (docs/privacy.md).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("programme", "session"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "privacy_contact", sa.String(length=200), nullable=False, server_default=""
                )
            )
            batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("archived_summary", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_column("archived_summary")
        batch_op.drop_column("purged_at")
    for table in ("session", "programme"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("retention_days")
            batch_op.drop_column("privacy_contact")
