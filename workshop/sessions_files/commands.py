"""CLI commands: validate, load, dump."""

COMMANDS: list = []
