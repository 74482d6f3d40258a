"""SMS segments and the GSM-7 transliteration: what a message costs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.notifications.segments import GSM7, UCS2, count, is_gsm7, to_gsm

# text, encoding, septets (GSM-7) or UTF-16 code units (UCS-2), segments
KNOWN = [
    ("", GSM7, 0, 0),
    ("Hola", GSM7, 4, 1),
    ("a" * 160, GSM7, 160, 1),
    ("a" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),
    ("a" * 307, GSM7, 307, 3),
    ("€" * 80, GSM7, 160, 1),  # extension characters take an escape: two septets each
    ("€" * 81, GSM7, 162, 2),
    ("Precio: 100 € [IVA]", GSM7, 22, 1),
    ("a" * 152 + "€" + "a" * 152, GSM7, 306, 3),  # an escape pair is never split: 152 | 2+151 | 1
    ("Año, niño, pingüino, café, ¿qué? ¡bien!", GSM7, 39, 1),  # ñ ü é ¿ ¡ are GSM-7
    ("Ventanilla: recibimos su tramite ABCDEFGHJK.", GSM7, 44, 1),
    ("Ventanilla: recibimos su trámite ABCDEFGHJK.", UCS2, 44, 1),  # one á: UCS-2
    ("¿Cómo está?", UCS2, 11, 1),
    ("Ñandú", UCS2, 5, 1),
    ("á" * 70, UCS2, 70, 1),
    ("á" * 71, UCS2, 71, 2),
    ("á" * 134, UCS2, 134, 2),
    ("á" * 135, UCS2, 135, 3),
    ("😀" * 35, UCS2, 70, 1),  # outside the BMP: a surrogate pair, two code units
    ("😀" * 36, UCS2, 72, 2),
    ("a" * 66 + "😀" + "a" * 66, UCS2, 134, 3),  # a surrogate pair is never split: 66 | 2+65 | 1
]


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), KNOWN)
def test_segment_counts_of_known_strings(text: str, encoding: str, units: int, parts: int) -> None:
    counted = count(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, parts)


def test_an_accent_halves_what_a_segment_carries() -> None:
    plain, accented = "a" * 100, "á" + "a" * 99
    assert count(plain).segments == 1
    assert count(accented).segments == 2
    assert (count(plain).per_segment, count(accented).per_segment) == (160, 67)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trámite, revisión, línea, está, Última, ÁRBOL", "tramite, revision, linea, esta, Ultima, ARBOL"),
        ("Año, pingüino, café, ¿qué? ¡sí!", "Año, pingüino, café, ¿qué? ¡si!"),
        ("“Hola” — ‘adiós’…", "\"Hola\" - 'adios'..."),
        ("1º piso, 2ª calle, 30°", "1o piso, 2a calle, 30o"),
        ("Plaça", "Placa"),
        ("Pague 100\u00a0MXN", "Pague 100 MXN"),
        ("Gracias 😀 你好", "Gracias ? ??"),
        ("Precio: 100 € [IVA]", "Precio: 100 € [IVA]"),
    ],
)
def test_transliteration_keeps_spanish_readable_in_gsm7(text: str, expected: str) -> None:
    assert to_gsm(text) == expected
    assert count(to_gsm(text)).encoding == GSM7


def test_transliteration_turns_a_two_segment_spanish_text_into_one() -> None:
    text = (
        "Ventanilla: recibimos su trámite ABCDEFGHJK (Licencia de conducir). "
        "Le avisaremos aquí cada cambio. Responda BAJA para no recibir más."
    )
    assert (count(text).encoding, count(text).segments) == (UCS2, 2)
    assert (count(to_gsm(text)).encoding, count(to_gsm(text)).segments) == (GSM7, 1)


@given(st.text())
def test_transliterated_text_is_always_gsm7_and_never_longer_in_segments_than_ucs2(text: str) -> None:
    sent = to_gsm(text)
    assert is_gsm7(sent)
    assert count(sent).encoding == GSM7


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?€[]{}", max_size=800))
def test_gsm7_segments_hold_at_most_153_septets_each(text: str) -> None:
    counted = count(text)
    if counted.units > 160:
        assert counted.segments >= -(-counted.units // 153)
    else:
        assert counted.segments == (1 if text else 0)
