"""A short demo survey with an Urdu translation and every question type: a builder version and an open wave."""
import yaml

QUICK_CHECK = """
slug: quick-check
title: Quick check on feeling safe
audience: young people aged 11 to 24 in Leicester, Leicestershire and Rutland
minutes: 3
breakdowns: {age_band: age_band}
languages: [en, ur]
pages:
  - title: About you
    questions:
      - code: age_band
        type: single
        personal: true
        required: true
        text: How old are you?
        options:
          - {value: "11-15", label: 11 to 15}
          - {value: "16-24", label: 16 to 24}
          - {value: prefer_not_to_say, label: I'd rather not say}
      - code: evenings_out
        type: number
        min: 0
        max: 7
        text: How many evenings a week do you go out?
  - title: Your area
    questions:
      - code: feel
        type: grid
        text: How safe do you feel in your area?
        scale: [Unsafe, Neither safe nor unsafe, Safe]
        statements:
          - {code: day, text: During the day}
          - {code: dark, text: After dark}
      - code: helps
        type: ranking
        text: "Put these in order: what would help most?"
        options:
          - {value: lights, label: More street lights}
          - {value: clubs, label: Youth clubs open later}
          - {value: police, label: More police on foot}
  - title: Going out
    questions:
      - code: talk_to
        type: multiple
        text: Who would you talk to if you felt unsafe?
        options:
          - {value: family, label: Family}
          - {value: friends, label: Friends}
          - {value: nobody, label: Nobody, exclusive: true}
        show_if:
          any:
            - {question: evenings_out, min: 3, max: 7}
            - {question: feel.dark, any_of: ["1"]}
      - code: anything_else
        type: text
        long: true
        max_length: 500
        text: Is there anything else you want to tell us?
        hint: Please do not write your name.
translations:
  ur:
    title: محفوظ محسوس کرنے کے بارے میں مختصر سروے
    audience: لیسٹر، لیسٹرشائر اور رٹلینڈ میں 11 سے 24 سال کے نوجوان
    pages:
      - {title: آپ کے بارے میں}
      - {title: آپ کا علاقہ}
      - {title: باہر جانا}
    questions:
      age_band:
        text: آپ کی عمر کیا ہے؟
        options: {"11-15": 11 سے 15, "16-24": 16 سے 24, prefer_not_to_say: میں نہیں بتانا چاہتا}
      evenings_out: {text: آپ ہفتے میں کتنی شامیں باہر جاتے ہیں؟}
      feel:
        text: آپ اپنے علاقے میں کتنا محفوظ محسوس کرتے ہیں؟
        scale: [غیر محفوظ, نہ محفوظ نہ غیر محفوظ, محفوظ]
        statements: {day: دن کے وقت, dark: اندھیرا ہونے کے بعد}
      helps:
        text: "ان کو ترتیب دیں: سب سے زیادہ مدد کس چیز سے ملے گی؟"
        options: {lights: زیادہ اسٹریٹ لائٹس, clubs: یوتھ کلب دیر تک کھلے رہیں, police: پیدل گشت کرنے والی زیادہ پولیس}
      talk_to:
        text: اگر آپ غیر محفوظ محسوس کریں تو کس سے بات کریں گے؟
        options: {family: خاندان, friends: دوست, nobody: کسی سے نہیں}
      anything_else:
        text: کیا آپ ہمیں کچھ اور بتانا چاہتے ہیں؟
        hint: براہ کرم اپنا نام نہ لکھیں۔
"""


def definition() -> dict:
    return yaml.safe_load(QUICK_CHECK)
