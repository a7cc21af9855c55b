"""Event payload contracts, one module per owning service. They are the system's public API."""
