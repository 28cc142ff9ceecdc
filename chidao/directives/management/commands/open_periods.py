"""Mở kỳ báo cáo: create each recurring task's occurrences up to the current period.

Idempotent; run it daily (cron, systemd timer, or the run loop). A period already opened is never
opened twice, so running it often or from two machines at once is harmless (each series is
locked while it is extended).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core import clock
from chidao.directives.actions import open_periods
from chidao.directives.models import DeadlineKind, State, Task


class Command(BaseCommand):
    help = "Open the current period of every recurring task (idempotent)."

    def handle(self, *args, **options):
        today = clock.today()
        series_ids = Task.objects.filter(
            deadline_kind=DeadlineKind.RECURRING,
            series__isnull=True,
            series_stopped_on__isnull=True,
            state__in=[State.ASSIGNED, State.RECEIVED, State.IN_PROGRESS],
        ).values_list("pk", flat=True)
        opened = 0
        for pk in series_ids.iterator():
            with transaction.atomic():
                series = Task.objects.select_for_update().get(pk=pk)
                opened += len(open_periods(series, until=today))
        self.stdout.write(_("%(count)s new periods opened.") % {"count": opened})
