from django.db import migrations, models


def move_out_of_options(apps, schema_editor):
    """``_language`` and ``_attempts`` were kept in the options JSON; they are columns now."""
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.filter(options__has_any_keys=["_language", "_attempts"]).iterator():
        options = dict(job.options)
        job.language = str(options.pop("_language", "") or "")[:10]
        job.attempts = int(options.pop("_attempts", 0) or 0)
        job.options = options
        job.save(update_fields=["language", "attempts", "options"])


def back_into_options(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    for job in ImportJob.objects.exclude(language="", attempts=0).iterator():
        options = dict(job.options)
        if job.language:
            options["_language"] = job.language
        if job.attempts:
            options["_attempts"] = job.attempts
        job.options = options
        job.save(update_fields=["options"])


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="importjob",
            name="file_purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="file deleted"),
        ),
        migrations.AlterField(
            model_name="importjob",
            name="status",
            field=models.CharField(
                choices=[("mapping", "waiting for the column mapping"), ("queued", "queued"),
                         ("validating", "checking rows"), ("committing", "saving"), ("done", "finished"),
                         ("failed", "failed"), ("interrupted", "interrupted")],
                db_index=True, default="mapping", max_length=12, verbose_name="status"),
        ),
        migrations.RunPython(move_out_of_options, back_into_options),
    ]
