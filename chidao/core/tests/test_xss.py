"""No text a person typed runs as code on anyone's page.

Every field people type that a page shows holds script payloads, each marked with its field's
name: unit and person names, a directive's summary (its symbol takes letters, digits and hyphens
only), a task's content and product, progress, comments, difficulties and guidance, extension
reasons, the late explanation, the result, a return's reason, an urging, a leader's opinion, a
cooperating unit's note, a file's name, a display screen's name; so do the search and the
filters echoed back, a refused form shown again and the login page's ``next``. Every page that
shows them, for each role, is parsed: no script element runs ``alert``, no element carries an
``on…`` attribute with it, no link or form goes to ``javascript:``; and each page does show the
payloads it should (as text), so a broken escape would be seen. Last, a real browser opens the
main pages and no dialog may open (the Content-Security-Policy is a second line there: a broken
escape alone is caught by the parse, a broken escape without the policy by the browser too).
"""

import datetime
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chidao.board.models import Screen
from chidao.browser import log_in
from chidao.conftest import make_person
from chidao.directives import actions
from chidao.directives.actions import TaskSpec
from chidao.directives.models import Cause, Cooperation, Difficulty
from chidao.directives.tests.conftest import issue
from chidao.org.models import Role

ISSUED = datetime.datetime(2026, 3, 2, 2, tzinfo=datetime.UTC)  # 09:00, Hà Nội
MORNING = datetime.datetime(2026, 3, 20, 2, tzinfo=datetime.UTC)


def payload(marker: str) -> str:
    """Each way out of a text node, an attribute, a textarea or a template, marked."""
    return (
        f'{marker} <script>alert("{marker}")</script> "><img src=x onerror=alert(1)> '
        f"javascript:alert(1) {{{{7*7}}}} </textarea><svg onload=alert(1)>"
    )


SHORT = '"><svg onload=alert(1)>'  # for the short fields (a file name, a document number)


class Scan(HTMLParser):
    """What a browser would run, and the text it would show."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []  # shown, or kept in a field's value
        self.script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name in ("value", "title", "alt", "placeholder", "aria-label"):
                self.text.append(value)
            if name.startswith("on") and "alert" in value:
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.script_type = dict(attrs).get("type") or "text/javascript"

    def handle_endtag(self, tag):
        if tag == "script":
            self.script_type = None

    def handle_data(self, data):
        if self.script_type is not None:
            if "alert" in data and "json" not in self.script_type:
                self.problems.append(f"<script> running {data.strip()[:80]!r}")
        else:
            self.text.append(data)


def scan(html: str) -> Scan:
    parser = Scan()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def world(org, people):
    """The test province with a payload in every typed field, through the actions."""
    w = SimpleNamespace(org=org, people=people)
    org.finance.name = payload("xss-unit")
    org.finance.save()
    for persona, marker in (("unit_staff", "xss-person"), ("leader", "xss-leader")):
        person = getattr(people, persona)
        person.full_name = payload(marker)[:150]
        person.save()
    with time_machine.travel(ISSUED, tick=False):
        w.task, w.late = issue(
            people.specialist, org, people,
            TaskSpec(content=payload("xss-content"), lead_unit=org.finance,
                     cooperating_units=[org.health], directing_leader=people.leader,
                     product=payload("xss-product"), deadline_date=datetime.date(2026, 4, 30)),
            TaskSpec(content=payload("xss-late-task"), lead_unit=org.finance,
                     deadline_date=datetime.date(2026, 3, 10)),
            summary=payload("xss-summary"),  # a symbol is letters, digits and hyphens only
        )  # fmt: skip
        for task in (w.task, w.late):
            actions.receive(people.unit_staff, task)
        named = SimpleUploadedFile(f"{SHORT}.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        actions.post_progress(people.unit_staff, w.task, payload("xss-progress"), 40, [named])
        actions.comment(people.specialist, w.task, payload("xss-comment"))
        actions.request_extension(
            people.unit_staff, w.task, proposed_date=datetime.date(2026, 5, 29),
            reason=payload("xss-extension"),
        )  # fmt: skip
        difficulty = actions.raise_difficulty(people.unit_staff, w.task, payload("xss-difficulty"))
        actions.answer_difficulty(people.division_head, difficulty, payload("xss-guidance"))
        actions.raise_difficulty(people.unit_staff, w.task, payload("xss-open-difficulty"))
        actions.give_opinion(people.leader, w.task, payload("xss-opinion"))
        actions.update_cooperation(
            people.other_staff, Cooperation.objects.get(task=w.task), "in_progress",
            payload("xss-coop"),
        )  # fmt: skip
    with time_machine.travel(MORNING, tick=False):
        actions.urge(people.specialist, w.task, payload("xss-urge")[:500])
        actions.report_done(
            people.unit_staff, w.late, result=payload("xss-result"), product_number=SHORT,
            late_explanation={"cause": Cause.values[0], "explanation": payload("xss-late"),
                              "remedy": payload("xss-remedy")},
        )  # fmt: skip
        actions.return_task(people.specialist, w.late, payload("xss-return"))
    screen = Screen(name=payload("xss-screen")[:100], committee=org.province)
    w.token = screen.new_token()
    screen.save()
    w.superuser = make_person("root")
    w.superuser.is_superuser = w.superuser.is_staff = True
    w.superuser.save()
    w.unit_viewer = make_person("unit_viewer", org.finance, Role.VIEWER)
    assert Difficulty.objects.filter(task=w.task, is_open=True).exists()
    return w


TASK_MARKERS = ("xss-content", "xss-unit", "xss-progress", "xss-comment", "xss-extension",
                "xss-difficulty", "xss-guidance", "xss-opinion", "xss-coop", "xss-urge",
                "xss-product", "xss-summary", "xss-leader")  # fmt: skip
LATE_MARKERS = ("xss-late-task", "xss-result", "xss-late", "xss-remedy", "xss-return")
ECHO = payload("xss-echo")


def pages(w):
    """(who, path, query, the markers the page must show)."""
    task, late, finance = w.task.pk, w.late.pk, w.org.finance.pk
    directive = w.task.directive_id
    attachment = w.task.attachments.first()
    filters = {"q": ECHO, "state": ECHO, "unit": ECHO, "leader": ECHO, "sort": ECHO,
               "page": ECHO, "timeliness": ECHO, "assigned_from": ECHO}  # fmt: skip
    homes = [
        (who, "/", {}, ("xss-",) if who != "admin" else ())  # some payload, by role
        for who in ("leader", "office_leader", "division_head", "specialist", "unit_head",
                    "unit_staff", "viewer", "admin", "other_staff")
    ]  # fmt: skip
    return [
        *homes,
        ("unit_viewer", "/", {}, ("xss-unit",)),
        ("specialist", "/tasks/", {}, ("xss-content", "xss-unit")),
        ("specialist", "/tasks/", filters, ("xss-echo",)),
        ("unit_staff", f"/tasks/{task}/", {}, (*TASK_MARKERS, "xss-person")),
        ("specialist", f"/tasks/{task}/", {}, TASK_MARKERS),
        ("office_leader", f"/tasks/{late}/", {}, LATE_MARKERS),
        ("specialist", f"/tasks/directives/{directive}/", {}, ("xss-summary", "xss-content")),
        ("specialist", f"/org/units/{finance}/", {}, ("xss-unit", "xss-person")),
        ("specialist", "/org/units/", {"q": ECHO}, ("xss-echo",)),
        ("specialist", "/org/units/", {"q": "xss-unit"}, ("xss-unit",)),
        ("specialist", f"/org/people/{w.people.unit_staff.pk}/", {}, ("xss-person",)),
        ("specialist", "/org/people/", {}, ("xss-person",)),
        ("specialist", "/org/people/", {"q": ECHO}, ("xss-echo",)),
        ("leader", "/dashboard/", {}, ("xss-unit",)),
        ("unit_staff", "/notifications/", {}, ("xss-content",)),
        ("anonymous", f"/board/{w.token}/", {}, ("xss-unit", "xss-late-task")),
        ("anonymous", f"/board/{w.token}/data/", {}, ("xss-unit",)),
        ("anonymous", "/login/", {"next": "javascript:alert(1)"}, ()),
        ("admin", "/admin/directives/task/", {}, ("xss-content",)),
        ("admin", "/admin/directives/task/", {"q": ECHO}, ("xss-echo",)),
        ("admin", f"/admin/directives/task/{task}/change/", {}, ("xss-content",)),
        ("admin", "/admin/directives/directive/", {}, ("xss-leader",)),  # the signer
        ("admin", "/admin/directives/taskevent/", {}, ("xss-content",)),
        ("admin", "/admin/directives/difficulty/", {}, ("xss-difficulty",)),
        ("admin", "/admin/directives/attachment/", {}, ('"><svg',)),
        ("admin", "/admin/org/unit/", {}, ("xss-unit",)),
        ("admin", f"/admin/org/unit/{finance}/change/", {}, ("xss-unit",)),
        ("admin", "/admin/org/person/", {}, ("xss-person",)),
        ("admin", f"/admin/org/person/{w.people.unit_staff.pk}/change/", {}, ("xss-person",)),
        ("admin", "/admin/org/membership/", {}, ("xss-person",)),
        ("superuser", "/admin/notifications/notification/", {}, ("xss-person",)),
        ("superuser", "/admin/board/screen/", {}, ("xss-screen",)),
        ("unit_staff", f"/tasks/files/{attachment.pk}/", {}, ()),
    ]


def client_for(w, who: str) -> Client:
    client = Client()
    if who == "superuser":
        client.force_login(w.superuser)
    elif who == "unit_viewer":
        client.force_login(w.unit_viewer)
    elif who != "anonymous":
        client.force_login(getattr(w.people, who))
    return client


def check_page(response, where: str, markers=(), status=None) -> None:
    if status is None:
        assert response.status_code < 400, f"{where}: {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Disposition", "").startswith("attachment"):
        # A download: saved as a file, never shown as a page, whatever its name says.
        assert "html" not in response["Content-Type"], where
        assert response["X-Content-Type-Options"] == "nosniff", where
        return
    html = body.decode()
    found = scan(html)
    assert found.problems == [], f"{where}: {found.problems}"
    text = " ".join(found.text)
    for marker in markers:
        assert marker in text, f"{where}: {marker} is not shown"
    if "xss-" in text:
        # A payload shown whole still reads as typed: not evaluated by any template either.
        assert "{{7*7}}" in text or "alert(" in text, where


def test_no_payload_runs_on_any_page(world):
    checked = 0
    with time_machine.travel(MORNING, tick=False):
        for who, path, query, markers in pages(world):
            response = client_for(world, who).get(path, query)
            check_page(response, f"{who} {path} {query and list(query)}", markers)
            checked += 1
    assert checked == len(pages(world))


def test_a_refused_form_shows_the_payload_back_as_text(world):
    with time_machine.travel(MORNING, tick=False):
        response = client_for(world, "unit_staff").post(
            f"/tasks/{world.task.pk}/report/",
            {"report-result": payload("xss-refused"), "report-product_date": ECHO},
        )
    assert response.status_code == 422
    check_page(response, "refused report", ("xss-refused", "xss-echo"), 422)
    # The textarea keeps what was typed, its closing tag included, as its text.
    assert "&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;" in response.content.decode()


def test_the_scan_finds_a_payload_that_runs():
    """The check itself: each way a payload could run is caught."""
    assert scan("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").problems == []
    assert scan("<script>alert(1)</script>").problems
    assert scan('<img src=x onerror="alert(1)">').problems
    assert scan("<svg onload=alert(1)>").problems
    assert scan('<a href=" JavaScript:alert(1)">x</a>').problems
    assert scan("<textarea></textarea><svg onload=alert(1)></textarea>").problems


# --- In a real browser ---------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_no_dialog_opens_in_a_browser(page, world):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with time_machine.travel(MORNING, tick=True):
        log_in(page, "specialist")
        paths = [
            "/",
            f"/tasks/?q={re.sub(r'[&#]', '', ECHO)}",
            "/tasks/",
            f"/tasks/{world.task.pk}/",
            f"/tasks/{world.late.pk}/",
            f"/tasks/directives/{world.task.directive_id}/",
            f"/org/units/{world.org.finance.pk}/",
            f"/org/people/{world.people.unit_staff.pk}/",
            "/dashboard/",
            f"/board/{world.token}/",
        ]
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            assert "xss-" in page.content(), f"{path} shows no payload"
        log_in(page, "unit_staff")
        for path in ("/", "/notifications/", f"/tasks/{world.task.pk}/"):
            page.goto(path)
            page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # a handler on load or an image's error fires by now
    assert dialogs == []
