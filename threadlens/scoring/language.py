"""Which language a message is written in, so that the scorer reads only the languages it was trained for.

A text is read as English when it is too short to tell, when enough of its words are English marker words
(``[language] english``), when nearly all its words are words the English classifier knows (slang and
swearing included), or when the detector is unsure. Otherwise the detector (lingua, with its models shipped
in the package, built once and only when first needed, restricted to ``[language] detect``) names the
language, and a text in a language outside ``[language] read`` is not scored.

>>> settings = {"read": ["en"], "detect": ["en", "cy", "de"], "min_letters": 8, "min_confidence": 0.25,
...             "max_english": 0.05, "marker_share": 0.1, "known_share": 0.9}
>>> reader = LanguageReader(settings, frozenset({"the", "you"}), frozenset({"idiot", "thx", "hoe"}))
>>> [reader.language_of(text) for text in ("you idiot", "thx hoe", "Diolch yn fawr iawn am eich help heddiw")]
['en', 'en', 'cy']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any

_LINK_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|@\w[\w.@-]*|&\w+;")
_RUN = re.compile(r"(.)\1+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
ENGLISH = "en"


class LanguageReader:
    """Decides each text's language (ISO 639-1) under the definition's ``[language]`` settings."""

    def __init__(
        self,
        settings: Mapping[str, Any],
        english_markers: frozenset[str],
        known: frozenset[str],
        romanised: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.read = frozenset(settings["read"])
        self.detect = tuple(settings["detect"])
        self.min_letters = int(settings["min_letters"])
        self.min_confidence = float(settings["min_confidence"])
        self.max_english = float(settings["max_english"])
        self.marker_share = float(settings["marker_share"])
        self.known_share = float(settings["known_share"])
        self.markers = english_markers
        self.known = known
        self.romanised = dict(romanised or {})  # language: its common words in Latin script
        self.romanised_share = float(settings.get("romanised_share", 1.0))

    @cached_property
    def detector(self):
        """The lingua detector over ``detect`` (its models load on first use: a few seconds)."""
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [IsoCode639_1.from_str(code) for code in self.detect]
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def language_of(self, text: str) -> str:
        """The text's language: English when too short to tell, marked as English, in the classifier's words, or
        when the detector is unsure."""
        plain = _LINK_OR_HANDLE.sub(" ", text)
        words = [w.lower().replace("'", "").replace("’", "") for w in _WORD.findall(plain)]
        if sum(len(w) for w in words) < self.min_letters:
            return ENGLISH
        latin = [w for w in words if w.isascii()]
        markers = sum(w in self.markers for w in latin)
        for language, common in self.romanised.items():
            hits = sum(w in common for w in latin)
            if hits >= 2 and hits > markers and hits >= self.romanised_share * len(words):
                return language
        if markers and markers >= self.marker_share * len(words):
            return ENGLISH
        if sum(self._known(w) for w in latin) >= self.known_share * len(words):
            return ENGLISH
        found = self.detector.compute_language_confidence_values(" ".join(words))
        english = next((c.value for c in found if c.language.iso_code_639_1.name == "EN"), 0.0)
        if not found or english > self.max_english or found[0].value < self.min_confidence:
            return ENGLISH
        return found[0].language.iso_code_639_1.name.lower()

    def _known(self, word: str) -> bool:
        """Whether the classifier knows the word, or the word with its letter runs shortened ("soooo")."""
        return word in self.known or _RUN.sub(r"\1", word) in self.known or _RUN.sub(r"\1\1", word) in self.known

    def is_read(self, language: str) -> bool:
        """Whether the scorer reads texts in ``language``."""
        return language in self.read
