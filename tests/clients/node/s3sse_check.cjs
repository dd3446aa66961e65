// Driven by tests/test_client_node.py: the AWS SDK for JavaScript v3 against the local endpoint.
// The endpoint comes from AWS_ENDPOINT_URL (read by the SDK), its CA from NODE_EXTRA_CA_CERTS (read
// by Node at start-up), the SDK from the node_modules directory named by S3SSE_NODE_MODULES.
// Prints one JSON document: what each step answered.
"use strict";
const path = require("node:path");

const modules = process.env.S3SSE_NODE_MODULES;
const { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand } = require(
  path.join(modules, "@aws-sdk", "client-s3"),
);

async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (err) {
    return { name: err.name, status: err.$metadata && err.$metadata.httpStatusCode, message: err.message };
  }
}

async function main() {
  const [bucket, kmsKeyId, customerKey] = process.argv.slice(2);
  const s3 = new S3Client({ forcePathStyle: true, maxAttempts: 1 });
  const sseC = { SSECustomerAlgorithm: "AES256", SSECustomerKey: customerKey };
  const out = {};

  const put = await s3.send(new PutObjectCommand({
    Bucket: bucket, Key: "kms.txt", Body: "from node", ServerSideEncryption: "aws:kms", SSEKMSKeyId: kmsKeyId,
  }));
  out.put = {
    ServerSideEncryption: put.ServerSideEncryption, SSEKMSKeyId: put.SSEKMSKeyId, ChecksumCRC32: put.ChecksumCRC32,
  };
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "kms.txt" }));
  out.get = { body: await got.Body.transformToString(), ServerSideEncryption: got.ServerSideEncryption };

  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "c.txt", Body: "customer key", ...sseC }));
  const gotC = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "c.txt", ...sseC }));
  out.getSseC = { body: await gotC.Body.transformToString(), SSECustomerKeyMD5: gotC.SSECustomerKeyMD5 };

  out.missing = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })));
  out.withoutKey = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "c.txt" })));
  out.headWithoutKey = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "c.txt" })));
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(`${err.name}: ${err.message}\n${err.stack}\n`);
  process.exit(1);
});
