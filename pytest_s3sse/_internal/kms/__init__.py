"""KMS: the domain (keys, aliases, rotation, quotas, the call log) that S3 also calls for SSE-KMS,
and under :mod:`.jsonapi` its JSON protocol edge: ``api.py`` (routing and error rendering),
``shapes.py`` (input shapes checked as AWS checks them) and ``render.py`` (results as AWS's JSON)."""
