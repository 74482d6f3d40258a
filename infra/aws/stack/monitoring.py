"""What tells the operator something is wrong (AWS only): the alarms and their topic,
the log of failed executions, the dashboard, and each function's log group."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.core.names import function_name, resource_name, state_machine_prefix
from infra.aws.stack.naming import AWS_ONLY, FUNCTIONS, log_group_name, sub

LOG_RETENTION_DAYS = 90
METRICS_NAMESPACE = "Ventanilla"


def log_group(stage: str, name: str) -> dict[str, Any]:
    """A function's logs, kept ``LOG_RETENTION_DAYS`` (Lambda would create the group itself, kept forever)."""
    return {
        "Type": "AWS::Logs::LogGroup",
        "Metadata": AWS_ONLY,
        "Properties": {"LogGroupName": log_group_name(stage, name), "RetentionInDays": LOG_RETENTION_DAYS},
    }


def _metric(name: str, stat: str, **dimensions: Any) -> dict[str, Any]:
    return {
        "MetricName": name,
        "Statistic": stat,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }


def _alarm(
    stage: str,
    name: str,
    description: str,
    metric: dict[str, Any],
    threshold: float,
    period: int = 300,
    evaluation: int = 1,
    namespace: str = METRICS_NAMESPACE,
) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Metadata": AWS_ONLY,
        "Properties": {
            "AlarmName": resource_name(stage, name),
            "AlarmDescription": description,
            "Namespace": namespace,
            **metric,
            "Period": period,
            "EvaluationPeriods": evaluation,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlertsTopic"}],
            "OKActions": [{"Ref": "AlertsTopic"}],
        },
    }


def resources(stage: str) -> dict[str, Any]:
    failed_log_group = f"/aws/events/{resource_name(stage, 'failed-executions')}"
    return {
        "AlertsTopic": {
            "Type": "AWS::SNS::Topic",
            "Metadata": AWS_ONLY,
            "Properties": {"TopicName": resource_name(stage, "alerts")},
        },
        "AlertsEmail": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlertEmail",
            "Metadata": AWS_ONLY,
            "Properties": {"TopicArn": {"Ref": "AlertsTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlertEmail"}},
        },
        "FailedExecutionsLog": {
            "Type": "AWS::Logs::LogGroup",
            "Metadata": AWS_ONLY,
            "Properties": {"LogGroupName": failed_log_group, "RetentionInDays": LOG_RETENTION_DAYS},
        },
        "FailedExecutionsLogPolicy": {
            "Type": "AWS::Logs::ResourcePolicy",
            "Metadata": AWS_ONLY,
            "Properties": {
                "PolicyName": resource_name(stage, "failed-executions"),
                "PolicyDocument": sub(
                    json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
                                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                    "Resource": "${FailedExecutionsLog.Arn}",
                                }
                            ],
                        }
                    )
                ),
            },
        },
        "FailedExecutionsRule": {
            "Type": "AWS::Events::Rule",
            "Metadata": AWS_ONLY,
            "Properties": {
                "Name": resource_name(stage, "failed-executions"),
                "Description": (
                    "Every procedure execution that ends FAILED, TIMED_OUT or ABORTED "
                    "(any version, also those published later)"
                ),
                "EventPattern": {
                    "source": ["aws.states"],
                    "detail-type": ["Step Functions Execution Status Change"],
                    "detail": {
                        "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                        "stateMachineArn": [
                            {
                                "prefix": sub(
                                    f"arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{state_machine_prefix(stage)}"
                                )
                            }
                        ],
                    },
                },
                "Targets": [{"Id": "log", "Arn": {"Fn::GetAtt": ["FailedExecutionsLog", "Arn"]}}],
            },
        },
        "FailedExecutionsAlarm": _alarm(
            stage,
            "failed-executions",
            "A procedure execution failed: its application is in error. "
            f"The executions are logged in {failed_log_group}.",
            _metric("TriggeredRules", "Sum", RuleName=resource_name(stage, "failed-executions")),
            1,
            namespace="AWS/Events",
        ),
        "FailedEventsWaiting": _alarm(
            stage,
            "failed-events-waiting",
            "The table's stream gave up on a batch (its SMS or statistics did not follow): it is described in the "
            "failed-events queue. Fix the cause, then run `python -m infra.aws.ops events-replay` (docs/events.md).",
            _metric("ApproximateNumberOfMessagesVisible", "Maximum", QueueName=resource_name(stage, "failed-events")),
            1,
            namespace="AWS/SQS",
        ),
        "NearDeadlineAlarm": _alarm(
            stage,
            "reviews-near-deadline",
            "Reviews are within one business day of their legal deadline (afirmativa/negativa ficta follows). "
            "See the dashboard per agency.",
            _metric("ReviewsNearDeadline", "Maximum", stage=stage),
            1,
            period=3600,
        ),
        "Api5xxAlarm": _alarm(
            stage,
            "api-5xx-rate",
            "More than 1% of API requests answered 5xx for 10 minutes.",
            _metric("5XXError", "Average", ApiName=resource_name(stage), Stage="api"),
            0.01,
            evaluation=2,
            namespace="AWS/ApiGateway",
        ),
        "SmsFailuresAlarm": _alarm(
            stage,
            "sms-failures",
            "SNS refused SMS messages (spend limit, opted-out number, throttling): citizens are not being told.",
            _metric("SmsFailed", "Sum", stage=stage),
            1,
        ),
        "Dashboard": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Metadata": AWS_ONLY,
            "Properties": {"DashboardName": resource_name(stage), "DashboardBody": sub(json.dumps(dashboard(stage)))},
        },
    }


def dashboard(stage: str) -> dict[str, Any]:
    """The operator's dashboard: outcomes per procedure, people's wait, SMS, API and functions."""
    ns = METRICS_NAMESPACE

    def search(metric: str, stat: str, dims: str = "stage,procedure") -> list[list[dict[str, str]]]:
        return [
            [
                {
                    "expression": (
                        f"SEARCH('{{{ns},{dims}}} MetricName=\"{metric}\" stage=\"{stage}\"', '{stat}', 3600)"
                    ),
                    "id": metric.lower(),
                    "label": "",
                }
            ]
        ]

    def widget(title: str, metrics: list[Any], x: int, y: int, stat: str = "Sum", period: int = 3600) -> dict[str, Any]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": "${AWS::Region}",
                "metrics": metrics,
                "stat": stat,
                "period": period,
                "view": "timeSeries",
            },
        }

    functions = [function_name(stage, name) for name in FUNCTIONS]
    return {
        "widgets": [
            widget("Applications submitted per procedure", search("ApplicationsSubmitted", "Sum"), 0, 0),
            widget("Applications issued per procedure", search("ApplicationsIssued", "Sum"), 12, 0),
            widget("Review time (seconds, p90) per procedure", search("ReviewTime", "p90"), 0, 6, stat="p90"),
            widget("Deemed approvals (afirmativa ficta) per procedure", search("DeemedApprovals", "Sum"), 12, 6),
            widget(
                "Reviews near their legal deadline",
                [[ns, "ReviewsNearDeadline", "stage", stage]],
                0,
                12,
                stat="Maximum",
            ),
            widget(
                "SMS segments sent / failed",
                [[ns, "SmsSegmentsSent", "stage", stage], [ns, "SmsFailed", "stage", stage]],
                12,
                12,
            ),
            widget(
                "API requests, 4xx, 5xx",
                [
                    ["AWS/ApiGateway", "Count", "ApiName", resource_name(stage), "Stage", "api"],
                    [".", "4XXError", ".", ".", ".", "."],
                    [".", "5XXError", ".", ".", ".", "."],
                ],
                0,
                18,
                period=300,
            ),
            widget(
                "API latency p90 (ms)",
                [["AWS/ApiGateway", "Latency", "ApiName", resource_name(stage), "Stage", "api"]],
                12,
                18,
                stat="p90",
                period=300,
            ),
            widget(
                "Function errors",
                [["AWS/Lambda", "Errors", "FunctionName", name] for name in functions],
                0,
                24,
                period=300,
            ),
            widget(
                "Failed executions",
                [["AWS/Events", "TriggeredRules", "RuleName", resource_name(stage, "failed-executions")]],
                12,
                24,
                period=300,
            ),
        ]
    }


def parameters() -> dict[str, Any]:
    """Stack parameters of the AWS template (the local stack takes its settings from ``infra/local``)."""
    return {
        "AlertEmail": {
            "Type": "String",
            "Default": "",
            "Description": "Address that receives the alarms (confirm the subscription e-mail); empty for none",
        }
    }


def conditions() -> dict[str, Any]:
    return {"HasAlertEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]}}
