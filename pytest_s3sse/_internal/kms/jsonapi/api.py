"""Protocol edge: the KMS API (awsJson1_1). HTTP request in, routed to the service, HTTP response out.

A KMS request is ``POST /`` with ``X-Amz-Target: TrentService.<Operation>`` and a JSON body; the answer
is JSON (``application/x-amz-json-1.1``) with an ``x-amzn-RequestId`` header. Errors are rendered here,
once, as ``{"__type": "<Code>", "message": "<text>"}`` with the error's status (400 for client errors,
reference 9.1). The region comes from the SigV4 credential scope, the account from the access key.
Operations that pytest-s3sse does not model answer 501 ``NotImplemented`` naming the operation, never a
made-up success.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pytest_s3sse._internal.audit import EventStream, Exchanges, KmsExchange, RequestRecord
from pytest_s3sse._internal.context import Identify, RequestContext
from pytest_s3sse._internal.entropy import Entropy
from pytest_s3sse._internal.errors import AwsError
from pytest_s3sse._internal.errors.kms import (
    MissingAuthenticationTokenException,
    NotImplementedKms,
    SerializationException,
    UnknownOperationException,
    ValidationException,
)
from pytest_s3sse._internal.http import HttpRequest, HttpResponse
from pytest_s3sse._internal.kms.grants import Constraints, GrantRequest, check_tokens
from pytest_s3sse._internal.kms.jsonapi import render
from pytest_s3sse._internal.kms.jsonapi.asymmetric import ASYMMETRIC_HANDLERS
from pytest_s3sse._internal.kms.jsonapi.key_material import KEY_MATERIAL_HANDLERS
from pytest_s3sse._internal.kms.jsonapi.shapes import validate
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import Caller, Tag
from pytest_s3sse._internal.sigv4 import credential_scope

JSON = "application/x-amz-json-1.1"
TARGET_PREFIX = "TrentService."
Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[KmsService, Params, Caller], Result]
# Every operation of the KMS API (P, botocore model); those without a handler answer 501.
KMS_OPERATIONS = frozenset(
    {
        "CancelKeyDeletion", "ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore",
        "CreateGrant", "CreateKey", "Decrypt", "DeleteAlias", "DeleteCustomKeyStore",
        "DeleteImportedKeyMaterial", "DeriveSharedSecret", "DescribeCustomKeyStores", "DescribeKey",
        "DisableKey", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKey",
        "EnableKeyRotation", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
        "GenerateRandom", "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus",
        "GetParametersForImport", "GetPublicKey", "ImportKeyMaterial", "ListAliases", "ListGrants",
        "ListKeyPolicies", "ListKeyRotations", "ListKeys", "ListResourceTags",
        "ListRetirableGrants", "PutKeyPolicy", "ReEncrypt", "ReplicateKey", "RetireGrant",
        "RevokeGrant", "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign", "TagResource",
        "UntagResource", "UpdateAlias", "UpdateCustomKeyStore", "UpdateKeyDescription",
        "UpdatePrimaryRegion", "Verify", "VerifyMac",
    }
)  # fmt: skip
# The request members a KMS CloudTrail record logs (P, KMS DG ct-* pages; audit-behaviour.md 3 and
# aws-sse-behaviour.md 10): never Plaintext, CiphertextBlob or a grant token.
LOGGED_PARAMS = frozenset(
    {
        "KeyId", "KeySpec", "NumberOfBytes", "EncryptionContext", "EncryptionAlgorithm",
        "SourceKeyId", "SourceEncryptionContext", "SourceEncryptionAlgorithm", "DestinationKeyId",
        "DestinationEncryptionContext", "DestinationEncryptionAlgorithm", "AliasName", "TargetKeyId",
        "Description", "KeyUsage", "CustomerMasterKeySpec", "Origin", "MultiRegion", "Tags",
        "BypassPolicyLockoutSafetyCheck", "Policy", "PolicyName", "PendingWindowInDays",
        "RotationPeriodInDays", "GranteePrincipal", "RetiringPrincipal", "Operations", "Constraints",
        "Name", "GrantId", "KeyPairSpec", "MacAlgorithm", "TagKeys", "SigningAlgorithm",
        "MessageType", "KeyAgreementAlgorithm", "WrappingAlgorithm", "WrappingKeySpec",
        "ExpirationModel", "ValidTo", "ImportType", "KeyMaterialId", "ReplicaRegion",
        "PrimaryRegion",
    }
)  # fmt: skip
# The response members a KMS CloudTrail record logs, per operation (P, ct-createkey, ct-creategrant,
# ct-schedule-key-deletion); every other operation logs none of its response here (the trail adds
# the Dec 2022 ``keyId``): a data key or a plaintext is never logged.
LOGGED_RESULTS = {
    "CreateKey": ("KeyMetadata",),
    "CreateGrant": ("GrantId",),
    "ScheduleKeyDeletion": ("KeyId", "KeyState", "DeletionDate", "PendingWindowInDays"),
}


class KmsApi:
    """Routes KMS requests through the gate to the service, renders results and errors, and records
    each request: route -> authorise -> handle -> render -> record."""

    def __init__(
        self,
        service: KmsService,
        *,
        default_region: str,
        identify: Identify,
        entropy: Entropy,
        events: EventStream,
        authenticate: Callable[[HttpRequest], None] | None = None,
        exchanges: Exchanges | None = None,
    ) -> None:
        self.service = service
        # The trail's per-request details (None: the trail is off, nothing is copied per request).
        self.exchanges = exchanges
        self.default_region = default_region
        self.identify = identify
        self.entropy = entropy
        self.events = events
        # The engine's signature check (verify_signatures), None when signatures are not verified.
        self.authenticate = authenticate

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one KMS request, and record it."""
        request_id = self.entropy.uuid4()
        scope = credential_scope(request)
        region = scope[1] if scope is not None else self.default_region
        context = self.identify(request, request_id=request_id, region=region)
        operation: str | None = None
        error: AwsError | None = None
        params: Params = {}
        result: Result | None = None
        try:
            if self.authenticate is not None:
                self.authenticate(request)  # identify -> authenticate -> route -> authorise
            operation = _operation(request)
            handler = HANDLERS.get(operation)
            if handler is None:
                raise NotImplementedKms.operation(operation)
            authorize(context)
            params = validate(operation, _body(request))
            if "GrantTokens" in params:
                check_tokens(params["GrantTokens"])  # shape only: grants take effect at once
            result = handler(self.service, params, Caller.of(context))
            response = _json(200, result)
        except AwsError as err:
            error = err
            response = _json(err.status, {"__type": err.code, "message": err.message})
            response.headers.update(err.headers)
        response.headers["x-amzn-requestid"] = request_id
        if self.exchanges is not None:
            self.exchanges.append(_exchange(request_id, operation, params, result))
        self.events.emit(
            RequestRecord(
                "kms",
                operation,
                context,
                response.status,
                error.code if error is not None else None,
                error.message if error is not None else None,
            )
        )
        return response


def _exchange(
    request_id: str, operation: str | None, params: Params, result: Result | None
) -> KmsExchange:
    """The trail's copy of a KMS request: the logged members only (never a plaintext, a ciphertext
    or a data key)."""
    logged = {
        k: render.epoch(v) if isinstance(v, datetime) else v  # ValidTo: as the API renders it
        for k, v in params.items()
        if k in LOGGED_PARAMS
    }
    members = LOGGED_RESULTS.get(operation or "")
    response = None
    if members is not None and result is not None:
        response = {k: result[k] for k in members if k in result}
    return KmsExchange(request_id, logged, response)


def authorize(context: RequestContext) -> None:
    """The gate: KMS serves signed requests only (every KMS operation needs SigV4 credentials; S,
    ``aws kms ... --no-sign-request`` answers MissingAuthenticationTokenException; the status is U).
    Key policies are evaluated where the key is resolved, in the service."""
    if context.anonymous:
        raise MissingAuthenticationTokenException()


def _operation(request: HttpRequest) -> str:
    target = request.headers.get("x-amz-target", "")
    name = target.removeprefix(TARGET_PREFIX)
    if not target.startswith(TARGET_PREFIX) or name not in KMS_OPERATIONS:
        raise UnknownOperationException("")
    return name


def _body(request: HttpRequest) -> dict[str, Any]:
    raw = request.read_body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        # RecursionError: nested deeper than the parser recurses (U: AWS's answer to a body nested
        # 100,000 deep is not recorded; the awsJson protocol's error for a body it cannot read).
        raise SerializationException("The request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise SerializationException("The request body is not a JSON object")
    return body


def _json(status: int, document: Result) -> HttpResponse:
    body = json.dumps(document).encode()
    return HttpResponse(status, {"content-type": JSON, "content-length": str(len(body))}, body)


def _tags(params: Params, member: str = "Tags") -> list[Tag]:
    return [Tag(t["TagKey"], t.get("TagValue", "")) for t in params.get(member, [])]


def _unmodelled(params: Params, *members: str) -> None:
    for member in members:
        if params.get(member) is not None:
            raise NotImplementedKms.feature(f"the {member} parameter")


# -- keys ------------------------------------------------------------------------------------------
def _create_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "CustomKeyStoreId", "XksKeyId")
    view = svc.create_key(
        caller=caller,
        description=p.get("Description", ""),
        key_usage=p.get("KeyUsage"),
        key_spec=p.get("KeySpec"),
        customer_master_key_spec=p.get("CustomerMasterKeySpec"),
        policy=p.get("Policy"),
        tags=_tags(p),
        multi_region=bool(p.get("MultiRegion", False)),
        origin=p.get("Origin"),
        bypass_lockout=bool(p.get("BypassPolicyLockoutSafetyCheck", False)),
    )
    return {"KeyMetadata": render.key_metadata(view)}


def _describe_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    return {"KeyMetadata": render.key_metadata(svc.describe_key(p["KeyId"], caller=caller))}


def _list_keys(svc: KmsService, p: Params, caller: Caller) -> Result:
    page = svc.list_keys(caller=caller, limit=p.get("Limit"), marker=p.get("Marker"))
    return render.paged("Keys", [render.key_entry(v) for v in page.items], page)


def _update_key_description(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.update_key_description(p["KeyId"], p["Description"], caller=caller)
    return {}


def _enable_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.enable_key(p["KeyId"], caller=caller)
    return {}


def _disable_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.disable_key(p["KeyId"], caller=caller)
    return {}


def _schedule_key_deletion(svc: KmsService, p: Params, caller: Caller) -> Result:
    view, days = svc.schedule_key_deletion(
        p["KeyId"], caller=caller, pending_window_days=p.get("PendingWindowInDays")
    )
    result: Result = {"KeyId": view.arn, "KeyState": view.state, "PendingWindowInDays": days}
    if view.deletion_date is not None:  # none while a primary waits for its replicas (P)
        result["DeletionDate"] = render.epoch(view.deletion_date)
    return result


def _cancel_key_deletion(svc: KmsService, p: Params, caller: Caller) -> Result:
    return {"KeyId": svc.cancel_key_deletion(p["KeyId"], caller=caller)}


def _tag_resource(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.tag_resource(p["KeyId"], _tags(p), caller=caller)
    return {}


def _untag_resource(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.untag_resource(p["KeyId"], p["TagKeys"], caller=caller)
    return {}


def _list_resource_tags(svc: KmsService, p: Params, caller: Caller) -> Result:
    page = svc.list_resource_tags(
        p["KeyId"], caller=caller, limit=p.get("Limit"), marker=p.get("Marker")
    )
    return render.paged("Tags", [render.tag_entry(t) for t in page.items], page)


def _get_key_policy(svc: KmsService, p: Params, caller: Caller) -> Result:
    name = p.get("PolicyName", "default")
    policy = svc.get_key_policy(p["KeyId"], caller=caller, policy_name=name)
    return {"Policy": policy, "PolicyName": name}


def _put_key_policy(svc: KmsService, p: Params, caller: Caller) -> Result:
    name = p.get("PolicyName", "default")
    svc.put_key_policy(
        p["KeyId"],
        p["Policy"],
        caller=caller,
        policy_name=name,
        bypass_lockout=bool(p.get("BypassPolicyLockoutSafetyCheck", False)),
    )
    return {}


def _list_key_policies(svc: KmsService, p: Params, caller: Caller) -> Result:
    page = svc.list_key_policies(
        p["KeyId"], caller=caller, limit=p.get("Limit"), marker=p.get("Marker")
    )
    return render.paged("PolicyNames", list(page.items), page)


# -- aliases ---------------------------------------------------------------------------------------
def _create_alias(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.create_alias(p["AliasName"], p["TargetKeyId"], caller=caller)
    return {}


def _update_alias(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.update_alias(p["AliasName"], p["TargetKeyId"], caller=caller)
    return {}


def _delete_alias(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.delete_alias(p["AliasName"], caller=caller)
    return {}


def _list_aliases(svc: KmsService, p: Params, caller: Caller) -> Result:
    page = svc.list_aliases(
        caller=caller, key_ref=p.get("KeyId"), limit=p.get("Limit"), marker=p.get("Marker")
    )
    return render.paged("Aliases", [render.alias_entry(a) for a in page.items], page)


# -- cryptography ----------------------------------------------------------------------------------
def _encrypt(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.encrypt(
        p["KeyId"],
        p["Plaintext"],
        caller=caller,
        context=p.get("EncryptionContext"),
        algorithm=p.get("EncryptionAlgorithm"),
        dry_run=bool(p.get("DryRun", False)),
    )
    return {
        "CiphertextBlob": render.b64(out.ciphertext_blob),
        "KeyId": out.key_arn,
        "EncryptionAlgorithm": out.algorithm,
    }


def _decrypt(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "Recipient")
    out = svc.decrypt(
        p["CiphertextBlob"],
        caller=caller,
        context=p.get("EncryptionContext"),
        key_ref=p.get("KeyId"),
        algorithm=p.get("EncryptionAlgorithm"),
        dry_run=bool(p.get("DryRun", False)),
    )
    result: Result = {
        "KeyId": out.key_arn,
        "Plaintext": render.b64(out.plaintext),
        "EncryptionAlgorithm": out.algorithm,
    }
    if out.material_id:  # none for an asymmetric key's ciphertext
        result["KeyMaterialId"] = out.material_id
    return result


def _re_encrypt(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.re_encrypt(
        p["CiphertextBlob"],
        p["DestinationKeyId"],
        caller=caller,
        source_context=p.get("SourceEncryptionContext"),
        destination_context=p.get("DestinationEncryptionContext"),
        source_key_ref=p.get("SourceKeyId"),
        source_algorithm=p.get("SourceEncryptionAlgorithm"),
        destination_algorithm=p.get("DestinationEncryptionAlgorithm"),
        dry_run=bool(p.get("DryRun", False)),
    )
    result: Result = {
        "CiphertextBlob": render.b64(out.ciphertext_blob),
        "SourceKeyId": out.source_key_arn,
        "KeyId": out.key_arn,
        "SourceEncryptionAlgorithm": out.source_algorithm,
        "DestinationEncryptionAlgorithm": out.algorithm,
    }
    if out.source_material_id:  # none for an asymmetric key
        result["SourceKeyMaterialId"] = out.source_material_id
    if out.material_id:
        result["DestinationKeyMaterialId"] = out.material_id
    return result


def _data_key(with_plaintext: bool) -> Handler:
    def handler(svc: KmsService, p: Params, caller: Caller) -> Result:
        _unmodelled(p, "Recipient")
        out = svc.generate_data_key(
            p["KeyId"],
            caller=caller,
            context=p.get("EncryptionContext"),
            key_spec=p.get("KeySpec"),
            number_of_bytes=p.get("NumberOfBytes"),
            with_plaintext=with_plaintext,
            dry_run=bool(p.get("DryRun", False)),
        )
        result: Result = {
            "CiphertextBlob": render.b64(out.ciphertext_blob),
            "KeyId": out.key_arn,
            "KeyMaterialId": out.material_id,
        }
        if out.plaintext is not None:
            result["Plaintext"] = render.b64(out.plaintext)
        return result

    return handler


def _generate_random(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "CustomKeyStoreId", "Recipient")
    return {"Plaintext": render.b64(svc.generate_random(p.get("NumberOfBytes"), caller=caller))}


# -- rotation --------------------------------------------------------------------------------------
def _enable_key_rotation(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.enable_key_rotation(p["KeyId"], caller=caller, period_days=p.get("RotationPeriodInDays"))
    return {}


def _disable_key_rotation(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.disable_key_rotation(p["KeyId"], caller=caller)
    return {}


def _get_key_rotation_status(svc: KmsService, p: Params, caller: Caller) -> Result:
    return render.rotation_status(svc.get_key_rotation_status(p["KeyId"], caller=caller))


def _rotate_key_on_demand(svc: KmsService, p: Params, caller: Caller) -> Result:
    return {"KeyId": svc.rotate_key_on_demand(p["KeyId"], caller=caller)}


def _list_key_rotations(svc: KmsService, p: Params, caller: Caller) -> Result:
    page = svc.list_key_rotations(
        p["KeyId"],
        caller=caller,
        include_key_material=p.get("IncludeKeyMaterial"),
        limit=p.get("Limit"),
        marker=p.get("Marker"),
    )
    return render.paged("Rotations", [render.rotation_entry(r) for r in page.items], page)


# -- grants ----------------------------------------------------------------------------------------
def _constraints(p: Params) -> Constraints | None:
    raw = p.get("Constraints")
    if raw is None:
        return None
    _unmodelled(raw, "SourceArn")
    maps = {}
    for member in ("EncryptionContextSubset", "EncryptionContextEquals"):
        value = raw.get(member)
        if value is not None:
            if not isinstance(value, dict) or not all(
                isinstance(x, str) for x in (*value.keys(), *value.values())
            ):
                raise SerializationException(f"Unexpected value type for member {member}")
            maps[member] = value
    return Constraints(maps.get("EncryptionContextEquals"), maps.get("EncryptionContextSubset"))


def _create_grant(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "GranteeServicePrincipal", "RetiringServicePrincipal")
    if p.get("GranteePrincipal") is None:
        # P: "You must specify either GranteePrincipal or GranteeServicePrincipal"; the text U.
        raise ValidationException(
            "You must specify either GranteePrincipal or GranteeServicePrincipal."
        )
    request = GrantRequest(
        grantee=p["GranteePrincipal"],
        operations=tuple(p["Operations"]),
        retiring=p.get("RetiringPrincipal"),
        constraints=_constraints(p),
        name=p.get("Name"),
    )
    created = svc.create_grant(
        p["KeyId"], request, caller=caller, dry_run=bool(p.get("DryRun", False))
    )
    return {"GrantToken": created.token, "GrantId": created.grant_id}


def _list_grants(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "GranteeServicePrincipal")
    page = svc.list_grants(
        p["KeyId"],
        caller=caller,
        grant_id=p.get("GrantId"),
        grantee=p.get("GranteePrincipal"),
        limit=p.get("Limit"),
        marker=p.get("Marker"),
    )
    return render.paged("Grants", [render.grant_entry(g) for g in page.items], page)


def _list_retirable_grants(svc: KmsService, p: Params, caller: Caller) -> Result:
    _unmodelled(p, "RetiringServicePrincipal")
    if p.get("RetiringPrincipal") is None:
        # P: "You must specify either RetiringPrincipal or RetiringServicePrincipal"; the text U.
        raise ValidationException(
            "You must specify either RetiringPrincipal or RetiringServicePrincipal."
        )
    page = svc.list_retirable_grants(
        p["RetiringPrincipal"], caller=caller, limit=p.get("Limit"), marker=p.get("Marker")
    )
    return render.paged("Grants", [render.grant_entry(g) for g in page.items], page)


def _retire_grant(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.retire_grant(
        caller=caller,
        token=p.get("GrantToken"),
        key_ref=p.get("KeyId"),
        grant_id=p.get("GrantId"),
        dry_run=bool(p.get("DryRun", False)),
    )
    return {}


def _revoke_grant(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.revoke_grant(p["KeyId"], p["GrantId"], caller=caller, dry_run=bool(p.get("DryRun", False)))
    return {}


HANDLERS: dict[str, Handler] = {
    "CreateKey": _create_key,
    "DescribeKey": _describe_key,
    "ListKeys": _list_keys,
    "UpdateKeyDescription": _update_key_description,
    "EnableKey": _enable_key,
    "DisableKey": _disable_key,
    "ScheduleKeyDeletion": _schedule_key_deletion,
    "CancelKeyDeletion": _cancel_key_deletion,
    "TagResource": _tag_resource,
    "UntagResource": _untag_resource,
    "ListResourceTags": _list_resource_tags,
    "GetKeyPolicy": _get_key_policy,
    "PutKeyPolicy": _put_key_policy,
    "ListKeyPolicies": _list_key_policies,
    "CreateAlias": _create_alias,
    "UpdateAlias": _update_alias,
    "DeleteAlias": _delete_alias,
    "ListAliases": _list_aliases,
    "Encrypt": _encrypt,
    "Decrypt": _decrypt,
    "ReEncrypt": _re_encrypt,
    "GenerateDataKey": _data_key(with_plaintext=True),
    "GenerateDataKeyWithoutPlaintext": _data_key(with_plaintext=False),
    "GenerateRandom": _generate_random,
    **ASYMMETRIC_HANDLERS,
    **KEY_MATERIAL_HANDLERS,
    "EnableKeyRotation": _enable_key_rotation,
    "DisableKeyRotation": _disable_key_rotation,
    "GetKeyRotationStatus": _get_key_rotation_status,
    "RotateKeyOnDemand": _rotate_key_on_demand,
    "ListKeyRotations": _list_key_rotations,
    "CreateGrant": _create_grant,
    "ListGrants": _list_grants,
    "ListRetirableGrants": _list_retirable_grants,
    "RetireGrant": _retire_grant,
    "RevokeGrant": _revoke_grant,
}
