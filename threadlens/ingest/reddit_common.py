"""What the Reddit and ConvoKit readers share: a submission's text, deleted bodies and authors, unknown authors' ids."""

from __future__ import annotations

DELETED_BODIES = frozenset({"[deleted]", "[removed]"})


def submission_text(title: str, selftext: str) -> str:
    """A submission's text: its title, then its self text after a blank line when it has one."""
    return f"{title}\n\n{selftext}" if selftext else title


def is_deleted(author: str, body: str) -> bool:
    """Whether Reddit shows the body or the author as ``[deleted]``/``[removed]``."""
    return body in DELETED_BODIES or author in DELETED_BODIES


def author_key(author: str, name: str) -> str:
    """The author's id without the platform: the username, or ``[deleted]:<name>`` when it is unknown."""
    return f"{author}:{name}" if author in DELETED_BODIES else author
