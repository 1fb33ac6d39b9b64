"""The derived month of cover is a *covered* month: ``PaidMonth`` becomes ``CoveredMonth``.

A rename (the table and its rows are kept); the reverse accessor follows and the covering index takes
a name that says what it indexes. It follows the funding rename, which frees the name
``covered_months`` on the worker.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0002_derived_rows_without_database_checks"),
        ("funding", "0005_reserved_month"),
        ("people", "0003_worker_died_on"),
    ]

    operations = [
        migrations.RenameModel("PaidMonth", "CoveredMonth"),
        migrations.AlterField(
            model_name="coveredmonth", name="worker",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="covered_months", to="people.worker"),
        ),
        migrations.RenameIndex(model_name="coveredmonth", new_name="covered_month_region",
                               old_name="paid_month_region"),
    ]
