#!/usr/bin/python3
"""Undo in the real GIMP 2.10 user interface: GIMP's PDB has no undo call, so
this starts GIMP with its window under Xvfb, drives it through the Script-Fu
server, and presses Ctrl+Z / Ctrl+Y with xdotool like a user would."""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from gimp_session import kill_leftovers, problems
import unittest

BUILD, SOURCE, SHARED = sys.argv[1], sys.argv[2], sys.argv[3]
del sys.argv[1:4]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScriptFu:
    def __init__(self, port):
        self.port = port

    def __call__(self, command):
        data = command.encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=300) as s:
            s.sendall(b"G" + struct.pack(">H", len(data)) + data)
            head = b""
            while len(head) < 4:
                chunk = s.recv(4 - len(head))
                if not chunk:
                    raise ConnectionError("Script-Fu server closed the connection")
                head += chunk
            length = struct.unpack(">H", head[2:4])[0]
            body = b""
            while len(body) < length:
                body += s.recv(length - len(body))
        if head[1] != 0:
            raise RuntimeError("Script-Fu error for %s: %s" % (command, body.decode(errors="replace")))
        return body.decode(errors="replace")


class UndoInTheUserInterface(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # tools/install-deps installs all three: a missing one is a failure.
        for program in ("Xvfb", "xdotool", "gimp-2.10"):
            if not shutil.which(program):
                raise RuntimeError("%s is missing: run tools/install-deps" % program)
        cls.tmp = tempfile.mkdtemp(prefix="impasto-gimp-ui-")
        profile = os.path.join(cls.tmp, "profile")
        for d in ("plug-ins/impasto", "gradients"):
            os.makedirs(os.path.join(profile, d))
        os.symlink(os.path.join(BUILD, "plugin", "gimp", "impasto"),
                   os.path.join(profile, "plug-ins", "impasto", "impasto"))
        read_fd, write_fd = os.pipe()
        cls.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x900x24"],
                                    pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        display = b""
        while not display.endswith(b"\n"):
            display += os.read(read_fd, 16)
        os.close(read_fd)
        cls.env = dict(os.environ, DISPLAY=":" + display.decode().strip(), GIMP2_DIRECTORY=profile)
        cls.env.setdefault("IMPASTO_MODEL_DIR", os.path.join(SHARED, "models"))
        port = free_port()
        # Its own session, so that every process it starts (plug-ins, the
        # Script-Fu server) can be found and must be gone afterwards.
        cls.gimp_log = open(os.path.join(cls.tmp, "gimp-stderr.txt"), "w+")
        cls.gimp = subprocess.Popen(
            ["gimp-2.10", "-n", "-d", "-f", "-s", "-b",
             '(plug-in-script-fu-server RUN-NONINTERACTIVE "127.0.0.1" %d "")' % port],
            env=cls.env, stdout=subprocess.DEVNULL, stderr=cls.gimp_log, start_new_session=True)
        cls.sf = ScriptFu(port)
        deadline = time.monotonic() + 120
        while True:
            try:
                cls.sf("(gimp-version)")
                break
            except OSError:
                if time.monotonic() > deadline or cls.gimp.poll() is not None:
                    cls.tearDownClass()
                    raise
                time.sleep(0.5)

    @classmethod
    def tearDownClass(cls):
        # Quit as a user would; whatever is left of GIMP's session after that
        # is a process it left behind (a failure), and is killed.
        try:
            cls.sf("(gimp-quit 1)")  # force: no dialog for unsaved images
        except (OSError, RuntimeError):
            pass
        try:
            cls.gimp.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        left = kill_leftovers(cls.gimp.pid)
        if cls.gimp.poll() is None:
            cls.gimp.kill()
            cls.gimp.wait()
        cls.xvfb.kill()
        cls.xvfb.wait()
        cls.gimp_log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if left:
            raise AssertionError("GIMP left processes running after it quit: %s" % left)

    def gimp_problems(self):
        """CRITICAL and WARNING lines GIMP, GEGL or GLib printed so far."""
        self.gimp_log.flush()
        with open(self.gimp_log.name) as f:
            return problems(f.read())

    def press(self, keys):
        window = subprocess.run(["xdotool", "search", "--name", "GIMP"], env=self.env,
                                capture_output=True, text=True).stdout.split()[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=self.env, check=True)
        subprocess.run(["xdotool", "mousemove", "700", "500", "key", keys], env=self.env, check=True)
        time.sleep(1.5)  # let GIMP handle the key

    def layers(self):
        return self.sf("(vector->list (cadr (gimp-image-get-layers img)))")

    def test_one_undo_step_removes_exactly_the_layer(self):
        style = os.path.join(SOURCE, "data", "sample", "mosaic-style.png")
        self.sf('(begin (define img (car (gimp-image-new 64 48 RGB)))'
                ' (define src (car (gimp-layer-new img 64 48 RGB-IMAGE "photo" 100 LAYER-MODE-NORMAL)))'
                ' (gimp-image-insert-layer img src 0 0)'
                ' (gimp-context-set-gradient-fg-bg-rgb)'
                ' (gimp-drawable-edit-gradient-fill src GRADIENT-LINEAR 0 FALSE 1 0 TRUE 0 0 64 48)'
                ' (gimp-image-clean-all img)'
                ' (gimp-display-new img) img)')
        before = self.layers()
        result = self.sf('(car (plug-in-impasto-gatys RUN-NONINTERACTIVE img src -1 "%s" ""'
                         ' 1.0 2.0 0.02 1.0 5 64 0 2 0 0.02 0 0 0 "" "" 0 2 1 20))' % style)
        after = self.layers()
        self.assertEqual(len(after.split()), 2, after)
        self.assertIn(result, after)
        self.assertEqual(self.sf("(car (gimp-image-is-dirty img))"), "1")
        self.press("ctrl+z")
        self.assertEqual(self.layers(), before)
        # Exactly one step: the image is back to its clean state.
        self.assertEqual(self.sf("(car (gimp-image-is-dirty img))"), "0")
        self.press("ctrl+y")
        self.assertEqual(self.layers(), after)
        # Undo and Redo of the step print nothing (a parasite attached to an
        # attached layer made every Redo a Gimp-Core-CRITICAL).
        self.press("ctrl+z")
        self.press("ctrl+y")
        self.assertEqual(self.gimp_problems(), [], "".join(self.gimp_problems()))

    def find_window(self, name, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], env=self.env,
                                   capture_output=True, text=True).stdout.split()
            if found:
                return found[0]
            time.sleep(0.5)
        self.fail("no window named %r appeared" % name)

    def run_interactive(self, keys):
        """Opens Filters > Artistic > Pretrained Style (RUN-INTERACTIVE) on
        img, waits for the dialog, presses `keys` in it; returns the
        Script-Fu reply or the error."""
        outcome = {}

        def call():
            try:
                outcome["reply"] = self.sf('(car (plug-in-impasto-model RUN-INTERACTIVE img src "" 1.0 0 1.0 0 0 -1 "" 1.0))')
            except RuntimeError as e:
                outcome["error"] = str(e)

        worker = threading.Thread(target=call)
        worker.start()
        window = self.find_window("Style Transfer")
        subprocess.run(["xdotool", "windowfocus", "--sync", window, "key", keys], env=self.env, check=True)
        worker.join(timeout=300)
        self.assertFalse(worker.is_alive(), "the dialog did not close")
        return outcome

    def test_dialog_cancel_changes_nothing_ok_adds_the_layer_and_re_edit_renders_in_place(self):
        self.sf('(begin (define img (car (gimp-image-new 96 64 RGB)))'
                ' (define src (car (gimp-layer-new img 96 64 RGB-IMAGE "photo" 100 LAYER-MODE-NORMAL)))'
                ' (gimp-image-insert-layer img src 0 0)'
                ' (gimp-context-set-gradient-fg-bg-rgb)'
                ' (gimp-drawable-edit-gradient-fill src GRADIENT-LINEAR 0 FALSE 1 0 TRUE 0 0 96 64)'
                ' (gimp-image-clean-all img)'
                ' (define disp (car (gimp-display-new img))) img)')
        # Close this image's window afterwards, so the undo test's keys go to its own.
        self.addCleanup(self.sf, "(gimp-display-delete disp)")
        before = self.layers()
        outcome = self.run_interactive("Escape")
        self.assertFalse(outcome.get("reply", "").isdigit(), "Cancel must not produce a layer: %s" % outcome)
        self.assertEqual(self.layers(), before)
        self.assertEqual(self.sf("(car (gimp-image-is-dirty img))"), "0")
        # OK (Return) runs with what the dialog shows: the built-in default style.
        outcome = self.run_interactive("Return")
        self.assertIn("reply", outcome, outcome)
        after = self.layers()
        self.assertEqual(len(after.split()), 2, after)
        name = self.sf("(car (gimp-item-get-name %s))" % outcome["reply"])
        self.assertIn("Impasto: The Starry Night (van Gogh)", name)  # the style's name, not its id
        # Re-edit: the dialog on the Impasto layer opens with its stored
        # settings, and OK re-renders that layer in its place.
        self.sf("(begin (set! src %s) (gimp-image-set-active-layer img src))" % outcome["reply"])
        outcome = self.run_interactive("Return")
        self.assertIn("reply", outcome, outcome)
        self.assertEqual(len(self.layers().split()), 2, "re-editing added a layer instead of re-rendering")
        self.assertEqual(self.layers().strip('()').split()[0], outcome["reply"], "the re-rendered layer is not on top")
        self.assertEqual(self.sf("(car (gimp-item-get-name %s))" % outcome["reply"]), name)
        self.assertEqual(self.gimp_problems(), [], "".join(self.gimp_problems()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
