"""The codebook of a survey: every question key across its waves, the wording each wave asked, and the
option values, microdata codes and labels, as a page and a CSV. It holds no answers, only definitions.

Keys are stable across waves (a grid statement's key is "grid.statement"); where a wave worded a question
or an option differently, the codebook lists each wording with the waves that used it.
"""
import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.surveys import analysis, microdata
from livesafe.surveys.models import SurveyWave


@dataclass
class OptionEntry:
    value: str
    code: int | None
    labels: dict[str, list[str]] = field(default_factory=dict)  # label -> wave titles
    variable: str = ""  # its own microdata column (multiple choice: 0/1; ranking: the rank), if it has one


@dataclass
class Entry:
    key: str
    kind: str
    wordings: dict[str, list[str]] = field(default_factory=dict)  # wording -> wave titles
    options: dict[str, OptionEntry] = field(default_factory=dict)
    waves: list[str] = field(default_factory=list)
    variable: str = ""  # the microdata column holding the answer's code (or number, or text)

    @property
    def changed(self) -> bool:
        return len(self.wordings) > 1 or any(len(o.labels) > 1 for o in self.options.values())


def waves_of(wave: SurveyWave) -> list[SurveyWave]:
    """Every wave of the same survey, oldest first."""
    return list(db.session.scalars(sa.select(SurveyWave).where(SurveyWave.survey_slug == wave.survey_slug)
                                   .order_by(SurveyWave.opens_on, SurveyWave.id)))


def build(wave: SurveyWave) -> list[Entry]:
    """The codebook of the wave's survey, in the order of the newest wave's questions (older keys after)."""
    entries: dict[str, Entry] = {}
    waves = waves_of(wave)
    for each in reversed(waves):  # newest first, so its order leads
        names = {(c.key, c.value): c.name for c in microdata.columns(each.definition, microdata.Options(free_text=True))}
        for v in analysis.variables(each.definition):
            entry = entries.setdefault(v.key, Entry(v.key, v.kind, variable=names.get((v.key, None), "")))
            entry.waves.insert(0, each.title)
            entry.wordings.setdefault(v.text, []).insert(0, each.title)
            codes = microdata.codes_of(v.choices)
            for value, label in v.choices:
                option = entry.options.setdefault(value, OptionEntry(value, codes[value],
                                                                     variable=names.get((v.key, value), "")))
                option.labels.setdefault(label, []).insert(0, each.title)
    return list(entries.values())


def wording_changes(wave: SurveyWave, earlier: SurveyWave) -> dict[str, dict]:
    """{key: {"text": earlier wording or None, "options": [(earlier label, label now)]}} for the questions
    both waves asked whose wording (or an option's label) differs."""
    before = analysis.variable_map(earlier.definition)
    changes = {}
    for v in analysis.variables(wave.definition):
        old = before.get(v.key)
        if old is None:
            continue
        old_labels = dict(old.choices)
        options = [(old_labels[value], label) for value, label in v.choices
                   if value in old_labels and old_labels[value] != label]
        if old.text != v.text or options:
            changes[v.key] = {"text": old.text if old.text != v.text else None, "options": options}
    return changes


def to_csv(entries: list[Entry]) -> str:
    """One line per question key, wording and option label: key, type, the microdata variable, the waves
    that used the wording, the wording, and the option's value, code, label and the waves that used the label.
    A multiple-choice or ranking option has its own variable (0/1, or its rank) and no code."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_key", "type", "variable", "waves", "question_text", "option_value", "option_code",
                     "option_label", "label_waves"])
    for entry in entries:
        for text, waves in entry.wordings.items():
            if not entry.options:
                writer.writerow(_safe([entry.key, entry.kind, entry.variable, "; ".join(waves), text, "", "", "", ""]))
            for option in entry.options.values():
                own = bool(option.variable)
                for label, label_waves in option.labels.items():
                    writer.writerow(_safe([entry.key, entry.kind, option.variable or entry.variable, "; ".join(waves),
                                           text, option.value, "" if own else option.code, label,
                                           "; ".join(label_waves)]))
    return out.getvalue()


def _safe(values: list) -> list[str]:
    """Stop a spreadsheet from running a cell as a formula (wording is typed by staff)."""
    texts = ["" if v is None else str(v) for v in values]
    return ["'" + t if t[:1] in ("=", "+", "-", "@", "\t", "\r") and not t.lstrip("-").isdigit() else t for t in texts]
