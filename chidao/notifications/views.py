from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.notifications import actions, outbox
from chidao.notifications.forms import PreferenceForm
from chidao.notifications.models import Channel
from chidao.notifications.transports import content

PAGE_SIZE = 30


@login_required
def inbox(request):
    """The person's in-app notifications, newest first."""
    rows = actions.inbox(request.user).select_related("task__lead_unit", "event__actor")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.summary = content.summary(notification)
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def open_notification(request, pk):
    """Mark it read and go to its task (back to the inbox when it is about no task). Someone
    else's notification answers 404."""
    notification = get_object_or_404(actions.inbox(request.user), pk=pk)
    actions.mark_read(request.user, notification)
    if notification.task_id is None:
        return redirect("notifications:inbox")
    return redirect("directives:task_detail", pk=notification.task_id)


@require_POST
@login_required
def mark_all_read(request):
    actions.mark_all_read(request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    prefs = outbox.preferences([request.user.pk])
    email_on, mode = outbox.preference(prefs, request.user.pk, Channel.EMAIL)
    webhook_on, _mode = outbox.preference(prefs, request.user.pk, Channel.WEBHOOK)
    initial = {"email": email_on, "email_mode": mode, "webhook": webhook_on}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "has_email": bool(request.user.email),
        "webhook_configured": bool(settings.CHIDAO_WEBHOOK_URL),
    }
    return render(request, "notifications/preferences.html", context)
