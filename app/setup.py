"""The register_* steps create_app runs: proxy, extensions, templates, hooks, errors, blueprints, CLI."""
from flask import abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from .locking import LOCK_TIMEOUT_MS
from .requestlog import security_event
from .web import select_locale


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite: enforce foreign keys, let readers and a writer overlap (WAL), wait rather than fail on locks.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
        cursor.close()


def register_proxy(app):
    """Trust X-Forwarded-For/-Proto/-Host from TRUSTED_PROXIES reverse proxies (none by default).

    Behind nginx the connecting address is the proxy's: without this every visitor would share one
    rate limit. The limiter keys on request.remote_addr, which ProxyFix sets to the client's address
    as the nearest trusted proxy saw it; a client's own X-Forwarded-For beyond that is ignored.
    """
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_extensions(app):
    """Bind the extensions to the app and import the models so that metadata is complete."""
    from . import models  # noqa: F401  (registers every table)
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "info"
    from .accounts.sessions import register_user_loader
    register_user_loader(login_manager)


def register_templates(app):
    """Jinja filters and globals shared by every page."""
    from . import timefmt
    from .accounts.access import may
    from .i18n import register_template_gettext
    from .labels import LABELS, audit_details
    from .meetings.public_pages import register_template_helpers
    register_template_gettext(app)
    timefmt.register_filters(app)
    register_template_helpers(app)
    app.jinja_env.filters["audit_details"] = audit_details
    app.jinja_env.globals.update(labels=LABELS, get_locale=get_locale, may=may)

    @app.context_processor
    def inject_locale():
        return {"locale_code": str(get_locale())}


STAFF_PREFIX = "/staff"


def register_request_hooks(app):
    """Refuse NUL characters in submitted text; security headers on every response, HSTS in production,
    and no caching of staff pages (they show applicants' personal data); a request id and one log line each."""
    from .requestlog import register_request_log
    register_request_log(app)

    @app.before_request
    def refuse_nul_characters():
        # No text anyone types contains NUL, and PostgreSQL refuses it in text columns (a 500 otherwise).
        if any("\x00" in value for data in (request.form, request.args) for _key, values in data.lists()
               for value in values):
            abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config["HSTS_MAX_AGE"]:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']:d}")
        if request.path == STAFF_PREFIX or request.path.startswith(STAFF_PREFIX + "/"):
            response.headers["Cache-Control"] = "no-store"  # applications, sign-in sheets, exports
        return response


ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission for this page or action.")),
    404: (_l("Page not found"), _l("There is no such page. The meeting or document may have been removed, "
                                   "or the address mistyped.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("The upload is larger than the portal accepts. Nothing was saved; "
                                   "go back and choose a smaller file.")),
    429: (_l("Too many attempts"), _l("Too many requests came from your connection in a short time. "
                                      "Wait a minute, then try again.")),
    500: (_l("Something went wrong"), _l("The portal hit an unexpected error. Nothing was saved; "
                                         "please try again, and contact the secretariat if it persists.")),
}


def register_errors(app):
    """Error pages in the site's style, for every status we expect."""

    def render_error(code, detail=None):
        title, text = ERRORS[code]
        return render_template("errors/error.html", code=code, title=title, text=detail or text), code

    for code in ERRORS:
        app.register_error_handler(code, lambda e, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        security_event("csrf_refused", reason=error.description)
        return render_error(400, _l("This form has expired or was opened in another session. "
                                    "Go back, reload the page and submit it again."))

    from .locking import Busy

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)  # a pooled connection the restart closed under the request
    def database_unavailable(error):
        # The database is restarting, failing over or unreachable (or a pooled connection died with it):
        # nothing was saved, so the visitor may repeat the request. The pool drops dead connections itself.
        # The driver's own error (its SQLSTATE and message; never the statement or its parameters), so that a
        # schema problem (a missed migration) is not mistaken in the log for a passing outage.
        original = getattr(error, "orig", error)
        app.logger.warning("database unavailable: %s (SQLSTATE %s): %s", type(original).__name__,
                           getattr(original, "sqlstate", None) or "-", (str(original).splitlines() or [""])[0][:200])
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001  (the connection may be gone; the session is discarded anyway)
            db.session.remove()
        title = _l("Please try again")
        text = _l("The portal cannot reach its database for a moment. Nothing was saved; "
                  "please try again in a few seconds.")
        try:
            page = render_template("errors/error.html", code=503, title=title, text=text)
        except (OperationalError, InterfaceError):  # the page's header asks who is signed in: the database again
            page = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        return page, 503, {"Retry-After": "5"}

    @app.errorhandler(Busy)
    def busy(error):
        # The meeting's lock was not free in time: nothing was saved, and repeating the request is safe.
        db.session.rollback()
        page = render_template("errors/error.html", code=503, title=_l("Please try again"),
                               text=_l("Many requests for this meeting arrived at once, and yours could not be "
                                       "handled in time. Nothing was saved; please try again in a few seconds."))
        return page, 503, {"Retry-After": "5"}


def register_blueprints(app):
    """Public, staff and calendar routes; `<int:…>` in every route is capped at the largest id (params.py)."""
    from .params import IdConverter
    app.url_map.converters["int"] = IdConverter  # Werkzeug's documented way to redefine a converter
    from .accounts.views import bp as accounts_bp
    from .accounts.views_staff import bp as organization_bp
    from .comments.views_exports import bp as comments_exports_bp
    from .comments.views_minutes import bp as comments_minutes_bp
    from .comments.views_minutes_staff import bp as comments_minutes_staff_bp
    from .comments.views_public import bp as comments_bp
    from .comments.views_staff import bp as comments_staff_bp
    from .health import bp as health_bp
    from .materials.views import bp as materials_bp
    from .meetings.views_calendar import bp as calendar_bp
    from .meetings.views_parts import bp as meeting_parts_bp
    from .meetings.views_public import bp as meetings_bp
    from .meetings.views_staff import bp as meetings_staff_bp
    from .plans.views_public import bp as plans_bp
    from .plans.views_staff import bp as plans_staff_bp
    from .public import bp as public_bp
    from .registrations.views_changes import bp as applicant_bp
    from .registrations.views_groups import bp as groups_bp
    from .registrations.views_public import bp as registrations_bp
    from .registrations.views_staff import bp as desk_bp
    from .site_pages import bp as site_bp
    from .stakeholders.views_public import bp as subscriptions_bp
    app.register_blueprint(subscriptions_bp)
    from .stakeholders.views_staff import bp as directory_bp
    app.register_blueprint(directory_bp)
    from .stakeholders.views_notices import bp as notices_bp
    app.register_blueprint(notices_bp)
    for blueprint in (public_bp, meetings_bp, calendar_bp, plans_bp, materials_bp, accounts_bp,
                      meetings_staff_bp, meeting_parts_bp, plans_staff_bp, organization_bp, registrations_bp,
                      desk_bp, groups_bp, health_bp, applicant_bp, site_bp, comments_bp, comments_minutes_bp,
                      comments_exports_bp, comments_staff_bp, comments_minutes_staff_bp):
        app.register_blueprint(blueprint)
    # The day of the meeting: the sign-in desk, the course console and the public display (issue 10).
    from .dayof import console_views, desk_views, display_views
    for module in (desk_views, console_views, display_views):
        app.register_blueprint(module.bp)
    from .delivery import register_delivery
    register_delivery(app)  # versioned static files, compression, /favicon.ico (issue 9, items 16-17)
    from .registrations import receivers  # noqa: F401  (connects: applications follow their meetings' signals)
    from .stakeholders import receivers as notice_receivers  # noqa: F401  (after registrations': one mail each)


def register_cli(app):
    """flask demo-data, demo-code, create-staff, reset-two-factor, purge-personal-data, outbox send|status."""
    from .accounts.cli import reset_two_factor_command
    from .cli import (
        backup_command,
        create_staff_command,
        demo_code_command,
        demo_data_command,
        purge_personal_data_command,
        restore_command,
        store_import_local_command,
    )
    from .outbox.cli import outbox_group
    app.cli.add_command(demo_data_command)
    app.cli.add_command(create_staff_command)
    app.cli.add_command(purge_personal_data_command)
    app.cli.add_command(outbox_group)
    from .stakeholders.cli import notices_group
    app.cli.add_command(notices_group)
    app.cli.add_command(demo_code_command)
    app.cli.add_command(reset_two_factor_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(store_import_local_command)
