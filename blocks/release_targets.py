"""Where approved releases go: one block per target, each composing its integration's own
credentials block (keys are never re-declared here). Names are the user's choice.

- ``AwsReleaseTarget``: prefect-aws ``AwsCredentials`` + bucket, region, ECR registry.
- ``GcpReleaseTarget``: prefect-gcp ``GcpCredentials`` + bucket, Artifact Registry.
- ``AzureReleaseTarget``: prefect-azure ``AzureBlobStorageCredentials`` + container, ACR.
- ``GitHubTarget``: prefect-github ``GitHubCredentials`` + owner, visibility, API URL.
- ``KubernetesTarget``: a kubeconfig kept as a secret, its context and the namespace.
"""

from __future__ import annotations

from typing import Literal

from prefect.blocks.core import Block
from prefect_aws import AwsCredentials
from prefect_azure import AzureBlobStorageCredentials
from prefect_gcp import GcpCredentials
from prefect_github import GitHubCredentials
from pydantic import Field, SecretStr

from blocks.storage import clients_from_credentials
from services.storage import StorageClients

_PREFIX = Field(default="releases", description="Folder in the bucket for release bundles.")


class AwsReleaseTarget(Block):
    """Release bundles to S3; images to ECR."""

    _block_type_name = "ag2-sdlc AWS Release Target"
    _block_type_slug = "ag2-sdlc-aws-release-target"
    _description = "AWS credentials (prefect-aws) plus the S3 bucket and ECR registry of releases."

    credentials: AwsCredentials = Field(description="prefect-aws AwsCredentials.")
    bucket: str = Field(description="S3 bucket for release bundles.")
    prefix: str = _PREFIX
    region: str = Field(default="", description="AWS region (default: the credentials').")
    ecr_registry: str = Field(default="", description="ECR registry, e.g. 123.dkr.ecr...")

    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix.strip('/')}"

    def clients(self) -> StorageClients:
        return clients_from_credentials(aws=self.credentials)


class GcpReleaseTarget(Block):
    """Release bundles to Google Cloud Storage; images to Artifact Registry."""

    _block_type_name = "ag2-sdlc GCP Release Target"
    _block_type_slug = "ag2-sdlc-gcp-release-target"
    _description = "GCP credentials (prefect-gcp) plus the GCS bucket and Artifact Registry."

    credentials: GcpCredentials = Field(description="prefect-gcp GcpCredentials.")
    bucket: str = Field(description="GCS bucket for release bundles.")
    prefix: str = _PREFIX
    artifact_registry: str = Field(default="", description="e.g. europe-docker.pkg.dev/p/repo")

    def location(self) -> str:
        return f"gs://{self.bucket}/{self.prefix.strip('/')}"

    def clients(self) -> StorageClients:
        return clients_from_credentials(gcp=self.credentials)


class AzureReleaseTarget(Block):
    """Release bundles to Azure Blob Storage; images to ACR."""

    _block_type_name = "ag2-sdlc Azure Release Target"
    _block_type_slug = "ag2-sdlc-azure-release-target"
    _description = "Azure Blob credentials (prefect-azure) plus the container and ACR."

    credentials: AzureBlobStorageCredentials = Field(description="prefect-azure credentials.")
    container: str = Field(description="Blob container for release bundles.")
    prefix: str = _PREFIX
    acr: str = Field(default="", description="Azure Container Registry, e.g. acme.azurecr.io")

    def location(self) -> str:
        return f"az://{self.container}/{self.prefix.strip('/')}"

    def clients(self) -> StorageClients:
        return clients_from_credentials(azure=self.credentials)


class GitHubTarget(Block):
    """The GitHub owner releases are published under (github.com or GitHub Enterprise)."""

    _block_type_name = "ag2-sdlc GitHub Target"
    _block_type_slug = "ag2-sdlc-github-target"
    _description = "GitHub credentials (prefect-github) plus the owner and repository visibility."

    credentials: GitHubCredentials = Field(description="prefect-github GitHubCredentials.")
    owner: str = Field(description="User or organisation that holds the repositories.")
    visibility: Literal["private", "public", "internal"] = Field(default="private")
    api_url: str = Field(
        default="https://api.github.com",
        description="REST API base; GitHub Enterprise: https://HOST/api/v3.",
    )


class KubernetesTarget(Block):
    """A cluster to deploy releases to; prefect-kubernetes is not among our dependencies, so
    the kubeconfig is kept as a secret of this block."""

    _block_type_name = "ag2-sdlc Kubernetes Target"
    _block_type_slug = "ag2-sdlc-kubernetes-target"
    _description = "A kubeconfig (secret), its context and the namespace releases deploy into."

    kubeconfig: SecretStr = Field(description="The kubeconfig file's YAML.")
    context: str = Field(default="", description="Context to use (default: current-context).")
    namespace: str = Field(default="default", description="Namespace of the release.")


ReleaseTarget = AwsReleaseTarget | GcpReleaseTarget | AzureReleaseTarget
