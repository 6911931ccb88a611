"""Session files (sessions/*.yaml): validate, load, dump. See docs/session-format.md."""

from .dumper import dump_programme, dump_session
from .loader import LoadReport, load_paths, validate_paths
from .problems import Problem, SessionFileError, UnknownSlugError

__all__ = [
    "LoadReport",
    "Problem",
    "SessionFileError",
    "UnknownSlugError",
    "dump_programme",
    "dump_session",
    "load_paths",
    "validate_paths",
]
