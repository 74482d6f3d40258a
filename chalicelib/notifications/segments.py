"""SMS cost: how many segments a text takes, and a transliteration that keeps it cheap.

A carrier bills per segment.  Text that fits the GSM 03.38 7-bit alphabet (the basic
table, plus the extension table whose characters take an escape and so count double)
goes as GSM-7: 160 septets in one segment, 153 per segment once concatenated (the rest
carries the concatenation header).  One character outside it (``á``, ``í``, ``ó``, ``ú``,
a curly quote, an emoji) turns the whole message into UCS-2: 70 UTF-16 code units in
one segment, 67 per segment concatenated, so Spanish accents halve what a segment
carries.  An escape pair or a surrogate pair is never split across two segments.

GSM-7 already has ``ñ Ñ é É ü Ü ¿ ¡ à``; ``to_gsm`` replaces the rest with their
closest GSM-7 form (``á`` → ``a``, ``“`` → ``"``), so Spanish stays readable and every
message goes as GSM-7.
"""

from __future__ import annotations

import unicodedata

from msgspec import Struct

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ "
    "!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "`": "'",
    "´": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "«": '"',
    "»": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "•": "-",
    "°": "o",
    "º": "o",
    "ª": "a",
    "ç": "c",
}


class Count(Struct, frozen=True):
    encoding: str
    units: int
    segments: int

    @property
    def per_segment(self) -> int:
        """Characters (septets or code units) a segment carries for this message."""
        if self.encoding == GSM7:
            return GSM7_SINGLE if self.segments <= 1 else GSM7_PART
        return UCS2_SINGLE if self.segments <= 1 else UCS2_PART


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def _packed(widths: list[int], single: int, part: int) -> int:
    """Segments for characters of the given widths, never splitting one character."""
    total = sum(widths)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments, used = segments + 1, 0
        used += width
    return segments


def count(text: str) -> Count:
    """Encoding, length in septets (GSM-7) or UTF-16 code units (UCS-2), and segments."""
    if is_gsm7(text):
        widths = [2 if char in GSM7_EXTENSION else 1 for char in text]
        return Count(GSM7, sum(widths), _packed(widths, GSM7_SINGLE, GSM7_PART))
    widths = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return Count(UCS2, sum(widths), _packed(widths, UCS2_SINGLE, UCS2_PART))


def _gsm_char(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENSION:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    stripped = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
    if stripped and is_gsm7(stripped):
        return stripped
    return "?"


def to_gsm(text: str) -> str:
    """The text in the GSM-7 alphabet: accents the alphabet lacks dropped, typography
    simplified, anything else (emoji, other scripts) as ``?``."""
    return "".join(_gsm_char(char) for char in text)
