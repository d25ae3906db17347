"""What the audit log page and its CSV call each action and each kind of target, in the reader's language."""

from flask_babel import lazy_gettext as _l

from community.audit.models import AuditAction

# i18n: what a moderator or an admin did, as the audit log lists it.
ACTION_LABELS = {
    AuditAction.DISMISS_REPORTS: _l("Dismissed the reports"),
    AuditAction.HIDE: _l("Hid content"),
    AuditAction.RESTORE: _l("Restored hidden content"),
    AuditAction.APPROVE_CONTENT: _l("Published content that awaited review"),
    AuditAction.EDIT: _l("Edited content"),
    AuditAction.LOCK: _l("Locked a thread"),
    AuditAction.UNLOCK: _l("Unlocked a thread"),
    AuditAction.PIN: _l("Pinned a thread"),
    AuditAction.UNPIN: _l("Unpinned a thread"),
    AuditAction.MOVE: _l("Moved a thread"),
    AuditAction.AUTO_HIDE: _l("Hidden automatically after several reports"),
    AuditAction.REPLY: _l("Sent a prepared reply"),
    AuditAction.WARN: _l("Warned a member"),
    AuditAction.SILENCE: _l("Made a member read-only"),
    AuditAction.UNSILENCE: _l("Lifted a member's read-only period"),
    AuditAction.SUSPEND: _l("Suspended a member"),
    AuditAction.UNSUSPEND: _l("Lifted a suspension"),
    AuditAction.APPROVE_MEMBER: _l("Approved a new member"),
    AuditAction.VERIFY_MEMBER: _l("Verified a member's institution"),
    AuditAction.UNVERIFY_MEMBER: _l("Removed a member's verification"),
    AuditAction.CHANGE_ROLE: _l("Changed a member's role"),
    AuditAction.CHANGE_SCOPE: _l("Changed a coordinator's countries or categories"),
    AuditAction.CHANGE_SETTING: _l("Changed a site setting"),
    AuditAction.CREATE_CATEGORY: _l("Created a forum category"),
    AuditAction.EDIT_CATEGORY: _l("Edited a forum category"),
    AuditAction.CREATE_EXPERTISE: _l("Added an expertise area"),
    AuditAction.EDIT_EXPERTISE: _l("Edited an expertise area"),
    AuditAction.CREATE_INSTITUTION: _l("Added an institution"),
    AuditAction.EDIT_INSTITUTION: _l("Edited an institution"),
    AuditAction.ADD_WATCHED_WORD: _l("Added a watched word"),
    AuditAction.REMOVE_WATCHED_WORD: _l("Removed a watched word"),
    AuditAction.CREATE_CANNED_REPLY: _l("Created a prepared reply"),
    AuditAction.EDIT_CANNED_REPLY: _l("Edited a prepared reply"),
    AuditAction.DELETE_CANNED_REPLY: _l("Deleted a prepared reply"),
}

# i18n: the kinds of things an audit log entry is about ("Post #12").
TARGET_KIND_LABELS = {
    "post": _l("Post"),
    "thread": _l("Thread"),
    "event": _l("Event"),
    "profile": _l("Profile"),
    "message": _l("Private message"),
    "opportunity": _l("Opportunity"),
    "member": _l("Member"),
    "category": _l("Forum category"),
    "expertise": _l("Expertise area"),
    "institution": _l("Institution"),
    "setting": _l("Site setting"),
    "watched_word": _l("Watched word"),
    "canned_reply": _l("Prepared reply"),
}


def action_label(action: AuditAction):
    """The action's label; an action added without one shows its code rather than breaking the page."""
    return ACTION_LABELS.get(action, action.value)


def target_kind_label(kind: str):
    return TARGET_KIND_LABELS.get(kind, kind)
