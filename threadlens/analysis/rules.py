"""The escalation rules of a definition (``escalation.toml``), read once into plain values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from threadlens.definition import Definition
from threadlens.errors import ConfigError
from threadlens.model import LEVEL_NAMES

_TOP_LEVEL = len(LEVEL_NAMES) - 1


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds and reach of the escalation, reaction and accusation rules."""

    threshold: int
    min_step: int
    context_hops: int
    unknown_level: int
    reaction_threshold: int
    reaction_hops: int
    accusation_hops: int
    min_quoted_chars: int
    third_party: bool
    threshold_value: float
    defence_phrases: tuple[str, ...] = ()
    doubtful_from: float = 0.2
    most_shown: int = 3


def load_rules(definition: Definition) -> Rules:
    """The rules in the definition's ``[escalation]``, ``[reaction]`` and ``[accusation]`` tables."""
    where = str(definition.path / "escalation.toml")
    escalation, reaction, accusation = (definition.section(name) for name in ("escalation", "reaction", "accusation"))
    readings = definition.section("readings")
    return Rules(
        threshold=_level(escalation, "threshold", where),
        min_step=_count(escalation, "min_step", where, minimum=1),
        context_hops=_count(escalation, "context_hops", where),
        unknown_level=_level(escalation, "unknown_level", where),
        reaction_threshold=_level(reaction, "threshold", where),
        reaction_hops=_count(reaction, "max_hops", where, minimum=1),
        accusation_hops=_count(accusation, "max_hops", where, minimum=1),
        min_quoted_chars=_count(accusation, "min_quoted_chars", where, minimum=1),
        third_party=_flag(accusation, "third_party", where),
        threshold_value=level_floor(definition, _level(escalation, "threshold", where)),
        defence_phrases=tuple(str(phrase) for phrase in accusation.get("defence_phrases", ())),
        doubtful_from=_share(readings, "doubtful_from", where),
        most_shown=_count(readings, "most_shown", where, minimum=1),
    )


def level_floor(definition: Definition, level: int) -> float:
    """The lowest score value at which ``level`` can be reached: 0 for civil and robust, the definition's
    ``[levels] hostile_from`` for rude and above (levels come from the kind of hostility; the value only
    decides whether a message is hostile at all)."""
    hostile_from = definition.section("levels").get("hostile_from")
    if isinstance(hostile_from, bool) or not isinstance(hostile_from, int | float) or not 0 < hostile_from < 1:
        raise ConfigError(
            f"[levels] hostile_from is {hostile_from!r}",
            path=str(definition.path / "definition.toml"),
            expected="a number between 0 and 1",
        )
    return float(hostile_from) if level >= 2 else 0.0


def _value(table: dict[str, Any], key: str, where: str) -> Any:
    if key not in table:
        raise ConfigError(
            f"escalation rules have no {key!r}",
            path=where,
            hint="Copy the key from config/definitions/default/escalation.toml",
        )
    return table[key]


def _count(table: dict[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = _value(table, key, where)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{key} is {value!r}", path=where, expected=f"a whole number of at least {minimum}")
    return value


def _share(table: dict[str, Any], key: str, where: str) -> float:
    value = _value(table, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{key} is {value!r}", path=where, expected="a number from 0 to 1")
    return float(value)


def _level(table: dict[str, Any], key: str, where: str) -> int:
    value = _count(table, key, where)
    if value > _TOP_LEVEL:
        raise ConfigError(f"{key} is {value!r}", path=where, expected=f"a level from 0 to {_TOP_LEVEL}")
    return value


def _flag(table: dict[str, Any], key: str, where: str) -> bool:
    value = _value(table, key, where)
    if not isinstance(value, bool):
        raise ConfigError(f"{key} is {value!r}", path=where, expected="true or false")
    return value
