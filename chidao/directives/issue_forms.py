"""Nhập văn bản chỉ đạo: the directive and its task rows, entered in one form.

The rows are a formset (``tasks-0-content``…); the action names its errors the same way, so each
message lands next to its field. Nothing is saved until everything is valid.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core.params import ModelIdsField
from chidao.directives import date_rules
from chidao.directives.actions import TaskSpec
from chidao.directives.forms import DATE, MultipleFileField, StepForm
from chidao.directives.models import DeadlineKind, Directive, DirectiveKind, Priority
from chidao.org.models import Person, Role, SectorBlock, Unit, UnitKind


def leaders_of(committee: Unit):
    return Person.objects.filter(
        memberships__unit=committee,
        memberships__role=Role.COMMITTEE_LEADER,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def specialists_of(committee: Unit):
    """The tracking specialists of the committee's Office and its divisions: those who may
    track its tasks (``Unit.follower_candidates`` of the units it directs)."""
    seats = Unit.objects.filter(
        Q(kind=UnitKind.OFFICE, parent=committee)
        | Q(kind=UnitKind.OFFICE_DIVISION, parent__parent=committee),
        is_active=True,
    )
    return Person.objects.filter(
        is_active=True,
        memberships__role=Role.SPECIALIST,
        memberships__is_active=True,
        memberships__unit__in=seats,
    ).distinct()


def directed_units(committee: Unit):
    return (
        Unit.objects.directed_by(committee)
        .filter(is_active=True)
        .order_by("depth", "sort_order", "sort_key")
    )


class DirectiveForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DirectiveKind.choices)
    number = forms.IntegerField(label=_("Number"), min_value=1, required=False)
    symbol = forms.CharField(label=_("Symbol"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("Date"), widget=DATE)
    signer = forms.ModelChoiceField(label=_("Signer"), queryset=None, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}))
    meeting_name = forms.CharField(label=_("Meeting"), max_length=300, required=False)
    meeting_chair = forms.ModelChoiceField(label=_("Meeting chair"), queryset=None, required=False)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)
    files = MultipleFileField(label=_("The document's files"))

    def __init__(self, *args, committee: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        leaders = leaders_of(committee)
        self.fields["signer"].queryset = leaders
        self.fields["meeting_chair"].queryset = leaders
        self.fields["symbol"].widget.attrs["placeholder"] = "UBND-KT"

    def clean(self):
        data = super().clean()
        if data.get("issued_on"):
            try:
                date_rules.check_issue_date(data["issued_on"])
            except ValidationError as error:
                self.add_error(None, error)
        if not self.errors:
            # The model's own rules (number and symbol, or the meeting), shown with the rest.
            fields = {k: v for k, v in data.items() if k != "files"}
            try:
                Directive(issuer=self.committee, **fields).clean()
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def directive_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("files")
        return data


class TaskRowForm(StepForm):
    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    cooperating_units = ModelIdsField(label=_("Cooperating units"), queryset=None, required=False)
    directing_leader = forms.ModelChoiceField(
        label=_("Directing leader"), queryset=None, required=False
    )
    specialist = forms.ModelChoiceField(
        label=_("Tracking specialist"),
        queryset=None,
        required=False,
        empty_label=_("The specialist who follows the lead unit"),
    )
    deadline_kind = forms.ChoiceField(
        label=_("Deadline"),
        choices=[(k, label) for k, label in DeadlineKind.choices if k != DeadlineKind.RECURRING],
        initial=DeadlineKind.DATE,
        widget=forms.RadioSelect,
    )
    deadline_date = forms.DateField(label=_("Deadline date"), required=False, widget=DATE)
    # The range is checked by the rules (one message for the form, the action and the preview);
    # the browser is told it too.
    working_days = forms.IntegerField(
        label=_("Working days"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": date_rules.MAX_WORKING_DAYS}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    product = forms.CharField(label=_("Expected product"), max_length=200, required=False)
    product_is_committee_document = forms.BooleanField(
        label=_("the product is a document of the committee"), required=False
    )
    sector_block = forms.ModelChoiceField(label=_("Sector block"), queryset=None, required=False)

    def __init__(self, *args, committee: Unit, units, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["cooperating_units"].queryset = units
        self.fields["directing_leader"].queryset = leaders
        self.fields["specialist"].queryset = specialists_of(committee)
        self.fields["sector_block"].queryset = SectorBlock.objects.filter(committee=committee)
        for name in ("lead_unit", "cooperating_units"):
            self.fields[name].widget.attrs["data-unit-picker"] = "1"
        self.fields["cooperating_units"].widget.attrs["size"] = 4

    def clean(self):
        data = super().clean()
        kind = data.get("deadline_kind")
        if kind == DeadlineKind.DATE and not data.get("deadline_date"):
            self.add_error("deadline_date", _("Give the deadline."))
        if kind == DeadlineKind.WORKING_DAYS and "working_days" not in self.errors:
            try:
                date_rules.check_working_days(data.get("working_days"))
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def spec(self) -> TaskSpec:
        d = self.cleaned_data
        return TaskSpec(
            content=d["content"],
            lead_unit=d["lead_unit"],
            cooperating_units=list(d["cooperating_units"]),
            directing_leader=d["directing_leader"],
            specialist=d["specialist"],
            sector_block=d["sector_block"],
            priority=d["priority"],
            product=d["product"],
            product_is_committee_document=d["product_is_committee_document"],
            deadline_kind=d["deadline_kind"],
            deadline_date=d["deadline_date"] if d["deadline_kind"] == DeadlineKind.DATE else None,
            working_days=d["working_days"]
            if d["deadline_kind"] == DeadlineKind.WORKING_DAYS
            else None,
        )


class BaseTaskRows(forms.BaseFormSet):
    def __init__(self, *args, committee: Unit, **kwargs):
        self.committee = committee
        self.units = directed_units(committee)
        self.leaders = leaders_of(committee)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"committee": self.committee, "units": self.units, "leaders": self.leaders}


TaskRows = forms.formset_factory(
    TaskRowForm, formset=BaseTaskRows, extra=0, min_num=1, validate_min=True, max_num=30
)


def new_rows(data=None, *, committee: Unit) -> BaseTaskRows:
    return TaskRows(data, prefix="tasks", committee=committee)


def apply_errors(error, form: DirectiveForm, rows: BaseTaskRows) -> None:
    """Put the action's messages next to their fields: ``tasks-N-field`` on row N."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for key, texts in messages.items():
        if key.startswith("tasks-"):
            _prefix, index, field = key.split("-", 2)
            row = rows.forms[int(index)]
            row.add_error(field if field in row.fields else None, texts)
        else:
            form.add_error(key if key in form.fields else None, texts)
