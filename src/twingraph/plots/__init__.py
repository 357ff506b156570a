"""Pictures: timelines, maps and networks of partnerships."""
