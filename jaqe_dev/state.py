"""Where a running `make dev` tells the operators' CLI its URL: `$XDG_STATE_HOME/jaqe/dev-api`
(default `~/.local/state/jaqe/dev-api`), the URL on one line, written on start, removed on exit."""

from __future__ import annotations

import os
from pathlib import Path


def state_file() -> Path:
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "jaqe" / "dev-api"


def write_state_file(url: str) -> Path:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(url + "\n", encoding="utf-8")
    return path


def remove_state_file(path: Path, url: str) -> None:
    """Only if it still names this server: another `make dev` started since owns it now."""
    try:
        if path.read_text(encoding="utf-8").strip() == url:
            path.unlink()
    except FileNotFoundError:
        pass
