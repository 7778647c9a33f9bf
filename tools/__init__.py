"""Developer tooling kept in the repository (not shipped in any image)."""
