"""One module per kind of source: a fetch plan and a pure parser of what comes back."""
