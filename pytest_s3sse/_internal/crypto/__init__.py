"""Shared service: the cryptography (the only user of the ``cryptography`` package).

The low layer (:mod:`.aead`) is the dangerous one; :mod:`.segments` and :mod:`.keyring` are the safe
recipes the domain uses: segmented AES-256-GCM object encryption and key wrapping under rotating roots.
"""
