"""No input makes a page fail: every URL of the project, sent malformed query values, as each
kind of person, answers below 500.

The URLs come from the resolver itself (the admin site's too), so a new page is covered the day it
is added; ids in a URL are those of real objects made through the actions. The parameters sent to
a URL are the ones its view reads: the fields of every form it builds and every key it looks up in
``request.GET`` (both recorded while the page is first requested), the admin changelists' filter
and date-hierarchy parameters, and a common set (q, page, committee, unit, format, sort, start,
end, id, o, p…).

For each URL the page answers, each bad value goes once into every parameter that could take it
(a date into the date fields, a number into the number fields, text anywhere), the other fields
keeping valid values, so that a bad date is used rather than refused with its neighbours; then
each parameter gets a request of its own with one bad value, rotating from parameter to parameter
and from person to person. A page that refuses the person, and the admin site's many alike pages,
get one request with every parameter. About 3,000 requests in all, not every combination.
"""

import datetime
import io
import re
from types import SimpleNamespace

import pytest
import time_machine
from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlsafe_base64_encode

from chidao.board.models import Screen
from chidao.conftest import make_person
from chidao.core.params import parse_id
from chidao.directives import actions
from chidao.directives.models import Attachment, Cooperation, Difficulty, Directive, Extension
from chidao.directives.tests.conftest import issue
from chidao.directives.tests.test_views_directive_form import NEW, counts, valid
from chidao.notifications.models import Notification
from chidao.org.models import FollowAssignment, Membership, Person, Unit
from chidao.registers import actions as register_actions
from chidao.registers import template as register_template
from chidao.reports import freezing, jobs, periods

MORNING = datetime.datetime(2026, 3, 20, 2, tzinfo=datetime.UTC)  # 09:00 on 20/03/2026, Hà Nội

HUGE = "9" * 30
NUMBERS = [HUGE, "9999", "-1", f"-{HUGE}", "0", "1.5e308"]
DATES = ["31/02/2026", "31/12/9999", "00/00/0000", "9999-12-31", "01/01/0001"]
ANYTHING = [
    "abc",
    "'\"><script>alert(1)</script>",
    "a\x00b",
    "x" * 10_000,
    "",
    ["1", "abc", HUGE, ""],  # the parameter repeated
]
BAD_VALUES = NUMBERS + DATES + ANYTHING


def value_kind(value) -> str:
    return "number" if value in NUMBERS else "date" if value in DATES else "any"


def field_kind(field) -> str:
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.ModelChoiceField):
        return "number"  # ModelChoiceField: an id (ModelMultipleChoiceField is one too)
    return "any"


COMMON = (
    "q", "page", "committee", "unit", "format", "sort", "start", "end", "id", "o", "p",
    "next", "index", "multi",
)  # fmt: skip
# What every admin page reads besides its filters: search, ordering, page, errors, all rows, the
# popup and related-field parameters, the changelist's filters kept by the change pages.
ADMIN_PARAMS = ("q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters")

# Views that pick their parameters by pattern rather than by name, with a valid value of each (the
# deadline preview takes any key ending in a row field's name, and does nothing without a kind of
# deadline): parameter -> (kind, valid value), one set of values per way the view is used.
EXTRA = {
    "directives:deadline_preview": [
        {
            "issued_on": ("date", "10/03/2026"),
            "tasks-0-deadline_kind": ("any", kind),
            "tasks-0-deadline_date": ("date", "31/03/2026"),
            "tasks-0-working_days": ("number", "10"),
        }
        for kind in ("date", "working_days")
    ],
    "directives:unit_options": [
        {"tasks-0-lead_unit": ("number", None), "tasks-0-cooperating_units": ("number", None)}
    ],
}

ROLES = ("anonymous", "unit_staff", "specialist", "office_leader", "superuser")


# --- What the views read ------------------------------------------------------------------------
class Reads:
    """Records, while on, the fields of the forms built and the query keys looked up."""

    def __init__(self):
        self.on = False
        self.kinds: dict[str, str] = {}  # read from the query: keys looked up, bound forms' fields
        self.initial: dict[str, str] = {}  # fields of unbound forms (the admin's add pages read
        # their initial values from the query)
        self.defaults: dict[str, str] = {}  # the bound forms' initial values, as typed

    def clear(self):
        self.kinds.clear()
        self.initial.clear()
        self.defaults.clear()

    def form(self, form):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            (self.kinds if form.is_bound else self.initial)[key] = field_kind(field)
            if form.is_bound:
                shown = field.widget.format_value(
                    field.prepare_value(form.get_initial_for_field(field, name))
                )
                if isinstance(shown, list):  # a select's chosen values
                    shown = shown[0] if len(shown) == 1 else None
                if shown not in (None, ""):
                    self.defaults[key] = str(shown)

    def key(self, key: str):
        self.kinds.setdefault(key, "any")


@pytest.fixture
def reads(monkeypatch):
    recorder = Reads()
    form_init = forms.BaseForm.__init__

    def init(self, *args, **kwargs):
        form_init(self, *args, **kwargs)
        if recorder.on:
            recorder.form(self)

    monkeypatch.setattr(forms.BaseForm, "__init__", init)
    for method in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, method)

        def looked_up(self, key, *args, _original=original, **kwargs):
            if recorder.on and isinstance(self, QueryDict) and isinstance(key, str):
                recorder.key(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(MultiValueDict, method, looked_up)
    return recorder


# --- The URLs -----------------------------------------------------------------------------------
def url_patterns(resolver=None, prefix="", namespace=""):
    """(route, full name, pattern) of every URL pattern, with the routes of included resolvers."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, prefix + _route(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + _route(entry.pattern), name, entry


def _route(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    # The admin's two regular expressions: one application's index, and the catch-all.
    text = pattern.regex.pattern.lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<app_label>[^)]*\)", "<app_label>", text)
    return text.replace("(?P<url>.*)", "no-such-page/")


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture
def world(org, people):
    """Real objects for every kind of id in a URL, made through the actions."""
    with time_machine.travel(MORNING, tick=False):
        (task,) = issue(
            people.specialist,
            org,
            people,
            actions.TaskSpec(
                content="Rà soát hồ sơ đầu tư công",
                lead_unit=org.finance,
                cooperating_units=[org.health],
                directing_leader=people.leader,
                deadline_date=datetime.date(2026, 3, 31),
            ),
        )
        actions.receive(people.unit_staff, task)
        pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        actions.post_progress(people.unit_staff, task, "Đã họp triển khai", 20, [pdf])
        actions.request_extension(
            people.unit_staff, task, proposed_date=datetime.date(2026, 4, 20), reason="Chờ số liệu"
        )
        actions.raise_difficulty(people.unit_staff, task, "Thiếu số liệu của các xã")
        report = jobs.ask(people.office_leader, "monthly", org.province,
                          periods.month(2026, 3), "xlsx", "vi")  # fmt: skip
        closed = freezing.close(people.office_leader, org.province, periods.month(2026, 3))
        register = register_actions.upload(
            people.specialist, org.province, io.BytesIO(register_template.build()), "so.xlsx"
        )
    screen = Screen(name="Hội trường", committee=org.province)
    token = screen.new_token()
    screen.save()
    superuser = make_person("root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    first = {
        model: model.objects.order_by("pk").values_list("pk", flat=True).first()
        for model in (Unit, Person, Membership, FollowAssignment, Directive, Extension,
                      Difficulty, Cooperation, Attachment)
    }  # fmt: skip
    by_url = {
        "org:unit_detail": org.finance.pk,
        "org:assign_follow": org.finance.pk,
        "org:person_detail": people.unit_staff.pk,
        "org:staff_add": org.finance.pk,
        "org:follows": org.province.pk,
        "org:staff_end": Membership.objects.get(person=people.unit_staff).pk,
        "org:staff_reactivate": Membership.objects.get(person=people.unit_staff).pk,
        "org:staff_invite": people.unit_staff.pk,
        "org:change_unit": org.finance_sub.pk,
        "directives:task_detail": task.pk,
        "directives:step": task.pk,
        "directives:directive_detail": task.directive_id,
        "directives:directive_correct": task.directive_id,
        "directives:decide_extension": first[Extension],
        "directives:answer_difficulty": first[Difficulty],
        "directives:update_cooperation": first[Cooperation],
        "directives:download": first[Attachment],
        "notifications:open": Notification.objects.values_list("pk", flat=True).first(),
        "reports:job": report.pk,
        "reports:progress": report.pk,
        "reports:download": report.pk,
        "reports:reopen": closed.pk,
        **{f"registers:{view}": register.pk for view in ("detail", "columns", "confirm")},
        "registers:discard": register.pk,
    }
    return SimpleNamespace(
        task=task, token=token, superuser=superuser, by_url=by_url, org=org, people=people
    )


def concrete_urls(world) -> list[tuple[str, str]]:
    """(name, path) of every URL pattern, each parameter filled with a real object's id."""
    admin_models = {
        f"admin/{model._meta.app_label}/{model._meta.model_name}/": model
        for model in admin.site._registry
    }
    found = []
    for route, name, _pattern in url_patterns():
        model = next((m for p, m in admin_models.items() if route.startswith(p)), None)

        def value(match, route=route, name=name, model=model):
            param = match.group(1)
            if param == "pk":
                return str(world.by_url[name])
            if param == "token":
                return world.token
            if param == "uidb64":  # a set-password link (its token is not this one)
                return urlsafe_base64_encode(str(world.people.unit_staff.pk).encode())
            if param == "step":
                return "receive"
            if param == "kind":  # a unit change
                return "rename"
            if param == "app_label":
                return "directives"
            if param == "content_type_id":
                return str(ContentType.objects.get_for_model(Unit).pk)
            if param == "id":  # a person's password page
                return str(world.people.unit_staff.pk)
            if param == "object_id":
                if model is None:  # view_on_site
                    return str(world.org.finance.pk)
                pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
                return str(pk or 1)
            raise AssertionError(f"no value for <{param}> in {route}")

        found.append((name or route, "/" + PARAMETER.sub(value, route)))
    return found


def login(client: Client, role: str, world) -> None:
    if role == "superuser":
        client.force_login(world.superuser)
    elif role != "anonymous":
        client.force_login(getattr(world.people, role))


def admin_filter_names(response) -> dict[str, str]:
    """The parameters of a changelist's list filters and date hierarchy."""
    context = response.context
    cl = context.get("cl") if context is not None else None
    if cl is None:
        return {}
    names = dict.fromkeys(
        (name for spec in cl.filter_specs for name in spec.expected_parameters()), "any"
    )
    if cl.date_hierarchy:
        for part in ("year", "month", "day"):
            names[f"{cl.date_hierarchy}__{part}"] = "number"
    return names


def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


@pytest.mark.parametrize("role", ROLES)
def test_no_malformed_query_makes_a_page_fail(role, world, reads):
    client = Client(raise_request_exception=False)
    login(client, role, world)
    failures, sent = [], 0

    def get(path, params, shown):
        nonlocal sent
        sent += 1
        response = client.get(path, params)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            failures.append(f"{response.status_code} {path}?{shown}: {error and error[1]!r}")
        return response

    role_index = ROLES.index(role)
    with time_machine.travel(MORNING, tick=False):
        for url_index, (name, path) in enumerate(concrete_urls(world)):
            in_admin = name.startswith("admin:")
            reads.clear()
            reads.on = True
            baseline = get(path, {}, "")
            if baseline.status_code == 200 and not in_admin:
                # Again with a harmless parameter: a form built on ``request.GET or None`` is
                # bound only when the query has something.
                get(path, {"_": "1"}, "_=1")
            reads.on = False
            read = reads.kinds | admin_filter_names(baseline)
            if in_admin:
                read |= dict.fromkeys(ADMIN_PARAMS, "any")
                if name.endswith("_add"):
                    read |= reads.initial  # an add page takes its initial values from the query
            read.pop("csrfmiddlewaretoken", None)
            read.pop("_", None)
            offset = role_index + url_index

            if baseline.status_code in (301, 302, 403, 404, 405) or in_admin:
                # Refused before reading anything, or the admin site's pages (Django's own code,
                # many alike): one request with every parameter, each with another bad value.
                everything = sorted(set(read) | set(COMMON))
                params = {
                    param: BAD_VALUES[(index + offset) % len(BAD_VALUES)]
                    for index, param in enumerate(everything)
                }
                get(path, params, "every parameter, values rotating")
            if baseline.status_code >= 300:
                continue
            for extra in EXTRA.get(name, [{}]):
                kinds = read | {param: kind for param, (kind, _valid) in extra.items()}
                defaults = reads.defaults | {p: v for p, (_k, v) in extra.items() if v}
                if not in_admin:
                    for value in BAD_VALUES:  # into every parameter that could take it
                        taking = {
                            param: value
                            for param, kind in (dict.fromkeys(COMMON, "any") | kinds).items()
                            if "any" in (kind, value_kind(value)) or kind == value_kind(value)
                        }
                        get(path, defaults | taking, f"every one taking {short(value)}")
                for index, param in enumerate(sorted(kinds)):  # one by one, values rotating
                    value = BAD_VALUES[(index + offset) % len(BAD_VALUES)]
                    get(path, defaults | {param: value}, f"{param}={short(value)}")
    assert failures == [], f"{len(failures)} of {sent} requests failed:\n" + "\n".join(failures)


# --- The cases found, each at its root ------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        (HUGE, None),
        ("0", None),
        ("-1", None),
        (" 1", None),
        ("1e3", None),
        ("١٢", None),  # Arabic-Indic digits: digits to Python, not to the database
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_an_id_in_a_link_is_digits_within_the_databases_range(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "path",
    ["/tasks/directives/new/", "/tasks/directives/new/row/?index=1", "/tasks/directives/units/"],
)
@pytest.mark.parametrize("committee", ["abc", HUGE, "-1", "1.5"])
def test_a_committee_that_is_not_an_id_is_refused_like_one_the_person_may_not_enter_for(
    client, people, path, committee
):
    client.force_login(people.specialist)
    separator = "&" if "?" in path else "?"
    assert client.get(f"{path}{separator}committee={committee}").status_code == 403


def test_the_unit_picker_ignores_a_30_digit_id(client, org, people):
    client.force_login(people.specialist)
    response = client.get(
        "/tasks/directives/units/",
        {"tasks-0-lead_unit": [HUGE, str(org.finance.pk)], "multi": "1"},
    )
    assert response.status_code == 200
    assert f'value="{org.finance.pk}" selected' in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/org/units/", "/org/people/", "/tasks/", "/tasks/directives/units/", "/admin/"]
)
def test_a_nul_in_the_query_is_a_bad_request(client, people, path):
    """PostgreSQL refuses NUL in text: refused at the door, on both databases alike."""
    client.force_login(people.admin)
    assert client.get(path, {"q": "so tai\x00chinh"}).status_code == 400
    assert client.get(path, {"q\x00": "1"}).status_code == 400


def test_an_empty_to_field_in_the_admin_is_a_bad_request(client, org, people):
    client.force_login(people.admin)
    assert client.get(f"/admin/org/unit/{org.finance.pk}/change/?_to_field=").status_code == 400
    assert client.get(f"/admin/org/unit/{org.finance.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "query", ["issued_on__year=9999&issued_on__month=12", f"issued_on__year={HUGE}"]
)
def test_an_impossible_date_in_the_admins_date_hierarchy_goes_back_to_the_list(
    client, world, query
):
    client.force_login(world.people.admin)
    response = client.get(f"/admin/directives/directive/?{query}")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize("value", ["abc", HUGE, "-1"])
def test_an_admin_add_page_ignores_an_initial_unit_that_is_not_an_id(client, people, value):
    client.force_login(people.admin)
    response = client.get("/admin/org/membership/add/", {"unit": value, "person": value})
    assert response.status_code == 200


def test_a_30_digit_cooperating_unit_is_refused_as_a_choice_and_nothing_saved(client, org, people):
    client.force_login(people.specialist)
    data = valid(org, people, **{"tasks-0-cooperating_units": [str(org.health.pk), HUGE]})
    response = client.post(NEW, data)
    assert response.status_code == 422
    assert "cooperating_units" in response.context["rows"].forms[0].errors
    assert counts() == (0, 0, 0, 0, 0)
