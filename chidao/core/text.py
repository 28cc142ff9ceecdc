"""Vietnamese text helpers: search that ignores diacritics and dictionary ordering.

Both produce plain ASCII stored beside the text, so SQLite and PostgreSQL filter and order the same
way without collations or extensions.
"""

import unicodedata

# Modifiers that make a different letter (ă, â, ê, ô, ơ, ư) versus tone marks.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Vietnamese alphabet order, with the Latin letters it lacks (f, j, w, z) in Latin order.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def fold(text: str) -> str:
    """Lower-case ASCII form for search: "Sở Tài chính" -> "so tai chinh"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _letter_and_tone(ch: str) -> tuple[str, int]:
    if ch == "đ":
        return "đ", 0
    base, *marks = unicodedata.normalize("NFD", ch)
    tone = 0
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in (_BREVE, _CIRCUMFLEX, _HORN):
            base = unicodedata.normalize("NFC", base + mark)
    return base, tone


def _code(index: int) -> str:
    return _DIGITS36[index // 36] + _DIGITS36[index % 36]


_RANK = {letter: i + 20 for i, letter in enumerate(_ALPHABET)}


def vi_sort_key(text: str, max_length: int = 255) -> str:
    """An ASCII key whose plain order is Vietnamese dictionary order.

    1. Each character becomes two base-36 digits: space first, then digits, then letters in the
       Vietnamese alphabet (a < ă < â < b … d < đ), then anything else by code point.
    2. The tones of all letters follow as one digit each, so "ma" < "mà" < "mả" < "mã" < "má" <
       "mạ" only decide between words with the same letters.
    The key uses only [0-9a-z], which every database collation orders the same way.
    """
    primary, tones = [], []
    for ch in " ".join(text.lower().split()):
        if ch == " ":
            primary.append("00")
            continue
        letter, tone = _letter_and_tone(ch)
        if letter.isdigit() and letter.isascii():
            primary.append(_code(1 + int(letter)))
        elif letter in _RANK:
            primary.append(_code(_RANK[letter]))
        else:
            primary.append(_code(min(1295, 60 + ord(letter) % 1200)))
        tones.append(str(tone))
    return ("".join(primary) + "00" + "".join(tones))[:max_length]
