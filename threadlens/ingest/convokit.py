"""ConvoKit corpora: a corpus folder (``utterances.jsonl`` with optional ``speakers.json``,
``conversations.json`` and ``corpus.json``) or an ``utterances.jsonl`` on its own.

Both spellings ConvoKit writes are read: ``reply-to`` (what ``Corpus.dump`` writes) and ``reply_to``
(the documented field), ``speaker``/``conversation_id`` and the older ``user``/``root``, and
speaker or conversation entries that are metadata themselves or ``{"meta": ..., "vectors": ...}``.

The platform comes from ``platform`` in the corpus or utterance metadata, or is ``reddit`` when the
metadata names a subreddit, else ``convokit``. Reddit corpora store bare base-36 ids: they get their
``t3_`` (the conversation's first utterance, the submission) or ``t1_`` prefix, and a submission's
text is preceded by its title, exactly as the ``reddit`` reader reads them, so both merge.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from threadlens.errors import InputError
from threadlens.ingest.base import RECORD_ERRORS, Sink, SourceFile, record_error, register
from threadlens.ingest.reddit_common import author_key, is_deleted, submission_text
from threadlens.ingest.rows import message_from_values
from threadlens.model import Message

FORMAT = "convokit"
UTTERANCES = "utterances.jsonl"
_CORPUS_FILES = ("corpus.json", "speakers.json", "conversations.json")


def sniff(src: SourceFile) -> bool:
    """A folder holding ``utterances.jsonl``, or JSON lines shaped like ConvoKit utterances."""
    if src.is_dir:
        return (src.path / UTTERANCES).is_file()
    if src.is_zip or src.path.suffix.lower() not in (".jsonl", ".ndjson"):
        return False
    first = next((line for line in src.head().splitlines() if line.strip()), "")
    return '"speaker"' in first or ('"user"' in first and '"root"' in first)


@register("convokit", "ConvoKit corpus folder or utterances.jsonl", sniff, priority=40, folder=True)
def read(src: SourceFile, sink: Sink) -> Iterator[Message]:
    """One message per utterance, with speaker names and submission titles from the corpus files."""
    utterances, corpus = _corpus(src)
    platform = _platform(corpus["corpus.json"])
    for number, parsed in utterances.jsonl():
        position = f"line {number}"
        sink.records += 1
        if isinstance(parsed, InputError):
            sink.reject(utterances, position, parsed.reason, expected=parsed.expected)
            continue
        if not isinstance(parsed, dict) or "id" not in parsed or "text" not in parsed:
            sink.reject(
                utterances,
                position,
                "not a ConvoKit utterance",
                expected="an object with id, speaker, conversation_id, reply-to, timestamp and text",
            )
            continue
        platform = platform or _platform(parsed.get("meta")) or FORMAT
        try:
            values = _values(parsed, platform, corpus)
            yield message_from_values(values, platform=platform, source=utterances.source(position, FORMAT))
        except RECORD_ERRORS as error:
            sink.reject(utterances, position, record_error(error), expected="an utterance with id and speaker")


def _corpus(src: SourceFile) -> tuple[SourceFile, dict[str, dict[str, Any]]]:
    """The utterances file and the corpus folder's other files by name (empty when absent)."""
    if not src.is_dir:
        return src, {name: {} for name in _CORPUS_FILES}
    utterances = src.path / UTTERANCES
    if not utterances.is_file():
        raise InputError(
            f"no {UTTERANCES} in this folder",
            path=src.display,
            expected="a ConvoKit corpus folder (utterances.jsonl, speakers.json, corpus.json)",
        )
    return SourceFile(utterances), {name: _json_object(src, name) for name in _CORPUS_FILES}


def _json_object(folder: SourceFile, name: str) -> dict[str, Any]:
    """A corpus folder's JSON object file, or an empty one when the file is absent."""
    if not (folder.path / name).is_file():
        return {}
    value = SourceFile(folder.path / name).json()
    return value if isinstance(value, dict) else {}


def _meta(entries: dict[str, Any], key: Any) -> dict[str, Any]:
    """The metadata of a speaker or conversation, stored bare or as ``{"meta": ..., "vectors": ...}``."""
    entry = entries.get(str(key))
    if not isinstance(entry, dict):
        return {}
    return entry["meta"] if isinstance(entry.get("meta"), dict) else entry


def _platform(meta: Any) -> str | None:
    """``platform`` from metadata, or ``reddit`` when it names a subreddit."""
    if not isinstance(meta, dict):
        return None
    if meta.get("platform"):
        return str(meta["platform"]).lower()
    return "reddit" if "subreddit" in meta else None


def _values(utterance: dict[str, Any], platform: str, corpus: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The utterance as the canonical columns of :func:`~threadlens.ingest.rows.message_from_values`."""
    speaker = utterance.get("speaker", utterance.get("user"))
    conversation = utterance.get("conversation_id", utterance.get("root"))
    reply_to = utterance.get("reply_to", utterance.get("reply-to"))
    ids = {"id": utterance["id"], "reply_to": reply_to, "conversation_id": conversation}
    text = utterance.get("text") or ""
    author = speaker
    if platform == "reddit":
        ids = {key: _reddit_name(value, conversation) for key, value in ids.items()}
        author = author_key(speaker, ids["id"]) if speaker else speaker
        title = _meta(corpus["conversations.json"], conversation).get("title")
        if utterance["id"] == conversation and title:
            text = submission_text(title, text)
    return {
        **ids,
        "author": author,
        "author_name": _meta(corpus["speakers.json"], speaker).get("name") or speaker,
        "created_at": utterance.get("timestamp"),
        "text": text,
        "deleted": platform == "reddit" and is_deleted(str(speaker), str(utterance.get("text"))),
    }


def _reddit_name(value: Any, conversation: Any) -> str | None:
    """A bare Reddit id as its fullname: ``t3_`` for the submission (the conversation's id), else ``t1_``."""
    if not value or str(value).startswith(("t1_", "t3_")):
        return value
    return f"{'t3' if value == conversation else 't1'}_{value}"
