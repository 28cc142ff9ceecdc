"""One small class per channel, each with ``notify(notification)`` raising ``TransportError``."""


class TransportError(Exception):
    """Sending failed. ``permanent``: retrying cannot help (bad address, refused request)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class Transport:
    def notify(self, notification) -> None:
        raise NotImplementedError


def transport_for(channel: str) -> Transport:
    from chidao.notifications.transports.email import EmailTransport
    from chidao.notifications.transports.in_app import InAppTransport
    from chidao.notifications.transports.webhook import WebhookTransport

    transports = {"in_app": InAppTransport, "email": EmailTransport, "webhook": WebhookTransport}
    return transports[channel]()
