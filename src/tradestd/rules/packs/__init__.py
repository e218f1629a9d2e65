"""The bundled rule packs: ``wco`` (generic) and one per bundled message family."""
