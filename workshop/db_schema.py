"""Schema upgrades on start, safe when several server processes start at once."""

from __future__ import annotations

from flask_migrate import upgrade as alembic_upgrade
from sqlalchemy import text

from .extensions import db

# Any constant: the key of the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK_KEY = 727_274_001


def upgrade() -> None:
    """Run Alembic's ``upgrade head`` (call inside an app context).

    On PostgreSQL an advisory lock serialises processes that start together; SQLite serialises
    writers by itself.
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            try:
                alembic_upgrade()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                conn.commit()
    else:
        alembic_upgrade()
