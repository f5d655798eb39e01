"""Hub page throughput under gunicorn, as a ratio to a bare Flask route measured in the same run.

Both apps run one after the other in the same gunicorn configuration (1 sync worker) and are loaded by the
same client: wrk when installed, otherwise a small Python client. Run alone with `python bench/hub.py`;
bench/run.py calls run().
"""
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync", "--log-level", "warning"]
SECONDS = 5
CONNECTIONS = 4
BARE_APP = textwrap.dedent('''
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def bare():
        return "ok"
''')
# Different searches, each page of results rendered afresh (no page cache: the client sends a cookie).
VARIED_SEARCHES = ["knife law", "county lines", "mentor", "online bullying", "stop and search", "feeling low",
                   "knif crme", "gangs", "sharing images", "youth worker"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    def __init__(self, app: str, cwd: Path, env: dict):
        self.port = _free_port()
        self.process = subprocess.Popen(GUNICORN + ["--bind", f"127.0.0.1:{self.port}", app], cwd=cwd, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {app}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _wrk(urls: list[str], headers: dict, scratch: Path) -> float:
    paths = ", ".join(f'"{urllib.parse.urlsplit(url).path}?{urllib.parse.urlsplit(url).query}"' for url in urls)
    script = scratch / "paths.lua"
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        + "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in headers.items())
        + "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
    )
    output = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(script), urls[0]],
                            capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def _python_client(urls: list[str], headers: dict) -> float:
    count, stop = [0], time.time() + SECONDS

    def worker(offset):
        i = offset
        while time.time() < stop:
            request = urllib.request.Request(urls[i % len(urls)], headers=headers)
            urllib.request.urlopen(request).read()
            count[0] += 1
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / SECONDS


def _throughput(urls: list[str], scratch: Path, headers: dict | None = None) -> float:
    headers = headers or {}
    for url in urls:  # warm up: first requests open the index, fill caches
        urllib.request.urlopen(urllib.request.Request(url, headers=headers)).read()
    if shutil.which("wrk"):
        return _wrk(urls, headers, scratch)
    return _python_client(urls, headers)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        (scratch / "bare.py").write_text(BARE_APP)
        env = dict(os.environ, LIVESAFE_ENV="production", SECRET_KEY=secrets.token_hex(24),
                   DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}", SEARCH_INDEX_DIR=str(scratch / "index"),
                   PYTHONPATH=str(ROOT))
        # The site needs its schema (search lists verified community places from the database).
        subprocess.run([sys.executable, "-m", "flask", "--app", "livesafe", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        bare = _Server("bare:app", scratch, env)
        try:
            baseline = _throughput([bare.url("/")], scratch)
        finally:
            bare.stop()
        app = _Server("livesafe:create_app()", ROOT, env)
        try:
            measured = {
                "article page": (_throughput([app.url("/articles/knives-and-the-law")], scratch), 0.5),
                "search page (one query)": (_throughput([app.url("/search?q=knife+law")], scratch), 0.25),
                "search page (10 queries, no page cache)": (_throughput(
                    [app.url("/search?" + urllib.parse.urlencode({"q": query})) for query in VARIED_SEARCHES],
                    scratch, headers={"Cookie": "bench=1"}), None),
                "home page": (_throughput([app.url("/")], scratch), 0.6),
                "get help page": (_throughput([app.url("/get-help")], scratch), 0.6),
                "audience page": (_throughput([app.url("/young-people")], scratch), 0.6),
                "topic page": (_throughput([app.url("/topics/knife-crime")], scratch), 0.6),
                "services page (filtered)": (_throughput([app.url("/services?age=15&area=Melton")], scratch), 0.6),
            }
        finally:
            app.stop()
    rows = [{"name": "bare Flask route (gunicorn, 1 sync worker)", "value": round(baseline), "unit": "req/s",
             "target": None}]
    for name, (rate, target) in measured.items():
        rows.append({"name": name, "value": round(rate), "unit": "req/s", "target": None})
        ratio = {"name": f"{name} / bare route", "value": round(rate / baseline, 2), "unit": "ratio", "target": None}
        if target:
            ratio.update(target=f">= {target}", ok=rate / baseline >= target)
        rows.append(ratio)
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:60} {row['value']:>10} {row['unit']:6} target {row['target']}")
