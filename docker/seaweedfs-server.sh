#!/bin/sh
# SeaweedFS for docker-compose: master, volume server, filer and the S3 gateway in one process.
# The S3 identity (the key pair in the app's STORAGE_URL) is written from the environment at start.
set -eu

: "${S3_ACCESS_KEY:?set S3_ACCESS_KEY}"
: "${S3_SECRET_KEY:?set S3_SECRET_KEY}"
umask 077
printf '{"identities":[{"name":"safetyops","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}\n' \
  "$S3_ACCESS_KEY" "$S3_SECRET_KEY" > /tmp/s3.json

mkdir -p /data
exec /usr/bin/weed server \
  -dir=/data \
  -ip.bind=0.0.0.0 \
  -volume.max=0 \
  -master.volumeSizeLimitMB=1024 \
  -s3 -s3.port=8333 -s3.config=/tmp/s3.json
