"""Meeting papers (issue 15 point 3): staff attach papers to meetings and agenda items; the panel's members and
staff read them. Through the real pages, the real libmagic and the real clamd (`make clamav` starts it)."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.panels import logic, papers
from livesafe.panels.models import Meeting, Panel
from livesafe.uploads import storage
from livesafe.uploads.models import Upload
from tests.helpers import csrf_token, queries_for_page, sign_in
from tests.panels.factory import EMAILS, user
from tests.uploads.conftest import EICAR, _zip, exe, pdf, xlsx


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def meeting(app, world, upload_dir):
    """A City panel meeting with two agenda items; returns (panel id, meeting id, item ids)."""
    with app.app_context():
        found = logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=10), "in_person",
                                  "Library", user("staff"))
        first = logic.add_agenda_item(found, user("member"), "Safer routes home", "")
        second = logic.add_agenda_item(found, user("staff"), "Grants update", "")
        db.session.commit()
        return found.panel_id, found.id, (first.id, second.id)


def client_as(app, who=None):
    client = app.test_client()
    if who:
        sign_in(client, email=EMAILS.get(who, who))
    return client


def url(meeting):
    panel_id, meeting_id, _ = meeting
    return f"/panels/{panel_id}/meetings/{meeting_id}/papers"


def send(client, target_url, data, filename, target="meeting", token_from=None):
    form = {"csrf_token": csrf_token(client, token_from or target_url), "file": (io.BytesIO(data), filename)}
    if target is not None:
        form["target"] = target
    return client.post(target_url, data=form, content_type="multipart/form-data")


def rows(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(Upload).order_by(Upload.id)))


def files(upload_dir):
    return sorted(p for p in upload_dir.rglob("*") if p.is_file()) if upload_dir.exists() else []


def add(app, meeting, target="meeting", data=None, name="Papers pack.pdf"):
    response = send(client_as(app, "staff"), url(meeting), data or pdf(), name, target)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return rows(app)[-1]


# --- adding ---------------------------------------------------------------------------------------------------

def test_staff_add_papers_to_the_meeting_and_to_an_agenda_item_and_members_see_them(app, meeting, upload_dir):
    item = meeting[2][0]
    pack = add(app, meeting, "meeting", pdf(b"% pack"), "Papers pack.pdf")
    survey = add(app, meeting, f"item:{item}", xlsx(), "Walk home survey.xlsx")
    assert (pack.owner_kind, pack.owner_id) == ("panels.meeting", meeting[1])
    assert (survey.owner_kind, survey.owner_id) == ("panels.agenda_item", item)
    assert pack.scanned_with.startswith("ClamAV ") and len(files(upload_dir)) == 2
    page = client_as(app, "member").get(f"/panels/{meeting[0]}/meetings/{meeting[1]}").get_data(as_text=True)
    papers_part = page.split('id="papers-heading"', 1)[1]
    assert "Papers pack.pdf" in papers_part and "Walk home survey.xlsx" in papers_part
    assert "For &ldquo;Safer routes home&rdquo;" in papers_part and "Grants update" not in papers_part
    assert "Remove" not in papers_part and "All papers for this meeting" in papers_part
    staff_page = client_as(app, "staff").get(url(meeting)).get_data(as_text=True)
    assert 'type="file"' in staff_page and "Agenda item: Grants update" in staff_page
    assert f"/panels/papers/{pack.id}/remove" in staff_page


def test_the_eicar_test_file_is_refused_by_the_real_clamd(app, meeting, upload_dir):
    infected = _zip([("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"),
                     ("word/document.xml", "<w:document/>"), ("word/media/readme.txt", EICAR)])
    staff = client_as(app, "staff")
    # As a spreadsheet named .csv it passes the type check too: only the scanner refuses either.
    for data, name, target in ((infected, "Minutes.docx", "meeting"), (EICAR, "figures.csv", f"item:{meeting[2][0]}")):
        response = send(staff, url(meeting), data, name, target)
        text = response.get_data(as_text=True)
        assert response.status_code == 422, text[:2000]
        assert "Our virus check found something harmful in this file" in text and "EICAR" in text.upper()
    assert rows(app) == [] and files(upload_dir) == []


@pytest.mark.parametrize("data, name, message", [
    (exe(), "agenda.pdf", "This file is a Windows program, which cannot be uploaded here."),
    (b"<!doctype html><script>alert(1)</script>", "figures.csv", "This file is a web page"),
    (b"", "empty.pdf", "The file is empty."),
])
def test_wrong_types_are_refused_by_content(app, meeting, upload_dir, data, name, message):
    response = send(client_as(app, "staff"), url(meeting), data, name)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert rows(app) == [] and files(upload_dir) == []


def test_bad_input_is_a_4xx_with_a_message_never_a_500(app, world, meeting, upload_dir):
    staff = client_as(app, "staff")
    page = url(meeting)
    for target in ("item:999999", "item:abc", "", None, "meeting; drop table"):
        response = send(staff, page, pdf(), "p.pdf", target)
        assert response.status_code == 422, target
        assert "Choose what this paper is for" in response.get_data(as_text=True)
    with app.app_context():  # an agenda item of another meeting is not one of this meeting's
        other = logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=20), "online", "",
                                  user("staff"))
        elsewhere = logic.add_agenda_item(other, user("staff"), "Elsewhere", "").id
        db.session.commit()
    assert send(staff, page, pdf(), "p.pdf", f"item:{elsewhere}").status_code == 422
    response = staff.post(page, data={"csrf_token": csrf_token(staff, page), "target": "meeting"},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)
    assert staff.post(page, data={"target": "meeting", "file": (io.BytesIO(pdf()), "p.pdf")},
                      content_type="multipart/form-data").status_code == 400  # no CSRF token
    panel_id, meeting_id, _ = meeting
    assert staff.get(f"/panels/{panel_id}/meetings/999999/papers").status_code == 404
    assert staff.get(f"/panels/{world.county}/meetings/{meeting_id}/papers").status_code == 404  # wrong panel
    assert staff.post("/panels/papers/999999/remove", data={"csrf_token": csrf_token(staff, page)}).status_code == 404
    app.config["UPLOAD_MAX_BYTES"] = 64 * 1024
    response = send(staff, page, pdf(extra=b"0" * (100 * 1024)), "big.pdf")
    assert response.status_code == 413 and "The largest file you can upload here is" in response.get_data(as_text=True)
    assert rows(app) == [] and files(upload_dir) == []


@pytest.mark.parametrize("who, status", [("member", 403), ("county", 403), ("applicant", 403), ("assessor", 403),
                                         ("admin", 303), ("staff", 303)])
def test_only_staff_add_papers(app, meeting, upload_dir, who, status):
    client = client_as(app, who)
    response = send(client, url(meeting), pdf(), "p.pdf", token_from="/dashboard")
    assert response.status_code == status
    assert len(rows(app)) == (1 if status == 303 else 0)
    if who == "member":  # the panel's own member: may read the page, not add to it, and is told why
        assert "Only staff add and remove meeting papers." in response.get_data(as_text=True)
        assert 'type="file"' not in client.get(url(meeting)).get_data(as_text=True)


# --- reading --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [("member", True), ("city2", True), ("staff", True), ("admin", True),
                                          ("county", False), ("applicant", False), ("assessor", False)])
def test_who_reads_papers(app, meeting, who, allowed):
    pack = add(app, meeting, "meeting", pdf(b"% pack"))
    item_paper = add(app, meeting, f"item:{meeting[2][1]}", pdf(b"% item"), "Grants.pdf")
    client = client_as(app, who)
    for row, data in ((pack, pdf(b"% pack")), (item_paper, pdf(b"% item"))):
        response = client.get(f"/uploads/{row.id}")
        if allowed:
            assert response.status_code == 200 and response.data == data
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 403 and data not in response.data
    page = client.get(url(meeting))
    assert page.status_code == (200 if allowed else 403)


def test_the_public_reads_no_papers_while_notes_are_members_only(app, meeting):
    pack = add(app, meeting)
    with app.app_context():  # even once the note is published: on main that is to the panel only
        found = db.session.get(Meeting, meeting[1])
        logic.publish_note(found, "We met.", user("staff"), now=found.starts_at + timedelta(hours=3))
        db.session.commit()
    visitor = client_as(app)
    assert visitor.get(f"/uploads/{pack.id}").headers["Location"].startswith("/login")
    assert visitor.get(url(meeting)).headers["Location"].startswith("/login")


def test_a_removed_member_loses_the_papers(app, world, meeting):
    pack = add(app, meeting)
    member = client_as(app, "city2")
    assert member.get(f"/uploads/{pack.id}").status_code == 200
    with app.app_context():
        logic.remove_member(db.session.get(Panel, world.city), user("city2").id, user("staff"))
        db.session.commit()
    assert member.get(f"/uploads/{pack.id}").status_code == 403


# --- removing -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("staff", 303), ("admin", 303), ("member", 403), ("county", 403),
                                         ("applicant", 403)])
def test_who_removes_a_paper(app, meeting, upload_dir, who, status):
    paper = add(app, meeting, f"item:{meeting[2][0]}")
    with app.app_context():
        path = storage.path_for(paper.stored_name)
    client = client_as(app, who)
    response = client.post(f"/panels/papers/{paper.id}/remove", data={"csrf_token": csrf_token(client, "/dashboard")})
    assert response.status_code == status
    if status == 303:
        assert response.headers["Location"] == url(meeting)
        assert rows(app) == [] and not path.exists()
    else:
        assert len(rows(app)) == 1 and path.is_file()


def test_the_grants_remove_route_does_not_take_papers_nor_papers_route_grants_files(app, meeting):
    paper = add(app, meeting)
    staff = client_as(app, "staff")
    response = staff.post(f"/grants/documents/{paper.id}/remove", data={"csrf_token": csrf_token(staff, "/dashboard")})
    assert response.status_code == 404 and len(rows(app)) == 1


def test_papers_go_with_their_agenda_item_and_meeting(app, meeting, upload_dir):
    add(app, meeting, "meeting")
    add(app, meeting, f"item:{meeting[2][0]}")
    add(app, meeting, f"item:{meeting[2][1]}")
    with app.app_context():
        assert papers.delete_item_papers(meeting[2][0]) == 1
        db.session.commit()
        assert len(rows(app)) == 2
        assert papers.delete_meeting_papers(db.session.get(Meeting, meeting[1])) == 2
        db.session.commit()
    assert rows(app) == [] and files(upload_dir) == []


def test_the_meeting_page_reads_a_flat_number_of_queries(app, meeting):
    client = client_as(app, "member")
    page = f"/panels/{meeting[0]}/meetings/{meeting[1]}"
    add(app, meeting)

    def count():
        with app.app_context():  # the counter listens on the engine; the one client keeps its own cookie
            return queries_for_page(client, page)

    before = count()
    for index in range(3):
        add(app, meeting, "meeting", name=f"pack {index}.pdf")
        add(app, meeting, f"item:{meeting[2][index % 2]}", name=f"item {index}.pdf")
    assert count() <= before


def test_the_demo_has_a_meeting_with_papers(app, upload_dir):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    found = [r for r in rows(app) if r.owner_kind in (papers.MEETING, papers.ITEM)]
    assert {r.owner_kind for r in found} == {papers.MEETING, papers.ITEM}
    with app.app_context():
        assert all(r.content_type == "application/pdf" and storage.path_for(r.stored_name).is_file() for r in found)
