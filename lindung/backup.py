"""Backing up and restoring the whole database, on either engine.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
  Lindung keeps serving; restoring copies the file back the same way, page by page.
- PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot, compressed) and ``pg_restore --clean
  --if-exists --no-owner`` into the configured database. The PostgreSQL client programs must be on PATH.

Uploaded files (imports, statements, reports) live under ``LINDUNG_FILES_DIR`` (``LINDUNG_DATA_DIR/files``) and are copied
with the file system (see docs/security.md).
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection

from lindung import dialect
from lindung.errors import DomainError


class BackupError(DomainError):
    """A backup or restore that could not be made; the message says why."""


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client programs are needed).")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {(done.stderr or done.stdout).strip()[:500]}")


def backup(target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (created 0600)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if dialect.is_sqlite():
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif dialect.is_postgres():
        args, env = _pg_env(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)
    else:
        raise BackupError(f"Backups are not supported for {connection.vendor}.")
    target.chmod(0o600)
    return target


def restore(source: Path) -> None:
    """Replace the configured database's contents with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file {source}.")
    db = connection.settings_dict
    if dialect.is_sqlite():
        with open(source, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{source} is not a Lindung SQLite backup.")
        connection.ensure_connection()
        with sqlite3.connect(source) as backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
    elif dialect.is_postgres():
        args, env = _pg_env(db)
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)], env)
    else:
        raise BackupError(f"Restoring is not supported for {connection.vendor}.")
