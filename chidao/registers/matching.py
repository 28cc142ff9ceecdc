"""Recognising the units and people a register names, as the Office writes them.

A unit is found by its name, short name or code, ignoring diacritics, case and punctuation, with
the abbreviations registers use expanded: "Sở TC" is Sở Tài chính, "UBND" Ủy ban nhân dân, "TP"
thành phố (but Tư pháp after "Sở"), "H." huyện, "X." xã, "KH&ĐT" Kế hoạch và Đầu tư. A lower
committee is also found without its "Ủy ban nhân dân" ("xã Mỹ Thiện"). A name that fits several
units is ambiguous, never guessed: the row's error names the candidates.

Several units in one cell are separated by ";", a new line or ",": since a name may hold a comma
("Sở Văn hóa, Thể thao và Du lịch"), pieces are joined again where together they name a unit.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chidao.core.text import fold
from chidao.org.models import Membership, Person, Role, Unit, UnitKind

# Whole words, as folded (đ → d). A key may be several words: "kh dt" is "KH&ĐT", "KH-ĐT".
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
    "h": "huyen",
    "x": "xa",
    "p": "phuong",
    "q": "quan",
    "s": "so",
    "tc": "tai chinh",
    "kh dt": "ke hoach dau tu",
    "khdt": "ke hoach dau tu",
    "gd dt": "giao duc dao tao",
    "gddt": "giao duc dao tao",
    "nn ptnt": "nong nghiep phat trien nong thon",
    "nnptnt": "nong nghiep phat trien nong thon",
    "nn mt": "nong nghiep moi truong",
    "nnmt": "nong nghiep moi truong",
    "tn mt": "tai nguyen moi truong",
    "tnmt": "tai nguyen moi truong",
    "gtvt": "giao thong van tai",
    "ld tb xh": "lao dong thuong binh xa hoi",
    "ldtbxh": "lao dong thuong binh xa hoi",
    "vh tt dl": "van hoa the thao du lich",
    "vhttdl": "van hoa the thao du lich",
    "tt tt": "thong tin truyen thong",
    "tttt": "thong tin truyen thong",
    "kh cn": "khoa hoc cong nghe",
    "khcn": "khoa hoc cong nghe",
    "yt": "y te",
    "nv": "noi vu",
    "xd": "xay dung",
    "ct": "cong thuong",
    "dt tg": "dan toc ton giao",
    "dttg": "dan toc ton giao",
    "bql": "ban quan ly",
    "bhxh": "bao hiem xa hoi",
    "ca": "cong an",
    "bchqs": "bo chi huy quan su",
    "vp": "van phong",
}
# After "sở", these short words name a sector, not a place.
AFTER_SO = {"tp": "tu phap", "tt": "thong tin truyen thong", "ct": "cong thuong"}
FILLER = {"va"}  # "Kế hoạch và Đầu tư" = "Kế hoạch - Đầu tư" = "KH&ĐT"
COMMITTEE_PREFIX = "uy ban nhan dan"
_MAX_ABBREVIATION_WORDS = max(len(k.split()) for k in ABBREVIATIONS)


def unit_key(text: str) -> str:
    """The comparable form of a unit's name: "Sở KH&ĐT" and "Sở Kế hoạch và Đầu tư" give the
    same key."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_ABBREVIATION_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if size == 1 and out and out[-1] == "so" and phrase in AFTER_SO:
                out.extend(AFTER_SO[phrase].split())
                i += 1
                break
            if phrase in ABBREVIATIONS:
                out.extend(ABBREVIATIONS[phrase].split())
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(word for word in out if word not in FILLER)


@dataclass(frozen=True)
class Found:
    unit: Unit | None = None
    error: str = ""


class UnitIndex:
    """Every unit a committee's register may name: the units that carry out its directives
    (dissolved ones too: a finished task of the past may name one)."""

    def __init__(self, committee: Unit):
        self.committee = committee
        self.units = list(
            Unit.objects.directed_by(committee).select_related("parent").order_by("pk")
        )
        self.by_key: dict[str, list[Unit]] = defaultdict(list)
        codes: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            keys = {unit_key(unit.name), unit_key(unit.short_name)}
            if unit.kind == UnitKind.COMMITTEE:
                for name in (unit.name, unit.short_name):
                    key = unit_key(name)
                    if key.startswith(COMMITTEE_PREFIX + " "):
                        keys.add(key[len(COMMITTEE_PREFIX) + 1 :])  # "xa my thien"
            for key in keys - {""}:
                if unit not in self.by_key[key]:
                    self.by_key[key].append(unit)
            if unit.code:
                codes[fold(unit.code)].append(unit)
        # A code names a unit only when no other unit has it (every commune's code is "UBND").
        for code, units in codes.items():
            if len(units) == 1 and units[0] not in self.by_key[code]:
                self.by_key[code].append(units[0])
        self._cache: dict[str, Found] = {}

    def find(self, text: str) -> Found:
        key = unit_key(text)
        if key in self._cache:
            return self._cache[key]
        units = self.by_key.get(key, [])
        if not units:
            found = Found(error=_("“%(name)s” is not a unit that carries out this committee's "
                                  "directives.") % {"name": text})  # fmt: skip
        elif len(units) > 1:
            names = "; ".join(_describe(u) for u in units[:5])
            found = Found(error=_("“%(name)s” may be any of: %(units)s. Write the full name.")
                          % {"name": text, "units": names})  # fmt: skip
        else:
            found = Found(unit=units[0])
        self._cache[key] = found
        return found

    def find_many(self, text: str) -> tuple[list[Unit], list[str]]:
        """The units named in one cell, and an error for each name not recognised."""
        units: list[Unit] = []
        errors: list[str] = []
        for part in re.split(r"[;\n]+", text):
            pieces = [p.strip(" .") for p in part.split(",") if p.strip(" .")]
            i = 0
            while i < len(pieces):
                # The longest run of pieces that names one unit ("Sở Văn hóa, Thể thao…").
                for j in range(len(pieces), i, -1):
                    if j - i > 1 and self.by_key.get(unit_key(", ".join(pieces[i:j]))):
                        found = self.find(", ".join(pieces[i:j]))
                        break
                else:
                    j = i + 1
                    found = self.find(pieces[i])
                if found.unit is not None:
                    if found.unit not in units:
                        units.append(found.unit)
                else:
                    errors.append(found.error)
                i = j
        return units, errors


def _describe(unit: Unit) -> str:
    parent = unit.parent
    if parent is not None and parent.kind != UnitKind.COMMITTEE:
        return f"{unit.name} ({parent.name})"
    return unit.name


class PersonIndex:
    """The committee's leaders (present and former) and its Office's tracking specialists, by
    full name or user name, diacritics optional."""

    def __init__(self, committee: Unit):
        leaders = Membership.objects.filter(unit=committee, role=Role.COMMITTEE_LEADER)
        seats = Unit.objects.filter(kind__in=(UnitKind.OFFICE, UnitKind.OFFICE_DIVISION)).filter(
            path__startswith=committee.path
        )
        specialists = Membership.objects.filter(unit__in=seats, role=Role.SPECIALIST)
        self.leaders = self._index(leaders)
        self.specialists = self._index(specialists)

    @staticmethod
    def _index(memberships) -> dict[str, list[Person]]:
        people = Person.objects.filter(pk__in=memberships.values("person_id")).order_by("pk")
        index: dict[str, list[Person]] = defaultdict(list)
        for person in people:
            for key in {_person_key(person.full_name), _person_key(person.username)} - {""}:
                index[key].append(person)
        return index

    def leader(self, text: str) -> tuple[Person | None, str]:
        return self._find(self.leaders, text, _("“%(name)s” is not a leader of this committee."))

    def specialist(self, text: str) -> tuple[Person | None, str]:
        return self._find(
            self.specialists, text, _("“%(name)s” is not a tracking specialist of this Office.")
        )

    @staticmethod
    def _find(index, text: str, missing: str) -> tuple[Person | None, str]:
        people = index.get(_person_key(text), [])
        if not people:
            return None, missing % {"name": text}
        if len(people) > 1:
            names = "; ".join(f"{p.full_name} ({p.username})" for p in people[:5])
            return None, _("“%(name)s” may be any of: %(people)s. Write the user name.") % {
                "name": text,
                "people": names,
            }
        return people[0], ""


# Titles written before a name: "Đ/c", "Ông", "PCT", "Phó Chủ tịch"…
_TITLES = re.compile(
    r"^(?:(?:d/c|dong chi|ong|ba|anh|chi|chu tich|pho chu tich|ct|pct|cv|chuyen vien)\s+)+"
)


def _person_key(text: str) -> str:
    folded = fold(text or "")
    folded = _TITLES.sub("", folded)
    return " ".join(re.sub(r"[^a-z0-9_@.\-]+", " ", folded).split())
