"""The one rule for contradicting figures (storyline.record.contradictions), on hand-made claims."""
from storyline.record.contradictions import ARTICLE, claim, contradicting_pairs, why


def c(id, value, source, unit="person", what="evakuert", qualifier="about", date="2024-06-13", about=(),
      group="a", at=0, text=None):
    return claim(id, text or f"{value} {unit}", value, qualifier, (unit, what), source, date, about, group, at)


def pairs(*claims, **kw):
    return [{a.id, b.id} for a, b in contradicting_pairs(claims, **kw)]


def test_two_sources_disagree_on_the_same_count():
    assert pairs(c("police", 350, "politiet", at=0), c("mayor", 200, "ordføreren", at=120)) == [{"police", "mayor"}]


def test_rounding_is_no_disagreement_but_two_precise_counts_differ():
    assert pairs(c("a", 300, "x"), c("b", 320, "y")) == []
    assert pairs(c("a", 145, "x", qualifier="exact"), c("b", 142, "y", qualifier="exact")) == [{"a", "b"}]


def test_figures_with_no_source_contradict_nothing():
    assert c("a", 100, None) is None
    assert pairs(c("a", 100, "x"), c("b", 900, "x")) == []  # one source


def test_different_subjects_and_different_quantities_never_contradict():
    assert pairs(c("a", 100, "x", unit="ansatte", what=None, about=["org:a"]),
                 c("b", 900, "y", unit="ansatte", what=None, about=["org:b"])) == []
    assert pairs(c("a", 100, "x", what="evakuert"), c("b", 900, "y", what="skadd")) == []


def test_a_source_listing_several_values_is_counting_different_things():
    # CNN's share of the vote in three states, against one figure from someone else
    listing = [c(f"cnn{i}", v, "cnn", unit="valgmannstemm", what=None, at=i * 10) for i, v in enumerate((13, 29, 55))]
    assert pairs(*listing, c("nbc", 153, "nbc", unit="valgmannstemm", what=None, at=50)) == []


def test_bare_shares_only_side_by_side_and_counts_only_near_each_other():
    share = dict(unit="prosent", what=None)
    assert pairs(c("hb", 6, "hb", at=0, **share), c("en", 3, "en", at=60, **share)) == [{"hb", "en"}]
    assert pairs(c("hb", 6, "hb", at=0, **share), c("en", 3, "en", at=900, **share)) == []
    assert pairs(c("a", 270, "x", at=0), c("b", 11, "y", at=6000)) == []


def test_across_articles_the_same_day_only_and_bare_shares_never():
    monday, tuesday = c("a", 350, "vg", group="vg"), c("b", 200, "nrk", group="nrk", date="2024-06-14")
    assert pairs(monday, tuesday) == []
    assert pairs(monday, c("b", 200, "nrk", group="nrk", at=99999)) == [{"a", "b"}]
    share = dict(unit="prosent", what=None)
    assert pairs(c("a", 6, "vg", group="vg", **share), c("b", 3, "nrk", group="nrk", **share)) == []
    assert pairs(monday, c("b", 200, "nrk", group="vg"), across_groups_only=True) == []


def test_the_article_voice_only_counts_people_by_what_happened_to_them():
    assert pairs(c("a", 700, ARTICLE), c("b", 900, "mayor")) == [{"a", "b"}]
    assert pairs(c("a", 700, ARTICLE, unit="kroner", what=None), c("b", 900, "mayor", unit="kroner", what=None)) == []


def test_why_says_it_in_words():
    a, b = c("a", 350, "politiet", text="350 personer"), c("b", 200, "nrk", text="200 personer")
    assert why(a, b, str.upper) == "person evakuert: POLITIET: 350 personer; NRK: 200 personer"
