"""Flesch reading ease with a vowel-group syllable count, checked against sums done by hand."""
import pytest

from livesafe.hub.readability import flesch_reading_ease, markdown_to_text, syllables


@pytest.mark.parametrize("word, expected", [
    ("cat", 1), ("the", 1), ("make", 1), ("free", 1), ("table", 2), ("reading", 2), ("children", 2),
    ("outside", 2), ("they", 1), ("happy", 2), ("don't", 1),
])
def test_syllables_count_vowel_groups_without_a_silent_e(word, expected):
    assert syllables(word) == expected


def test_one_short_sentence_by_hand():
    # 6 words, 6 syllables, 1 sentence: 206.835 - 1.015 * 6 - 84.6 * 1
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145)


def test_two_sentences_by_hand():
    # Children(2) like(1) reading(2). They(1) play(1) outside(2).
    # 6 words, 9 syllables, 2 sentences: 206.835 - 1.015 * 3 - 84.6 * 1.5
    assert flesch_reading_ease("Children like reading. They play outside.") == pytest.approx(76.89)


def test_long_words_and_long_sentences_score_lower():
    plain = "You can get help. Call a friend. Talk to an adult you trust."
    dense = ("Individuals experiencing considerable psychological difficulties should consider "
             "communicating with appropriately qualified professional practitioners immediately.")
    assert flesch_reading_ease(plain) > 60 > flesch_reading_ease(dense)


def test_markdown_is_reduced_to_its_text_one_block_per_line():
    source = "## Heading\n\nSome **bold** text with [a link](/x).\n\n- item one\n- item two\n"
    assert markdown_to_text(source) == "Heading\nSome bold text with a link.\nitem one\nitem two"


def test_each_block_ends_a_sentence_even_without_a_full_stop():
    # Three blocks of two words: heading(2) words(1) / stay(1) safe(1) / call(1) now(1).
    # 6 words, 3 sentences, 7 syllables.
    text = markdown_to_text("## Heading words\n\n- stay safe\n- call now\n")
    assert flesch_reading_ease(text) == pytest.approx(206.835 - 1.015 * 2 - 84.6 * 7 / 6)


def test_text_without_words_scores_zero():
    assert flesch_reading_ease("0800 1111 ...") == 0.0
