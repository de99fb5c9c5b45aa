"""Collection: the only code that talks HTTP (Docker Hub, the registry, GitHub)."""
