"""Public display screens (bảng tin điện tử): opened without login by a long secret link."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.org.models import SectorBlock, Unit


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Screen(models.Model):
    """Màn hình: one TV in a hall or meeting room. It shows the tasks of one committee (the
    province, or a commune's own), optionally one sector block. The database keeps only the hash
    of its secret link, so a leaked backup does not open any screen; the link is shown once,
    when it is made or rotated.
    """

    name = models.CharField(_("name"), max_length=120, help_text=_("For example: Hall, 1st floor"))
    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="screens",
        limit_choices_to={"kind": "committee"},
        verbose_name=_("committee"),
    )
    sector_block = models.ForeignKey(
        SectorBlock,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screens",
        verbose_name=_("only this sector block"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The board speaks the committee's language whatever the hall's browser is set to; a screen
    # for foreign visitors may be set to English.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="vi",
        help_text=_("The language of the words on the screen, whatever its browser is set to."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), default=clock.now, editable=False)
    rotated_at = models.DateTimeField(_("link last changed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # When the screen last asked for its board, at most once a minute: a screen silent for a
    # day is switched off or has lost its network, and the administrator's home says so.
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("display screen")
        verbose_name_plural = _("display screens")
        ordering = ["committee__sort_key", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(revoked_at__isnull=True),
                name="screen_active_not_revoked",
                violation_error_message=_("A revoked screen cannot be active."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def new_token(self) -> str:
        """A fresh secret (256 bits); only its hash is kept. Call ``save`` afterwards."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token

    @classmethod
    def by_token(cls, token: str) -> "Screen | None":
        if not token or len(token) > 100:
            return None
        return (
            cls.objects.filter(token_hash=hash_token(token), is_active=True)
            .select_related("committee", "sector_block")
            .first()
        )

    SEEN_EVERY = datetime.timedelta(minutes=1)

    def seen(self) -> None:
        """Record that the screen asked, with one UPDATE at most once a minute."""
        now = clock.now()
        Screen.objects.filter(
            Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - self.SEEN_EVERY), pk=self.pk
        ).update(last_seen_at=now)

    @property
    def scope_key(self) -> str:
        """Screens showing the same thing share one computed snapshot."""
        return f"{self.committee_id}:{self.sector_block_id or '-'}"
