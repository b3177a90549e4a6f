"""The staff panel for advisers and coordinators (FastAPI and Jinja2), over the `core/` services."""
