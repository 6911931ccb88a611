"""Rehearsals and resets of a session from the web (issue 12)."""
