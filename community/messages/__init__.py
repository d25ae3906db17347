"""Private messages: conversations of two to ten members, the inbox and its unread counts, blocking."""
