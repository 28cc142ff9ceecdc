"""Nhập văn bản chỉ đạo: the directive and its task rows, entered in one form.

The rows are a formset (``tasks-0-content``…); the action names its errors the same way, so each
message lands next to its field. Nothing is saved until everything is valid.

One submit tells everything: every rule that can run on what was typed runs (the fields', the
model's, the duplicate number, the files, the rows' deadlines against the directive's date), even
when other fields are wrong, so the person never fixes one message to be shown the next.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core.params import ModelIdsField
from chidao.directives import date_rules
from chidao.directives.actions import TaskSpec
from chidao.directives.actions.files import check_upload
from chidao.directives.forms import DATE, MultipleFileField, StepForm
from chidao.directives.models import DeadlineKind, Directive, DirectiveKind, Priority, Recurrence
from chidao.org.models import Person, Role, SectorBlock, Unit


def leaders_of(committee: Unit):
    return Person.objects.filter(
        memberships__unit=committee,
        memberships__role=Role.COMMITTEE_LEADER,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def specialists_of(committee: Unit):
    """Those who may track its tasks (``Unit.follower_candidates`` of the units it directs)."""
    return committee.office_specialists()


def directed_units(committee: Unit):
    return (
        Unit.objects.directed_by(committee)
        .filter(is_active=True)
        .order_by("depth", "sort_order", "sort_key")
    )


# The model's fields the form gives (Directive.clean and its unique number read them).
MODEL_FIELDS = (
    "kind", "number", "symbol", "issued_on", "signer", "summary", "meeting_name", "meeting_chair",
    "is_confidential",
)  # fmt: skip
# Required by Directive.clean for a document (not a meeting), or only for a meeting.
FOR_DOCUMENTS = ("number", "symbol", "signer")
FOR_MEETINGS = ("meeting_name", "meeting_chair")


def required_when(control: str, value: str, equal: bool = True) -> str:
    """``data-required-when`` of a field required only while ``control`` has (or has not) the
    value: the page's script moves the field's mark and ``aria-required`` as the choice changes."""
    return f"{control}{'=' if equal else '!='}{value}"


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

    instance_pk = None

    def __init__(self, *args, committee: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        leaders = leaders_of(committee)
        self.fields["signer"].queryset = leaders
        self.fields["meeting_chair"].queryset = leaders
        self.fields["symbol"].widget.attrs["placeholder"] = "UBND-KT"
        meeting = self["kind"].value() == DirectiveKind.MEETING
        for names, equal in ((FOR_DOCUMENTS, False), (FOR_MEETINGS, True)):
            for name in names:
                attrs = self.fields[name].widget.attrs
                attrs["data-required-when"] = required_when("kind", DirectiveKind.MEETING, equal)
                attrs["aria-required"] = "true" if meeting == equal else "false"
        # What the page marks as required now: always, or for the kind chosen.
        self.required_now = {name for name, field in self.fields.items() if field.required}
        self.required_now.update(FOR_MEETINGS if meeting else FOR_DOCUMENTS)

    def clean_symbol(self):
        # As saved (Directive.save), so the duplicate check compares like with like.
        return self.cleaned_data["symbol"].strip().upper()

    def clean_files(self):
        files = self.cleaned_data["files"]
        messages = []
        for upload in files:
            try:
                check_upload(upload)  # the action checks again; here it is said with the rest
            except ValidationError as error:
                messages.extend(error.messages)
        if messages:
            raise ValidationError(messages)
        return files

    def clean(self):
        data = super().clean()
        if data.get("issued_on"):
            try:
                date_rules.check_issue_date(data["issued_on"])
            except ValidationError as error:
                self.add_error(None, error)
        # The model's own rules (number, symbol and signer, or the meeting) on what was given,
        # whatever else is wrong; a field that already has its message gets no second one.
        directive = Directive(
            pk=self.instance_pk,  # a directive being corrected is no duplicate of itself
            issuer=self.committee,
            **{name: data[name] for name in MODEL_FIELDS if data.get(name) is not None},
        )
        directive._state.adding = self.instance_pk is None
        try:
            directive.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name if name in self.fields else None, messages)
        # The number and symbol already used this year (the unique constraint), once the date,
        # the number and the symbol are readable; said next to the number.
        readable = not {"issued_on", "number", "symbol"} & set(self.errors)
        if readable and data.get("issued_on") and data.get("number") is not None:
            try:
                directive.validate_constraints()
            except ValidationError as error:
                self.add_error("number", error.messages)
        return data

    def directive_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("files")
        return data


class DirectiveCorrectionForm(DirectiveForm):
    """Đính chính văn bản: the directive's fields as they stand, files to add, and the reason.
    ``changes()`` gives only the fields changed; the action checks everything again."""

    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, directive: Directive, **kwargs):
        kwargs["initial"] = {name: getattr(directive, name) for name in MODEL_FIELDS}
        kwargs["initial"].update(
            signer=directive.signer_id, meeting_chair=directive.meeting_chair_id
        )
        super().__init__(*args, committee=directive.issuer, **kwargs)
        self.instance_pk = directive.pk
        self.fields["files"].label = _("Files to add to the document")
        # The leaders who signed or chaired stay choosable after their term ended.
        for name in ("signer", "meeting_chair"):
            person = getattr(directive, f"{name}_id")
            if person is not None:
                field = self.fields[name]
                field.queryset = Person.objects.filter(
                    Q(pk__in=field.queryset.values("pk")) | Q(pk=person)
                )

    def changes(self) -> dict:
        data = self.cleaned_data
        changed = {}
        for name in MODEL_FIELDS:
            value, initial = data.get(name), self.initial.get(name)
            if hasattr(value, "pk"):
                value = value.pk
            if value in ("", None) and initial in ("", None):
                continue
            if value != initial:
                changed[name] = data.get(name)
        return changed


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
        choices=DeadlineKind.choices,
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
    # Báo cáo định kỳ: how often, and the day of each period's last month it is due on (the
    # worker opens each period by itself; a shorter month's last day stands in for 29 to 31).
    recurrence = forms.ChoiceField(
        label=_("Report every"), choices=[("", "—"), *Recurrence.choices], required=False
    )
    recurrence_day = forms.IntegerField(
        label=_("Due on day"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 31}),
        help_text=_("Of the period's last month."),
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
        # Without the page's script the cooperating units stay a plain list; with it, chips and a
        # search box that set this list's choices (the same values are sent).
        self.fields["cooperating_units"].widget.attrs["size"] = 4
        # A formset's forms carry no ``required`` attribute by default: these always need a value.
        for name in ("content", "lead_unit"):
            self.fields[name].widget.attrs.update({"required": True, "aria-required": "true"})
        kind = self["deadline_kind"].value()
        for name, wanted in (
            ("deadline_date", DeadlineKind.DATE),
            ("working_days", DeadlineKind.WORKING_DAYS),
            ("recurrence", DeadlineKind.RECURRING),
            ("recurrence_day", DeadlineKind.RECURRING),
        ):
            attrs = self.fields[name].widget.attrs
            attrs["data-required-when"] = required_when(self.add_prefix("deadline_kind"), wanted)
            attrs["aria-required"] = "true" if kind == wanted else "false"
        # The recurrence's fields show only for a recurring report (the page's script).
        self.recurrence_rule = required_when(
            self.add_prefix("deadline_kind"), DeadlineKind.RECURRING
        )
        self.required_now = {"content", "lead_unit", "deadline_kind"}
        if kind == DeadlineKind.DATE:
            self.required_now.add("deadline_date")
        elif kind == DeadlineKind.WORKING_DAYS:
            self.required_now.add("working_days")
        elif kind == DeadlineKind.RECURRING:
            self.required_now.update(("recurrence", "recurrence_day"))

    def clean(self):
        data = super().clean()
        lead, cooperating = data.get("lead_unit"), data.get("cooperating_units") or ()
        if lead is not None and lead in cooperating:
            self.add_error("cooperating_units", _("The lead unit cannot also cooperate."))
        kind = data.get("deadline_kind")
        if kind == DeadlineKind.DATE and not data.get("deadline_date"):
            self.add_error("deadline_date", _("Give the deadline."))
        if kind == DeadlineKind.WORKING_DAYS and "working_days" not in self.errors:
            try:
                date_rules.check_working_days(data.get("working_days"))
            except ValidationError as error:
                self.add_error(None, error)
        if kind == DeadlineKind.RECURRING:
            if not data.get("recurrence"):
                self.add_error("recurrence", _("Choose how often the task recurs."))
            day = data.get("recurrence_day")
            if "recurrence_day" not in self.errors and (day is None or not 1 <= day <= 31):
                self.add_error("recurrence_day", _("Give a day of the month from 1 to 31."))
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
            recurrence=d["recurrence"] if d["deadline_kind"] == DeadlineKind.RECURRING else "",
            recurrence_day=d["recurrence_day"]
            if d["deadline_kind"] == DeadlineKind.RECURRING
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


def check_rows(form: DirectiveForm, rows: BaseTaskRows) -> None:
    """The rows' deadlines against the directive's date (not before it, at most five years after
    it), as the action will judge them: run as soon as the date and a row's deadline are readable,
    whatever else is wrong, so their messages come in the same round as the others."""
    issued_on = getattr(form, "cleaned_data", {}).get("issued_on")
    if issued_on is None or "issued_on" in form.errors:
        return
    dates = {"assigned_on": issued_on, "issued_on": issued_on}
    for row in rows.forms:
        data = getattr(row, "cleaned_data", {})
        kind = data.get("deadline_kind")
        try:
            if kind == DeadlineKind.DATE and data.get("deadline_date"):
                date_rules.deadline_on(data["deadline_date"], **dates)
            elif kind == DeadlineKind.WORKING_DAYS and "working_days" not in row.errors:
                date_rules.deadline_in_working_days(data.get("working_days"), **dates)
        except ValidationError as error:
            row.add_error(None, error)


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
