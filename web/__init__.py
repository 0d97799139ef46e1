"""The demo web page with the chat widget, served by web/serve.py (started by the run command)."""
