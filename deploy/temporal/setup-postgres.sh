#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases (persistence and visibility). Run once by the
# `temporal-setup` service of docker-compose.yml (temporalio/admin-tools image); idempotent.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "${POSTGRES_SEEDS:-postgresql}" -u "$POSTGRES_USER" -p 5432 "$@"; }
until nc -z "${POSTGRES_SEEDS:-postgresql}" 5432; do echo 'waiting for PostgreSQL'; sleep 1; done
for db in temporal temporal_visibility; do
  tool --db "$db" create || true # exists already on a restart
done
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo 'Temporal schema ready'
