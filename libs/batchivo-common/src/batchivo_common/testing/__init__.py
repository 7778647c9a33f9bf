"""Test support: the pytest plugin (servers, per-run database/roles/prefixes) and token factories."""
