"""Everything that touches SQLite lives in this package; the rest of the app calls its repository functions."""

from storage.db import open_database

__all__ = ["open_database"]
