"""One folding and one gender-tag pattern: tables, and every title cleaner agreeing on them."""

from __future__ import annotations

import pytest

from core.places import is_known
from core.text import fold, fold_words, has_gender_tag, spell_out_umlauts, strip_gender_tag
from crawlers import normalize
from matching import titles


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Müller", "muller", id="umlaut"),
        pytest.param("MÜLLER", "muller", id="upper-umlaut"),
        pytest.param("Muller", "muller", id="plain"),
        # "ue" is not read back as "ü": it is a plain "ue" in "Manuel" and "Queue".
        pytest.param("Mueller", "mueller", id="spelled-out-stays"),
        pytest.param("Manuel", "manuel", id="ue-not-an-umlaut"),
        pytest.param("Straße", "strasse", id="sharp-s"),
        pytest.param("STRASSE", "strasse", id="sharp-s-upper"),
        pytest.param("  Sí \t ", "si", id="accent-and-edges"),
        pytest.param("Híbrido", "hibrido", id="spanish"),
        pytest.param("São   Paulo", "sao paulo", id="whitespace-runs"),
        pytest.param("Ｂｅｒｌｉｎ", "berlin", id="full-width"),
        pytest.param("ﬁnance", "finance", id="ligature"),
        pytest.param("ℌamburg", "hamburg", id="compatibility-capital"),
        # Letters that are not a base letter plus a mark stay as they are.
        pytest.param("Ørsted", "ørsted", id="no-decomposition"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_fold(text: str | None, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_idempotent_and_spelling_out_is_the_only_bridge_to_ue() -> None:
    assert fold(fold("Müller")) == fold("Müller")
    assert fold("Mueller") != fold("Müller")
    assert fold(spell_out_umlauts("Müller")) == fold("Mueller") == "mueller"
    assert fold(spell_out_umlauts("Geschäftsführer")) == "geschaeftsfuehrer"
    assert fold(spell_out_umlauts("Straße")) == "strasse"


@pytest.mark.parametrize("typed", ["München", "Muenchen", "Munchen", "MÜNCHEN", "Köln", "Koeln"])
def test_places_find_both_spellings_because_the_table_spells_out(typed: str) -> None:
    assert is_known(typed)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("¡Menú!", "menu"),
        ("Deutsch: fließend!", "deutsch fliessend"),
        ("snake_case 👍 ok", "snake case ok"),
        ("  ", ""),
    ],
)
def test_fold_words(text: str, words: str) -> None:
    assert fold_words(text) == words


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Koch (m/w/d)", "Koch"),
        ("Pflegekraft (mwd)", "Pflegekraft"),
        ("Pflegekraft (MWD)", "Pflegekraft"),
        ("Pflegekraft (wmd)", "Pflegekraft"),
        ("Erzieher (mfd)", "Erzieher"),
        ("Nurse (all genders)", "Nurse"),
        ("Koch (alle Geschlechter)", "Koch"),
        ("Profesor (todos los géneros)", "Profesor"),
        ("Backend Engineer (any gender)", "Backend Engineer"),
        ("Entwickler (w/m/d)", "Entwickler"),
        ("Engineer (f/m/x)", "Engineer"),
        ("Manager (m/f/d)", "Manager"),
        ("Teacher (d/f/m)", "Teacher"),
        ("Erzieher (gn)", "Erzieher"),
        ("Erzieher (gn*)", "Erzieher"),
        ("Arzt (m/w/d/x)", "Arzt"),
        ("Verkäufer (M/W/D)*", "Verkäufer"),
        ("Sachbearbeiter (m|w|d)", "Sachbearbeiter"),
        ("Sachbearbeiter (m, w, d)", "Sachbearbeiter"),
        ("Engineer (w/m/div)", "Engineer"),
        ("Designer [m/w/d]", "Designer"),
        ("Vendeur (h/f)", "Vendeur"),
        ("Pflegefachkraft m/w/d", "Pflegefachkraft"),
        ("Lagerist w/m", "Lagerist"),
        ("Koch (m/w/d) in Teilzeit", "Koch in Teilzeit"),
        # Not gender tags: kept.
        ("Engineer (Remote)", "Engineer (Remote)"),
        ("Java/Kotlin Developer", "Java/Kotlin Developer"),
        ("M&A Analyst", "M&A Analyst"),
        ("Head of R&D", "Head of R&D"),
        ("MD/PhD Researcher", "MD/PhD Researcher"),
        ("Data Engineer (d)", "Data Engineer (d)"),
        ("Product Manager (B2B)", "Product Manager (B2B)"),
    ],
)
def test_strip_gender_tag(title: str, clean: str) -> None:
    assert strip_gender_tag(title) == clean


@pytest.mark.parametrize(
    ("text", "tagged"),
    [("Pflegekraft (mwd)", True), ("Nurse (all genders)", True), ("Koch m/w/d", True),
     ("Karriere", False), ("Engineer (Remote)", False), ("Java/Kotlin", False)],
)  # fmt: skip
def test_has_gender_tag(text: str, tagged: bool) -> None:
    assert has_gender_tag(text) is tagged


@pytest.mark.parametrize("title", ["Pflegekraft (mwd)", "Pflegekraft (m/w/d)", "Pflegekraft m/w/d"])
def test_ingest_and_matching_clean_titles_alike(title: str) -> None:
    """The crawler's display title, its bare job name and matching's comparison title all drop
    the tag: "Pflegekraft (mwd)" used to survive the crawler's pattern."""
    assert normalize.strip_gender_tags(title) == "Pflegekraft"
    assert normalize.clean_title(title) == "Pflegekraft"
    assert titles.clean_title(title) == "pflegekraft"
