"""gunicorn settings for production: `gunicorn` (or `gunicorn -c gunicorn.conf.py`) from the repo top.

Privacy is the default here: the access log keeps no address, user agent, referrer or query string and
times only to the minute (livesafe/site/logs.py), and responses carry no Server header. Options given on
the command line (--bind, --workers, --access-logfile) override these.
"""
import os

from livesafe.site.logs import PrivateLogger, hide_server_header

wsgi_app = "livesafe:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
logger_class = PrivateLogger
accesslog = "-"
errorlog = "-"
loglevel = "info"
# X-Forwarded-Proto is trusted only from a proxy on this machine; the app never needs X-Forwarded-For.
forwarded_allow_ips = "127.0.0.1"

hide_server_header()
