from django.db import migrations


def load(apps, schema_editor):
    from lindung.funding.kinds import load_kind_sources

    load_kind_sources(apps.get_model("funding", "FunderKindSource"))


class Migration(migrations.Migration):

    dependencies = [("funding", "0002_budgets_sponsorships")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
