"""Domain: server-side encryption rules (which mode a request asks for) and object envelopes."""
