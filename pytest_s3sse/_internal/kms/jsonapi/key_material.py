"""Protocol edge: the KMS handlers of imported key material (GetParametersForImport, ImportKeyMaterial,
DeleteImportedKeyMaterial) and multi-Region keys (ReplicateKey, UpdatePrimaryRegion), beside
:mod:`.api`'s table.

``KeyId`` in every answer is the key ARN (A, LS-AWS ``test_import_key_symmetric``: GetParametersForImport's
``KeyId`` is the ARN). ImportKeyMaterial and DeleteImportedKeyMaterial answer ``KeyMaterialId`` for
symmetric keys only (T: LocalStack; P: the model's members). ReplicateKey's ``ReplicaPolicy`` is the
policy text (A, ``test_replicate_key``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_s3sse._internal.errors.kms import NotImplementedKms
from pytest_s3sse._internal.kms.jsonapi import render
from pytest_s3sse._internal.kms.service import KmsService
from pytest_s3sse._internal.kms.types import Caller, Tag

Params = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[[KmsService, Params, Caller], Result]


def _get_parameters_for_import(svc: KmsService, p: Params, caller: Caller) -> Result:
    out = svc.get_parameters_for_import(
        p["KeyId"],
        caller=caller,
        wrapping_algorithm=p["WrappingAlgorithm"],
        wrapping_key_spec=p["WrappingKeySpec"],
    )
    return {
        "KeyId": out.key_arn,
        "ImportToken": render.b64(out.token),
        "PublicKey": render.b64(out.public_key),
        "ParametersValidTo": render.epoch(out.valid_to),
    }


def _import_key_material(svc: KmsService, p: Params, caller: Caller) -> Result:
    if p.get("KeyMaterialDescription") is not None:  # shown only with several materials
        raise NotImplementedKms.feature("the KeyMaterialDescription parameter")
    arn, material_id = svc.import_key_material(
        p["KeyId"],
        p["ImportToken"],
        p["EncryptedKeyMaterial"],
        caller=caller,
        valid_to=p.get("ValidTo"),
        expiration_model=p.get("ExpirationModel"),
        import_type=p.get("ImportType"),
        material_id=p.get("KeyMaterialId"),
    )
    return _with_material({"KeyId": arn}, material_id)


def _delete_imported_key_material(svc: KmsService, p: Params, caller: Caller) -> Result:
    arn, material_id = svc.delete_imported_key_material(
        p["KeyId"], caller=caller, material_id=p.get("KeyMaterialId")
    )
    return _with_material({"KeyId": arn}, material_id)


def _with_material(result: Result, material_id: str) -> Result:
    if material_id:
        result["KeyMaterialId"] = material_id
    return result


def _replicate_key(svc: KmsService, p: Params, caller: Caller) -> Result:
    view, policy, tags = svc.replicate_key(
        p["KeyId"],
        p["ReplicaRegion"],
        caller=caller,
        policy=p.get("Policy"),
        bypass_lockout=bool(p.get("BypassPolicyLockoutSafetyCheck", False)),
        description=p.get("Description"),
        tags=[Tag(t["TagKey"], t.get("TagValue", "")) for t in p.get("Tags", [])],
    )
    return {
        "ReplicaKeyMetadata": render.key_metadata(view),
        "ReplicaPolicy": policy,
        "ReplicaTags": [render.tag_entry(t) for t in tags],
    }


def _update_primary_region(svc: KmsService, p: Params, caller: Caller) -> Result:
    svc.update_primary_region(p["KeyId"], p["PrimaryRegion"], caller=caller)
    return {}


KEY_MATERIAL_HANDLERS: dict[str, Handler] = {
    "GetParametersForImport": _get_parameters_for_import,
    "ImportKeyMaterial": _import_key_material,
    "DeleteImportedKeyMaterial": _delete_imported_key_material,
    "ReplicateKey": _replicate_key,
    "UpdatePrimaryRegion": _update_primary_region,
}
