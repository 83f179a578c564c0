"""models/fetch against a local mirror built from ../shared (no internet)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

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
        r = fetch("--model-dir", self.models, "--mirror", mirror, "wave")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(os.listdir(os.path.join(self.models, "wave"))), 49)  # manifest + 48 variables

    def test_unknown_and_unreachable(self):
        self.assertEqual(fetch("--model-dir", self.models, "alexnet").returncode, 2)
        r = fetch("--model-dir", self.models, "--mirror", os.path.join(self.tmp, "nowhere"), "darknet-tiny")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot download", r.stderr)


if __name__ == "__main__":
    unittest.main()
