#!/bin/bash
# Starts PostgreSQL the way the official image does for its documented interface: on the first
# start (no PG_VERSION in PGDATA) it creates the cluster, the owner role with its password and the
# database, and runs /docker-entrypoint-initdb.d; on every start it ends by exec'ing the server.
#
# Environment (read only on the first start; a restart on the same volume keeps what it made):
#   POSTGRES_PASSWORD          the superuser's password; required unless the host auth is trust
#   POSTGRES_USER              the superuser role initdb makes; defaults to postgres
#   POSTGRES_DB                a database created for it; defaults to POSTGRES_USER
#   POSTGRES_HOST_AUTH_METHOD  pg_hba method for TCP clients; defaults to scram-sha-256
#   POSTGRES_INITDB_ARGS       more initdb options, split on spaces
#   each of the first three may instead be given as <NAME>_FILE, a path to read it from.
#
# Runs as uid 999 (the pods' runAsUser) with a read-only root: it writes only to PGDATA, the socket
# directory and /tmp. Started as root, it hands those to uid 999 and runs again as that user.
set -Eeuo pipefail

log() { printf '%s docker-entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Orchestrators mount secrets as files; NAME_FILE lets the password stay out of the environment.
# Both forms at once would leave it unclear which one the cluster was made with.
from_env_or_file() {
  local name=$1 default=${2-} file_name="${1}_FILE"
  local value=${!name-} file=${!file_name-}
  if [[ -n $value && -n $file ]]; then die "both $name and $file_name are set; set one"; fi
  if [[ -n $file ]]; then
    [[ -r $file ]] || die "$file_name=$file is not a readable file"
    value=$(<"$file")
  fi
  printf -v "$name" '%s' "${value:-$default}"
  export "${name?}"
  unset "$file_name"
}

# pg_ctl and psql against the temporary server reach it only through the socket, as its owner.
socket_dir=/var/run/postgresql
# Only this script creates it, inside a cluster it has just made, so its presence proves the cluster
# holds nothing but an interrupted setup. The server ignores unknown files in its data directory.
init_marker=$PGDATA/docker-entrypoint-init-incomplete

init_cluster() {
  from_env_or_file POSTGRES_USER postgres
  from_env_or_file POSTGRES_PASSWORD
  from_env_or_file POSTGRES_DB "$POSTGRES_USER"
  local host_auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [[ -z $POSTGRES_PASSWORD && $host_auth != trust ]]; then
    die "PGDATA=$PGDATA holds no cluster and POSTGRES_PASSWORD is not set: set it (or POSTGRES_PASSWORD_FILE) so TCP clients can log in"
  fi

  # Said here rather than by initdb, with the likely cause: a volume's root used as PGDATA.
  if [[ -n $(ls -A "$PGDATA") ]]; then
    die "PGDATA=$PGDATA holds files but no cluster (no PG_VERSION); point PGDATA at an empty or missing subdirectory of the volume"
  fi
  log "initialising a cluster in $PGDATA for role $POSTGRES_USER"
  # Local (socket) connections are trusted: only processes in this container reach the socket, and
  # this script needs them before any password works. Every TCP client, loopback included, must
  # authenticate. The password goes through a pipe so it is never written to a file or argv.
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, split on purpose
  if [[ -n $POSTGRES_PASSWORD ]]; then
    initdb --username="$POSTGRES_USER" --auth-local=trust --auth-host="$host_auth" \
      --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") ${POSTGRES_INITDB_ARGS:-}
  else
    initdb --username="$POSTGRES_USER" --auth-local=trust --auth-host="$host_auth" ${POSTGRES_INITDB_ARGS:-}
  fi
  # Until the end of the setup: a cluster without its database or init scripts would otherwise be
  # taken for a finished one by the next start, after a failure, a stop or a kill at any point.
  # (initdb undoes its own work when it fails or is signalled, so the marker follows it.)
  : >"$init_marker"
  # As PID 1 this shell ignores signals it has no handler for; a stop during the setup ends it, to
  # be redone at the next start, instead of running on until the runtime's kill.
  trap 'exit 143' TERM INT

  # initdb listens on loopback only and admits TCP clients from loopback only; clients are in
  # other containers and pods, and which of them may connect is the network's business.
  printf "\n# docker-entrypoint.sh: clients come from other containers\nlisten_addresses = '*'\n" \
    >>"$PGDATA/postgresql.conf"
  printf '\n# docker-entrypoint.sh: any address, with a password\nhost all all all %s\n' "$host_auth" \
    >>"$PGDATA/pg_hba.conf"

  # No TCP listener while the database is half made: a client that connected now would find it
  # missing, and the readiness probe must not pass before the setup is done.
  pg_ctl --pgdata="$PGDATA" --wait --silent \
    --options="-c listen_addresses='' -c unix_socket_directories=$socket_dir" start

  local psql=(psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 --host="$socket_dir" --username="$POSTGRES_USER")
  if [[ $POSTGRES_DB != postgres ]]; then
    log "creating database $POSTGRES_DB"
    # A psql variable quotes the name as an identifier, so any name the user chose is taken as is.
    "${psql[@]}" --dbname=postgres --set=name="$POSTGRES_DB" <<<'CREATE DATABASE :"name";'
  fi

  local script
  shopt -s nullglob
  for script in /docker-entrypoint-initdb.d/*; do
    case $script in
      *.sh)
        log "running $script"
        # Executable scripts run on their own; the others are sourced, as the official image does,
        # so they may use this script's variables (POSTGRES_USER, the psql array).
        # shellcheck source=/dev/null # the deployer's script, unknown until run time
        if [[ -x $script ]]; then "$script"; else . "$script"; fi
        ;;
      *.sql)
        log "running $script"
        "${psql[@]}" --dbname="$POSTGRES_DB" --file="$script"
        ;;
      *.sql.gz)
        log "running $script"
        gzip -dc "$script" | "${psql[@]}" --dbname="$POSTGRES_DB"
        ;;
      *) log "ignoring $script (not .sh, .sql or .sql.gz)" ;;
    esac
  done
  shopt -u nullglob

  pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop
  rm -f "$init_marker"
  trap - TERM INT
  log "initialisation done"
}

# Server options alone (`docker run postgres:15 -c work_mem=64MB`) are the server's, as upstream.
if [[ $# -eq 0 || $1 == -* ]]; then set -- postgres "$@"; fi
# Anything else (psql, pg_dump, bash) runs as given, without touching PGDATA.
if [[ $1 != postgres ]]; then exec "$@"; fi
# Nor does asking the server binary about itself: that must not create a cluster as a side effect.
for arg in "$@"; do
  case $arg in -V | --version | '-?' | --help | --describe-config) exec "$@" ;; esac
done

if [[ $(id -u) == 0 ]]; then
  # Root only prepares what uid 999 must own, then gives the server up: PostgreSQL refuses to run as
  # root. Only entries not already owned are changed, so a large existing cluster costs a scan.
  mkdir -p "$PGDATA" "$socket_dir"
  find "$PGDATA" "$socket_dir" \! -user postgres -exec chown postgres:postgres '{}' +
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "${BASH_SOURCE[0]}" "$@"
fi

mkdir -p "$PGDATA" || die "cannot create PGDATA=$PGDATA as uid $(id -u): its parent must be writable by it"
# Every start, not only the first: Kubernetes' fsGroup makes volume directories group-writable
# at each mount, and the server refuses a data directory with more than 0750.
chmod 0700 "$PGDATA" || die "PGDATA=$PGDATA is not owned by uid $(id -u)"

if [[ -e $init_marker ]]; then
  log "the first start's setup of $PGDATA did not finish; emptying it to start over"
  find "$PGDATA" -mindepth 1 -delete
fi
if [[ -s $PGDATA/PG_VERSION ]]; then
  log "PGDATA=$PGDATA already holds a PostgreSQL $(<"$PGDATA/PG_VERSION") cluster; starting it"
else
  init_cluster
fi

# exec: the server becomes the container's main process and receives the stop signal itself.
exec "$@"
