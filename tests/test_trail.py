"""The CloudTrail-shaped trail (issue 14): S3 data events, S3's KMS calls, failures and identities.

Sources are the rows of /work/shared/reference/audit-behaviour.md (E*, I*, X*, F*, M*; section 2.2) and
aws-sse-behaviour.md §10, labelled as in docs/trail.md (A recorded from AWS, P AWS docs, U proposed).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from kms_support import kms_default, sse_kms
from sse_c_support import sse_c

ANONYMOUS = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1})


def only(records, **fields):
    found = [r for r in records if all(r.get(k) == v for k, v in fields.items())]
    assert len(found) == 1, found
    return found[0]


def test_a_put_object_record_has_cloudtrails_data_event_envelope(s3sse, s3, bucket):
    # A GT, WL, AS: eventSource, eventType, managementEvent, eventCategory of S3 data events; E6 (P)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["eventVersion"] == "1.11"
    assert record["eventSource"] == "s3.amazonaws.com"
    assert record["eventType"] == "AwsApiCall"
    assert record["managementEvent"] is False
    assert record["eventCategory"] == "Data"
    assert record["readOnly"] is False
    assert record["awsRegion"] == s3sse.region
    assert record["recipientAccountId"] == s3sse.account_id


def test_event_time_is_the_engine_clock_in_whole_seconds(s3sse, s3, bucket):
    # A GT: YYYY-MM-DDTHH:MM:SSZ, no fraction
    s3sse.clock.advance(days=3)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["eventTime"] == s3sse.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_request_id_is_s3s_and_event_id_a_uuid(s3sse, s3, bucket):
    # A GT: requestID is S3's x-amz-request-id; eventID a UUID
    answer = s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["requestID"] == answer["ResponseMetadata"]["RequestId"]
    assert uuid.UUID(record["eventID"]).version == 4
    assert record["additionalEventData"]["x-amz-id-2"] == answer["ResponseMetadata"]["HostId"]


def test_event_ids_are_reproducible_from_the_seed():
    from pytest_s3sse import S3SSE  # noqa: PLC0415

    def ids():
        import boto3  # noqa: PLC0415

        with S3SSE(seed=7) as engine:
            client = boto3.client("s3", region_name="us-east-1")
            client.create_bucket(Bucket="bkt")
            client.put_object(Bucket="bkt", Key="k", Body=b"x")
            return [r["eventID"] for r in engine.trail.records]

    assert ids() == ids()


def test_user_agent_is_in_square_brackets_on_s3_records(s3sse, s3, bucket):
    # A GT, WL: S3 records bracket the user agent; KMS records carry it bare
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert re.fullmatch(r"\[.*Botocore/.*\]", record["userAgent"])
    assert record["sourceIPAddress"] == "127.0.0.1"  # U (proposed)


def test_object_and_bucket_resources_only_the_bucket_has_an_account(s3sse, s3, bucket):
    # A GT, WL, AS: the object resource has no accountId, the bucket resource has one
    s3.put_object(Bucket=bucket, Key="a/b.txt", Body=b"x")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["resources"] == [
        {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::bkt/a/b.txt"},
        {"accountId": s3sse.account_id, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::bkt"},
    ]


def test_request_parameters_name_bucket_host_key_and_the_sse_headers_sent(s3sse, s3, bucket, key):
    # A WL, P S3-UG: bucketName, Host (capital H), key + the SSE headers as sent (X4: not resolved)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(key["KeyId"]))
    params = only(s3sse.trail.records, eventName="PutObject")["requestParameters"]
    assert params == {
        "bucketName": bucket,
        "Host": f"{bucket}.s3.amazonaws.com",
        "key": "k",
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["KeyId"],
    }


def test_an_sse_kms_put_echoes_the_key_arn_and_says_sse_kms_applied(s3sse, s3, bucket, key):
    # X4 (P S3-UG; U: ARN echoed as in the HTTP answer); SSEApplied SSE_KMS
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(key["KeyId"]))
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["responseElements"] == {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": key["Arn"],
    }
    assert record["additionalEventData"]["SSEApplied"] == "SSE_KMS"


@pytest.mark.parametrize(
    ("args", "applied"),
    [
        ({}, "Default_SSE_S3"),  # X1 (P)
        ({"ServerSideEncryption": "AES256"}, "SSE_S3"),  # X3 (A TV)
    ],
)
def test_sse_applied_tells_a_default_from_an_explicit_request(s3sse, s3, bucket, args, applied):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **args)
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["additionalEventData"]["SSEApplied"] == applied


def test_a_default_sse_kms_put_says_default_sse_kms(s3sse, s3, bucket, key):
    # X2 (A WL): no SSE keys in requestParameters, Default_SSE_KMS
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["Arn"])
    )
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    record = only(s3sse.trail.records, eventName="PutObject")
    assert "x-amz-server-side-encryption" not in record["requestParameters"]
    assert record["additionalEventData"]["SSEApplied"] == "Default_SSE_KMS"


def test_a_get_of_an_encrypted_object_logs_no_response_and_no_sse_applied(s3sse, s3, bucket, key):
    # X8 (A GT; P CT-UG "If an action does not change state ... this element is omitted")
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello", **sse_kms(key["KeyId"]))
    s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    record = only(s3sse.trail.records, eventName="GetObject")
    assert record["responseElements"] is None
    assert "SSEApplied" not in record["additionalEventData"]
    assert record["readOnly"] is True
    assert record["additionalEventData"]["bytesTransferredOut"] == 5


def test_bytes_transferred_in_is_the_body_size(s3sse, s3, bucket):
    # 2.4 (A GT, WL): JSON numbers
    s3.put_object(Bucket=bucket, Key="k", Body=b"x" * 1234)
    extra = only(s3sse.trail.records, eventName="PutObject")["additionalEventData"]
    assert extra["bytesTransferredIn"] == 1234
    assert extra["SignatureVersion"] == "SigV4"
    assert extra["AuthenticationMethod"] == "AuthHeader"


def test_a_presigned_get_logs_query_string_auth_and_never_the_signature(
    s3sse, s3, bucket, make_client
):
    # 2.2 (A GT): presign X-Amz-Date/Algorithm/SignedHeaders/Expires logged, never Credential/Signature
    import requests  # noqa: PLC0415

    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    signer = make_client(config=Config(signature_version="s3v4"))
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    assert requests.get(url, timeout=5).status_code == 200
    record = only(s3sse.trail.records, eventName="GetObject")
    params = record["requestParameters"]
    assert "X-Amz-Expires" in params
    assert "X-Amz-Algorithm" in params
    assert "X-Amz-Signature" not in params
    assert "X-Amz-Credential" not in params
    assert record["additionalEventData"]["AuthenticationMethod"] == "QueryString"


def test_delete_objects_logs_no_key_names_and_an_arn_prefix(s3sse, s3, bucket):
    # P S3-UG: "CloudTrail does not log key names for the keys that are deleted using the Delete
    # Multiple Objects operation"; S SRT: ARNPrefix
    s3.put_object(Bucket=bucket, Key="secret-name", Body=b"x")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "secret-name"}]})
    record = only(s3sse.trail.records, eventName="DeleteObjects")
    assert "secret-name" not in json.dumps(record)
    assert record["requestParameters"]["delete"] == ""
    assert record["resources"][0] == {"type": "AWS::S3::Object", "ARNPrefix": "arn:aws:s3:::bkt/"}
    assert record["responseElements"] is None


def test_bucket_configuration_calls_are_management_events(s3sse, s3, bucket):
    # M1 (P S3-UG): PutBucketEncryption ... are management events; M3: the subresource as ""
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    record = only(s3sse.trail.records, eventName="PutBucketEncryption")
    assert record["managementEvent"] is True
    assert record["eventCategory"] == "Management"
    assert record["requestParameters"]["encryption"] == ""
    assert record["resources"] == [
        {"accountId": s3sse.account_id, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::bkt"}
    ]


def test_an_sse_c_put_logs_the_algorithm_and_never_the_key_or_its_md5(s3sse, s3, ssec_bucket):
    # X5: the key is never logged (P); the MD5 is not logged either (U: the engine never keeps it,
    # issue 11 hygiene)
    s3.put_object(Bucket=ssec_bucket, Key="k", Body=b"x", **sse_c())
    record = only(s3sse.trail.records, eventName="PutObject")
    params = record["requestParameters"]
    assert params["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    assert not any(name.endswith(("-key", "-key-md5")) for name in params)
    assert record["additionalEventData"]["SSEApplied"] == "SSE_C"
    assert not any(n.endswith("-key-md5") for n in record["responseElements"] or {})


# -- S3's KMS calls (aws-sse-behaviour.md §10) -------------------------------------------------


def test_an_sse_kms_put_adds_a_generate_data_key_record_with_s3s_request_id(s3sse, s3, bucket, key):
    # §10 (P ct-generatedatakey; A/S captures: invokedBy fas.s3.amazonaws.com)
    answer = s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(key["KeyId"]))
    record = only(s3sse.trail.records, eventName="GenerateDataKey")
    assert record["eventSource"] == "kms.amazonaws.com"
    assert record["requestID"] == answer["ResponseMetadata"]["RequestId"]
    assert record["userIdentity"]["invokedBy"] == "fas.s3.amazonaws.com"
    assert record["sourceIPAddress"] == "fas.s3.amazonaws.com"
    assert record["userAgent"] == "fas.s3.amazonaws.com"
    assert record["requestParameters"] == {
        "keyId": key["Arn"],
        "keySpec": "AES_256",
        "encryptionContext": {"aws:s3:arn": "arn:aws:s3:::bkt/k"},
    }
    assert record["responseElements"] is None
    assert record["readOnly"] is True
    assert record["managementEvent"] is True
    assert record["eventCategory"] == "Management"
    assert record["resources"] == [
        {"accountId": s3sse.account_id, "type": "AWS::KMS::Key", "ARN": key["Arn"]}
    ]


def test_an_sse_kms_get_adds_a_decrypt_record_with_the_algorithm(s3sse, s3, bucket, key):
    # §10 (P ct-decrypt): encryptionContext and encryptionAlgorithm, no keyId
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(key["KeyId"]))
    s3.get_object(Bucket=bucket, Key="k")["Body"].read()
    record = only(s3sse.trail.records, eventName="Decrypt")
    assert record["requestParameters"] == {
        "encryptionContext": {"aws:s3:arn": "arn:aws:s3:::bkt/k"},
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
    }


def test_a_bucket_key_logs_one_generate_data_key_for_many_puts(s3sse, s3, bucket, key):
    # §10 (P Bucket keys UG): one GenerateDataKey per bucket-key lifetime; context = the bucket ARN
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration=kms_default(key["Arn"], bucket_key=True),
    )
    for name in "abc":
        s3.put_object(Bucket=bucket, Key=name, Body=b"x")
    record = only(s3sse.trail.records, eventName="GenerateDataKey")
    assert record["requestParameters"]["encryptionContext"] == {"aws:s3:arn": "arn:aws:s3:::bkt"}


def test_sse_s3_and_sse_c_cause_no_kms_records(s3sse, s3, ssec_bucket):
    # §10: "SSE-S3 and SSE-C cause no KMS events"
    s3.put_object(Bucket=ssec_bucket, Key="a", Body=b"x")
    s3.put_object(Bucket=ssec_bucket, Key="b", Body=b"x", **sse_c())
    assert s3sse.trail.filter(event_source="kms") == []


# -- identities and failures -------------------------------------------------------------------


def test_an_anonymous_caller_is_an_aws_account_named_anonymous(s3sse, s3, bucket, make_client):
    # I4 (A GT): no SignatureVersion and no AuthenticationMethod; F1: AccessDenied is logged
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError):
        make_client(config=ANONYMOUS).get_object(Bucket=bucket, Key="k")
    record = only(s3sse.trail.records, eventName="GetObject")
    assert record["userIdentity"] == {
        "type": "AWSAccount",
        "principalId": "",
        "accountId": "anonymous",
    }
    assert "SignatureVersion" not in record["additionalEventData"]
    assert "AuthenticationMethod" not in record["additionalEventData"]
    assert record["errorCode"] == "AccessDenied"
    assert record["errorMessage"] == "Access Denied"  # F1 (A GT)
    assert record["responseElements"] is None
    assert record["recipientAccountId"] == s3sse.account_id


def test_an_iam_user_is_logged_with_its_name_and_access_key(s3sse, bucket, make_client):
    # I1 (P CT-UG)
    creds = s3sse.principal(f"arn:aws:iam::{s3sse.account_id}:user/ci")
    client = make_client(**creds)
    client.put_object(Bucket=bucket, Key="k", Body=b"x")
    who = only(s3sse.trail.records, eventName="PutObject")["userIdentity"]
    assert who["type"] == "IAMUser"
    assert who["userName"] == "ci"
    assert who["principalId"].startswith("AIDA")
    assert who["accessKeyId"] == creds["aws_access_key_id"]
    assert who["arn"] == f"arn:aws:iam::{s3sse.account_id}:user/ci"


def test_an_assumed_role_carries_its_session_issuer(s3sse, bucket, make_client):
    # I3 (A WL)
    role = f"arn:aws:iam::{s3sse.account_id}:role/app-writer"
    client = make_client(**s3sse.principal(role, session_name="ci-session"))
    client.put_object(Bucket=bucket, Key="k", Body=b"x")
    who = only(s3sse.trail.records, eventName="PutObject")["userIdentity"]
    assert who["type"] == "AssumedRole"
    assert who["arn"] == f"arn:aws:sts::{s3sse.account_id}:assumed-role/app-writer/ci-session"
    issuer = who["sessionContext"]["sessionIssuer"]
    assert issuer["arn"] == role
    assert issuer["userName"] == "app-writer"
    assert who["principalId"] == f"{issuer['principalId']}:ci-session"


@pytest.mark.s3sse(verify_signatures=True)
def test_a_request_failing_authentication_is_not_logged(s3sse, make_client):
    # E11 (P S3-DG): "CloudTrail does not deliver logs for requests that fail authentication"
    creds = s3sse.principal(f"arn:aws:iam::{s3sse.account_id}:user/ci")
    make_client(**creds).create_bucket(Bucket="bkt")
    bad = make_client(**{**creds, "aws_secret_access_key": "wrong"})
    with pytest.raises(ClientError, match="SignatureDoesNotMatch"):
        bad.put_object(Bucket="bkt", Key="k", Body=b"x")
    assert [r["eventName"] for r in s3sse.trail.records] == ["CreateBucket"]


def test_a_cross_account_request_is_delivered_to_both_accounts_with_a_shared_id(
    s3sse, s3, bucket, make_client
):
    # E10 (P S3-UG, CT-UG): the requester's and the bucket owner's copies share sharedEventID
    other = "210987654321"
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::bkt/*",
                    }
                ],
            }
        ),
    )
    client = make_client(**s3sse.principal(f"arn:aws:iam::{other}:user/partner"))
    client.put_object(Bucket=bucket, Key="k", Body=b"x")
    copies = s3sse.trail.filter(event_name="PutObject")
    assert sorted(r["recipientAccountId"] for r in copies) == sorted([other, s3sse.account_id])
    assert copies[0]["sharedEventID"] == copies[1]["sharedEventID"]
    assert copies[0]["eventID"] != copies[1]["eventID"]


def test_an_s3_error_caused_by_kms_gives_both_records(s3sse, s3, kms, bucket, key):
    # F4 (U): the S3 record with S3's code, the KMS record with KMS's
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", **sse_kms(key["KeyId"]))
    s3_record = only(s3sse.trail.records, eventName="PutObject")
    kms_record = only(s3sse.trail.records, eventName="GenerateDataKey")
    assert s3_record["errorCode"] == "KMS.DisabledException"
    assert kms_record["errorCode"] == "DisabledException"
    assert kms_record["errorMessage"]
    assert kms_record["requestID"] == s3_record["requestID"]


def test_create_multipart_upload_says_sse_applied_and_its_parts_do_not(s3sse, s3, bucket, key):
    # P S3-UG bucket-encryption-tracking: "For multipart uploads, this information is included in
    # your InitiateMultipartUpload API operation requests"; UploadPart/Complete: none (U)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="m", **sse_kms(key["KeyId"]))
    etag = s3.upload_part(
        Bucket=bucket, Key="m", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 10
    )["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="m",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    records = s3sse.trail.filter(event_source="s3", object_key="m")
    applied = {r["eventName"]: r["additionalEventData"].get("SSEApplied") for r in records}
    assert applied == {
        "CreateMultipartUpload": "SSE_KMS",
        "UploadPart": None,
        "CompleteMultipartUpload": None,
    }
    part = only(records, eventName="UploadPart")
    assert part["requestParameters"]["partNumber"] == "1"  # 8.1 (U): query parameters as strings
    assert part["requestParameters"]["uploadId"] == upload["UploadId"]
    assert part["additionalEventData"]["bytesTransferredIn"] == 10


def test_a_copy_logs_its_source_and_the_targets_sse_applied(s3sse, s3, bucket):
    # S SRT: x-amz-copy-source in requestParameters; SSEApplied on CopyObject (U, 8.3)
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", ServerSideEncryption="AES256"
    )
    record = only(s3sse.trail.records, eventName="CopyObject")
    assert record["requestParameters"]["x-amz-copy-source"] == f"{bucket}/src"
    assert record["requestParameters"]["key"] == "dst"
    assert record["additionalEventData"]["SSEApplied"] == "SSE_S3"


def test_a_dsse_kms_put_says_dsse_kms_applied(s3sse, s3, bucket, key):
    # X6 (U, proposed DSSE_KMS)
    s3.put_object(
        Bucket=bucket,
        Key="d",
        Body=b"x",
        ServerSideEncryption="aws:kms:dsse",
        SSEKMSKeyId=key["Arn"],
    )
    record = only(s3sse.trail.records, eventName="PutObject")
    assert record["additionalEventData"]["SSEApplied"] == "DSSE_KMS"
    assert record["responseElements"]["x-amz-server-side-encryption"] == "aws:kms:dsse"


def test_a_kms_request_refused_before_any_key_is_resolved_is_still_logged(s3sse, kms):
    # §10: failed calls carry errorCode and errorMessage; no key, so no resources
    with pytest.raises(ClientError) as info:
        kms.generate_data_key(KeyId="alias/missing", KeySpec="AES_256")
    code = info.value.response["Error"]["Code"]
    record = only(s3sse.trail.records, eventName="GenerateDataKey")
    assert record["errorCode"] == code
    assert record["requestParameters"] == {"keyId": "alias/missing", "keySpec": "AES_256"}


def test_the_access_key_is_logged_for_the_default_principal_too(s3sse, s3, bucket):
    # I1 (P CT-UG): accessKeyId is the key the request was signed with
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    who = only(s3sse.trail.records, eventName="PutObject")["userIdentity"]
    assert who["type"] == "Root"
    assert who["accessKeyId"] == "AKIDTEST"


def test_put_bucket_encryption_logs_the_rule_it_was_sent(s3sse, s3, bucket, key):
    # M5 (U: built from M3's pattern: the subresource as "" and the parsed body)
    s3.put_bucket_encryption(
        Bucket=bucket, ServerSideEncryptionConfiguration=kms_default(key["KeyId"], bucket_key=True)
    )
    params = only(s3sse.trail.records, eventName="PutBucketEncryption")["requestParameters"]
    assert params["ServerSideEncryptionConfiguration"] == {
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
        "Rule": {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": key["KeyId"],
            },
            "BucketKeyEnabled": True,
        },
    }


def test_put_bucket_policy_logs_the_policy_as_an_object(s3sse, s3, bucket):
    # M4 (T: panther-labs fixtures; U for today's format): bucketPolicy, "policy": ""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    record = only(s3sse.trail.records, eventName="PutBucketPolicy")
    assert record["requestParameters"]["bucketPolicy"] == policy
    assert record["requestParameters"]["policy"] == ""
    assert record["responseElements"] is None
