"""Starting the review UI: a Datasette instance with the generated configuration, the desk's
plugin and the guard, served by uvicorn (``attribution serve``).

It lives in the plugin's package, above :mod:`attribution.serve` (configuration and guard) and
the plugin's hooks, so that neither of those needs to import the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..serve import PLUGIN_NAME, allowed_hosts, datasette_config


def make_plugin() -> Any:
    """The Datasette plugin (module-level hook functions in :mod:`attribution.desk`)."""
    from .. import desk

    return desk


def build_datasette(db_path: Path, *, host: str = "127.0.0.1", extra_hosts: Iterable[str] = ()) -> Any:
    """A Datasette instance on ``db_path`` with the generated configuration and plugin.

    ``host`` is the address served on; requests naming any other host than it, the loopback
    names and ``extra_hosts`` are refused.
    """
    import datasette
    from datasette.app import Datasette
    from datasette.plugins import pm

    config = datasette_config(db_path)
    plugin = make_plugin()
    if pm.get_plugin(PLUGIN_NAME) is None and not pm.is_registered(plugin):  # not installed as an entry point
        pm.register(plugin, name=PLUGIN_NAME)
    major = int(str(getattr(datasette, "__version__", "0")).split(".")[0] or 0)
    if major >= 1:
        ds = Datasette([str(db_path)], config=config)
    else:
        ds = Datasette([str(db_path)], metadata=config)
    ds.attribution_hosts = allowed_hosts(host, extra_hosts)
    return ds


def label_aborted_runs(db_path: Path) -> list[str]:
    """Runs left 'running' by a process that is gone are shown as 'aborted', not as running
    for ever (ingest and reextract label them too when they start)."""
    from ..store import connect, mark_aborted_runs

    db = connect(db_path)
    try:
        return mark_aborted_runs(db)
    finally:
        db.close()


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette on ``db_path`` until interrupted (blocking)."""
    import asyncio

    import uvicorn

    label_aborted_runs(db_path)
    ds = build_datasette(db_path, host=host)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
