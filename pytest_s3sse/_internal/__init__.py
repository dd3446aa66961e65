"""pytest-s3sse's implementation: internal, and free to change between releases.

Import what you need from ``pytest_s3sse`` (its ``__all__``); the ``s3sse`` fixture and marker come from
``pytest_s3sse.plugin``. ``docs/architecture.md`` describes what lives here, layer by layer.
"""
