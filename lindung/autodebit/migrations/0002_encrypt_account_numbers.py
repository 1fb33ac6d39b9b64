"""Account numbers encrypted at rest: the column widens to text, every stored number is encrypted in
place (in batches, in the migration's transaction: all or nothing), then the field reads and writes
through the encryption. Reversible: migrating back decrypts them."""

from django.db import migrations, models

import lindung.encryption

BATCH = 1000


def _convert(apps, change):
    Mandate = apps.get_model("autodebit", "Mandate")
    last = 0
    while True:
        rows = list(Mandate.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "account_number")[:BATCH])
        if not rows:
            return
        for pk, stored in rows:
            new = change(stored)
            if new != stored:
                Mandate.objects.filter(pk=pk).update(account_number=new)
        last = rows[-1][0]


def encrypt(apps, schema_editor):
    from lindung.encryption import encrypt as seal, is_encrypted

    _convert(apps, lambda v: v if not v or is_encrypted(v) else seal(v))


def decrypt(apps, schema_editor):
    from lindung.encryption import decrypt as open_, is_encrypted

    _convert(apps, lambda v: open_(v) if is_encrypted(v) else v)


class Migration(migrations.Migration):

    dependencies = [("autodebit", "0001_initial")]

    operations = [
        migrations.AlterField("mandate", "account_number", models.TextField(verbose_name="account number")),
        migrations.RunPython(encrypt, decrypt),
        migrations.AlterField("mandate", "account_number",
                              lindung.encryption.EncryptedTextField(verbose_name="account number")),
    ]
