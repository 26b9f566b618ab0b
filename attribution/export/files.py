"""Writing export files so that nothing is clobbered, half-written, or written elsewhere.

An existing file is only replaced when the caller says ``force``; the data goes to a
temporary file in the target directory and is moved into place with ``os.replace`` (so a
reader or a crash never sees half an export); a symlink at the target is never followed;
and a relative path may not climb out of the directory it is relative to.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from attribution.errors import ExportRefused

__all__ = ["ExportRefused", "atomic_output", "check_target", "sheet_title", "slugify"]


def check_target(path: Path, *, force: bool = False, base: Path | None = None) -> Path:
    """Return the absolute target for ``path`` or raise :class:`ExportRefused`.

    ``base`` is the directory a relative ``path`` must stay inside (the working directory
    for the CLI); absolute paths are the caller's explicit choice and are not confined.
    """
    path = Path(path)
    if not str(path) or path.name in ("", ".", ".."):
        raise ExportRefused(path, "not a file name")
    if not path.is_absolute():
        root = (base or Path.cwd()).resolve()
        target = Path(os.path.normpath(root / path))
        if target != root and root not in target.parents:
            raise ExportRefused(path, f"relative path leaves {root}")
    else:
        target = Path(os.path.normpath(path))
    if target.is_symlink():
        raise ExportRefused(path, "is a symbolic link; refusing to write through it")
    if target.is_dir():
        raise ExportRefused(path, "is a directory")
    if target.exists() and not force:
        raise ExportRefused(path, "already exists (use --force to replace it)")
    parent = target.parent
    if not parent.is_dir():
        raise ExportRefused(path, f"directory {parent} does not exist")
    return target


@contextlib.contextmanager
def atomic_output(path: Path, *, force: bool = False, base: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds."""
    target = check_target(path, force=force, base=base)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:100]}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise whoever shares the file
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        if force:
            if target.is_symlink():  # re-check: it may have appeared while we wrote
                raise ExportRefused(path, "is a symbolic link; refusing to write through it")
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the target appeared meanwhile: no clobbering
            except FileExistsError:
                raise ExportRefused(path, "already exists (use --force to replace it)") from None
            except OSError:  # filesystem without hard links
                if target.exists() or target.is_symlink():
                    raise ExportRefused(path, "already exists (use --force to replace it)") from None
                os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def slugify(name: str, *, max_length: int = 80, fallback: str = "unnamed") -> str:
    """A file-name-safe slug for data-derived names (speakers, document ids): no path separators, no dot files."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _UNSAFE_NAME.sub("-", ascii_name).strip(".-_")[:max_length].strip(".-_")
    if not slug:
        slug = fallback
    if slug.split(".")[0].upper() in _WINDOWS_RESERVED:
        slug = f"_{slug}"
    return slug


def sheet_title(name: str, *, fallback: str = "Sheet") -> str:
    """A valid worksheet title: at most 31 characters, none of ``[]:*?/\\``, no edge quotes."""
    cleaned = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "_", name).strip("'")[:31].strip("'")
    return cleaned or fallback
