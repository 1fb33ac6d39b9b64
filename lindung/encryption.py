"""Personal data encrypted at rest: bank account numbers of auto-debit mandates.

Fernet (AES-128-CBC with an HMAC-SHA256 tag, from ``cryptography``): a stored value is ``enc1:`` followed
by the token, so an unencrypted value is recognised and refused rather than shown. The keys come from
``LINDUNG_ACCOUNT_KEY`` (comma-separated Fernet keys: the first encrypts, all decrypt — put a new key first
to rotate, then ``lindung autodebit rekey``), else from the file ``account_key`` in the data directory,
created 0600 on first use. Losing the key loses the account numbers: back it up apart from the database
(docs/security.md).
"""

from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from lindung.datadir import PRIVATE_FILE, private_dir

PREFIX = "enc1:"


def key_file() -> Path:
    return Path(settings.DATA_DIR) / "account_key"


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.ACCOUNT_KEYS)
    if not keys:
        path = key_file()
        if not path.exists():
            private_dir(path.parent)
            path.write_text(Fernet.generate_key().decode())
            path.chmod(PRIVATE_FILE)
        keys = [path.read_text().strip()]
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("LINDUNG_ACCOUNT_KEY (or the data directory's account_key) must hold "
                                   "Fernet keys: 32 url-safe base64-encoded bytes each.") from exc


def clear() -> None:
    """Forget the keys read (after the settings changed)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def is_encrypted(stored: str) -> bool:
    return (stored or "").startswith(PREFIX)


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        raise ValueError("An encrypted column holds a value that is not encrypted (run `lindung migrate`).")
    try:
        return _fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("The account key does not open the stored account numbers: was "
                                   "LINDUNG_ACCOUNT_KEY or the data directory's account_key changed?") from exc


def rotate(stored: str) -> str:
    """The value re-encrypted with the first key (``MultiFernet.rotate``)."""
    return PREFIX + _fernet().rotate(stored[len(PREFIX):].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; the application reads and writes the plain text. It cannot be
    searched or compared in SQL (every encryption of the same text differs)."""

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)
