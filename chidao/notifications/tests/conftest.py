from django.db import transaction

from chidao.directives import timeline
from chidao.directives.models import Difficulty, Task
from chidao.directives.tests import conftest as directives_conftest

task = directives_conftest.task  # the directives' own task fixture, shared


def record(task, kind, actor, **data):
    """Append an event the way every action does: task row locked, inside a transaction."""
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        return timeline.record(locked, kind, actor, **data)


def difficulty(task, raised_by, addressed_to="division_head"):
    return Difficulty.objects.create(
        task=task, raised_by=raised_by, text="Thiếu vốn", addressed_to=addressed_to
    )
