"""`/_local/docs`: Swagger UI over `/_local/openapi.json`, offline (the assets of the swagger-ui-py
package, a dev dependency: no CDN), under a strict CSP-friendly page (no inline script)."""

from __future__ import annotations

from pathlib import Path

PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>JAQE API (local) - Swagger UI</title>
<link rel="stylesheet" href="/_local/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/_local/docs/swagger-ui-bundle.js"></script>
<script src="/_local/docs/start.js"></script>
</body>
</html>
"""
START = (
    'window.ui = SwaggerUIBundle({url: "/_local/openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n'
)
ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}


def _assets() -> Path:
    import swagger_ui

    return Path(swagger_ui.__file__).parent / "static"


def docs_file(name: str) -> tuple[str, bytes] | None:
    """(content type, bytes) of the page, its start script or a Swagger UI asset; None for anything else."""
    if name == "index.html":
        return "text/html; charset=utf-8", PAGE.encode()
    if name == "start.js":
        return "text/javascript; charset=utf-8", START.encode()
    if name in ASSETS:
        return f"{ASSETS[name]}; charset=utf-8", (_assets() / name).read_bytes()
    return None
