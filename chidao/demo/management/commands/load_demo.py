import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chidao.board.models import Screen
from chidao.demo import org
from chidao.demo import tasks as demo_tasks
from chidao.notifications.models import Channel, Notification
from chidao.org.models import Person, Role, Unit


class Command(BaseCommand):
    help = "Load the demo data (Đồng Tháp) and print a login for each role. Reproducible."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but print the logins) when the database already has data.",
        )
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--password", help="Password of every demo account.")
        source.add_argument("--password-file", type=Path, help="File holding that password.")
        parser.add_argument(
            "--base-url", default="", help="Where the site is served, to print full links."
        )
        parser.add_argument(
            "--tasks",
            type=int,
            default=600,
            help="About how many tasks to replay over the last 18 months (default 600).",
        )

    @translation.override(settings.LANGUAGE_CODE)
    def handle(
        self,
        *args,
        if_empty=False,
        password=None,
        password_file=None,
        tasks=600,
        base_url="",
        **options,
    ):
        if password_file:
            if not password_file.exists():
                raise CommandError(_("Password file not found: %(p)s") % {"p": password_file})
            password = password_file.read_text(encoding="utf-8").strip()
        password = password or secrets.token_urlsafe(9)
        if if_empty and (Unit.objects.exists() or Person.objects.exists()):
            self.stdout.write(_("The database already has data: the demo was not loaded again."))
            self._print_logins(password, [
                (str(m.get_role_display()), m.person.username, str(m.unit))
                for m in _demo_memberships()
            ])  # fmt: skip
            return
        with transaction.atomic():
            demo = org.build(password)
            count = demo_tasks.build(demo.province, timezone.localdate(), target=tasks)
            _settle_the_outbox(timezone.now())
            screen = Screen(name=_("Hall"), committee=demo.province)
            token = screen.new_token()
            screen.save()
        self.stdout.write(
            self.style.SUCCESS(_("Demo data loaded: %(count)s tasks.") % {"count": count})
        )
        self._print_logins(password, demo.logins)
        self.stdout.write(
            _("Display board of the hall (shown only now; make others in the admin site): %(p)s")
            % {"p": f"{base_url.rstrip('/')}/board/{token}/"}
        )

    def _print_logins(self, password, logins):
        seen_roles = {}
        for role, username, unit in logins:
            seen_roles.setdefault(role, []).append((username, unit))
        self.stdout.write(_("Demo logins (password for all: %(p)s)") % {"p": password})
        for role, people in seen_roles.items():
            username, unit = people[0]
            more = _(" and %(n)d more") % {"n": len(people) - 1} if len(people) > 1 else ""
            self.stdout.write(f"  {role:<28} {username:<16} {unit}{more}")
        required = [str(Role(r).label) for r in settings.CHIDAO_TWO_FACTOR_REQUIRED_ROLES]
        if required:
            self.stdout.write(
                _(
                    "%(roles)s set up two-factor sign-in at their first sign-in: scan the QR code "
                    "with an authenticator app, or type the key the page shows."
                )
                % {"roles": ", ".join(required)}
            )


def _settle_the_outbox(now):
    """The replay wrote the outbox as each event happened, eighteen months of it. What people
    would long since have read is read (all but the last three days), and no mail or webhook
    call about the past goes out now (only the last day's are left to send)."""
    history = Notification.objects.filter(created__lt=now - datetime.timedelta(days=3))
    history.filter(channel=Channel.IN_APP, read_at=None).update(read_at=F("created"))
    Notification.objects.exclude(channel=Channel.IN_APP).filter(
        created__lt=now - datetime.timedelta(days=1)
    ).delete()


def _demo_memberships():
    from chidao.org.models import Membership

    first_by_role = {}
    for m in (
        Membership.objects.filter(is_active=True, person__email__endswith="@demo.invalid")
        .select_related("person", "unit")
        .order_by("pk")
    ):
        first_by_role.setdefault(m.role, []).append(m)
    return [m for members in first_by_role.values() for m in members]
