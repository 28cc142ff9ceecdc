"""People (cán bộ), their roles in units, and which units each tracking specialist follows."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chidao.core.text import fold, vi_sort_key
from chidao.org.models.units import Unit, UnitKind


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **fields):
        person = self.model(username=self.model.normalize_username(username), **fields)
        person.email = self.normalize_email(person.email)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, username, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Cán bộ: a person who signs in. What they may do comes from their memberships."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        error_messages={"unique": _("A person with that username already exists.")},
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("May open the administration site (still limited by role and unit)."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    search_text = models.CharField(max_length=400, editable=False, blank=True)
    sort_key = models.CharField(max_length=255, editable=False, blank=True)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """The search text and the sort key (also for rows written in bulk, without ``save``)."""
        self.search_text = fold(f"{self.full_name} {self.username} {self.email}")
        # Vietnamese lists order people by given name (the last word), then by the full name.
        given = self.full_name.split()[-1] if self.full_name.split() else self.username
        self.sort_key = vi_sort_key(f"{given} {self.full_name}")

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    def active_memberships(self) -> list["Membership"]:
        """Cached per object: the permission module asks for them many times per request."""
        if not hasattr(self, "_active_memberships"):
            self.load_active_memberships([self])
        return self._active_memberships

    @staticmethod
    def load_active_memberships(people: list["Person"]) -> None:
        """``active_memberships`` of many people at once, in one query."""
        found: dict[int, list[Membership]] = {person.pk: [] for person in people}
        rows = Membership.objects.filter(person_id__in=list(found), is_active=True)
        for membership in rows.select_related("unit", "sector_block"):
            found[membership.person_id].append(membership)
        for person in people:
            person._active_memberships = found[person.pk]


class Role(models.TextChoices):
    COMMITTEE_LEADER = "committee_leader", _("Committee leader")
    OFFICE_LEADER = "office_leader", _("Office leader")
    DIVISION_HEAD = "division_head", _("Division head")
    SPECIALIST = "specialist", _("Tracking specialist")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    VIEWER = "viewer", _("Viewer")
    ADMIN = "admin", _("Administrator")


# Which kinds of unit each role belongs to: a leader sits in the committee, a specialist in its
# Office, a unit head in the unit they lead.
ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    Role.COMMITTEE_LEADER: (UnitKind.COMMITTEE,),
    Role.OFFICE_LEADER: (UnitKind.OFFICE,),
    Role.DIVISION_HEAD: (UnitKind.OFFICE_DIVISION,),
    Role.SPECIALIST: (UnitKind.OFFICE, UnitKind.OFFICE_DIVISION),
    Role.ADMIN: (UnitKind.COMMITTEE, UnitKind.OFFICE, UnitKind.OFFICE_DIVISION),
    Role.UNIT_HEAD: tuple(UnitKind.values),
    Role.UNIT_STAFF: tuple(UnitKind.values),
    Role.VIEWER: tuple(UnitKind.values),
}


class Membership(models.Model):
    """Chức trách: one role of a person in one unit.

    Example: Nguyễn Văn Hùng is committee leader (position "Phó Chủ tịch") in UBND tỉnh Đồng Tháp
    directing Khối Kinh tế; Trần Thị Lan is unit staff of Sở Tài chính. Ended memberships are kept
    (``is_active`` off, ``ended_on``) so that the history of who held which role stays readable.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(
        _("position"),
        max_length=120,
        blank=True,
        help_text=_("E.g. Phó Chủ tịch, Chánh Văn phòng."),
    )
    sector_block = models.ForeignKey(
        "org.SectorBlock",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leaders",
        verbose_name=_("sector block directed"),
        help_text=_("For a Vice Chairman: the block they direct. Empty for the Chairman."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__sort_order", "unit__sort_key", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "role"],
                condition=Q(is_active=True),
                name="membership_unique_active_role",
                violation_error_message=_("This person already has this role in this unit."),
            ),
            models.CheckConstraint(
                condition=Q(sector_block__isnull=True) | Q(role="committee_leader"),
                name="membership_block_only_for_leaders",
                violation_error_message=_("Only a committee leader directs a sector block."),
            ),
        ]
        indexes = [
            # "Who holds role R in unit U" (unit pages, default specialist, notifications).
            models.Index(fields=["unit", "role"], name="membership_unit_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.unit}"

    def clean(self):
        if self.unit_id and self.unit.kind not in ROLE_UNIT_KINDS[self.role]:
            raise ValidationError(
                {
                    "unit": _("The role “%(role)s” does not belong in a unit of this kind.")
                    % {"role": self.get_role_display()}
                }
            )
        if self.sector_block_id and self.unit_id and self.sector_block.committee_id != self.unit_id:
            raise ValidationError(
                {"sector_block": _("The block must belong to the leader's own committee.")}
            )


class FollowAssignment(models.Model):
    """Phân công theo dõi: a tracking specialist follows a unit.

    Each unit has at most one specialist following it at a time; that specialist is the default
    tracker of the unit's tasks. Ended assignments are kept for the record.
    """

    specialist = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="follow_assignments",
        verbose_name=_("tracking specialist"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="follow_assignments",
        verbose_name=_("unit followed"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow assignment")
        verbose_name_plural = _("follow assignments")
        ordering = ["unit__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_active=True),
                name="follow_one_active_specialist_per_unit",
                violation_error_message=_("This unit is already followed by a specialist."),
            )
        ]
        indexes = [
            # "The units I follow" on a specialist's home page.
            models.Index(fields=["specialist", "is_active"], name="follow_specialist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} → {self.unit}"
