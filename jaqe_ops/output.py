"""What the operator reads: JSON answers and tables on stdout, progress of long operations on stderr.

rich is imported when a table or a terminal spinner is drawn, not at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

# rich's SIMPLE_HEAD in ASCII: a dashed rule under the headers, no other lines.
_RULE_UNDER_HEADERS = "    \n    \n -  \n    \n    \n    \n    \n    \n"


def emit(answer: Any, out: TextIO) -> None:
    """An API answer as indented JSON (accents kept)."""
    print(json.dumps(answer, ensure_ascii=False, indent=2), file=out)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns aligned, a rule under the headers; never wrapped or cut (ids are copied from it)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    grid = Table(
        box=box.Box(_RULE_UNDER_HEADERS, ascii=True),
        show_edge=False,
        padding=(0, 1, 0, 0),
        header_style="",
    )
    for header in headers:
        grid.add_column(header, no_wrap=True, overflow="ignore")
    for row in rows:
        grid.add_row(*("" if cell is None else str(cell) for cell in row))
    console = Console(width=100_000, color_system=None, highlight=False, markup=False)
    with console.capture() as captured:
        console.print(grid)
    return "\n".join(line.rstrip() for line in captured.get().splitlines() if line.strip())


class Progress:
    """Progress of long operations on stderr: when stderr is a terminal (a rich spinner whose last
    message stays), or always with --progress (one line per update)."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = stream.isatty()
        self._spinner: Any = None
        self._last = ""

    def update(self, message: str) -> None:
        if not self.enabled:
            return
        self._last = message
        if not self.tty:
            self.stream.write(f"{message}\n")
            self.stream.flush()
            return
        from rich.text import Text

        if self._spinner is None:
            from rich.console import Console

            self._spinner = Console(file=self.stream).status(Text(message))
            self._spinner.start()
        else:
            self._spinner.update(Text(message))

    def done(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
            self.stream.write(f"{self._last}\n")
            self.stream.flush()
