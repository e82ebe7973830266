"""Objects in S3 (the exports bucket, the documents bucket), behind a small interface."""

from __future__ import annotations

from typing import Protocol

from jaqe import aws


class ObjectStore(Protocol):
    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None: ...
    def get(self, bucket: str, key: str) -> bytes | None: ...
    def delete(self, bucket: str, key: str) -> None: ...
    def exists(self, bucket: str, key: str) -> bool: ...


class S3Objects:
    """S3 adapter. Buckets are KMS-encrypted by default; objects inherit that encryption."""

    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    def get(self, bucket: str, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return bytes(aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def delete(self, bucket: str, key: str) -> None:
        """Every version goes (versioned buckets keep old versions after a plain delete)."""
        client = aws.client("s3")
        versions = client.list_object_versions(Bucket=bucket, Prefix=key)
        doomed = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in versions.get("Versions", []) + versions.get("DeleteMarkers", [])
            if v["Key"] == key
        ]
        if doomed:
            client.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})
        else:
            client.delete_object(Bucket=bucket, Key=key)

    def exists(self, bucket: str, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            aws.client("s3").head_object(Bucket=bucket, Key=key)
        except ClientError:
            return False
        return True
