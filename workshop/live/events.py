"""Socket.IO handlers of the live session. See docs/protocol.md."""
