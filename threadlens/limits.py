"""Every size limit threadlens applies, in one place (documented in the README under "Limits").

Inputs are hostile: a small ZIP can expand to gigabytes and one message can hold megabytes of text.
The limits below keep a case within memory and time; what is over a limit is never dropped silently:
an input over a byte limit is a clear error, and a text over a length limit is cut with a visible note
while its full length and SHA-256 are recorded (see :func:`cut_text`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: Largest single input file read (bytes).
MAX_FILE_BYTES = 2 * 1024**3
#: Largest single member of a ZIP archive, expanded (bytes).
MAX_ZIP_MEMBER_BYTES = 512 * 1024**2
#: Largest total of all members expanded from one ZIP archive (bytes), whatever the headers claim.
MAX_ZIP_EXPANDED_BYTES = 1024**3
#: Deepest nesting of a JSON document read (levels; the fixed limit of orjson, which parses every input).
MAX_JSON_DEPTH = 1024
#: Longest text scored (characters); the rest of a longer message is not scored.
MAX_SCORED_CHARS = 25_000
#: Longest message text printed in the PDF timeline (characters).
MAX_PDF_MESSAGE_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class CutText:
    """A text within a length limit: the kept part, whether it was cut, and the full text's length and SHA-256."""

    text: str
    cut: bool
    full_length: int
    sha256: str

    @property
    def note(self) -> str:
        """The visible note to show after a cut text ('' when nothing was cut)."""
        if not self.cut:
            return ""
        return f"[cut: {len(self.text):,} of {self.full_length:,} characters shown; full text SHA-256 {self.sha256}]"


def cut_text(text: str, limit: int) -> CutText:
    """``text`` cut to ``limit`` characters, with what a reader needs to know about the cut."""
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    if len(text) <= limit:
        return CutText(text, False, len(text), digest)
    return CutText(text[:limit], True, len(text), digest)
