"""Only admins reach the admin pages: visitors are asked to log in, members and moderators get 403.

Pages are asked for in English, so assertions read the source strings.
"""

import pytest

from community.audit.models import AuditEntry
from community.extensions import db
from community.moderation.models import CannedReply, WatchedWord, WatchedWordAction
from community.settings import SiteSetting
from tests.factories import make_admin, make_moderator, make_user
from tests.moderation.admin_support import count, main_part, page_text


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def rows(app):
    """One row of each kind the admin pages change, so that every address exists."""
    member = make_user()
    word = WatchedWord(language="es", word="spam", action=WatchedWordAction.BLOCK)
    reply = CannedReply(name="Spam removed", body_es="Quitado.", body_pt="Removido.", body_en="Removed.")
    db.session.add_all([word, reply])
    db.session.commit()
    return {"member": member, "word": word, "reply": reply}


def admin_pages(rows) -> list[str]:
    return [
        "/admin/",
        "/admin/settings",
        "/admin/members",
        f"/admin/members/{rows['member'].id}",
        "/admin/watched-words",
        "/admin/canned-replies",
        "/admin/canned-replies/new",
        f"/admin/canned-replies/{rows['reply'].id}/edit",
        "/admin/audit",
        "/admin/audit.csv",
        # The admin pages that other areas already had, linked from the hub.
        "/forum/admin/categories",
        "/admin/expertise",
        "/admin/institutions",
    ]


def admin_forms(rows) -> list[tuple[str, dict]]:
    member, reply_form = rows["member"], {"name": "N", "body_es": "a", "body_pt": "b", "body_en": "c"}
    return [
        ("/admin/settings", {"setting": "require_approval", "value": "on"}),
        (f"/admin/members/{member.id}/role", {"role": "admin"}),
        (f"/admin/members/{member.id}/scopes", {"countries": "MX"}),
        ("/admin/watched-words", {"language": "es", "word": "viagra", "action": "block"}),
        (f"/admin/watched-words/{rows['word'].id}/remove", {}),
        ("/admin/canned-replies/new", reply_form),
        (f"/admin/canned-replies/{rows['reply'].id}/edit", reply_form),
        (f"/admin/canned-replies/{rows['reply'].id}/delete", {}),
    ]


def test_visitors_are_asked_to_log_in_on_every_admin_page(client, rows):
    for path in admin_pages(rows):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for path, data in admin_forms(rows):
        response = client.post(path, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize("make_person", [make_user, make_moderator], ids=["member", "moderator"])
def test_members_and_moderators_get_403_everywhere_and_change_nothing(client, login, rows, make_person):
    login(make_person(locale="en"))
    for path in admin_pages(rows):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Access denied" in page_text(response), path
    for path, data in admin_forms(rows):
        assert client.post(path, data=data).status_code == 403, path
    assert count(AuditEntry) == 0 and count(SiteSetting) == 0
    assert count(WatchedWord) == 1 and count(CannedReply) == 1
    db.session.expire_all()
    assert rows["member"].role.value == "member" and rows["reply"].name == "Spam removed"


def test_admins_see_every_admin_page(client, login, rows):
    login(make_admin(locale="en"))
    for path in admin_pages(rows):
        assert client.get(path).status_code == 200, path


def test_the_hub_links_to_every_admin_page(client, login, rows):
    login(make_admin(locale="en"))
    hub = main_part(client.get("/admin/"))
    for path in ("/admin/settings", "/admin/members", "/admin/watched-words", "/admin/canned-replies", "/admin/audit",
                 "/forum/admin/categories", "/admin/expertise", "/admin/institutions"):  # fmt: skip
        assert f'href="{path}"' in hub, path


def test_only_admins_see_the_admin_link_in_the_navigation(client, login):
    assert 'href="/admin/"' not in page_text(client.get("/"))
    for person, shown in ((make_user(), False), (make_moderator(), False), (make_admin(), True)):
        login(person)
        assert ('href="/admin/"' in page_text(client.get("/forum/"))) is shown
