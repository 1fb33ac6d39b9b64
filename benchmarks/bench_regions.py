"""Time `lindung regions load` (all 91,599 regions + population) on a fresh database and again (idempotent).

    python benchmarks/bench_regions.py                     # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_regions python benchmarks/bench_regions.py

On PostgreSQL the named database is dropped and created afresh.
"""

import os
import subprocess
import sys
import tempfile
import time


def run(args, env):
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "lindung", *args], env=env, check=True, capture_output=True)
    return time.monotonic() - started


def main():
    env = dict(os.environ, LINDUNG_MODE="dev", LINDUNG_DATA_DIR=tempfile.mkdtemp(prefix="bench-regions-"))
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        admin, name = url.rsplit("/", 1)
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    run(["migrate"], env)
    first = run(["regions", "load"], env)
    second = run(["regions", "load"], env)
    database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{database}: first load {first:.1f}s, second (idempotent) load {second:.1f}s "
          f"(each includes ~1s of process start-up)")


if __name__ == "__main__":
    main()
