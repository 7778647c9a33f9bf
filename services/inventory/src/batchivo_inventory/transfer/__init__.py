"""Import and export: CSV of spools and filament types, Spoolman exports and API, SpoolmanDB catalogues
(docs/adr/0016-import-export.md)."""
