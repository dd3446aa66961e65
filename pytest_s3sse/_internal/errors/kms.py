"""KMS's errors, each with the code and message KMS sends (JSON ``{"__type", "message"}``, HTTP 400).

Sources are cited per message; the labels are those of ``shared/reference/aws-sse-behaviour.md`` (A:
recorded from real AWS, P: AWS documentation or the botocore model, T: a third-party implementation,
U: unconfirmed, value proposed). ``docs/kms.md`` tabulates them. The S3 layer passes these on as
``KMS.<code>`` errors, so every class keeps its code in :attr:`code`.
"""

from __future__ import annotations

from pytest_s3sse._internal.errors import AwsError


class KmsError(AwsError):
    """An error KMS answers with a JSON error document."""

    status = 400


class NotFoundException(KmsError):
    code = "NotFoundException"

    @classmethod
    def invalid_key_id(cls, raw: str) -> NotFoundException:
        """A KeyId that is not a UUID or ``mrk-`` id (A, LS-AWS ``test_get_key_invalid_uuid``)."""
        return cls(f"Invalid keyId '{raw}'")

    @classmethod
    def key(cls, arn: str) -> NotFoundException:
        """A well-formed id or ARN with no key behind it (A, ``test_get_key_does_not_exist``)."""
        return cls(f"Key '{arn}' does not exist")

    @classmethod
    def region(cls, region: str) -> NotFoundException:
        """An ARN of another region (A, ``test_get_key_in_different_region``)."""
        return cls(f"Invalid arn {region}")

    @classmethod
    def alias(cls, alias_arn: str) -> NotFoundException:
        """An alias that does not exist (T: LocalStack and moto; "AWS itself uses AliasArn")."""
        return cls(f"Alias {alias_arn} is not found.")


class DisabledException(KmsError):
    code = "DisabledException"

    def __init__(self, arn: str) -> None:
        # A, test_rotate_key_on_demand_raises_error_given_key_is_disabled; P, key-state table [1].
        super().__init__(f"{arn} is disabled.")


class KMSInvalidStateException(KmsError):
    code = "KMSInvalidStateException"

    @classmethod
    def pending_deletion(cls, arn: str) -> KMSInvalidStateException:
        """A, via S3 (R6); P, key-state table [3]."""
        return cls(f"{arn} is pending deletion.")

    @classmethod
    def pending_import(cls, arn: str) -> KMSInvalidStateException:
        """A key without key material (Origin EXTERNAL, PendingImport) used (A, LS-AWS
        ``test_import_key_symmetric``: Encrypt before import and after DeleteImportedKeyMaterial)."""
        return cls(f"{arn} is pending import.")

    @classmethod
    def pending_replica_deletion(cls, arn: str) -> KMSInvalidStateException:
        """A primary key waiting for its replicas' deletion, in the pattern of the A texts above
        (U)."""
        return cls(f"{arn} is pending replica deletion.")

    @classmethod
    def not_pending_deletion(cls, arn: str) -> KMSInvalidStateException:
        """CancelKeyDeletion of a key that is not pending deletion (P, key-state table [4])."""
        return cls(f"{arn} is not pending deletion.")


class InvalidCiphertextException(KmsError):
    code = "InvalidCiphertextException"

    def __init__(self) -> None:
        # A: the message is empty (test_encrypt_decrypt_encryption_context).
        super().__init__("")


class IncorrectKeyException(KmsError):
    code = "IncorrectKeyException"
    # A, test_error_messaging_for_invalid_keys and test_re_encrypt_incorrect_source_key.
    default_message = (
        "The key ID in the request does not identify a CMK that can perform this operation."
    )


class InvalidKeyUsageException(KmsError):
    code = "InvalidKeyUsageException"

    @classmethod
    def usage(cls, arn: str, usage: str, operation: str) -> InvalidKeyUsageException:
        """A, test_error_messaging_for_invalid_keys."""
        return cls(f"{arn} key usage is {usage} which is not valid for {operation}.")

    @classmethod
    def algorithm(cls, algorithm: str, key_spec: str) -> InvalidKeyUsageException:
        """Pattern of A ``Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.``"""
        return cls(f"Algorithm {algorithm} is incompatible with key spec {key_spec}.")

    @classmethod
    def key_spec(cls, arn: str, key_spec: str, operation: str) -> InvalidKeyUsageException:
        """An asymmetric key for a symmetric-only operation (U: pattern of the usage message)."""
        return cls(f"{arn} key spec is {key_spec} which is not valid for {operation}.")


class ValidationException(KmsError):
    code = "ValidationException"

    @classmethod
    def digest_length(cls, algorithm: str) -> ValidationException:
        """A DIGEST message whose length is not the algorithm's digest size (A, LS-AWS
        ``test_sign_verify``, Sign and Verify)."""
        return cls(f"Digest is invalid length for algorithm {algorithm}.")

    @classmethod
    def plaintext_too_large(cls, algorithm: str, key_spec: str, limit: int) -> ValidationException:
        """RSAES-OAEP plaintext over the key's limit (A, LS-AWS
        ``test_encrypt_validate_plaintext_size_per_key_type``)."""
        return cls(
            f"Algorithm {algorithm} and key spec {key_spec} cannot encrypt data larger than "
            f"{limit} bytes."
        )

    @classmethod
    def asymmetric_context(cls) -> ValidationException:
        """An encryption context with an asymmetric key (P: "supported only on operations with
        symmetric encryption KMS keys"; T: the text several emulators answer; U on AWS)."""
        return cls(
            "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs."
        )


class KMSInvalidSignatureException(KmsError):
    """Verify of a signature that does not verify (A, LS-AWS ``test_sign_verify``: empty)."""

    code = "KMSInvalidSignatureException"


class KMSInvalidMacException(KmsError):
    """VerifyMac of a MAC that does not verify (A, LS-AWS ``test_invalid_verify_mac``: empty)."""

    code = "KMSInvalidMacException"


class AlreadyExistsException(KmsError):
    code = "AlreadyExistsException"

    def __init__(self, alias_arn: str, message: str | None = None) -> None:
        # T: LocalStack and moto ("AWS itself uses AliasArn instead of AliasName").
        super().__init__(message or f"An alias with the name {alias_arn} already exists")

    @classmethod
    def replica(cls, key_id: str, region: str) -> AlreadyExistsException:
        """ReplicateKey to a Region that has the key already (P code, ReplicateKey; T text:
        LocalStack's; U on AWS)."""
        return cls(
            "",
            f"Unable to replicate key {key_id} to region {region}, as the key already exist there",
        )


class NotAuthorizedException(KmsError):
    """The ``alias/aws/`` prefix is reserved (T: moto, empty message; U on AWS)."""

    code = "NotAuthorizedException"


class LimitExceededException(KmsError):
    code = "LimitExceededException"

    @classmethod
    def on_demand_rotations(cls, arn: str) -> LimitExceededException:
        """A, test_key_rotations_limits."""
        return cls(
            "The on-demand rotations limit has been reached for the given keyId. "
            f"No more on-demand rotations can be performed for this key: {arn}"
        )


class UnsupportedOperationException(KmsError):
    code = "UnsupportedOperationException"

    @classmethod
    def origin(cls, arn: str, origin: str) -> UnsupportedOperationException:
        """An import operation on a key whose material is not imported, or rotation of one whose
        material is (A, LS-AWS ``test_get_parameters_for_import`` and
        ``test_rotate_key_on_demand_raises_error_given_key_with_imported_key_material``)."""
        return cls(f"{arn} origin is {origin} which is not valid for this operation.")

    @classmethod
    def not_primary(cls, arn: str) -> UnsupportedOperationException:
        """ReplicateKey of a replica (A, LS-AWS ``test_replicate_replica_key_should_fail``)."""
        return cls(f"{arn} is not a multi-region primary key.")

    @classmethod
    def not_multi_region(cls, key_id: str) -> UnsupportedOperationException:
        """ReplicateKey or UpdatePrimaryRegion of a single-Region key (T: LocalStack's text; U on
        AWS)."""
        return cls(f"Unable to replicate a non-MultiRegion key {key_id}")


class IncorrectKeyMaterialException(KmsError):
    """ImportKeyMaterial of material other than the key's (P code; U text: the model's
    description)."""

    code = "IncorrectKeyMaterialException"
    default_message = (
        "The request was rejected because the key material in the request is, expired, invalid, "
        "or does not meet expectations. For example, it is not the same key material that was "
        "previously imported or KMS expected new key material but the key material being imported "
        "is already associated with the KMS key."
    )


class ExpiredImportTokenException(KmsError):
    """An import token used after its 24 hours (P code; U text: the model's description)."""

    code = "ExpiredImportTokenException"
    default_message = "The request was rejected because the specified import token is expired."


class InvalidImportTokenException(KmsError):
    """An import token that is not one, or is another key's (P code; U text: the model's
    description)."""

    code = "InvalidImportTokenException"
    default_message = (
        "The request was rejected because the provided import token is invalid or is associated "
        "with a different KMS key."
    )


class ThrottlingException(KmsError):
    code = "ThrottlingException"
    # A: aws-dynamodb-encryption-java#6, hyperlane-monorepo#2391 (HTTP 400).
    default_message = (
        "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls."
    )


class DryRunOperationException(KmsError):
    code = "DryRunOperationException"
    # A, test_generate_data_key_pair_dry_run.
    default_message = "The request would have succeeded, but the DryRun option is set."


class InvalidArnException(KmsError):
    code = "InvalidArnException"


class InvalidMarkerException(KmsError):
    code = "InvalidMarkerException"
    # U: the text of the model's shape documentation.
    default_message = (
        "The request was rejected because the marker that specifies where pagination should "
        "next begin is not valid."
    )


class TagException(KmsError):
    code = "TagException"


class InvalidGrantIdException(KmsError):
    code = "InvalidGrantIdException"
    # P code; U text: the model's description of the error.
    default_message = "The request was rejected because the specified GrantId is not valid."


class InvalidGrantTokenException(KmsError):
    code = "InvalidGrantTokenException"
    # P code; U text: the model's description of the error.
    default_message = "The request was rejected because the specified grant token is not valid."


class MalformedPolicyDocumentException(KmsError):
    code = "MalformedPolicyDocumentException"


class AccessDeniedException(KmsError):
    code = "AccessDeniedException"

    @classmethod
    def denied(cls, caller_arn: str, action: str, arn: str, reason: str) -> AccessDeniedException:
        """A policy decision's denial (A formats KE2-KE4: ``... on resource: <key ARN> because no
        identity-based policy allows the kms:Decrypt action`` / ``with an explicit deny in a
        resource-based policy``; the key ARN is not quoted)."""
        tail = reason or f"because no resource-based policy allows the kms:{action} action"
        return cls(
            f"User: {caller_arn} is not authorized to perform: kms:{action} on resource: {arn} "
            + tail
        )

    @classmethod
    def no_resource_policy(cls, caller_arn: str, action: str, arn: str) -> AccessDeniedException:
        """The key policy does not allow the caller (A format KE3, policy-behaviour.md 4.3)."""
        return cls(
            f"User: {caller_arn} is not authorized to perform: kms:{action} on resource: {arn} "
            f"because no resource-based policy allows the kms:{action} action"
        )


class KMSInternalException(KmsError):
    """A server fault (``"fault": true`` in the model; the 500 status is U)."""

    status = 500
    code = "KMSInternalException"


class SerializationException(KmsError):
    """The request body is not JSON of the right types (the awsJson protocol's own error)."""

    code = "SerializationException"


class UnknownOperationException(KmsError):
    """An ``X-Amz-Target`` that names no KMS operation (the awsJson protocol's own error)."""

    code = "UnknownOperationException"


class NotImplementedKms(KmsError):
    """A KMS operation or option that pytest-s3sse does not model: never a made-up success."""

    status = 501
    code = "NotImplemented"

    @classmethod
    def operation(cls, name: str) -> NotImplementedKms:
        """A KMS operation outside what the double models."""
        return cls(f"pytest-s3sse does not implement the KMS operation {name}")

    @classmethod
    def feature(cls, what: str) -> NotImplementedKms:
        """An option of a modelled operation that the double does not model."""
        return cls(f"pytest-s3sse does not model {what}")


class MissingAuthenticationTokenException(KmsError):
    """An unsigned KMS request (S: what ``aws kms list-keys --no-sign-request`` reports,
    "MissingAuthenticationTokenException ... Missing Authentication Token"; U: the status, 400 as
    for KMS's other client errors)."""

    code = "MissingAuthenticationTokenException"
    default_message = "Missing Authentication Token"


class InvalidSignatureException(KmsError):
    """A KMS request whose signature is not the one its access key's secret gives
    (``verify_signatures``; S: the JSON KMS and other awsJson services send, quoted in
    aws/aws-sdk-js#168 and smithy545/aws-apps-scripts#12; 400 as KMS's other client errors)."""

    code = "InvalidSignatureException"
    default_message = (
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details."
    )


class UnrecognizedClientException(KmsError):
    """A KMS request with an access key or session token the engine does not know
    (``verify_signatures``; S: "The security token included in the request is invalid.", 400,
    aws/aws-encryption-sdk-java#9 for KMS, aws/aws-sdk-net#343)."""

    code = "UnrecognizedClientException"
    default_message = "The security token included in the request is invalid."
