"""The audit log: admins read it newest first, filter it and export it as CSV; nobody changes or removes
an entry, neither through the ORM nor (for updates) with SQL.

Pages are asked for in English, so assertions read the source strings.
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from community.audit.labels import ACTION_LABELS, TARGET_KIND_LABELS
from community.audit.models import AuditAction, AuditEntry
from community.audit.services import record_action
from community.extensions import db
from community.moderation import admin as services
from community.moderation.models import WatchedWordAction
from tests.factories import make_admin, make_moderator, make_user
from tests.moderation.admin_support import audit_entries, main_part, page_text


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(login):
    return login(make_admin(locale="en", display_name="Ana Admin", timezone="UTC"))


def entry(actor, action, *, at=None, target_user=None, **values) -> AuditEntry:
    """An entry as services write them, dated `at` when given (set before the insert: rows never change)."""
    if at is None:
        return record_action(actor, action, target_user=target_user, **values)
    written = AuditEntry(actor_id=actor.id if actor else None, action=action, created_at=at,
                         target_user_id=target_user.id if target_user else None, **values)  # fmt: skip
    db.session.add(written)
    db.session.flush()
    return written


def day(number: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, number, hour, tzinfo=UTC)


@pytest.fixture
def log(app, admin):
    """A small log: a moderator hid a post and silenced its author, the system hid another, an admin changed a
    setting. Written in one transaction, dated on different days."""
    moderator = make_moderator(display_name="Marta Moderator")
    author = make_user(display_name="Sergio Spammer")
    entry(moderator, AuditAction.HIDE, at=day(1), target_kind="post", target_id=41, target_user=author,
          reason="Advertising")  # fmt: skip
    entry(moderator, AuditAction.SILENCE, at=day(2), target_kind="member", target_id=author.id, target_user=author,
          reason="Repeated spam", details={"until": "2026-03-09T12:00:00+00:00"})  # fmt: skip
    entry(None, AuditAction.AUTO_HIDE, at=day(3), target_kind="thread", target_id=7, target_user=author)
    entry(admin, AuditAction.CHANGE_SETTING, at=day(4), target_kind="setting",
          details={"setting": "require_approval", "before": False, "after": True})  # fmt: skip
    db.session.commit()
    return {"moderator": moderator, "author": author}


def table_rows(response) -> list[str]:
    """The HTML of each entry shown on the page, in order."""
    text = main_part(response)
    if "<tbody>" not in text:
        return []
    return text.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]


def shown_actions(response) -> list[str]:
    """The action of each entry on the page, in order, as the page names it (in English, HTML-escaped there)."""
    with force_locale("en"):
        labels = [str(label) for label in ACTION_LABELS.values()]
    return [next(label for label in labels if f">\n                  {escape(label)}\n" in row)
            for row in table_rows(response)]  # fmt: skip


def rows_of(response) -> list[dict]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# The page


def test_entries_are_listed_newest_first_with_who_what_target_reason_and_when(client, log):
    response = client.get("/admin/audit")
    assert shown_actions(response) == ["Changed a site setting", "Hidden automatically after several reports",
                                       "Made a member read-only", "Hid content"]  # fmt: skip
    text = main_part(response)
    assert "Marta Moderator" in text and "The system" in text
    assert "Advertising" in text and "Repeated spam" in text
    assert 'href="/forum/posts/41">Post #41</a>' in text
    assert 'href="/forum/t/7">Thread #7</a>' in text
    assert f'href="/members/{log["author"].id}">Sergio Spammer</a>' in text
    assert "require_approval" in text and "false → true" in text
    assert 'datetime="2026-03-01T12:00:00Z"' in text


def test_a_target_that_no_longer_exists_is_not_linked(client, admin):
    reply = services.create_canned_reply(admin, "Spam", {"es": "a", "pt": "b", "en": "c"})
    reply_id = reply.id
    services.delete_canned_reply(admin, reply)
    deleted, created = table_rows(client.get("/admin/audit"))
    assert f'href="/admin/canned-replies/{reply_id}/edit">Prepared reply #{reply_id}</a>' in created
    assert f"Prepared reply #{reply_id}" in deleted and "href=\"/admin/canned-replies" not in deleted


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "hide"}, ["Hid content"]),
        ({"actor": "@Marta.Moderator"}, ["Made a member read-only", "Hid content"]),
        ({"member": "sergio.spammer"}, ["Hidden automatically after several reports", "Made a member read-only",
                                        "Hid content"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-03"}, ["Hidden automatically after several reports",
                                                                 "Made a member read-only"]),
        ({"actor": "marta.moderator", "action": "silence", "date_from": "2026-03-02"}, ["Made a member read-only"]),
        ({"actor": "nobody"}, []),
    ],
    ids=["action", "actor", "member", "dates", "combined", "unknown handle"],
)  # fmt: skip
def test_filters_narrow_the_log(client, log, query, expected):
    response = client.get("/admin/audit", query_string=query)
    assert shown_actions(response) == expected
    if not expected:
        assert "No entry matches these filters." in main_part(response)


def test_dates_are_days_in_the_admins_time_zone(client, login, log):
    login(make_admin(locale="en", timezone="America/Mexico_City"))  # UTC−6: 1 March 12:00 UTC is 06:00 there
    entry(None, AuditAction.AUTO_HIDE, at=day(2, hour=3), target_kind="post", target_id=5)  # 1 March, 21:00 there
    db.session.commit()
    response = client.get("/admin/audit", query_string={"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert shown_actions(response) == ["Hidden automatically after several reports", "Hid content"]
    assert 'href="/forum/posts/5"' in main_part(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"action": "erase_everything"}, "Please choose one of the offered options."),
        ({"date_from": "yesterday"}, "Please enter a date as year-month-day"),
        ({"date_from": "2026-03-04", "date_to": "2026-03-01"}, "The end of the period must not be before its start."),
    ],
    ids=["unknown action", "not a date", "end before start"],
)
def test_bad_filters_are_refused_with_a_message(client, log, query, message):
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 422 and message in main_part(response)
    assert client.get("/admin/audit.csv", query_string=query).status_code == 422


def test_the_log_is_paginated_and_runs_the_same_queries_whatever_its_size(client, admin, count_queries):
    people = [make_user() for _ in range(4)]
    counts = []
    for total in (3, 75):
        for number in range(len(audit_entries()), total):
            entry(people[number % 4], AuditAction.WARN, target_kind="member", target_id=people[(number + 1) % 4].id,
                  target_user=people[(number + 1) % 4], reason=f"Reason {number}")  # fmt: skip
        db.session.commit()
        client.get("/admin/audit")
        with count_queries() as queries:
            response = client.get("/admin/audit?action=warn")
        assert response.status_code == 200
        counts.append(queries.count)
    assert 'rel="next"' in page_text(response) and "action=warn" in page_text(response)
    assert counts[0] == counts[1], counts
    second = main_part(client.get("/admin/audit?action=warn&page=2"))
    assert "Reason 0<" in second and "Reason 74<" not in second  # newest first: the oldest are on the last page


# The CSV export


def test_the_csv_has_a_header_and_one_row_per_entry_newest_first(client, log):
    response = client.get("/admin/audit.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = rows_of(response)
    assert [row["Action code"] for row in rows] == ["change_setting", "auto_hide", "silence", "hide"]
    silence = rows[2]
    assert silence["Date (UTC)"] == "2026-03-02T12:00:00Z"
    assert silence["Action"] == "Made a member read-only"
    assert (silence["By (handle)"], silence["By"]) == ("marta.moderator", "Marta Moderator")
    assert (silence["Target kind"], silence["Member (handle)"], silence["Member"]) == (
        "member", "sergio.spammer", "Sergio Spammer",
    )  # fmt: skip
    assert silence["Reason"] == "Repeated spam"
    assert silence["Details"] == '{"until": "2026-03-09T12:00:00+00:00"}'
    assert rows[1]["By"] == "" and rows[1]["Target ID"] == "7"


def test_the_csv_follows_the_filters(client, log):
    rows = rows_of(client.get("/admin/audit.csv?member=sergio.spammer&date_to=2026-03-02"))
    assert [row["Action code"] for row in rows] == ["silence", "hide"]


def test_the_csv_keeps_accents_and_defuses_formulas(client, admin):
    member = make_user(display_name="José Ñúñez")
    record_action(admin, AuditAction.WARN, target_kind="member", target_id=member.id, target_user=member,
                  reason="=HYPERLINK(\"http://evil.example\")")  # fmt: skip
    db.session.commit()
    (row,) = rows_of(client.get("/admin/audit.csv"))
    assert row["Member"] == "José Ñúñez"
    assert row["Reason"] == "'=HYPERLINK(\"http://evil.example\")"


def test_the_page_links_to_the_csv_of_the_same_filters(client, log):
    text = main_part(client.get("/admin/audit?action=hide&actor=marta.moderator"))
    assert 'href="/admin/audit.csv?action=hide&amp;actor=marta.moderator"' in text


# Append-only


def test_the_orm_refuses_to_change_or_remove_an_entry(app, admin):
    written = record_action(admin, AuditAction.WARN, target_kind="member", target_id=1, reason="First")
    db.session.commit()
    written.reason = "Rewritten"
    with pytest.raises(RuntimeError, match="never changed or removed"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(written)
    with pytest.raises(RuntimeError, match="never changed or removed"):
        db.session.flush()
    db.session.rollback()
    assert [entry.reason for entry in audit_entries()] == ["First"]


def test_the_database_refuses_an_update_statement(app, admin):
    record_action(admin, AuditAction.WARN, target_kind="member", target_id=1, reason="First")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_log SET reason = 'Rewritten'"))
    db.session.rollback()
    assert [entry.reason for entry in audit_entries()] == ["First"]


# Labels


def test_every_action_has_a_label_in_every_language():
    assert set(ACTION_LABELS) == set(AuditAction)
    for language in ("es", "pt", "en"):
        with force_locale(language):
            assert all(str(label) for label in [*ACTION_LABELS.values(), *TARGET_KIND_LABELS.values()])


def test_the_audit_log_records_each_admin_action_with_its_label(client, admin):
    services.add_watched_word(admin, "es", "casino", WatchedWordAction.REVIEW)
    services.change_role(admin, make_user(), services.Role.MODERATOR)
    response = client.get("/admin/audit")
    assert shown_actions(response) == ["Changed a member's role", "Added a watched word"]
    assert "Ana Admin" in main_part(response)
    assert datetime.now(UTC) - audit_entries()[0].created_at < timedelta(minutes=1)


def test_what_people_wrote_is_shown_inert(client, admin):
    member = make_user(display_name="<img src=x onerror=alert(1)>")
    record_action(admin, AuditAction.WARN, target_kind="member", target_id=member.id, target_user=member,
                  reason="<script>alert(1)</script>", details={"note": "<b>bold</b>"})  # fmt: skip
    db.session.commit()
    text = main_part(client.get("/admin/audit"))
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "<b>bold</b>" not in text
