"""The tests: real Rasa and action servers over HTTP, the page in Chromium, and unit tests."""
