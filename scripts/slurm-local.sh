#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests (scripts/slurm-check.sh): Debian's Slurm
# (slurmctld, slurmd, slurm-client) and munge, run as root, no cgroups
# (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none), one partition `debug` holding this
# machine with all its CPUs. A requeued job waits 20 s (AuthInfo=cred_expire) instead of 120.
#
#   scripts/slurm-local.sh start   installs the packages if missing, writes the configuration,
#                                  starts munged (unless one runs), slurmctld, then slurmd, and
#                                  waits until the node is idle
#   scripts/slurm-local.sh stop    stops the daemons this script started
#   scripts/slurm-local.sh env     prints `export SLURM_CONF=…` for the client commands
#
# State, configuration and daemon logs live in .build/slurm-local/ (SLURM_LOCAL_DIR overrides);
# the client commands (sbatch, squeue, scontrol) find this cluster through SLURM_CONF. Ports:
# SLURM_LOCAL_PORT (slurmctld, default 6817) and the next one (slurmd).
set -euo pipefail
cd "$(dirname "$0")/.."
state=${SLURM_LOCAL_DIR:-$PWD/.build/slurm-local}
port=${SLURM_LOCAL_PORT:-6817}
conf="$state/slurm.conf"

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "slurm-local: the daemons run as root here (no cgroups, SlurmUser=root); run as root" >&2
        exit 2
    fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
    need_root
    scripts/bootstrap.sh slurmd slurmctld slurm-client munge
    mkdir -p "$state/ctld" "$state/spool" "$state/munge"
    host=$(hostname -s)
    cpus=$(nproc)
    memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
    cat > "$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster for tests.
ClusterName=snnc-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued job waits cred_expire seconds before it starts again (default 120).
AuthInfo=cred_expire=20
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobRequeue=1
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    # munge: reuse a daemon that answers (it shares /etc/munge/munge.key), else start one, once a
    # daemon still shutting down (a `stop` just before) has gone.
    if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        for _ in $(seq 1 20); do pgrep -x munged >/dev/null || break; sleep 0.5; done
        if pgrep -x munged >/dev/null; then
            echo "slurm-local: a munged runs but does not answer (munge -n | unmunge); stop it and start again" >&2
            exit 1
        fi
        [ -s /etc/munge/munge.key ] || mungekey --create --force --keyfile /etc/munge/munge.key
        chmod 600 /etc/munge/munge.key
        mkdir -p /run/munge /var/log/munge /var/lib/munge
        munged --force
        touch "$state/munge/started-here"
    fi
    for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
    munge -n | unmunge >/dev/null || { echo "slurm-local: munged does not answer (munge -n | unmunge failed)" >&2; exit 1; }
    export SLURM_CONF="$conf"
    pid_alive "$state/slurmctld.pid" || slurmctld -f "$conf"
    for _ in $(seq 1 30); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 1; done
    scontrol ping | grep -q UP || { echo "slurm-local: slurmctld did not come up; log: $state/slurmctld.log" >&2; tail -n 20 "$state/slurmctld.log" >&2; exit 1; }
    pid_alive "$state/slurmd.pid" || slurmd -f "$conf"
    for _ in $(seq 1 30); do
        node_state=$(sinfo --noheader --format=%T 2>/dev/null | head -n 1)
        [ "$node_state" = idle ] && break
        sleep 1
    done
    if [ "$node_state" != idle ]; then
        echo "slurm-local: the node is '$node_state', not idle; logs: $state/slurmd.log, $state/slurmctld.log" >&2
        tail -n 20 "$state/slurmd.log" >&2
        exit 1
    fi
    echo "slurm-local: up (node $host, $cpus CPUs, partition debug); export SLURM_CONF=$conf" >&2
}

stop() {
    for daemon in slurmd slurmctld; do
        if pid_alive "$state/$daemon.pid"; then
            kill "$(cat "$state/$daemon.pid")"
            for _ in $(seq 1 20); do pid_alive "$state/$daemon.pid" || break; sleep 0.5; done
        fi
    done
    if [ -f "$state/munge/started-here" ] && pid_alive /run/munge/munged.pid; then
        kill "$(cat /run/munge/munged.pid)"
        for _ in $(seq 1 20); do pid_alive /run/munge/munged.pid || break; sleep 0.5; done
    fi
    rm -f "$state/munge/started-here"
    echo "slurm-local: stopped" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) echo "export SLURM_CONF=$conf" ;;
    *) echo "usage: scripts/slurm-local.sh start|stop|env" >&2; exit 2 ;;
esac
