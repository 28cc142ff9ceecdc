"""Directives (văn bản / ý kiến chỉ đạo): the documents and meeting conclusions tasks come from."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chidao.core.text import fold
from chidao.org.models import Unit


class DirectiveKind(models.TextChoices):
    OFFICIAL_LETTER = "letter", _("Official letter")  # công văn
    CONCLUSION = "conclusion", _("Conclusion notice")  # thông báo kết luận
    INSTRUCTION = "instruction", _("Instruction")  # chỉ thị
    DECISION = "decision", _("Decision")  # quyết định
    PLAN = "plan", _("Plan")  # kế hoạch
    MEETING = "meeting", _("Opinion at a meeting")  # ý kiến chỉ đạo tại cuộc họp
    OTHER = "other", _("Other")


class DirectiveQuerySet(models.QuerySet):
    def search(self, term: str):
        qs = self
        for word in fold(term).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Directive(models.Model):
    """Văn bản chỉ đạo: a document (number and symbol, date, signer, summary) or, for an opinion
    given at a meeting, the meeting (name, date, chair). It carries one or more tasks.

    Its number and symbol (``1234/UBND-KT``) are unique for the issuer within a year, as the
    records office numbers them. A confidential directive is tracked as usual but never shown on
    a public screen.
    """

    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="directives", verbose_name=_("issuer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DirectiveKind.choices)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(
        _("symbol"), max_length=40, blank=True, help_text=_("For example UBND-KT.")
    )
    issued_on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_directives",
        verbose_name=_("signer"),
    )
    summary = models.TextField(_("summary"))  # trích yếu
    meeting_name = models.CharField(_("meeting"), max_length=300, blank=True)
    meeting_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("meeting chair"),
    )
    is_confidential = models.BooleanField(_("confidential"), default=False)
    # Nhập từ sổ theo dõi: the register file a directive was brought in from. A register often
    # lacks the signer (or a meeting's chair): such a directive keeps them empty, marked so.
    imported_from = models.CharField(_("imported from"), max_length=255, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,  # the system itself (imports, recurring periods)
        related_name="+",
        verbose_name=_("entered by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number", "symbol"],
                condition=Q(number__isnull=False),
                name="directive_number_unique_per_issuer_year",
                violation_error_message=_(
                    "This issuer already has a document with this number and symbol this year."
                ),
            ),
        ]
        indexes = [
            # The list of an issuer's directives, newest first.
            models.Index(fields=["issuer", "-issued_on"], name="directive_issuer_date_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or self.meeting_name or self.summary[:60]

    def save(self, *args, **kwargs):
        self.symbol = self.symbol.strip().upper()
        self.year = self.issued_on.year
        self.search_text = fold(
            f"{self.reference} {self.number or ''} {self.symbol} {self.summary} {self.meeting_name}"
        )
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            return  # no task yet
        # Each task keeps its directive's kind (``Task.directive_kind``); ``updated`` moves
        # with it, so the figures kept under the stamp of the data are counted again.
        self.tasks.exclude(directive_kind=self.kind).update(
            directive_kind=self.kind, updated=timezone.now()
        )

    @property
    def reference(self) -> str:
        """Số và ký hiệu, e.g. ``1234/UBND-KT``."""
        if self.number is None:
            return ""
        return f"{self.number}/{self.symbol}" if self.symbol else str(self.number)

    @property
    def is_meeting(self) -> bool:
        return self.kind == DirectiveKind.MEETING

    def clean(self):
        if self.issued_on:
            self.year = self.issued_on.year  # the unique constraint's year, checked next
        errors = {}
        if self.is_meeting:
            if not self.meeting_name:
                errors["meeting_name"] = _("Give the meeting's name.")
            if self.meeting_chair_id is None and not self.imported_from:
                errors["meeting_chair"] = _("Give who chaired the meeting.")
        else:
            if self.number is None:
                errors["number"] = _("Give the document's number.")
            if not self.symbol:
                errors["symbol"] = _("Give the document's symbol, for example UBND-KT.")
            if self.signer_id is None and not self.imported_from:
                errors["signer"] = _("Give the leader who signed the document.")
        if self.symbol and not _symbol_is_valid(self.symbol):
            errors["symbol"] = _("A symbol is made of letters and digits joined by hyphens.")
        if errors:
            raise ValidationError(errors)


def _symbol_is_valid(symbol: str) -> bool:
    parts = symbol.strip().split("-")
    return all(part and part.isalnum() for part in parts)
