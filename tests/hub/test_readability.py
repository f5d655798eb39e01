"""Reading age with textstat (Flesch-Kincaid grade + 5), checked against sums done by hand."""
import pytest

from livesafe.hub.readability import TARGET_READING_AGE, as_sentences, markdown_to_text, reading_age


def fk_age(words, sentences, syllables):
    return 0.39 * words / sentences + 11.8 * syllables / words - 15.59 + 5


def test_one_short_sentence_by_hand():
    # 6 words, 6 syllables, 1 sentence
    assert reading_age("The cat sat on the mat.") == pytest.approx(fk_age(6, 1, 6), abs=0.06)


def test_two_sentences_by_hand():
    # Children(2) like(1) reading(2). They(1) play(1) outside(2): 6 words, 9 syllables, 2 sentences
    assert reading_age("Children like reading. They play outside.") == pytest.approx(fk_age(6, 2, 9), abs=0.06)


def test_long_words_and_long_sentences_read_older():
    plain = "You can get help. Call a friend. Talk to an adult you trust."
    dense = ("Individuals experiencing considerable psychological difficulties should consider "
             "communicating with appropriately qualified professional practitioners immediately.")
    assert reading_age(plain) <= TARGET_READING_AGE < reading_age(dense)


def test_markdown_is_reduced_to_its_text_one_block_per_line():
    source = "## Heading\n\nSome **bold** text with [a link](/x).\n\n- item one\n- item two\n"
    assert markdown_to_text(source) == "Heading\nSome bold text with a link.\nitem one\nitem two"


def test_each_block_ends_a_sentence_even_without_a_full_stop():
    assert as_sentences("Heading words\nstay safe\ncall now.") == "Heading words. stay safe. call now."
    # Three blocks of three one-syllable words, no full stops: 9 words, 9 syllables, 3 sentences.
    text = markdown_to_text("## Stay safe now\n\n- Call a friend\n- Talk to us\n")
    assert reading_age(text) == pytest.approx(fk_age(9, 3, 9), abs=0.06)


def test_text_without_words_scores_zero():
    assert reading_age("0800 1111 ...") == 0.0
