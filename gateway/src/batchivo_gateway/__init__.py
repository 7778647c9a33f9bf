"""Batchivo."""
