"""WSGI entry point: ``gunicorn app:app`` (or ``flask --app app run`` for development).

The settings come from the ``MALANG_KG_*`` environment variables; ``malang-kg serve`` is the usual
way to run the service.
"""

from malang_kg.web import create_app

app = create_app()
