"""Forum categories, expertise areas, institutions and verification by hand are written to the audit log.

Each action goes through its page, as an admin (or a moderator, for verification) does it, and leaves one
entry saying who did what to which item; a refused change leaves none.
"""

import pytest

from community.audit.models import AuditAction, AuditEntry
from community.extensions import db
from community.forum import services as forum
from community.forum.models import Category
from community.profiles import services as profiles
from community.profiles.models import ExpertiseArea, Institution
from tests.factories import make_admin, make_category, make_institution, make_moderator, make_user
from tests.moderation.admin_support import audit_entries, count


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(login):
    return login(make_admin(locale="en"))


def only_entry(action: AuditAction) -> AuditEntry:
    entries = audit_entries()
    assert [entry.action for entry in entries] == [action]
    return entries[0]


# Forum categories


def test_creating_a_category_is_audited(client, admin):
    client.post("/forum/admin/categories/new", data={"slug": "webinars", "name_en": "Webinars"})
    category = db.session.scalar(db.select(Category).where(Category.slug == "webinars"))
    entry = only_entry(AuditAction.CREATE_CATEGORY)
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (admin.id, "category", category.id)
    assert entry.details == {"slug": "webinars"}


def test_editing_a_category_is_audited_with_what_changed(client, admin):
    category = make_category(slug="news", name_en="News")
    response = client.post(
        f"/forum/admin/categories/{category.id}/edit",
        data={"slug": "news", "name_en": "Network news", "is_announcements": "y"},
    )
    assert response.status_code == 302
    entry = only_entry(AuditAction.EDIT_CATEGORY)
    assert entry.target_id == category.id
    assert entry.details == {
        "before": {"name_en": "News", "is_announcements": False},
        "after": {"name_en": "Network news", "is_announcements": True},
    }


def test_moving_a_category_is_audited_as_an_edit_of_its_position(client, admin):
    make_category(slug="first", position=1)
    second = make_category(slug="second", position=2)
    client.post(f"/forum/admin/categories/{second.id}/move", data={"direction": "up"})
    entry = only_entry(AuditAction.EDIT_CATEGORY)
    assert entry.target_id == second.id
    assert entry.details == {"before": {"position": 2}, "after": {"position": 1}}


def test_a_refused_category_writes_no_entry(client, admin):
    make_category(slug="taken")
    response = client.post("/forum/admin/categories/new", data={"slug": "taken", "name_en": "Again"})
    assert response.status_code == 422
    assert count(AuditEntry) == 0


def test_the_category_service_audits_as_well(app):
    admin = make_admin()
    category = forum.create_category(admin, "patents", {"name_es": "Patentes"})
    forum.update_category(admin, category, "patents", {"name_es": "Patentes"}, False)  # nothing changed
    assert [entry.action for entry in audit_entries()] == [AuditAction.CREATE_CATEGORY]


# Expertise areas


def test_adding_an_expertise_area_is_audited(client, admin):
    client.post("/admin/expertise", data={"name_en": "Plant varieties", "name_es": "Obtenciones vegetales",
                                          "name_pt": "Cultivares"})  # fmt: skip
    area = db.session.scalar(db.select(ExpertiseArea).where(ExpertiseArea.slug == "plant-varieties"))
    entry = only_entry(AuditAction.CREATE_EXPERTISE)
    assert (entry.actor_id, entry.target_kind, entry.target_id) == (admin.id, "expertise", area.id)
    assert entry.details["name_en"] == "Plant varieties"


def test_editing_an_expertise_area_is_audited_with_what_changed(client, admin):
    area = profiles.add_expertise_area(admin, "Seeds", "Semillas", "Sementes")
    client.post(f"/admin/expertise/{area.id}", data={"name_en": "Seed banks", "name_es": "Semillas",
                                                     "name_pt": "Sementes", "position": area.position})  # fmt: skip
    entry = audit_entries(AuditAction.EDIT_EXPERTISE)[0]
    assert entry.target_id == area.id
    assert entry.details == {"before": {"name_en": "Seeds"}, "after": {"name_en": "Seed banks"}}


# Institutions


def test_adding_an_institution_is_audited(client, admin):
    client.post("/admin/institutions", data={"name": "Embrapa", "country": "BR"})
    institution = db.session.scalar(db.select(Institution))
    entry = only_entry(AuditAction.CREATE_INSTITUTION)
    assert (entry.target_kind, entry.target_id) == ("institution", institution.id)
    assert entry.details == {"name": "Embrapa", "country": "BR"}


def test_editing_an_institution_is_audited_with_what_changed(client, admin):
    institution = make_institution("Embrapa", "BR")
    client.post(f"/admin/institutions/{institution.id}", data={"name": "Embrapa Agroenergia", "country": "BR"})
    entry = only_entry(AuditAction.EDIT_INSTITUTION)
    assert entry.details == {"before": {"name": "Embrapa", "country": "BR"},
                             "after": {"name": "Embrapa Agroenergia", "country": "BR"}}  # fmt: skip


def test_linking_and_unlinking_a_domain_are_audited_as_edits(client, admin):
    institution = make_institution("UNAM", "MX")
    client.post(f"/admin/institutions/{institution.id}/domains", data={"domain": "unam.mx"})
    link = institution.domains[0]
    client.post(f"/admin/institutions/{institution.id}/domains/{link.id}/remove")
    entries = audit_entries(AuditAction.EDIT_INSTITUTION)
    assert [entry.details for entry in entries] == [{"domain_added": "unam.mx"}, {"domain_removed": "unam.mx"}]
    assert {entry.target_id for entry in entries} == {institution.id}


# Verification by hand (moderators)


def test_verifying_a_member_by_hand_is_audited(client, login):
    moderator = login(make_moderator(locale="en"))
    member = make_user()
    institution = make_institution("CIGB", "CU")
    client.post(f"/members/{member.id}/verify", data={"institution": institution.id})
    entry = only_entry(AuditAction.VERIFY_MEMBER)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id) == (
        moderator.id, "member", member.id, member.id,
    )  # fmt: skip
    assert entry.details == {"institution": "CIGB", "institution_id": institution.id}


def test_removing_a_verification_is_audited_once(client, login):
    moderator = login(make_moderator(locale="en"))
    member = make_user()
    profiles.verify_member(moderator, member, make_institution("CIGB", "CU"))
    client.post(f"/members/{member.id}/unverify")
    client.post(f"/members/{member.id}/unverify")  # a double submit: nothing left to remove
    (entry,) = audit_entries(AuditAction.UNVERIFY_MEMBER)
    assert entry.target_user_id == member.id and entry.details["institution"] == "CIGB"
    db.session.expire_all()
    assert not member.profile.is_verified
