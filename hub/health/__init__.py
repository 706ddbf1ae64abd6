"""Liveness, readiness and metrics for operators and orchestrators (``/healthz``
or ``/livez``, ``/readyz``, ``/metrics``)."""
