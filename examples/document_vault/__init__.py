"""A document vault: documents encrypted under one customer managed KMS key, with a KMS budget."""

from document_vault.vault import DocumentVault, VaultDenied

__all__ = ["DocumentVault", "VaultDenied"]
