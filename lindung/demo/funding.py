"""Funding part of the demo (Jambi's BKBK, Pergub Jambi 16/2022; Gresik's ADD): every role finds work waiting.

- Jambi province (BKBK, APBD provinsi): budget Rp15,620,000,000 for the current year; its villages'
  vulnerable workers covered January–December (approved by a second province account); a village
  list of market traders waiting for ``pemprov.jambi`` to approve.
- Gresik, Kecamatan Cerme: each village pays its RT/RW heads from the village budget (ADD); in
  Dadapkuning the operator proposed the village officials and the village head (``kades.dadapkuning``)
  has to approve; Lengkong proposed its officials to the regency (``pemkab.gresik`` approves).
- PT Sinar Gresik Lestari (CSR) sponsored Sukabumi workers through matching for six months, ending
  this month; more Sukabumi workers are waiting in the pool.
- A SERTAKAN member pays for his household helper; the agent proposed his driver too (waiting for the
  member). The Cerme agent collects from self-payers whose current term ends this month, and has
  candidates in the pool.

Set-based throughout: a few bulk inserts, so ``lindung demo`` stays fast.
"""

import datetime as dt

from django.utils import timezone

from lindung.accounts.access import Access
from lindung.accounts.models import Role, User
from lindung.accounts.services import create_user
from lindung.funding import matching
from lindung.funding.approval import approve_batch, approve_locked
from lindung.funding.budget import set_budget
from lindung.funding.funders import self_funder_for
from lindung.funding.matching import MatchRequest
from lindung.funding.models import BatchOrigin, Budget, Funder, FunderKind
from lindung.funding.sponsorships import create_batch, propose_sponsorships
from lindung.months import add_months, first_of_month
from lindung.people.models import Segment, Worker
from lindung.regions.models import Region

BKBK = 15_620_000_000  # 1,562 villages × Rp100,000,000 × 10 % (Pergub Jambi 16/2022)


def _user(username):
    return User.objects.get(username=username)


def _ids(qs) -> list[int]:
    return list(qs.order_by("id").values_list("id", flat=True))


def seed_funding(today: dt.date, password: str, password_hash: str) -> list[dict]:
    """Create the demo's funders, budgets, lists, pool and sponsorships; returns the extra logins."""
    month = first_of_month(today)
    year, next_month = today.year, add_months(month, 1)
    funders = {f.name: f for f in Funder.objects.all()}
    jambi = funders["Pemerintah Provinsi Jambi"]
    gresik = funders["Pemerintah Kabupaten Gresik"]
    csr = funders["PT Sinar Gresik Lestari (CSR)"]
    sertakan = Funder.objects.create(kind=FunderKind.SERTAKAN, name="Bapak Hartono (SERTAKAN)", region_id="3525",
                                     agent=_user("agen.cerme"), wadah="Wadah Perisai Cerme")

    jambi_market_village = (Worker.objects.filter(province_code="15", segment=Segment.BPU_OTHER)
                            .order_by("village_id").values_list("village_id", flat=True).first())
    extra = [
        ("kades.dadapkuning", Role.VILLAGE_OPERATOR, ["3525112001"], None, "Kepala Desa Dadapkuning"),
        ("bpkad.jambi", Role.REGIONAL_OPERATOR, ["15"], None, "Kepala BPKAD Provinsi Jambi"),
        ("desa.jambi", Role.VILLAGE_OPERATOR, [jambi_market_village], None, "Operator desa di Jambi"),
        ("agen.sukabumi", Role.AGENT, ["3202"], None, "Agen Perisai Sukabumi"),
        ("sertakan.hartono", Role.FUNDER_USER, [], sertakan, "Bapak Hartono"),
    ]
    logins = []
    for username, role, regions, funder, full_name in extra:
        create_user(username, password, role, regions, funder, password_hash=password_hash, first_name=full_name)
        logins.append({"username": username, "password": password, "role": role, "regions": regions})
    who = {name: Access(_user(name)) for name in (
        "pemprov.jambi", "bpkad.jambi", "desa.jambi", "desa.dadapkuning", "kades.dadapkuning", "desa.lengkong",
        "pemkab.gresik", "csr.sinar", "agen.cerme", "agen.sukabumi", "sertakan.hartono")}

    # Jambi: the year's BKBK budget, the villages' vulnerable workers January–December, a waiting list.
    years = sorted({year, add_months(next_month, 11).year})  # this year and the pending lists' span
    for y in years:
        set_budget(who["bpkad.jambi"], jambi, fiscal_year=y, source="apbd-province", amount=BKBK,
                   note=f"BKBK {y}: 1.562 desa × Rp100 juta × 10 %")
    vulnerable = _ids(Worker.objects.filter(province_code="15", segment=Segment.BPU_VULNERABLE))
    batch = propose_sponsorships(who["pemprov.jambi"], jambi, vulnerable, ["jkk", "jkm"],
                                 dt.date(year, 1, 1), 12, "apbd-province", f"BKBK {year}, Pergub 16/2022")
    approve_batch(who["bpkad.jambi"], batch, today=today)
    market = _ids(Worker.objects.filter(village_id=jambi_market_village, segment=Segment.BPU_OTHER))
    propose_sponsorships(who["desa.jambi"], jambi, market, ["jkk", "jkm"], next_month, 12, "apbd-province",
                         "Pedagang pasar desa, hasil musdes")

    # Cerme: every village pays its RT/RW heads from the village budget (ADD).
    cerme_villages = sorted(set(Worker.objects.filter(district_code="352511", segment=Segment.RT_RW)
                                .values_list("village_id", flat=True)))

    names = dict(Region.objects.filter(code__in=cerme_villages).values_list("code", "name"))
    existing = {f.region_id: f for f in Funder.objects.filter(kind=FunderKind.VILLAGE, region_id__in=cerme_villages)}
    Funder.objects.bulk_create([Funder(kind=FunderKind.VILLAGE, name=f"Pemerintah Desa {names[code]}", region_id=code)
                                for code in cerme_villages if code not in existing])
    villages = {f.region_id: f for f in Funder.objects.filter(kind=FunderKind.VILLAGE, region_id__in=cerme_villages)}

    Budget.objects.bulk_create([Budget(funder=f, fiscal_year=y, source="village-budget", amount=20_000_000,
                                       note=f"ADD {y}") for f in villages.values() for y in years])
    for code, funder in sorted(villages.items()):
        heads = _ids(Worker.objects.filter(village_id=code, segment=Segment.RT_RW))
        if code == "3525112001":  # Dadapkuning's own accounts: operator proposes, village head approves
            batch = propose_sponsorships(who["desa.dadapkuning"], funder, heads, ["jkk", "jkm"],
                                         dt.date(year, 1, 1), 12, "village-budget", f"Perdes ADD {year}")
            approve_batch(who["kades.dadapkuning"], batch, today=today)
            continue
        # The other villages' decrees were recorded from their signed lists.
        batch = create_batch(None, funder, heads, Worker.objects.all(), "jkk,jkm", dt.date(year, 1, 1), 12,
                             "village-budget", f"Perdes ADD {year} (signed list recorded)",
                             origin=BatchOrigin.IMPORT, skip_covered=False)
        approve_locked(None, batch, funder, today=today)
    dadap_officials = _ids(Worker.objects.filter(village_id="3525112001", segment=Segment.VILLAGE_OFFICIAL))
    propose_sponsorships(who["desa.dadapkuning"], villages["3525112001"], dadap_officials, ["jkk", "jkm"],
                         next_month, 12, "village-budget", "Perangkat desa, musdes")
    for y in years:
        set_budget(who["pemkab.gresik"], gresik, fiscal_year=y, source="apbd-regency", amount=500_000_000,
                   note=f"APBD Gresik {y}")
    lengkong_officials = _ids(Worker.objects.filter(village_id="3525112002", segment=Segment.VILLAGE_OFFICIAL))
    propose_sponsorships(who["desa.lengkong"], gresik, lengkong_officials, ["jkk", "jkm"], next_month, 12,
                         "apbd-regency", "Perangkat Desa Lengkong")

    # Sukabumi: the agent's workers wait in the pool; the company matched 60 of them six months ago.
    sukabumi = Worker.objects.filter(regency_code="3202")
    sukabumi.update(registered_by=_user("agen.sukabumi"))
    ids = _ids(sukabumi)
    now = timezone.now()
    for i, chunk in enumerate(ids[j:j + 10] for j in range(0, len(ids), 10)):
        matching.add_to_pool(who["agen.sukabumi"], chunk, since=now - dt.timedelta(days=400 - 7 * i),
                             note="1 Desa 100 Pekerja Rentan")
    started = add_months(month, -5)
    request = MatchRequest(count=60, months=6, start_month=started, programs="jkk,jkm", region="3202")
    set_budget(who["csr.sinar"], csr, fiscal_year=year, source="csr", amount=50_000_000,
               note=f"TJSL {year}")
    chosen = [c["worker_id"] for c in matching.preview(who["csr.sinar"], csr, request)["candidates"]]
    matching.confirm(who["csr.sinar"], csr, chosen, request, today=today, note="GN Lingkaran Sukabumi")

    # Cerme agent: self-payers whose term ends this month, candidates in the pool, a SERTAKAN household.
    agent_workers = _ids(Worker.objects.filter(registered_by__username="agen.cerme", segment=Segment.BPU_VULNERABLE))
    helper, driver = agent_workers[:2]
    Worker.objects.filter(pk=helper).update(occupation="Pekerja rumah tangga")
    Worker.objects.filter(pk=driver).update(occupation="Sopir pribadi")
    batch = propose_sponsorships(who["agen.cerme"], sertakan, [helper], ["jkk", "jkm"],
                                 add_months(month, -10), 12, "donor", "Pekerja rumah tangga keluarga Hartono")
    approve_batch(who["sertakan.hartono"], batch, today=today)
    propose_sponsorships(who["agen.cerme"], sertakan, [driver], ["jkk", "jkm"], next_month, 12, "donor",
                         "Sopir keluarga Hartono")
    for worker in Worker.objects.filter(pk__in=agent_workers[2:10]):
        funder = self_funder_for(Access.console(), worker, agent=_user("agen.cerme"), wadah="Wadah Perisai Cerme")
        batch = create_batch(_user("agen.cerme"), funder, [worker.pk], Worker.objects.all(), "jkk,jkm",
                             add_months(month, -2), 3, "self", "Peserta mandiri (bayar lewat agen)",
                             origin=BatchOrigin.DIRECT, skip_covered=False)
        approve_locked(_user("agen.cerme"), batch, funder, today=today)
    matching.add_to_pool(who["agen.cerme"], agent_workers[10:], since=now - dt.timedelta(days=90),
                         note="Pekerja rentan Cerme, belum ada donatur")
    return logins
