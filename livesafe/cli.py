"""Command-line tasks: `flask --app livesafe <command>`."""
import importlib

import click
from flask import current_app

from livesafe import FEATURES


def register(app):
    @app.cli.command("demo")
    def demo():
        """Load demo data: one account per role and each feature's examples."""
        if current_app.config["LIVESAFE_ENV"] == "production":
            raise click.ClickException("Refusing to load demo data into a production site (LIVESAFE_ENV=production).")
        # Accounts first: every feature's demo data refers to the demo accounts.
        for feature in ("auth",) + tuple(f for f in FEATURES if f != "auth"):
            try:
                module = importlib.import_module(f"livesafe.{feature}.demo")
            except ModuleNotFoundError:
                continue
            module.load()
        from livesafe.auth.demo import ACCOUNTS, PASSWORD

        click.echo("Demo data loaded. Sign in with any of these (password: %s):" % PASSWORD)
        for email, role in ACCOUNTS:
            click.echo(f"  {email:28} {role}")

    @app.cli.command("send-mail")
    def send_mail():
        """Deliver queued e-mails from the outbox over SMTP."""
        from livesafe.mail.logic import send_pending

        sent, failed = send_pending()
        click.echo(f"Sent {sent} message(s); {failed} failed.")
        if failed:
            raise SystemExit(1)

    @app.cli.command("prune")
    def prune_command():
        """Delete throttle counters older than THROTTLE_RETENTION_SECONDS."""
        from livesafe.throttle.logic import prune

        click.echo(f"Deleted {prune()} old throttle counter(s).")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path):
        """Write a consistent copy of the database to PATH."""
        from livesafe.backup import backup

        click.echo(f"Backed up to {backup(path)}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore_command(path, yes):
        """Replace the database with the copy at PATH."""
        from livesafe.backup import restore

        if not yes:
            click.confirm("This replaces everything in the database. Continue?", abort=True)
        restore(path)
        click.echo(f"Restored from {path}")
