"""Run every benchmark and print one table, each figure beside its target.

    python bench/run.py            (or `make bench`, which also installs wrk)
"""
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = ["hub", "search", "grants", "panels", "accountability", "surveys"]


def main():
    started = time.time()
    rows = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        rows.extend(module.run())
    width = max(len(row["name"]) for row in rows)
    print(f"{'benchmark':{width}}  {'value':>10}  {'unit':10}  target")
    for row in rows:
        mark = "" if "ok" not in row else ("  ok" if row["ok"] else "  MISSED")
        target = "-" if row.get("target") is None else row["target"]
        print(f"{row['name']:{width}}  {row['value']:>10}  {row['unit']:10}  {target}{mark}")
    print(f"\n(all benchmarks took {time.time() - started:.0f} s)")
    return 0 if all(row.get("ok", True) for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
