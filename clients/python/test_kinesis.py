"""Kinesis through boto3: records put and read back in order with their keys and sequence numbers.
boto3/botocore speak AWS JSON 1.1 to Kinesis only (no CBOR in any botocore; the Java suite covers CBOR)."""
import time

from conftest import unique


def wait_active(kinesis, name):
    for _ in range(100):
        d = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        if d["StreamStatus"] == "ACTIVE":
            return d
        time.sleep(0.2)
    raise AssertionError(f"{name} not ACTIVE")


def test_put_get_in_order(client_factory):
    kinesis = client_factory("kinesis")
    name = unique("py-stream")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    try:
        summary = wait_active(kinesis, name)
        assert summary["OpenShardCount"] == 1
        seqs = []
        for i in range(5):
            r = kinesis.put_record(StreamName=name, Data=f"rec {i}".encode(), PartitionKey=f"k{i}")
            seqs.append(r["SequenceNumber"])
        batch = kinesis.put_records(StreamName=name, Records=[
            {"Data": bytes([0, 1, 2, i]), "PartitionKey": "bin"} for i in range(3)])
        assert batch["FailedRecordCount"] == 0 and len(batch["Records"]) == 3
        assert [int(s) for s in seqs] == sorted(int(s) for s in seqs)

        shard = kinesis.list_shards(StreamName=name)["Shards"][0]["ShardId"]
        it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = []
        for _ in range(10):
            r = kinesis.get_records(ShardIterator=it, Limit=100)
            records += r["Records"]
            it = r["NextShardIterator"]
            if len(records) >= 8:
                break
        assert [r["Data"] for r in records] == [f"rec {i}".encode() for i in range(5)] + [bytes([0, 1, 2, i]) for i in range(3)]
        assert [r["PartitionKey"] for r in records[:5]] == [f"k{i}" for i in range(5)]
        assert [r["SequenceNumber"] for r in records[:5]] == seqs
        assert all(r["ApproximateArrivalTimestamp"].year >= 2024 for r in records)

        # AT_SEQUENCE_NUMBER starts exactly there
        it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                        StartingSequenceNumber=seqs[3])["ShardIterator"]
        assert kinesis.get_records(ShardIterator=it, Limit=1)["Records"][0]["Data"] == b"rec 3"
    finally:
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
