"""SNS → SQS fan-out through boto3: raw and enveloped deliveries, filter policies, values read back."""
import json
import time

from conftest import unique


def drain(sqs, url, want, timeout=20):
    got, deadline = [], time.time() + timeout
    while len(got) < want and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     MessageAttributeNames=["All"]).get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_fan_out_to_two_queues(client_factory):
    sns, sqs = client_factory("sns"), client_factory("sqs")
    topic = sns.create_topic(Name=unique("py-topic"))["TopicArn"]
    queues = [sqs.create_queue(QueueName=unique("py-sub"))["QueueUrl"] for _ in range(2)]
    try:
        arns = [sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"] for q in queues]
        raw = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns[0],
                            Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)["SubscriptionArn"]
        enveloped = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns[1],
                                  Attributes={"FilterPolicy": json.dumps({"color": ["red"]})},
                                  ReturnSubscriptionArn=True)["SubscriptionArn"]
        subs = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert sorted(s["SubscriptionArn"] for s in subs) == sorted([raw, enveloped])
        assert sns.get_subscription_attributes(SubscriptionArn=raw)["Attributes"]["RawMessageDelivery"] == "true"

        ids = {}
        for i, color in enumerate(["red", "blue", "red"]):
            r = sns.publish(TopicArn=topic, Message=f"truck {i}", Subject="s",
                            MessageAttributes={"color": {"DataType": "String", "StringValue": color}})
            ids[f"truck {i}"] = r["MessageId"]

        raw_got = drain(sqs, queues[0], 3)
        assert sorted(m["Body"] for m in raw_got) == ["truck 0", "truck 1", "truck 2"]
        assert all(m["MessageAttributes"]["color"]["StringValue"] in ("red", "blue") for m in raw_got)

        env_got = drain(sqs, queues[1], 2)
        envelopes = [json.loads(m["Body"]) for m in env_got]
        assert sorted(e["Message"] for e in envelopes) == ["truck 0", "truck 2"]  # blue filtered out
        for e in envelopes:
            assert e["Type"] == "Notification"
            assert e["TopicArn"] == topic
            assert e["MessageId"] == ids[e["Message"]]
            assert e["MessageAttributes"]["color"] == {"Type": "String", "Value": "red"}
            assert e["Signature"] and e["SigningCertURL"]
        assert drain(sqs, queues[1], 1, timeout=2) == []
    finally:
        sns.delete_topic(TopicArn=topic)
        for q in queues:
            sqs.delete_queue(QueueUrl=q)
