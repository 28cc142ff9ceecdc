"""The change counter the figures' stamp reads on PostgreSQL (``freshness.CHANGES``)."""

from django.db import migrations


def create(apps, schema_editor):
    from chidao.directives.freshness import create_counter

    create_counter(schema_editor.connection.alias)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS chidao_changes")


class Migration(migrations.Migration):
    dependencies = [("directives", "0010_unit_counting_index")]
    operations = [migrations.RunPython(create, drop)]
