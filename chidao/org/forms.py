from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from chidao.org.models import Person, Role


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = Person
        fields = ("username", "full_name", "email")


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Person
        fields = "__all__"


class FollowForm(forms.Form):
    """Choose the tracking specialist who follows a unit (phân công theo dõi)."""

    specialist = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Tracking specialist"),
        error_messages={
            "required": _("Choose a specialist."),
            "invalid_choice": _("This specialist cannot be chosen for this unit."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = candidates.order_by("sort_key")
        self.fields["specialist"].widget.attrs["class"] = "form-select form-select-sm"


PHONE_CHARS = frozenset("0123456789+ .()-")


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and (set(value) - PHONE_CHARS or sum(c.isdigit() for c in value) < 8):
        raise forms.ValidationError(
            _("Enter a phone number of digits (at least 8), with + . ( ) - or spaces if needed.")
        )
    return value


class StaffForm(forms.Form):
    """Thêm cán bộ: a new account and its one role in one of the page's units."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Their own official address: the link to set their password goes there."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    seat = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    role = forms.ChoiceField(label=_("Role"))
    position = forms.CharField(
        label=_("Position"),
        max_length=120,
        required=False,
        help_text=_("E.g. Chuyên viên, Phó Trưởng phòng."),
    )

    def __init__(self, *args, granted, **kwargs):
        """``granted``: [(unit, [roles])] as ``staff.grantable`` gives it."""
        super().__init__(*args, **kwargs)
        self.granted = {seat.pk: (seat, roles) for seat, roles in granted}
        self.fields["seat"].choices = [(seat.pk, seat.name) for seat, _roles in granted]
        roles = dict.fromkeys(role for _seat, roles in granted for role in roles)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(self.granted) == 1:
            self.fields["seat"].widget = forms.HiddenInput()
            self.fields["seat"].initial = next(iter(self.granted))
        if len(roles) == 1:
            self.fields["role"].initial = next(iter(roles))
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["username"].widget.attrs["autocomplete"] = "off"

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        seat_roles = self.granted.get(data.get("seat"))
        if seat_roles and data.get("role") and data["role"] not in seat_roles[1]:
            self.add_error("role", _("This role cannot be given in this unit."))
        return data

    @property
    def unit(self):
        return self.granted[self.cleaned_data["seat"]][0]


class ContactForm(forms.Form):
    """A person's own e-mail address and phone number."""

    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])
