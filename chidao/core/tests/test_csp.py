"""The Content-Security-Policy: sent on every page, and no template or script needs it relaxed.

The browser test (``test_browser_csp.py``) proves the pages run under the policy; this file keeps
the policy strict and catches a new inline script, handler or style before a browser would.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the chidao package
# E-mail bodies are read by mail programs, which ignore style sheets: they keep inline styles.
# The policy is a header of web pages and never reaches them.
EMAIL_TEMPLATES = {"notifications/templates/notifications/digest.html",
                   "notifications/templates/notifications/email.html"}  # fmt: skip


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/login/", "/", "/tasks/", "/dashboard/", "/no-such-page/"])
def test_every_page_carries_the_strict_policy(client, people, url):
    client.force_login(people.office_leader)
    policy = _policy(client.get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    every_value = " ".join(value for values in policy.values() for value in values)
    assert "unsafe-inline" not in every_value
    assert "unsafe-eval" not in every_value
    assert "unsafe-hashes" not in every_value


def test_the_board_and_the_admin_carry_it_too(client, org, people):
    from chidao.board.models import Screen

    screen = Screen(name="Sảnh", committee=org.province)
    token = screen.new_token()
    screen.save()
    assert _policy(client.get(f"/board/{token}/"))["script-src"] == ["'self'"]
    client.force_login(people.admin)
    assert _policy(client.get("/admin/"))["script-src"] == ["'self'"]


def _templates():
    for path in sorted(ROOT.glob("**/templates/**/*.html")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an event handler attribute (on…=)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\bhx-on\b|\bhx-on[:-]", re.I), "an hx-on handler (htmx evals it)"),
    (re.compile(r"\bhx-(vals|vars|headers)\s*=\s*['\"]\s*(js|javascript):", re.I),
     "a js: value (htmx evals it)"),
    (re.compile(r"\bhx-trigger\s*=\s*['\"][^'\"]*\[", re.I),
     "an hx-trigger filter (htmx evals it)"),
]  # fmt: skip
INLINE_STYLE = [
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style attribute"),
]


def test_no_template_holds_an_inline_script_or_handler():
    found = [
        f"{name}: {what}"
        for name, text in _templates()
        for pattern, what in INLINE
        if pattern.search(text)
    ]
    blocked = "\n".join(found)
    assert not found, f"The policy blocks these; move them to a .js file:\n{blocked}"


def test_no_page_template_holds_an_inline_style():
    found = [
        f"{name}: {what}"
        for name, text in _templates()
        if name not in EMAIL_TEMPLATES
        for pattern, what in INLINE_STYLE
        if pattern.search(text)
    ]
    blocked = "\n".join(found)
    assert not found, f"The policy blocks these; use a class instead:\n{blocked}"


def test_our_scripts_neither_eval_nor_write_style_attributes():
    forbidden = re.compile(
        r"\beval\s*\(|new\s+Function\s*\(|setAttribute\(\s*['\"]style['\"]|\.cssText\b"
        r"|insertAdjacentHTML|document\.write",
    )
    scripts = [p for p in ROOT.glob("*/static/**/*.js") if "vendor" not in p.parts]
    assert scripts
    found = [p.relative_to(ROOT).as_posix() for p in scripts if forbidden.search(p.read_text())]
    assert not found


def test_the_scan_catches_what_it_is_for():
    """The patterns themselves, on the constructs they must refuse and the ones they must not."""
    caught = [
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()">',
        '<a href="javascript:void(0)">',
        '<button hx-on:click="go()">',
        """<button hx-vals='js:{"n": 1}'>""",
        "<input hx-trigger=\"keyup[key=='Enter']\">",
    ]
    for html in caught:
        assert any(p.search(html) for p, _ in INLINE), html
    allowed = [
        '<script src="/static/x.js" defer></script>',
        '<div data-none="x" aria-controls="y">',
        """<button hx-vals='{"committee": "1"}'>""",
        '<input hx-trigger="input changed delay:300ms, search">',
    ]
    for html in allowed:
        assert not any(p.search(html) for p, _ in INLINE), html
    assert any(p.search('<span style="width: 5%">') for p, _ in INLINE_STYLE)
    assert not any(p.search('<span class="cd-w-5">') for p, _ in INLINE_STYLE)


def test_htmx_is_told_to_inject_no_style_and_eval_nothing():
    for name in ("templates/base.html", "board/templates/board/board.html"):
        text = (ROOT / name).read_text()
        assert '"includeIndicatorStyles": false' in text, name
        assert '"allowEval": false' in text, name
