#!/usr/bin/python3
"""Twenty jobs back to back in one GIMP session (the Script-Fu batch over a
folder, as `gimp -i -b` users run it): every file is stylised, GIMP's and
Script-Fu's memory does not keep growing, and no temporary file is left
behind (private TMPDIR and the profile's tmp folder). Each Impasto call is a
plug-in process of its own; what could leak is on GIMP's side."""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from PIL import Image

BUILD, SOURCE = sys.argv[1], sys.argv[2]
JOBS = 20


def rss_kb(pid):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open("/proc/%s/stat" % entry).read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def long_lived_rss(pid):
    """GIMP and its Script-Fu extension; the short-lived Impasto plug-in
    processes are not counted."""
    total = rss_kb(pid)
    for c in children(pid):
        try:
            name = open("/proc/%d/comm" % c).read().strip()
        except OSError:
            continue
        if name.startswith("script-fu"):
            total += rss_kb(c)
            script_fu_seen.add(c)
    return total


script_fu_seen = set()


tmp = tempfile.mkdtemp(prefix="impasto-soak-")
failed = 0
try:
    profile = os.path.join(tmp, "profile")
    for d in ("plug-ins/impasto", "scripts", "gradients", "brushes", "patterns", "tmp"):
        os.makedirs(os.path.join(profile, d))
    os.symlink(os.path.join(BUILD, "plugin", "gimp", "impasto"), os.path.join(profile, "plug-ins", "impasto", "impasto"))
    shutil.copy(os.path.join(SOURCE, "plugin", "gimp", "impasto-batch.scm"), os.path.join(profile, "scripts"))
    inp, out, private_tmp = (os.path.join(tmp, d) for d in ("in", "out", "tmpdir"))
    for d in (inp, out, private_tmp):
        os.makedirs(d)
    photo = Image.open(os.path.join(SOURCE, "data", "sample", "rocket.jpg")).convert("RGB").resize((320, 240))
    for i in range(JOBS):
        photo.rotate(i * 7).save(os.path.join(inp, "photo%02d.jpg" % i))

    env = dict(os.environ, GIMP2_DIRECTORY=profile, TMPDIR=private_tmp)
    gimp = subprocess.Popen(["gimp-console-2.10", "-i", "-d", "-f", "-b",
                             '(script-fu-impasto-batch-model "%s/*.jpg" "starry-night" "%s" 1.0 1.0 0)' % (inp, out),
                             "-b", "(gimp-quit 0)"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    reader = threading.Thread(target=lambda: output.extend(gimp.stdout))
    reader.start()
    at = {}  # jobs done -> highest long-lived RSS (kB) seen while that many were done
    deadline = time.time() + 900
    while gimp.poll() is None and time.time() < deadline:
        done = len([f for f in os.listdir(out) if f.endswith(".png")])
        at[done] = max(at.get(done, 0), long_lived_rss(gimp.pid))
        time.sleep(0.2)
    if gimp.poll() is None:
        gimp.kill()
    gimp.wait()
    reader.join()
    print("".join(output)[-3000:])
    print("GIMP + Script-Fu RSS after N jobs (kB):", dict(sorted(at.items())))

    growth = (at.get(JOBS - 1, 0) - at.get(5, 0)) / 1024
    # GIMP itself makes the empty folders $TMPDIR/gimp/2.10 at start-up.
    leftovers = [os.path.join(d, f) for top in (private_tmp, os.path.join(profile, "tmp"))
                 for d, _, files in os.walk(top) for f in files]
    checks = [
        ("all %d files stylised" % JOBS, len(os.listdir(out)) == JOBS and
         "impasto-batch: %d stylised, 0 failed" % JOBS in "".join(output)),
        ("GIMP exits normally", gimp.returncode == 0),
        ("memory of GIMP and Script-Fu after job 5 and after job %d measured" % (JOBS - 1),
         5 in at and JOBS - 1 in at and len(script_fu_seen) >= 1),
        ("no growth from job 5 to job %d beyond 30 MB (grew %.1f MB)" % (JOBS - 1, growth), growth < 30),
        ("no temporary files left (%s)" % leftovers, not leftovers),
    ]
    for name, ok in checks:
        print(("ok     " if ok else "FAILED ") + name)
        failed += not ok
    print("%d passed, %d failed" % (len(checks) - failed, failed))
finally:
    shutil.rmtree(tmp)
sys.exit(1 if failed else 0)
