"""The store: beanie Documents (one per collection) and repositories that speak domain types."""
