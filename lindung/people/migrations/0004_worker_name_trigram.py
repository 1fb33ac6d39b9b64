"""Name search at national scale: a trigram index on the search key (PostgreSQL only).

``search_workers`` looks a name up with ``name_key LIKE '%…%'`` (a substring anywhere in the name), which
no B-tree index can serve: on ten million workers it read the whole table. ``pg_trgm``'s GIN index
answers the same LIKE from the index, with the same results. SQLite keeps the plain scan (a regency's
registry is small enough for it); nothing changes in the query, so both databases find the same workers.
"""

from django.db import migrations

from lindung import dialect


def create(apps, schema_editor):
    if dialect.is_postgres(schema_editor.connection):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS worker_name_trigram ON people_worker "
                              "USING gin (name_key gin_trgm_ops)")


def drop(apps, schema_editor):
    if dialect.is_postgres(schema_editor.connection):
        schema_editor.execute("DROP INDEX IF EXISTS worker_name_trigram")


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_worker_died_on'),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
