"""Objects in S3 (the documents bucket, the exports bucket): the one S3 adapter.

Buckets are versioned and KMS-encrypted by default (objects inherit that encryption). In a
versioned bucket a plain delete only hides an object, so every delete here removes versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from jaqe.platform import aws

_GONE = ("404", "NoSuchKey", "NoSuchVersion")
# The documents bucket keeps each professional's files under `professionals/<pro_id>/`.
DOCUMENTS_PREFIX = "professionals/"


class ObjectStore(Protocol):
    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None: ...
    def get(self, bucket: str, key: str) -> bytes | None: ...
    def exists(self, bucket: str, key: str) -> bool: ...
    def head(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any] | None: ...
    def read_start(self, bucket: str, key: str, size: int, version_id: str | None = None) -> bytes: ...
    def upload_form(
        self, bucket: str, key: str, fields: dict[str, str], conditions: list[Any], expires_in: int
    ) -> dict[str, Any]: ...
    def download_url(self, bucket: str, key: str, version_id: str, expires_in: int) -> str: ...
    def version_ids(self, bucket: str, key: str) -> list[str]: ...
    def delete(self, bucket: str, key: str) -> int: ...
    def delete_version(self, bucket: str, key: str, version_id: str | None) -> None: ...
    def delete_prefix(self, bucket: str, prefix: str) -> int: ...
    def delete_keys(self, bucket: str, keys: list[str]) -> int: ...
    def owners(self, bucket: str, prefix: str) -> dict[str, list[str]]: ...
    def set_legal_hold(self, bucket: str, key: str, *, on: bool) -> int: ...
    def legal_hold(self, bucket: str, key: str) -> bool: ...
    def upload(self, bucket: str, key: str, content_type: str) -> MultipartUpload: ...


def _missing(error: Exception) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _GONE


class S3Objects:
    """S3 adapter: collaborators get one injected (tests pass a fake with the same methods).
    `region`: a bucket outside the data region (the raw inbound mail's)."""

    def __init__(self, region: str | None = None) -> None:
        self.region = region

    @property
    def _s3(self) -> Any:
        return aws.client("s3", self.region)

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    def get(self, bucket: str, key: str) -> bytes | None:
        try:
            return bytes(self._s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except Exception as error:
            if _missing(error):
                return None
            raise

    def exists(self, bucket: str, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=bucket, Key=key)
        except ClientError:
            return False
        return True

    def head(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any] | None:
        """The object's metadata (ContentLength, VersionId), None when it has gone."""
        try:
            return dict(self._s3.head_object(Bucket=bucket, Key=key, **_version(version_id)))
        except Exception as error:
            if _missing(error):
                return None
            raise

    def read_start(self, bucket: str, key: str, size: int, version_id: str | None = None) -> bytes:
        """The first `size` bytes (enough to recognise a file type without reading it all)."""
        first = self._s3.get_object(
            Bucket=bucket, Key=key, Range=f"bytes=0-{size - 1}", **_version(version_id)
        )
        return bytes(first["Body"].read())

    def upload_form(
        self, bucket: str, key: str, fields: dict[str, str], conditions: list[Any], expires_in: int
    ) -> dict[str, Any]:
        """A presigned POST: S3 itself enforces the conditions on the browser's upload."""
        post = self._s3.generate_presigned_post(
            Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
        return {"url": post["url"], "fields": post["fields"]}

    def download_url(self, bucket: str, key: str, version_id: str, expires_in: int) -> str:
        """A presigned GET of one version (an operator reads what was reviewed, nothing newer)."""
        return str(
            self._s3.generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket, "Key": key, "VersionId": version_id},
                ExpiresIn=expires_in,
            )
        )

    def version_ids(self, bucket: str, key: str) -> list[str]:
        """The ids of this key's versions and delete markers (not those of longer keys)."""
        return [v for k, v in self._versions(bucket, key) if k == key]

    def delete(self, bucket: str, key: str) -> int:
        """Every version of one object goes; returns 1 when something was there."""
        versions = [v for v in self._versions(bucket, key) if v[0] == key]
        if not versions:
            self._s3.delete_object(Bucket=bucket, Key=key)  # an unversioned bucket
        return self._delete(bucket, versions)

    def delete_version(self, bucket: str, key: str, version_id: str | None) -> None:
        """One uploaded version itself (the latest when the bucket gave no version id)."""
        self._s3.delete_object(Bucket=bucket, Key=key, **_version(version_id))

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        return self._delete(bucket, list(self._versions(bucket, prefix)))

    def delete_keys(self, bucket: str, keys: list[str]) -> int:
        wanted = set(keys)
        prefixes = {k.rsplit("/", 1)[0] + "/" for k in keys}
        return self._delete(
            bucket, [v for p in prefixes for v in self._versions(bucket, p) if v[0] in wanted]
        )

    def owners(self, bucket: str, prefix: str) -> dict[str, list[str]]:
        """Keys under `prefix` grouped by their first path segment (`<prefix><owner>/...`)."""
        owners: dict[str, list[str]] = {}
        for key, _ in self._versions(bucket, prefix):
            owner = key.removeprefix(prefix).split("/", 1)[0]
            owners.setdefault(owner, []).append(key)
        return owners

    def set_legal_hold(self, bucket: str, key: str, *, on: bool) -> int:
        """S3 Object Lock legal hold on every version of one object (the bucket has Object Lock
        enabled): while it is ON, no lifecycle rule and no delete removes the version. The count of
        versions set (delete markers carry no lock)."""
        status = "ON" if on else "OFF"
        versions = [v for k, v in self._versions(bucket, key, markers=False) if k == key]
        for version_id in versions:
            self._s3.put_object_legal_hold(
                Bucket=bucket, Key=key, VersionId=version_id, LegalHold={"Status": status}
            )
        return len(versions)

    def legal_hold(self, bucket: str, key: str) -> bool:
        """Whether the current version of the object is under a legal hold, as S3 reports it."""
        found = self.head(bucket, key)
        return bool(found) and found.get("ObjectLockLegalHoldStatus") == "ON"  # type: ignore[union-attr]

    def _versions(self, bucket: str, prefix: str, *, markers: bool = True) -> Iterator[tuple[str, str]]:
        paginator = self._s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for version in page.get("Versions", []) + (page.get("DeleteMarkers", []) if markers else []):
                yield version["Key"], version["VersionId"]

    def _delete(self, bucket: str, versions: list[tuple[str, str]]) -> int:
        """Delete versions; the count of keys whose every version went (S3 refuses a version under
        a legal hold: that object stays, and is not counted)."""
        refused: set[str] = set()
        for start in range(0, len(versions), 1000):
            chunk = versions[start : start + 1000]
            answer = self._s3.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": k, "VersionId": v} for k, v in chunk], "Quiet": True},
            )
            refused |= {str(e["Key"]) for e in answer.get("Errors", [])}
        return len({k for k, _ in versions} - refused)

    def upload(self, bucket: str, key: str, content_type: str) -> MultipartUpload:
        return MultipartUpload(self._s3, bucket, key, content_type)


# S3 takes parts of 5 MiB at least (the last one excepted): a writer holds one part at most.
PART_BYTES = 8 * 1024 * 1024


class MultipartUpload:
    """An object written as it is produced, in parts: memory holds one part, whatever the size.

    `with objects.upload(...) as upload: upload.write(chunk)`; leaving the block completes the object
    (`version_id` then names it), an exception aborts it (no part is left billed or readable)."""

    def __init__(self, s3: Any, bucket: str, key: str, content_type: str) -> None:
        self._s3, self.bucket, self.key, self.content_type = s3, bucket, key, content_type
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id = ""
        self.version_id = ""

    def __enter__(self) -> MultipartUpload:
        started = self._s3.create_multipart_upload(
            Bucket=self.bucket, Key=self.key, ContentType=self.content_type
        )
        self._upload_id = started["UploadId"]
        return self

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= PART_BYTES:
            self._flush()

    def _flush(self) -> None:
        number = len(self._parts) + 1
        answer = self._s3.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=bytes(self._buffer),
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        self._buffer.clear()

    def __exit__(self, error_type: Any, error: Any, traceback: Any) -> None:
        if error_type is not None:
            self._s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self._upload_id)
            return
        if self._buffer or not self._parts:
            self._flush()  # the last part (any size), or the only one of an empty object
        done = self._s3.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        self.version_id = str(done.get("VersionId", ""))


def _version(version_id: str | None) -> dict[str, str]:
    return {"VersionId": version_id} if version_id else {}
