"""Error pages in the user's language, inside the layout, with a way back; no action a role cannot take
(issue 11, items 12 and 3)."""

import pytest
from django.test import Client
from django.urls import path, reverse

from lindung.urls import urlpatterns as lindung_urlpatterns

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [*lindung_urlpatterns, path("boom/", _boom)]
handler500 = "lindung.web.views.server_error"


def client_for(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_a_forbidden_action_shows_the_designed_page_inside_the_layout(cerme_agent):
    response = client_for(cerme_agent).get(reverse("funding-propose"), HTTP_REFERER="http://testserver/funding/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Forbidden" not in html
    assert "Anda tidak boleh membuka halaman ini" in html
    assert 'class="brand"' in html and reverse("workers") in html       # the layout and its navigation
    assert 'href="/"' in html and 'href="http://testserver/funding/"' in html  # home and the way back


def test_a_missing_page_says_so_in_indonesian_inside_the_layout(national_admin):
    response = client_for(national_admin).get("/workers/999999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not Found" not in html and "Halaman tidak ditemukan" in html
    assert 'class="brand"' in html and "Ke beranda" in html


def test_error_pages_follow_the_users_language(national_admin):
    client = client_for(national_admin)
    client.cookies["django_language"] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Go to the home page" in html


def test_a_server_error_is_drawn_in_the_layout(settings, national_admin):
    settings.ROOT_URLCONF = __name__
    client = client_for(national_admin, raise_request_exception=False)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan" in html and 'class="brand"' in html and "Ke beranda" in html


def test_a_stale_form_gets_the_layouts_page_not_djangos(national_admin):
    client = client_for(national_admin, enforce_csrf_checks=True)
    response = client.post(reverse("worker-create"), {"name": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "CSRF verification failed" not in html and "Formulir sudah kedaluwarsa" in html


def test_the_propose_tab_is_offered_only_to_who_can_propose(cerme_agent, dadapkuning_operator):
    from lindung.funding.models import Funder

    Funder.objects.create(kind="village", name="Pemerintah Desa Dadapkuning", region_id="3525112001")
    propose = reverse("funding-propose")
    assert f'href="{propose}"' not in client_for(cerme_agent).get(reverse("funding-home")).content.decode()
    assert f'href="{propose}"' in client_for(dadapkuning_operator).get(reverse("funding-home")).content.decode()


def test_the_api_link_is_offered_only_to_roles_that_use_the_api(national_admin, cerme_agent, dadapkuning_operator,
                                                                csr_donor_user):
    assert 'href="/api/v1/docs"' in client_for(national_admin).get("/").content.decode()
    for user in (cerme_agent, dadapkuning_operator, csr_donor_user):
        assert 'href="/api/v1/docs"' not in client_for(user).get("/").content.decode()
