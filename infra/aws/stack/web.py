"""The web pages and the API behind one CloudFront distribution (AWS only: locally the
stack's own server serves both on one port)."""

from __future__ import annotations

from typing import Any

from chalicelib.core.names import resource_name
from infra import headers
from infra.aws.stack.iam import private_bucket, tls_only
from infra.aws.stack.naming import AWS_ONLY, sub

# CloudFront managed policies (ids are fixed by AWS and the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
# What a page may call besides its own origin (and /api): Cognito, and the documents bucket
# by the names a presigned URL may use (regional, and global for us-east-1).
PAGE_CONNECT = headers.page_connect(
    "${AWS::Region}",
    None,
    ("https://${DocumentsBucket.RegionalDomainName}", "https://${DocumentsBucket.DomainName}"),
)


def response_headers_policy(stage: str, name: str, values: dict[str, str]) -> dict[str, Any]:
    """A CloudFront response headers policy sending ``values`` (``infra/headers.py``), in
    place of whatever the origin sent."""
    named = {key.lower(): value for key, value in values.items()}
    hsts = named.pop("strict-transport-security")
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    security = {
        "ContentSecurityPolicy": {"ContentSecurityPolicy": sub(named.pop("content-security-policy")), "Override": True},
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": named.pop("x-frame-options"), "Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": named.pop("referrer-policy"), "Override": True},
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": max_age,
            "IncludeSubdomains": "includesubdomains" in hsts.lower(),
            "Preload": "preload" in hsts.lower(),
            "Override": True,
        },
    }
    named.pop("x-content-type-options")  # nosniff, the only value it has
    custom = [{"Header": key.title(), "Value": value, "Override": True} for key, value in sorted(named.items())]
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Metadata": AWS_ONLY,
        "Properties": {
            "ResponseHeadersPolicyConfig": {
                "Name": resource_name(stage, name),
                "Comment": f"Ventanilla {stage}: security headers of the {name} (infra/headers.py)",
                "SecurityHeadersConfig": security,
                "CustomHeadersConfig": {"Items": custom},
            }
        },
    }


def resources(stage: str) -> dict[str, Any]:
    """web/ in a private bucket and the API, both behind one CloudFront distribution:
    ``/`` serves the pages, ``/api/*`` goes to API Gateway's ``api`` stage (as locally)."""
    policy = tls_only("WebBucket")
    policy["Statement"].append(
        {
            "Sid": "CloudFrontReadsPages",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": sub("${WebBucket.Arn}/*"),
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": sub(
                        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"
                    )
                }
            },
        }
    )
    return {
        "WebHeaders": response_headers_policy(stage, "pages", headers.page_headers(PAGE_CONNECT)),
        "ApiHeaders": response_headers_policy(stage, "api", headers.api_headers()),
        "WebBucket": {
            "Type": "AWS::S3::Bucket",
            "Metadata": AWS_ONLY,
            "Properties": {
                "BucketName": sub(resource_name(stage, "web", "${AWS::AccountId}")),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
                **private_bucket(),
            },
        },
        "WebBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Metadata": AWS_ONLY,
            "Properties": {"Bucket": {"Ref": "WebBucket"}, "PolicyDocument": policy},
        },
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Metadata": AWS_ONLY,
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": resource_name(stage, "web"),
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "WebDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Metadata": AWS_ONLY,
            "Properties": {
                "DistributionConfig": {
                    "Comment": f"Ventanilla {stage}: web/ and /api",
                    "Enabled": True,
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": True,
                    "PriceClass": "PriceClass_100",
                    "DefaultRootObject": "index.html",
                    "Origins": [
                        {
                            "Id": "web",
                            "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
                            "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        },
                        {
                            "Id": "api",
                            "DomainName": sub("${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"),
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "ResponseHeadersPolicyId": {"Ref": "WebHeaders"},
                        "Compress": True,
                    },
                    "CacheBehaviors": [
                        {
                            "PathPattern": "/api/*",
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "ResponseHeadersPolicyId": {"Ref": "ApiHeaders"},
                        },
                        {
                            "PathPattern": "/config.json",
                            "TargetOriginId": "web",
                            "ViewerProtocolPolicy": "redirect-to-https",
                            "CachePolicyId": CACHING_DISABLED,
                            "ResponseHeadersPolicyId": {"Ref": "WebHeaders"},
                        },
                    ],
                    "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
                }
            },
        },
    }
