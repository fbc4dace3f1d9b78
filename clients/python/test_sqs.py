"""SQS through boto3 in the protocol this botocore speaks, and in the other one forced through a copy of
its own service model (botocore < 1.31 speaks Query/XML, newer ones AWS JSON 1.0)."""
import hashlib
import json
import os

import botocore.session
import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique


def sqs_with_protocol(transport, protocol, tmp_path):
    """An SQS client whose service model says `protocol` (json or query); the rest of the model is botocore's."""
    model = botocore.session.get_session().get_component("data_loader").load_service_model("sqs", "service-2")
    session = botocore.session.get_session()  # a fresh one: loaders cache the models they loaded
    loader = session.get_component("data_loader")
    if model["metadata"]["protocol"] != protocol:
        model = json.loads(json.dumps(model))
        model["metadata"]["protocol"] = protocol
        model["metadata"].pop("protocols", None)
        if protocol == "json":
            model["metadata"]["jsonVersion"] = "1.0"
            model["metadata"]["targetPrefix"] = "AmazonSQS"
            # member names on the wire are the members' own in JSON (the Query model renames some: Attribute.N)
            for shape in model["shapes"].values():
                shape.pop("flattened", None)
                shape.pop("locationName", None)
                for member in shape.get("members", {}).values():
                    member.pop("locationName", None)
                for part in ("member", "key", "value"):
                    if part in shape:
                        shape[part].pop("locationName", None)
        version = model["metadata"]["apiVersion"]
        folder = tmp_path / "models" / "sqs" / version
        folder.mkdir(parents=True)
        (folder / "service-2.json").write_text(json.dumps(model))
        loader.search_paths.insert(0, str(tmp_path / "models"))
    client = make_client("sqs", transport, botocore_session=session)
    assert client.meta.service_model.protocol == protocol
    return client


@pytest.fixture(params=["query", "json"])
def sqs(request, transport, tmp_path):
    return sqs_with_protocol(transport, request.param, tmp_path)


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def test_default_protocol_is_what_botocore_ships(transport):
    client = make_client("sqs", transport)
    assert client.meta.service_model.protocol in ("query", "json")
    # the queue list works in whichever it is
    url = client.create_queue(QueueName=unique("py-default"))["QueueUrl"]
    try:
        assert url in client.list_queues(QueueNamePrefix="py-default")["QueueUrls"]
    finally:
        client.delete_queue(QueueUrl=url)


def test_standard_queue_send_receive_delete(sqs):
    name = unique("py-std")
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    try:
        assert url.endswith("/" + name)
        assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
        bodies = [f"body {i} ü" for i in range(5)]
        for b in bodies:
            sent = sqs.send_message(
                QueueUrl=url, MessageBody=b,
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "truck"}},
            )
            assert sent["MD5OfMessageBody"] == md5(b)
        got = []
        for _ in range(10):
            r = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                    MessageAttributeNames=["All"], AttributeNames=["All"])
            for m in r.get("Messages", []):
                assert m["MD5OfBody"] == md5(m["Body"])
                assert m["MessageAttributes"]["kind"]["StringValue"] == "truck"
                assert m["Attributes"]["ApproximateReceiveCount"] == "1"
                got.append(m["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if len(got) >= len(bodies):
                break
        assert sorted(got) == sorted(bodies)
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attrs["ApproximateNumberOfMessages"] == "0"
        assert attrs["VisibilityTimeout"] == "30"
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_fifo_order_and_dedup(sqs):
    url = sqs.create_queue(QueueName=unique("py-fifo") + ".fifo",
                           Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    try:
        entries = [{"Id": str(i), "MessageBody": f"m{i}", "MessageGroupId": "g"} for i in range(6)]
        r = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert len(r["Successful"]) == 6 and not r.get("Failed")
        seqs = [int(e["SequenceNumber"]) for e in sorted(r["Successful"], key=lambda e: int(e["Id"]))]
        assert seqs == sorted(seqs)
        # content-based dedup: the same body again within 5 minutes is accepted but not enqueued
        sqs.send_message(QueueUrl=url, MessageBody="m0", MessageGroupId="g")
        got = []
        for _ in range(10):
            ms = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            for m in ms:
                got.append(m["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if len(got) >= 6:
                break
        assert got == [f"m{i}" for i in range(6)]
        assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    finally:
        sqs.delete_queue(QueueUrl=url)


def test_missing_queue_error(sqs):
    with pytest.raises(ClientError) as info:
        sqs.get_queue_url(QueueName=unique("py-none"))
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if sqs.meta.service_model.protocol == "query":
        assert response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
        assert isinstance(info.value, sqs.exceptions.QueueDoesNotExist)
    else:
        # AWS JSON: __type names the shape; the Query code travels in x-amzn-query-error for query-compatible clients
        assert response["Error"]["Code"] in ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["x-amzn-query-error"].startswith("AWS.SimpleQueueService.NonExistentQueue;Sender")
