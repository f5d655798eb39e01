"""Page throughput as a ratio to a bare Flask route, both under the same gunicorn configuration, in one run."""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--log-level", "warning"]
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))


def _port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app_spec, env, cwd):
    port = _port()
    process = subprocess.Popen(GUNICORN + ["--bind", f"127.0.0.1:{port}", app_spec], cwd=cwd, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return process, url
        except Exception:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"{app_spec} did not start")


def _wrk(url):
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{WRK_SECONDS}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return rps


def prepared_env(tmp):
    """A fresh SQLite site with demo data and a search index, for benchmarking."""
    env = dict(os.environ, LIVESAFE_ENV="development", SECRET_KEY="bench-secret-key-long-enough",
               DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3", SEARCH_INDEX_DIR=f"{tmp}/index")
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "livesafe"]
    for command in (["db", "upgrade"], ["demo"], ["index"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    return env


PAGES = [
    ("Hub article throughput", "/articles/knives-and-the-law", 0.50),
    ("Search results throughput", "/search?q=knife+law", 0.25),
]


def run():
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = prepared_env(tmp)
        bare, bare_url = _serve("bare:app", env, ROOT / "bench")
        site, site_url = _serve("livesafe:create_app()", env, ROOT)
        try:
            baseline = _wrk(bare_url + "/")
            rows.append({"name": "Bare Flask route", "value": round(baseline), "unit": "req/s", "target": "yardstick"})
            for name, path, target in PAGES:
                ratio = _wrk(site_url + path) / baseline
                rows.append({"name": name, "value": round(ratio, 2), "unit": "x bare",
                             "target": f">= {target}", "ok": ratio >= target})
        finally:
            bare.terminate()
            site.terminate()
    return rows
