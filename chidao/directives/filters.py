"""Bộ lọc danh sách nhiệm vụ: the task list's filters, read from and written to the URL."""

import datetime

from django import forms
from django.db.models import F, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from chidao.core.widgets import ANY_CHOICE, LazyChoices, Options, QuickSelect, quicken
from chidao.directives import filter_choices
from chidao.directives.forms import DATE, StepForm
from chidao.directives.models import (
    OPEN_STATES,
    Cooperation,
    CooperationStatus,
    Decision,
    Difficulty,
    DirectiveKind,
    Extension,
    Level,
    State,
)
from chidao.directives.timeliness import (
    Timeliness,
    Today,
    after_extension_q,
    after_late_extension_q,
    returned_q,
    scope_q,
    stale_q,
    timeliness_q,
)
from chidao.org import divisions, permissions
from chidao.org.models import Person, Role, SectorBlock, Unit, UnitKind

# Orderings written out so that a missing date sorts last on SQLite and PostgreSQL alike.
DEADLINE = F("deadline").asc(nulls_last=True)
SORTS = {
    # Task.order_group puts open tasks first and missing deadlines last: an index serves it.
    "deadline": (_("Open first, by deadline"), ["order_group", "deadline", "pk"]),
    "-deadline": (_("Deadline, latest first"), [F("deadline").desc(nulls_last=True), "-pk"]),
    "-assigned": (_("Newest assignment first"), ["-assigned_on", "-pk"]),
    "assigned": (_("Oldest assignment first"), ["assigned_on", "pk"]),
    "unit": (_("Lead unit"), ["lead_unit__sort_key", DEADLINE, "pk"]),
    "-completed": (_("Latest completion first"), [F("completed_on").desc(nulls_last=True), "-pk"]),
}
YES_NO = [("", ANY_CHOICE), ("yes", _("Confidential only")), ("no", _("Not confidential"))]
DIFFICULTIES = [
    ("", ANY_CHOICE),
    ("on", _("With an open difficulty")),
    *[(level.value, _("Awaiting: %(level)s") % {"level": level.label}) for level in Level],
]
# A cooperating unit's share (phần việc phối hợp); "pending" is what the unit still owes: its
# share not yet done on a task still open (a closed task's shares are final).
SHARES = [
    ("", ANY_CHOICE),
    ("pending", _("Not yet done, on an open task")),
    *CooperationStatus.choices,
]
EXTENDED = [
    ("", ANY_CHOICE),
    ("after_extension", _("Done on time after an extension")),
    ("after_late_extension", _("Done on time after an extension asked late")),
    # Not an extension: the deadline entered by mistake, corrected (the original one with it).
    ("deadline_corrected", _("Deadline corrected (an entry error)")),
]


class TaskFilterForm(StepForm):
    empty_choice = ANY_CHOICE

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.MultipleChoiceField(
        label=_("State"), choices=State.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    timeliness = forms.MultipleChoiceField(
        label=_("Timeliness"),
        choices=Timeliness.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Unit.objects.none(), required=False
    )
    subunits = forms.BooleanField(label=_("with its lower units"), required=False)
    cooperating = forms.ModelChoiceField(
        label=_("Cooperating unit"), queryset=Unit.objects.none(), required=False
    )
    share = forms.ChoiceField(label=_("Cooperating unit's share"), choices=SHARES, required=False)
    scope = forms.ModelChoiceField(
        label=_("Counted in the statistics of"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Tasks led inside the unit, except parts handed down from a task also led inside it."
        ),
    )
    assigner = forms.ModelChoiceField(
        label=_("Assigned by"), queryset=Unit.objects.none(), required=False
    )
    division = forms.ModelChoiceField(
        label=_("Tracking division"), queryset=Unit.objects.none(), required=False
    )
    leader = forms.ModelChoiceField(
        label=_("Directing leader"), queryset=Person.objects.none(), required=False
    )
    specialist = forms.ModelChoiceField(
        label=_("Tracking specialist"), queryset=Person.objects.none(), required=False
    )
    sector_block = forms.ModelChoiceField(
        label=_("Sector block"), queryset=SectorBlock.objects.none(), required=False
    )
    no_block = forms.BooleanField(label=_("without a sector block"), required=False)
    no_leader = forms.BooleanField(label=_("without a directing leader"), required=False)
    no_specialist = forms.BooleanField(label=_("without a tracking specialist"), required=False)
    no_division = forms.BooleanField(
        label=_("not followed by a specialist of a division"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Directive kind"),
        choices=[("", ANY_CHOICE), *DirectiveKind.choices],
        required=False,
    )
    assigned_from = forms.DateField(label=_("Assigned from"), required=False, widget=DATE)
    assigned_to = forms.DateField(label=_("Assigned to"), required=False, widget=DATE)
    deadline_from = forms.DateField(label=_("Deadline from"), required=False, widget=DATE)
    deadline_to = forms.DateField(label=_("Deadline to"), required=False, widget=DATE)
    completed_from = forms.DateField(label=_("Completed from"), required=False, widget=DATE)
    completed_to = forms.DateField(label=_("Completed to"), required=False, widget=DATE)
    confidential = forms.ChoiceField(label=_("Confidential"), choices=YES_NO, required=False)
    difficulties = forms.ChoiceField(label=_("Difficulties"), choices=DIFFICULTIES, required=False)
    extension_requests = forms.BooleanField(
        label=_("with an extension request awaiting decision"), required=False
    )
    extended = forms.ChoiceField(label=_("Extensions"), choices=EXTENDED, required=False)
    stale = forms.BooleanField(label=_("not updated by the unit"), required=False)
    returned = forms.BooleanField(label=_("returned, not yet reported again"), required=False)
    urged_min = forms.IntegerField(
        label=_("Urged at least (times)"),
        min_value=1,
        required=False,
        help_text=_("Urgings by a person, not automatic reminders."),
    )
    level = forms.ChoiceField(
        label=_("Which tasks"),
        choices=[
            ("", _("All, with the parts handed down to lower units")),
            ("top", _("Only those assigned by the directive (as in the statistics)")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        required=False,
    )

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # Dissolved units keep their tasks, so a link to their figures must still filter.
        units = permissions.visible_units(person)
        offer = filter_choices.offered(person)
        # A unit's tasks carry the block of the committee above it, which it may not "see".
        above = {pk for j in permissions.jurisdictions(person) for pk in j.root.ancestor_ids()}
        blocks = SectorBlock.objects.filter(Q(committee__in=units) | Q(committee__in=above))
        offered = {name: (units, offer.units) for name in ("unit", "assigner", "cooperating")}
        # A unit's share of its committee's figures is "counted in the statistics of" that
        # committee, which the unit's people may not see: any unit narrows (their tasks only).
        scope_choices = offer.units
        chosen = self._chosen("scope")
        if chosen and chosen not in offer.unit_ids:
            named = Unit.objects.filter(pk=int(chosen)).only("pk", "name", "short_name")
            scope_choices = Options(offer.units + [(u.pk, str(u)) for u in named])
        offered["scope"] = (Unit.objects.all(), scope_choices)
        # A unit's people see their tasks by the Office division that follows them, though
        # the Office is not theirs to see: any division filters (only their tasks, still).
        division_choices = offer.divisions
        chosen = self._chosen("division")
        if chosen and chosen not in offer.division_ids:
            named = Unit.objects.filter(pk=int(chosen), kind=UnitKind.OFFICE_DIVISION)
            extra = [(u.pk, str(u)) for u in named.only("pk", "name", "short_name")]
            division_choices = Options(offer.divisions + extra)
        offered["division"] = (
            Unit.objects.filter(kind=UnitKind.OFFICE_DIVISION),
            division_choices,
        )
        for name, holders in (("leader", offer.leaders), ("specialist", offer.specialists)):
            # A task keeps the leader and the specialist it had, whoever holds the role now:
            # a link to their figures must still filter, and the select show them chosen.
            chosen = self._chosen(name)
            shown = holders
            if chosen and chosen not in holders.ids:
                role = Role.COMMITTEE_LEADER if name == "leader" else Role.SPECIALIST
                holding = filter_choices.holding(
                    permissions.visible_people(person).filter(is_active=True), role
                )
                live = Person.objects.filter(Q(pk__in=holding.values("pk")) | Q(pk=int(chosen)))
                shown = LazyChoices(self.fields[name], live)
            offered[name] = (Person.objects.all(), shown)
        offered["sector_block"] = (blocks, offer.blocks)
        for name, (queryset, choices) in offered.items():
            field = self.fields[name]
            field.queryset = queryset
            field.widget = QuickSelect(attrs=field.widget.attrs, choices=choices)
        for name, field in self.fields.items():
            if name not in offered and isinstance(field.widget, forms.Select):
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)
            quicken(field)

    def _chosen(self, name: str) -> str:
        """A submitted id, or ""."""
        value = self.data.get(name, "") if self.is_bound else ""
        return value if value.isdigit() else ""

    GRID = (
        "unit", "leader", "specialist", "division", "sector_block", "kind", "confidential",
        "difficulties", "assigned_from", "assigned_to", "deadline_from", "deadline_to",
        "completed_from", "completed_to", "assigner", "scope", "level", "extended",
        "cooperating", "share", "urged_min",
    )  # fmt: skip
    CHECKBOXES = (
        "subunits", "no_block", "no_leader", "no_specialist", "no_division", "stale", "returned",
        "extension_requests",
    )  # fmt: skip

    def checkbox_fields(self):
        return [self[name] for name in self.CHECKBOXES]

    def grid_fields(self):
        """The plain fields laid out in the "more filters" grid."""
        return [self[name] for name in self.GRID]

    def chosen_filters(self) -> list[tuple[str, str]]:
        """The filters in force besides the search and the order, in words ("Quá hạn", "Đơn vị
        chủ trì: Sở Tài chính"), each with the query of the list without it: shown above the
        rows, so that "more filters" can stay folded and the rows come first, on a phone too."""
        data = getattr(self, "cleaned_data", None) if self.is_bound else None
        if not data:
            return []
        query = self.query_string()
        said = []
        for name in ("state", "timeliness"):
            labels = dict(self.fields[name].choices)
            said += [(str(labels[value]), _without(query, name, value))
                     for value in data.get(name) or ()]  # fmt: skip
        for name in self.GRID:
            value, field = data.get(name), self.fields[name]
            if value is None or value == "":
                continue
            if isinstance(field, forms.ModelChoiceField):
                text = str(value)
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices)[value])
            elif isinstance(value, datetime.date):
                text = f"{value:%d/%m/%Y}"
            else:
                text = str(value)
            said.append((f"{field.label}: {text}", _without(query, name)))
        return said + [(str(self.fields[name].label), _without(query, name))
                       for name in self.CHECKBOXES if data.get(name)]  # fmt: skip

    def clean(self):
        data = super().clean()
        for start, end in (
            ("assigned_from", "assigned_to"),
            ("deadline_from", "deadline_to"),
            ("completed_from", "completed_to"),
        ):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("The end of the range is before its start."))
                data.pop(start, None)  # the whole range is left out, not half of it
        return data

    def tasks(self, today: Today):
        """The visible tasks matching the valid filters, sorted, ready for a page."""
        qs = permissions.visible_tasks(self.person).exclude(
            deadline_kind="recurring", series__isnull=True
        )
        self.is_valid()  # an invalid filter is reported and left out; the valid ones apply
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            qs = qs.search(data["q"])
        if data.get("state"):
            qs = qs.filter(state__in=data["state"])
        if data.get("timeliness"):
            wanted = Q(pk__in=[])
            for value in data["timeliness"]:
                wanted |= timeliness_q(value, today)
            qs = qs.filter(wanted)
        if data.get("extended") == "after_extension":
            qs = qs.filter(after_extension_q())
        elif data.get("extended") == "after_late_extension":
            qs = qs.filter(after_late_extension_q())
        elif data.get("extended") == "deadline_corrected":
            qs = qs.filter(deadline_corrections__gt=0)
        if data.get("unit"):
            unit = data["unit"]
            if data.get("subunits"):
                qs = qs.filter(lead_unit__path__startswith=unit.path)
            else:
                qs = qs.filter(lead_unit=unit)
        if data.get("scope"):
            qs = qs.filter(scope_q(data["scope"]))
        if data.get("cooperating") or data.get("share"):
            shares = Cooperation.objects.all()
            if data.get("cooperating"):
                shares = shares.filter(unit=data["cooperating"])
            if data.get("share") == "pending":
                shares = shares.exclude(status=CooperationStatus.DONE)
                qs = qs.filter(state__in=OPEN_STATES)
            elif data.get("share"):
                shares = shares.filter(status=data["share"])
            qs = qs.filter(pk__in=shares.values("task_id"))
        if data.get("division"):
            qs = qs.filter(specialist__in=divisions.specialists_of(data["division"]))
        if data.get("no_division"):
            qs = qs.exclude(specialist__in=divisions.seats().values("person_id"))
        if data.get("no_leader"):
            qs = qs.filter(directing_leader__isnull=True)
        if data.get("no_specialist"):
            qs = qs.filter(specialist__isnull=True)
        for name, field in (
            ("leader", "directing_leader"),
            ("specialist", "specialist"),
            ("sector_block", "sector_block"),
            ("assigner", "assigner_unit"),
        ):
            if data.get(name):
                qs = qs.filter(**{field: data[name]})
        if data.get("no_block"):
            qs = qs.filter(sector_block__isnull=True)
        if data.get("kind"):
            qs = qs.filter(directive_kind=data["kind"])
        for name, lookup in (
            ("assigned_from", "assigned_on__gte"),
            ("assigned_to", "assigned_on__lte"),
            ("deadline_from", "deadline__gte"),
            ("deadline_to", "deadline__lte"),
            ("completed_from", "completed_on__gte"),
            ("completed_to", "completed_on__lte"),
        ):
            if data.get(name):
                qs = qs.filter(**{lookup: data[name]})
        if data.get("confidential"):
            qs = qs.filter(directive__is_confidential=data["confidential"] == "yes")
        if data.get("difficulties"):
            qs = qs.with_open_difficulties()
            if data["difficulties"] != "on":
                addressed = Difficulty.objects.filter(
                    is_open=True, addressed_to=data["difficulties"]
                )
                qs = qs.filter(pk__in=addressed.values("task_id"))
        if data.get("extension_requests"):
            pending = Extension.objects.filter(decision=Decision.PENDING)
            qs = qs.filter(pk__in=pending.values("task_id"))
        if data.get("stale"):
            qs = qs.filter(stale_q(today))
        if data.get("returned"):
            qs = qs.filter(returned_q())
        if data.get("urged_min"):
            qs = qs.filter(urged_count__gte=data["urged_min"])
        if data.get("level") == "top":
            qs = qs.filter(scope_q(None))
        order = SORTS.get(data.get("sort") or "deadline")[1]
        return qs.select_related("directive", "lead_unit", "specialist").order_by(*order)

    def urge_all_unit(self):
        """The unit whose open overdue tasks this list shows, when it is filtered to exactly one
        lead unit (without its lower units) and to overdue only: the list then offers to urge
        them all at once (``actions.urge_overdue``). None otherwise."""
        data = getattr(self, "cleaned_data", None) or {}
        if (
            data.get("unit") is not None
            and not data.get("subunits")
            and data.get("timeliness") == [Timeliness.OVERDUE]
            and permissions.may_urge_some(self.person)
        ):
            return data["unit"]
        return None

    def query_string(self, **override) -> str:
        """The filters as a URL query (without the page), to share or to export."""
        params = QueryDict(mutable=True)
        for key in self.data:
            if key not in ("page", "format") and any(self.data.getlist(key)):
                params.setlist(key, self.data.getlist(key))
        for key, value in override.items():
            params[key] = value
        return params.urlencode()


def _without(query: str, name: str, value: str | None = None) -> str:
    """The list's ``query`` without the filter ``name`` (or only its ``value``)."""
    params = QueryDict(query, mutable=True)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return params.urlencode()
