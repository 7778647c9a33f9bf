"""Batchivo production service: printers, production runs, reservations, variance (domain.md §4)."""
