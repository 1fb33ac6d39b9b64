"""One language rule (issue 11, item 22): Indonesian unless the user picks English, remembered per user."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_indonesian_by_default(national_admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in client.get("/login/").content.decode()
    client.force_login(national_admin)
    html = client.get("/").content.decode()
    assert 'lang="id"' in html and "Beranda" in html


def test_the_choice_of_english_follows_the_user_to_another_device(national_admin):
    laptop = Client()
    laptop.force_login(national_admin)
    laptop.post("/i18n/setlang/", {"language": "en", "next": "/"})
    national_admin.refresh_from_db()
    assert national_admin.language == "en"
    assert 'lang="en"' in laptop.get("/").content.decode()
    phone = Client(HTTP_ACCEPT_LANGUAGE="id")   # no cookie on this device
    phone.force_login(national_admin)
    assert 'lang="en"' in phone.get("/").content.decode()
    laptop.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert 'lang="id"' in phone.get("/").content.decode()


def test_before_logging_in_the_menu_choice_is_kept_in_a_cookie():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get("/login/").content.decode()
