"""Backing up and restoring the whole database, on either engine.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
  Lindung keeps serving; restoring copies the file back the same way, page by page.
- PostgreSQL: ``pg_dump --format=custom`` (consistent snapshot, compressed); restoring replaces the
  ``public`` schema and plays the backup (``pg_restore --file -`` into ``psql --single-transaction``), all
  or nothing. The PostgreSQL client programs must be on PATH.

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


def _restore_postgres(source: Path, args: list[str], env: dict) -> None:
    """Replace the schema and load the backup in one transaction: all or nothing.

    ``pg_restore --clean`` cannot be used: it drops each partition's constraints one by one, and
    PostgreSQL refuses to drop a constraint a partition inherits from its partitioned table. Instead the
    backup is turned into SQL (``pg_restore --file -``) and played by ``psql`` inside one transaction that
    first drops and recreates the ``public`` schema. The transaction is committed only when the whole
    backup was read and played; otherwise psql's session ends with it open and nothing has changed."""
    for program in ("pg_restore", "psql"):
        if shutil.which(program) is None:
            raise BackupError(f"{program} is not installed (the PostgreSQL client programs are needed).")
    listed = subprocess.run(["pg_restore", "--list", str(source)], capture_output=True, env=env)
    if listed.returncode != 0:
        raise BackupError(f"{source} is not a Lindung PostgreSQL backup: "
                          f"{listed.stderr.decode(errors='replace').strip()[:300]}")
    psql = subprocess.Popen(["psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--file", "-", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        psql.stdin.write(b"BEGIN;\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        psql.stdin.flush()
        played = subprocess.run(["pg_restore", "--no-owner", "--file", "-", str(source)], stdout=psql.stdin,
                                stderr=subprocess.PIPE, env=env)
        if played.returncode == 0:
            psql.stdin.write(b"COMMIT;\n")
        psql.stdin.close()
    except BrokenPipeError:  # psql stopped at an error; its message says which
        played = None
    errors = psql.stderr.read().decode(errors="replace")
    if psql.wait() != 0 or played is None or played.returncode != 0:
        if played is not None and played.returncode != 0:
            errors = played.stderr.decode(errors="replace")
        raise BackupError(f"Restore failed, nothing changed: {errors.strip()[:500]}")


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
        _restore_postgres(source, args, env)
    else:
        raise BackupError(f"Restoring is not supported for {connection.vendor}.")
