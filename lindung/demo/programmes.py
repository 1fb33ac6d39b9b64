"""The demo's programmes with targets (docs/programmes.md).

- Kabupaten Sukabumi's "1 Desa 100 Pekerja Rentan" (the 2024 agreement between the regency and BPJS
  Ketenagakerjaan Cabang Sukabumi): 100 vulnerable workers per village, paid from the regency's budget
  from this month. Three villages take part: one has exactly 100 covered, one 112, one only 47 — behind.
- Gresik's Perbup on village funds (ADD) for RT/RW heads: the target is every RT/RW head of each Cerme
  village; the villages' own lists belong to it.
- Jambi's BKBK 10 %: the province's lists of vulnerable workers belong to it; the target is every
  vulnerable worker registered in each village.
"""

import datetime as dt
import random

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.funding.approval import approve_locked
from lindung.funding.budget import set_budget
from lindung.funding.models import BatchOrigin, Funder, FunderKind, SponsorshipBatch
from lindung.funding.sponsorships import create_batch
from lindung.people.models import Ecosystem, Segment, Sex, Worker
from lindung.programmes.services import attach_lists, create_programme, set_villages

from .scenario import FAMILY, FEMALE, MALE, OCCUPATIONS, _villages, make_nik

SUKABUMI_COVERED = (100, 112, 47)  # at, above and below the target of 100


def seed_programmes(today: dt.date) -> dict:
    admin = Access(User.objects.get(username="admin"))
    month = today.replace(day=1)
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 1)
    created = {"sukabumi": _sukabumi(admin, month, today)}
    gresik = Funder.objects.filter(kind=FunderKind.REGENCY, region_id="3525").first()
    if gresik is not None:
        programme = create_programme(admin, gresik, name="ADD untuk Ketua RT/RW (Perbup Gresik)",
                                     legal_basis="Peraturan Bupati Gresik tentang pengalokasian ADD untuk "
                                                 "jaminan sosial ketenagakerjaan Ketua RT/RW",
                                     start_month=year_start, end_month=year_end, target_segment=Segment.RT_RW)
        attach_lists(admin, programme, SponsorshipBatch.objects.filter(
            funder__kind=FunderKind.VILLAGE, funder__region__code__startswith="352511", state="approved"))
        set_villages(admin, programme, dict.fromkeys(
            Funder.objects.filter(kind=FunderKind.VILLAGE, region__code__startswith="352511")
            .values_list("region_id", flat=True)))
        created["gresik"] = programme.pk
    jambi = Funder.objects.filter(kind=FunderKind.PROVINCE, region_id="15").first()
    if jambi is not None:
        programme = create_programme(admin, jambi, name="BKBK 10 % untuk pekerja rentan",
                                     legal_basis="Pergub Jambi 16/2022 (BKBK: 10 % untuk jaminan sosial)",
                                     start_month=year_start, end_month=year_end, target_segment=Segment.BPU_VULNERABLE,
                                     budget=15_620_000_000)
        attach_lists(admin, programme, SponsorshipBatch.objects.filter(funder=jambi))
        created["jambi"] = programme.pk
    return created


def _sukabumi(admin, month: dt.date, today: dt.date) -> int:
    regency = Funder.objects.create(kind=FunderKind.REGENCY, name="Pemerintah Kabupaten Sukabumi", region_id="3202")
    villages = _villages("3202")[20::50][:len(SUKABUMI_COVERED)]  # villages without demo workers yet
    rng = random.Random(1100)
    workers = []
    for code, count in zip(villages, SUKABUMI_COVERED):
        for serial in range(count):
            sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
            birth = today - dt.timedelta(days=rng.randint(20 * 365, 60 * 365))
            worker = Worker(nik=make_nik(code[:6], birth, sex, 5000 + serial), village_id=code, sex=sex,
                            name=f"{rng.choice(FEMALE if sex == Sex.FEMALE else MALE)} {rng.choice(FAMILY)}".strip(),
                            birth_date=birth, occupation=rng.choice(OCCUPATIONS[Segment.BPU_VULNERABLE]),
                            segment=Segment.BPU_VULNERABLE, ecosystem=Ecosystem.VULNERABLE,
                            declared_income=1_000_000)
            worker.fill_derived()
            workers.append(worker)
    Worker.objects.bulk_create(workers)
    months = 13 - month.month if month.month < 12 else 12
    set_budget(admin, regency, fiscal_year=month.year, source="apbd-regency", amount=5_000_000_000,
               note="1 Desa 100 Pekerja Rentan")
    if month.month == 12:
        set_budget(admin, regency, fiscal_year=month.year + 1, source="apbd-regency", amount=5_000_000_000,
                   note="1 Desa 100 Pekerja Rentan")
    programme = create_programme(
        admin, regency, name="1 Desa 100 Pekerja Rentan",
        legal_basis="Nota kesepahaman Pemkab Sukabumi dan BPJS Ketenagakerjaan Cabang Sukabumi (14 Agustus 2024)",
        start_month=month, end_month=dt.date(month.year, 12, 1) if month.month < 12 else dt.date(month.year + 1, 11, 1),
        target_workers=100, budget=5_000_000_000)
    set_villages(admin, programme, dict.fromkeys(villages))
    for code in villages:
        ids = list(Worker.objects.filter(village_id=code, nik__in=[w.nik for w in workers]).values_list("pk", flat=True))
        batch = create_batch(None, regency, ids, Worker.objects.all(), "jkk,jkm", month, months,
                             "apbd-regency", f"1 Desa 100 Pekerja Rentan — desa {code}",
                             origin=BatchOrigin.IMPORT, skip_covered=False)
        approve_locked(None, batch, regency, today=today)
        attach_lists(admin, programme, [batch])
    bill(Access.console(), month)
    for invoice in Invoice.objects.filter(funder=regency, month=month):
        record_payment(invoice, amount=invoice.total, reference=f"SUKABUMI-{invoice.pk}",
                       paid_on=min(today, invoice.due_date or today))
    return programme.pk
