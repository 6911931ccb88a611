"""Session files (sessions/*.yaml): validate, load, dump. See docs/session-format.md."""
