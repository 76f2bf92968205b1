#!/bin/sh
# Creates the namespace and registers the recording workflow's search attributes (AgoraChannel, AgoraSid,
# RecordingStatus; Keyword). Run by the `temporal-register` service of docker-compose.yml; idempotent.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
addr="${TEMPORAL_ADDRESS:-temporal:7233}"
until temporal operator cluster health --address "$addr" >/dev/null 2>&1; do echo 'waiting for Temporal'; sleep 2; done
temporal operator namespace describe --address "$addr" -n "$ns" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$addr" -n "$ns" --retention 7d
for name in AgoraChannel AgoraSid RecordingStatus; do
  temporal operator search-attribute create --address "$addr" -n "$ns" --name "$name" --type Keyword ||
    echo "search attribute $name exists"
done
echo "namespace $ns ready with AgoraChannel, AgoraSid, RecordingStatus"
