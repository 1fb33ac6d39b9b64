"""The demo scenario, drawn from published regional programmes (Gresik and Klaten pay RT/RW heads
through ADD; Jambi's BKBK grant, Pergub Jambi 16/2022; Sukabumi's "1 Desa 100 Pekerja Rentan").

- Gresik (3525): RT/RW heads in all 25 villages of Kecamatan Cerme, paid from ADD; vulnerable workers
  elsewhere in the regency; a CSR company.
- Jambi (15): vulnerable workers in villages across the province (BKBK grant to every village).
- Sukabumi (3202): "1 Desa 100 Pekerja Rentan" — one village with its 100 vulnerable workers.
- Klaten (3310): RT/RW heads funded through ADD.

Workers are synthetic, generated from a fixed seed: names are invented, NIKs are valid and issued
in the worker's own district.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lindung.accounts.models import Role, User
from lindung.accounts.services import create_user
from lindung.funding.models import Funder, FunderKind
from lindung.months import today as local_today
from lindung.people.models import Ecosystem, Segment, Sex, Worker
from lindung.regions.models import Level, Region

from .coverage import seed_coverage
from .funding import seed_funding
from .names import FAMILY, FEMALE, MALE

PASSWORD = "lindung-demo"
SEED = 20221223  # the day Gresik reported 39.40 % coverage

OCCUPATIONS = {
    Segment.RT_RW: ["Ketua RT", "Ketua RW"],
    Segment.VILLAGE_OFFICIAL: ["Kepala Dusun", "Sekretaris Desa", "Kaur Keuangan"],
    Segment.BPU_VULNERABLE: ["Petani", "Nelayan", "Buruh tani", "Pedagang pasar", "Pengemudi ojek",
                             "Pekerja rumah tangga", "Pedagang kaki lima", "Pemulung"],
    Segment.BPU_OTHER: ["Penjahit", "Tukang bangunan", "Pedagang online"],
}


@dataclass
class Group:
    villages: list[str]
    per_village: int
    segment: str
    ecosystem: str


def _villages(prefix: str, limit: int | None = None, step: int = 1) -> list[str]:
    codes = list(Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix)
                 .order_by("code").values_list("code", flat=True))
    return codes[::step][:limit]


def groups() -> list[Group]:
    return [
        Group(_villages("352511"), 8, Segment.RT_RW, Ecosystem.VILLAGE),           # Cerme RT/RW heads
        Group(_villages("352511"), 2, Segment.VILLAGE_OFFICIAL, Ecosystem.VILLAGE),
        Group(_villages("3525", 40, step=8), 6, Segment.BPU_VULNERABLE, Ecosystem.VULNERABLE),
        Group(_villages("15", 60, step=25), 5, Segment.BPU_VULNERABLE, Ecosystem.VULNERABLE),  # Jambi
        Group(_villages("15", 10, step=97), 3, Segment.BPU_OTHER, Ecosystem.MARKET),
        Group(_villages("3202", 1), 100, Segment.BPU_VULNERABLE, Ecosystem.VULNERABLE),      # Sukabumi
        Group(_villages("3202", 4, step=50)[1:], 10, Segment.BPU_VULNERABLE, Ecosystem.VULNERABLE),
        Group(_villages("3310", 20, step=12), 6, Segment.RT_RW, Ecosystem.VILLAGE),           # Klaten
    ]


def make_nik(district_code: str, birth: dt.date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"{district_code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def synthetic_workers(rng: random.Random, today: dt.date) -> list[Worker]:
    workers, serials, seen_nik = [], {}, set()
    for group in groups():
        for village in group.villages:
            for _ in range(group.per_village):
                sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
                first = rng.choice(FEMALE if sex == Sex.FEMALE else MALE)
                name = f"{first} {rng.choice(FAMILY)}".strip()
                birth = today - dt.timedelta(days=rng.randint(20 * 365, 60 * 365))
                key = (village[:6], birth)
                serials[key] = serials.get(key, 0) + 1
                nik = make_nik(village[:6], birth, sex, serials[key])
                if nik in seen_nik:
                    continue
                seen_nik.add(nik)
                income = 1_000_000 if rng.random() < 0.8 else rng.choice([1_500_000, 2_000_000, 2_500_000])
                worker = Worker(
                    nik=nik, name=name, birth_date=birth, sex=sex, village_id=village,
                    phone=f"08{rng.randint(11, 59)}{rng.randint(10_000_000, 99_999_999)}",
                    occupation=rng.choice(OCCUPATIONS[group.segment]), segment=group.segment,
                    ecosystem=group.ecosystem, declared_income=income,
                )
                worker.fill_derived()
                workers.append(worker)
    return workers


@transaction.atomic
def seed(today: dt.date | None = None, *, gresik_members: int | None = None) -> dict:
    """Create the demo funders, users and workers. Run once on an empty registry.

    ``gresik_members``: size of Gresik's December 2022 cohort (see ``lindung.demo.coverage``)."""
    rng = random.Random(SEED)
    today = today or local_today()
    Worker.objects.bulk_create(synthetic_workers(rng, today), batch_size=2000)

    funders = {
        "jambi": Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemerintah Provinsi Jambi", region_id="15"),
        "gresik": Funder.objects.create(kind=FunderKind.REGENCY, name="Pemerintah Kabupaten Gresik",
                                        region_id="3525"),
        "klaten": Funder.objects.create(kind=FunderKind.REGENCY, name="Pemerintah Kabupaten Klaten",
                                        region_id="3310"),
        "dadapkuning": Funder.objects.create(kind=FunderKind.VILLAGE, name="Pemerintah Desa Dadapkuning",
                                             region_id="3525112001"),
        "csr": Funder.objects.create(kind=FunderKind.COMPANY, name="PT Sinar Gresik Lestari (CSR)",
                                     region_id="3525"),
    }
    users = [
        ("admin", Role.NATIONAL_ADMIN, [], None, "Administrator nasional"),
        ("cabang.gresik", Role.BRANCH_OFFICER, ["3525"], None, "BPJS Ketenagakerjaan Cabang Gresik"),
        ("pemprov.jambi", Role.REGIONAL_OPERATOR, ["15"], None, "Operator Pemprov Jambi"),
        ("pemkab.gresik", Role.REGIONAL_OPERATOR, ["3525"], None, "Operator Pemkab Gresik"),
        ("desa.dadapkuning", Role.VILLAGE_OPERATOR, ["3525112001"], None, "Operator Desa Dadapkuning"),
        ("desa.lengkong", Role.VILLAGE_OPERATOR, ["3525112002"], None, "Operator Desa Lengkong"),
        ("csr.sinar", Role.FUNDER_USER, [], funders["csr"], "PT Sinar Gresik Lestari"),
        ("agen.cerme", Role.AGENT, ["352511"], None, "Agen Perisai Cerme"),
    ]

    logins = []
    password_hash = make_password(PASSWORD)
    for username, role, regions, funder, full_name in users:
        create_user(username, PASSWORD, role, regions, funder, password_hash=password_hash, first_name=full_name)
        logins.append({"username": username, "password": PASSWORD, "role": role, "regions": regions})
    # The agent registered part of Cerme's workers.
    cerme = list(Worker.objects.filter(district_code="352511", segment=Segment.BPU_VULNERABLE)
                 .values_list("pk", flat=True)) or \
        list(Worker.objects.filter(district_code="352511").values_list("pk", flat=True)[:40])

    Worker.objects.filter(pk__in=cerme[:40]).update(registered_by=User.objects.get(username="agen.cerme"))
    logins += seed_funding(today, PASSWORD, password_hash)
    seed_coverage(today, gresik_members=gresik_members)
    from .autodebit import seed_autodebit

    seed_autodebit(today)
    from .programmes import seed_programmes

    seed_programmes(today)
    from .claims import seed_claims

    logins += seed_claims(today, PASSWORD, password_hash)["logins"]
    return {"workers": Worker.objects.count(), "logins": logins}
