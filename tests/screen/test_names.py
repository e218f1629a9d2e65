"""Names in free text: normalisation, word order, plurals, near spellings, negations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradestd.screen import Screener
from tradestd.screen.names import fold, singular, tokens
from tradestd.screen.watchlist import bundled_watchlist

MATCHER = bundled_watchlist().compiled().names
SCREENER = Screener()


def found(text: str) -> dict[str, bool]:
    """substance id -> whether the match needed a near spelling."""
    return {h.phrase.substance: bool(h.fuzzy) for h in MATCHER.find(text)}


@pytest.mark.parametrize(("text", "substance"), [
    ("AMONIUM NITRAT PRILLS", "ammonium-nitrate"),
    ("Nitrate d'ammonium", "ammonium-nitrate"),  # punctuation, order, stop word
    ("NITRATE, AMMONIUM", None),  # a comma ends the clause: two separate words
    ("Nitrato amónico", None),  # folded, but not an English name on the list
    ("ammonium   nitrates", "ammonium-nitrate"),
    ("Sulfuric acid 98 %", "sulphuric-acid"),
    ("Potasium clorate", "potassium-chlorate"),
    ("HYDROGÈN PEROXIDE", "hydrogen-peroxide"),
    ("Acid, nitric", None),
    ("acid nitric", "nitric-acid"),
    ("aluminium powders", "aluminium-powder"),
])
def test_names_found(text: str, substance: str | None) -> None:
    hits = found(text)
    if substance is None:
        assert not hits, hits
    else:
        assert substance in hits, hits


@pytest.mark.parametrize("text", [
    "NITRILE GLOVES", "CHLORATE-FREE CLEANER", "cleaner, free of sodium chlorate",
    "Sodium chlorate free formula", "non-ammonium nitrate fertiliser",
    "without potassium nitrate", "nitrogen", "potassium sorbate", "urea-formaldehyde resin",
    "aluminium frames", "sodium nitrite", "sodium chloride", "potassium chloride",
    "sodium chlorite", "magnesium alloy", "ammonium sulphate", "acetone-free remover",
])
def test_near_misses_not_found(text: str) -> None:
    assert found(text) == {}


def test_near_spelling_is_marked() -> None:
    assert found("AMMONIUM NITRTE") == {"ammonium-nitrate": True}
    assert found("ammonium nitrate") == {"ammonium-nitrate": False}


def test_folding_and_singular() -> None:
    assert fold("Ammoniumnitrat GRÖSSE É") == "ammoniumnitrat grosse e"
    assert singular("nitrates") == "nitrate" and singular("glass") == "glass"
    assert [t.word for t in tokens("Chlorate-free, acids")] == ["chlorate", "free", "acid"]
    assert [t.negated for t in tokens("Chlorate-free, acids")] == [True, False, False]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_scanned_without_error(text: str) -> None:
    for hit in MATCHER.find(text):
        assert hit.phrase.words and hit.text


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(s.name for s in bundled_watchlist())),
       st.sampled_from(["{}-free", "free of {}", "non-{}", "without {}", "no {}"]))
def test_a_negated_name_never_hits(name: str, pattern: str) -> None:
    words = name.split()
    negated = " ".join(pattern.format(w) for w in words)  # every word under a negation
    assert found(negated) == {}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(s.name for s in bundled_watchlist())), st.randoms())
def test_word_order_and_case_do_not_matter(name: str, rnd: object) -> None:
    words = name.split()
    rnd.shuffle(words)  # type: ignore[attr-defined]
    text = " ".join(w.upper() if i % 2 else w for i, w in enumerate(words))
    assert any(s == sid for sid in found(text) for s in
               [s.id for s in bundled_watchlist() if s.name == name])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789- abc", max_size=40),
       st.sampled_from(sorted(c for s in bundled_watchlist() for c in s.cas)),
       st.text(alphabet="0123456789- abc", max_size=40), st.booleans())
def test_cas_numbers_found_whatever_their_neighbours(before: str, cas: str, after: str,
                                                     spaced: bool) -> None:
    """A listed CAS RN in its own element is found however the texts around it touch it;
    inside a longer number it is not."""
    gap = "\n  " if spaced else ""
    data = (f"<Declaration><Remark>{before}</Remark>{gap}<Note>{cas}</Note>{gap}"
            f"<Remark>{after}</Remark><Other>1{cas}</Other></Declaration>").encode()
    hits = [h for h in SCREENER.screen_bytes(data).hits if h.matched == "cas"]
    assert {h.path for h in hits} >= {"/Declaration/Note"}
    assert "/Declaration/Other" not in {h.path for h in hits}
