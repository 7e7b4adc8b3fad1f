"""The public-participation portal for Taiwan's land-use planning."""
import os

from flask import Flask

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings (a truthy TESTING selects TestConfig).

    The process environment is read here, not at import; an unsafe configuration raises
    ConfigurationError with what to set.
    """
    # INSTANCE_PATH: this process's own folder (SQLite, local uploads), e.g. when two portals share a host.
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None, instance_relative_config=True)
    app.config.from_mapping(load_config(os.environ, config or {}, app.instance_path))
    os.makedirs(app.instance_path, exist_ok=True)
    from .setup import (
        register_blueprints,
        register_cli,
        register_errors,
        register_extensions,
        register_proxy,
        register_request_hooks,
        register_templates,
    )
    register_proxy(app)
    register_extensions(app)
    register_templates(app)
    register_request_hooks(app)
    register_errors(app)
    register_blueprints(app)
    register_cli(app)
    return app
