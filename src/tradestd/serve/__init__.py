"""``tradestd serve``: an HTTP API and a web page over the library (extra ``tradestd[serve]``).

``create_app(settings)`` gives the ASGI app (FastAPI); ``tradestd serve`` runs it under
uvicorn. See docs/serve.md.
"""

from __future__ import annotations

from .app import create_app
from .catalog import Catalog
from .settings import ServeSettings

__all__ = ["Catalog", "ServeSettings", "create_app"]
