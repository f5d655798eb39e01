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
    @click.option("--watch", is_flag=True, help="Keep running: the mail worker (stop with Ctrl-C or SIGTERM).")
    def send_mail(watch):
        """Deliver due e-mails from the outbox over SMTP (once, or as a worker with --watch)."""
        from livesafe.mail import logic as mail

        if watch:
            import logging
            import signal
            import threading

            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
            stop = threading.Event()
            # Finish the message in hand, then stop.
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            signal.signal(signal.SIGINT, lambda *_: stop.set())
            click.echo(f"Mail worker: delivering to {current_app.config['MAIL_HOST']}:{current_app.config['MAIL_PORT']}")
            mail.watch(stop)
            return
        try:
            result = mail.deliver_due()
        except mail.MailServerUnavailable as error:
            raise click.ClickException(f"Mail server unavailable, nothing sent: {mail.scrub(str(error))}")
        click.echo(f"Sent {result.sent} message(s); {result.retrying} to retry later; {result.failed} failed.")
        if result.retrying or result.failed:
            raise SystemExit(1)

    @app.cli.command("prune")
    def prune_command():
        """Delete old throttle counters, expired survey drafts, e-mails past retention, unconfirmed registrations."""
        from livesafe.housekeeping import prune_all

        for what, deleted in prune_all().items():
            click.echo(f"Deleted {deleted} {what}.")

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
