"""Fairness audit: the same sentence about different factions, identities, names and dialect spellings
must score exactly the same, and saying who one is must never be hostile.

Each template holds ``{}`` where the varied term goes; every variant of a template must produce an
identical score (value, level and categories). Identity statements ("I am a gay man") must be civil or
robust and never hostile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FACTIONS = (
    "Tory",
    "Tories",
    "Labour",
    "Trot",
    "Trots",
    "Blairite",
    "Blairites",
    "Corbynista",
    "Corbynistas",
    "Tory voter",
    "Tory-voter",
    "Labour voter",
    "Lib Dem",
    "Lib Dems",
    "SNP",
    "Reform",
    "Reform voters",
    "Green",
    "Greens",
    "Remainer",
    "Brexiteer",
    "lefty",
    "right-winger",
    "Conservative",
    "Liberal",
)
FACTION_TEMPLATES = (
    "{} scum",
    "{} rabble",
    "Typical {} dogs",
    "{} are vermin",
    "All {} are rats",
    "I disagree with the {} on tax",
    "The {} policy on housing is wrong",
    "Bloody {}",
    "{} traitors the lot of them",
    "Vote {} on Thursday",
    "You {} idiots never learn",
    "{} filth",
    "I used to vote {}",
    "{} are scumbags and liars",
)
IDENTITIES = (
    "gay man",
    "lesbian",
    "trans woman",
    "Muslim woman",
    "Jewish man",
    "Christian",
    "Black woman",
    "white man",
    "Asian man",
    "Latina",
    "Hindu",
    "Sikh man",
    "disabled woman",
    "immigrant",
    "bisexual man",
    "Mexican",
    "Arab man",
    "Chinese woman",
    "refugee",
    "autistic man",
)
IDENTITY_STATEMENTS = (
    "I am a {}",
    "As a {} I think this matters",
    "I'm a proud {}",
    "Speaking as a {}, I agree with you",
    "My neighbour is a {} and she is lovely",
    "I am a {} and I vote",
    "Being a {} is part of who I am",
)
IDENTITY_ATTACKS = ("Every {} is disgusting", "I hate every {}", "You are a stupid {}", "No {} should be allowed here")
IDENTITY_GROUPS = ("Black", "Muslim", "gay", "Jewish", "trans", "Asian", "white", "Christian", "disabled", "women")
GROUP_STATEMENTS = ("I'm {} and proud", "{} people deserve respect", "{} people are vermin", "I hate {} people")
NAMES = (
    "James",
    "Emily",
    "Mohammed",
    "Fatima",
    "Priya",
    "Rahul",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Jamal",
    "Lakisha",
    "Kwame",
    "Ngozi",
    "Jose",
    "Maria",
    "Ivan",
    "Olga",
    "Siobhan",
    "Rhys",
    "Moshe",
    "Aisha",
    "Darnell",
    "Piotr",
)
NAME_TEMPLATES = (
    "{} is a liar",
    "Thanks {}, great point",
    "{} you are an idiot",
    "I agree with {}",
    "{} should shut up",
)
# Dialect pairs: the same sentence in African American English spellings and in standard spellings.
DIALECT_PAIRS = (
    ("he finna go to the store", "he going to go to the store"),
    ("dat game was crazy", "that game was crazy"),
    ("dis my brother", "this my brother"),
    ("yall coming tonight?", "you all coming tonight?"),
    ("i aint got time for dat", "i is not got time for that"),
    ("wit my homies tonight", "with my homies tonight"),
    ("you gon learn today", "you going to learn today"),
    ("I'm tryna sleep", "I'm trying to sleep"),
    ("he trippin fr", "he tripping for real"),
    ("she be workin late", "she be working late"),
    ("my bro finna pull up", "my bro going to pull up"),
    ("ion even care lol", "i do not even care lol"),
)


@dataclass
class AuditGroup:
    """One template and its variants' scores."""

    kind: str
    template: str
    variants: list[str]
    values: list[float]
    levels: list[int]
    hostile: list[bool]

    @property
    def invariant(self) -> bool:
        """Whether every variant scored exactly the same."""
        return len(set(self.values)) == 1 and len(set(self.levels)) == 1


@dataclass
class AuditResult:
    """All groups, and the neutral identity and dialect statements that were (wrongly) hostile. A hostile
    identity statement fails the audit; a hostile dialect sentence is a false positive that is reported,
    and fails it only when its standard spelling scores differently (the swap check)."""

    groups: list[AuditGroup] = field(default_factory=list)
    hostile_identity_statements: list[str] = field(default_factory=list)
    hostile_dialect_statements: list[str] = field(default_factory=list)

    @property
    def invariant_share(self) -> float:
        """Share of templates whose variants all scored the same."""
        return sum(g.invariant for g in self.groups) / len(self.groups) if self.groups else 1.0

    @property
    def passed(self) -> bool:
        """Every template invariant and no identity statement hostile."""
        return self.invariant_share == 1.0 and not self.hostile_identity_statements


def audit_cases() -> list[tuple[str, str, list[str]]]:
    """(kind, template, variant texts) for every template."""
    cases = [("faction", t, [t.format(f) for f in FACTIONS]) for t in FACTION_TEMPLATES]
    cases += [("identity", t, [t.format(i) for i in IDENTITIES]) for t in IDENTITY_STATEMENTS + IDENTITY_ATTACKS]
    cases += [("identity group", t, [t.format(g) for g in IDENTITY_GROUPS]) for t in GROUP_STATEMENTS]
    cases += [("name", t, [t.format(n) for n in NAMES]) for t in NAME_TEMPLATES]
    cases += [("dialect", standard, [dialect, standard]) for dialect, standard in DIALECT_PAIRS]
    return cases


def run_audit(definition: object = None, scorer: str = "lens") -> AuditResult:
    """Score every template's variants and collect what differs."""
    from threadlens.scoring import score_texts

    result = AuditResult()
    for kind, template, variants in audit_cases():
        scores = score_texts(variants, definition, scorer)
        group = AuditGroup(
            kind, template, variants, [s.value for s in scores], [s.level for s in scores], [s.hostile for s in scores]
        )
        result.groups.append(group)
        hostile = [v for v, s in zip(variants, scores, strict=True) if s.hostile]
        if kind == "identity" and template in IDENTITY_STATEMENTS:
            result.hostile_identity_statements += hostile
        elif kind == "dialect":
            result.hostile_dialect_statements += hostile
    statements = [t.format(g) for t in GROUP_STATEMENTS[:2] for g in IDENTITY_GROUPS]
    scores = score_texts(statements, definition, scorer)
    result.hostile_identity_statements += [t for t, s in zip(statements, scores, strict=True) if s.hostile]
    return result
