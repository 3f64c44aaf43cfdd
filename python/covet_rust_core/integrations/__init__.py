"""covet's JSON inside web frameworks, one module per framework, each imported only when
used (the framework is an optional dependency; a missing one is an ImportError naming the
extra to install):

* ``covet_rust_core.integrations.starlette``: ``CovetJSONResponse`` (Starlette and FastAPI);
* ``covet_rust_core.integrations.flask``: ``CovetJSONProvider`` (``app.json = ...``);
* ``covet_rust_core.integrations.django``: ``CovetJsonResponse``;
* ``covet_rust_core.integrations.rest_framework``: ``CovetJSONRenderer`` and
  ``CovetJSONParser`` (Django REST framework).

Each writes and reads with ``covet_rust_core.json``, so it runs on the backend the detector
chose (the twin when the extension is missing, loudly). What each changes from the
framework's own JSON is in docs/INTEGRATIONS.md.
"""

from __future__ import annotations

__all__: list[str] = []
