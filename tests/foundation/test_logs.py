"""Logs keep no trace of a visitor: real gunicorn with the shipped gunicorn.conf.py, real requests with a
user agent, a referrer and private queries, then the log files are read."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from livesafe.site.logs import access_line, clean_path, scrub
from tests.gates.servers import ROOT, NoRedirect, free_port

AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) TestAgent/7.7"
REFERER = "https://example.net/came-from-here"


@pytest.mark.parametrize("path, logged", [
    ("/search?q=self+harm", "/search"),
    ("//search?q=self+harm", "/search"),
    ("///search//", "/search/"),
    ("/surveys/youth-2025/page/3?answer=yes", "/surveys/youth-2025/..."),
    ("//surveys//youth-2025/page/3", "/surveys/youth-2025/..."),
    ("/password/reset/abc.secret-token", "/password/reset/..."),
    ("/invite/abc.secret-token", "/invite/..."),
    ("/articles/knives-and-the-law?from=home", "/articles/knives-and-the-law"),
    ("/services?age=15&area=Melton", "/services"),
    ("/a\nforged line", "/a_forged_line"),
])
def test_paths_are_normalised_then_made_private(path, logged):
    assert clean_path(path) == logged


def test_an_access_line_holds_the_minute_not_the_second():
    line = access_line("GET", "/", "200", 10, 0.004, now=1_800_000_045.5)
    assert line == '2027-01-15T08:00Z "GET /" 200 10 4ms'


def test_gunicorn_messages_lose_addresses_and_queries():
    assert scrub("Invalid request from ip=203.0.113.9: Invalid HTTP method") == "Invalid request from ip=- Invalid HTTP method"
    assert scrub("Error handling request /search?q=self+harm") == "Error handling request /search"
    assert "2001:db8::7" not in scrub("peer 2001:db8::7 went away")


GUNICORN = Path(sys.executable).with_name("gunicorn")
OPENER = urllib.request.build_opener(NoRedirect())


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=20) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.slow
def test_the_shipped_gunicorn_configuration_logs_no_trace_of_a_visitor(app, tmp_path):
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    port = free_port()
    env = dict(os.environ, LIVESAFE_ENV="testing", SECRET_KEY=app.config["SECRET_KEY"],
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SEARCH_INDEX_DIR=app.config["SEARCH_INDEX_DIR"],
               SESSION_COOKIE_SECURE="false")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(access), "--error-logfile", str(errors)], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                _get(base + "/privacy")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        headers = {"User-Agent": AGENT, "Referer": REFERER}
        status, response_headers = _get(base + "/search?q=self+harm+secretword", headers)
        assert status == 200 and "Server" not in response_headers
        assert _get(base + "//search?q=doubledslashword", headers)[0] in (200, 308, 404)
        _get(base + "/articles/knives-and-the-law?from=querytrace", headers)
        _get(base + "/surveys/some-survey/page/2?answer=branchword", headers)
        _get(base + "/exit", headers)
        with socket.create_connection(("127.0.0.1", port)) as sock:  # a malformed request: gunicorn warns
            sock.sendall(b"NOT A REQUEST\r\n\r\n")
            sock.recv(1024)
    finally:
        server.terminate()
        server.wait(timeout=20)
    access_log, error_log = access.read_text(), errors.read_text()
    assert '"GET /search" 200' in access_log and '"GET /articles/knives-and-the-law"' in access_log
    assert '"GET /surveys/some-survey/..."' in access_log
    assert access_log.count('"GET /search"') >= 2  # the doubled slash was normalised before the rule
    for trace in ["127.0.0.1", AGENT, "TestAgent", REFERER, "example.net", "secretword", "doubledslashword",
                  "querytrace", "branchword", "page/2", "?"]:
        assert trace not in access_log, trace
    assert "Invalid request" in error_log and "127.0.0.1" not in error_log.split("Listening at")[-1]



def test_the_development_server_logs_no_address_and_no_query(live_server, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="werkzeug")
    _get(live_server + "//search?q=devsecret", {"User-Agent": AGENT})
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "werkzeug")
    assert '"GET /search" 200' in logged
    assert "127.0.0.1" not in logged and "devsecret" not in logged and AGENT not in logged
