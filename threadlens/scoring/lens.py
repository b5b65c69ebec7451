"""The default scorer, "lens": normalisation, lexicon matching and context rules on ``spacy.blank("en")``,
a trained classifier (bag of words and a fine-tuned encoder, each split per token), and a calibrated
combination whose evidence sums to the score."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from threadlens.definition import Definition
from threadlens.errors import ConfigError
from threadlens.io import file_sha256
from threadlens.model import Score
from threadlens.scoring import rules
from threadlens.scoring.classifier import BagOfWords, load_weights, model_inputs, weights_path
from threadlens.scoring.combine import (
    HOSTILE_WORD,
    KIND_WORDS,
    SECOND_PERSON,
    WHOLE_TEXT,
    Kind,
    Term,
    combine,
    sigmoid,
)
from threadlens.scoring.encoder import Reading, encoder_input, load_encoder
from threadlens.scoring.language import LanguageReader
from threadlens.scoring.lexicon import Lexicon, load_lexicon, read_list
from threadlens.scoring.normalise import MASKS, Token, normalise
from threadlens.scoring.threats import ThreatGrammar

# Categories whose hits count as aimed at someone when "you" / an @address stands just before them.
_TARGETABLE = frozenset({"insult", "profanity", "dismissal", "dehumanising", "political_pejorative", "mockery"})
_NOT_HOSTILE = frozenset({"accusation", "counter_speech"})
# Swearing stays swearing under a negation ("not fucking around"); only hostile meaning is negated.
_NOT_NEGATED = _NOT_HOSTILE | {"profanity"}


@dataclass
class Analysis:
    """What the rules and lexicon found in one text, before the classifier is added."""

    tokens: list[Token]
    terms: list[Term] = field(default_factory=list)
    model_tokens: list[int] = field(default_factory=list)
    omitted: frozenset[int] = frozenset()
    accusation: bool = False


def encoder_shares(analysis: Analysis, reading: Reading) -> dict[int, float]:
    """The encoder's hostile log-odds per token, masks left out: an identity, faction or name term, a handle
    or a link is never evidence of hostility by itself (what is said about it is)."""
    return {i: v for i, v in reading.shares["hostile"].items() if analysis.tokens[i].norm not in MASKS}


def unmasked(text: str, tokens: Sequence[Token]) -> str:
    """The text without its masked terms (handles, links, identity, faction and name terms)."""
    parts, last = [], 0
    for token in tokens:
        if token.norm in MASKS:
            parts.append(text[last : token.start])
            last = token.end
    return " ".join(parts) + " " + text[last:] if parts else text


class LensScorer:
    """The explainable default scorer."""

    name = "lens"

    def __init__(self, definition: Definition, model: BagOfWords | None = None) -> None:
        self.definition = definition
        self.weights = definition.section("weights")
        model_cfg = definition.section("model")
        self.model_weight = float(model_cfg.get("weight", 1.0))
        weights_file = model_cfg.get("weights_file", "lens-bow.json.gz")
        self.model = model or load_weights(weights_file)
        folder, _, calibrated_version = self.model.encoder.partition("@")
        self.encoder = load_encoder(folder) if folder else None
        if self.encoder and self.encoder.version != calibrated_version:
            raise ConfigError(
                f"the classifier weights were calibrated with encoder {self.model.encoder}, "
                f"but the encoder found is version {self.encoder.version}",
                hint="Run scripts/train_scorer.py again after scripts/train_encoder.py",
            )
        self.version = f"lens-{self.model.version}" + (f"+encoder-{self.encoder.version}" if self.encoder else "")
        if model is None:  # the shipped weights: name them exactly, so a score can be traced to them
            files = [weights_path(weights_file)] + ([self.encoder.model_path] if self.encoder else [])
            digest = hashlib.sha256("".join(file_sha256(f) for f in files).encode()).hexdigest()
            self.version += f" weights sha256:{digest[:16]}"
        self.lexicon: Lexicon = load_lexicon(definition, set(self.model.unigrams))
        self.persons = frozenset(read_list(definition, definition.section("targets")["persons"]))
        # a target of a threat is anyone a person word or a one-word insult names ("hang the traitors")
        insults = {entry for entry in self.lexicon.phrases["insult"] if " " not in entry}
        self.threats = ThreatGrammar(definition, self.persons | insults)
        language = definition.section("language")
        markers = frozenset(read_list(definition, language["english"]))
        romanised = {code: frozenset(read_list(definition, path)) for code, path in language["romanised"].items()}
        self.languages = LanguageReader(language, markers, frozenset(self.model.unigrams), romanised)
        self.min_word_hostility = float(definition.section("spans")["min_word_hostility"])
        heads = self.encoder.heads if self.encoder else ()
        self.kind_thresholds = {k: float(v) for k, v in model_cfg.get("kinds", {}).items() if k in heads}

    def analyse(self, text: str) -> Analysis:
        """Tokens, lexicon and rule terms, and the tokens left for the classifier."""
        tokens = normalise(text, self.lexicon.tables)
        analysis = Analysis(tokens)
        hits = self.lexicon.match([t.norm for t in tokens])
        condemned = any(category == "counter_speech" for category, _, _ in hits)
        reported, frames = rules.reported_tokens(tokens, condemned)
        reported |= rules.quoted_tokens(text, tokens)
        skip = set(reported)
        omitted: set[int] = set()  # what the encoder does not read: skip, and negators with what they negate
        seen: set[tuple[str, str]] = set()
        targeted = False
        # Rules stack: accusation language hides only its own words from the classifier, never words that are
        # also hostile ("you troll" accuses and insults), and reported speech covers only what it reports.
        hostile = {i for category, start, end in hits if category not in _NOT_HOSTILE for i in range(start, end)}
        for category, start, end in sorted(hits, key=lambda hit: (hit[1], -hit[2])):
            span = self._span(text, tokens, start, end)
            phrase = " ".join(t.norm for t in tokens[start:end])
            if (category, phrase) in seen:
                continue
            seen.add((category, phrase))
            if category == "accusation":  # accusing is not hostility: the classifier does not see those words
                analysis.accusation = True
                skip.update(i for i in range(start, end) if i not in hostile)
                analysis.terms.append(Term(*span, "lexicon", "accusation language", 0.0, "accusation"))
                continue
            if any(i in reported for i in range(start, end)):
                if category not in _NOT_HOSTILE:
                    analysis.accusation = True
                    name = "quoted or reported, so not counted"
                    analysis.terms.append(Term(*span, "rule", name, self.weights["reported_speech"], "accusation"))
                continue
            negator = None if category in _NOT_NEGATED else rules.negator_before(tokens, start)
            if negator is not None:
                skip.update(range(start, end))
                omitted.update(range(negator, end))
                name = "negated, so not counted"
                analysis.terms.append(Term(*span, "rule", name, self.weights["negation"], None))
                continue
            # a harsh word is an insult when said of a person, else a harsh word about a thing; same weight
            said_of_person = category == "harsh" and rules.said_of_person(tokens, start, end, self.persons)
            kind = "insult" if said_of_person else category
            name = "speaks against abuse" if kind == "counter_speech" else KIND_WORDS[kind]
            analysis.terms.append(Term(*span, "lexicon", name, self.weights[category], kind))
            if kind == "profanity":
                you = rules.swearing_target(tokens, start, end)
            else:
                you = rules.second_person_near(tokens, start, end) if kind in _TARGETABLE else None
            if you is not None and not targeted:
                targeted = True
                span = self._span(text, tokens, min(you, start), max(you + 1, end))
                analysis.terms.append(Term(*span, "rule", SECOND_PERSON, self.weights["second_person"], kind))
        if frames and not analysis.accusation and any(i in reported for i in range(len(tokens))):
            analysis.accusation = True
        for start, end, _ in self.threats.match(tokens):
            if any(i in reported for i in range(start, end)) or rules.negator_before(tokens, start) is not None:
                continue
            span = self._span(text, tokens, start, end)
            weight = self.weights["threat_grammar"]
            analysis.terms.append(Term(*span, "rule", "threat of harm to a person or group", weight, "threat"))
        if rules.shouting(tokens):
            analysis.terms.append(Term(0, len(text), text, "rule", WHOLE_TEXT[0], self.weights["shouting"], None))
        punct = rules.aggressive_punctuation(text)
        if punct:
            weight = self.weights["aggressive_punctuation"]
            analysis.terms.append(Term(*punct.span(), punct.group(), "rule", WHOLE_TEXT[1], weight, None))
        analysis.model_tokens = model_inputs(tokens, skip)
        analysis.omitted = frozenset(skip | omitted)
        return analysis

    @staticmethod
    def _span(text: str, tokens: Sequence[Token], start: int, end: int) -> tuple[int, int, str]:
        first, last = tokens[start].start, tokens[end - 1].end
        return first, last, text[first:last]

    def model_terms(self, text: str, analysis: Analysis, reading: Reading | None) -> list[Term]:
        """The classifier's log-odds per token (word model, prior and encoder), scaled by the definition's
        model weight. Words the encoder reads as hostile on their own are named so; the rest is wording."""
        words = [analysis.tokens[i].norm for i in analysis.model_tokens]
        shares = dict(zip(analysis.model_tokens, self.model.token_logits(words), strict=True))
        hostility = reading.hostility if reading else {}
        if reading:
            ratio = self.model.encoder_scale / self.model.scale
            for index, share in encoder_shares(analysis, reading).items():
                shares[index] = shares.get(index, 0.0) + share * ratio
        terms = []
        for index in sorted(shares):
            if shares[index]:
                token = analysis.tokens[index]
                span = text[token.start : token.end]
                logit = shares[index] * self.model_weight
                if index in analysis.omitted:
                    name = "model: omitted words"
                elif hostility.get(index, 0.0) >= self.min_word_hostility and logit > 0:
                    name = HOSTILE_WORD
                else:
                    name = "model: wording"
                terms.append(Term(token.start, token.end, span, "model", name, logit, None))
        return terms

    def model_kinds(self, text: str, analysis: Analysis, reading: Reading | None) -> list[Kind]:
        """The kinds the encoder's heads find, each with the words that weigh most in it."""
        if reading is None:
            return []
        found = []
        masked = [i for i, token in enumerate(analysis.tokens) if token.norm in MASKS]
        for kind, threshold in self.kind_thresholds.items():
            # a group, faction or person named is never evidence by itself: what is said of it is
            probability = sigmoid(reading.logits[kind] - math.fsum(reading.shares[kind].get(i, 0.0) for i in masked))
            if probability < threshold:
                continue
            top = sorted(
                (i for i, v in reading.shares[kind].items() if v > 0 and i not in analysis.omitted),
                key=lambda i: -reading.shares[kind][i],
            )[:3]
            words = " … ".join(text[analysis.tokens[i].start : analysis.tokens[i].end] for i in sorted(top))
            found.append(Kind(kind, "model", round(probability, 2), words))
        return found

    def score(self, texts: Sequence[str]) -> list[Score]:
        """Scores of a batch of texts, in order. A text in a language the definition does not read gets a score
        that says so: level 0, value 0, no evidence, ``read`` False."""
        texts = [text or "" for text in texts]
        every = [self.analyse(text) for text in texts]
        # the language is decided without the masked terms, so that a name or group named cannot change it
        languages = [self.languages.language_of(unmasked(t, a.tokens)) for t, a in zip(texts, every, strict=True)]
        read = [i for i, language in enumerate(languages) if self.languages.is_read(language)]
        analyses = [every[i] for i in read]
        if self.encoder:
            readings: list[Reading | None] = list(
                self.encoder.read([encoder_input(a.tokens, a.omitted) for a in analyses])
            )
        else:
            readings = [None] * len(analyses)
        scores = [self.not_read(language) for language in languages]
        for i, analysis, reading in zip(read, analyses, readings, strict=True):
            scores[i] = combine(
                analysis.terms + self.model_terms(texts[i], analysis, reading),
                self.model,
                self.definition,
                self.name,
                self.version,
                analysis.accusation,
                texts[i],
                self.model_kinds(texts[i], analysis, reading),
                languages[i],
            )
        return scores

    def not_read(self, language: str) -> Score:
        """The score of a text in ``language``, which this scorer does not read: nothing found, for a person."""
        reason = f"not read (language: {language})"
        return Score(0.0, 0, False, (), (), self.name, self.version, reason=reason, read=False, language=language)
