#!/usr/bin/env python3
"""The guide's account setup from Python, through the cdk-iam-guardrails wheel built by jsii-pacmak.

Run with the CDK CLI: ``cdk synth --app "python app.py"`` inside a virtualenv that has
``cdk-iam-guardrails``, ``aws-cdk-lib`` and ``cdk-nag`` installed.
"""
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

import cdk_iam_guardrails as guardrails


class SecureAccountStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        guardrails.StrictPasswordPolicy(self, "PasswordPolicy")

        developers = guardrails.SecureGroup(
            self, "Developers",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")],
        )
        developers.add_user(iam.User(self, "Developer"))

        guardrails.BoundedRole(
            self, "AppRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Runs the application functions inside the developer boundary",
        )

        trail = guardrails.SecurityTrail(self, "Trail")
        guardrails.RootUsageAlarm(
            self, "RootUsage",
            trail=trail,
            emails=["security-alerts@example.com"],
        )


app = cdk.App()
SecureAccountStack(app, "SecureAccountPy", env=cdk.Environment(account="111111111111", region="us-east-1"))
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
app.synth()
