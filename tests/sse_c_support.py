"""Keys and request arguments shared by the SSE-C tests (``tests/test_ssec*.py``).

``KEY`` and ``OTHER_KEY`` are the keys of LocalStack's AWS-validated ``TestS3SSECEncryption``
recordings, so the MD5 the engine echoes can be compared with what AWS answered.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from support import error as error  # noqa: PLC0414 - shared with every test module

KEY = b"1234567890abcdef1234567890abcdef"
OTHER_KEY = b"abcdef1234567890abcdef1234567890"
KEY_MD5 = "JMwgiexXqwuPqIPjYFmIZQ=="  # recorded by AWS for KEY (reference section 5.1)
ALGORITHM = "AES256"

# Texts (aws-sse-behaviour.md sections 2.2, 3 and 4).
MSG_INCOMPATIBLE = "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"
MSG_BAD_ALGORITHM = "The Encryption request you specified is not valid. Supported value: AES256."
MSG_NO_ALGORITHM = "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm."
MSG_NO_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key."
MSG_BAD_KEY = "The secret key was invalid for the specified algorithm."
MSG_MD5_MISMATCH = "The calculated MD5 hash of the key did not match the hash that was provided."
MSG_NO_MD5 = "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key."
MSG_INSECURE = "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection."
MSG_KEY_REQUIRED = "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."
MSG_WRONG_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key."
MSG_NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
MSG_PART_PARAMETERS = "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters."
MSG_PART_KEY_MISMATCH = "The provided encryption parameters did not match the ones used originally."


def blocked_message(principal: str, bucket: str, key: str) -> str:
    """C9's 403 text (aws-sse-behaviour.md section 2.2)."""
    return (
        f'User: {principal} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::'
        f'{bucket}/{key}" because this bucket has blocked upload requests that specify Server Side '
        "Encryption with Customer provided keys (SSE-C). Please specify a different server-side "
        "encryption type"
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def md5_b64(data: bytes) -> str:
    return b64(hashlib.md5(data).digest())


def sse_c(key: bytes | str = KEY, algorithm: str = ALGORITHM) -> dict[str, Any]:
    """SSE-C arguments as applications pass them: boto3 base64-encodes the key and adds its MD5."""
    return {"SSECustomerAlgorithm": algorithm, "SSECustomerKey": key}


def copy_source_sse_c(key: bytes = KEY, algorithm: str = ALGORITHM) -> dict[str, Any]:
    """The copy source's SSE-C arguments (``x-amz-copy-source-server-side-encryption-customer-*``)."""
    return {"CopySourceSSECustomerAlgorithm": algorithm, "CopySourceSSECustomerKey": key}


def raw_sse_c(key_b64: str, md5: str, algorithm: str = ALGORITHM) -> dict[str, Any]:
    """SSE-C headers exactly as given: with the MD5 set, botocore sends the key unchanged."""
    return {
        "SSECustomerAlgorithm": algorithm,
        "SSECustomerKey": key_b64,
        "SSECustomerKeyMD5": md5,
    }


def unblock_sse_c(s3: Any, bucket: str) -> None:
    """What an application must do since April 2026 before it writes SSE-C objects to a new bucket."""
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]},
                }
            ]
        },
    )
