"""models/fetch against a local mirror built from ../shared (no internet)."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FETCH = os.path.join(SOURCE, "models", "fetch")
SHARED = os.environ.get("IMPASTO_SHARED", os.path.join(SOURCE, "..", "shared"))
DARKNET = os.path.join(SHARED, "models", "darknet-tiny")


def fetch(*args):
    return subprocess.run([sys.executable, FETCH, *args], capture_output=True, text=True)


@unittest.skipUnless(os.path.isdir(DARKNET), "../shared is absent: no local mirror of Tiny Darknet")
class FetchFromMirror(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="impasto-fetch-")
        self.models = os.path.join(self.tmp, "models")
        self.mirror = os.path.join(self.tmp, "mirror")
        shutil.copytree(DARKNET, os.path.join(self.mirror, "darknet-tiny"))
        for root, _, files in os.walk(self.mirror):
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_installs_and_verifies(self):
        r = fetch("--model-dir", self.models, "--mirror", self.mirror, "darknet-tiny")
        self.assertEqual(r.returncode, 0, r.stderr)
        installed = os.path.join(self.models, "darknet-tiny")
        self.assertEqual(sorted(os.listdir(installed)), sorted(os.listdir(DARKNET)))
        self.assertIn("installed", fetch("--model-dir", self.models, "--list").stdout)
        # Nothing temporary is left behind.
        self.assertEqual(os.listdir(self.models), ["darknet-tiny"])

    def test_corrupt_download_is_never_installed(self):
        shard = os.path.join(self.mirror, "darknet-tiny", "group17-shard1of1")
        with open(shard, "r+b") as f:
            f.seek(100)
            f.write(b"\x00\x01\x02\x03")
        r = fetch("--model-dir", self.models, "--mirror", self.mirror, "darknet-tiny")
        self.assertEqual(r.returncode, 1)
        self.assertIn("corrupt or incomplete", r.stderr)
        self.assertIn("nothing was installed", r.stderr)
        self.assertEqual(os.listdir(self.models), [])

    def test_unwritable_model_folder(self):
        # A folder nobody may write to (root ignores permission bits, so
        # root is given a path under /proc, where even root cannot create).
        if os.geteuid() == 0:
            target = "/proc/impasto-models"
        else:
            target = os.path.join(self.tmp, "read-only")
            os.makedirs(target)
            os.chmod(target, 0o555)
        r = fetch("--model-dir", target, "--mirror", self.mirror, "darknet-tiny")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("impasto fetch: darknet-tiny:", r.stderr)
        self.assertIn("nothing was installed", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(target, "darknet-tiny")))

    def test_partial_download_keeps_the_previous_install(self):
        self.assertEqual(fetch("--model-dir", self.models, "--mirror", self.mirror).returncode, 0)
        shard = os.path.join(self.mirror, "darknet-tiny", "group19-shard1of1")
        os.truncate(shard, 1000)
        r = fetch("--model-dir", self.models, "--mirror", self.mirror, "darknet-tiny")
        self.assertEqual(r.returncode, 1)
        size = os.path.getsize(os.path.join(self.models, "darknet-tiny", "group19-shard1of1"))
        self.assertEqual(size, os.path.getsize(os.path.join(DARKNET, "group19-shard1of1")))

    @unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "models", "fast-style-ml5", "wave")), "no ml5 models")
    def test_installs_a_style_model(self):
        mirror = os.path.join(SHARED, "models", "fast-style-ml5")
        r = fetch("--model-dir", self.models, "--mirror", mirror, "--progress", "wave")
        self.assertEqual(r.returncode, 0, r.stderr)
        # manifest, 48 variables, impasto.json and the thumbnail GIMP's dialog shows
        self.assertEqual(len(os.listdir(os.path.join(self.models, "wave"))), 51)
        with open(os.path.join(self.models, "wave", "impasto.json")) as f:
            description = json.load(f)
        self.assertEqual(description["display_name"], "The Great Wave (Hokusai)")
        self.assertEqual(description["thumbnail"], "style.png")
        with open(os.path.join(self.models, "wave", "style.png"), "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        progress = [line.split()[1:] for line in r.stdout.splitlines() if line.startswith("progress ")]
        self.assertEqual(progress[0], ["0", "49"])
        self.assertEqual(progress[-1], ["49", "49"])
        self.assertEqual(len(progress), 50)

    @unittest.skipUnless(os.path.isdir(os.path.join(SHARED, "models", "fast-style-ml5", "wave")), "no ml5 models")
    def test_stopped_download_leaves_nothing(self):
        # A front end's Cancel sends SIGTERM: the partial download goes.
        import signal
        mirror = os.path.join(SHARED, "models", "fast-style-ml5")
        p = subprocess.Popen([sys.executable, FETCH, "--model-dir", self.models, "--mirror", mirror, "--progress",
                              "wave"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in p.stdout:
            if line.startswith("progress 5 "):
                p.send_signal(signal.SIGTERM)
                break
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("stopped; nothing was installed", err)
        self.assertEqual(os.listdir(self.models), [])

    def test_zip_member_and_unpinned_files(self):
        # pytorch/examples publishes its four styles in one zip, with no
        # sha256 Impasto could pin offline: refused unless the user accepts.
        mirror = os.path.join(self.tmp, "zip-mirror")
        os.makedirs(os.path.join(mirror, "fns-candy"))
        payload = os.urandom(4096)
        with zipfile.ZipFile(os.path.join(mirror, "fns-candy", "saved_models.zip"), "w") as z:
            z.writestr("saved_models/candy.pth", payload)
            z.writestr("saved_models/mosaic.pth", b"other")
        r = fetch("--model-dir", self.models, "--mirror", mirror, "fns-candy")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no pinned sha256", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.models, "fns-candy")))
        r = fetch("--model-dir", self.models, "--mirror", mirror, "--allow-unpinned", "fns-candy")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(hashlib.sha256(payload).hexdigest(), r.stdout)
        with open(os.path.join(self.models, "fns-candy", "model.pth"), "rb") as f:
            self.assertEqual(f.read(), payload)
        self.assertEqual(sorted(os.listdir(os.path.join(self.models, "fns-candy"))), ["impasto.json", "model.pth"])
        # An archive without the member installs nothing.
        with zipfile.ZipFile(os.path.join(mirror, "fns-candy", "saved_models.zip"), "w") as z:
            z.writestr("saved_models/udnie.pth", b"x")
        shutil.rmtree(os.path.join(self.models, "fns-candy"))
        r = fetch("--model-dir", self.models, "--mirror", mirror, "--allow-unpinned", "fns-candy")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot take saved_models/candy.pth", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.models, "fns-candy")))

    def test_every_manifest_entry_is_complete(self):
        with open(os.path.join(SOURCE, "models", "manifest.json")) as f:
            networks = json.load(f)["networks"]
        names = [n["name"] for n in networks]
        self.assertEqual(len(names), len(set(names)))
        for n in networks:
            for key in ["name", "display_name", "description", "licence", "format", "kind", "files"]:
                self.assertIn(key, n, n["name"])
            for entry in n["files"]:
                self.assertTrue("base_url" in n or "url" in entry, n["name"])
                self.assertIn("sha256" if "sha256_prefix" not in entry else "sha256_prefix", entry, n["name"])
        formats = {n["format"] for n in networks}
        self.assertTrue({"ml5", "fast-neural-style", "cyclegan", "adain", "tfjs-layers"} <= formats, formats)

    def test_unknown_and_unreachable(self):
        self.assertEqual(fetch("--model-dir", self.models, "alexnet").returncode, 2)
        r = fetch("--model-dir", self.models, "--mirror", os.path.join(self.tmp, "nowhere"), "darknet-tiny")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot download", r.stderr)
        # A site that does not answer is told apart from a bad file (the
        # dialog says the computer may be offline): exit status 3.
        r = fetch("--model-dir", self.models, "--mirror", "http://127.0.0.1:9", "darknet-tiny")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("cannot reach 127.0.0.1:9", r.stderr)
        self.assertEqual(os.listdir(self.models), [])


if __name__ == "__main__":
    unittest.main()
