"""The crypto layer's defaults, in a module of their own: the options (``options.py``) name them, and
reading a default must not import ``cryptography`` (the plugin reads the options at pytest start-up)."""

from __future__ import annotations

from datetime import timedelta

DEFAULT_ROTATION = timedelta(days=30)
