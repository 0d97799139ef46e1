"""The studio's views, one module per area."""
