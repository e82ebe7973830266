"""Private buckets, built one way: short-lived files (exports), and the server-access-log bucket each
private bucket has."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.checkov import skip
from infra.constructs.inventory import inventoried
from infra.constructs.nag import acknowledge


def access_log_bucket(scope: Construct, construct_id: str, *, of: str, days: int = 365) -> s3.Bucket:
    """Where the access logs of `of` go: private, TLS-only, versioned, kept `days`.
    S3 server access logs cannot be delivered to an SSE-KMS bucket: S3-managed keys."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[
            s3.LifecycleRule(expiration=Duration.days(days), noncurrent_version_expiration=Duration.days(1))
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )
    inventoried(bucket, "s3_access_logs")
    reason = f"This bucket receives the access logs of {of}; logging it would loop."
    acknowledge(bucket, "S1", reason)
    skip(bucket, "CKV_AWS_18", reason)
    return bucket


def short_lived_files_bucket(
    scope: Construct, construct_id: str, *, key: kms.IKey, days: int, inventory: str, logs_id: str, of: str
) -> s3.Bucket:
    """Files made for someone to fetch through a short-lived link (exports): KMS, private, TLS-only,
    logged (`logs_id`, prefix `inventory/`), gone after `days`, unfinished uploads after one."""
    bucket = s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        versioned=True,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        server_access_logs_bucket=access_log_bucket(scope, logs_id, of=of),
        server_access_logs_prefix=f"{inventory.replace('_', '-')}/",
        lifecycle_rules=[
            s3.LifecycleRule(
                expiration=Duration.days(days),
                noncurrent_version_expiration=Duration.days(1),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )
    inventoried(bucket, inventory)
    return bucket
