"""The demo's claims: every role finds claim work waiting, and the stories of seeds 002 and 003."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.claims.deadlines import overdue
from lindung.claims.models import Claim, LifeEvent
from lindung.claims.scope import visible_claims, visible_events
from lindung.claims.stats import paid_statistics
from lindung.demo.scenario import seed

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    seed(TODAY)


def access(username):
    return Access(User.objects.get(username=username))


def test_the_demo_tells_each_claims_story(demo):
    jambi = Claim.objects.filter(worker__province_code="15")
    assert jambi.filter(kind__in=["jkm", "jkk_death"], state="paid").values("worker").distinct().count() == 6
    assert jambi.filter(kind="scholarship", state="paid").count() == 2
    stats = paid_statistics(access("pemprov.jambi"), "15")
    assert stats["families"] == 6 and stats["by_programme"]["jkm"] == 4 * 42_000_000

    sukabumi = Claim.objects.filter(worker__regency_code="3202")
    jkm = sukabumi.get(kind="jkm")
    assert (jkm.state, jkm.paid_amount) == ("paid", 42_000_000)
    assert jkm.eligibility["contribution_months"] >= 36 and jkm.eligibility["scholarship"]["eligible"]
    assert sorted(c.child.name for c in sukabumi.filter(kind="scholarship", state="paid")) == ["Rina", "Ujang"]

    refused = Claim.objects.get(worker__village_id="3525112002")
    assert refused.state == "withdrawn" and [r["code"] for r in refused.eligibility["reasons"]] == [
        "membership_inactive"]
    stmb = Claim.objects.get(kind="stmb")
    assert stmb.state == "submitted" and len(stmb.periods) == 2 and stmb.expected_amount > 0
    waiting = Claim.objects.get(kind="jkm", worker__village_id="3525112001")
    assert waiting.state == "draft" and waiting.documents.count() == 2
    registry = LifeEvent.objects.get(source="registry")
    assert registry.state == "unconfirmed" and registry.worker.died_on is None


def test_each_role_finds_claim_work(demo, client):
    assert visible_events(access("cabang.gresik")).filter(state="unconfirmed").exists()
    assert visible_claims(access("cabang.gresik")).filter(state="submitted").exists()
    assert visible_claims(access("desa.dadapkuning")).filter(state="draft").exists()
    assert visible_claims(access("pemprov.jambi")).filter(state="paid").count() >= 6
    for username in ("admin", "cabang.gresik", "cabang.sukabumi", "pemprov.jambi", "pemkab.sukabumi",
                     "desa.dadapkuning", "desa.palabuhanratu"):
        client.force_login(User.objects.get(username=username))
        page = client.get("/claims/")
        assert page.status_code == 200 and b"claims-statistics" in page.content, username
        first = visible_claims(access(username)).first()
        if first is not None:
            assert client.get(f"/claims/{first.pk}/").status_code == 200, username
    assert isinstance(overdue(access("cabang.gresik"), TODAY), list)
