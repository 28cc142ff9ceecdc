"""Names by id, kept per process under the version of the organisation (``org.version``).

The statistics name a few dozen units, sector blocks, people and Office divisions on every view,
and a step on a task changes none of them: asked afresh, they were five queries of every
dashboard counted anew. Every write to the units, roles, people and sector blocks gives the
version a new token (a database trigger, in the same transaction), so a rename shows at once.
Only the names asked for are read: a province's thousands of accounts are never all loaded.
"""

import threading

from chidao.core import replica
from chidao.org import divisions, version
from chidao.org.models import Person, SectorBlock, Unit

_ABSENT = object()  # asked for but not found (deleted): remembered, never asked again
_lock = threading.Lock()
_kept: dict[str, dict] = {}
_token = {"value": ""}  # the version what is kept belongs to


def _shelf(what: str, token: str) -> dict:
    """The kept values of ``what`` (call with the lock held); everything is emptied first when
    the version moved."""
    if _token["value"] != token:
        _kept.clear()
        _token["value"] = token
    return _kept.setdefault(what, {})


def _by_id(what: str, ids, load) -> dict:
    """{id: value} for ``ids``: those kept as they are, the others from ``load(missing ids)``."""
    token = version.token()
    wanted = {pk for pk in ids if pk is not None}
    with _lock:
        shelf = _shelf(what, token)
        found = {pk: shelf[pk] for pk in wanted if pk in shelf}
    missing = wanted - found.keys()
    if missing:
        with replica.reading_from_primary():  # never a lagging replica's names under the token
            loaded = load(missing)
        found.update({pk: loaded.get(pk, _ABSENT) for pk in missing})
        with _lock:
            _shelf(what, token).update({pk: found[pk] for pk in missing})
    return {pk: value for pk, value in found.items() if value is not _ABSENT}


def units(ids) -> dict[int, str]:
    return _by_id("units", ids, lambda missing: dict(
        Unit.objects.filter(pk__in=missing).values_list("pk", "name")))  # fmt: skip


def people(ids) -> dict[int, str]:
    return _by_id("people", ids, lambda missing: dict(
        Person.objects.filter(pk__in=missing).values_list("pk", "full_name")))  # fmt: skip


def divisions_of(specialist_ids) -> dict[int, int]:
    """Specialist id -> the Office division their tasks count in (``org.divisions``); those
    seated in none are absent."""
    return _by_id("divisions", specialist_ids, divisions.division_of_specialists)


def sector_blocks() -> dict[int, str]:
    token = version.token()
    with _lock:
        blocks = _shelf("blocks", token).get("all")
    if blocks is None:
        with replica.reading_from_primary():
            blocks = dict(SectorBlock.objects.values_list("pk", "name"))
        with _lock:
            _shelf("blocks", token)["all"] = blocks
    return blocks


def forget() -> None:
    """Drop what is kept (a test's database gives its ids to the next test's rows)."""
    with _lock:
        _kept.clear()
        _token["value"] = ""
