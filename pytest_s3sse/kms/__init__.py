"""KMS: the JSON protocol edge (:mod:`.api` and its ``api_*`` helpers) over the domain (keys, aliases,
rotation, quotas, the call log) that S3 also calls for SSE-KMS."""
