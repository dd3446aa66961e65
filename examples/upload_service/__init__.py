"""An upload service whose bucket policy refuses plain-HTTP access and unencrypted uploads."""

from upload_service.service import UploadService, secure_bucket_policy

__all__ = ["UploadService", "secure_bucket_policy"]
