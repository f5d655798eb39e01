"""Live Safe: the website of the Violence Reduction Network for Leicester, Leicestershire and Rutland."""
from pathlib import Path

from flask import Flask

from livesafe import config as settings
from livesafe.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent

# Feature blueprints, in one place. Each is a folder under livesafe/.
FEATURES = ("hub", "search", "grants", "panels", "surveys", "partners", "site", "auth", "uploads")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_relative_config=True,
    )
    from livesafe.site.request import CleanRequest

    app.request_class = CleanRequest
    from livesafe.site.numbers import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids in paths are ASCII and fit a column
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    if app.config["LIVESAFE_ENV"] == "testing":
        app.config["TESTING"] = True
    settings.check(app.config)
    if app.config["TRUSTED_PROXY_COUNT"] > 0:
        # Trust exactly that many proxies' X-Forwarded-For/-Proto; a direct client's own headers change nothing.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."

    from livesafe import models  # noqa: F401  (every model registered before migrations compare)
    from livesafe.auth.logic import load_user

    login_manager.user_loader(load_user)

    import importlib

    for feature in FEATURES:
        module = importlib.import_module(f"livesafe.{feature}")
        app.register_blueprint(module.bp)
        init = getattr(module, "init_app", None)
        if init:
            init(app)

    from livesafe.site import errors, security, templating

    from livesafe.kernel import permissions, transactions

    errors.register(app)
    templating.register(app)
    app.jinja_env.globals["can"] = permissions.can
    transactions.register(app)
    app.after_request(security.add_headers)

    from livesafe import cli

    cli.register(app)
    return app
