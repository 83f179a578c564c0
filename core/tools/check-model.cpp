// impasto-check-model FILE: imports a TorchScript archive and exits 0 when
// it loads, 3 when LibTorch refuses it with an error. Anything else (a
// signal, another exit code) means LibTorch crashed on the file. The core
// runs this before it imports a TorchScript model itself, so that a
// malformed archive cannot take the host program (GIMP) down with it.
#include "check-model.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  return impasto::check_torchscript_archive(argv[1]);
}
