"""The store: collection specs (name, indexes, shape) and repositories that speak domain types."""
