"""The interactive API documentation works without internet (issue 11, item 3)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_swagger_ui_is_served_by_the_application_itself(client, national_admin):
    client.force_login(national_admin)
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert not re.search(r"""(src|href)=["']https?://""", html), "a script or style from another host"
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        if hasattr(served, "streaming_content"):
            b"".join(served.streaming_content)
