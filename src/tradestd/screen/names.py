"""Finding substance names in free text: normalised, order-free, negation-aware, a little fuzzy.

A description is folded (accents dropped, case folded), cut into word tokens and
clauses (``,;:()/`` and line ends close a clause), and each token is singularised
(``nitrates`` -> ``nitrate``). Tokens under a negation do not count: ``chlorate-free``,
``chlorate free``, ``free of chlorate``, ``non-nitrate``, ``without nitrate``.

A phrase of the watch list (a name, synonym, trade name or listed misspelling) matches
when all its tokens occur, in any order, close together in one clause. A token of the
text that is not a word of the list may stand for one when it is a near spelling (see
:class:`FuzzyVocabulary`): ``amonium nitrat`` finds *ammonium nitrate*, while chemically
different words (``nitrile``, ``nitrite``, ``chloride``) never stand for a listed one.

Cost: one pass over the tokens, dictionary lookups per token, and a bounded fuzzy
search per *distinct* unknown word (cached), so time is linear in the text's length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

__all__ = ["NameHit", "NameMatcher", "Phrase", "fold", "tokens"]

_WORD = re.compile(r"[a-z0-9]+|[,;:()/\[\]\n]")
_CLAUSE_END = frozenset(",;:()/[]\n")
#: Words left out on both sides: ``nitrate of potash`` is ``potash nitrate``.
STOPWORDS = frozenset({"of", "the", "a", "an", "and", "de", "in"})
#: A word followed by one of these is negated: ``chlorate-free``, ``nitrate free``.
NEGATING_SUFFIXES = frozenset({"free", "frei", "less"})
#: These negate the next words of their clause (``free`` only with ``of``/``from``).
NEGATING_PREFIXES = frozenset({"non", "no", "not", "without", "excluding", "except", "sans",
                               "ohne", "nonhazardous"})
_NEGATION_REACH = 4
#: Endings that tell chemically different words apart: a near spelling never crosses them
#: (``nitrite``/``nitrile``/``nitride`` are not ``nitrate``, ``chloride`` is not ``chlorate``).
CHEMICAL_ENDINGS = ("ate", "ite", "ide", "ine", "ile", "ene", "ane", "ol", "one", "ic", "ous",
                    "ium", "um")
_FUZZY_CACHE_MAX = 65536


def fold(text: str) -> str:
    """Lower case without accents (``Nitrato amónico`` -> ``nitrato amonico``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def singular(word: str) -> str:
    """A crude English singular, applied to the list and the text alike."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Token:
    word: str  # folded, singular
    clause: int
    negated: bool
    start: int  # offset in the folded text
    end: int


def tokens(text: str) -> list[Token]:
    """The words of a text with their clause number and whether a negation covers them."""
    folded = fold(text)
    raw: list[tuple[str, int, int, int]] = []
    clause = 0
    for match in _WORD.finditer(folded):
        piece = match.group(0)
        if piece in _CLAUSE_END:
            clause += 1
            continue
        raw.append((piece, clause, match.start(), match.end()))
    negated = [False] * len(raw)
    for i, (word, clause_no, _, _) in enumerate(raw):
        reach = 0
        if word in NEGATING_SUFFIXES and i > 0 and raw[i - 1][1] == clause_no:
            if word == "free" and i + 1 < len(raw) and raw[i + 1][0] in ("of", "from"):
                reach = _NEGATION_REACH + 1  # "free of chlorate": what follows
            else:
                negated[i - 1] = True
        elif word == "free" and i + 1 < len(raw) and raw[i + 1][0] in ("of", "from"):
            reach = _NEGATION_REACH + 1
        elif word in NEGATING_PREFIXES:
            reach = _NEGATION_REACH
        for j in range(i + 1, min(i + 1 + reach, len(raw))):
            if raw[j][1] != clause_no:
                break
            negated[j] = True
    return [Token(singular(word), clause_no, negated[i], start, end)
            for i, (word, clause_no, start, end) in enumerate(raw)
            if word not in STOPWORDS]


def phrase_words(text: str) -> tuple[str, ...]:
    """The normalised words of a list phrase (order kept; matching ignores it)."""
    return tuple(t.word for t in tokens(text))


@dataclass(frozen=True, slots=True)
class Phrase:
    """One searchable phrase of a substance: its words and what kind of name it is."""

    substance: str  # substance id
    text: str  # as written in the list
    words: tuple[str, ...]
    kind: str  # name | synonym | trade_name | misspelling
    exclude: frozenset[str] = frozenset()  # words that, in the same clause, cancel a match


@dataclass(frozen=True, slots=True)
class NameHit:
    phrase: Phrase
    text: str  # the matched words as written in the description
    fuzzy: tuple[tuple[str, str], ...]  # (written, read as) for each near spelling
    distance: int  # total edits of the near spellings


class FuzzyVocabulary:
    """Reads an unknown word as a word of the list when it is a near spelling.

    A near spelling starts with the same letter, is at most 1 edit away (words of 5 to
    7 letters) or 2 edits (8 letters and more), and does not change a chemical ending
    (``-ate`` / ``-ite`` / ``-ide`` ...). Words of fewer than 5 letters must be exact.
    Results are cached per distinct word, so a batch pays once for each spelling.
    """

    def __init__(self, words: Iterable[str], known: Iterable[str] = ()) -> None:
        self.words = sorted({w for w in words if len(w) >= 5 and not w.isdigit()})
        self.known = frozenset(known)
        self._cache: dict[str, tuple[str, int] | None] = {}

    def read(self, word: str) -> tuple[str, int] | None:
        if word in self._cache:
            return self._cache[word]
        found = self._find(word)
        if len(self._cache) < _FUZZY_CACHE_MAX:
            self._cache[word] = found
        return found

    def _find(self, word: str) -> tuple[str, int] | None:
        if len(word) < 5 or word.isdigit() or word in self.known:
            return None
        limit = 1 if len(word) < 8 else 2
        best = extractOne(word, self.words, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is None:
            return None
        target, distance = str(best[0]), int(best[1])
        if target[0] != word[0] or (len(target) < 8 and distance > 1):
            return None
        if _ending(word) != _ending(target) and _ending(word) and _ending(target):
            return None
        return target, distance


def _ending(word: str) -> str:
    for ending in CHEMICAL_ENDINGS:
        if word.endswith(ending):
            return ending
    return ""


#: Words that are real, different chemistry: never read as a near spelling of a listed word.
DISTINCT_WORDS = (
    "nitrite", "nitride", "nitrile", "nitrogen", "nitro", "nitrous", "chloride", "chlorite",
    "chlorine", "chloric", "sulphate", "sulfate", "sulphite", "sulfite", "sulphide", "sulfide",
    "phosphate", "carbonate", "hydroxide", "peroxide", "oxide", "acetate", "acetylene",
    "sorbate", "benzoate", "citrate", "silicate", "magnet", "potash", "sodium", "calcium",
    "ammonia", "ammonium", "aluminium", "aluminum", "powder", "metal", "alloy", "hexane",
    "methane", "ethane", "methanol", "ethanol", "acetic", "nitric", "sulphuric", "sulfuric",
    "hydrochloric", "phosphoric", "acetonitrile", "ethyl", "methyl",
)


class NameMatcher:
    """All phrases of a watch list, compiled once; :meth:`find` scans one text."""

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self.phrases = tuple(p for p in phrases if p.words)
        self._by_word: dict[str, list[Phrase]] = {}
        for phrase in self.phrases:
            for word in set(phrase.words):
                self._by_word.setdefault(word, []).append(phrase)
        proper = {w for p in self.phrases if p.kind != "misspelling" for w in p.words}
        self._proper = frozenset(proper)
        self._fuzzy = FuzzyVocabulary(proper, known=proper | set(DISTINCT_WORDS))

    def find(self, text: str) -> list[NameHit]:
        """Every phrase found in ``text``, the best one per substance, longest first."""
        words = tokens(text)
        if not words:
            return []
        #: per token: the words of the list it stands for, with the edits that took
        read: list[tuple[tuple[str, int], ...]] = []
        candidates: dict[Phrase, None] = {}
        by_word = self._by_word
        for token in words:
            word = token.word
            if token.negated:
                read.append(())
                continue
            reads: tuple[tuple[str, int], ...] = ((word, 0),) if word in by_word else ()
            if word not in self._proper:
                near = self._fuzzy.read(word)
                if near is not None:
                    reads += (near,)
            read.append(reads)
            for listed, _ in reads:
                for phrase in by_word.get(listed, ()):
                    candidates[phrase] = None
        best: dict[str, NameHit] = {}
        for phrase in candidates:
            hit = self._place(phrase, words, read, text)
            if hit is None:
                continue
            known = best.get(phrase.substance)
            if known is None or _rank(hit) < _rank(known):
                best[phrase.substance] = hit
        return sorted(best.values(), key=_rank)

    @staticmethod
    def _place(phrase: Phrase, words: list[Token], read: list[tuple[tuple[str, int], ...]],
               text: str) -> NameHit | None:
        """The phrase's words in one clause within a window of its length + 1 tokens."""
        need = set(phrase.words)
        span = len(phrase.words) + 1
        for i, reads in enumerate(read):
            if not any(w in need for w, _ in reads):
                continue
            clause = words[i].clause
            found: dict[str, tuple[int, int]] = {}
            for j in range(max(0, i - span), min(len(read), i + span + 1)):
                if words[j].clause != clause:
                    continue
                for word, edits in read[j]:
                    if word in need and word not in found:
                        found[word] = (j, edits)
            if len(found) < len(need):
                continue
            if phrase.exclude and any(t.word in phrase.exclude for t in words
                                      if t.clause == clause):
                return None
            chosen = sorted(found.values())
            fuzzy = tuple((_written(text, words[j]), word)
                          for word, (j, edits) in sorted(found.items(), key=lambda f: f[1])
                          if edits)
            first, last = words[chosen[0][0]], words[chosen[-1][0]]
            return NameHit(phrase, _span(text, first.start, last.end), fuzzy,
                           sum(edits for _, edits in chosen))
        return None


def _rank(hit: NameHit) -> tuple[int, int, int]:
    """Exact before near spellings, the list's own name before synonyms, longer first."""
    kinds = ("name", "synonym", "trade_name", "misspelling")
    return (hit.distance, -len(hit.phrase.words), kinds.index(hit.phrase.kind))


def _written(text: str, token: Token) -> str:
    return _span(text, token.start, token.end)


def _span(text: str, start: int, end: int) -> str:
    """The original text between offsets of its folded form (equal when folding kept
    the length, as it does for Latin text; otherwise the folded words)."""
    if len(fold(text)) == len(text):
        return text[start:end]
    return fold(text)[start:end]
