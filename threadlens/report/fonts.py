"""Find the Unicode fonts the PDF needs, through fontconfig, and say which Debian package supplies a missing one.

The PDF draws text in Noto Sans and falls back, glyph by glyph, to Noto fonts for Arabic, Hebrew,
symbols, CJK and colour emoji, so social-media text appears as text, never as boxes. On Debian:
``apt-get install fontconfig fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji``.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from threadlens.errors import ReportError

CORE = "fonts-noto-core"
CJK = "fonts-noto-cjk"
EMOJI = "fonts-noto-color-emoji"
PACKAGES = ("fontconfig", CORE, CJK, EMOJI)


@dataclass(frozen=True, slots=True)
class FontFile:
    """One face found on this machine: the name the PDF uses for it, its style, file and index in a collection."""

    name: str
    style: str
    path: Path
    index: int


# (name in the PDF, fontconfig family, fontconfig style, PDF style, Debian package)
MAIN_FACES = (
    ("sans", "Noto Sans", "Regular", "", CORE),
    ("sans", "Noto Sans", "Bold", "B", CORE),
)
FALLBACK_FACES = (
    ("arabic", "Noto Sans Arabic", "Regular", "", CORE),
    ("hebrew", "Noto Sans Hebrew", "Regular", "", CORE),
    ("symbols", "Noto Sans Symbols", "Regular", "", CORE),
    ("symbols2", "Noto Sans Symbols2", "Regular", "", CORE),
    ("cjk", "Noto Sans CJK SC", "Regular", "", CJK),
    ("emoji", "Noto Color Emoji", "Regular", "", EMOJI),
)


@dataclass(frozen=True, slots=True)
class FontSet:
    """The faces found: the main face (regular and bold), the fallbacks, and the packages of those not found."""

    main: tuple[FontFile, ...]
    fallbacks: tuple[FontFile, ...]
    missing_packages: tuple[str, ...]


@lru_cache(maxsize=1)
def find_fonts() -> FontSet:
    """The PDF's fonts; a :class:`ReportError` naming the package when even the main face is absent."""
    if shutil.which("fc-list") is None:
        raise ReportError(
            "fontconfig's fc-list is not installed, so no Unicode font can be found for the PDF",
            hint=f"Install the fonts: apt-get install {' '.join(PACKAGES)} (or write the report with --no-pdf)",
        )
    main = [font for face in MAIN_FACES if (font := _find(*face[:4])) is not None]
    if len(main) < len(MAIN_FACES):
        raise ReportError(
            "the Noto Sans font is not installed, so the PDF cannot show message text",
            hint=f"Install the fonts: apt-get install {' '.join(PACKAGES)} (or write the report with --no-pdf)",
        )
    found = [(_find(*face[:4]), face[4]) for face in FALLBACK_FACES]
    return FontSet(
        main=tuple(main),
        fallbacks=tuple(font for font, _ in found if font is not None),
        missing_packages=tuple(sorted({package for font, package in found if font is None})),
    )


def package_for(codepoint: int) -> str:
    """The Debian package whose Noto fonts draw this character."""
    if 0x1F000 <= codepoint <= 0x1FAFF or 0x2600 <= codepoint <= 0x27BF:
        return EMOJI
    if (
        0x2E80 <= codepoint <= 0x9FFF
        or 0xAC00 <= codepoint <= 0xD7AF
        or 0xF900 <= codepoint <= 0xFAFF
        or 0xFF00 <= codepoint <= 0xFFEF
        or 0x20000 <= codepoint <= 0x3FFFF
    ):
        return CJK
    return CORE


def needs_glyph(character: str) -> bool:
    """Whether a character is drawn at all (not a control, format character, space or variation selector)."""
    category = unicodedata.category(character)
    return not (category.startswith(("C", "Z")) or 0xFE00 <= ord(character) <= 0xFE0F)


def _find(name: str, family: str, style: str, pdf_style: str) -> FontFile | None:
    result = subprocess.run(
        ["fc-list", "--format", "%{file}|%{index}\n", f":family={family}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in sorted(result.stdout.splitlines()):
        path, _, index = line.rpartition("|")
        if path and Path(path).is_file():
            return FontFile(name, pdf_style, Path(path), int(index or 0))
    return None
