"""Alembic environment: runs against the engine watcher.db hands in."""

from alembic import context
from sqlalchemy import create_engine

from watcher.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # the alembic command line: take the URL from alembic.ini
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///watcher.db")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
