#!/usr/bin/env python3
"""The IAM best-practices guide for one account, from Python, through the cdk-iam-guardrails wheel.

The same account as examples/secure-account, checked at synth time by cdk-iam-guardrails'
IamBestPracticesChecks and cdk-nag's AwsSolutionsChecks. Run it with the CDK CLI inside a
virtualenv that has ``cdk-iam-guardrails``, ``aws-cdk-lib`` and ``cdk-nag`` installed::

    cdk synth --app "python app.py"
"""
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

import cdk_iam_guardrails as guardrails


class SecureAccountStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Password policy, trail, CIS alarms, Access Analyzer, Config rules, billing alarm and the
        # daily credential audit, all alerting one list.
        baseline = guardrails.AccountBaseline(
            self, "Baseline",
            alert_emails=["security-alerts@example.com"],
            alarms=[a for a in guardrails.SecurityAlarm if a != guardrails.SecurityAlarm.ROOT_ACCOUNT_USAGE],
            access_analyzer_options=guardrails.AccessAnalyzerProps(unused_access=True),
            billing_threshold=200,
        )
        guardrails.RootUsageAlarm(self, "RootUsage", trail=baseline.trail, topic=baseline.alert_topic, event_bridge=True)

        # People get permissions through a group that forces MFA.
        developers = guardrails.SecureGroup(self, "Developers", group_name="Developers")
        developers.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
        developer = iam.User(self, "Developer", user_name="developer")
        developers.add_user(developer)
        # People work with data and logs; code reaches Lambda through the deployment pipeline only:
        # a person allowed lambda:UpdateFunctionCode on every function acts with any function's role.
        guardrails.BoundedRole.apply_boundary_to(
            developer, guardrails.BoundedRole.default_boundary(self, ["s3", "dynamodb", "logs", "cloudwatch"]))
        reason = "The guide gives developers PowerUserAccess through a group that forces MFA; members carry the developer boundary."
        cdk.Validations.of(developers.group).acknowledge(
            cdk.Acknowledgment(id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess]", reason=reason),
            cdk.Acknowledgment(id="annotation::IamBestPractices-LP9[Policy::PowerUserAccess]", reason=reason),
        )

        # Workloads get roles that can never leave the developer boundary.
        app_role = guardrails.BoundedRole(
            self, "AppRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Runs the application functions inside the developer boundary",
        )
        app_role.add_to_policy(iam.PolicyStatement(
            actions=["s3:GetObject"],
            resources=["arn:aws:s3:::my-bucket/specific-path/*"],
        ))
        cdk.Validations.of(app_role).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::arn:aws:s3:::my-bucket/specific-path/*]",
            reason="Read access to the objects under one prefix of one bucket: the guide's least-privilege example.",
        ))

        developers.add_to_policy(guardrails.Conditions.deny_without_secure_transport())


app = cdk.App()
SecureAccountStack(app, "SecureAccountPy", env=cdk.Environment(account="111111111111", region="us-east-1"))
cdk.Validations.of(app).add_plugins(guardrails.IamBestPracticesChecks(app), AwsSolutionsChecks(app))
app.synth()
