"""One exception tree for the graph package; driver errors are translated at the adapter edge."""


class GraphError(Exception):
    """Base of every error raised by the graph package."""


class BackendUnavailable(GraphError):
    """The database cannot be reached or started."""


class DataDirLocked(BackendUnavailable):
    """Another process owns the data directory and its server cannot be reused."""


class QueryFailed(GraphError):
    """The backend rejected a statement (syntax, type or runtime error)."""


class ConstraintViolation(QueryFailed):
    """A write broke a uniqueness or existence constraint."""


class NotFound(GraphError):
    """A node addressed by its stable id does not exist."""


class MigrationError(GraphError):
    """A migration is invalid, was changed after being applied, or failed."""
