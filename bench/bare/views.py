"""The 50 overdue tasks that come first by deadline, as a small HTML table: the same overdue rule
as the product's (still worked on past the deadline, or reported after it and awaiting the
check), one query, no permission filter."""

from django.db.models import F, Q
from django.http import HttpResponse
from django.template import engines
from django.utils import timezone

from bare.models import Task

WORKING = ("assigned", "received", "in_progress")
AWAITING_CHECK = ("reported", "proposed")
PAGE = engines["django"].from_string(
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Quá hạn</title></head>'
    "<body><table><thead><tr><th>#</th><th>Nhiệm vụ</th><th>Đơn vị</th><th>Hạn</th></tr></thead>"
    "<tbody>{% for t in tasks %}<tr><td>{{ t.id }}</td><td>{{ t.content }}</td>"
    "<td>{{ t.lead_unit__name }}</td><td>{{ t.deadline|date:'d/m/Y' }}</td></tr>{% endfor %}"
    "</tbody></table></body></html>"
)


HELLO = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Chào</title></head>'
    "<body><p>Xin chào</p></body></html>"
)


def hello(request):
    """No query, no template: what the stack itself costs per request on this machine."""
    return HttpResponse(HELLO)


def overdue(request):
    today = timezone.localdate()
    late = Q(state__in=WORKING, deadline__lt=today) | Q(
        state__in=AWAITING_CHECK, completed_on__gt=F("deadline")
    )
    tasks = (
        Task.objects.filter(late)
        .order_by("deadline", "id")
        .values("id", "content", "deadline", "lead_unit__name")[:50]
    )
    return HttpResponse(PAGE.render({"tasks": tasks}))
