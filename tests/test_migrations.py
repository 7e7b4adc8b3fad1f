"""The Alembic migrations build exactly the schema the models describe, on every engine."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

from .conftest import ENGINES, postgres_database, sqlite_database


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_migrations_produce_exactly_the_models_schema(request, tmp_path_factory, engine):
    url = postgres_database(request, "migrations") if engine == "postgresql" else \
        sqlite_database(tmp_path_factory, "migrations")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []
