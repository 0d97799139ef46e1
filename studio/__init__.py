"""Redactiestudio: the content editors' web application (Django)."""
