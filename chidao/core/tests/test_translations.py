"""The Vietnamese catalogue is complete and compiled, and the interface switches language.

The .po file is read with a small parser (no polib): entries are separated by blank lines, with
``#`` comments, ``msgctxt``, ``msgid``, ``msgid_plural`` and ``msgstr`` / ``msgstr[n]`` lines whose
quoted strings continue on the following lines. Obsolete entries (``#~``) are ignored.
"""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
VI_PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = VI_PO.with_suffix(".mo")
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{\{\s*\w+\s*\}\}|%[sdif]")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    entries, entry, key = [], Entry(), None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        starts_entry = line.startswith("#") or line.startswith(("msgctxt", "msgid "))
        if starts_entry and any(k.startswith("msgstr") for k in entry.fields):
            entries.append(entry)  # an entry not separated from the previous by a blank line
            entry, key = Entry(), None
        if not line:
            if entry.fields:
                entries.append(entry)
            entry, key = Entry(), None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key = match.group(1)
            entry.fields[key] = _unquote(match.group(2))
        elif line.startswith('"') and line.endswith('"') and key:
            entry.fields[key] += _unquote(line[1:-1])
        else:
            raise AssertionError(f"{path}: cannot read the line {raw!r}")
    return entries


def _messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid]


def test_the_vietnamese_catalogue_has_messages():
    assert len(_messages(VI_PO)) > 100


def test_every_vietnamese_entry_is_translated():
    untranslated = [e.msgid for e in _messages(VI_PO) if not all(e.translations)]
    assert untranslated == []


@pytest.mark.parametrize("path", [VI_PO, EN_PO], ids=["vi", "en"])
def test_no_entry_is_fuzzy(path):
    """Fuzzy entries (and a fuzzy header) are left out by compilemessages."""
    fuzzy = [e.msgid or "(header)" for e in parse_po(path) if "fuzzy" in e.flags]
    assert fuzzy == []


def test_translations_keep_the_placeholders():
    wrong = [
        e.msgid
        for e in _messages(VI_PO)
        for text in e.translations
        if sorted(_PLACEHOLDER.findall(text)) != sorted(_PLACEHOLDER.findall(e.msgid))
    ]
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo file is what Django reads: it must hold every translation of the .po file."""
    with VI_MO.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in _messages(VI_PO):
        if "msgid_plural" in e.fields:
            continue
        if "msgctxt" in e.fields:
            found = compiled.pgettext(e.fields["msgctxt"], e.msgid)
        else:
            found = compiled.gettext(e.msgid)
        if found != e.fields["msgstr"]:
            stale.append(e.msgid)
    assert stale == [], "run: manage.py compilemessages"


def test_the_login_page_is_vietnamese_by_default_and_english_on_request(client, db):
    # "Log in" alone is also in Django's admin catalogue; "Username" is only in ours.
    page = client.get("/login/").content.decode()
    assert "Đăng nhập" in page and "Tên đăng nhập" in page
    assert "Log in" not in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302

    page = client.get("/login/").content.decode()
    assert "Log in" in page and "Username" in page
    assert "Đăng nhập" not in page
