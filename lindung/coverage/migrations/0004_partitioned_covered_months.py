"""Covered months partitioned by month on PostgreSQL, rows kept (see lindung/partitions.py); the unique
(worker, month) keeps its meaning. SQLite keeps a plain table."""

from django.db import migrations

from lindung import partitions


def partition(apps, schema_editor):
    partitions.partition_by_month(schema_editor, "coverage_coveredmonth", "month")


def unpartition(apps, schema_editor):
    partitions.unpartition(schema_editor, "coverage_coveredmonth")


class Migration(migrations.Migration):

    dependencies = [
        ('coverage', '0003_covered_month'),
    ]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
