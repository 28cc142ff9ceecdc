"""The organisation tree: units (đơn vị) of any depth, sector blocks (khối) and successions."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from chidao.core.text import fold, vi_sort_key


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("People's Committee")
    OFFICE = "office", _("Office of the Committee")
    OFFICE_DIVISION = "office_division", _("Office division")
    DEPARTMENT = "department", _("Department or agency")
    OTHER = "other", _("Other")


# The units that make up a committee's own apparatus: its leaders, its Office and the Office's
# divisions. People there work for the whole committee, not for one unit.
APPARATUS_KINDS = (UnitKind.COMMITTEE, UnitKind.OFFICE, UnitKind.OFFICE_DIVISION)


class Level(models.TextChoices):
    """Level of a People's Committee (cấp tỉnh / huyện / xã)."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, term: str):
        """Match every word of ``term`` ignoring diacritics: "so tai chinh" finds "Sở Tài chính"."""
        qs = self
        for word in fold(term).split():
            qs = qs.filter(search_text__contains=word)
        return qs

    def directed_by(self, committee: "Unit"):
        """Units that carry out ``committee``'s directives: its departments and agencies (and
        their subunits), and the committees directly below it — not what lies inside those
        lower committees, which they direct themselves."""
        lower = list(
            Unit.objects.filter(parent=committee, kind=UnitKind.COMMITTEE).values_list(
                "path", flat=True
            )
        )
        qs = self.filter(path__startswith=committee.path).exclude(pk=committee.pk)
        qs = qs.exclude(kind__in=(UnitKind.OFFICE, UnitKind.OFFICE_DIVISION))
        inside_lower = Q(pk__in=[])
        for path in lower:
            inside_lower |= Q(path__startswith=path) & ~Q(path=path)
        return qs.exclude(inside_lower)

    def within(self, root: "Unit", include_root: bool = True):
        qs = self.filter(path__startswith=root.path)
        return qs if include_root else qs.exclude(pk=root.pk)


class Unit(models.Model):
    """Đơn vị: a People's Committee, its Office and divisions, a department, or another body.

    The tree is stored as a materialised path of ids ("/1/7/42/") so that a subtree is one indexed
    prefix query on both SQLite and PostgreSQL, at any depth. A unit with history is never
    deleted: it is dissolved (``is_active`` off, ``dissolved_on``) and its successions are kept.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(
        _("level"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text=_("Only for People's Committees."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    code = models.CharField(
        _("symbol code"),
        max_length=20,
        blank=True,
        help_text=_("Short code used in document symbols, e.g. STC in 123/STC-KH."),
    )
    admin_code = models.CharField(
        _("official administrative code"),
        max_length=10,
        blank=True,
        help_text=_(
            "Code of the province or commune in the national list of administrative units."
        ),
    )
    sector_block = models.ForeignKey(
        "SectorBlock",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("sector block"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=100)

    # Derived, maintained by save() and the move action; never edited by hand.
    path = models.CharField(
        _("tree path"), max_length=1000, editable=False, db_index=True
    )  # subtree queries
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    search_text = models.CharField(_("search text"), max_length=400, editable=False, blank=True)
    sort_key = models.CharField(_("sort key"), max_length=255, editable=False, blank=True)
    # Hoạt động gần nhất: when one of the unit's people last signed in and last took a step on
    # a task, kept by ``chidao.org.activity`` as it happens, so that the unit page and the
    # specialist's home read two columns instead of the sign-in log and every timeline.
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True, editable=False)
    last_step_at = models.DateTimeField(_("last update"), null=True, blank=True, editable=False)

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["admin_code"],
                condition=~Q(admin_code=""),
                name="unit_admin_code_unique",
                violation_error_message=_("Another unit already has this administrative code."),
            ),
            models.UniqueConstraint(
                fields=["parent", "code"],
                condition=~Q(code="") & ~Q(kind="committee"),
                name="unit_code_unique_among_siblings",
                violation_error_message=_("Another unit under the same parent uses this code."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="committee") & ~Q(level=""))
                | (~Q(kind="committee") & Q(level="")),
                name="unit_level_only_for_committees",
                violation_error_message=_("A People's Committee needs a level; other units none."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="unit_dissolved_after_established",
                violation_error_message=_("A unit cannot be dissolved before it is established."),
            ),
        ]
        indexes = [
            # Children of a unit in display order (tree pages and pickers).
            models.Index(fields=["parent", "sort_order", "sort_key"], name="unit_children_idx"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        """Keep the derived fields true; a changed parent moves the whole subtree.

        1. Read the parent's current path from the database (the object in hand may be stale).
        2. Refuse a parent inside this unit's own subtree: the tree would become a cycle.
        3. Save, then set this unit's path (its id is only known after the first insert) and, if
           it had one before, rewrite every descendant's path prefix and depth in one UPDATE.
        """
        self.set_derived_fields()
        parent_path, parent_depth = "/", -1
        if self.parent_id:
            parent_path, parent_depth = Unit.objects.values_list("path", "depth").get(
                pk=self.parent_id
            )
            if self.path and parent_path.startswith(self.path):
                raise ValidationError(_("A unit cannot be moved under itself or its own subunit."))
        old_path, old_depth = self.path, self.depth
        self.depth = parent_depth + 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            new_path = f"{parent_path}{self.pk}/"
            if old_path != new_path:
                if old_path:
                    Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                        depth=F("depth") + (self.depth - old_depth),
                    )
                Unit.objects.filter(pk=self.pk).update(path=new_path)
                self.path = new_path

    def set_derived_fields(self) -> None:
        """The search text and the sort key (the path and depth need the row's id: ``save``)."""
        self.search_text = fold(f"{self.name} {self.short_name} {self.code} {self.admin_code}")
        self.sort_key = vi_sort_key(self.name)

    # --- tree -----------------------------------------------------------------------------
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def ancestors(self) -> UnitQuerySet:
        """From the root down to the parent."""
        return Unit.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def descendants(self, include_self: bool = False) -> UnitQuerySet:
        return Unit.objects.within(self, include_root=include_self)

    def is_within(self, other: "Unit") -> bool:
        """True if this unit is ``other`` or lies under it."""
        return self.path.startswith(other.path)

    @property
    def committee(self) -> "Unit | None":
        """The People's Committee this unit is (or belongs to): the nearest one at or above it."""
        if self.kind == UnitKind.COMMITTEE:
            return self
        for unit in reversed(list(self.ancestors())):
            if unit.kind == UnitKind.COMMITTEE:
                return unit
        return None

    @property
    def supervising_committee(self) -> "Unit | None":
        """The committee whose directives this unit carries out and whose Office follows it.

        A department belongs to its committee; a commune committee carries out the directives of
        the committee above it (its own Office follows the commune's own departments).
        """
        if self.kind == UnitKind.COMMITTEE:
            above = self.parent
            return above.committee if above is not None else None
        return self.committee

    def follower_candidates(self):
        """Tracking specialists who may follow this unit: those of the supervising committee's
        Office and its divisions."""
        from chidao.org.models.people import Person

        committee = self.supervising_committee
        if committee is None:
            return Person.objects.none()
        return committee.office_specialists()

    def office_specialists(self):
        """The tracking specialists of this committee's Office and its divisions."""
        from chidao.org.models.people import Person, Role

        seats = Unit.objects.filter(
            Q(kind=UnitKind.OFFICE, parent=self)
            | Q(kind=UnitKind.OFFICE_DIVISION, parent__parent=self),
            is_active=True,
        )
        return Person.objects.filter(
            is_active=True,
            memberships__role=Role.SPECIALIST,
            memberships__is_active=True,
            memberships__unit__in=seats,
        ).distinct()

    @property
    def in_apparatus(self) -> bool:
        """Part of a committee's own apparatus (the committee, its Office, an Office division)."""
        return self.kind in APPARATUS_KINDS

    def has_history(self) -> bool:
        """Anything refers to it: a unit with history is dissolved, never deleted."""
        return (
            self.children.exists()
            or self.memberships.exists()
            or self.follow_assignments.exists()
            or self.succeeded_by.exists()
            or self.preceded_by.exists()
        )


class SectorBlock(models.Model):
    """Khối: a group of sectors and units directed by one Vice Chairman (e.g. Khối Kinh tế)."""

    committee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="sector_blocks",
        limit_choices_to={"kind": UnitKind.COMMITTEE},
        verbose_name=_("People's Committee"),
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20)
    sort_order = models.PositiveIntegerField(_("display order"), default=100)

    class Meta:
        verbose_name = _("sector block")
        verbose_name_plural = _("sector blocks")
        ordering = ["committee", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "code"],
                name="sector_block_code_unique",
                violation_error_message=_("This committee already has a block with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """Kế thừa: the trail left when units merge, split or are renamed.

    Example: on 01/07/2025 Sở Kế hoạch và Đầu tư merged into Sở Tài chính — one row with the
    former as predecessor, the latter as successor, kind MERGER and the decision that ordered it.
    """

    class Kind(models.TextChoices):
        MERGER = "merger", _("Merger")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Renaming")

    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="succeeded_by", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="preceded_by", verbose_name=_("successor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    decision = models.CharField(_("decision"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        "org.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["-effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="succession_not_to_itself",
                violation_error_message=_("A unit cannot succeed itself."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"
