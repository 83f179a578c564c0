"""What every test that starts GIMP checks when GIMP has gone: no process of
its session is left (plug-ins, the Script-Fu server), and GIMP, GEGL and
GLib printed no CRITICAL or WARNING line."""
import os
import signal


def session_processes(sid):
    """The live processes of session `sid` (a GIMP started with
    start_new_session=True has its own pid as session id)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, session.
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def kill_leftovers(sid):
    """Kills what is left of session `sid`; returns the pids it found."""
    left = session_processes(sid)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def problems(text):
    """The CRITICAL and WARNING lines of GIMP's, GEGL's or GLib's output."""
    return [line for line in text.splitlines() if "-CRITICAL" in line or "-WARNING" in line]


# Batch drivers leave images open; GIMP 2.10 then reports their buffers as
# leaked at exit. A user's session closes them; so does this, before quitting.
CLOSE_IMAGES = "(for-each gimp-image-delete (vector->list (cadr (gimp-image-list))))"
