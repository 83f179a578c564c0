/* Fuzzing only: stands in for impasto-check-model (IMPASTO_CHECK_MODEL) and
 * asks check-model-server, at the socket IMPASTO_CHECK_MODEL_SERVER names,
 * for its verdict on FILE; exits with it. Links nothing, so it starts in a
 * millisecond. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* socket_path = getenv("IMPASTO_CHECK_MODEL_SERVER");
  if (argc != 2 || !socket_path) return 2;
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  strncpy(address.sun_path, socket_path, sizeof address.sun_path - 1);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s < 0 || connect(s, (struct sockaddr*)&address, sizeof address) != 0) return 2;
  size_t n = strlen(argv[1]);
  if (write(s, argv[1], n) != (ssize_t)n || write(s, "\n", 1) != 1) return 2;
  unsigned char reply = 255;
  if (read(s, &reply, 1) != 1) return 2;
  close(s);
  return reply;
}
