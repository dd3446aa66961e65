"""Adapters: how requests reach the engine (botocore interception, the ``requests`` bridge; each registers
itself in :mod:`.registry`) and the HTTP details of the wire (aws-chunked bodies). Everything here does
nothing unless an engine is active."""
