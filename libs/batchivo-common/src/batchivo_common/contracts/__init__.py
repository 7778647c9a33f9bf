"""Event contracts: one module per producer, each model registered under its event type (design §2.2).

Importing this package registers every contract, so the registry is complete wherever it is consulted.
"""

from batchivo_common.contracts import auth, catalog, inventory, production

__all__ = ["auth", "catalog", "inventory", "production"]
