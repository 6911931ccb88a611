"""Accounts in the web (issue 12): invitations, temporary passwords, deactivation, one's own
password, facilitators' assignments and « Mes ateliers », the activity log pages."""
