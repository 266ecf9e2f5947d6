#!/bin/bash
# Entry point of the PostgreSQL stand-in image: the interface of the official `postgres` image,
# written for Debian's postgresql-15 packages.
#
#   POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE)  required on first start (unless
#                       POSTGRES_HOST_AUTH_METHOD=trust); password of POSTGRES_USER
#   POSTGRES_USER       superuser name (default postgres)
#   POSTGRES_DB         database created on first start (default: POSTGRES_USER)
#   POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256)
#   PGDATA              data directory (default /var/lib/postgresql/data)
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz  run once, after the first initdb
#
# Runs as uid 999 (postgres) or starts as root, fixes ownership and drops to 999. Writes only
# to PGDATA, /var/run/postgresql and /tmp, so a read-only root filesystem works.
set -Eeuo pipefail

err() { echo "postgres stand-in: $*" >&2; }

# file_env VAR: VAR may come from VAR_FILE (a mounted secret) instead; not both.
file_env() {
  local var="$1" file_var="${1}_FILE" def="${2:-}"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    err "both $var and $file_var are set; set only one of them"; exit 1
  fi
  local val="$def"
  if [ -n "${!var:-}" ]; then val="${!var}"
  elif [ -n "${!file_var:-}" ]; then val="$(<"${!file_var}")"; fi
  export "$var"="$val"
  unset "$file_var"
}

# psql against the temporary socket-only server of the first start.
setup_psql() {
  PGPASSWORD= psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER" "$@"
}

init_database() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  local auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    err "the database is uninitialized and POSTGRES_PASSWORD is not set; set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to the superuser's password"
    exit 1
  fi
  echo "postgres stand-in: initializing $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host="$auth" -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  {
    echo
    echo "# added by the entry point: remote connections, as the official postgres image allows"
    echo "host all all all $auth"
  } >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"

  # A temporary server on the socket only, for the database and the init scripts.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w -t 60 start >/dev/null
  if [ "$POSTGRES_DB" != postgres ]; then
    setup_psql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh) echo "postgres stand-in: running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "postgres stand-in: running $f"; setup_psql --dbname "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) echo "postgres stand-in: running $f"; gunzip -c "$f" | setup_psql --dbname "$POSTGRES_DB" ;;
      *) echo "postgres stand-in: ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  echo "postgres stand-in: init done; ready for start-up"
}

# `docker run IMAGE -c key=value` means `postgres -c key=value`.
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ]; then
  : "${PGDATA:=/var/lib/postgresql/data}"
  export PGDATA
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown -R postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    chmod 3775 /var/run/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
  fi
  if [ "$(id -u)" != 999 ]; then
    err "running as uid $(id -u); run as uid 999 (postgres) or as root"
    exit 1
  fi
  if [ ! -w "$PGDATA" ] && ! mkdir -p "$PGDATA" 2>/dev/null; then
    err "$PGDATA is not writable by uid 999; mount a volume owned by 999 there (or start as root once)"
    exit 1
  fi
  chmod 700 "$PGDATA" 2>/dev/null || true
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    init_database
  fi
  unset POSTGRES_PASSWORD
fi

exec "$@"
