"""Reports, the moderators' review queue and their actions, watched words, canned replies, admin pages."""
