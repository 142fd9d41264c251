#!/usr/bin/python3
"""An OCI runtime in front of runc for machines whose capability bounding set is narrower than
what `docker run --privileged` asks for (runc then fails with "unable to apply caps").

dockerd registers it with --add-runtime and calls it as it would call runc. Before handing over,
it drops from the container's capability sets every capability this process's own bounding set
lacks: no process here could hold them anyway. It edits <bundle>/config.json for create and run,
and the --process file for exec; every other call goes to runc untouched. On a machine whose
bounding set is full it changes nothing.
"""
import json
import os
import sys

RUNC = os.environ.get("RECALL_RUNC", "runc")
# Bit numbers of capability(7); the OCI spec names them CAP_<NAME>.
CAPABILITIES = [
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
]


COMMANDS = {"checkpoint", "create", "delete", "events", "exec", "kill", "list", "pause", "ps", "restore",
            "resume", "run", "spec", "start", "state", "update", "features"}


def missing_capabilities():
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("CapBnd:"))
    bounding = int(line.split()[1], 16)
    return {"CAP_" + name for bit, name in enumerate(CAPABILITIES) if not bounding >> bit & 1}


def option(args, name):
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def filter_process(process, missing):
    sets = process.get("capabilities") or {}
    for key, names in sets.items():
        if isinstance(names, list):
            sets[key] = [name for name in names if name not in missing]


def rewrite(path, missing, locate):
    with open(path) as file:
        document = json.load(file)
    filter_process(locate(document), missing)
    with open(path, "w") as file:
        json.dump(document, file)


def main(args):
    missing = missing_capabilities()
    # Global options come first and some take values (--root DIR, --log FILE), so the command is
    # the first argument that names one.
    command = next((arg for arg in args if arg in COMMANDS), None)
    if missing and command in ("create", "run"):
        bundle = option(args, "--bundle") or option(args, "-b") or "."
        rewrite(os.path.join(bundle, "config.json"), missing, lambda spec: spec.get("process") or {})
    elif missing and command == "exec":
        process_file = option(args, "--process") or option(args, "-p")
        if process_file:
            rewrite(process_file, missing, lambda process: process)
    os.execvp(RUNC, [RUNC] + args)


if __name__ == "__main__":
    main(sys.argv[1:])
