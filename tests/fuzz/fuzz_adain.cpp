// AdaIN folders (vgg_normalised.pth + decoder.pth), packed as described in
// fuzz_support.h.
#include "fuzz_support.h"
#include "impasto/style_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto folder = impasto_fuzz::unpack_files(data, size).string();
  try {
    (void)impasto::load_adain_style_model(folder);
  } catch (const impasto::Error&) {
  }
  return 0;
}
