"""Entry point: importing the command modules registers their commands on the app."""

from __future__ import annotations

# The store's commands first: `attribution --help` lists commands in the order they register.
from . import store_commands  # noqa: F401

# isort: split
from . import (
    cluster_commands,  # noqa: F401
    echo_commands,  # noqa: F401
    export_commands,  # noqa: F401
    extract_commands,  # noqa: F401  (registers commands)
)
from .app import app


def main() -> None:
    app()


if __name__ == "__main__":
    main()
