"""Invoice lines: drop the index duplicated by ``line_invoice_month``; on PostgreSQL leave room on
each page so that paying a line (``paid``, ``paid_on``, ``payment``: none of them indexed) updates it
in place (a HOT update) instead of adding an entry to every index."""

import django.db.models.deletion
from django.db import migrations, models


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE billing_invoiceline SET (fillfactor = 85)")


def no_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE billing_invoiceline RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0002_line_references_without_database_checks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='invoiceline',
            name='invoice',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='billing.invoice', verbose_name='invoice'),
        ),
        migrations.RunPython(leave_room, no_room),
    ]
