"""The store's own failures, under a name the domain may catch without knowing the
database library.

Repositories turn the outcomes the domain decides on into domain errors (``NotFound``,
``Conflict``, ``TransientFailure``); anything else the database raises propagates as a
``StoreFailure``.  The domain catches it only where a failure must not undo what has
already committed (the statistics counted after a change, for instance), never to
decide anything.
"""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

StoreFailure = PynamoDBException
