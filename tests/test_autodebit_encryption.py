"""Account numbers are encrypted at rest (lindung.encryption): the database never holds one in clear, the
application reads them back whole, a wrong key is refused with a clear message, keys can be rotated, and the
migration encrypts the numbers already stored without losing one (and decrypts them when migrated back)."""

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from lindung import encryption
from lindung.autodebit.models import Mandate
from lindung.cli import main

from .autodebit_support import self_payer_with_mandate
from .billing_support import month
from .conftest import DADAPKUNING, LENGKONG, create_worker


def stored(mandate_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM autodebit_mandate WHERE id = %s", [mandate_id])
        return cursor.fetchone()[0]


@pytest.fixture
def keys(settings):
    """Run a test with its own keys, and forget them afterwards."""
    def use(*new):
        settings.ACCOUNT_KEYS = list(new)
        encryption.clear()
    yield use
    encryption.clear()


@pytest.mark.django_db
def test_the_database_holds_no_account_number_in_clear(keys):
    keys(Fernet.generate_key().decode())
    mandate = self_payer_with_mandate(create_worker(DADAPKUNING, serial=1), start=month("2026-04"),
                                      account="0012345678")
    raw = stored(mandate.pk)
    assert raw.startswith("enc1:") and "0012345678" not in raw and "5678" not in raw
    again = Mandate.objects.get(pk=mandate.pk)
    assert again.account_number == "0012345678" and again.masked_account == "••••••5678"
    # Two mandates with the same number are stored differently (nothing to compare or guess from).
    other = self_payer_with_mandate(create_worker(LENGKONG, serial=2), start=month("2026-04"), account="0012345678")
    assert stored(other.pk) != raw


@pytest.mark.django_db
def test_a_wrong_key_is_refused_with_a_clear_message_and_rotation_keeps_every_number(keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    mandate = self_payer_with_mandate(create_worker(DADAPKUNING, serial=1), start=month("2026-04"),
                                      account="987654321")
    keys(new)
    with pytest.raises(ImproperlyConfigured, match="account key"):
        Mandate.objects.get(pk=mandate.pk)
    # Rotation: the new key first, the old one still there; rekey; then the old key can go.
    keys(new, old)
    result = CliRunner().invoke(main, ["--lang", "en", "autodebit", "rekey"])
    assert result.exit_code == 0 and "1 account numbers re-encrypted" in result.output, result.output
    keys(new)
    assert Mandate.objects.get(pk=mandate.pk).account_number == "987654321"


def test_without_a_configured_key_one_is_kept_in_the_data_directory(keys, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    keys()
    token = encryption.encrypt("123456")
    key_file = tmp_path / "data" / "account_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    encryption.clear()
    assert encryption.decrypt(token) == "123456"  # read again from the file
    with pytest.raises(ValueError):
        encryption.decrypt("123456")  # a value that was never encrypted is not shown as if it were


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_stored_numbers_without_loss_and_back():
    from django.db.migrations.executor import MigrationExecutor

    from .billing_support import funder, sponsor
    from lindung.autodebit.services import load_banks

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    workers = [create_worker(DADAPKUNING, serial=n) for n in range(1, 4)]
    numbers = ["0011223344", "998877665544", "123456"]
    old = migrate([("autodebit", "0001_initial")])
    OldMandate = old.get_model("autodebit", "Mandate")
    load_banks()
    for worker, number in zip(workers, numbers):
        payer = funder("self", worker.name, worker.village_id, worker=worker)
        sponsor(payer, [worker], start=month("2026-04"), months=3)
        OldMandate.objects.create(worker_id=worker.pk, funder_id=payer.pk, bank_id="GENERIC",
                                  account_holder=worker.name, account_number=number, debit_day=20,
                                  programs="jkk,jkm", start_month=month("2026-04"), registered_via="agent")
    ids = list(OldMandate.objects.order_by("pk").values_list("pk", flat=True))
    assert [stored(pk) for pk in ids] == numbers  # in clear before

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert all(stored(pk).startswith("enc1:") and stored(pk)[5:] != n for pk, n in zip(ids, numbers))
    assert [Mandate.objects.get(pk=pk).account_number for pk in ids] == numbers

    migrate([("autodebit", "0001_initial")])
    assert [stored(pk) for pk in ids] == numbers  # migrating back decrypts them
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
