"""Machine exports of the catalog: models and products as JSON Lines with cursor pages."""
