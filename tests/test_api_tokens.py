"""API tokens listed per user and revoked on the web (finding 10): each user sees his own tokens (created,
last used, expiry); an administrator sees and revokes the tokens of the users in his scope, nobody else's."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from lindung.accounts.models import ApiToken
from lindung.audit.models import AuditEntry

from .conftest import DADAPKUNING, JAMBI_VILLAGE, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    """A national administrator, the Gresik branch officer, a Cerme village operator and agent (inside
    Gresik), a Jambi village operator (outside), each holding one token named after them."""
    users = {
        "admin": make_user("admin", "national_admin"),
        "cabang.gresik": make_user("cabang.gresik", "branch_officer", ["3525"]),
        "desa.dadapkuning": make_user("desa.dadapkuning", "village_operator", [DADAPKUNING]),
        "agen.cerme": make_user("agen.cerme", "agent", ["352511"]),
        "desa.jambi": make_user("desa.jambi", "village_operator", [JAMBI_VILLAGE]),
    }
    keys = {name: ApiToken.issue(user, f"skrip {name}") for name, user in users.items()}
    return users, keys


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client) -> set[str]:
    html = client.get("/account/tokens/").content.decode()
    return {name for name in ("admin", "cabang.gresik", "desa.dadapkuning", "agen.cerme", "desa.jambi")
            if f"skrip {name}<" in html}


def test_each_user_sees_his_own_tokens_and_an_administrator_those_in_scope(people):
    users, _keys = people
    assert listed(page(users["desa.dadapkuning"])) == {"desa.dadapkuning"}
    assert listed(page(users["cabang.gresik"])) == {"cabang.gresik", "desa.dadapkuning", "agen.cerme"}
    assert listed(page(users["admin"])) == set(users)


def test_the_page_shows_created_last_used_and_expiry(people):
    users, keys = people
    Client(HTTP_AUTHORIZATION=f"Bearer {keys['desa.dadapkuning']}").get("/api/v1/workers")
    token = ApiToken.objects.get(user=users["desa.dadapkuning"])
    assert token.last_used_at is not None
    html = page(users["desa.dadapkuning"]).get("/account/tokens/").content.decode()
    for moment in (token.created_at, token.last_used_at, token.expires_at):
        assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") in html
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 90 and "aktif" in html


def test_revoking_on_the_page_closes_the_api_at_once_and_is_audited(people):
    users, keys = people
    api = Client(HTTP_AUTHORIZATION=f"Bearer {keys['agen.cerme']}")
    assert api.get("/api/v1/workers").status_code == 200
    token = ApiToken.objects.get(user=users["agen.cerme"])

    response = page(users["cabang.gresik"]).post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert api.get("/api/v1/workers").status_code == 401
    entry = AuditEntry.objects.get(target_type="accounts.apitoken", target_id=str(token.pk))
    assert entry.actor == users["cabang.gresik"] and "agen.cerme" in entry.summary
    assert "dicabut" in page(users["agen.cerme"]).get("/account/tokens/").content.decode()


def test_nobody_revokes_a_token_outside_his_scope(people):
    users, keys = people
    jambi = ApiToken.objects.get(user=users["desa.jambi"])
    own_of_officer = ApiToken.objects.get(user=users["cabang.gresik"])
    assert page(users["cabang.gresik"]).post(f"/account/tokens/{jambi.pk}/revoke/").status_code == 404
    assert page(users["desa.dadapkuning"]).post(f"/account/tokens/{own_of_officer.pk}/revoke/").status_code == 404
    assert page(users["desa.dadapkuning"]).get(f"/account/tokens/{jambi.pk}/revoke/").status_code == 405
    assert Client(HTTP_AUTHORIZATION=f"Bearer {keys['desa.jambi']}").get("/api/v1/workers").status_code == 200


def test_an_expired_token_is_listed_as_expired(people):
    users, _keys = people
    ApiToken.objects.filter(user=users["desa.dadapkuning"]).update(
        expires_at=timezone.now() - dt.timedelta(days=1))
    html = page(users["desa.dadapkuning"]).get("/account/tokens/").content.decode()
    assert "kedaluwarsa" in html and ">Cabut<" in html


def test_the_command_line_revokes_through_the_same_service(people):
    from click.testing import CliRunner

    from lindung.cli import main

    users, _keys = people
    token = ApiToken.objects.get(user=users["desa.jambi"])
    result = CliRunner().invoke(main, ["users", "revoke-token", str(token.pk)])
    assert result.exit_code == 0, result.output
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(target_type="accounts.apitoken", target_id=str(token.pk)).exists()
    again = CliRunner().invoke(main, ["users", "revoke-token", str(token.pk)])
    assert again.exit_code != 0


def test_a_branch_officer_issues_a_token_for_an_agent_shown_once_and_audited(people):
    users, _keys = people
    officer = page(users["cabang.gresik"])

    response = officer.post("/account/tokens/", {"owner": "agen.cerme", "name": "aplikasi lapangan", "days": "30"})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key = re.search(r'id="new-token-key">(lin_[^<]+)<', html).group(1)
    assert "hanya ditampilkan sekali ini" in html
    token = ApiToken.objects.get(name="aplikasi lapangan")
    assert token.user == users["agen.cerme"] and token.key_hash == ApiToken.hash(key)
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 30
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/workers").status_code == 200
    entry = AuditEntry.objects.get(target_type="accounts.apitoken", target_id=str(token.pk))
    assert entry.action == "create" and entry.actor == users["cabang.gresik"] and "agen.cerme" in entry.summary
    # the secret is never shown again, to anyone
    assert key not in officer.get("/account/tokens/").content.decode()
    assert key not in page(users["agen.cerme"]).get("/account/tokens/").content.decode()


def test_nobody_issues_a_token_for_an_account_outside_his_scope_or_without_the_permission(people):
    users, _keys = people
    response = page(users["cabang.gresik"]).post("/account/tokens/", {"owner": "desa.jambi", "name": "curian"})
    assert response.status_code == 200 and "desa.jambi" in response.content.decode()
    assert 'id="new-token-key"' not in response.content.decode()
    operator = page(users["desa.dadapkuning"])
    assert 'id="issue-form"' not in operator.get("/account/tokens/").content.decode()
    assert operator.post("/account/tokens/", {"owner": "desa.dadapkuning", "name": "sendiri"}).status_code == 403
    assert not ApiToken.objects.filter(name__in=["curian", "sendiri"]).exists()


def test_the_command_line_issues_through_the_same_service(people):
    from click.testing import CliRunner

    from lindung.cli import main

    users, _keys = people
    result = CliRunner().invoke(main, ["users", "token", "desa.jambi", "--name", "skrip baru", "--days", "7"])
    assert result.exit_code == 0, result.output
    token = ApiToken.objects.get(name="skrip baru")
    assert token.key_hash == ApiToken.hash(result.output.strip())
    entry = AuditEntry.objects.get(target_type="accounts.apitoken", target_id=str(token.pk))
    assert entry.action == "create" and entry.actor is None


def test_the_list_is_paged_instead_of_cut(people):
    users, _keys = people
    admin = users["admin"]
    for n in range(60):
        ApiToken.issue(admin, f"batch {n:02d}")
    first = page(admin).get("/account/tokens/").content.decode()
    second = page(admin).get("/account/tokens/", {"page": 2}).content.decode()
    shown = [name for name in [f"batch {n:02d}" for n in range(60)] + [f"skrip {u}" for u in users]]
    on_first = {name for name in shown if f"{name}<" in first}
    on_second = {name for name in shown if f"{name}<" in second}
    assert len(on_first) == 50 and len(on_second) == 15 and not on_first & on_second
    assert 'class="pager"' in first and "1 / 2" in first
