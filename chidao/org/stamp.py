"""The organisation's stamp: a short string that changes when units, roles or accounts do.

What is derived from the organisation alone (the units and people a filter offers) is kept per
process under this stamp, so that a step on a task, which happens every few seconds in a busy
province, does not throw it away. One query of indexed maxima and sums over small tables: a new
or ended role, a dissolved unit, a deactivated account each move it. A rename of a person or of
a sector block moves none of them; what is kept under the stamp also expires after
``KEEP_SECONDS`` for that reason.
"""

import hashlib

from django.db import connections

from chidao.org.models import Membership, Person, SectorBlock, Unit

KEEP_SECONDS = 300


def org_stamp(using: str = "default") -> str:
    unit, membership, person, block = (
        model._meta.db_table for model in (Unit, Membership, Person, SectorBlock)
    )
    maxima = [
        ("MAX(updated)", unit, ""),
        ("COUNT(*)", unit, ""),
        ("MAX(id)", membership, ""),
        ("SUM(id)", membership, " WHERE is_active"),
        ("SUM(id)", person, " WHERE is_active"),
        ("SUM(id)", block, ""),
    ]
    # Table names come from the models, never from input.
    parts = [f"(SELECT {what} FROM {table}{where})" for what, table, where in maxima]  # noqa: S608
    sql = "SELECT " + ", ".join(parts)
    with connections[using].cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    seen = ":".join(str(value or 0) for value in row)
    return hashlib.sha256(seen.encode()).hexdigest()[:24]
