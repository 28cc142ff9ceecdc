"""The version of the organisation (its units, roles, people and sector blocks) and of the
working-day calendar: a token that changes with every write to them, in the same transaction as
the write.

A person's roles (``permissions.jurisdictions``) and the calendar (``WorkCalendar.current``) are
read on nearly every request; they are kept per process under this token, and so are what is
made of the organisation alone: the filters' choices (``directives.filter_choices``) and the
names the statistics print (``org.names``). So a role ended, a day off added, a unit or a person
renamed must change it, however it was done: by the product, the administration,
``QuerySet.update()``, raw SQL or psql. Database triggers move it, so nothing is missed. Each
write gives a new random token rather than a next number: a transaction rolled back takes its
token with it, and no later write can give the same token again to what was read inside it. A
unit's times of the last sign-in and step (``org.activity``) and a person's last sign-in,
written all day long, leave it alone: kept units may show them older than they are. A request
reads the token once (``core.per_request``; the freshness stamp's query reads it along).
"""

import secrets

from django.db import connections

from chidao.core import per_request
from chidao.org.models import Membership, Person, SectorBlock, Unit
from chidao.workdays.models import CalendarAdjustment

TABLE = "chidao_org_version"
# Columns written at every sign-in and step (``org.activity``), which nothing kept depends on.
UNTRACKED = {Unit: {"last_sign_in_at", "last_step_at"}, Person: {"last_login", "password"}}
TRACKED = (Unit, Membership, CalendarAdjustment, Person, SectorBlock)


KEY = "org-version"  # the token's name in ``per_request``


def token(using: str = "default") -> str:
    if using != "default":
        return _read(using)
    return per_request.read(KEY, _read)


def _read(using: str = "default") -> str:
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE}")  # noqa: S608 (a constant)
        return cursor.fetchone()[0]


def install(using: str = "default", **kwargs) -> None:
    """The table and its triggers, made again from the models' columns: by the migration, and
    after every ``migrate`` (``post_migrate``) for a database built from the models alone (the
    test suite's) and for a column added since."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(id integer PRIMARY KEY, token varchar(32) NOT NULL)"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 (a constant)
        if not cursor.fetchone()[0]:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, token) VALUES (1, %s)",  # noqa: S608 (a constant)
                [secrets.token_hex(16)],
            )
        # The calendar's table is made by its own app's migrations, which may come after this
        # one: its triggers are made by the ``post_migrate`` that follows them.
        present = set(connection.introspection.table_names(cursor))
        for statement in _triggers(connection.vendor, present):
            cursor.execute(statement)


def triggers(present: set[str] | None = None) -> list[tuple[str, str, str]]:
    """Each trigger's name, table and event: inserting, deleting, and updating any column but
    the untracked ones (on the tables ``present``, when given)."""
    found = []
    for model in TRACKED:
        table, skip = model._meta.db_table, UNTRACKED.get(model, set())
        if present is not None and table not in present:
            continue
        columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields
                            if f.attname not in skip)  # fmt: skip
        for event in ("INSERT", "DELETE", f"UPDATE OF {columns}"):
            found.append((f"chidao_org_version_{table}_{event.split()[0].lower()}", table, event))
    return found


def _triggers(vendor: str, present: set[str]) -> list[str]:
    # Table and column names come from the models, never from input.
    postgres = vendor == "postgresql"
    statements = []
    if postgres:
        statements.append(
            "CREATE OR REPLACE FUNCTION chidao_org_changed() RETURNS trigger AS $$ BEGIN "  # noqa: S608
            f"UPDATE {TABLE} SET token = replace(gen_random_uuid()::text, '-', ''); "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
    for name, table, event in triggers(present):
        statements.append(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION chidao_org_changed()"
            )
        else:
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "  # noqa: S608
                f"UPDATE {TABLE} SET token = lower(hex(randomblob(16))); END"
            )
    return statements
