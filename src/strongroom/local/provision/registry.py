"""Which provisioner creates which CloudFormation resource type."""

from __future__ import annotations

from strongroom.local.provision.analytics import AthenaWorkGroup, GlueDatabase, GlueTable
from strongroom.local.provision.batch import (
    BatchComputeEnvironment,
    BatchJobDefinition,
    BatchJobQueue,
)
from strongroom.local.provision.data_stores import (
    DynamoDbTable,
    S3Bucket,
    S3BucketPolicy,
    SnsSubscription,
    SnsTopic,
    SnsTopicPolicy,
    SqsQueue,
    SqsQueuePolicy,
)
from strongroom.local.provision.functions import LambdaPermission, ServerlessFunction
from strongroom.local.provision.http_apis import ServerlessHttpApi
from strongroom.local.provision.keys import KmsKey
from strongroom.local.provision.model import ResourceProvisioner
from strongroom.local.provision.operations import (
    CloudWatchAlarm,
    IamRole,
    LogGroup,
    LogMetricFilter,
    Secret,
)
from strongroom.local.provision.schedules import EventsRule, SchedulerSchedule

PROVISIONERS: dict[str, ResourceProvisioner] = {
    "AWS::DynamoDB::Table": DynamoDbTable(),
    "AWS::SQS::Queue": SqsQueue(),
    "AWS::SQS::QueuePolicy": SqsQueuePolicy(),
    "AWS::SNS::Topic": SnsTopic(),
    "AWS::SNS::TopicPolicy": SnsTopicPolicy(),
    "AWS::SNS::Subscription": SnsSubscription(),
    "AWS::S3::Bucket": S3Bucket(),
    "AWS::S3::BucketPolicy": S3BucketPolicy(),
    "AWS::SecretsManager::Secret": Secret(),
    "AWS::CloudWatch::Alarm": CloudWatchAlarm(),
    "AWS::Logs::LogGroup": LogGroup(),
    "AWS::Logs::MetricFilter": LogMetricFilter(),
    "AWS::IAM::Role": IamRole(),
    "AWS::Serverless::Function": ServerlessFunction(),
    "AWS::Serverless::HttpApi": ServerlessHttpApi(),
    "AWS::Lambda::Permission": LambdaPermission(),
    "AWS::Events::Rule": EventsRule(),
    "AWS::Scheduler::Schedule": SchedulerSchedule(),
    "AWS::Batch::ComputeEnvironment": BatchComputeEnvironment(),
    "AWS::Batch::JobQueue": BatchJobQueue(),
    "AWS::Batch::JobDefinition": BatchJobDefinition(),
    "AWS::Glue::Database": GlueDatabase(),
    "AWS::Glue::Table": GlueTable(),
    "AWS::Athena::WorkGroup": AthenaWorkGroup(),
    "AWS::KMS::Key": KmsKey(),
}
