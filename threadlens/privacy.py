"""Consent manifests and pseudonymisation: only submitted or consented data is analysed, and people who
are not parties to a case are not exposed.

A submission's ``submission.toml`` names the case, who submitted it, the parties with their handles on
each platform, the consent basis and date, the scope and the retention date (see ``docs/submissions.md``).
:func:`load_manifest` checks it; :func:`pseudonymise` replaces every author who is not a party by a stable
pseudonym (``Person-7f3a2c``): in author ids and names, mentions, @mentions inside texts and edits, and in
message ids and URLs that carry a handle.

Pseudonyms are an HMAC-SHA256 of the person's platform-qualified id under a per-case key. The key comes
from :func:`case_key` (a random key file in a key directory: ``--key-dir`` or :func:`default_key_dir`, never
inside an output folder that is handed to others, see :func:`check_key_dir`) or, when none is given, from
:func:`derived_key` (reproducible from the case id alone, so not secret: anyone who knows the case id can
test a guessed handle; use a key file for real cases). Outputs name a key by its :func:`key_fingerprint`,
never by its path. :func:`pseudonymise_read` also rewrites reader problems and conflicts, so a non-party's
handle or id in a warning is pseudonymised like everywhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from threadlens.errors import ConsentError
from threadlens.model import Conflict, Message, ReadResult, Revision
from threadlens.scope import ScopeRules, parse_scope_rules

MANIFEST_NAME = "submission.toml"
REQUIRED_KEYS = ("case_id", "submitted_by", "parties", "consent_basis", "consent_date", "scope", "retention_date")
OPTIONAL_KEYS = ("scope_rules",)
PARTY_KEYS = ("name", "role", "handles")
# Manifest platform keys that name the same ``Message.platform`` under another name. Other keys (``whatsapp``
# for a CSV of a group chat, say) are taken as the platform's name.
PLATFORM_ALIASES = {"twitter": "x", "bsky": "bluesky"}
# Messages from these platforms carry no platform of their own, so any of a party's handles may match.
UNTYPED_PLATFORMS = frozenset({"generic", "convokit"})
PSEUDONYM_PREFIX = "Person-"
PSEUDONYM_HEX = 6
KEY_BYTES = 32
HELP = "See docs/submissions.md for the manifest layout"

# In texts: a URL (its path segments naming a non-party are replaced), @handle, @user@instance.host and
# @name.bsky.social (not inside an e-mail address), and Reddit's u/name and /u/name.
_IN_TEXT = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\"'()]+)"
    r"|(?<![\w@])@(?P<handle>[A-Za-z0-9_](?:[\w.-]*\w)?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
    r"|(?<!\w)(?P<u>/?u/)(?P<user>[A-Za-z0-9_-]{3,20})(?![\w-])"
)
_SEGMENTS = re.compile(r"([/?=&#]+)")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
# A decentralised identifier (Bluesky's author ids): a person, wherever it appears.
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._%-]+")
# Reader problems are split into words at these characters before their handles and ids are replaced.
_PROBLEM_WORDS = re.compile(r"([\s\[\](){}\"',;]+)")
_PLATFORM_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
# Author names that stand for no one (a deleted account); nothing to hide, and the panel should see them.
NO_ONE = frozenset({"[deleted]", "[removed]"})


@dataclass(frozen=True, slots=True)
class Party:
    """A party to the case: their name, role and handles by platform (normalised: lower case, no @)."""

    name: str
    role: str | None
    handles: dict[str, tuple[str, ...]]

    def matches(self, platform: str, names: Iterable[str]) -> bool:
        """Whether any of ``names`` (handles or ids, normalised) is one of this party's handles on ``platform``."""
        if platform in UNTYPED_PLATFORMS:
            own = {handle for handles in self.handles.values() for handle in handles}
        else:
            own = set(self.handles.get(platform, ()))
        return not own.isdisjoint(names)


@dataclass(frozen=True, slots=True)
class Manifest:
    """A checked consent manifest. ``path`` and ``sha256`` are None for the stand-in of an unconsented run."""

    case_id: str
    submitted_by: str
    parties: tuple[Party, ...]
    consent_basis: str
    consent_date: date | None
    scope: str
    retention_date: date | None
    path: str | None = None
    sha256: str | None = None
    scope_rules: ScopeRules | None = None

    def record(self) -> dict[str, Any]:
        """The consent record every output carries: the manifest's content, path and SHA-256 (JSON-ready)."""
        return {
            "manifest": self.path,
            "sha256": self.sha256,
            "case_id": self.case_id,
            "submitted_by": self.submitted_by,
            "consent_basis": self.consent_basis,
            "consent_date": self.consent_date.isoformat() if self.consent_date else None,
            "scope": self.scope,
            "scope_rules": self.scope_rules.record() if self.scope_rules else None,
            "retention_date": self.retention_date.isoformat() if self.retention_date else None,
            "parties": [
                {"name": p.name, "role": p.role, "handles": {k: list(v) for k, v in p.handles.items()}}
                for p in self.parties
            ],
        }

    def party_of(self, platform: str, author_id: str, *names: str) -> Party | None:
        """The party an author is (by platform-qualified id, its local part, or a handle), or None."""
        keys = {
            normalise_handle(platform, author_id.split(":", 1)[-1]),
            *(normalise_handle(platform, n) for n in names),
        }
        keys.discard("")
        return next((party for party in self.parties if party.matches(platform, keys)), None)

    def check_belongs_to(self, messages: Iterable[Message]) -> None:
        """A :class:`ConsentError` unless one party's handle or id appears in ``messages`` (as author or mention):
        a manifest of another case must not cover these exports."""
        for message in messages:
            if self.party_of(message.platform, message.author_id, message.author_name, *message.mention_names) or any(
                self.party_of(message.platform, mention) for mention in message.mentions
            ):
                return
        named = "; ".join(
            f"{p.name}: " + ", ".join(h for handles in p.handles.values() for h in handles) for p in self.parties
        )
        raise ConsentError(
            f"no party of this manifest appears in the data ({named})",
            path=self.path,
            position="parties",
            expected="the handle or id of at least one party as an author or mention in the exports",
            hint="Check that this is the manifest of these exports and that the parties' handles are right",
        )

    def check_dates(self, today: date) -> None:
        """A :class:`ConsentError` when consent is dated after ``today`` or the retention date has passed."""
        if self.consent_date is not None and self.consent_date > today:
            raise ConsentError(
                f"consent is dated {self.consent_date.isoformat()}, after today ({today.isoformat()})",
                path=self.path,
                position="consent_date",
                hint="Analyse only once consent has been given; correct consent_date if it is wrong",
            )
        if self.retention_date is not None and self.retention_date < today:
            raise ConsentError(
                f"the retention date {self.retention_date.isoformat()} has passed; this data may no longer be kept",
                path=self.path,
                position="retention_date",
                hint="Delete the submission, or record renewed consent with a new retention_date",
            )


def unconsented(case_id: str) -> Manifest:
    """The stand-in manifest of a submission analysed with ``--allow-unconsented``: no parties, so everyone
    is pseudonymised (unless revealed), and the record says that no consent was given."""
    return Manifest(
        case_id=case_id,
        submitted_by="",
        parties=(),
        consent_basis="none (--allow-unconsented)",
        consent_date=None,
        scope="",
        retention_date=None,
    )


def load_manifest(path: str | Path | Manifest) -> Manifest:
    """Read and check a ``submission.toml``; any problem is a :class:`ConsentError` naming file and key."""
    if isinstance(path, Manifest):
        return path
    where = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConsentError(
            "no consent manifest", path=where, expected=f"a {MANIFEST_NAME} beside the exports", hint=HELP
        ) from None
    except OSError as error:
        raise ConsentError(f"the consent manifest cannot be read ({error.strerror})", path=where) from None
    try:
        table = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConsentError(f"the consent manifest is not valid TOML: {error}", path=where, hint=HELP) from None
    unknown = sorted(set(table) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ConsentError(
            f"unknown key {unknown[0]!r}",
            path=where,
            position=unknown[0],
            expected="only: " + ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS),
            hint="Check the key's spelling. " + HELP,
        )
    fields = {key: _required_text(table, key, where) for key in ("case_id", "submitted_by", "consent_basis", "scope")}
    consent_date = _date(table, "consent_date", where)
    retention_date = _date(table, "retention_date", where)
    if retention_date < consent_date:
        raise ConsentError(
            f"retention date {retention_date.isoformat()} is before the consent date {consent_date.isoformat()}",
            path=where,
            position="retention_date",
            expected="a retention date on or after consent_date",
        )
    return Manifest(
        **fields,
        parties=_parties(table.get("parties"), where),
        consent_date=consent_date,
        retention_date=retention_date,
        path=where,
        sha256=hashlib.sha256(data).hexdigest(),
        scope_rules=parse_scope_rules(table["scope_rules"], where) if "scope_rules" in table else None,
    )


def _required_text(table: dict[str, Any], key: str, where: str, position: str | None = None) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        problem = "is missing" if value is None else f"is {value!r}"
        raise ConsentError(
            f"{key} {problem}", path=where, position=position or key, expected="a non-empty string", hint=HELP
        )
    return value.strip()


def _date(table: dict[str, Any], key: str, where: str) -> date:
    value = table.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problem = "is missing" if value is None else f"is {value!r}"
    raise ConsentError(f"{key} {problem}", path=where, position=key, expected="a date such as 2026-03-10", hint=HELP)


def _parties(value: Any, where: str) -> tuple[Party, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(item, dict) for item in value):
        raise ConsentError(
            "parties is missing or not a list of tables",
            path=where,
            position="parties",
            expected="one or more [[parties]] tables with name and handles",
            hint=HELP,
        )
    parties = []
    for number, item in enumerate(value, start=1):
        position = f"parties[{number}]"
        unknown = sorted(set(item) - set(PARTY_KEYS))
        if unknown:
            raise ConsentError(
                f"unknown key {unknown[0]!r}", path=where, position=position, expected="only: " + ", ".join(PARTY_KEYS)
            )
        role = item.get("role")
        if role is not None and not isinstance(role, str):
            raise ConsentError(f"role is {role!r}", path=where, position=f"{position}.role", expected="a string")
        parties.append(
            Party(
                name=_required_text(item, "name", where, f"{position}.name"),
                role=role,
                handles=_handles(item.get("handles"), where, f"{position}.handles"),
            )
        )
    return tuple(parties)


def _handles(value: Any, where: str, position: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict) or not value:
        raise ConsentError(
            "handles is missing or empty",
            path=where,
            position=position,
            expected='a table of platform = "handle" or ["handle", …], e.g. x = ["@alice"]',
            hint=HELP,
        )
    handles: dict[str, tuple[str, ...]] = {}
    for key, given in value.items():
        platform = PLATFORM_ALIASES.get(key.lower(), key.lower())
        if not _PLATFORM_KEY.match(platform):
            raise ConsentError(
                f"platform {key!r} is not a platform name",
                path=where,
                position=f"{position}.{key}",
                expected="a platform such as x, mastodon, bluesky, reddit, generic or whatsapp",
            )
        listed = [given] if isinstance(given, str) else given
        if not isinstance(listed, list) or not listed or not all(isinstance(h, str) and h.strip() for h in listed):
            raise ConsentError(
                f"handles for {key} are {given!r}",
                path=where,
                position=f"{position}.{key}",
                expected="a handle or a list of handles",
            )
        handles[platform] = (*handles.get(platform, ()), *(normalise_handle(platform, h) for h in listed))
    return handles


def normalise_handle(platform: str, handle: str) -> str:
    """A handle as matched: lower case, without a leading @ (or u/ on Reddit) or the platform prefix of an id."""
    text = handle.strip().lower()
    prefix = "bsky:" if platform == "bluesky" else f"{platform}:"
    if text.startswith(prefix):
        text = text[len(prefix) :]
    if platform == "reddit":
        text = text.removeprefix("/").removeprefix("u/")
    return text.lstrip("@")


def derived_key(case_id: str) -> bytes:
    """A key reproducible from the case id alone (used when no key is given; not secret, see module docs)."""
    return hashlib.sha256(b"threadlens pseudonym key\0" + case_id.encode("utf-8")).digest()


def case_key(keys_dir: str | Path, case_id: str) -> bytes:
    """The random pseudonym key of a case, from ``keys_dir/<case>.key``; created (mode 0600) on first use.

    The same output folder gives the same pseudonyms on every run; another output folder gets another key,
    so pseudonyms cannot be linked across them. Creation is race-free between processes.
    """
    target = key_path(keys_dir, case_id)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        temp = folder / f".{target.name}.{secrets.token_hex(8)}.part"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temp, target)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
    return read_key(target)


def default_key_dir() -> Path:
    """Where pseudonym keys are kept unless ``--key-dir`` says otherwise: ``$THREADLENS_KEY_DIR``, else the
    user's data directory (``$XDG_DATA_HOME/threadlens/keys``, ``~/.local/share/threadlens/keys`` on Linux)."""
    given = os.environ.get("THREADLENS_KEY_DIR")
    if given:
        return Path(given).expanduser().absolute()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return (base / "threadlens" / "keys").absolute()


def check_key_dir(key_dir: str | Path, out: str | Path) -> None:
    """A :class:`ConsentError` when ``key_dir`` is the output folder ``out`` or inside it: whoever receives the
    report folder could reverse every pseudonym with the key."""
    keys, folder = Path(key_dir).resolve(), Path(out).resolve()
    if keys == folder or folder in keys.parents:
        raise ConsentError(
            "the pseudonym key directory is inside the output folder",
            path=str(key_dir),
            expected=f"a key directory outside {out}",
            hint="Give --key-dir a folder that is not handed out with the reports, or leave it out to use "
            f"{default_key_dir()}",
        )


def key_fingerprint(key: bytes) -> str:
    """A name for a key that reveals nothing of it: a domain-separated SHA-256, recorded in the findings."""
    return "sha256:" + hashlib.sha256(b"threadlens key fingerprint\0" + key).hexdigest()[:16]


def read_case_key(keys_dir: str | Path, case_id: str, fingerprint: str) -> bytes:
    """The existing key of a case, checked against the fingerprint its analysis recorded."""
    target = key_path(keys_dir, case_id)
    if not target.exists():
        raise ConsentError(
            f"no pseudonym key for case {case_id!r} (fingerprint {fingerprint})",
            path=str(target),
            hint="Give --key-dir the key directory the analysis used; a new key would change every pseudonym",
        )
    key = read_key(target)
    if key_fingerprint(key) != fingerprint:
        raise ConsentError(
            f"this key's fingerprint is {key_fingerprint(key)}, the analysis recorded {fingerprint}",
            path=str(target),
            hint="Give --key-dir the key directory the analysis used",
        )
    return key


def key_path(keys_dir: str | Path, case_id: str) -> Path:
    """Where :func:`case_key` keeps the key of a case."""
    return Path(keys_dir) / f"{key_file_stem(case_id)}.key"


def read_key(path: str | Path) -> bytes:
    """A pseudonym key file written by :func:`case_key`, checked; a clear :class:`ConsentError` otherwise."""
    try:
        key = Path(path).read_bytes()
    except OSError as error:
        raise ConsentError(
            f"the pseudonym key cannot be read ({error.strerror})",
            path=str(path),
            hint="Restore the key from a backup; without it the case's pseudonyms change",
        ) from None
    if len(key) != KEY_BYTES:
        raise ConsentError(
            f"the pseudonym key holds {len(key)} bytes",
            path=str(path),
            expected=f"{KEY_BYTES} bytes as written by threadlens",
            hint="Restore the key from a backup; deleting it changes every pseudonym of the case",
        )
    return key


def key_file_stem(case_id: str) -> str:
    """A file name for a case id: the id itself when it is safe, else a cleaned id with a short hash."""
    cleaned = _UNSAFE_NAME.sub("_", case_id).strip("._") or "case"
    if cleaned == case_id:
        return case_id
    return f"{cleaned}-{hashlib.sha256(case_id.encode('utf-8')).hexdigest()[:8]}"


def pseudonymise(messages: list[Message], manifest: Manifest, key: bytes | None = None) -> list[Message]:
    """New messages in which every author who is not a party of ``manifest`` appears under a pseudonym.

    Replaced are author ids and names, mentions and mention names, @mentions (and Reddit u/ mentions)
    in texts and edits, and path segments equal to a non-party's handle or id in message ids, URLs and
    URLs inside texts. Parties' messages keep their authors. Text offsets change, so this runs before
    scoring.
    """
    return _Pseudonymiser(messages, manifest, key if key is not None else derived_key(manifest.case_id)).apply()


def pseudonymise_read(read: ReadResult, manifest: Manifest, key: bytes | None = None) -> None:
    """:func:`pseudonymise` a read's messages in place, and with them its problems and conflicts.

    A problem's reason is free text written by a reader: every @handle, DID, platform-qualified id and
    known handle of a non-party in it is replaced by the pseudonym, even for a person who wrote nothing
    read (a suspended account, the author of a deleted reply).
    """
    pseudonymiser = _Pseudonymiser(read.messages, manifest, key if key is not None else derived_key(manifest.case_id))
    read.messages = pseudonymiser.apply()
    read.problems = [replace(problem, reason=pseudonymiser.free_text(problem.reason)) for problem in read.problems]
    read.conflicts = [pseudonymiser.conflict(conflict) for conflict in read.conflicts]


class _Pseudonymiser:
    """The identities of one list of messages and the pseudonym of every non-party among them.

    An identity is a platform-qualified author id. Its handles (the id's local part, the author names
    and mention names seen with it) are what a party is matched on; on Mastodon the bare user name of
    ``user@host`` also resolves a short ``@user`` mention, but never makes anyone a party.
    """

    def __init__(self, messages: list[Message], manifest: Manifest, key: bytes) -> None:
        self.messages = messages
        self.manifest = manifest
        self.key = key
        self.aliases: dict[tuple[str, str], str] = {}  # (platform, normalised handle) → identity
        self.handles: dict[str, set[str]] = {}  # identity → its normalised handles
        self.pseudonyms: dict[str, str] = {}
        self._taken: set[str] = set()
        self._shown: dict[str, bool] = {}
        for message in messages:
            self._learn(message.platform, message.author_id, message.author_name)
            for mention, name in _mention_pairs(message):
                self._learn(message.platform, mention, name)
            for revision in message.edits:
                if revision.author_id:
                    self._learn(message.platform, revision.author_id, revision.author_name)
        shown_segments = {a for (_, a), i in self.aliases.items() if self.shown(i)}
        self.segments = {  # id/URL path segment (normalised) → pseudonym
            alias: self.pseudonym(identity)
            for (_, alias), identity in sorted(self.aliases.items())
            if alias not in shown_segments and not self.shown(identity)
        }

    def _learn(self, platform: str, identity: str, name: str | None) -> None:
        local = identity.split(":", 1)[-1]
        handles = {normalise_handle(platform, local), normalise_handle(platform, name or "")} - {""}
        self.handles.setdefault(identity, set()).update(handles)
        if platform == "mastodon":
            handles |= {handle.split("@")[0] for handle in handles}
        for handle in sorted(handles):
            self.aliases.setdefault((platform, handle), identity)

    def shown(self, identity: str) -> bool:
        """Whether an author keeps their own name: a party of the case, or no one (a deleted account)."""
        if identity not in self._shown:
            handles = self.handles.get(identity, set())
            party = self.manifest.party_of(_platform_of(identity), identity, *handles)
            self._shown[identity] = party is not None or not handles.isdisjoint(NO_ONE)
        return self._shown[identity]

    def pseudonym(self, identity: str) -> str:
        """The pseudonym of a person (longer where two people of the case would share one)."""
        if identity not in self.pseudonyms:
            digest = hmac.new(self.key, identity.lower().encode("utf-8"), hashlib.sha256).hexdigest()
            length = PSEUDONYM_HEX
            while f"{PSEUDONYM_PREFIX}{digest[:length]}" in self._taken:
                length += 2
            self.pseudonyms[identity] = f"{PSEUDONYM_PREFIX}{digest[:length]}"
            self._taken.add(self.pseudonyms[identity])
        return self.pseudonyms[identity]

    def apply(self) -> list[Message]:
        return [self._message(message) for message in self.messages]

    def _message(self, message: Message) -> Message:
        changes: dict[str, Any] = {}
        if not self.shown(message.author_id):
            changes["author_id"] = self._identity(message.author_id)
            changes["author_name"] = self.pseudonym(message.author_id)
        if message.mentions:
            changes["mentions"] = tuple(self._identity(m) for m in message.mentions)
            changes["mention_names"] = tuple(self._mention_name(message, n) for n in message.mention_names)
        changes["text"] = self._text(message, message.text)
        changes["edits"] = tuple(self._revision(message, r) for r in message.edits)
        for name in ("id", "reply_to", "quote_of", "conversation_id", "url"):
            changes[name] = self._scrub(getattr(message, name))
        changes["edited_from"] = tuple(self._scrub(i) for i in message.edited_from)
        return replace(message, **changes)

    def _revision(self, message: Message, revision: Revision) -> Revision:
        changes: dict[str, Any] = {"id": self._scrub(revision.id), "text": self._text(message, revision.text)}
        if revision.author_id and not self.shown(revision.author_id):
            changes |= {
                "author_id": self._identity(revision.author_id),
                "author_name": self.pseudonym(revision.author_id),
            }
        return replace(revision, **changes)

    def conflict(self, conflict: Conflict) -> Conflict:
        """A conflict naming the message by its pseudonymised id."""
        return replace(conflict, message_id=self._scrub(conflict.message_id) or conflict.message_id)

    def free_text(self, text: str) -> str:
        """Text written about the data (a reader's problem) with every non-party's handle and id replaced."""
        parts = _PROBLEM_WORDS.split(text)
        for index in range(0, len(parts), 2):
            parts[index] = self._word(parts[index])
        return "".join(parts)

    def _word(self, word: str) -> str:
        if word.startswith("@") and len(word) > 1:
            handle = word[1:].rstrip(".:!?")
            identity = self._any_platform(handle)
            if identity is None:
                shown, identity = self._is_party_handle(handle), f"?:{handle.lower()}"
            else:
                shown = self.shown(identity)
            return word if shown else "@" + self.pseudonym(identity) + word[1 + len(handle) :]
        segments = _SEGMENTS.split(word)
        for index in range(0, len(segments), 2):
            segment = segments[index]
            bare = segment.rstrip(".:!?")
            if bare in self.handles and not self.shown(bare):
                replacement = self._identity(bare)
            elif bare.lower() in self.segments and any(c.isalpha() for c in bare):
                replacement = self.segments[bare.lower()]
            else:
                continue
            segments[index] = replacement + segment[len(bare) :]
        return self._scrub("".join(segments)) or word

    def _any_platform(self, handle: str) -> str | None:
        """The identity a handle names on any platform of the case, or None."""
        lowered = handle.lower()
        return next((identity for (_, alias), identity in sorted(self.aliases.items()) if alias == lowered), None)

    def _is_party_handle(self, handle: str) -> bool:
        lowered = handle.lower()
        return any(lowered in handles for party in self.manifest.parties for handles in party.handles.values())

    def _identity(self, identity: str) -> str:
        if self.shown(identity):
            return identity
        return f"{identity.split(':', 1)[0]}:{self.pseudonym(identity)}"

    def _resolve(self, message: Message, handle: str) -> str:
        """The identity a handle written in ``message`` refers to (a stand-in identity when it is unknown)."""
        handle = normalise_handle(message.platform, handle)
        for mention, name in _mention_pairs(message):
            if handle == normalise_handle(message.platform, name) or handle in self.handles.get(mention, ()):
                return mention
        known = self.aliases.get((message.platform, handle))
        if known is not None:
            return known
        identity = f"{message.author_id.split(':', 1)[0]}:{handle}"
        self.handles.setdefault(identity, {handle})
        return identity

    def _mention_name(self, message: Message, name: str) -> str:
        identity = self._resolve(message, name)
        return name if self.shown(identity) else self.pseudonym(identity)

    def _text(self, message: Message, text: str) -> str:
        if "@" not in text and "u/" not in text and "://" not in text:
            return text

        def replace_one(match: re.Match[str]) -> str:
            if match["url"]:
                return self._scrub(match["url"]) or ""
            prefix, handle = ("@", match["handle"]) if match["handle"] else (match["u"], match["user"])
            identity = self._resolve(message, handle)
            return match.group(0) if self.shown(identity) else prefix + self.pseudonym(identity)

        return _IN_TEXT.sub(replace_one, text)

    def _scrub(self, value: str | None) -> str | None:
        """An id or URL with every path segment that names a non-party replaced by their pseudonym."""
        if not value or (not self.segments and "did:" not in value):
            return value
        parts = _SEGMENTS.split(value)
        for index in range(0, len(parts), 2):
            segment = parts[index]
            bare = segment.lstrip("@").lower()
            if bare in self.segments:
                parts[index] = segment[: len(segment) - len(bare)] + self.segments[bare]
            elif "did:" in segment:  # a DID no message introduced (a deleted or blocked post's author)
                parts[index] = _DID.sub(self._did, segment)
        return "".join(parts)

    def _did(self, match: re.Match[str]) -> str:
        identity = f"bsky:{match.group(0)}"
        return match.group(0) if self.shown(identity) else self.pseudonym(identity)


def _mention_pairs(message: Message) -> Iterable[tuple[str, str]]:
    """(mention id, mention name) pairs, when a message's two mention lists line up."""
    if len(message.mentions) != len(message.mention_names):
        return ()
    return zip(message.mentions, message.mention_names, strict=True)


def _platform_of(identity: str) -> str:
    prefix = identity.split(":", 1)[0]
    return "bluesky" if prefix == "bsky" else prefix
