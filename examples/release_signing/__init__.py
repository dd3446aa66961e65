"""A release publisher: artifacts stored with SSE-KMS, and a manifest signed with a KMS ECC key."""

from release_signing.releases import ReleasePublisher, TamperedRelease, verify_release

__all__ = ["ReleasePublisher", "TamperedRelease", "verify_release"]
