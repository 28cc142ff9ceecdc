"""Public display screens (bảng tin điện tử): opened without login by a long secret link."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


# --- Điểm thi đua: the emulation score of a unit for a period -------------------------------------
MINUS, TIMES = "\u2212", "\u00d7"
WEIGHT_LIMIT = Decimal(10)
SCALE_RANGE = (1, 1000)


@dataclass(frozen=True)
class ScorePart:
    """One part of a score: how many, at what weight, and the points it adds (``contribution``,
    negative for a penalty), so the page can show where a score comes from."""

    name: str
    count: int
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class Score:
    """Điểm thi đua of one unit for one period: ``value`` is None when the unit has no counted
    task, since nothing can be said of it."""

    value: Decimal | None
    total: int
    scale: int
    parts: tuple[ScorePart, ...]


def _weight(default: str, label):
    return models.DecimalField(label, max_digits=4, decimal_places=2, default=Decimal(default))


class ScoreRule(models.Model):
    """Cách tính điểm thi đua: the weights a province gives each official group, the tasks not
    updated and the urgings when it scores its units. One rule per committee; the row without a
    committee is the default for every committee without its own, and with no row at all the
    built-in weights below apply. The score and the formula shown beside it both come from here,
    so what the page says is what it computes."""

    # The parts in the order the formula writes them, each with its words in the formula.
    PARTS = (
        ("done_on_time", pgettext_lazy("score formula", "done on time")),
        ("done_late", pgettext_lazy("score formula", "done late")),
        ("open_within", pgettext_lazy("score formula", "open within the deadline")),
        ("open_overdue", pgettext_lazy("score formula", "open overdue")),
        ("stale", pgettext_lazy("score formula", "not updated")),
        ("urged", pgettext_lazy("score formula", "urgings")),
    )

    committee = models.OneToOneField(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="score_rule",
        limit_choices_to={"kind": "committee"},
        verbose_name=_("committee"),
        help_text=_("Empty: the default rule, for every committee without its own."),
    )
    done_on_time = _weight("1", _("weight of a task done on time"))
    done_late = _weight("0.5", _("weight of a task done late"))
    open_within = _weight("1", _("weight of an open task within its deadline"))
    open_overdue = _weight("0", _("weight of an open overdue task"))
    stale = _weight("-0.5", _("weight of a task not updated"))
    urged = _weight("-0.1", _("weight of an urging"))
    scale = models.PositiveSmallIntegerField(
        _("scale"),
        default=100,
        help_text=_("The highest score a unit can get."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("emulation score rule")
        verbose_name_plural = _("emulation score rules")
        ordering = ["committee__sort_key"]
        constraints = [
            # One default row: NULLs are distinct in a plain unique index.
            models.UniqueConstraint(
                Coalesce("committee", Value(0)),
                name="score_rule_one_per_committee_and_one_default",
                violation_error_message=_(
                    "There is already a rule for this committee (or a default rule)."
                ),
            )
        ]

    def __str__(self) -> str:
        if self.committee_id is None:
            return str(_("Default rule"))
        return str(self.committee)

    @classmethod
    def for_committee(cls, committee: Unit | None) -> "ScoreRule":
        """The committee's own rule, else the default row, else the built-in weights (unsaved)."""
        wanted = Q(committee__isnull=True)
        if committee is not None:
            wanted |= Q(committee=committee)
        rules = {rule.committee_id: rule for rule in cls.objects.filter(wanted)}
        own = rules.get(committee.pk) if committee is not None else None
        return own or rules.get(None) or cls()

    @property
    def version(self) -> str:
        """Changes whenever the rule in force does: part of the cached dashboard's key."""
        return f"{self.pk or '-'}@{self.updated.isoformat() if self.updated else '-'}"

    def clean(self):
        errors = {}
        for name, _words in self.PARTS:
            weight = getattr(self, name)
            if weight is not None and not -WEIGHT_LIMIT <= weight <= WEIGHT_LIMIT:
                errors[name] = _("A weight is a number from -10 to 10.")
        low, high = SCALE_RANGE
        if self.scale is not None and not low <= self.scale <= high:
            errors["scale"] = _("The scale is a whole number from 1 to 1000.")
        if errors:
            raise ValidationError(errors)

    def score(self, counts, stale: int = 0, urged: int = 0) -> Score:
        """The one computation of the score: scale * (sum of weight * count) / counted tasks,
        kept within 0…scale. ``counts`` are the official groups (``timeliness.Counts``), ``stale``
        the tasks not updated among them and ``urged`` the urgings made in the period."""
        found = {
            "done_on_time": counts.done_on_time,
            "done_late": counts.done_late,
            "open_within": counts.open_within,
            "open_overdue": counts.open_overdue,
            "stale": stale,
            "urged": urged,
        }
        total, scale = counts.total, Decimal(self.scale)
        weighted = {name: Decimal(getattr(self, name)) * found[name] for name, _w in self.PARTS}
        parts = tuple(
            ScorePart(
                name=name,
                count=found[name],
                weight=Decimal(getattr(self, name)),
                contribution=scale * weighted[name] / total if total else Decimal(0),
            )
            for name, _words in self.PARTS
        )
        if not total:
            return Score(value=None, total=0, scale=self.scale, parts=parts)
        # The sum is divided once, so a unit with every task on time scores exactly the scale.
        raw = scale * sum(weighted.values()) / total
        value = min(max(raw, Decimal(0)), scale)
        return Score(value=value, total=total, scale=self.scale, parts=parts)

    def formula(self) -> str:
        """The formula in words with this rule's weights, as the page shows it beside the
        scores, in the signs people write (multiplication sign, minus sign, division sign):
        "Điểm = 100 x (1 x đúng hạn + 0,5 x trễ hạn … - 0,1 x lần đôn đốc) : tổng số nhiệm vụ"."""
        terms = ""
        for name, words in self.PARTS:
            weight = Decimal(getattr(self, name))
            number = _number(abs(weight))
            if not terms:
                terms = f"{MINUS if weight < 0 else ''}{number} {TIMES} {words}"
            else:
                terms += f" {MINUS if weight < 0 else '+'} {number} {TIMES} {words}"
        return str(
            _("Score = %(scale)s × (%(terms)s) ÷ counted tasks")  # noqa: RUF001 (as printed)
            % {"scale": _number(Decimal(self.scale)), "terms": terms}
        )


def _number(value: Decimal) -> str:
    """A weight as people write it in the active language: 0,5 in Vietnamese, no trailing
    zeros."""
    plain = format(value.normalize(), "f")
    return formats.number_format(Decimal(plain))
