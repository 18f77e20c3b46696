"""The spaCy side of the pipeline: sentences, report sections, abbreviations and ConText.

Built once per process (`get_nlp()`); `analyse()` turns a normalised text and the
extractors' findings into a section name and an assertion for each finding.

The ConText rules are written for pathology reports rather than taken from medspaCy's
general clinical defaults: in a pathology report "negative" is usually a result
("ER negative"), "previous biopsy" describes the same tumour, and a sentence like
"if HER2 is 2+, FISH will be performed" is hypothetical.
"""

from __future__ import annotations

import bisect
import warnings
from collections import defaultdict
from functools import lru_cache

import numpy
import spacy
from medspacy.context import ConText, ConTextRule
from medspacy.context.context_graph import ConTextGraph
from medspacy.context.context_modifier import ConTextModifier
from medspacy.section_detection import Sectionizer, SectionRule
from medspacy.section_detection.section import Section
from scispacy.abbreviation import AbbreviationDetector, filter_matches, find_abbreviation
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from nlp.finding import Finding

SPAN_GROUP = "oncolens_findings"

# All our header and ConText rules are phrases, so the token Matchers medSpaCy and
# scispaCy also create stay empty and spaCy warns (W036) on every document.
warnings.filterwarnings("ignore", message=r"\[W036\]")

# Section headers. Order does not matter; the longest header that matches wins.
SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "diagnosis": (
        "final diagnosis", "diagnosis", "diagnoses", "pathologic diagnosis", "pathological diagnosis",
        "final pathologic diagnosis", "concluding diagnosis", "surgical pathology diagnosis",
        "final pathological diagnosis", "diagnostic interpretation", "interpretation", "conclusion",
        "impression", "final report",
    ),
    "synoptic": (
        "synoptic report", "synoptic", "synopsis", "case synopsis", "summary", "tumor summary",
        "cancer case summary", "checklist", "synoptic comment", "pathologic staging",
        "breast cancer synoptic",
    ),
    "ancillary": (
        "immunohistochemistry", "immunohistochemical studies", "immunohistochemical stains",
        "special studies", "ancillary studies", "receptor status", "special stains",
        "prognostic markers", "prognostic factors", "biomarkers", "hormone receptors",
        "er/pr/her2 results", "breast biomarker",
    ),
    "gross": ("gross description", "gross", "macroscopic description", "macroscopic",
              "gross examination", "gross findings"),
    "microscopic": ("microscopic description", "microscopic", "microscopy", "histologic description",
                    "microscopic examination", "microscopic findings"),
    "clinical_history": (
        "clinical history", "clinical information", "clinical data", "history", "clinical indication",
        "indication", "indications", "clinical notes", "pre-operative diagnosis", "preoperative diagnosis",
        "pre-op diagnosis", "postoperative diagnosis", "post-operative diagnosis", "post-op diagnosis",
        "clinical diagnosis", "reason for referral", "clinical findings",
    ),
    "comment": ("comment", "comments", "note", "notes"),
    "addendum": ("addendum", "addenda", "addendum report", "addendum diagnosis", "supplemental report",
                 "amended report"),
    "specimen": ("specimens", "specimen(s)", "specimens submitted", "specimen submitted", "source of specimen",
                 "specimen source", "tissue submitted", "specimen(s) received"),
    "intraoperative": ("intraoperative consultation", "frozen section", "frozen section diagnosis",
                       "intraoperative diagnosis", "intra-operative consultation"),
    "family_history": ("family history", "family hx"),
    "past_medical_history": ("past medical history", "past history", "medical history", "pmh",
                             "past surgical history", "past oncologic history"),
}
SECTION_ASSERTION = {"family_history": "family", "past_medical_history": "historical"}

# (literal, category, direction). Token patterns are built from the literal, lower-cased.
CONTEXT_RULES: tuple[tuple[str, str, str], ...] = (
    ("no", "NEGATED_EXISTENCE", "FORWARD"),
    ("no evidence of", "NEGATED_EXISTENCE", "FORWARD"),
    ("no residual", "NEGATED_EXISTENCE", "FORWARD"),
    ("no definite", "NEGATED_EXISTENCE", "FORWARD"),
    ("negative for", "NEGATED_EXISTENCE", "FORWARD"),
    ("without", "NEGATED_EXISTENCE", "FORWARD"),
    ("free of", "NEGATED_EXISTENCE", "FORWARD"),
    ("absence of", "NEGATED_EXISTENCE", "FORWARD"),
    ("rules out", "NEGATED_EXISTENCE", "FORWARD"),
    ("not identified", "NEGATED_EXISTENCE", "BACKWARD"),
    ("not seen", "NEGATED_EXISTENCE", "BACKWARD"),
    ("is not present", "NEGATED_EXISTENCE", "BACKWARD"),
    ("are not present", "NEGATED_EXISTENCE", "BACKWARD"),
    ("ruled out", "NEGATED_EXISTENCE", "BACKWARD"),
    ("suspicious for", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("suggestive of", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("worrisome for", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("cannot rule out", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("cannot be excluded", "POSSIBLE_EXISTENCE", "BACKWARD"),
    ("cannot be ruled out", "POSSIBLE_EXISTENCE", "BACKWARD"),
    ("possible", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("possibly", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("probable", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("questionable", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("favor", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("may represent", "POSSIBLE_EXISTENCE", "FORWARD"),
    ("history of", "HISTORICAL", "FORWARD"),
    ("h/o", "HISTORICAL", "FORWARD"),
    ("hx of", "HISTORICAL", "FORWARD"),
    ("status post", "HISTORICAL", "FORWARD"),
    ("s/p", "HISTORICAL", "FORWARD"),
    ("remote", "HISTORICAL", "FORWARD"),
    ("family history", "FAMILY", "FORWARD"),
    ("family history of", "FAMILY", "FORWARD"),
    ("if", "HYPOTHETICAL", "FORWARD"),
    ("should", "HYPOTHETICAL", "FORWARD"),
    ("would", "HYPOTHETICAL", "FORWARD"),
    ("in case", "HYPOTHETICAL", "FORWARD"),
    ("consider", "HYPOTHETICAL", "FORWARD"),
    ("recommend", "HYPOTHETICAL", "FORWARD"),
    ("recommended", "HYPOTHETICAL", "BACKWARD"),
    ("candidate for", "HYPOTHETICAL", "FORWARD"),
    ("is defined as", "HYPOTHETICAL", "BACKWARD"),
    # Scope ends where the sentence turns: "history of DCIS, now invasive carcinoma".
    ("but", "TERMINATE", "TERMINATE"),
    ("however", "TERMINATE", "TERMINATE"),
    ("although", "TERMINATE", "TERMINATE"),
    ("except", "TERMINATE", "TERMINATE"),
    ("now", "TERMINATE", "TERMINATE"),
    ("currently", "TERMINATE", "TERMINATE"),
    ("presents with", "TERMINATE", "TERMINATE"),
    ("which", "TERMINATE", "TERMINATE"),
)
_RELATIVES = ("mother", "sister", "sisters", "aunt", "aunts", "grandmother", "daughter", "daughters",
              "father", "brother", "cousin", "niece", "maternal", "paternal", "mother's", "sister's")
CATEGORY_ASSERTION = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "possible",
    "HISTORICAL": "historical",
    "FAMILY": "family",
    "HYPOTHETICAL": "hypothetical",
}
# When several modifiers reach a finding, the stronger reading wins.
ASSERTION_PRIORITY = ("family", "hypothetical", "historical", "negated", "possible")

# Values that are themselves results: a negation word next to them is the result, not
# a denial that the finding exists ("ER negative", "margins free", "no LVI" → absent).
RESULT_VALUES = frozenset({
    "positive", "negative", "equivocal", "present", "absent", "amplified", "not amplified",
    "close", "low", "high", "indeterminate", "wild type", "wild-type", "not detected", "detected",
    "mutated", "not mutated", "pathogenic", "benign", "vus",
})
NOT_NEGATABLE_FIELDS = frozenset({
    "t_category", "n_category", "m_category", "stage_group", "grade", "laterality",
    "tumor_size_mm", "nodes_positive", "nodes_examined", "ki67_percent", "her2_ihc_score",
})

_SENT_END = frozenset({".", ";", "!", "?"})


@Language.component("report_sentences")
def report_sentences(doc: Doc) -> Doc:
    """Sentence starts at line breaks and after . ; ! ? — reports rarely need more. Set
    through one array write: per-token assignment costs more than the whole split."""
    if not len(doc):
        return doc
    orth = doc.to_array(ORTH)
    ends = numpy.isin(orth, _end_hashes(doc))
    starts = numpy.zeros(len(doc), dtype="int32") - 1
    starts[0] = 1
    starts[1:][ends[:-1]] = 1
    # After a line break: a whitespace token whose text holds "\n". The few distinct
    # whitespace strings of a report are looked up once each, not token by token.
    spaces = numpy.flatnonzero(doc.to_array(IS_SPACE))
    spaces = spaces[spaces + 1 < len(doc)]
    if len(spaces):
        space_orth = orth[spaces]
        strings = doc.vocab.strings
        breaks = [h for h in numpy.unique(space_orth).tolist() if "\n" in strings[h]]
        if breaks:
            starts[spaces[numpy.isin(space_orth, breaks)] + 1] = 1
    doc.from_array([SENT_START], starts.reshape(-1, 1).astype("uint64"))
    return doc


@lru_cache(maxsize=4)
def _end_hashes_for(vocab_id: int, strings) -> numpy.ndarray:
    return numpy.array([strings.add(p) for p in _SENT_END], dtype="uint64")


def _end_hashes(doc: Doc) -> numpy.ndarray:
    return _end_hashes_for(id(doc.vocab), doc.vocab.strings)


# scispaCy's detector keeps only parentheses of at most 8 tokens inside (filter_matches).
_MAX_PAREN_TOKENS = 8


@Language.factory("report_abbreviations")
class ReportAbbreviationDetector(AbbreviationDetector):
    """scispaCy's Schwartz-Hearst abbreviation detector with its "(" + ")" candidate search
    done on the token array. scispaCy finds candidates with a Matcher pattern
    `( {OP: +} )`, which yields every "(" ... ")" pair of the document (quadratic in the
    number of parentheses) only for filter_matches to drop all but those of at most 8
    tokens; here those pairs are listed directly, in the Matcher's order, and the rest of
    the algorithm is scispaCy's own. `doc._.abbreviations` comes out identical."""

    def __call__(self, doc: Doc) -> Doc:
        matches = _paren_candidates(doc)
        if not matches:
            return doc
        occurences = self.find_matches_for(filter_matches(matches, doc), doc)
        for long_form, short_forms in occurences:
            for short in short_forms:
                short._.long_form = long_form
                doc._.abbreviations.append(short)
        if self.make_serializable:
            doc._.abbreviations = [self.make_short_form_serializable(a) for a in doc._.abbreviations]
        return doc

    def find_matches_for(self, filtered: list[tuple[Span, Span]], doc: Doc) -> list[tuple[Span, set[Span]]]:
        """scispaCy's find_matches_for, with the later uses of each short form found by
        comparing token hashes instead of adding, running and removing a Matcher rule."""
        all_occurences: dict[Span, set[Span]] = defaultdict(set)
        already_seen_long: set[str] = set()
        already_seen_short: set[str] = set()
        rules: list[tuple[Span, list[int]]] = []
        for long_candidate, short_candidate in filtered:
            short, long = find_abbreviation(long_candidate, short_candidate)
            new_long = long.text not in already_seen_long if long else False
            new_short = short.text not in already_seen_short
            if long is not None and new_long and new_short:
                already_seen_long.add(long.text)
                already_seen_short.add(short.text)
                all_occurences[long].add(short)
                rules.append((long, [t.orth for t in short]))
        if rules:
            orth = doc.to_array(ORTH)
            for long, seq in rules:
                n = len(seq)
                for i in numpy.flatnonzero(orth == seq[0]).tolist():
                    if n == 1 or orth[i: i + n].tolist() == seq:
                        if i + n <= len(doc):
                            all_occurences[long].add(doc[i: i + n])
        return list(all_occurences.items())


def _paren_candidates(doc: Doc) -> list[tuple[int, int, int]]:
    """(match_id, start, end) of "(" ... ")" token spans with at most 8 tokens inside,
    brackets excluded from start/end as scispaCy does before filter_matches."""
    orth = doc.to_array(ORTH)
    open_hash, close_hash = doc.vocab.strings["("], doc.vocab.strings[")"]
    opens = numpy.flatnonzero(orth == open_hash)
    if not len(opens):
        return []
    closes = numpy.flatnonzero(orth == close_hash)
    out = []
    for i in opens.tolist():
        lo = bisect.bisect_left(closes, i + 2)
        for j in closes[lo:].tolist():
            if j - i - 1 > _MAX_PAREN_TOKENS:
                break
            out.append((0, i + 1, j))
    return out


@Language.factory("report_sectionizer")
class ReportSectionizer(Sectionizer):
    """medSpaCy's Sectionizer without the per-token `token._.section` writes, which cost
    more than everything else in the pipeline together; `doc._.sections` is all we use."""

    def __call__(self, doc: Doc) -> Doc:
        matches = [m for m in self._Sectionizer__matcher(doc) if _is_header(doc, m[1], m[2])]
        doc._.sections = []
        if not matches:
            doc._.sections.append(Section(None, 0, 0, 0, len(doc)))
            return doc
        sections = []
        if matches[0][1] != 0:
            sections.append(Section(None, 0, 0, 0, matches[0][1]))
        rule_map = self._Sectionizer__matcher.rule_map
        for i, (match_id, start, end) in enumerate(matches):
            rule = rule_map[self.nlp.vocab.strings[match_id]]
            next_start = matches[i + 1][1] if i + 1 < len(matches) else len(doc)
            sections.append(Section(rule.category, start, end, end, next_start, None, rule))
        doc._.sections = sections
        return doc


_HEADER_ENDS = frozenset({":", ".", "-", ":-"})


def _is_header(doc: Doc, start: int, end: int) -> bool:
    """A header starts with a capital (or is all capitals) and ends with ":" / "." / "-"
    or a line break: "diagnosis" inside a sentence is not a header."""
    if doc[start].is_lower:
        return False
    if end >= len(doc):
        return True
    nxt = doc[end]
    if nxt.text in _HEADER_ENDS:
        # "Interpretation: Positive" labels a result inside a stain's block; it is not a header.
        if end - start == 1 and doc[start].lower_ == "interpretation":
            return not any(t.lower_ in _RESULT_WORDS for t in doc[end + 1: end + 3])
        return True
    return nxt.is_space and "\n" in nxt.text


_RESULT_WORDS = frozenset({"positive", "negative", "equivocal", "borderline", "indeterminate",
                           "amplified", "non-amplified", "not"})


def _section_rules() -> list[SectionRule]:
    # Literal rules go to spaCy's PhraseMatcher (hash lookups); token patterns would put
    # ~100 rules through the Matcher, the costliest step of the whole pipeline.
    return [SectionRule(literal=literal, category=category)
            for category, literals in SECTION_HEADERS.items() for literal in literals]


def _context_rules() -> list[ConTextRule]:
    # Literal rules only: they go to spaCy's PhraseMatcher. Token patterns (and the set
    # predicate a list of relatives needs) put ConText on the Matcher's slow path.
    rules = [ConTextRule(literal, category, direction=direction)
             for literal, category, direction in CONTEXT_RULES]
    rules += [ConTextRule(word, "FAMILY", direction="BIDIRECTIONAL") for word in _RELATIVES]
    return rules


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("report_sentences")
    sectionizer: Sectionizer = nlp.add_pipe(
        "report_sectionizer", config={"rules": None, "span_attrs": None, "input_span_type": "group",
                                        "span_group_name": SPAN_GROUP}
    )
    sectionizer.add(_section_rules())
    nlp.add_pipe("report_abbreviations")
    context: ConText = nlp.add_pipe(
        "medspacy_context",
        config={"rules": None, "input_span_type": "group", "span_group_name": SPAN_GROUP,
                "span_attrs": None},
    )
    context.add(_context_rules())
    return nlp


def _section_index(doc: Doc) -> tuple[list[int], list[str | None]]:
    starts, names = [], []
    for section in doc._.sections:
        start_tok = section.section_span[0]
        starts.append(doc[start_tok].idx if start_tok < len(doc) else len(doc.text))
        names.append(section.category)
    return starts, names


def _assertion_for(span: Span, finding: Finding) -> str | None:
    found = []
    for modifier in span._.modifiers:
        m_start, m_end = modifier.modifier_span
        m_char_start = span.doc[m_start].idx
        m_char_end = span.doc[m_end - 1].idx + len(span.doc[m_end - 1])
        # A trigger inside the finding's own text is part of its value ("negative for ER").
        if m_char_start < finding.end and finding.start < m_char_end:
            continue
        assertion = CATEGORY_ASSERTION.get(modifier.category)
        if assertion == "negated" and not _negatable(finding):
            continue
        if assertion:
            found.append(assertion)
    for a in ASSERTION_PRIORITY:
        if a in found:
            return a
    return None


def _negatable(f: Finding) -> bool:
    if f.field in NOT_NEGATABLE_FIELDS or f.value is None:
        return False
    if isinstance(f.value, bool | int | float):
        return False
    return not (isinstance(f.value, str) and f.value.lower() in RESULT_VALUES)


def _apply_context(context: ConText, doc: Doc) -> None:
    """medspaCy's ConText.__call__, one ConTextGraph per sentence that holds a finding.

    A modifier's scope never leaves its sentence, and modifiers limit each other's scope
    only where scopes overlap, so modifiers in sentences without a finding can change
    nothing: skipping them, and pairing each sentence's modifiers with that sentence's
    targets only, gives the same edges as the whole-document graph without its
    modifiers x targets and modifiers x modifiers loops over the whole report."""
    targets = list(doc.spans[SPAN_GROUP])
    if not targets:
        return
    is_start = doc.to_array(SENT_START) == 1
    sent_id = numpy.cumsum(is_start) - 1
    sent_starts = numpy.flatnonzero(is_start).tolist()
    sent_ends = sent_starts[1:] + [len(doc)]
    by_sent: dict[int, list[Span]] = {}
    for t in targets:
        for s in range(int(sent_id[t.start]), int(sent_id[t.end - 1]) + 1):
            by_sent.setdefault(s, []).append(t)
    matcher = context._ConText__matcher
    modifiers: dict[int, list[ConTextModifier]] = {}
    strings = doc.vocab.strings
    for match_id, start, end in matcher(doc):
        s = int(sent_id[start])
        if s in by_sent:
            rule = matcher.rule_map[strings[match_id]]
            scope = {} if context.max_scope else _sentence_scope(rule, start, end, sent_starts[s], sent_ends[s])
            modifiers.setdefault(s, []).append(
                ConTextModifier(rule, start, end, doc, max_scope=context.max_scope, **scope))
    for s, mods in modifiers.items():
        graph = ConTextGraph(prune_on_modifier_overlap=context.prune_on_target_overlap)
        graph.targets = by_sent[s]
        graph.modifiers = mods
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)


def _sentence_scope(rule: ConTextRule, start: int, end: int, sent_start: int, sent_end: int) -> dict:
    """ConTextModifier's own sentence scope (its private __set_scope without max_scope on
    the component), from sentence bounds known here rather than a `Token.sent` walk."""
    direction = rule.direction.lower()
    limit = rule.max_scope
    if direction == "forward":
        lo, hi = end, sent_end
        if limit is not None and hi - lo > limit:
            hi = end + limit
    elif direction == "backward":
        lo, hi = sent_start, start
        if limit is not None and hi - lo > limit:
            lo = start - limit
    else:
        lo, hi = sent_start, sent_end
        if limit is not None and start - lo > limit:
            lo = start - limit
        if limit is not None and hi - end > limit:
            hi = end + limit
    return {"scope_start": lo, "scope_end": hi}


def analyse(text: str, findings: list[Finding]) -> Doc:
    """Set `section` and (unless the extractor decided it) `assertion` on each finding.

    `text` is the normalised text the findings' offsets point into.
    """
    nlp = get_nlp()
    context = nlp.get_pipe("medspacy_context")
    # The pipes up to ConText, run directly: select_pipes() costs more than sentence splitting.
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "medspacy_context":
            doc = proc(doc)
    spans, owners = [], []
    for f in findings:
        span = doc.char_span(f.start, f.end, alignment_mode="expand") if f.end > f.start else None
        if span is not None and len(span):
            spans.append(span)
            owners.append(f)
    doc.spans[SPAN_GROUP] = spans
    _apply_context(context, doc)
    starts, names = _section_index(doc)
    for f in findings:
        i = bisect.bisect_right(starts, f.start) - 1
        f.section = names[i] if i >= 0 else None
    owned = {id(f) for f in owners}
    for span, f in zip(doc.spans[SPAN_GROUP], owners, strict=True):
        if f.assertion != "present":
            continue
        assertion = _assertion_for(span, f) or SECTION_ASSERTION.get(f.section or "")
        if assertion:
            f.assertion = assertion
    for f in findings:
        if f.assertion == "present" and f.section in SECTION_ASSERTION and id(f) not in owned:
            f.assertion = SECTION_ASSERTION[f.section]
    return doc
