#!/bin/sh
# One-shot: create the app's bucket in SeaweedFS (idempotent). `weed shell` does not report failure
# in its exit code, so the bucket list is the proof; exits non-zero if the bucket never shows up.
set -eu

: "${S3_BUCKET:?set S3_BUCKET}"
SHELL_ARGS="-master=${SEAWEEDFS_MASTER:-seaweedfs:9333} -filer=${SEAWEEDFS_FILER:-seaweedfs:8888}"

i=0
while [ "$i" -lt 60 ]; do
  # shellcheck disable=SC2086
  if echo "s3.bucket.list" | weed shell $SHELL_ARGS 2>/dev/null | grep -Eq "(^|[[:space:]])${S3_BUCKET}([[:space:]:]|$)"; then
    echo "storage-init: bucket ${S3_BUCKET} is there"
    exit 0
  fi
  # shellcheck disable=SC2086
  echo "s3.bucket.create -name ${S3_BUCKET}" | weed shell $SHELL_ARGS >/dev/null 2>&1 || true
  i=$((i + 1))
  sleep 2
done
echo "storage-init: bucket ${S3_BUCKET} could not be created" >&2
exit 1
