"""Custom actions of the carer-support assistant, split by concern."""
