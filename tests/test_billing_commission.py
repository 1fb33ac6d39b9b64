"""Scenario: a Perisai agent collects from self-payers; 7.5 % commission, a tenth of it to the wadah."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.models import AgentCommission, Invoice
from lindung.billing.payments import collect
from lindung.billing.runs import bill
from lindung.coverage.services import contribution_months, is_active
from lindung.rules.services import commission_split

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def self_payers(cerme_agent):
    payers = []
    for serial, village in ((1, DADAPKUNING), (2, LENGKONG)):
        worker = create_worker(village, serial=serial, registered_by=cerme_agent)
        payer = funder("self", f"Mandiri {worker.name}", village, worker=worker, agent=cerme_agent,
                       wadah="Wadah Perisai Cerme")
        sponsor(payer, [worker], start=month("2025-01"), months=3)
        payers.append(payer)
    for m in ("2025-01", "2025-02", "2025-03"):
        bill(Access.console(), month(m))
    return payers


def test_an_agent_collects_from_self_payers_and_earns_the_commission(self_payers, cerme_agent, client):
    access = Access(cerme_agent)
    for payer in self_payers:
        for i, m in enumerate(("2025-01", "2025-02", "2025-03")):
            invoice = Invoice.objects.get(funder=payer, month=month(m))
            payment, created = collect(access, invoice, amount=16_800, reference=f"KW-{payer.pk}-{i}",
                                       paid_on=dt.date(2025, i + 1, 10))
            assert created and payment.collected_by == cerme_agent

    commissions = AgentCommission.objects.filter(agent=cerme_agent)
    assert commissions.count() == 6
    one = commissions.first()
    # 7.5 % of Rp16,800 = Rp1,260; the wadah's tenth is Rp126; the agent keeps Rp1,134.
    assert (one.collected, one.agent_share + one.wadah_share, one.wadah_share, one.agent_share) == (
        16_800, 1_260, 126, 1_134)
    assert (one.agent_share, one.wadah_share) == commission_split(16_800, dt.date(2025, 1, 10))
    assert (one.rate_agent, one.rate_wadah, one.wadah) == ("0.075", "0.1", "Wadah Perisai Cerme")
    assert sum(c.agent_share for c in commissions) == 6 * 1_134
    worker = self_payers[0].worker
    assert contribution_months(worker) == 3 and is_active(worker, month("2025-03"))

    client.force_login(cerme_agent)
    page = client.get("/billing/collections/")
    assert page.status_code == 200 and "6.804" in page.content.decode()  # Rp6,804 in Indonesian notation


def test_the_same_receipt_is_recorded_once(self_payers, cerme_agent):
    invoice = Invoice.objects.get(funder=self_payers[0], month=month("2025-01"))
    collect(Access(cerme_agent), invoice, amount=16_800, reference="KW-1", paid_on=dt.date(2025, 1, 5))
    _payment, created = collect(Access(cerme_agent), invoice, amount=16_800, reference="KW-1",
                                paid_on=dt.date(2025, 1, 5))
    assert not created and AgentCommission.objects.count() == 1


def test_commission_is_on_the_contributions_not_on_money_beyond_the_invoice(self_payers, cerme_agent):
    invoice = Invoice.objects.get(funder=self_payers[0], month=month("2025-01"))
    payment, _ = collect(Access(cerme_agent), invoice, amount=20_000, reference="KW-2", paid_on=dt.date(2025, 1, 5))
    assert (payment.allocated, payment.surplus, payment.commission.collected) == (16_800, 3_200, 16_800)


def test_only_the_collecting_agent_collects(self_payers, csr_donor_user, gresik_branch_officer):
    other_agent = make_user("agen.lain", "agent", ["352511"])
    invoice = Invoice.objects.get(funder=self_payers[0], month=month("2025-01"))
    for user in (other_agent, csr_donor_user, gresik_branch_officer):
        with pytest.raises(PermissionDenied):
            collect(Access(user), invoice, amount=16_800, reference="KW-X", paid_on=dt.date(2025, 1, 5))
    assert not AgentCommission.objects.exists()


def test_collections_through_the_api(self_payers, cerme_agent, client):
    invoice = Invoice.objects.get(funder=self_payers[1], month=month("2025-02"))
    client.force_login(cerme_agent)
    response = client.post("/api/v1/billing/collections", {"invoice_id": invoice.pk, "amount": 16_800,
                                                           "reference": "KW-API", "paid_on": "2025-02-09"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["agent_commission"], response.json()["wadah_commission"]) == (1_134, 126)
    again = client.post("/api/v1/billing/collections", {"invoice_id": invoice.pk, "amount": 16_800,
                                                        "reference": "KW-API", "paid_on": "2025-02-09"},
                        content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    totals = client.get("/api/v1/billing/commissions").json()["totals"]
    assert totals == {"collected": 16_800, "agent": 1_134, "wadah": 126}
