"""CLI commands of the summary feature (export, rehearse)."""

COMMANDS: list = []
