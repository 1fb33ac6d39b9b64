"""DCI CRVS death notifications through HTTP: ACK for a valid signed message, NACK/ERR otherwise,
nothing stored when refused; processing turns matched NIKs into unconfirmed death reports."""

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lindung.claims.dci import canonical, process_all
from lindung.claims.models import LifeEvent, RegistryMessage, ReportState, TrustedSender
from lindung.imports.worker import work

from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db

URL = "/api/dci/registry/notify"


@pytest.fixture
def registry_key(db):
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    TrustedSender.objects.create(sender_id="dukcapil.gresik", name="Disdukcapil Kab. Gresik",
                                 public_key=base64.b64encode(public).decode())
    return key


def envelope(key, niks, *, message_id="msg-0001", sender="dukcapil.gresik", action="notify",
             death_date="2025-05-12"):
    header = {"version": "1.0.0", "message_id": message_id, "message_ts": "2025-05-13T08:00:00+07:00",
              "action": action, "sender_id": sender, "receiver_id": "lindung", "total_count": len(niks)}
    message = {"transaction_id": "txn-1", "notify_event": [
        {"reference_id": f"ref-{i}", "timestamp": "2025-05-13T08:00:00+07:00",
         "data": {"reg_event_type": "death", "reg_record": {
             "identifier": [{"identifier_type": "UIN", "identifier_value": nik}], "death_date": death_date}}}
        for i, nik in enumerate(niks)]}
    signature = base64.b64encode(key.sign(canonical(header, message))).decode()
    return {"signature": signature, "header": header, "message": message}


def post(client, body, url=URL):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    response = client.post(url, data=data, content_type="application/json")
    return response.status_code, response.json()["message"]


def test_a_valid_signed_message_is_acknowledged_and_becomes_unconfirmed_reports(client, registry_key):
    worker = create_worker(DADAPKUNING, serial=51, name="Sarmin")
    status, ack = post(client, envelope(registry_key, [worker.nik, "3525110101800999"]))
    assert (status, ack["ack_status"], ack["correlation_id"]) == (200, "ACK", "msg-0001")
    stored = RegistryMessage.objects.get()
    assert stored.raw["header"]["message_id"] == "msg-0001" and stored.processed_at is None
    assert not LifeEvent.objects.exists()  # processed in the background, not in the request

    assert work("test", once=True) >= 1
    report = LifeEvent.objects.get()
    assert (report.worker, report.kind, report.date, report.state, report.source) == (
        worker, "death", dt.date(2025, 5, 12), ReportState.UNCONFIRMED, "registry")
    stored.refresh_from_db()
    assert (stored.matched, stored.unmatched) == (1, 1)
    worker.refresh_from_db()
    assert worker.died_on is None  # only a confirmation makes him deceased


def test_the_subscription_callback_is_accepted_too(client, registry_key):
    status, ack = post(client, envelope(registry_key, ["3525110101800999"], action="on-subscribe"),
                       "/api/dci/registry/on-subscribe")
    assert (status, ack["ack_status"]) == (200, "ACK")


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, registry_key):
    body = envelope(registry_key, ["3525110101800999"])
    body["message"]["notify_event"][0]["data"]["reg_record"]["death_date"] = "2025-01-01"  # tampered
    status, ack = post(client, body)
    assert (status, ack["ack_status"], ack["error"]["code"]) == (401, "NACK", "err.signature.invalid")
    assert not RegistryMessage.objects.exists()


def test_an_unknown_sender_is_refused(client, registry_key):
    other = Ed25519PrivateKey.generate()
    status, ack = post(client, envelope(other, ["3525110101800999"], sender="dukcapil.lain"))
    assert (status, ack["ack_status"], ack["error"]["code"]) == (401, "NACK", "err.sender_id.invalid")
    assert not RegistryMessage.objects.exists()


def test_a_malformed_body_gets_err(client, registry_key):
    for body in (b"{not json", {"header": {"message_id": "x"}}, {"signature": "", "header": [], "message": {}}):
        status, ack = post(client, body)
        assert (status, ack["ack_status"]) == (400, "ERR")
    assert not RegistryMessage.objects.exists()


def test_a_replayed_message_id_is_refused(client, registry_key):
    body = envelope(registry_key, ["3525110101800999"])
    assert post(client, body)[1]["ack_status"] == "ACK"
    status, ack = post(client, body)
    assert (status, ack["ack_status"], ack["error"]["code"]) == (409, "NACK", "err.message_id.duplicate")
    assert RegistryMessage.objects.count() == 1


def test_a_second_notification_for_a_reported_death_adds_no_second_report(client, registry_key):
    worker = create_worker(DADAPKUNING, serial=52)
    post(client, envelope(registry_key, [worker.nik], message_id="a"))
    post(client, envelope(registry_key, [worker.nik], message_id="b"))
    assert process_all() == 2
    assert LifeEvent.objects.filter(worker=worker).count() == 1


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/dci/openapi.json").json()
    assert {"/api/dci/registry/notify", "/api/dci/registry/on-subscribe"} <= set(schema["paths"])
    body = schema["paths"]["/api/dci/registry/notify"]["post"]["requestBody"]["content"]["application/json"]
    assert {"signature", "header", "message"} <= set(body["schema"]["properties"])
