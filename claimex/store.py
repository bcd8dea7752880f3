"""Model folders: find them by path or name, read and verify their ``meta.json``.

A model folder is self-describing: ``meta.json`` names the model, its version, the
claimex versions it works with (``claimex_version``, a range such as ``">=0.1,<0.2"``),
and the sha256 of each weight file (``files``). Resolving never downloads: a path that
exists wins, then a known name (a folder under the repository's ``models/``, the installed
package's ``claimex/models/`` or a folder listed in ``$CLAIMEX_MODELS``), else an error
that lists every known name.

Example:
    >>> path = resolve("claimex-sentence-e5")                 # doctest: +SKIP
    >>> read_meta(path)["labels"]                              # doctest: +SKIP
    ['finding', 'recommendation', 'limitation', 'other']
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimex.errors import ClaimexError, ModelNotFoundError

META = "meta.json"
_PKG = Path(__file__).resolve().parent


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "x"); _ = open(p, "w").write("abc")
        >>> sha256_file(p)[:12]
        'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def model_dirs() -> list[Path]:
    """Folders searched for models by name, in order."""
    dirs = [Path(p).expanduser() for p in os.environ.get("CLAIMEX_MODELS", "").split(os.pathsep) if p]
    dirs += [_PKG.parent / "models", _PKG / "models"]
    out: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


@dataclass(frozen=True)
class KnownModel:
    """A model folder found by :func:`list_models`."""

    name: str
    version: str
    path: Path

    def __str__(self) -> str:
        return f"{self.name} {self.version}  {self.path}"


def list_models() -> list[KnownModel]:
    """Every model folder (a folder holding ``meta.json``) under :func:`model_dirs`."""
    seen: dict[str, KnownModel] = {}
    for d in model_dirs():
        for sub in sorted(p for p in d.iterdir() if (p / META).is_file()):
            try:
                meta = json.loads((sub / META).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                meta = {}
            seen.setdefault(sub.name, KnownModel(sub.name, str(meta.get("version", "?")), sub))
    return list(seen.values())


def resolve(model: str | Path) -> Path:
    """A model folder from a path or a known name; never downloads.

    Raises:
        ModelNotFoundError: neither an existing folder nor a known name; the message
            lists the known names and where they were looked for.
    """
    p = Path(model).expanduser()
    if p.is_dir():
        if not (p / META).is_file():
            raise ModelNotFoundError(f"{p}: expected a model folder with {META}; found a folder without one")
        return p
    if p.exists():
        raise ModelNotFoundError(f"{p}: expected a model folder, found a file")
    known = list_models()
    for k in known:
        if k.name == str(model):
            return k.path
    names = ", ".join(k.name for k in known) or "none"
    where = ", ".join(str(d) for d in model_dirs()) or "no models folder"
    raise ModelNotFoundError(
        f"model {str(model)!r} is neither a folder nor a known name; known: {names} (looked in {where}). "
        "Give the path of a model folder (for example one written by `claimex train`); nothing is downloaded")


def _version_ok(spec: str, version: str) -> bool | None:
    try:
        from packaging.specifiers import InvalidSpecifier, SpecifierSet
        from packaging.version import Version
    except ImportError:  # packaging missing: do not guess
        return None
    try:
        return Version(version) in SpecifierSet(spec)
    except (InvalidSpecifier, ValueError):
        return None


def read_meta(path: str | Path, verify: bool = True) -> dict[str, Any]:
    """``meta.json`` of a model folder; warns when the running claimex is outside the
    model's ``claimex_version`` range, and with ``verify`` checks each file's sha256.

    Raises:
        ModelNotFoundError: no ``meta.json``.
        ClaimexError: the file is not JSON, or a listed file is missing or changed.
    """
    from claimex import __version__

    folder = Path(path)
    f = folder / META
    if not f.is_file():
        raise ModelNotFoundError(f"{folder}: expected {META} in a model folder; found none")
    try:
        meta = json.loads(f.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ClaimexError(f"{f}: not valid JSON ({exc.msg} at line {exc.lineno}); restore the file") from exc
    if not isinstance(meta, dict):
        raise ClaimexError(f"{f}: expected a JSON object, found {type(meta).__name__}")
    spec = meta.get("claimex_version")
    if spec and _version_ok(spec, __version__) is False:
        warnings.warn(f"{folder.name} was made for claimex {spec}; this is claimex {__version__}. "
                      "It may load wrongly: retrain it with `claimex train` or use a matching claimex",
                      UserWarning, stacklevel=2)
    if verify:
        for name, digest in (meta.get("files") or {}).items():
            target = folder / name
            if not target.is_file():
                raise ClaimexError(f"{folder}: meta.json lists {name}, which is missing; the folder is incomplete")
            found = sha256_file(target)
            if found != digest:
                raise ClaimexError(f"{target}: sha256 {found[:12]}… differs from meta.json's {digest[:12]}…; "
                                   "the file changed after the model was saved: restore it or retrain")
    return meta


def write_meta(path: str | Path, meta: dict[str, Any], files: list[str] | None = None) -> Path:
    """Write ``meta.json``, recording the sha256 of each of ``files`` (names in the folder)."""
    folder = Path(path)
    meta = dict(meta)
    if files:
        meta["files"] = {name: sha256_file(folder / name) for name in files}
    out = folder / META
    out.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


__all__ = ["sha256_file", "model_dirs", "KnownModel", "list_models", "resolve", "read_meta", "write_meta"]
