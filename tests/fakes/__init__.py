"""Fakes of external systems that the real client libraries talk to over loopback."""
