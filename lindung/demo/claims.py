"""Claims part of the demo: each role finds claim work waiting (seeds 002 and 003).

- Jambi (seed 002): six BKBK-funded workers died this year; the governor handed JKM (and, for the
  two killed in work accidents, JKK and scholarships through JKK) to their heirs: paid.
- Sukabumi (seed 003): a vulnerable worker paid by the regency since January 2023 (more than 3
  years of contributions) died last month; JKM Rp42 million paid and his two children's
  scholarships running.
- Desa Lengkong (Gresik): an RT head died while his membership had lapsed; the claim was refused
  with the reason and withdrawn.
- Cerme: a work accident with STMB periods, submitted to BPJS and waiting for its payment.
- Desa Dadapkuning: a death confirmed, its JKM claim waiting for documents.
- A civil registry's notification: an unconfirmed death report waiting for the Gresik branch.
"""

import base64
import datetime as dt
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.accounts.access import Access
from lindung.accounts.models import Role, User
from lindung.accounts.services import create_user
from lindung.billing.models import BillingPlan, Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.claims import data, workflow
from lindung.claims.dci import canonical, process_all, receive
from lindung.claims.documents import upload_document
from lindung.claims.events import confirm_event, report_event
from lindung.claims.heirs import add_family_member
from lindung.claims.models import TrustedSender
from lindung.coverage.models import CoveredMonth, Status
from lindung.coverage.services import status_of
from lindung.funding.models import Funder, FunderKind, ReservedMonth, Sponsorship
from lindung.months import add_months, month_index
from lindung.people.models import Worker
from lindung.regions.models import Level, Region

PDF = b"%PDF-1.4\n% Lindung demo document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SUKABUMI_REGENCY = "3202"


def _doc(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _users(password: str, password_hash: str | None) -> dict:
    sukabumi_village = (Region.objects.filter(level=Level.VILLAGE, code__startswith=SUKABUMI_REGENCY)
                        .order_by("code").values_list("code", flat=True).first())
    jambi_regencies = list(Region.objects.filter(level=Level.REGENCY, code__startswith="15")
                           .values_list("code", flat=True))
    new = [
        ("cabang.gresik2", Role.BRANCH_OFFICER, ["3525"], "BPJS Ketenagakerjaan Cabang Gresik (pemeriksa)"),
        ("cabang.jambi", Role.BRANCH_OFFICER, jambi_regencies, "BPJS Ketenagakerjaan Cabang Jambi"),
        ("cabang.jambi2", Role.BRANCH_OFFICER, jambi_regencies, "BPJS Ketenagakerjaan Cabang Jambi (pemeriksa)"),
        ("cabang.sukabumi", Role.BRANCH_OFFICER, [SUKABUMI_REGENCY], "BPJS Ketenagakerjaan Cabang Sukabumi"),
        ("cabang.sukabumi2", Role.BRANCH_OFFICER, [SUKABUMI_REGENCY],
         "BPJS Ketenagakerjaan Cabang Sukabumi (pemeriksa)"),
        ("pemkab.sukabumi", Role.REGIONAL_OPERATOR, [SUKABUMI_REGENCY], "Operator Pemkab Sukabumi"),
        ("desa.palabuhanratu", Role.VILLAGE_OPERATOR, [sukabumi_village], "Operator Desa Palabuhanratu"),
    ]
    logins = []
    for username, role, regions, full_name in new:
        if not User.objects.filter(username=username).exists():
            create_user(username, password, role, regions, None, password_hash=password_hash, first_name=full_name)
            logins.append({"username": username, "password": password, "role": role, "regions": regions})
    who = {u.username: Access(u) for u in User.objects.all()}
    return {"who": who, "logins": logins, "sukabumi_village": sukabumi_village}


def _walk(claim, preparer, maker, checker, documents, *, paid_on: dt.date, reference: str, year: int | None = None):
    """Upload, verify, submit and record the payment of a claim."""
    for kind in documents:
        upload_document(preparer, claim, kind=kind, upload=_doc(f"{kind}.pdf"))
    if year:
        upload_document(preparer, claim, kind="enrolment_letter", year=year, upload=_doc("surat-aktif-sekolah.pdf"))
    workflow.verify(maker, claim, today=paid_on)
    workflow.submit(checker, claim)
    claim.refresh_from_db()
    workflow.record_paid(checker, claim, amount=claim.expected_amount if not claim.years.exists()
                         else claim.years.order_by("year").first().amount, paid_on=paid_on, reference=reference,
                         today=paid_on)


def seed_claims(today: dt.date, password: str, password_hash: str | None = None) -> dict:
    ctx = _users(password, password_hash)
    who = ctx["who"]
    month = today.replace(day=1)
    out = {"jambi": 0}

    # --- Jambi: six heirs of BKBK-funded workers ---------------------------------------------------------

    jambi = list(Worker.objects.filter(province_code="15", reserved_months__funder__kind="province",
                                       covered_months__isnull=False).distinct().order_by("id")[:6])
    branch, checker = who["cabang.jambi"], who["cabang.jambi2"]
    for i, worker in enumerate(jambi):
        covered = list(CoveredMonth.objects.filter(worker=worker).order_by("month").values_list("month", flat=True))
        died = covered[min(i, len(covered) - 1)].replace(day=5 + i)
        if died >= today:
            continue
        work_accident = i >= 4   # two died in work accidents: JKK, and scholarships through JKK
        event = report_event(branch, worker, kind="death", date=died,
                             cause="work_accident" if work_accident else "not_work", today=today,
                             place="Kebun" if work_accident else "Rumah")
        confirm_event(branch, event, note="Akta kematian Disdukcapil")
        spouse = add_family_member(branch, worker, name=f"Ahli waris {worker.name.split()[0]}",
                                   relationship="spouse", birth_date=worker.birth_date + dt.timedelta(days=700))
        kind = "jkk_death" if work_accident else "jkm"
        claim = workflow.open_claim(branch, event, kind, heir=spouse, payee=spouse, bank_name="Bank Jambi",
                                    bank_account=f"0{i}12345678", today=today)
        paid_on = min(died + dt.timedelta(days=20), today)
        _walk(claim, branch, branch, checker, data.checklist(kind), paid_on=paid_on, reference=f"BPJS-JMB-{i + 1:03d}")
        out["jambi"] += 1
        if work_accident:
            child = add_family_member(branch, worker, name=f"Anak {worker.name.split()[0]}", relationship="child",
                                      birth_date=dt.date(today.year - 10, 7, 1), school_level="sd", year_in_level=4)
            scholarship = workflow.open_claim(branch, event, "scholarship", child=child, payee=spouse,
                                              bank_name="Bank Jambi", bank_account=f"0{i}12345678", today=today)
            _walk(scholarship, branch, branch, checker, data.checklist("scholarship"), paid_on=paid_on,
                  reference=f"BPJS-JMB-BS-{i + 1:03d}", year=died.year)

    out["sukabumi"] = _sukabumi(today, who, ctx["sukabumi_village"])
    out["lapsed"] = _lapsed_death(today, who)
    out["stmb"] = _accident(today, who)
    out["waiting"] = _waiting_for_documents(today, who)
    out["registry"] = _registry_report(today)
    return {"claims": out, "logins": ctx["logins"], "covered_months": ReservedMonth.objects.count()}


def _sukabumi(today: dt.date, who: dict, village: str) -> int:
    """More than 3 years paid by the regency in yearly advances, a death last month, JKM and two scholarships."""
    worker = Worker.objects.filter(village_id=village, sponsorships__isnull=True).order_by("id").first()
    if worker is None:
        return 0
    regency = Funder.objects.create(kind=FunderKind.REGENCY, name="Pemerintah Kabupaten Sukabumi",
                                    region_id=SUKABUMI_REGENCY)
    BillingPlan.objects.create(funder=regency, prepay_months=12)
    start, month = dt.date(2023, 1, 1), today.replace(day=1)
    months = month_index(month) - month_index(start) + 1
    sponsorship = Sponsorship(funder=regency, worker=worker, programs="jkk,jkm", funding_source="apbd-regency",
                              start_month=start, months=months, state="active", note="Program 1 Desa 100 Pekerja Rentan")
    sponsorship.save()
    ReservedMonth.objects.bulk_create([ReservedMonth(sponsorship=sponsorship, worker=worker, program=p,
                                                   month=add_months(start, i), funder=regency,
                                                   funding_source="apbd-regency")
                                      for i in range(months) for p in ("jkk", "jkm")])
    for year in range(start.year, month.year + 1):
        bill(Access.console(), dt.date(year, 1, 1))   # a yearly advance: January bills the whole year
        for invoice in Invoice.objects.filter(funder=regency, paid=0, month=dt.date(year, 1, 1)):
            record_payment(invoice, amount=invoice.outstanding, reference=f"SKB-{year}",
                           paid_on=dt.date(year, 1, 10))
    died = add_months(month, -1).replace(day=12)
    desa = who["desa.palabuhanratu"]
    event = report_event(desa, worker, kind="death", date=died, cause="not_work", place="Palabuhanratu", today=today)
    confirm_event(who["cabang.sukabumi"], event, note="Akta kematian diterima")
    wife = add_family_member(desa, worker, name="Neneng Rohaeni", relationship="spouse",
                             birth_date=dt.date(1986, 4, 9))
    rina = add_family_member(desa, worker, name="Rina", relationship="child", birth_date=dt.date(today.year - 9, 8, 1),
                             school_level="sd", year_in_level=3)
    ujang = add_family_member(desa, worker, name="Ujang", relationship="child",
                              birth_date=dt.date(today.year - 5, 9, 1), school_level="tk", year_in_level=1)
    paid_on = min(died + dt.timedelta(days=14), today)
    jkm = workflow.open_claim(desa, event, "jkm", heir=wife, payee=wife, bank_name="BRI", bank_account="012301000123501",
                              account_holder=wife.name, today=today)
    _walk(jkm, desa, who["cabang.sukabumi"], who["cabang.sukabumi2"], data.checklist("jkm"), paid_on=paid_on,
          reference="JKM-SKB-0001")
    for child in (rina, ujang):
        claim = workflow.open_claim(desa, event, "scholarship", child=child, payee=wife, bank_name="BRI",
                                    bank_account="012301000123501", account_holder=wife.name, today=today)
        _walk(claim, desa, who["cabang.sukabumi"], who["cabang.sukabumi2"], data.checklist("scholarship"),
              paid_on=paid_on, reference=f"BS-SKB-{child.name.upper()}", year=died.year)
    return 3


def _lapsed_death(today: dt.date, who: dict) -> int:
    """An RT head of Desa Lengkong died during the months his village had not paid: refused, withdrawn."""
    ids = ReservedMonth.objects.filter(funder__region_id="3525112002").values_list("worker_id", flat=True)
    worker = Worker.objects.filter(pk__in=ids, died_on__isnull=True).order_by("id").first()
    if worker is None:
        return 0
    month = today.replace(day=1)
    lapsed = next((add_months(month, -k) for k in range(5, 1, -1)
                   if status_of(worker, add_months(month, -k)) == Status.LAPSED), None)
    if lapsed is None:
        return 0
    event = report_event(who["desa.lengkong"], worker, kind="death", date=lapsed.replace(day=18), today=today)
    confirm_event(who["cabang.gresik"], event, note="Surat kematian dari desa")
    claim = workflow.open_claim(who["desa.lengkong"], event, "jkm", today=today)
    workflow.withdraw(who["desa.lengkong"], claim, note=claim.eligibility["reasoning"][:250])
    return 1


def _accident(today: dt.date, who: dict) -> int:
    """A Cerme worker's work accident: two periods unable to work, submitted, waiting for BPJS's payment."""
    covered = (CoveredMonth.objects.filter(village_code="3525112001", month__lt=add_months(today.replace(day=1), -1))
               .order_by("-month", "-worker_id").first())
    if covered is None:
        return 0
    worker, accident = Worker.objects.get(pk=covered.worker_id), covered.month.replace(day=7)
    desa = who["desa.dadapkuning"]
    event = report_event(desa, worker, kind="accident", date=accident, place="Sawah Dadapkuning",
                         description="Terjatuh dari pematang saat mengangkut gabah", today=today)
    confirm_event(who["cabang.gresik"], event)
    claim = workflow.open_claim(desa, event, "stmb", bank_name="BRI", bank_account="998877665544",
                                periods=[{"from": accident.isoformat(),
                                          "to": (accident + dt.timedelta(days=30)).isoformat()},
                                         {"from": (accident + dt.timedelta(days=45)).isoformat(),
                                          "to": (accident + dt.timedelta(days=59)).isoformat()}], today=today)
    for kind in data.checklist("stmb"):
        upload_document(desa, claim, kind=kind, upload=_doc(f"{kind}.pdf"))
    workflow.verify(who["cabang.gresik"], claim)
    workflow.submit(who["cabang.gresik2"], claim)
    return 1


def _waiting_for_documents(today: dt.date, who: dict) -> int:
    worker = (Worker.objects.filter(village_id="3525112001", died_on__isnull=True, covered_months__isnull=False,
                                    claims__isnull=True).distinct().order_by("id").first())
    if worker is None:
        return 0
    desa = who["desa.dadapkuning"]
    event = report_event(desa, worker, kind="death", date=today - dt.timedelta(days=6), today=today, place="Rumah")
    confirm_event(who["cabang.gresik"], event)
    son = add_family_member(desa, worker, name=f"Putra {worker.name.split()[0]}", relationship="child",
                            birth_date=dt.date(1995, 2, 2))
    claim = workflow.open_claim(desa, event, "jkm", heir=son, payee=son, today=today)
    for kind in ("death_certificate", "family_card"):
        upload_document(desa, claim, kind=kind, upload=_doc(f"{kind}.pdf"))
    return 1


def _registry_report(today: dt.date) -> int:
    """Disdukcapil Gresik notified a death through the DCI interface: unconfirmed, for the branch to check."""
    worker = (Worker.objects.filter(regency_code="3525", died_on__isnull=True, life_events__isnull=True,
                                    covered_months__isnull=False).distinct().order_by("id").first())
    if worker is None:
        return 0
    key = Ed25519PrivateKey.generate()  # the demo registry's key; only its public half is kept
    TrustedSender.objects.update_or_create(sender_id="dukcapil.gresik", defaults={
        "name": "Disdukcapil Kabupaten Gresik (demo)",
        "public_key": base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()})
    died = today - dt.timedelta(days=3)
    header = {"version": "1.0.0", "message_id": f"dukcapil-gresik-{today:%Y%m%d}-0001",
              "message_ts": f"{today.isoformat()}T08:00:00+07:00", "action": "notify",
              "sender_id": "dukcapil.gresik", "receiver_id": "lindung", "total_count": 1}
    message = {"transaction_id": f"txn-{today:%Y%m%d}", "notify_event": [{
        "reference_id": "AKTA-3525-KM-0001", "timestamp": f"{today.isoformat()}T08:00:00+07:00",
        "data": {"reg_event_type": "death", "reg_record": {
            "identifier": [{"identifier_type": "UIN", "identifier_value": worker.nik}],
            "death_date": died.isoformat()}}}]}
    body = {"signature": base64.b64encode(key.sign(canonical(header, message))).decode(), "header": header,
            "message": message}
    receive(json.dumps(body).encode(), "notify")
    process_all()
    return 1
