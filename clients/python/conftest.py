"""Fixtures of the boto3 suite: one Wharf that tools/clients/run.sh started, reached over http and
(when Wharf serves TLS) https with the local CA as `verify=`."""
import os
import uuid

import boto3
import botocore
import botocore.session
import pytest
from botocore.config import Config

HTTP = os.environ.get("WHARF_CLIENTS_HTTP_ENDPOINT", "http://localhost:4566")
HTTPS = os.environ.get("WHARF_CLIENTS_HTTPS_ENDPOINT", "")
CA = os.environ.get("WHARF_CLIENTS_CA_FILE", "")
REGION = "us-east-1"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["http", "https"])
def transport(request):
    """(endpoint_url, verify) for each way a client reaches Wharf."""
    if request.param == "http":
        return HTTP, None
    if not HTTPS or not CA:
        pytest.skip("Wharf serves no TLS here (WHARF_CLIENTS_HTTPS_ENDPOINT / WHARF_CLIENTS_CA_FILE unset)")
    return HTTPS, CA


def make_client(service, transport, botocore_session=None, **config):
    endpoint, verify = transport
    session = boto3.Session(botocore_session=botocore_session) if botocore_session else boto3.Session()
    return session.client(
        service,
        endpoint_url=endpoint,
        verify=verify,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=10, read_timeout=60, **config),
    )


@pytest.fixture
def client_factory(transport):
    return lambda service, **kw: make_client(service, transport, **kw)


def versions():
    return f"boto3 {boto3.__version__}, botocore {botocore.__version__}"
