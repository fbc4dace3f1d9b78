"""Amazon MQ through boto3: a RabbitMQ broker as Terraform creates it, described, users refused, deleted."""
import time

import pytest
from botocore.exceptions import ClientError

from conftest import unique

PASSWORD = "Wharf-py-pass-123"


def wait_state(mq, broker_id, state, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        d = mq.describe_broker(BrokerId=broker_id)
        if d["BrokerState"] == state:
            return d
        assert d["BrokerState"] != "CREATION_FAILED", d.get("ActionsRequired")
        time.sleep(0.5)
    raise AssertionError(f"{broker_id} not {state}")


def test_rabbitmq_broker_lifecycle(client_factory):
    mq = client_factory("mq")
    name = unique("py-rabbit")
    user = unique("pyuser")
    created = mq.create_broker(
        BrokerName=name, EngineType="RABBITMQ", EngineVersion="3.13", HostInstanceType="mq.t3.micro",
        DeploymentMode="SINGLE_INSTANCE", PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
        Users=[{"Username": user, "Password": PASSWORD}], Tags={"team": "wharf"},
    )
    broker_id = created["BrokerId"]
    try:
        assert created["BrokerArn"].endswith(":broker:" + name + ":" + broker_id)
        d = wait_state(mq, broker_id, "RUNNING")
        assert d["BrokerName"] == name
        assert d["EngineType"] == "RABBITMQ"
        assert d["EngineVersion"] == "3.13"
        assert d["DeploymentMode"] == "SINGLE_INSTANCE"
        assert d["Tags"] == {"team": "wharf"}
        endpoints = d["BrokerInstances"][0]["Endpoints"]
        assert any(e.startswith(("amqps://", "amqp://")) for e in endpoints), endpoints
        assert broker_id in [b["BrokerId"] for b in mq.list_brokers(MaxResults=100)["BrokerSummaries"]]

        with pytest.raises(ClientError) as info:
            mq.create_user(BrokerId=broker_id, Username=unique("other"), Password=PASSWORD)
        assert info.value.response["Error"]["Code"] == "BadRequestException"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    finally:
        mq.delete_broker(BrokerId=broker_id)
    for _ in range(120):
        try:
            mq.describe_broker(BrokerId=broker_id)
        except ClientError as err:
            assert err.response["Error"]["Code"] == "NotFoundException"
            return
        time.sleep(0.5)
    raise AssertionError("broker not deleted")


def test_retired_version_refused(client_factory):
    mq = client_factory("mq")
    with pytest.raises(ClientError) as info:
        mq.create_broker(BrokerName=unique("py-old"), EngineType="RABBITMQ", EngineVersion="3.10.20",
                         HostInstanceType="mq.t3.micro", DeploymentMode="SINGLE_INSTANCE",
                         PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
                         Users=[{"Username": unique("u"), "Password": PASSWORD}])
    assert info.value.response["Error"]["Code"] == "BadRequestException"
    assert "3.10.20" in info.value.response["Error"]["Message"]
