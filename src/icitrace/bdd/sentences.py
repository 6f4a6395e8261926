"""The step library's sentences: each one's pattern, what it means, its parameters and examples.

The one list behind the steps (``steps.py`` registers each pattern), the nearest-sentence hint for a
typo, docs/bdd.md's table and ``icitrace bdd steps`` (plain and JSON, for people and for editors).
Kept free of pytest so that printing the catalogue needs neither pytest nor the engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    keyword: str  # Given, When or Then (And/But take the keyword before them)
    pattern: str  # a regular expression the step's text must match in full
    examples: tuple[str, ...]  # as written after the keyword; the first is the sentence's face
    means: str
    parameters: tuple[tuple[str, str], ...] = ()  # (name in the pattern, what it takes)

    @property
    def face(self) -> str:
        return f"{self.keyword} {self.examples[0]}"


_FIELD = ("name", "a profile field, such as tmb or hypoxia (`icitrace schema` lists them)")
_RULE = ("rid", "a rule id, such as hypoxia-high (`icitrace rules list`)")
_FINDING = ("fid", "a finding id from rules/catalog.yaml, such as hypoxic_tme")
_STRATEGY = ("sid", "a strategy id from rules/catalog.yaml, such as hypoxia_targeting")
_CONCLUSION = ("cid", "a finding or strategy id from rules/catalog.yaml")
_BY_RULE = ("rule", "optional: the rule id that must have concluded it")
_NOT = ("neg", "optional: not")

GIVEN_PROFILE_FILE = Sentence(
    "Given", r'the profile "(?P<name>[^"]+)"', ('the profile "profiles/cold-desert.json"',),
    "Start from a profile file: beside the feature file, else the working directory, else a shipped "
    "profile by name (\"cold-desert\").",
    (("name", "a file path, or a shipped profile's name"),))
GIVEN_TABLE = Sentence(
    "Given", r"a profile with:", ("a profile with:",),
    "Set the fields of the | field | value | table that follows (a | field | value | header row is "
    "optional; a list is comma-separated; unknown makes a field unknown).")
GIVEN_FIELD = Sentence(
    "Given", r'the profile field "(?P<name>[^"]+)" is (?P<value>.+)',
    ('the profile field "tmb" is 9.9', 'the profile field "hypoxia" is "high"', 'the profile field "tmb" is unknown'),
    "Set one field on the profile built so far, typed as the profile model types it.",
    (_FIELD, ("value", "a number as in JSON, a level word (quotes optional), true/false, a comma-separated "
                       "list, or unknown")))
WHEN_EVALUATED = Sentence(
    "When", r"the profile is evaluated", ("the profile is evaluated",),
    "Evaluate the profile with the rule base ($ICITRACE_RULES, else the shipped rules). A profile the "
    "format refuses as a whole (a CPS below the TPS, say) fails the scenario unless a Then says it is "
    "refused; a bad value in a Given (a level word, a number) fails at that Given.")
THEN_FINDING = Sentence(
    "Then", r'the finding "(?P<fid>[^"]+)" is\s+(?P<neg>not\s+)?inferred(?: by rule "(?P<rule>[^"]+)")?',
    ('the finding "hypoxic_tme" is inferred', 'the finding "hypoxic_tme" is not inferred',
     'the finding "hypoxic_tme" is inferred by rule "hypoxia-high"'),
    "The finding is (or is not, for either reason) derived; with a rule, derived by that rule.",
    (_FINDING, _NOT, _BY_RULE))
THEN_STRATEGY = Sentence(
    "Then", r'the strategy "(?P<sid>[^"]+)" is\s+(?P<neg>not\s+)?suggested(?: by rule "(?P<rule>[^"]+)")?',
    ('the strategy "hypoxia_targeting" is suggested', 'the strategy "hypoxia_targeting" is not suggested',
     'the strategy "hypoxia_targeting" is suggested by rule "hypoxia-to-hypoxia-targeting"'),
    "The strategy is (or is not, for either reason) reached; with a rule, reached by that rule.",
    (_STRATEGY, _NOT, _BY_RULE))
THEN_RULED_OUT = Sentence(
    "Then", r'the (?P<kind>finding|strategy) "(?P<cid>[^"]+)" is ruled out',
    ('the finding "hypoxic_tme" is ruled out', 'the strategy "hypoxia_targeting" is ruled out'),
    "Not reached, and decided so: every rule that concludes it is decided not to fire.",
    (("kind", "finding or strategy"), _CONCLUSION))
THEN_UNDECIDED = Sentence(
    "Then", r'the (?P<kind>finding|strategy) "(?P<cid>[^"]+)" is undecided',
    ('the finding "hypoxic_tme" is undecided', 'the strategy "hypoxia_targeting" is undecided'),
    "Not reached and not ruled out: a rule that concludes it reads an unknown field.",
    (("kind", "finding or strategy"), _CONCLUSION))
THEN_RULE = Sentence(
    "Then", r'the rule "(?P<rid>[^"]+)" (?P<verb>fires|does\s+not\s+fire|is\s+decided\s+not\s+to\s+fire|is\s+undecided)',
    ('the rule "hypoxia-high" fires', 'the rule "hypoxia-high" does not fire',
     'the rule "hypoxia-high" is decided not to fire', 'the rule "hypoxia-high" is undecided'),
    "fires; does not fire (for either reason); is decided not to fire (its conditions are false on what "
    "is known); is undecided (a field it reads is unknown: neither fired nor ruled out).",
    (_RULE, ("verb", "fires, does not fire, is decided not to fire, or is undecided")))
THEN_RULED_OUT_BY = Sentence(
    "Then", r'the rule "(?P<rid>[^"]+)" is ruled out by "(?P<name>[^"]+)"',
    ('the rule "tmb-high" is ruled out by "tmb"',),
    "The rule is decided not to fire, and the first of its conditions that fails reads this field or "
    "finding (why not, as `icitrace explain` shows it).",
    (_RULE, ("name", "the profile field or finding id of the first condition that fails")))
THEN_NOT_EVALUATED = Sentence(
    "Then", r'the rule "(?P<rid>[^"]+)" is not evaluated because "(?P<name>[^"]+)" is unknown',
    ('the rule "hypoxia-high" is not evaluated because "hypoxia" is unknown',),
    "The rule is undecided, and this unknown field is one it waits on.",
    (_RULE, _FIELD))
THEN_BORDERLINE = Sentence(
    "Then", r'the field "(?P<name>[^"]+)" is\s+(?P<neg>not\s+)?borderline',
    ('the field "tmb" is borderline', 'the field "tmb" is not borderline'),
    "The field's value sits (or does not sit) within the margin of a cut-off a rule reads: a conclusion "
    "that could flip with a small measurement difference.",
    (_FIELD, _NOT))
THEN_DECIDING_UNKNOWN = Sentence(
    "Then", r'the deciding unknown is "(?P<name>[^"]+)"',
    ('the deciding unknown is "hypoxia"',),
    "Of the unknown fields, this one would settle the most undecided rules: first of the result's "
    "deciding unknowns.",
    (_FIELD,))
#: the wording before rules 2026.12.2 ("measuring" read as ordering a test), kept for one release
THEN_NEXT_MEASUREMENT = Sentence(
    "Then", r'measuring "(?P<name>[^"]+)" would settle the most',
    ('measuring "hypoxia" would settle the most',),
    'Deprecated, kept for one release: the old wording of Then the deciding unknown is "..." (the same '
    "check).",
    (_FIELD,))
THEN_MATURITY = Sentence(
    "Then", r'the strategy "(?P<sid>[^"]+)" is at the stage "(?P<stage>[^"]+)"',
    ('the strategy "hypoxia_targeting" is at the stage "may-help"',),
    "Where the review places the approach (a maturity stage of rules/catalog.yaml).",
    (_STRATEGY, ("stage", "a maturity stage, such as may-help or in-clinical-trials")))
THEN_EVIDENCE = Sentence(
    "Then", r'the strategy "(?P<sid>[^"]+)" rests at best on (?P<evidence>review-stated|inferred-link|external-cutoff) evidence',
    ('the strategy "hypoxia_targeting" rests at best on review-stated evidence',),
    "The firmest of the strategy's routes has this chain evidence (a chain is as firm as its weakest "
    "link: review-stated > inferred-link > external-cutoff).",
    (_STRATEGY, ("evidence", "review-stated, inferred-link or external-cutoff")))
THEN_REFUSED = Sentence(
    "Then", r'the profile is refused with "(?P<text>[^"]+)"',
    ('the profile is refused with "pd_l1_cps"',),
    "The profile format refused the profile built by the Givens as a whole (a CPS below the TPS, say), "
    "and its message contains this text.",
    (("text", "part of the message"),))
THEN_NO_FINDING = Sentence(
    "Then", r"no finding is inferred", ("no finding is inferred",), "Nothing was derived.")
THEN_MENTIONS = Sentence(
    "Then", r'the rationale mentions "(?P<text>[^"]+)"', ('the rationale mentions "hypoxic"',),
    "The text rendering contains this phrase (line breaks ignored).", (("text", "a phrase"),))
THEN_CITES = Sentence(
    "Then", r"every conclusion cites the review", ("every conclusion cites the review",),
    "Every finding and strategy cites at least one of the review's references [1]-[10].")

CATALOGUE: tuple[Sentence, ...] = (
    GIVEN_PROFILE_FILE, GIVEN_TABLE, GIVEN_FIELD, WHEN_EVALUATED,
    THEN_FINDING, THEN_STRATEGY, THEN_RULED_OUT, THEN_UNDECIDED,
    THEN_RULE, THEN_RULED_OUT_BY, THEN_NOT_EVALUATED,
    THEN_BORDERLINE, THEN_DECIDING_UNKNOWN, THEN_NEXT_MEASUREMENT, THEN_MATURITY, THEN_EVIDENCE, THEN_REFUSED,
    THEN_NO_FINDING, THEN_MENTIONS, THEN_CITES,
)

#: every example sentence, keyword first
SENTENCES: tuple[str, ...] = tuple(f"{s.keyword} {e}" for s in CATALOGUE for e in s.examples)


def catalogue_data() -> list[dict]:
    """The catalogue as JSON data: one object per sentence."""
    return [{"keyword": s.keyword, "sentence": s.face, "pattern": s.pattern, "means": s.means,
             "parameters": [{"name": n, "takes": t} for n, t in s.parameters],
             "examples": [f"{s.keyword} {e}" for e in s.examples]} for s in CATALOGUE]


def editor_glue() -> str:
    """A Python file of behave-style decorators, one per sentence, for an editor's step index (the
    Cucumber extension reads Python/Behave step definitions from the files its `cucumber.glue`
    setting names). Never imported or run. Each pattern is written as the Cucumber language service
    reads a regular expression in Python (its source: a string whose text is /.../; its JavaScript
    engine wants groups as (?<name>...)); \\s+ becomes a space and +, so no string needs an escape."""
    lines = ['"""icitrace\'s step sentences, for an editor\'s autocompletion only: written by',
             "`icitrace bdd steps --format python`; never imported or run (the steps live in icitrace).",
             '"""', "", "from behave import given, then, when  # noqa: F401 - read by editors, never run", ""]
    for number, sentence in enumerate(CATALOGUE, start=1):
        pattern = editor_pattern(sentence)
        lines += ["", f"@{sentence.keyword.lower()}('/{pattern}/')", f"def step_{number}():",
                  f"    {sentence.means!r}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def editor_pattern(sentence: Sentence) -> str:
    """The sentence's pattern anchored, with JavaScript's group syntax and no backslash or quote."""
    pattern = "^" + sentence.pattern.replace("(?P<", "(?<").replace("\\s+", " +").replace("\\s", " ") + "$"
    if "\\" in pattern or "'" in pattern:
        raise ValueError(f"a step pattern the editor file cannot hold as written: {pattern}")
    return pattern
