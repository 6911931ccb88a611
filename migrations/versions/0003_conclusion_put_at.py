"""Conclusion.put_at: when a conclusion was last put to the room (the phones' snapshot shows the
last one put, its vote open or closed).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conclusion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("put_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("conclusion", schema=None) as batch_op:
        batch_op.drop_column("put_at")
