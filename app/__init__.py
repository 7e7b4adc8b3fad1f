"""The public-participation portal for Taiwan's land-use planning."""
import os

from flask import Flask

from .config import TestConfig, check_production_secret, config_for_environment


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (a truthy TESTING selects TestConfig)."""
    app = Flask(__name__, instance_relative_config=True)
    base = TestConfig if (config or {}).get("TESTING") else config_for_environment()
    app.config.from_object(base)
    app.config.update(config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"] or base.database_url(
        app.instance_path)
    check_production_secret(app.config)
    from .setup import (
        register_blueprints,
        register_cli,
        register_errors,
        register_extensions,
        register_request_hooks,
        register_templates,
    )
    register_extensions(app)
    register_templates(app)
    register_request_hooks(app)
    register_errors(app)
    register_blueprints(app)
    register_cli(app)
    return app
