"""The demo's programmes: Sukabumi's "1 Desa 100 Pekerja Rentan" with villages at, above and below the
target of 100; Gresik's and Jambi's lists belong to their programmes."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.demo.scenario import seed
from lindung.funding.models import FunderKind, SponsorshipBatch
from lindung.programmes.models import Programme
from lindung.programmes.services import progress

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def demo(db):
    seed(TODAY)


def test_sukabumi_has_villages_at_above_and_below_the_target(demo, client):
    admin = User.objects.get(username="admin")
    programme = Programme.objects.get(name="1 Desa 100 Pekerja Rentan")
    data = progress(Access(admin), programme, dt.date(2026, 11, 1))
    assert sorted((r["target"], r["covered"], r["state"]) for r in data["villages"]) == [
        (100, 47, "below"), (100, 100, "at"), (100, 112, "above")]
    assert len(data["behind"]) == 1 and data["budget"]["paid"] == 259 * 16_800
    client.force_login(admin)
    assert 'id="behind-count">1<' in client.get(f"/programmes/{programme.pk}/", {"month": "2026-11"}).content.decode()


def test_gresiks_and_jambis_lists_belong_to_their_programmes(demo):
    gresik = Programme.objects.get(funder__kind=FunderKind.REGENCY, funder__region_id="3525")
    jambi = Programme.objects.get(funder__kind=FunderKind.PROVINCE, funder__region_id="15")
    village_lists = SponsorshipBatch.objects.filter(funder__kind=FunderKind.VILLAGE, state="approved",
                                                    funder__region__code__startswith="352511")
    assert village_lists.exists() and set(gresik.lists.all()) == set(village_lists)
    assert set(jambi.lists.all()) == set(SponsorshipBatch.objects.filter(funder=jambi.funder))
    admin = Access(User.objects.get(username="admin"))
    rows = progress(admin, gresik, dt.date(2026, 10, 1))["villages"]
    assert rows and all(r["target"] >= 1 for r in rows)  # every RT/RW head of each Cerme village
