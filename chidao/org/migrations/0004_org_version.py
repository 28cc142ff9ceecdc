"""The version of the organisation's roles, moved by triggers (``org.version``)."""

from django.db import migrations


def install(apps, schema_editor):
    from chidao.org.version import install

    install(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from chidao.org.version import TABLE, triggers

    present = set(schema_editor.connection.introspection.table_names())
    for name, table, _event in triggers(present):
        on = f" ON {table}" if schema_editor.connection.vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("org", "0003_unit_changes")]
    operations = [migrations.RunPython(install, drop)]
