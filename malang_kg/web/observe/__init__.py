"""What every request and every query did: Prometheus metrics (``metrics.py``), the observed
query service and each request's note of its queries (``queries.py``), and the JSON access log
(``access.py``)."""
