"""Import jobs: upload, map the columns, check every row, then save in one transaction.

``create_job`` stores the file (under MEDIA_ROOT) and proposes a column mapping; ``queue_job`` fixes
the mapping and options; ``run_job`` checks every row, records the findings, and — unless it is a dry
run, or all-or-nothing was asked and a row failed — writes the accepted rows, the updates and the
sponsorships in one transaction together with the job's final state and its audit entry. A crash or a
kill before that transaction commits leaves nothing of the list visible.
"""

import datetime as dt
import hashlib
import logging
import threading
import time
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.accounts.access import Access
from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.errors import DomainError, InvalidInput
from lindung.funding.kinds import allowed_sources
from lindung.funding.models import BatchOrigin, Funder
from lindung.funding.scope import can_propose_for
from lindung.funding.sponsorships import check_terms, propose_sponsorships
from lindung.people.models import Worker
from lindung.regions.models import Region
from lindung.rules.choices import FundingSource

from . import lifecycle
from .columns import guess_mapping, header_key
from .models import ImportJob, Outcome, RememberedMapping, RowIssue, Status
from .pipeline import MappingError, Options, Validator, check_mapping, find_header, numbered_rows, validate_rows
from .readers import UnreadableFile, open_table, spool_path, text_of
from .writing import insert_workers, update_workers

log = logging.getLogger(__name__)



class ImportRefused(InvalidInput):
    """The upload or its options cannot be used; the message says why, in the active language."""


def access_for(job: ImportJob) -> Access:
    if job.created_by_id is None:
        return Access.console()
    return Access(job.created_by)


def visible_jobs(access: Access):
    """Imports a user may see: their own, and (government roles) those for regions in their scope."""
    qs = ImportJob.objects.select_related("created_by")
    if not access.can("import.run"):
        return qs.none()
    if access.is_national:
        return qs
    q = Q(created_by=access.user.pk)
    if access.role != Role.AGENT:
        for code in access.region_codes:
            q |= Q(region_code__startswith=code)
    return qs.filter(q)


def mapping_scope(access: Access, region_code: str) -> str:
    """Mappings are remembered per place: the list's region, else the uploader's regions."""
    if region_code:
        return f"region:{region_code}"
    if access.region_codes:
        return "region:" + ",".join(access.region_codes)
    return "national"


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _target_region(access: Access, options: Options) -> str:
    if options.village_code:
        return options.village_code
    if options.district_code:
        return options.district_code
    if len(access.region_codes) == 1:
        return access.region_codes[0]
    return ""


def check_options(access: Access, options: Options) -> None:
    """Refuse options the user may not use, before any row is read.

    A village operator's lists are for their village: rows that name no village go there.
    """
    codes = access.region_codes
    if not options.village_code and not options.district_code and len(codes) == 1 and len(codes[0]) == 10:
        options.village_code = codes[0]
    for code, length in ((options.village_code, 10), (options.district_code, 6)):
        if code and (len(code) != length or not code.isdigit()):
            raise ImportRefused(_("%(code)s is not a %(length)d-digit region code.") % {"code": code, "length": length})
        if code and not access.region_in_scope(code) and not access.is_national:
            raise ImportRefused(_("Region %(code)s is outside the regions you are assigned to.") % {"code": code})

    for code in (options.village_code, options.district_code):
        if code and not Region.objects.filter(code=code).exists():
            raise ImportRefused(_("Region %(code)s does not exist.") % {"code": code})
    if options.funder_id or options.programs or options.start_month or options.months:
        if not (options.funder_id and options.programs and options.start_month and options.months):
            raise ImportRefused(_("To create sponsorships give the funder, the programmes, the first month "
                                  "and the number of months."))

        funder = Funder.objects.filter(pk=options.funder_id).first()
        if funder is None:
            raise ImportRefused(_("Funder %(id)s does not exist.") % {"id": options.funder_id})
        if not can_propose_for(access, funder):
            raise ImportRefused(_("You may not propose sponsorships for this funder."))
        check_terms(options.programs, options.start_month, int(options.months))  # the rule every list meets
        sources = allowed_sources(funder.kind)
        if not options.funding_source:  # the first allowed source in the shared vocabulary's order
            options.funding_source = next((s for s in FundingSource.values if s in sources), "")
        if options.funding_source not in sources:
            raise ImportRefused(_("A %(kind)s funder may not pay from %(source)s.") % {
                "kind": funder.get_kind_display(), "source": options.funding_source})


def create_job(access: Access, path: Path | str, *, name: str = "", options: Options | None = None) -> ImportJob:
    """Store an uploaded list and propose a column mapping (remembered from this place, or guessed)."""
    access.require("import.run")
    options = options or Options()
    check_options(access, options)
    path = Path(path)
    region_code = _target_region(access, options)
    job = ImportJob(created_by=access.acting_user,
                    region_code=region_code, original_name=(name or path.name)[:255],
                    file_hash=_hash_file(path), file_size=path.stat().st_size,
                    options=options.as_json(), status=Status.MAPPING)
    with open(path, "rb") as handle:  # kept under MEDIA_ROOT; the stored copy is the one read from now on
        job.file.save(Path(name or path.name).name, File(handle), save=False)
    try:
        table = open_table(job.file.path, job.original_name)
        table.spool()  # a sheet is parsed once, here; the mapping page and the run read the spooled rows
        with closing(table.raw_rows()) as rows:  # closing stops a spreadsheet's reading process
            header_row, headers, _rest = find_header(rows)
    except (UnreadableFile, MappingError) as exc:
        spool_path(job.file.path).unlink(missing_ok=True)
        job.file.delete(save=False)
        raise ImportRefused(str(exc)) from None
    remembered = RememberedMapping.objects.filter(scope=mapping_scope(access, region_code)).first()
    job.file_format, job.header_row = table.file_format, header_row
    job.headers = [text_of(h) for h in headers]
    job.mapping = guess_mapping(headers, remembered.headers if remembered else None)
    job.save()
    return job


def discard_job(job: ImportJob) -> None:
    """Delete a job that was never started, with its upload and the rows parsed from it."""
    if job.file:
        spool_path(job.file.path).unlink(missing_ok=True)
        job.file.delete(save=False)
    job.delete()


def earlier_import_of_same_file(job: ImportJob) -> ImportJob | None:
    return (ImportJob.objects.filter(file_hash=job.file_hash, status=Status.DONE, outcome=Outcome.COMMITTED)
            .exclude(pk=job.pk).order_by("-created_at").first())


def queue_job(access: Access, job: ImportJob, mapping: dict[str, str] | None = None,
              options: Options | None = None) -> ImportJob:
    """Fix the mapping and options, remember the mapping for this place, and queue the job."""
    if not visible_jobs(access).filter(pk=job.pk).exists():
        raise PermissionDenied(_("You may not run this import."))
    if job.status != Status.MAPPING:
        raise ImportRefused(_("This import has already been started."))
    options = options or Options.from_json(job.options)
    check_options(access, options)
    mapping = {str(k): v for k, v in (mapping if mapping is not None else job.mapping).items() if v}
    try:
        check_mapping(mapping, options)
    except MappingError as exc:
        raise ImportRefused(str(exc)) from None
    remember_mapping(access, job, mapping)
    # The findings are written in the language of the person who started the import.
    job.mapping, job.options, job.language = mapping, options.as_json(), translation.get_language() or ""
    job.status = Status.QUEUED
    job.save(update_fields=["mapping", "options", "language", "status"])
    return job


def remember_mapping(access: Access, job: ImportJob, mapping: dict[str, str]) -> None:
    headers = {header_key(job.headers[int(i)]): f for i, f in mapping.items()
               if int(i) < len(job.headers) and header_key(job.headers[int(i)])}
    scope = mapping_scope(access, job.region_code)
    current = RememberedMapping.objects.filter(scope=scope).first()
    merged = {**(current.headers if current else {}), **headers}
    RememberedMapping.objects.update_or_create(scope=scope, defaults={"headers": merged})


# --- running ---------------------------------------------------------------------------------------

class Progress:
    """Writes the job's counters at most twice a second.

    While the rows are being written the job runs inside one transaction; on PostgreSQL the counters
    then go through a second connection (a short-lived thread), which other pages can read at once.
    SQLite allows one writer at a time, so there the "saved" counter moves only when the
    transaction commits (the page shows the saving phase without a count).
    """

    def __init__(self, job: ImportJob, interval: float = 0.5):
        self.job_id, self.interval, self.last = job.pk, interval, 0.0
        self.side_connection = False
        self._thread: threading.Thread | None = None

    def __call__(self, force: bool = False, **fields) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        fields["heartbeat_at"] = timezone.now()
        if self.side_connection:
            if not dialect.is_postgres():
                return
            if self._thread is not None and self._thread.is_alive():
                return  # the previous write is still on its way; skip this one
            self._thread = threading.Thread(target=_side_update, args=(self.job_id, fields), daemon=True)
            self._thread.start()
        else:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=10)


def _side_update(job_id: int, fields: dict) -> None:
    try:
        ImportJob.objects.filter(pk=job_id).update(**fields)
    except Exception:  # progress is best effort; the final counts are written with the rows
        log.debug("progress update skipped", exc_info=True)
    finally:
        connections.close_all()


def run_job(job: ImportJob | int, *, access: Access | None = None, today: dt.date | None = None) -> ImportJob:
    """Check and (unless told otherwise) save one import; returns the job in its final state."""
    job = ImportJob.objects.get(pk=job) if isinstance(job, int) else job
    with translation.override(job.language or settings.LANGUAGE_CODE), lifecycle.running(job):
        return _run(job, access or access_for(job), today)


def _run(job: ImportJob, access: Access, today: dt.date | None) -> ImportJob:
    options = Options.from_json(job.options)
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=Status.VALIDATING, started_at=now, phase_started_at=now,
                                               heartbeat_at=now, rows_read=0, rows_validated=0, rows_written=0,
                                               error="", finished_at=None, claimed_by=lifecycle.owner_name(),
                                               attempts=F("attempts") + 1)
    RowIssue.objects.filter(job=job).delete()  # a re-run after an interruption starts afresh
    progress = Progress(job)
    try:
        table = open_table(job.file.path, job.original_name)
        estimate = table.estimate_rows()
        progress(force=True, rows_total=estimate)
        validator = Validator(access, job.headers, job.mapping, options, region_code=job.region_code, today=today)

        first = []

        def on_rows(count: int) -> None:
            fields = {"rows_read": count, "rows_validated": count}
            if not first:  # the checking phase (and its time estimate) starts with the first rows, after reading
                first.append(count)
                fields["phase_started_at"] = timezone.now()
            if table.rows_declared > estimate:  # a sheet's size is known once its reader has loaded it
                fields["rows_total"] = table.rows_declared - job.header_row
            progress(force=len(first) == 1 and count == first[0], **fields)

        result = validate_rows(validator, numbered_rows(table, job.header_row), on_rows)
        RowIssue.objects.bulk_create([RowIssue(job_id=job.pk, row=i.row, column=i.column[:100], code=i.code,
                                               severity=i.severity, message=i.message)
                                      for i in validator.issues], batch_size=5000)
        counts = result.counts()
        counts["notices"] = validator.notices
        if options.dry_run:
            outcome = Outcome.DRY_RUN
        elif options.all_or_nothing and result.rejected:
            outcome = Outcome.NOTHING
        elif not (result.created or result.updated or (options.sponsoring and result.sponsor_niks)):
            outcome = Outcome.EMPTY
        else:
            outcome = Outcome.COMMITTED
        validated = result.rows
        if outcome != Outcome.COMMITTED:
            _finish(job, outcome, counts, rows_read=validated, rows_validated=validated, rows_written=0)
        else:
            _commit(job, access, options, result, counts, progress, validated)
    except TakenOver:
        progress.wait()
        log.warning("import %s was taken over by another worker; this run saved nothing", job.pk)
    except Exception as exc:
        progress.wait()
        if isinstance(exc, InvalidInput):
            message = exc.message
        elif isinstance(exc, (DomainError, PermissionDenied)):
            message = _("Nothing was saved: %(error)s") % {"error": getattr(exc, "message", str(exc))}
        else:
            message = _("The import stopped with an error; nothing was saved. (%(error)s)") % {
                "error": exc.__class__.__name__}
            log.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error=message, finished_at=timezone.now())
    if job.file:
        spool_path(job.file.path).unlink(missing_ok=True)  # finished: the parsed rows are not needed again
    job.refresh_from_db()
    return job


class TakenOver(Exception):
    """The job passed to another worker while this one was checking its rows."""


def _finish(job: ImportJob, outcome: str, counts: dict, **fields) -> None:
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=Status.DONE, outcome=outcome, counts=counts,
                                               finished_at=now, heartbeat_at=now, **fields)
    job.refresh_from_db()
    audit.record(job.created_by, audit.Action.OTHER, job, region_code=job.region_code,
                 summary=_("Import %(name)s checked: %(summary)s") % {"name": job.original_name,
                                                                       "summary": summary_text(counts)},
                 changes={"outcome": [None, outcome], **{k: [None, v] for k, v in counts.items()}})


def _commit(job, access, options: Options, result, counts: dict, progress: Progress, validated: int) -> None:
    to_write = result.created + result.updated
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATING, claimed_by=lifecycle.owner_name()).update(
            status=Status.COMMITTING, phase_started_at=now, heartbeat_at=now, rows_read=validated,
            rows_validated=validated, rows_to_write=to_write):
        raise TakenOver(job.pk)
    progress.side_connection = True
    user_id = job.created_by_id
    with transaction.atomic():
        # The job must still be this process's: a worker judged dead (its heartbeat stopped) may have
        # been replaced by another, which then saves the list; this one must not save it a second time.
        # The row stays locked until the rows are saved, so nobody takes the job meanwhile.
        if not ImportJob.objects.select_for_update().filter(pk=job.pk, status=Status.COMMITTING,
                                                            claimed_by=lifecycle.owner_name()).exists():
            raise TakenOver(job.pk)
        written = insert_workers(result.spool, registered_by_id=user_id, now=now,
                                 progress=lambda n: progress(rows_written=n))
        update_workers(result.updates, now=now)
        if result.updates:
            _audit_updates(job, result.updates)
        batch_id = None
        if options.sponsoring and result.sponsor_niks:
            batch = _propose(access, options, result.sponsor_niks, job)
            batch_id = batch.pk
            counts["sponsorships"] = batch.count
            counts["sponsorships_skipped"] = len(batch.skipped_worker_ids)
        progress.wait()
        progress.side_connection = False
        ImportJob.objects.filter(pk=job.pk).update(
            status=Status.DONE, outcome=Outcome.COMMITTED, counts=counts, rows_written=written + result.updated,
            finished_at=timezone.now(), heartbeat_at=timezone.now(), sponsorship_batch_id=batch_id)
        job.refresh_from_db()
        audit.record(job.created_by, audit.Action.CREATE, job, region_code=job.region_code,
                     summary=_("Import %(name)s saved: %(summary)s") % {"name": job.original_name,
                                                                       "summary": summary_text(counts)},
                     changes={"file_hash": [None, job.file_hash], **{k: [None, v] for k, v in counts.items()}})


def _audit_updates(job: ImportJob, updates: list) -> None:
    """One audit entry per changed worker, [value before, value after] for each changed field (personal
    data changed, UU 27/2022), through the one bulk audit writer."""
    region_of = {}
    ids = [worker_id for worker_id, *_changes in updates]
    for start in range(0, len(ids), 5000):
        region_of.update(Worker.objects.filter(pk__in=ids[start:start + 5000]).values_list("id", "village_id"))
    summary = _("Updated by import #%(id)s") % {"id": job.pk}
    audit.record_bulk(job.created_by, audit.Action.UPDATE, Worker, (
        audit.Entry(worker_id, region_code=region_of.get(worker_id, ""), summary=summary,
                    changes=audit.diff(before, changes))
        for worker_id, changes, before in updates))


def _propose(access, options: Options, niks: list[str], job: ImportJob):
    ids = []
    for start in range(0, len(niks), 5000):
        ids += list(Worker.objects.filter(nik__in=niks[start:start + 5000]).values_list("id", flat=True))
    funder = Funder.objects.get(pk=options.funder_id)
    return propose_sponsorships(access, funder, ids, options.programs, options.start_month, int(options.months),
                                options.funding_source, options.note or _("Import #%(id)s") % {"id": job.pk},
                                origin=BatchOrigin.IMPORT, skip_covered=True)


def summary_text(counts: dict) -> str:
    return _("%(rows)d rows: %(created)d new, %(updated)d updated, %(skipped)d already registered, "
             "%(rejected)d rejected, %(flagged)d to review") % {k: counts.get(k, 0) for k in
                                                               ("rows", "created", "updated", "skipped",
                                                                "rejected", "flagged")}
