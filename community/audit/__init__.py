"""The append-only log of what moderators and admins did: who, what, to what, why and when."""
