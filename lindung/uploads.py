"""Limits on uploaded files, checked before anything reads them — one home for every door.

``LINDUNG_UPLOAD_MAX_MB`` (settings ``UPLOAD_MAX_MB``, default 25) bounds every file a user sends:
worker lists, bank statements, working-population tables, through the pages and the API.

- ``LimitedUploadHandler`` (in ``FILE_UPLOAD_HANDLERS``) stops storing an upload once it passes the
  limit — a 2 GB request does not fill the disk — but keeps counting, so the form can say how large
  the file was;
- ``validate_upload_size`` is the validator of every upload form field; ``check_upload_size`` is the
  same check for services and the command line (``lindung.imports.readers.open_table`` calls it).

Spreadsheets have a second bound (their declared cells, and the memory of the process that reads
them): see ``lindung.imports.readers``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lindung.errors import InvalidInput

MB = 1024 * 1024


class UploadTooLarge(InvalidInput):
    """A file over ``LINDUNG_UPLOAD_MAX_MB``; the message (in the active language) says so (API: 413)."""

    status = 413


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_MB * MB


def too_large_message(size: int) -> str:
    return _("The file is %(size)s MB; Lindung accepts files up to %(limit)s MB (LINDUNG_UPLOAD_MAX_MB). "
             "Split the list into smaller files.") % {
        "size": number_format(round(size / MB, 1), 1), "limit": number_format(settings.UPLOAD_MAX_MB)}


def check_upload_size(size: int) -> None:
    if size > max_upload_bytes():
        raise UploadTooLarge(too_large_message(size), "file")


def validate_upload_size(file) -> None:
    """Form-field validator: refuse a file over the limit with a message naming both sizes."""
    size = getattr(file, "size", 0) or 0
    if size > max_upload_bytes():
        raise ValidationError(too_large_message(size), code="file_too_large")


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Stores an upload in a temporary file, but nothing beyond the limit (its size is still counted)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_upload_bytes():
            return None  # dropped: the file is refused by validate_upload_size anyway
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        file = super().file_complete(file_size)
        file.size = file_size  # the size sent, not the size kept, so the message is true
        return file
