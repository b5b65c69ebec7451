"""Turn a message into normalised tokens that keep their character spans in the original text.

Matching and the classifier only ever see these tokens: @handles and URLs are masked to fixed tokens
(nobody's name reaches the scorer), case is folded, elongations ("stuuupid"), leetspeak ("id1ot"),
starred and swapped spellings ("f*ck", "fcuk"), dropped g's ("workin"), spaced letters ("f u c k") and
run-together second-person insults ("youidiot") are undone, dialect spellings are mapped to standard
ones, and identity, faction and personal-name terms become class tokens so that swapping one for another
cannot change a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

USER, URL, IDENTITY, FACTION, NAME = "<user>", "<url>", "<identity>", "<faction>", "<name>"
MASKS = frozenset({USER, URL, IDENTITY, FACTION, NAME})

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)"
    r"|(?P<user>@\w(?:[\w.@-]*\w)?)"  # @name, @Person-1f2e, @user@host.social
    r"|(?P<word>[A-Za-z0-9$][A-Za-z0-9$@*!|'’]*[A-Za-z0-9$*]|[A-Za-z0-9])"
    r"|(?P<punct>[^\sA-Za-z0-9])"
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"}
)
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
_GROUP_NOUNS = frozenset({"people", "folk", "folks", "persons"})
_SECOND_PERSON_PREFIXES = ("youre", "your", "you", "ur", "u")


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised token: its form, its span in the original text and whether it is a word."""

    norm: str
    start: int
    end: int
    is_word: bool = True
    upper: bool = False


@dataclass(slots=True)
class Tables:
    """The lookup tables normalisation uses, read from the definition's lexicons."""

    known: frozenset[str] = frozenset()
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    classes: dict[tuple[str, ...], str] = field(default_factory=dict)
    max_class_len: int = 1
    starred: dict[int, list[str]] = field(default_factory=dict)
    class_starts: frozenset[str] = frozenset()
    folded: dict[str, str] = field(default_factory=dict)  # memo of _fold: word forms repeat a lot


def build_tables(
    known: set[str], spellings: dict[str, tuple[str, ...]], classes: dict[tuple[str, ...], str], lexical: list[str]
) -> Tables:
    """Tables from the words worth recovering, a spelling map, class-token phrases and the lexicon's own
    words in order of preference (the only candidates for starred spellings such as "c*nt")."""
    starred: dict[int, list[str]] = {}
    for word in lexical:
        starred.setdefault(len(word), []).append(word)
    return Tables(
        known=frozenset(known),
        spellings=spellings,
        classes=classes,
        max_class_len=max((len(k) for k in classes), default=1),
        class_starts=frozenset(k[0] for k in classes),
        starred=starred,
    )


# Contractions that would become another word without their apostrophe ("he'll" is not "hell").
_CONTRACTION_CLASHES = frozenset({"hell", "shell", "well", "ill", "were", "wed", "shed", "id"})


def _fold(raw: str, tables: Tables) -> str:
    """Case-fold, drop apostrophes, undo leetspeak, stars and elongations for one word."""
    word = raw.lower().replace("'", "").replace("’", "")
    if word in _CONTRACTION_CLASHES and word != raw.lower():
        return raw.lower().replace("’", "'")
    if any(c.isalpha() for c in word):
        word = word.translate(_LEET)
    if len(word) >= 5 and word.endswith("in") and word + "g" in tables.known:
        return word + "g"  # a dropped g: "workin" is "working"
    if word in tables.known or word in tables.spellings:
        return word
    if "*" in word:
        pattern = re.compile(re.escape(word).replace(r"\*", "."))
        for candidate in tables.starred.get(len(word), ()):
            if pattern.fullmatch(candidate):
                return candidate
        word = word.replace("*", "")
    if _RUN3.search(word):
        for candidate in (_RUN3.sub(r"\1\1", word), _RUN3.sub(r"\1", word), _RUN2.sub(r"\1", word)):
            if candidate in tables.known or candidate in tables.spellings:
                return candidate
        return _RUN3.sub(r"\1\1", word)
    if word not in tables.known and _RUN2.search(word):
        single = _RUN2.sub(r"\1", word)
        if single in tables.known:
            return single
    return word


def _raw_tokens(text: str, tables: Tables) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind, raw = match.lastgroup, match.group()
        start, end = match.span()
        if kind == "url":
            tokens.append(Token(URL, start, end))
        elif kind == "user":
            tokens.append(Token(USER, start, end))
        elif kind == "word":
            upper = raw.isupper() and sum(c.isalpha() for c in raw) >= 3
            norm = tables.folded.get(raw)
            if norm is None:
                if len(tables.folded) > 500_000:
                    tables.folded.clear()
                norm = tables.folded[raw] = _fold(raw, tables)
            tokens.append(Token(norm, start, end, True, upper))
        else:
            tokens.append(Token(raw, start, end, False))
    return tokens


def _is_letter(token: Token) -> bool:
    return token.is_word and len(token.norm) == 1 and token.norm.isalpha()


def _join_spaced(tokens: list[Token], tables: Tables) -> list[Token]:
    """Join runs of single letters ("f u c k", "f.u.c.k") into the word they spell, when it is known."""
    out: list[Token] = []
    i, n = 0, len(tokens)
    while i < n:
        if _is_letter(tokens[i]):
            letters, j = [tokens[i]], i + 1
            while j < n:
                if _is_letter(tokens[j]):
                    letters.append(tokens[j])
                    j += 1
                elif not tokens[j].is_word and tokens[j].norm in ".-_*" and j + 1 < n and _is_letter(tokens[j + 1]):
                    j += 1
                else:
                    break
            word = "".join(t.norm for t in letters)
            if len(letters) >= 3 and word in tables.known:
                out.append(Token(word, letters[0].start, letters[-1].end))
                i = j
                continue
        out.append(tokens[i])
        i += 1
    return out


def _split_joined(token: Token, tables: Tables) -> list[Token]:
    """Split "youidiot" / "urstupid" into a second-person word and a known word."""
    if not token.is_word or token.norm in tables.known or len(token.norm) < 5:
        return [token]
    for prefix in _SECOND_PERSON_PREFIXES:
        rest = token.norm[len(prefix) :]
        if token.norm.startswith(prefix) and len(rest) >= 3 and rest in tables.known:
            cut = token.start + len(prefix) if token.end - token.start == len(token.norm) else token.start
            return [Token(prefix, token.start, cut or token.start), Token(rest, cut, token.end)]
    return [token]


def _respell(tokens: list[Token], tables: Tables) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        for piece in _split_joined(token, tables):
            replacement = tables.spellings.get(piece.norm) if piece.is_word and piece.norm not in MASKS else None
            if replacement:
                out.extend(Token(word, piece.start, piece.end, True, piece.upper) for word in replacement)
            else:
                out.append(piece)
    return out


def _class_window(tokens: list[Token], i: int, tables: Tables) -> tuple[str, int] | None:
    """The class token and length of the longest class phrase starting at ``i`` ("tory-voter" as "tory voter")."""
    words: list[str] = []
    found = None
    for j in range(i, min(len(tokens), i + 2 * tables.max_class_len - 1)):
        token = tokens[j]
        if not token.is_word:
            if token.norm == "-" and words and tokens[j - 1].end == token.start:
                continue
            break
        words.append(token.norm)
        label = tables.classes.get(tuple(words))
        if label:
            found = (label, j + 1 - i)
    return found


def _mask_classes(tokens: list[Token], tables: Tables) -> list[Token]:
    """Replace identity, faction and name phrases (longest first) by their class token, runs merged."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        found = _class_window(tokens, i, tables) if tokens[i].norm in tables.class_starts else None
        if found:
            label, size = found
            start = tokens[i].start
            if out and out[-1].norm == label:  # "Black woman", "gay man": one class token, not two
                start = out.pop().start
            i += size
            if label == IDENTITY and i < len(tokens) and tokens[i].norm in _GROUP_NOUNS:
                i += 1  # "Black people" is one identity mention, like "Black"
            out.append(Token(label, start, tokens[i - 1].end))
        else:
            out.append(tokens[i])
            i += 1
    return out


def normalise(text: str, tables: Tables) -> list[Token]:
    """The normalised tokens of ``text`` with spans into it."""
    tokens = _raw_tokens(text, tables)
    tokens = _join_spaced(tokens, tables)
    return _respell(_mask_classes(tokens, tables), tables)
