"""S3's errors, each with the status, code and message S3 sends.

Sources of the texts: AWS "Amazon S3 error responses" (ErrorResponses, P), LocalStack's snapshot
recordings against real AWS (``tests/aws/services/s3/*.snapshot.json``, A) and the reference notes in
``shared/reference/aws-sse-behaviour.md``. ``docs/errors.md`` lists each with its source.
"""

from __future__ import annotations

from datetime import datetime

from pytest_s3sse._internal.errors import AwsError


class S3Error(AwsError):
    """An error S3 answers with an XML error document."""


class NoSuchBucket(S3Error):
    status, code = 404, "NoSuchBucket"
    default_message = "The specified bucket does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class NoSuchKey(S3Error):
    status, code = 404, "NoSuchKey"
    default_message = "The specified key does not exist."

    def __init__(self, key: str) -> None:
        super().__init__(extra={"Key": key})


class NoSuchUpload(S3Error):
    status, code = 404, "NoSuchUpload"
    default_message = (
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
        "been aborted or completed."
    )

    def __init__(self, upload_id: str) -> None:
        super().__init__(extra={"UploadId": upload_id})


class BucketAlreadyOwnedByYou(S3Error):
    status, code = 409, "BucketAlreadyOwnedByYou"
    default_message = (
        "Your previous request to create the named bucket succeeded and you already own it."
    )

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class BucketAlreadyExists(S3Error):
    status, code = 409, "BucketAlreadyExists"
    default_message = (
        "The requested bucket name is not available. The bucket namespace is shared by all users "
        "of the system. Please select a different name and try again."
    )

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class InvalidBucketName(S3Error):
    status, code = 400, "InvalidBucketName"
    default_message = "The specified bucket is not valid."

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class BucketNotEmpty(S3Error):
    status, code = 409, "BucketNotEmpty"
    default_message = "The bucket you tried to delete is not empty"
    # D13 (A, LocalStack snapshot test_delete_versioned_bucket_with_objects).
    versioned_message = (
        "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
    )

    def __init__(self, bucket: str, *, versioned: bool = False) -> None:
        super().__init__(
            self.versioned_message if versioned else None, extra={"BucketName": bucket}
        )


class InvalidArgument(S3Error):
    status, code = 400, "InvalidArgument"

    def __init__(self, message: str, name: str | None = None, value: str | None = None) -> None:
        extra = {}
        if name is not None:
            extra["ArgumentName"] = name
            extra["ArgumentValue"] = "null" if value is None else value
        super().__init__(message, extra=extra)

    @classmethod
    def naming(cls, message: str, name: str) -> InvalidArgument:
        """An InvalidArgument with an ``ArgumentName`` and no ``ArgumentValue`` (as S3 answers the SSE-C
        key checks, A: LocalStack snapshot test_put_object_validation_sse_c)."""
        err = cls(message)
        err.extra["ArgumentName"] = name
        return err


class InvalidEncryptionAlgorithmError(S3Error):
    """An SSE-C algorithm other than AES256 (A: LocalStack snapshot test_put_object_validation_sse_c)."""

    status, code = 400, "InvalidEncryptionAlgorithmError"
    default_message = "The Encryption request you specified is not valid. Supported value: AES256."

    def __init__(self, name: str, value: str) -> None:
        super().__init__(extra={"ArgumentName": name, "ArgumentValue": value})


class InvalidRequest(S3Error):
    status, code = 400, "InvalidRequest"


class MalformedXML(S3Error):
    status, code = 400, "MalformedXML"
    default_message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class NotImplementedS3(S3Error):
    status, code = 501, "NotImplemented"
    default_message = "A header you provided implies functionality that is not implemented"

    @classmethod
    def operation(cls, name: str) -> NotImplementedS3:
        """The answer for an S3 operation pytest-s3sse does not implement yet."""
        err = cls(f"pytest-s3sse does not implement the S3 operation {name} yet")
        err.extra["Operation"] = name
        return err

    @classmethod
    def header(cls, name: str, feature: str | None = None) -> NotImplementedS3:
        """S3's answer to a header whose functionality is not available (``Header`` names it, A:
        docs/_research/s3-errors.md section 5c); ``feature`` adds, as ``additionalMessage``, what
        pytest-s3sse does not model yet."""
        err = cls()
        err.extra["Header"] = name
        if feature is not None:
            err.extra["additionalMessage"] = f"pytest-s3sse does not model {feature} yet"
        return err


class MethodNotAllowed(S3Error):
    status, code = 405, "MethodNotAllowed"
    default_message = "The specified method is not allowed against this resource."

    def __init__(self, method: str, resource_type: str) -> None:
        super().__init__(extra={"Method": method, "ResourceType": resource_type})


class InvalidRange(S3Error):
    status, code = 416, "InvalidRange"
    default_message = "The requested range is not satisfiable"

    def __init__(self, requested: str, size: int) -> None:
        super().__init__(extra={"RangeRequested": requested, "ActualObjectSize": str(size)})


class PreconditionFailed(S3Error):
    status, code = 412, "PreconditionFailed"
    default_message = "At least one of the pre-conditions you specified did not hold"

    def __init__(self, condition: str) -> None:
        super().__init__(extra={"Condition": condition})


class NotModified(S3Error):
    """304: rendered with no body (botocore reports Code "304"). ``etag`` (unquoted) and
    ``last_modified`` are the object's: the edge sends them as ``ETag`` and ``Last-Modified``, as S3
    does (RFC 9110 section 15.4.5; A, a peer suite verified against AWS: issue 11)."""

    status, code = 304, "NotModified"
    default_message = "Not Modified"

    def __init__(self, etag: str | None = None, last_modified: datetime | None = None) -> None:
        super().__init__()
        self.etag = etag
        self.last_modified = last_modified


class BadDigest(S3Error):
    status, code = 400, "BadDigest"


class InvalidDigest(S3Error):
    status, code = 400, "InvalidDigest"
    default_message = "The Content-MD5 you specified was invalid."


class IncompleteBody(S3Error):
    status, code = 400, "IncompleteBody"
    default_message = (
        "You did not provide the number of bytes specified by the Content-Length HTTP header"
    )


class MalformedTrailerError(S3Error):
    # A (reported): versity/versitygw#1600, #1626, #1690 quote S3's answer to a malformed trailer
    # (no trailer line, an empty name, no ``:``); scality/Arsenal#2596 likewise.
    status, code = 400, "MalformedTrailerError"
    default_message = (
        "The request contained trailing data that was not well-formed or did not conform to our "
        "published schema."
    )


class MissingContentLength(S3Error):
    # P (ErrorResponses: MissingContentLength, 411 Length Required); A (reported) that an aws-chunked
    # body whose x-amz-decoded-content-length is not a number gets it (versitygw#1656).
    status, code = 411, "MissingContentLength"
    default_message = "You must provide the Content-Length HTTP header."


class InvalidPart(S3Error):
    status, code = 400, "InvalidPart"
    default_message = (
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag."
    )


class InvalidPartOrder(S3Error):
    status, code = 400, "InvalidPartOrder"
    default_message = (
        "The list of parts was not in ascending order. Parts must be ordered by part number."
    )


class EntityTooSmall(S3Error):
    status, code = 400, "EntityTooSmall"
    default_message = "Your proposed upload is smaller than the minimum allowed size"


class EntityTooLarge(S3Error):
    status, code = 400, "EntityTooLarge"
    default_message = "Your proposed upload exceeds the maximum allowed size"


class KeyTooLong(S3Error):
    status, code = 400, "KeyTooLongError"
    default_message = "Your key is too long"


class MetadataTooLarge(S3Error):
    status, code = 400, "MetadataTooLarge"
    default_message = "Your metadata headers exceed the maximum allowed metadata size"


class AccessControlListNotSupported(S3Error):
    """An ACL on a write to a bucket whose ACLs are disabled (Object Ownership "bucket owner
    enforced", the default of every new bucket since April 2023). Status and code P (S3 user guide,
    "Troubleshooting" of Object Ownership); message S (cloudyr/aws.s3#435 quotes AWS's answer)."""

    status, code = 400, "AccessControlListNotSupported"
    default_message = "The bucket does not allow ACLs"


class InvalidBucketAclWithObjectOwnership(S3Error):
    """CreateBucket with an ACL that grants more than the owner's full control, on a bucket whose ACLs
    are disabled (P, S3 user guide Object Ownership "Troubleshooting"; message S, quoted from AWS in
    awslabs/game-analytics-pipeline#8 and others)."""

    status, code = 400, "InvalidBucketAclWithObjectOwnership"
    default_message = (
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"
    )


class InternalError(S3Error):
    status, code = 500, "InternalError"
    default_message = "We encountered an internal error. Please try again."


class AccessDenied(S3Error):
    status, code = 403, "AccessDenied"
    default_message = "Access Denied"


class AuthorizationQueryParametersError(S3Error):
    """A presigned URL's query authentication is incomplete or malformed (``s3/rest/presign.py``)."""

    status, code = 400, "AuthorizationQueryParametersError"


class SlowDown(S3Error):
    """KMS throttled the call S3 made for the request (reference W13, A: aws-samples/cql-replicator#92,
    "Status Code: 503; Error Code: SlowDown"). botocore retries it as a throttling error."""

    status, code = 503, "SlowDown"
    default_message = "Please reduce your request rate for operations involving AWS KMS."


class ServiceUnavailable(S3Error):
    """KMS failed on its side (KMSInternalException, KeyUnavailableException ...) while S3 called it
    for the request (U: reference open point 12.5 proposes a retryable 503)."""

    status, code = 503, "ServiceUnavailable"
    default_message = "Please reduce your request rate."


class IllegalLocationConstraint(S3Error):
    status, code = 400, "IllegalLocationConstraintException"


class InvalidLocationConstraint(S3Error):
    status, code = 400, "InvalidLocationConstraint"
    default_message = "The specified location-constraint is not valid"


class InvalidPartNumber(S3Error):
    status, code = 416, "InvalidPartNumber"
    default_message = "The requested partnumber is not satisfiable"


class RequestTimeTooSkewed(S3Error):
    """A header-signed request whose time is more than 15 minutes from the engine clock
    (``verify_signatures``). A: S3's answer quoted whole in aws/aws-sdk-php#612 (2015) and
    versity/versitygw#1514 (2025): 403, this text, and ``RequestTime`` (as sent), ``ServerTime`` and
    ``MaxAllowedSkewMilliseconds`` (900000)."""

    status, code = 403, "RequestTimeTooSkewed"
    default_message = "The difference between the request time and the current time is too large."

    @classmethod
    def of(cls, request_time: str, server_time: str) -> RequestTimeTooSkewed:
        """The error with S3's three extra elements."""
        return cls(
            extra={
                "RequestTime": request_time,
                "ServerTime": server_time,
                "MaxAllowedSkewMilliseconds": "900000",
            }
        )


class XAmzContentSHA256Mismatch(S3Error):
    """A signed payload hash (``x-amz-content-sha256``) that is not the body's SHA-256
    (``verify_signatures``). A: S3's answers quoted whole in postmanlabs/postman-app-support#3680
    (2017) and 10up/snapshots#25 (2023): 400, this text, ``ClientComputedContentSHA256`` then
    ``S3ComputedContentSHA256``."""

    status, code = 400, "XAmzContentSHA256Mismatch"
    default_message = "The provided 'x-amz-content-sha256' header does not match what was computed."

    @classmethod
    def of(cls, provided: str, computed: str) -> XAmzContentSHA256Mismatch:
        """The error with the two hashes."""
        return cls(
            extra={
                "ClientComputedContentSHA256": provided,
                "S3ComputedContentSHA256": computed,
            }
        )


class SignatureDoesNotMatch(S3Error):
    """The request's signature is not the one its access key's secret gives (``verify_signatures``).

    S: the text AWS sends, quoted in aws/aws-cli's issue template "SignatureDoesNotMatch error report";
    the extra elements ``AWSAccessKeyId``, ``StringToSign``, ``SignatureProvided``,
    ``StringToSignBytes`` and, for SigV4, ``CanonicalRequest`` / ``CanonicalRequestBytes``: S (S3's
    answers quoted in SDK issues) and T (LocalStack's S3 presign validation)."""

    status, code = 403, "SignatureDoesNotMatch"
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )

    @classmethod
    def of(
        cls,
        access_key_id: str,
        string_to_sign: str,
        signature_provided: str,
        canonical_request: str | None,
    ) -> SignatureDoesNotMatch:
        """The error with S3's extra elements (the bytes as S3 shows them: two hex digits each)."""
        extra = {
            "AWSAccessKeyId": access_key_id,
            "StringToSign": string_to_sign,
            "SignatureProvided": signature_provided,
            "StringToSignBytes": " ".join(f"{b:02x}" for b in string_to_sign.encode()),
        }
        if canonical_request is not None:
            extra["CanonicalRequest"] = canonical_request
            extra["CanonicalRequestBytes"] = " ".join(
                f"{b:02x}" for b in canonical_request.encode()
            )
        return cls(extra=extra)


class InvalidAccessKeyId(S3Error):
    """The access key is not one the engine knows (``verify_signatures``; P, "Amazon S3 error
    responses": 403 InvalidAccessKeyId, "The AWS access key ID you provided does not exist in our
    records."; S the exact capitalisation "Access Key Id" and the ``AWSAccessKeyId`` element, as S3's
    answers are quoted in SDK issues; T LocalStack's S3 presign validation)."""

    status, code = 403, "InvalidAccessKeyId"
    default_message = "The AWS Access Key Id you provided does not exist in our records."

    def __init__(self, access_key_id: str) -> None:
        super().__init__(extra={"AWSAccessKeyId": access_key_id})


class InvalidToken(S3Error):
    """A role session's request whose session token is not the session's (``verify_signatures``;
    P, "Amazon S3 error responses": 400 InvalidToken "The provided token is malformed or otherwise
    invalid.")."""

    status, code = 400, "InvalidToken"
    default_message = "The provided token is malformed or otherwise invalid."

    def __init__(self, token: str) -> None:
        super().__init__(extra={"Token-0": token})


class MalformedPolicy(S3Error):
    """PutBucketPolicy of a document S3 refuses; the message names the mistake (policy-behaviour.md
    4.4, M1-M17: A for M1-M5 and M7, S for M6, U for the rest; docs/errors.md lists each)."""

    status, code = 400, "MalformedPolicy"


class PolicyTooLarge(S3Error):
    """A bucket policy over 20 KB once whitespace is normalised (P limit, U code and text: M16)."""

    status, code = 400, "PolicyTooLarge"
    default_message = "Policy exceeds the maximum allowed document size."


class NoSuchBucketPolicy(S3Error):
    """GetBucketPolicy of a bucket without a policy (A, LocalStack snapshot
    test_bucket_policy_crud; policy-behaviour.md 4.4)."""

    status, code = 404, "NoSuchBucketPolicy"
    default_message = "The bucket policy does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class NoSuchPublicAccessBlockConfiguration(S3Error):
    """GetPublicAccessBlock of a bucket without a Block Public Access configuration (code P: the
    API reference's error; text T/S: moto, versitygw and tools that record AWS's answers)."""

    status, code = 404, "NoSuchPublicAccessBlockConfiguration"
    default_message = "The public access block configuration was not found"

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class NoSuchVersion(S3Error):
    """A version id S3 issued that names no version any more (E3, A: LocalStack snapshot
    test_delete_object_versioned/get-deleted-object-with-version)."""

    status, code = 404, "NoSuchVersion"
    default_message = "The specified version does not exist."

    def __init__(self, key: str, version_id: str) -> None:
        super().__init__(extra={"Key": key, "VersionId": version_id})


class IllegalVersioningConfiguration(S3Error):
    """V4, A: LocalStack snapshot test_bucket_versioning_crud (an empty VersioningConfiguration)."""

    status, code = 400, "IllegalVersioningConfigurationException"
    default_message = "The Versioning element must be specified"


def invalid_version_id(version_id: str) -> InvalidArgument:
    """E1/E2, A: LocalStack snapshots test_get_object_with_version_unversioned_bucket and
    test_delete_object_versioned (a version id S3 never issued)."""
    return InvalidArgument("Invalid version id specified", "versionId", version_id)


class InvalidTag(S3Error):
    """A tag S3 refuses (P: ErrorResponses, "Your request contains tag input that is not valid. For
    example, your request might contain duplicate keys, keys or values that are too long, or system
    tags"); each text's source is beside the rule that raises it (``s3/tagging.py``)."""

    status, code = 400, "InvalidTag"


class BadRequest(S3Error):
    """Too many tags: S3 answers 400 ``BadRequest`` (S: hashicorp/terraform-provider-aws#19895 and
    #41747 quote "Object tags cannot be greater than 10" from AWS)."""

    status, code = 400, "BadRequest"


class NoSuchTagSet(S3Error):
    """GetBucketTagging of a bucket without tags (code and status P: ErrorResponses; text T: moto,
    and S: tools that match AWS's answer "The TagSet does not exist")."""

    status, code = 404, "NoSuchTagSet"
    default_message = "The TagSet does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class InvalidBucketState(S3Error):
    """A request the bucket's state forbids: 409 (V7, PutBucketVersioning Suspended while a
    replication configuration is present: A, nozaq/terraform-aws-remote-state-s3-backend#59; the
    code and status P: ErrorResponses)."""

    status, code = 409, "InvalidBucketState"


class ReplicationConfigurationNotFoundError(S3Error):
    """GetBucketReplication of a bucket without a replication configuration (A: LocalStack snapshot
    test_replication_config; P: ErrorResponses; reference replication-behaviour.md 2.4)."""

    status, code = 404, "ReplicationConfigurationNotFoundError"
    default_message = "The replication configuration was not found"

    def __init__(self, bucket: str) -> None:
        super().__init__(extra={"BucketName": bucket})


class InvalidStorageClass(S3Error):
    """A storage class S3 does not accept there (A for PutObject: LocalStack snapshot
    test_put_object_storage_class_outposts, docs/_research/s3-errors.md; U for a replication
    destination's StorageClass, by analogy)."""

    status, code = 400, "InvalidStorageClass"
    default_message = "The storage class you specified is not valid"

    def __init__(self, requested: str) -> None:
        super().__init__(extra={"StorageClassRequested": requested})


class MaxMessageLengthExceeded(S3Error):
    """A request document over its size limit (the code and text P: ErrorResponses, "Your request was
    too big."; U that S3 answers it to a replication configuration over 2 MB)."""

    status, code = 400, "MaxMessageLengthExceeded"
    default_message = "Your request was too big."


class InvalidPolicyDocument(S3Error):
    """A POST form upload whose policy is no POST policy (``s3/rest/post_policy.py``): code and status
    P (ErrorResponses, "The content of the form does not meet the conditions specified in the policy
    document"); each text's source is beside the check that raises it."""

    status, code = 400, "InvalidPolicyDocument"


class MalformedPOSTRequest(S3Error):
    """A POST form upload whose body is not multipart/form-data (P: ErrorResponses)."""

    status, code = 400, "MalformedPOSTRequest"
    default_message = "The body of your POST request is not well-formed multipart/form-data."


class MaxPostPreDataLengthExceeded(S3Error):
    """The fields before a POST form upload's file are over 20 KiB (S: AWS's answer quoted in
    benefitcloud/ember-uploader#45, with ``MaxPostPreDataLengthBytes`` 20480 and AWS's spelling)."""

    status, code = 400, "MaxPostPreDataLengthExceeded"
    default_message = "Your POST request fields preceeding the upload file was too large."
    limit = 20480

    def __init__(self) -> None:
        super().__init__(extra={"MaxPostPreDataLengthBytes": str(self.limit)})
