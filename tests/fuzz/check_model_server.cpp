// Fuzzing only: impasto-check-model's check, served over a UNIX socket by a
// process that loaded LibTorch once and forks a child per file.
//   check-model-server SOCKET
// Each connection sends a path; the reply is one byte, the child's exit
// code (0 imports, 3 refused) or 255 when it crashed or ran over 50 s.
// With check-model-client as IMPASTO_CHECK_MODEL, the core's own spawn and
// verdict code runs unchanged, at a few milliseconds per archive instead of
// the second a fresh process needs to load LibTorch (docs/fuzzing.md).
#include "check-model.h"

#include <dirent.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

namespace {

// fork() is only safe while this process has one thread.
int thread_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') ++n;
    ::closedir(d);
  }
  return n;
}

unsigned char verdict(const std::string& path) {
  const pid_t child = ::fork();
  if (child < 0) return 255;
  if (child == 0) ::_exit(impasto::check_torchscript_archive(path.c_str()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
  int status = 0;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      return 255;
    }
    ::usleep(200);
  }
  return WIFEXITED(status) ? static_cast<unsigned char>(WEXITSTATUS(status)) : 255;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
    return 2;
  }
  if (thread_count() != 1) {
    std::fprintf(stderr, "check-model-server: %d threads at start; fork would not be safe\n", thread_count());
    return 2;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, argv[1], sizeof(address.sun_path) - 1);
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ::unlink(argv[1]);
  if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener, 8) != 0) {
    std::perror("check-model-server");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  for (;;) {
    const int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) continue;
    std::string path;
    char c;
    while (::read(connection, &c, 1) == 1 && c != '\n') path += c;
    const unsigned char reply = path.empty() ? 255 : verdict(path);
    (void)!::write(connection, &reply, 1);
    ::close(connection);
  }
}
