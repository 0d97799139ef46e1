"""Operational helpers: model state, starting the stack, running the assistant."""
