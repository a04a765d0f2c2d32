# Computes the SigV4 vectors of sigv4_test.cc (SigV4Botocore) with botocore, the reference
# implementation: python3 botocore_sigv4_vectors.py. The x-amz-date is the time of the run;
# the test pins the date each vector was computed at.
import datetime
from unittest import mock
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import hashlib
cases = [
 # name, method, url, headers, body, region, token
 ("session_token_auto_region", "PUT", "https://acct.r2.cloudflarestorage.com/bkt/a%20b/c%2Bd%3D~e.jsonl.gz", {}, b"hello", "auto", "TOKEN/with+special=chars"),
 ("upload_part_query", "PUT", "http://127.0.0.1:17480/bkt/2024-01-15T00%3A00%3A00%2B00%3A00-2024-01-15T01%3A00%3A00%2B00%3A00.jsonl?partNumber=2&uploadId=2~abc%2Fdef", {}, b"part data", "us-east-1", None),
 ("sse_kms_create", "POST", "https://bkt.s3.eu-west-1.amazonaws.com/dir/%C3%A9v%C3%A9nements.jsonl?uploads=", {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "testkey-1"}, b"", "eu-west-1", None),
 ("list_v2_prefix", "GET", "http://bkt.localhost:17480/?list-type=2&max-keys=1000&prefix=events%2F2024%2F2024-01-15T00%3A00%3A00%2B00%3A00", {}, b"", "us-east-1", None),
]
now = datetime.datetime(2024, 1, 15, 12, 34, 56)
for name, method, url, headers, body, region, token in cases:
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token)
    req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    req.headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    auth = S3SigV4Auth(creds, "s3", region)
    with mock.patch("botocore.auth.datetime") as dt:
        dt.datetime.utcnow.return_value = now
        dt.datetime.now.return_value = now
        auth.add_auth(req)
    print(name, req.headers["Authorization"])
    print("  canonical:", repr(auth.canonical_request(req)))
