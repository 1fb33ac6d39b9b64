"""The data directory and what is stored in it are readable by Lindung's own user only.

The embedded database, uploaded lists and error reports hold personal data (UU 27/2022): the data
directory is created 0700, uploaded files 0600 in 0700 folders (``FILE_UPLOAD_PERMISSIONS`` and
``FILE_UPLOAD_DIRECTORY_PERMISSIONS`` in settings), and the SQLite database file with its WAL and
shared-memory files 0600 (``protect_sqlite_files``, run on every new connection; SQLite gives its WAL
and -shm files the database file's permissions).
"""

import os
from pathlib import Path

from lindung import dialect

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700 if this user owns it."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _chmod(path, PRIVATE_DIR)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:
        pass


def protect_sqlite_files(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: the SQLite database file (and -wal, -shm) 0600, its folder 0700."""
    if not dialect.is_sqlite(connection):
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    database = Path(name)
    if not database.exists():
        return
    for path in (database, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
        if path.exists():
            _chmod(path, PRIVATE_FILE)
    from django.conf import settings

    if database.parent == Path(settings.DATA_DIR):
        _chmod(database.parent, PRIVATE_DIR)
