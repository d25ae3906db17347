"""Prepared (canned) replies: admins keep them in Spanish, Portuguese and English; each change is audited.

Pages are asked for in English, so assertions read the source strings.
"""

import pytest

from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.moderation import admin as services
from community.moderation.models import CannedReply
from tests.factories import make_admin, make_moderator
from tests.moderation.admin_support import audit_entries, count, main_part, page_text

FORM = {
    "name": "Spam removed",
    "body_es": "Quitamos el mensaje: era publicidad.",
    "body_pt": "Removemos a mensagem: era propaganda.",
    "body_en": "We removed the message: it was advertising.",
}


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(login):
    return login(make_admin(locale="en"))


def bodies(values: dict) -> dict:
    return {code: values[f"body_{code}"] for code in ("es", "pt", "en")}


def test_an_admin_creates_a_reply_in_three_languages_and_it_is_audited(client, admin):
    response = client.post("/admin/canned-replies/new", data=FORM)
    assert response.headers["Location"] == "/admin/canned-replies"
    reply = db.session.scalar(db.select(CannedReply))
    assert (reply.name, reply.body_es, reply.body_pt, reply.body_en) == tuple(FORM.values())
    assert reply.body_in("pt") == FORM["body_pt"]
    (entry,) = audit_entries(AuditAction.CREATE_CANNED_REPLY)
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (admin.id, "canned_reply", reply.id)
    listing = client.get("/admin/canned-replies")
    assert "The prepared reply was created." in page_text(listing)
    assert "Spam removed" in main_part(listing) and FORM["body_en"] in main_part(listing)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("body_es", "Please write the reply in Spanish."),
        ("body_pt", "Please write the reply in Portuguese."),
        ("body_en", "Please write the reply in English."),
        ("name", "Please give the reply a name."),
    ],
)
def test_a_missing_translation_or_name_is_refused_and_nothing_is_lost(client, admin, field, message):
    response = client.post("/admin/canned-replies/new", data={**FORM, field: "   "})
    assert response.status_code == 422
    text = main_part(response)
    assert message in text
    for other in FORM:
        if other != field:
            assert FORM[other] in text  # what was written is still in the form
    assert count(CannedReply) == 0 and count(AuditEntry) == 0


def test_the_service_refuses_a_missing_language_too(app):
    with pytest.raises(ActionRefused) as refused:
        services.create_canned_reply(make_admin(), "Spam", {"es": "Quitado.", "pt": "Removido."})
    assert refused.value.field == "body_en"
    with pytest.raises(PermissionDenied):
        services.create_canned_reply(make_moderator(), "Spam", bodies(FORM))
    assert count(CannedReply) == 0


def test_editing_a_reply_is_audited_with_what_changed(client, admin):
    reply = services.create_canned_reply(admin, FORM["name"], bodies(FORM))
    page = client.get(f"/admin/canned-replies/{reply.id}/edit")
    assert FORM["body_pt"] in page_text(page)
    changed = {**FORM, "body_en": "We removed it: it was advertising."}
    assert client.post(f"/admin/canned-replies/{reply.id}/edit", data=changed).status_code == 302
    db.session.expire_all()
    assert db.session.get(CannedReply, reply.id).body_en == "We removed it: it was advertising."
    (entry,) = audit_entries(AuditAction.EDIT_CANNED_REPLY)
    assert entry.details == {"name": "Spam removed", "before": {"body_en": FORM["body_en"]},
                             "after": {"body_en": "We removed it: it was advertising."}}  # fmt: skip


def test_an_edit_that_empties_one_language_is_refused_and_keeps_the_reply(client, admin):
    reply = services.create_canned_reply(admin, FORM["name"], bodies(FORM))
    response = client.post(f"/admin/canned-replies/{reply.id}/edit", data={**FORM, "body_pt": ""})
    assert response.status_code == 422 and "Please write the reply in Portuguese." in main_part(response)
    db.session.expire_all()
    assert db.session.get(CannedReply, reply.id).body_pt == FORM["body_pt"]
    assert audit_entries(AuditAction.EDIT_CANNED_REPLY) == []


def test_saving_an_unchanged_reply_writes_nothing(client, admin):
    reply = services.create_canned_reply(admin, FORM["name"], bodies(FORM))
    client.post(f"/admin/canned-replies/{reply.id}/edit", data=FORM)
    assert audit_entries(AuditAction.EDIT_CANNED_REPLY) == []


def test_deleting_a_reply_is_audited_and_the_entry_keeps_its_texts(client, admin):
    reply_id = services.create_canned_reply(admin, FORM["name"], bodies(FORM)).id
    response = client.post(f"/admin/canned-replies/{reply_id}/delete")
    assert response.headers["Location"] == "/admin/canned-replies"
    assert count(CannedReply) == 0
    (entry,) = audit_entries(AuditAction.DELETE_CANNED_REPLY)
    assert entry.target_id == reply_id and entry.details == FORM
    assert client.post(f"/admin/canned-replies/{reply_id}/delete").status_code == 404
    assert client.get(f"/admin/canned-replies/{reply_id}/edit").status_code == 404


def test_replies_are_listed_in_the_order_they_were_added(client, admin):
    for name in ("Warning sent", "Off-topic moved", "Spam removed"):
        services.create_canned_reply(admin, name, bodies(FORM))
    text = main_part(client.get("/admin/canned-replies"))
    assert text.index("Warning sent") < text.index("Off-topic moved") < text.index("Spam removed")


def test_reply_texts_are_shown_inert(client, admin):
    services.create_canned_reply(admin, "<script>alert(1)</script>", {**bodies(FORM), "en": "<b>bold</b>"})
    text = main_part(client.get("/admin/canned-replies"))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "<b>bold</b>" not in text
