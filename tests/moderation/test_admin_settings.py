"""Site settings: admins switch the approval of new members and who may announce events, audited.

Pages are asked for in English, so assertions read the source strings.
"""

import re

import pytest
from flask import g

from community.accounts.services import register_member
from community.audit.models import AuditAction, AuditEntry
from community.errors import ActionRefused, PermissionDenied
from community.events.services import can_announce
from community.moderation import admin
from community.settings import SiteSetting, get_setting
from tests.factories import make_admin, make_moderator, make_user
from tests.moderation.admin_support import audit_entries, count, main_part, page_text


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def fresh_settings() -> None:
    """Forget the settings this test's own app context read (each request reads its own)."""
    g.pop("site_settings", None)


def checked(response, name: str) -> str:
    """Which radio of the setting is checked on the page: "on" or "off"."""
    radio = re.search(rf'<input[^>]*id="{name}-on"[^>]*>', page_text(response)).group(0)
    return "on" if " checked" in radio else "off"


def test_the_page_shows_each_setting_at_its_config_default(client, login):
    login(make_admin(locale="en"))
    response = client.get("/admin/settings")
    text = main_part(response)
    assert "Approval of new members" in text and "Who may announce events" in text
    assert checked(response, "require_approval") == "off"
    assert checked(response, "events_announce_moderators_only") == "off"


def test_turning_approval_on_makes_new_members_wait_and_writes_the_change_to_the_audit_log(client, login):
    me = login(make_admin(locale="en"))
    response = client.post("/admin/settings", data={"setting": "require_approval", "value": "on"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/settings"
    page = client.get("/admin/settings")
    assert "The setting was saved." in page_text(page) and checked(page, "require_approval") == "on"

    (entry,) = audit_entries(AuditAction.CHANGE_SETTING)
    assert entry.actor_id == me.id and entry.target_kind == "setting"
    assert entry.details == {"setting": "require_approval", "before": False, "after": True}
    fresh_settings()
    newcomer = register_member("nueva@example.org", "a long enough password", "Nueva", "MX", "es")
    assert newcomer.is_approved is False

    login(make_moderator(locale="en"))
    assert "Pending members" in page_text(client.get("/"))  # the moderators' link follows the setting


def test_moderators_only_announce_events_once_admins_say_so(client, login):
    member, moderator = make_user(), make_moderator()
    assert can_announce(member)
    login(make_admin(locale="en"))
    client.post("/admin/settings", data={"setting": "events_announce_moderators_only", "value": "on"})
    fresh_settings()
    assert not can_announce(member) and can_announce(moderator)
    assert audit_entries(AuditAction.CHANGE_SETTING)[0].details["after"] is True


def test_the_config_gives_the_default_until_an_admin_chooses(app):
    app.config["REQUIRE_APPROVAL"] = True
    assert get_setting("require_approval") is True
    admin.change_setting(make_admin(), "require_approval", False)
    assert get_setting("require_approval") is False  # the admins' choice wins over the config
    assert register_member("otra@example.org", "a long enough password", "Otra", "AR", "es").is_approved


def test_saving_the_value_a_setting_already_has_writes_nothing(client, login):
    login(make_admin(locale="en"))
    data = {"setting": "require_approval", "value": "off"}
    response = client.post("/admin/settings", data=data, follow_redirects=True)
    assert "Nothing changed" in page_text(response)
    assert count(AuditEntry) == 0 and count(SiteSetting) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"setting": "open_registration", "value": "on"}, "There is no such setting."),
        ({"setting": "", "value": "on"}, "There is no such setting."),
        ({"setting": "require_approval", "value": "maybe"}, "Please choose one of the offered options."),
        ({"setting": "require_approval"}, "Please choose one of the offered options."),
    ],
    ids=["unknown setting", "no setting", "unknown value", "no value"],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(client, login, data, message):
    login(make_admin(locale="en"))
    response = client.post("/admin/settings", data=data)
    assert response.status_code == 422
    assert message in main_part(response)
    assert count(SiteSetting) == 0 and count(AuditEntry) == 0


def test_the_service_refuses_unknown_settings_and_non_admins(app):
    with pytest.raises(ActionRefused) as refused:
        admin.change_setting(make_admin(), "open_registration", True)
    assert refused.value.field == "setting"
    with pytest.raises(PermissionDenied):
        admin.change_setting(make_moderator(), "require_approval", True)
    assert count(SiteSetting) == 0 and count(AuditEntry) == 0
