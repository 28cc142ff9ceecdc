from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=40, strip=True)
