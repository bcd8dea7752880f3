"""claimex's exceptions. Each message says what was expected, what was found, and what to do."""

from __future__ import annotations


class ClaimexError(Exception):
    """Base class for every error claimex raises on purpose."""


class UnsupportedFormatError(ClaimexError):
    """The file's extension is not one claimex reads."""


class DocumentReadError(ClaimexError):
    """A file could not be read: corrupt, encrypted, image-only, or not what its name says."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ModelNotFoundError(ClaimexError):
    """A model name or path did not resolve to a model folder."""


class AnnotationError(ClaimexError):
    """An annotation file breaks the schema; carries every problem as ``file:line: message``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__("\n".join(problems[:10]) + more)
