"""The one sanitiser: stored text without control codes, printed text with them visible."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.sanitize import clean, clean_data, has_unsafe, is_unsafe, visible


def test_escape_sequences_are_removed_whole_and_their_text_kept():
    assert clean("\x1b[8mhidden\x1b[0m text") == "hidden text"
    assert clean("a\x1b]0;window title\x07b") == "ab"  # the title was never text to read
    assert clean("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b") == "alinkb"
    assert clean("\x9b31mred") == "red"
    assert clean("line\x1b[2K\rover") == "line\nover"


def test_bidi_zero_width_and_tag_characters_are_dropped():
    assert clean("pay \u202eetad\u202c now") == "pay etad now"
    assert clean("in\u200bvis\ufeffible\u2066x\u2069") == "invisiblex"
    assert clean("ok\U000e0069\U000e0067\U000e006e") == "ok"
    assert clean("soft\u00adhyphen") == "softhyphen"


def test_newlines_tabs_and_joined_emoji_stay():
    assert clean("one\r\ntwo\rthree\u2028four\tfive") == "one\ntwo\nthree\nfour\tfive"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(family) == family
    assert clean("a\u200db") == "ab"  # between ASCII letters a joiner only hides things


def test_visible_shows_every_control_as_a_symbol():
    assert visible("\x1b[8mhidden") == "␛[8mhidden"
    assert visible("a\u202eb\x9bc\x00\x7f") == "a<U+202E>b<U+009B>c␀␡"
    assert visible("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_clean_data_cleans_nested_values_and_keys():
    data = {"company\x1b[0m": ["Acme\u202e", {"x": "y\x07"}], "year": 2001}
    assert clean_data(data) == {"company": ["Acme", {"x": "y"}], "year": 2001}


@given(st.text())
def test_clean_leaves_nothing_unsafe_and_is_stable(text):
    cleaned = clean(text)
    assert not has_unsafe(cleaned) or all(
        char in "\u200c\u200d" for char in cleaned if is_unsafe(char)
    )
    assert clean(cleaned) == cleaned


@given(st.text())
def test_visible_never_lets_a_control_through(text):
    shown = visible(text)
    assert not any(is_unsafe(char) for char in shown)
    assert shown.replace("␛", "").count("\n") == text.count("\n")
