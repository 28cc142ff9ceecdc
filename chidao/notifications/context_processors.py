from chidao.notifications.models import Channel, Notification


def bell(request):
    """The unread count on the bell of every page: one COUNT served by a partial index
    (``notification_unread_idx``), and only when a page actually shows it (lazy)."""
    person = getattr(request, "user", None)
    if person is None or not person.is_authenticated:
        return {}

    def unread() -> int:
        if not hasattr(request, "_unread_notifications"):
            request._unread_notifications = Notification.objects.filter(
                recipient=person, channel=Channel.IN_APP, read_at=None
            ).count()
        return request._unread_notifications

    return {"unread_notifications": unread}
