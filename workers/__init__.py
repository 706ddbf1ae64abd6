"""Celery workers: thin tasks that take ids and call a hub command."""
