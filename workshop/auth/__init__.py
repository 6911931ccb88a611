"""Organiser and facilitator accounts: login, logout, access checks."""
