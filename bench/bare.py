"""The yardstick: a bare Flask route, served by the same gunicorn configuration as the site."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def bare():
    return "ok"
