"""Roles and coordinators: admins find members, change their role and limit moderators to countries or
categories; each change is audited with before and after; nobody changes their own role or an admin's.

Pages are asked for in English, so assertions read the source strings.
"""

import pytest
from sqlalchemy import select

from community.accounts.models import Role, User
from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.extensions import db
from community.moderation import admin as services
from community.moderation.models import ModeratorScope
from community.moderation.scopes import can_moderate
from tests.factories import make_admin, make_category, make_moderator, make_user
from tests.moderation.admin_support import audit_entries, count, main_part, page_text


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(login):
    return login(make_admin(locale="en", display_name="Ana Admin"))


def role_of(user: User) -> Role:
    db.session.expire_all()
    return db.session.get(User, user.id).role


def scope_rows(user: User) -> set[tuple]:
    rows = db.session.execute(select(ModeratorScope.country, ModeratorScope.category_id)
                              .where(ModeratorScope.user_id == user.id)).all()  # fmt: skip
    return {tuple(row) for row in rows}


# Finding members


def test_the_list_finds_members_by_name_handle_or_email(client, admin):
    make_user(display_name="Rosa Quispe", email="rosa@indecopi.example")
    make_user(display_name="Tomás Pérez", email="tomas@impi.example")
    for query in ("quispe", "@rosa.quis", "indecopi"):
        text = main_part(client.get("/admin/members", query_string={"q": query}))
        assert "Rosa Quispe" in text and "Tomás Pérez" not in text, query
    assert "No member matches this search." in page_text(client.get("/admin/members?q=nobody"))


def test_the_list_filters_by_role_and_shows_coordinators_scopes(client, admin):
    coordinator = make_moderator(display_name="Carla Coordinator")
    services.change_scopes(admin, coordinator, ["PE"], [make_category(name_en="Patents").id])
    make_user(display_name="Mario Member")
    text = main_part(client.get("/admin/members?role=moderator"))
    assert "Carla Coordinator" in text and "Mario Member" not in text
    assert "Peru, Patents" in text
    assert client.get("/admin/members?role=emperor").status_code == 422


def test_the_list_is_paginated_and_runs_the_same_queries_whatever_the_number_of_members(
    client, admin, count_queries
):
    counts = []
    for total in (5, 60):
        for number in range(total - (5 if total == 60 else 0)):
            member = make_moderator(display_name=f"Person {number:03d}", commit=False) if number % 3 else (
                make_user(display_name=f"Person {number:03d}", commit=False))  # fmt: skip
            db.session.flush()
            if number % 3:
                db.session.add(ModeratorScope(user_id=member.id, country="MX"))
        db.session.commit()
        client.get("/admin/members")
        with count_queries() as queries:
            response = client.get("/admin/members?q=person")
        assert response.status_code == 200
        counts.append(queries.count)
    assert 'rel="next"' in page_text(response) and "q=person" in page_text(response)
    assert counts[0] == counts[1], counts


# Changing a role


def test_an_admin_makes_a_member_a_moderator_and_it_is_audited(client, admin):
    member = make_user(display_name="Mario Member")
    response = client.post(f"/admin/members/{member.id}/role", data={"role": "moderator"}, follow_redirects=True)
    assert "Mario Member is now: Moderator." in page_text(response)
    assert role_of(member) is Role.MODERATOR
    (entry,) = audit_entries(AuditAction.CHANGE_ROLE)
    assert (entry.actor_id, entry.target_kind, entry.target_id, entry.target_user_id) == (
        admin.id, "member", member.id, member.id,
    )  # fmt: skip
    assert entry.details == {"before": "member", "after": "moderator"}


def test_a_moderator_who_becomes_a_member_again_loses_their_scopes(client, admin):
    coordinator = make_moderator()
    category = make_category(slug="patents")
    services.change_scopes(admin, coordinator, ["MX"], [category.id])
    client.post(f"/admin/members/{coordinator.id}/role", data={"role": "member"})
    assert role_of(coordinator) is Role.MEMBER and scope_rows(coordinator) == set()
    entry = audit_entries(AuditAction.CHANGE_ROLE)[0]
    assert entry.details == {"before": "moderator", "after": "member",
                             "scopes_removed": {"countries": ["MX"], "categories": ["patents"]}}  # fmt: skip


def test_nobody_changes_their_own_role(client, admin):
    page = client.get(f"/admin/members/{admin.id}")
    assert "You cannot change your own role" in page_text(page) and "Change the role" not in page_text(page)
    response = client.post(f"/admin/members/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 403 and "Access denied" in page_text(response)
    assert role_of(admin) is Role.ADMIN and count(AuditEntry) == 0


def test_an_admin_cannot_change_another_admins_role(client, admin):
    other = make_admin()
    assert client.post(f"/admin/members/{other.id}/role", data={"role": "member"}).status_code == 403
    assert client.post(f"/admin/members/{other.id}/scopes", data={"countries": "MX"}).status_code == 403
    assert role_of(other) is Role.ADMIN and count(AuditEntry) == 0


def test_an_unknown_role_is_refused_with_a_message(client, admin):
    member = make_user()
    response = client.post(f"/admin/members/{member.id}/role", data={"role": "emperor"})
    assert response.status_code == 422 and "Please choose one of the offered options." in main_part(response)
    assert role_of(member) is Role.MEMBER and count(AuditEntry) == 0


def test_giving_the_role_a_member_already_has_writes_nothing(client, admin):
    member = make_user()
    response = client.post(f"/admin/members/{member.id}/role", data={"role": "member"}, follow_redirects=True)
    assert "Nothing changed" in page_text(response) and count(AuditEntry) == 0


def test_a_missing_member_is_a_404(client, admin):
    assert client.get("/admin/members/999").status_code == 404
    assert client.post("/admin/members/999/role", data={"role": "moderator"}).status_code == 404


def test_the_service_refuses_oneself_and_non_admins(app):
    admin, moderator = make_admin(), make_moderator()
    with pytest.raises(PermissionDenied):
        services.change_role(admin, admin, Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.change_role(moderator, make_user(), Role.MODERATOR)
    assert count(AuditEntry) == 0


# Coordinators' scopes


def test_an_admin_limits_a_moderator_to_countries_and_categories_and_it_is_audited(client, admin):
    moderator = make_moderator()
    patents = make_category(slug="patents", name_en="Patents")
    page = client.get(f"/admin/members/{moderator.id}")
    assert "Everywhere" in page_text(page) and 'value="PE"' in page_text(page) and "Patents" in page_text(page)

    response = client.post(f"/admin/members/{moderator.id}/scopes",
                           data={"countries": ["PE", "CL"], "categories": [str(patents.id)]})  # fmt: skip
    assert response.status_code == 302
    assert scope_rows(moderator) == {("PE", None), ("CL", None), (None, patents.id)}
    (entry,) = audit_entries(AuditAction.CHANGE_SCOPE)
    assert entry.target_user_id == moderator.id
    assert entry.details == {
        "before": {"countries": [], "categories": []},
        "after": {"countries": ["CL", "PE"], "categories": ["patents"]},
    }
    assert can_moderate(moderator, country="PE", category_id=None)
    assert not can_moderate(moderator, country="BR", category_id=None)
    assert "Chile, Peru, Patents" in page_text(client.get(f"/admin/members/{moderator.id}"))


def test_clearing_the_scopes_lets_the_moderator_act_everywhere_again(client, admin):
    moderator = make_moderator()
    services.change_scopes(admin, moderator, ["PE"], [])
    client.post(f"/admin/members/{moderator.id}/scopes", data={})
    assert scope_rows(moderator) == set()
    assert audit_entries(AuditAction.CHANGE_SCOPE)[-1].details["after"] == {"countries": [], "categories": []}
    assert can_moderate(moderator, country="BR", category_id=None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"countries": ["XX"]}, "Please choose countries from the list."),
        ({"categories": ["999"]}, "Please choose categories from the list."),
    ],
    ids=["unknown country", "unknown category"],
)
def test_unknown_countries_and_categories_are_refused(client, admin, data, message):
    moderator = make_moderator()
    response = client.post(f"/admin/members/{moderator.id}/scopes", data=data)
    assert response.status_code == 422 and message in main_part(response)
    assert scope_rows(moderator) == set() and count(AuditEntry) == 0


def test_only_moderators_have_scopes(client, admin):
    member = make_user()
    response = client.post(f"/admin/members/{member.id}/scopes", data={"countries": ["MX"]})
    assert response.status_code == 409
    assert "Only moderators can be limited to countries or categories." in main_part(response)
    assert scope_rows(member) == set() and count(AuditEntry) == 0
    with pytest.raises(ActionRefused):
        services.change_scopes(make_admin(), member, ["MX"], [])
