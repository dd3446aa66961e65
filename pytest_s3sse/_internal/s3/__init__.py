"""S3: the domain (store, objects, multipart, listing, copy rules) on typed values; its protocol edge,
which alone reads HTTP, is :mod:`pytest_s3sse._internal.s3.rest`."""
