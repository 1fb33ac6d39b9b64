"""Invoice lines (by month) and statement rows (by payment date) partitioned by month on PostgreSQL, rows
kept (see lindung/partitions.py). SQLite keeps plain tables."""

from django.db import migrations

from lindung import partitions


def partition(apps, schema_editor):
    partitions.partition_by_month(schema_editor, "billing_invoiceline", "month")
    partitions.partition_by_month(schema_editor, "billing_statementrow", "paid_on")


def unpartition(apps, schema_editor):
    partitions.unpartition(schema_editor, "billing_statementrow")
    partitions.unpartition(schema_editor, "billing_invoiceline")


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0004_payment_channel_autodebit'),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
