"""The migrations are the only way the schema is made: they must match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import sqlalchemy as sa

from livesafe.extensions import db


def test_models_and_migrations_agree(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrated_database_has_every_model_table(ctx):
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
