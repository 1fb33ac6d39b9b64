"""The month a sponsorship reserves is a *reserved* month: ``CoveredMonth`` becomes ``ReservedMonth``.

A rename (the table and its rows are kept), the reverse accessors and verbose names follow, and the two
indexes take names that say what they index. ("Covered month" now names the derived month of cover in
the coverage app.)
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("funding", "0004_lean_covered_month_indexes"),
        ("people", "0003_worker_died_on"),
    ]

    operations = [
        migrations.RenameModel("CoveredMonth", "ReservedMonth"),
        migrations.AlterModelOptions(
            name="reservedmonth",
            options={"ordering": ["month", "worker_id", "program"], "verbose_name": "reserved month",
                     "verbose_name_plural": "reserved months"},
        ),
        migrations.AlterField(
            model_name="reservedmonth", name="sponsorship",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="reserved_months", to="funding.sponsorship",
                                    verbose_name="sponsorship"),
        ),
        migrations.AlterField(
            model_name="reservedmonth", name="worker",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="reserved_months", to="people.worker", verbose_name="worker"),
        ),
        migrations.AlterField(
            model_name="reservedmonth", name="funder",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="reserved_months", to="funding.funder", verbose_name="funder"),
        ),
        migrations.RenameIndex(model_name="reservedmonth", new_name="reserved_month_funder",
                               old_name="covered_month_funder"),
        migrations.RenameIndex(model_name="reservedmonth", new_name="reserved_sponsorship_month",
                               old_name="covered_sponsorship_month"),
    ]
