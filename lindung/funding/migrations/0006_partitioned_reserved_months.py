"""Reserved months partitioned by month on PostgreSQL, rows kept (see lindung/partitions.py); the unique
(worker, programme, month) keeps its meaning. SQLite keeps a plain table."""

from django.db import migrations

from lindung import partitions


def partition(apps, schema_editor):
    partitions.partition_by_month(schema_editor, "funding_reservedmonth", "month")


def unpartition(apps, schema_editor):
    partitions.unpartition(schema_editor, "funding_reservedmonth")


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0005_reserved_month'),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
