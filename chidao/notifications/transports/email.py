import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from chidao.notifications.transports import Transport, TransportError
from chidao.notifications.transports.content import render, subject


class EmailTransport(Transport):
    """One e-mail, HTML and plain text, carrying the Message-ID recorded when it was claimed."""

    def notify(self, notification) -> None:
        address = notification.recipient.email
        if not address:
            raise TransportError("The recipient has no e-mail address.", permanent=True)
        message = EmailMultiAlternatives(
            subject=subject(notification),
            body=render(notification, "notifications/email.txt"),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": notification.message_id} if notification.message_id else {},
            connection=get_connection(fail_silently=False),
        )
        message.attach_alternative(render(notification, "notifications/email.html"), "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise TransportError(f"The SMTP server refused {address}: {error}", True) from error
        except (smtplib.SMTPException, OSError) as error:
            where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
            raise TransportError(f"Cannot send through the SMTP server {where}: {error}") from error
