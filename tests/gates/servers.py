"""Real gunicorn instances on loopback for the scale-out and load gates, and a small HTTP client."""
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(config: dict, count: int = 1, workers: int = 2, threads: int = 1):
    """Start `count` gunicorn instances sharing the app's database; yield their base URLs."""
    env = dict(os.environ)
    env.update(
        LIVESAFE_ENV="testing",
        SECRET_KEY=config["SECRET_KEY"],
        DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=config["SEARCH_INDEX_DIR"],
        SESSION_COOKIE_SECURE="false",
    )
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            processes.append(subprocess.Popen(
                [gunicorn_bin, "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
                 "--log-level", "warning", "livesafe:create_app()"],
                cwd=ROOT, env=env,
            ))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            _wait(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/privacy", timeout=2)
            return
        except OSError:  # refused, reset or timed out while the workers start
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A cookie-keeping client that does not follow redirects and takes CSRF tokens from pages."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def request(self, url, data=None, timeout=30):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            response = self.opener.open(url, data=body, timeout=timeout)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers
        return response.status, response.read().decode("utf-8", "replace"), response.headers

    def get(self, url):
        return self.request(url)

    def post(self, url, data, token_from=None):
        status, page, _ = self.get(token_from or url)
        match = TOKEN.search(page)
        data = dict(data, csrf_token=match.group(1) if match else "")
        return self.request(url, data)
