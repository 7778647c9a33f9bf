"""Logs, metrics and traces for every Batchivo process."""
