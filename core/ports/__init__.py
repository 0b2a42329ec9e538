"""Ports: what the services need of the stores, named for what they do."""
