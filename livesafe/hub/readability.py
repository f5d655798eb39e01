"""Flesch reading ease, with a plain vowel-group syllable count (no dictionary, no downloads).

Score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words).
60 and above reads as plain English that most 12-year-olds follow.
"""
import re
from html.parser import HTMLParser

import markdown

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
VOWEL_GROUP = re.compile(r"[aeiouy]+")
# A sentence ends at . ! or ? and at the end of a block (paragraph, list item, heading).
SENTENCE_END = re.compile(r"[.!?]+|\n+")
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "dt", "dd"}


def syllables(word: str) -> int:
    """Count vowel groups; a final silent "e" (as in "make") is not a syllable."""
    word = word.lower().replace("'", "").replace("’", "")
    count = len(VOWEL_GROUP.findall(word))
    if count > 1 and word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        count -= 1
    return max(1, count)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS or tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of rendered HTML, one block per line."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def markdown_to_text(source: str) -> str:
    return html_to_text(markdown.markdown(source))


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of plain text (use markdown_to_text first for Markdown)."""
    words = WORD.findall(text)
    if not words:
        return 0.0
    sentences = sum(1 for part in SENTENCE_END.split(text) if WORD.search(part))
    syllable_count = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_count / len(words))
