from chidao.notifications.transports import Transport


class InAppTransport(Transport):
    """The row in the inbox is the message: nothing to send (rows are written already sent)."""

    def notify(self, notification) -> None:
        return None
