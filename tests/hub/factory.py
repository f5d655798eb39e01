"""Small content folders written for a test, in the same format as content/."""
from pathlib import Path

import yaml

TOPICS = [
    {"slug": "knife-crime", "name": "Knife crime", "description": "Knives."},
    {"slug": "bullying", "name": "Bullying", "description": "Bullying."},
]


def page(slug, title, body, audience="young-people", topics=("knife-crime",), summary=None,
         last_reviewed="2026-10-01", next_review="2027-04-01", related=()):
    return {"slug": slug, "title": title, "body": body, "audience": audience, "topics": list(topics),
            "summary": summary or f"About {title.lower()}.", "last_reviewed": last_reviewed,
            "next_review": next_review, "related": list(related)}


def event(slug, title, starts, ends, audience="young-people", online=True, place=None, summary="A session."):
    return {"slug": slug, "title": title, "kind": "webinar" if online else "workshop", "starts": starts,
            "ends": ends, "online": online, "place": place, "audience": audience, "summary": summary,
            "booking_url": f"/events/{slug}/book", "topics": ["knife-crime"]}


def write_content(root: Path, pages=(), events=(), services=(), campaigns=(), topics=TOPICS) -> Path:
    (root / "pages").mkdir(parents=True, exist_ok=True)
    (root / "campaigns").mkdir(exist_ok=True)
    (root / "topics.yaml").write_text(yaml.safe_dump(list(topics)))
    (root / "services.yaml").write_text(yaml.safe_dump(list(services)))
    (root / "events.yaml").write_text(yaml.safe_dump(list(events)))
    for item in pages:
        meta = {key: value for key, value in item.items() if key not in {"slug", "body"}}
        (root / "pages" / f"{item['slug']}.md").write_text(f"---\n{yaml.safe_dump(meta)}---\n\n{item['body']}\n")
    for item in campaigns:
        meta = {key: value for key, value in item.items() if key not in {"slug", "body"}}
        (root / "campaigns" / f"{item['slug']}.md").write_text(f"---\n{yaml.safe_dump(meta)}---\n\n{item['body']}\n")
    return root
