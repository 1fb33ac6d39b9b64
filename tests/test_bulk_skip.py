"""A bulk proposal where some workers already have a payer names them and offers to go on without them
(issue 11, item 8)."""

import pytest
from django.test import Client

from lindung.funding.models import Funder, Sponsorship

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db


def test_propose_all_matching_lists_who_is_already_paid_and_skips_them_on_request(dadapkuning_operator):
    village = Funder.objects.create(kind="village", name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)
    workers = [create_worker(DADAPKUNING, serial=i, name=f"Warga {i}") for i in (1, 2, 3)]
    csr = funder("company", "PT Sinar Gresik Lestari", "3525")
    sponsor(csr, workers[:1], start=month("2027-01"), months=12)
    client = Client()
    client.force_login(dadapkuning_operator)
    form = {"funder": village.pk, "funding_source": "village-budget", "programs": "jkk,jkm",
            "start_month": "2027-01", "months": 12, "all_matching": "on", "q": "", "region": "", "segment": ""}
    refused = client.post("/funding/propose/", form)
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="already-paid"' in html
    assert "Warga 1" in html and "PT Sinar Gresik Lestari" in html and "2027-01 – 2027-12" in html
    assert "Usulkan 2 pekerja lainnya" in html
    assert not Sponsorship.objects.filter(funder=village).exists()
    done = client.post("/funding/propose/", {**form, "skip_covered": "on"})
    assert done.status_code == 302
    assert set(Sponsorship.objects.filter(funder=village).values_list("worker__name", flat=True)) == {
        "Warga 2", "Warga 3"}
