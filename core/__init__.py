"""Shared kernel: settings, logging, domain types, the store, the queue, crypto."""
