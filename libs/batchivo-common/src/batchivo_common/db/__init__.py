"""Database access: engines, the tenant context that RLS reads, sessions, migration helpers."""
