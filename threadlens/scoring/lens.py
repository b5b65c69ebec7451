"""The default scorer, "lens": normalisation, lexicon matching and context rules on ``spacy.blank("en")``,
a trained classifier (bag of words and a fine-tuned encoder, each split per token), and a calibrated
combination whose evidence sums to the score."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from threadlens.definition import Definition
from threadlens.errors import ConfigError
from threadlens.io import file_sha256
from threadlens.model import Score
from threadlens.scoring import rules
from threadlens.scoring.classifier import BagOfWords, load_weights, model_inputs, weights_path
from threadlens.scoring.combine import Term, combine
from threadlens.scoring.encoder import encoder_input, load_encoder
from threadlens.scoring.lexicon import Lexicon, load_lexicon
from threadlens.scoring.normalise import Token, normalise

# Categories whose hits count as aimed at someone when "you" / an @address stands just before them.
_TARGETABLE = frozenset({"insult", "profanity", "dismissal", "dehumanising", "political_pejorative"})
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
        for category, start, end in sorted(hits, key=lambda hit: (hit[1], -hit[2])):
            span = self._span(text, tokens, start, end)
            phrase = " ".join(t.norm for t in tokens[start:end])
            if (category, phrase) in seen:
                continue
            seen.add((category, phrase))
            if category == "accusation":  # an accusation is not hostility: the classifier does not see it
                analysis.accusation = True
                skip.update(range(start, end))
                analysis.terms.append(Term(*span, "lexicon", f"accusation: {phrase}", 0.0, "accusation"))
                continue
            if any(i in reported for i in range(start, end)):
                if category not in _NOT_HOSTILE:
                    analysis.accusation = True
                    name = f"reported speech: {phrase}"
                    analysis.terms.append(Term(*span, "rule", name, self.weights["reported_speech"], "accusation"))
                continue
            negator = None if category in _NOT_NEGATED else rules.negator_before(tokens, start)
            if negator is not None:
                skip.update(range(start, end))
                omitted.update(range(negator, end))
                name = f"negation: {phrase}"
                analysis.terms.append(Term(*span, "rule", name, self.weights["negation"], None))
                continue
            analysis.terms.append(Term(*span, "lexicon", f"{category}: {phrase}", self.weights[category], category))
            you = rules.second_person_near(tokens, start, end) if category in _TARGETABLE else None
            if you is not None and not targeted:
                targeted = True
                span = self._span(text, tokens, min(you, start), max(you + 1, end))
                analysis.terms.append(Term(*span, "rule", "second person", self.weights["second_person"], category))
        if frames and not analysis.accusation and any(i in reported for i in range(len(tokens))):
            analysis.accusation = True
        for start, end in rules.first_person_threats(tokens):
            if any(i in reported for i in range(start, end)):
                continue
            span = self._span(text, tokens, start, end)
            weight = self.weights["first_person_threat"]
            analysis.terms.append(Term(*span, "rule", "first-person threat", weight, "threat"))
        if rules.shouting(tokens):
            analysis.terms.append(Term(0, len(text), text, "rule", "shouting", self.weights["shouting"], None))
        punct = rules.aggressive_punctuation(text)
        if punct:
            weight = self.weights["aggressive_punctuation"]
            analysis.terms.append(Term(*punct.span(), punct.group(), "rule", "aggressive punctuation", weight, None))
        analysis.model_tokens = model_inputs(tokens, skip)
        analysis.omitted = frozenset(skip | omitted)
        return analysis

    @staticmethod
    def _span(text: str, tokens: Sequence[Token], start: int, end: int) -> tuple[int, int, str]:
        first, last = tokens[start].start, tokens[end - 1].end
        return first, last, text[first:last]

    def model_terms(self, text: str, analysis: Analysis, encoded: dict[int, float]) -> list[Term]:
        """The classifier's log-odds per token (word model, prior and encoder), scaled by the definition's
        model weight. ``encoded`` holds the encoder's shares by token index."""
        words = [analysis.tokens[i].norm for i in analysis.model_tokens]
        shares = dict(zip(analysis.model_tokens, self.model.token_logits(words), strict=True))
        if encoded:
            ratio = self.model.encoder_scale / self.model.scale
            for index, share in encoded.items():
                shares[index] = shares.get(index, 0.0) + share * ratio
        terms = []
        for index in sorted(shares):
            if shares[index]:
                token = analysis.tokens[index]
                span = text[token.start : token.end]
                logit = shares[index] * self.model_weight
                name = "model: (omitted words)" if index in analysis.omitted else f"model: {token.norm}"
                terms.append(Term(token.start, token.end, span, "model", name, logit, None))
        return terms

    def score(self, texts: Sequence[str]) -> list[Score]:
        """Scores of a batch of texts, in order."""
        analyses = [self.analyse(text or "") for text in texts]
        if self.encoder:
            inputs = [encoder_input(a.tokens, a.omitted) for a in analyses]
            encoded = self.encoder.token_logits(inputs)
        else:
            encoded = [{} for _ in analyses]
        return [
            combine(
                analysis.terms + self.model_terms(text or "", analysis, shares),
                self.model,
                self.definition,
                self.name,
                self.version,
                analysis.accusation,
            )
            for text, analysis, shares in zip(texts, analyses, encoded, strict=True)
        ]
