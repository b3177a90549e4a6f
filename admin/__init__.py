"""The staff panel for advisers and coordinators (FastAPI and Jinja2), over the `core/` services.

`admin.app.create_app(settings)` builds it; `python -m admin` serves it. To add a page,
read `admin.access`: every route declares who may use it, and the access-matrix test
(tests/admin/test_access.py) needs a row for it.
"""
