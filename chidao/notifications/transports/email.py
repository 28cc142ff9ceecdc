import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from chidao.notifications.transports import Transport, TransportError
from chidao.notifications.transports.content import render, subject

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
NOT_CONFIGURED = "No SMTP server is configured (EMAIL_HOST): the e-mail waits in the outbox."


def is_configured() -> bool:
    """Whether e-mail can be sent at all: an SMTP server is named (``EMAIL_HOST``), or another
    backend is in use (the tests' in-memory one, a file backend). Without one, the worker leaves
    e-mail rows pending instead of spending their attempts."""
    return settings.EMAIL_BACKEND != SMTP_BACKEND or bool(settings.EMAIL_HOST)


class EmailTransport(Transport):
    """One e-mail, HTML and plain text, carrying the Message-ID recorded when it was claimed."""

    def notify(self, notification) -> None:
        address = notification.recipient.email
        if not address:
            raise TransportError("The recipient has no e-mail address.", permanent=True)
        message = EmailMultiAlternatives(
            subject=subject(notification),
            body=render(notification),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": notification.message_id} if notification.message_id else {},
            connection=get_connection(fail_silently=False),
        )
        message.attach_alternative(render(notification, html=True), "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise TransportError(
                f"The SMTP server refused {address}: {error}", permanent=all_permanent(codes)
            ) from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            # The message itself answered: 5xx refuses it for good, 4xx asks to try later. (A
            # refused sender is the site's setting, 5xx too: fixing it lets the retries through.)
            refused = isinstance(error, smtplib.SMTPDataError)
            permanent = refused and all_permanent([error.smtp_code])
            raise TransportError(
                f"The SMTP server refused the message: {error.smtp_code} {error.smtp_error!r}",
                permanent=permanent,
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            where = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
            raise TransportError(f"Cannot send through the SMTP server {where}: {error}") from error


def all_permanent(codes) -> bool:
    """SMTP reply codes 5xx are permanent refusals; 4xx (and anything odd) are worth a retry."""
    return bool(codes) and all(500 <= int(code) < 600 for code in codes)
